"""Kapitel 2: der Einstiegshafen der Titanic-Passagiere (für das Sankey-Diagramm).

``kibuch.data.load("titanic")`` liest den Datensatz *Titanicp* aus dem R-Paket vcdExtra; er
hat keinen Einstiegshafen. Die Quelle beider Tabellen, *titanic3* von Frank E. Harrell Jr.
und Thomas Cason (Vanderbilt University), hat ihn: ``kibuch.data.load("titanic3")`` liest
sie (SHA-256-geprüft) aus der Kopie, die scikit-learn mitbringt, mit der Spalte ``hafen``.
Dort steht die einzige Implementierung des Lesens.

:func:`load_titanic_ports` ist die schmale Form: ``load("titanic")`` mit der zusätzlichen
Spalte ``hafen``. Bevor es die Spalte anfügt, prüft es Zeile für Zeile, dass Klasse,
Geschlecht, Alter, Angehörige und Ausgang in beiden Tabellen übereinstimmen. Das
Sankey-Diagramm in Kapitel 2 liest ``load("titanic3")`` selbst; dieselbe Übereinstimmung
prüft dort der Datensatz-Test (``tests/data/test_data.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.data.tabular import PORTS

__all__ = ["PORTS", "load_titanic_ports"]


def load_titanic_ports() -> pd.DataFrame:
    """``data.load("titanic")`` mit der zusätzlichen Spalte ``hafen`` (Einstiegshafen).

    ``hafen`` ist ``"Southampton"``, ``"Cherbourg"`` oder ``"Queenstown"``; bei zwei
    Passagierinnen fehlt der Hafen in der Quelle (NaN). Weicht eine Zeile von
    ``load("titanic3")`` in Klasse, Geschlecht, Alter, Angehörigen oder Ausgang von
    ``load("titanic")`` ab, ist das ein ``ValueError`` statt eines still falsch
    zugeordneten Hafens.
    """
    from kibuch import data

    titanic = data.load("titanic")
    full = data.load("titanic3")
    if len(full) != len(titanic):
        raise ValueError(f"titanic3 hat {len(full)} Zeilen, load('titanic') {len(titanic)}.")
    for column in titanic.columns:
        mine, theirs = titanic[column].to_numpy(), full[column].to_numpy()
        if column == "alter":
            same = np.isclose(mine, theirs, atol=1e-3, equal_nan=True)
        else:
            same = mine == theirs
        if not same.all():
            first = int(np.flatnonzero(~same)[0])
            raise ValueError(f"titanic3 und load('titanic') passen in der Spalte {column!r} "
                             f"nicht zusammen (zuerst in Zeile {first}); der Hafen ließe sich "
                             "nicht sicher zuordnen.")
    titanic["hafen"] = full["hafen"].to_numpy()
    return titanic
