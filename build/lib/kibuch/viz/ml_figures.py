"""Abbildungen für die Kapitel über Daten (2) und maschinelles Lernen (3.1).

Jede Funktion nimmt fertig berechnete Ergebnisse entgegen und kümmert sich nur um das
Aussehen: Farben, Achsen, Beschriftungen, Schieberegler. Die Kapitel rufen sie sichtbar
auf (``fig = learning_curve_figure(curve)``); was gerechnet wird, steht im Kapitel selbst.
matplotlib-Figuren entstehen mit pyplot und erscheinen im Notebook am Ende der Zelle von
selbst; plotly-Figuren werden zurückgegeben.

- Kapitel 2: :func:`digit_figure`, :func:`learning_curve_figure`,
  :func:`date_trap_figure`, :func:`class_recall_figure`, :func:`confusion_figure`,
- Kapitel 3.1, Grundbegriffe: :func:`kmeans_steps_figure`, :func:`kmeans_slider_figure`,
  :func:`elbow_silhouette_figure`, :func:`curve_fits_figure`,
- überwachtes Lernen: :func:`decision_tree_figure`, :func:`forecast_figure`,
  :func:`tree_slider_1d`, :func:`depth_error_figure`, :func:`validation_curve_figure`,
  :func:`tree_slider_2d`, :func:`data_split_figure`, :func:`crisp_dm_figure`,
- unüberwachtes und bestärkendes Lernen: :func:`cluster_scatter_figure`,
  :func:`sensor_anomaly_figure`, :func:`gridworld_figure`, :func:`q_value_slider`.

matplotlib, plotly und scikit-learn werden erst beim Aufruf importiert.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kibuch.core.checks import (
    check_array,
    check_float,
    check_frame,
    check_instance,
    check_int,
    check_same_length,
    check_str,
    check_str_list,
)
from kibuch.core.fmt import de
from kibuch.scratch.kmeans import KMeansResult, KMeansStep
from kibuch.scratch.qlearning import ACTION_ARROWS, GridWorld, greedy_path, value_grid
from kibuch.viz.plotting import PALETTE, add_visibility_slider, german_axes

# ---------------------------------------------------------------------------
# Gemeinsame Prüfungen
# ---------------------------------------------------------------------------




def _check_curves(name: str, curves, n: int) -> dict[str, np.ndarray]:
    """Ein nicht leeres dict Name → Kurve mit je ``n`` endlichen Werten."""
    check_instance(name, curves, dict, "ein dict {Name: Werte}")
    if not curves:
        raise ValueError(f"{name} darf nicht leer sein.")
    check_str_list(f"{name} (Namen)", list(curves))
    result = {}
    for key, values in curves.items():
        result[key] = check_array(f"{name}[{key!r}]", values, ndim=1)
        if len(result[key]) != n:
            raise ValueError(f"{name}[{key!r}] hat {len(result[key])} Werte, erwartet sind {n}.")
    return result


def _check_sweep(name: str, sweep, *, grid: bool = False):
    """Ein Ergebnis von ``depth_sweep``: Tiefen, Fehler und – falls verlangt – Vorhersagen."""
    for attr in ("depths", "rmse_train", "rmse_test", "grid_predictions"):
        if not hasattr(sweep, attr):
            raise TypeError(f"{name} muss ein Ergebnis von depth_sweep sein (DepthSweep), "
                            f"nicht {type(sweep).__name__}.")
    depths = check_array(f"{name}.depths", sweep.depths, ndim=1, dtype=None)
    check_same_length(**{f"{name}.depths": depths,
                         f"{name}.rmse_train": check_array(f"{name}.rmse_train", sweep.rmse_train),
                         f"{name}.rmse_test": check_array(f"{name}.rmse_test", sweep.rmse_test)})
    if grid:
        if sweep.grid_predictions is None:
            raise ValueError(f"{name} enthält keine Gittervorhersagen; depth_sweep(..., grid=...) "
                             "aufrufen.")
        check_array(f"{name}.grid_predictions", sweep.grid_predictions, ndim=2)
    return sweep


def _same_depths(a, b) -> None:
    if not np.array_equal(a.depths, b.depths):
        raise ValueError("Baum und Forest müssen für dieselben Tiefen berechnet sein.")


# ---------------------------------------------------------------------------
# Kapitel 2: Daten
# ---------------------------------------------------------------------------


def digit_figure(image, label: int):
    """Eine Ziffer links als Matrix ihrer Helligkeitswerte, rechts als Graustufenbild."""
    import matplotlib.pyplot as plt

    image = check_array("image", image, ndim=2)
    label = check_int("label", label, minimum=0)
    fig, (ax_num, ax_img) = plt.subplots(1, 2, figsize=(7.5, 3.6))
    ax_num.imshow(image, cmap="Blues", vmin=0, vmax=2.5)  # nur blass hinterlegt
    for (row, col), value in np.ndenumerate(image):
        ax_num.text(col, row, de(value, 1), ha="center", va="center", fontsize=7.5)
    ax_num.set_title("Als Zahlenmatrix")
    ax_img.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    ax_img.set_title(f"Als Bild (Beschriftung: {label})")
    for ax in (ax_num, ax_img):
        ax.set_xticks(range(image.shape[1]))
        ax.set_yticks(range(image.shape[0]))
        ax.grid(False)
    fig.tight_layout()
    return fig


_CURVE_STYLES = (("o-", PALETTE[0]), ("s--", PALETTE[3]), ("^:", PALETTE[1]), ("d-.", PALETTE[2]))


def learning_curve_figure(curve: pd.DataFrame):
    """Testgenauigkeit über der Zahl der Trainingsbilder (log), eine Linie je Rauschanteil.

    ``curve`` hat die Trainingsgrößen als Index und je Anteil falscher Beschriftungen
    (0 … 1) eine Spalte mit Genauigkeiten.
    """
    import matplotlib.pyplot as plt

    check_instance("curve", curve, pd.DataFrame, "ein pandas.DataFrame")
    if curve.empty or not 1 <= curve.shape[1] <= len(_CURVE_STYLES):
        raise ValueError(f"curve braucht Zeilen und 1 bis {len(_CURVE_STYLES)} Spalten, "
                         f"hat aber die Form {curve.shape}.")
    sizes = check_array("curve.index", curve.index.to_numpy())
    shares = check_array("curve.columns", curve.columns.to_numpy())
    check_array("curve", curve.to_numpy())
    if np.any(sizes <= 0) or np.any((shares < 0) | (shares > 1)):
        raise ValueError("curve braucht positive Trainingsgrößen und Anteile zwischen 0 und 1.")
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for share, (style, color) in zip(curve.columns, _CURVE_STYLES):
        label = ("korrekte Beschriftungen" if share == 0
                 else f"{round(100 * share)} % falsche Beschriftungen")
        ax.plot(curve.index, curve[share], style, color=color, label=label)
    ax.set_xscale("log")
    ax.set_xticks(curve.index)
    ax.minorticks_off()
    ax.set_ylim(0, 1)
    ax.set_xlabel("Zahl der Trainingsbilder (log)")
    ax.set_ylabel("Testgenauigkeit")
    ax.set_title("Mehr Daten helfen – aber nur gute")
    ax.legend(frameon=False, loc="lower right")
    german_axes(ax)
    return fig


def date_trap_figure(prices: pd.DataFrame, swapped: pd.DataFrame):
    """Oben die korrekt gelesene Preisreihe, unten die naiv gelesene, nach Datum sortierte.

    ``swapped`` hat die Spalten ``datum``, ``preis`` und ``vertauscht`` (True, wo Tag und
    Monat vertauscht wurden); vertauschte Tage erscheinen als orange Punkte.
    """
    import matplotlib.pyplot as plt
    from matplotlib.dates import DateFormatter

    check_frame("prices", prices, ["datum", "preis"])
    check_frame("swapped", swapped, ["datum", "preis", "vertauscht"])
    if not pd.api.types.is_bool_dtype(swapped["vertauscht"]):
        raise TypeError("swapped['vertauscht'] muss Wahrheitswerte (bool) enthalten.")
    fig, (ax_ok, ax_bad) = plt.subplots(2, 1, figsize=(7.5, 5.2), sharex=True, sharey=True)
    ax_ok.plot(prices["datum"], prices["preis"], color=PALETTE[0], lw=1)
    ax_ok.set_title("Korrekt gelesen (format=\"%d-%m-%Y\")")
    ax_bad.plot(swapped["datum"], swapped["preis"], color="0.6", lw=0.8)
    moved = swapped[swapped["vertauscht"]]
    ax_bad.scatter(moved["datum"], moved["preis"], s=10, color=PALETTE[1], zorder=3,
                   label="Tag und Monat vertauscht")
    ax_bad.set_title("Naiv gelesen (Monat zuerst) und nach Datum sortiert")
    ax_bad.legend(loc="upper right", framealpha=0.95, facecolor="white", edgecolor="none")
    for ax in (ax_ok, ax_bad):
        ax.set_ylabel("€/MWh")
        german_axes(ax, x=False)
    ax_bad.xaxis.set_major_formatter(DateFormatter("%m/%Y"))
    fig.tight_layout()
    return fig


def class_recall_figure(recalls: pd.DataFrame, *,
                        title: str = "Eine unterrepräsentierte Klasse wird übersehen"):
    """Gruppierte Balken der Trefferquote je Klasse für zwei Trainingsvarianten.

    ``recalls`` hat die Klassen (ganze Zahlen) als Index und genau zwei Spalten, deren
    Namen in der Legende stehen.
    """
    import matplotlib.pyplot as plt

    check_instance("recalls", recalls, pd.DataFrame, "ein pandas.DataFrame")
    if recalls.empty or recalls.shape[1] != 2:
        raise ValueError(f"recalls braucht genau zwei Spalten, hat aber die Form {recalls.shape}.")
    check_array("recalls", recalls.to_numpy())
    classes = check_array("recalls.index", recalls.index.to_numpy())
    title = check_str("title", title)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    width = 0.4
    for offset, column, color in zip((-width / 2, width / 2), recalls.columns, PALETTE):
        ax.bar(classes + offset, recalls[column], width, color=color, label=column)
    ax.set_xticks(recalls.index)
    ax.set_ylim(0, 1.25)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("Ziffer")
    ax.set_ylabel("Trefferquote (Recall)")
    ax.set_title(title)
    ax.legend(frameon=False, ncol=2, loc="upper center")
    german_axes(ax, x=False)
    return fig


def confusion_figure(y_true, predictions: dict, labels, *, names=None):
    """Konfusionsmatrizen nebeneinander, eine je Modell in ``names`` (Standard: alle).

    ``predictions`` ordnet Modellnamen ihre Vorhersagen zu, ``labels`` benennt die
    Klassen 0, 1, … in Zeilen (wahr) und Spalten (vorhergesagt).
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    y_true = check_array("y_true", y_true, ndim=1, dtype=None)
    check_instance("predictions", predictions, dict, "ein dict {Modellname: Vorhersagen}")
    labels = check_str_list("labels", labels, min_len=2)
    names = list(predictions) if names is None else check_str_list("names", names)
    unknown = [n for n in names if n not in predictions]
    if unknown:
        raise ValueError(f"names nennt Modelle ohne Vorhersagen: {unknown}.")
    for name in names:
        check_same_length(y_true=y_true, **{f"predictions[{name!r}]": predictions[name]})
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.6))
    for ax, name in zip(np.atleast_1d(axes), names):
        ConfusionMatrixDisplay.from_predictions(
            y_true, predictions[name], display_labels=labels, ax=ax,
            colorbar=False, cmap="Blues", values_format="d")
        for text in ax.texts:  # Tausenderpunkt statt 1060
            text.set_text(de(int(text.get_text()), 0))
        ax.set_title(name.replace(", ", ",\n"), fontsize=10)
        ax.set_xlabel("Vorhersage")
        ax.set_ylabel("Tatsächlich")
        ax.grid(False)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------------------
