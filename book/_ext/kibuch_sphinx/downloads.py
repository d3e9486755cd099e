"""Was Leserinnen und Leser herunterladen: Notebooks einzeln und als Archiv, das PDF.

- Nach dem Build liegen alle ausgeführten Kapitel-Notebooks als
  ``_downloads/ki-grundlagen-notebooks.zip`` in der Website, als eigenständige
  Jupyter-Notebooks (:mod:`.standalone`: Werte statt ``glue``-Rollen, kein MyST); dieselben
  Dateien bietet der Download-Knopf jeder Seite an.
- Die Installationszelle jedes Kapitels bekommt beim Bau die Fassung des Buchs
  (``KIBUCH_RELEASE``), damit ein Notebook von v0.1.0 auch später kibuch 0.1.0 installiert.
- Aus dem Ausführungs-Cache geholte Notebooks bekommen ihre Ausgaben zurück (siehe
  :func:`_restore_cached_outputs`).
- Der Colab-Knopf zeigt auf das ausgeführte ``.ipynb`` im Zweig ``notebooks``, den der
  Veröffentlichungs-Workflow pflegt (Colab kann kein MyST-Markdown öffnen).
- Das Download-Menü jeder Seite bietet das PDF des ganzen Buchs an; es entsteht mit
  ``book/_tools/make_pdf.py`` aus dem Einzelseiten-Build.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from .chapters import chapter_docs, exec_data
from .standalone import pin_release, standalone_notebook

NOTEBOOK_BRANCH = "notebooks"
ZIP_NAME = "ki-grundlagen-notebooks.zip"
PDF_NAME = "ki-grundlagen.pdf"


def _executed_dir(app) -> Path:
    return Path(app.outdir).parent / "jupyter_execute"


def _standalone(app, doc: str):
    """Das ausgeführte Notebook einer Seite als eigenständiges Jupyter-Notebook (oder None)."""
    import nbformat

    executed = _executed_dir(app)
    path = executed / f"{doc}.ipynb"
    if not path.exists():
        return None
    glue_file = executed / f"{doc}.glue.json"
    glue = json.loads(glue_file.read_text(encoding="utf-8")) if glue_file.exists() else {}
    page = Path(app.outdir) / f"{doc}.html"
    page_html = page.read_text(encoding="utf-8") if page.exists() else ""
    return standalone_notebook(nbformat.read(path, as_version=4), glue, page_html)


def _write_notebook_zip(app, exception):
    """Notebook-Archiv und Einzel-Downloads: eigenständige Notebooks aller Kapitel."""
    if exception is not None or app.builder.name != "html":
        return
    import nbformat

    downloads = Path(app.outdir) / "_downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(downloads / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as zf:
        for doc in chapter_docs(app.env):
            nb = _standalone(app, doc)
            if nb is None:
                continue
            text = nbformat.writes(nb)
            zf.writestr(str(Path("ki-grundlagen") / f"{doc}.ipynb"), text)
            source = Path(app.outdir) / "_sources" / f"{doc}.ipynb"
            if source.parent.is_dir():
                source.write_text(text, encoding="utf-8")


def _pin_release(app, docname, source):
    """Installationszelle: der Buchbau setzt die Fassung (Git-Tag) des Buchs ein."""
    source[0] = pin_release(source[0])


def _restore_cached_outputs(app, env):
    """Schreibt die Ausgaben aus dem Ausführungs-Cache in die Download-Notebooks.

    MyST-NB 1.4 legt ein aus dem Cache geholtes Notebook ohne Ausgaben unter
    ``_build/jupyter_execute`` ab (es schreibt die Eingabe statt des Cache-Treffers).
    Von dort kopiert das Theme die ``.ipynb``-Downloads – ohne diese Korrektur hätte
    ein Leser nach einem warmen Build ein leeres Notebook.
    """
    import nbformat
    from jupyter_cache import get_cache

    if app.config.nb_execution_mode != "cache":
        return
    cache_path = app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    cache = get_cache(str(cache_path))
    executed = _executed_dir(app)
    for docname in env.found_docs:
        path = executed / f"{docname}.ipynb"
        if exec_data(env, docname) is None or not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        if any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
            continue
        try:
            _, merged = cache.merge_match_into_notebook(nb)
        except KeyError:
            continue
        nbformat.write(merged, path)


def _download_buttons(app, pagename, templatename, context, doctree):
    """Colab-Links auf das ausgeführte Notebook im Zweig ``notebooks`` umbiegen und
    das PDF des ganzen Buchs in das Download-Menü jeder Seite aufnehmen."""
    for group in context.get("header_buttons", []):
        if isinstance(group, dict) and group.get("label") == "download-buttons":
            group["buttons"].append({
                "type": "link",
                "url": context["pathto"](f"_downloads/{PDF_NAME}", 1),
                "text": "Buch (PDF)",
                "tooltip": "Das ganze Buch als PDF herunterladen",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            if button.get("text") == "Colab":
                base = button["url"].split("/blob/")[0]
                button["url"] = f"{base}/blob/{NOTEBOOK_BRANCH}/{pagename}.ipynb"


def setup(app):
    app.connect("env-updated", _restore_cached_outputs)
    app.connect("html-page-context", _download_buttons, priority=999)
    app.connect("source-read", _pin_release)
    app.connect("build-finished", _write_notebook_zip)
