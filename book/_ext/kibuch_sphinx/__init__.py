"""Sphinx-Erweiterung des Buchs „KI-Grundlagen“, nach Aufgaben getrennt.

- :mod:`.assets`: plotly.js liegt lokal bei, Thebe-Skripte fallen weg, der
  Einzelseiten-Build (Grundlage des PDFs) nutzt die HTML-Übersetzungen mit.
- :mod:`.downloads`: Notebook-Archiv, Ausgaben aus dem Ausführungs-Cache in den
  Download-Notebooks, Colab-Links auf den Zweig ``notebooks``, PDF im Download-Menü.
- :mod:`.provenance`: Buchangaben aus ``CITATION.cff``, Kasten „Zitieren“ und
  „Ausführungsprotokoll“ am Ende jedes Kapitels, Version im Seitenfuß.
- :mod:`.status`: die Direktive ``kibuch-status`` (Laufzeiten aller Kapitel).
- :mod:`.results`: ``reports/results.json`` aus den Ergebnis-Ausgaben aller Kapitel
  (``kibuch.viz.book.report_results``) und die Direktive ``kibuch-results``; ebenso
  ``reports/claims.json`` aus den geprüften Aussagen (``kibuch.viz.book.claim``) und die
  Direktive ``kibuch-claims`` (registriert in ``results.setup``).
- :mod:`.widgets`: interaktive Widgets (``kibuch-widget``) und Selbsttests (``kibuch-quiz``)
  nur auf den Seiten, die sie nutzen; erzeugte Modelldaten nach ``_static/widgets/data``.
- :mod:`.chapters`: welche Seiten Kapitel sind und welche Nummer sie tragen.

Eingebunden über ``_config.yml`` (``sphinx.local_extensions``).
"""

from __future__ import annotations

import os

from . import assets, downloads, provenance, results, status, widgets


def setup(app):
    # Die Kernel der ausgeführten Kapitel erben diese Variable: Nur im Buchbau gehen Werte
    # per glue in den Text, sonst zeigt kibuch sie direkt an (kibuch.viz.book.in_book_build).
    os.environ["KIBUCH_BOOK_BUILD"] = "1"
    for module in (assets, downloads, provenance, results, status, widgets):
        module.setup(app)
    return {"version": "0.2", "parallel_read_safe": True, "parallel_write_safe": True}
