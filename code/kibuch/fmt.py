"""Zahlen im deutschen Format für Fließtext und Abbildungen.

``de(0.742, 1)`` ergibt ``'0,7'``, ``de(12345.6, 0)`` ergibt ``'12.346'``,
``pct(0.742)`` ergibt ``'74,2 %'``. ``DeText`` ist ein String, dessen
``repr`` keine Anführungszeichen trägt: So erscheint ein mit ``glue``
abgelegter Wert im Text genau so, wie er formatiert wurde.
"""

from __future__ import annotations

import math
from numbers import Real

# Schmales geschütztes Leerzeichen zwischen Zahl und Einheit wie in „74,2 %“.
NBSP = "\u202f"


class DeText(str):
    """Ein String, der sich in ``repr`` ohne Anführungszeichen zeigt (für ``glue``)."""

    def __repr__(self) -> str:
        return str(self)


def de(x: Real, digits: int = 2, *, thousands: bool = True) -> DeText:
    """Formatiert eine Zahl mit Dezimalkomma und (optional) Tausenderpunkt."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"Zahl erwartet, nicht {type(x).__name__}.")
    if not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits muss eine ganze Zahl ≥ 0 sein, nicht {digits!r}.")
    x = float(x)
    if math.isnan(x):
        return DeText("k. A.")
    if math.isinf(x):
        return DeText("∞" if x > 0 else "−∞")
    text = f"{x:,.{digits}f}" if thousands else f"{x:.{digits}f}"
    # Englisches Format (1,234.5) in deutsches (1.234,5) tauschen
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return DeText(text.replace("-", "−"))


def pct(x: Real, digits: int = 1) -> DeText:
    """Anteil (0…1) als Prozentangabe, z. B. ``pct(0.05)`` → ``'5,0 %'``."""
    return DeText(f"{de(float(x) * 100, digits)}{NBSP}%")
