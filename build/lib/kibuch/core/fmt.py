"""Zahlen im deutschen Format für Fließtext und Abbildungen.

``de(0.742, 1)`` ergibt ``'0,7'``, ``de(12345.6, 0)`` ergibt ``'12.346'``,
``pct(0.742)`` ergibt ``'74,2 %'``. Die Ergebnisse sind gewöhnliche Strings:
``glue("x", de(0.742, 1), display=False)`` setzt mit ``{glue:text}`x``` genau
„0,7“ in den Text (MyST-NB liest den ``repr`` des Strings zurück).
"""

from __future__ import annotations

import math
from numbers import Real

from kibuch.core.checks import check_bool, check_float, check_int

# Schmales geschütztes Leerzeichen zwischen Zahl und Einheit wie in „74,2 %“.
NBSP = "\u202f"

#: Mehr Nachkommastellen ergeben im Buch keinen Sinn (und riesige Strings).
MAX_DIGITS = 20


def de(x: Real, digits: int = 2, *, thousands: bool = True) -> str:
    """Formatiert eine Zahl mit Dezimalkomma und (optional) Tausenderpunkt.

    NaN wird zu „k. A.“, ±inf zu „∞“ bzw. „−∞“; ``digits`` liegt zwischen 0 und 20.
    """
    x = check_float("x", x, finite=False, allow_nan=True)
    digits = check_int("digits", digits, minimum=0, maximum=MAX_DIGITS)
    thousands = check_bool("thousands", thousands)
    if math.isnan(x):
        return "k. A."
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:,.{digits}f}" if thousands else f"{x:.{digits}f}"
    # Englisches Format (1,234.5) in deutsches (1.234,5) tauschen
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def pct(x: Real, digits: int = 1) -> str:
    """Anteil (0…1) als Prozentangabe, z. B. ``pct(0.05)`` → ``'5,0 %'``."""
    x = check_float("x", x, finite=False, allow_nan=True)
    return f"{de(x * 100, digits)}{NBSP}%"
