"""Rechenkern für die Spielwiesen (*playgrounds*) in Kapitel 3.

Zwei Themen:

* **Kurvenmodelle**: Drei kleine Modelle mit je zwei bis drei Parametern
  (``a·x + b``, ``a + b/x + c·sin(x)``, ``a·x + b·x² + c``) werden mit der Methode
  der kleinsten Quadrate an dieselben Daten angepasst. Jedes Modell ist linear in
  seinen Parametern; es unterscheidet sich nur in den *Merkmalen* (Features), die es
  aus ``x`` bildet (``CURVE_MODELS``).
* **Baum-Spielwiese**: Ein Entscheidungsbaum oder ein Random Forest wird für jede
  maximale Tiefe einmal trainiert; ``depth_sweep`` liefert Trainings- und
  Test-RMSE sowie die Vorhersagen auf einem Gitter. Daraus baut das Kapitel
  interaktive Figuren mit einem Schieberegler über die Tiefe.

Die Datengeneratoren ``make_curve_data``, ``make_regression_1d`` und
``make_regression_2d`` erzeugen synthetische Daten mit bekanntem wahren Zusammenhang.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# ---------------------------------------------------------------------------
# Kurvenmodelle
# ---------------------------------------------------------------------------

#: Name → (Merkmalsfunktion x ↦ Matrix (n, p), Parameternamen). Das Modell ist
#: die Summe Merkmal · Parameter; Parameter heißen wie in der Formel.
CURVE_MODELS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], tuple[str, ...]]] = {
    "a·x + b": (lambda x: np.column_stack([x, np.ones_like(x)]), ("a", "b")),
    "a + b/x + c·sin(x)": (
        lambda x: np.column_stack([np.ones_like(x), 1 / x, np.sin(x)]),
        ("a", "b", "c"),
    ),
    "a·x + b·x² + c": (lambda x: np.column_stack([x, x**2, np.ones_like(x)]), ("a", "b", "c")),
}


def _check_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"x und y müssen gleich lange 1D-Vektoren sein, nicht {x.shape}, {y.shape}."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x und y dürfen keine NaN oder unendlichen Werte enthalten.")
    return x, y


def curve_features(name: str, x) -> np.ndarray:
    """Merkmalsmatrix (n, p) des Kurvenmodells ``name`` für die Eingaben ``x``."""
    if name not in CURVE_MODELS:
        raise KeyError(f"Unbekanntes Modell {name!r}. Gültig: {', '.join(CURVE_MODELS)}.")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x muss ein 1D-Vektor sein, nicht Form {x.shape}.")
    if name == "a + b/x + c·sin(x)" and np.any(x == 0):
        raise ValueError("Das Modell a + b/x + c·sin(x) ist für x = 0 nicht definiert.")
    return CURVE_MODELS[name][0](x)


def fit_curve(name: str, x, y) -> dict[str, float]:
    """Passt das Kurvenmodell per kleinster Quadrate an; gibt ``{"a": …, "b": …}`` zurück.

    Minimiert wird die Verlustfunktion ``mittlerer quadratischer Fehler`` – weil das
    Modell linear in den Parametern ist, hat sie genau ein Minimum, das
    ``numpy.linalg.lstsq`` direkt ausrechnet.
    """
    x, y = _check_xy(x, y)
    features = curve_features(name, x)  # (n, p)
    if len(x) < features.shape[1]:
        raise ValueError(
            f"Für {features.shape[1]} Parameter braucht es mindestens so viele Punkte."
        )
    params, *_ = np.linalg.lstsq(features, y, rcond=None)  # (p,)
    return dict(zip(CURVE_MODELS[name][1], map(float, params)))


def predict_curve(name: str, params: dict[str, float], x) -> np.ndarray:
    """Vorhersage des Kurvenmodells ``name`` mit den Parametern ``params``."""
    names = CURVE_MODELS.get(name, (None, ()))[1]
    if name in CURVE_MODELS and set(params) != set(names):
        raise ValueError(f"params braucht genau die Schlüssel {names}, nicht {tuple(params)}.")
    features = curve_features(name, x)  # (n, p)
    return features @ np.array([params[p] for p in names])


def _check_sample(n, noise) -> None:
    """Gemeinsame Prüfung der Datengeneratoren: n ganzzahlig ≥ 2, noise ≥ 0."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n muss eine ganze Zahl ≥ 2 sein, nicht {n!r}.")
    if noise < 0:
        raise ValueError(f"noise muss ≥ 0 sein, nicht {noise}.")


