"""Synthetische Sensordaten für Predictive Maintenance und passende Auswertungen.

Die Daten sind **erfunden**: Ein verborgener Verschleißgrad jeder Maschine
steigt mit den Betriebsstunden seit der letzten Wartung; Temperatur, Vibration
und Öldruck hängen verrauscht von ihm ab, die Drehzahl nicht. Aus dem
Verschleiß folgt die Wahrscheinlichkeit, dass die Maschine in den nächsten
sieben Tagen ausfällt. So kennen wir die wahre Ausfallwahrscheinlichkeit und
können prüfen, wie gut ein Modell sie schätzt.

    readings = make_sensor_data(MaintenanceConfig(n_samples=2000), seed=0)
    table = reliability_table(y_test, proba, n_bins=10)
    threshold, cost = best_threshold(y_test, proba, cost_fp=1, cost_fn=10)

Kapitel 4 (Fallstudie) und Kapitel 6 (Projektablauf) nutzen das Modul.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Messbare Merkmale (ohne verborgenen Verschleiß und ohne Zielspalte).
FEATURES = ("temperatur", "vibration", "oeldruck", "drehzahl", "betriebsstunden", "typ")
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
        if isinstance(self.n_samples, bool) or not isinstance(self.n_samples, int):
            raise TypeError(f"n_samples muss eine ganze Zahl sein, nicht {self.n_samples!r}.")
        if self.n_samples < 1:
            raise ValueError(f"n_samples muss ≥ 1 sein, nicht {self.n_samples}.")
        if not self.max_hours > 0:
            raise ValueError(f"max_hours muss positiv sein, nicht {self.max_hours!r}.")
        if self.noise < 0:
            raise ValueError(f"noise darf nicht negativ sein, nicht {self.noise!r}.")
        shares = np.asarray(self.type_shares, dtype=float)
        if shares.shape != (3,) or (shares < 0).any() or not np.isclose(shares.sum(), 1.0):
            raise ValueError(
                "type_shares braucht drei nichtnegative Anteile mit Summe 1, "
                f"nicht {self.type_shares!r}."
            )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def make_sensor_data(config: MaintenanceConfig | None = None, *, seed: int = 0) -> pd.DataFrame:
    """Erzeugt synthetische Sensordaten eines Maschinenparks.

    Spalten: die Merkmale aus ``FEATURES``, ``verschleiss`` (verborgen, nur zur
    Kontrolle), ``p_wahr`` (wahre Ausfallwahrscheinlichkeit) und ``ausfall_7t``.
    """
    cfg = config if config is not None else MaintenanceConfig()
    if not isinstance(cfg, MaintenanceConfig):
        raise TypeError(f"config muss eine MaintenanceConfig sein, nicht {type(cfg).__name__}.")
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


def _check_binary(y_true, proba) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true)
    p = np.asarray(proba, dtype=float)
    if y.ndim != 1 or p.ndim != 1 or len(y) != len(p):
        raise ValueError(
            f"y_true und proba müssen gleich lange Vektoren sein, Formen {y.shape} und {p.shape}."
        )
    if len(y) == 0:
        raise ValueError("y_true ist leer.")
    if not np.isin(y, [0, 1]).all():
        raise ValueError("y_true darf nur 0 und 1 enthalten.")
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("proba muss Wahrscheinlichkeiten in [0, 1] enthalten.")
    return y.astype(int), p


def reliability_table(y_true, proba, n_bins: int = 10) -> pd.DataFrame:
    """Kalibrierungstabelle: Vorhersagen in gleich breite Klassen von [0, 1] einteilen.

    Je nicht leerer Klasse: ``p_mittel`` (mittlere vorhergesagte Wahrscheinlichkeit),
    ``anteil_positiv`` (beobachtete Ausfallquote) und ``anzahl``. Bei einem gut
    kalibrierten Modell liegen ``p_mittel`` und ``anteil_positiv`` nahe beieinander.
    """
    y, p = _check_binary(y_true, proba)
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise ValueError(f"n_bins muss eine ganze Zahl ≥ 1 sein, nicht {n_bins!r}.")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.searchsorted(edges[1:-1], p, side="right")  # Klasse 0 … n_bins-1
    rows = []
    for b in range(n_bins):
        mask = idx == b
        if mask.any():
            rows.append((edges[b], edges[b + 1], p[mask].mean(), y[mask].mean(), int(mask.sum())))
    return pd.DataFrame(rows, columns=["von", "bis", "p_mittel", "anteil_positiv", "anzahl"])


def expected_calibration_error(y_true, proba, n_bins: int = 10) -> float:
    """Gewichteter mittlerer Abstand zwischen Vorhersage und beobachteter Quote (ECE)."""
    table = reliability_table(y_true, proba, n_bins)
    weights = table["anzahl"] / table["anzahl"].sum()
    return float((weights * (table["p_mittel"] - table["anteil_positiv"]).abs()).sum())


def expected_cost(y_true, y_pred, *, cost_fp: float, cost_fn: float) -> float:
    """Mittlere Kosten je Maschine: unnötige Wartung kostet ``cost_fp``, ein
    übersehener Ausfall ``cost_fn``; richtige Entscheidungen kosten nichts."""
    y, pred = _check_binary(y_true, np.asarray(y_pred, dtype=float))
    if not np.isin(pred, [0, 1]).all():
        raise ValueError("y_pred darf nur 0 und 1 enthalten.")
    if cost_fp < 0 or cost_fn < 0:
        raise ValueError("Kosten dürfen nicht negativ sein.")
    fp = np.sum((pred == 1) & (y == 0))
    fn = np.sum((pred == 0) & (y == 1))
    return float((cost_fp * fp + cost_fn * fn) / len(y))


def cost_curve(y_true, proba, *, cost_fp: float, cost_fn: float,
               n_steps: int = 101) -> pd.DataFrame:
    """Mittlere Kosten für Schwellen von 0 bis 1 (Spalten ``schwelle``, ``kosten``)."""
    y, p = _check_binary(y_true, proba)
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 2:
        raise ValueError(f"n_steps muss eine ganze Zahl ≥ 2 sein, nicht {n_steps!r}.")
    thresholds = np.linspace(0.0, 1.0, n_steps)
    costs = [expected_cost(y, (p >= t).astype(int), cost_fp=cost_fp, cost_fn=cost_fn)
             for t in thresholds]
    return pd.DataFrame({"schwelle": thresholds, "kosten": costs})


def best_threshold(y_true, proba, *, cost_fp: float, cost_fn: float,
                   n_steps: int = 101) -> tuple[float, float]:
    """Schwelle mit den geringsten mittleren Kosten und diese Kosten.

    Zum Vergleich: Für ein perfekt kalibriertes Modell ist die optimale Schwelle
    ``cost_fp / (cost_fp + cost_fn)`` – warten, sobald der erwartete Schaden
    eines Ausfalls die Wartungskosten übersteigt.
    """
    curve = cost_curve(y_true, proba, cost_fp=cost_fp, cost_fn=cost_fn, n_steps=n_steps)
    best = curve.loc[curve["kosten"].idxmin()]
    return float(best["schwelle"]), float(best["kosten"])
