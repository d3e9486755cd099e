"""Tests für ``report_results`` (kibuch.viz.book), das MyST-NB-Plugin ``ResultsSkip`` und das
Zusammenführen in der Sphinx-Erweiterung (``book/_ext/kibuch_sphinx/results.py``).

Die Tests mit einem echten Jupyter-Kernel stehen in ``test_results_kernel.py``.
"""

from __future__ import annotations

import json
import math
import tomllib
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from kibuch.viz import book, mystnb

ROOT = Path(__file__).resolve().parents[2]


# --- report_results ---------------------------------------------------------------------------

def test_both_forms_give_the_same_bundle(shown):
    assert book.report_results({"cnn.mnist.test_acc_mean": 0.985,
                                "cnn.mnist.baselines": {"Logistische Regression": 0.91}}) is None
    assert book.report_results("cnn.mnist", test_acc_mean=0.985,
                               baselines={"Logistische Regression": 0.91}) is None
    (first, raw1), (second, raw2) = shown
    assert raw1 and raw2 and first == second
    assert set(first) == {book.RESULTS_MIME, "text/plain"}
    assert first[book.RESULTS_MIME] == {"cnn.mnist.test_acc_mean": 0.985,
                                        "cnn.mnist.baselines": {"Logistische Regression": 0.91}}


def test_payload_is_plain_json(shown):
    book.report_results("gpt", val_loss=np.float32(1.5), steps=np.int64(3000),
                        ngram_val_loss={1: 2.9, np.int64(4): 1.53}, seeds=np.arange(3),
                        device="cpu", curve=[(1, 0.5), (5, 0.7)])
    payload = shown[0][0][book.RESULTS_MIME]
    assert payload == {"gpt.val_loss": 1.5, "gpt.steps": 3000,
                       "gpt.ngram_val_loss": {"1": 2.9, "4": 1.53}, "gpt.seeds": [0, 1, 2],
                       "gpt.device": "cpu", "gpt.curve": [[1, 0.5], [5, 0.7]]}
    # nur Python-Typen, die json ohne Umwege schreibt; NaN/inf kämen hier nicht durch
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload
    assert type(payload["gpt.val_loss"]) is float and type(payload["gpt.steps"]) is int


def test_text_table_for_jupyter(shown):
    book.report_results("ml.titanic", test_acc=0.81298, n_test=1262, model="Random Forest",
                        cv_acc={"Mehrheitsklasse": 0.618, "Wald": 0.8157})
    assert shown[0][0]["text/plain"].splitlines() == [
        "ml.titanic.test_acc  0,813",
        "ml.titanic.n_test    1.262",
        "ml.titanic.model     Random Forest",
        "ml.titanic.cv_acc    Mehrheitsklasse: 0,618; Wald: 0,8157",
    ]


def test_without_ipython_the_table_is_printed(monkeypatch, capsys):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # einfaches Python-Skript
    assert book.report_results("a.b", x=0.5, y=[1, 2]) is None
    assert capsys.readouterr().out.splitlines() == ["a.b.x  0,5", "a.b.y  [1; 2]"]


@pytest.mark.parametrize("value, exc, where", [
    (float("nan"), ValueError, "ml.x.acc"),
    (np.float64("inf"), ValueError, "ml.x.acc"),
    (-math.inf, ValueError, "ml.x.acc"),
    (None, TypeError, "ml.x.acc"),
    (True, TypeError, "ml.x.acc"),
    (np.bool_(False), TypeError, "ml.x.acc"),
    ("", ValueError, "ml.x.acc"),
    ([], ValueError, "ml.x.acc"),
    ({}, ValueError, "ml.x.acc"),
    (pd.Series([0.5]), TypeError, "to_dict"),
    (object(), TypeError, "ml.x.acc"),
    ({"SVM": float("nan")}, ValueError, "ml.x.acc['SVM']"),
    ({"SVM": [0.5, None]}, TypeError, "ml.x.acc['SVM'][1]"),
    ({1: {"Probe": True}}, TypeError, "ml.x.acc['1']['Probe']"),
    ({5: 0.1, "5": 0.2}, ValueError, "doppelt"),
    ({"": 0.1}, ValueError, "Schlüssel in ml.x.acc"),
    ({None: 0.1}, TypeError, "Schlüssel in ml.x.acc"),
    ({True: 0.1}, TypeError, "Schlüssel in ml.x.acc"),
    (np.array([0.1, np.nan]), ValueError, "ml.x.acc[1]"),
])
def test_bad_values_name_the_key(shown, value, exc, where):
    with pytest.raises(exc) as info:
        book.report_results("ml.x", acc=value)
    assert where in str(info.value)
    with pytest.raises(exc):
        book.report_results({"ml.x.acc": value})
    assert shown == []