# Kapitel 3.1: Grundbegriffe (k-Means, Kurvenmodelle)
# ---------------------------------------------------------------------------


def _check_points(X, n_labels: int | None = None) -> np.ndarray:
    X = check_array("X", X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X muss die Form (n, 2) haben (Punkte in der Ebene), nicht {X.shape}.")
    if n_labels is not None and n_labels != len(X):
        raise ValueError(f"Die Zuordnung hat {n_labels} Einträge, X aber {len(X)} Punkte.")
    return X


def kmeans_steps_figure(X, result: KMeansResult):
    """Sechs Felder: Daten, Startzentren, erste Zuordnung, Verschieben, Zuordnung, Ende.

    ``result`` ist das Ergebnis von ``kibuch.scratch.kmeans.kmeans`` für die Punkte ``X``
    (Form (n, 2)); Kreuze markieren die Zentren.
    """
    import matplotlib.pyplot as plt

    check_instance("result", result, KMeansResult, "ein Ergebnis von kmeans (KMeansResult)")
    X = _check_points(X, len(result.labels))
    h = result.history
    if len(h) < 2:
        raise ValueError("result.history braucht mindestens zwei Zwischenstände.")
    panels = [
        (None, None, "(a) Daten ohne Gruppen"),
        (h[0].centers, None, "(b) Startzentren"),
        (h[0].centers, h[0].labels, "(c) Zuordnen"),
        (h[1].centers, h[0].labels, "(d) Verschieben"),
        (h[1].centers, h[1].labels, "(e) Zuordnen"),
        (h[-1].centers, h[-1].labels, f"(f) Ende nach {result.n_iter} Runden"),
    ]
    fig, axes = plt.subplots(2, 3, figsize=(9, 5.6))
    for ax, (centers, labels, title) in zip(axes.ravel(), panels):
        colors = "0.6" if labels is None else [PALETTE[i % len(PALETTE)] for i in labels]
        ax.scatter(X[:, 0], X[:, 1], c=colors, s=14, alpha=0.8)
        if centers is not None:
            ax.scatter(centers[:, 0], centers[:, 1], marker="X", s=180, c="black",
                       edgecolors="white", linewidths=1.5)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([]), ax.set_yticks([])
    fig.tight_layout()
    return fig


def kmeans_slider_figure(history, X):
    """plotly-Figur mit einem Schieberegler über die Zwischenstände von k-Means."""
    import plotly.graph_objects as go

    check_instance("history", history, list, "eine Liste von KMeansStep (result.history)")
    if not history:
        raise ValueError("history darf nicht leer sein.")
    for i, step in enumerate(history):
        check_instance(f"history[{i}]", step, KMeansStep)
    X = _check_points(X, len(history[0].labels))
    fig = go.Figure()
    for i, step in enumerate(history):
        visible = i == 0
        fig.add_trace(go.Scatter(
            x=X[:, 0], y=X[:, 1], mode="markers", visible=visible, showlegend=False,
            marker={"color": [PALETTE[j % len(PALETTE)] for j in step.labels], "size": 6}))
        fig.add_trace(go.Scatter(
            x=step.centers[:, 0], y=step.centers[:, 1], mode="markers", visible=visible,
            showlegend=False, marker={"symbol": "x", "size": 16, "color": "black",
                                      "line": {"width": 2, "color": "white"}}))
    steps = []
    for i, step in enumerate(history):
        vis = [False] * (2 * len(history))
        vis[2 * i] = vis[2 * i + 1] = True
        steps.append({"method": "update", "label": str(i),
                      "args": [{"visible": vis},
                               {"title": f"Runde {i}: Inertia {de(step.inertia, 1)}"}]})
    fig.update_layout(
        sliders=[{"steps": steps, "currentvalue": {"prefix": "Runde: "}, "pad": {"t": 30}}],
        title=f"Runde 0: Inertia {de(history[0].inertia, 1)}", height=460,
        xaxis_title="Merkmal 1", yaxis_title="Merkmal 2",
        margin={"l": 50, "r": 20, "t": 50, "b": 20})
    return fig


def elbow_silhouette_figure(scores: dict, best_k: int):
    """Links die Inertia über k (Ellbogen), rechts die mittlere Silhouette mit Markierung.

    ``scores`` ist das Ergebnis von ``elbow_and_silhouette`` (Schlüssel ``k``,
    ``inertia``, ``silhouette``).
    """
    import matplotlib.pyplot as plt

    check_instance("scores", scores, dict, "ein Ergebnis von elbow_and_silhouette (dict)")
    missing = [key for key in ("k", "inertia", "silhouette") if key not in scores]
    if missing:
        raise ValueError(f"scores fehlen die Einträge {missing}.")
    ks = check_array("scores['k']", scores["k"], ndim=1)
    inertia = check_array("scores['inertia']", scores["inertia"], ndim=1)
    silhouette = check_array("scores['silhouette']", scores["silhouette"], ndim=1, finite=False)
    check_same_length(k=ks, inertia=inertia, silhouette=silhouette)
    best_k = check_int("best_k", best_k, minimum=1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3.2))
    ax1.plot(scores["k"], scores["inertia"], "o-")
    ax1.set_xlabel("Zahl der Cluster k")
    ax1.set_ylabel("Inertia")
    ax2.plot(scores["k"], scores["silhouette"], "o-", color=PALETTE[1])
    ax2.axvline(best_k, color="0.5", ls="--")
    ax2.set_xlabel("Zahl der Cluster k")
    ax2.set_ylabel("mittlere Silhouette")
    for ax in (ax1, ax2):
        german_axes(ax)
    fig.tight_layout()
    return fig


