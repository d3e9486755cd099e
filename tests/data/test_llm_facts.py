"""Tests für kibuch.data.facts.llm: Konsistenz der abgeschriebenen Tabellen."""

import re
from pathlib import Path

import pytest

from kibuch.data.facts import llm as llm_facts

BIB = Path(__file__).resolve().parents[2] / "book"


def bib_keys():
    text = "".join(p.read_text(encoding="utf-8") for p in
                   [BIB / "references.bib", *sorted((BIB / "bib").glob("*.bib"))])
    return set(re.findall(r"^@\w+\{([^,]+),", text, flags=re.M))


def test_pile_total_matches_paper():
    # Gao et al. (2020): 825,18 GiB insgesamt, 22 Teilkorpora
    pile = llm_facts.pile()
    assert len(pile) == 22
    assert pile["gib"].sum() == pytest.approx(825.18, abs=0.01)
    assert pile["gib"].is_monotonic_decreasing


def test_gpt3_compute_rule_of_thumb():
    rule = llm_facts.training_flop(175e9, llm_facts.GPT3_TRAIN_TOKENS)
    assert rule == pytest.approx(llm_facts.GPT3_TRAIN_FLOP, rel=0.01)
    with pytest.raises(ValueError):
        llm_facts.training_flop(0, 1e9)


def test_gpt3_data_and_sources():
    data = llm_facts.gpt3_data()
    assert data["tokens_mrd"].sum() == 499
    assert data["anteil"].sum() == pytest.approx(1.01)  # Rundung im Original
    keys = bib_keys()
    for table in (llm_facts.models(), llm_facts.context_lengths(), data, llm_facts.pile(),
                  llm_facts.h100()):
        assert set(table["quelle"]) <= keys


def test_models_table():
    models = llm_facts.models().set_index("modell")
    assert models.loc["GPT-3", "parameter"] == 175e9
    assert models.loc["GPT-2", "kontext"] == 1024
    assert set(models["architektur"]) == {"Encoder", "Decoder", "Encoder–Decoder"}
    contexts = llm_facts.context_lengths()
    assert contexts["kontext"].max() == 2_000_000
