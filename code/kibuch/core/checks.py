"""Gemeinsame Argumentprüfungen für alle öffentlichen kibuch-Funktionen.

Jede Prüfung ist eine Zeile im aufrufenden Code, etwa
``n_layer = check_int("n_layer", n_layer, minimum=1)``. Die Meldungen sind deutsch,
nennen das Argument und sagen, was erlaubt ist.

Regeln, die überall gelten:

- Zahlen dürfen Python- oder NumPy-Skalare sein; ``bool`` zählt nicht als Zahl.
- Gleitkommazahlen müssen endlich sein (kein NaN, kein ±inf), wenn nicht anders verlangt.
- Ein einzelner String ist keine Liste von Strings.
- Unbekannte Optionen bekommen einen Vorschlag („Meinten Sie …?“).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence

import numpy as np


class KibuchError(Exception):
    """Basisklasse aller kibuch-eigenen Fehler (außer ``TypeError``/``ValueError``)."""


def _type_name(value) -> str:
    return "None" if value is None else type(value).__name__


def _range_text(minimum, maximum, open_min: bool = False, open_max: bool = False) -> str:
    lo = None if minimum is None else ((">" if open_min else "≥") + f" {minimum}")
    hi = None if maximum is None else (("<" if open_max else "≤") + f" {maximum}")
    return " und ".join(x for x in (lo, hi) if x)


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` als ``int``; ``TypeError`` für Nicht-Ganzzahlen (auch ``bool``),
    ``ValueError`` außerhalb von ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} muss eine ganze Zahl sein, nicht {_type_name(value)}.")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} muss {_range_text(minimum, maximum)} sein, nicht {value}.")
    return value


def check_float(name: str, value, minimum: float | None = None, maximum: float | None = None,
                *, open_min: bool = False, open_max: bool = False, finite: bool = True) -> float:
    """``value`` als ``float``; ganze Zahlen und NumPy-Skalare sind erlaubt, ``bool`` nicht.

    ``open_min``/``open_max`` schließen die Grenze selbst aus (etwa ``lr > 0``).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} muss eine Zahl sein, nicht {_type_name(value)}.")
    value = float(value)
    if math.isnan(value) or (finite and math.isinf(value)):
        raise ValueError(f"{name} muss eine endliche Zahl sein, nicht {value}.")
    too_low = minimum is not None and (value <= minimum if open_min else value < minimum)
    too_high = maximum is not None and (value >= maximum if open_max else value > maximum)
    if too_low or too_high:
        rng = _range_text(minimum, maximum, open_min, open_max)
        raise ValueError(f"{name} muss {rng} sein, nicht {value}.")
    return value


def check_probability(name: str, value, *, open_min: bool = False,
                      open_max: bool = False) -> float:
    """Eine Wahrscheinlichkeit bzw. ein Anteil in ``[0, 1]``."""
    return check_float(name, value, 0.0, 1.0, open_min=open_min, open_max=open_max)


def check_bool(name: str, value) -> bool:
    """Nur ``True``/``False`` (auch ``np.bool_``), keine 0/1 und keine Strings."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} muss True oder False sein, nicht {_type_name(value)}.")
    return bool(value)


def check_str(name: str, value, *, allow_empty: bool = False) -> str:
    """Ein String; leer oder nur aus Leerzeichen ist er nur mit ``allow_empty=True`` erlaubt."""
    if not isinstance(value, str):
        raise TypeError(f"{name} muss ein String sein, nicht {_type_name(value)}.")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} darf nicht leer sein.")
    return value


def check_choice(name: str, value, choices: Iterable[str]):
    """Einer der erlaubten Werte; bei Tippfehlern mit Vorschlag."""
    choices = list(choices)
    if value in choices and type(value) is type(choices[0]):
        return value
    allowed = ", ".join(repr(c) for c in choices)
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value, [str(c) for c in choices], n=1)
        hint = f" Meinten Sie {close[0]!r}?" if close else ""
    elif not isinstance(value, type(choices[0])):
        raise TypeError(f"{name} muss einer von {allowed} sein, nicht {_type_name(value)}.")
    raise ValueError(f"Unbekannter Wert {value!r} für {name}. Erlaubt: {allowed}.{hint}")


def check_str_list(name: str, value, *, min_len: int = 1, allow_empty_items: bool = False
                   ) -> list[str]:
    """Eine Liste (oder Folge) von Strings; ein einzelner String ist ein Fehler."""
    if isinstance(value, str):
        raise TypeError(f"{name} muss eine Liste von Strings sein, nicht ein einzelner String.")
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, Sequence) and not hasattr(value, "__iter__"):
        raise TypeError(f"{name} muss eine Liste von Strings sein, nicht {_type_name(value)}.")
    items = list(value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise TypeError(f"{name}[{i}] muss ein String sein, nicht {_type_name(item)}.")
        if not allow_empty_items and not item.strip():
            raise ValueError(f"{name}[{i}] darf nicht leer sein.")
    if len(items) < min_len:
        raise ValueError(f"{name} muss mindestens {min_len} Einträge haben, nicht {len(items)}.")
    return items


def check_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None,
                min_len: int = 1, finite: bool = True, dtype=float) -> np.ndarray:
    """Ein NumPy-Array der gewünschten Dimension mit mindestens ``min_len`` Zeilen.

    Strings, ``None`` und nicht umwandelbare Objekte sind ``TypeError``; NaN oder inf
    sind ``ValueError``, wenn ``finite`` gilt.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} muss ein Array oder eine Liste von Zahlen sein, "
                        f"nicht {_type_name(value)}.")
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} lässt sich nicht in ein Zahlen-Array umwandeln ({err}).") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise ValueError(f"{name} muss {' oder '.join(map(str, allowed))}-dimensional sein, "
                             f"hat aber die Form {array.shape}.")
    if array.ndim == 0 or len(array) < min_len:
        n = 0 if array.ndim == 0 else len(array)
        raise ValueError(f"{name} muss mindestens {min_len} Einträge haben, nicht {n}.")
    if finite and np.issubdtype(array.dtype, np.floating) and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} enthält NaN oder unendliche Werte.")
    return array


def check_same_length(**arrays) -> int:
    """Alle übergebenen Folgen haben dieselbe Länge; gibt sie zurück."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n}: {k}" for n, k in lengths.items())
        raise ValueError(f"Die Längen passen nicht zusammen ({detail}).")
    return next(iter(lengths.values()))


def check_instance(name: str, value, types, what: str | None = None):
    """``value`` ist eine Instanz von ``types``; ``what`` beschreibt den Typ auf Deutsch."""
    if not isinstance(value, types):
        if what is None:
            seq = types if isinstance(types, tuple) else (types,)
            what = " oder ".join(t.__name__ for t in seq)
        raise TypeError(f"{name} muss {what} sein, nicht {_type_name(value)}.")
    return value
