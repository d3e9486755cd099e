"""Statische Prüfungen der gebauten Website: Seiten, Notebooks, Offline-Fähigkeit."""

from __future__ import annotations

import json
import re
import zipfile

import nbformat
import pytest
import yaml
from sitehelpers import (
    NUMBERS,
    ROOT,
    built_numbers,
    expected_numbers,
    is_chapter,
    numbered_items,
    numfig_depth,
    toc_files,
)

DOCS = toc_files()
CHAPTERS = [d for d in DOCS if is_chapter(d)]


def test_toc_is_not_empty():
    assert "book/01_einfuehrung" in CHAPTERS and "book/03_3_cnn" in CHAPTERS
    assert "book/dozierende" not in CHAPTERS
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
    assert "kibuch[notebooks] @ git+" in code[0].source, "erste Zelle installiert kibuch nicht"
    assert re.search(r'^KIBUCH_RELEASE = "v\d+\.\d+\.\d+"', code[0].source, re.M), \
        "Fassung des Buchs nicht in die Installationszelle eingesetzt"
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


def test_book_pdf(site):
    """Das PDF des ganzen Buchs: echtes PDF, mehrseitig, mit Lesezeichen und Links."""
    data = (site / "_downloads" / "ki-grundlagen.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages >= 3 * len(CHAPTERS), f"nur {pages} Seiten"
    assert b"/Outlines" in data  # Lesezeichen aus den Überschriften
    assert b"/Link" in data  # anklickbare Verweise
    from pypdf import PdfReader

    title = PdfReader(site / "_downloads" / "ki-grundlagen.pdf").metadata.title
    assert title.startswith("KI-Grundlagen"), title
    assert "\u00ad" not in title, f"weiche Trennstriche im PDF-Titel: {title!r}"


def test_pdf_metadata_and_toc_page_numbers(site):
    """Metadaten aus CITATION.cff, Sprache Deutsch, Inhaltsverzeichnis mit Seitenzahlen."""
    from pypdf import PdfReader

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    reader = PdfReader(str(site / "_downloads" / "ki-grundlagen.pdf"))
    meta = reader.metadata
    assert meta.title.startswith(cff["title"]) and "\u00ad" not in meta.title
    assert meta.author == ", ".join(a["name"] for a in cff["authors"])
    assert meta.subject and "künstlichen Intelligenz" in meta.subject
    assert str(reader.trailer["/Root"].get("/Lang")) == "de-DE"
    # Seite 2 beginnt das Inhaltsverzeichnis: jeder Kapiteleintrag endet mit seiner Seitenzahl,
    # und die Seitenzahlen stimmen mit den Lesezeichen überein
    toc = reader.pages[1].extract_text()
    assert toc.lstrip().startswith("Inhalt"), toc[:200]
    outline = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                outline.setdefault(" ".join(item.title.replace("\u00ad", "").split()),
                                   reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    first = next(t for t in outline if t.startswith("1. Einführung"))
    line = next(ln for ln in toc.splitlines() if ln.startswith("1. Einführung"))
    assert line.rstrip().endswith(str(outline[first])), (line, outline[first])


def test_glossary_has_80_terms_with_english(site):
    html = (site / "book" / "glossar.html").read_text(encoding="utf-8")
    terms = re.findall(r'<dt id="term-[^"]+">', html)
    assert len(terms) >= 80, len(terms)
    assert html.count("engl.") >= len(terms)


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapters_link_glossary_terms(site, doc):
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="reference internal" href="glossar\.html#term-', html)
    assert len(links) >= 3, f"{doc}: nur {len(links)} Glossarverweise"


def _page_number(site, doc) -> str:
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    m = re.search(r'<h1[^>]*><span class="section-number">([\d.]+?)\.? </span>', html)
    return m.group(1) if m else ""


def test_course_numbering_of_part_3(site):
    """Teil 3 hat die Kapitel 3.1–3.4 des Kurses, ihre Seiten sind die Abschnitte 3.x.y."""
    assert _page_number(site, "book/03_methoden") == "3"
    assert _page_number(site, "book/03_1_ml") == "3.1"
    assert _page_number(site, "book/03_3_cnn") == "3.3.1"
    assert _page_number(site, "book/03_3_transfer") == "3.3.2"
    assert _page_number(site, "book/03_4_bert") == "3.4.2"
    assert _page_number(site, "book/07_ausblick") == "7"
    assert _page_number(site, "book/dozierende") == ""  # ohne Nummer, vor Kapitel 1


@pytest.mark.parametrize("doc", DOCS)
def test_page_numbers_follow_toc(site, doc):
    """Jede Seite trägt die Nummer, die ihre Stelle in _toc.yml vorgibt (keine Lücken)."""
    assert _page_number(site, doc) == expected_numbers().get(doc, ""), doc


def test_sidebar_shows_course_numbers(site):
    """Die Navigation links nennt die Nummern, etwa „3.3.1. Faltende Netze (CNNs)“."""
    html = (site / "book" / "03_3_transfer.html").read_text(encoding="utf-8")
    nav = html[html.index('bd-docs-nav'):]
    nav = nav[: nav.index("</nav>")]
    links = dict(re.findall(r'href="([\w./-]+)\.html">\s*([\d.]+)\. ', nav))
    assert links.get("03_1_ml") == "3.1"
    assert links.get("03_3_cnn") == "3.3.1"
    assert links.get("03_4_bert") == "3.4.2"
    assert links.get("01_einfuehrung") == "1" and links.get("07_ausblick") == "7"


def test_figure_numbers_follow_sections(site):
    """Abbildungen, Tabellen, Gleichungen und Übungen zählen innerhalb der ersten
    ``numfig_secnum_depth`` Stellen der Abschnittsnummer, fortlaufend über die Seiten."""
    depth = numfig_depth()
    counters: dict[tuple[str, str], int] = {}
    seen = 0
    for doc in DOCS:
        items = numbered_items((site / f"{doc}.html").read_text(encoding="utf-8"))
        for kind, number, section in items:
            # Nicht direkt unter einer zu kurzen Nummer: „Übung 3.1“ auf der Seite 3 sähe aus
            # wie Kapitel 3.1 (dort :nonumber: verwenden, siehe CONTRIBUTING.md)
            assert len(section.split(".")) >= depth, f"{doc}: {kind} {number} unter {section}"
            prefix = ".".join(section.split(".")[:depth])
            counters[kind, prefix] = counters.get((kind, prefix), 0) + 1
            expected = f"{prefix}.{counters[kind, prefix]}" if prefix else str(
                counters[kind, prefix])
            assert number == expected, f"{doc}: {kind} {number}, erwartet {expected}"
            seen += 1
    assert seen >= 20, f"nur {seen} nummerierte Abbildungen, Tabellen und Gleichungen"


def test_cnn_figures_are_numbered_within_chapter_3_3(site):
    html = (site / "book" / "03_3_cnn.html").read_text(encoding="utf-8")
    figures = [n for kind, n, _ in numbered_items(html) if kind == "Abb."]
    assert numfig_depth() == 2
    assert figures[:3] == ["3.3.1", "3.3.2", "3.3.3"], figures
    # Verweise im Text nennen dieselbe Nummer wie die Bildunterschrift
    ref = re.search(r'href="#fig-cnn-filter"[^>]*><span class="std std-numref">Abb\. ([\d.]+)',
                    html)
    caption = re.search(r'id="fig-cnn-filter".*?caption-number">Abb\. ([\d.]+) ', html, re.S)
    assert caption and caption.group(1).startswith("3.3.")
    if ref:
        assert ref.group(1) == caption.group(1)


def test_part_captions_do_not_repeat_chapter_titles(site):
    html = (site / "book" / "01_einfuehrung.html").read_text(encoding="utf-8")
    captions = re.findall(r'<p aria-level="2" class="caption" role="heading">'
                          r'<span class="caption-text">([^<]+)</span>', html)
    assert len(captions) >= 4, captions
    titles = set(re.findall(r'<a class="reference internal" href="[^"]+">\s*(?:[\d.]+\. )?'
                            r'([^<]+?)\s*</a>', html))
    assert not set(captions) & titles, set(captions) & titles


def test_lecturer_page(site):
    """„Für Lehrende“: Startseite verlinkt sie, jeder Block hat Lesezeit, Demos, Übungen."""
    index = (site / "book" / "index.html").read_text(encoding="utf-8")
    article = index[index.index("bd-article"):]
    assert 'href="dozierende.html"' in article
    html = (site / "book" / "dozierende.html").read_text(encoding="utf-8")
    for slot in ("9:00–10:30", "10:40–12:00", "13:00–14:45", "15:00–16:30", "16:30–17:30"):
        assert len(re.findall(f"<h3>{slot} ·", html)) == 2, slot  # an beiden Tagen
    glued = r'<span class="pasted-text">(\d+)</span> min'  # eingesetzt von {glue:text}
    minutes = [int(m) for m in re.findall(r"Lesezeit:</strong> " + glued, html)]
    assert len(minutes) == 8 and all(m > 0 and m % 5 == 0 for m in minutes), minutes
    totals = [int(m) for m in re.findall(r"<td><p>" + glued, html)]
    assert totals == [sum(minutes[:4]), sum(minutes[4:])], totals
    assert html.count("folgen mit den Live-Playgrounds") == 10
    # Übungen und Demos sind echte Verweise in die Kapitel
    assert len(re.findall(r'href="0[1-7][\w]*\.html#ex-', html)) >= 30
    assert len(re.findall(r'href="0[1-7][\w]*\.html#(?!ex-)', html)) >= 25
    assert "std-numref" in html and "Kap. 3.3" in html


def test_numbers_are_stable(site):
    """Keine Nummer aus ``numbers.json`` hat sich geändert oder ist verschwunden."""
    if not NUMBERS.exists():
        pytest.fail(f"{NUMBERS.name} fehlt: nach dem Bau `python tests/site/sitehelpers.py "
                    "--snapshot` ausführen und die Datei einchecken.")
    snapshot = json.loads(NUMBERS.read_text(encoding="utf-8"))["numbers"]
    assert len(snapshot) >= 300, "numbers.json ist zu klein, um etwas zu schützen"
    built = built_numbers(site)
    changed = {key: (old, built.get(key)) for key, old in snapshot.items()
               if built.get(key) != old}
    assert not changed, f"Nummern geändert (alt, neu): {changed}"


def test_cite_box_uses_citation_cff(site):
    """Titel und Autoren im Zitierkasten stammen aus CITATION.cff, die Nummer aus dem TOC."""
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    authors = " und ".join(a["name"] for a in cff["authors"])
    for doc, label in (("book/01_einfuehrung", "Kapitel 1:"),
                       ("book/03_3_cnn", "Abschnitt 3.3.1:")):
        html = (site / f"{doc}.html").read_text(encoding="utf-8")
        box = html[html.index('id="zitieren"'):html.index('id="ausfuehrungsprotokoll"')]
        assert f"{authors} (" in box and f"In: {cff['title']} (Version {cff['version']})" in box
        assert label in box, (doc, label)
        assert f"{cff['url'].rstrip('/')}/v{cff['version']}/{doc}.html" in box
