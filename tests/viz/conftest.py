"""Gemeinsame Fixtures der viz-Tests: abgefangenes ``display`` und die Buch-Erweiterung."""

import sys
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shown(monkeypatch):
    """Fängt ``IPython.display.display`` in einer (vorgetäuschten) IPython-Sitzung ab."""
    import IPython
    import IPython.display

    calls = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, raw=False: calls.append((obj, raw)))
    return calls


@pytest.fixture(scope="module")
def ext():
    """Das Modul ``kibuch_sphinx.results`` der Buch-Erweiterung."""
    import sphinx  # noqa: F401  (die Erweiterung braucht Sphinx; fehlt es, ist das ein Fehler)
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return import_module("kibuch_sphinx.results")
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))
