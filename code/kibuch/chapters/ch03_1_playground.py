"""Rechenkern für die Spielwiesen (*playgrounds*) in Kapitel 3.

Zwei Themen:

* **Kurvenmodelle**: Drei kleine Modelle mit je zwei bis drei Parametern
  (``a·x + b``, ``a + b/x + c·sin(x)``, ``a·x + b·x² + c``) werden mit der Methode
  der kleinsten Quadrate an dieselben Daten angepasst. Jedes Modell ist linear in
  seinen Parametern; es unterscheidet sich nur in den *Merkmalen* (Features), die es
  aus ``x`` bildet (``CURVE_MODELS``).
* **Baum-Spielwiese**: Ein Entscheidungsbaum oder ein Random Forest (hier als Bagging,
  siehe ``make_tree_model``) wird für jede maximale Tiefe einmal trainiert;
  ``depth_sweep`` liefert Trainings- und Test-RMSE sowie die Vorhersagen auf einem
  Gitter. Daraus baut das Kapitel interaktive Figuren mit einem Schieberegler über die
  Tiefe (:mod:`kibuch.viz.ml_figures`).

Die synthetischen Daten dazu (``make_curve_data``, ``make_regression_1d``,
``make_regression_2d``) liefert :mod:`kibuch.data.synthetic.curves`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_same_length,
)

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


def _check_xy(x, y, min_len: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Zwei gleich lange, endliche 1D-Vektoren mit mindestens ``min_len`` Einträgen."""
    x = check_array("x", x, ndim=1, min_len=min_len)
    y = check_array("y", y, ndim=1, min_len=min_len)
    check_same_length(x=x, y=y)
    return x, y


def curve_features(name: str, x) -> np.ndarray:
    """Merkmalsmatrix (n, p) des Kurvenmodells ``name`` für die Eingaben ``x``."""
    name = check_choice("name", name, CURVE_MODELS)
    x = check_array("x", x, ndim=1)
    if name == "a + b/x + c·sin(x)" and np.any(x == 0):
        raise ValueError("Das Modell a + b/x + c·sin(x) ist für x = 0 nicht definiert.")
    return CURVE_MODELS[name][0](x)


def fit_curve(name: str, x, y) -> dict[str, float]:
    """Passt das Kurvenmodell per kleinster Quadrate an; gibt ``{"a": …, "b": …}`` zurück.

    Minimiert wird die Verlustfunktion ``mittlerer quadratischer Fehler`` – weil das
    Modell linear in den Parametern ist, hat sie (bei linear unabhängigen Merkmalsspalten)
    genau ein Minimum, das ``numpy.linalg.lstsq`` direkt ausrechnet.
    """
    names = CURVE_MODELS[check_choice("name", name, CURVE_MODELS)][1]
    x, y = _check_xy(x, y, min_len=len(names))  # mindestens so viele Punkte wie Parameter
    features = curve_features(name, x)  # (n, p)
    params, *_ = np.linalg.lstsq(features, y, rcond=None)  # (p,)
    return dict(zip(names, map(float, params)))


def predict_curve(name: str, params: dict[str, float], x) -> np.ndarray:
    """Vorhersage des Kurvenmodells ``name`` mit den Parametern ``params``."""
    names = CURVE_MODELS[check_choice("name", name, CURVE_MODELS)][1]
    check_instance("params", params, dict, "ein dict {Parametername: Wert}")
    if set(params) != set(names):
        raise ValueError(f"params braucht genau die Schlüssel {names}, nicht {tuple(params)}.")
    values = np.array([check_float(f"params[{p!r}]", params[p]) for p in names])  # (p,)
    return curve_features(name, x) @ values


