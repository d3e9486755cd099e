"""Tests für die gemeinsamen Argumentprüfungen in ``kibuch.core.checks``."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from kibuch.core.checks import (
    KibuchError,
    check_array,
    check_bool,
    check_callable,
    check_choice,
    check_float,
    check_frame,
    check_instance,
    check_int,
    check_path,
    check_probability,
    check_same_length,
    check_str,
    check_str_list,
)

# ------------------------------------------------------------------------ Ganzzahlen


def test_check_int_accepts_python_and_numpy_ints():
    assert check_int("n", 3, 1) == 3
    for value in (np.int8(5), np.int64(5), np.uint16(5)):
        result = check_int("n", value, 0)
        assert result == 5 and type(result) is int


@pytest.mark.parametrize(("value", "error"), [(True, TypeError), (np.bool_(True), TypeError),
                                              (2.0, TypeError), (np.float64(2.0), TypeError),
                                              ("3", TypeError), (None, TypeError),
                                              ([3], TypeError), (0, ValueError),
                                              (-1, ValueError), (11, ValueError)])
def test_check_int_rejects(value, error):
    with pytest.raises(error, match="^n muss"):
        check_int("n", value, 1, 10)


def test_check_int_range_message_names_bounds():
    with pytest.raises(ValueError, match=r"n muss ≥ 1 und ≤ 10 sein, nicht 11"):
        check_int("n", 11, 1, 10)
    assert check_int("n", 10**30) == 10**30  # ohne Grenzen: beliebig groß


# ------------------------------------------------------------------ Gleitkommazahlen


@pytest.mark.parametrize("value", [0.5, 1, np.float32(0.5), np.float64(0.5), np.int32(1)])
def test_check_float_accepts_numbers_and_numpy_scalars(value):
    result = check_float("lr", value, 0.0)
    assert type(result) is float and result == float(value)


@pytest.mark.parametrize("value", [math.nan, np.float32("nan"), math.inf, -math.inf,
                                   np.float64("inf")])
def test_check_float_rejects_nan_and_inf(value):
    with pytest.raises(ValueError, match="lr muss eine endliche Zahl sein"):
        check_float("lr", value)


def test_check_float_infinity_and_nan_only_on_request():
    assert check_float("x", math.inf, finite=False) == math.inf
    with pytest.raises(ValueError, match="x"):
        check_float("x", math.nan, finite=False)
    assert math.isnan(check_float("x", math.nan, finite=False, allow_nan=True))


@pytest.mark.parametrize("value", [True, False, np.bool_(False), "0.1", None, [0.1], 1j])
def test_check_float_rejects_non_numbers(value):
    with pytest.raises(TypeError, match="^lr muss eine Zahl sein"):
        check_float("lr", value)


def test_check_float_open_bounds_and_huge_ints():
    with pytest.raises(ValueError, match="lr muss > 0"):
        check_float("lr", 0, 0.0, open_min=True)
    with pytest.raises(ValueError, match="< 1"):
        check_float("p", 1.0, 0.0, 1.0, open_max=True)
    with pytest.raises(ValueError, match="x ist zu groß"):
        check_float("x", 10**400)


@pytest.mark.parametrize(("value", "error"), [(-0.1, ValueError), (1.5, ValueError),
                                              (math.nan, ValueError), ("0.5", TypeError)])
def test_check_probability(value, error):
    assert check_probability("p", np.float32(0.25)) == 0.25
    with pytest.raises(error, match="^p muss"):
        check_probability("p", value)


def test_checks_reject_bad_bounds_and_names():
    with pytest.raises(TypeError, match="minimum"):
        check_int("n", 3, minimum="1")
    with pytest.raises(ValueError, match="maximum"):
        check_float("x", 3.0, maximum=math.nan)
    with pytest.raises(TypeError, match="name"):
        check_int(3, 3)


# ------------------------------------------------------------ Wahrheitswerte, Strings


@pytest.mark.parametrize("value", [1, 0, "True", None, np.int64(1)])
def test_check_bool_rejects_non_bools(value):
    with pytest.raises(TypeError, match="^flag muss True oder False sein"):
        check_bool("flag", value)


def test_check_bool_accepts_numpy_bool():
    assert check_bool("flag", np.bool_(True)) is True


def test_check_str():
    assert check_str("text", "a") == "a"
    assert check_str("text", "", allow_empty=True) == ""
    with pytest.raises(ValueError, match="text darf nicht leer"):
        check_str("text", "  ")
    with pytest.raises(TypeError, match="text muss ein String"):
        check_str("text", b"a")


# ------------------------------------------------------------------------ Auswahl


def test_check_choice_suggests_close_match():
    with pytest.raises(ValueError, match="Unbekannter Wert 'rleu' für activation.*"
                                         "Meinten Sie 'relu'"):
        check_choice("activation", "rleu", ("relu", "tanh", "sigmoid"))


def test_check_choice_suggests_case_insensitively():
    with pytest.raises(ValueError, match="Meinten Sie 'ReLU'"):
        check_choice("activation", "rELu", ("ReLU", "Tanh"))


@pytest.mark.parametrize(("value", "choices", "expected"), [
    ("adamW", ("sgd", "adam", "adamw"), "adamw"),  # difflib allein schlüge 'adam' vor
    ("ADAM", ("sgd", "adam", "adamw"), "adam"),
    ("Sgd", ("sgd", "adam", "adamw"), "sgd"),
    ("Cosine", ("constant", "linear", "cosine"), "cosine"),
    ("KREISE", ("kreise", "kreis"), "kreise"),
    ("Relu", ("relu", "ReLU6"), "relu"),
])
def test_check_choice_case_insensitive_exact_match_wins(value, choices, expected):
    """Nur die Schreibung weicht ab: genau dieser Eintrag wird vorgeschlagen."""
    import difflib

    with pytest.raises(ValueError) as excinfo:
        check_choice("optimizer", value, choices)
    message = str(excinfo.value)
    assert message.endswith(f"Meinten Sie {expected!r}?"), message
    assert message.count("Meinten Sie") == 1
    if value == "adamW":  # der Fall aus dem Bericht: difflib allein läge daneben
        assert difflib.get_close_matches(value, choices, n=1) == ["adam"]


def test_check_choice_case_differences_are_still_errors():
    """Der Vorschlag ersetzt keine Prüfung: 'adamW' bleibt ein Fehler, 'adamw' ist gültig."""
    with pytest.raises(ValueError, match="Unbekannter Wert 'adamW' für optimizer"):
        check_choice("optimizer", "adamW", ("sgd", "adam", "adamw"))
    assert check_choice("optimizer", "adamw", ("sgd", "adam", "adamw")) == "adamw"


def test_check_choice_typo_still_uses_close_match():
    with pytest.raises(ValueError, match="Meinten Sie 'adamw'"):
        check_choice("optimizer", "adamv", ("sgd", "adamw"))
    with pytest.raises(ValueError, match="Meinten Sie 'cosine'"):
        check_choice("schedule", "cosin", ("constant", "linear", "cosine"))


def test_check_choice_without_suggestion_lists_choices():
    with pytest.raises(ValueError, match="Erlaubt: 'relu', 'tanh'.$"):
        check_choice("activation", "xyz", ("relu", "tanh"))


def test_check_choice_with_none_and_numpy_strings():
    choices = (None, "train", "test")
    assert check_choice("split", "train", choices) == "train"
    assert check_choice("split", None, choices) is None
    result = check_choice("split", np.str_("test"), choices)
    assert result == "test" and type(result) is str


@pytest.mark.parametrize("value", [3, 1.0, ["relu"], None, True])
def test_check_choice_rejects_wrong_types(value):
    with pytest.raises(TypeError, match="activation muss einer von"):
        check_choice("activation", value, ("relu", "tanh"))


def test_check_choice_keeps_bool_and_int_apart():
    assert check_choice("k", 1, (1, 2)) == 1
    assert check_choice("k", np.int64(2), (1, 2)) == 2
    with pytest.raises(TypeError, match="k muss einer von"):
        check_choice("k", True, (1, 2))
    with pytest.raises(ValueError, match="Unbekannter Wert 3 für k"):
        check_choice("k", 3, (1, 2))
    with pytest.raises(TypeError, match="k"):
        check_choice("k", np.array([1]), (1, 2))


def test_check_choice_rejects_bad_choices():
    with pytest.raises(ValueError, match="choices"):
        check_choice("k", "a", ())
    with pytest.raises(TypeError, match="choices"):
        check_choice("k", "a", "abc")


# ---------------------------------------------------------------------- Stringlisten


@pytest.mark.parametrize("value", ["abc", b"abc", 3, None, {"a": 1}])
def test_check_str_list_rejects_non_lists(value):
    with pytest.raises(TypeError, match="^texts muss eine Liste von Strings sein"):
        check_str_list("texts", value)


def test_check_str_list_items_and_length():
    assert check_str_list("texts", ("a", "b")) == ["a", "b"]
    assert check_str_list("texts", np.array(["a", "b"])) == ["a", "b"]
    assert check_str_list("texts", (t for t in ["a"])) == ["a"]
    with pytest.raises(TypeError, match=r"texts\[1\] muss ein String"):
        check_str_list("texts", ["a", 1])
    with pytest.raises(ValueError, match=r"texts\[0\] darf nicht leer"):
        check_str_list("texts", [" "])
    with pytest.raises(ValueError, match="mindestens 1"):
        check_str_list("texts", [])
    assert check_str_list("texts", [], min_len=0) == []


# -------------------------------------------------------------------------- Arrays


def test_check_array_converts_and_checks():
    arr = check_array("X", [[1, 2], [3, 4]], ndim=2)
    assert arr.dtype == float and arr.shape == (2, 2)
    assert check_array("X", torch.ones(3, requires_grad=True)).shape == (3,)
    assert check_array("X", [], min_len=0).shape == (0,)


@pytest.mark.parametrize(("value", "error", "pattern"), [
    (None, TypeError, "X muss ein Array"),
    ("abc", TypeError, "X muss ein Array"),
    ([[1, 2], [3]], TypeError, "X lässt sich nicht"),
    (["a", "b"], TypeError, "X lässt sich nicht"),
    ([], ValueError, "X muss mindestens 1"),
    (5.0, ValueError, "X muss mindestens 1"),
    ([1.0, math.nan], ValueError, "X enthält NaN"),
    ([1.0, math.inf], ValueError, "X enthält NaN"),
    ([[1.0]], ValueError, "X muss 1-dimensional"),
])
def test_check_array_rejects(value, error, pattern):
    with pytest.raises(error, match=pattern):
        check_array("X", value, ndim=1 if pattern.endswith("dimensional") else None)


def test_check_same_length():
    assert check_same_length(X=[1, 2], y=np.zeros(2)) == 2
    with pytest.raises(ValueError, match=r"X: 2, y: 3"):
        check_same_length(X=[1, 2], y=[1, 2, 3])
    with pytest.raises(TypeError, match="y muss eine Folge"):
        check_same_length(X=[1, 2], y=3)
    with pytest.raises(TypeError, match="mindestens eine"):
        check_same_length()


# ------------------------------------------------------------- Instanzen, Pfade …


def test_check_instance_callable_path():
    assert check_instance("cfg", 3, int) == 3
    with pytest.raises(TypeError, match="cfg muss eine Konfiguration sein, nicht str"):
        check_instance("cfg", "x", int, "eine Konfiguration")
    with pytest.raises(TypeError, match="cfg muss int oder float sein"):
        check_instance("cfg", "x", (int, float))
    assert check_callable("fn", len) is len
    with pytest.raises(TypeError, match="fn muss eine Funktion"):
        check_callable("fn", "len")
    assert check_path("path", "a/b") == Path("a/b")
    with pytest.raises(TypeError, match="path muss ein Pfad"):
        check_path("path", 3)
    with pytest.raises(ValueError, match="path darf kein leerer"):
        check_path("path", "")


def test_kibuch_error_is_an_exception():
    assert issubclass(KibuchError, Exception)
    assert not issubclass(KibuchError, (TypeError, ValueError))


def test_check_choice_keeps_ints_and_floats_apart():
    assert check_choice("k", 2.0, (0.5, 2.0)) == 2.0
    with pytest.raises(TypeError, match="k muss einer von"):
        check_choice("k", 1.0, (1, 2))


# ---------------------------------------------------------------------------- Tabellen


def test_check_frame_accepts_and_returns_the_frame():
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2], "b": [3.0, 4.0]})
    assert check_frame("tabelle", frame, ["a", "b"]) is frame
    assert check_frame("tabelle", frame, ("a",), min_rows=2) is frame
    assert check_frame("tabelle", frame.iloc[:0], min_rows=0).empty


def test_check_frame_rejects():
    import pandas as pd

    frame = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(TypeError, match="tabelle muss ein pandas.DataFrame sein, nicht dict"):
        check_frame("tabelle", {"a": [1]}, ["a"])
    with pytest.raises(ValueError, match=r"In tabelle fehlen Spalten: \['b'\]"):
        check_frame("tabelle", frame, ["a", "b"])
    with pytest.raises(ValueError, match="tabelle ist leer"):
        check_frame("tabelle", frame.iloc[:0], ["a"])
    with pytest.raises(ValueError, match="mindestens 3 Zeilen"):
        check_frame("tabelle", frame, min_rows=3)
    # die Schalter selbst: ein String ist keine Spaltenliste, Zeilenzahlen sind ganze Zahlen
    with pytest.raises(TypeError, match="columns muss eine Liste von Strings sein"):
        check_frame("tabelle", frame, "a")
    with pytest.raises(TypeError, match=r"columns\[0\] muss ein String sein"):
        check_frame("tabelle", frame, [1])
    with pytest.raises(TypeError, match="columns"):
        check_frame("tabelle", frame, None)
    with pytest.raises(TypeError, match="min_rows"):
        check_frame("tabelle", frame, min_rows=1.5)
    with pytest.raises(ValueError, match="min_rows"):
        check_frame("tabelle", frame, min_rows=-1)
    with pytest.raises(TypeError, match="name"):
        check_frame(3, frame)
