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


def test_errors():
    with pytest.raises(ValueError, match="erlaubt"):
        make_toy2d("mond")
    with pytest.raises(ValueError):
        make_toy2d("xor", n=1)
    with pytest.raises(ValueError):
        make_toy2d("xor", n=True)
    with pytest.raises(ValueError):
        make_toy2d("xor", noise=1.5)
    with pytest.raises(ValueError):
        make_toy2d("xor", noise="viel")
    with pytest.raises(ValueError):
        add_features(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="Unbekannte"):
        add_features(np.zeros((3, 2)), ["x3"])
    with pytest.raises(ValueError):
        add_features(np.zeros((3, 2)), "x1")
    with pytest.raises(ValueError):
        grid(resolution=1)
    with pytest.raises(ValueError):
        grid(limit=0)
