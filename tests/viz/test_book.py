"""Tests für kibuch.viz.book – Werte und Abbildungen für den Fließtext."""

import ast
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from kibuch.viz import book


@pytest.fixture
def recorded(monkeypatch):
    """Fängt die Aufrufe von myst_nb.glue ab: Liste von (Name, Bündel, display)."""
    import IPython
    import myst_nb

    calls = []

    def fake_glue(name, variable, display=True):
        bundle, _ = IPython.core.formatters.format_display_data(variable)
        calls.append((name, bundle, display))

    monkeypatch.setattr(myst_nb, "glue", fake_glue)
    monkeypatch.setenv(book.BOOK_BUILD_ENV, "1")  # wie im Buchbau
    return calls


def test_outside_the_book_values_are_printed_not_glued(recorded, monkeypatch, capsys):
    """Heruntergeladenes Notebook: Werte erscheinen sichtbar, auch wenn MyST-NB da ist."""
    monkeypatch.delenv(book.BOOK_BUILD_ENV)
    assert not book.in_book_build()
    book.glue_values(genauigkeit="97,3 %", seeds=3)
    out = capsys.readouterr().out
    assert "genauigkeit  97,3 %" in out and "seeds" in out
    assert recorded == []


def test_glue_values_stores_text(recorded):
    assert book.glue_values(a="1,5", b=3, c=np.float64(0.25), d=np.int64(7)) is None
    stored = {name: ast.literal_eval(bundle["text/plain"]) for name, bundle, _ in recorded}
    # MyST-NB liest den repr des Strings zurück
    assert stored == {"a": "1,5", "b": "3", "c": "0.25", "d": "7"}
    assert all(display is False for *_, display in recorded)


@pytest.mark.parametrize(
    "value, exc",
    [(None, TypeError), (True, TypeError), (float("nan"), ValueError),
     (np.float64("inf"), ValueError), ("", ValueError), ("  ", ValueError),
     ([1, 2], TypeError), (go.Figure(), TypeError)],
)
def test_glue_values_rejects_suspicious_values(recorded, value, exc):
    with pytest.raises(exc, match="wert"):
        book.glue_values(wert=value)
    assert recorded == []


def test_glue_values_needs_a_value():
    with pytest.raises(ValueError, match="mindestens einen"):
        book.glue_values()


def test_glue_figure_stores_html_and_plotly_json(recorded):
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1.5, 2.5]))
    assert book.glue_figure("fig_test", fig) is None  # keine doppelte Ausgabe in der Zelle
    assert len(recorded) == 1
    name, stored, display = recorded[0]
    assert name == "fig_test" and display is True
    assert "Plotly.newPlot" in stored["text/html"]
    data = stored["application/vnd.plotly.v1+json"]["data"]
    assert data[0]["y"] == [1.5, 2.5]
    assert json.loads(fig.to_json())["data"][0]["x"] == data[0]["x"]


def test_plain_glue_of_a_plotly_figure_stores_nothing(monkeypatch):
    """Der Grund für glue_figure: IPython überlässt plotly-Figuren ihre eigene Anzeige."""
    import IPython
    import plotly.io as pio

    monkeypatch.setattr(pio.renderers, "default", "json")  # nie einen Browser öffnen
    bundle, _ = IPython.core.formatters.format_display_data(go.Figure(go.Bar(y=[1])))
    assert "application/vnd.plotly.v1+json" not in bundle


@pytest.mark.parametrize(
    "name, fig, exc",
    [("", go.Figure(), ValueError), (None, go.Figure(), TypeError), ("f", {"data": []}, TypeError)],
)
def test_glue_figure_errors(recorded, name, fig, exc):
    with pytest.raises(exc):
        book.glue_figure(name, fig)
    assert recorded == []


def test_without_myst_nb_values_are_printed_and_nothing_is_returned(monkeypatch, capsys):
    """Heruntergeladenes Notebook: eine kleine Tabelle statt glue, keine Ausgabe ``{…}``."""
    import sys

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import myst_nb → ImportError
    assert book.glue_values(anteil="12,5 %", n=3) is None
    assert capsys.readouterr().out.splitlines() == ["anteil  12,5 %", "n       3"]
    assert book.glue_figure("fig_test", go.Figure(go.Bar(y=[1]))) is None
