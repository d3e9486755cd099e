"""Automatisierung für „KI-Grundlagen“: Buch bauen, testen, prüfen, aufräumen.

Alle Sitzungen arbeiten offline (``HF_HUB_OFFLINE=1``, ``TRANSFORMERS_OFFLINE=1``,
``KIBUCH_OFFLINE=1``) und installieren exakt die Versionen aus
``.ci/constraints.txt``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"
BUILD = ROOT / "_build"
OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "KIBUCH_OFFLINE": "1",
    "PYTHONHASHSEED": "0",
}


def _install(session: nox.Session, extras: str = "book,test") -> None:
    session.install("-c", str(CONSTRAINTS), "-e", f".[{extras}]")


sys.path.insert(0, str(ROOT / "book" / "_tools"))
import print_inputs  # noqa: E402  (Fingerabdruck der Eingaben von Einzelseite und PDF)

PDF = print_inputs.PDF


def _build_book(session: nox.Session, *strict: str) -> None:
    """Website nach _build/html, dann Einzelseite und daraus das PDF des ganzen Buchs.

    Einzelseite und PDF entstehen nur neu, wenn sich eine ihrer Eingaben (Kapitel, Paket,
    Konfiguration) seit dem letzten Bau geändert hat oder eine Ausgabe fehlt; so bleibt ein
    warmer Bau ohne Änderung bei wenigen Sekunden.
    """
    session.run("jupyter-book", "build", ".", *strict, env=OFFLINE)
    if print_inputs.is_fresh(*strict):
        session.log("Einzelseite und PDF sind aktuell (Eingaben unverändert) – übersprungen.")
        return
    session.run("jupyter-book", "build", ".", "--builder", "singlehtml", *strict, env=OFFLINE)
    chromium = _ensure_chromium(session)
    session.run("python", "book/_tools/make_pdf.py", str(BUILD / "singlehtml"), str(PDF),
                env={**OFFLINE, "KIBUCH_CHROMIUM": chromium})
    print_inputs.mark_fresh(*strict)


def _ensure_chromium(session: nox.Session) -> str:
    """Sorgt für Debians Chromium; installiert es bei Bedarf mit apt-get."""
    found = shutil.which("chromium")
    if found:
        return found
    apt = ["apt-get", "install", "-y", "-q", "--no-install-recommends",
           "chromium", "fonts-dejavu-core"]
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    session.run(*sudo, "apt-get", "update", "-q", external=True)
    session.run(*sudo, *apt, external=True, env={"DEBIAN_FRONTEND": "noninteractive"})
    found = shutil.which("chromium")
    if not found:
        session.error("Chromium konnte nicht installiert werden (apt-get install chromium).")
    return found


@nox.session(python="3.11")
def book(session: nox.Session) -> None:
    """Baut die Website nach _build/html samt PDF; führt nur geänderte Kapitel neu aus.

    Zusätzliche Argumente gehen an jupyter-book, z. B. ``nox -s book -- -n -W --keep-going``.
    """
    _install(session, "book")
    _build_book(session, *session.posargs)
    session.log(f"Fertig: {BUILD / 'html' / 'index.html'}")


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """pytest für kibuch, strenger Buchbau (-n -W) und Prüfungen der fertigen Website."""
    _install(session)
    session.run("pytest", "tests", "--ignore=tests/site", "--ignore=tests/standalone",
                *session.posargs, env=OFFLINE)
    _node_tests(session)
    _build_book(session, "-n", "-W", "--keep-going")
    chromium = _ensure_chromium(session)
    session.run("pytest", "tests/site", env={**OFFLINE, "KIBUCH_CHROMIUM": chromium})
    # Zuletzt, weil am längsten: jedes Kapitel-Notebook aus dem Archiv der Website in einer
    # frischen Umgebung mit leerem kibuch-Cache, so wie bei einer Leserin
    session.run("pytest", "tests/standalone", "-v", env=OFFLINE)


def _node_tests(session: nox.Session) -> None:
    """Goldene Tests der Browser-Widgets: JavaScript gegen die Python-Implementierung."""
    tests = sorted(str(p) for p in (ROOT / "tests" / "js").glob("*.test.mjs"))
    if not tests:
        return
    if not shutil.which("node"):
        session.error("Node.js fehlt (>= 20), nötig für die Widget-Tests in tests/js.")
    session.run("node", "--test", *tests, external=True)


@nox.session(python=False)
def benchmark(session: nox.Session) -> None:
    """Misst kalten Bau (mit Installation) und warmen Bau, je Stufe und je Kapitel.

    Legt dafür eine eigene, frische Umgebung an (``_build/benchmark-venv``); Ergebnis in
    ``_build/benchmark.json``. ``-- --empty-cache`` misst auch ohne trainierte Modelle.
    """
    session.run("python3", ".ci/benchmark.py", *session.posargs, external=True)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff über Paket, Tests und noxfile."""
    session.install("-c", str(CONSTRAINTS), "ruff")
    session.run("ruff", "check", "code", "tests", "noxfile.py", "book/_ext", "book/_tools",
                ".ci")


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Löscht _build (samt Ausführungs-Cache) und Python-Zwischendateien."""
    shutil.rmtree(BUILD, ignore_errors=True)
    for cache in ROOT.rglob("__pycache__"):
        if ".nox" not in cache.parts and ".venv" not in cache.parts:
            shutil.rmtree(cache, ignore_errors=True)
