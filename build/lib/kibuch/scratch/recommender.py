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
* ``matrix_factors`` und ``recommend_mf`` zerlegen dieselbe Nutzer-Film-Matrix in zwei
  schmale Faktormatrizen (*matrix factorization*): ``R ≈ P·Qᵀ`` mit ``f`` Zahlen je Person
  (Zeile von ``P``) und je Film (Zeile von ``Q``). Hier die einfachste Form, eine
  abgeschnittene Singulärwertzerlegung der 0/1-Matrix (nach Cremonesi et al. 2010,
  „PureSVD“); ein Kandidat erhält das Skalarprodukt ``p_u · q_i``.
* ``precision_recall_at_k`` misst, wie viele der zurückgehaltenen, gut bewerteten
  Filme unter den ersten ``k`` Empfehlungen stehen.

IDs dürfen Zahlen oder Texte sein. Verglichen werden sie über einen gemeinsamen
Schlüssel (``_id_key``): ``7``, ``np.int64(7)``, ``7.0`` und ``"7"`` bezeichnen dieselbe
Person bzw. denselben Film. Zurückgegeben werden die IDs so, wie sie in den Daten stehen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.core.checks import check_float, check_instance, check_int

_REQUIRED = ("user_id", "film_id", "bewertung", "zeitstempel")


def _id_key(value):
    """Vergleichsschlüssel einer ID: ganze Zahlen, ganzzahlige Floats und Ziffern-Texte
    werden zu ``int``, alle anderen Texte bleiben, wie sie sind."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _keys(values) -> list:
    return [_id_key(v) for v in values]


def _native(value):
    """NumPy-Skalare als gewöhnliche Python-Werte (``np.int64(7)`` → ``7``)."""
    return value.item() if isinstance(value, np.generic) else value


def _check_ratings(ratings, name: str = "ratings") -> pd.DataFrame:
    check_instance(name, ratings, pd.DataFrame, "ein pandas.DataFrame")
    missing = [c for c in _REQUIRED if c not in ratings.columns]
    if missing:
        raise ValueError(f"{name} fehlen die Spalten {missing}; nötig sind {list(_REQUIRED)}.")
    if ratings.empty:
        raise ValueError(f"{name} ist leer.")
    holes = [c for c in _REQUIRED if ratings[c].isna().any()]
    if holes:
        raise ValueError(f"{name} hat fehlende Werte in den Spalten {holes}.")
    if not pd.api.types.is_numeric_dtype(ratings["bewertung"]) \
            or not np.isfinite(ratings["bewertung"].to_numpy(dtype=float)).all():
        raise ValueError(f"{name}['bewertung'] muss endliche Zahlen enthalten.")
    if not pd.api.types.is_datetime64_any_dtype(ratings["zeitstempel"]):
        raise TypeError(f"{name}['zeitstempel'] muss Zeitpunkte (datetime64) enthalten, "
                        f"nicht {ratings['zeitstempel'].dtype}.")
    return ratings


def _check_users(users) -> list:
    if isinstance(users, (str, bytes)) or not hasattr(users, "__iter__"):
        kind = "ein einzelner String" if isinstance(users, (str, bytes)) else type(users).__name__
        raise TypeError(f"users muss eine Liste von Personen-IDs sein, nicht {kind}.")
    users = list(users)
    if not users:
        raise ValueError("users darf nicht leer sein.")
    if any(u is None or (isinstance(u, float) and np.isnan(u)) for u in users):
        raise ValueError("users enthält fehlende IDs (None oder NaN).")
    return users


def _seen_by_user(train: pd.DataFrame) -> dict:
    """Je Person (Schlüssel) die Schlüssel der Filme, die sie schon bewertet hat."""
    seen: dict = {}
    for user, film in zip(_keys(train["user_id"]), _keys(train["film_id"])):
        seen.setdefault(user, set()).add(film)
    return seen


def split_by_time(ratings: pd.DataFrame, test_frac: float = 0.2, *, min_ratings: int = 5
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Teilt je Person die jüngsten ``test_frac`` ihrer Bewertungen in den Testteil ab.

    Personen mit weniger als ``min_ratings`` Bewertungen bleiben ganz im
    Trainingsteil. Bei gleichen Zeitstempeln entscheidet die ``film_id``, damit die
    Teilung reproduzierbar ist.
    """
    ratings = _check_ratings(ratings)
    test_frac = check_float("test_frac", test_frac, 0.0, 1.0, open_min=True, open_max=True)
    min_ratings = check_int("min_ratings", min_ratings, minimum=1)
    ordered = ratings.sort_values(["user_id", "zeitstempel", "film_id"], kind="mergesort")
    rank = ordered.groupby("user_id").cumcount()  # 0 = älteste Bewertung
    size = ordered.groupby("user_id")["film_id"].transform("size")
    n_test = np.floor(size * test_frac).astype(int)
    is_test = (size >= min_ratings) & (rank >= size - n_test)
    return ordered[~is_test].reset_index(drop=True), ordered[is_test].reset_index(drop=True)


