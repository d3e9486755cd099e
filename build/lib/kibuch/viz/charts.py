"""Interaktive Diagramme für kategoriale Tabellen: Sankey und Sunburst.

Beide Diagrammtypen erwarten ihre Daten in einer besonderen Form: das
Sankey-Diagramm als Knoten und gewichtete Verbindungen, das Sunburst-Diagramm
als Hierarchie aus IDs und Eltern-IDs. Die Funktionen hier erzeugen diese Form
aus einer gewöhnlichen Tabelle mit einer Zeile je Beobachtung (etwa einem
Passagier der Titanic) und bauen daraus plotly-Figuren.

- ``sankey_links``/``sankey_figure``: Wege durch mehrere kategoriale Spalten,
- ``sunburst_table``/``sunburst_figure``: Hierarchie mit Anzahl der Treffer
  (Segmentgröße) und Trefferrate (Farbe) einer 0/1-Zielspalte.
"""

from __future__ import annotations

import re

import pandas as pd

from kibuch.core.checks import (
    check_instance,
    check_int,
    check_probability,
    check_str,
    check_str_list,
)
from kibuch.viz.plotting import PALETTE

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _check_columns(table, columns, name: str, minimum: int) -> list[str]:
    """``table`` ist ein nicht leerer DataFrame, ``columns`` verschiedene, vorhandene
    Spalten ohne fehlende Werte."""
    check_instance("table", table, pd.DataFrame, "ein pandas.DataFrame")
    columns = check_str_list(name, columns, min_len=minimum)
    if len(set(columns)) != len(columns):
        raise ValueError(f"{name} enthält eine Spalte mehrfach: {columns}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"table fehlen Spalten aus {name}: {missing}. "
                         f"Vorhanden: {list(table.columns)}.")
    if table.empty:
        raise ValueError("table ist leer (keine Zeilen).")
    holes = [c for c in columns if table[c].isna().any()]
    if holes:
        raise ValueError(
            f"table hat Spalten mit fehlenden Werten: {holes}. Bitte vorher füllen oder filtern."
        )
    return columns


def sankey_links(table: pd.DataFrame, stages) -> tuple[list[str], pd.DataFrame]:
    """Knoten und Verbindungen für ein Sankey-Diagramm über die Spalten ``stages``.

    Gibt ``(labels, links)`` zurück: ``labels`` sind die Knotennamen (je Stufe
    sortiert, Stufe für Stufe hintereinander), ``links`` eine Tabelle mit den
    Spalten ``quelle`` und ``ziel`` (Positionen in ``labels``) und ``anzahl``
    (Zahl der Zeilen, die diesen Weg nehmen).
    """
    stages = _check_columns(table, stages, "stages", minimum=2)
    labels, position = [], {}
    for stage in stages:
        for value in sorted(table[stage].unique()):
            position[(stage, value)] = len(labels)
            labels.append(str(value))
    parts = []
    for left, right in zip(stages[:-1], stages[1:]):
        counts = table.groupby([left, right]).size().reset_index(name="anzahl")
        parts.append(pd.DataFrame({
            "quelle": [position[(left, v)] for v in counts[left]],
            "ziel": [position[(right, v)] for v in counts[right]],
            "anzahl": counts["anzahl"].to_numpy(),
        }))
    return labels, pd.concat(parts, ignore_index=True)


def _rgba(hex_color: str, alpha: float) -> str:
    """``'#0072B2'`` → ``'rgba(0,114,178,0.35)'``."""
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def sankey_figure(table: pd.DataFrame, stages, *, colors=None, alpha: float = 0.35,
                  unit: str = "Personen", height: int = 420):
    """Sankey-Diagramm der Wege durch ``stages``; Bänder in der Farbe ihrer Quelle.

    ``colors`` ist eine Liste mit einer Hex-Farbe (``'#RRGGBB'``) je Knoten in
    der Reihenfolge von ``sankey_links``; ohne Angabe wird ``PALETTE`` durchlaufen.
    """
    import plotly.graph_objects as go

    labels, links = sankey_links(table, stages)
    alpha = check_probability("alpha", alpha)
    unit, height = check_str("unit", unit), check_int("height", height, minimum=100)
    if colors is None:
        colors = [PALETTE[i % len(PALETTE)] for i in range(len(labels))]
    colors = check_str_list("colors", colors)
    if len(colors) != len(labels):
        raise ValueError(
            f"colors braucht {len(labels)} Farben (eine je Knoten), nicht {len(colors)}."
        )
    bad = [c for c in colors if not _HEX.match(c)]
    if bad:
        raise ValueError(f"Farben müssen die Form '#RRGGBB' haben: {bad}.")
    figure = go.Figure(go.Sankey(
        node={"label": labels, "color": colors, "pad": 18,
              "hovertemplate": f"%{{label}}: %{{value}} {unit}<extra></extra>"},
        link={"source": links["quelle"], "target": links["ziel"], "value": links["anzahl"],
              "color": [_rgba(colors[i], alpha) for i in links["quelle"]],
              "hovertemplate": "%{source.label} → %{target.label}: %{value}<extra></extra>"}))
    figure.update_layout(height=height, margin={"t": 30, "l": 10, "r": 10})
    return figure


