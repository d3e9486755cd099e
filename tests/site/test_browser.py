"""Prüfungen in einem echten Browser: Debians Chromium, headless, Netz gesperrt.

Jede Seite des Inhaltsverzeichnisses wird über einen lokalen Webserver geöffnet.
Anfragen an andere Hosts werden blockiert *und* protokolliert; der Test scheitert,
wenn es welche gibt. Bildschirmfotos einiger Seiten landen in _build/screenshots.
"""

from __future__ import annotations

import pytest
from conftest import open_page as _open
from sitehelpers import SITE, is_notebook, toc_files

playwright = pytest.importorskip("playwright.sync_api", reason="playwright fehlt")

DOCS = toc_files()
SHOTS = SITE.parent / "screenshots"
SCREENSHOT_DOCS = {"book/index", "book/dozierende", "book/01_einfuehrung", "book/03_3_cnn",
                   "book/status"}
@pytest.mark.parametrize("doc", DOCS)
def test_page_renders_offline(browser, server, doc):
    page, errors, foreign = _open(browser, server, f"{doc}.html")
    try:
        assert not foreign, f"Anfragen an fremde Hosts: {foreign}"
        assert not errors, f"Konsolenfehler: {errors}"
        html = page.content()
        # Mathematik: wo die Seite Formeln hat, muss MathJax sie gesetzt haben
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", timeout=15_000)
            assert page.locator("mjx-container").count() >= page.locator(".math").count()
        # plotly: jede Figur hat ihr SVG gezeichnet
        n_plotly = page.locator(".plotly-graph-div").count()
        if n_plotly:
            page.wait_for_function(
                "[...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d.querySelector('.main-svg'))", timeout=20_000)
        # jede Quellenangabe (Fußnote aus {footcite}) führt zu ihrem Eintrag
        missing = page.evaluate(
            "[...document.querySelectorAll('a.footnote-reference')]"
            ".map(a => a.getAttribute('href'))"
            ".filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))")
        assert not missing, f"Fußnoten ohne Ziel: {missing}"
        # jede Abbildung hat Alternativtext
        for img in page.locator("main img").all():
            assert (img.get_attribute("alt") or "").strip(), f"Bild ohne alt-Text in {doc}"
        # Überschriften ohne Sprünge (h1 → h2 → h3)
        levels = [int(t[1]) for t in page.eval_on_selector_all(
            "main h1, main h2, main h3, main h4", "els => els.map(e => e.tagName)")]
        for a, b in zip(levels, levels[1:]):
            assert b <= a + 1, f"Überschrift springt von h{a} auf h{b} in {doc}"
        if doc in SCREENSHOT_DOCS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / f"{doc.replace('/', '_')}.png")
        assert "lang=\"de\"" in html
    finally:
        page.close()


def test_phone_layout(browser, server):
    """Auf Telefonbreite gibt es keinen horizontalen Bildlauf des Textes."""
    page, errors, _ = _open(browser, server, "book/01_einfuehrung.html", width=390)
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 2, f"Seite ist {overflow}px zu breit für ein Telefon"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "telefon_01_einfuehrung.png")
    finally:
        page.close()


def test_search_finds_backpropagation(browser, server):
    page, errors, foreign = _open(browser, server, "search.html?q=Backpropagation")
    try:
        page.wait_for_selector("#search-results li, ul.search li", timeout=20_000)
        hits = page.locator("ul.search li").count()
        assert hits >= 1
        assert not foreign
    finally:
        page.close()


@pytest.mark.parametrize("doc", [d for d in DOCS if is_notebook(d)])
def test_downloads_resolve(browser, server, doc):
    page, _, _ = _open(browser, server, f"{doc}.html")
    try:
        links = page.eval_on_selector_all(
            ".dropdown-download-buttons a", "els => els.map(e => e.href)")
        ipynb = [u for u in links if u.endswith(".ipynb")]
        assert ipynb, f"kein .ipynb-Download auf {doc}"
        for url in ipynb + [u for u in links if u.endswith(".pdf")]:
            resp = page.request.get(url)
            assert resp.ok, f"{url} -> {resp.status}"
    finally:
        page.close()
