"""Tests für kibuch.data.synthetic.prices – die synthetische Strompreisreihe der Datumsfalle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kibuch.data.synthetic.prices import PriceSeriesConfig, make_price_series


def test_price_series_shape_and_reproducibility():
    a = make_price_series()
    b = make_price_series(PriceSeriesConfig(seed=0))
    c = make_price_series(PriceSeriesConfig(seed=1))
    assert list(a.columns) == ["datum", "preis"]
    assert len(a) == 366
    assert a["datum"].iloc[0] == pd.Timestamp("2024-01-01")
    assert (a["datum"].diff().dropna() == pd.Timedelta(days=1)).all()
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["preis"], c["preis"])


def test_price_series_matches_formula():
    """Unabhängig nachgerechnet: Saison + Wochenende + Trend + Rauschen, auf Cent gerundet."""
    cfg = PriceSeriesConfig(days=40, seed=3)
    series = make_price_series(cfg)
    dates = pd.date_range(cfg.start, periods=cfg.days, freq="D")
    rng = np.random.default_rng(cfg.seed)
    expected = (cfg.base
                + cfg.seasonal * np.cos(2 * np.pi * (dates.day_of_year.to_numpy() - 15) / 365.25)
                - cfg.weekend * (dates.day_of_week.to_numpy() >= 5)
                + cfg.trend * np.arange(cfg.days) / (cfg.days - 1)
                + rng.normal(0, cfg.noise, cfg.days))
    np.testing.assert_array_equal(series["preis"].to_numpy(), expected.round(2))


def test_price_series_components():
    # Ohne Rauschen und Trend: Wochenende genau um `weekend` billiger als der Freitag davor
    cfg = PriceSeriesConfig(noise=0.0, trend=0.0, seasonal=0.0, weekend=15.0, days=14)
    series = make_price_series(cfg).set_index("datum")["preis"]
    weekend = series[series.index.day_of_week >= 5]
    workday = series[series.index.day_of_week < 5]
    assert np.allclose(weekend, cfg.base - 15.0)
    assert np.allclose(workday, cfg.base)
    # Winter teurer als Sommer
    cfg = PriceSeriesConfig(noise=0.0, trend=0.0, weekend=0.0)
    full = make_price_series(cfg).set_index("datum")
    assert full.loc["2024-01-15", "preis"] > full.loc["2024-07-15", "preis"] + 50


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"days": 1}, ValueError, "days"),
        ({"days": 2.5}, TypeError, "days"),
        ({"days": True}, TypeError, "days"),
        ({"days": "30"}, TypeError, "days"),
        ({"noise": -1.0}, ValueError, "noise"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"base": None}, TypeError, "base"),
        ({"trend": float("inf")}, ValueError, "trend"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"start": "kein Datum"}, ValueError, "start"),
        ({"start": 2024}, TypeError, "start"),
    ],
)
def test_price_series_invalid_config(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_price_series(PriceSeriesConfig(**kwargs))


def test_config_is_checked_when_built():
    with pytest.raises(ValueError, match="days"):
        PriceSeriesConfig(days=10**15)
    with pytest.raises(TypeError, match="start"):
        PriceSeriesConfig(start=None)


def test_price_series_wrong_config_type():
    with pytest.raises(TypeError, match="PriceSeriesConfig"):
        make_price_series({"days": 10})
