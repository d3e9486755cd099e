"""Misst den Anteil sichtbarer „Klempnerei“ in den Code-Zellen der Kapitel.

Sichtbar ist eine Code-Zelle, wenn sie keines der Tags ``remove-cell``, ``remove-input``,
``hide-input`` oder ``hide-cell`` trägt. Als Klempnerei zählt eine sichtbare Zeile, wenn sie
Werte für den Text ablegt (``glue``), Argumente prüft (``raise …Error``) oder eine Abbildung
gestaltet (Layout, Achsen, Legenden, Farben). Aufruf: ``python .ci/plumbing.py [--list]``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
PATTERNS = [
    r"\bglue\w*\(", r"^\s*raise \w*Error", r"\.update_(layout|traces|xaxes|yaxes|annotations)\(",
    r"\bax\w*\.set_\w+\(", r"\bplt\.(xlabel|ylabel|title|legend|tight_layout|subplots_adjust)\(",
    r"\bgerman_axes\(", r"\.legend\(", r"\bset_(xlabel|ylabel|title|xticks|yticks)\(",
    r"\bPALETTE\b", r"\bcolor(s|map)?\s*=", r"\bfig\.add_annotation\(", r"\bfigsize\s*=",
    r"\.spines\[", r"\bhovertemplate\s*=", r"\bsetup\(\)",
]
RX = re.compile("|".join(PATTERNS))


def measure(paths):
    total = plumbing = 0
    hits = []
    for path in paths:
        nb = jupytext.read(path, fmt="md:myst")
        for cell in nb.cells:
            if cell.cell_type != "code" or HIDDEN & set(cell.metadata.get("tags", [])):
                continue
            for line in cell.source.splitlines():
                if not line.strip() or line.strip().startswith("#"):
                    continue
                total += 1
                if RX.search(line):
                    plumbing += 1
                    hits.append(f"{path.name}: {line.strip()}")
    return total, plumbing, hits


if __name__ == "__main__":
    chapters = sorted(p for p in (ROOT / "book").glob("0*.md"))
    total, plumbing, hits = measure(chapters)
    if "--list" in sys.argv:
        print("\n".join(hits))
    print(f"sichtbare Codezeilen: {total}, davon Klempnerei: {plumbing} "
          f"({100 * plumbing / max(total, 1):.1f} %)")
