"""``report_results`` in einem echten Jupyter-Kernel und der Weg seiner Ausgabe in den Build.

Ein kleines MyST-Notebook wird einmal ausgeführt (ein Kernelstart, etwa 2 s) und wie von
MyST-NB in einen jupyter-cache gelegt. Dann liest die Buch-Erweiterung seine Ergebnisse auf
allen drei Wegen eines Builds: aus ``jupyter_execute`` mit Ausgaben (frisch ausgeführt), aus
dem Cache, wenn dort nur das Eingabe-Notebook liegt (MyST-NB 1.4 bei einem Cache-Treffer),
und aus der Quelle, wenn die Datei fehlt.
"""

from __future__ import annotations

import copy
import sys
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest

from kibuch.viz.book import RESULTS_MIME

ROOT = Path(__file__).resolve().parents[2]
DOC = "book/demo"

SOURCE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Demo

```{code-cell} ipython3
acc = 0.8123
```

```{code-cell} ipython3
:tags: [remove-cell]

from kibuch.viz.book import report_results
report_results("ml.demo", test_acc=acc, model="Wald", curve={1: {"Probe": 0.5}})
```

```{code-cell} ipython3
report_results({"cnn.mnist.n_train": 3500})
```

```{code-cell} ipython3
report_results("ml.kaputt", test_acc=float("nan"))
```
"""

EXPECTED = [{"ml.demo.test_acc": 0.8123, "ml.demo.model": "Wald",
             "ml.demo.curve": {"1": {"Probe": 0.5}}},
            {"cnn.mnist.n_train": 3500}]


@pytest.fixture(scope="module")
def ext():
    pytest.importorskip("sphinx")
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    try:
        return import_module("kibuch_sphinx.results")
    finally:
        sys.path.remove(str(ROOT / "book" / "_ext"))


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Quelle, Konfiguration und ausgeführtes Notebook wie in einem Buch-Build."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.config import NbParserConfig
    from myst_nb.core.read import create_nb_reader
    from myst_parser.config.main import MdParserConfig
    from nbclient import NotebookClient

    root = tmp_path_factory.mktemp("buch")
    source = root / f"{DOC}.md"
    source.parent.mkdir(parents=True)
    source.write_text(SOURCE, encoding="utf-8")
    md_config, nb_config = MdParserConfig(), NbParserConfig()
    notebook = create_nb_reader(str(source), md_config, nb_config, SOURCE).read(SOURCE)
    executed = copy.deepcopy(notebook)
    # wie jupyter-cache: ohne Zeitstempel in den Zellmetadaten, sonst passt der Hash nicht
    NotebookClient(executed, timeout=120, kernel_name="python3", allow_errors=True,
                   record_timing=False, resources={"metadata": {"path": str(root)}}).execute()
    cache = get_cache(str(root / "_build" / ".jupyter_cache"))
    cache.cache_notebook_bundle(CacheBundleIn(executed, str(source)), check_validity=False,
                                overwrite=True)
    app = SimpleNamespace(outdir=str(root / "_build" / "html"),
                          config=SimpleNamespace(nb_execution_mode="cache",
                                                 nb_execution_cache_path=""))
    env = SimpleNamespace(nb_metadata={DOC: {}}, doc2path=lambda doc: str(root / f"{doc}.md"),
                          myst_config=md_config, mystnb_config=nb_config)
    target = root / "_build" / "jupyter_execute" / f"{DOC}.ipynb"
    target.parent.mkdir(parents=True)
    return SimpleNamespace(app=app, env=env, notebook=notebook, executed=executed,
                           target=target, nbformat=nbformat)


def _outputs(nb) -> list:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_kernel_output_has_results_and_a_text_table(build):
    nbformat = build.nbformat
    nb = nbformat.reads(nbformat.writes(build.executed), as_version=4)  # wie auf der Platte
    nbformat.validate(nb)
    found = [o for o in _outputs(nb) if RESULTS_MIME in o.get("data", {})]
    assert [o["data"][RESULTS_MIME] for o in found] == EXPECTED
    assert all(o.output_type == "display_data" for o in found)
    assert found[0]["data"]["text/plain"].splitlines() == [
        "ml.demo.test_acc  0,8123", "ml.demo.model     Wald", "ml.demo.curve     1: {Probe: 0,5}"]


def test_kernel_nan_fails_the_cell_and_names_the_key(build):
    errors = [o for o in _outputs(build.executed) if o.output_type == "error"]
    assert len(errors) == 1
    assert errors[0].ename == "ValueError" and "ml.kaputt.test_acc" in errors[0].evalue


def test_kernel_results_from_freshly_executed_notebook(ext, build):
    build.target.write_text(build.nbformat.writes(build.executed), encoding="utf-8")
    assert ext.page_results(build.app, build.env, DOC) == EXPECTED


def test_kernel_results_from_cache_when_only_the_input_was_written(ext, build):
    build.target.write_text(build.nbformat.writes(build.notebook), encoding="utf-8")
    assert RESULTS_MIME not in build.target.read_text(encoding="utf-8")
    assert ext.page_results(build.app, build.env, DOC) == EXPECTED
    # auch wenn der Text der Seite den MIME-Typ erwähnt (Markdown zählt nicht zum Cache-Hash)
    mentions = copy.deepcopy(build.notebook)
    mentions.cells.insert(1, build.nbformat.v4.new_markdown_cell(f"Typ `{RESULTS_MIME}`"))
    build.target.write_text(build.nbformat.writes(mentions), encoding="utf-8")
    assert ext.page_results(build.app, build.env, DOC) == EXPECTED


def test_kernel_results_from_source_when_the_file_is_missing(ext, build):
    build.target.unlink(missing_ok=True)
    assert ext.page_results(build.app, build.env, DOC) == EXPECTED
    # keine Quelle als Notebook bekannt (etwa eine reine Markdown-Seite): nichts
    plain = SimpleNamespace(**{**vars(build.env), "nb_metadata": {}})
    assert ext.page_results(build.app, plain, DOC) == []


def test_kernel_no_results_without_cache_match(ext, build):
    changed = copy.deepcopy(build.notebook)
    changed.cells[1].source = "acc = 0.5"  # andere Quelle: kein Cache-Eintrag passt
    build.target.write_text(build.nbformat.writes(changed), encoding="utf-8")
    assert ext.page_results(build.app, build.env, DOC) == []
    off = SimpleNamespace(outdir=build.app.outdir,
                          config=SimpleNamespace(nb_execution_mode="off",
                                                 nb_execution_cache_path=""))
    build.target.write_text(build.nbformat.writes(build.notebook), encoding="utf-8")
    assert ext.page_results(off, build.env, DOC) == []