def curve_fits_figure(x_train, y_train, x_test, y_test, x_plot, curves: dict):
    """Trainingspunkte (schwarz), Testpunkte (hell) und je Modell eine Kurve über ``x_plot``.

    ``curves`` ordnet Modellnamen ihre Vorhersagen an den Stellen ``x_plot`` zu.
    """
    import matplotlib.pyplot as plt

    x_train, y_train = check_array("x_train", x_train, ndim=1), check_array("y_train", y_train)
    x_test, y_test = check_array("x_test", x_test, ndim=1), check_array("y_test", y_test)
    check_same_length(x_train=x_train, y_train=y_train)
    check_same_length(x_test=x_test, y_test=y_test)
    x_plot = check_array("x_plot", x_plot, ndim=1)
    curves = _check_curves("curves", curves, len(x_plot))
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.scatter(x_test, y_test, s=8, color="0.8", label="Testdaten")
    ax.scatter(x_train, y_train, s=20, color="black", label="Trainingsdaten")
    for (name, values), color in zip(curves.items(), PALETTE):
        ax.plot(x_plot, values, color=color, lw=2, label=name)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(frameon=False, fontsize=9, ncol=2)
    german_axes(ax)
    return fig


# ---------------------------------------------------------------------------
# Kapitel 3.1: überwachtes Lernen
# ---------------------------------------------------------------------------


