"""Einheitliches Aussehen aller Abbildungen.

``setup()`` stellt matplotlib auf hochaufgelöste Grafiken und eine
farbenblind-taugliche Palette (Okabe–Ito) um und registriert für plotly einen
Renderer, der die Bibliothek nicht in jede Ausgabe kopiert: Die Buchseiten
laden ``plotly.min.js`` einmal lokal, Jupyter nutzt den plotly-MIME-Typ.
``german_axes(ax)`` setzt Dezimalkommas an die Achsenbeschriftungen.
"""

from __future__ import annotations

import json
from html import escape as html_escape

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

    big = abs(value) >= 10_000
    if float(value).is_integer():
        return de(value, 0, thousands=big)
    text = f"{value:.6g}"
    digits = len(text.split(".")[1]) if "." in text and "e" not in text else 2
    return de(value, digits, thousands=big)


def german_axes(ax, *, x: bool = True, y: bool = True):
    """Setzt deutsche Zahlformate (Dezimalkomma, Tausenderpunkt) an Achsen."""
    from matplotlib.ticker import FuncFormatter

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
    if not isinstance(dpi, int) or dpi < 50:
        raise ValueError(f"dpi muss eine ganze Zahl ≥ 50 sein, nicht {dpi!r}.")
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
