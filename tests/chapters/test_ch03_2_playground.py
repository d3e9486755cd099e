"""Tests für Lernratenpläne, Seeds und Vergleiche in kibuch.chapters.ch03_2_playground."""

from dataclasses import replace

import numpy as np
import pytest

from kibuch.chapters.ch03_2_playground import (
    METRICS,
    VERDICTS,
    PlaygroundConfig,
    compare,
    finals,
    loss_jitter,
    lr_per_epoch,
    mean_sd,
    run_playground,
    run_seeds,
    summary_table,
)
from kibuch.data.synthetic.toy2d import add_features, make_toy2d
from kibuch.scratch.mlp_numpy import NumpyMLP, NumpyMLPConfig, train

TINY = dict(dataset="kreise", noise=0.1, hidden=(3,), epochs=6, n_train=40, n_test=30,
            resolution=4)


# --- Lernratenpläne ---------------------------------------------------------------------------


def test_lr_per_epoch_constant_step_and_cosine():
    np.testing.assert_array_equal(lr_per_epoch(PlaygroundConfig(lr=0.3, epochs=4)), [0.3] * 4)
    step = lr_per_epoch(PlaygroundConfig(lr=1.0, lr_after=0.3, switch_epoch=2, epochs=5))
    np.testing.assert_array_equal(step, [1.0, 1.0, 0.3, 0.3, 0.3])
    cos = lr_per_epoch(PlaygroundConfig(lr=1.0, lr_final=0.2, epochs=8))
    reference = [0.2 + 0.8 * 0.5 * (1 + np.cos(np.pi * e / 8)) for e in range(8)]
    np.testing.assert_allclose(cos, reference)
    assert cos[0] == 1.0 and np.all(np.diff(cos) < 0) and cos[-1] > 0.2
    np.testing.assert_allclose(cos[4], 0.6)  # halbe Strecke: Mitte zwischen lr und lr_final
    assert lr_per_epoch().shape == (PlaygroundConfig().epochs,)


@pytest.mark.parametrize(
    "kwargs, error, name",
    [({"lr": 0.3, "lr_final": 0.5}, ValueError, "lr_final"),
     ({"lr_final": -0.1}, ValueError, "lr_final"),
     ({"lr_final": float("nan")}, ValueError, "lr_final"),
     ({"lr_final": "0"}, TypeError, "lr_final"),
     ({"lr_final": 0.0, "lr_after": 0.01, "switch_epoch": 5}, ValueError, "lr_final"),
     ({"n_val": -1}, ValueError, "n_val"), ({"n_val": True}, TypeError, "n_val"),
     ({"n_val": 2.0}, TypeError, "n_val")],
)
def test_new_config_fields_are_checked(kwargs, error, name):
    with pytest.raises(error, match=name):
        PlaygroundConfig(**kwargs)


def test_lr_per_epoch_rejects_other_types():
    with pytest.raises(TypeError, match="cfg"):
        lr_per_epoch({"lr": 0.3})


def test_cosine_with_equal_ends_is_the_constant_run():
    """lr_final = lr ergibt eine konstante Lernrate – und genau den konstanten Lauf."""
    a = run_playground(PlaygroundConfig(**TINY, lr=0.3))
    b = run_playground(PlaygroundConfig(**TINY, lr=0.3, lr_final=0.3))
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.test_loss, b.test_loss)


def _reference_run(cfg):
    """Unabhängige Nachrechnung: je Abschnitt gleicher Lernrate ein train()-Aufruf."""
    X, y = make_toy2d(cfg.dataset, cfg.n_train, cfg.noise, seed=cfg.seed)
    scale = np.abs(add_features(X, cfg.features)).max(axis=0) + 1e-12
    F = add_features(X, cfg.features) / scale
    model = NumpyMLP(NumpyMLPConfig(sizes=(len(cfg.features), *cfg.hidden, 2),
                                    activation=cfg.activation, seed=cfg.seed))
    lrs = lr_per_epoch(cfg)
    losses, phase, start = [], 0, 0
    for e in range(1, cfg.epochs + 1):
        if e == cfg.epochs or lrs[e] != lrs[start]:
            losses += train(model, F, y, lr=float(lrs[start]), epochs=e - start,
                            batch_size=cfg.batch_size, seed=cfg.seed + phase)
            phase, start = phase + 1, e
    return losses


