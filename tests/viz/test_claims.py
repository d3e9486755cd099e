"""Tests für ``claim`` und ``compare_text`` (kibuch.viz.book), das MyST-NB-Plugin
``ClaimsSkip`` und das Einsammeln der Aussagen in der Sphinx-Erweiterung
(``book/_ext/kibuch_sphinx/results.py``).
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

from kibuch.core.checks import KibuchError
from kibuch.viz import book

ROOT = Path(__file__).resolve().parents[2]


# --- claim ------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition", [False, np.bool_(False), np.float64(0.8) > 0.9])
def test_false_claim_raises_with_the_statement(shown, condition):
    with pytest.raises(book.ClaimError) as info:
        book.claim(condition, "k-NN ist besser als 1-NN")
    assert str(info.value) == ("Aussage stimmt nicht mehr mit den Ergebnissen überein: "
                               "k-NN ist besser als 1-NN")
    assert shown == []


def test_claim_error_is_an_assertion_and_a_kibuch_error():
    assert issubclass(book.ClaimError, AssertionError)
    assert issubclass(book.ClaimError, KibuchError)


@pytest.mark.parametrize("condition", [True, np.bool_(True), np.array([1, 2]).sum() == 3])
def test_true_claim_emits_the_claim_mime(shown, condition):
    assert book.claim(condition, "Die Acht ist die schwierigste Klasse.") is None
    ((bundle, raw),) = shown
    assert raw
    assert bundle == {book.CLAIM_MIME: {"statement": "Die Acht ist die schwierigste Klasse."},
                      "text/plain": "✓ Die Acht ist die schwierigste Klasse."}
    assert json.loads(json.dumps(bundle)) == bundle  # reines JSON, wie nbformat es speichert


def test_statement_whitespace_is_collapsed(shown):
    book.claim(True, "  Mehr Daten\n   helfen  kaum. ")
    assert shown[0][0][book.CLAIM_MIME] == {"statement": "Mehr Daten helfen kaum."}


def test_without_ipython_the_statement_is_printed(monkeypatch, capsys):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # einfaches Python-Skript
    assert book.claim(True, "fast immer richtig") is None
    assert capsys.readouterr().out == "✓ fast immer richtig\n"
    with pytest.raises(book.ClaimError):
        book.claim(False, "fast immer richtig")


@pytest.mark.parametrize("condition", [
    None, 1, 0, 1.0, "ja", "", [True], (True,), np.array([True, True]), np.array(True),
    pd.Series([True]), pd.DataFrame({"a": [True]}), object(),
])
def test_condition_must_be_a_bool(shown, condition):
    with pytest.raises(TypeError, match="condition muss ein Wahrheitswert"):
        book.claim(condition, "Aussage")
    assert shown == []


def test_array_condition_gets_a_hint():
    with pytest.raises(TypeError, match=r"\.all\(\) oder \.any\(\)"):
        book.claim(np.array([0.9, 0.8]) > 0.5, "alle über 50 %")


@pytest.mark.parametrize("statement, exc", [
    ("", ValueError), ("   \n", ValueError), (None, TypeError), (5, TypeError),
    (["Aussage"], TypeError), (b"Aussage", TypeError),
])
def test_statement_must_be_text(shown, statement, exc):
    with pytest.raises(exc, match="statement"):
        book.claim(True, statement)
    with pytest.raises(exc, match="statement"):  # auch bei falscher Bedingung zuerst erkannt
        book.claim(False, statement)
    assert shown == []


# --- compare_text -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, kwargs, word", [
    (0.91, 0.85, {}, "besser"),
    (0.85, 0.91, {}, "schlechter"),
    (0.9, 0.9, {}, "gleichauf"),
    (0.91, 0.90, {"tol": 0.02}, "gleichauf"),
    (0.90, 0.91, {"tol": 0.02}, "gleichauf"),
    (0.95, 0.90, {"tol": 0.02}, "besser"),
    (np.float32(2.0), np.int64(3), {}, "schlechter"),
    (3, 2, {"higher": "länger", "lower": "kürzer", "tie": "etwa gleich lang"}, "länger"),
    (0.1, 0.2, {"higher": "schlechter", "lower": "besser"}, "besser"),  # Fehlerrate
])
def test_compare_text(a, b, kwargs, word):
    assert book.compare_text(a, b, **kwargs) == word


def test_compare_text_tolerance_is_inclusive():
    assert book.compare_text(1.5, 1.0, tol=0.5) == "gleichauf"
    assert book.compare_text(1.0, 1.5, tol=0.5) == "gleichauf"
    assert book.compare_text(1.5, 1.0, tol=0.4999) == "besser"


@pytest.mark.parametrize("kwargs, exc, name", [
    ({"a": math.nan}, ValueError, "a"), ({"a": None}, TypeError, "a"),
    ({"a": True}, TypeError, "a"), ({"b": "0.5"}, TypeError, "b"),
    ({"b": math.inf}, ValueError, "b"), ({"tol": -0.1}, ValueError, "tol"),
    ({"tol": math.nan}, ValueError, "tol"), ({"tol": "0"}, TypeError, "tol"),
    ({"higher": ""}, ValueError, "higher"), ({"lower": None}, TypeError, "lower"),
    ({"tie": 0}, TypeError, "tie"),
])
def test_compare_text_errors_name_the_argument(kwargs, exc, name):
    args = {"a": 0.9, "b": 0.8} | kwargs
    with pytest.raises(exc, match=name):
        book.compare_text(**args)


# --- MyST-NB-Plugin ---------------------------------------------------------------------------

def test_claim_mime_is_rendered_as_a_comment_other_types_are_left_alone():
    from docutils import nodes

    from kibuch.viz import mystnb

    out = book.ClaimsSkip.handle_mime(None, SimpleNamespace(mime_type=book.CLAIM_MIME), False)
    assert len(out) == 1 and isinstance(out[0], nodes.comment)
    for mime in ("text/plain", "text/html", book.RESULTS_MIME, mystnb.PLOTLY_MIME):
        assert book.ClaimsSkip.handle_mime(None, SimpleNamespace(mime_type=mime), False) is None
    book.ClaimsSkip()
    with pytest.raises(TypeError, match="bogus"):
        book.ClaimsSkip(bogus=1)


def test_claim_mime_is_the_same_everywhere(ext):
    assert book.CLAIM_MIME == ext.CLAIM_MIME
    assert book.CLAIM_MIME.startswith("application/") and book.CLAIM_MIME.endswith("+json")
    assert book.CLAIM_MIME != book.RESULTS_MIME


def test_plugin_is_registered_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    plugins = config["project"]["entry-points"]["myst_nb.mime_renderers"]
    assert plugins["kibuch_claims"] == "kibuch.viz.book:ClaimsSkip"


def test_installed_plugin_puts_the_claim_before_the_text_line():
    """Braucht eine aktuelle Installation (``pip install -e .``, wie in ``nox``)."""
    from myst_nb.core.render import get_mime_priority

    names = {ep.name for ep in metadata.entry_points(group="myst_nb.mime_renderers")}
    assert "kibuch_claims" in names, "Einstiegspunkt fehlt: kibuch neu installieren"
    for builder in ("html", "singlehtml", "latex"):
        order = get_mime_priority(builder, [])
        assert order[:2] == [book.RESULTS_MIME, book.CLAIM_MIME], order[:3]
        assert order.index("text/plain") > 1


# --- Sphinx-Erweiterung: einsammeln -----------------------------------------------------------

def _claim_output(statement) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {book.CLAIM_MIME: {"statement": statement}, "text/plain": f"✓ {statement}"}}


def _notebook(*cells_outputs) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Titel"}]
    cells += [{"cell_type": "code", "metadata": {}, "source": "x", "execution_count": 1,
               "outputs": outputs} for outputs in cells_outputs]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_notebook_claims_in_cell_order_without_duplicates(ext):
    results = {"output_type": "display_data", "metadata": {},
               "data": {book.RESULTS_MIME: {"a.b": 1}, "text/plain": "a.b  1"}}
    nb = _notebook([{"output_type": "stream", "name": "stdout", "text": "✓ nur Text"}],
                   [_claim_output("k-NN ist besser"), results],
                   [_claim_output("Die Acht ist am schwierigsten"),
                    _claim_output("k-NN ist besser")])  # Schleife: zweimal dieselbe Aussage
    assert ext.notebook_claims(nb) == ["k-NN ist besser", "Die Acht ist am schwierigsten"]
    assert ext.notebook_claims(_notebook([])) == []
    assert ext.notebook_results(nb) == [{"a.b": 1}]  # Ergebnisse bleiben, wie sie waren


@pytest.mark.parametrize("payload", [{"statement": ""}, {"text": "x"}, "x", {"statement": 5}])
def test_broken_claim_output_stops_the_build(ext, payload):
    from sphinx.errors import ExtensionError

    nb = _notebook([{"output_type": "display_data", "metadata": {},
                     "data": {book.CLAIM_MIME: payload}}])
    with pytest.raises(ExtensionError, match="statement"):
        ext.notebook_claims(nb)


def _app(tmp_path):
    return SimpleNamespace(outdir=str(tmp_path / "_build" / "html"),
                           config=SimpleNamespace(nb_execution_mode="off",
                                                  nb_execution_cache_path=""))


def test_page_claims_reads_the_executed_notebook(ext, tmp_path):
    executed = tmp_path / "_build" / "jupyter_execute" / "book" / "02_daten.ipynb"
    executed.parent.mkdir(parents=True)
    env = SimpleNamespace(nb_metadata={})
    executed.write_text(json.dumps(_notebook([_claim_output("mehr Daten helfen")])),
                        encoding="utf-8")
    assert ext.page_claims(_app(tmp_path), env, "book/02_daten") == ["mehr Daten helfen"]
    # ausgeführt, aber ohne Aussage: schneller Weg, leer
    executed.write_text(json.dumps(_notebook([{"output_type": "stream", "name": "stdout",
                                               "text": "x"}])), encoding="utf-8")
    assert ext.page_claims(_app(tmp_path), env, "book/02_daten") == []
    # keine Datei und kein Notebook: nichts
    assert ext.page_claims(_app(tmp_path), env, "book/status") == []


def _env(claims: dict, numbers: dict) -> SimpleNamespace:
    """Ein Sphinx-Umfeld im Kleinen: ausgeführte Seiten mit Nummern und Titeln."""
    from docutils import nodes

    return SimpleNamespace(
        kibuch_claims=claims,
        nb_metadata={doc: {"exec_data": {"runtime": 1.0}} for doc in numbers},
        toc_secnumbers={doc: {"": num} for doc, num in numbers.items()},
        titles={doc: nodes.title(text=f"Titel {doc}") for doc in numbers},
        found_docs=set(numbers))


def test_claim_rows_list_every_chapter_in_book_order(ext):
    env = _env({"book/03_1": ["a"], "book/02_daten": ["b", "c"], "book/lehrende": ["d"]},
               {"book/02_daten": (2,), "book/03_1": (3, 1), "book/01": (1,),
                "book/lehrende": ()})
    rows = ext.claim_rows(env)
    # Kapitel ohne Aussage stehen mit null da; Seiten ohne Nummer mit Aussagen dahinter
    assert rows == {"book/01": [], "book/02_daten": ["b", "c"], "book/03_1": ["a"],
                    "book/lehrende": ["d"]}


def test_claims_document(ext):
    pages = {"book/01": {"number": "1", "title": "Einführung", "claims": []},
             "book/02_daten": {"number": "2", "title": "Daten", "claims": ["b", "c"]}}
    doc = ext.claims_document(pages, "2026-12-01T00:00:00+01:00")
    assert doc == {
        "_meta": {"generated": "2026-12-01T00:00:00+01:00", "total": 2,
                  "source": "kibuch.viz.book.claim"},
        "pages": {"book/01": {"number": "1", "title": "Einführung", "count": 0, "claims": []},
                  "book/02_daten": {"number": "2", "title": "Daten", "count": 2,
                                    "claims": ["b", "c"]}}}
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc


def test_statements_cell_folds_in_html_only(ext):
    from docutils import nodes

    html = SimpleNamespace(builder=SimpleNamespace(format="html"))
    latex = SimpleNamespace(builder=SimpleNamespace(format="latex"))
    cell = ext._statements_cell(html, ["a", "b"])
    assert [type(n) for n in cell] == [nodes.raw, nodes.bullet_list, nodes.raw]
    assert "<details><summary>2 Aussagen anzeigen</summary>" in cell[0].astext()
    assert [item.astext() for item in cell[1].children] == ["a", "b"]
    assert "1 Aussage anzeigen" in ext._statements_cell(html, ["a"])[0].astext()
    (plain,) = ext._statements_cell(latex, ["a"])
    assert isinstance(plain, nodes.bullet_list)
    assert ext._statements_cell(html, [])[0].astext() == "–"


def test_fill_claims_builds_the_status_table(ext):
    from docutils import nodes
    from docutils.utils import new_document

    env = _env({"book/02_daten": ["b", "c"]}, {"book/01": (1,), "book/02_daten": (2,)})
    builder = SimpleNamespace(format="html", name="html",
                              get_relative_uri=lambda here, doc: f"{doc}.html")
    app = SimpleNamespace(env=env, builder=builder)
    doctree = new_document("status")
    doctree += ext.claims_table()
    ext._fill_claims(app, doctree, "book/status")
    (table,) = list(doctree.findall(nodes.table))
    rows = [[entry.astext() for entry in row.children] for row in table.findall(nodes.row)]
    assert rows[0] == ["Kapitel", "Zahl der geprüften Aussagen", "Aussagen"]
    assert rows[1][:2] == ["1 Titel book/01", "0"]
    assert rows[2][:2] == ["2 Titel book/02_daten", "2"] and "b" in rows[2][2]
    assert rows[3][:2] == ["Summe", "2"]
    assert "reports/claims.json" in doctree.astext()
    assert not list(doctree.findall(ext.claims_table))


# --- im echten Kernel -------------------------------------------------------------------------

def test_kernel_true_claim_is_an_output_false_claim_fails_the_cell():
    """Ein Kernelstart (etwa 2 s): genau so sieht es MyST-NB beim Bau."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from kibuch.viz.book import claim\n"
                                  "claim(0.9 > 0.8, 'k-NN ist besser')"),
        nbformat.v4.new_code_cell("claim(0.7 > 0.8, 'k-NN ist besser')"),
    ])
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
    (ok,) = nb.cells[0].outputs
    assert ok.output_type == "display_data"
    assert ok.data[book.CLAIM_MIME] == {"statement": "k-NN ist besser"}
    assert ok.data["text/plain"] == "✓ k-NN ist besser"
    (err,) = nb.cells[1].outputs
    assert err.output_type == "error" and err.ename == "ClaimError"
    assert "Aussage stimmt nicht mehr mit den Ergebnissen überein: k-NN ist besser" in err.evalue
