"""Tests für kibuch.data.facts: jede Zeile belegt, jede Angabe einmal, Dateien geprüft.

Die Referenzwerte in den Tabellentests stammen direkt aus den Quellen (Summen der
Originaltabellen, Abstracts), nicht aus den CSV-Dateien.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kibuch import data
from kibuch.data import facts
from kibuch.data.checksums import ChecksumError

BOOK = Path(__file__).resolve().parents[2] / "book"
TODAY = dt.date.today()


def bib_keys() -> set[str]:
    files = [BOOK / "references.bib", *sorted((BOOK / "bib").glob("*.bib"))]
    keys = []
    for path in files:
        keys += re.findall(r"^@\w+\{([^,\s]+),", path.read_text(encoding="utf-8"), flags=re.M)
    assert len(keys) == len(set(keys)), "ein BibTeX-Schlüssel ist doppelt"
    return set(keys)


@pytest.fixture
def all_facts() -> pd.DataFrame:
    return data.load("fakten")


@pytest.fixture
def facts_copy(tmp_path, monkeypatch):
    """Kopie der CSV-Dateien, die ein Test verändern darf; Cache vorher und nachher leer."""
    target = tmp_path / "facts"
    shutil.copytree(facts.FACTS_DIR, target)
    monkeypatch.setattr(facts, "FACTS_DIR", target)
    facts._read.cache_clear()
    yield target
    facts._read.cache_clear()


# ---------------------------------------------------------------------------
# Jede Zeile: belegt und vollständig
# ---------------------------------------------------------------------------

def test_every_source_is_in_the_bibliography(all_facts):
    missing = set(all_facts["quelle"]) - bib_keys()
    assert not missing, f"Quellen fehlen in der Bibliographie: {sorted(missing)}"


def test_every_row_is_complete(all_facts):
    assert set(all_facts["thema"]) == set(facts.TOPICS)
    for column in facts.REQUIRED:
        values = all_facts[column].astype(str).str.strip()
        assert (values != "").all(), column
    assert (all_facts["jahr"].between(1900, TODAY.year)).all()
    numeric = all_facts[~all_facts["einheit"].isin(facts.NON_NUMERIC)]
    assert np.isfinite(numeric["wert"].map(float)).all()


def test_retrieval_dates_are_valid_and_not_in_the_future(all_facts):
    for text in all_facts["abgerufen"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
        assert dt.date.fromisoformat(text) <= TODAY, text


def test_no_fact_is_stated_twice(all_facts):
    """Dieselbe Angabe (Gegenstand, Größe, Bedingung, Jahr) steht in genau einer Zeile aller
    Dateien – ob mit gleichem oder anderem Wert."""
    key = ["gegenstand", "groesse", "bedingung", "jahr"]
    twice = all_facts[all_facts.duplicated(key, keep=False)]
    assert twice.empty, twice[["thema", *key, "wert"]].to_string()
    # Auch ohne Jahr: dieselbe Größe desselben Gegenstands nur in einer Datei
    topics = all_facts.groupby(["gegenstand", "groesse", "bedingung"])["thema"].nunique()
    assert (topics == 1).all(), topics[topics > 1]


FUNDSTELLE = (r"Abstract|README, .+|Tab\. [\w.]+|Abb\. [\w.]+|Abschnitt [\w. ]+|Anhang [\w.]+"
              r"|Art\. \d+.*"
              r"|Datenblatt .+|Executive Summary|Pressemitteilung, .+|Deckblatt|MODEL_CARD\.md, .+"
              r"|https://\S+( \(.+\))?")


def test_fundstelle_names_a_place(all_facts):
    """Jede Fundstelle nennt eine Stelle (Tabelle, Abbildung, Abschnitt, URL …); „unbekannt“
    gibt es in keiner Datei mehr."""
    bad = [f for f in all_facts["fundstelle"] if not re.fullmatch(FUNDSTELLE, f)]
    assert not bad, bad
    assert not (all_facts["fundstelle"].str.lower() == "unbekannt").any()


def test_rows_not_checked_again_say_so(all_facts):
    """Wer nicht am letzten Prüfdatum seiner Datei geprüft wurde, sagt das in der Anmerkung."""
    latest = all_facts.groupby("thema")["abgerufen"].transform("max")
    old = all_facts[all_facts["abgerufen"] < latest]
    assert old["anmerkung"].str.contains("nicht erneut geprüft").all(), old.to_string()


def test_checked_rows_quote_or_locate_their_source():
    """Die zuletzt geprüften Dateien (Kapitel 1, 3.3 und 3.4) sind vollständig neu geprüft."""
    for topic in ("imagenet", "meilensteine", "sprachmodelle"):
        rows = data.load("fakten", thema=topic)
        assert rows["abgerufen"].nunique() == 1, topic
        assert not rows["anmerkung"].str.contains("nicht erneut geprüft").any(), topic


# ---------------------------------------------------------------------------
# Lesen: Prüfsumme, Zeilenprüfung, Registry
# ---------------------------------------------------------------------------

def test_checksums_match_the_shipped_files():
    assert facts.checksums() == facts.SHA256
    assert set(facts.SHA256) == set(facts.TOPICS)


def test_loading_verifies_the_checksum(facts_copy):
    path = facts_copy / "sprachmodelle.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("175e9", "176e9"), encoding="utf-8")
    with pytest.raises(ChecksumError, match="sprachmodelle"):
        facts.models()
    (facts_copy / "daten.csv").unlink()
    with pytest.raises(FileNotFoundError):
        facts.data_volume()


@pytest.mark.parametrize("old, new, message", [
    (",Tab. 2.2,", ",,", "fundstelle"),
    (",Tab. 2.2,", ",unbekannt,", "fundstelle „unbekannt“"),
    (",2026-11-23", ",2026-13-01", "abgerufen"),
    (",410,", ",vierhundertzehn,", "wert"),
    (",2020,410,", ",20x0,410,", "jahr"),
])
def test_broken_rows_are_rejected(facts_copy, monkeypatch, old, new, message):
    path = facts_copy / "trainingsdaten.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    monkeypatch.setitem(facts.SHA256, "trainingsdaten", facts.checksums()["trainingsdaten"])
    with pytest.raises(ValueError, match=message):
        facts.gpt3_data()


def test_duplicate_rows_are_rejected(facts_copy, monkeypatch):
    path = facts_copy / "energie.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    monkeypatch.setitem(facts.SHA256, "energie", facts.checksums()["energie"])
    with pytest.raises(ValueError, match="steht schon in Zeile 2"):
        facts.training_energy()


def test_registry_entry(all_facts):
    assert "fakten" in data.names()
    sheet = data.info("fakten")
    assert list(all_facts.columns) == [c.name for c in sheet.columns]
    assert str(all_facts["jahr"].dtype) == "int64"
    one = data.load("fakten", thema="regulierung")
    assert set(one["thema"]) == {"regulierung"} and len(one) < len(all_facts)
    with pytest.raises(ValueError, match="Ungültiger Wert"):
        data.load("fakten", thema="sprachmodell")
    with pytest.raises(ValueError, match="Meinten Sie 'sprachmodelle'"):
        facts.load_facts("sprachmodell")


def test_import_reads_nothing():
    code = "import kibuch.data.facts as f; print(f._read.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_callers_get_copies():
    table = facts.models()
    table.loc[0, "parameter"] = -1.0
    assert facts.models().loc[0, "parameter"] > 0


# ---------------------------------------------------------------------------
# Einzelwerte
# ---------------------------------------------------------------------------

def test_value_returns_numbers_dates_and_text():
    assert facts.value("GPT-3", "Parameter") == 175e9
    assert facts.value("H100 SXM", "Rechenleistung", "BF16 Tensor") == 989.0
    assert facts.value("KI-Verordnung", "Inkrafttreten") == dt.date(2024, 8, 1)
    assert facts.value("GPT-1", "Architektur") == "Decoder"
    assert facts.value("weltweit erzeugte Daten", "Datenvolumen", jahr=2020) == 64.2


@pytest.mark.parametrize("args, kwargs, error, match", [
    (("GTP-3", "Parameter"), {}, ValueError, "Meinten Sie 'GPT-3'"),
    (("GPT-3", "Parametr"), {}, ValueError, "Meinten Sie 'Parameter'"),
    (("H100 SXM", "Rechenleistung", "BF16"), {}, ValueError, "bedingung"),
    (("weltweit erzeugte Daten", "Datenvolumen"), {}, ValueError, "jahr angeben"),
    (("weltweit erzeugte Daten", "Datenvolumen"), {"jahr": 1999}, ValueError, "jahr"),
    (("weltweit erzeugte Daten", "Datenvolumen"), {"jahr": "2020"}, TypeError, "jahr"),
    ((None, "Parameter"), {}, TypeError, "gegenstand"),
    (("GPT-3", 3), {}, TypeError, "groesse"),
    (("GPT-3", "Parameter", None), {}, TypeError, "bedingung"),
])
def test_value_rejects_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        facts.value(*args, **kwargs)


def test_german_date():
    assert facts.german_date(dt.date(2025, 2, 2)) == "2. Februar 2025"
    assert facts.german_date(dt.date(2027, 8, 2), day=False) == "August 2027"
    with pytest.raises(TypeError, match="date"):
        facts.german_date("2025-02-02")
    with pytest.raises(TypeError, match="day"):
        facts.german_date(dt.date(2025, 2, 2), day=1)


# ---------------------------------------------------------------------------
# Tabellen der Kapitel: Werte gegen die Quellen
# ---------------------------------------------------------------------------

def test_chapter1_tables():
    vol = facts.data_volume()
    assert vol["jahr"].is_monotonic_increasing and vol["zettabyte"].is_monotonic_increasing
    assert list(vol.columns) == ["jahr", "zettabyte", "prognose", "quelle"]
    assert list(vol.loc[vol["prognose"], "jahr"]) == [2025]  # IDC 2018: 175 ZB für 2025
    gpus = facts.gpu_compute()
    assert gpus["tflops"].is_monotonic_increasing
    assert "FP8 Tensor" not in set(gpus["format"])
    papers = facts.conference_papers()
    assert set(papers["konferenz"]) == {"AAAI", "NeurIPS", "IJCAI"}
    assert (papers["beitraege"] > 0).all() and papers["beitraege"].dtype == "int64"
    assert {1943, 1986, 2011, 2012, 2017, 2020, 2022} == set(facts.milestones()["jahr"])
    assert facts.value("NVIDIA Tesla", "Markteinführung") == 2007.0


def test_conference_counts_match_the_source():
    # lixin4ever/Conference-Acceptance-Rate, README (Commit 6bd0861): angenommen/eingereicht
    wide = facts.conference_papers().pivot(index="jahr", columns="konferenz",
                                           values="beitraege")
    assert wide.loc[2023, "NeurIPS"] == 3218 and wide.loc[2024, "NeurIPS"] == 4037
    assert wide.loc[2014, "NeurIPS"] == 414 and wide.loc[2018, "AAAI"] == 933
    assert wide.loc[2023, "IJCAI"] == 643
    # NeurIPS 2022 und IJCAI 2024 nennt die Quelle nicht
    assert np.isnan(wide.loc[2022, "NeurIPS"]) and 2024 not in wide["IJCAI"].dropna().index


def test_pile_total_matches_paper():
    # Gao et al. (2020), Tabelle 1: 825,18 GiB in 22 Teilkorpora
    pile = facts.pile()
    assert len(pile) == 22
    assert pile["gib"].sum() == pytest.approx(825.18, abs=0.01)
    assert pile["gib"].is_monotonic_decreasing


def test_gpt3_data_mix():
    # Brown et al. (2020), Tabelle 2.2: 499 Mrd. Tokens, Anteile gerundet (Summe 101 %)
    mix = facts.gpt3_data()
    assert mix["tokens_mrd"].sum() == 499 and mix["tokens_mrd"].dtype == "int64"
    assert mix["anteil"].sum() == pytest.approx(1.01)


def test_models_and_contexts():
    models = facts.models().set_index("modell")
    assert models.loc["GPT-3", "parameter"] == 175e9
    assert models.loc["GPT-2", "kontext"] == 1024
    assert set(models["architektur"]) == {"Encoder", "Decoder", "Encoder–Decoder"}
    contexts = facts.context_lengths()
    assert contexts["kontext"].max() == 2_000_000
    assert contexts[["jahr", "kontext"]].apply(tuple, axis=1).is_monotonic_increasing


def test_imagenet_winners_match_the_sources():
    # Russakovsky et al. (2015) für 2010–2013 (ohne Zusatzdaten), Szegedy et al. (2015),
    # Tab. 2: 6,67 %; He et al. (2016), Abstract: 3,57 %; ILSVRC-Ergebnisseite 2016:
    # 0,02991; Hu et al. (2018), Abstract: 2,251 %
    table = facts.imagenet_winners()
    assert list(table.columns) == ["jahr", "sieger", "top5_fehler", "quelle"]
    assert str(table["jahr"].dtype) == "int64" and str(table["top5_fehler"].dtype) == "float64"
    assert list(table["jahr"]) == list(range(2010, 2018))
    expected = {2010: 28.2, 2011: 25.8, 2012: 16.4, 2013: 11.7, 2014: 6.67, 2015: 3.57,
                2016: 2.991, 2017: 2.251}
    assert dict(zip(table["jahr"], table["top5_fehler"])) == expected
    assert table.set_index("jahr").loc[2012, "sieger"] == "AlexNet"
    assert set(table["quelle"]) == {"russakovsky2015", "szegedy2015", "he2016",
                                    "ilsvrc2016results", "hu2018"}
    # Russakovsky et al. (2015), Abschnitt 6.4: geübter Mensch 5,1 %
    assert facts.imagenet_human_top5() == 5.1


def test_imagenet_table_keeps_the_claims_of_chapter_3_3():
    """Die Aussagen, die Kapitel 3.3 mit claim(...) prüft, gelten für die Datei."""
    drop = facts.imagenet_winners().set_index("jahr")["top5_fehler"]
    human = facts.imagenet_human_top5()
    assert drop.is_monotonic_decreasing
    assert (drop.loc[2015:] < human).all() and (drop.loc[:2014] > human).all()
    assert drop[2011] - drop[2012] > 3 * (drop[2010] - drop[2011])
    assert drop[2017] < human / 2


def test_imagenet_rejects_two_winners_in_one_year(facts_copy, monkeypatch):
    path = facts_copy / "imagenet.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("XRCE,Top-5-Fehler,\"ILSVRC-Klassifikation, Sieger\",2011",
                                 "XRCE,Top-5-Fehler,\"ILSVRC-Klassifikation, Sieger\",2010"),
                    encoding="utf-8")
    monkeypatch.setitem(facts.SHA256, "imagenet", facts.checksums()["imagenet"])
    with pytest.raises(ValueError, match=r"\[2010\] mehr als einen Sieger"):
        facts.imagenet_winners()


def test_each_number_exists_once():
    """GPT-3 und H100 erscheinen in mehreren Tabellen – die Zahlen kommen aus einer Zeile."""
    raw = data.load("fakten", thema="sprachmodelle")
    assert len(raw[(raw["gegenstand"] == "GPT-3") & (raw["groesse"] == "Parameter")]) == 1
    lm = facts.language_models().set_index("modell")
    assert lm.loc["GPT-3", "parameter"] == facts.models().set_index("modell").loc["GPT-3",
                                                                                 "parameter"]
    assert lm.loc["GPT-3", "flop_angegeben"] == facts.value("GPT-3", "Trainingsaufwand")
    h100 = facts.h100().set_index("groesse")["wert"]
    gpus = facts.gpu_compute().set_index("modell")["tflops"]
    assert h100["Leistung BF16/FP16 (Tensor Cores)"] == gpus["H100 SXM"] == 989.0


def test_language_models_and_rule_of_thumb():
    models = facts.language_models()
    assert models["jahr"].is_monotonic_increasing
    given = models.dropna(subset=["flop_angegeben"])
    assert set(given["modell"]) == {"GPT-3", "Llama 3.1 405B"}
    # Faustformel 6·N·D trifft die Angaben der Papiere auf 5 % genau
    assert np.allclose(given["flop_6nd"], given["flop_angegeben"], rtol=0.05)
    manual = 6 * models["parameter"] * models["tokens"]
    assert np.array_equal(models["flop_6nd"], manual)
    assert models.set_index("modell").loc["GPT-3", "flop"] == 3.14e23
    assert facts.training_flop(175e9, 300e9) == pytest.approx(3.15e23)


@pytest.mark.parametrize("params, tokens, error", [
    (0, 1e9, ValueError), (-1, 1e9, ValueError), (1e9, math.nan, ValueError),
    (1e9, math.inf, ValueError), ("1e9", 1e9, TypeError), (None, 1e9, TypeError),
    (True, 1e9, TypeError),
])
def test_training_flop_rejects_bad_input(params, tokens, error):
    with pytest.raises(error):
        facts.training_flop(params, tokens)


def test_energy_and_ai_act():
    energy = facts.training_energy().set_index("modell")
    assert energy.loc["GPT-3", "mwh"] == 1287.0
    # Strubell et al. (2019), Tab. 1: 626.155 lbs = 284 t (1 lb = 0,45359237 kg)
    nas = energy.loc["Transformer (big) mit Architektursuche"]
    assert math.isnan(nas["mwh"])
    assert nas["t_co2e"] == pytest.approx(626_155 * 0.45359237 / 1000, abs=0.5)
    act = facts.ai_act_risk_classes()
    assert len(act) == 4 and act["klasse"].iloc[0].startswith("Unannehmbar")
    assert act["folge"].iloc[0] == "verboten (seit 2. Februar 2025)"
    assert list(act["fundstelle"]) == ["Art. 5", "Art. 6, Anhänge I und III", "Art. 50", "Art. 95"]
    assert "Medizinprodukten" in act.loc[1, "beispiele"]
    assert facts.value("KI-Verordnung", "Geltungsbeginn", "Art. 4 (KI-Kompetenz)") == dt.date(
        2025, 2, 2)
    threshold = facts.value("KI-Verordnung", "Schwelle für systemisches Risiko",
                            "Art. 51 Abs. 2 (Trainingsaufwand von KI-Modellen mit allgemeinem "
                            "Verwendungszweck)")
    assert threshold == 1e25
    assert facts.value("Digitaler Omnibus zur KI", "Vorschlag der Kommission",
                       "COM(2025) 836") == dt.date(2025, 11, 19)


def test_llama_energy_is_gpu_hours_times_power():
    # Meta, Llama 3.1 Model Card: 30,84 Mio. H100-Stunden bei 700 W -> 21.588 MWh
    energy = facts.training_energy().set_index("modell")
    llama = energy.loc["Llama 3.1 405B"]
    assert llama["mwh_berechnet"] and llama["mwh"] == pytest.approx(30.84e6 * 700 / 1e6)
    assert llama["t_co2e"] == 8930.0
    assert not energy.loc["GPT-3", "mwh_berechnet"]
    total = facts.value("Llama 3.1 (8B, 70B, 405B)", "GPU-Stunden des Trainings", "H100-80GB")
    assert total == 39.3e6 and total > facts.value("Llama 3.1 405B",
                                                   "GPU-Stunden des Trainings", "H100-80GB")
