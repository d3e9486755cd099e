"""Sphinx-Erweiterung des Buchs: lokales plotly.js, Notebook-Archiv, Colab-Links.

- ``plotly.min.js`` kommt aus dem installierten plotly-Paket und wird einmal
  nach ``_static`` kopiert; jede Seite lädt es lokal (kein CDN).
- Nach dem Build liegen alle ausgeführten Kapitel-Notebooks als
  ``_downloads/ki-grundlagen-notebooks.zip`` in der Website.
- Der Colab-Knopf zeigt auf das ausgeführte ``.ipynb`` im Zweig ``notebooks``,
  den der Veröffentlichungs-Workflow pflegt (Colab kann kein MyST-Markdown öffnen).
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

NOTEBOOK_BRANCH = "notebooks"
ZIP_NAME = "ki-grundlagen-notebooks.zip"


def _plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise FileNotFoundError(f"plotly.min.js nicht gefunden unter {path}")
    return path


def _copy_assets(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copy2(_plotly_js(), static / "plotly.min.js")
    # Alle ausgeführten Notebooks in ein Archiv packen
    executed = Path(app.outdir).parent / "jupyter_execute"
    downloads = Path(app.outdir) / "_downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(executed.rglob("*.ipynb")) if executed.exists() else []
    with zipfile.ZipFile(downloads / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as zf:
        for nb in notebooks:
            zf.write(nb, Path("ki-grundlagen") / nb.relative_to(executed))


def _fix_colab(app, pagename, templatename, context, doctree):
    """Colab-Links auf das ausgeführte Notebook im Zweig ``notebooks`` umbiegen."""
    for group in context.get("header_buttons", []):
        for button in group.get("buttons", []) if isinstance(group, dict) else []:
            if button.get("text") == "Colab":
                base = button["url"].split("/blob/")[0]
                button["url"] = f"{base}/blob/{NOTEBOOK_BRANCH}/{pagename}.ipynb"


def setup(app):
    app.add_js_file("plotly.min.js", priority=200)
    app.connect("html-page-context", _fix_colab, priority=999)
    app.connect("build-finished", _copy_assets)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