def decision_tree_figure(tree, feature_names, class_names):
    """Ein trainierter ``DecisionTreeClassifier`` als Baumdiagramm (``sklearn.tree.plot_tree``).

    Knoten sind nach ihrer Mehrheitsklasse eingefärbt und zeigen Frage, Gini-Wert, Zahl
    der Beispiele und die Verteilung der Klassen.
    """
    import matplotlib.pyplot as plt
    from sklearn.tree import DecisionTreeClassifier, plot_tree

    check_instance("tree", tree, DecisionTreeClassifier, "ein DecisionTreeClassifier")
    if not hasattr(tree, "tree_"):
        raise ValueError("tree ist noch nicht trainiert; zuerst tree.fit(X, y) aufrufen.")
    feature_names = check_str_list("feature_names", feature_names)
    class_names = check_str_list("class_names", class_names, min_len=2)
    if len(feature_names) != tree.n_features_in_ or len(class_names) != tree.n_classes_:
        raise ValueError(f"Der Baum kennt {tree.n_features_in_} Merkmale und {tree.n_classes_} "
                         f"Klassen, genannt sind {len(feature_names)} und {len(class_names)}.")
    fig, ax = plt.subplots(figsize=(11, 5))
    plot_tree(tree, feature_names=feature_names, class_names=class_names,
              filled=True, rounded=True, impurity=True, fontsize=7, ax=ax)
    return fig


