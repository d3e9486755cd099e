"""Interaktive Teile im Browser: Widgets (``kibuch-widget``) und Selbsttests (``kibuch-quiz``).

- ``kibuch-widget NAME`` setzt ein Wurzelelement ``data-kibuch-widget="NAME"`` und lädt
  nur auf dieser Seite die Skripte, Stile und erzeugten Daten des Widgets aus
  ``_static/widgets``. Der Inhalt der Direktive ist der statische Ersatz für Druck und PDF.
- Daten aus trainierten Modellen (``:data:``) schreibt der Build selbst, mit den Funktionen
  aus :data:`DATA_WRITERS`, nach ``_static/widgets/data`` – als Skripte, nicht als JSON,
  damit die Seite auch von ``file://`` aus funktioniert (dort ist ``fetch`` gesperrt).
- ``kibuch-quiz DATEI`` liest Fragen aus einer YAML-Datei (relativ zur Seite) und setzt sie
  als Selbsttest mit sofortiger Rückmeldung; jede Frage trägt ``data-kibuch-quiz``.

Kein Skript lädt etwas aus dem Netz; alles liegt im Buch.
"""

from __future__ import annotations

import html
import importlib
import json
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: Erzeugte Datendatei → Funktion ``modul:name(path)``, die sie schreibt.
DATA_WRITERS = {
    "gpt.js": "kibuch.web.models:write_gpt_js",
    "cnn.js": "kibuch.web.models:write_cnn_js",
}
WIDGET_DIR = "widgets"


_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_FILE = re.compile(r"^[A-Za-z0-9_./-]+\.(js|css)$")


def _assets(env) -> dict:
    if not hasattr(env, "kibuch_widgets"):
        env.kibuch_widgets = {}
    return env.kibuch_widgets


def _files(text: str | None, option: str, directive) -> list[str]:
    names = (text or "").split()
    for name in names:
        if not _FILE.match(name) or ".." in name:
            raise directive.error(f"{option}: ungültiger Dateiname {name!r} (erlaubt: a-z, 0-9, "
                                  "_ . / -, Endung .js oder .css)")
    return names


class WidgetDirective(SphinxDirective):
    """``kibuch-widget NAME`` mit ``:scripts:``, ``:styles:``, ``:data:``; Inhalt = Druckersatz."""

    required_arguments = 1
    has_content = True
    option_spec = {"scripts": directives.unchanged, "styles": directives.unchanged,
                   "data": directives.unchanged, "label": directives.unchanged}

    def run(self):
        name = self.arguments[0]
        if not _NAME.match(name):
            raise self.error(f"kibuch-widget: Name {name!r} muss aus a-z, 0-9 und - bestehen")
        scripts = _files(self.options.get("scripts"), ":scripts:", self)
        styles = _files(self.options.get("styles"), ":styles:", self)
        data = _files(self.options.get("data"), ":data:", self)
        static = Path(self.env.srcdir) / "book" / "_static" / WIDGET_DIR
        for file in scripts + styles:
            if not (static / file).is_file():
                raise self.error(f"kibuch-widget {name}: Datei _static/{WIDGET_DIR}/{file} fehlt")
        for file in data:
            if file not in DATA_WRITERS:
                raise self.error(f"kibuch-widget {name}: unbekannte Datendatei {file!r}; "
                                 f"bekannt: {', '.join(sorted(DATA_WRITERS))}")
        page = _assets(self.env).setdefault(self.env.docname,
                                            {"scripts": [], "styles": [], "data": []})
        for key, files in (("scripts", scripts), ("styles", styles), ("data", data)):
            page[key] += [f for f in files if f not in page[key]]

        label = self.options.get("label", name)
        block = nodes.container(classes=["kibuch-widget-block"])
        block += nodes.raw(
            "",
            f'<div class="kibuch-widget kibuch-screen-only" data-kibuch-widget="{name}" '
            f'role="group" aria-label="{html.escape(label)}">'
            '<noscript>Dieses interaktive Element braucht JavaScript.</noscript></div>',
            format="html")
        fallback = nodes.container(classes=["kibuch-print-only"])
        self.state.nested_parse(self.content, self.content_offset, fallback)
        block += fallback
        return [block]


