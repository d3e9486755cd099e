"""MyST-NB-Plugin: plotly-JSON in der Website still überspringen.

Der Buch-Renderer aus :mod:`kibuch.viz.plotting` liefert jede plotly-Figur zweimal:
als HTML (für die Website, mit lokal geladenem plotly.js) und als plotly-JSON
(für JupyterLab). In der Website wird nur das HTML gebraucht; dieses Plugin sagt
MyST-NB, dass der JSON-Teil bewusst leer bleibt, statt ihn als „unbekannt“ zu melden.
"""

from __future__ import annotations

PLOTLY_MIME = "application/vnd.plotly.v1+json"


class PlotlyJsonSkip:
    """Rendert den plotly-MIME-Typ als nichts; das HTML daneben zeigt die Figur."""

    mime_priority_overrides = [("*", PLOTLY_MIME, 1000)]

    def __init__(self, **kwargs):
        if kwargs:
            raise TypeError(f"PlotlyJsonSkip nimmt keine Argumente an, nicht {', '.join(kwargs)}.")

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type == PLOTLY_MIME:
            return []
        return None