@pytest.mark.parametrize("plan", [{"lr_final": 0.0}, {"lr_after": 0.1, "switch_epoch": 2}])
def test_schedules_match_reference(plan):
    cfg = PlaygroundConfig(**TINY, lr=1.0, **plan)
    np.testing.assert_allclose(run_playground(cfg).train_loss, _reference_run(cfg))


def test_step_schedule_keeps_one_final_surface():
    """Die Entscheidungsfläche am Ende der ersten Phase ist kein Schnappschuss."""
    result = run_playground(PlaygroundConfig(**TINY, lr=1.0, lr_after=0.3, switch_epoch=3))
    assert result.snapshot_epochs == [TINY["epochs"]] and len(result.surfaces) == 1


# --- Validierungsdaten und Seeds --------------------------------------------------------------


def test_validation_split_is_recorded_and_separate():
    result = run_playground(PlaygroundConfig(**TINY, n_val=25))
    assert len(result.val_loss) == len(result.test_loss) == TINY["epochs"]
    assert 0 <= result.val_acc <= 1
    # eigene Stichprobe: weder Trainings- noch Testpunkte
    X_val, _ = make_toy2d("kreise", 25, 0.1, seed=20_000)
    assert not np.allclose(X_val[:5], result.X_train[:5])
    assert not np.allclose(X_val[:5], result.X_test[:5])
    without = run_playground(PlaygroundConfig(**TINY))
    assert without.val_loss == [] and np.isnan(without.val_acc)
    np.testing.assert_array_equal(without.train_loss, result.train_loss)  # ändert nichts
    with pytest.raises(ValueError, match="val_loss"):
        finals([without], "val_loss")


def test_run_seeds_uses_each_seed():
    cfg = PlaygroundConfig(**TINY)
    results = run_seeds(cfg, (3, 4))
    assert [r.config.seed for r in results] == [3, 4] and cfg.seed == 0
    np.testing.assert_array_equal(results[1].train_loss,
                                  run_playground(replace(cfg, seed=4)).train_loss)
    assert results[0].train_loss != results[1].train_loss
    for bad, error in (([], ValueError), ((1, -1), ValueError), ("01", TypeError),
                       ((1, 2.0), TypeError), ((True,), TypeError)):
        with pytest.raises(error, match="seeds"):
            run_seeds(cfg, bad)


# --- Kennzahlen, Urteile, Tabelle -------------------------------------------------------------


@pytest.fixture(scope="module")
def two_runs():
    cfg = PlaygroundConfig(**TINY, n_val=20)
    return {"a": run_seeds(cfg, (0, 1)), "b": run_seeds(replace(cfg, lr=0.3), (0, 1))}


def test_finals_and_jitter(two_runs):
    runs = two_runs["a"]
    np.testing.assert_array_equal(finals(runs, "test_loss"), [r.test_loss[-1] for r in runs])
    np.testing.assert_array_equal(finals(runs, "test_acc"), [r.test_acc for r in runs])
    np.testing.assert_allclose(loss_jitter(runs, start=2),
                               [np.std(np.diff(r.train_loss[2:])) for r in runs])
    with pytest.raises(ValueError, match="Meinten Sie 'test_acc'"):
        finals(runs, "test_accuracy")
    with pytest.raises(ValueError, match="start"):
        loss_jitter(runs, start=TINY["epochs"] - 1)
    with pytest.raises(TypeError, match="results"):
        finals(runs[0], "test_loss")
    with pytest.raises(TypeError, match=r"results\[1\]"):
        loss_jitter([runs[0], "x"])


def _pooled(a, b):
    return np.sqrt((np.var(a, ddof=1) + np.var(b, ddof=1)) / 2)


def test_compare_follows_the_two_sd_rule():
    old = np.array([1.0, 1.2, 0.8])  # sd 0,2
    assert _pooled(old, old) == pytest.approx(0.2)
    assert compare(old - 0.5, old) == "hilft"  # 0,5 > 2 · 0,2
    assert compare(old + 0.5, old) == "schadet"
    assert compare(old - 0.3, old) == "kein klarer Unterschied"  # 0,3 < 0,4
    assert compare(old - 0.3, old, factor=1.0) == "hilft"
    assert compare(old + 0.5, old, lower_is_better=False) == "hilft"  # Genauigkeit
    assert set(VERDICTS) == {"hilft", "schadet", "kein klarer Unterschied"}


