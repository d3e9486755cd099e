"""Herkunft jedes Kapitels: Buchangaben, Kasten „Zitieren“, Ausführungsprotokoll, Version.

Titel, Autorinnen und Autoren, Adresse und Version des Buchs stehen an genau einer Stelle,
in ``CITATION.cff`` im Wurzelverzeichnis. Diese Erweiterung liest sie von dort, setzt
Sphinx' ``author`` danach und prüft, dass ``html.baseurl`` aus ``_config.yml`` und die
Version des Pakets ``kibuch`` dazu passen; jede Abweichung ist eine Warnung (und im
strengen Build ein Fehler).

Jede Kapitelseite endet mit einem Kasten „Zitieren“ (formatierte Angabe und BibTeX,
versionierte URL, Abrufdatum) und einem „Ausführungsprotokoll“ (Datum, Commit, Gerät,
Paketversionen, Laufzeit).
"""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

from .chapters import exec_data, number, number_tuple

logger = logging.getLogger(__name__)
CITATION = "CITATION.cff"


@dataclass(frozen=True)
class BookInfo:
    """Die Angaben aus ``CITATION.cff``, die Website, Zitierkasten und PDF brauchen."""

    title: str        # voller Titel mit Untertitel
    authors: str      # Namen, mit „ und “ verbunden
    url: str          # Adresse der Website (ohne Version)
    repository: str   # Adresse des Repositorys
    version: str


def read_citation(path: Path) -> BookInfo:
    if not path.exists():
        raise ExtensionError(f"{path} fehlt: Titel, Autoren und Adresse des Buchs stehen dort.")
    cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [a.get("name") or " ".join(filter(None, (a.get("given-names"),
                                                     a.get("family-names"))))
             for a in cff["authors"]]
    return BookInfo(title=cff["title"], authors=" und ".join(names), url=cff["url"],
                    repository=cff["repository-code"], version=str(cff["version"]))


def book_info(app) -> BookInfo:
    return _cached_citation(Path(app.srcdir) / CITATION)


@functools.lru_cache(maxsize=4)
def _cached_citation(path: Path) -> BookInfo:
    return read_citation(path)


def _version() -> str:
    return metadata.version("kibuch")


def _configure(app, config):
    """Autoren, Seitentitel und Versionsfuß aus CITATION.cff; Abweichungen melden."""
    info = book_info(app)
    config.author = info.authors
    config.version = config.release = _version()
    if info.version != _version():
        logger.warning(f"{CITATION} nennt Version {info.version}, das Paket kibuch ist "
                       f"{_version()}: beide Angaben angleichen.")
    if (config.html_baseurl or "").rstrip("/") != info.url.rstrip("/"):
        logger.warning(f"html.baseurl in _config.yml ({config.html_baseurl}) weicht von der "
                       f"Adresse in {CITATION} ({info.url}) ab.")
    short_title = config.html_title or ""
    if not info.title.startswith(short_title):
        logger.warning(f"title in _config.yml ({short_title}) ist kein Anfang des Titels in "
                       f"{CITATION} ({info.title}).")
    config.html_title = f"{short_title} {_version()}"
    # Version im Fuß jeder Seite, mit Link auf das Änderungsprotokoll
    opts = dict(config.html_theme_options or {})
    branch = opts.get("repository_branch") or "main"
    opts["extra_footer"] = (opts.get("extra_footer") or "") + (
        f'<p>Version {_version()} · <a href="{info.repository}/blob/{branch}/'
        f'book/changelog.md">Änderungen</a></p>'
    )
    config.html_theme_options = opts


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


def _cite_box(info: BookInfo, docname: str, title: str, num: str, depth: int) -> nodes.Element:
    today = dt.date.today()
    version = _version()
    url = f"{info.url.rstrip('/')}/v{version}/{docname}.html"
    kind = "Kapitel" if depth <= 2 else "Abschnitt"
    label = f"{kind} {num}: {title}" if num else title
    apa = (
        f"{info.authors} ({today.year}). {label}. In: {info.title} (Version {version}). "
        f"{url} (abgerufen am {today:%d.%m.%Y})."
    )
    key = "kigrundlagen" + str(today.year) + "_" + docname.split("/")[-1]
    bibtex = "\n".join([
        f"@incollection{{{key},",
        f"  author    = {{{{{info.authors}}}}},",
        f"  title     = {{{title}}},",
        f"  booktitle = {{{info.title}}},",
        *([f"  chapter   = {{{num}}},"] if num else []),
        f"  edition   = {{{version}}},",
        f"  year      = {{{today.year}}},",
        f"  url       = {{{url}}},",
        f"  urldate   = {{{today.isoformat()}}}",
        "}",
    ])
    box = nodes.admonition(classes=["kibuch-cite", "note"], ids=["zitieren"])
    box += nodes.title(text="Zitieren")
    what = "dieses Kapitel" if depth <= 2 else "diesen Abschnitt"
    box += nodes.paragraph(text=f"Bitte zitieren Sie {what} so:")
    box += nodes.paragraph(text=apa)
    box += nodes.literal_block(bibtex, bibtex, language="bibtex")
    return box


def _stamp_box(env, docname: str) -> nodes.Element:
    data = exec_data(env, docname)
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
    depth = len(number_tuple(env, docname))
    if exec_data(env, docname) is None or not depth:
        return  # keine ausgeführte, nummerierte Seite: kein Kapitel
    title = env.titles[docname].astext() if docname in env.titles else docname
    doctree += _cite_box(book_info(app), docname, title, number(env, docname), depth)
    doctree += _stamp_box(env, docname)


def setup(app):
    app.connect("config-inited", _configure)
    app.connect("doctree-resolved", _decorate_chapter)
