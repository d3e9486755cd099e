"""Tests für kibuch.data.synthetic.curves – Messpunkte mit bekanntem wahren Zusammenhang."""

import numpy as np
import pytest

from kibuch.data.synthetic.curves import make_curve_data, make_regression_1d, make_regression_2d


def test_curve_data_matches_formula():
    x, y = make_curve_data(50, noise=0.2, seed=4, x_range=(1.0, 5.0))
    rng = np.random.default_rng(4)
    x_ref = np.sort(rng.uniform(1.0, 5.0, 50))
    y_ref = 1 + 2 / x_ref + 1.5 * np.sin(x_ref) + rng.normal(0, 0.2, 50)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert np.all(np.diff(x) >= 0) and x.min() >= 1.0 and x.max() <= 5.0


def test_regression_1d_and_2d_match_formula():
    X, y = make_regression_1d(30, noise=0.1, seed=2)
    rng = np.random.default_rng(2)
    x_ref = rng.uniform(0, 6, 30)
    assert X.shape == (30, 1) and y.shape == (30,)
    np.testing.assert_array_equal(X[:, 0], x_ref)
    np.testing.assert_array_equal(y, np.sin(x_ref) + 0.3 * x_ref + rng.normal(0, 0.1, 30))
    X2, y2 = make_regression_2d(30, noise=0.0, seed=4)
    assert X2.shape == (30, 2) and np.abs(X2).max() <= 1
    np.testing.assert_allclose(y2, np.sin(3 * X2[:, 0]) + X2[:, 1] ** 2)


def test_generators_are_deterministic():
    for make in (make_curve_data, make_regression_1d, make_regression_2d):
        a, b, c = make(20, seed=7), make(20, seed=7), make(20, seed=8)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
        assert not np.array_equal(a[1], c[1])


@pytest.mark.parametrize("make", [make_curve_data, make_regression_1d, make_regression_2d])
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n": 1}, ValueError, "n muss"),
        ({"n": 2.0}, TypeError, "n muss"),
        ({"n": True}, TypeError, "n muss"),
        ({"n": "10"}, TypeError, "n muss"),
        ({"n": 10**15}, ValueError, "n muss"),
        ({"n": 10, "noise": -1}, ValueError, "noise"),
        ({"n": 10, "noise": float("nan")}, ValueError, "noise"),
        ({"n": 10, "noise": None}, TypeError, "noise"),
        ({"n": 10, "seed": -3}, ValueError, "seed"),
        ({"n": 10, "seed": 0.5}, TypeError, "seed"),
    ],
)
def test_generator_errors(make, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make(**kwargs)


@pytest.mark.parametrize(
    "x_range, exc",
    [((0.0, 1.0), ValueError), ((2.0, 1.0), ValueError), ((1.0,), ValueError),
     ("0.5-10", TypeError), ((1.0, float("inf")), ValueError), ((None, 2.0), TypeError)],
)
def test_curve_data_x_range_errors(x_range, exc):
    with pytest.raises(exc, match="x_range"):
        make_curve_data(10, x_range=x_range)
