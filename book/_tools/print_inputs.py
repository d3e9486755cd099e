"""Fingerabdruck der Eingaben von Einzelseite und PDF (genutzt von noxfile und Benchmark).

Ändert sich keine dieser Dateien (und keine Build-Option), sind Einzelseite und PDF noch
aktuell und werden nicht neu gebaut; so bleibt ein warmer Bau ohne Änderung kurz.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Eingaben von Einzelseite und PDF
PRINT_INPUTS = ("book", "code/kibuch", "_config.yml", "_toc.yml", "CITATION.cff",
                ".ci/constraints.txt", "pyproject.toml")
STAMP = ROOT / "_build" / ".print-inputs.sha256"
PDF = ROOT / "_build" / "html" / "_downloads" / "ki-grundlagen.pdf"
SINGLE = ROOT / "_build" / "singlehtml" / "index.html"


def digest(*options: str) -> str:
    """SHA-256 über alle Eingabedateien (Pfad und Inhalt) und die Build-Optionen."""
    h = hashlib.sha256(" ".join(options).encode())
    for entry in PRINT_INPUTS:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            h.update(file.relative_to(ROOT).as_posix().encode())
            h.update(hashlib.sha256(file.read_bytes()).digest())
    return h.hexdigest()


def is_fresh(*options: str) -> bool:
    """Sind Einzelseite und PDF aus genau diesen Eingaben gebaut?"""
    return (STAMP.is_file() and STAMP.read_text().strip() == digest(*options)
            and PDF.is_file() and SINGLE.is_file())


def mark_fresh(*options: str) -> None:
    STAMP.write_text(digest(*options) + "\n")