def forecast_figure(dates, values, forecasts: dict, *, ylabel: str = "Fluggäste (Tausend)"):
    """Die ganze Reihe (schwarz) und die Prognosen für ihre letzten Werte.

    ``forecasts`` ordnet Namen Prognosen gleicher Länge zu (wie ``one_step_forecasts``);
    eine senkrechte Linie markiert den Beginn des Prognosezeitraums.
    """
    import matplotlib.pyplot as plt

    dates = pd.Series(dates)
    if dates.empty or not pd.api.types.is_datetime64_any_dtype(dates):
        raise TypeError("dates muss eine nicht leere Folge von Zeitpunkten sein.")
    values = check_array("values", values, ndim=1)
    check_same_length(dates=dates, values=values)
    check_instance("forecasts", forecasts, dict, "ein dict {Name: Prognose}")
    if not forecasts:
        raise ValueError("forecasts darf nicht leer sein.")
    n_test = len(check_array("forecasts[0]", next(iter(forecasts.values())), ndim=1))
    if n_test > len(values):
        raise ValueError(f"Die Prognosen ({n_test} Werte) sind länger als die Reihe.")
    forecasts = _check_curves("forecasts", forecasts, n_test)
    ylabel = check_str("ylabel", ylabel)
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.plot(dates, values, color="black", lw=1.5, label="tatsächlich")
    months = dates.iloc[-n_test:]
    for (name, pred), color, style in zip(forecasts.items(), PALETTE[1:], ["--", ":", "-"]):
        ax.plot(months, pred, style, color=color, lw=1.8, label=name)
    ax.axvline(months.iloc[0], color="0.6", lw=1)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=9)
    german_axes(ax, x=False)
    return fig


def tree_slider_1d(X_train, y_train, X_test, y_test, grid, tree_sweep, forest_sweep):
    """Interaktive Spielwiese in 1D: Punkte und die Vorhersagen von Baum und Forest je Tiefe.

    ``grid`` (Form (G, 1)) sind die Stellen, an denen ``depth_sweep`` die Vorhersagen
    gespeichert hat; der Schieberegler wählt die Tiefe, der Titel nennt die Fehler.
    """
    import plotly.graph_objects as go

    X_train, X_test = check_array("X_train", X_train, ndim=2), check_array("X_test", X_test, ndim=2)
    y_train, y_test = check_array("y_train", y_train, ndim=1), check_array("y_test", y_test, ndim=1)
    check_same_length(X_train=X_train, y_train=y_train)
    check_same_length(X_test=X_test, y_test=y_test)
    grid = check_array("grid", grid, ndim=2)
    for sweep in (_check_sweep("tree_sweep", tree_sweep, grid=True),
                  _check_sweep("forest_sweep", forest_sweep, grid=True)):
        if sweep.grid_predictions.shape[1] != len(grid):
            raise ValueError(f"Die Gittervorhersagen haben {sweep.grid_predictions.shape[1]} "
                             f"Stellen, grid aber {len(grid)}.")
    _same_depths(tree_sweep, forest_sweep)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=X_train[:, 0], y=y_train, mode="markers", name="Training",
                             marker={"color": "black", "size": 6}))
    fig.add_trace(go.Scatter(x=X_test[:, 0], y=y_test, mode="markers", name="Test",
                             marker={"color": "#BBBBBB", "size": 6, "symbol": "diamond"}))
    step_traces, titles = [], []
    for i, depth in enumerate(tree_sweep.depths):
        first = len(fig.data)
        for sweep, name, color in ((tree_sweep, "Entscheidungsbaum", PALETTE[0]),
                                   (forest_sweep, "Random Forest", PALETTE[1])):
            fig.add_trace(go.Scatter(x=grid[:, 0], y=sweep.grid_predictions[i], mode="lines",
                                     name=name, line={"color": color, "width": 2.5}))
        step_traces.append([first, first + 1])
        titles.append(
            f"Tiefe {depth} – Baum: RMSE Training {de(tree_sweep.rmse_train[i], 2)}, "
            f"Test {de(tree_sweep.rmse_test[i], 2)} | Forest: Training "
            f"{de(forest_sweep.rmse_train[i], 2)}, Test {de(forest_sweep.rmse_test[i], 2)}")
    add_visibility_slider(fig, step_traces, [str(d) for d in tree_sweep.depths], titles=titles,
                          prefix="max_depth = ")
    fig.update_layout(height=480, title_font_size=13, xaxis_title="x", yaxis_title="y",
                      margin={"l": 50, "r": 20, "t": 60, "b": 20},
                      legend={"orientation": "h", "y": 1.02, "x": 0})
    return fig


def depth_error_figure(tree_sweep, forest_sweep):
    """Trainings- (gestrichelt) und Test-RMSE (durchgezogen) über der Tiefe für Baum und Forest."""
    import matplotlib.pyplot as plt

    _check_sweep("tree_sweep", tree_sweep)
    _check_sweep("forest_sweep", forest_sweep)
    _same_depths(tree_sweep, forest_sweep)
    depths = tree_sweep.depths
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for sweep, marker, color, name in ((tree_sweep, "o", PALETTE[0], "Baum"),
                                       (forest_sweep, "s", PALETTE[1], "Forest")):
        ax.plot(depths, sweep.rmse_train, f"{marker}--", color=color, label=f"{name}, Training")
        ax.plot(depths, sweep.rmse_test, f"{marker}-", color=color, label=f"{name}, Test")
    ax.set_xlabel("max_depth")
    ax.set_ylabel("RMSE")
    ax.legend(frameon=False, ncol=2, fontsize=9)
    german_axes(ax)
    return fig


