"""Tests für kibuch.viz.transfer_figures: Kurven mit Fehlerbalken für Kapitel 3.3.2."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kibuch.viz.transfer_figures import (
    curve_table,
    teachable_figure,
    transfer_curve_figure,
    verdict_table,
)


def _summary():
    rows = [(m, n, 0.5 + 0.1 * k + 0.01 * n / 50, 0.02 * (k + 1))
            for k, m in enumerate(("Linear-Probe", "Feintuning", "von Grund auf"))
            for n in (50, 1, 10, 5)]  # absichtlich unsortiert
    return pd.DataFrame(rows, columns=["verfahren", "bilder", "mittel", "streuung"])


def test_transfer_curve_has_one_trace_per_method_with_error_bars():
    fig = transfer_curve_figure(_summary(), zero_shot=0.7)
    assert [t.name for t in fig.data] == ["Linear-Probe", "Feintuning", "von Grund auf"]
    first = fig.data[0]
    assert list(first.x) == [1, 5, 10, 50]  # nach Bildzahl sortiert
    np.testing.assert_allclose(first.error_y.array, [2.0] * 4)  # 0,02 → 2 Prozentpunkte
    np.testing.assert_allclose(fig.data[2].y[0], 100 * (0.7 + 0.01 / 50), atol=0.01)
    assert fig.layout.xaxis.type == "log" and list(fig.layout.xaxis.tickvals) == [1, 5, 10, 50]
    assert fig.layout.separators == ",."
    assert {s.y0 for s in fig.layout.shapes} == {70.0, 10.0}  # ohne Zielbilder, Raten


def test_transfer_curve_errors():
    with pytest.raises(ValueError, match="streuung"):
        transfer_curve_figure(_summary().drop(columns="streuung"))
    with pytest.raises(ValueError, match="zero_shot"):
        transfer_curve_figure(_summary(), zero_shot=1.5)
    with pytest.raises(TypeError, match="summary"):
        transfer_curve_figure({"bilder": [1]})


def test_teachable_figure_three_panels():
    q1 = pd.DataFrame({"bilder": [1, 5], "mittel": [0.9, 0.99], "streuung": [0.05, 0.01]})
    q2 = pd.concat([q1.assign(aufgabe="ohne 9"), q1.assign(aufgabe="mit 9", mittel=[0.8, 0.9])])
    q3 = pd.DataFrame({"kleine_klasse": [1, 20, 1, 20], "klasse": ["5", "5", "8", "8"],
                       "mittel": [1.0, 1.0, 0.5, 0.99], "streuung": [0.0, 0.0, 0.2, 0.01]})
    fig = teachable_figure(q1, q2, q3)
    assert len(fig.data) == 1 + 2 + 2
    assert [t.xaxis for t in fig.data] == ["x", "x2", "x2", "x3", "x3"]
    np.testing.assert_allclose(fig.data[3].error_y.array, [0.0, 0.0])
    with pytest.raises(ValueError, match="kleine_klasse"):
        teachable_figure(q1, q2, q3.drop(columns="kleine_klasse"))


def test_curve_table_formats_mean_and_sd_in_order():
    table = curve_table(_summary())
    assert list(table.columns) == ["Linear-Probe", "Feintuning", "von Grund auf"]
    assert list(table.index) == [1, 5, 10, 50]
    assert table.loc[1, "Feintuning"] == "60,0\u202f% ± 4,0"
    with pytest.raises(ValueError, match="mittel"):
        curve_table(_summary().drop(columns="mittel"))


def test_verdict_table_signs_and_words():
    cmp = pd.DataFrame({"bilder": [1, 5], "differenz": [0.123, -0.02], "streuung": [0.01, 0.05],
                        "urteil": ["besser", "kein klarer Unterschied"]})
    table = verdict_table({"A − B": cmp})
    assert table.loc[1, "A − B"] == "+12,3 ± 1,0 → besser"
    assert table.loc[5, "A − B"].startswith("−2,0 ± 5,0")
    with pytest.raises(ValueError, match="leer"):
        verdict_table({})
    with pytest.raises(ValueError, match="urteil"):
        verdict_table({"A − B": cmp.drop(columns="urteil")})
