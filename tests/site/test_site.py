"""Statische Prüfungen der gebauten Website: Seiten, Notebooks, Offline-Fähigkeit."""

from __future__ import annotations

import re
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient
from sitehelpers import ROOT, is_notebook, toc_files

DOCS = toc_files()
CHAPTERS = [d for d in DOCS if is_notebook(d)]


def test_toc_is_not_empty():
    assert "book/01_einfuehrung" in CHAPTERS
    assert len(DOCS) == len(set(DOCS)), "Seite doppelt im Inhaltsverzeichnis"


@pytest.mark.parametrize("doc", DOCS)
def test_every_toc_page_has_german_html(site, doc):
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in html
    # Keine Skripte, Stylesheets, Fonts oder Icons von fremden Servern
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html)
    external = [t for t in tags if re.search(r'(?:src|href)="(?:https?:)?//', t)
                and 'rel="canonical"' not in t]
    assert not external, external
    assert "translations.js" in html  # deutsche Oberflächentexte


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_has_executed_notebook_download(site, doc):
    path = site / "_sources" / f"{doc}.ipynb"
    assert path.exists(), f"{path} fehlt"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "Notebook ohne Code-Zellen"
    assert 'find_spec("kibuch")' in code[0].source, "erste Zelle installiert kibuch nicht"
    assert sum(bool(c.outputs) for c in code) >= 2, "Notebook ohne ausgeführte Ausgaben"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_has_cite_box_and_run_stamp(site, doc):
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    assert 'id="zitieren"' in html and "incollection" in html and "urldate" in html
    assert 'id="ausfuehrungsprotokoll"' in html
    for needle in ("Ausgeführt am", "Commit", "Gerät", "torch", "transformers", "scikit-learn",
                   "Ausführungszeit"):
        assert needle in html, needle
    assert 'class="tip admonition"' in html or "Lernziele" in html
    assert "Zusammenfassung" in html and "Übungen" in html


def test_notebook_zip_contains_all_chapters(site):
    path = site / "_downloads" / "ki-grundlagen-notebooks.zip"
    with zipfile.ZipFile(path) as zf:
        names = {n.removeprefix("ki-grundlagen/") for n in zf.namelist()}
        assert zf.testzip() is None
    for doc in CHAPTERS:
        assert f"{doc}.ipynb" in names, doc


def test_local_assets_present(site):
    assert (site / "_static" / "plotly.min.js").stat().st_size > 1_000_000
    assert (site / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert (site / "searchindex.js").exists()
    # Suche mit deutscher Wortstammbildung
    assert "GermanStemmer" in (site / "_static" / "language_data.js").read_text(encoding="utf-8")


def test_status_page_lists_every_chapter(site):
    html = (site / "book" / "status.html").read_text(encoding="utf-8")
    for doc in CHAPTERS:
        assert f'{doc.split("/")[-1]}.html' in html, doc


def test_downloaded_notebook_runs_in_fresh_kernel(site, tmp_path):
    """Das heruntergeladene Kapitel-1-Notebook läuft in einem frischen Kernel durch."""
    nb = nbformat.read(site / "_sources" / "book" / "01_einfuehrung.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs and not [o for o in outputs if o.output_type == "error"]
    assert ROOT.exists()


def test_book_pdf(site):
    """Das PDF des ganzen Buchs: echtes PDF, mehrseitig, mit Lesezeichen und Links."""
    data = (site / "_downloads" / "ki-grundlagen.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 3 * len(CHAPTERS), f"nur {pages} Seiten"
    assert b"/Outlines" in data  # Lesezeichen aus den Überschriften
    assert b"/Link" in data  # anklickbare Verweise


def test_glossary_has_80_terms_with_english(site):
    html = (site / "book" / "glossar.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-[^"]+">', html)
    assert len(terms) >= 80, len(terms)
    assert html.count("engl.") >= len(terms)


@pytest.mark.parametrize("doc", [d for d in CHAPTERS if d != "book/status"])
def test_chapters_link_glossary_terms(site, doc):
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="reference internal" href="glossar\.html#term-', html)
    assert len(links) >= 3, f"{doc}: nur {len(links)} Glossarverweise"
