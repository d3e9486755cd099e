"""Werte aus Code-Zellen in den Fließtext bringen – im Buch und im heruntergeladenen Notebook.

Im Buch legt ``glue_values`` jeden Wert für die Rolle ``{glue:text}`` ab. Außerhalb des
Buchs (ein Notebook ohne MyST-NB) gibt es die Werte als kleine Tabelle aus, damit Leserinnen
und Leser sehen, was im Text stünde.
"""

from __future__ import annotations


def glue_values(**values) -> dict[str, str]:
    """Legt jeden Wert als Text für ``{glue:text}`name``` ab und gibt die Texte zurück.

    Alle Werte werden mit ``str`` in Text verwandelt: MyST-NB liest die Darstellung eines
    Werts mit ``literal_eval`` und würde „61,0“ sonst als Tupel (61, 0) deuten.
    """
    if not values:
        raise ValueError("glue_values braucht mindestens einen benannten Wert.")
    texts = {name: value if isinstance(value, str) else str(value)
             for name, value in values.items()}
    try:
        from myst_nb import glue
    except ImportError:  # heruntergeladenes Notebook ohne MyST-NB
        width = max(len(n) for n in texts)
        print("\n".join(f"{name:<{width}}  {text}" for name, text in texts.items()))
        return texts
    for name, text in texts.items():
        glue(name, text, display=False)
    return texts