def make_curve_data(n: int = 40, *, noise: float = 0.3, seed: int = 0,
                    x_range: tuple[float, float] = (0.5, 10.0)) -> tuple[np.ndarray, np.ndarray]:
    """Synthetische Messpunkte ``y = 1 + 2/x + 1,5·sin(x) + Rauschen`` (sortiert nach x).

    Der wahre Zusammenhang hat die Form des zweiten Kurvenmodells – im Kapitel prüfen
    wir, ob der Testfehler das auch ohne dieses Vorwissen verrät.
    """
    _check_sample(n, noise)
    lo, hi = x_range
    if not 0 < lo < hi:
        raise ValueError(f"x_range muss 0 < untere < obere Grenze erfüllen, nicht {x_range}.")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(lo, hi, n))
    y = 1 + 2 / x + 1.5 * np.sin(x) + rng.normal(0, noise, n)
    return x, y


def rmse(y_true, y_pred) -> float:
    """Wurzel aus dem mittleren quadratischen Fehler (*root mean squared error*)."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"Formen passen nicht: {y_true.shape} gegen {y_pred.shape}.")
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


# ---------------------------------------------------------------------------
# Baum-Spielwiese
# ---------------------------------------------------------------------------

def make_regression_1d(n: int = 80, *, noise: float = 0.3, seed: int = 0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Punkte ``y = sin(x) + 0,3·x + Rauschen`` mit x gleichverteilt in [0, 6].

    Rückgabe ``X`` mit Form (n, 1) und ``y`` mit Form (n,).
    """
    _check_sample(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 6, n)
    y = np.sin(x) + 0.3 * x + rng.normal(0, noise, n)
    return x[:, None], y


