"""Tests für kibuch.chapters.ch03_2_playground."""

import numpy as np
import pytest

from kibuch.chapters.ch03_2_playground import (
    PlaygroundConfig,
    PlaygroundResult,
    run_playground,
    surface_figure,
)


def test_learns_xor_and_records_curves():
    cfg = PlaygroundConfig(dataset="xor", hidden=(4,), lr=0.3, epochs=40, snapshot_every=10,
                           resolution=12, n_train=120, n_test=80)
    result = run_playground(cfg)
    assert len(result.train_loss) == len(result.test_loss) == 40
    assert result.snapshot_epochs == [10, 20, 30, 40]
    assert all(s.shape == (12, 12) for s in result.surfaces)
    assert all((s >= 0).all() and (s <= 1).all() for s in result.surfaces)
    assert result.train_loss[-1] < 0.5 * result.train_loss[0]
    assert result.test_acc > 0.9
    # Entscheidungsfläche passt zu den Quadranten: oben rechts Klasse 1, oben links Klasse 0
    final = result.surfaces[-1]
    assert final[-2, -2] > 0.5 > final[-2, 1]


def test_learning_rate_switch_and_features():
    cfg = PlaygroundConfig(dataset="kreise", features=("x1^2", "x2^2"), hidden=(2,), lr=1.0,
                           lr_after=0.3, switch_epoch=10, epochs=20, n_train=100, n_test=50,
                           resolution=5)
    result = run_playground(cfg)
    assert len(result.train_loss) == 20
    assert result.snapshot_epochs[-1] == 20
    assert result.train_acc > 0.9  # Quadrate machen die Kreise linear trennbar
    assert result.n_params == 2 * 2 + 2 + 2 * 2 + 2


def test_no_hidden_layer_and_missing_model():
    cfg = PlaygroundConfig(dataset="kreise", features=("x1^2", "x2^2"), hidden=(), lr=0.5,
                           epochs=30, n_train=100, n_test=100, resolution=4)
    result = run_playground(cfg)
    assert result.n_params == 2 * 2 + 2
    assert result.test_acc > 0.95
    with pytest.raises(ValueError, match="kein Modell"):
        _ = PlaygroundResult(config=cfg).n_params


def test_reproducible():
    cfg = PlaygroundConfig(dataset="gauss", noise=0.3, epochs=5, n_train=50, n_test=50)
    a, b = run_playground(cfg), run_playground(cfg)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.surfaces[-1], b.surfaces[-1])


