"""Tests für kibuch.chapters.ch03_1_playground – Kurvenfits und Baum-Spielwiese."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from kibuch.chapters.ch03_1_playground import (
    CURVE_MODELS,
    curve_features,
    depth_sweep,
    fit_curve,
    make_curve_data,
    make_regression_1d,
    make_regression_2d,
    make_tree_model,
    predict_curve,
    rmse,
)


def test_linear_and_quadratic_fit_match_numpy():
    x, y = make_curve_data(50, seed=1)
    lin = fit_curve("a·x + b", x, y)
    a, b = np.polyfit(x, y, 1)
    assert lin == pytest.approx({"a": a, "b": b})
    quad = fit_curve("a·x + b·x² + c", x, y)
    b2, a2, c2 = np.polyfit(x, y, 2)
    assert quad == pytest.approx({"a": a2, "b": b2, "c": c2})


def test_sine_model_matches_sklearn_and_recovers_truth():
    x, y = make_curve_data(400, noise=0.05, seed=2)
    params = fit_curve("a + b/x + c·sin(x)", x, y)
    features = np.column_stack([1 / x, np.sin(x)])
    ref = LinearRegression().fit(features, y)
    assert params["a"] == pytest.approx(ref.intercept_)
    assert [params["b"], params["c"]] == pytest.approx(ref.coef_)
    assert params == pytest.approx({"a": 1.0, "b": 2.0, "c": 1.5}, abs=0.05)
    pred = predict_curve("a + b/x + c·sin(x)", params, x)
    np.testing.assert_allclose(pred, ref.predict(features))


def test_rmse():
    assert rmse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(np.sqrt(4 / 3))
    assert rmse([2.0], [2.0]) == 0.0


def test_depth_sweep_matches_sklearn_and_overfits():
    X, y = make_regression_1d(200, seed=0)
    X_test, y_test = make_regression_1d(200, seed=1)
    grid = np.linspace(0, 6, 7)[:, None]
    sweep = depth_sweep(X, y, X_test, y_test, [1, 3, 12], grid=grid)
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
    assert sweep.rmse_test[1] == pytest.approx(rmse(y_test, tree.predict(X_test)))
    np.testing.assert_allclose(sweep.grid_predictions[1], tree.predict(grid))
    assert sweep.grid_predictions.shape == (3, 7)
    assert np.all(np.diff(sweep.rmse_train) < 0)  # tiefer = Trainingsfehler kleiner
    assert sweep.rmse_test[2] > sweep.rmse_train[2]  # tiefer Baum: Overfitting
    forest = depth_sweep(X, y, X_test, y_test, [12], forest=True, n_estimators=20)
    assert forest.rmse_test[0] < sweep.rmse_test[2]  # Mitteln vieler Bäume hilft
    assert forest.grid_predictions is None


def test_generators_shapes_and_determinism():
    X1, y1 = make_regression_2d(30, seed=4)
    X2, y2 = make_regression_2d(30, seed=4)
    assert X1.shape == (30, 2) and y1.shape == (30,)
    np.testing.assert_array_equal(X1, X2)
    x, _ = make_curve_data(10)
    assert np.all(np.diff(x) >= 0)
    assert set(CURVE_MODELS) == {"a·x + b", "a + b/x + c·sin(x)", "a·x + b·x² + c"}


def test_errors():
    x = np.linspace(1, 2, 5)
    with pytest.raises(KeyError, match="Unbekanntes Modell"):
        fit_curve("a·x³", x, x)
    with pytest.raises(ValueError, match="x = 0"):
        curve_features("a + b/x + c·sin(x)", np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="gleich lange"):
        fit_curve("a·x + b", x, x[:3])
    with pytest.raises(ValueError, match="NaN"):
        fit_curve("a·x + b", np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="mindestens"):
        fit_curve("a·x + b·x² + c", x[:2], x[:2])
    with pytest.raises(ValueError, match="Schlüssel"):
        predict_curve("a·x + b", {"a": 1.0}, x)
    with pytest.raises(ValueError, match="1D"):
        curve_features("a·x + b", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Formen"):
        rmse([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="n muss"):
        make_curve_data(1)
    with pytest.raises(ValueError, match="noise"):
        make_regression_1d(10, noise=-1)
    with pytest.raises(ValueError, match="n muss"):
        make_regression_2d(0)
    with pytest.raises(ValueError, match="x_range"):
        make_curve_data(10, x_range=(0.0, 1.0))
    with pytest.raises(ValueError, match="depth"):
        make_tree_model(0)
    with pytest.raises(ValueError, match="n_estimators"):
        make_tree_model(2, forest=True, n_estimators=0)
    X, y = make_regression_1d(20)
    with pytest.raises(ValueError, match="leer"):
        depth_sweep(X, y, X, y, [])
    with pytest.raises(ValueError, match="Zeilen"):
        depth_sweep(X, y[:5], X, y, [2])
    with pytest.raises(ValueError, match="2D"):
        depth_sweep(X[:, 0], y, X, y, [2])
    with pytest.raises(ValueError, match="grid"):
        depth_sweep(X, y, X, y, [2], grid=np.zeros((3, 2)))


def test_visibility_slider():
    import plotly.graph_objects as go

    from kibuch.chapters.ch03_1_playground import add_visibility_slider

    fig = go.Figure([go.Scatter(y=[0, 1]), go.Scatter(y=[1, 2]), go.Scatter(y=[2, 3])])
    add_visibility_slider(fig, [[1], [2]], ["a", "b"], titles=["T1", "T2"], prefix="Tiefe: ")
    steps = fig.layout.sliders[0].steps
    assert steps[0].args[0]["visible"] == [True, True, False]
    assert steps[1].args[0]["visible"] == [True, False, True]
    assert steps[1].args[1] == {"title.text": "T2"}
    assert [t.visible for t in fig.data] == [True, True, False]
    with pytest.raises(ValueError, match="gleich lang"):
        add_visibility_slider(fig, [[1]], ["a", "b"])
    with pytest.raises(ValueError, match="Spurnummern"):
        add_visibility_slider(fig, [[7]], ["a"])
    with pytest.raises(ValueError, match="titles"):
        add_visibility_slider(fig, [[1]], ["a"], titles=["x", "y"])
