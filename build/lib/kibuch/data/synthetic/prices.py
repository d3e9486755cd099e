"""Eine synthetische, strompreisähnliche Tagesreihe für die Datumsfalle in Kapitel 2.

Die Werte sind **ausgedacht**: Sie ähneln einem Großhandelsstrompreis (teurer im
Winter, billiger am Wochenende, leichter Trend, Rauschen), sind aber keine echten
Börsendaten. Es geht nur um das Muster, das beim falschen Einlesen der Datumsangaben
zerstört wird.

    prices = make_price_series()                      # 366 Tage des Jahres 2024
    prices = make_price_series(PriceSeriesConfig(noise=0.0, seed=1))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import check_float, check_instance, check_int, check_str


@dataclass
class PriceSeriesConfig:
    """Parameter der synthetischen Preisreihe (keine echten Börsendaten)."""

    start: str = "2024-01-01"  # erster Tag (ISO-Format)
    days: int = 366  # Länge der Reihe in Tagen (2024 ist ein Schaltjahr)
    base: float = 90.0  # mittleres Preisniveau in €/MWh
    seasonal: float = 30.0  # Amplitude der Jahresschwankung (Winter teurer)
    weekend: float = 15.0  # Abschlag an Samstagen und Sonntagen
    trend: float = -20.0  # Änderung über die ganze Reihe (linear)
    noise: float = 6.0  # Standardabweichung des täglichen Rauschens
    seed: int = 0  # Seed des Zufallsgenerators

    def __post_init__(self):
        _check_config(self)


#: Mehr Tage ergeben keine sinnvolle Tagesreihe mehr (gut 270 Jahre).
MAX_DAYS = 100_000


def _check_config(config) -> PriceSeriesConfig:
    check_instance("config", config, PriceSeriesConfig)
    check_str("start", config.start)
    check_int("days", config.days, minimum=2, maximum=MAX_DAYS)
    for name in ("base", "seasonal", "weekend", "trend"):
        check_float(name, getattr(config, name))
    check_float("noise", config.noise, minimum=0.0)
    check_int("seed", config.seed, minimum=0)
    try:
        pd.Timestamp(config.start)
    except (ValueError, TypeError) as err:
        raise ValueError(f"start ist kein gültiges Datum: {config.start!r}.") from err
    return config


def make_price_series(config: PriceSeriesConfig | None = None) -> pd.DataFrame:
    """Erzeugt eine synthetische Tagesreihe mit Spalten ``datum`` und ``preis``.

    Der Verlauf ähnelt einem Großhandelsstrompreis: teurer im Winter, billiger
    am Wochenende, dazu ein leichter Trend und Rauschen.
    """
    config = _check_config(PriceSeriesConfig() if config is None else config)
    rng = np.random.default_rng(config.seed)
    datum = pd.date_range(config.start, periods=config.days, freq="D")
    t = np.arange(config.days)
    day_of_year = datum.day_of_year.to_numpy()
    season = config.seasonal * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
    weekend = np.where(datum.day_of_week.to_numpy() >= 5, -config.weekend, 0.0)
    trend = config.trend * t / (config.days - 1)
    preis = config.base + season + weekend + trend + rng.normal(0, config.noise, config.days)
    return pd.DataFrame({"datum": datum, "preis": preis.round(2)})
