"""Die Goldwerte des Widgets „gpt-sampler“ passen zum aktuellen Python-Code.

Erzeugt den Inhalt von ``tests/js/fixtures/gpt.json`` im Speicher neu (``kibuch.nn.gpt``,
``kibuch.text.sampling``, Export ``kibuch.web.models.gpt_payload``) und vergleicht ihn mit der
eingecheckten Datei. Ändert sich einer davon, schlägt der Test fehl, bis die Datei mit
``python tests/js/make_fixtures_gpt.py`` neu geschrieben ist. Gewichte (Base64), Token-IDs,
Texte und Einstellungen müssen gleich sein; von PyTorch gerechnete Zahlen dürfen um 1e-6
abweichen (andere CPU, andere Summationsreihenfolge in float32).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixturecheck import assert_fixture_current  # noqa: E402
from make_fixtures_gpt import FIXTURE, build, dumps  # noqa: E402

pytest.importorskip("torch")


def test_fixture_is_current():
    # derselbe Weg wie beim Schreiben der Datei
    assert_fixture_current(FIXTURE, lambda: dumps(build()), rel_tol=1e-6, abs_tol=1e-6,
                           torch_threads=True)


def test_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000, "Goldwerte sollen klein bleiben (< 200 KB)."
