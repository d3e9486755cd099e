"""Einheitliches Aussehen aller Abbildungen.

``setup()`` stellt matplotlib auf hochaufgelöste Grafiken und eine
farbenblind-taugliche Palette (Okabe–Ito) um und registriert für plotly einen
Renderer, der die Bibliothek nicht in jede Ausgabe kopiert: Die Buchseiten
laden ``plotly.min.js`` einmal lokal, Jupyter nutzt den plotly-MIME-Typ.
``german_axes(ax)`` setzt Dezimalkommas an die Achsenbeschriftungen.
``add_visibility_slider`` gibt einer plotly-Figur einen Schieberegler, der ohne
laufenden Python-Kernel funktioniert (alle Stellungen stecken vorab in der Figur).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape as html_escape

from kibuch.core.checks import (
    check_bool,
    check_float,
    check_int,
    check_same_length,
    check_str,
    check_str_list,
)

#: Okabe–Ito-Palette, für alle Formen von Farbenblindheit unterscheidbar.
PALETTE = (
    "#0072B2",  # Blau
    "#E69F00",  # Orange
    "#009E73",  # Blaugrün
    "#D55E00",  # Zinnober
    "#56B4E9",  # Himmelblau
    "#CC79A7",  # Rosa
    "#F0E442",  # Gelb
    "#000000",  # Schwarz
)


def de_tick(value: float, _pos=None) -> str:
    """Achsenbeschriftung mit Dezimalkomma; ganze Zahlen ohne Nachkommastellen.

    Tausenderpunkte erst ab fünf Stellen (DIN 5008), damit Jahreszahlen wie 2024
    nicht als „2.024“ erscheinen.
    """
    from kibuch.core.fmt import de

    value = check_float("value", value)
    big = abs(value) >= 10_000
    if float(value).is_integer():
        return de(value, 0, thousands=big)
    text = f"{value:.6g}"
    digits = len(text.split(".")[1]) if "." in text and "e" not in text else 2
    return de(value, digits, thousands=big)


def german_axes(ax, *, x: bool = True, y: bool = True):
    """Setzt deutsche Zahlformate (Dezimalkomma, Tausenderpunkt) an Achsen."""
    from matplotlib.axes import Axes
    from matplotlib.ticker import FuncFormatter

    if not isinstance(ax, Axes):
        raise TypeError(f"ax muss eine matplotlib-Achse (Axes) sein, nicht {type(ax).__name__}.")
    x, y = check_bool("x", x), check_bool("y", y)
    if x:
        ax.xaxis.set_major_formatter(FuncFormatter(de_tick))
    if y:
        ax.yaxis.set_major_formatter(FuncFormatter(de_tick))
    return ax


def _plotly_bundle(fig_dict: dict) -> dict:
    """MIME-Bündel: HTML ohne eingebettetes plotly.js plus plotly-JSON für Jupyter."""
    import plotly.io as pio

    html = pio.to_html(
        fig_dict,
        include_plotlyjs=False,
        full_html=False,
        validate=False,
        config={"displaylogo": False, "responsive": True, "locale": "de"},
    )
    # Barrierefreiheit: Screenreader erfahren, was die interaktive Figur zeigt
    title = (fig_dict.get("layout", {}).get("title") or {})
    title = title.get("text") if isinstance(title, dict) else title
    label = html_escape(title or "Interaktive Abbildung", quote=True)
    html = f'<div role="figure" aria-label="{label}">{html}</div>'
    return {
        "text/html": html,
        "application/vnd.plotly.v1+json": json.loads(pio.to_json(fig_dict, validate=False)),
    }


def _register_plotly_renderer() -> None:
    import plotly.io as pio
    from plotly.io._base_renderers import MimetypeRenderer

    class BookRenderer(MimetypeRenderer):
        def to_mimebundle(self, fig_dict):
            return _plotly_bundle(fig_dict)

    pio.renderers["kibuch"] = BookRenderer()
    pio.renderers.default = "kibuch"
    # Deutsche Trennzeichen in allen plotly-Figuren: Dezimalkomma, Tausenderpunkt
    import plotly.graph_objects as go

    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.separators = ",."
    template.layout.colorway = PALETTE
    template.layout.font = {"family": "DejaVu Sans, Arial, sans-serif"}
    pio.templates["kibuch"] = template
    pio.templates.default = "kibuch"


def setup(*, dpi: int = 110) -> None:
    """Stellt matplotlib und plotly für das Buch ein. Idempotent."""
    dpi = check_int("dpi", dpi, minimum=50, maximum=1200)
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(
        {
            "figure.dpi": dpi,
            "savefig.dpi": 2 * dpi,
            "figure.figsize": (7.0, 4.0),
            "axes.prop_cycle": cycler(color=list(PALETTE)),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.formatter.use_mathtext": True,
            "font.size": 11,
            "svg.fonttype": "none",
        }
    )
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg")
    except ImportError:  # außerhalb von IPython gibt es nichts umzustellen
        pass
    _register_plotly_renderer()


def add_visibility_slider(fig, step_traces: Sequence[Sequence[int]], labels: Sequence[str], *,
                          titles: Sequence[str] | None = None, prefix: str = ""):
    """Fügt einer plotly-Figur einen Schieberegler hinzu, der Spuren ein- und ausblendet.

    ``step_traces[i]`` sind die Nummern der Spuren, die in Stellung ``i`` sichtbar
    sind; Spuren, die in keiner Liste vorkommen, bleiben immer sichtbar. ``titles``
    (optional) setzt je Stellung den Figurentitel. Alle Daten stecken vorab in der
    Figur, deshalb funktioniert der Regler auch in einer statischen HTML-Seite.
    """
    import plotly.graph_objects as go

    if not isinstance(fig, go.Figure):
        raise TypeError(f"fig muss eine plotly-Figur sein, nicht {type(fig).__name__}.")
    labels = check_str_list("labels", labels)
    titles = None if titles is None else check_str_list("titles", titles)
    prefix = check_str("prefix", prefix, allow_empty=True)
    if isinstance(step_traces, (str, bytes)) or not hasattr(step_traces, "__len__"):
        raise TypeError("step_traces muss eine Liste von Listen mit Spurnummern sein.")
    check_same_length(step_traces=step_traces, labels=labels)
    if titles is not None:
        check_same_length(titles=titles, labels=labels)
    n_traces = len(fig.data)
    if n_traces == 0:
        raise ValueError("fig hat noch keine Spuren, die der Regler schalten könnte.")
    groups = [{check_int(f"step_traces[{i}]", j, 0, n_traces - 1) for j in group}
              for i, group in enumerate(step_traces)]
    switched = set().union(*groups)
    steps = []
    for i, group in enumerate(groups):
        visible = [j not in switched or j in group for j in range(n_traces)]
        layout = {"title.text": titles[i]} if titles is not None else {}
        steps.append({"method": "update", "label": labels[i],
                      "args": [{"visible": visible}, layout]})
    for j, trace in enumerate(fig.data):
        trace.visible = steps[0]["args"][0]["visible"][j]
    if titles is not None:
        fig.update_layout(title_text=titles[0])
    fig.update_layout(sliders=[{"steps": steps, "active": 0, "pad": {"t": 40},
                                "currentvalue": {"prefix": prefix}}])
    return fig
