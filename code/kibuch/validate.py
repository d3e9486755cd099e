"""Gemeinsame Argumentprüfungen für öffentliche kibuch-Funktionen.

Eine Stelle für die immer gleichen Fragen „Ist das eine ganze Zahl?“ und „Liegt sie
im erlaubten Bereich?“, damit alle Module dieselben, verständlichen Meldungen geben.
"""

from __future__ import annotations

import numpy as np


def check_int(name: str, value, minimum: int) -> int:
    """Gibt ``value`` als ``int`` zurück; ``TypeError`` für Nicht-Ganzzahlen (auch ``bool``),
    ``ValueError`` für Werte unter ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} muss eine ganze Zahl sein, nicht {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} muss ≥ {minimum} sein, nicht {value}.")
    return int(value)
