"""Tests für kibuch.data.facts.outlook: Tabellen vollständig, Quellen vorhanden, Rechnung stimmt."""

import re
from pathlib import Path

import numpy as np

from kibuch.data.facts import outlook as outlook_facts

BIB = Path(__file__).resolve().parents[2] / "book"


def _bib_keys() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in [BIB / "references.bib",
                                                           *(BIB / "bib").glob("*.bib")])
    return set(re.findall(r"^@\w+\{([^,]+),", text, flags=re.M))


def test_language_models_table():
    models = outlook_facts.language_models()
    assert models["jahr"].is_monotonic_increasing
    # Schätzung 6·N·D stimmt dort, wo das Papier selbst FLOP nennt, auf 5 % genau
    given = models.dropna(subset=["flop_angegeben"])
    assert len(given) >= 2
    assert np.allclose(given["flop_6nd"], given["flop_angegeben"], rtol=0.05)
    gpt3 = models.set_index("modell").loc["GPT-3"]
    assert gpt3["flop"] == 3.14e23
    assert (models["tokens_je_parameter"] > 0).all()


def test_energy_and_ai_act():
    energy = outlook_facts.training_energy()
    assert energy.set_index("modell").loc["GPT-3", "mwh"] == 1287.0
    act = outlook_facts.ai_act_risk_classes()
    assert len(act) == 4
    assert act["klasse"].iloc[0].startswith("Unannehmbar")


def test_every_source_is_in_bibliography():
    keys = _bib_keys()
    used = (set(outlook_facts.language_models()["quelle"])
            | set(outlook_facts.training_energy()["quelle"])
            | set(outlook_facts.ai_act_risk_classes()["quelle"]))
    assert used <= keys, used - keys
