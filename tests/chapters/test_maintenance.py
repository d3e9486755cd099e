"""Tests für kibuch.chapters.ch06_maintenance (Kalibrierung, Kostenschwelle) und die
synthetischen Sensordaten aus kibuch.data.synthetic.sensors."""

import math

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import confusion_matrix

from kibuch.chapters.ch06_maintenance import (
    best_threshold,
    bootstrap_interval,
    cost_curve,
    decision_costs,
    expected_calibration_error,
    expected_cost,
    reliability_table,
)
from kibuch.data.synthetic.sensors import FEATURES, TARGET, MaintenanceConfig, make_sensor_data


def test_sensor_data_is_unchanged_by_the_move():
    """Dieselben Zahlen wie vor dem Umzug aus kibuch.chapters.ch06_maintenance."""
    data = make_sensor_data(MaintenanceConfig(n_samples=5), seed=0)
    assert data["temperatur"].iloc[0] == 68.33528310083484
    assert data["betriebsstunden"].iloc[4] == 5610.434542726609
    assert data["p_wahr"].iloc[0] == 0.5100624766701062
    assert list(data["typ"]) == ["B", "A", "A", "A", "C"]
    assert list(data[TARGET]) == [1, 0, 0, 0, 1]


def test_sensor_data_shape_and_reproducibility():
    a = make_sensor_data(MaintenanceConfig(n_samples=500), seed=3)
    b = make_sensor_data(MaintenanceConfig(n_samples=500), seed=3)
    assert len(a) == 500
    assert set(FEATURES) | {TARGET, "p_wahr", "verschleiss"} == set(a.columns)
    assert a.equals(b)
    assert not a.equals(make_sensor_data(MaintenanceConfig(n_samples=500), seed=4))
    assert set(a[TARGET].unique()) <= {0, 1}


def test_sensor_data_has_signal_and_temp_offset():
    data = make_sensor_data(MaintenanceConfig(n_samples=4000), seed=0)
    # Verschleiß treibt Temperatur und Ausfälle, Drehzahl ist reines Rauschen
    assert data["verschleiss"].corr(data["temperatur"]) > 0.6
    assert abs(data["verschleiss"].corr(data["drehzahl"])) < 0.1
    assert data.loc[data[TARGET] == 1, "verschleiss"].mean() > data["verschleiss"].mean()
    shifted = make_sensor_data(MaintenanceConfig(n_samples=4000, temp_offset=5.0), seed=0)
    assert np.allclose(shifted["temperatur"] - data["temperatur"], 5.0)


@pytest.mark.parametrize("kwargs", [{"n_samples": 0}, {"max_hours": 0}, {"noise": -1},
                                    {"type_shares": (0.5, 0.5, 0.5)},
                                    {"type_shares": (0.5, 0.5)}, {"type_shares": (1.2, -0.2, 0)},
                                    {"temp_offset": math.nan}, {"base_logit": math.inf},
                                    {"wear_effect": math.nan}])
def test_config_errors(kwargs):
    with pytest.raises(ValueError):
        MaintenanceConfig(**kwargs)


@pytest.mark.parametrize("kwargs", [{"n_samples": 10.5}, {"n_samples": True},
                                    {"n_samples": "100"}, {"max_hours": None},
                                    {"noise": "1"}, {"type_shares": "abc"}])
def test_config_type_errors(kwargs):
    with pytest.raises(TypeError):
        MaintenanceConfig(**kwargs)


@pytest.mark.parametrize("config, seed, error", [({"n_samples": 10}, 0, TypeError),
                                                 (None, -1, ValueError),
                                                 (None, 1.5, TypeError),
                                                 (None, None, TypeError)])
def test_make_sensor_data_argument_errors(config, seed, error):
    with pytest.raises(error, match="config|seed"):
        make_sensor_data(config, seed=seed)


