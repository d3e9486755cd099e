"""Synthetische Rohdaten zweier Werke mit typischen Datenfehlern (Kapitel 6).

Grundlage sind die sauberen Sensordaten aus :mod:`kibuch.data.synthetic.sensors`; eingebaut
werden Fehler, wie sie in der Praxis ankommen: doppelt übertragene Zeilen, °F statt °C in
einem Werk, uneinheitliche Typangaben, Lücken im Öldruck und Sensorfehler (Vibration 9999).

    raw = make_raw_records(RawDataConfig(n_samples=3000), seed=0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import check_choice, check_float, check_instance, check_int
from kibuch.data.synthetic.sensors import MaintenanceConfig, make_sensor_data

#: Die beiden Werke des Falls.
SITES = ("Nord", "Süd")


@dataclass
class RawDataConfig:
    n_samples: int = 2000  # Messungen vor dem Einbau der Fehler
    duplicate_share: float = 0.04  # Anteil doppelt übertragener Zeilen
    fahrenheit_site: str = "Nord"  # dieses Werk liefert Temperaturen in °F
    missing_share: float = 0.03  # Anteil fehlender Öldruckwerte
    error_share: float = 0.01  # Anteil Sensorfehler (Vibration = 9999)

    def __post_init__(self) -> None:
        check_int("n_samples", self.n_samples, minimum=1)
        check_float("duplicate_share", self.duplicate_share, 0.0, 0.5, open_max=True)
        check_float("missing_share", self.missing_share, 0.0, 0.5, open_max=True)
        check_float("error_share", self.error_share, 0.0, 0.5, open_max=True)
        check_choice("fahrenheit_site", self.fahrenheit_site, SITES)


def make_raw_records(config: RawDataConfig | None = None, *, seed: int = 0) -> pd.DataFrame:
    """Synthetische Rohdaten zweier Werke mit eingebauten Datenfehlern.

    Spalten: ``messung_id``, ``werk``, die Sensorspalten, ``typ`` (uneinheitlich
    geschrieben) und ``ausfall_7t``.
    """
    cfg = config if config is not None else RawDataConfig()
    check_instance("config", cfg, RawDataConfig, "eine RawDataConfig")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    clean = make_sensor_data(MaintenanceConfig(n_samples=cfg.n_samples), seed=seed)
    raw = clean.drop(columns=["verschleiss", "p_wahr"])
    raw.insert(0, "messung_id", np.arange(len(raw)))
    raw.insert(1, "werk", rng.choice(list(SITES), size=len(raw)))
    n = len(raw)
    # °F im einen Werk: F = C · 9/5 + 32
    site = raw["werk"] == cfg.fahrenheit_site
    raw.loc[site, "temperatur"] = raw.loc[site, "temperatur"] * 9 / 5 + 32
    # Uneinheitliche Schreibweisen der Maschinentypen
    spellings = {"A": ["A", "a", "Typ A", " A"], "B": ["B", "b", "Typ B"],
                 "C": ["C", "Typ C", "c "]}
    raw["typ"] = [rng.choice(spellings[t]) for t in raw["typ"]]
    # Lücken und Sensorfehler
    raw.loc[rng.uniform(size=n) < cfg.missing_share, "oeldruck"] = np.nan
    raw.loc[rng.uniform(size=n) < cfg.error_share, "vibration"] = 9999.0
    # Doppelt übertragene Zeilen ans Ende hängen und alles mischen
    dups = raw.sample(frac=cfg.duplicate_share, random_state=seed)
    raw = pd.concat([raw, dups]).sample(frac=1.0, random_state=seed + 1)
    return raw.reset_index(drop=True)
