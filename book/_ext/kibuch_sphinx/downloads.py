"""Was Leserinnen und Leser herunterladen: Notebooks einzeln und als Archiv, das PDF.

- Nach dem Build liegen alle ausgeführten Kapitel-Notebooks als
  ``_downloads/ki-grundlagen-notebooks.zip`` in der Website.
- Aus dem Ausführungs-Cache geholte Notebooks bekommen ihre Ausgaben zurück (siehe
  :func:`_restore_cached_outputs`).
- Der Colab-Knopf zeigt auf das ausgeführte ``.ipynb`` im Zweig ``notebooks``, den der
  Veröffentlichungs-Workflow pflegt (Colab kann kein MyST-Markdown öffnen).
- Das Download-Menü jeder Seite bietet das PDF des ganzen Buchs an; es entsteht mit
  ``book/_tools/make_pdf.py`` aus dem Einzelseiten-Build.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .chapters import chapter_docs, exec_data

NOTEBOOK_BRANCH = "notebooks"
ZIP_NAME = "ki-grundlagen-notebooks.zip"
PDF_NAME = "ki-grundlagen.pdf"


def _executed_dir(app) -> Path:
    return Path(app.outdir).parent / "jupyter_execute"


def _write_notebook_zip(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    executed = _executed_dir(app)
    downloads = Path(app.outdir) / "_downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(downloads / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as zf:
        for doc in chapter_docs(app.env):
            nb = executed / f"{doc}.ipynb"
            if nb.exists():
                zf.write(nb, Path("ki-grundlagen") / nb.relative_to(executed))


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
    app.connect("build-finished", _write_notebook_zip)
