"""Tests für kibuch.data.synthetic.toy2d: Formen, Klassen, Rauschen, Reproduzierbarkeit, Fehler."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from kibuch.data.synthetic.toy2d import DATASETS, FEATURES, add_features, grid, make_toy2d


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_balance_and_reproducibility(name):
    X, y = make_toy2d(name, n=301, noise=0.2, seed=3)
    assert X.shape == (301, 2) and X.dtype == np.float32
    assert y.shape == (301,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert abs(np.mean(y) - 0.5) < 0.05
    X2, y2 = make_toy2d(name, n=301, noise=0.2, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make_toy2d(name, n=301, noise=0.2, seed=4)[0])
    assert np.abs(X).max() < 12


def test_structure_of_datasets():
    X, y = make_toy2d("kreise", 400, noise=0.0)
    r = np.linalg.norm(X, axis=1)
    assert r[y == 1].max() < r[y == 0].min()  # innere Scheibe vs. äußerer Ring
    X, y = make_toy2d("xor", 400, noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    X, y = make_toy2d("gauss", 400, noise=0.0)
    assert LogisticRegression().fit(X, y).score(X, y) > 0.99  # linear trennbar


@pytest.mark.parametrize("name", ["kreise", "xor", "spirale"])
def test_not_linearly_separable(name):
    X, y = make_toy2d(name, 400, noise=0.0)
    assert LogisticRegression().fit(X, y).score(X, y) < 0.8


def test_noise_makes_gauss_harder():
    scores = []
    for noise in (0.0, 0.5, 1.0):
        X, y = make_toy2d("gauss", 600, noise=noise, seed=0)
        scores.append(LogisticRegression().fit(X, y).score(X, y))
    assert scores[0] > scores[1] > scores[2]


def test_features_and_grid():
    X = np.array([[1.0, 2.0], [-0.5, 0.0]])
    F = add_features(X, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    expected = np.array([[1, 2, 1, 4, 2, np.sin(1), np.sin(2)],
                         [-0.5, 0, 0.25, 0, 0, np.sin(-0.5), 0]])
    np.testing.assert_allclose(F, expected, rtol=1e-6)
    assert len(FEATURES) == 7
    xs, G = grid(resolution=5, limit=2.0)
    assert G.shape == (25, 2)
    np.testing.assert_allclose(xs, [-2, -1, 0, 1, 2])
    np.testing.assert_allclose(G[:5, 0], xs)  # erste Zeile: x1 läuft, x2 fest
    assert np.all(G[:5, 1] == -2)


def test_numpy_scalars_are_accepted():
    X1, y1 = make_toy2d("xor", n=np.int64(50), noise=np.float64(0.1), seed=np.int64(2))
    X2, y2 = make_toy2d("xor", n=50, noise=0.1, seed=2)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: make_toy2d("mond"), ValueError, "Erlaubt"),
        (lambda: make_toy2d("Spirale"), ValueError, "Meinten Sie 'spirale'"),
        (lambda: make_toy2d(None), TypeError, "name"),
        (lambda: make_toy2d("xor", n=1), ValueError, "n muss"),
        (lambda: make_toy2d("xor", n=True), TypeError, "n muss"),
        (lambda: make_toy2d("xor", n=10.0), TypeError, "n muss"),
        (lambda: make_toy2d("xor", n=10**15), ValueError, "n muss"),
        (lambda: make_toy2d("xor", noise=1.5), ValueError, "noise"),
        (lambda: make_toy2d("xor", noise="viel"), TypeError, "noise"),
        (lambda: make_toy2d("xor", noise=float("nan")), ValueError, "noise"),
        (lambda: make_toy2d("xor", seed=-1), ValueError, "seed"),
        (lambda: add_features(np.zeros((3, 3))), ValueError, "Form"),
        (lambda: add_features(np.full((3, 2), np.nan)), ValueError, "NaN"),
        (lambda: add_features(np.zeros((3, 2)), ["x3"]), ValueError, "Erlaubt"),
        (lambda: add_features(np.zeros((3, 2)), "x1"), TypeError, "einzelner String"),
        (lambda: add_features(np.zeros((3, 2)), []), ValueError, "mindestens 1"),
        (lambda: add_features(np.zeros((3, 2)), [1]), TypeError, r"names\[0\]"),
        (lambda: grid(resolution=1), ValueError, "resolution"),
        (lambda: grid(resolution=10.0), TypeError, "resolution"),
        (lambda: grid(resolution=10**15), ValueError, "resolution"),
        (lambda: grid(limit=0), ValueError, "limit"),
        (lambda: grid(limit=float("inf")), ValueError, "limit"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
