"""Synthetische Bevölkerung aus zwei Gruppen mit verschiedenen Regeln (Kapitel 5).

Eine Minderheitsgruppe folgt einer anderen Regel als die Mehrheit. Ein Modell, das die
Gruppe nicht kennt und überwiegend Daten der Mehrheit sieht, lernt deren Regel – so wird
Verzerrung durch Unterrepräsentation messbar.

    population = make_group_population(2000, 0.1, seed=0)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.core.checks import check_int, check_probability

MAX_PEOPLE = 10_000_000  # Höchstzahl erzeugter Personen


def make_group_population(n: int, minority_share: float, *, seed: int = 0) -> pd.DataFrame:
    """Zwei Gruppen mit denselben Merkmalen, aber verschiedenen Zusammenhängen.

    In Gruppe ``"A"`` (Mehrheit) gilt ``y = 1`` genau dann, wenn ``x1 + x2 > 0``;
    in Gruppe ``"B"`` (Anteil ``minority_share``), wenn ``x1 - x2 > 0``.
    Spalten: ``x1``, ``x2``, ``gruppe``, ``y``.
    """
    n = check_int("n", n, minimum=2, maximum=MAX_PEOPLE)
    minority_share = check_probability("minority_share", minority_share)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))  # (n, 2)
    group = np.where(rng.uniform(size=n) < minority_share, "B", "A")
    score = np.where(group == "A", x[:, 0] + x[:, 1], x[:, 0] - x[:, 1])
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "gruppe": group,
                         "y": (score > 0).astype(int)})
