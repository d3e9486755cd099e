"""Ein kleines Empfehlungssystem mit ehrlicher Bewertung.

Eingabe ist eine Bewertungstabelle mit den Spalten ``user_id``, ``film_id``,
``bewertung`` und ``zeitstempel`` (wie ``kibuch.data.load("movielens")``).

* ``split_by_time`` hält je Person die *jüngsten* Bewertungen zurück – so wird das
  System, wie im echten Betrieb, nach der Zukunft gefragt.
* ``recommend_popular`` ist die Basislinie: Alle bekommen die meistbewerteten Filme,
  die sie noch nicht bewertet haben.
* ``recommend_item_knn`` ist ein Item-basiertes Verfahren (*item-based collaborative
  filtering*, Sarwar et al. 2001): Zwei Filme sind sich ähnlich, wenn sie oft von
  denselben Personen bewertet wurden (Kosinus-Ähnlichkeit der Spalten der
  Nutzer-Film-Matrix). Ein Kandidat erhält die Summe seiner Ähnlichkeiten zu allen
  Filmen, die die Person schon bewertet hat.
* ``precision_recall_at_k`` misst, wie viele der zurückgehaltenen, gut bewerteten
  Filme unter den ersten ``k`` Empfehlungen stehen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_REQUIRED = ("user_id", "film_id", "bewertung", "zeitstempel")


def _check_ratings(ratings) -> pd.DataFrame:
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError(f"ratings muss ein DataFrame sein, nicht {type(ratings).__name__}.")
    missing = [c for c in _REQUIRED if c not in ratings.columns]
    if missing:
        raise ValueError(f"ratings fehlen die Spalten {missing}; nötig sind {list(_REQUIRED)}.")
    if ratings.empty:
        raise ValueError("ratings ist leer.")
    return ratings


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k muss eine ganze Zahl ≥ 1 sein, nicht {k!r}.")
    return int(k)


def split_by_time(ratings: pd.DataFrame, test_frac: float = 0.2, *, min_ratings: int = 5
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Teilt je Person die jüngsten ``test_frac`` ihrer Bewertungen in den Testteil ab.

    Personen mit weniger als ``min_ratings`` Bewertungen bleiben ganz im
    Trainingsteil. Bei gleichen Zeitstempeln entscheidet die ``film_id``, damit die
    Teilung reproduzierbar ist.
    """
    ratings = _check_ratings(ratings)
    if not 0 < test_frac < 1:
        raise ValueError(f"test_frac muss zwischen 0 und 1 liegen, nicht {test_frac}.")
    ordered = ratings.sort_values(["user_id", "zeitstempel", "film_id"], kind="mergesort")
    rank = ordered.groupby("user_id").cumcount()  # 0 = älteste Bewertung
    size = ordered.groupby("user_id")["film_id"].transform("size")
    n_test = np.floor(size * test_frac).astype(int)
    is_test = (size >= min_ratings) & (rank >= size - n_test)
    return ordered[~is_test].reset_index(drop=True), ordered[is_test].reset_index(drop=True)


def relevant_items(test: pd.DataFrame, threshold: float = 4.0) -> dict[int, set[int]]:
    """Je Person die Filme im Testteil mit ``bewertung ≥ threshold`` („hat gefallen“)."""
    test = _check_ratings(test)
    liked = test[test["bewertung"] >= threshold]
    return {int(u): set(map(int, g)) for u, g in liked.groupby("user_id")["film_id"]}


def recommend_popular(train: pd.DataFrame, users, k: int = 10) -> dict[int, list[int]]:
    """Basislinie: die ``k`` meistbewerteten Filme, die die Person noch nicht kennt."""
    train = _check_ratings(train)
    k = _check_k(k)
    ranking = train["film_id"].value_counts(sort=False).sort_index(kind="mergesort")
    ranking = ranking.sort_values(ascending=False, kind="mergesort").index.to_numpy()
    seen = train.groupby("user_id")["film_id"].agg(set)
    result = {}
    for u in users:
        known = seen.get(u, set())
        recs = []
        for film in ranking:
            if film not in known:
                recs.append(int(film))
                if len(recs) == k:
                    break
        result[int(u)] = recs
    return result


