"""Werte und Abbildungen aus Code-Zellen in den Text bringen – im Buch und im Notebook.

Im Buch legt ``glue_values`` jeden Wert für die Rolle ``{glue:text}`` ab. Außerhalb des
Buchs (ein Notebook ohne MyST-NB) gibt es die Werte als kleine Tabelle aus, damit Leserinnen
und Leser sehen, was im Text stünde.

``glue_figure`` legt eine plotly-Figur für die Direktive ``{glue:figure}`` ab. Ein
gewöhnliches ``glue(name, fig, display=False)`` taugt dafür nicht: plotly-Figuren zeigen
sich in IPython selbst an (``_ipython_display_``), ``glue`` erhielte dann gar keine Daten,
und die Figur stünde ohne Bildunterschrift an der Stelle der Code-Zelle.
"""

from __future__ import annotations

import math

import numpy as np

from kibuch.core.checks import check_str

_NUMBER = (int, float, np.integer, np.floating)


def _as_text(name: str, value) -> str:
    """Ein Text oder eine endliche Zahl als Text; alles andere ist ein Fehler."""
    if isinstance(value, str):
        return check_str(name, value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, _NUMBER):
        raise TypeError(f"{name} muss ein Text oder eine Zahl sein, nicht {type(value).__name__}. "
                        "Abbildungen legt glue(name, fig, display=False) ab.")
    if isinstance(value, (float, np.floating)) and not math.isfinite(value):
        raise ValueError(f"{name} ist {value} – im Fließtext stünde keine Zahl.")
    return str(value)


def glue_values(**values) -> None:
    """Legt jeden Wert als Text für ``{glue:text}`name``` ab.

    Alle Werte werden mit ``str`` in Text verwandelt: MyST-NB liest die Darstellung eines
    Werts mit ``literal_eval`` und würde „61,0“ sonst als Tupel (61, 0) deuten. Erlaubt
    sind Texte (nicht leer) und endliche Zahlen; ``None``, NaN, Wahrheitswerte und andere
    Objekte sind fast immer ein Versehen und führen zu einem Fehler. Gibt nichts zurück,
    damit die (versteckte) Zelle im heruntergeladenen Notebook keine Ausgabe ``{…}`` zeigt.
    """
    if not values:
        raise ValueError("glue_values braucht mindestens einen benannten Wert.")
    texts = {name: _as_text(name, value) for name, value in values.items()}
    try:
        from myst_nb import glue
    except ImportError:  # heruntergeladenes Notebook ohne MyST-NB
        width = max(len(n) for n in texts)
        print("\n".join(f"{name:<{width}}  {text}" for name, text in texts.items()))
        return
    for name, text in texts.items():
        glue(name, text, display=False)


class _MimeBundle:
    """Hülle um ein fertiges MIME-Bündel, damit IPython es unverändert übernimmt."""

    def __init__(self, bundle: dict):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle


def glue_figure(name: str, fig) -> None:
    """Legt die plotly-Figur ``fig`` für ``{glue:figure}`name``` ab und zeigt sie an.

    Gedacht für eine Zelle mit dem Tag ``remove-cell``: Im Buch verschwindet die Zelle samt
    Ausgabe, und die Figur erscheint mit Bildunterschrift dort, wo ``{glue:figure}`` steht.
    Im Notebook (auch ohne MyST-NB) sieht man sie direkt unter der Zelle. Abgelegt wird ein
    MIME-Bündel (HTML für die Website, plotly-JSON für JupyterLab); zurück gibt es nichts,
    damit die Figur nicht ein zweites Mal als Ausgabe erscheint.
    """
    import plotly.graph_objects as go

    from kibuch.viz.plotting import _plotly_bundle

    name = check_str("name", name)
    if not isinstance(fig, go.Figure):
        raise TypeError(f"fig muss eine plotly-Figur sein, nicht {type(fig).__name__}.")
    bundle = _plotly_bundle(fig.to_dict())
    try:
        from myst_nb import glue
    except ImportError:  # heruntergeladenes Notebook ohne MyST-NB
        from IPython.display import display

        display(_MimeBundle(bundle))
        return
    glue(name, _MimeBundle(bundle), display=True)
