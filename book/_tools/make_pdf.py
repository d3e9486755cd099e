"""Erzeugt das PDF des ganzen Buchs aus dem Einzelseiten-Build mit Chromium.

Warum Chromium und nicht LaTeX: Die Website enthält interaktive plotly-Figuren und
SVG-Grafiken. Chromium druckt genau das, was Leserinnen online sehen (plotly als
Vektorgrafik, MathJax-Formeln), ohne eine mehrere Gigabyte große TeX-Installation.
Deutsche Silbentrennung liefert ``pyphen`` (Hunspell-Trennmuster de_DE), das weiche
Trennstriche in den Fließtext einsetzt; Chromium trennt dann korrekt. Verweise
innerhalb des Buchs werden zu Sprungmarken im PDF, das Inhaltsverzeichnis zu
PDF-Lesezeichen.

Titel, Untertitel und Autoren der Titelseite stammen aus ``CITATION.cff``.

Aufruf::

    python book/_tools/make_pdf.py _build/singlehtml _build/html/_downloads/ki-grundlagen.pdf
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
html { font-size: 10.5pt; }
body { hyphens: manual; -webkit-hyphens: manual; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article, .prev-next-area,
.bd-footer, .bd-footer-article, .bd-footer-content, .header-article-items,
.toggle-secondary-sidebar, .search-button-field, .theme-switch-button, .headerlink, .copybtn
  { display: none !important; }
.bd-article { padding: 0 !important; }
section[id^="document-"] { break-before: page; }
figure, .cell_output img, .plotly-graph-div, table { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
details.toggle-details, details { display: block; }
#jb-print-docs-body, .bd-header-announcement, .skip-link { display: none !important; }
html, body, .bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container,
.bd-article, .bd-page-width { width: auto !important; max-width: none !important;
  min-width: 0 !important; margin: 0 !important; }
.kibuch-pdf-title { text-align: center; padding-top: 30vh; break-after: page; }
.kibuch-pdf-big { font-size: 34pt; font-weight: bold; }
"""

ROOT = Path(__file__).resolve().parents[2]
SKIP_TAGS = {"code", "pre", "script", "style", "math", "kbd", "samp", "a", "title", "head"}
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{7,}")


def hyphenate_html(html: str) -> str:
    """Setzt weiche Trennstriche (U+00AD) in Wörter mit mindestens 7 Buchstaben."""
    import pyphen
    from bs4 import BeautifulSoup, NavigableString

    dic = pyphen.Pyphen(lang="de_DE")
    soup = BeautifulSoup(html, "html.parser")
    for text in soup.find_all(string=True):
        # nur sichtbarer Text: keine Kommentare, CDATA oder Doctype
        if type(text) is not NavigableString or text.parent is None:
            continue
        parents = {p.name for p in text.parents}
        classes = {c for p in text.parents for c in (p.get("class") or [])}
        if parents & SKIP_TAGS or classes & {"math", "highlight", "MathJax"}:
            continue
        if "\\(" in text or "$" in text:
            continue
        new = WORD.sub(lambda m: dic.inserted(m.group(0), hyphen="\u00ad"), str(text))
        if new != str(text):
            text.replace_with(new)
    return str(soup)


def citation() -> dict:
    """Die Angaben aus ``CITATION.cff`` (einzige Quelle für Titel und Autoren)."""
    import yaml

    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def title_page(version: str) -> str:
    """Titelseite: Titel (vor dem Doppelpunkt), Untertitel, Autoren, Version, Lizenz."""
    import html

    cff = citation()
    title, _, subtitle = cff["title"].partition(": ")
    authors = " und ".join(a["name"] for a in cff["authors"])
    return (
        f'<div class="kibuch-pdf-title"><p class="kibuch-pdf-big">{html.escape(title)}</p>'
        f"<p>{html.escape(subtitle)}</p><p>{html.escape(authors)} · Version {version}</p>"
        "<p>Text CC BY-SA 4.0 · Code MIT</p></div>"
    )


def prepare(single_dir: Path) -> Path:
    """Schreibt ``print.html``: Titelseite, interne Links als Sprungmarken, Druck-CSS, Trennung."""
    from importlib.metadata import version as pkg_version

    version = pkg_version("kibuch")
    src = single_dir / "book" / "index.html"
    if not src.exists():
        raise FileNotFoundError(f"{src} fehlt – zuerst den Einzelseiten-Build (singlehtml).")
    html = src.read_text(encoding="utf-8")
    html = re.sub(r'href="(?:\.\./)*(?:book/)?index\.html#', 'href="#', html)
    html = html.replace("</head>", f"<style>{PRINT_CSS}</style></head>", 1)
    title = title_page(version)
    html = re.sub(r'(<article class="bd-article"[^>]*>)', r"\1" + title, html, count=1)
    html = hyphenate_html(html)
    out = single_dir / "print.html"  # Sphinx schreibt die Pfade relativ zur Wurzel
    out.write_text(html, encoding="utf-8")
    return out


def render(page_html: Path, pdf: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    short_title = citation()["title"].partition(": ")[0]

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 800, "height": 1100})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                   else r.abort())
        page.goto(page_html.as_uri(), wait_until="load")
        page.wait_for_function("() => !window.MathJax || (MathJax.startup && "
                               "MathJax.startup.promise)", timeout=60_000)
        page.evaluate("() => window.MathJax && MathJax.startup.promise")
        page.wait_for_function(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('.main-svg'))", timeout=60_000)
        page.emulate_media(media="print")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(pdf), format="A4", print_background=True, outline=True, tagged=True,
                 display_header_footer=True, header_template="<span></span>",
                 footer_template=('<div style="font-size:8pt;width:100%;text-align:center;">'
                                  f'{short_title} – Seite <span class="pageNumber"></span> von '
                                  '<span class="totalPages"></span></div>'),
                 margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
        browser.close()


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    single_dir, pdf = Path(argv[1]).resolve(), Path(argv[2]).resolve()
    chromium = os.environ.get("KIBUCH_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        print("Chromium fehlt (apt-get install chromium).", file=sys.stderr)
        return 1
    render(prepare(single_dir), pdf, chromium)
    print(f"PDF geschrieben: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
