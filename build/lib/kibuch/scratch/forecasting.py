"""Einschrittprognosen für Monatsreihen mit ehrlichen naiven Basislinien.

Für jeden der letzten ``n_test`` Zeitpunkte wird der Wert nur aus den Werten *davor*
vorhergesagt (rollierend, ein Schritt voraus). Verglichen werden

* **letzter Wert**: ŷ(t) = y(t − 1),
* **saisonal naiv**: ŷ(t) = y(t − season), bei Monatsdaten derselbe Monat im Vorjahr,
* **Regression auf Vorwerten**: eine lineare Regression auf den logarithmierten
  ``n_lags`` Vorwerten, einmal auf allen Zeitpunkten vor dem Testzeitraum trainiert.

Beispiel (Kapitel 3)::

    air = data.load("air_passengers")
    forecasts = one_step_forecasts(air["passagiere"], n_test=24)
"""

from __future__ import annotations

import numpy as np

from kibuch.core.checks import check_array, check_bool, check_int

#: Namen der Prognosen in der Reihenfolge, in der ``one_step_forecasts`` sie liefert.
FORECAST_NAMES = ("letzter Wert", "saisonal naiv", "Regression auf Vorwerten")


def lag_matrix(values, n_lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Merkmale aus Vorwerten: Zeile ``i`` enthält y(t−1), …, y(t−n_lags) für t = n_lags + i.

    Rückgabe ``X`` mit Form (n − n_lags, n_lags) und Ziel ``y`` mit Form (n − n_lags,).
    """
    n_lags = check_int("n_lags", n_lags, minimum=1)
    values = check_array("values", values, ndim=1)
    if len(values) <= n_lags:
        raise ValueError(f"n_lags = {n_lags} ist zu groß: values hat nur {len(values)} Werte.")
    n = len(values)
    X = np.column_stack([values[n_lags - k:n - k] for k in range(1, n_lags + 1)])  # (n-L, L)
    return X, values[n_lags:]


def _check_args(values, n_test, n_lags, season, log):
    """Prüft die Argumente von ``one_step_forecasts``."""
    values = check_array("values", values, ndim=1)
    n_test, n_lags = check_int("n_test", n_test, minimum=1), check_int("n_lags", n_lags, minimum=1)
    season, log = check_int("season", season, minimum=1), check_bool("log", log)
    if len(values) < n_test + max(n_lags, season) + 2:
        raise ValueError(f"values ist mit {len(values)} Werten zu kurz für n_test = {n_test}, "
                         f"n_lags = {n_lags} und season = {season} (nötig: n_test + "
                         f"max(n_lags, season) + 2 = {n_test + max(n_lags, season) + 2}).")
    if log and np.any(values <= 0):
        raise ValueError("log=True verlangt ausschließlich positive Werte.")
    return values, n_test, n_lags, season, log


def one_step_forecasts(values, n_test: int = 24, *, n_lags: int = 12, season: int = 12,
                       log: bool = True) -> dict[str, np.ndarray]:
    """Einschrittprognosen für die letzten ``n_test`` Werte (siehe Modul-Docstring).

    ``log=True`` rechnet die Regression auf ``log(y)`` (sinnvoll, wenn das
    Saisonmuster mit dem Niveau wächst) und verlangt positive Werte.
    """
    from sklearn.linear_model import LinearRegression

    values, n_test, n_lags, season, log = _check_args(values, n_test, n_lags, season, log)
    series = np.log(values) if log else values
    X, y = lag_matrix(series, n_lags)  # (n-L, L), (n-L,)
    model = LinearRegression().fit(X[:-n_test], y[:-n_test])
    pred = model.predict(X[-n_test:])
    n = len(values)
    return {
        FORECAST_NAMES[0]: values[n - n_test - 1:n - 1],
        FORECAST_NAMES[1]: values[n - n_test - season:n - season],
        FORECAST_NAMES[2]: np.exp(pred) if log else pred,
    }
