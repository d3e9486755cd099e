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


def test_without_log_matches_plain_regression():
    values = np.arange(1.0, 61.0) + np.sin(np.arange(60))
    fc = one_step_forecasts(values, n_test=6, n_lags=3, season=4, log=False)
    X, y = lag_matrix(values, 3)
    ref = LinearRegression().fit(X[:-6], y[:-6]).predict(X[-6:])
    np.testing.assert_allclose(fc["Regression auf Vorwerten"], ref)
    np.testing.assert_array_equal(fc["saisonal naiv"], values[50:56])


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: lag_matrix(np.zeros((3, 3)), 1), ValueError, "1-dimensional"),
        (lambda: lag_matrix(np.arange(5.0), 0), ValueError, "n_lags"),
        (lambda: lag_matrix(np.arange(5.0), 1.0), TypeError, "n_lags"),
        (lambda: lag_matrix(np.arange(3.0), 3), ValueError, "n_lags = 3 ist zu groß"),
        (lambda: lag_matrix([1.0, np.nan, 3.0], 1), ValueError, "NaN"),
        (lambda: lag_matrix("1 2 3", 1), TypeError, "values"),
        (lambda: one_step_forecasts(np.arange(1.0, 50.0), n_test=0), ValueError, "n_test"),
        (lambda: one_step_forecasts(np.arange(1.0, 50.0), n_test=True), TypeError, "n_test"),
        (lambda: one_step_forecasts(np.arange(1.0, 50.0), season=0), ValueError, "season"),
        (lambda: one_step_forecasts(np.arange(1.0, 50.0), n_lags=0), ValueError, "n_lags"),
        (lambda: one_step_forecasts(np.arange(1.0, 50.0), log="ja"), TypeError, "log"),
        (lambda: one_step_forecasts(np.arange(1.0, 20.0), n_test=10), ValueError,
         "zu kurz für n_test = 10"),
        (lambda: one_step_forecasts(np.arange(-5.0, 60.0), n_test=5), ValueError, "positive"),
        (lambda: one_step_forecasts(np.r_[np.arange(1.0, 60.0), np.nan]), ValueError, "NaN"),
        (lambda: one_step_forecasts(None), TypeError, "values"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
