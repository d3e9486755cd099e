"""Tests für kibuch.scratch.recommender – Teilung, Basislinie, Item-Ähnlichkeit,
Matrixfaktorisierung, Metriken."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics.pairwise import cosine_similarity

from kibuch.scratch.recommender import (
    item_similarity,
    matrix_factors,
    precision_recall_at_k,
    recommend_item_knn,
    recommend_mf,
    recommend_popular,
    relevant_items,
    split_by_time,
)


@pytest.fixture
def ratings():
    rng = np.random.default_rng(0)
    rows = []
    for user in range(30):
        films = rng.choice(40, size=rng.integers(6, 20), replace=False)
        for i, film in enumerate(films):
            rows.append((user, int(film), float(rng.integers(1, 11) / 2),
                         pd.Timestamp("2020-01-01") + pd.Timedelta(days=int(i))))
    return pd.DataFrame(rows, columns=["user_id", "film_id", "bewertung", "zeitstempel"])


def test_split_by_time_holds_out_latest(ratings):
    train, test = split_by_time(ratings, 0.25)
    assert len(train) + len(test) == len(ratings)
    for user, group in test.groupby("user_id"):
        n_total = (ratings["user_id"] == user).sum()
        assert len(group) == int(np.floor(n_total * 0.25))
        assert group["zeitstempel"].min() >= train.loc[train["user_id"] == user,
                                                         "zeitstempel"].max()


def test_item_similarity_matches_sklearn(ratings):
    film_ids, S = item_similarity(ratings, min_ratings=1)
    matrix = pd.crosstab(ratings["user_id"], ratings["film_id"]).clip(upper=1)
    ref = cosine_similarity(matrix.T.to_numpy(dtype=float))
    np.fill_diagonal(ref, 0.0)
    np.testing.assert_array_equal(film_ids, matrix.columns.to_numpy())
    np.testing.assert_allclose(S, ref, atol=1e-12)


def test_recommendations_exclude_seen_and_rank(ratings):
    users = sorted(ratings["user_id"].unique())
    pop = recommend_popular(ratings, users, k=5)
    knn = recommend_item_knn(ratings, users, k=5, min_ratings=1)
    counts = ratings["film_id"].value_counts()
    for u in users:
        seen = set(ratings.loc[ratings["user_id"] == u, "film_id"])
        assert len(pop[u]) == 5 and not seen & set(pop[u])
        assert len(knn[u]) == 5 and not seen & set(knn[u])
        assert list(counts[pop[u]]) == sorted(counts[pop[u]], reverse=True)
    # Item-kNN: erster Vorschlag hat die größte Ähnlichkeitssumme
    film_ids, S = item_similarity(ratings, min_ratings=1)
    u = users[0]
    mask = np.isin(film_ids, list(ratings.loc[ratings["user_id"] == u, "film_id"]))
    scores = np.where(mask, -np.inf, S[mask].sum(axis=0))
    assert knn[u][0] == film_ids[np.argmax(scores)]


def _binary(ratings):
    return pd.crosstab(ratings["user_id"], ratings["film_id"]).clip(upper=1)


def test_matrix_factors_full_rank_reconstructs(ratings):
    matrix = _binary(ratings)
    user_ids, film_ids, P, Q = matrix_factors(ratings, n_factors=min(matrix.shape),
                                              min_ratings=1)
    np.testing.assert_array_equal(user_ids, matrix.index.to_numpy())
    np.testing.assert_array_equal(film_ids, matrix.columns.to_numpy())
    assert P.shape == (len(user_ids), min(matrix.shape)) and Q.shape[0] == len(film_ids)
    np.testing.assert_allclose(P @ Q.T, matrix.to_numpy(dtype=float), atol=1e-10)


def test_matrix_factors_is_best_low_rank_approximation(ratings):
    """Eckart–Young: Der Fehler des Rangs f ist die Wurzel der übrigen Singulärwerte²;
    er sinkt mit f, und Q hat orthonormale Spalten."""
    R = _binary(ratings).to_numpy(dtype=float)
    s = np.linalg.svd(R, compute_uv=False)
    errors = []
    for f in (1, 3, 8):
        _, _, P, Q = matrix_factors(ratings, n_factors=f, min_ratings=1)
        np.testing.assert_allclose(Q.T @ Q, np.eye(f), atol=1e-10)
        err = np.linalg.norm(R - P @ Q.T)
        assert err == pytest.approx(np.sqrt(np.sum(s[f:] ** 2)))
        errors.append(err)
    assert errors == sorted(errors, reverse=True)


def test_recommend_mf_ranks_by_dot_product(ratings):
    users = sorted(ratings["user_id"].unique())
    recs = recommend_mf(ratings, users, k=5, n_factors=4, min_ratings=1)
    user_ids, film_ids, P, Q = matrix_factors(ratings, n_factors=4, min_ratings=1)
    for i, u in enumerate(users):
        seen = set(ratings.loc[ratings["user_id"] == u, "film_id"])
        assert len(recs[u]) == 5 and not seen & set(recs[u])
        scores = np.where(np.isin(film_ids, list(seen)), -np.inf, P[i] @ Q.T)
        assert recs[u] == list(film_ids[np.argsort(-scores, kind="mergesort")[:5]])


def test_recommend_mf_string_ids_and_unknown_users(ratings):
    users = sorted(ratings["user_id"].unique())
    ref = recommend_mf(ratings, users, k=4, n_factors=3, min_ratings=1)
    text = _as_strings(ratings)  # "007" statt 7, Personen als Zahl
    recs = recommend_mf(text, users, k=4, n_factors=3, min_ratings=1)
    assert all([int(f) for f in recs[u]] == ref[u] for u in users)
    # Eine unbekannte Person hat keinen Faktorvektor: Kandidaten in ID-Reihenfolge
    unknown = recommend_mf(ratings, [999], k=3, n_factors=3, min_ratings=1)
    assert unknown[999] == sorted(ratings["film_id"].unique())[:3]
    assert all(type(f) is int for f in unknown[999])


def test_precision_recall_by_hand():
    recs = {1: [10, 11, 12, 13], 2: [20, 21, 22, 23], 3: [1, 2, 3, 4]}
    relevant = {1: {10, 12, 99}, 2: {99}, 3: set()}
    p, r = precision_recall_at_k(recs, relevant, k=2)
    assert p == pytest.approx((1 / 2 + 0) / 2)
    assert r == pytest.approx((1 / 3 + 0) / 2)
    p4, r4 = precision_recall_at_k(recs, relevant, k=4)
    assert p4 == pytest.approx((2 / 4) / 2) and r4 == pytest.approx((2 / 3) / 2)


def test_relevant_items_threshold(ratings):
    rel = relevant_items(ratings, threshold=4.5)
    liked = ratings[ratings["bewertung"] >= 4.5]
    assert sum(len(v) for v in rel.values()) == len(liked)


def _as_strings(ratings, prefix=""):
    """Dieselben Bewertungen mit IDs als Text ("u007" oder "007"); die führenden Nullen
    erhalten die Sortierung, damit Gleichstände genauso aufgelöst werden wie bei Zahlen."""
    return ratings.assign(user_id=prefix + ratings["user_id"].astype(str).str.zfill(3),
                          film_id=prefix + ratings["film_id"].astype(str).str.zfill(3))


def test_string_ids_give_the_same_recommendations(ratings):
    users = sorted(ratings["user_id"].unique())
    ref_pop = recommend_popular(ratings, users, k=5)
    ref_knn = recommend_item_knn(ratings, users, k=5, min_ratings=1)
    text = _as_strings(ratings, "u")
    text_users = [f"u{u:03d}" for u in users]
    pop = recommend_popular(text, text_users, k=5)
    knn = recommend_item_knn(text, text_users, k=5, min_ratings=1)
    for u, tu in zip(users, text_users):
        seen = set(text.loc[text["user_id"] == tu, "film_id"])
        assert not seen & set(pop[tu]) and not seen & set(knn[tu])
        assert pop[tu] == [f"u{f:03d}" for f in ref_pop[u]]
        assert knn[tu] == [f"u{f:03d}" for f in ref_knn[u]]


def test_mixed_id_types_are_compared_robustly(ratings):
    """Früher stiller Fehler: IDs als Ziffern-Text im Training, als Zahl in der Personenliste
    (etwa aus relevant_items) – dann galt niemand als bekannt, und die Basislinie empfahl
    schon bewertete Filme."""
    text = _as_strings(ratings)  # "007" statt 7
    users = sorted(ratings["user_id"].unique())  # Zahlen
    ref = recommend_popular(ratings, users, k=5)
    for recommend in (recommend_popular,
                      lambda t, u, k: recommend_item_knn(t, u, k=k, min_ratings=1)):
        recs = recommend(text, users, k=5)
        assert set(recs) == set(users)
        for u in users:
            seen = set(ratings.loc[ratings["user_id"] == u, "film_id"])
            assert not seen & {int(f) for f in recs[u]}
    pop = recommend_popular(text, users, k=5)
    assert all([int(f) for f in pop[u]] == ref[u] for u in users)
    # relevant_items liefert IDs im Typ der Daten, precision_recall vergleicht robust
    relevant = relevant_items(text)
    assert all(isinstance(u, str) for u in relevant)
    p_text = precision_recall_at_k(pop, relevant, k=5)
    p_num = precision_recall_at_k(ref, relevant_items(ratings), k=5)
    assert p_text == pytest.approx(p_num)


def test_ids_are_plain_python_values(ratings):
    users = [np.int64(u) for u in sorted(ratings["user_id"].unique())[:3]]
    recs = recommend_item_knn(ratings, users, k=3, min_ratings=1)
    assert all(type(u) is int for u in recs)
    assert all(type(f) is int for films in recs.values() for f in films)
    assert all(type(u) is int for u in relevant_items(ratings))


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda r: split_by_time([1, 2, 3]), TypeError, "DataFrame"),
        (lambda r: split_by_time(r.drop(columns="zeitstempel")), ValueError, "Spalten"),
        (lambda r: split_by_time(r.iloc[:0]), ValueError, "leer"),
        (lambda r: split_by_time(r, 1.0), ValueError, "test_frac"),
        (lambda r: split_by_time(r, 0.0), ValueError, "test_frac"),
        (lambda r: split_by_time(r, "0.2"), TypeError, "test_frac"),
        (lambda r: split_by_time(r, 0.2, min_ratings=0), ValueError, "min_ratings"),
        (lambda r: split_by_time(r.assign(bewertung=np.nan)), ValueError, "fehlende"),
        (lambda r: split_by_time(r.assign(bewertung=np.inf)), ValueError, "endliche"),
        (lambda r: split_by_time(r.assign(bewertung="gut")), ValueError, "endliche"),
        (lambda r: split_by_time(r.assign(zeitstempel="gestern")), TypeError, "zeitstempel"),
        (lambda r: recommend_popular(r, [0], k=0), ValueError, "k muss"),
        (lambda r: recommend_popular(r, [0], k=2.0), TypeError, "k muss"),
        (lambda r: recommend_popular(r, "u1"), TypeError, "einzelner String"),
        (lambda r: recommend_popular(r, 3), TypeError, "users"),
        (lambda r: recommend_popular(r, []), ValueError, "users"),
        (lambda r: recommend_popular(r, [1, None]), ValueError, "fehlende"),
        (lambda r: recommend_item_knn(r, "u1"), TypeError, "einzelner String"),
        (lambda r: recommend_item_knn(r, [0], min_ratings=0), ValueError, "min_ratings"),
        (lambda r: item_similarity(r, min_ratings=10_000), ValueError, "zwei Filme"),
        (lambda r: matrix_factors(r, n_factors=0), ValueError, "n_factors"),
        (lambda r: matrix_factors(r, n_factors=2.0), TypeError, "n_factors"),
        (lambda r: matrix_factors(r, n_factors=500, min_ratings=1), ValueError, "höchstens"),
        (lambda r: matrix_factors(r, min_ratings=10_000), ValueError, "zwei Filme"),
        (lambda r: matrix_factors([1, 2]), TypeError, "train"),
        (lambda r: recommend_mf(r, "u1"), TypeError, "einzelner String"),
        (lambda r: recommend_mf(r, [0], k=0, min_ratings=1), ValueError, "k muss"),
        (lambda r: recommend_mf(r, [0], n_factors=-1, min_ratings=1), ValueError, "n_factors"),
        (lambda r: relevant_items(r, threshold=float("nan")), ValueError, "threshold"),
        (lambda r: relevant_items(r, threshold=None), TypeError, "threshold"),
        (lambda r: precision_recall_at_k({1: [1]}, {1: set()}), ValueError, "Keine Person"),
        (lambda r: precision_recall_at_k({}, {1: {3}}), ValueError, "fehlen Empfehlungen"),
        (lambda r: precision_recall_at_k([[1]], {1: {3}}), TypeError, "recommendations"),
        (lambda r: precision_recall_at_k({1: "12"}, {1: {3}}), TypeError, "recommendations"),
        (lambda r: precision_recall_at_k({1: [1]}, {1: 3}), TypeError, "relevant"),
        (lambda r: precision_recall_at_k({1: [1]}, {1: {1}}, k=0), ValueError, "k muss"),
    ],
)
def test_errors(ratings, call, exc, match):
    with pytest.raises(exc, match=match):
        call(ratings)
