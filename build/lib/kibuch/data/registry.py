"""Registry der Datensätze: Namen, Optionen und Datenblätter.

Jeder Datensatz wird mit :func:`register` unter einem kurzen Namen eingetragen.
Zu jedem Eintrag gehören

* eine Ladefunktion, die nur die erlaubten Schlüsselwort-Optionen bekommt,
* die erlaubten Optionen mit Standardwert und zulässigen Werten,
* ein :class:`Datasheet` (Quelle, Lizenz, Größe, Zitat, Entstehung, Spalten).

Die öffentlichen Funktionen :func:`names`, :func:`load` und :func:`info` prüfen
Namen und Optionen und werfen klare Fehler, bevor irgendeine Datei gelesen wird.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kibuch.core.checks import (
    KibuchError,
    _same_kind,
    check_callable,
    check_instance,
    check_str,
)


class DatasetUnavailable(KibuchError, RuntimeError):
    """Ein Datensatz ist auf diesem Rechner nicht vorhanden und darf/kann nicht geladen werden.

    Die Meldung erklärt immer, wohin die Dateien gehören und wie man sie beschafft.
    """


class UnknownDatasetError(KeyError, ValueError):
    """Unbekannter Datensatzname; ist zugleich ``KeyError`` und ``ValueError``."""

    def __str__(self) -> str:  # KeyError setzt sonst Anführungszeichen um die Meldung
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Column:
    """Eine Spalte (oder ein Array) eines Datensatzes."""

    name: str  # Spaltenname, z. B. "alter"
    dtype: str  # pandas-/NumPy-dtype, z. B. "int64", "float32", "str", "datetime64[ns]"
    description: str  # Bedeutung und Wertebereich auf Deutsch

    def __post_init__(self) -> None:
        check_str("name", self.name)
        check_str("dtype", self.dtype)
        check_str("description", self.description, allow_empty=True)


@dataclass(frozen=True)
class Datasheet:
    """Datenblatt eines Datensatzes (nach der Idee der *datasheets for datasets*).

    ``str(sheet)`` liefert einen lesbaren, mehrzeiligen Text.
    """

    name: str  # Registry-Name, z. B. "titanic"
    title: str  # kurzer deutscher Titel
    source: str  # woher die Daten stammen (Paket, Datei, URL)
    license: str  # Lizenz bzw. Nutzungsbedingungen
    size: str  # Größe in Worten, z. B. "1309 Zeilen × 6 Spalten"
    citation: str  # Literaturangabe für die Originaldaten
    collection: str  # Entstehung: wer hat wie/wann erhoben, was wurde hier verändert
    columns: tuple[Column, ...] = ()  # Spalten bzw. Arrays mit dtype und Bedeutung
    options: dict[str, str] = field(default_factory=dict)  # Option -> Beschreibung
    returns: str = "pandas.DataFrame"  # Rückgabetyp von load()

    def __post_init__(self) -> None:
        for name in ("name", "title", "source", "license", "size", "citation", "collection",
                     "returns"):
            check_str(name, getattr(self, name))
        check_instance("columns", self.columns, tuple, "ein Tupel von Column")
        for i, column in enumerate(self.columns):
            check_instance(f"columns[{i}]", column, Column)
        check_instance("options", self.options, Mapping, "ein dict Option -> Beschreibung")
        for key, text in self.options.items():
            check_str("options (Schlüssel)", key)
            check_str(f"options[{key!r}]", text, allow_empty=True)

    @property
    def dtypes(self) -> dict[str, str]:
        """Spaltenname -> dtype."""
        return {c.name: c.dtype for c in self.columns}

    def __str__(self) -> str:
        lines = [
            f"{self.title} ({self.name!r})",
            f"  Rückgabe:   {self.returns}",
            f"  Größe:      {self.size}",
            f"  Quelle:     {self.source}",
            f"  Lizenz:     {self.license}",
            f"  Zitat:      {self.citation}",
            f"  Entstehung: {self.collection}",
        ]
        if self.options:
            lines.append("  Optionen:")
            lines += [f"    {k}: {v}" for k, v in self.options.items()]
        if self.columns:
            lines.append("  Spalten:")
            width = max(len(c.name) for c in self.columns)
            dwidth = max(len(c.dtype) for c in self.columns)
            lines += [
                f"    {c.name:<{width}}  {c.dtype:<{dwidth}}  {c.description}"
                for c in self.columns
            ]
        return "\n".join(lines)


@dataclass(frozen=True)
class Option:
    """Eine erlaubte Lade-Option."""

    default: Any  # Standardwert, wenn die Option fehlt
    choices: tuple | None = None  # erlaubte Werte; None = beliebig, dann prüft check
    check: Callable[[Any], None] | None = None  # wirft ValueError/TypeError bei ungültigem Wert
    help: str = ""  # Beschreibung fürs Datenblatt

    def __post_init__(self) -> None:
        if self.choices is not None:
            check_instance("choices", self.choices, tuple, "ein Tupel erlaubter Werte oder None")
            if not self.choices:
                raise ValueError("choices darf nicht leer sein (None = beliebig).")
        if self.check is not None:
            check_callable("check", self.check)
        check_str("help", self.help, allow_empty=True)


@dataclass(frozen=True)
class _Entry:
    loader: Callable[..., Any]
    sheet: Callable[[], Datasheet]
    options: dict[str, Option]


_REGISTRY: dict[str, _Entry] = {}


def register(
    name: str, sheet: Callable[[], Datasheet], options: dict[str, Option] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Dekorator: trägt eine Ladefunktion unter ``name`` ein.

    ``sheet`` ist eine Funktion ohne Argumente, die das Datenblatt baut (so
    können Größenangaben erst beim Aufruf von :func:`info` ermittelt werden).
    """

    name = check_str("name", name)
    check_callable("sheet", sheet)
    options = dict(check_instance("options", options, (Mapping, type(None)), "ein dict oder None")
                   or {})
    for key, opt in options.items():
        check_str("options (Schlüssel)", key)
        check_instance(f"options[{key!r}]", opt, Option)

    def deco(func: Callable[..., Any]) -> Callable[..., Any]:
        check_callable("func", func)
        if name in _REGISTRY:
            raise ValueError(f"Datensatz {name!r} ist bereits registriert.")
        entry = _Entry(func, sheet, options)
        _REGISTRY[name] = entry
        signature = inspect.signature(func)

        @functools.wraps(func)
        def checked(*args: Any, **kwargs: Any) -> Any:
            # Direkter Aufruf (etwa load_digits(split="validation")): dieselben Prüfungen
            # wie über load(name, ...), damit es keinen ungeprüften Seiteneingang gibt.
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as err:
                raise TypeError(f"{func.__name__}: {err}") from None
            return func(**_resolve_options(name, entry, bound.arguments))

        return checked

    return deco