def load_quiz(path: Path) -> list[dict]:
    """Liest und prüft eine Quiz-Datei; wirft ``ValueError`` mit deutscher Meldung."""
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ValueError(f"Quiz-Datei {path} nicht lesbar: {err}") from err
    if not isinstance(items, list) or not items:
        raise ValueError(f"Quiz-Datei {path}: erwartet eine nicht leere Liste von Fragen")
    for i, item in enumerate(items, 1):
        where = f"Quiz-Datei {path}, Frage {i}"
        if not isinstance(item, dict) or not str(item.get("frage", "")).strip():
            raise ValueError(f"{where}: Feld „frage“ fehlt oder ist leer")
        options = item.get("optionen")
        if not isinstance(options, list) or len(options) < 2:
            raise ValueError(f"{where}: „optionen“ braucht mindestens zwei Antworten")
        for j, opt in enumerate(options, 1):
            if (not isinstance(opt, dict) or not str(opt.get("text", "")).strip()
                    or not str(opt.get("erklaerung", "")).strip()
                    or not isinstance(opt.get("richtig"), bool)):
                raise ValueError(f"{where}, Antwort {j}: braucht „text“, „erklaerung“ und "
                                 "„richtig“ (true/false)")
        if not any(opt["richtig"] for opt in options):
            raise ValueError(f"{where}: keine Antwort ist als richtig markiert")
    return items


def quiz_html(items: list[dict], key: str) -> str:
    """HTML eines Selbsttests; ``key`` macht Namen und IDs auf der Seite eindeutig."""
    esc = html.escape
    parts = ['<div class="kibuch-quiz">']
    letters = "ABCDEFGH"
    for i, item in enumerate(items, 1):
        multi = sum(opt["richtig"] for opt in item["optionen"]) > 1
        kind = "checkbox" if multi else "radio"
        qid = f"quiz-{key}-{i}"
        hint = " (mehrere Antworten richtig)" if multi else ""
        parts.append(f'<fieldset class="kibuch-quiz-q" data-kibuch-quiz id="{qid}" '
                     f'data-multi="{int(multi)}">')
        parts.append(f'<legend><span class="kibuch-quiz-nr">Frage {i}.</span> '
                     f'{esc(str(item["frage"]).strip())}{hint}</legend>')
        for j, opt in enumerate(item["optionen"]):
            parts.append(
                f'<label class="kibuch-quiz-opt"><input type="{kind}" name="{qid}" value="{j}" '
                f'data-richtig="{int(opt["richtig"])}"> <span class="kibuch-quiz-letter">'
                f'{letters[j]})</span> {esc(str(opt["text"]).strip())}'
                f'<span class="kibuch-quiz-erkl" hidden>{esc(str(opt["erklaerung"]).strip())}'
                '</span></label>')
        if multi:
            parts.append('<button type="button" class="kibuch-quiz-check">Prüfen</button>')
        right = ", ".join(letters[j] for j, o in enumerate(item["optionen"]) if o["richtig"])
        parts.append('<div class="kibuch-quiz-feedback" role="status" aria-live="polite"></div>')
        parts.append(f'<p class="kibuch-print-only kibuch-quiz-loesung">Lösung: {right}</p>')
        parts.append("</fieldset>")
    parts.append("</div>")
    return "".join(parts)


