"""Bausteine für einen KI-Projektablauf am Wartungsfall (Kapitel 6).

Der Weg von Rohdaten bis zum überwachten Modell im Betrieb:

1. ``make_raw_records`` – Rohdaten aus zwei Werken, wie sie in der Praxis
   ankommen: mit Duplikaten, °F statt °C, uneinheitlichen Typangaben,
   Lücken und Sensorfehlern (alles **synthetisch**, aus :mod:`kibuch.chapters.ch06_maintenance`),
2. ``clean_records`` – Bereinigung mit Protokoll,
3. ``cohens_kappa`` – Übereinstimmung zweier Annotatoren beim Labeling,
4. ``save_model`` / ``predict_in_subprocess`` – Modell speichern und in einem
   eigenen Python-Prozess laden, wie ein Vorhersagedienst,
5. ``population_stability_index`` / ``drift_report`` – Drift im Betrieb erkennen,
6. ``CostAssumptions`` / ``project_costs`` – eine Kostenrechnung mit offen
   genannten Annahmen.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from kibuch.chapters.ch06_maintenance import MaintenanceConfig, make_sensor_data

#: Numerische Sensorspalten, die die Bereinigung und das Monitoring prüfen.
SENSORS = ("temperatur", "vibration", "oeldruck", "drehzahl", "betriebsstunden")


# ---------------------------------------------------------------------------
# 1. Rohdaten mit typischen Fehlern
# ---------------------------------------------------------------------------

@dataclass
class RawDataConfig:
    n_samples: int = 2000  # Messungen vor dem Einbau der Fehler
    duplicate_share: float = 0.04  # Anteil doppelt übertragener Zeilen
    fahrenheit_site: str = "Nord"  # dieses Werk liefert Temperaturen in °F
    missing_share: float = 0.03  # Anteil fehlender Öldruckwerte
    error_share: float = 0.01  # Anteil Sensorfehler (Vibration = 9999)

    def __post_init__(self) -> None:
        for name in ("duplicate_share", "missing_share", "error_share"):
            value = getattr(self, name)
            if not 0.0 <= value < 0.5:
                raise ValueError(f"{name} muss in [0; 0,5) liegen, nicht {value!r}.")
        if self.fahrenheit_site not in ("Nord", "Süd"):
            raise ValueError(
                f"fahrenheit_site muss 'Nord' oder 'Süd' sein, nicht {self.fahrenheit_site!r}."
            )


def make_raw_records(config: RawDataConfig | None = None, *, seed: int = 0) -> pd.DataFrame:
    """Synthetische Rohdaten zweier Werke mit eingebauten Datenfehlern.

    Spalten: ``messung_id``, ``werk``, die Sensorspalten, ``typ`` (uneinheitlich
    geschrieben) und ``ausfall_7t``.
    """
    cfg = config if config is not None else RawDataConfig()
    if not isinstance(cfg, RawDataConfig):
        raise TypeError(f"config muss eine RawDataConfig sein, nicht {type(cfg).__name__}.")
    rng = np.random.default_rng(seed)
    clean = make_sensor_data(MaintenanceConfig(n_samples=cfg.n_samples), seed=seed)
    raw = clean.drop(columns=["verschleiss", "p_wahr"])
    raw.insert(0, "messung_id", np.arange(len(raw)))
    raw.insert(1, "werk", rng.choice(["Nord", "Süd"], size=len(raw)))
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


def clean_records(raw: pd.DataFrame, *, fahrenheit_site: str = "Nord",
                  max_vibration: float = 50.0) -> tuple[pd.DataFrame, dict[str, int]]:
    """Bereinigt Rohdaten und protokolliert jeden Schritt.

    Entfernt Duplikate (gleiche ``messung_id``), rechnet °F in °C um,
    vereinheitlicht ``typ`` auf ``A``/``B``/``C``, entfernt unmögliche
    Vibrationswerte und füllt fehlende Öldrücke mit dem Median des Typs.
    Gibt die saubere Tabelle und ein Protokoll (Schritt → Anzahl Zeilen) zurück.
    """
    if not isinstance(raw, pd.DataFrame):
        raise TypeError(f"raw muss ein DataFrame sein, nicht {type(raw).__name__}.")
    missing = {"messung_id", "werk", "typ", *SENSORS} - set(raw.columns)
    if missing:
        raise ValueError(f"Es fehlen Spalten: {sorted(missing)}.")
    log: dict[str, int] = {"Rohzeilen": len(raw)}
    data = raw.drop_duplicates(subset="messung_id").copy()
    log["Duplikate entfernt"] = len(raw) - len(data)
    site = data["werk"] == fahrenheit_site
    data.loc[site, "temperatur"] = (data.loc[site, "temperatur"] - 32) * 5 / 9
    log["°F in °C umgerechnet"] = int(site.sum())
    typ = data["typ"].astype(str).str.strip().str.upper().str.replace("TYP ", "", regex=False)
    unknown = sorted(set(typ) - {"A", "B", "C"})
    if unknown:
        raise ValueError(f"Unbekannte Maschinentypen nach Vereinheitlichung: {unknown}.")
    log["Typangaben vereinheitlicht"] = int((typ != data["typ"]).sum())
    data["typ"] = typ
    bad = data["vibration"] > max_vibration
    log["Sensorfehler entfernt"] = int(bad.sum())
    data = data[~bad].copy()
    gaps = data["oeldruck"].isna()
    data.loc[gaps, "oeldruck"] = data.groupby("typ")["oeldruck"].transform("median")[gaps]
    log["Lücken gefüllt"] = int(gaps.sum())
    log["saubere Zeilen"] = len(data)
    return data.sort_values("messung_id").reset_index(drop=True), log


# ---------------------------------------------------------------------------
# 2. Label-Qualität
# ---------------------------------------------------------------------------

def cohens_kappa(a, b) -> float:
    """Cohens Kappa für zwei Annotatoren: (p_o − p_e) / (1 − p_e).

    ``p_o`` ist der Anteil gleicher Labels, ``p_e`` die Übereinstimmung, die man
    bei zufälligem Labeln mit denselben Häufigkeiten erwarten würde.
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            f"a und b müssen gleich lange Vektoren sein, Formen {a.shape} und {b.shape}."
        )
    if len(a) == 0:
        raise ValueError("Es braucht mindestens ein gelabeltes Beispiel.")
    labels = np.union1d(a, b)
    p_o = np.mean(a == b)
    p_e = sum(np.mean(a == lab) * np.mean(b == lab) for lab in labels)
    if np.isclose(p_e, 1.0):
        raise ValueError(
            "Kappa ist nicht definiert: Beide Annotatoren vergeben nur ein einziges Label."
        )
    return float((p_o - p_e) / (1 - p_e))


