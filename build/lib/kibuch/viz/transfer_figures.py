"""Abbildungen für das Transfer-Lernen (Kapitel 3.3.2), interaktiv mit plotly.

- :func:`transfer_curve_figure`: Testgenauigkeit über der Zahl beschrifteter Bilder je
  Klasse, eine Linie je Verfahren mit Fehlerbalken (± eine Standardabweichung über die Seeds).
- :func:`teachable_figure`: die drei Teachable-Machine-Fragen in drei Feldern.
- :func:`curve_table` und :func:`verdict_table`: dieselben Zahlen als Tabellen mit
  deutschen Zahlen („97,3 % ± 1,2“).

Die Funktionen nehmen fertige Tabellen (etwa aus ``kibuch.chapters.ch03_3_transfer.summarize``)
und kümmern sich nur um das Aussehen. plotly wird erst beim Aufruf importiert.
"""

from __future__ import annotations

import numpy as np

from kibuch.core.checks import check_float, check_frame, check_instance, check_int
from kibuch.core.fmt import de, pct
from kibuch.viz.plotting import PALETTE

_MARKERS = ("circle", "square", "diamond", "triangle-up", "x")


def _pct(values) -> list[float]:
    """Anteile als Prozent, auf zwei Nachkommastellen gerundet, als Liste (kleines JSON)."""
    return np.round(100 * np.asarray(values, dtype=float), 2).tolist()


def _mean_sd_traces(fig, table, group: str, x: str, *, row=None, col=None, names=None,
                    show_legend: bool = True, colors=PALETTE, dash=None) -> None:
    """Eine Linie mit Fehlerbalken (Spalten ``mittel``, ``streuung``) je Wert von ``group``."""
    import plotly.graph_objects as go

    for k, (name, part) in enumerate(table.groupby(group, sort=False)):
        part = part.sort_values(x)
        label = str(name) if names is None else names.get(name, str(name))
        fig.add_trace(go.Scatter(
            x=part[x].tolist(), y=_pct(part["mittel"]), name=label, legendgroup=label,
            mode="lines+markers", showlegend=show_legend,
            line={"color": colors[k % len(colors)], "dash": dash},
            marker={"symbol": _MARKERS[k % len(_MARKERS)], "size": 8},
            error_y={"type": "data", "array": _pct(part["streuung"].fillna(0.0)),
                     "visible": True, "thickness": 1.2, "width": 5},
            hovertemplate=(f"{label}<br>%{{x}} je Klasse: %{{y:.1f}} %"
                           "<br>± %{error_y.array:.1f} Prozentpunkte<extra></extra>")),
            row=row, col=col)


def transfer_curve_figure(summary, *, zero_shot: float | None = None, chance: float = 0.1,
                          height: int = 430):
    """Testgenauigkeit je Verfahren über den Bildern je Klasse (logarithmische x-Achse).

    ``summary`` hat die Spalten ``verfahren``, ``bilder``, ``mittel`` und ``streuung``
    (Anteile 0 … 1). ``zero_shot`` (optional) zeichnet eine gestrichelte Linie für das
    Quellnetz ohne jedes Zielbild, ``chance`` eine gepunktete für reines Raten.
    """
    import plotly.graph_objects as go

    summary = check_frame("summary", summary, ("verfahren", "bilder", "mittel", "streuung"))
    chance = check_float("chance", chance, 0.0, 1.0)
    height = check_int("height", height, minimum=100)
    fig = go.Figure()
    _mean_sd_traces(fig, summary, "verfahren", "bilder")
    if zero_shot is not None:
        zero_shot = check_float("zero_shot", zero_shot, 0.0, 1.0)
        fig.add_hline(y=100 * zero_shot, line={"color": "#555555", "dash": "dash", "width": 1},
                      annotation_text="MNIST-Netz ohne Zielbilder",
                      annotation_position="bottom right")
    fig.add_hline(y=100 * chance, line={"color": "#999999", "dash": "dot", "width": 1},
                  annotation_text="Raten", annotation_position="top right")
    shots = sorted(int(s) for s in summary["bilder"].unique())
    fig.update_layout(
        height=height, separators=",.", margin={"l": 60, "r": 20, "t": 20, "b": 50},
        legend={"orientation": "h", "y": 1.1, "x": 0},
        xaxis={"title": "Beschriftete Zielbilder je Klasse (logarithmisch)", "type": "log",
               "tickvals": shots, "ticktext": [str(s) for s in shots]},
        yaxis={"title": "Testgenauigkeit in %", "range": [0, 101]})
    return fig


