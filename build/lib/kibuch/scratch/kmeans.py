"""k-Means-Clustering (Lloyd-Algorithmus) zum Nachvollziehen, Schritt für Schritt.

k-Means teilt Punkte in ``k`` Gruppen (Cluster) ein. Der Algorithmus wechselt
zwischen zwei Schritten, bis sich nichts mehr ändert:

1. **Zuordnen**: Jeder Punkt gehört zum nächstgelegenen Zentrum.
2. **Verschieben**: Jedes Zentrum wandert in den Mittelwert seiner Punkte.

``kmeans`` speichert jeden Zwischenstand in ``KMeansResult.history``; damit zeichnet
Kapitel 3 die Schritte als Bildraster und als interaktiven Schieberegler. Das Ergebnis
stimmt bei gleicher Startbelegung mit ``sklearn.cluster.KMeans(algorithm="lloyd")``
überein (siehe ``tests/scratch/test_kmeans.py``).

Beispiel::

    result = kmeans(X, KMeansConfig(k=3, seed=0))
    result.labels, result.centers, result.inertia
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kibuch.core.checks import check_array, check_choice, check_instance, check_int

_INITS = ("random", "k-means++")
MAX_N_INIT = 1_000  # mehr Neustarts bringen nichts mehr, dauern aber lange


@dataclass
class KMeansConfig:
    k: int = 3  # Zahl der Cluster
    init: str = "random"  # "random": k zufällige Datenpunkte; "k-means++": gestreute Wahl
    max_iter: int = 100  # höchstens so viele Zuordnen/Verschieben-Runden
    seed: int = 0  # Zufall nur für die Startzentren

    def __post_init__(self):
        _check_config(self)


@dataclass
class KMeansStep:
    """Ein Zwischenstand: Zentren *vor* dem Verschieben und die Zuordnung dazu."""

    centers: np.ndarray  # (k, d)
    labels: np.ndarray  # (n,)
    inertia: float  # Summe der quadrierten Abstände zum eigenen Zentrum


@dataclass
class KMeansResult:
    centers: np.ndarray  # (k, d) Endzentren
    labels: np.ndarray  # (n,) Clusternummer je Punkt, 0 … k-1
    inertia: float  # Summe der quadrierten Abstände zum eigenen Zentrum
    n_iter: int  # Zahl der Zuordnen/Verschieben-Runden
    converged: bool  # True, wenn sich die Zuordnung nicht mehr geändert hat
    history: list[KMeansStep] = field(default_factory=list)


def _check_X(X) -> np.ndarray:
    X = check_array("X", X, ndim=2)
    if X.shape[1] == 0:
        raise ValueError(f"X braucht mindestens ein Merkmal (Spalte), hat aber die Form {X.shape}.")
    return X


def _check_centers(centers, d: int, k: int | None = None, name: str = "centers") -> np.ndarray:
    centers = check_array(name, centers, ndim=2)
    if centers.shape[1] != d or (k is not None and len(centers) != k):
        shape = f"({'k' if k is None else k}, {d})"
        raise ValueError(f"{name} muss die Form {shape} haben, nicht {centers.shape}.")
    return centers


def _check_config(config) -> KMeansConfig:
    check_instance("config", config, KMeansConfig)
    check_int("k", config.k, minimum=1)
    check_choice("init", config.init, _INITS)
    check_int("max_iter", config.max_iter, minimum=1)
    check_int("seed", config.seed, minimum=0)
    return config


def squared_distances(X, centers) -> np.ndarray:
    """Quadrierte euklidische Abstände aller Punkte zu allen Zentren, Form (n, k)."""
    X = _check_X(X)
    centers = _check_centers(centers, X.shape[1])
    diff = X[:, None, :] - centers[None, :, :]  # (n, k, d)
    return np.einsum("nkd,nkd->nk", diff, diff)  # (n, k)


def init_centers(X, k: int, *, method: str = "random", seed: int = 0) -> np.ndarray:
    """Startzentren: ``k`` verschiedene Datenpunkte (``"random"``) oder k-means++.

    k-means++ (Arthur & Vassilvitskii 2007) wählt den ersten Punkt zufällig und jeden weiteren
    mit einer Wahrscheinlichkeit proportional zum quadrierten Abstand zum nächsten
    schon gewählten Zentrum – so liegen die Startzentren meist weit auseinander.
    """
    X = _check_X(X)
    k = check_int("k", k, minimum=1, maximum=X.shape[0])
    method = check_choice("method", method, _INITS)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    if method == "random":
        return X[rng.choice(X.shape[0], size=k, replace=False)].copy()
    centers = [X[rng.integers(X.shape[0])]]
    for _ in range(1, k):
        d2 = squared_distances(X, np.array(centers)).min(axis=1)  # (n,)
        probs = d2 / d2.sum() if d2.sum() > 0 else np.full(len(X), 1 / len(X))
        centers.append(X[rng.choice(X.shape[0], p=probs)])
    return np.array(centers)


def assign(X, centers) -> tuple[np.ndarray, float]:
    """Zuordnen-Schritt: Nummer des nächsten Zentrums je Punkt und die Inertia."""
    d2 = squared_distances(X, centers)  # (n, k)
    labels = d2.argmin(axis=1)  # (n,)
    return labels, float(d2[np.arange(len(labels)), labels].sum())


def update_centers(X, labels, centers) -> np.ndarray:
    """Verschieben-Schritt: Jedes Zentrum wird zum Mittelwert seiner Punkte.

    Ein Zentrum ohne Punkte bleibt, wo es ist (einfachste ehrliche Regel).
    """
    X = _check_X(X)
    centers = _check_centers(centers, X.shape[1])
    labels = check_array("labels", labels, ndim=1, dtype=None)
    if labels.shape != (X.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels muss {X.shape[0]} ganze Clusternummern enthalten, "
                         f"nicht {labels.shape} vom Typ {labels.dtype}.")
    new = centers.copy()
    for j in range(len(centers)):
        members = X[labels == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return new


def kmeans(X, config: KMeansConfig | None = None, *, init=None) -> KMeansResult:
    """Lloyd-Algorithmus; ``init`` (Form (k, d)) ersetzt die zufälligen Startzentren.

    Die Schleife endet, sobald sich die Zuordnung nicht mehr ändert, spätestens nach
    ``config.max_iter`` Runden. ``history[i]`` enthält die Zentren zu Beginn der Runde
    ``i`` und die Zuordnung dazu; der letzte Eintrag ist der Endzustand.
    """
    config = _check_config(KMeansConfig() if config is None else config)
    X = _check_X(X)
    k = check_int("k", config.k, minimum=1, maximum=X.shape[0])
    if init is None:
        centers = init_centers(X, k, method=config.init, seed=config.seed)
    else:
        centers = _check_centers(init, X.shape[1], k, name="init").copy()
    labels, inertia = assign(X, centers)
    history = [KMeansStep(centers.copy(), labels.copy(), inertia)]
    converged = False
    n_iter = 0
    while n_iter < config.max_iter:
        n_iter += 1
        centers = update_centers(X, labels, centers)
        new_labels, inertia = assign(X, centers)
        history.append(KMeansStep(centers.copy(), new_labels.copy(), inertia))
        if np.array_equal(new_labels, labels):
            converged = True
            break
        labels = new_labels
    return KMeansResult(centers, new_labels, inertia, n_iter, converged, history)


def best_of(X, config: KMeansConfig, n_init: int = 10) -> KMeansResult:
    """Führt k-Means mit ``n_init`` Seeds (``config.seed``, +1, …) aus; kleinste Inertia gewinnt."""
    config = _check_config(config)
    n_init = check_int("n_init", n_init, minimum=1, maximum=MAX_N_INIT)
    runs = [
        kmeans(X, KMeansConfig(config.k, config.init, config.max_iter, config.seed + i))
        for i in range(n_init)
    ]
    return min(runs, key=lambda r: r.inertia)


def elbow_and_silhouette(X, ks, *, init: str = "k-means++", n_init: int = 5,
                         seed: int = 0) -> dict[str, np.ndarray]:
    """Inertia und Silhouettenkoeffizient für jedes ``k`` in ``ks``.

    Der Silhouettenkoeffizient (aus scikit-learn) ist nur für 2 ≤ k < n definiert;
    für ``k = 1`` steht dort ``nan``. Rückgabe: ``{"k", "inertia", "silhouette"}``.
    """
    from sklearn.metrics import silhouette_score

    X = _check_X(X)
    if isinstance(ks, (str, bytes)) or not hasattr(ks, "__iter__"):
        raise TypeError(f"ks muss eine Liste ganzer Zahlen sein, nicht {type(ks).__name__}.")
    ks = [check_int(f"ks[{i}]", k, minimum=1, maximum=X.shape[0]) for i, k in enumerate(ks)]
    if not ks:
        raise ValueError("ks darf nicht leer sein.")
    init = check_choice("init", init, _INITS)
    n_init = check_int("n_init", n_init, minimum=1, maximum=MAX_N_INIT)
    seed = check_int("seed", seed, minimum=0)
    inertias, sils = [], []
    for k in ks:
        res = best_of(X, KMeansConfig(k=k, init=init, seed=seed), n_init=n_init)
        inertias.append(res.inertia)
        ok = 2 <= k < X.shape[0] and len(np.unique(res.labels)) > 1
        sils.append(silhouette_score(X, res.labels) if ok else np.nan)
    return {"k": np.array(ks), "inertia": np.array(inertias), "silhouette": np.array(sils)}
