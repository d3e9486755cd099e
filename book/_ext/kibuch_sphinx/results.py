"""Ergebnisse aller Kapitel: ``reports/results.json`` und die Tabelle auf der Statusseite.

Kapitel melden Kennzahlen mit ``kibuch.viz.book.report_results`` in einer Zelle mit dem Tag
``remove-cell``; deren Ausgabe trägt den MIME-Typ ``RESULTS_MIME``. Diese Erweiterung
sammelt die Ausgaben nach dem Lesen aller Seiten (``env-updated``) aus den *ausgeführten
Notebooks* ein, nicht aus den Doctrees: Zellen mit ``remove-cell`` setzt MyST-NB gar nicht
erst in den Doctree, und ein warmer Build liest unveränderte Seiten nicht neu. Quelle je
Seite, in dieser Reihenfolge:

1. ``_build/jupyter_execute/<seite>.ipynb``, das MyST-NB beim Lesen schreibt;
2. hat diese Datei keine einzige Ausgabe (MyST-NB 1.4 schreibt bei einem Cache-Treffer das
   Eingabe-Notebook), die Ausgaben des passenden Eintrags im Ausführungs-Cache;
3. fehlt die Datei, das aus der Quelle gelesene Notebook, ebenso mit dem Cache abgeglichen.

Zusammengeführt wird zu einem JSON-Objekt mit den Schlüsseln, wie die Kapitel sie melden,
und ``"_meta": {"generated": <ISO-Zeit>, "chapters": {<Präfix>: <Seite>}}``; das Präfix ist
der Schlüssel ohne seinen letzten Teil (``cnn.mnist`` für ``cnn.mnist.test_acc``). Derselbe
Schlüssel von zwei Seiten, zweimal auf einer Seite oder ein Präfix auf zwei Seiten bricht
den Build ab. Die Datei entsteht am Ende jedes HTML-Builds (auch ``singlehtml``); die
Direktive ``{kibuch-results}`` setzt die Tabelle (Schlüssel, Wert, Kapitel).

Auf demselben Weg sammelt die Erweiterung die geprüften Aussagen (``kibuch.viz.book.claim``,
MIME-Typ ``CLAIM_MIME``) je Seite: ``reports/claims.json`` und die Direktive
``{kibuch-claims}`` (Kapitel, Zahl der geprüften Aussagen, die Aussagen zum Aufklappen).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .chapters import chapter_docs, number, number_tuple

logger = logging.getLogger(__name__)

#: Gleicher Wert wie ``kibuch.viz.book.RESULTS_MIME``.
RESULTS_MIME = "application/vnd.kibuch.results+json"
REPORT = Path("reports") / "results.json"
#: Gleicher Wert wie ``kibuch.viz.book.CLAIM_MIME``.
CLAIM_MIME = "application/vnd.kibuch.claim+json"
CLAIMS_REPORT = Path("reports") / "claims.json"


# --- Einsammeln -------------------------------------------------------------------------------

def notebook_results(nb) -> list[dict]:
    """Alle Ergebnis-Ausgaben eines Notebooks (dict oder NotebookNode), in Zellreihenfolge."""
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            payload = output.get("data", {}).get(RESULTS_MIME)
            if payload is not None:
                if not isinstance(payload, dict):
                    raise ExtensionError(f"Ergebnis-Ausgabe ist kein JSON-Objekt: {payload!r}")
                found.append(dict(payload))
    return found


def notebook_claims(nb) -> list[str]:
    """Die Aussagen aller ``claim``-Ausgaben eines Notebooks, in Zellreihenfolge, ohne Dubletten.

    Dieselbe Aussage zweimal (etwa aus einer Schleife über Seeds) zählt einmal: Gezählt
    werden Sätze im Text, nicht Aufrufe.
    """
    found: list[str] = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            payload = output.get("data", {}).get(CLAIM_MIME)
            if payload is None:
                continue
            statement = payload.get("statement") if isinstance(payload, dict) else None
            if not isinstance(statement, str) or not statement.strip():
                raise ExtensionError("Aussage-Ausgabe ohne Text unter 'statement': "
                                     f"{payload!r}; Aussagen meldet kibuch.viz.book.claim.")
            if statement not in found:
                found.append(statement)
    return found


def _has_outputs(nb) -> bool:
    return any(cell.get("outputs") for cell in nb.get("cells", [])
               if cell.get("cell_type") == "code")


def _executed_dir(app) -> Path:
    return Path(app.outdir).parent / "jupyter_execute"


def _cache(app):
    from jupyter_cache import get_cache

    path = app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    return get_cache(str(path))


def _from_cache(app, nb):
    """Das Notebook mit den Ausgaben aus dem Ausführungs-Cache, oder None ohne Treffer."""
    import nbformat

    if app.config.nb_execution_mode != "cache":
        return None
    try:
        _, merged = _cache(app).merge_match_into_notebook(nbformat.from_dict(nb))
    except KeyError:
        return None
    return merged


def _from_source(app, env, docname):
    """Das Notebook aus der Quelle der Seite, wie MyST-NB es liest; None, wenn keins."""
    from myst_nb.core.read import create_nb_reader

    path = env.doc2path(docname)
    text = Path(path).read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
    return None if reader is None else reader.read(text)


def page_notebook(app, env, docname: str, mime: str = RESULTS_MIME):
    """Das ausgeführte Notebook einer Seite (siehe oben), oder None.

    None auch dann, wenn ``jupyter_execute`` Ausgaben hat, aber keine vom Typ ``mime``
    (schneller Weg ohne JSON-Lesen und ohne Cache-Abfrage).
    """
    path = _executed_dir(app) / f"{docname}.ipynb"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if mime not in text and '"output_type"' in text:
            return None  # schneller Weg: ausgeführt, aber ohne solche Ausgabe
        nb = json.loads(text)
    elif docname in getattr(env, "nb_metadata", {}):
        nb = _from_source(app, env, docname)
    else:
        return None
    if nb is None or _has_outputs(nb):
        return nb
    return _from_cache(app, nb)


def page_results(app, env, docname: str) -> list[dict]:
    """Die Ergebnis-Ausgaben einer Seite aus ihrem ausgeführten Notebook (siehe oben)."""
    nb = page_notebook(app, env, docname, RESULTS_MIME)
    return [] if nb is None else notebook_results(nb)


def page_claims(app, env, docname: str) -> list[str]:
    """Die geprüften Aussagen einer Seite, auf demselben Weg wie ``page_results``."""
    nb = page_notebook(app, env, docname, CLAIM_MIME)
    return [] if nb is None else notebook_claims(nb)


def prefix(key: str) -> str:
    """Der Schlüssel ohne seinen letzten Teil: ``cnn.mnist.test_acc`` → ``cnn.mnist``."""
    return key.rsplit(".", 1)[0]


def _natural(value):
    """dicts mit Zahlen-Schlüsseln numerisch ordnen: 1, 5, 10, 50 statt 1, 10, 5, 50.

    nbformat speichert JSON-Ausgaben mit sortierten Schlüsseln; die Reihenfolge aus dem
    Kapitel ist damit ohnehin verloren, eine numerische liest sich aber besser.
    """
    if isinstance(value, dict):
        items = [(k, _natural(v)) for k, v in value.items()]
        if all(k.lstrip("-").isdigit() for k, _ in items):
            items.sort(key=lambda kv: int(kv[0]))
        return dict(items)
    if isinstance(value, list):
        return [_natural(v) for v in value]
    return value


def merge_results(pages: dict[str, list[dict]]) -> tuple[dict, dict[str, str]]:
    """Führt die Ergebnisse aller Seiten zusammen: (Werte, Schlüssel → Seite).

    ``pages`` ordnet jeder Seite ihre Ergebnis-Ausgaben zu, in der Reihenfolge, in der die
    Werte in der Datei stehen sollen. Ein Schlüssel von zwei Seiten, zweimal auf derselben
    Seite oder ein Präfix auf zwei Seiten ist ein ``ExtensionError``.
    """
    values: dict = {}
    sources: dict[str, str] = {}
    owners: dict[str, str] = {}
    for docname, payloads in pages.items():
        for payload in payloads:
            for key, value in payload.items():
                if key.startswith("_") or "." not in key:
                    raise ExtensionError(f"{docname}: {key!r} ist kein Ergebnisschlüssel; "
                                         "Ergebnisse meldet kibuch.viz.book.report_results.")
                if key in sources:
                    where = ("zweimal gemeldet" if sources[key] == docname
                             else f"auch von {sources[key]} gemeldet")
                    raise ExtensionError(
                        f"Ergebnisschlüssel {key!r} aus {docname} wird {where}. Jeder "
                        "Schlüssel gehört genau einer Seite und kommt dort einmal vor.")
                group = prefix(key)
                if owners.setdefault(group, docname) != docname:
                    raise ExtensionError(
                        f"Das Präfix {group!r} (aus {key!r}) kommt aus {owners[group]} und aus "
                        f"{docname}. Ein Präfix gehört einer Seite; bitte eines umbenennen.")
                values[key] = _natural(value)
                sources[key] = docname
    return values, sources


def results_document(values: dict, sources: dict[str, str], generated: str) -> dict:
    """Der Inhalt von ``results.json``: die Werte und ``_meta``."""
    chapters = {}
    for key, docname in sources.items():
        chapters.setdefault(prefix(key), docname)
    return {"_meta": {"generated": generated, "chapters": chapters}, **values}


def _collect(app, env):
    """``env-updated``: Ergebnisse aller Seiten einsammeln; Seiten mit Tabelle neu schreiben."""
    docs = sorted(env.found_docs, key=lambda doc: (not number_tuple(env, doc),
                                                   number_tuple(env, doc), doc))
    pages = {doc: found for doc in docs if (found := page_results(app, env, doc))}
    values, sources = merge_results(pages)
    env.kibuch_results = {"values": values, "sources": sources}
    env.kibuch_claims = {doc: found for doc in docs if (found := page_claims(app, env, doc))}
    logger.info(f"Ergebnisse: {len(values)} Schlüssel von {len(pages)} Seiten; geprüfte "
                f"Aussagen: {sum(map(len, env.kibuch_claims.values()))} von "
                f"{len(env.kibuch_claims)} Seiten")
    tables = getattr(env, "kibuch_results_docs", set()) | getattr(env, "kibuch_claims_docs", set())
    return sorted(tables & env.found_docs)


def _write_report(app, exception):
    """``build-finished``: ``reports/results.json`` in die Website schreiben."""
    if exception is not None or app.builder.format != "html":
        return
    data = getattr(app.env, "kibuch_results", {"values": {}, "sources": {}})
    generated = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    doc = results_document(data["values"], data["sources"], generated)
    path = Path(app.outdir) / REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    env = app.env
    pages = {doc: {"number": number(env, doc), "title": _title(env, doc), "claims": claims}
             for doc, claims in claim_rows(env).items()}
    claims_doc = claims_document(pages, generated)
    (Path(app.outdir) / CLAIMS_REPORT).write_text(
        json.dumps(claims_doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --- Geprüfte Aussagen ------------------------------------------------------------------------

def claims_document(pages: dict[str, dict], generated: str) -> dict:
    """Der Inhalt von ``claims.json``: je Seite Nummer, Titel und Aussagen, dazu ``_meta``.

    ``pages`` ordnet jeder Seite ``{"number": …, "title": …, "claims": [Aussage, …]}`` zu,
    in der Reihenfolge der Seiten im Buch.
    """
    total = sum(len(page["claims"]) for page in pages.values())
    return {"_meta": {"generated": generated, "total": total,
                      "source": "kibuch.viz.book.claim"},
            "pages": {doc: {"number": page["number"], "title": page["title"],
                            "count": len(page["claims"]), "claims": list(page["claims"])}
                      for doc, page in pages.items()}}


def claim_rows(env) -> dict[str, list[str]]:
    """Seite → Aussagen für Tabelle und Datei: jedes Kapitel (auch ohne Aussage), dann jede
    weitere Seite mit Aussagen, beides in Buchreihenfolge."""
    claims = getattr(env, "kibuch_claims", {})
    docs = chapter_docs(env)
    docs += sorted((doc for doc in claims if doc not in docs),
                   key=lambda doc: (not number_tuple(env, doc), number_tuple(env, doc), doc))
    return {doc: list(claims.get(doc, [])) for doc in docs}


def _title(env, docname: str) -> str:
    return env.titles[docname].astext() if docname in env.titles else docname


# --- Tabelle ----------------------------------------------------------------------------------

class results_table(nodes.General, nodes.Element):
    """Platzhalter, den ``_fill_table`` beim Schreiben füllt."""


class ResultsDirective(SphinxDirective):
    """``{kibuch-results}``: Tabelle aller gemeldeten Ergebnisse."""

    def run(self):
        if not hasattr(self.env, "kibuch_results_docs"):
            self.env.kibuch_results_docs = set()
        self.env.kibuch_results_docs.add(self.env.docname)
        return [results_table()]


def _row(cells) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry()
        for part in cell if isinstance(cell, list) else [cell]:
            entry += part if isinstance(part, nodes.Node) else nodes.paragraph(text=part)
        row += entry
    return row


def _value_cell(value) -> list:
    """Ein Wert als Absätze: dicts mit einer Zeile je Eintrag, sonst eine Zeile."""
    from kibuch.viz.book import format_result

    if isinstance(value, dict):
        return [nodes.paragraph(text=f"{k}: {format_result(v)}") for k, v in value.items()]
    return [nodes.paragraph(text=format_result(value))]


def _report_uri(app, docname: str, report: Path = REPORT) -> str:
    if app.builder.name == "singlehtml":
        return report.as_posix()
    return "../" * docname.count("/") + report.as_posix()


def _table(classes: str, widths: tuple[int, ...], header: list[str]):
    """Leere Tabelle mit Kopfzeile: ``(table, tbody)``, Zeilen mit :func:`_row` anhängen."""
    table = nodes.table(classes=[classes])
    group = nodes.tgroup(cols=len(widths))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    head += _row(header)
    return table, body


def _doc_ref(app, docname: str, doc: str) -> nodes.paragraph:
    """Verweis auf die Seite ``doc`` mit Nummer und Titel, von ``docname`` aus."""
    ref = nodes.paragraph()
    ref += nodes.reference("", f"{number(app.env, doc)} {_title(app.env, doc)}".strip(),
                           internal=True, refuri=app.builder.get_relative_uri(docname, doc))
    return ref


def _report_note(app, docname: str, report: Path) -> nodes.paragraph:
    """„Maschinenlesbar: reports/….json.“ mit Verweis auf die Datei."""
    note = nodes.paragraph(text="Maschinenlesbar: ")
    note += nodes.reference("", report.as_posix(), refuri=_report_uri(app, docname, report))
    note += nodes.Text(".")
    return note


def _fill_table(app, doctree, docname):
    data = getattr(app.env, "kibuch_results", {"values": {}, "sources": {}})
    for node in list(doctree.findall(results_table)):
        values, sources = data["values"], data["sources"]
        if not values:
            node.replace_self(nodes.paragraph(text="Noch meldet kein Kapitel Ergebnisse."))
            continue
        table, body = _table("kibuch-results", (3, 4, 3), ["Schlüssel", "Wert", "Kapitel"])
        for key, value in values.items():
            body += _row([nodes.paragraph("", "", nodes.literal(text=key)), _value_cell(value),
                          _doc_ref(app, docname, sources[key])])
        node.replace_self([table, _report_note(app, docname, REPORT)])


class claims_table(nodes.General, nodes.Element):
    """Platzhalter, den ``_fill_claims`` beim Schreiben füllt."""


class ClaimsDirective(SphinxDirective):
    """``{kibuch-claims}``: Zahl der geprüften Aussagen je Kapitel, mit den Aussagen."""

    def run(self):
        if not hasattr(self.env, "kibuch_claims_docs"):
            self.env.kibuch_claims_docs = set()
        self.env.kibuch_claims_docs.add(self.env.docname)
        return [claims_table()]


def _statements_cell(app, claims: list[str]) -> list:
    """Die Aussagen als Liste, in HTML zum Aufklappen (``<details>``)."""
    if not claims:
        return [nodes.paragraph(text="–")]
    items = nodes.bullet_list()
    for statement in claims:
        items += nodes.list_item("", nodes.paragraph(text=statement))
    if app.builder.format != "html":
        return [items]
    summary = f"{len(claims)} Aussage{'' if len(claims) == 1 else 'n'} anzeigen"
    return [nodes.raw("", f"<details><summary>{summary}</summary>", format="html"), items,
            nodes.raw("", "</details>", format="html")]


def _fill_claims(app, doctree, docname):
    for node in list(doctree.findall(claims_table)):
        rows = claim_rows(app.env)
        if not rows:
            node.replace_self(nodes.paragraph(text="Noch prüft kein Kapitel Aussagen."))
            continue
        table, body = _table("kibuch-claims", (3, 2, 5),
                             ["Kapitel", "Zahl der geprüften Aussagen", "Aussagen"])
        for doc, claims in rows.items():
            body += _row([_doc_ref(app, docname, doc), str(len(claims)),
                          _statements_cell(app, claims)])
        body += _row(["Summe", str(sum(map(len, rows.values()))), ""])
        node.replace_self([table, _report_note(app, docname, CLAIMS_REPORT)])


_DOC_SETS = ("kibuch_results_docs", "kibuch_claims_docs")


def _purge(app, env, docname):
    for name in _DOC_SETS:
        getattr(env, name, set()).discard(docname)


def _merge(app, env, docnames, other):
    for name in _DOC_SETS:
        if not hasattr(env, name):
            setattr(env, name, set())
        getattr(env, name).update(getattr(other, name, set()) & set(docnames))


def setup(app):
    app.add_node(results_table)
    app.add_directive("kibuch-results", ResultsDirective)
    app.add_node(claims_table)
    app.add_directive("kibuch-claims", ClaimsDirective)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-updated", _collect)
    app.connect("doctree-resolved", _fill_table)
    app.connect("doctree-resolved", _fill_claims)
    app.connect("build-finished", _write_report)
