"""Zweidimensionale Spielzeug-Datensätze wie im TensorFlow Playground.

Vier Klassifikationsaufgaben mit zwei Klassen und Punkten in der Ebene
(ungefähr im Quadrat [−6, 6]²): ``"kreise"``, ``"xor"``, ``"gauss"`` (zwei
Gauß-Wolken) und ``"spirale"``. ``noise`` (0 … 1) verschiebt jeden Punkt
zufällig – je größer, desto stärker überlappen die Klassen.

    X, y = make_toy2d("spirale", n=400, noise=0.1, seed=0)   # X (400, 2), y (400,)

``add_features`` erzeugt zusätzliche Merkmale wie im Playground (x₁², x₂²,
x₁·x₂, sin x₁, sin x₂).
"""

from __future__ import annotations

import numpy as np

from kibuch.core.checks import check_array, check_choice, check_float, check_int, check_str_list

#: Namen der verfügbaren Datensätze.
DATASETS = ("kreise", "xor", "gauss", "spirale")

#: Zusätzliche Merkmale für :func:`add_features` (Name → Funktion der Spalten x1, x2).
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}

RADIUS = 5.0  # halbe Kantenlänge des Bereichs, in dem die Punkte liegen
MAX_POINTS = 10_000_000  # Höchstzahl erzeugter Punkte
MAX_RESOLUTION = 2_000  # höchstens 2000² = 4 Mio. Gitterpunkte


def _circles(n: int, noise: float, rng: np.random.Generator):
    half = n // 2
    r_in = rng.uniform(0, 0.5 * RADIUS, half)  # innere Scheibe: Klasse 1
    r_out = rng.uniform(0.7 * RADIUS, RADIUS, n - half)  # äußerer Ring: Klasse 0
    r = np.concatenate([r_in, r_out])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)  # (n, 2)
    X += rng.uniform(-RADIUS, RADIUS, (n, 2)) * noise
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return X, y


def _xor(n: int, noise: float, rng: np.random.Generator):
    X = rng.uniform(-RADIUS, RADIUS, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # Abstand von den Achsen
    y = (X[:, 0] * X[:, 1] > 0).astype(float)  # Klasse aus dem Quadranten, vor dem Rauschen
    X += rng.uniform(-RADIUS, RADIUS, (n, 2)) * noise
    return X, y


def _gauss(n: int, noise: float, rng: np.random.Generator):
    half = n // 2
    spread = 0.5 + 3.5 * noise  # Rauschen verbreitert die Wolken
    pos = rng.normal(2.0, spread, (half, 2))
    neg = rng.normal(-2.0, spread, (n - half, 2))
    X = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return X, y


def _spiral(n: int, noise: float, rng: np.random.Generator):
    half = n // 2
    parts = []
    for count, delta in ((half, 0.0), (n - half, np.pi)):
        i = np.arange(count)
        r = i / count * RADIUS
        t = 1.75 * i / count * 2 * np.pi + delta
        pts = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        pts += rng.uniform(-1, 1, (count, 2)) * noise
        parts.append(pts)
    X = np.concatenate(parts)
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return X, y


_MAKERS = {"kreise": _circles, "xor": _xor, "gauss": _gauss, "spirale": _spiral}


def make_toy2d(name: str, n: int = 400, noise: float = 0.0, seed: int = 0):
    """Erzeugt ``n`` Punkte des Datensatzes ``name``; gibt ``(X, y)`` zurück.

    ``X`` ist ``float32`` der Form ``(n, 2)``, ``y`` ist ``int64`` mit Werten 0/1.
    Die Reihenfolge der Punkte ist zufällig gemischt.
    """
    name = check_choice("name", name, DATASETS)
    n = check_int("n", n, minimum=2, maximum=MAX_POINTS)
    noise = check_float("noise", noise, 0.0, 1.0)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    X, y = _MAKERS[name](n, noise, rng)
    order = rng.permutation(len(X))
    return X[order].astype(np.float32), y[order].astype(np.int64)


def add_features(X, names=("x1", "x2")) -> np.ndarray:
    """Bildet aus den Koordinaten ``X`` (n, 2) die Merkmale ``names`` → (n, len(names))."""
    X = check_array("X", X, ndim=2, dtype=np.float64)
    if X.shape[1] != 2:
        raise ValueError(f"X muss die Form (n, 2) haben, nicht {X.shape}.")
    names = [check_choice(f"names[{i}]", f, FEATURES)
             for i, f in enumerate(check_str_list("names", names))]
    cols = [FEATURES[f](X[:, 0], X[:, 1]) for f in names]
    return np.stack(cols, axis=1).astype(np.float32)  # (n, len(names))


def grid(resolution: int = 60, limit: float = 6.0):
    """Gitter über [−limit, limit]²: gibt ``(xs, X_grid)`` mit X_grid (resolution², 2) zurück.

    Gedacht für Entscheidungsgrenzen: Vorhersage auf ``X_grid``, dann
    ``reshape(resolution, resolution)`` – Zeilen entsprechen x₂, Spalten x₁.
    """
    resolution = check_int("resolution", resolution, minimum=2, maximum=MAX_RESOLUTION)
    limit = check_float("limit", limit, minimum=0.0, open_min=True)
    xs = np.linspace(-limit, limit, resolution)
    g1, g2 = np.meshgrid(xs, xs)  # (res, res) je
    return xs, np.stack([g1.ravel(), g2.ravel()], axis=1).astype(np.float32)
