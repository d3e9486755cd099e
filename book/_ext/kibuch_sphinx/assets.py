"""Was jede Seite lädt: plotly.js lokal statt vom CDN, kein Thebe, Einzelseiten-Build.

- ``plotly.min.js`` kommt aus dem installierten plotly-Paket, wird einmal nach
  ``_static`` kopiert und von jeder Seite lokal geladen.
- Jupyter Book bindet sphinx-thebe immer ein (doppelt, mit CDN-Adresse); das Buch nutzt es
  nicht, also fallen die Einträge weg und keine Seite lädt etwas von fremden Servern.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def plotly_js() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not path.exists():
        raise FileNotFoundError(f"plotly.min.js nicht gefunden unter {path}")
    return path


def _copy_plotly(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    shutil.copy2(plotly_js(), static / "plotly.min.js")


def _drop_thebe(app, pagename, templatename, context, doctree):
    def keep(asset):
        text = f"{getattr(asset, 'filename', asset)} {getattr(asset, 'attributes', {})}"
        return "thebe" not in text.lower()

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if keep(a)]


def _singlehtml_handlers(app):
    """Einzelseiten-Build (Grundlage des PDFs): HTML-Übersetzungen mitbenutzen.

    Sobald eine Erweiterung eigene ``singlehtml``-Handler anmeldet, fällt Sphinx für
    alle übrigen Knoten nicht mehr auf die ``html``-Handler zurück; MyST-NB-Knoten
    wären dann „unbekannt“. Hier werden beide Tabellen zusammengeführt.
    """
    handlers = app.registry.translation_handlers
    if "singlehtml" in handlers:
        handlers["singlehtml"] = {**handlers.get("html", {}), **handlers["singlehtml"]}


def _default_mode(app, config):
    # Ohne Vorgabe meldet pydata-sphinx-theme „invalid theme mode“ als Konsolenfehler
    config.html_context = {**(config.html_context or {}), "default_mode": "light"}


def setup(app):
    app.connect("config-inited", _default_mode)
    app.connect("builder-inited", _singlehtml_handlers)
    app.add_js_file("plotly.min.js", priority=200)
    app.connect("html-page-context", _drop_thebe, priority=999)
    app.connect("build-finished", _copy_plotly)