def relevant_items(test: pd.DataFrame, threshold: float = 4.0) -> dict:
    """Je Person die Filme im Testteil mit ``bewertung ≥ threshold`` („hat gefallen“)."""
    test = _check_ratings(test, "test")
    threshold = check_float("threshold", threshold)
    liked = test[test["bewertung"] >= threshold]
    return {_native(u): {_native(f) for f in g} for u, g in liked.groupby("user_id")["film_id"]}


def recommend_popular(train: pd.DataFrame, users, k: int = 10) -> dict[object, list]:
    """Basislinie: die ``k`` meistbewerteten Filme, die die Person noch nicht kennt."""
    train = _check_ratings(train, "train")
    users = _check_users(users)
    k = check_int("k", k, minimum=1)
    ranking = train["film_id"].value_counts(sort=False).sort_index(kind="mergesort")
    ranking = ranking.sort_values(ascending=False, kind="mergesort").index.tolist()
    ranking_keys = _keys(ranking)
    seen = _seen_by_user(train)
    result = {}
    for u in users:
        known = seen.get(_id_key(u), set())
        recs = []
        for film, key in zip(ranking, ranking_keys):
            if key not in known:
                recs.append(_native(film))
                if len(recs) == k:
                    break
        result[_native(u)] = recs
    return result


def _user_film_matrix(train: pd.DataFrame, min_ratings: int):
    """Binäre Nutzer-Film-Matrix (1 = bewertet) der Filme mit ≥ ``min_ratings`` Bewertungen.

    Rückgabe: ``user_ids`` (U,), ``film_ids`` (I,), beide sortiert, und die dünn besetzte
    Matrix ``R`` (U, I).
    """
    from scipy import sparse

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
    return user_ids, film_ids, R


