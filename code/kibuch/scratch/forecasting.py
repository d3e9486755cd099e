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

#: Namen der Prognosen in der Reihenfolge, in der ``one_step_forecasts`` sie liefert.
FORECAST_NAMES = ("letzter Wert", "saisonal naiv", "Regression auf Vorwerten")


def lag_matrix(values, n_lags: int) -> tuple[np.ndarray, np.ndarray]:
    """Merkmale aus Vorwerten: Zeile ``i`` enthält y(t−1), …, y(t−n_lags) für t = n_lags + i.

    Rückgabe ``X`` mit Form (n − n_lags, n_lags) und Ziel ``y`` mit Form (n − n_lags,).
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"values muss eine 1D-Reihe sein, nicht Form {values.shape}.")
    if isinstance(n_lags, bool) or not isinstance(n_lags, (int, np.integer)) or n_lags < 1:
        raise ValueError(f"n_lags muss eine ganze Zahl ≥ 1 sein, nicht {n_lags!r}.")
    if len(values) <= n_lags:
        raise ValueError(f"Die Reihe ist mit {len(values)} Werten zu kurz für {n_lags} Vorwerte.")
    n = len(values)
    X = np.column_stack([values[n_lags - k:n - k] for k in range(1, n_lags + 1)])  # (n-L, L)
    return X, values[n_lags:]


def one_step_forecasts(values, n_test: int = 24, *, n_lags: int = 12, season: int = 12,
                       log: bool = True) -> dict[str, np.ndarray]:
    """Einschrittprognosen für die letzten ``n_test`` Werte (siehe Modul-Docstring).

    ``log=True`` rechnet die Regression auf ``log(y)`` (sinnvoll, wenn das
    Saisonmuster mit dem Niveau wächst) und verlangt positive Werte.
    """
    from sklearn.linear_model import LinearRegression

    values = np.asarray(values, dtype=float)
    if isinstance(n_test, bool) or not isinstance(n_test, (int, np.integer)) or n_test < 1:
        raise ValueError(f"n_test muss eine ganze Zahl ≥ 1 sein, nicht {n_test!r}.")
    if isinstance(season, bool) or not isinstance(season, (int, np.integer)) or season < 1:
        raise ValueError(f"season muss eine ganze Zahl ≥ 1 sein, nicht {season!r}.")
    if len(values) < n_test + max(n_lags, season) + 2:
        raise ValueError("Die Reihe ist zu kurz für so viele Testwerte und Vorwerte.")
    if log and np.any(values <= 0):
        raise ValueError("log=True verlangt ausschließlich positive Werte.")
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
