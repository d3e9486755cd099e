"""Die Statusseite: ``{kibuch-status}`` setzt eine Tabelle der Laufzeiten aller Kapitel.

Die Tabelle entsteht erst, wenn alle Seiten gelesen sind (``doctree-resolved``); damit sie
nach jedem Build aktuell ist, gilt die Statusseite immer als veraltet.
"""

from __future__ import annotations

import datetime as dt

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .chapters import chapter_docs, exec_data, number

STATUS_DOC = "book/status"


class status_table(nodes.General, nodes.Element):
    """Platzhalter, den ``_fill_status`` nach dem Lesen aller Seiten füllt."""


class StatusDirective(SphinxDirective):
    """``{kibuch-status}``: Tabelle der Ausführungszeiten aller Kapitel."""

    def run(self):
        return [status_table()]


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=cell)
        row += entry
    return row


def _fill_status(app, doctree, docname):
    env = app.env
    for node in doctree.findall(status_table):
        table = nodes.table(classes=["kibuch-status"])
        group = nodes.tgroup(cols=5)
        table += group
        for _ in range(5):
            group += nodes.colspec(colwidth=1)
        head = nodes.thead()
        body = nodes.tbody()
        group += head
        group += body
        head += _row(["Kapitel", "Ausgeführt am", "Methode", "Laufzeit (s)", "Status"])
        total = 0.0
        for doc in chapter_docs(env):
            data = exec_data(env, doc)
            ref = nodes.paragraph()
            ref += nodes.reference(
                "", f"{number(env, doc)} {env.titles[doc].astext()}".strip(),
                internal=True, refuri=app.builder.get_relative_uri(docname, doc),
            )
            runtime = data.get("runtime") or 0.0
            total += runtime
            when = dt.datetime.fromtimestamp(data["mtime"]).strftime("%d.%m.%Y %H:%M")
            method = {"cache": "Cache", "force": "neu ausgeführt"}.get(data["method"],
                                                                        data["method"])
            body += _row([ref, when, method, f"{runtime:.1f}".replace(".", ","),
                          "ok" if data.get("succeeded") else "Fehler"])
        body += _row(["Summe", "", "", f"{total:.1f}".replace(".", ","), ""])
        node.replace_self(table)


def _status_always_outdated(app, env, added, changed, removed):
    return [STATUS_DOC] if STATUS_DOC in env.found_docs else []


def setup(app):
    app.add_node(status_table)
    app.add_directive("kibuch-status", StatusDirective)
    app.connect("doctree-resolved", _fill_status)
    app.connect("env-get-outdated", _status_always_outdated)