def test_reliability_table_matches_sklearn():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=2000)
    y = (rng.uniform(size=2000) < p).astype(int)
    table = reliability_table(y, p, n_bins=10)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
    assert np.allclose(table["anteil_positiv"], prob_true)
    assert np.allclose(table["p_mittel"], prob_pred)
    assert table["anzahl"].sum() == 2000
    # Ein perfekt kalibriertes Modell hat kleinen ECE, ein verzerrtes großen
    assert expected_calibration_error(y, p) < 0.05
    assert expected_calibration_error(y, p**3) > 0.1


def test_threshold_minimises_cost_and_matches_bayes_rule():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=20000)
    y = (rng.uniform(size=20000) < p).astype(int)
    t, cost = best_threshold(y, p, cost_fp=1, cost_fn=9)
    assert abs(t - 0.1) <= 0.03  # Bayes-Schwelle 1 / (1 + 9)
    curve = cost_curve(y, p, cost_fp=1, cost_fn=9)
    assert cost == pytest.approx(curve["kosten"].min())
    brute = expected_cost(y, (p >= t).astype(int), cost_fp=1, cost_fn=9)
    assert cost == pytest.approx(brute)


def test_expected_cost_by_hand():
    y = np.array([1, 0, 1, 0])
    pred = np.array([1, 1, 0, 0])  # ein FP, ein FN
    assert expected_cost(y, pred, cost_fp=2, cost_fn=10) == pytest.approx(3.0)


def test_expected_cost_matches_confusion_matrix():
    rng = np.random.default_rng(4)
    y, pred = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    tn, fp, fn, tp = confusion_matrix(y, pred).ravel()
    expected = (1.5 * fp + 7 * fn) / 500
    assert expected_cost(y, pred, cost_fp=1.5, cost_fn=7) == pytest.approx(expected)


@pytest.mark.parametrize("y, p", [([0, 1], [0.2]), ([0, 2], [0.1, 0.2]), ([0, 1], [0.1, 1.5]),
                                  ([], []), ([0, 1], [np.nan, 0.3])])
def test_probability_input_errors(y, p):
    with pytest.raises(ValueError):
        reliability_table(y, p)


def test_other_errors():
    with pytest.raises(ValueError):
        reliability_table([0, 1], [0.1, 0.9], n_bins=0)
    with pytest.raises(ValueError):
        expected_cost([0, 1], [0, 1], cost_fp=-1, cost_fn=1)
    with pytest.raises(ValueError):
        expected_cost([0, 1], [0.5, 1], cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError):
        cost_curve([0, 1], [0.1, 0.9], cost_fp=1, cost_fn=1, n_steps=1)


