"""Tests für kibuch.scratch.kmeans – Vergleich mit scikit-learn."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import silhouette_score

from kibuch.scratch.kmeans import (
    KMeansConfig,
    assign,
    best_of,
    elbow_and_silhouette,
    init_centers,
    kmeans,
    update_centers,
)


@pytest.fixture
def blobs():
    X, _ = make_blobs(n_samples=150, centers=4, cluster_std=1.2, random_state=3)
    return X


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_matches_sklearn_with_same_init(blobs, seed):
    init = init_centers(blobs, 4, method="random", seed=seed)
    ours = kmeans(blobs, KMeansConfig(k=4, max_iter=300), init=init)
    ref = KMeans(n_clusters=4, init=init, n_init=1, algorithm="lloyd", tol=0.0,
                 max_iter=300).fit(blobs)
    assert ours.converged
    np.testing.assert_array_equal(ours.labels, ref.labels_)
    np.testing.assert_allclose(ours.centers, ref.cluster_centers_, rtol=1e-10)
    assert ours.inertia == pytest.approx(ref.inertia_, rel=1e-10)


def test_history_inertia_never_increases(blobs):
    result = kmeans(blobs, KMeansConfig(k=4, seed=5))
    inertias = [step.inertia for step in result.history]
    assert all(b <= a + 1e-9 for a, b in zip(inertias, inertias[1:]))
    assert len(result.history) == result.n_iter + 1
    np.testing.assert_array_equal(result.history[-1].labels, result.labels)


def test_single_steps():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 2.0]])
    labels, inertia = assign(X, np.array([[0.0, 0.0], [10.0, 0.0]]))
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    assert inertia == pytest.approx(1.0 + 4.0)
    new = update_centers(X, labels, np.zeros((2, 2)))
    np.testing.assert_allclose(new, [[0.0, 0.5], [10.0, 1.0]])
    # Leeres Cluster behält sein Zentrum
    kept = update_centers(X, np.zeros(4, dtype=int), np.array([[1.0, 1.0], [7.0, 7.0]]))
    np.testing.assert_allclose(kept[1], [7.0, 7.0])


def test_kmeanspp_init_gives_distinct_data_points(blobs):
    centers = init_centers(blobs, 4, method="k-means++", seed=0)
    assert centers.shape == (4, 2)
    assert len({tuple(c) for c in centers}) == 4
    assert all(any(np.allclose(c, x) for x in blobs) for c in centers)


def test_best_of_not_worse_than_single_run(blobs):
    single = kmeans(blobs, KMeansConfig(k=4, seed=0))
    best = best_of(blobs, KMeansConfig(k=4, seed=0), n_init=5)
    assert best.inertia <= single.inertia + 1e-9


def test_elbow_and_silhouette_match_sklearn(blobs):
    res = elbow_and_silhouette(blobs, [1, 2, 4], n_init=3)
    assert np.isnan(res["silhouette"][0])
    assert np.all(np.diff(res["inertia"]) < 0)
    best = best_of(blobs, KMeansConfig(k=4, init="k-means++"), n_init=3)
    assert res["silhouette"][2] == pytest.approx(silhouette_score(blobs, best.labels))


def test_errors(blobs):
    with pytest.raises(ValueError, match="2D"):
        kmeans(np.zeros(5))
    with pytest.raises(ValueError, match="NaN"):
        kmeans(np.array([[np.nan, 1.0], [1.0, 2.0]]), KMeansConfig(k=1))
    with pytest.raises(ValueError, match="zwischen 1"):
        kmeans(blobs, KMeansConfig(k=0))
    with pytest.raises(TypeError, match="ganze Zahl"):
        kmeans(blobs, KMeansConfig(k=2.5))
    with pytest.raises(ValueError, match="Initialisierung"):
        init_centers(blobs, 3, method="zufall")
    with pytest.raises(ValueError, match="Form"):
        kmeans(blobs, KMeansConfig(k=3), init=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="max_iter"):
        kmeans(blobs, KMeansConfig(k=3, max_iter=0))
    with pytest.raises(TypeError, match="KMeansConfig"):
        kmeans(blobs, {"k": 3})
    with pytest.raises(ValueError, match="n_init"):
        best_of(blobs, KMeansConfig(k=3), n_init=0)
    with pytest.raises(ValueError, match="leer"):
        elbow_and_silhouette(blobs, [])
    with pytest.raises(ValueError, match="labels"):
        update_centers(blobs, np.zeros(3, dtype=int), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="centers"):
        assign(blobs, np.zeros((2, 3)))
