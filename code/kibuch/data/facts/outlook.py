"""Belegte Kennzahlen für die Kapitel 5 bis 7: Modellgrößen, Rechenaufwand,
Energie des Trainings und die Risikoklassen des EU AI Act.

Jede Zeile trägt in ``quelle`` den BibTeX-Schlüssel ihrer Quelle (siehe
``book/bib/ch04_07.bib``). Die Zahlen sind von Hand aus den Originalpapieren
übernommen. Wo ein Papier den Rechenaufwand nicht selbst angibt, schätzen wir
ihn mit der üblichen Faustformel C ≈ 6 · N · D (N Parameter, D Trainings-Tokens,
Kaplan et al. 2020); die Spalte ``flop_angegeben`` enthält den Wert aus dem
Papier, wo es einen nennt.
"""

from __future__ import annotations

import pandas as pd

# (Modell, Jahr, Parameter, Trainings-Tokens, im Papier angegebene FLOP oder None, Quelle)
_MODELS = [
    ("BERT-Large", 2018, 340e6, 128e9, None, "devlin2019bert"),
    ("GPT-3", 2020, 175e9, 300e9, 3.14e23, "brown2020"),
    ("Gopher", 2021, 280e9, 300e9, None, "rae2021gopher"),
    ("Chinchilla", 2022, 70e9, 1.4e12, None, "hoffmann2022chinchilla"),
    ("PaLM", 2022, 540e9, 780e9, None, "chowdhery2023palm"),
    ("LLaMA-65B", 2023, 65.2e9, 1.4e12, None, "touvron2023llama"),
    ("Llama 2 70B", 2023, 70e9, 2.0e12, None, "touvron2023llama2"),
    ("Phi-3-mini", 2024, 3.8e9, 3.3e12, None, "abdin2024phi3"),
    ("Llama 3.1 405B", 2024, 405e9, 15.6e12, 3.8e25, "dubey2024llama3"),
]

# Energie und Emissionen des Trainings: (Modell, MWh oder None, t CO2e, Anmerkung, Quelle)
_ENERGY = [
    ("Transformer (big) mit Architektursuche", None, 284.0,
     "626.155 lbs CO2e, Schätzung für die USA", "strubell2019energy"),
    ("GPT-3", 1287.0, 552.0, "Schätzung, Training in Rechenzentren von Microsoft",
     "patterson2021carbon"),
    ("BLOOM (176 Mrd. Parameter)", 433.0, 24.7,
     "nur Stromverbrauch des Trainings, französischer Strommix", "luccioni2023bloom"),
]

# Risikoklassen der KI-Verordnung (EU) 2024/1689: (Klasse, Folge, Beispiele, Fundstelle)
_AI_ACT = [
    ("Unannehmbares Risiko", "verboten (seit 2. Februar 2025)",
     "Social Scoring durch Behörden oder Unternehmen; manipulative Techniken, die Schaden "
     "verursachen; Emotionserkennung am Arbeitsplatz und in der Schule; ungezieltes Sammeln "
     "von Gesichtsbildern aus dem Internet", "Art. 5"),
    ("Hohes Risiko", "erlaubt mit Pflichten: Risikomanagement, Datenqualität, Dokumentation, "
     "menschliche Aufsicht, Konformitätsbewertung",
     "KI in kritischer Infrastruktur, Bewerberauswahl, Prüfungsbewertung, Kreditwürdigkeit, "
     "Strafverfolgung, Migration; Sicherheitsbauteile von Produkten wie Medizingeräten",
     "Art. 6, Anhang III"),
    ("Begrenztes Risiko (Transparenz)", "erlaubt mit Kennzeichnungspflicht",
     "Chatbots müssen sich als KI zu erkennen geben; Deepfakes und KI-erzeugte Texte zu "
     "öffentlichen Themen müssen gekennzeichnet sein", "Art. 50"),
    ("Minimales Risiko", "keine zusätzlichen Pflichten",
     "Spamfilter, KI in Videospielen, Empfehlungen für Ersatzteile", "–"),
]


def language_models() -> pd.DataFrame:
    """Sprachmodelle mit ``modell``, ``jahr``, ``parameter``, ``tokens``,
    ``flop_angegeben``, ``flop_6nd`` (Schätzung 6·N·D), ``flop`` (angegeben,
    sonst Schätzung), ``tokens_je_parameter`` und ``quelle``."""
    df = pd.DataFrame(_MODELS, columns=["modell", "jahr", "parameter", "tokens",
                                        "flop_angegeben", "quelle"])
    df["flop_angegeben"] = df["flop_angegeben"].astype(float)
    df["flop_6nd"] = 6 * df["parameter"] * df["tokens"]
    df["flop"] = df["flop_angegeben"].fillna(df["flop_6nd"])
    df["tokens_je_parameter"] = df["tokens"] / df["parameter"]
    return df[["modell", "jahr", "parameter", "tokens", "flop_angegeben", "flop_6nd", "flop",
               "tokens_je_parameter", "quelle"]]


def training_energy() -> pd.DataFrame:
    """Energie (``mwh``) und Emissionen (``t_co2e``) des Trainings einzelner Modelle."""
    return pd.DataFrame(_ENERGY, columns=["modell", "mwh", "t_co2e", "anmerkung", "quelle"])


def ai_act_risk_classes() -> pd.DataFrame:
    """Die vier Risikoklassen der KI-Verordnung (EU) 2024/1689 mit Beispielen."""
    df = pd.DataFrame(_AI_ACT, columns=["klasse", "folge", "beispiele", "fundstelle"])
    df["quelle"] = "euaiact2024"
    return df
