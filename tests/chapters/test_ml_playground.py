"""Tests für kibuch.chapters.ch03_1_playground – Kurvenfits und Baum-Spielwiese."""

import numpy as np
import pytest
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from kibuch.chapters.ch03_1_playground import (
    CURVE_MODELS,
    curve_features,
    depth_sweep,
    fit_curve,
    make_tree_model,
    predict_curve,
    rmse,
)
from kibuch.data.synthetic.curves import make_curve_data, make_regression_1d


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


def test_minimum_number_of_points_is_number_of_parameters():
    x = np.array([1.0, 2.0, 3.0])
    params = fit_curve("a·x + b·x² + c", x, 2 * x**2 + 1)  # drei Punkte, drei Parameter
    assert params == pytest.approx({"a": 0.0, "b": 2.0, "c": 1.0}, abs=1e-9)
    with pytest.raises(ValueError, match="mindestens 3"):
        fit_curve("a·x + b·x² + c", x[:2], x[:2])


def test_rmse():
    assert rmse([1.0, 2.0, 3.0], [1.0, 2.0, 5.0]) == pytest.approx(np.sqrt(4 / 3))
    assert rmse([2.0], [2.0]) == 0.0
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=50), rng.normal(size=50)
    assert rmse(a, b) == pytest.approx(np.linalg.norm(a - b) / np.sqrt(50))


def test_depth_sweep_matches_sklearn_and_overfits():
    X, y = make_regression_1d(200, seed=0)
    X_test, y_test = make_regression_1d(200, seed=1)
    grid = np.linspace(0, 6, 7)[:, None]
    sweep = depth_sweep(X, y, X_test, y_test, [1, 3, 12], grid=grid)
    tree = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y)
    assert sweep.rmse_test[1] == pytest.approx(rmse(y_test, tree.predict(X_test)))
    np.testing.assert_allclose(sweep.grid_predictions[1], tree.predict(grid))
    assert sweep.grid_predictions.shape == (3, 7)
    np.testing.assert_array_equal(sweep.depths, [1, 3, 12])
    assert np.all(np.diff(sweep.rmse_train) < 0)  # tiefer = Trainingsfehler kleiner
    assert sweep.rmse_test[2] > sweep.rmse_train[2]  # tiefer Baum: Overfitting
    forest = depth_sweep(X, y, X_test, y_test, [12], forest=True, n_estimators=20)
    assert forest.rmse_test[0] < sweep.rmse_test[2]  # Mitteln vieler Bäume hilft
    assert forest.grid_predictions is None
    ref = RandomForestRegressor(n_estimators=20, max_depth=12, random_state=0, n_jobs=1).fit(X, y)
    assert forest.rmse_test[0] == pytest.approx(rmse(y_test, ref.predict(X_test)))


def test_depths_accept_numpy_and_range():
    X, y = make_regression_1d(30, seed=3)
    a = depth_sweep(X, y, X, y, range(1, 4))
    b = depth_sweep(X, y, X, y, np.array([1, 2, 3]))
    np.testing.assert_array_equal(a.rmse_train, b.rmse_train)


def test_make_tree_model():
    assert isinstance(make_tree_model(None), DecisionTreeRegressor)
    forest = make_tree_model(np.int64(4), forest=True, n_estimators=7, seed=2)
    assert isinstance(forest, RandomForestRegressor)
    assert (forest.max_depth, forest.n_estimators, forest.random_state) == (4, 7, 2)
    assert forest.max_features == 1.0  # alle Merkmale an jedem Knoten: Bagging


def test_models_table():
    assert set(CURVE_MODELS) == {"a·x + b", "a + b/x + c·sin(x)", "a·x + b·x² + c"}
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(curve_features("a·x + b·x² + c", x),
                                  [[1.0, 1.0, 1.0], [2.0, 4.0, 1.0]])


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda x: fit_curve("a·x³", x, x), ValueError, "Meinten Sie|Unbekannter Wert"),
        (lambda x: fit_curve(None, x, x), TypeError, "name"),
        (lambda x: curve_features("a + b/x + c·sin(x)", np.array([0.0, 1.0])), ValueError,
         "x = 0"),
        (lambda x: fit_curve("a·x + b", x, x[:3]), ValueError, "Längen"),
        (lambda x: fit_curve("a·x + b", np.array([1.0, np.nan]), np.array([1.0, 2.0])),
         ValueError, "NaN"),
        (lambda x: fit_curve("a·x + b", "1, 2, 3", x), TypeError, "x muss"),
        (lambda x: fit_curve("a·x + b", x[:, None], x), ValueError, "1-dimensional"),
        (lambda x: predict_curve("a·x + b", {"a": 1.0}, x), ValueError, "Schlüssel"),
        (lambda x: predict_curve("a·x + b", [1.0, 2.0], x), TypeError, "params"),
        (lambda x: predict_curve("a·x + b", {"a": 1.0, "b": "2"}, x), TypeError, "params"),
        (lambda x: predict_curve("a·x + b", {"a": 1.0, "b": np.nan}, x), ValueError, "params"),
        (lambda x: curve_features("a·x + b", np.zeros((2, 2))), ValueError, "1-dimensional"),
        (lambda x: rmse([1.0, 2.0], [1.0]), ValueError, "Längen"),
        (lambda x: rmse([], []), ValueError, "mindestens"),
        (lambda x: rmse([1.0, np.inf], [1.0, 2.0]), ValueError, "NaN"),
        (lambda x: make_tree_model(0), ValueError, "depth"),
        (lambda x: make_tree_model(2.5), TypeError, "depth"),
        (lambda x: make_tree_model(True), TypeError, "depth"),
        (lambda x: make_tree_model(2, forest=True, n_estimators=0), ValueError, "n_estimators"),
        (lambda x: make_tree_model(2, forest=1), TypeError, "forest"),
        (lambda x: make_tree_model(2, seed=-1), ValueError, "seed"),
    ],
)
def test_curve_and_model_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call(np.linspace(1, 2, 5))


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"depths": []}, ValueError, "leer"),
        ({"depths": [2, 0]}, ValueError, r"depths\[1\]"),
        ({"depths": [2.5]}, TypeError, r"depths\[0\]"),
        ({"depths": "123"}, TypeError, "depths"),
        ({"depths": 3}, TypeError, "depths"),
        ({"y_train": "short"}, TypeError, "y_train"),
        ({"y_train": np.zeros(5)}, ValueError, "Längen"),
        ({"X_train": np.zeros(20)}, ValueError, "X_train"),
        ({"X_test": np.zeros((20, 2))}, ValueError, "Spalten"),
        ({"y_test": np.full(20, np.nan)}, ValueError, "NaN"),
        ({"grid": np.zeros((3, 2))}, ValueError, "grid"),
        ({"grid": np.zeros(3)}, ValueError, "grid"),
    ],
)
def test_depth_sweep_errors(kwargs, exc, match):
    X, y = make_regression_1d(20)
    args = {"X_train": X, "y_train": y, "X_test": X, "y_test": y, "depths": [2]}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        depth_sweep(**args)
