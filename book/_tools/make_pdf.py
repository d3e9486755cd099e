"""Erzeugt das PDF des ganzen Buchs aus dem Einzelseiten-Build mit Chromium.

Warum Chromium und nicht LaTeX: Die Website enthält interaktive plotly-Figuren und
SVG-Grafiken. Chromium druckt genau das, was Leserinnen online sehen (plotly als
Vektorgrafik, MathJax-Formeln), ohne eine mehrere Gigabyte große TeX-Installation.
Deutsche Silbentrennung liefert ``pyphen`` (Hunspell-Trennmuster de_DE), das weiche
Trennstriche in den Fließtext einsetzt; Chromium trennt dann korrekt. Verweise
innerhalb des Buchs werden zu Sprungmarken im PDF, das Inhaltsverzeichnis zu
PDF-Lesezeichen.

Titel, Untertitel und Autoren der Titelseite stammen aus ``CITATION.cff``, ebenso die
Metadaten des PDFs (Titel, Autoren, Thema, Schlagwörter; Sprache Deutsch, mit ``pypdf``).

Was das Druckbild anders macht als die Website:

- ein Inhaltsverzeichnis mit Seitenzahlen (zwei Druckdurchgänge: die Seiten der
  Überschriften kommen aus den Lesezeichen des ersten),
- lange Codezeilen werden umbrochen statt abgeschnitten,
- keine Fortschrittsbalken und keine stderr-Ausgaben, keine leeren Rahmen,
- interaktive Figuren mit Schieberegler oder Umschaltknöpfen erscheinen als kleine
  Vielfache ihrer wichtigsten Zustände, Widgets als ihr statischer Ersatz.

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
span[id^="document-"] + section { break-before: page; }
figure, .cell_output img, .plotly-graph-div, table { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
details.toggle-details, details { display: block; }
#jb-print-docs-body, .bd-header-announcement, .skip-link { display: none !important; }
html, body, .bd-container, .bd-container__inner, .bd-main, .bd-content, .bd-article-container,
.bd-article, .bd-page-width { width: auto !important; max-width: none !important;
  min-width: 0 !important; margin: 0 !important; }
.kibuch-pdf-title { text-align: center; padding-top: 30vh; break-after: page; }
.kibuch-pdf-big { font-size: 34pt; font-weight: bold; }
/* Code: lange Zeilen umbrechen statt abschneiden, etwas kleiner als der Fließtext */
pre, .highlight pre, .cell_output pre { white-space: pre-wrap !important;
  overflow-wrap: anywhere; word-break: break-word; overflow: visible !important;
  font-size: 8pt; line-height: 1.3; }
div.highlight, .cell_output { overflow: visible !important; }
/* Fortschrittsbalken, Warnungen und andere stderr-Ausgaben gehören nicht in den Druck */
.cell_output .output.stderr, .cell_output .stderr, .cell_output .widget-html,
.cell_output .jupyter-widgets, .cell_output .output_widget { display: none !important; }
/* leere Rahmen: Zellen ohne sichtbaren Inhalt (nach dem Ausblenden) */
.kibuch-print-empty { display: none !important; }
/* Interaktive Figuren: statt des ersten Zustands die wichtigsten Zustände nebeneinander */
.kibuch-print-hidden { display: none !important; }
.kibuch-print-multiples { display: grid; grid-template-columns: 1fr 1fr; gap: 2mm 4mm;
  break-inside: avoid; margin: 2mm 0; }
.kibuch-print-multiples figure { margin: 0; break-inside: avoid; }
.kibuch-print-multiples img { width: 100%; height: auto; border: 0.2mm solid #ddd; }
.kibuch-print-multiples figcaption { font-size: 7.5pt; color: #444; text-align: center; }
.kibuch-print-note { font-size: 8pt; color: #555; font-style: italic; margin: 0 0 3mm; }
/* Inhaltsverzeichnis mit Seitenzahlen */
.kibuch-pdf-toc { break-after: page; }
.kibuch-pdf-toc-title { font-size: 20pt; font-weight: bold; margin: 0 0 6mm; }
.kibuch-pdf-toc ol { list-style: none; padding: 0; margin: 0; }
.kibuch-pdf-toc li { display: flex; align-items: baseline; margin: 0.6mm 0; }
.kibuch-pdf-toc li.l1 { font-weight: bold; margin-top: 2.5mm; }
.kibuch-pdf-toc li.l2 { padding-left: 7mm; font-size: 9.5pt; }
.kibuch-pdf-toc li a { color: inherit; text-decoration: none; }
.kibuch-pdf-toc li .dots { flex: 1; border-bottom: 0.3mm dotted #888; margin: 0 2mm;
  min-width: 5mm; transform: translateY(-1mm); }
.kibuch-pdf-toc li .pg { min-width: 8mm; text-align: right; font-variant-numeric: tabular-nums; }
"""

