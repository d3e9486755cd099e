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


def test_numpy_scalars_are_accepted(blobs):
    a = kmeans(blobs, KMeansConfig(k=np.int64(3), seed=np.int64(1)))
    b = kmeans(blobs, KMeansConfig(k=3, seed=1))
    np.testing.assert_array_equal(a.labels, b.labels)
    scores = elbow_and_silhouette(blobs, np.array([2, 3]), n_init=1)
    np.testing.assert_array_equal(scores["k"], [2, 3])


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda X: kmeans(np.zeros(5)), ValueError, "2-dimensional"),
        (lambda X: kmeans(np.zeros((0, 2))), ValueError, "mindestens 1"),
        (lambda X: kmeans(np.zeros((5, 0))), ValueError, "Merkmal"),
        (lambda X: kmeans(np.array([[np.nan, 1.0], [1.0, 2.0]]), KMeansConfig(k=1)), ValueError,
         "NaN"),
        (lambda X: kmeans("punkte"), TypeError, "X muss"),
        (lambda X: kmeans(X, KMeansConfig(k=0)), ValueError, "k muss"),
        (lambda X: kmeans(X, KMeansConfig(k=1000)), ValueError, "≤ 150"),
        (lambda X: kmeans(X, KMeansConfig(k=2.5)), TypeError, "ganze Zahl"),
        (lambda X: kmeans(X, KMeansConfig(k=True)), TypeError, "ganze Zahl"),
        (lambda X: kmeans(X, KMeansConfig(k=3, init="zufall")), ValueError, "init"),
        (lambda X: kmeans(X, KMeansConfig(k=3, seed=-1)), ValueError, "seed"),
        (lambda X: init_centers(X, 3, method="zufall"), ValueError, "Meinten Sie|Erlaubt"),
        (lambda X: init_centers(X, 3, seed="0"), TypeError, "seed"),
        (lambda X: kmeans(X, KMeansConfig(k=3), init=np.zeros((2, 2))), ValueError, "Form"),
        (lambda X: kmeans(X, KMeansConfig(k=3), init=np.full((3, 2), np.nan)), ValueError, "NaN"),
        (lambda X: kmeans(X, KMeansConfig(k=3, max_iter=0)), ValueError, "max_iter"),
        (lambda X: kmeans(X, {"k": 3}), TypeError, "KMeansConfig"),
        (lambda X: best_of(X, KMeansConfig(k=3), n_init=0), ValueError, "n_init"),
        (lambda X: best_of(X, None), TypeError, "KMeansConfig"),
        (lambda X: elbow_and_silhouette(X, []), ValueError, "leer"),
        (lambda X: elbow_and_silhouette(X, 3), TypeError, "ks"),
        (lambda X: elbow_and_silhouette(X, [2, 2.5]), TypeError, r"ks\[1\]"),
        (lambda X: elbow_and_silhouette(X, [2], init="random", n_init=0), ValueError, "n_init"),
        (lambda X: update_centers(X, np.zeros(3, dtype=int), np.zeros((2, 2))), ValueError,
         "labels"),
        (lambda X: update_centers(X, np.zeros(150), np.zeros((2, 2))), ValueError, "labels"),
        (lambda X: assign(X, np.zeros((2, 3))), ValueError, "centers"),
        (lambda X: assign(X, None), TypeError, "centers"),
    ],
)
def test_errors(blobs, call, exc, match):
    with pytest.raises(exc, match=match):
        call(blobs)


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [({"k": "3"}, TypeError, "k muss"), ({"k": 0}, ValueError, "k muss"),
     ({"init": "zufall"}, ValueError, "init"), ({"init": None}, TypeError, "init"),
     ({"max_iter": 2.5}, TypeError, "max_iter"), ({"seed": -1}, ValueError, "seed")],
)
def test_config_is_checked_when_built(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        KMeansConfig(**kwargs)


def test_huge_n_init_is_rejected_before_running(blobs):
    with pytest.raises(ValueError, match="n_init"):
        best_of(blobs, KMeansConfig(k=2), n_init=10**15)
    with pytest.raises(ValueError, match="n_init"):
        elbow_and_silhouette(blobs, [2], n_init=10**15)
    with pytest.raises(TypeError, match="init"):
        kmeans(blobs, KMeansConfig(k=2), init=object())
