"""Abbildungen der Kapitel 1 und 4 bis 7: je Abbildung eine Funktion, die sie fertig baut.

Die Kapitel zeigen, welche Daten in eine Abbildung gehen; Achsen, Farben, Beschriftungen
und Quellenangaben stehen hier. Jede Funktion gibt die Figur zurück (matplotlib: ``(fig,
ax)`` bzw. ``(fig, axes)``, damit man danach noch etwas ändern kann, etwa
``ax.set_title("…")``). matplotlib und plotly werden erst beim Aufruf geladen.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_float,
    check_frame,
    check_instance,
    check_same_length,
)
from kibuch.viz.plotting import PALETTE, german_axes

#: Quellenhinweise in den Abbildungen von Kapitel 1.
_GREY = "0.35"




# ---------------------------------------------------------------------------
# Kapitel 1: Daten, Rechenleistung, Forschung, Meilensteine
# ---------------------------------------------------------------------------

def data_volume_figure(volume: pd.DataFrame):
    """Balken des weltweiten Datenvolumens je Jahr; Prognosen hell (aus ``facts.data_volume()``)."""
    import matplotlib.pyplot as plt

    check_frame("volume", volume, ["jahr", "zettabyte", "prognose"])
    fig, ax = plt.subplots(figsize=(7, 3.6))
    colors = ["#9ecae1" if p else "#0072B2" for p in volume["prognose"]]
    ax.bar(volume["jahr"], volume["zettabyte"], color=colors)
    ax.set_xlabel("Jahr")
    ax.set_ylabel("Datenvolumen in Zettabyte")
    ax.set_title("Weltweites Datenvolumen pro Jahr (IDC)")
    ax.text(0.01, 0.97, "Quelle: IDC (2018, 2021)", transform=ax.transAxes,
            va="top", fontsize=9, color=_GREY)
    german_axes(ax, x=False)
    return fig, ax


def gpu_figure(gpus: pd.DataFrame, *, log: bool = True):
    """Spitzenleistung der GPUs über dem Jahr (``facts.gpu_compute()``).

    ``log=True`` (Standard) zeichnet die y-Achse logarithmisch, ``log=False`` linear ab null;
    Achsenbereich und Beschriftung passen sich an.
    """
    import matplotlib.pyplot as plt

    from kibuch.core.fmt import de

    check_frame("gpus", gpus, ["jahr", "modell", "tflops", "format"])
    log = check_bool("log", log)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(gpus["jahr"], gpus["tflops"], "o-", color="#D55E00")
    for i, (_, row) in enumerate(gpus.iterrows()):
        # linear liegen die frühen Punkte fast gleich hoch: Beschriftungen abwechselnd versetzen
        dy = 8 if log else 8 + 24 * (i % 2)
        ax.annotate(f"{row['modell']}\n{de(row['tflops'], 0)} ({row['format']})",
                    (row["jahr"], row["tflops"]), textcoords="offset points",
                    xytext=(-8, dy), fontsize=8, ha="right")
    ax.set_xlim(2011, 2025)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(2, 8000)  # Platz für die Beschriftung über dem größten Wert
    else:
        ax.set_ylim(0, 1.35 * float(gpus["tflops"].max()))
    ax.set_xlabel("Jahr der Markteinführung")
    ax.set_ylabel("TFLOP/s (log)" if log else "TFLOP/s")
    ax.set_title("Rechenleistung einer einzelnen GPU")
    ax.text(0.99, 0.03, "Quelle: NVIDIA-Datenblätter", transform=ax.transAxes,
            ha="right", fontsize=9, color=_GREY)
    german_axes(ax)
    return fig, ax


def conference_figure(wide: pd.DataFrame):
    """Eine Linie je Konferenz; ``wide`` hat die Jahre als Index, Konferenzen als Spalten."""
    import matplotlib.pyplot as plt

    check_instance("wide", wide, pd.DataFrame, "ein pandas.DataFrame")
    if wide.empty:
        raise ValueError("wide ist leer.")
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for (name, series), marker in zip(wide.items(), "osD"):
        series = series.dropna()
        ax.plot(series.index, series.values, marker=marker, label=name)
    ax.set_xlabel("Jahr")
    ax.set_ylabel("Angenommene Beiträge")
    ax.set_title("Wachstum der großen KI-Konferenzen")
    ax.legend(frameon=False)
    ax.text(0.01, 0.97, "Quelle: offizielle Konferenzangaben (lixin4ever, Stand Januar 2025)",
            transform=ax.transAxes, va="top", fontsize=9, color=_GREY)
    german_axes(ax, x=False)
    return fig, ax


def milestone_timeline(events: pd.DataFrame):
    """Interaktive Zeitleiste (plotly) der Meilensteine aus ``facts.milestones()``."""
    import plotly.graph_objects as go

    check_frame("events", events, ["jahr", "ereignis", "beschreibung"])
    levels = [1 if i % 2 == 0 else -1 for i in range(len(events))]
    timeline = go.Figure()
    timeline.add_hline(y=0, line_color="#555555")
    for (_, ev), level in zip(events.iterrows(), levels):
        timeline.add_shape(type="line", x0=ev["jahr"], x1=ev["jahr"], y0=0, y1=level,
                           line={"color": "#999999", "dash": "dot"})
    timeline.add_trace(go.Scatter(
        x=events["jahr"], y=levels, mode="markers+text",
        text=[f"<b>{j}</b><br>{e}" for j, e in zip(events["jahr"], events["ereignis"])],
        textposition=["top center" if lv > 0 else "bottom center" for lv in levels],
        hovertext=events["beschreibung"], hoverinfo="text",
        marker={"size": 14, "color": "#0072B2"}))
    timeline.update_layout(
        height=380, showlegend=False, margin={"l": 20, "r": 20, "t": 30, "b": 20},
        yaxis={"visible": False, "range": [-2, 2]},
        xaxis={"title": "Jahr", "range": [1935, 2030], "tickformat": "d"})
    return timeline


# ---------------------------------------------------------------------------
# Kapitel 4: Wartung und Fluggäste
# ---------------------------------------------------------------------------

def calibration_cost_figure(table: pd.DataFrame, curve: pd.DataFrame, threshold: float):
    """Links Kalibrierungsdiagramm (``reliability_table``), rechts Kosten je Schwelle
    (``cost_curve``) mit der gewählten Schwelle."""
    import matplotlib.pyplot as plt

    check_frame("table", table, ["p_mittel", "anteil_positiv", "anzahl"])
    check_frame("curve", curve, ["schwelle", "kosten"])
    threshold = check_float("threshold", threshold, 0, 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.8))
    ax1.plot([0, 1], [0, 1], "--", color="0.6", label="perfekt kalibriert")
    ax1.scatter(table["p_mittel"], table["anteil_positiv"], s=table["anzahl"] / 2,
                color=PALETTE[0], label="Modell")
    ax1.set_xlabel("vorhergesagte Ausfallwahrscheinlichkeit")
    ax1.set_ylabel("beobachtete Ausfallquote")
    ax1.legend(frameon=False, loc="upper left")
    ax2.plot(curve["schwelle"], curve["kosten"], color=PALETTE[3])
    ax2.axvline(threshold, color="0.5", ls=":", label="gewählte Schwelle")
    ax2.set_xlabel("Schwelle")
    ax2.set_ylabel("mittlere Kosten je Maschine")
    ax2.legend(frameon=False)
    for ax in (ax1, ax2):
        german_axes(ax)
    plt.tight_layout()
    return fig, (ax1, ax2)


def forecast_figure(air: pd.DataFrame, test_air: pd.DataFrame, forecast, snaive):
    """Beobachtete Fluggäste mit Modellprognose und saisonal-naiver Prognose im Testzeitraum."""
    import matplotlib.pyplot as plt

    check_frame("air", air, ["monat", "passagiere"])
    check_frame("test_air", test_air, ["monat"])
    forecast = check_array("forecast", forecast, ndim=1)
    snaive = check_array("snaive", snaive, ndim=1)
    check_same_length(test_air=test_air, forecast=forecast, snaive=snaive)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.plot(air["monat"], air["passagiere"], color="0.3", label="beobachtet")
    ax.plot(test_air["monat"], forecast, color=PALETTE[0], lw=2, label="Modell (log-linear)")
    ax.plot(test_air["monat"], snaive, color=PALETTE[1], lw=2, ls="--", label="saisonal-naiv")
    ax.axvline(test_air["monat"].iloc[0], color="0.6", ls=":")
    ax.set_xlabel("Monat")
    ax.set_ylabel("Fluggäste (Tausend)")
    ax.legend(frameon=False)
    german_axes(ax, x=False)
    return fig, ax


# ---------------------------------------------------------------------------
# Kapitel 5: Angriffe und Vergiftung
# ---------------------------------------------------------------------------

def fgsm_figure(images, images_adv, pred, pred_adv, truth, attack: pd.DataFrame):
    """Oben Testbilder, darunter dieselben nach dem Angriff, je mit Vorhersage (falsche rot);
    rechts die Genauigkeit je Störstärke (``attack`` mit Spalten ``fgsm`` und ``zufall``)."""
    import matplotlib.pyplot as plt

    images = check_array("images", images, ndim=3, dtype=None)  # (n, H, W)
    images_adv = check_array("images_adv", images_adv, ndim=3, dtype=None)
    pred, pred_adv = check_array("pred", pred, ndim=1), check_array("pred_adv", pred_adv, ndim=1)
    truth = check_array("truth", truth, ndim=1)
    check_same_length(images=images, images_adv=images_adv, pred=pred, pred_adv=pred_adv,
                      truth=truth)
    check_frame("attack", attack, ["fgsm", "zufall"])
    fig = plt.figure(figsize=(9, 3.6))
    grid = fig.add_gridspec(2, 8)
    for i in range(len(images)):
        for row, (img, p) in enumerate([(images[i], pred[i]), (images_adv[i], pred_adv[i])]):
            ax = fig.add_subplot(grid[row, i])
            ax.imshow(img, cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"→ {int(p)}", fontsize=10,
                         color=PALETTE[3] if int(p) != int(truth[i]) else "black")
            ax.axis("off")
    ax = fig.add_subplot(grid[:, 5:])
    ax.plot(attack.index, attack["fgsm"], "o-", color=PALETTE[3], label="FGSM")
    ax.plot(attack.index, attack["zufall"], "s--", color=PALETTE[0], label="zufällig")
    ax.set_xlabel("Störstärke ε")
    ax.set_ylabel("Genauigkeit")
    ax.legend(frameon=False)
    german_axes(ax)
    plt.tight_layout()
    return fig, ax


def poisoning_figure(naive: pd.DataFrame, guarded: pd.DataFrame):
    """Genauigkeit über der Zahl der Rückmeldungen, ohne und mit Moderation."""
    import matplotlib.pyplot as plt

    check_frame("naive", naive, ["schritt", "genauigkeit"])
    check_frame("guarded", guarded, ["schritt", "genauigkeit"])
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(naive["schritt"], naive["genauigkeit"], color=PALETTE[3], label="lernt alles")
    ax.plot(guarded["schritt"], guarded["genauigkeit"], color=PALETTE[2], label="mit Moderation")
    ax.set_xlabel("Zahl der Rückmeldungen")
    ax.set_ylabel("Genauigkeit auf Testdaten")
    ax.set_ylim(0.5, 1.0)  # Achse nicht abschneiden: Unterschiede nicht übertreiben
    ax.legend(frameon=False)
    german_axes(ax)
    return fig, ax


# ---------------------------------------------------------------------------
# Kapitel 6: Drift
# ---------------------------------------------------------------------------

#: Anzeigenamen der Sensorspalten.
_SENSOR_NAMES = {"oeldruck": "Öldruck", "temperatur": "Temperatur", "vibration": "Vibration",
                 "drehzahl": "Drehzahl", "betriebsstunden": "Betriebsstunden"}


def drift_figure(psi: pd.DataFrame, levels=(0.1, 0.25)):
    """PSI je Woche (Index) und Sensor (Spalten) mit den Faustregel-Grenzen ``levels``."""
    import matplotlib.pyplot as plt

    check_instance("psi", psi, pd.DataFrame, "ein pandas.DataFrame")
    if psi.empty:
        raise ValueError("psi ist leer.")
    levels = check_array("levels", levels, ndim=1, min_len=0)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for (name, series), color in zip(psi.items(), PALETTE):
        ax.plot(series.index, series.values, "o-", color=color,
                label=_SENSOR_NAMES.get(name, name))
    for level in levels:
        ax.axhline(level, color="0.5", ls="--", lw=1)
    ax.set_xlabel("Woche")
    ax.set_ylabel("PSI")
    ax.legend(frameon=False)
    german_axes(ax)
    return fig, ax


# ---------------------------------------------------------------------------
# Kapitel 7: Skalierung
# ---------------------------------------------------------------------------

# Beschriftungen so versetzen, dass sie sich nicht überlappen: (dx, dy) in Punkten
_LEFT_OFFSETS = {"Gopher": (-6, 5), "Chinchilla": (6, -9), "LLaMA-65B": (8, -16),
                 "Llama 2 70B": (6, 2)}
_RIGHT_OFFSETS = {"GPT-3": (-6, -3), "Chinchilla": (6, -10), "LLaMA-65B": (-6, -3),
                  "Llama 2 70B": (6, 4)}


def _label(ax, row, x, y, offsets):
    dx, dy = offsets.get(row["modell"], (5, -3))
    ax.annotate(row["modell"], (row[x], row[y]), textcoords="offset points", xytext=(dx, dy),
                fontsize=8, ha="right" if dx < 0 else "left")


def scaling_figure(models: pd.DataFrame, tokens_per_parameter: float = 20):
    """Links Trainingsaufwand über dem Jahr, rechts Parameter gegen Trainings-Tokens mit der
    Linie ``tokens_per_parameter`` (aus ``facts.language_models()``)."""
    import matplotlib.pyplot as plt

    check_frame("models", models, ["modell", "jahr", "flop", "parameter", "tokens"])
    tokens_per_parameter = check_float("tokens_per_parameter", tokens_per_parameter, 0,
                                       open_min=True)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    ax1.scatter(models["jahr"], models["flop"], color=PALETTE[0], zorder=3)
    for _, row in models.iterrows():
        _label(ax1, row, "jahr", "flop", _LEFT_OFFSETS)
    ax1.set_yscale("log")
    ax1.set_xlim(2017.5, 2025.5)
    ax1.set_xlabel("Jahr")
    ax1.set_ylabel("Trainingsaufwand in FLOP (log)")
    ax2.scatter(models["parameter"], models["tokens"], color=PALETTE[3], zorder=3)
    for _, row in models.iterrows():
        _label(ax2, row, "parameter", "tokens", _RIGHT_OFFSETS)
    n_grid = np.logspace(8, 12, 10)
    ax2.plot(n_grid, tokens_per_parameter * n_grid, "--", color="0.5",
             label=f"{tokens_per_parameter:g} Tokens je Parameter")
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("Parameter (log)")
    ax2.set_ylabel("Trainings-Tokens (log)")
    ax2.legend(frameon=False, loc="lower right")
    german_axes(ax1, y=False)
    plt.tight_layout()
    return fig, (ax1, ax2)