@pytest.mark.parametrize(
    "kwargs, name",
    [({"dataset": "mond"}, "dataset"), ({"epochs": 0}, "epochs"),
     ({"snapshot_every": -1}, "snapshot_every"), ({"lr": 0}, "lr"),
     ({"lr_after": 0.1, "switch_epoch": 0}, "switch_epoch"),
     ({"lr_after": -1.0, "switch_epoch": 5}, "lr_after"), ({"noise": 1.5}, "noise"),
     ({"noise": float("nan")}, "noise"), ({"features": ("x1", "x3")}, "features"),
     ({"features": ()}, "features"), ({"hidden": (4, 0)}, "hidden"),
     ({"activation": "gelu"}, "activation"), ({"seed": -1}, "seed"),
     ({"lr_after": 0.1, "switch_epoch": 100}, "switch_epoch")],
)
def test_config_errors(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PlaygroundConfig(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [({"batch_size": True}, "batch_size"), ({"epochs": 10.0}, "epochs"),
     ({"features": "x1"}, "features"), ({"hidden": 4}, "hidden"), ({"hidden": (4, 2.0)}, "hidden"),
     ({"lr": "0.1"}, "lr"), ({"noise": None}, "noise"), ({"dataset": None}, "dataset"),
     ({"switch_epoch": "10"}, "switch_epoch")],
)
def test_config_type_errors(kwargs, name):
    with pytest.raises(TypeError, match=name):
        PlaygroundConfig(**kwargs)


def test_config_normalises_types():
    cfg = PlaygroundConfig(features=["x1", "x2"], hidden=[np.int64(3)], noise=0, epochs=np.int64(5))
    assert cfg.features == ("x1", "x2") and cfg.hidden == (3,)
    assert type(cfg.noise) is float and type(cfg.epochs) is int
    with pytest.raises(ValueError, match="Meinten Sie 'spirale'"):
        PlaygroundConfig(dataset="spiral")


def test_type_error():
    with pytest.raises(TypeError):
        run_playground({"dataset": "xor"})


def test_surface_figure_slider_toggles_visibility():
    cfg = PlaygroundConfig(dataset="xor", epochs=4, snapshot_every=2, resolution=6,
                           n_train=40, n_test=20)
    result = run_playground(cfg)
    steps = [(f"Epoche {e}", s) for e, s in zip(result.snapshot_epochs, result.surfaces,
                                                strict=True)]
    fig = surface_figure(steps, result.xs, result.X_test, result.y_test)
    assert len(fig.data) == len(steps) + 2  # Flächen plus zwei Punktwolken
    assert [t.visible for t in fig.data[:2]] == [False, True]
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["Epoche 2", "Epoche 4"]
    assert list(slider.steps[0].args[0]["visible"]) == [True, False, True, True]
    n_points = len(fig.data[-1].x) + len(fig.data[-2].x)
    assert n_points == 20
    with pytest.raises(ValueError, match="leer"):
        surface_figure([], result.xs, result.X_test, result.y_test)
    with pytest.raises(ValueError, match="Form"):
        surface_figure([("x", np.zeros((2, 2)))], result.xs, result.X_test, result.y_test)
    with pytest.raises(ValueError, match="Längen"):
        surface_figure(steps, result.xs, result.X_test, result.y_test[:-1])
    with pytest.raises(TypeError, match="steps"):
        surface_figure("Epoche 2", result.xs, result.X_test, result.y_test)
    with pytest.raises(TypeError, match="slider_prefix"):
        surface_figure(steps, result.xs, result.X_test, result.y_test, slider_prefix=None)


def test_playground_figures():
    from kibuch.data.synthetic.toy2d import make_toy2d
    from kibuch.viz.nn_figures import (
        curves_figure,
        noise_figure,
        toy_data_figure,
        train_test_figure,
    )
    from kibuch.viz.plotting import PALETTE

    samples = {noise: {name: make_toy2d(name, n=20, noise=noise, seed=0)
                       for name in ("kreise", "xor")} for noise in (0.0, 0.5)}
    fig = toy_data_figure(samples)
    assert len(fig.data) == 2 * 2 * 2  # Stufen × Datensätze × Klassen
    assert [t.visible for t in fig.data] == [True] * 4 + [False] * 4
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["0,00", "0,50"]
    assert list(slider.steps[1].args[0]["visible"]) == [False] * 4 + [True] * 4
    X, y = samples[0.5]["xor"]
    np.testing.assert_allclose(fig.data[6].x, np.round(X[y == 1, 0], 2))

    cfg = PlaygroundConfig(dataset="gauss", epochs=3, n_train=20, n_test=20, resolution=4)
    a, b = run_playground(cfg), run_playground(PlaygroundConfig(
        dataset="gauss", epochs=3, n_train=20, n_test=20, resolution=4, lr=0.3))
    fig = curves_figure([a, b], ["a", "b"], which="train_loss")
    np.testing.assert_allclose(fig.data[1].y, np.round(b.train_loss, 4))
    with pytest.raises(ValueError, match="Längen"):
        curves_figure([a, b], ["a"])
    fig = train_test_figure({"klein": a, "groß": b})
    assert [t.name for t in fig.data] == ["klein: Training", "groß: Training", "klein: Test",
                                          "groß: Test"]
    assert [t.line.dash for t in fig.data] == ["solid", "solid", "dash", "dash"]
    assert [t.line.color for t in fig.data] == [PALETTE[0], PALETTE[3]] * 2
    np.testing.assert_allclose(fig.data[3].y, np.round(b.test_loss, 4))
    fig = noise_figure([0.0, 0.3], {"gauss": [a, b]})
    assert [t.name for t in fig.data] == ["Gauß: Training", "Gauß: Test"]
    assert list(fig.data[1].y) == [round(a.test_loss[-1], 4), round(b.test_loss[-1], 4)]
    with pytest.raises(TypeError, match="noise_results"):
        noise_figure([0.0], [a])