# ---------------------------------------------------------------------------
# 3. Merkmale, Modell speichern und in einem eigenen Prozess nutzen
# ---------------------------------------------------------------------------

def add_wear_features(frame: pd.DataFrame) -> pd.DataFrame:
    """Feature Engineering mit Fachwissen: ``log_vibration`` (Vibration steigt mit dem
    Verschleiß überproportional) und ``stunden_typ_c`` (Typ C verschleißt schneller).

    Liegt in einem Modul statt im Notebook, damit ein gespeichertes Modell, das diese
    Funktion in seiner Pipeline benutzt, auch in einem anderen Prozess ladbar ist.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame muss ein DataFrame sein, nicht {type(frame).__name__}.")
    missing = {"vibration", "betriebsstunden", "typ"} - set(frame.columns)
    if missing:
        raise ValueError(f"Es fehlen Spalten: {sorted(missing)}.")
    out = frame.copy()
    out["log_vibration"] = np.log1p(out["vibration"].clip(lower=0))
    out["stunden_typ_c"] = out["betriebsstunden"] * (out["typ"] == "C")
    return out


# ---------------------------------------------------------------------------
# 3b. Modell speichern und in einem eigenen Prozess nutzen
# ---------------------------------------------------------------------------

_SERVE_SCRIPT = """
import json, sys
import joblib
import pandas as pd
model = joblib.load(sys.argv[1])
rows = pd.read_json(sys.stdin, orient="split")
proba = model.predict_proba(rows)[:, 1]
print(json.dumps({"proba": proba.tolist()}))
"""


def save_model(model, path) -> Path:
    """Speichert ein scikit-learn-Modell mit joblib und gibt den Pfad zurück.

    Achtung: joblib/pickle-Dateien können beim Laden beliebigen Code ausführen –
    nur Dateien aus vertrauenswürdiger Quelle laden.
    """
    import joblib

    if not hasattr(model, "predict_proba"):
        raise TypeError("model braucht eine Methode predict_proba.")
    path = Path(path)
    if path.suffix != ".joblib":
        raise ValueError(f"Der Dateiname soll auf .joblib enden, nicht {path.name!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    return path


def predict_in_subprocess(path, rows: pd.DataFrame, *, timeout: float = 120.0) -> np.ndarray:
    """Lädt das Modell in einem **neuen** Python-Prozess und liefert Ausfallwahrscheinlichkeiten.

    Die Daten gehen als JSON über die Standardeingabe hinein, die Antwort kommt
    als JSON zurück – so wie bei einem kleinen Vorhersagedienst.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Modelldatei {path} gibt es nicht.")
    if not isinstance(rows, pd.DataFrame) or rows.empty:
        raise ValueError("rows muss ein nicht leerer DataFrame sein.")
    result = subprocess.run(
        [sys.executable, "-c", _SERVE_SCRIPT, str(path)],
        input=rows.to_json(orient="split"), capture_output=True, text=True, timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"Der Vorhersageprozess ist gescheitert:\n{result.stderr.strip()}")
    return np.array(json.loads(result.stdout)["proba"])


# ---------------------------------------------------------------------------
# 4. Monitoring: Drift
# ---------------------------------------------------------------------------