def names() -> list[str]:
    """Alle registrierten Datensatznamen, alphabetisch sortiert."""
    return sorted(_REGISTRY)


def _entry(name: Any) -> _Entry:
    if not isinstance(name, str):
        raise TypeError(f"name (der Datensatzname) muss ein str sein, nicht "
                        f"{type(name).__name__}.")
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, _REGISTRY, n=1)
        hint = f" Meinten Sie {close[0]!r}?" if close else ""
        raise UnknownDatasetError(
            f"Unbekannter Datensatz {name!r} für name.{hint} Verfügbar sind: "
            f"{', '.join(names())}."
        )
    return _REGISTRY[name]


def _resolve_options(name: str, entry: _Entry, options: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(entry.options))
    if unknown:
        allowed = ", ".join(sorted(entry.options)) or "keine"
        raise ValueError(
            f"Unbekannte Option(en) für {name!r}: {', '.join(unknown)}. Erlaubt: {allowed}."
        )
    resolved = {}
    for key, opt in entry.options.items():
        value = options.get(key, opt.default)
        if opt.choices is not None:
            value = _choose(name, key, value, opt.choices)
        if opt.check is not None:
            opt.check(value)
        resolved[key] = value
    return resolved


def _choose(name: str, key: str, value: Any, choices: tuple) -> Any:
    """Der passende Eintrag aus ``choices`` (Typ und Wert), sonst ein klarer Fehler."""
    for choice in choices:
        if _same_kind(value, choice):
            try:
                if bool(value == choice):
                    return choice
            except (TypeError, ValueError):  # Arrays o. Ä.: kein eindeutiger Vergleich
                pass
    shown = ", ".join(repr(c) for c in choices)
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value, [c for c in choices if isinstance(c, str)], n=1)
        hint = f" Meinten Sie {close[0]!r}?" if close else ""
    message = f"Ungültiger Wert {value!r} für Option {key!r} von {name!r}. Erlaubt: {shown}.{hint}"
    if not any(_same_kind(value, c) for c in choices):
        raise TypeError(message)
    raise ValueError(message)


def load(name: str, **options: Any) -> Any:
    """Lädt den Datensatz ``name``; Optionen siehe ``info(name)``.

    Liefert je nach Datensatz einen ``pandas.DataFrame`` oder ein Tupel
    ``(X, y)`` von NumPy-Arrays. Jeder Aufruf gibt eine frische Kopie zurück;
    Änderungen daran wirken sich nicht auf spätere Aufrufe aus.
    """
    entry = _entry(name)
    return entry.loader(**_resolve_options(name, entry, options))


def info(name: str) -> Datasheet:
    """Das :class:`Datasheet` des Datensatzes ``name``."""
    entry = _entry(name)
    sheet = entry.sheet()
    if entry.options and not sheet.options:
        described = {
            k: (o.help or "") + f" (Standard: {o.default!r})" for k, o in entry.options.items()
        }
        sheet = dataclasses.replace(sheet, options=described)
    return sheet
