"""Belegte Kennzahlen zu großen Sprachmodellen (Parameter, Kontext, Daten, Hardware).

Jede Tabelle trägt in der Spalte ``quelle`` den BibTeX-Schlüssel ihrer Quelle
(``book/references.bib`` bzw. ``book/bib/ch03_4.bib``). Die Zahlen sind aus den
Originalveröffentlichungen abgeschrieben und nicht gerundet, außer wo vermerkt.
"""

from __future__ import annotations

import pandas as pd

# Modell, Jahr, Architektur, Parameter, Kontextlänge (Tokens), Quelle.
# Parameterzahlen der Veröffentlichungen: GPT-1 entspricht dem kleinsten GPT-2 (117 Mio.,
# Radford et al. 2019, Tab. 2); Kontext 512 laut Radford et al. 2018.
_MODELS = [
    ("GPT-1", 2018, "Decoder", 117e6, 512, "radford2018"),
    ("BERT-Base", 2018, "Encoder", 110e6, 512, "devlin2019"),
    ("BERT-Large", 2018, "Encoder", 340e6, 512, "devlin2019"),
    ("GPT-2", 2019, "Decoder", 1542e6, 1024, "radford2019"),
    ("T5-11B", 2019, "Encoder–Decoder", 11e9, 512, "raffel2020"),
    ("GPT-3", 2020, "Decoder", 175e9, 2048, "brown2020"),
    ("PaLM", 2022, "Decoder", 540e9, 2048, "chowdhery2023"),
    ("Llama 3.1 405B", 2024, "Decoder", 405e9, 128_000, "grattafiori2024"),
]

# Kontextlängen kommerzieller Modelle, deren Parameterzahl nicht veröffentlicht ist.
_CONTEXTS = [
    ("GPT-4 Turbo", 2023, 128_000, "openai2023devday"),
    ("Gemini 1.5 Pro", 2024, 2_000_000, "google2024gemini2m"),
]

# GPT-3-Trainingsdaten (Brown et al. 2020, Tabelle 2.2): Tokens in Milliarden,
# Anteil an der Trainingsmischung und Epochen bei 300 Mrd. Trainings-Tokens.
# Die Anteile summieren sich im Original durch Rundung auf 101 %.
_GPT3_DATA = [
    ("Common Crawl (gefiltert)", 410, 0.60, 0.44),
    ("WebText2", 19, 0.22, 2.9),
    ("Books1", 12, 0.08, 1.9),
    ("Books2", 55, 0.08, 0.43),
    ("Wikipedia", 3, 0.03, 3.4),
]

# The Pile (Gao et al. 2020, Tabelle 1): Größe der 22 Teilkorpora in GiB.
_PILE = [
    ("Pile-CC", 227.12), ("PubMed Central", 90.27), ("Books3", 100.96),
    ("OpenWebText2", 62.77), ("ArXiv", 56.21), ("Github", 95.16), ("FreeLaw", 51.15),
    ("Stack Exchange", 32.20), ("USPTO Backgrounds", 22.90), ("PubMed Abstracts", 19.26),
    ("Gutenberg (PG-19)", 10.88), ("OpenSubtitles", 12.98), ("Wikipedia (en)", 6.38),
    ("DM Mathematics", 7.75), ("Ubuntu IRC", 5.52), ("BookCorpus2", 6.30), ("EuroParl", 4.59),
    ("HackerNews", 3.90), ("YoutubeSubtitles", 3.73), ("PhilPapers", 2.38),
    ("NIH ExPorter", 1.89), ("Enron Emails", 0.88),
]

# NVIDIA H100 SXM laut Datenblatt (dense, ohne Ausnutzung dünn besetzter Matrizen).
_H100 = [
    ("Speicher", 80, "GB HBM3"),
    ("Speicherbandbreite", 3.35, "TB/s"),
    ("Leistung BF16/FP16 (Tensor Cores)", 989, "TFLOP/s"),
    ("Leistung FP8 (Tensor Cores)", 1979, "TFLOP/s"),
    ("Maximale Leistungsaufnahme", 700, "W"),
]

#: Gesamter Trainingsaufwand von GPT-3 175B in FLOP (Brown et al. 2020, Tabelle D.1).
GPT3_TRAIN_FLOP = 3.14e23
#: Trainings-Tokens von GPT-3 (Brown et al. 2020, Abschnitt 2.2).
GPT3_TRAIN_TOKENS = 300e9


def models() -> pd.DataFrame:
    """Bekannte Transformer-Sprachmodelle mit Parameterzahl und Kontextlänge."""
    table = pd.DataFrame(_MODELS, columns=["modell", "jahr", "architektur", "parameter",
                                           "kontext", "quelle"])
    return table.astype({"parameter": "float64", "kontext": "int64"})


def context_lengths() -> pd.DataFrame:
    """Kontextlängen aller Modelle, einschließlich kommerzieller ohne Parameterangabe."""
    known = models()[["modell", "jahr", "kontext", "quelle"]]
    extra = pd.DataFrame(_CONTEXTS, columns=["modell", "jahr", "kontext", "quelle"])
    return pd.concat([known, extra], ignore_index=True).sort_values(["jahr", "kontext"],
                                                                   ignore_index=True)


def gpt3_data() -> pd.DataFrame:
    """Trainingsdaten-Mischung von GPT-3 (Tokens in Milliarden, Anteil, Epochen)."""
    table = pd.DataFrame(_GPT3_DATA, columns=["datensatz", "tokens_mrd", "anteil", "epochen"])
    table["quelle"] = "brown2020"
    return table


def pile() -> pd.DataFrame:
    """Teilkorpora von The Pile mit Größe in GiB, absteigend sortiert."""
    table = pd.DataFrame(_PILE, columns=["teilkorpus", "gib"])
    table["quelle"] = "gao2020pile"
    return table.sort_values("gib", ascending=False, ignore_index=True)


def h100() -> pd.DataFrame:
    """Kennzahlen der NVIDIA H100 SXM (Datenblatt)."""
    table = pd.DataFrame(_H100, columns=["groesse", "wert", "einheit"])
    table["quelle"] = "nvidia_datenblaetter"
    return table


def training_flop(params: float, tokens: float) -> float:
    """Faustformel für den Trainingsaufwand: etwa 6 FLOP je Parameter und Token."""
    if not (params > 0 and tokens > 0):
        raise ValueError("params und tokens müssen positiv sein.")
    return 6.0 * params * tokens
