"""Erzeugt ``debian_handbuch_de.txt`` aus der HTML-Fassung des Debian-Administrationshandbuchs.

Herkunft: Debian-Paket ``debian-handbook`` 11.20220922 (Debian 12 „bookworm“),
Ordner ``/usr/share/doc/debian-handbook/html/de-DE/``. Lizenz laut
``/usr/share/doc/debian-handbook/copyright`` und dem rechtlichen Hinweis des Buchs:
GPL-2.0+ oder CC BY-SA 3.0 (wir nutzen CC BY-SA 3.0).

Dieses Skript läuft nie beim Buchbau; es dokumentiert, wie die eingecheckte Datei
entstand, und macht sie reproduzierbar::

    apt-get download debian-handbook
    dpkg-deb -x debian-handbook_11.20220922_all.deb x
    python make_debian_handbook.py x/usr/share/doc/debian-handbook/html/de-DE

Es liest die Seiten in der Reihenfolge des Inhaltsverzeichnisses und behält nur
Überschriften und Absätze (auch in Hinweiskästen); Programmlisten (``<pre>``),
Tabellen, Abbildungs- und Beispieltitel, Navigation, Inhaltsverzeichnisse, reine
Linkzeilen (``→ https://…``) und unübersetzt gebliebene englische Absätze
entfallen. Absätze stehen je auf einer Zeile, getrennt durch Leerzeilen; Seiten
beginnen mit ihrer Überschrift.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

SKIP = {"pre", "table", "script", "style", "head", "dt"}
SKIP_CLASSES = {"navheader", "navfooter", "docnav", "toc", "list-of-examples",
                "list-of-figures", "list-of-tables", "legalnotice", "indexterm",
                "footnotes", "figure", "example", "table", "informalexample",
                "informaltable", "mediaobject", "screen", "programlisting"}
SKIP_IDS = {"banner", "title"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
VOID = {"br", "img", "meta", "link", "hr", "input", "col", "area", "base", "wbr"}


class Prose(HTMLParser):
    """Sammelt Überschriften und Absätze (``div.para``, ``p``) außerhalb von Code und Navigation."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (Tag, überspringen?, Block?)
        self.buffer: list[str] = []
        self.paragraphs: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip, _ in self.stack)

    def _in_block(self) -> bool:
        return any(block for _, _, block in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        skip = tag in SKIP or bool(classes & SKIP_CLASSES) or attrs.get("id") in SKIP_IDS
        block = tag in HEADINGS or tag == "p" or (tag == "div" and "para" in classes)
        if block or tag in ("li", "ul", "ol", "div"):
            self.flush()  # verschachtelte Blöcke/Listen beginnen einen neuen Absatz
        self.stack.append((tag, skip, block))

    def handle_endtag(self, tag):
        if tag in VOID or not any(t == tag for t, _, _ in self.stack):
            return
        while self.stack:
            open_tag, _, block = self.stack.pop()
            if block or open_tag in ("li", "ul", "ol", "div"):
                self.flush()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._in_block() and not self._skipping():
            self.buffer.append(data)

    def flush(self):
        text = re.sub(r"\s+", " ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            self.paragraphs.append(text)


def page_order(folder: Path) -> list[Path]:
    index = (folder / "index.html").read_text(encoding="utf-8")
    seen: list[str] = []
    for href in re.findall(r'href="([^"#]+\.html)', index):
        if href not in seen and href != "index.html" and (folder / href).is_file():
            seen.append(href)
    return [folder / h for h in seen]


_DE = set(
    "der die das und ist nicht mit sich ein eine zu von auf für den dem des im wird werden "
    "sie es".split()
)
_EN = set("the and is of to with for this that are be it on an by which can you from".split())


def keep(paragraph: str) -> bool:
    """Verwirft reine Linkzeilen (``→ https://…``) und unübersetzte englische Absätze."""
    if paragraph.startswith("→") or len(paragraph) < 2:
        return False
    words = re.findall(r"[A-Za-zÄÖÜäöüß]+", paragraph.lower())
    de = sum(w in _DE for w in words)
    en = sum(w in _EN for w in words)
    return not (en >= 3 and en > de)


def extract(folder: Path) -> str:
    parts = []
    for page in page_order(folder):
        parser = Prose()
        parser.feed(page.read_text(encoding="utf-8"))
        parser.close()
        paragraphs = [p for p in parser.paragraphs if keep(p)]
        if paragraphs:
            parts.append("\n\n".join(paragraphs))
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    out = Path(__file__).with_name("debian_handbuch_de.txt")
    out.write_text(extract(folder), encoding="utf-8")
    print(out, out.stat().st_size, "Bytes")
