"""MyST-NB-Plugins: Ausgaben, die nur für Maschinen gedacht sind, in der Website still übergehen.

- :class:`PlotlyJsonSkip`: Der Buch-Renderer aus :mod:`kibuch.viz.plotting` liefert jede
  plotly-Figur zweimal: als HTML (für die Website, mit lokal geladenem plotly.js) und als
  plotly-JSON (für JupyterLab). In der Website wird nur das HTML gebraucht; das Plugin sagt
  MyST-NB, dass der JSON-Teil bewusst leer bleibt, statt ihn als „unbekannt“ zu melden.
- :class:`ResultsSkip`: Die Ausgabe von :func:`kibuch.viz.book.report_results` trägt die
  Ergebnisse als JSON (für ``reports/results.json``) und eine Texttabelle (für Jupyter).
  In der Website erscheint keins von beiden, auch wenn eine Zelle das Tag ``remove-cell``
  vergisst: Der Ergebnistyp hat höchste Priorität und wird als leerer Kommentar gesetzt.

Beide sind in ``pyproject.toml`` unter ``myst_nb.mime_renderers`` eingetragen.
"""

from __future__ import annotations

PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: Gleicher Wert wie ``kibuch.viz.book.RESULTS_MIME`` (hier ohne Import, damit das Plugin
#: beim Laden durch MyST-NB nichts weiter importiert).
RESULTS_MIME = "application/vnd.kibuch.results+json"


class _NoArguments:
    def __init__(self, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__} nimmt keine Argumente an, nicht "
                            f"{', '.join(kwargs)}.")


class PlotlyJsonSkip(_NoArguments):
    """Rendert den plotly-MIME-Typ als nichts; das HTML daneben zeigt die Figur."""

    mime_priority_overrides = [("*", PLOTLY_MIME, 1000)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type == PLOTLY_MIME:
            return []
        return None


class ResultsSkip(_NoArguments):
    """Rendert die Ergebnis-Ausgabe als Kommentar, also unsichtbar, in jedem Format.

    Eine leere Liste genügte hier nicht: MyST-NB verwirft dann den Ergebnistyp und zeigt
    stattdessen die Texttabelle daneben. Priorität 0 vor allen anderen Typen sorgt dafür,
    dass MyST-NB den (leeren) Ergebnistyp wählt.
    """

    mime_priority_overrides = [("*", RESULTS_MIME, 0)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != RESULTS_MIME:
            return None
        from docutils import nodes

        return [nodes.comment("", "kibuch: Ergebnisse für reports/results.json")]
