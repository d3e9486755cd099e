"""Hilfsfunktionen für die Website-Prüfungen: Inhaltsverzeichnis lesen, Nummern erwarten.

``python tests/site/sitehelpers.py --snapshot`` schreibt die Nummern aller Abschnitte,
Abbildungen, Tabellen, Gleichungen und Übungen der gebauten Website nach ``numbers.json``
(nur bei einer neuen Hauptversion, siehe ``.github/CONTRIBUTING.md``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
#: Die gebaute Website; ``KIBUCH_SITE`` zeigt auf einen anderen Build-Ordner.
SITE = Path(os.environ.get("KIBUCH_SITE") or ROOT / "_build" / "html")
NUMBERS = Path(__file__).with_name("numbers.json")
#: Seiten, die ausgeführt werden, aber kein Kapitel sind (kein Zitierkasten, nicht im Archiv)
NOT_CHAPTERS = {"book/dozierende"}


def _toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def toc_files() -> list[str]:
    """Alle Seiten aus _toc.yml (ohne Endung), in Reihenfolge."""
    toc = _toc()
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return files


def is_notebook(doc: str) -> bool:
    """Eine Seite ist ein Notebook, wenn ihr Kopf einen kernelspec nennt."""
    head = (ROOT / f"{doc}.md").read_text(encoding="utf-8")[:600]
    return head.startswith("---") and "kernelspec:" in head


def is_chapter(doc: str) -> bool:
    """Kapitel: ein ausgeführtes Notebook mit Nummer (nicht etwa „Für Lehrende“)."""
    return is_notebook(doc) and doc not in NOT_CHAPTERS and doc in expected_numbers()


def expected_numbers() -> dict[str, str]:
    """Nummer jeder Seite nach den Regeln von Sphinx und sphinx-multitoc-numbering.

    Kapitel zählen über alle nummerierten Teile fort, Unterseiten (``sections``) hängen eine
    Stelle an. Das gilt nur, solange eine Seite mit Unterseiten selbst keine nummerierten
    Abschnitte (``##``) hat – sonst rücken ihre Unterseiten nach hinten. Genau das prüft
    der Vergleich mit dem gebauten Buch.
    """
    numbers: dict[str, str] = {}

    def walk(entries, prefix: tuple[int, ...]):
        for i, entry in enumerate(entries or [], start=1):
            number = (*prefix, i)
            numbers[entry["file"]] = ".".join(map(str, number))
            walk(entry.get("sections"), number)

    chapter = 0
    for part in _toc()["parts"]:
        if not part.get("numbered"):
            continue
        for entry in part["chapters"]:
            chapter += 1
            numbers[entry["file"]] = str(chapter)
            walk(entry.get("sections"), (chapter,))
    return numbers


def numfig_depth() -> int:
    """``numfig_secnum_depth`` aus _config.yml (Sphinx-Standard: 1)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return int(config["sphinx"]["config"].get("numfig_secnum_depth", 1))


SECTION = re.compile(r'<h([1-6])[^>]*><span class="section-number">([\d.]+?)\.? </span>')
CAPTION = re.compile(r'<span class="caption-number">(Abb\.|Tab\.|Übung) ([\d.]+) </span>'
                     r'|<span class="eqno">\(([\d.]+)\)')


def numbered_items(html: str) -> list[tuple[str, str, str]]:
    """(Art, Nummer, Nummer der nächsthöheren Überschrift) für jede Abbildung, Tabelle,
    Gleichung und Übung einer Seite, in Dokumentreihenfolge."""
    events = [(m.start(), "h", m.group(2)) for m in SECTION.finditer(html)]
    for m in CAPTION.finditer(html):
        kind, num = (m.group(1), m.group(2)) if m.group(1) else ("Gl.", m.group(3))
        events.append((m.start(), kind, num))
    items, section = [], ""
    for _, kind, num in sorted(events):
        if kind == "h":
            section = num
        else:
            items.append((kind, num, section))
    return items


def built_numbers(site: Path = SITE) -> dict[str, str]:
    """``seite#id`` → Nummer für jede nummerierte Überschrift, Abbildung, Tabelle, Gleichung
    und Übung der gebauten Website, z. B. ``book/03_3_cnn#fig-cnn-filter`` → ``Abb. 3.3.2``."""
    from bs4 import BeautifulSoup

    numbers: dict[str, str] = {}
    for doc in toc_files():
        soup = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article.bd-article") or soup
        for span in article.select("span.section-number"):
            section = span.parent.find_parent("section", id=True)
            if span.parent.name in {"h1", "h2", "h3", "h4", "h5", "h6"} and section:
                number = span.get_text(strip=True).rstrip(".")
                numbers[f"{doc}#{section['id']}"] = number
                # Ältere Sprungmarke einer umbenannten Überschrift ((alte-marke)= davor): Sphinx
                # setzt sie als leeres <span id> an den Anfang des Abschnitts; sie führt weiter
                # zur selben Stelle und muss dieselbe Nummer behalten.
                for alias in section.find_all("span", id=True, recursive=False):
                    if not alias.get_text(strip=True):
                        numbers[f"{doc}#{alias['id']}"] = number
        for span in article.select("span.caption-number"):
            owner = span.find_parent(id=True)
            if owner is not None:
                numbers[f"{doc}#{owner['id']}"] = span.get_text(" ", strip=True)
        for span in article.select("span.eqno"):
            owner = span.find_parent(id=True)
            if owner is not None:
                numbers[f"{doc}#{owner['id']}"] = str(span.contents[0]).strip()
    return numbers


def write_snapshot() -> Path:
    version = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["version"]
    data = {"version": str(version), "numbers": built_numbers()}
    NUMBERS.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
    return NUMBERS


if __name__ == "__main__":
    if sys.argv[1:] != ["--snapshot"]:
        sys.exit("Aufruf: python tests/site/sitehelpers.py --snapshot")
    print(f"{len(built_numbers())} Nummern nach {write_snapshot()} geschrieben")