@pytest.mark.parametrize("call, error, name", [
    (lambda: reliability_table([0, 1], [0.1, 0.9], n_bins=2.0), TypeError, "n_bins"),
    (lambda: reliability_table([0, 1], [0.1, 0.9], n_bins=True), TypeError, "n_bins"),
    (lambda: reliability_table("01", [0.1, 0.9]), TypeError, "y_true"),
    (lambda: reliability_table([0, 1], None), TypeError, "proba"),
    (lambda: reliability_table([[0, 1]], [[0.1, 0.9]]), ValueError, "y_true"),
    (lambda: expected_cost([0, 1], [0, 1], cost_fp="1", cost_fn=1), TypeError, "cost_fp"),
    (lambda: expected_cost([0, 1], [0, 1], cost_fp=1, cost_fn=math.nan), ValueError, "cost_fn"),
    (lambda: expected_cost([0, 1], [0, 1, 1], cost_fp=1, cost_fn=1), ValueError, "Längen"),
    (lambda: cost_curve([0, 1], [0.1, 0.9], cost_fp=1, cost_fn=1, n_steps="5"), TypeError,
     "n_steps"),
    (lambda: best_threshold([0, 1], [0.1, 0.9], cost_fp=None, cost_fn=1), TypeError, "cost_fp"),
    # riesige Größen: früher MemoryError statt einer Meldung
    (lambda: reliability_table([0, 1], [0.1, 0.9], n_bins=10**15), ValueError, "n_bins"),
    (lambda: expected_calibration_error([0, 1], [0.1, 0.9], n_bins=10**15), ValueError,
     "n_bins"),
    (lambda: cost_curve([0, 1], [0.1, 0.9], cost_fp=1, cost_fn=1, n_steps=10**15), ValueError,
     "n_steps"),
    (lambda: best_threshold([0, 1], [0.1, 0.9], cost_fp=1, cost_fn=1, n_steps=10**15),
     ValueError, "n_steps"),
])
def test_arguments_are_named_in_errors(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_largest_allowed_sizes_still_work():
    from kibuch.chapters.ch06_maintenance import MAX_BINS, MAX_STEPS

    y, p = np.array([0, 1, 1]), np.array([0.1, 0.55, 0.9])
    assert reliability_table(y, p, n_bins=MAX_BINS)["anzahl"].sum() == 3
    assert len(cost_curve(y, p, cost_fp=1, cost_fn=1, n_steps=MAX_STEPS)) == MAX_STEPS


def test_decision_costs_per_machine():
    y = np.array([1, 0, 1, 0])
    pred = np.array([1, 1, 0, 0])  # richtig, unnötige Wartung, übersehener Ausfall, richtig
    costs = decision_costs(y, pred, cost_fp=2, cost_fn=10)
    assert list(costs) == [0.0, 2.0, 10.0, 0.0]
    assert costs.mean() == pytest.approx(expected_cost(y, pred, cost_fp=2, cost_fn=10))
    with pytest.raises(ValueError, match="y_pred"):
        decision_costs(y, [0, 1, 2, 0], cost_fp=1, cost_fn=1)
    with pytest.raises(ValueError, match="cost_fn"):
        decision_costs(y, pred, cost_fp=1, cost_fn=-1)


def test_bootstrap_interval_covers_the_mean_with_the_expected_width():
    rng = np.random.default_rng(0)
    values = rng.normal(0.5, 2.0, size=400)
    mean, low, high = bootstrap_interval(values, n_boot=4000, seed=1)
    assert mean == pytest.approx(values.mean())
    assert low < mean < high
    # Breite ≈ 2 · 1,96 · s / √n
    assert high - low == pytest.approx(2 * 1.96 * values.std(ddof=1) / 20, rel=0.1)
    assert bootstrap_interval(values, seed=1) == bootstrap_interval(values, seed=1)
    narrow = bootstrap_interval(values, level=0.5, seed=1)
    assert low < narrow[1] < narrow[2] < high
    # konstante Werte: Intervall ohne Breite
    assert bootstrap_interval(np.full(10, 3.0)) == (3.0, 3.0, 3.0)


def test_bootstrap_interval_in_blocks_matches_one_block(monkeypatch):
    import kibuch.chapters.ch06_maintenance as maintenance

    values = np.random.default_rng(2).normal(size=50)
    whole = maintenance.bootstrap_interval(values, n_boot=300, seed=3)
    monkeypatch.setattr(maintenance, "BOOT_BLOCK", 50 * 7)  # Blöcke zu 7 Wiederholungen
    assert maintenance.bootstrap_interval(values, n_boot=300, seed=3) == pytest.approx(whole)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"values": [1.0]}, ValueError, "values"),
    ({"values": [1.0, np.nan]}, ValueError, "values"),
    ({"values": "12"}, TypeError, "values"),
    ({"values": [1.0, 2.0], "level": 1.0}, ValueError, "level"),
    ({"values": [1.0, 2.0], "level": 0}, ValueError, "level"),
    ({"values": [1.0, 2.0], "n_boot": 10}, ValueError, "n_boot"),
    ({"values": [1.0, 2.0], "n_boot": 10**9}, ValueError, "n_boot"),
    ({"values": [1.0, 2.0], "n_boot": 500.0}, TypeError, "n_boot"),
    ({"values": [1.0, 2.0], "seed": -1}, ValueError, "seed"),
])
def test_bootstrap_interval_errors(kwargs, error, name):
    values = kwargs.pop("values")
    with pytest.raises(error, match=name):
        bootstrap_interval(values, **kwargs)