#: Im Druckbild: interaktive plotly-Figuren (Schieberegler, Umschaltknöpfe) als kleine
#: Vielfache ihrer wichtigsten Zustände (höchstens vier, gleichmäßig verteilt, erster und
#: letzter dabei); leere Rahmen bekommen eine Klasse, die sie im Druck ausblendet.
PRINT_JS = r"""
async () => {
  const clone = (x) => JSON.parse(JSON.stringify(x));
  let figures = 0;
  for (const gd of [...document.querySelectorAll('.plotly-graph-div')]) {
    const layout = gd.layout || {};
    let steps = [], prefix = '';
    if (layout.sliders && layout.sliders.length) {
      prefix = ((layout.sliders[0].currentvalue || {}).prefix || '');
      steps = layout.sliders[0].steps || [];
    } else if (layout.updatemenus && layout.updatemenus.length) {
      steps = layout.updatemenus[0].buttons || [];
    }
    steps = steps.filter((s) => s && s.method && s.method !== 'skip');
    if (steps.length < 2) continue;
    const k = Math.min(4, steps.length);
    const idx = [...new Set(Array.from({length: k},
      (_, i) => Math.round(i * (steps.length - 1) / (k - 1))))];
    const frames = ((gd._transitionData && gd._transitionData._frames) || [])
      .map((f) => ({name: f.name, data: f.data, traces: f.traces, layout: f.layout}));
    const grid = document.createElement('div');
    grid.className = 'kibuch-print-multiples';
    const width = 560, height = Math.min(layout.height || 450, 520);
    for (const i of idx) {
      const s = steps[i];
      const tmp = document.createElement('div');
      tmp.style.cssText = 'position:absolute;left:-20000px;top:0;' +
        `width:${width}px;height:${height}px`;
      document.body.appendChild(tmp);
      const lay = clone(layout);
      delete lay.sliders; delete lay.updatemenus;
      lay.width = width; lay.height = height; lay.autosize = false;
      await Plotly.newPlot(tmp, clone(gd.data), lay, {staticPlot: true});
      const args = clone(s.args || []);
      if (s.method === 'restyle') await Plotly.restyle(tmp, ...args);
      else if (s.method === 'relayout') await Plotly.relayout(tmp, ...args);
      else if (s.method === 'update') await Plotly.update(tmp, ...args);
      else if (s.method === 'animate' && frames.length) {
        await Plotly.addFrames(tmp, clone(frames));
        await Plotly.animate(tmp, args[0], {mode: 'immediate', frame: {duration: 0, redraw: true},
                                            transition: {duration: 0}});
      }
      const url = await Plotly.toImage(tmp, {format: 'svg', width, height});
      Plotly.purge(tmp); tmp.remove();
      const fig = document.createElement('figure');
      const img = document.createElement('img');
      img.src = url; img.alt = prefix + (s.label || '');
      const cap = document.createElement('figcaption'); cap.textContent = prefix + (s.label || '');
      fig.append(img, cap); grid.append(fig);
    }
    const note = document.createElement('p');
    note.className = 'kibuch-print-note';
    note.textContent = 'Druckfassung der interaktiven Abbildung: ' +
      `${idx.length} von ${steps.length} Zuständen.`;
    const host = gd.closest('[role="figure"]') || gd;
    host.classList.add('kibuch-print-hidden');
    host.after(grid, note);
    figures += 1;
  }
  // Zellen, die im Druck nichts zeigen würden (leere Ausgaben, nur ausgeblendeter Code)
  for (const el of document.querySelectorAll('.cell, .cell_output, div.highlight')) {
    const media = 'img, svg, canvas, table, iframe, mjx-container';
    if (!el.innerText.trim() && !el.querySelector(media)) {
      el.classList.add('kibuch-print-empty');
    }
  }
  return figures;
}
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


def _heading_text(tag) -> str:
    for link in tag.select("a.headerlink"):
        link.decompose()
    return " ".join(tag.get_text(" ").split())


def add_toc(html: str) -> str:
    """Inhaltsverzeichnis nach der Titelseite: Kapitel (h1) und Abschnitte (h2), Seitenzahlen
    setzt :func:`render` ein (Platzhalter ``…``)."""
    import html as html_lib

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    pages = []
    # Einzelseiten-Build: jede Seite beginnt mit <span id="document-…"> vor ihrer <section>
    for marker in soup.select('span[id^="document-"]'):
        section = marker.find_next_sibling("section")
        heading = section.find(re.compile(r"^h[1-6]$")) if section else None
        if heading is not None:
            pages.append((section, heading))
    titles = {_heading_text(BeautifulSoup(str(h), "html.parser")) for _, h in pages}
    rows = []
    for section, heading in pages:
        level = int(heading.name[1])
        top = _heading_text(BeautifulSoup(str(heading), "html.parser"))
        entries = [("l1", heading)] + [("l2", h) for h in section.find_all(f"h{level + 1}")]
        for css, tag in entries:
            target = tag.parent.get("id") or section.get("id")
            text = _heading_text(BeautifulSoup(str(tag), "html.parser"))
            if css == "l2" and (text in titles or _depth(text) != _depth(top) + 1):
                continue  # Unterseiten stehen als eigene Einträge da; nur eine Ebene tiefer
            rows.append(f'<li class="{css}"><a href="#{html_lib.escape(target)}">'
                        f"{html_lib.escape(text)}</a><span class=\"dots\"></span>"
                        '<span class="pg">…</span></li>')
    if not rows:
        return html
    toc = ('<nav class="kibuch-pdf-toc" aria-label="Inhaltsverzeichnis">'
           '<p class="kibuch-pdf-toc-title">Inhalt</p><ol>'
           + "".join(rows) + "</ol></nav>")
    # direkt hinter die Titelseite (deren äußeres div endet mit „Code MIT</p></div>“)
    return html.replace("Code MIT</p></div>", "Code MIT</p></div>" + toc, 1)


def _depth(title: str) -> int:
    """Zahl der Stufen der Abschnittsnummer vorn im Titel („3.1.2. …“ → 3, ohne → 0)."""
    match = re.match(r"^((?:\d+\.)+)\s", title)
    return match.group(1).count(".") if match else 0


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").replace("¶", "").replace("#", "").split()).lower()


def outline_pages(pdf: Path) -> list[tuple[str, int]]:
    """Lesezeichen des PDFs in Dokumentreihenfolge: (Titel, Seitenzahl ab 1)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    out = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return out


