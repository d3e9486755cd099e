"""Belegte Kennzahlen für Kapitel 1: Daten, Hardware, Forschung, Meilensteine.

Jede Tabelle trägt in der Spalte ``quelle`` den BibTeX-Schlüssel ihrer Quelle
(siehe ``book/references.bib``). Die Zahlen sind von Hand aus den Quellen
übernommen; sie werden hier einmal gepflegt und von allen Kapiteln genutzt.
"""

from __future__ import annotations

import pandas as pd

# Weltweit erzeugtes Datenvolumen in Zettabyte (ab 2024 Prognose), IDC über Statista.
_DATA_VOLUME_ZB = {
    2010: 2, 2011: 5, 2012: 6.5, 2013: 9, 2014: 12.5, 2015: 15.5, 2016: 18,
    2017: 26, 2018: 33, 2019: 41, 2020: 64.2, 2021: 79, 2022: 97, 2023: 120,
    2024: 147, 2025: 181,
}

# Spitzenrechenleistung von NVIDIA-Rechenzentrums-GPUs in TFLOP/s laut Datenblatt:
# (Jahr, Modell, TFLOP/s, Zahlenformat). K40 kennt kein FP16, dort steht FP32.
_GPUS = [
    (2013, "Tesla K40", 4.29, "FP32"),
    (2016, "Tesla P100", 21.2, "FP16"),
    (2017, "Tesla V100", 125.0, "FP16 Tensor"),
    (2020, "A100", 312.0, "BF16 Tensor"),
    (2022, "H100 SXM", 989.0, "BF16 Tensor"),
    (2024, "B200", 2250.0, "BF16 Tensor"),
]

# Angenommene Beiträge im Hauptprogramm (IJCAI bis 2015 nur alle zwei Jahre).
_PAPERS = {
    "AAAI": {2014: 398, 2015: 531, 2016: 549, 2017: 638, 2018: 938, 2019: 1150,
             2020: 1591, 2021: 1692, 2022: 1349, 2023: 1721, 2024: 2342},
    "NeurIPS": {2014: 411, 2015: 403, 2016: 569, 2017: 679, 2018: 1011, 2019: 1428,
                2020: 1900, 2021: 2334, 2022: 2672, 2023: 3540, 2024: 4037},
    "IJCAI": {2013: 413, 2015: 572, 2016: 551, 2017: 660, 2018: 710, 2019: 850,
              2020: 592, 2021: 587, 2022: 681, 2023: 644, 2024: 791},
}

_MILESTONES = [
    (1943, "McCulloch–Pitts-Neuron", "Erstes mathematisches Modell eines Neurons",
     "mcculloch1943"),
    (1986, "Backpropagation", "Fehlerrückführung macht mehrschichtige Netze trainierbar",
     "rumelhart1986"),
    (2012, "AlexNet", "Tiefes CNN gewinnt ImageNet mit großem Abstand", "krizhevsky2012"),
    (2017, "Transformer", "„Attention Is All You Need“: Aufmerksamkeit statt Rekurrenz",
     "vaswani2017"),
    (2020, "GPT-3", "Sprachmodell mit 175 Mrd. Parametern lernt aus wenigen Beispielen",
     "brown2020"),
    (2022, "ChatGPT", "Dialogsystem macht große Sprachmodelle allgemein bekannt",
     "openai2022chatgpt"),
]


def data_volume() -> pd.DataFrame:
    """Weltweites Datenvolumen: Spalten ``jahr`` (int), ``zettabyte`` (float),
    ``prognose`` (bool) und ``quelle`` (BibTeX-Schlüssel)."""
    df = pd.DataFrame(list(_DATA_VOLUME_ZB.items()), columns=["jahr", "zettabyte"])
    df["zettabyte"] = df["zettabyte"].astype(float)
    df["prognose"] = df["jahr"] >= 2024
    df["quelle"] = "statista2024datenvolumen"
    return df


def gpu_compute() -> pd.DataFrame:
    """GPU-Spitzenleistung: ``jahr``, ``modell``, ``tflops``, ``format``, ``quelle``."""
    df = pd.DataFrame(_GPUS, columns=["jahr", "modell", "tflops", "format"])
    df["quelle"] = "nvidia_datenblaetter"
    return df


def conference_papers() -> pd.DataFrame:
    """Angenommene Beiträge je Konferenz und Jahr, lange Form:
    ``konferenz``, ``jahr``, ``beitraege``, ``quelle``."""
    rows = [(k, j, n) for k, years in _PAPERS.items() for j, n in years.items()]
    df = pd.DataFrame(rows, columns=["konferenz", "jahr", "beitraege"])
    df["quelle"] = "acceptance_rates"
    return df


def milestones() -> pd.DataFrame:
    """Meilensteine neuronaler Netze: ``jahr``, ``ereignis``, ``beschreibung``, ``quelle``."""
    return pd.DataFrame(_MILESTONES, columns=["jahr", "ereignis", "beschreibung", "quelle"])
