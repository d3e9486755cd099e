"""Datumsangaben sicher einlesen – und die Datumsfalle vorführen.

Deutsche Datumsangaben wie ``01-10-2024`` bedeuten „1. Oktober 2024“
(Tag-Monat-Jahr). Ein Parser, der wie in den USA üblich den Monat zuerst
erwartet, liest daraus den 10. Januar – und zwar genau dann, wenn der Tag
höchstens 12 ist. Ab dem 13. Tag geht das nicht mehr, der Parser „merkt“
es und liest richtig. Das Ergebnis ist eine still durcheinandergewürfelte
Zeitreihe ohne jede Fehlermeldung.

Das Modul enthält

- ``to_german_strings``: Datumswerte als Text im Format ``TT-MM-JJJJ``,
- ``parse_dates_naive``: den naiven Parser (zum Vorführen des Fehlers),
- ``parse_dates_strict``: den sicheren Parser mit festem Format,
- ``detect_ambiguous_dates``: eine Prüfung, wie viele Angaben mehrdeutig sind
  und welche Reihenfolge die Daten selbst nahelegen,
- ``check_daily_series``: Plausibilitätsprüfungen für Tagesreihen.

Die synthetische Preisreihe, an der das Kapitel die Falle vorführt, erzeugt
:func:`kibuch.data.synthetic.prices.make_price_series`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import check_choice, check_str, check_str_list

# Drei Zahlengruppen mit beliebigem Trennzeichen aus „-./“, z. B. 01-10-2024
_PATTERN = re.compile(r"^\s*(\d{1,2})([-./])(\d{1,2})\2(\d{4})\s*$")


def to_german_strings(dates, sep: str = "-") -> list[str]:
    """Datumswerte als Text ``TT-MM-JJJJ`` (Trennzeichen ``sep``: ``-``, ``.`` oder ``/``).

    ``dates`` sind Zeitpunkte (``pandas.Timestamp``, ``datetime``, ``numpy.datetime64``),
    kein Text: Text müsste erst geraten werden (siehe ``_as_datetimes``).
    """
    sep = check_choice("sep", sep, ("-", ".", "/"))
    index = pd.DatetimeIndex(_as_datetimes(dates))
    return list(index.strftime(f"%d{sep}%m{sep}%Y"))


def _as_datetimes(dates) -> pd.Series:
    """``dates`` als nicht leere Series von Zeitpunkten ohne Lücken (NaT).

    Nur echte Zeitpunkte sind erlaubt. Text wie ``"01-10-2024"`` würde pandas hier mit
    geratenem Format lesen – genau die Datumsfalle, vor der dieses Modul schützen soll –,
    und ganze Zahlen läse es still als Nanosekunden seit 1970. Beides ist ein ``TypeError``.
    """
    if isinstance(dates, (str, bytes)) or not hasattr(dates, "__iter__"):
        kind = "ein einzelner String" if isinstance(dates, (str, bytes)) else type(dates).__name__
        raise TypeError(f"dates muss eine Folge von Datumswerten sein, nicht {kind}.")
    values = list(dates)
    if not values:
        raise ValueError("dates ist leer.")
    for i, value in enumerate(values):
        missing = value is None or value is pd.NaT or (isinstance(value, float) and value != value)
        if missing or isinstance(value, (datetime.date, np.datetime64)):
            continue  # fehlende Werte meldet die Prüfung auf NaT unten
        if isinstance(value, (str, bytes)):
            hint = ("Text zuerst mit parse_dates_strict(strings, fmt=...) einlesen, "
                    "sonst müsste das Format geraten werden.")
            kind = "Text"
        else:
            hint = "Erwartet werden pandas.Timestamp, datetime.date/datetime oder numpy.datetime64."
            kind = type(value).__name__
        raise TypeError(f"dates enthält keine Datumswerte: dates[{i}] ist {kind} "
                        f"({value!r}). {hint}")
    try:
        series = pd.to_datetime(pd.Series(values))
    except (ValueError, TypeError) as err:
        raise TypeError(f"dates enthält Werte, die keine Datumswerte sind: {err}") from err
    if series.isna().any():
        raise ValueError("dates enthält fehlende Werte (NaT).")
    return series


def parse_dates_naive(strings) -> pd.Series:
    """So NICHT: rät das Format für jeden Eintrag einzeln, Monat zuerst.

    Entspricht ``pd.to_datetime(..., format="mixed")`` mit der
    Standardannahme ``dayfirst=False``: ``01-10-2024`` wird zum 10. Januar,
    ``13-10-2024`` (kein 13. Monat) dagegen richtig zum 13. Oktober.
    Die Funktion dient nur dazu, den Fehler vorzuführen.
    """
    values = check_str_list("strings", strings)
    return pd.to_datetime(pd.Series(values), format="mixed", dayfirst=False)


def parse_dates_strict(strings, fmt: str = "%d-%m-%Y") -> pd.Series:
    """Liest Datumsangaben mit genau einem, ausdrücklich genannten Format.

    Jede Angabe, die nicht zu ``fmt`` passt, führt zu einem ``ValueError``,
    der den ersten fehlerhaften Eintrag nennt – nichts wird still geraten.
    """
    values = check_str_list("strings", strings)
    if "%" not in check_str("fmt", fmt):
        raise ValueError(f"fmt muss ein strftime-Format wie '%d-%m-%Y' sein, nicht {fmt!r}.")
    parsed = pd.to_datetime(pd.Series(values), format=fmt, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{int(bad.sum())} Datumsangabe(n) passen nicht zum Format {fmt!r}, "
            f"die erste ist Eintrag {i}: {values[i]!r}."
        )
    return parsed


@dataclass
class DateOrderReport:
    """Ergebnis von ``detect_ambiguous_dates``."""

    n: int  # Anzahl geprüfter Angaben
    n_ambiguous: int  # beide ersten Felder ≤ 12 und verschieden: Tag/Monat vertauschbar
    first_max: int  # größter Wert im ersten Feld
    second_max: int  # größter Wert im zweiten Feld
    order: str  # "TMJ" (Tag zuerst), "MTJ" (Monat zuerst), "widersprüchlich" oder "unklar"

    @property
    def share_ambiguous(self) -> float:
        """Anteil der Angaben, die sich in beiden Reihenfolgen lesen lassen."""
        return self.n_ambiguous / self.n


def detect_ambiguous_dates(strings) -> DateOrderReport:
    """Untersucht Angaben der Form ``AA-BB-JJJJ`` auf Mehrdeutigkeit.

    Ist ein Wert im ersten Feld größer als 12, kann das erste Feld kein Monat
    sein: Die Daten stehen in Tag-Monat-Reihenfolge („TMJ“). Umgekehrt spricht
    ein Wert über 12 im zweiten Feld für „MTJ“. Kommt beides vor, sind die
    Formate gemischt („widersprüchlich“); kommt keines vor, lässt sich die
    Reihenfolge aus den Daten allein nicht bestimmen („unklar“).
    """
    values = check_str_list("strings", strings)
    first, second = [], []
    for i, value in enumerate(values):
        match = _PATTERN.match(value)
        if match is None:
            raise ValueError(f"Eintrag {i} hat nicht die Form AA-BB-JJJJ: {value!r}.")
        first.append(int(match.group(1)))
        second.append(int(match.group(3)))
    first_arr, second_arr = np.array(first), np.array(second)
    both = np.concatenate([first_arr, second_arr])
    if (both < 1).any() or (both > 31).any():
        raise ValueError("Tag- und Monatsfelder müssen zwischen 1 und 31 liegen.")
    ambiguous = (first_arr <= 12) & (second_arr <= 12) & (first_arr != second_arr)
    day_first, month_first = bool((first_arr > 12).any()), bool((second_arr > 12).any())
    if day_first and month_first:
        order = "widersprüchlich"
    elif day_first:
        order = "TMJ"
    elif month_first:
        order = "MTJ"
    else:
        order = "unklar"
    return DateOrderReport(
        n=len(values),
        n_ambiguous=int(ambiguous.sum()),
        first_max=int(first_arr.max()),
        second_max=int(second_arr.max()),
        order=order,
    )


@dataclass
class SeriesCheck:
    """Ergebnis von ``check_daily_series``."""

    n: int  # Anzahl Zeitpunkte
    monotonic: bool  # streng aufsteigend sortiert?
    n_backwards: int  # Schritte, in denen das Datum rückwärts springt
    n_duplicates: int  # doppelt vorkommende Tage
    n_missing_days: int  # Tage zwischen Minimum und Maximum, die fehlen
    max_step_days: int  # größter Abstand zweier aufeinanderfolgender Einträge in Tagen

    @property
    def ok(self) -> bool:
        """True, wenn die Reihe lückenlos, eindeutig und sortiert ist."""
        return self.monotonic and self.n_duplicates == 0 and self.n_missing_days == 0


def check_daily_series(dates) -> SeriesCheck:
    """Plausibilitätsprüfung einer Tagesreihe in der vorliegenden Reihenfolge.

    Eine korrekt eingelesene Tagesreihe ist streng aufsteigend, hat keine
    doppelten Tage und keine Lücken; jeder Schritt ist genau ein Tag. ``dates``
    sind bereits eingelesene Zeitpunkte; Text ist ein ``TypeError``.
    """
    series = _as_datetimes(dates)
    days = series.dt.normalize()
    steps = days.diff().dt.days.iloc[1:]  # Schrittweite in Tagen
    unique = days.drop_duplicates()
    span = int((unique.max() - unique.min()).days) + 1
    return SeriesCheck(
        n=len(days),
        monotonic=bool((steps > 0).all()),
        n_backwards=int((steps < 0).sum()),
        n_duplicates=int(len(days) - len(unique)),
        n_missing_days=int(span - len(unique)),
        max_step_days=int(steps.abs().max()) if len(steps) else 0,
    )
