"""Synthetische Sensordaten eines Maschinenparks für vorausschauende Wartung (Kapitel 4 und 6).

Die Daten sind **erfunden**: Ein verborgener Verschleißgrad jeder Maschine steigt mit den
Betriebsstunden seit der letzten Wartung; Temperatur, Vibration und Öldruck hängen
verrauscht von ihm ab, die Drehzahl nicht. Aus dem Verschleiß folgt die
Wahrscheinlichkeit, dass die Maschine in den nächsten sieben Tagen ausfällt. So kennen
wir die wahre Ausfallwahrscheinlichkeit und können prüfen, wie gut ein Modell sie schätzt.

    readings = make_sensor_data(MaintenanceConfig(n_samples=2000), seed=0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import check_array, check_float, check_instance, check_int

#: Messbare Merkmale (ohne verborgenen Verschleiß und ohne Zielspalte).
FEATURES = ("temperatur", "vibration", "oeldruck", "drehzahl", "betriebsstunden", "typ")
#: Numerische Sensorspalten (alle Merkmale außer dem Maschinentyp).
SENSORS = ("temperatur", "vibration", "oeldruck", "drehzahl", "betriebsstunden")
#: Zielspalte: 1 = Ausfall innerhalb von sieben Tagen.
TARGET = "ausfall_7t"
#: Maschinentypen und ihr Verschleißfaktor (Typ C verschleißt am schnellsten).
MACHINE_TYPES = {"A": 0.8, "B": 1.0, "C": 1.3}


@dataclass
class MaintenanceConfig:
    n_samples: int = 3000  # Zahl der Messungen (je eine Maschine an einem Tag)
    max_hours: float = 6000.0  # größte Laufzeit seit der letzten Wartung in Stunden
    base_logit: float = -6.0  # Logit der Ausfallwahrscheinlichkeit ohne Verschleiß
    wear_effect: float = 7.0  # Anstieg des Logits je Einheit Verschleiß
    noise: float = 1.0  # Faktor für das Messrauschen aller Sensoren
    temp_offset: float = 0.0  # Verschiebung der Temperatur in °C (z. B. Sommer, neuer Sensor)
    type_shares: tuple[float, float, float] = (0.4, 0.4, 0.2)  # Anteile der Typen A, B, C

    def __post_init__(self) -> None:
        check_int("n_samples", self.n_samples, minimum=1)
        check_float("max_hours", self.max_hours, 0, open_min=True)
        check_float("base_logit", self.base_logit)
        check_float("wear_effect", self.wear_effect)
        check_float("noise", self.noise, minimum=0)
        check_float("temp_offset", self.temp_offset)
        shares = check_array("type_shares", self.type_shares, ndim=1, min_len=3)
        if len(shares) != 3 or (shares < 0).any() or not np.isclose(shares.sum(), 1.0):
            raise ValueError("type_shares braucht drei nichtnegative Anteile mit Summe 1, "
                             f"nicht {self.type_shares!r}.")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def make_sensor_data(config: MaintenanceConfig | None = None, *, seed: int = 0) -> pd.DataFrame:
    """Erzeugt synthetische Sensordaten eines Maschinenparks.

    Spalten: die Merkmale aus ``FEATURES``, ``verschleiss`` (verborgen, nur zur
    Kontrolle), ``p_wahr`` (wahre Ausfallwahrscheinlichkeit) und ``ausfall_7t``.
    """
    cfg = config if config is not None else MaintenanceConfig()
    check_instance("config", cfg, MaintenanceConfig, "eine MaintenanceConfig")
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    n, s = cfg.n_samples, cfg.noise
    types = rng.choice(list(MACHINE_TYPES), size=n, p=list(cfg.type_shares))
    factor = np.array([MACHINE_TYPES[t] for t in types])
    hours = rng.uniform(0, cfg.max_hours, size=n)
    # Verschleiß etwa in [0, 1.3]: wächst mit Laufzeit und Typfaktor, streut je Maschine
    wear = np.clip(hours / cfg.max_hours * factor + rng.normal(0, 0.08, n), 0, None)
    readings = pd.DataFrame(
        {
            "temperatur": 55 + 18 * wear + rng.normal(0, 3 * s, n) + cfg.temp_offset,
            "vibration": 1.5 + 5 * wear**2 + rng.normal(0, 0.7 * s, n).clip(-1.4, None),
            "oeldruck": 5.5 - 1.2 * wear + rng.normal(0, 0.35 * s, n),
            "drehzahl": rng.normal(1480, 40, n),  # hängt nicht vom Verschleiß ab
            "betriebsstunden": hours,
            "typ": types,
        }
    )
    p_true = _sigmoid(cfg.base_logit + cfg.wear_effect * wear)
    readings["verschleiss"] = wear
    readings["p_wahr"] = p_true
    readings[TARGET] = (rng.uniform(size=n) < p_true).astype(int)
    return readings
