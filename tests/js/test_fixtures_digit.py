"""Die Goldwerte des Widgets „digit-draw“ passen zum aktuellen Python-Code.

Erzeugt den Inhalt von ``tests/js/fixtures/digit.json`` im Speicher neu (``kibuch.nn.convnet``,
Export ``kibuch.web.models.cnn_payload``, ``kibuch.web.models.mnist_preprocess``) und
vergleicht ihn mit der eingecheckten Datei. Ändert sich einer davon, schlägt der Test fehl,
bis die Datei mit ``python tests/js/make_fixtures_digit.py`` neu geschrieben ist. Gewichte
(Base64), Bitmaps und Formen müssen gleich sein; gerechnete Zahlen dürfen um 1e-6 abweichen
(andere CPU, andere Summationsreihenfolge in float32).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixturecheck import assert_fixture_current  # noqa: E402
from make_fixtures_digit import FIXTURE, build, dumps  # noqa: E402

pytest.importorskip("torch")


def test_fixture_is_current():
    # derselbe Weg wie beim Schreiben der Datei
    assert_fixture_current(FIXTURE, lambda: dumps(build()), rel_tol=1e-6, abs_tol=1e-6,
                           torch_threads=True)


def test_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000, "Goldwerte sollen klein bleiben (< 200 KB)."