def validation_curve_figure(param_range, train_errors, val_errors, best, *,
                            xlabel: str = "max_depth", ylabel: str = "RMSE"):
    """Validierungskurve: mittlerer Trainings- und Validierungsfehler je Einstellung.

    ``train_errors`` und ``val_errors`` haben die Form (P, K): eine Zeile je Wert in
    ``param_range``, eine Spalte je Falte der Kreuzvalidierung (etwa ``-train_scores``
    aus ``sklearn.model_selection.validation_curve``). Gezeichnet werden die Mittelwerte
    über die Falten, schattiert ± eine Standardabweichung; eine senkrechte Linie markiert
    die gewählte Einstellung ``best``.
    """
    import matplotlib.pyplot as plt

    params = check_array("param_range", param_range, ndim=1)
    train_errors = check_array("train_errors", train_errors, ndim=2)
    val_errors = check_array("val_errors", val_errors, ndim=2)
    for name, errors in (("train_errors", train_errors), ("val_errors", val_errors)):
        if errors.shape[0] != len(params):
            raise ValueError(f"{name} hat {errors.shape[0]} Zeilen, param_range aber "
                             f"{len(params)} Werte.")
    if train_errors.shape != val_errors.shape:
        raise ValueError(f"train_errors {train_errors.shape} und val_errors {val_errors.shape} "
                         "brauchen dieselbe Form.")
    best = check_float("best", best)
    if not np.any(np.isclose(params, best)):
        raise ValueError(f"best ({best:g}) kommt in param_range nicht vor.")
    xlabel, ylabel = check_str("xlabel", xlabel), check_str("ylabel", ylabel)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for errors, style, color, label in ((train_errors, "o--", PALETTE[0], "Training"),
                                        (val_errors, "s-", PALETTE[1], "Validierung")):
        mean, std = errors.mean(axis=1), errors.std(axis=1)  # (P,)
        ax.plot(params, mean, style, color=color, label=f"{label} (Mittel der Falten)")
        ax.fill_between(params, mean - std, mean + std, color=color, alpha=0.2, lw=0)
    ax.axvline(best, color="0.4", ls=":", lw=1.2)
    ax.annotate(f"gewählt: {de(best, 0) if float(best).is_integer() else de(best, 2)}",
                (best, ax.get_ylim()[1]), xytext=(4, -14), textcoords="offset points",
                fontsize=9, color="0.3")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=9)
    german_axes(ax)
    return fig


def tree_slider_2d(axis, X_train, y_train, tree_sweep, forest_sweep):
    """Interaktive Vorhersageflächen von Baum (links) und Forest (rechts) je Tiefe.

    Die Gittervorhersagen gehören zum Gitter ``meshgrid(axis, axis)``, zeilenweise
    abgelegt (Form (len(axis)², 2)); die Punkte sind die Trainingsdaten.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    axis = check_array("axis", axis, ndim=1, min_len=2)
    X_train = check_array("X_train", X_train, ndim=2)
    y_train = check_array("y_train", y_train, ndim=1)
    check_same_length(X_train=X_train, y_train=y_train)
    for sweep in (_check_sweep("tree_sweep", tree_sweep, grid=True),
                  _check_sweep("forest_sweep", forest_sweep, grid=True)):
        if sweep.grid_predictions.shape[1] != len(axis) ** 2:
            raise ValueError(f"Die Gittervorhersagen haben {sweep.grid_predictions.shape[1]} "
                             f"Stellen, das Gitter aus axis aber {len(axis) ** 2}.")
    _same_depths(tree_sweep, forest_sweep)
    side = len(axis)
    zmin, zmax = float(y_train.min()), float(y_train.max())
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Entscheidungsbaum", "Random Forest"),
                        horizontal_spacing=0.08)
    step_traces, titles = [], []
    for i, depth in enumerate(tree_sweep.depths):
        first = len(fig.data)
        for col, sweep in ((1, tree_sweep), (2, forest_sweep)):
            surface = sweep.grid_predictions[i].reshape(side, side)  # (len(axis), len(axis))
            fig.add_trace(go.Heatmap(x=axis, y=axis, z=surface, zmin=zmin, zmax=zmax,
                                     colorscale="Cividis", showscale=col == 2,
                                     colorbar={"title": "Vorhersage"}),
                          row=1, col=col)
        step_traces.append([first, first + 1])
        titles.append(f"Tiefe {depth} – RMSE Test: Baum {de(tree_sweep.rmse_test[i], 2)}, "
                      f"Forest {de(forest_sweep.rmse_test[i], 2)} (Training "
                      f"{de(tree_sweep.rmse_train[i], 2)} bzw. "
                      f"{de(forest_sweep.rmse_train[i], 2)})")
    for col in (1, 2):
        fig.add_trace(go.Scatter(x=X_train[:, 0], y=X_train[:, 1], mode="markers",
                                 showlegend=False, hoverinfo="skip",
                                 marker={"size": 4, "color": y_train, "colorscale": "Cividis",
                                         "cmin": zmin, "cmax": zmax,
                                         "line": {"width": 0.5, "color": "white"}}),
                      row=1, col=col)
    add_visibility_slider(fig, step_traces, [str(d) for d in tree_sweep.depths], titles=titles,
                          prefix="max_depth = ")
    fig.update_layout(height=470, title_font_size=13, margin={"l": 40, "r": 20, "t": 80, "b": 20})
    fig.update_xaxes(title_text="x₁")
    fig.update_yaxes(title_text="x₂", col=1)
    return fig


def data_split_figure():
    """Schema: Training/Validierung/Test (oben) und fünffache Kreuzvalidierung (unten)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    for start, width, color, label in [(0, 60, PALETTE[0], "Training"),
                                       (60, 20, PALETTE[1], "Validierung"),
                                       (80, 20, PALETTE[3], "Test")]:
        ax.barh(6, width, left=start, color=color, edgecolor="white")
        ax.text(start + width / 2, 6, f"{label}\n{width} %".replace(" %", "\u202f%"),
                ha="center", va="center", color="white", fontsize=9)
    for fold in range(5):
        for part in range(5):
            color = PALETTE[1] if part == fold else PALETTE[0]
            ax.barh(4 - fold, 16, left=part * 16, color=color, edgecolor="white")
        ax.barh(4 - fold, 20, left=80, color=PALETTE[3], alpha=0.3, edgecolor="white")
        ax.text(-2, 4 - fold, f"Runde {fold + 1}", ha="right", va="center", fontsize=8)
    ax.set_xlim(-14, 100)
    ax.axis("off")
    return fig


