"""Auswertungen für vorausschauende Wartung: Kalibrierung, Kosten und Entscheidungsschwelle.

Die Sensordaten dazu sind synthetisch und stammen aus :mod:`kibuch.data.synthetic.sensors`;
weil wir sie selbst erzeugen, kennen wir die wahre Ausfallwahrscheinlichkeit und können
prüfen, wie gut ein Modell sie schätzt.

    table = reliability_table(y_test, proba, n_bins=10)
    threshold, cost = best_threshold(y_test, proba, cost_fp=1, cost_fn=10)
    # plan: 0/1-Entscheidungen der bisherigen Regel für dieselben Maschinen
    saving = decision_costs(y_test, plan, cost_fp=1, cost_fn=10) - decision_costs(
        y_test, (proba >= threshold).astype(int), cost_fp=1, cost_fn=10)
    mean, low, high = bootstrap_interval(saving)  # Ist der Vorsprung mehr als Zufall?

Die Kosten zählen nur Fehlentscheidungen, als Mehrkosten gegenüber der richtigen
Entscheidung: ``cost_fp`` für eine unnötige Wartung, ``cost_fn`` für einen übersehenen
Ausfall; eine rechtzeitige Wartung und ein Weiterlaufen ohne Ausfall kosten nichts.

Kapitel 4 (Fallstudie) und Kapitel 6 (Projektablauf) nutzen das Modul.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.core.checks import check_array, check_float, check_int, check_same_length

MAX_BINS = 10_000  # Höchstzahl der Klassen einer Kalibrierungstabelle
MAX_STEPS = 100_001  # Höchstzahl der Schwellen einer Kostenkurve
MAX_BOOT = 100_000  # Höchstzahl der Bootstrap-Wiederholungen
BOOT_BLOCK = 2_000_000  # so viele gezogene Werte je Block (begrenzt den Speicher)


def _binary(name: str, values) -> np.ndarray:
    """0/1-Vektor (Labels oder Entscheidungen) als int-Array."""
    array = check_array(name, values, ndim=1)
    if not np.isin(array, [0, 1]).all():
        raise ValueError(f"{name} darf nur 0 und 1 enthalten.")
    return array.astype(int)


def _check_binary(y_true, proba) -> tuple[np.ndarray, np.ndarray]:
    y = _binary("y_true", y_true)
    p = check_array("proba", proba, ndim=1)
    check_same_length(y_true=y, proba=p)
    if (p < 0).any() or (p > 1).any():
        raise ValueError("proba muss Wahrscheinlichkeiten in [0, 1] enthalten.")
    return y, p


def reliability_table(y_true, proba, n_bins: int = 10) -> pd.DataFrame:
    """Kalibrierungstabelle: Vorhersagen in gleich breite Klassen von [0, 1] einteilen.

    Je nicht leerer Klasse: ``p_mittel`` (mittlere vorhergesagte Wahrscheinlichkeit),
    ``anteil_positiv`` (beobachtete Ausfallquote) und ``anzahl``. Bei einem gut
    kalibrierten Modell liegen ``p_mittel`` und ``anteil_positiv`` nahe beieinander.
    """
    y, p = _check_binary(y_true, proba)
    n_bins = check_int("n_bins", n_bins, minimum=1, maximum=MAX_BINS)
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


def decision_costs(y_true, y_pred, *, cost_fp: float, cost_fn: float) -> np.ndarray:
    """Kosten jeder einzelnen Entscheidung (eine Zahl je Maschine).

    Eine unnötige Wartung (``y_pred`` 1, ``y_true`` 0) kostet ``cost_fp``, ein übersehener
    Ausfall (``y_pred`` 0, ``y_true`` 1) ``cost_fn``; richtige Entscheidungen kosten
    nichts. Der Mittelwert ist :func:`expected_cost`; die Differenz zweier solcher
    Vektoren ist die Eingabe für :func:`bootstrap_interval`.
    """
    y, pred = _binary("y_true", y_true), _binary("y_pred", y_pred)
    check_same_length(y_true=y, y_pred=pred)
    cost_fp = check_float("cost_fp", cost_fp, minimum=0)
    cost_fn = check_float("cost_fn", cost_fn, minimum=0)
    return cost_fp * ((pred == 1) & (y == 0)) + cost_fn * ((pred == 0) & (y == 1))


def expected_cost(y_true, y_pred, *, cost_fp: float, cost_fn: float) -> float:
    """Mittlere Kosten je Maschine: unnötige Wartung kostet ``cost_fp``, ein
    übersehener Ausfall ``cost_fn``; richtige Entscheidungen kosten nichts."""
    return float(decision_costs(y_true, y_pred, cost_fp=cost_fp, cost_fn=cost_fn).mean())


def bootstrap_interval(values, *, level: float = 0.95, n_boot: int = 2000,
                       seed: int = 0) -> tuple[float, float, float]:
    """Mittelwert von ``values`` und sein Perzentil-Bootstrap-Intervall.

    Zieht ``n_boot``-mal so viele Werte, wie ``values`` hat, mit Zurücklegen, und nimmt
    die Quantile ``(1 − level) / 2`` und ``(1 + level) / 2`` der Mittelwerte. Für den
    Vergleich zweier Strategien auf denselben Fällen übergibt man die Differenzen je
    Fall (gepaarter Vergleich). Gibt ``(mittelwert, untere Grenze, obere Grenze)`` zurück.
    """
    v = check_array("values", values, ndim=1, min_len=2)
    level = check_float("level", level, 0, 1, open_min=True, open_max=True)
    n_boot = check_int("n_boot", n_boot, minimum=100, maximum=MAX_BOOT)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot)
    block = max(1, BOOT_BLOCK // len(v))  # Wiederholungen je Block
    for start in range(0, n_boot, block):
        stop = min(n_boot, start + block)
        idx = rng.integers(0, len(v), size=(stop - start, len(v)))  # (Block, n)
        means[start:stop] = v[idx].mean(axis=1)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(v.mean()), float(low), float(high)


def cost_curve(y_true, proba, *, cost_fp: float, cost_fn: float,
               n_steps: int = 101) -> pd.DataFrame:
    """Mittlere Kosten für Schwellen von 0 bis 1 (Spalten ``schwelle``, ``kosten``)."""
    y, p = _check_binary(y_true, proba)
    n_steps = check_int("n_steps", n_steps, minimum=2, maximum=MAX_STEPS)
    thresholds = np.linspace(0.0, 1.0, n_steps)
    costs = [expected_cost(y, (p >= t).astype(int), cost_fp=cost_fp, cost_fn=cost_fn)
             for t in thresholds]
    return pd.DataFrame({"schwelle": thresholds, "kosten": costs})


def best_threshold(y_true, proba, *, cost_fp: float, cost_fn: float,
                   n_steps: int = 101) -> tuple[float, float]:
    """Schwelle mit den geringsten mittleren Kosten und diese Kosten.

    Zum Vergleich: Für ein perfekt kalibriertes Modell ist die optimale Schwelle
    ``cost_fp / (cost_fp + cost_fn)`` – warten, sobald die erwarteten Kosten des
    Nichtwartens, ``p · cost_fn``, die einer womöglich unnötigen Wartung,
    ``(1 − p) · cost_fp``, übersteigen.
    """
    curve = cost_curve(y_true, proba, cost_fp=cost_fp, cost_fn=cost_fn, n_steps=n_steps)
    best = curve.loc[curve["kosten"].idxmin()]
    return float(best["schwelle"]), float(best["kosten"])
