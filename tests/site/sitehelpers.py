"""Hilfsfunktionen für die Website-Prüfungen (Inhaltsverzeichnis lesen)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"


def toc_files() -> list[str]:
    """Alle Seiten aus _toc.yml (ohne Endung), in Reihenfolge."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
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
    """Eine Seite ist ein Kapitel-Notebook, wenn ihr Kopf einen kernelspec nennt."""
    head = (ROOT / f"{doc}.md").read_text(encoding="utf-8")[:600]
    return head.startswith("---") and "kernelspec:" in head