@pytest.mark.parametrize("key, exc", [
    ("", ValueError), ("acc", ValueError), ("ML.acc", ValueError), ("ml..acc", ValueError),
    ("ml.acc.", ValueError), (".ml.acc", ValueError), ("ml.test acc", ValueError),
    ("ml.genauigkeit_ä", ValueError), ("_meta.acc", ValueError), ("ml._acc", ValueError),
    (5, TypeError), (None, TypeError), (("ml", "acc"), TypeError),
])
def test_bad_keys(shown, key, exc):
    with pytest.raises(exc, match="Schlüssel"):
        book.report_results({key: 0.5})
    assert shown == []


def test_bad_calls(shown):
    with pytest.raises(TypeError, match="prefix_or_results"):
        book.report_results(["ml.acc"])
    with pytest.raises(TypeError, match="prefix_or_results"):
        book.report_results(None, acc=0.5)
    with pytest.raises(TypeError, match="nicht erlaubt"):
        book.report_results({"ml.acc": 0.5}, n=3)
    with pytest.raises(ValueError, match="mindestens einen"):
        book.report_results("ml")
    with pytest.raises(ValueError, match="mindestens ein Ergebnis"):
        book.report_results({})
    with pytest.raises(ValueError, match="prefix_or_results"):
        book.report_results("  ", acc=0.5)
    with pytest.raises(ValueError, match="'ML.acc'"):
        book.report_results("ML", acc=0.5)
    assert shown == []


# --- format_result ----------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (0.98534, "0,9853"), (0.8, "0,8"), (1.62, "1,62"), (171.34, "171,3"), (0.0, "0"),
    (-1.5, "−1,5"), (0.000123456, "0,0001235"), (123456.7, "123.457"), (3500, "3.500"),
    (np.int64(7), "7"), ("Random Forest", "Random Forest"),
    ({"a": 0.5, "b": {"c": 2}}, "a: 0,5; b: {c: 2}"), ([1, 0.25], "[1; 0,25]"),
])
def test_format_result(value, text):
    assert book.format_result(value) == text


def test_format_result_keeps_four_significant_digits():
    """Gegenprobe: Der Text zurückgelesen liegt auf vier gültige Stellen am Wert."""
    rng = np.random.default_rng(0)
    for x in 10 ** rng.uniform(-4, 7, size=300) * rng.choice([-1, 1], size=300):
        text = book.format_result(float(x))
        back = float(text.replace(".", "").replace(",", ".").replace("−", "-"))
        assert abs(back - x) <= 5.0001e-4 * abs(x), (x, text)


@pytest.mark.parametrize("value, exc", [(None, TypeError), (True, TypeError), ("", ValueError),
                                        (float("nan"), ValueError), (object(), TypeError)])
def test_format_result_errors(value, exc):
    with pytest.raises(exc, match="value"):
        book.format_result(value)


# --- MyST-NB-Plugin ---------------------------------------------------------------------------

def test_results_mime_is_rendered_as_a_comment_other_types_are_left_alone():
    from docutils import nodes

    out = mystnb.ResultsSkip.handle_mime(None, SimpleNamespace(mime_type=book.RESULTS_MIME), False)
    assert len(out) == 1 and isinstance(out[0], nodes.comment)
    for mime in ("text/plain", "text/html", mystnb.PLOTLY_MIME):
        assert mystnb.ResultsSkip.handle_mime(None, SimpleNamespace(mime_type=mime), False) is None
    # vor allen anderen Typen, damit MyST-NB nicht die Texttabelle daneben wählt
    assert ("*", book.RESULTS_MIME, 0) in mystnb.ResultsSkip.mime_priority_overrides
    with pytest.raises(TypeError, match="bogus"):
        mystnb.ResultsSkip(bogus=1)