def toc_numbers(toc_titles: list[str], outline: list[tuple[str, int]]) -> list[str]:
    """Seitenzahl jedes Eintrags im Inhaltsverzeichnis, in Reihenfolge aus den Lesezeichen."""
    def key_of(title: str) -> str:
        # nummerierte Überschriften über ihre (eindeutige) Nummer, sonst über den Text
        text = _norm(title)
        match = re.match(r"^((?:\d+\.)+)\s", text)
        return match.group(1) if match else text

    numbers, pos = [], 0
    normalized = [(key_of(t), page) for t, page in outline]
    for title in toc_titles:
        key = key_of(title)
        for j in range(pos, len(normalized)):
            if normalized[j][0] == key:
                numbers.append(str(normalized[j][1]))
                pos = j + 1
                break
        else:
            numbers.append("")
    return numbers


def set_metadata(pdf: Path) -> None:
    """Titel, Autoren, Thema, Schlagwörter und Sprache aus ``CITATION.cff`` ins PDF."""
    from importlib.metadata import version as pkg_version

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    cff = citation()
    writer = PdfWriter(clone_from=PdfReader(str(pdf)))
    writer.add_metadata({
        "/Title": f"{cff['title']} (Version {pkg_version('kibuch')})",
        "/Author": ", ".join(a["name"] for a in cff["authors"]),
        "/Subject": " ".join(str(cff.get("abstract", "")).split()),
        "/Keywords": ", ".join(cff.get("keywords", [])),
        "/Creator": "KI-Grundlagen: Jupyter Book, Chromium, book/_tools/make_pdf.py",
    })
    writer._root_object[NameObject("/Lang")] = TextStringObject("de-DE")
    with open(pdf, "wb") as fh:
        writer.write(fh)


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
    html = add_toc(html)
    html = hyphenate_html(html)
    out = single_dir / "print.html"  # Sphinx schreibt die Pfade relativ zur Wurzel
    out.write_text(html, encoding="utf-8")
    return out


