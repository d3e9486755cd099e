"""Die Goldwerte des Widgets passen zum aktuellen Python-Code (``kibuch.scratch.kmeans``).

Erzeugt den Inhalt von ``tests/js/fixtures/kmeans.json`` im Speicher neu und vergleicht ihn
mit der eingecheckten Datei. Ändert sich ``kmeans``, ``init_centers`` oder ``toy2d``, schlägt
der Test fehl, bis die Datei mit ``python tests/js/make_fixtures_kmeans.py`` neu geschrieben
ist. Gleitkommazahlen dürfen um wenige Einheiten der letzten Stelle abweichen (andere
NumPy-Version), ganze Zahlen, Zuordnungen und Wahrheitswerte müssen gleich sein.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fixturecheck import assert_fixture_current  # noqa: E402
from make_fixtures_kmeans import FIXTURE, build, dumps  # noqa: E402


def test_fixture_is_current():
    # derselbe Weg wie beim Schreiben der Datei
    assert_fixture_current(FIXTURE, lambda: dumps(build()), rel_tol=1e-12, abs_tol=1e-14)


def test_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000, "Goldwerte sollen klein bleiben (< 200 KB)."
