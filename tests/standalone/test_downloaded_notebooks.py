"""Heruntergeladene Notebooks laufen bei einer Leserin: frische Umgebung, frischer Kernel.

So wie eine Leserin das Buch nutzt, die das Notebook-Archiv von der Website lädt:

- ein neues virtuelles Environment, in dem anfangs nur ``ipykernel`` liegt;
- die Installationszelle des ersten Kapitels installiert kibuch samt Extra ``notebooks``,
  hier aus einem Wheel dieses Repositorys statt von GitHub (einzige Änderung am Notebook;
  die Fassung in der Zelle muss die des Pakets sein);
- jedes Kapitel aus dem Archiv der gebauten Website in einem frischen Kernel, in einem
  Verzeichnis außerhalb des Repositorys, mit leerem kibuch-Cache (den sich die Kapitel
  teilen, wie auf dem Rechner der Leserin) und gesetzten Offline-Variablen.

Die Paketversionen legt ``.ci/constraints.txt`` fest (``PIP_CONSTRAINT``), damit der Test
reproduzierbar bleibt; ohne diese Datei nähme pip die neuesten passenden Versionen.
Läuft in ``nox -s tests`` nach dem Buchbau, weil er das Archiv der Website braucht.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from importlib.metadata import version
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("KIBUCH_SITE") or ROOT / "_build" / "html")
ZIP = SITE / "_downloads" / "ki-grundlagen-notebooks.zip"
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"
INSTALL = re.compile(r'f"kibuch\[notebooks\] @ git\+\{repo\}@\{KIBUCH_RELEASE\}"')
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           "KIBUCH_OFFLINE": "1"}


def _names() -> list[str]:
    if not ZIP.exists():
        return []
    with zipfile.ZipFile(ZIP) as zf:
        return sorted(n for n in zf.namelist() if n.endswith(".ipynb"))


NAMES = _names()
TIMES: dict[str, float] = {}


def _run(*cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True, capture_output=True, text=True, **kw)


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    """Frisches venv mit ipykernel, Kernelspec ``leserin``, Wheel, Arbeits- und Cache-Ordner."""
    if not ZIP.exists():
        pytest.fail(f"{ZIP} fehlt: zuerst das Buch bauen (nox -s tests).")
    root = tmp_path_factory.mktemp("leserin")
    assert ROOT not in root.parents
    wheels = root / "wheel"
    # Wheel aus einer Kopie bauen: setuptools legt sonst build/ und *.egg-info im Repository an
    source = root / "quelle"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".nox", ".venv", "_build", "build", "*.egg-info", "__pycache__", "node_modules"))
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", wheels, source)
    wheel = next(wheels.glob("kibuch-*.whl"))
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    env = {**os.environ, "PIP_CONSTRAINT": str(CONSTRAINTS)}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    _run(python, "-m", "pip", "install", "-q", "ipykernel", env=env)
    before = _run(python, "-m", "pip", "list", "--format=json").stdout
    assert "kibuch" not in before and "torch" not in before
    prefix = root / "jupyter"
    _run(python, "-m", "ipykernel", "install", "--prefix", prefix, "--name", "leserin")
    spec_file = prefix / "share" / "jupyter" / "kernels" / "leserin" / "kernel.json"
    spec = json.loads(spec_file.read_text())
    spec["env"] = {**OFFLINE, "PIP_CONSTRAINT": str(CONSTRAINTS),
                   "KIBUCH_CACHE": str(root / "kibuch-cache"), "MPLBACKEND": "agg",
                   "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
                   "VIRTUAL_ENV": str(venv), "PYTHONPATH": "", "KIBUCH_BOOK_BUILD": "0"}
    spec_file.write_text(json.dumps(spec))
    work = root / "arbeit"
    with zipfile.ZipFile(ZIP) as zf:
        zf.extractall(work)
    os.environ["JUPYTER_PATH"] = f"{prefix / 'share' / 'jupyter'}"
    yield {"root": root, "wheel": wheel, "venv": venv, "work": work, "python": python}
    report = root.parent / "standalone-times.json"
    report.write_text(json.dumps(TIMES, indent=1))


def _install_cell(nb) -> nbformat.NotebookNode:
    cells = [c for c in nb.cells if c.cell_type == "code" and "KIBUCH_RELEASE" in c.source]
    assert len(cells) == 1, "Jedes Kapitel braucht genau eine Installationszelle"
    return cells[0]


def test_archive_has_the_chapters():
    assert len(NAMES) >= 15, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_for_a_reader(reader, name):
    path = reader["work"] / name
    nb = nbformat.read(path, as_version=4)
    # Das Notebook ist Jupyter-Markdown, kein MyST mehr: Werte statt glue-Rollen
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "{glue" not in markdown and "{term}" not in markdown and "{numref}" not in markdown
    install = _install_cell(nb)
    tag = re.search(r'^KIBUCH_RELEASE = "([^"]+)"', install.source, re.M)
    assert tag and tag.group(1) == f"v{version('kibuch')}", "Fassung nicht eingesetzt"
    assert INSTALL.search(install.source), install.source
    install.source = INSTALL.sub(f'"kibuch[notebooks] @ {reader["wheel"].as_uri()}"',
                                 install.source)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    probe = nbformat.v4.new_code_cell("import kibuch, sys; print(kibuch.__file__); "
                                      "print(sys.executable)")
    nb.cells.append(probe)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=1800, kernel_name="leserin",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    TIMES[name] = round(time.perf_counter() - start, 1)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors, errors[0]
    where = probe.outputs[0]["text"]
    assert str(reader["venv"]) in where, f"kibuch nicht aus der frischen Umgebung: {where}"
    assert str(ROOT) not in where
    # glue außerhalb des Buchs: die versteckte Zelle zeigt die Werte an
    if "glue_values(" in "\n".join(c.source for c in nb.cells if c.cell_type == "code"):
        shown = [o for c in nb.cells if c.cell_type == "code" and "glue_values(" in c.source
                 for o in c.outputs if o.output_type == "stream"]
        assert shown, "glue_values zeigt im Notebook nichts an"