def teachable_figure(q1, q2, q3, *, height: int = 400):
    """Die drei Teachable-Machine-Fragen nebeneinander, je mit Fehlerbalken (± 1 sd).

    ``q1``: Spalten ``bilder``, ``mittel``, ``streuung`` (zwei Klassen);
    ``q2``: dazu ``aufgabe`` (mit bzw. ohne dritte Klasse);
    ``q3``: ``kleine_klasse`` (Bilder der kleinen Klasse), ``klasse``, ``mittel``, ``streuung``.
    """
    from plotly.subplots import make_subplots

    q1 = check_frame("q1", q1, ("bilder", "mittel", "streuung"))
    q2 = check_frame("q2", q2, ("aufgabe", "bilder", "mittel", "streuung"))
    q3 = check_frame("q3", q3, ("klasse", "kleine_klasse", "mittel", "streuung"))
    height = check_int("height", height, minimum=100)
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.08, subplot_titles=(
        "1. Zwei Klassen", "2. Eine dritte Klasse", "3. Ungleich große Klassen"))
    _mean_sd_traces(fig, q1.assign(aufgabe="2 Klassen"), "aufgabe", "bilder", row=1, col=1,
                    show_legend=False)
    _mean_sd_traces(fig, q2, "aufgabe", "bilder", row=1, col=2)
    _mean_sd_traces(fig, q3, "klasse", "kleine_klasse", row=1, col=3, colors=PALETTE[2:])
    for col, values in ((1, q1["bilder"]), (2, q2["bilder"]), (3, q3["kleine_klasse"])):
        ticks = sorted(int(v) for v in np.unique(values))
        fig.update_xaxes(type="log", tickvals=ticks, ticktext=[str(t) for t in ticks],
                         row=1, col=col)
    fig.update_xaxes(title_text="Bilder je Klasse", row=1, col=1)
    fig.update_xaxes(title_text="Bilder je Klasse", row=1, col=2)
    fig.update_xaxes(title_text="Bilder der kleinen Klasse", row=1, col=3)
    fig.update_yaxes(title_text="Genauigkeit in %", row=1, col=1)
    fig.update_yaxes(title_text="Trefferquote in %", row=1, col=3)
    fig.update_layout(height=height, separators=",.",
                      margin={"l": 60, "r": 20, "t": 40, "b": 50},
                      legend={"orientation": "h", "y": -0.25, "x": 0, "title": None})
    return fig


def curve_table(summary):
    """Mittelwert ± Standardabweichung je Bildzahl (Zeilen) und Verfahren (Spalten), als Text.

    ``summary`` wie für :func:`transfer_curve_figure`; die Streuung in Prozentpunkten.
    """
    summary = check_frame("summary", summary, ("verfahren", "bilder", "mittel", "streuung"))
    text = summary.assign(wert=[f"{pct(m)} ± {de(100 * s, 1)}"
                                for m, s in zip(summary["mittel"], summary["streuung"])])
    table = text.pivot(index="bilder", columns="verfahren", values="wert")
    table = table[list(dict.fromkeys(summary["verfahren"]))]  # Reihenfolge wie in summary
    table.index.name, table.columns.name = "Bilder je Klasse", None
    return table


def verdict_table(comparisons: dict):
    """Gepaarte Differenzen je Bildzahl und Vergleich: „+12,3 ± 4,5 → besser“.

    ``comparisons`` ordnet Überschriften Tabellen aus ``compare`` zu (Spalten ``bilder``,
    ``differenz``, ``streuung``, ``urteil``); Differenzen in Prozentpunkten.
    """
    import pandas as pd

    check_instance("comparisons", comparisons, dict, "ein dict Überschrift → Vergleich")
    if not comparisons:
        raise ValueError("comparisons ist leer.")
    columns = {}
    for title, table in comparisons.items():
        table = check_frame(f"comparisons[{title!r}]", table,
                            ("bilder", "differenz", "streuung", "urteil"))
        columns[str(title)] = pd.Series(
            [f"{'+' if d > 0 else ''}{de(100 * d, 1)} ± {de(100 * s, 1)} → {u}"
             for d, s, u in zip(table["differenz"], table["streuung"], table["urteil"])],
            index=table["bilder"].to_numpy())
    result = pd.DataFrame(columns)
    result.index.name = "Bilder je Klasse"
    return result


__all__ = ["curve_table", "teachable_figure", "transfer_curve_figure", "verdict_table"]