def population_stability_index(expected, actual, n_bins: int = 10) -> float:
    """Population Stability Index zwischen Referenz- und aktuellen Werten.

    Klassengrenzen sind die Quantile der Referenz; PSI = Σ (a − e) · ln(a / e)
    über die Klassenanteile e (Referenz) und a (aktuell). Faustregel aus der
    Kreditrisikopraxis: < 0,1 stabil, 0,1–0,25 beobachten, > 0,25 deutliche Drift.
    """
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.ndim != 1 or a.ndim != 1 or len(e) < 2 or len(a) < 2:
        raise ValueError("expected und actual müssen Vektoren mit mindestens zwei Werten sein.")
    if np.isnan(e).any() or np.isnan(a).any():
        raise ValueError("expected und actual dürfen keine NaN enthalten.")
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 2:
        raise ValueError(f"n_bins muss eine ganze Zahl ≥ 2 sein, nicht {n_bins!r}.")
    inner = np.unique(np.quantile(e, np.linspace(0, 1, n_bins + 1)[1:-1]))
    n_classes = len(inner) + 1
    e_share = np.bincount(np.searchsorted(inner, e, side="right"), minlength=n_classes) / len(e)
    a_share = np.bincount(np.searchsorted(inner, a, side="right"), minlength=n_classes) / len(a)
    e_share = np.clip(e_share, 1e-4, None)  # leere Klassen: kein log(0)
    a_share = np.clip(a_share, 1e-4, None)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))


def drift_report(reference: pd.DataFrame, current: pd.DataFrame, *, window: str,
                 columns=SENSORS) -> pd.DataFrame:
    """PSI und Kolmogorow-Smirnow-Test je Zeitfenster und Spalte.

    ``current`` enthält eine Spalte ``window`` (z. B. Woche); jede Gruppe wird
    mit ``reference`` verglichen. Ergebnis in langer Form: ``fenster``,
    ``merkmal``, ``psi``, ``ks_p`` (p-Wert des KS-Tests).
    """
    from scipy.stats import ks_2samp

    if window not in current.columns:
        raise ValueError(f"Spalte {window!r} fehlt in current.")
    missing = (set(columns) - set(reference.columns)) | (set(columns) - set(current.columns))
    if missing:
        raise ValueError(f"Es fehlen Spalten: {sorted(missing)}.")
    rows = []
    for key, part in current.groupby(window, sort=True):
        for col in columns:
            psi = population_stability_index(reference[col].to_numpy(), part[col].to_numpy())
            rows.append((key, col, psi, ks_2samp(reference[col], part[col]).pvalue))
    return pd.DataFrame(rows, columns=["fenster", "merkmal", "psi", "ks_p"])


# ---------------------------------------------------------------------------
# 5. Was kostet das? Eine Beispielrechnung mit offenen Annahmen
# ---------------------------------------------------------------------------

@dataclass
class CostAssumptions:
    """Alle Zahlen sind **Annahmen** für eine Beispielrechnung, keine Marktpreise."""

    team_days: float = 60.0  # Personentage für Rahmung, Daten, Modell, Einführung
    day_rate_eur: float = 800.0  # Tagessatz (intern oder extern) in Euro
    labeling_items: int = 5000  # Zahl der Beispiele, die Fachleute labeln
    labeling_seconds: float = 30.0  # Sekunden je Label
    labeler_rate_eur_h: float = 60.0  # Stundensatz der Fachleute in Euro
    double_label_share: float = 0.2  # Anteil doppelt gelabelter Beispiele (für Kappa)
    cloud_eur_month: float = 300.0  # Betrieb: Speicher, Rechner, Monitoring je Monat
    maintenance_days_year: float = 20.0  # Pflege: Nachtrainieren, Fehlersuche je Jahr

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{f.name} muss eine Zahl ≥ 0 sein, nicht {value!r}.")
        if self.double_label_share > 1:
            raise ValueError("double_label_share darf höchstens 1 sein.")


def project_costs(assumptions: CostAssumptions | None = None, *, years: int = 1) -> pd.DataFrame:
    """Kosten je Posten (Euro) für Aufbau und ``years`` Jahre Betrieb."""
    a = assumptions if assumptions is not None else CostAssumptions()
    if not isinstance(a, CostAssumptions):
        raise TypeError("assumptions muss eine CostAssumptions sein.")
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError(f"years muss eine ganze Zahl ≥ 1 sein, nicht {years!r}.")
    label_hours = a.labeling_items * (1 + a.double_label_share) * a.labeling_seconds / 3600
    items = [
        ("Projektteam (Aufbau)", a.team_days * a.day_rate_eur),
        ("Labeling durch Fachleute", label_hours * a.labeler_rate_eur_h),
        ("Betrieb (Cloud, Monitoring)", 12 * years * a.cloud_eur_month),
        ("Pflege und Nachtrainieren", years * a.maintenance_days_year * a.day_rate_eur),
    ]
    costs = pd.DataFrame(items, columns=["posten", "euro"])
    costs["anteil"] = costs["euro"] / costs["euro"].sum()
    return costs