def item_similarity(train: pd.DataFrame, *, min_ratings: int = 10
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Kosinus-Ähnlichkeit aller Filme mit mindestens ``min_ratings`` Bewertungen.

    Grundlage ist die binäre Nutzer-Film-Matrix (1 = bewertet). Rückgabe:
    ``film_ids`` (I,) und die Ähnlichkeitsmatrix (I, I) mit Nullen auf der Diagonale.
    """
    from scipy import sparse

    train = _check_ratings(train)
    counts = train["film_id"].value_counts()
    film_ids = np.sort(counts[counts >= min_ratings].index.to_numpy())
    if len(film_ids) < 2:
        raise ValueError(f"Weniger als zwei Filme mit ≥ {min_ratings} Bewertungen.")
    sub = train[train["film_id"].isin(film_ids)]
    user_ids = np.sort(sub["user_id"].unique())
    rows = np.searchsorted(user_ids, sub["user_id"].to_numpy())
    cols = np.searchsorted(film_ids, sub["film_id"].to_numpy())
    R = sparse.csr_matrix((np.ones(len(sub)), (rows, cols)),
                          shape=(len(user_ids), len(film_ids)))  # (U, I)
    R.data[:] = 1.0  # doppelte Einträge zählen einmal
    norms = np.sqrt(np.asarray(R.multiply(R).sum(axis=0))).ravel()  # (I,)
    Rn = R @ sparse.diags(1 / norms)  # Spalten auf Länge 1
    S = (Rn.T @ Rn).toarray()  # (I, I)
    np.fill_diagonal(S, 0.0)
    return film_ids, S


def recommend_item_knn(train: pd.DataFrame, users, k: int = 10, *,
                       min_ratings: int = 10) -> dict[int, list[int]]:
    """Item-basierte Empfehlungen: Summe der Ähnlichkeiten zu den bekannten Filmen.

    Kandidaten sind nur Filme mit mindestens ``min_ratings`` Bewertungen im
    Trainingsteil; schon bewertete Filme werden nie empfohlen.
    """
    train = _check_ratings(train)
    k = _check_k(k)
    film_ids, S = item_similarity(train, min_ratings=min_ratings)
    seen = train.groupby("user_id")["film_id"].agg(set)
    result = {}
    for u in users:
        known = seen.get(u, set())
        mask = np.isin(film_ids, list(known))  # (I,)
        scores = S[mask].sum(axis=0)  # (I,)
        scores[mask] = -np.inf
        top = np.argsort(-scores, kind="mergesort")[:k]
        result[int(u)] = [int(film_ids[i]) for i in top if np.isfinite(scores[i])]
    return result


def precision_recall_at_k(recommendations: dict[int, list[int]],
                          relevant: dict[int, set[int]], k: int = 10) -> tuple[float, float]:
    """Mittlere Precision@k und Recall@k über alle Personen mit mindestens einem Treffer-Kandidaten.

    Precision@k: Anteil der ersten ``k`` Empfehlungen, die relevant sind (Nenner ``k``).
    Recall@k: Anteil der relevanten Filme, die unter den ersten ``k`` stehen.
    Personen ohne relevante Filme im Testteil werden nicht gezählt.
    """
    k = _check_k(k)
    users = [u for u, rel in relevant.items() if rel]
    if not users:
        raise ValueError("Keine Person hat relevante Filme im Testteil.")
    missing = [u for u in users if u not in recommendations]
    if missing:
        raise ValueError(f"Für {len(missing)} Personen fehlen Empfehlungen, z. B. {missing[:3]}.")
    precision, recall = [], []
    for u in users:
        hits = len(set(recommendations[u][:k]) & relevant[u])
        precision.append(hits / k)
        recall.append(hits / len(relevant[u]))
    return float(np.mean(precision)), float(np.mean(recall))
