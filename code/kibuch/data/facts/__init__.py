"""Belegte Kennzahlen des Buchs: von Hand aus den Quellen übernommen, gepflegt als CSV.

Jede Zahl (und jede Textangabe wie eine Risikoklasse) steht genau einmal in einer der
Dateien ``kibuch/resources/facts/<thema>.csv``. Jede Zeile ist **eine** Angabe mit den
Spalten

``gegenstand``  worum es geht, z. B. „GPT-3“, „H100 SXM“, „NeurIPS“
``groesse``     welche Größe, z. B. „Parameter“, „Rechenleistung“, „Angenommene Beiträge“
``bedingung``   was die Angabe näher bestimmt (Zahlenformat, Korpus …), sonst leer
``jahr``        Jahr, auf das sich die Angabe bezieht (Erscheinen, Messjahr, Schätzung)
``wert``        der Wert als Text: Zahl mit Dezimalpunkt, ISO-Datum oder Text
``einheit``     Einheit; „Text“ und „Datum“ kennzeichnen nicht-numerische Werte
``anmerkung``   Hinweis zur Angabe (Prognose, Umrechnung, Rundung), sonst leer
``quelle``      BibTeX-Schlüssel aus ``book/references.bib`` oder ``book/bib/*.bib``
``fundstelle``  Stelle in der Quelle (Tabelle, Abbildung, Abschnitt, Absatz, Artikel, URL);
                „unbekannt“ wird abgelehnt
``abgerufen``   Datum (ISO), an dem der Wert zuletzt an der Quelle geprüft wurde;
                nicht erneut geprüfte Zeilen sagen das in ``anmerkung``

Dieselbe Angabe (``gegenstand``, ``groesse``, ``bedingung``, ``jahr``) darf nur einmal
vorkommen. Die Dateien werden vor dem Lesen gegen die SHA-256 in :data:`SHA256` geprüft
und dann Zeile für Zeile auf Vollständigkeit geprüft. Roh lädt man sie über die
Registry (``kibuch.data.load("fakten", thema="sprachmodelle")``); die Funktionen unten
liefern die Tabellen in der Form, die die Kapitel brauchen. Der Import liest nichts.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pandas as pd

from kibuch.core.checks import (
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_str,
)
from kibuch.data.checksums import sha256_file, verify_file
from kibuch.data.registry import Column, Datasheet, Option, register

#: Themen, je eine Datei ``<thema>.csv``.
TOPICS = ("daten", "energie", "forschung", "hardware", "imagenet", "meilensteine",
          "regulierung", "sprachmodelle", "trainingsdaten")
#: Spalten jeder Datei in dieser Reihenfolge.
COLUMNS = ("gegenstand", "groesse", "bedingung", "jahr", "wert", "einheit", "anmerkung",
           "quelle", "fundstelle", "abgerufen")
#: Spalten, die in keiner Zeile leer sein dürfen.
REQUIRED = ("gegenstand", "groesse", "jahr", "wert", "einheit", "quelle", "fundstelle",
            "abgerufen")
#: Einheiten, deren Werte keine Zahlen sind.
NON_NUMERIC = ("Text", "Datum")
#: Verzeichnis der CSV-Dateien (Paketdaten).
FACTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "facts"
#: Erwartete SHA-256 jeder Datei. Wer eine Zahl ändert, trägt hier die neue Prüfsumme ein
#: (die Fehlermeldung nennt sie) – so ändert sich keine Zahl im Buch unbemerkt.
SHA256 = {
    "daten": "187d8ece1aa128ad81110a15d5ba68047e0935cca35cd49d8da75c2038e38b1d",
    "energie": "3c2c580de96c29eb6329ba405978f911c065ee82392fbba4d3b3a8d0a453c4fb",
    "forschung": "fb8281653ccb6702234c6c361ad9c1bc1f4acde8f76906f6fdd1b2b0e875445f",
    "hardware": "16e59a29edd04710fc461e09d543280ec6f014a4f814c639e9e4f7a77a1380f9",
    "imagenet": "93dba995836cd05db879e48c1d7248c3c1a86b95e9611110c9607e40f9fc1f79",
    "meilensteine": "2015df58f36e937799e493458ce23f6c428e42e5c140bf7b2c5f7c5a4173621d",
    "regulierung": "b74d00383f76cac3849d397577dd51b0524bc4f3638013d36c85590fbf52b836",
    "sprachmodelle": "21601e86b3289a4619d46c7590b37fb747676b81b2fe500476b7fb496cdeb5f4",
    "trainingsdaten": "1235f21d09043dadd34785611f7cc8df3ce701ee97318d89dd336ea1d84ef8e8",
}

_MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember")


# ---------------------------------------------------------------------------
# Lesen und Prüfen
# ---------------------------------------------------------------------------

def _fail(path: Path, line: int, message: str):
    raise ValueError(f"{path.name}, Zeile {line}: {message}")


def _validate(frame: pd.DataFrame, path: Path) -> None:
    """Jede Zeile vollständig, Jahr und Datum gültig, Zahlen lesbar, keine Angabe doppelt."""
    if tuple(frame.columns) != COLUMNS:
        raise ValueError(f"{path.name}: Spalten {list(frame.columns)}, erwartet {list(COLUMNS)}.")
    if frame.empty:
        raise ValueError(f"{path.name} enthält keine Zeilen.")
    seen: dict[tuple, int] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):  # Zeile 1: Kopf
        for column in REQUIRED:
            if not getattr(row, column).strip():
                _fail(path, i, f"Spalte {column!r} ist leer.")
        if row.fundstelle.strip().lower() == "unbekannt":
            _fail(path, i, "fundstelle „unbekannt“: bitte die Stelle in der Quelle angeben "
                           "(Tabelle, Abbildung, Abschnitt, URL).")
        if not row.jahr.isdigit() or not 1900 <= int(row.jahr) <= 2100:
            _fail(path, i, f"jahr {row.jahr!r} ist keine Jahreszahl.")
        try:
            dt.date.fromisoformat(row.abgerufen)
        except ValueError:
            _fail(path, i, f"abgerufen {row.abgerufen!r} ist kein Datum JJJJ-MM-TT.")
        try:
            if row.einheit == "Datum":
                dt.date.fromisoformat(row.wert)
            elif row.einheit != "Text":
                float(row.wert)
        except ValueError:
            _fail(path, i, f"wert {row.wert!r} passt nicht zur Einheit {row.einheit!r}.")
        key = (row.gegenstand, row.groesse, row.bedingung, row.jahr)
        if key in seen:
            _fail(path, i, f"Angabe {key} steht schon in Zeile {seen[key]}.")
        seen[key] = i


@functools.cache
def _read(topic: str) -> pd.DataFrame:
    """Eine Datei nach Prüfsumme und Zeilenprüfung (gecacht; Aufrufer bekommen Kopien)."""
    path = verify_file(FACTS_DIR / f"{topic}.csv", SHA256[topic], what=f"Fakten {topic!r}",
                       hint="Neue Prüfsumme nach einer gewollten Änderung in "
                            "kibuch.data.facts.SHA256 eintragen.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    _validate(frame, path)
    return frame.astype({"jahr": "int64"})


def _rows(topic: str, groesse: str | None = None) -> pd.DataFrame:
    frame = _read(topic)
    if groesse is not None:
        frame = frame[frame["groesse"] == groesse]
    return frame.reset_index(drop=True)


def _numbers(series: pd.Series) -> pd.Series:
    """Werte als float64 (``float`` rundet jede Dezimalzahl korrekt)."""
    return series.map(float).astype("float64")


def _lookup(frame: pd.DataFrame, groesse: str) -> dict[str, pd.Series]:
    """Gegenstand -> Zeile für eine Größe (jeder Gegenstand höchstens einmal)."""
    part = frame[frame["groesse"] == groesse]
    return {row["gegenstand"]: row for _, row in part.iterrows()}


def checksums() -> dict[str, str]:
    """Die tatsächlichen SHA-256 der CSV-Dateien (zum Nachtragen in :data:`SHA256`)."""
    return {topic: sha256_file(FACTS_DIR / f"{topic}.csv") for topic in TOPICS}


# ---------------------------------------------------------------------------
# Registry: alle Angaben in langer Form
# ---------------------------------------------------------------------------

def _sheet() -> Datasheet:
    frame = load_facts()
    columns = [Column("thema", "str", f"Datei <thema>.csv: {', '.join(TOPICS)}")]
    columns += [Column(c, "int64" if c == "jahr" else "str", d) for c, d in (
        ("gegenstand", "worum es geht, z. B. „GPT-3“"),
        ("groesse", "welche Größe, z. B. „Parameter“"),
        ("bedingung", "nähere Bestimmung (Zahlenformat, Korpus), sonst leer"),
        ("jahr", "Jahr, auf das sich die Angabe bezieht"),
        ("wert", "Wert als Text (Zahl mit Dezimalpunkt, ISO-Datum oder Text)"),
        ("einheit", "Einheit; „Text“/„Datum“ für nicht-numerische Werte"),
        ("anmerkung", "Hinweis (Prognose, Umrechnung, Rundung), sonst leer"),
        ("quelle", "BibTeX-Schlüssel der Quelle"),
        ("fundstelle", "Tabelle, Abbildung oder Abschnitt der Quelle"),
        ("abgerufen", "Datum der Übernahme aus der Quelle, JJJJ-MM-TT"),
    )]
    return Datasheet(
        name="fakten",
        title="Belegte Kennzahlen des Buchs",
        source="kibuch/resources/facts/<thema>.csv (eigene Zusammenstellung des Buchs)",
        license="Einzelangaben aus den genannten Quellen; Zusammenstellung wie das Buch",
        size=f"{len(frame)} Angaben × {len(frame.columns)} Spalten in {len(TOPICS)} Dateien",
        citation="Je Zeile in der Spalte quelle (BibTeX-Schlüssel des Literaturverzeichnisses).",
        collection=(
            "Von Hand aus Veröffentlichungen, Datenblättern und Rechtstexten abgeschrieben, "
            "je Angabe mit Quelle, Fundstelle und Datum der Übernahme. Abgeleitete Größen "
            "(etwa 6·N·D) stehen nicht in den Dateien, sondern werden berechnet."
        ),
        columns=tuple(columns),
    )


@register("fakten", _sheet, options={
    "thema": Option("alle", choices=("alle", *TOPICS), help="eine Datei oder alle zusammen"),
})
def load_facts(thema: str = "alle") -> pd.DataFrame:
    """Alle Angaben eines Themas (oder aller) in langer Form mit Spalte ``thema`` vorn."""
    thema = check_choice("thema", thema, ("alle", *TOPICS))
    topics = TOPICS if thema == "alle" else (thema,)
    parts = [_read(t).assign(thema=t) for t in topics]
    frame = pd.concat(parts, ignore_index=True)
    return frame[["thema", *COLUMNS]]


def value(gegenstand: str, groesse: str, bedingung: str = "", *, jahr: int | None = None):
    """Der Wert einer einzelnen Angabe: ``float``, bei Einheit „Datum“ ein ``datetime.date``,
    bei „Text“ ein ``str``.

    >>> value("GPT-3", "Parameter")
    175000000000.0
    """
    gegenstand = check_str("gegenstand", gegenstand)
    groesse = check_str("groesse", groesse)
    bedingung = check_str("bedingung", bedingung, allow_empty=True)
    if jahr is not None:
        jahr = check_int("jahr", jahr, 1900, 2100)
    facts = load_facts()
    check_choice("gegenstand", gegenstand, sorted(set(facts["gegenstand"])))
    match = facts[(facts["gegenstand"] == gegenstand)]
    check_choice("groesse", groesse, sorted(set(match["groesse"])))
    match = match[match["groesse"] == groesse]
    check_choice("bedingung", bedingung, sorted(set(match["bedingung"])))
    match = match[match["bedingung"] == bedingung]
    if jahr is not None:
        check_choice("jahr", jahr, sorted(int(j) for j in set(match["jahr"])))
        match = match[match["jahr"] == jahr]
    if len(match) != 1:
        years = ", ".join(str(j) for j in match["jahr"])
        raise ValueError(f"{gegenstand}/{groesse} gibt es für mehrere Jahre ({years}); "
                         "bitte jahr angeben.")
    row = match.iloc[0]
    if row["einheit"] == "Text":
        return row["wert"]
    if row["einheit"] == "Datum":
        return dt.date.fromisoformat(row["wert"])
    return float(row["wert"])


def german_date(date: dt.date, *, day: bool = True) -> str:
    """Datum in deutscher Schreibweise: „2. Februar 2025“ (``day=False``: „Februar 2025“)."""
    check_instance("date", date, dt.date, "ein datetime.date")
    day = check_bool("day", day)
    month = f"{_MONTHS[date.month - 1]} {date.year}"
    return f"{date.day}. {month}" if day else month


# ---------------------------------------------------------------------------
# Kapitel 1: Daten, Hardware, Forschung, Meilensteine
# ---------------------------------------------------------------------------

def data_volume() -> pd.DataFrame:
    """Weltweites Datenvolumen: Spalten ``jahr`` (int), ``zettabyte`` (float),
    ``prognose`` (bool: Anmerkung beginnt mit „Prognose“) und ``quelle`` (BibTeX-Schlüssel)."""
    rows = _rows("daten", "Datenvolumen")
    return pd.DataFrame({"jahr": rows["jahr"], "zettabyte": _numbers(rows["wert"]),
                         "prognose": rows["anmerkung"].str.startswith("Prognose"),
                         "quelle": rows["quelle"]})


def gpu_compute() -> pd.DataFrame:
    """GPU-Spitzenleistung: ``jahr``, ``modell``, ``tflops``, ``format``, ``quelle``.

    Je GPU das 16-Bit-Format der Datenblätter (die K40 kennt kein FP16, dort FP32); ab der
    V100 sind es Tensor-Core-Werte ohne Sparsity. Die Formate sind also nicht gleich:
    vergleichbar sind nur Zeilen mit demselben ``format``-Typ (etwa alle „… Tensor“).
    FP8-Angaben gehören nicht in die Zeitreihe.
    """
    rows = _rows("hardware", "Rechenleistung")
    rows = rows[~rows["bedingung"].str.startswith("FP8")].reset_index(drop=True)
    return pd.DataFrame({"jahr": rows["jahr"], "modell": rows["gegenstand"],
                         "tflops": _numbers(rows["wert"]), "format": rows["bedingung"],
                         "quelle": rows["quelle"]})


def conference_papers() -> pd.DataFrame:
    """Angenommene Beiträge je Konferenz und Jahr, lange Form:
    ``konferenz``, ``jahr``, ``beitraege``, ``quelle``."""
    rows = _rows("forschung", "Angenommene Beiträge")
    return pd.DataFrame({"konferenz": rows["gegenstand"], "jahr": rows["jahr"],
                         "beitraege": rows["wert"].map(int).astype("int64"),
                         "quelle": rows["quelle"]})


def milestones() -> pd.DataFrame:
    """Meilensteine neuronaler Netze: ``jahr``, ``ereignis``, ``beschreibung``, ``quelle``."""
    rows = _rows("meilensteine", "Meilenstein")
    return pd.DataFrame({"jahr": rows["jahr"], "ereignis": rows["gegenstand"],
                         "beschreibung": rows["wert"], "quelle": rows["quelle"]})


# ---------------------------------------------------------------------------
# Kapitel 3.3: ImageNet-Wettbewerb
# ---------------------------------------------------------------------------

#: Bedingung der Siegerzeilen in ``imagenet.csv``.
IMAGENET_WINNER = "ILSVRC-Klassifikation, Sieger"
#: Gegenstand und Bedingung der Zeile zum Menschen in ``imagenet.csv``.
IMAGENET_HUMAN = ("Mensch (geübter Annotator A1)", "1500 ILSVRC-Testbilder")


def imagenet_winners() -> pd.DataFrame:
    """Sieger des ImageNet-Wettbewerbs (ILSVRC, Klassifikation), ein Eintrag je Jahr:
    ``jahr`` (int), ``sieger``, ``top5_fehler`` (Prozent, float) und ``quelle``
    (BibTeX-Schlüssel); nach Jahr sortiert.

    Bis 2013 die besten Beiträge ohne zusätzliche Trainingsdaten (so zählt sie
    Russakovsky et al. 2015), ab 2014 die Angaben der Siegerartikel bzw. der
    Ergebnisseite. Hat ein Jahr mehr als einen Sieger, ist die Datei fehlerhaft.
    """
    rows = _rows("imagenet", "Top-5-Fehler")
    rows = rows[rows["bedingung"] == IMAGENET_WINNER]
    if rows.empty:
        raise ValueError(f"imagenet.csv enthält keine Zeilen mit bedingung {IMAGENET_WINNER!r}.")
    twice = sorted({int(j) for j in rows.loc[rows["jahr"].duplicated(), "jahr"]})
    if twice:
        raise ValueError(f"imagenet.csv nennt für {twice} mehr als einen Sieger.")
    table = pd.DataFrame({"jahr": rows["jahr"], "sieger": rows["gegenstand"],
                          "top5_fehler": _numbers(rows["wert"]), "quelle": rows["quelle"]})
    table = table.sort_values("jahr", ignore_index=True)
    return table.astype({"jahr": "int64", "sieger": "str", "top5_fehler": "float64",
                         "quelle": "str"})


def imagenet_human_top5() -> float:
    """Top-5-Fehler (Prozent) eines geübten Menschen auf 1500 ILSVRC-Testbildern laut
    Russakovsky et al. 2015 (ein Annotator, daher nur eine Schätzung)."""
    gegenstand, bedingung = IMAGENET_HUMAN
    return value(gegenstand, "Top-5-Fehler", bedingung)


# ---------------------------------------------------------------------------
# Kapitel 3.4: Sprachmodelle, Trainingsdaten, H100
# ---------------------------------------------------------------------------

def models() -> pd.DataFrame:
    """Transformer-Sprachmodelle mit Architekturangabe: ``modell``, ``jahr``,
    ``architektur``, ``parameter``, ``kontext`` und ``quelle`` (Veröffentlichung des Modells,
    die auch Architektur und Kontextlänge nennt)."""
    facts = _rows("sprachmodelle")
    arch = _lookup(facts, "Architektur")
    params, context = _lookup(facts, "Parameter"), _lookup(facts, "Kontextlänge")
    table = pd.DataFrame({
        "modell": list(arch),
        "jahr": [row["jahr"] for row in arch.values()],
        "architektur": [row["wert"] for row in arch.values()],
        "parameter": [float(params[m]["wert"]) for m in arch],
        "kontext": [int(context[m]["wert"]) for m in arch],
        "quelle": [context[m]["quelle"] for m in arch],
    })
    return table.astype({"modell": "str", "jahr": "int64", "architektur": "str",
                         "parameter": "float64", "kontext": "int64", "quelle": "str"})


def context_lengths() -> pd.DataFrame:
    """Kontextlängen aller Modelle, auch kommerzieller ohne Parameterangabe:
    ``modell``, ``jahr``, ``kontext``, ``quelle``; nach Jahr und Länge sortiert."""
    rows = _rows("sprachmodelle", "Kontextlänge")
    table = pd.DataFrame({"modell": rows["gegenstand"], "jahr": rows["jahr"],
                          "kontext": rows["wert"].map(int).astype("int64"),
                          "quelle": rows["quelle"]})
    return table.sort_values(["jahr", "kontext"], ignore_index=True)


def gpt3_data() -> pd.DataFrame:
    """Trainingsdaten-Mischung von GPT-3: ``datensatz``, ``tokens_mrd`` (Milliarden),
    ``anteil``, ``epochen``, ``quelle``."""
    facts = _rows("trainingsdaten")
    facts = facts[facts["bedingung"] == "GPT-3"]
    tokens = _lookup(facts, "Tokens")
    share, epochs = _lookup(facts, "Anteil an der Mischung"), _lookup(facts, "Epochen")
    table = pd.DataFrame({
        "datensatz": list(tokens),
        "tokens_mrd": [int(row["wert"]) for row in tokens.values()],
        "anteil": [float(share[d]["wert"]) for d in tokens],
        "epochen": [float(epochs[d]["wert"]) for d in tokens],
        "quelle": [row["quelle"] for row in tokens.values()],
    })
    return table.astype({"datensatz": "str", "tokens_mrd": "int64", "quelle": "str"})


def pile() -> pd.DataFrame:
    """Teilkorpora von The Pile: ``teilkorpus``, ``gib``, ``quelle``; absteigend nach Größe."""
    rows = _rows("trainingsdaten", "Größe")
    rows = rows[rows["bedingung"] == "The Pile"]
    table = pd.DataFrame({"teilkorpus": rows["gegenstand"], "gib": _numbers(rows["wert"]),
                          "quelle": rows["quelle"]})
    return table.sort_values("gib", ascending=False, ignore_index=True)


#: Beschriftung der H100-Kennzahlen: (Größe, Bedingung) -> Zeilenname in :func:`h100`.
_H100_LABELS = {("Rechenleistung", "BF16 Tensor"): "Leistung BF16/FP16 (Tensor Cores)",
                ("Rechenleistung", "FP8 Tensor"): "Leistung FP8 (Tensor Cores)"}


def h100() -> pd.DataFrame:
    """Kennzahlen der NVIDIA H100 SXM laut Datenblatt: ``groesse``, ``wert``, ``einheit``,
    ``quelle``."""
    rows = _rows("hardware")
    rows = rows[rows["gegenstand"] == "H100 SXM"]
    labels = [_H100_LABELS.get((g, b), g) for g, b in zip(rows["groesse"], rows["bedingung"])]
    table = pd.DataFrame({"groesse": labels, "wert": _numbers(rows["wert"]).to_numpy(),
                          "einheit": rows["einheit"].to_numpy(),
                          "quelle": rows["quelle"].to_numpy()})
    return table.astype({"groesse": "str", "einheit": "str", "quelle": "str"})


def training_flop(params: float, tokens: float) -> float:
    """Faustformel für den Trainingsaufwand: etwa 6 FLOP je Parameter und Token."""
    params = check_float("params", params, 0, open_min=True)
    tokens = check_float("tokens", tokens, 0, open_min=True)
    return 6.0 * params * tokens


# ---------------------------------------------------------------------------
# Kapitel 5 und 7: Skalierung, Energie, KI-Verordnung
# ---------------------------------------------------------------------------

def language_models() -> pd.DataFrame:
    """Sprachmodelle mit Trainingsdaten: ``modell``, ``jahr``, ``parameter``, ``tokens``,
    ``flop_angegeben`` (im Papier genannt, sonst NaN), ``flop_6nd`` (Schätzung 6·N·D),
    ``flop`` (angegeben, sonst Schätzung), ``tokens_je_parameter`` und ``quelle``."""
    facts = _rows("sprachmodelle")
    tokens = _lookup(facts, "Trainings-Tokens")
    params, flop = _lookup(facts, "Parameter"), _lookup(facts, "Trainingsaufwand")
    df = pd.DataFrame({
        "modell": list(tokens),
        "jahr": [row["jahr"] for row in tokens.values()],
        "parameter": [float(params[m]["wert"]) for m in tokens],
        "tokens": [float(row["wert"]) for row in tokens.values()],
        "flop_angegeben": [float(flop[m]["wert"]) if m in flop else float("nan")
                           for m in tokens],
        "quelle": [params[m]["quelle"] for m in tokens],
    }).astype({"modell": "str", "jahr": "int64", "quelle": "str"})
    df["flop_6nd"] = 6 * df["parameter"] * df["tokens"]
    df["flop"] = df["flop_angegeben"].fillna(df["flop_6nd"])
    df["tokens_je_parameter"] = df["tokens"] / df["parameter"]
    return df[["modell", "jahr", "parameter", "tokens", "flop_angegeben", "flop_6nd", "flop",
               "tokens_je_parameter", "quelle"]]


def training_energy() -> pd.DataFrame:
    """Energie (``mwh``) und Emissionen (``t_co2e``) des Trainings einzelner Modelle mit
    ``anmerkung``, ``quelle`` und ``mwh_berechnet`` (bool).

    ``mwh`` ist der in der Quelle genannte Stromverbrauch. Nennt die Quelle stattdessen
    GPU-Stunden und die Leistung je GPU (Llama 3.1), ist ``mwh`` deren Produkt – eine
    Obergrenze, weil die Leistung die Spitzenleistung ist – und ``mwh_berechnet`` wahr.
    Ohne beides ist ``mwh`` NaN.
    """
    facts = _rows("energie")
    co2 = _lookup(facts, "Emissionen des Trainings")
    mwh = _lookup(facts, "Stromverbrauch des Trainings")
    hours = _lookup(facts, "GPU-Stunden des Trainings")
    watts = _lookup(facts, "Leistungsaufnahme je GPU")

    def energy(model: str) -> tuple[float, bool]:
        if model in mwh:
            return float(mwh[model]["wert"]), False
        if model in hours and model in watts:  # GPU-Stunden × Watt -> Wh -> MWh
            return float(hours[model]["wert"]) * float(watts[model]["wert"]) / 1e6, True
        return float("nan"), False

    energies = [energy(m) for m in co2]
    table = pd.DataFrame({
        "modell": list(co2),
        "mwh": [e for e, _ in energies],
        "t_co2e": [float(row["wert"]) for row in co2.values()],
        "anmerkung": [row["anmerkung"] for row in co2.values()],
        "quelle": [row["quelle"] for row in co2.values()],
        "mwh_berechnet": [b for _, b in energies],
    })
    return table.astype({"modell": "str", "anmerkung": "str", "quelle": "str",
                         "mwh_berechnet": "bool"})


def ai_act_risk_classes() -> pd.DataFrame:
    """Die vier Risikoklassen der KI-Verordnung (EU) 2024/1689 mit Beispielen:
    ``klasse``, ``folge``, ``beispiele``, ``fundstelle`` (Artikel; „–“ ohne), ``quelle``."""
    facts = _rows("regulierung")
    folge, examples = _lookup(facts, "Folge"), _lookup(facts, "Beispiele")
    bans = german_date(value("KI-Verordnung", "Geltungsbeginn", "Kapitel I und II (Verbote)"))
    consequences = [row["wert"] for row in folge.values()]
    consequences = [f"verboten (seit {bans})" if c == "verboten" else c for c in consequences]
    table = pd.DataFrame({
        "klasse": list(folge),
        "folge": consequences,
        "beispiele": [examples[k]["wert"] for k in folge],
        "fundstelle": [row["fundstelle"].replace("unbekannt", "–") for row in folge.values()],
        "quelle": [row["quelle"] for row in folge.values()],
    })
    return table.astype("str")