def item_similarity(train: pd.DataFrame, *, min_ratings: int = 10
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Kosinus-Ähnlichkeit aller Filme mit mindestens ``min_ratings`` Bewertungen.

    Grundlage ist die binäre Nutzer-Film-Matrix (1 = bewertet). Rückgabe:
    ``film_ids`` (I,) und die Ähnlichkeitsmatrix (I, I) mit Nullen auf der Diagonale.
    """
    from scipy import sparse

    train = _check_ratings(train, "train")
    min_ratings = check_int("min_ratings", min_ratings, minimum=1)
    _, film_ids, R = _user_film_matrix(train, min_ratings)  # R: (U, I)
    norms = np.sqrt(np.asarray(R.multiply(R).sum(axis=0))).ravel()  # (I,)
    Rn = R @ sparse.diags(1 / norms)  # Spalten auf Länge 1
    S = (Rn.T @ Rn).toarray()  # (I, I)
    np.fill_diagonal(S, 0.0)
    return film_ids, S


def recommend_item_knn(train: pd.DataFrame, users, k: int = 10, *,
                       min_ratings: int = 10) -> dict[object, list]:
    """Item-basierte Empfehlungen: Summe der Ähnlichkeiten zu den bekannten Filmen.

    Kandidaten sind nur Filme mit mindestens ``min_ratings`` Bewertungen im
    Trainingsteil; schon bewertete Filme werden nie empfohlen.
    """
    users, k = _check_users(users), check_int("k", k, minimum=1)
    film_ids, S = item_similarity(train, min_ratings=min_ratings)  # (I,), (I, I)
    column = {key: i for i, key in enumerate(_keys(film_ids))}  # Film → Spalte von S
    seen = _seen_by_user(train)
    result = {}
    for u in users:
        known = [column[f] for f in seen.get(_id_key(u), ()) if f in column]
        mask = np.zeros(len(film_ids), dtype=bool)  # (I,) schon bewertet?
        mask[np.array(known, dtype=int)] = True
        scores = S[mask].sum(axis=0)  # (I,)
        scores[mask] = -np.inf
        top = np.argsort(-scores, kind="mergesort")[:k]
        result[_native(u)] = [_native(film_ids[i]) for i in top if np.isfinite(scores[i])]
    return result


#: Größte Nutzer-Film-Matrix, die ``matrix_factors`` dicht zerlegt (Einträge, ~160 MB).
_MAX_DENSE = 20_000_000


def matrix_factors(train: pd.DataFrame, *, n_factors: int = 20, min_ratings: int = 10
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Matrixfaktorisierung der binären Nutzer-Film-Matrix: ``R ≈ P·Qᵀ``.

    ``R`` (U, I) enthält eine 1, wo eine Person einen Film (mit mindestens
    ``min_ratings`` Bewertungen) bewertet hat. Die abgeschnittene
    Singulärwertzerlegung ``R ≈ U_f·diag(s_f)·V_fᵀ`` ist unter allen Matrizen vom Rang
    ``n_factors`` die mit dem kleinsten quadratischen Fehler (Satz von Eckart und Young).
    Rückgabe: ``user_ids`` (U,), ``film_ids`` (I,), ``P = U_f·diag(s_f)`` (U, f) und
    ``Q = V_f`` (I, f) – jede Person und jeder Film wird durch ``f`` Zahlen beschrieben.
    """
    train = _check_ratings(train, "train")
    n_factors = check_int("n_factors", n_factors, minimum=1)
    min_ratings = check_int("min_ratings", min_ratings, minimum=1)
    user_ids, film_ids, R = _user_film_matrix(train, min_ratings)  # R: (U, I)
    if R.shape[0] * R.shape[1] > _MAX_DENSE:
        raise ValueError(f"Die Nutzer-Film-Matrix ({R.shape[0]} × {R.shape[1]}) ist zu groß "
                         "für die dichte Zerlegung; min_ratings erhöhen.")
    rank_max = min(R.shape)
    if n_factors > rank_max:
        raise ValueError(f"n_factors ist {n_factors}, die Matrix ({R.shape[0]} × {R.shape[1]}) "
                         f"erlaubt höchstens {rank_max} Faktoren.")
    U, s, Vt = np.linalg.svd(R.toarray(), full_matrices=False)  # (U, r), (r,), (r, I)
    P = U[:, :n_factors] * s[:n_factors]  # (U, f)
    Q = Vt[:n_factors].T  # (I, f)
    return user_ids, film_ids, P, Q


def recommend_mf(train: pd.DataFrame, users, k: int = 10, *, n_factors: int = 20,
                 min_ratings: int = 10) -> dict[object, list]:
    """Empfehlungen aus der Matrixfaktorisierung: die ``k`` Filme mit größtem ``p_u · q_i``.

    Kandidaten sind nur Filme mit mindestens ``min_ratings`` Bewertungen im
    Trainingsteil; schon bewertete Filme werden nie empfohlen. Eine Person, die keinen
    dieser Filme bewertet hat, hat keinen Faktorvektor (alle Werte 0); sie erhält die
    Kandidaten in der Reihenfolge ihrer IDs.
    """
    users, k = _check_users(users), check_int("k", k, minimum=1)
    user_ids, film_ids, P, Q = matrix_factors(train, n_factors=n_factors,
                                              min_ratings=min_ratings)  # P: (U, f), Q: (I, f)
    row = {key: i for i, key in enumerate(_keys(user_ids))}  # Person → Zeile von P
    column = {key: i for i, key in enumerate(_keys(film_ids))}  # Film → Zeile von Q
    seen = _seen_by_user(train)
    result = {}
    for u in users:
        key = _id_key(u)
        scores = P[row[key]] @ Q.T if key in row else np.zeros(len(film_ids))  # (I,)
        known = [column[f] for f in seen.get(key, ()) if f in column]
        scores[np.array(known, dtype=int)] = -np.inf
        top = np.argsort(-scores, kind="mergesort")[:k]
        result[_native(u)] = [_native(film_ids[i]) for i in top if np.isfinite(scores[i])]
    return result


def precision_recall_at_k(recommendations: dict, relevant: dict,
                          k: int = 10) -> tuple[float, float]:
    """Mittlere Precision@k und Recall@k über alle Personen mit mindestens einem Treffer-Kandidaten.

    Precision@k: Anteil der ersten ``k`` Empfehlungen, die relevant sind (Nenner ``k``).
    Recall@k: Anteil der relevanten Filme, die unter den ersten ``k`` stehen.
    Personen ohne relevante Filme im Testteil werden nicht gezählt.
    """
    check_instance("recommendations", recommendations, dict, "ein dict {Person: Filmliste}")
    check_instance("relevant", relevant, dict, "ein dict {Person: Menge von Filmen}")
    k = check_int("k", k, minimum=1)
    for u, films in relevant.items():
        check_instance(f"relevant[{u!r}]", films, (set, frozenset, list, tuple), "eine Menge")
    for u, films in recommendations.items():
        check_instance(f"recommendations[{u!r}]", films, (list, tuple, np.ndarray), "eine Liste")
    recs = {_id_key(u): r for u, r in recommendations.items()}
    users = [u for u, rel in relevant.items() if rel]
    if not users:
        raise ValueError("Keine Person hat relevante Filme im Testteil.")
    missing = [u for u in users if _id_key(u) not in recs]
    if missing:
        raise ValueError(f"Für {len(missing)} Personen fehlen Empfehlungen, z. B. {missing[:3]}.")
    precision, recall = [], []
    for u in users:
        rel = set(_keys(relevant[u]))
        hits = len(set(_keys(recs[_id_key(u)][:k])) & rel)
        precision.append(hits / k)
        recall.append(hits / len(rel))
    return float(np.mean(precision)), float(np.mean(recall))