def make_regression_2d(n: int = 200, *, noise: float = 0.3, seed: int = 0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Punkte in der Ebene [−1, 1]² mit Ziel ``sin(3·x₁) + x₂² + Rauschen``.

    Rückgabe ``X`` mit Form (n, 2) und ``y`` mit Form (n,).
    """
    _check_sample(n, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + rng.normal(0, noise, n)
    return X, y


@dataclass
class DepthSweep:
    depths: np.ndarray  # (D,) untersuchte maximale Tiefen
    rmse_train: np.ndarray  # (D,) RMSE auf den Trainingsdaten
    rmse_test: np.ndarray  # (D,) RMSE auf den Testdaten
    grid_predictions: np.ndarray | None  # (D, G) Vorhersagen auf dem Gitter oder None


def make_tree_model(depth: int | None, *, forest: bool = False, n_estimators: int = 50,
                    seed: int = 0):
    """Ein ``DecisionTreeRegressor`` oder ``RandomForestRegressor`` mit ``max_depth=depth``."""
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.tree import DecisionTreeRegressor

    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, (int, np.integer))
                              or depth < 1):
        raise ValueError(f"depth muss None oder eine ganze Zahl ≥ 1 sein, nicht {depth!r}.")
    depth = None if depth is None else int(depth)
    if forest:
        if not isinstance(n_estimators, int) or n_estimators < 1:
            raise ValueError(f"n_estimators muss eine ganze Zahl ≥ 1 sein, nicht {n_estimators!r}.")
        return RandomForestRegressor(n_estimators=n_estimators, max_depth=depth,
                                     random_state=seed, n_jobs=1)
    return DecisionTreeRegressor(max_depth=depth, random_state=seed)


def depth_sweep(X_train, y_train, X_test, y_test, depths: Sequence[int], *,
                forest: bool = False, n_estimators: int = 50, seed: int = 0,
                grid=None) -> DepthSweep:
    """Trainiert für jede Tiefe in ``depths`` ein Modell und misst Trainings-/Test-RMSE.

    ``grid`` (Form (G, d)) sind optionale Punkte, an denen die Vorhersagen für die
    Abbildung gespeichert werden (Kurve in 1D, Fläche in 2D).
    """
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y_train, y_test = np.asarray(y_train, float), np.asarray(y_test, float)
    if X_train.ndim != 2 or X_test.ndim != 2 or X_train.shape[1] != X_test.shape[1]:
        raise ValueError("X_train und X_test müssen 2D mit gleich vielen Spalten sein.")
    if len(X_train) != len(y_train) or len(X_test) != len(y_test):
        raise ValueError("X und y müssen gleich viele Zeilen haben.")
    depths = np.asarray(list(depths), dtype=int)
    if depths.size == 0:
        raise ValueError("depths darf nicht leer sein.")
    if grid is not None:
        grid = np.asarray(grid, float)
        if grid.ndim != 2 or grid.shape[1] != X_train.shape[1]:
            raise ValueError(f"grid muss die Form (G, {X_train.shape[1]}) haben.")
    train, test, preds = [], [], []
    for depth in depths:
        model = make_tree_model(int(depth), forest=forest, n_estimators=n_estimators, seed=seed)
        model.fit(X_train, y_train)
        train.append(rmse(y_train, model.predict(X_train)))
        test.append(rmse(y_test, model.predict(X_test)))
        if grid is not None:
            preds.append(model.predict(grid))
    return DepthSweep(depths, np.array(train), np.array(test),
                      np.array(preds) if grid is not None else None)


# ---------------------------------------------------------------------------
# Schieberegler für plotly-Figuren (funktioniert ohne Kernel)
# ---------------------------------------------------------------------------

def add_visibility_slider(fig, step_traces: Sequence[Sequence[int]], labels: Sequence[str], *,
                          titles: Sequence[str] | None = None, prefix: str = ""):
    """Fügt einer plotly-Figur einen Schieberegler hinzu, der Spuren ein- und ausblendet.

    ``step_traces[i]`` sind die Nummern der Spuren, die in Stellung ``i`` sichtbar
    sind; Spuren, die in keiner Liste vorkommen, bleiben immer sichtbar. ``titles``
    (optional) setzt je Stellung den Figurentitel. Alle Daten stecken vorab in der
    Figur, deshalb funktioniert der Regler auch in einer statischen HTML-Seite.
    """
    n_traces = len(fig.data)
    if len(step_traces) == 0 or len(step_traces) != len(labels):
        raise ValueError("step_traces und labels müssen gleich lang und nicht leer sein.")
    if titles is not None and len(titles) != len(labels):
        raise ValueError("titles muss so lang sein wie labels.")
    switched = {int(i) for group in step_traces for i in group}
    if any(not 0 <= i < n_traces for i in switched):
        raise ValueError(f"Spurnummern müssen zwischen 0 und {n_traces - 1} liegen.")
    steps = []
    for i, group in enumerate(step_traces):
        visible = [j not in switched or j in set(group) for j in range(n_traces)]
        layout = {"title.text": titles[i]} if titles is not None else {}
        steps.append({"method": "update", "label": str(labels[i]),
                      "args": [{"visible": visible}, layout]})
    for j, trace in enumerate(fig.data):
        trace.visible = steps[0]["args"][0]["visible"][j]
    if titles is not None:
        fig.update_layout(title_text=titles[0])
    fig.update_layout(sliders=[{"steps": steps, "active": 0, "pad": {"t": 40},
                                "currentvalue": {"prefix": prefix}}])
    return fig
