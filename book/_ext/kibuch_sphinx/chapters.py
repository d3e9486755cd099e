"""Kapitel erkennen: ausgeführte Notebooks mit einer Nummer im Inhaltsverzeichnis.

Nur diese Seiten bekommen Zitierkasten und Ausführungsprotokoll, stehen auf der
Statusseite und im Notebook-Archiv. Ausgeführte Seiten ohne Nummer (etwa „Für Lehrende“)
und nummerierte Seiten ohne Code (die Einstiegsseiten 3.1–3.4) gehören nicht dazu.
"""

from __future__ import annotations


def exec_data(env, docname: str) -> dict | None:
    """Ausführungsdaten von MyST-NB (Zeitpunkt, Laufzeit, Methode) oder None."""
    data = getattr(env, "nb_metadata", {}).get(docname, {})
    return data.get("exec_data")


def number_tuple(env, docname: str) -> tuple[int, ...]:
    """Abschnittsnummer der Seite, z. B. (3, 3, 1); leer, wenn sie keine hat."""
    return tuple(env.toc_secnumbers.get(docname, {}).get("") or ())


def number(env, docname: str) -> str:
    """Abschnittsnummer als Text, z. B. „3.3.1“; leer, wenn die Seite keine hat."""
    return ".".join(str(n) for n in number_tuple(env, docname))


def chapter_docs(env) -> list[str]:
    """Alle Kapitel, sortiert nach ihrer Nummer."""
    docs = [doc for doc in env.found_docs
            if exec_data(env, doc) is not None and number_tuple(env, doc)]
    return sorted(docs, key=lambda doc: number_tuple(env, doc))
