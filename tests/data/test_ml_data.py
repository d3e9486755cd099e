"""Tests für kibuch.data.synthetic.business – synthetische Kunden-, Sensor- und Bestelldaten."""

import numpy as np
import pytest

from kibuch.data.synthetic.business import (
    CUSTOMER_SEGMENTS,
    make_customers,
    make_orders,
    make_sensor_data,
)


def test_customers():
    customers = make_customers(400, seed=1)
    assert list(customers.columns) == ["alter", "umsatz_jahr", "bestellungen_jahr",
                                       "anteil_rabatt", "segment_wahr"]
    assert len(customers) == 400 and customers["alter"].between(18, 85).all()
    assert set(customers["segment_wahr"].cat.categories) == set(CUSTOMER_SEGMENTS)
    means = customers.groupby("segment_wahr", observed=True)["umsatz_jahr"].mean()
    assert means["Premiumkunden"] > means["Familien"] > means["Studierende"]
    assert make_customers(400, seed=1).equals(customers)


def test_sensor_data():
    sensors = make_sensor_data(1000, anomaly_rate=0.03, seed=2)
    assert sensors["anomalie"].sum() == 30
    assert make_sensor_data(50, anomaly_rate=0.0)["anomalie"].sum() == 0
    assert sensors["zeit"].diff().dropna().nunique() == 1
    normal = sensors[sensors["anomalie"] == 0]
    assert np.corrcoef(normal["temperatur"], normal["strom"])[0, 1] > 0.8


def test_orders():
    orders = make_orders(20, seed=3)
    assert orders["alter"].isna().sum() == 4
    assert set(orders["geschlecht"]) <= {"m", "w", "d"}
    assert orders["zeitstempel"].is_monotonic_increasing


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: make_customers(2), ValueError, "n muss"),
        (lambda: make_customers(10.0), TypeError, "n muss"),
        (lambda: make_customers(10**15), ValueError, "n muss"),
        (lambda: make_sensor_data(10**15), ValueError, "n muss"),
        (lambda: make_orders(10**15), ValueError, "n muss"),
        (lambda: make_customers(10, seed=-1), ValueError, "seed"),
        (lambda: make_sensor_data(5), ValueError, "n muss"),
        (lambda: make_sensor_data(100, anomaly_rate=0.7), ValueError, "anomaly_rate"),
        (lambda: make_sensor_data(100, anomaly_rate=0.5), ValueError, "anomaly_rate"),
        (lambda: make_sensor_data(100, anomaly_rate=float("nan")), ValueError, "anomaly_rate"),
        (lambda: make_sensor_data(100, anomaly_rate="2 %"), TypeError, "anomaly_rate"),
        (lambda: make_sensor_data(100, seed=None), TypeError, "seed"),
        (lambda: make_orders(True), TypeError, "n muss"),
        (lambda: make_orders(3), ValueError, "n muss"),
        (lambda: make_orders(8, seed="0"), TypeError, "seed"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