@pytest.mark.parametrize(
    "kwargs, error, name",
    [({"new": [1.0], "old": [1.0, 2.0]}, ValueError, "new"),
     ({"new": [1.0, np.nan], "old": [1.0, 2.0]}, ValueError, "new"),
     ({"new": [1.0, 2.0], "old": "12"}, TypeError, "old"),
     ({"new": [1.0, 2.0], "old": [1.0, 2.0], "lower_is_better": 1}, TypeError, "lower_is_better"),
     ({"new": [1.0, 2.0], "old": [1.0, 2.0], "factor": -1.0}, ValueError, "factor")],
)
def test_compare_errors(kwargs, error, name):
    with pytest.raises(error, match=name):
        compare(**kwargs)


def test_mean_sd_formats_german():
    assert mean_sd([0.2, 0.1, 0.3]) == "0,200 ± 0,100"
    assert mean_sd([0.9, 0.95], 1, percent=True) == "92,5 ± 3,5\u202f%"
    with pytest.raises(ValueError, match="values"):
        mean_sd([0.5])
    with pytest.raises(TypeError, match="percent"):
        mean_sd([0.5, 0.6], percent="ja")


def test_summary_table(two_runs):
    table = summary_table(two_runs)
    assert list(table.index) == ["a", "b"] and table.index.name == "Einstellung"
    assert list(table.columns) == [METRICS[m] for m in ("train_loss", "val_loss", "test_loss",
                                                        "test_acc")]
    assert table.loc["b", "Testverlust"] == mean_sd(finals(two_runs["b"], "test_loss"))
    assert table.loc["a", "Testgenauigkeit"].endswith("%")
    with pytest.raises(TypeError, match="runs"):
        summary_table(list(two_runs.values()))
    with pytest.raises(ValueError, match="metrics"):
        summary_table(two_runs, metrics=("test_loss", "f1"))


def test_band_figure(two_runs):
    from kibuch.viz.nn_figures import band_figure

    fig = band_figure(two_runs)
    assert len(fig.data) == 2 * 2 * 2  # Einstellungen × Felder × (Band, Linie)
    band, line = fig.data[0], fig.data[1]
    curves = np.array([r.train_loss for r in two_runs["a"]])
    np.testing.assert_allclose(line.y, np.round(curves.mean(axis=0), 4))
    n = curves.shape[1]
    np.testing.assert_allclose(band.y[:n], np.round(curves.max(axis=0), 4))
    np.testing.assert_allclose(band.y[n:], np.round(curves.min(axis=0), 4)[::-1])
    assert [t.showlegend for t in fig.data if t.fill != "toself"] == [True, False] * 2
    assert fig.data[3].xaxis == "x2" and fig.layout.yaxis.type == "log"
    one = band_figure(two_runs, which=["test_loss"])
    assert len(one.data) == 4
    with pytest.raises(ValueError, match="which"):
        band_figure(two_runs, which=("train_acc",))
    with pytest.raises(TypeError, match="runs"):
        band_figure(list(two_runs.values()))
    short = replace(two_runs["a"][1], train_loss=two_runs["a"][1].train_loss[:-1])
    with pytest.raises(ValueError, match="Längen"):
        band_figure({"a": [two_runs["a"][0], short]})


def test_noise_figure_with_seeds(two_runs):
    from kibuch.viz.nn_figures import noise_figure

    a, b = two_runs["a"], two_runs["b"]  # je zwei Seeds
    fig = noise_figure([0.0, 0.3], {"gauss": [a, b]})
    assert [t.name for t in fig.data] == ["Gauß: Training", "Gauß: Test"]
    test_a = np.array([r.test_loss[-1] for r in a])
    np.testing.assert_allclose(fig.data[1].y[0], round(float(np.median(test_a)), 4))
    err = fig.data[1].error_y
    assert err.symmetric is False
    np.testing.assert_allclose(err.array[0], np.round(test_a.max() - np.median(test_a), 4))
    np.testing.assert_allclose(err.arrayminus[0], np.round(np.median(test_a) - test_a.min(), 4))
    single = noise_figure([0.0, 0.3], {"gauss": [a[0], b[0]]})  # ein Lauf je Stufe: ohne Balken
    assert single.data[0].error_y.array is None
    with pytest.raises(ValueError, match="Seeds"):
        noise_figure([0.0, 0.3], {"gauss": [a, b[:1]]})
    with pytest.raises(TypeError, match=r"noise_results\['gauss'\]\[1\]"):
        noise_figure([0.0, 0.3], {"gauss": [a, [b[0], "kein Ergebnis"]]})
