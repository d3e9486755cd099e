"""Die Goldwerte des Widgets passen zum aktuellen Python-Code (``kibuch.scratch.kmeans``).

Erzeugt den Inhalt von ``tests/js/fixtures/kmeans.json`` im Speicher neu und vergleicht ihn
mit der eingecheckten Datei. Ändert sich ``kmeans``, ``init_centers`` oder ``toy2d``, schlägt
der Test fehl, bis die Datei mit ``python tests/js/make_fixtures_kmeans.py`` neu geschrieben
ist. Gleitkommazahlen dürfen um wenige Einheiten der letzten Stelle abweichen (andere
NumPy-Version), ganze Zahlen, Zuordnungen und Wahrheitswerte müssen gleich sein.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from make_fixtures_kmeans import FIXTURE, build, dumps  # noqa: E402


def _same(new, old, where: str = "") -> None:
    if isinstance(old, bool) or isinstance(new, bool):
        assert new is old, f"{where}: {new!r} ≠ {old!r}"
    elif isinstance(old, float) or isinstance(new, float):
        assert isinstance(new, (int, float)) and isinstance(old, (int, float)), where
        assert math.isclose(new, old, rel_tol=1e-12, abs_tol=1e-14), f"{where}: {new} ≠ {old}"
    elif isinstance(old, dict):
        assert isinstance(new, dict) and new.keys() == old.keys(), f"{where}: andere Schlüssel"
        for key in old:
            _same(new[key], old[key], f"{where}.{key}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{where}: andere Länge"
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            _same(a, b, f"{where}[{i}]")
    else:
        assert new == old, f"{where}: {new!r} ≠ {old!r}"


def test_fixture_is_current():
    committed = json.loads(FIXTURE.read_text(encoding="utf-8"))
    fresh = json.loads(dumps(build()))  # derselbe Weg wie beim Schreiben der Datei
    _same(fresh, committed, "kmeans.json")


def test_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000, "Goldwerte sollen klein bleiben (< 200 KB)."