#: Die sechs Phasen von CRISP-DM im Uhrzeigersinn, beginnend oben.
CRISP_DM_PHASES = ("Geschäfts-\nverständnis", "Daten-\nverständnis", "Daten-\nvorbereitung",
                   "Modellierung", "Evaluation", "Bereitstellung")


def crisp_dm_figure():
    """Die sechs Phasen von CRISP-DM als Zyklus um die Daten, gestrichelt die Rücksprünge."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    angles = np.pi / 2 - np.arange(6) * 2 * np.pi / 6  # im Uhrzeigersinn, Start oben
    pos = np.column_stack([np.cos(angles), np.sin(angles)]) * 1.0
    fig, ax = plt.subplots(figsize=(6, 5.2))
    ax.add_patch(plt.Circle((0, 0), 0.33, color=PALETTE[4], alpha=0.4))
    ax.text(0, 0, "Daten", ha="center", va="center", fontsize=12, weight="bold")
    for (x, y), label in zip(pos, CRISP_DM_PHASES):
        ax.text(x, y, label, ha="center", va="center", fontsize=9.5,
                bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": PALETTE[0], "lw": 1.5})
    for i in range(6):
        a, b = pos[i] * 0.8, pos[(i + 1) % 6] * 0.8
        ax.add_patch(FancyArrowPatch(a, b, connectionstyle="arc3,rad=-0.25",
                                     arrowstyle="-|>", mutation_scale=14, color=PALETTE[0],
                                     shrinkA=22, shrinkB=22))
    for i, j in [(1, 0), (3, 2), (4, 0)]:  # Rücksprünge
        ax.add_patch(FancyArrowPatch(pos[i] * 0.55, pos[j] * 0.55, arrowstyle="-|>",
                                     mutation_scale=10, color="0.5", ls="--",
                                     connectionstyle="arc3,rad=0.2", shrinkA=8, shrinkB=8))
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# ---------------------------------------------------------------------------
# Kapitel 3.1: unüberwachtes und bestärkendes Lernen
# ---------------------------------------------------------------------------


def cluster_scatter_figure(frame: pd.DataFrame, x: str, y: str, *, cluster: str = "cluster",
                           xlabel: str | None = None, ylabel: str | None = None):
    """Streudiagramm zweier Spalten, gefärbt nach der Clusternummer in ``cluster``."""
    import matplotlib.pyplot as plt

    x, y, cluster = check_str("x", x), check_str("y", y), check_str("cluster", cluster)
    check_frame("frame", frame, [x, y, cluster])
    check_array(f"frame[{x!r}]", frame[x].to_numpy())
    check_array(f"frame[{y!r}]", frame[y].to_numpy())
    ids = check_array(f"frame[{cluster!r}]", frame[cluster].to_numpy(), dtype=None)
    if not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0:
        raise ValueError(f"frame[{cluster!r}] muss Clusternummern 0, 1, … enthalten.")
    xlabel = x if xlabel is None else check_str("xlabel", xlabel)
    ylabel = y if ylabel is None else check_str("ylabel", ylabel)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for c in sorted(set(ids.tolist())):
        part = frame[frame[cluster] == c]
        ax.scatter(part[x], part[y], s=12, color=PALETTE[c % len(PALETTE)], label=f"Cluster {c}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=9)
    german_axes(ax)
    return fig


def sensor_anomaly_figure(sensors: pd.DataFrame, columns, labels, *, flag: str = "anomalie"):
    """Je Spalte ein Liniendiagramm über die Stunden des Tages; Störungen als rote Punkte.

    ``sensors`` braucht die Spalten ``zeit``, ``columns`` und ``flag`` (1 = Störung). Die
    letzte Spalte (etwa ein Anomalie-Score) wird grau gezeichnet, die übrigen farbig.
    """
    import matplotlib.pyplot as plt

    columns = check_str_list("columns", columns)
    labels = check_str_list("labels", labels)
    check_same_length(columns=columns, labels=labels)
    if len(columns) > 4:
        raise ValueError(f"Höchstens vier Spalten passen in die Abbildung, nicht {len(columns)}.")
    flag = check_str("flag", flag)
    check_frame("sensors", sensors, ["zeit", *columns, flag])
    for col in columns:
        check_array(f"sensors[{col!r}]", sensors[col].to_numpy())
    colors = [*PALETTE[:len(columns) - 1], "0.3"]
    fig, axes = plt.subplots(len(columns), 1, figsize=(8, 1.6 * len(columns)), sharex=True)
    axes = np.atleast_1d(axes)
    hours = (sensors["zeit"] - sensors["zeit"].iloc[0]).dt.total_seconds() / 3600
    marked = sensors[flag] == 1
    for ax, col, label, color in zip(axes, columns, labels, colors):
        ax.plot(hours, sensors[col], lw=0.8, color=color)
        ax.scatter(hours[marked], sensors.loc[marked, col], s=14, color=PALETTE[3], zorder=3)
        ax.set_ylabel(label, fontsize=9)
        german_axes(ax)
    axes[-1].set_xlabel("Stunde des Tages")
    fig.tight_layout()
    return fig


def gridworld_figure(env: GridWorld):
    """Die Gitterwelt: S ist der Start, Endfelder tragen ihre Belohnung, Wände sind grau."""
    import matplotlib.pyplot as plt

    check_instance("env", env, GridWorld)
    fig, ax = plt.subplots(figsize=(4, 3.3))
    for r in range(env.height):
        for c in range(env.width):
            reward = env.terminals.get((r, c))
            if (r, c) in env.walls:
                color = "0.3"
            elif reward is None:
                color = "white"
            else:
                color = PALETTE[3] if reward < 0 else PALETTE[2] if reward >= 1 else "#9FD8C5"
            ax.add_patch(plt.Rectangle((c, env.height - 1 - r), 1, 1, fc=color, ec="0.4"))
            label = "S" if (r, c) == env.start else ("" if reward is None else
                                                     ("+" if reward > 0 else "") + de(reward, 1))
            ax.text(c + 0.5, env.height - 0.5 - r, label, ha="center", va="center", fontsize=13)
    ax.set_xlim(0, env.width)
    ax.set_ylim(0, env.height)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def _goal_name(env: GridWorld, cell) -> str:
    """Wo der gierige Weg endet, als Nominativ für „Ziel des gierigen Wegs: …“."""
    reward = env.terminals.get(cell)
    if reward is None:
        return "kein Endfeld"
    if reward < 0:
        return "Falle"
    if reward == 0:
        return "Endfeld ohne Belohnung"
    return "großer Schatz" if reward == max(env.terminals.values()) else "kleiner Schatz"


def q_value_slider(env: GridWorld, q_tables: dict):
    """Interaktive Karte der Q-Werte: je Diskontfaktor die beste Aktion und ``max Q`` je Feld.

    ``q_tables`` ordnet jedem γ eine Q-Tabelle (Form (Zustände, Aktionen)) zu; der Titel
    nennt ``Q(Start)`` und das Ziel des gierigen Wegs („großer Schatz“, „kleiner Schatz“,
    „Falle“ oder „kein Endfeld“).
    """
    import plotly.graph_objects as go

    check_instance("env", env, GridWorld)
    check_instance("q_tables", q_tables, dict, "ein dict {γ: Q-Tabelle}")
    if not q_tables:
        raise ValueError("q_tables darf nicht leer sein.")
    fig = go.Figure()
    step_traces, titles = [], []
    start_state = env.state(env.start)
    for gamma, q in q_tables.items():
        grid = value_grid(env, q)  # prüft die Form von q
        q = np.asarray(q, dtype=float)
        text = [[("" if np.isnan(grid[r, c]) else
                  f"{ACTION_ARROWS[int(q[env.state((r, c))].argmax())]}<br>{de(grid[r, c], 2)}")
                 for c in range(env.width)] for r in range(env.height)]
        for (r, c), reward in env.terminals.items():
            text[r][c] = f"<b>{'+' if reward > 0 else ''}{de(reward, 1)}</b>"
        fig.add_trace(go.Heatmap(z=grid, text=text, texttemplate="%{text}", zmin=0, zmax=1,
                                 colorscale="Blues", colorbar={"title": "max Q"},
                                 hoverinfo="skip", xgap=2, ygap=2))
        step_traces.append([len(fig.data) - 1])
        goal = _goal_name(env, greedy_path(env, q)[-1])
        titles.append(f"γ = {de(gamma, 2)}: Q(Start) = {de(q[start_state].max(), 3)}, "
                      f"Ziel des gierigen Wegs: {goal}")
    add_visibility_slider(fig, step_traces, [de(g, 2) for g in q_tables], titles=titles,
                          prefix="γ = ")
    fig.update_layout(height=430, title_font_size=13,
                      margin={"l": 20, "r": 20, "t": 60, "b": 20},
                      xaxis={"visible": False}, yaxis={"visible": False, "autorange": "reversed"})
    return fig