class QuizDirective(SphinxDirective):
    """``kibuch-quiz quizzes/SEITE.yml``: Selbsttest mit Rubrik „Selbsttest“."""

    required_arguments = 1

    def run(self):
        rel = self.arguments[0]
        path = (Path(self.env.doc2path(self.env.docname)).parent / rel).resolve()
        self.env.note_dependency(str(path))
        try:
            items = load_quiz(path)
        except ValueError as err:
            raise self.error(str(err)) from err
        page = _assets(self.env).setdefault(self.env.docname,
                                            {"scripts": [], "styles": [], "data": []})
        for key, file in (("scripts", "quiz.js"), ("styles", "quiz.css")):
            if file not in page[key]:
                page[key].append(file)
        key = re.sub(r"[^a-z0-9]+", "-", self.env.docname.lower()).strip("-")
        rubric = nodes.rubric(text="Selbsttest", classes=["kibuch-quiz-rubric"])
        intro = nodes.paragraph(text="Prüfen Sie Ihr Verständnis: Wählen Sie eine Antwort, "
                                     "die Rückmeldung erscheint sofort. Die Fragen sind keine "
                                     "Übungen, sondern eine kurze Selbstkontrolle.")
        return [rubric, intro, nodes.raw("", quiz_html(items, key), format="html")]


def _purge(app, env, docname):
    _assets(env).pop(docname, None)


def _merge(app, env, docnames, other):
    _assets(env).update({d: v for d, v in _assets(other).items() if d in docnames})


def _page_assets(app, pagename, templatename, context, doctree):
    """Nur Seiten mit Widgets laden deren Dateien (nicht die Einzelseite fürs PDF)."""
    if app.builder.name != "html":
        return
    page = _assets(app.env).get(pagename)
    if not page:
        return
    for file in page["styles"]:
        app.add_css_file(f"{WIDGET_DIR}/{file}")
    for file in page["data"]:
        app.add_js_file(f"{WIDGET_DIR}/data/{file}", loading_method="defer")
    for file in page["scripts"]:
        app.add_js_file(f"{WIDGET_DIR}/{file}", loading_method="defer")


def write_widget_data(outdir: Path, files) -> list[Path]:
    """Schreibt die erzeugten Datendateien nach ``outdir/_static/widgets/data``."""
    from kibuch.web.models import MissingArtifactError, ModelTooLargeError

    target = Path(outdir) / "_static" / WIDGET_DIR / "data"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for file in sorted(set(files)):
        module, func = DATA_WRITERS[file].split(":")
        writer = getattr(importlib.import_module(module), func)
        try:
            written.append(writer(target / file))
        except (MissingArtifactError, ModelTooLargeError) as err:
            # z. B. auf einem GPU-Runner: das dort trainierte Modell ist für den Browser zu
            # groß. Das Widget zeigt dann diesen Grund an, statt leer zu bleiben.
            logger.info(f"kibuch-widget: {file} nicht verfügbar: {err}")
            name = file.removesuffix(".js")
            text = (f"Dieses Widget ist in dieser Fassung des Buchs nicht verfügbar: {err}")
            (target / file).write_text(
                "window.KIBUCH_DATA = window.KIBUCH_DATA || {};\n"
                f"window.KIBUCH_DATA[{json.dumps(name)}] = "
                f"{json.dumps({'unavailable': text}, ensure_ascii=False)};\n", encoding="utf-8")
            written.append(target / file)
    return written


def _write_data(app, exception):
    if exception is not None or app.builder.name != "html":
        return
    files = {f for page in _assets(app.env).values() for f in page["data"]}
    target = Path(app.outdir) / "_static" / WIDGET_DIR / "data"
    changed = getattr(app.env, "kibuch_widgets_reread", set())
    needed = {f for f in files
              if not (target / f).is_file()
              or any(f in _assets(app.env).get(d, {}).get("data", []) for d in changed)}
    for path in write_widget_data(app.outdir, needed):
        logger.info(f"kibuch-widget: {Path(path).name} geschrieben")


def _note_reread(app, env, docnames):
    env.kibuch_widgets_reread = set(docnames)


def setup(app):
    app.add_directive("kibuch-widget", WidgetDirective)
    app.add_directive("kibuch-quiz", QuizDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-before-read-docs", _note_reread)
    app.connect("html-page-context", _page_assets)
    app.connect("build-finished", _write_data)