def test_mime_type_is_the_same_everywhere(ext):
    assert book.RESULTS_MIME == mystnb.RESULTS_MIME == ext.RESULTS_MIME
    assert book.RESULTS_MIME.startswith("application/") and book.RESULTS_MIME.endswith("+json")


def test_plugin_is_registered_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    plugins = config["project"]["entry-points"]["myst_nb.mime_renderers"]
    assert plugins["kibuch_results"] == "kibuch.viz.mystnb:ResultsSkip"


def test_installed_plugin_wins_the_mime_priority():
    """Braucht eine aktuelle Installation (``pip install -e .``, wie in ``nox``)."""
    from myst_nb.core.render import get_mime_priority

    names = {ep.name for ep in metadata.entry_points(group="myst_nb.mime_renderers")}
    assert "kibuch_results" in names, "Einstiegspunkt fehlt: kibuch neu installieren"
    for builder in ("html", "singlehtml", "latex"):
        order = get_mime_priority(builder, [])
        assert order[0] == book.RESULTS_MIME, order[:3]
        assert order.index("text/plain") > 0


# --- Sphinx-Erweiterung: einsammeln und zusammenführen ----------------------------------------

def _output(payload: dict) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {book.RESULTS_MIME: payload, "text/plain": "…"}}


def _notebook(*cells_outputs) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Titel"}]
    cells += [{"cell_type": "code", "metadata": {}, "source": "x", "execution_count": 1,
               "outputs": outputs} for outputs in cells_outputs]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_notebook_results_finds_every_results_output(ext):
    nb = _notebook([{"output_type": "stream", "name": "stdout", "text": "hallo"}],
                   [_output({"a.b": 1})],
                   [_output({"a.c": 2}), {"output_type": "display_data", "metadata": {},
                                          "data": {"text/plain": "{'a.d': 3}"}}])
    assert ext.notebook_results(nb) == [{"a.b": 1}, {"a.c": 2}]
    assert ext.notebook_results(_notebook([])) == []


def test_merge_keeps_page_order_and_names_sources(ext):
    pages = {"book/03_1_ueberwacht": [{"ml.titanic.test_acc": 0.81, "ml.titanic.n_test": 262}],
             "book/03_3_transfer": [{"transfer.curve": {"10": {"m": 0.9}, "5": {"m": 0.8},
                                                        "1": {"m": 0.5}, "50": {"m": 0.95}}}]}
    values, sources = ext.merge_results(pages)
    assert list(values) == ["ml.titanic.test_acc", "ml.titanic.n_test", "transfer.curve"]
    assert list(values["transfer.curve"]) == ["1", "5", "10", "50"]  # numerisch, nicht 1, 10, 5
    assert sources["transfer.curve"] == "book/03_3_transfer"
    doc = ext.results_document(values, sources, "2026-01-01T00:00:00+01:00")
    assert doc["_meta"] == {"generated": "2026-01-01T00:00:00+01:00",
                            "chapters": {"ml.titanic": "book/03_1_ueberwacht",
                                         "transfer": "book/03_3_transfer"}}
    assert {k: v for k, v in doc.items() if k != "_meta"} == values


@pytest.mark.parametrize("pages, match", [
    ({"book/a": [{"x.acc": 1}], "book/b": [{"x.acc": 2}]}, "auch von book/a"),
    ({"book/a": [{"x.acc": 1}, {"x.acc": 1}]}, "zweimal"),
    ({"book/a": [{"cnn.mnist.acc": 1}], "book/b": [{"cnn.mnist.sd": 2}]}, "Präfix 'cnn.mnist'"),
    ({"book/a": [{"_meta": 1}]}, "kein Ergebnisschlüssel"),
])
def test_merge_conflicts_stop_the_build(ext, pages, match):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match=match):
        ext.merge_results(pages)


def test_same_first_part_on_two_pages_is_fine(ext):
    values, _ = ext.merge_results({"book/a": [{"cnn.mnist.acc": 1}],
                                   "book/b": [{"cnn.digits.acc": 2}]})
    assert values == {"cnn.mnist.acc": 1, "cnn.digits.acc": 2}
