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
    "kwargs",
    [{"dataset": "mond"}, {"epochs": 0}, {"batch_size": True}, {"snapshot_every": -1},
     {"lr": 0}, {"lr_after": 0.1, "switch_epoch": 0}, {"lr_after": -1.0, "switch_epoch": 5}],
)
def test_config_errors(kwargs):
    with pytest.raises(ValueError):
        PlaygroundConfig(**kwargs)


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
