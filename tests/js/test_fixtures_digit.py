"""Die Goldwerte des Widgets „digit-draw“ passen zum aktuellen Python-Code.

Erzeugt den Inhalt von ``tests/js/fixtures/digit.json`` im Speicher neu (``kibuch.nn.convnet``,
Export ``kibuch.web.models.cnn_payload``, ``kibuch.web.models.mnist_preprocess``) und
vergleicht ihn mit der eingecheckten Datei. Ändert sich einer davon, schlägt der Test fehl,
bis die Datei mit ``python tests/js/make_fixtures_digit.py`` neu geschrieben ist. Gewichte
(Base64), Bitmaps und Formen müssen gleich sein; gerechnete Zahlen dürfen um 1e-6 abweichen
(andere CPU, andere Summationsreihenfolge in float32).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from make_fixtures_digit import FIXTURE, build, dumps  # noqa: E402

pytest.importorskip("torch")


def _same(new, old, where: str = "") -> None:
    if isinstance(old, bool) or isinstance(new, bool):
        assert new is old, f"{where}: {new!r} ≠ {old!r}"
    elif isinstance(old, float) or isinstance(new, float):
        assert isinstance(new, (int, float)) and isinstance(old, (int, float)), where
        assert math.isclose(new, old, rel_tol=1e-6, abs_tol=1e-6), f"{where}: {new} ≠ {old}"
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
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        fresh = json.loads(dumps(build()))  # derselbe Weg wie beim Schreiben der Datei
    finally:
        torch.set_num_threads(threads)
    committed = json.loads(FIXTURE.read_text(encoding="utf-8"))
    _same(fresh, committed, "digit.json")


def test_fixture_is_small():
    assert FIXTURE.stat().st_size < 200_000, "Goldwerte sollen klein bleiben (< 200 KB)."
