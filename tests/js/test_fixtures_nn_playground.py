"""Die Goldwerte des NN-Playgrounds passen zum aktuellen Python-Code.

Erzeugt den Inhalt von ``tests/js/fixtures/nn_playground.json`` im Speicher neu und
vergleicht ihn mit der eingecheckten Datei. Ändert sich ``NumpyMLP`` oder ``toy2d``, schlägt
der Test fehl, bis die Datei mit ``python tests/js/make_fixtures_nn_playground.py`` neu
geschrieben ist. Gleitkommazahlen dürfen um wenige Einheiten der letzten Stelle abweichen
(andere BLAS-Bibliothek, andere Summationsreihenfolge), alles andere muss gleich sein.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fixturecheck import assert_fixture_current  # noqa: E402
from make_fixtures_nn_playground import FIXTURE, build_fixture, dumps  # noqa: E402


def test_fixture_is_current():
    # derselbe Weg wie beim Schreiben der Datei
    assert_fixture_current(FIXTURE, lambda: dumps(build_fixture()), rel_tol=1e-12, abs_tol=1e-14)


def test_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000