def sunburst_table(table: pd.DataFrame, path, target: str) -> pd.DataFrame:
    """Hierarchie für ein Sunburst-Diagramm mit Anzahl und Rate einer 0/1-Spalte.

    Für jede Gruppe entlang ``path`` (außen immer feiner) liefert die Tabelle
    ``id``, ``label``, ``parent`` (``""`` für die innerste Ebene), ``anzahl``
    (Zeilen der Gruppe), ``treffer`` (Summe von ``target``) und ``rate``
    (``treffer / anzahl``). Eltern werden über alle ihre Zeilen gerechnet, nicht
    als Mittel der Kinder.
    """
    path = _check_columns(table, path, "path", minimum=1)
    if check_str("target", target) not in table.columns:
        raise ValueError(f"target muss eine Spalte der Tabelle sein, nicht {target!r}.")
    if target in path:
        raise ValueError(f"target {target!r} darf nicht zugleich in path stehen.")
    values = table[target]
    if values.isna().any() or not values.isin([0, 1]).all():
        raise ValueError(f"target {target!r} darf nur die Werte 0 und 1 enthalten.")
    rows = []
    for depth in range(1, len(path) + 1):
        keys = path[:depth]
        groups = table.groupby(keys)[target].agg(treffer="sum", anzahl="count").reset_index()
        for _, group in groups.iterrows():
            names = [str(group[k]) for k in keys]
            rows.append({"id": "/".join(names), "label": names[-1],
                         "parent": "/".join(names[:-1]),
                         "anzahl": int(group["anzahl"]), "treffer": int(group["treffer"])})
    result = pd.DataFrame(rows)
    result["rate"] = result["treffer"] / result["anzahl"]
    return result


def sunburst_figure(table: pd.DataFrame, path, target: str, *, labels=None,
                    colorbar_title: str = "Rate", hit_name: str = "Treffer",
                    height: int = 460):
    """Sunburst: Segmentgröße = Zahl der Treffer, Farbe = Trefferrate (0 bis 1).

    ``labels`` kann Anzeigenamen ersetzen, z. B. ``{"1": "1. Klasse"}``.
    """
    import numpy as np
    import plotly.graph_objects as go

    from kibuch.core.fmt import pct

    nodes = sunburst_table(table, path, target)
    if labels is not None:
        check_instance("labels", labels, dict, "ein dict {Wert: Anzeigename} oder None")
        check_str_list("labels (Schlüssel)", list(labels), min_len=0)
        check_str_list("labels (Anzeigenamen)", list(labels.values()), min_len=0)
        unknown = sorted(set(labels) - set(nodes["label"]))
        if unknown:
            raise ValueError(f"labels nennt Werte, die in keiner Gruppe vorkommen: {unknown}. "
                             f"Vorhanden: {sorted(set(nodes['label']))}.")
    colorbar_title = check_str("colorbar_title", colorbar_title)
    hit_name, height = check_str("hit_name", hit_name), check_int("height", height, minimum=100)
    names = nodes["label"] if labels is None else nodes["label"].map(lambda v: labels.get(v, v))
    figure = go.Figure(go.Sunburst(
        ids=nodes["id"], labels=names, parents=nodes["parent"], values=nodes["treffer"],
        branchvalues="total",
        marker={"colors": nodes["rate"], "colorscale": "RdBu", "cmin": 0, "cmax": 1,
                "colorbar": {"title": colorbar_title, "tickformat": ".0%"}},
        customdata=np.stack([nodes["anzahl"].astype(str), [pct(r) for r in nodes["rate"]]],
                            axis=1),
        hovertemplate=(f"%{{label}}<br>%{{value}} {hit_name} von %{{customdata[0]}}"
                       "<br>Rate %{customdata[1]}<extra></extra>")))
    figure.update_layout(height=height, margin={"t": 20, "l": 10, "r": 10, "b": 10})
    return figure
