"""Synthetische Messpunkte mit bekanntem wahren Zusammenhang (Kapitel 3.1).

* ``make_curve_data`` – Punkte ``y = 1 + 2/x + 1,5·sin(x) + Rauschen`` für den
  Vergleich der drei Kurvenmodelle,
* ``make_regression_1d`` – Punkte ``y = sin(x) + 0,3·x + Rauschen`` für die
  Baum-Spielwiese in 1D,
* ``make_regression_2d`` – Punkte in [−1, 1]² mit ``y = sin(3·x₁) + x₂² + Rauschen``
  für die Vorhersagefläche in 2D.

Weil der wahre Zusammenhang bekannt ist, lässt sich prüfen, ob ein Modell ihn
wiederfindet; ``noise`` ist die Standardabweichung des Rauschens, die kein Modell
unterschreiten kann.

    x, y = make_curve_data(30, noise=0.3, seed=1)      # x (30,), y (30,)
    X, y = make_regression_2d(300, noise=0.3, seed=3)  # X (300, 2), y (300,)
"""

from __future__ import annotations

import numpy as np

from kibuch.core.checks import check_float, check_instance, check_int

#: Höchstzahl erzeugter Punkte – mehr passt kaum in den Speicher eines Laptops.
MAX_POINTS = 10_000_000


def _check_sample(n, noise, seed) -> tuple[int, float, int]:
    """Gemeinsame Prüfung der Generatoren: n ganzzahlig ≥ 2, noise ≥ 0, seed ≥ 0."""
    return (check_int("n", n, minimum=2, maximum=MAX_POINTS),
            check_float("noise", noise, minimum=0.0), check_int("seed", seed, minimum=0))


def make_curve_data(n: int = 40, *, noise: float = 0.3, seed: int = 0,
                    x_range: tuple[float, float] = (0.5, 10.0)) -> tuple[np.ndarray, np.ndarray]:
    """Synthetische Messpunkte ``y = 1 + 2/x + 1,5·sin(x) + Rauschen`` (sortiert nach x).

    Der wahre Zusammenhang hat die Form des zweiten Kurvenmodells in
    :mod:`kibuch.chapters.ch03_1_playground` – im Kapitel prüfen wir, ob der Testfehler
    das auch ohne dieses Vorwissen verrät.
    """
    n, noise, seed = _check_sample(n, noise, seed)
    check_instance("x_range", x_range, (tuple, list), "ein Paar (untere, obere Grenze)")
    if len(x_range) != 2:
        raise ValueError(f"x_range muss genau zwei Grenzen haben, nicht {len(x_range)}.")
    lo = check_float("x_range[0]", x_range[0], minimum=0.0, open_min=True)
    hi = check_float("x_range[1]", x_range[1], minimum=lo, open_min=True)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo, hi, n))
    y = 1 + 2 / x + 1.5 * np.sin(x) + rng.normal(0, noise, n)
    return x, y


def make_regression_1d(n: int = 80, *, noise: float = 0.3, seed: int = 0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Punkte ``y = sin(x) + 0,3·x + Rauschen`` mit x gleichverteilt in [0, 6].

    Rückgabe ``X`` mit Form (n, 1) und ``y`` mit Form (n,).
    """
    n, noise, seed = _check_sample(n, noise, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 6, n)
    y = np.sin(x) + 0.3 * x + rng.normal(0, noise, n)
    return x[:, None], y


def make_regression_2d(n: int = 200, *, noise: float = 0.3, seed: int = 0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Punkte in der Ebene [−1, 1]² mit Ziel ``sin(3·x₁) + x₂² + Rauschen``.

    Rückgabe ``X`` mit Form (n, 2) und ``y`` mit Form (n,).
    """
    n, noise, seed = _check_sample(n, noise, seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + rng.normal(0, noise, n)
    return X, y
