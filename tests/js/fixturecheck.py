"""Gemeinsame Hilfen für die Goldwerte der Widgets (``tests/js/fixtures/*.json``).

Die Skripte ``make_fixtures_*.py`` schreiben die Dateien mit :func:`dumps` und
:func:`write_fixture`; die Tests ``test_fixtures_*.py`` erzeugen den Inhalt mit
:func:`assert_fixture_current` im Speicher neu und vergleichen ihn mit der eingecheckten
Datei. Importieren tut nichts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path


def dumps(data: dict) -> str:
    """Kompaktes JSON mit echten Umlauten und Zeilenende – das Format der Fixture-Dateien."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_fixture(path: Path, text: str) -> None:
    """Schreibt ``text`` nach ``path`` (legt den Ordner an) und meldet die Größe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"{path} geschrieben ({path.stat().st_size} Bytes)")


def assert_same(new, old, where: str = "", *, rel_tol: float = 0.0, abs_tol: float = 0.0) -> None:
    """Vergleicht zwei JSON-Werte rekursiv.

    Wahrheitswerte, ganze Zahlen, Texte, Schlüssel und Längen müssen gleich sein;
    Gleitkommazahlen dürfen um ``rel_tol`` (relativ) bzw. ``abs_tol`` (absolut) abweichen
    (beide 0: exakt gleich). ``where`` ist der Pfad für die Fehlermeldung.
    """
    if isinstance(old, bool) or isinstance(new, bool):
        assert new is old, f"{where}: {new!r} ≠ {old!r}"
    elif isinstance(old, float) or isinstance(new, float):
        assert isinstance(new, (int, float)) and isinstance(old, (int, float)), where
        assert math.isclose(new, old, rel_tol=rel_tol, abs_tol=abs_tol), f"{where}: {new} ≠ {old}"
    elif isinstance(old, dict):
        assert isinstance(new, dict) and new.keys() == old.keys(), f"{where}: andere Schlüssel"
        for key in old:
            assert_same(new[key], old[key], f"{where}.{key}", rel_tol=rel_tol, abs_tol=abs_tol)
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), f"{where}: andere Länge"
        for i, (a, b) in enumerate(zip(new, old, strict=True)):
            assert_same(a, b, f"{where}[{i}]", rel_tol=rel_tol, abs_tol=abs_tol)
    else:
        assert new == old, f"{where}: {new!r} ≠ {old!r}"


def assert_fixture_current(fixture: Path, render: Callable[[], str], *, rel_tol: float = 0.0,
                           abs_tol: float = 0.0, torch_threads: bool = False) -> None:
    """Erzeugt die Fixture im Speicher neu und vergleicht sie mit der eingecheckten Datei.

    ``render`` liefert den Dateiinhalt als Text, auf demselben Weg wie beim Schreiben
    (etwa ``lambda: dumps(build())``). Mit ``torch_threads=True`` rechnet PyTorch dabei mit
    einem Thread wie ``make_fixtures_*.py``; die alte Einstellung wird danach
    wiederhergestellt. Toleranzen wie bei :func:`assert_same`.
    """
    if not isinstance(fixture, Path):
        raise TypeError(f"fixture muss ein Path sein, nicht {type(fixture).__name__}.")
    if not callable(render):
        raise TypeError("render muss eine Funktion ohne Argumente sein.")
    for name, tol in (("rel_tol", rel_tol), ("abs_tol", abs_tol)):
        if not isinstance(tol, (int, float)) or isinstance(tol, bool) or not tol >= 0:
            raise ValueError(f"{name} muss eine Zahl ≥ 0 sein, nicht {tol!r}.")
    if torch_threads:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            text = render()
        finally:
            torch.set_num_threads(threads)
    else:
        text = render()
    committed = json.loads(fixture.read_text(encoding="utf-8"))
    assert_same(json.loads(text), committed, fixture.name, rel_tol=rel_tol, abs_tol=abs_tol)