def _print(page, pdf: Path, numbers: list[str] | None, short_title: str) -> list[str]:
    """Druckt die vorbereitete Seite; setzt vorher die Seitenzahlen ins Inhaltsverzeichnis."""
    titles = page.evaluate(
        "(numbers) => [...document.querySelectorAll('.kibuch-pdf-toc li')].map((li, i) => {"
        " if (numbers) li.querySelector('.pg').textContent = numbers[i] || '';"
        " return li.querySelector('a').textContent; })", numbers)
    page.pdf(path=str(pdf), format="A4", print_background=True, outline=True, tagged=True,
             display_header_footer=True, header_template="<span></span>",
             footer_template=('<div style="font-size:8pt;width:100%;text-align:center;">'
                              f'{short_title} – Seite <span class="pageNumber"></span> von '
                              '<span class="totalPages"></span></div>'),
             margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
    return titles


def render(page_html: Path, pdf: Path, chromium: str) -> dict:
    """Zwei Durchgänge: erst drucken, um die Seiten der Überschriften aus den Lesezeichen zu
    lesen, dann mit diesen Seitenzahlen im Inhaltsverzeichnis noch einmal drucken."""
    from playwright.sync_api import sync_playwright

    short_title = citation()["title"].partition(": ")[0]

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 800, "height": 1100})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                   else r.abort())
        page.goto(page_html.as_uri(), wait_until="load")
        page.wait_for_function("() => !window.MathJax || (MathJax.startup && "
                               "MathJax.startup.promise)", timeout=60_000)
        page.evaluate("() => window.MathJax && MathJax.startup.promise")
        page.wait_for_function(
            "[...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('.main-svg'))", timeout=60_000)
        page.emulate_media(media="print")
        multiples = page.evaluate(PRINT_JS)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        titles = _print(page, pdf, None, short_title)
        numbers = toc_numbers(titles, outline_pages(pdf))
        _print(page, pdf, numbers, short_title)
        check = toc_numbers(titles, outline_pages(pdf))
        browser.close()
    set_metadata(pdf)
    return {"interactive_figures_as_multiples": multiples, "toc_entries": len(titles),
            "toc_with_page": sum(bool(n) for n in numbers), "toc_stable": check == numbers}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    single_dir, pdf = Path(argv[1]).resolve(), Path(argv[2]).resolve()
    chromium = os.environ.get("KIBUCH_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        print("Chromium fehlt (apt-get install chromium).", file=sys.stderr)
        return 1
    info = render(prepare(single_dir), pdf, chromium)
    print(f"PDF geschrieben: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB); {info}")
    if info["toc_with_page"] < info["toc_entries"] or not info["toc_stable"]:
        print("Inhaltsverzeichnis: nicht jeder Eintrag hat eine feste Seitenzahl", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
