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
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np


class KibuchError(Exception):
    """Basisklasse aller kibuch-eigenen Fehler (außer ``TypeError``/``ValueError``)."""


def _type_name(value) -> str:
    return "None" if value is None else type(value).__name__


def _check_name(name) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"name muss der Name des geprüften Arguments (str) sein, nicht "
                        f"{_type_name(name)}.")


def _check_flags(**flags) -> None:
    """Schalter der Prüffunktionen selbst (``open_min``, ``finite`` …) sind echte bools."""
    for what, flag in flags.items():
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{what} muss True oder False sein, nicht {_type_name(flag)}.")


def _check_count(what: str, count) -> int:
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise TypeError(f"{what} muss eine ganze Zahl sein, nicht {_type_name(count)}.")
    if count < 0:
        raise ValueError(f"{what} muss ≥ 0 sein, nicht {count}.")
    return int(count)


def _check_bound(what: str, bound) -> None:
    if bound is None:
        return
    if isinstance(bound, bool) or not isinstance(bound, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} muss eine Zahl oder None sein, nicht {_type_name(bound)}.")
    if isinstance(bound, (float, np.floating)) and math.isnan(bound):
        raise ValueError(f"{what} darf nicht NaN sein.")


def _range_text(minimum, maximum, open_min: bool = False, open_max: bool = False) -> str:
    lo = None if minimum is None else ((">" if open_min else "≥") + f" {minimum}")
    hi = None if maximum is None else (("<" if open_max else "≤") + f" {maximum}")
    return " und ".join(x for x in (lo, hi) if x)


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` als ``int``; ``TypeError`` für Nicht-Ganzzahlen (auch ``bool``),
    ``ValueError`` außerhalb von ``[minimum, maximum]``."""
    _check_name(name)
    _check_bound("minimum", minimum)
    _check_bound("maximum", maximum)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} muss eine ganze Zahl sein, nicht {_type_name(value)}.")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} muss {_range_text(minimum, maximum)} sein, nicht {value}.")
    return value


def check_float(name: str, value, minimum: float | None = None, maximum: float | None = None,
                *, open_min: bool = False, open_max: bool = False, finite: bool = True,
                allow_nan: bool = False) -> float:
    """``value`` als ``float``; ganze Zahlen und NumPy-Skalare sind erlaubt, ``bool`` nicht.

    ``open_min``/``open_max`` schließen die Grenze selbst aus (etwa ``lr > 0``).
    ``finite=False`` lässt ±inf zu, ``allow_nan=True`` auch NaN (für Formatierer).
    """
    _check_name(name)
    _check_bound("minimum", minimum)
    _check_bound("maximum", maximum)
    _check_flags(open_min=open_min, open_max=open_max, finite=finite, allow_nan=allow_nan)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} muss eine Zahl sein, nicht {_type_name(value)}.")
    try:
        value = float(value)
    except OverflowError:  # riesige Python-Ganzzahl
        raise ValueError(f"{name} ist zu groß für eine Gleitkommazahl.") from None
    if math.isnan(value):
        if allow_nan:
            return value
        raise ValueError(f"{name} muss eine endliche Zahl sein, nicht {value}.")
    if finite and math.isinf(value):
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
    _check_flags(open_min=open_min, open_max=open_max)
    return check_float(name, value, 0.0, 1.0, open_min=open_min, open_max=open_max)


def check_bool(name: str, value) -> bool:
    """Nur ``True``/``False`` (auch ``np.bool_``), keine 0/1 und keine Strings."""
    _check_name(name)
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} muss True oder False sein, nicht {_type_name(value)}.")
    return bool(value)


def check_str(name: str, value, *, allow_empty: bool = False) -> str:
    """Ein String; leer oder nur aus Leerzeichen ist er nur mit ``allow_empty=True`` erlaubt."""
    _check_name(name)
    _check_flags(allow_empty=allow_empty)
    if not isinstance(value, str):
        raise TypeError(f"{name} muss ein String sein, nicht {_type_name(value)}.")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} darf nicht leer sein.")
    return value


def _same_kind(value, choice) -> bool:
    """Gleicher Wert *und* verträglicher Typ (``True`` ist nicht ``1``, ``'1'`` nicht ``1``)."""
    if isinstance(value, str) or isinstance(choice, str):
        return isinstance(value, str) and isinstance(choice, str)
    if isinstance(value, (bool, np.bool_)) or isinstance(choice, (bool, np.bool_)):
        return isinstance(value, (bool, np.bool_)) and isinstance(choice, (bool, np.bool_))
    if value is None or choice is None:
        return value is None and choice is None
    integer, real = (int, np.integer), (float, np.floating)
    if isinstance(value, integer) and isinstance(choice, integer):
        return True
    if isinstance(value, real) and isinstance(choice, real):
        return True
    return type(value) is type(choice)


def check_choice(name: str, value, choices: Iterable[str]):
    """Einer der erlaubten Werte; bei Tippfehlern mit Vorschlag („Meinten Sie …?“).

    ``choices`` darf ``None`` enthalten (etwa ``(None, "train", "test")``). Gibt den
    passenden Eintrag aus ``choices`` zurück (``np.str_`` wird so zu ``str``).
    """
    _check_name(name)
    if isinstance(choices, (str, bytes)) or not hasattr(choices, "__iter__"):
        raise TypeError(f"choices muss eine Folge erlaubter Werte sein, nicht "
                        f"{_type_name(choices)}.")
    choices = list(choices)
    if not choices:
        raise ValueError("choices darf nicht leer sein.")
    for choice in choices:
        if _same_kind(value, choice):
            try:
                if bool(value == choice):
                    return choice
            except (TypeError, ValueError):  # z. B. Arrays: kein eindeutiger Vergleich
                pass
    allowed = ", ".join(repr(c) for c in choices)
    if isinstance(value, str):
        named = [c for c in choices if isinstance(c, str)]
        # Nur Groß-/Kleinschreibung falsch („adamW“): dieser Eintrag schlägt jede Ähnlichkeit
        same = [c for c in named if c.casefold() == value.casefold()]
        close = same[:1] or difflib.get_close_matches(value, named, n=1)
        hint = f" Meinten Sie {close[0]!r}?" if close else ""
        raise ValueError(f"Unbekannter Wert {value!r} für {name}. Erlaubt: {allowed}.{hint}")
    if not any(_same_kind(value, c) for c in choices):
        raise TypeError(f"{name} muss einer von {allowed} sein, nicht {_type_name(value)}.")
    raise ValueError(f"Unbekannter Wert {value!r} für {name}. Erlaubt: {allowed}.")


def check_str_list(name: str, value, *, min_len: int = 1, allow_empty_items: bool = False
                   ) -> list[str]:
    """Eine Liste (oder Folge) von Strings; ein einzelner String ist ein Fehler."""
    _check_name(name)
    min_len = _check_count("min_len", min_len)
    _check_flags(allow_empty_items=allow_empty_items)
    if isinstance(value, str):
        raise TypeError(f"{name} muss eine Liste von Strings sein, nicht ein einzelner String.")
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (bytes, dict)) or (
        not isinstance(value, Sequence) and not hasattr(value, "__iter__")
    ):
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
    sind ``ValueError``, wenn ``finite`` gilt. ``min_len=0`` erlaubt leere Arrays.
    ``dtype=None`` überlässt NumPy den Datentyp.
    """
    _check_name(name)
    min_len = _check_count("min_len", min_len)
    _check_flags(finite=finite)
    if ndim is not None:
        dims = (ndim,) if not isinstance(ndim, (tuple, list)) else tuple(ndim)
        if not dims or any(isinstance(d, bool) or not isinstance(d, (int, np.integer))
                           or d < 0 for d in dims):
            raise TypeError(f"ndim muss eine ganze Zahl ≥ 0, ein Tupel davon oder None sein, "
                            f"nicht {ndim!r}.")
    if dtype is not None:
        try:
            np.dtype(dtype)
        except TypeError:
            raise TypeError(f"dtype muss ein NumPy-Datentyp sein (z. B. float), nicht "
                            f"{dtype!r}.") from None
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} muss ein Array oder eine Liste von Zahlen sein, "
                        f"nicht {_type_name(value)}.")
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # torch.Tensor (auch mit Gradient)
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as err:
        raise TypeError(f"{name} lässt sich nicht in ein Zahlen-Array umwandeln ({err}).") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            raise ValueError(f"{name} muss {' oder '.join(map(str, allowed))}-dimensional sein, "
                             f"hat aber die Form {array.shape}.")
    if array.ndim == 0 and ndim is None:
        raise ValueError(f"{name} muss mindestens {min_len} Einträge haben, nicht eine "
                         "einzelne Zahl.")
    if array.ndim > 0 and len(array) < min_len:
        raise ValueError(f"{name} muss mindestens {min_len} Einträge haben, nicht {len(array)}.")
    if finite and np.issubdtype(array.dtype, np.inexact) and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} enthält NaN oder unendliche Werte.")
    return array


def check_same_length(**arrays) -> int:
    """Alle übergebenen Folgen haben dieselbe Länge; gibt sie zurück.

    Aufruf mit Argumentnamen: ``check_same_length(X=X, y=y)``.
    """
    if not arrays:
        raise TypeError("check_same_length braucht mindestens eine benannte Folge, "
                        "z. B. check_same_length(X=X, y=y).")
    lengths = {}
    for name, a in arrays.items():
        try:
            lengths[name] = len(a)
        except TypeError:
            raise TypeError(f"{name} muss eine Folge mit Länge sein (Liste, Array), "
                            f"nicht {_type_name(a)}.") from None
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n}: {k}" for n, k in lengths.items())
        raise ValueError(f"Die Längen passen nicht zusammen ({detail}).")
    return next(iter(lengths.values()))


def check_instance(name: str, value, types, what: str | None = None):
    """``value`` ist eine Instanz von ``types``; ``what`` beschreibt den Typ auf Deutsch."""
    _check_name(name)
    if what is not None and not isinstance(what, str):
        raise TypeError(f"what muss ein String oder None sein, nicht {_type_name(what)}.")
    seq = types if isinstance(types, tuple) else (types,)
    if not seq or not all(isinstance(t, type) for t in seq):
        raise TypeError(f"types muss ein Typ oder ein Tupel von Typen sein, nicht {types!r}.")
    if not isinstance(value, types):
        if what is None:
            what = " oder ".join(t.__name__ for t in seq)
        raise TypeError(f"{name} muss {what} sein, nicht {_type_name(value)}.")
    return value


def check_callable(name: str, value):
    """Eine aufrufbare Funktion (oder ein aufrufbares Objekt)."""
    _check_name(name)
    if not callable(value):
        raise TypeError(f"{name} muss eine Funktion sein, nicht {_type_name(value)}.")
    return value


def check_path(name: str, value) -> Path:
    """Ein Pfad als ``str`` oder ``os.PathLike``; gibt ``Path`` zurück (ohne Existenzprüfung)."""
    _check_name(name)
    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} muss ein Pfad (str oder pathlib.Path) sein, nicht "
                        f"{_type_name(value)}.")
    if not str(value).strip():
        raise ValueError(f"{name} darf kein leerer Pfad sein.")
    return Path(value)


def check_frame(name: str, frame, columns: Iterable[str] = (), *, min_rows: int = 1):
    """Ein ``pandas.DataFrame`` mit allen ``columns`` und mindestens ``min_rows`` Zeilen."""
    import pandas as pd

    _check_name(name)
    columns = check_str_list("columns", columns, min_len=0)
    min_rows = check_int("min_rows", min_rows, minimum=0)
    check_instance(name, frame, pd.DataFrame, "ein pandas.DataFrame")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"In {name} fehlen Spalten: {missing}. Vorhanden: {list(frame.columns)}.")
    if len(frame) < min_rows:
        raise ValueError(f"{name} muss mindestens {min_rows} Zeilen haben, nicht {len(frame)}."
                         if min_rows > 1 else f"{name} ist leer.")
    return frame
