"""Tests für kibuch.scratch.recommender – Teilung, Basislinie, Item-Ähnlichkeit, Metriken."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics.pairwise import cosine_similarity

from kibuch.scratch.recommender import (
    item_similarity,
    precision_recall_at_k,
    recommend_item_knn,
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


def test_errors(ratings):
    with pytest.raises(TypeError, match="DataFrame"):
        split_by_time([1, 2, 3])
    with pytest.raises(ValueError, match="Spalten"):
        split_by_time(ratings.drop(columns="zeitstempel"))
    with pytest.raises(ValueError, match="leer"):
        split_by_time(ratings.iloc[:0])
    with pytest.raises(ValueError, match="test_frac"):
        split_by_time(ratings, 1.0)
    with pytest.raises(ValueError, match="k muss"):
        recommend_popular(ratings, [0], k=0)
    with pytest.raises(ValueError, match="zwei Filme"):
        item_similarity(ratings, min_ratings=10_000)
    with pytest.raises(ValueError, match="Keine Person"):
        precision_recall_at_k({1: [1]}, {1: set()})
    with pytest.raises(ValueError, match="fehlen Empfehlungen"):
        precision_recall_at_k({}, {1: {3}})