def rmse(y_true, y_pred) -> float:
    """Wurzel aus dem mittleren quadratischen Fehler (*root mean squared error*)."""
    y_true = check_array("y_true", y_true, ndim=1)
    y_pred = check_array("y_pred", y_pred, ndim=1)
    check_same_length(y_true=y_true, y_pred=y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


# ---------------------------------------------------------------------------
# Baum-Spielwiese
# ---------------------------------------------------------------------------

@dataclass
class DepthSweep:
    depths: np.ndarray  # (D,) untersuchte maximale Tiefen
    rmse_train: np.ndarray  # (D,) RMSE auf den Trainingsdaten
    rmse_test: np.ndarray  # (D,) RMSE auf den Testdaten
    grid_predictions: np.ndarray | None  # (D, G) Vorhersagen auf dem Gitter oder None


def make_tree_model(depth: int | None, *, forest: bool = False, n_estimators: int = 50,
                    seed: int = 0):
    """Ein ``DecisionTreeRegressor`` oder ``RandomForestRegressor`` mit ``max_depth=depth``.

    Der Forest prüft an jedem Knoten *alle* Merkmale (``max_features=1.0``, in
    scikit-learn der Standard für Regression): Seine Bäume unterscheiden sich nur durch
    ihre Bootstrap-Stichprobe der Trainingsdaten. Das ist Bagging (*bootstrap
    aggregating*); bei den ein- und zweidimensionalen Daten der Spielwiese gäbe es ohnehin
    kaum Merkmale zum Auslosen.
    """
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.tree import DecisionTreeRegressor

    depth = None if depth is None else check_int("depth", depth, minimum=1)
    n_estimators = check_int("n_estimators", n_estimators, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if check_bool("forest", forest):
        return RandomForestRegressor(n_estimators=n_estimators, max_depth=depth,
                                     max_features=1.0, random_state=seed, n_jobs=1)
    return DecisionTreeRegressor(max_depth=depth, random_state=seed)


def _check_sweep(X_train, y_train, X_test, y_test, depths, grid):
    """Prüft die Argumente von ``depth_sweep`` und gibt sie als Arrays bzw. Liste zurück."""
    X_train, X_test = check_array("X_train", X_train, ndim=2), check_array("X_test", X_test, ndim=2)
    y_train, y_test = check_array("y_train", y_train, ndim=1), check_array("y_test", y_test, ndim=1)
    check_same_length(X_train=X_train, y_train=y_train)
    check_same_length(X_test=X_test, y_test=y_test)
    if X_test.shape[1] != X_train.shape[1]:
        raise ValueError(f"X_test braucht {X_train.shape[1]} Spalten wie X_train, "
                         f"nicht {X_test.shape[1]}.")
    if isinstance(depths, (str, bytes)) or not hasattr(depths, "__iter__"):
        kind = type(depths).__name__
        raise TypeError(f"depths muss eine Liste ganzer Zahlen sein, nicht {kind}.")
    depths = [check_int(f"depths[{i}]", d, minimum=1) for i, d in enumerate(depths)]
    if not depths:
        raise ValueError("depths darf nicht leer sein.")
    if grid is not None:
        grid = check_array("grid", grid, ndim=2)
        if grid.shape[1] != X_train.shape[1]:
            raise ValueError(f"grid muss die Form (G, {X_train.shape[1]}) haben, "
                             f"nicht {grid.shape}.")
    return X_train, y_train, X_test, y_test, depths, grid


def depth_sweep(X_train, y_train, X_test, y_test, depths: Sequence[int], *,
                forest: bool = False, n_estimators: int = 50, seed: int = 0,
                grid=None) -> DepthSweep:
    """Trainiert für jede Tiefe in ``depths`` ein Modell und misst Trainings-/Test-RMSE.

    ``grid`` (Form (G, d)) sind optionale Punkte, an denen die Vorhersagen für die
    Abbildung gespeichert werden (Kurve in 1D, Fläche in 2D).
    """
    X_train, y_train, X_test, y_test, depths, grid = _check_sweep(
        X_train, y_train, X_test, y_test, depths, grid)
    train, test, preds = [], [], []
    for depth in depths:
        model = make_tree_model(depth, forest=forest, n_estimators=n_estimators, seed=seed)
        model.fit(X_train, y_train)
        train.append(rmse(y_train, model.predict(X_train)))
        test.append(rmse(y_test, model.predict(X_test)))
        if grid is not None:
            preds.append(model.predict(grid))
    return DepthSweep(np.array(depths), np.array(train), np.array(test),
                      np.array(preds) if grid is not None else None)
