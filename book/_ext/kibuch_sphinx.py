"""Sphinx-Erweiterung des Buchs: lokales plotly.js, Notebook-Archiv, Colab-Links,
Zitierkästen, Ausführungsprotokolle und die Statusseite.

- ``plotly.min.js`` kommt aus dem installierten plotly-Paket und wird einmal
  nach ``_static`` kopiert; jede Seite lädt es lokal (kein CDN).
- Nach dem Build liegen alle ausgeführten Kapitel-Notebooks als
  ``_downloads/ki-grundlagen-notebooks.zip`` in der Website.
- Der Colab-Knopf zeigt auf das ausgeführte ``.ipynb`` im Zweig ``notebooks``,
  den der Veröffentlichungs-Workflow pflegt (Colab kann kein MyST-Markdown öffnen).
- Jede Kapitelseite (jedes ausgeführte Notebook) endet mit einem Kasten „Zitieren“
  (formatierte Angabe und BibTeX, versionierte URL, Abrufdatum) und einem
  „Ausführungsprotokoll“ (Datum, Commit, Gerät, Paketversionen, Laufzeit).
- Die Direktive ``kibuch-status`` setzt eine Tabelle der Laufzeiten aller Kapitel.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import subprocess
import zipfile
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

NOTEBOOK_BRANCH = "notebooks"
ZIP_NAME = "ki-grundlagen-notebooks.zip"
PDF_NAME = "ki-grundlagen.pdf"


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
    executed = Path(app.outdir).parent / "jupyter_execute"
    for docname in env.found_docs:
        data = _exec_data(env, docname)
        path = executed / f"{docname}.ipynb"
        if data is None or not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        if any(c.get("outputs") for c in nb.cells if c.cell_type == "code"):
            continue
        try:
            _, merged = cache.merge_match_into_notebook(nb)
        except KeyError:
            continue
        nbformat.write(merged, path)


def _drop_thebe(app, pagename, templatename, context, doctree):
    """Thebe (Live-Code über einen Server) wird nicht genutzt: Skripte entfernen.

    Jupyter Book bindet sphinx-thebe immer ein – doppelt und mit einer CDN-Adresse.
    Ohne diese Einträge lädt keine Seite etwas von fremden Servern nach.
    """
    def keep(asset):
        text = f"{getattr(asset, 'filename', asset)} {getattr(asset, 'attributes', {})}"
        return "thebe" not in text.lower()

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if keep(a)]


def _fix_colab(app, pagename, templatename, context, doctree):
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


BOOK_TITLE = (
    "KI-Grundlagen: Ein offenes, ausführbares Lehrbuch über die Grundlagen "
    "der künstlichen Intelligenz"
)
AUTHORS = "KI-Grundlagen-Autorenteam"
STATUS_DOC = "book/status"


def _version() -> str:
    return metadata.version("kibuch")


@functools.lru_cache(maxsize=1)
def _environment() -> dict:
    """Einmal pro Build: Commit, Gerät und Paketversionen des Ausführungsrechners."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=10", "HEAD"], capture_output=True, text=True,
            check=True, cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unbekannt"
    import torch  # erst hier: die Erweiterung soll Sphinx nicht unnötig verlangsamen

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU"
    versions = {
        pkg: metadata.version(pkg) for pkg in ("torch", "transformers", "scikit-learn")
    }
    return {"commit": commit, "device": device, "versions": versions}


def _exec_data(env, docname):
    data = getattr(env, "nb_metadata", {}).get(docname, {})
    return data.get("exec_data")


def _chapter_number(env, docname) -> str:
    numbers = env.toc_secnumbers.get(docname, {}).get("")
    return ".".join(str(n) for n in numbers) if numbers else ""


def _cite_box(app, docname, title, number) -> nodes.Element:
    today = dt.date.today()
    version = _version()
    base = (app.config.html_baseurl or "").rstrip("/")
    url = f"{base}/v{version}/{docname}.html"
    label = f"Kapitel {number}: {title}" if number else title
    apa = (
        f"{AUTHORS} ({today.year}). {label}. In: {BOOK_TITLE} (Version {version}). "
        f"{url} (abgerufen am {today:%d.%m.%Y})."
    )
    key = "kigrundlagen" + str(today.year) + "_" + docname.split("/")[-1]
    bibtex = "\n".join([
        f"@incollection{{{key},",
        f"  author    = {{{{{AUTHORS}}}}},",
        f"  title     = {{{title}}},",
        f"  booktitle = {{{BOOK_TITLE}}},",
        *([f"  chapter   = {{{number}}},"] if number else []),
        f"  edition   = {{{version}}},",
        f"  year      = {{{today.year}}},",
        f"  url       = {{{url}}},",
        f"  urldate   = {{{today.isoformat()}}}",
        "}",
    ])
    box = nodes.admonition(classes=["kibuch-cite", "note"], ids=["zitieren"])
    box += nodes.title(text="Zitieren")
    box += nodes.paragraph(text="Bitte zitieren Sie dieses Kapitel so:")
    box += nodes.paragraph(text=apa)
    box += nodes.literal_block(bibtex, bibtex, language="bibtex")
    return box


