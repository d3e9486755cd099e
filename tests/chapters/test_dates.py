"""Tests für kibuch.chapters.ch02_dates: Datumsfalle, strenges Parsen, Plausibilitätsprüfungen."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from kibuch.chapters.ch02_dates import (
    DateOrderReport,
    check_daily_series,
    detect_ambiguous_dates,
    parse_dates_naive,
    parse_dates_strict,
    to_german_strings,
)


@pytest.fixture(scope="module")
def year():
    """Alle Tage des Schaltjahrs 2024 als Timestamps und als deutsche Texte."""
    dates = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    return dates, to_german_strings(dates)


# --- Formatieren -------------------------------------------------------------


def test_to_german_strings_matches_strftime(year):
    dates, strings = year
    assert strings == [d.strftime("%d-%m-%Y") for d in dates.to_pydatetime()]
    assert to_german_strings(dates[:2], sep=".") == ["01.01.2024", "02.01.2024"]


def test_to_german_strings_errors():
    with pytest.raises(ValueError, match="sep"):
        to_german_strings(pd.date_range("2024-01-01", periods=2), sep=":")
    with pytest.raises(TypeError, match="sep"):
        to_german_strings(pd.date_range("2024-01-01", periods=2), sep=None)
    with pytest.raises(TypeError, match="einzelner String"):
        to_german_strings("2024-01-01")
    with pytest.raises(TypeError, match="dates muss eine Folge"):
        to_german_strings(20240101)
    with pytest.raises(ValueError, match="NaT"):
        to_german_strings([pd.Timestamp("2024-01-01"), pd.NaT])
    with pytest.raises(ValueError, match="leer"):
        to_german_strings([])
    with pytest.raises(TypeError, match="keine Datumswerte"):
        to_german_strings(["kein Datum"])


# --- Die Datumsfalle -----------------------------------------------------------


def test_naive_parser_swaps_exactly_where_possible(year):
    dates, strings = year
    naive = parse_dates_naive(strings)
    for true, parsed in zip(dates, naive, strict=True):
        if true.day <= 12:
            # Tag und Monat vertauscht (bei Tag == Monat fällt es nicht auf)
            assert parsed == pd.Timestamp(year=true.year, month=true.day, day=true.month)
        else:
            assert parsed == true
    wrong = (naive.to_numpy() != dates.to_numpy()).sum()
    expected = sum(1 for d in dates if d.day <= 12 and d.day != d.month)
    assert wrong == expected == 132


def test_naive_parser_agrees_with_dateutil(year):
    from dateutil import parser

    _, strings = year
    reference = pd.Series([parser.parse(s, dayfirst=False) for s in strings])
    naive = parse_dates_naive(strings)
    assert (naive.to_numpy() == reference.to_numpy().astype(naive.dtype)).all()


def test_strict_parser_matches_strptime(year):
    dates, strings = year
    strict = parse_dates_strict(strings)
    reference = [datetime.strptime(s, "%d-%m-%Y") for s in strings]
    assert list(strict.dt.to_pydatetime()) == reference
    assert (strict.to_numpy() == dates.to_numpy()).all()
    # anderes Format ausdrücklich angegeben
    assert parse_dates_strict(["2024-10-01"], fmt="%Y-%m-%d").iloc[0] == pd.Timestamp("2024-10-01")


@pytest.mark.parametrize(
    "strings, position",
    [
        (["01-10-2024", "2024-10-02"], "Eintrag 1"),
        (["31-02-2024"], "Eintrag 0"),  # 31. Februar gibt es nicht
        (["01-13-2024", "13-01-2024"], "Eintrag 0"),  # 13. Monat gibt es nicht
        (["01/10/2024"], "Eintrag 0"),  # falsches Trennzeichen
    ],
)
def test_strict_parser_rejects(strings, position):
    with pytest.raises(ValueError, match=position):
        parse_dates_strict(strings)


@pytest.mark.parametrize("func", [parse_dates_naive, parse_dates_strict, detect_ambiguous_dates])
def test_string_input_validation(func):
    with pytest.raises(TypeError, match="einzelner String"):
        func("01-10-2024")
    with pytest.raises(ValueError, match="mindestens 1"):
        func([])
    with pytest.raises(TypeError, match=r"strings\[1\] muss ein String"):
        func(["01-10-2024", 20241002])
    with pytest.raises(TypeError, match=r"strings\[0\] muss ein String"):
        func([None])
    with pytest.raises(ValueError, match=r"strings\[1\] darf nicht leer"):
        func(["01-10-2024", "  "])
    with pytest.raises(TypeError, match="Liste von Strings"):
        func(42)


def test_series_of_strings_is_accepted():
    texts = ["01-10-2024", "13-10-2024"]
    pd.testing.assert_series_equal(parse_dates_strict(pd.Series(texts)), parse_dates_strict(texts))
    pd.testing.assert_series_equal(parse_dates_naive(pd.Series(texts)), parse_dates_naive(texts))
    assert detect_ambiguous_dates(pd.Series(texts)) == detect_ambiguous_dates(texts)


def test_strict_parser_rejects_bad_format_argument():
    with pytest.raises(ValueError, match="strftime"):
        parse_dates_strict(["01-10-2024"], fmt="TT-MM-JJJJ")
    with pytest.raises(TypeError, match="fmt muss ein String"):
        parse_dates_strict(["01-10-2024"], fmt=None)
    with pytest.raises(ValueError, match="fmt darf nicht leer"):
        parse_dates_strict(["01-10-2024"], fmt="")


# --- Mehrdeutigkeit erkennen ----------------------------------------------------


def test_detect_ambiguous_full_year(year):
    dates, strings = year
    report = detect_ambiguous_dates(strings)
    brute = sum(1 for d in dates if d.day <= 12 and d.month <= 12 and d.day != d.month)
    assert isinstance(report, DateOrderReport)
    assert report.n == 366
    assert report.n_ambiguous == brute
    assert report.share_ambiguous == pytest.approx(brute / 366)
    assert (report.first_max, report.second_max) == (31, 12)
    assert report.order == "TMJ"


@pytest.mark.parametrize(
    "strings, order, n_ambiguous",
    [
        (["01-10-2024", "02-10-2024", "13-10-2024"], "TMJ", 2),
        (["10-01-2024", "10-13-2024"], "MTJ", 1),
        (["13-10-2024", "10-13-2024"], "widersprüchlich", 0),
        (["01-10-2024", "05-05-2024"], "unklar", 1),  # 05-05 ist eindeutig
        (["1.2.2024", "3/4/2024"], "unklar", 2),  # andere Trennzeichen, ohne Nullen
    ],
)
def test_detect_order(strings, order, n_ambiguous):
    report = detect_ambiguous_dates(strings)
    assert report.order == order
    assert report.n_ambiguous == n_ambiguous


@pytest.mark.parametrize(
    "bad", ["2024-10-01", "01-10-24", "01-10/2024", "00-10-2024", "01-32-2024"]
)
def test_detect_rejects_malformed(bad):
    with pytest.raises(ValueError):
        detect_ambiguous_dates(["01-10-2024", bad])


# --- Plausibilitätsprüfungen ----------------------------------------------------


def test_check_correct_series(year):
    dates, _ = year
    check = check_daily_series(dates)
    assert check.ok
    assert (check.n, check.n_backwards, check.n_duplicates, check.n_missing_days) == (366, 0, 0, 0)
    assert check.max_step_days == 1


def test_check_detects_naive_parsing(year):
    dates, strings = year
    check = check_daily_series(parse_dates_naive(strings))
    assert not check.ok
    assert not check.monotonic
    assert check.n_backwards > 0
    # Vertauschen ist über ein ganzes Jahr eine Bijektion: keine Lücken, keine Doppelten
    assert check.n_duplicates == 0 and check.n_missing_days == 0
    # Rückwärtssprünge unabhängig nachgezählt
    naive = parse_dates_naive(strings)
    assert check.n_backwards == int((np.diff(naive.to_numpy()) < np.timedelta64(0)).sum())


def test_check_duplicates_and_gaps():
    dates = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-05"])
    check = check_daily_series(dates)
    assert check.n_duplicates == 1
    assert check.n_missing_days == 2
    assert check.max_step_days == 3
    assert not check.monotonic  # Doppelter Tag ist kein echter Fortschritt
    assert not check.ok


@pytest.mark.parametrize("func", [check_daily_series, to_german_strings])
def test_text_and_numbers_are_not_dates(func):
    # Text würde pandas mit geratenem Format lesen (Monat zuerst): die Datumsfalle selbst
    with pytest.raises(TypeError, match=r"dates\[0\] ist Text.*parse_dates_strict"):
        func(["01-10-2024", "02-10-2024"])
    # ganze Zahlen läse pandas still als Nanosekunden seit 1970
    with pytest.raises(TypeError, match=r"dates\[1\] ist int.*Timestamp"):
        func([pd.Timestamp("2024-01-01"), 20240102])


def test_other_date_types_are_accepted():
    import datetime as dt

    expected = ["01-10-2024", "02-10-2024"]
    assert to_german_strings([dt.date(2024, 10, 1), dt.datetime(2024, 10, 2, 8, 15)]) == expected
    days = np.array(["2024-10-01", "2024-10-02"], dtype="datetime64[D]")
    assert to_german_strings(days) == expected
    assert check_daily_series(pd.Series(pd.to_datetime(["2024-10-01", "2024-10-02"]))).ok
    with pytest.raises(ValueError, match="NaT"):
        check_daily_series([pd.Timestamp("2024-01-01"), None])


def test_check_errors():
    with pytest.raises(ValueError, match="leer"):
        check_daily_series([])
    with pytest.raises(ValueError, match="NaT"):
        check_daily_series([pd.Timestamp("2024-01-01"), pd.NaT])
    with pytest.raises(TypeError, match="einzelner String"):
        check_daily_series("2024-01-01")
    with pytest.raises(TypeError, match="nicht NoneType"):
        check_daily_series(None)
