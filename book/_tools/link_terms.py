"""Verlinkt in jedem Kapitel das erste Vorkommen jedes Glossarbegriffs mit ``{term}``.

Werkzeug für Autorinnen und Autoren, kein Teil des Builds: Es ändert die Kapitel-Dateien
und sollte nach dem Schreiben eines Kapitels einmal laufen; das Ergebnis wird wie jede
Änderung gelesen und committet. Verlinkt wird nur Fließtext – nie Code-Zellen, Überschriften,
Direktiven-Optionen, Formeln, Inline-Code, bestehende Rollen oder Links. Gebeugte Formen
(„Neurons“, „Gewichten“) werden als ``{term}`Gewichten <Gewicht>``` verlinkt.

Aufruf: ``python book/_tools/link_terms.py book/02_daten.md book/03_*.md``
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parents[1] / "glossar.md"
SUFFIXES = ("", "s", "es", "n", "en", "e", "er", "ern")
# Mehrdeutige Begriffe nur dort verlinken, wo sie in der Bedeutung des Glossars stehen:
# „Temperatur“ meint sonst Grad Celsius, „Filter“ den Spamfilter, „Gewicht“ die
# Klassengewichtung, „Agent“ ein LLM-Werkzeug.
ONLY_IN = {
    "Temperatur": {"03_4_generierung"},
    "Filter": {"03_3_cnn", "03_3_transfer"},
    "Gewicht": {"03_2_neuronale_netze", "03_2_playground", "03_3_cnn", "03_3_transfer"},
    "Agent": {"03_1_unueberwacht_rl", "03_methoden"},
}
# Wortverbindungen, in denen ein Begriff etwas anderes meint („logistische Regression“
# ist ein Klassifikationsverfahren)
NOT_AFTER = {"Regression": re.compile(r"logistisch\w*\s$")}
# Geschützte Bereiche in einer Zeile: Inline-Code, Rollen, Mathe, Links, HTML, Auszeichnung
PROTECTED = re.compile(r"`[^`]*`|\{[a-z:-]+\}`[^`]*`|\$[^$]*\$|\[[^\]]*\]\([^)]*\)|<[^>]+>")


def glossary_terms() -> list[str]:
    text = GLOSSARY.read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    terms = [line.strip() for line in block.splitlines()
             if line and not line.startswith((" ", ":")) and line.strip()]
    return sorted(terms, key=len, reverse=True)  # lange Begriffe zuerst


PROSE_DIRECTIVES = {"exercise", "solution", "admonition", "note", "tip", "important",
                    "warning", "hint", "dropdown", "seealso", "attention"}


def prose_lines(lines: list[str]):
    """Liefert die Indizes der Zeilen, die Fließtext sind (auch in Übungen und Boxen)."""
    start = lines.index("---", 1) + 1 if lines[:1] == ["---"] else 0
    stack: list[tuple[str, bool]] = []  # (Zaun, ist Fließtext-Direktive)
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        if stack and stripped == stack[-1][0]:
            stack.pop()
            continue
        m = re.match(r"^(`{3,}|~{3,}|:{3,})\s*(?:\{([^}]*)\})?", stripped)
        if m and (m.group(2) is not None or not m.group(1).startswith(":")):
            directive = (m.group(2) or "").strip()
            stack.append((m.group(1), directive in PROSE_DIRECTIVES))
            continue
        if not all(is_prose for _, is_prose in stack):
            continue
        if not stripped or stripped.startswith(("#", "(", ":", "|", "$$", "<", "-  ")):
            continue
        yield i


def link_file(path: Path, terms: list[str]) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    done: set[str] = set()
    existing = set(re.findall(r"\{term\}`(?:[^`<]*<)?([^`>]+)>?`", "\n".join(lines)))
    done |= existing
    count = 0
    for i in prose_lines(lines):
        line = lines[i]
        for term in terms:
            if term in done or path.stem not in ONLY_IN.get(term, {path.stem}):
                continue
            pattern = re.compile(
                r"(?<![\w-])(" + re.escape(term) + r")(" + "|".join(SUFFIXES[1:]) + r")?(?![\w-])")
            # Treffer nur außerhalb geschützter Bereiche
            protected = [m.span() for m in PROTECTED.finditer(line)]
            for m in pattern.finditer(line):
                if any(a <= m.start() < b for a, b in protected):
                    continue
                before = (lines[i - 1] + " " if i else "") + line[: m.start()]
                if term in NOT_AFTER and NOT_AFTER[term].search(before):
                    continue
                surface = m.group(0)
                role = (f"{{term}}`{surface}`" if surface == term
                        else f"{{term}}`{surface} <{term}>`")
                line = line[: m.start()] + role + line[m.end():]
                done.add(term)
                count += 1
                break
        lines[i] = line
    path.write_text("\n".join(lines), encoding="utf-8")
    return count


def main(argv: list[str]) -> int:
    terms = glossary_terms()
    for name in argv[1:]:
        n = link_file(Path(name), terms)
        print(f"{name}: {n} Begriffe verlinkt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
