"""Erzeugt tests/js/fixtures/kmeans.json: Referenzwerte aus kibuch.scratch.kmeans für das Widget.

Der Node-Test ``tests/js/kmeans.test.mjs`` rechnet mit ``book/_static/widgets/lib/kmeans.js``
dieselben Läufe nach und vergleicht Zuordnung, Zentren und Inertia nach jedem Schritt.

- ``runs``: Punkte, Startzentren (aus ``init_centers`` oder von Hand) und der ganze Verlauf
  von ``kmeans(X, config, init=...)``; dazu die Inertia *nach* jedem Verschieben (alte
  Zuordnung, neue Zentren), die das Widget ebenfalls zeigt.
- ``inits``: Startzentren aus ``init_centers``, wobei NumPys Zufallsgenerator durch eine
  Folge fester Zahlen in [0, 1) ersetzt ist. So prüft der Test die Regel von k-means++
  (Wahrscheinlichkeit proportional zum quadrierten Abstand) mit denselben Zufallszahlen;
  den Generator PCG64 selbst bildet das Widget nicht nach.

Aufruf: ``python tests/js/make_fixtures_kmeans.py`` (schreibt die Datei neu).
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import numpy as np
from fixturecheck import dumps, write_fixture

from kibuch.data.synthetic.toy2d import make_toy2d
from kibuch.scratch import kmeans as km

FIXTURE = Path(__file__).with_name("fixtures") / "kmeans.json"


class ScriptedRng:
    """Ersatz für ``np.random.default_rng`` in ``init_centers``: zieht aus einer festen Liste.

    Jede Ziehung verbraucht genau eine Zahl ``u`` aus [0, 1) – so wie ``initCenters`` in
    kmeans.js mit ``rand()``:

    - ``integers(n)`` → ``floor(u · n)``,
    - ``choice(n, p=p)`` → wie NumPy: Summenkurve von ``p``, normiert, ``searchsorted``,
    - ``choice(n, size=k, replace=False)`` → Fisher-Yates, nach ``k`` Tauschen Schluss.
    """

    def __init__(self, uniforms):
        self._uniforms = list(uniforms)
        self.used = 0

    def _next(self) -> float:
        u = self._uniforms[self.used]
        self.used += 1
        return u

    def integers(self, n):
        return int(np.floor(self._next() * n))

    def choice(self, n, size=None, replace=True, p=None):
        if p is not None:
            cdf = np.cumsum(p)
            cdf /= cdf[-1]
            return int(cdf.searchsorted(self._next(), side="right"))
        assert size is not None and not replace, "nur choice(n, size=k, replace=False)"
        idx = list(range(n))
        for i in range(size):
            j = i + int(np.floor(self._next() * (n - i)))
            idx[i], idx[j] = idx[j], idx[i]
        return np.array(idx[:size])


def _floats(a) -> list:
    return np.asarray(a, dtype=float).tolist()


def _blobs(n: int, centers, spread: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=float)
    X = centers[np.arange(n) % len(centers)] + spread * rng.normal(size=(n, 2))
    return X[rng.permutation(n)]


def _datasets() -> dict[str, np.ndarray]:
    gauss, _ = make_toy2d("gauss", n=80, noise=0.1, seed=0)  # Daten aus dem Buch (float32)
    rings, _ = make_toy2d("kreise", n=100, noise=0.0, seed=1)
    return {
        "wolken": _blobs(90, [(-3, 2), (3, 2.5), (0, -3)], 0.9, seed=1),
        "toy2d_gauss": gauss.astype(float),
        "toy2d_kreise": rings.astype(float),
        "gleichmaessig": np.random.default_rng(3).uniform(-5, 5, size=(150, 2)),
        "klein": _blobs(12, [(-2, 0), (2, 0)], 0.5, seed=4),
    }


def _run_case(name: str, X: np.ndarray, k: int, init: np.ndarray, max_iter: int = 100,
              how: str = "") -> dict:
    result = km.kmeans(X, km.KMeansConfig(k=k, max_iter=max_iter), init=init)
    hist = result.history
    n = len(X)
    after_update = []  # Inertia mit der alten Zuordnung und den neuen Zentren
    for prev, cur in zip(hist[:-1], hist[1:]):
        d2 = km.squared_distances(X, cur.centers)
        after_update.append(float(d2[np.arange(n), prev.labels].sum()))
    return {
        "name": name, "how": how, "k": k, "max_iter": max_iter,
        "X": _floats(X), "init": _floats(init),
        "history": [{"centers": _floats(h.centers), "labels": h.labels.tolist(),
                     "inertia": float(h.inertia)} for h in hist],
        "inertia_after_update": after_update,
        "n_iter": result.n_iter, "converged": bool(result.converged),
        "centers": _floats(result.centers), "labels": result.labels.tolist(),
        "inertia": float(result.inertia),
    }


def _scripted_init(X: np.ndarray, k: int, method: str, uniforms) -> dict:
    stub = ScriptedRng(uniforms)
    with mock.patch("numpy.random.default_rng", lambda seed=None: stub):
        centers = km.init_centers(X, k, method=method, seed=0)
    return {"k": k, "method": method, "uniforms": [float(u) for u in uniforms[:stub.used]],
            "centers": _floats(centers)}


def build() -> dict:
    """Alle Referenzwerte als JSON-taugliches dict."""
    data = _datasets()
    runs = []
    specs = [  # (Datensatz, k, Startverfahren, Seed, max_iter)
        ("wolken", 3, "random", 0, 100),
        ("wolken", 5, "k-means++", 1, 100),
        ("toy2d_gauss", 2, "random", 2, 100),
        ("toy2d_kreise", 4, "k-means++", 0, 100),
        ("gleichmaessig", 8, "random", 5, 100),
        ("gleichmaessig", 6, "random", 7, 2),  # bricht nach max_iter ab, ohne Konvergenz
        ("klein", 1, "random", 0, 100),
    ]
    for name, k, method, seed, max_iter in specs:
        X = data[name]
        init = km.init_centers(X, k, method=method, seed=seed)
        runs.append(_run_case(name, X, k, init, max_iter, how=f"init_centers({method}, {seed})"))
    # Ein Zentrum weit weg bekommt nie Punkte und bleibt stehen.
    X = data["wolken"]
    runs.append(_run_case("wolken", X, 3, np.array([[-3.0, 2.0], [3.0, 2.5], [40.0, 40.0]]),
                          how="von Hand, ein leeres Cluster"))
    # Zwei gleiche Startzentren: Gleichstand, das erste gewinnt (argmin).
    runs.append(_run_case("klein", data["klein"], 2, np.array([[0.0, 0.0], [0.0, 0.0]]),
                          how="von Hand, zwei gleiche Zentren"))

    uniforms = np.random.default_rng(11).random(16).tolist()
    inits = []
    for name, k, method in [("wolken", 5, "k-means++"), ("toy2d_kreise", 8, "k-means++"),
                            ("gleichmaessig", 4, "random"), ("klein", 3, "k-means++")]:
        case = _scripted_init(data[name], k, method, uniforms)
        inits.append({"name": name, "X": _floats(data[name]), **case})
    # Nur gleiche Punkte: alle Abstände 0, dann zieht k-means++ gleichverteilt.
    same = np.ones((5, 2))
    inits.append({"name": "gleiche_punkte", "X": _floats(same),
                  **_scripted_init(same, 3, "k-means++", uniforms)})
    return {"source": "kibuch.scratch.kmeans", "generator": "tests/js/make_fixtures_kmeans.py",
            "runs": runs, "inits": inits}


def main() -> None:
    write_fixture(FIXTURE, dumps(build()))


if __name__ == "__main__":
    main()