def _stamp_box(env, docname) -> nodes.Element:
    data = _exec_data(env, docname)
    info = _environment()
    when = dt.datetime.fromtimestamp(data["mtime"]).strftime("%d.%m.%Y, %H:%M Uhr")
    runtime = data.get("runtime")
    rows = [
        ("Ausgeführt am", when),
        ("Commit", info["commit"]),
        ("Gerät", info["device"]),
        ("Versionen", ", ".join(f"{k} {v}" for k, v in info["versions"].items())),
        ("Ausführungszeit", f"{runtime:.1f} s".replace(".", ",") if runtime else "unbekannt"),
    ]
    box = nodes.admonition(classes=["kibuch-stamp", "seealso"], ids=["ausfuehrungsprotokoll"])
    box += nodes.title(text="Ausführungsprotokoll")
    flist = nodes.field_list()
    for name, value in rows:
        field = nodes.field()
        field += nodes.field_name(text=name)
        body = nodes.field_body()
        body += nodes.paragraph(text=value)
        field += body
        flist += field
    box += flist
    return box


def _decorate_chapter(app, doctree, docname):
    env = app.env
    if _exec_data(env, docname) is None:
        return
    title = env.titles[docname].astext() if docname in env.titles else docname
    number = _chapter_number(env, docname)
    title = title.removeprefix(number + ".").strip() if number else title
    doctree += _cite_box(app, docname, title, number)
    doctree += _stamp_box(env, docname)


class status_table(nodes.General, nodes.Element):
    """Platzhalter, den ``_fill_status`` nach dem Lesen aller Seiten füllt."""


class StatusDirective(SphinxDirective):
    """``{kibuch-status}``: Tabelle der Ausführungszeiten aller Kapitel."""

    def run(self):
        return [status_table()]


def _fill_status(app, doctree, docname):
    for node in doctree.findall(status_table):
        env = app.env
        rows = []
        for doc in env.found_docs:
            data = _exec_data(env, doc)
            if data is not None:
                rows.append((doc, data))
        rows.sort(key=lambda r: [int(n) for n in _chapter_number(env, r[0]).split(".") if n]
                  or [999])
        table = nodes.table(classes=["kibuch-status"])
        group = nodes.tgroup(cols=5)
        table += group
        for _ in range(5):
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body

        def row(cells, header=False):
            r = nodes.row()
            for cell in cells:
                entry = nodes.entry()
                entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=cell)
                r += entry
            return r

        head += row(["Kapitel", "Ausgeführt am", "Methode", "Laufzeit (s)", "Status"])
        total = 0.0
        for doc, data in rows:
            ref = nodes.paragraph()
            link = nodes.reference(
                "", f"{_chapter_number(env, doc)} {env.titles[doc].astext()}".strip(),
                internal=True, refuri=app.builder.get_relative_uri(docname, doc),
            )
            ref += link
            runtime = data.get("runtime") or 0.0
            total += runtime
            when = dt.datetime.fromtimestamp(data["mtime"]).strftime("%d.%m.%Y %H:%M")
            method = {"cache": "Cache", "force": "neu ausgeführt"}.get(data["method"],
                                                                        data["method"])
            body += row([ref, when, method, f"{runtime:.1f}".replace(".", ","),
                         "ok" if data.get("succeeded") else "Fehler"])
        body += row(["Summe", "", "", f"{total:.1f}".replace(".", ","), ""])
        node.replace_self(table)


def _status_always_outdated(app, env, added, changed, removed):
    return [STATUS_DOC] if STATUS_DOC in env.found_docs else []


def _set_title(app, config):
    config.html_title = f"KI-Grundlagen {_version()}"
    config.version = config.release = _version()
    # Version im Fuß jeder Seite, mit Link auf das Änderungsprotokoll
    opts = dict(config.html_theme_options or {})
    opts["extra_footer"] = (opts.get("extra_footer") or "") + (
        f'<p>Version {_version()} · <a href="https://github.com/ki-grundlagen/ki-grundlagen/'
        f'blob/main/book/changelog.md">Änderungen</a></p>'
    )
    config.html_theme_options = opts
    # Ohne Vorgabe meldet pydata-sphinx-theme „invalid theme mode“ als Konsolenfehler
    config.html_context = {**(config.html_context or {}), "default_mode": "light"}


def _singlehtml_handlers(app):
    """Einzelseiten-Build (Grundlage des PDFs): HTML-Übersetzungen mitbenutzen.

    Sobald eine Erweiterung eigene ``singlehtml``-Handler anmeldet, fällt Sphinx für
    alle übrigen Knoten nicht mehr auf die ``html``-Handler zurück; MyST-NB-Knoten
    wären dann „unbekannt“. Hier werden beide Tabellen zusammengeführt.
    """
    handlers = app.registry.translation_handlers
    if "singlehtml" in handlers:
        handlers["singlehtml"] = {**handlers.get("html", {}), **handlers["singlehtml"]}


def setup(app):
    app.connect("builder-inited", _singlehtml_handlers)
    app.connect("config-inited", _set_title)
    app.add_node(status_table)
    app.add_directive("kibuch-status", StatusDirective)
    app.connect("doctree-resolved", _decorate_chapter)
    app.connect("doctree-resolved", _fill_status)
    app.connect("env-get-outdated", _status_always_outdated)
    app.connect("env-updated", _restore_cached_outputs)
    app.add_js_file("plotly.min.js", priority=200)
    app.connect("html-page-context", _fix_colab, priority=999)
    app.connect("html-page-context", _drop_thebe, priority=999)
    app.connect("build-finished", _copy_assets)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
