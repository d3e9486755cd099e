"""Synthetische Übungsdaten für Kapitel 3 (und Wiederverwendung in Kapitel 4).

Alle Tabellen hier sind **erfunden**: Sie werden aus Zufallszahlen mit bekannter
Struktur erzeugt, damit man prüfen kann, ob ein Verfahren diese Struktur wiederfindet.
Echte Kunden- oder Maschinendaten dürfen wir nicht veröffentlichen; für das
Prinzip reichen synthetische.

* ``make_customers`` – Kundinnen und Kunden eines Onlinehändlers mit verstecktem
  wahren Segment (für Clustering/Kundensegmentierung).
* ``make_sensor_data`` – Minutenwerte einer Maschine mit eingestreuten Störungen
  (für Anomalieerkennung).
* ``make_orders`` – Bestellungen mit Lücken, Kategorien und Zeitstempeln
  (für Feature Engineering).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.core.checks import check_float, check_int

#: Höchstzahl erzeugter Zeilen – mehr passt kaum in den Speicher eines Laptops.
MAX_ROWS = 10_000_000

#: Die Segmente in ``make_customers`` mit Mittelwerten von
#: (alter, umsatz_jahr in EUR, bestellungen_jahr, anteil_rabatt).
CUSTOMER_SEGMENTS = {
    "Studierende": (23, 350, 14, 0.55),
    "Familien": (41, 1900, 22, 0.30),
    "Gelegenheitskäufer": (52, 420, 3, 0.10),
    "Premiumkunden": (46, 4200, 30, 0.05),
}


def make_customers(n: int = 600, *, seed: int = 0) -> pd.DataFrame:
    """Synthetische Kundentabelle mit ``n`` Zeilen.

    Spalten: ``alter`` (Jahre), ``umsatz_jahr`` (EUR), ``bestellungen_jahr``,
    ``anteil_rabatt`` (Anteil der Bestellungen mit Gutschein, 0…1) und
    ``segment_wahr`` (das Segment, aus dem die Zeile gezogen wurde – ein
    Clusterverfahren bekommt es nicht zu sehen).
    """
    n = check_int("n", n, minimum=len(CUSTOMER_SEGMENTS), maximum=MAX_ROWS)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    names = list(CUSTOMER_SEGMENTS)
    segment = rng.choice(len(names), size=n, p=[0.3, 0.3, 0.25, 0.15])
    means = np.array([CUSTOMER_SEGMENTS[s] for s in names])[segment]  # (n, 4)
    alter = np.clip(rng.normal(means[:, 0], 5), 18, 85)
    umsatz = np.clip(rng.normal(means[:, 1], 0.25 * means[:, 1]), 20, None)
    bestellungen = np.clip(rng.poisson(means[:, 2]), 1, None)
    rabatt = np.clip(rng.normal(means[:, 3], 0.08), 0, 1)
    return pd.DataFrame({
        "alter": alter.round(0).astype(int),
        "umsatz_jahr": umsatz.round(2),
        "bestellungen_jahr": bestellungen.astype(int),
        "anteil_rabatt": rabatt.round(3),
        "segment_wahr": pd.Categorical(np.array(names)[segment], categories=names),
    })


def make_sensor_data(n: int = 1440, *, anomaly_rate: float = 0.02, seed: int = 0
                     ) -> pd.DataFrame:
    """Synthetische Minutenwerte einer Maschine über ``n`` Minuten (Standard: ein Tag).

    Spalten: ``zeit`` (Zeitstempel), ``temperatur`` (°C, folgt der Last),
    ``vibration`` (mm/s), ``strom`` (A) und ``anomalie`` (1 = eingestreute Störung,
    nur zur Bewertung – ein unüberwachtes Verfahren sieht sie nicht). Störungen sind
    Ausreißer in einzelnen Größen *oder* untypische Kombinationen (hohe Vibration bei
    niedriger Last).
    """
    n = check_int("n", n, minimum=10, maximum=MAX_ROWS)
    anomaly_rate = check_float("anomaly_rate", anomaly_rate, 0.0, 0.5, open_max=True)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    load = 0.6 + 0.3 * np.sin(2 * np.pi * t / 480) + rng.normal(0, 0.03, n)  # Last 0…1
    strom = 10 + 8 * load + rng.normal(0, 0.3, n)
    temperatur = 40 + 25 * load + rng.normal(0, 0.8, n)
    vibration = 1.5 + 2.0 * load + rng.normal(0, 0.15, n)
    anomalie = np.zeros(n, dtype=int)
    idx = rng.choice(n, size=int(round(anomaly_rate * n)), replace=False)
    for i, kind in zip(idx, rng.integers(0, 3, len(idx))):
        if kind == 0:  # Temperaturspitze
            temperatur[i] += rng.uniform(8, 15)
        elif kind == 1:  # Vibration passt nicht zur Last
            vibration[i] += rng.uniform(1.2, 2.5)
        else:  # Stromeinbruch
            strom[i] -= rng.uniform(3, 6)
        anomalie[i] = 1
    return pd.DataFrame({
        "zeit": pd.date_range("2026-03-02 00:00", periods=n, freq="min"),
        "temperatur": temperatur.round(2),
        "vibration": vibration.round(3),
        "strom": strom.round(2),
        "anomalie": anomalie,
    })


def make_orders(n: int = 12, *, seed: int = 0) -> pd.DataFrame:
    """Kleine synthetische Bestelltabelle mit typischen Rohdatenproblemen.

    Spalten: ``zeitstempel``, ``geschlecht`` ("m", "w", "d"), ``alter`` (mit
    fehlenden Werten), ``kategorie`` (Warengruppe) und ``betrag`` (EUR).
    """
    n = check_int("n", n, minimum=4, maximum=MAX_ROWS)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-02")
    minutes = np.sort(rng.integers(0, 3 * 24 * 60, n))
    alter = rng.integers(18, 70, n).astype(float)
    alter[rng.choice(n, size=max(1, n // 5), replace=False)] = np.nan
    return pd.DataFrame({
        "zeitstempel": start + pd.to_timedelta(minutes, unit="min"),
        "geschlecht": rng.choice(["m", "w", "d"], size=n, p=[0.45, 0.45, 0.1]),
        "alter": alter,
        "kategorie": rng.choice(["Bücher", "Elektronik", "Garten"], size=n),
        "betrag": rng.gamma(2.0, 25.0, n).round(2),
    })
