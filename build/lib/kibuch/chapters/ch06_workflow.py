"""Bausteine für einen KI-Projektablauf am Wartungsfall (Kapitel 6).

Der Weg von Rohdaten bis zum überwachten Modell im Betrieb:

1. ``clean_records`` – Bereinigung der Rohdaten mit Protokoll (die synthetischen Rohdaten
   mit Duplikaten, °F statt °C, uneinheitlichen Typangaben, Lücken und Sensorfehlern
   erzeugt :mod:`kibuch.data.synthetic.raw_records`),
2. ``cohens_kappa`` – Übereinstimmung zweier Annotatoren beim Labeling,
3. ``add_wear_features`` – Merkmale mit Fachwissen,
4. ``save_model`` / ``predict_in_subprocess`` – Modell speichern und in einem
   eigenen Python-Prozess laden, wie ein Vorhersagedienst,
5. ``population_stability_index`` / ``drift_report`` – Drift im Betrieb erkennen;
   ``psi_noise_level`` zeigt, wie groß der PSI schon ohne Drift wird,
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

from kibuch.core.checks import (
    check_array,
    check_callable,
    check_choice,
    check_float,
    check_frame,
    check_instance,
    check_int,
    check_path,
    check_same_length,
    check_str,
    check_str_list,
)
from kibuch.data.synthetic.sensors import SENSORS

MAX_BINS = 10_000  # Höchstzahl der Klassen für den PSI
MAX_REPEATS = 100_000  # Höchstzahl der Wiederholungen in psi_noise_level
MAX_WINDOW = 10_000_000  # größtes Zeitfenster (Zahl der Werte) in psi_noise_level


def _check_labels(name: str, labels) -> np.ndarray:
    """Ein Vektor von Labels (Zahlen oder Strings) ohne fehlende Werte."""
    if labels is None or isinstance(labels, (str, bytes, dict, set)):
        raise TypeError(f"{name} muss eine Liste von Labels sein, nicht {type(labels).__name__}.")
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"{name} muss ein nicht leerer Vektor sein, hat die Form {array.shape}.")
    if pd.isna(np.asarray(labels, dtype=object)).any():
        raise ValueError(f"{name} enthält fehlende Labels (NaN oder None); "
                         "vorher entfernen oder als eigenes Label benennen.")
    return array


# ---------------------------------------------------------------------------
# 1. Bereinigung
# ---------------------------------------------------------------------------

def clean_records(raw: pd.DataFrame, *, fahrenheit_site: str = "Nord",
                  max_vibration: float = 50.0) -> tuple[pd.DataFrame, dict[str, int]]:
    """Bereinigt Rohdaten und protokolliert jeden Schritt.

    Entfernt Duplikate (gleiche ``messung_id``), rechnet °F in °C um,
    vereinheitlicht ``typ`` auf ``A``/``B``/``C``, entfernt unmögliche
    Vibrationswerte und füllt fehlende Öldrücke mit dem Median des Typs.
    Gibt die saubere Tabelle und ein Protokoll (Schritt → Anzahl Zeilen) zurück.
    """
    check_frame("raw", raw, ["messung_id", "werk", "typ", *SENSORS], min_rows=1)
    fahrenheit_site = check_choice("fahrenheit_site", fahrenheit_site,
                                   sorted(raw["werk"].dropna().unique()))
    max_vibration = check_float("max_vibration", max_vibration, 0, open_min=True)
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
    a, b = _check_labels("a", a), _check_labels("b", b)
    check_same_length(a=a, b=b)
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
    check_frame("frame", frame, ["vibration", "betriebsstunden", "typ"], min_rows=0)
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

    check_callable("model.predict_proba", getattr(model, "predict_proba", None))
    path = check_path("path", path)
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
    path = check_path("path", path)
    if not path.is_file():
        raise FileNotFoundError(f"Modelldatei {path} gibt es nicht.")
    check_instance("rows", rows, pd.DataFrame, "ein pandas.DataFrame")
    if rows.empty:
        raise ValueError("rows muss mindestens eine Zeile enthalten.")
    timeout = check_float("timeout", timeout, 0, open_min=True)
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

def _psi_edges(e: np.ndarray, n_bins: int) -> np.ndarray:
    """Innere Klassengrenzen: die Quantile der Referenz (doppelte Grenzen fallen weg)."""
    return np.unique(np.quantile(e, np.linspace(0, 1, n_bins + 1)[1:-1]))


def _psi(e: np.ndarray, a: np.ndarray, inner: np.ndarray) -> float:
    n_classes = len(inner) + 1
    e_share = np.bincount(np.searchsorted(inner, e, side="right"), minlength=n_classes) / len(e)
    a_share = np.bincount(np.searchsorted(inner, a, side="right"), minlength=n_classes) / len(a)
    e_share = np.clip(e_share, 1e-4, None)  # leere Klassen: kein log(0)
    a_share = np.clip(a_share, 1e-4, None)
    return float(np.sum((a_share - e_share) * np.log(a_share / e_share)))


def population_stability_index(expected, actual, n_bins: int = 10) -> float:
    """Population Stability Index zwischen Referenz- und aktuellen Werten.

    Klassengrenzen sind die Quantile der Referenz; PSI = Σ (a − e) · ln(a / e)
    über die Klassenanteile e (Referenz) und a (aktuell). Faustregel aus der
    Kreditrisikopraxis: < 0,1 stabil, 0,1–0,25 beobachten, > 0,25 deutliche Drift –
    ohne Rücksicht auf die Stichprobengröße (siehe :func:`psi_noise_level`).
    """
    e = check_array("expected", expected, ndim=1, min_len=2)
    a = check_array("actual", actual, ndim=1, min_len=2)
    n_bins = check_int("n_bins", n_bins, minimum=2, maximum=MAX_BINS)
    return _psi(e, a, _psi_edges(e, n_bins))


def psi_noise_level(reference, n_current: int, *, n_bins: int = 10, n_rep: int = 200,
                    level: float = 0.95, seed: int = 0) -> float:
    """PSI, den der Zufall allein in ``level`` der Fälle nicht überschreitet.

    Zieht ``n_rep``-mal ``n_current`` Werte mit Zurücklegen aus ``reference`` – also
    ohne jede Drift – und gibt das ``level``-Quantil ihrer PSI-Werte gegenüber
    ``reference`` zurück. Kleine Zeitfenster haben schon ohne Drift einen hohen PSI;
    die feste Faustregel 0,1/0,25 kennt diesen Einfluss nicht.
    """
    ref = check_array("reference", reference, ndim=1, min_len=2)
    n_current = check_int("n_current", n_current, minimum=2, maximum=MAX_WINDOW)
    n_bins = check_int("n_bins", n_bins, minimum=2, maximum=MAX_BINS)
    n_rep = check_int("n_rep", n_rep, minimum=10, maximum=MAX_REPEATS)
    level = check_float("level", level, 0, 1, open_min=True, open_max=True)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    inner = _psi_edges(ref, n_bins)
    values = [_psi(ref, rng.choice(ref, size=n_current, replace=True), inner)
              for _ in range(n_rep)]
    return float(np.quantile(values, level))


def drift_report(reference: pd.DataFrame, current: pd.DataFrame, *, window: str,
                 columns=SENSORS) -> pd.DataFrame:
    """PSI und Kolmogorow-Smirnow-Test je Zeitfenster und Spalte.

    ``current`` enthält eine Spalte ``window`` (z. B. Woche); jede Gruppe wird
    mit ``reference`` verglichen. Ergebnis in langer Form: ``fenster``,
    ``merkmal``, ``psi``, ``ks_p`` (p-Wert des KS-Tests).
    """
    from scipy.stats import ks_2samp

    columns = check_str_list("columns", columns)
    window = check_str("window", window)
    check_frame("reference", reference, columns, min_rows=2)
    check_frame("current", current, columns, min_rows=2)
    window = check_choice("window", window, list(current.columns))
    rows = []
    for key, part in current.groupby(window, sort=True):
        if len(part) < 2:
            raise ValueError(f"Jedes Fenster in current braucht mindestens 2 Zeilen; "
                             f"{window}={key!r} hat nur {len(part)}.")
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
            check_float(f.name, getattr(self, f.name), minimum=0)
        check_int("labeling_items", self.labeling_items, minimum=0)
        check_float("double_label_share", self.double_label_share, 0, 1)


def project_costs(assumptions: CostAssumptions | None = None, *, years: int = 1) -> pd.DataFrame:
    """Kosten je Posten (Euro) für Aufbau und ``years`` Jahre Betrieb."""
    a = assumptions if assumptions is not None else CostAssumptions()
    check_instance("assumptions", a, CostAssumptions, "eine CostAssumptions")
    years = check_int("years", years, minimum=1)
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
