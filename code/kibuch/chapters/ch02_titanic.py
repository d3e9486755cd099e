"""Kapitel 2: der Einstiegshafen der Titanic-Passagiere (für das Sankey-Diagramm).

``kibuch.data.load("titanic")`` liest den Datensatz *Titanicp* aus dem R-Paket vcdExtra; er
hat keinen Einstiegshafen. Die Quelle beider Tabellen, *titanic3* von Frank E. Harrell Jr.
und Thomas Cason (Vanderbilt University), hat ihn (Spalte ``embarked``). scikit-learn
bringt eine Kopie von *titanic3* mit (OpenML-Datensatz 40945, als Prüfdatei für
``fetch_openml``). :func:`load_titanic_ports` liest daraus den Hafen, prüft die Datei per
SHA-256 und prüft Zeile für Zeile, dass Klasse, Geschlecht, Alter, Angehörige und Ausgang
mit ``load("titanic")`` übereinstimmen, bevor es die Spalte anfügt. Ohne Netz, wie alle
Daten des Buchs.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd

#: Datei in scikit-learn (relativer Pfad im Paket) und ihre SHA-256 (scikit-learn 1.9.1;
#: die Datei ist seit Jahren unverändert).
TITANIC3_FILE = "datasets/tests/data/openml/id_40945/data-v1-dl-16826755.arff.gz"
TITANIC3_SHA256 = "516e961f519876e5f89b339a0364a08dd64160ac3a4d76d5ec62955bfd6d6ce5"

#: Kürzel in ``embarked`` → Hafen, in der Reihenfolge der Reise (Southampton, Cherbourg,
#: Queenstown, heute Cobh).
PORTS = {"S": "Southampton", "C": "Cherbourg", "Q": "Queenstown"}

#: Spalten von titanic3 in der Reihenfolge der Datei.
_COLUMNS = ("pclass", "survived", "name", "sex", "age", "sibsp", "parch", "ticket", "fare",
            "cabin", "embarked", "boat", "body", "home.dest")


def _titanic3_path() -> Path:
    from kibuch.data.checksums import verify_file

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("Das Paket scikit-learn fehlt; installieren Sie kibuch mit "
                                  "seinen Abhängigkeiten.")
    root = Path(list(spec.submodule_search_locations)[0])
    return verify_file(root / TITANIC3_FILE, TITANIC3_SHA256, what="titanic3 (scikit-learn)",
                       hint="Die Prüfsumme gilt für die Kopie in scikit-learn 1.9.1.")


def read_titanic3() -> pd.DataFrame:
    """Die Tabelle titanic3 (1309 Zeilen, 14 Spalten, Originalnamen, ``?`` → fehlend)."""
    text = gzip.decompress(_titanic3_path().read_bytes()).decode("utf-8")
    _, body = text.split("@data", 1)
    rows = list(csv.reader(io.StringIO(body.strip()), quotechar='"', escapechar="\\"))
    if any(len(row) != len(_COLUMNS) for row in rows):
        raise ValueError("titanic3: eine Zeile hat nicht 14 Felder; die Datei ist anders "
                         "aufgebaut als erwartet.")
    frame = pd.DataFrame(rows, columns=list(_COLUMNS)).replace("?", np.nan)
    for column in ("pclass", "survived", "sibsp", "parch"):
        frame[column] = frame[column].astype("int64")
    for column in ("age", "fare", "body"):
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame


def load_titanic_ports() -> pd.DataFrame:
    """``data.load("titanic")`` mit der zusätzlichen Spalte ``hafen`` (Einstiegshafen).

    ``hafen`` ist ``"Southampton"``, ``"Cherbourg"`` oder ``"Queenstown"``; bei zwei
    Passagierinnen fehlt der Hafen in der Quelle (NaN). Weicht eine Zeile von titanic3 in
    Klasse, Geschlecht, Alter, Angehörigen oder Ausgang von ``load("titanic")`` ab, ist das
    ein ``ValueError`` statt eines still falsch zugeordneten Hafens.
    """
    from kibuch import data

    titanic = data.load("titanic")
    source = read_titanic3()
    if len(source) != len(titanic):
        raise ValueError(f"titanic3 hat {len(source)} Zeilen, load('titanic') {len(titanic)}.")
    sex = source["sex"].map({"male": "männlich", "female": "weiblich"})
    same = {
        "klasse": source["pclass"].to_numpy() == titanic["klasse"].to_numpy(),
        "geschlecht": sex.to_numpy() == titanic["geschlecht"].to_numpy(),
        "alter": np.isclose(source["age"].to_numpy(), titanic["alter"].to_numpy(),
                            atol=1e-3, equal_nan=True),
        "geschwister_partner": source["sibsp"].to_numpy()
        == titanic["geschwister_partner"].to_numpy(),
        "eltern_kinder": source["parch"].to_numpy() == titanic["eltern_kinder"].to_numpy(),
        "ueberlebt": source["survived"].to_numpy() == titanic["ueberlebt"].to_numpy(),
    }
    for column, ok in same.items():
        if not ok.all():
            first = int(np.flatnonzero(~ok)[0])
            raise ValueError(f"titanic3 und load('titanic') passen in der Spalte {column!r} "
                             f"nicht zusammen (zuerst in Zeile {first}); der Hafen ließe sich "
                             "nicht sicher zuordnen.")
    titanic["hafen"] = source["embarked"].map(PORTS).astype("str").mask(
        source["embarked"].isna()).to_numpy()
    return titanic
