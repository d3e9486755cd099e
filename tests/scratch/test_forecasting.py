"""Tests für kibuch.scratch.forecasting – Vorwert-Matrix, Basislinien, Regression."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from kibuch.scratch.forecasting import FORECAST_NAMES, lag_matrix, one_step_forecasts


def test_lag_matrix_matches_pandas_shift():
    values = np.arange(10.0) ** 2
    X, y = lag_matrix(values, 3)
    frame = pd.DataFrame({f"lag{k}": pd.Series(values).shift(k) for k in (1, 2, 3)}).dropna()
    np.testing.assert_array_equal(X, frame.to_numpy())
    np.testing.assert_array_equal(y, values[3:])


def test_baselines_and_regression():
    rng = np.random.default_rng(0)
    t = np.arange(72)
    values = 100 * np.exp(0.01 * t) * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) \
        * np.exp(rng.normal(0, 0.01, 72))
    fc = one_step_forecasts(values, n_test=12)
    assert tuple(fc) == FORECAST_NAMES
    np.testing.assert_array_equal(fc["letzter Wert"], values[59:71])
    np.testing.assert_array_equal(fc["saisonal naiv"], values[48:60])
    X, y = lag_matrix(np.log(values), 12)
    ref = np.exp(LinearRegression().fit(X[:-12], y[:-12]).predict(X[-12:]))
    np.testing.assert_allclose(fc["Regression auf Vorwerten"], ref)
    # Auf einer Reihe mit Trend und Saison schlägt die Regression beide Basislinien
    errors = {k: np.abs(v - values[-12:]).mean() for k, v in fc.items()}
    assert errors["Regression auf Vorwerten"] < min(errors["letzter Wert"],
                                                    errors["saisonal naiv"])


def test_errors():
    with pytest.raises(ValueError, match="1D"):
        lag_matrix(np.zeros((3, 3)), 1)
    with pytest.raises(ValueError, match="n_lags"):
        lag_matrix(np.arange(5.0), 0)
    with pytest.raises(ValueError, match="zu kurz"):
        lag_matrix(np.arange(3.0), 3)
    with pytest.raises(ValueError, match="n_test"):
        one_step_forecasts(np.arange(1.0, 50.0), n_test=0)
    with pytest.raises(ValueError, match="season"):
        one_step_forecasts(np.arange(1.0, 50.0), season=0)
    with pytest.raises(ValueError, match="zu kurz"):
        one_step_forecasts(np.arange(1.0, 20.0), n_test=10)
    with pytest.raises(ValueError, match="positive"):
        one_step_forecasts(np.arange(-5.0, 60.0), n_test=5)
