"""Datumsangaben sicher einlesen – und die Datumsfalle vorführen.

Deutsche Datumsangaben wie ``01-10-2024`` bedeuten „1. Oktober 2024“
(Tag-Monat-Jahr). Ein Parser, der wie in den USA üblich den Monat zuerst
erwartet, liest daraus den 10. Januar – und zwar genau dann, wenn der Tag
höchstens 12 ist. Ab dem 13. Tag geht das nicht mehr, der Parser „merkt“
es und liest richtig. Das Ergebnis ist eine still durcheinandergewürfelte
Zeitreihe ohne jede Fehlermeldung.

Das Modul enthält

- ``make_price_series``: eine synthetische, strompreisähnliche Tagesreihe,
- ``to_german_strings``: Datumswerte als Text im Format ``TT-MM-JJJJ``,
- ``parse_dates_naive``: den naiven Parser (zum Vorführen des Fehlers),
- ``parse_dates_strict``: den sicheren Parser mit festem Format,
- ``detect_ambiguous_dates``: eine Prüfung, wie viele Angaben mehrdeutig sind
  und welche Reihenfolge die Daten selbst nahelegen,
- ``check_daily_series``: Plausibilitätsprüfungen für Tagesreihen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Drei Zahlengruppen mit beliebigem Trennzeichen aus „-./“, z. B. 01-10-2024
_PATTERN = re.compile(r"^\s*(\d{1,2})([-./])(\d{1,2})\2(\d{4})\s*$")


@dataclass
class PriceSeriesConfig:
    """Parameter der synthetischen Preisreihe (keine echten Börsendaten)."""

    start: str = "2024-01-01"  # erster Tag (ISO-Format)
    days: int = 366  # Länge der Reihe in Tagen (2024 ist ein Schaltjahr)
    base: float = 90.0  # mittleres Preisniveau in €/MWh
    seasonal: float = 30.0  # Amplitude der Jahresschwankung (Winter teurer)
    weekend: float = 15.0  # Abschlag an Samstagen und Sonntagen
    trend: float = -20.0  # Änderung über die ganze Reihe (linear)
    noise: float = 6.0  # Standardabweichung des täglichen Rauschens
    seed: int = 0  # Seed des Zufallsgenerators


def _check_config(config: PriceSeriesConfig) -> None:
    if not isinstance(config, PriceSeriesConfig):
        raise TypeError(f"config muss eine PriceSeriesConfig sein, nicht {type(config).__name__}.")
    if isinstance(config.days, bool) or not isinstance(config.days, int) or config.days < 2:
        raise ValueError(f"days muss eine ganze Zahl ≥ 2 sein, nicht {config.days!r}.")
    if config.noise < 0:
        raise ValueError(f"noise darf nicht negativ sein, nicht {config.noise!r}.")
    try:
        pd.Timestamp(config.start)
    except (ValueError, TypeError) as err:
        raise ValueError(f"start ist kein gültiges Datum: {config.start!r}.") from err


def make_price_series(config: PriceSeriesConfig | None = None) -> pd.DataFrame:
    """Erzeugt eine synthetische Tagesreihe mit Spalten ``datum`` und ``preis``.

    Der Verlauf ähnelt einem Großhandelsstrompreis: teurer im Winter, billiger
    am Wochenende, dazu ein leichter Trend und Rauschen. Die Werte sind
    ausgedacht und nur zum Vorführen gedacht.
    """
    config = PriceSeriesConfig() if config is None else config
    _check_config(config)
    rng = np.random.default_rng(config.seed)
    datum = pd.date_range(config.start, periods=config.days, freq="D")
    t = np.arange(config.days)
    day_of_year = datum.day_of_year.to_numpy()
    season = config.seasonal * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
    weekend = np.where(datum.day_of_week.to_numpy() >= 5, -config.weekend, 0.0)
    trend = config.trend * t / (config.days - 1)
    preis = config.base + season + weekend + trend + rng.normal(0, config.noise, config.days)
    return pd.DataFrame({"datum": datum, "preis": preis.round(2)})


def to_german_strings(dates, sep: str = "-") -> list[str]:
    """Datumswerte als Text ``TT-MM-JJJJ`` (Trennzeichen ``sep``: ``-``, ``.`` oder ``/``)."""
    if sep not in ("-", ".", "/"):
        raise ValueError(f"sep muss '-', '.' oder '/' sein, nicht {sep!r}.")
    index = pd.DatetimeIndex(_as_datetimes(dates))
    if index.hasnans:
        raise ValueError("dates enthält fehlende Werte (NaT).")
    return list(index.strftime(f"%d{sep}%m{sep}%Y"))


def _as_datetimes(dates):
    if isinstance(dates, (str, bytes)):
        raise TypeError("dates muss eine Folge von Datumswerten sein, kein einzelner String.")
    try:
        return pd.to_datetime(pd.Series(list(dates)))
    except (ValueError, TypeError) as err:
        raise TypeError(f"dates enthält Werte, die keine Datumswerte sind: {err}") from err


def _as_strings(strings) -> list[str]:
    """Prüft, dass ``strings`` eine nicht leere Folge von Texten ist."""
    if isinstance(strings, (str, bytes)):
        raise TypeError("Erwartet wird eine Folge von Texten, kein einzelner String.")
    try:
        values = list(strings)
    except TypeError as err:
        kind = type(strings).__name__
        raise TypeError(f"Erwartet wird eine Folge von Texten, nicht {kind}.") from err
    if not values:
        raise ValueError("Die Folge der Datumsangaben ist leer.")
    for i, value in enumerate(values):
        if not isinstance(value, str):
            kind = type(value).__name__
            raise TypeError(f"Eintrag {i} ist kein Text, sondern {kind}: {value!r}.")
    return values


def parse_dates_naive(strings) -> pd.Series:
    """So NICHT: rät das Format für jeden Eintrag einzeln, Monat zuerst.

    Entspricht ``pd.to_datetime(..., format="mixed")`` mit der
    Standardannahme ``dayfirst=False``: ``01-10-2024`` wird zum 10. Januar,
    ``13-10-2024`` (kein 13. Monat) dagegen richtig zum 13. Oktober.
    Die Funktion dient nur dazu, den Fehler vorzuführen.
    """
    values = _as_strings(strings)
    return pd.to_datetime(pd.Series(values), format="mixed", dayfirst=False)


def parse_dates_strict(strings, fmt: str = "%d-%m-%Y") -> pd.Series:
    """Liest Datumsangaben mit genau einem, ausdrücklich genannten Format.

    Jede Angabe, die nicht zu ``fmt`` passt, führt zu einem ``ValueError``,
    der den ersten fehlerhaften Eintrag nennt – nichts wird still geraten.
    """
    values = _as_strings(strings)
    if not isinstance(fmt, str) or "%" not in fmt:
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
    values = _as_strings(strings)
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
    doppelten Tage und keine Lücken; jeder Schritt ist genau ein Tag.
    """
    series = _as_datetimes(dates)
    if series.empty:
        raise ValueError("dates ist leer.")
    if series.isna().any():
        raise ValueError("dates enthält fehlende Werte (NaT).")
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
