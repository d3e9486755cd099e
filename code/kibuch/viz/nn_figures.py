"""Abbildungen für die Kapitel über neuronale Netze (3.2) und Bildverarbeitung (3.3).

Jede Funktion nimmt fertig berechnete Ergebnisse entgegen und kümmert sich nur um das
Aussehen: Farben, Achsen, Beschriftungen, Schieberegler. Die Kapitel rufen sie sichtbar auf
(``fig = confusion_figure(cm)``); was gerechnet wird, steht im Kapitel selbst.

- Kapitel 3.2: :func:`activation_figure`, :func:`mlp_schema_figure`,
  :func:`descent_figure`, :func:`two_neuron_graph_figure`, :func:`loss_comparison_figure`,
  :func:`history_figure`,
- Playground: :func:`toy_data_figure`, :func:`curves_figure`, :func:`train_test_figure`,
  :func:`noise_figure`, :func:`band_figure`, :func:`surface_figure`,
- Kapitel 3.3: :func:`sliding_window_figure`, :func:`image_grid_figure`,
  :func:`confusion_figure`, :func:`misclassified_figure`, :func:`feature_maps_figure`,
  :func:`imagenet_figure`, :func:`embedding_figure`,
- Transferlernen: :func:`band_plot`, :func:`transfer_figure`, :func:`teachable_figure`.

matplotlib und plotly werden erst beim Aufruf importiert.
"""

from __future__ import annotations

import numpy as np

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_callable,
    check_choice,
    check_float,
    check_frame,
    check_instance,
    check_int,
    check_same_length,
    check_str,
    check_str_list,
)
from kibuch.core.fmt import de, pct
from kibuch.viz.plotting import PALETTE, german_axes

#: Höchstzahl an Feldern in einer Bildreihe bzw. einem Bildraster.
MAX_PANELS = 50
#: Höchstzahl an Klassen für die Rate-Linie in :func:`transfer_figure`.
MAX_CLASSES = 100_000


def _check_list(name: str, value, what: str, *, min_len: int = 1) -> list:
    """Eine Folge (Liste, Tupel, dict-Werte …) als Liste; Text und Einzelwerte sind Fehler."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} muss {what} sein, nicht "
                        f"{'None' if value is None else type(value).__name__}.")
    items = list(value)
    if len(items) < min_len:
        raise ValueError(f"{name} muss mindestens {min_len} Einträge haben, nicht {len(items)}.")
    return items




def _check_range(name: str, value) -> tuple[float, float]:
    """Ein Achsenbereich ``(von, bis)`` aus zwei endlichen Zahlen mit ``von < bis``."""
    bounds = check_array(name, _check_list(name, value, "ein Bereich (von, bis)"), ndim=1)
    if len(bounds) != 2 or not bounds[0] < bounds[1]:
        raise ValueError(f"{name} muss ein Bereich (von, bis) mit von < bis sein, nicht "
                         f"{tuple(bounds.tolist())}.")
    return float(bounds[0]), float(bounds[1])

# ---------------------------------------------------------------------------
# Kapitel 3.2: vom Neuron bis PyTorch (matplotlib)
# ---------------------------------------------------------------------------


def activation_figure(activations: dict, titles: dict[str, str], *, z_max: float = 4.0):
    """Je Aktivierung ein Feld mit ``f(z)`` (durchgezogen) und ``f'(z)`` (gestrichelt).

    ``activations`` ordnet Namen ``(f, f')`` zu (wie ``kibuch.nn.activations.ACTIVATIONS``),
    ``titles`` wählt die Namen aus und gibt ihnen eine Überschrift.
    """
    import matplotlib.pyplot as plt

    check_instance("activations", activations, dict, "ein dict Name → (f, f')")
    check_instance("titles", titles, dict, "ein dict Name → Überschrift")
    z_max = check_float("z_max", z_max, 0.0, open_min=True)
    z_axis = np.linspace(-z_max, z_max, 401)
    fig, axes = plt.subplots(1, len(titles), figsize=(10, 2.9), sharey=True)
    for ax, (name, title) in zip(np.atleast_1d(axes), titles.items()):
        f, df = activations[name]
        ax.plot(z_axis, f(z_axis), color=PALETTE[0], label="$f(z)$")
        ax.plot(z_axis, df(z_axis), color=PALETTE[3], ls="--", label="$f'(z)$")
        ax.set_title(title)
        ax.set_xlabel("$z$")
        ax.set_ylim(-1.2, 2.2)
        german_axes(ax)
    np.atleast_1d(axes)[0].legend(frameon=False, loc="upper left")
    fig.tight_layout()
    return fig


def mlp_schema_figure(layer_sizes, layer_names):
    """Schema eines vollständig verbundenen Netzes: Kreise je Neuron, Linien je Gewicht."""
    import matplotlib.pyplot as plt

    check_instance("layer_sizes", layer_sizes, (list, tuple), "eine Liste von Schichtgrößen")
    layer_sizes = [check_int(f"layer_sizes[{i}]", n, minimum=1)
                   for i, n in enumerate(layer_sizes)]
    layer_names = check_str_list("layer_names", layer_names, min_len=2)
    check_same_length(layer_sizes=layer_sizes, layer_names=layer_names)
    colors = [PALETTE[4]] + [PALETTE[1]] * (len(layer_sizes) - 2) + [PALETTE[2]]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    positions = []
    for i, size in enumerate(layer_sizes):
        ys = np.linspace(-(size - 1) / 2, (size - 1) / 2, size)
        positions.append([(i, y) for y in ys])
    for left, right in zip(positions, positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.8, zorder=1)
    for i, (layer, color) in enumerate(zip(positions, colors)):
        xs_, ys_ = zip(*layer)
        ax.scatter(xs_, ys_, s=420, color=color, edgecolor="black", zorder=2)
        ax.text(i, -3.2, layer_names[i], ha="center", fontsize=10)
    ax.set_xlim(-0.5, len(layer_sizes) - 0.5)
    ax.set_ylim(-3.6, 2.8)
    ax.axis("off")
    return fig


def descent_figure(loss_fn, paths: dict, learning_rates: dict, *,
                   w_range=(-3, 4.5), b_range=(-5, 5)):
    """Höhenlinien der Verlustfläche ``loss_fn(w, b)`` und die Pfade des Gradientenabstiegs.

    ``paths`` ordnet Beschriftungen („zu groß“, „gut“, „zu klein“) Arrays der Form
    ``(schritte + 1, 2)`` zu, ``learning_rates`` dieselben Beschriftungen den Lernraten.
    """
    import matplotlib.pyplot as plt

    check_callable("loss_fn", loss_fn)
    check_instance("paths", paths, dict, "ein dict Beschriftung → Pfad")
    check_instance("learning_rates", learning_rates, dict, "ein dict Beschriftung → Lernrate")
    if not paths:
        raise ValueError("paths darf nicht leer sein.")
    for label, path in paths.items():
        if check_array(f"paths[{label!r}]", path, ndim=2).shape[1] != 2:
            raise ValueError(f"paths[{label!r}] muss die Form (schritte + 1, 2) haben.")
        if label not in learning_rates:
            raise ValueError(f"learning_rates fehlt die Lernrate für {label!r}.")
        check_float(f"learning_rates[{label!r}]", learning_rates[label], 0, open_min=True)
    w_range, b_range = _check_range("w_range", w_range), _check_range("b_range", b_range)
    W_grid, B_grid = np.meshgrid(np.linspace(*w_range, 200), np.linspace(*b_range, 200))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    levels = np.geomspace(0.03, 60, 15)
    ax.contour(W_grid, B_grid, loss_fn(W_grid, B_grid), levels=levels, colors="0.6",
               linewidths=0.8)
    styles = dict(zip(paths, (PALETTE[1], PALETTE[0], PALETTE[2], *PALETTE[3:])))
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1.3, color=styles[label],
                label=f"{label} (η = {de(learning_rates[label], 3)})")
    ax.plot(*next(iter(paths.values()))[0], "ks", ms=7, label="Start")
    ax.set_xlabel("Steigung $w$")
    ax.set_ylabel("Achsenabschnitt $b$")
    ax.legend(frameon=False, loc="lower left", fontsize=9)
    german_axes(ax)
    return fig


#: Knoten (Position) und Kanten (von, nach, lokale Ableitung) des Zwei-Neuronen-Netzes.
_GRAPH_NODES = {
    "$a^{(0)}$": (0, 0), "$w^{(1)}$": (0, 1.1), "$b^{(1)}$": (0, -1.1),
    "$z^{(1)}$": (1.3, 0), "$a^{(1)}$": (2.5, 0), "$w^{(2)}$": (2.5, 1.1),
    "$b^{(2)}$": (2.5, -1.1), "$z^{(2)}$": (3.8, 0), "$a^{(2)}$": (5.0, 0),
    "$y$": (5.0, -1.1), "$E$": (6.2, 0),
}
_GRAPH_EDGES = [
    ("$a^{(0)}$", "$z^{(1)}$", "$w^{(1)}$"), ("$w^{(1)}$", "$z^{(1)}$", "$a^{(0)}$"),
    ("$b^{(1)}$", "$z^{(1)}$", "1"), ("$z^{(1)}$", "$a^{(1)}$", r"$\sigma'(z^{(1)})$"),
    ("$a^{(1)}$", "$z^{(2)}$", "$w^{(2)}$"), ("$w^{(2)}$", "$z^{(2)}$", "$a^{(1)}$"),
    ("$b^{(2)}$", "$z^{(2)}$", "1"), ("$z^{(2)}$", "$a^{(2)}$", r"$\sigma'(z^{(2)})$"),
    ("$a^{(2)}$", "$E$", "$a^{(2)} - y$"), ("$y$", "$E$", ""),
]


def two_neuron_graph_figure():
    """Berechnungsgraph des Netzes mit zwei Neuronen samt lokalen Ableitungen an den Kanten."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.0))
    for start, end, label in _GRAPH_EDGES:
        (x0, y0), (x1, y1) = _GRAPH_NODES[start], _GRAPH_NODES[end]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "->", "color": "black", "shrinkA": 14,
                                "shrinkB": 14})
        if label:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, label, color=PALETTE[3], fontsize=9,
                    ha="center")
    for name, (x, y) in _GRAPH_NODES.items():
        is_param = name[2] in "wb"
        ax.text(x, y, name, ha="center", va="center", fontsize=12,
                bbox={"boxstyle": "circle", "fc": PALETTE[4] if is_param else "white",
                      "ec": "black"})
    ax.set_xlim(-0.5, 6.7)
    ax.set_ylim(-1.6, 1.6)
    ax.axis("off")
    return fig


def loss_comparison_figure():
    """Kreuzentropie und quadratischer Fehler über der Wahrscheinlichkeit der richtigen Klasse."""
    import matplotlib.pyplot as plt

    p_axis = np.linspace(0.01, 1, 200)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.plot(p_axis, -np.log(p_axis), color=PALETTE[0], label=r"Kreuzentropie $-\log p_c$")
    ax.plot(p_axis, 0.5 * (1 - p_axis) ** 2, color=PALETTE[3], ls="--",
            label=r"quadratischer Fehler $\frac{1}{2}(1 - p_c)^2$")
    ax.set_xlabel("Wahrscheinlichkeit der richtigen Klasse $p_c$")
    ax.set_ylabel("Fehler")
    ax.legend(frameon=False)
    german_axes(ax)
    return fig


def history_figure(history, *, percent: bool = False, markers: bool = False):
    """Verlust (links) und Genauigkeit (rechts) je Epoche für Training und Validierung.

    ``history`` ist eine :class:`kibuch.training.loop.History`. ``percent=True`` zeigt die
    Genauigkeit in Prozent, ``markers=True`` markiert jede Epoche (Stil von Kapitel 3.3).
    """
    import matplotlib.pyplot as plt

    from kibuch.training.loop import History

    check_instance("history", history, History, "eine History aus fit()")
    percent, markers = check_bool("percent", percent), check_bool("markers", markers)
    epochs = np.arange(1, len(history.train_loss) + 1)
    scale = 100 if percent else 1
    if markers:
        fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
        train_style = {"fmt": "o-", "ms": 3}
        val_style = {"fmt": "s-", "ms": 3}
    else:
        fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.3))
        train_style = {"color": PALETTE[0]}
        val_style = {"color": PALETTE[1], "ls": "--"}
    for ax, train, val in ((ax_loss, history.train_loss, history.val_loss),
                           (ax_acc, np.array(history.train_acc) * scale,
                            np.array(history.val_acc) * scale)):
        _plot(ax, epochs, train, label="Training", **train_style)
        _plot(ax, epochs, val, label="Validierung", **val_style)
    ax_loss.set_ylabel("Kreuzentropie-Verlust" if markers else "Kreuzentropie")
    ax_acc.set_ylabel("Genauigkeit in %" if percent else "Genauigkeit")
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("Epoche")
        if markers:
            ax.legend(frameon=False)
        german_axes(ax)
    if not markers:
        ax_acc.legend(frameon=False)
    fig.tight_layout()
    return fig


def _plot(ax, x, y, *, fmt: str | None = None, **style):
    return ax.plot(x, y, fmt, **style) if fmt else ax.plot(x, y, **style)


# ---------------------------------------------------------------------------
# Playground (plotly)
# ---------------------------------------------------------------------------

#: Farbskala für P(Klasse 1): Orange (Klasse 0) – Weiß – Blau (Klasse 1), wie im Playground.
SURFACE_COLORS = [[0.0, "#E69F00"], [0.5, "#FFFFFF"], [1.0, "#0072B2"]]

#: Deutsche Namen der Spielzeugdatensätze.
TOY_TITLES = {"kreise": "Kreise", "xor": "XOR", "gauss": "Gauß", "spirale": "Spirale"}


def toy_data_figure(samples: dict, *, height: int = 330):
    """Die Spielzeugdatensätze nebeneinander, ein Schieberegler wählt die Rauschstufe.

    ``samples`` ordnet jeder Rauschstufe ein dict ``{datensatz: (X, y)}`` zu.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    check_instance("samples", samples, dict, "ein dict Rauschen → {Datensatz: (X, y)}")
    height = check_int("height", height, minimum=100)
    levels = list(samples)
    names = list(samples[levels[0]])
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[TOY_TITLES[n] for n in names],
                        horizontal_spacing=0.03)
    for level_index, noise in enumerate(levels):
        for col, name in enumerate(names, start=1):
            X, y = samples[noise][name]
            for cls, color in ((1, PALETTE[0]), (0, PALETTE[1])):
                fig.add_trace(go.Scatter(
                    x=np.round(X[y == cls, 0], 2), y=np.round(X[y == cls, 1], 2),
                    mode="markers", marker={"color": color, "size": 4}, showlegend=False,
                    hoverinfo="skip", visible=level_index == 0), row=1, col=col)
    traces_per_level = 2 * len(names)
    fig.update_layout(
        height=height, margin={"l": 20, "r": 20, "t": 40, "b": 20},
        sliders=[{"active": 0, "currentvalue": {"prefix": "Rauschen: "}, "pad": {"t": 20},
                  "steps": [{"label": de(noise, 2), "method": "update",
                             "args": [{"visible": [k // traces_per_level == i
                                                   for k in range(len(fig.data))]}]}
                            for i, noise in enumerate(levels)]}])
    fig.update_xaxes(range=[-8, 8], showticklabels=False)
    fig.update_yaxes(range=[-8, 8], showticklabels=False)
    for col in range(1, len(names) + 1):
        fig.update_yaxes(scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    return fig


def curves_figure(results, labels, *, title_y: str = "Testverlust", which: str = "test_loss",
                  height: int = 340):
    """Verlustkurven mehrerer Playground-Läufe; ein Klick auf die Legende blendet Kurven aus."""
    import plotly.graph_objects as go

    results = _check_list("results", results, "eine Liste von Playground-Ergebnissen")
    labels = check_str_list("labels", labels)
    check_same_length(results=results, labels=labels)
    title_y = check_str("title_y", title_y)
    which = check_choice("which", which, ("train_loss", "test_loss"))
    height = check_int("height", height, minimum=100)
    curves = [check_array(f"results[{i}].{which}", getattr(r, which, None), ndim=1,
                          finite=False) for i, r in enumerate(results)]  # NaN: divergiert
    fig = go.Figure()
    for (values, label), color in zip(zip(curves, labels), PALETTE):
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=np.round(values, 4),
                                 mode="lines", name=label, line={"color": color}))
    fig.update_layout(height=height, margin={"l": 50, "r": 20, "t": 20, "b": 40},
                      xaxis_title="Epoche", yaxis_title=title_y,
                      legend={"orientation": "h", "y": 1.15, "x": 0})
    return fig


def train_test_figure(runs: dict, *, height: int = 340):
    """Trainings- (durchgezogen) und Testverlust (gestrichelt) je Lauf, eine Farbe je Lauf.

    ``runs`` ordnet Beschriftungen Playground-Ergebnissen zu.
    """
    check_instance("runs", runs, dict, "ein dict Beschriftung → Ergebnis")
    labels = [f"{name}: {part}" for part in ("Training", "Test") for name in runs]
    results = list(runs.values()) * 2
    fig = curves_figure(results, labels, title_y="Verlust", height=height)
    colors = (PALETTE[0], PALETTE[3], *PALETTE[1:3], *PALETTE[4:])
    for k, trace in enumerate(fig.data):
        which = "train_loss" if k < len(runs) else "test_loss"
        trace.y = np.round(getattr(results[k], which), 4)
        trace.line.dash = "dash" if which == "test_loss" else "solid"
        trace.line.color = colors[k % len(runs)]
    return fig


def noise_figure(noise_grid, noise_results: dict, *, height: int = 340):
    """Trainings- und Testverlust am Ende des Trainings über dem Rauschen, je Datensatz.

    ``noise_results`` ordnet jedem Datensatz eine Liste mit einem Eintrag je Rauschstufe zu:
    entweder ein Playground-Ergebnis oder eine Liste von Ergebnissen (eines je Seed). Bei
    mehreren Seeds zeigt die Linie den Median, die Fehlerbalken reichen vom besten bis zum
    schlechtesten Seed; so verzerrt ein einzelner hängengebliebener Lauf die Linie nicht.
    """
    import plotly.graph_objects as go

    noise_grid = check_array("noise_grid", noise_grid, ndim=1).tolist()
    check_instance("noise_results", noise_results, dict, "ein dict Datensatz → Ergebnisse")
    height = check_int("height", height, minimum=100)
    finals = {}  # (Datensatz, Kennzahl) → (Rauschstufen, Seeds)
    for name, results in noise_results.items():
        results = _check_list(f"noise_results[{name!r}]", results, "eine Liste von Ergebnissen")
        check_same_length(noise_grid=noise_grid, **{f"noise_results[{name!r}]": results})
        for which in ("train_loss", "test_loss"):
            rows = []
            for i, entry in enumerate(results):
                runs = (_check_list(f"noise_results[{name!r}][{i}]", entry,
                                    "ein Ergebnis oder eine Liste von Ergebnissen")
                        if isinstance(entry, (list, tuple)) else [entry])
                if rows and len(runs) != len(rows[0]):  # gleich viele Seeds je Rauschstufe
                    raise ValueError(f"noise_results[{name!r}][{i}] hat {len(runs)} Seeds, "
                                     f"noise_results[{name!r}][0] aber {len(rows[0])}.")
                rows.append([check_array(f"noise_results[{name!r}][{i}].{which}",
                                         getattr(r, which, None), ndim=1, finite=False)[-1]
                             for r in runs])
            finals[name, which] = np.array(rows)  # (Rauschstufen, Seeds)
    fig = go.Figure()
    for name, color in zip(noise_results, PALETTE):
        for which, dash, suffix in (("train_loss", "solid", "Training"),
                                    ("test_loss", "dash", "Test")):
            values = finals[name, which]
            middle = np.median(values, axis=1)
            error = None
            if values.shape[1] > 1:  # Fehlerbalken vom besten bis zum schlechtesten Seed
                error = {"type": "data", "symmetric": False,
                         "array": np.round(values.max(axis=1) - middle, 4),
                         "arrayminus": np.round(middle - values.min(axis=1), 4),
                         "color": color, "thickness": 1}
            fig.add_trace(go.Scatter(
                x=noise_grid, y=np.round(middle, 4), error_y=error,
                mode="lines+markers", name=f"{TOY_TITLES.get(name, name)}: {suffix}",
                line={"color": color, "dash": dash}))
    fig.update_layout(height=height, margin={"l": 50, "r": 20, "t": 20, "b": 40},
                      xaxis_title="Rauschen", yaxis_title="Verlust am Ende des Trainings",
                      legend={"orientation": "h", "y": 1.15, "x": 0})
    return fig


def band_figure(runs: dict, *, which=("train_loss", "test_loss"), height: int = 380):
    """Mittlere Verlustkurve je Einstellung mit einem Band vom besten bis zum schlechtesten
    Seed, ein Feld je Eintrag in ``which`` (logarithmische y-Achse).

    ``runs`` ordnet Beschriftungen Listen von Playground-Ergebnissen zu (eines je Seed).
    Ein Klick auf die Legende blendet Linie und Band einer Einstellung in allen Feldern aus.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    check_instance("runs", runs, dict, "ein dict Beschriftung → Liste von Ergebnissen")
    _check_list("runs", list(runs), "ein dict mit mindestens einer Einstellung")
    titles = {"train_loss": "Trainingsverlust", "val_loss": "Validierungsverlust",
              "test_loss": "Testverlust"}
    which = [check_choice("which", w, titles) for w in check_str_list("which", which)]
    height = check_int("height", height, minimum=100)
    curves = {}  # (Beschriftung, Kennzahl) → (Seeds, Epochen)
    for label, results in runs.items():
        results = _check_list(f"runs[{label!r}]", results, "eine Liste von Ergebnissen")
        for w in which:
            rows = [check_array(f"runs[{label!r}][{i}].{w}", getattr(r, w, None), ndim=1,
                                finite=False) for i, r in enumerate(results)]
            check_same_length(**{f"runs[{label!r}][{i}].{w}": row for i, row in enumerate(rows)})
            curves[label, w] = np.vstack(rows)
    colors = [c for c in PALETTE if c != "#F0E442"]  # Gelb ist auf Weiß kaum zu sehen
    fig = make_subplots(rows=1, cols=len(which), subplot_titles=[titles[w] for w in which],
                        horizontal_spacing=0.08)
    for k, label in enumerate(runs):
        color = colors[k % len(colors)]
        red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
        for col, w in enumerate(which, start=1):
            values = curves[label, w]  # (Seeds, Epochen)
            epochs = np.arange(1, values.shape[1] + 1)
            low, high = np.round(values.min(axis=0), 4), np.round(values.max(axis=0), 4)
            fig.add_trace(go.Scatter(
                x=np.concatenate([epochs, epochs[::-1]]), y=np.concatenate([high, low[::-1]]),
                fill="toself", fillcolor=f"rgba({red},{green},{blue},0.18)", line={"width": 0},
                hoverinfo="skip", legendgroup=label, showlegend=False), row=1, col=col)
            fig.add_trace(go.Scatter(
                x=epochs, y=np.round(values.mean(axis=0), 4), mode="lines", name=label,
                line={"color": color}, legendgroup=label, showlegend=col == 1),
                row=1, col=col)
    fig.update_xaxes(title_text="Epoche")
    fig.update_yaxes(type="log")
    fig.update_yaxes(title_text="Kreuzentropie (log.)", row=1, col=1)
    fig.update_layout(height=height, margin={"l": 60, "r": 20, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.2, "x": 0})
    return fig


def surface_figure(steps, xs, X, y, *, slider_prefix: str = "", height: int = 460):
    """Interaktive plotly-Figur: Entscheidungsflächen mit Schieberegler, Punkte darüber.

    ``steps`` ist eine Liste von ``(beschriftung, fläche)`` mit Flächen der Form
    ``(len(xs), len(xs))``. Alle Flächen stecken vorab berechnet in der Figur; der
    Schieberegler schaltet nur die Sichtbarkeit um – das funktioniert auch auf einer
    statischen Webseite ohne laufendes Python.
    """
    import plotly.graph_objects as go

    steps = list(check_instance("steps", steps, (list, tuple), "eine Liste von (Name, Fläche)"))
    if not steps:
        raise ValueError("steps darf nicht leer sein.")
    xs = check_array("xs", xs, ndim=1, min_len=2, dtype=None)  # Datentypen bleiben erhalten
    X, y = check_array("X", X, ndim=2, dtype=None), check_array("y", y, ndim=1, dtype=None)
    check_same_length(X=X, y=y)
    slider_prefix = check_str("slider_prefix", slider_prefix, allow_empty=True)
    height = check_int("height", height, minimum=100)
    for label, surface in steps:
        if np.shape(surface) != (len(xs), len(xs)):
            raise ValueError(f"Fläche {label!r} hat die Form {np.shape(surface)}, "
                             f"erwartet ({len(xs)}, {len(xs)}).")
    fig = go.Figure()
    for i, (_label, surface) in enumerate(steps):
        fig.add_trace(go.Heatmap(
            x=xs, y=xs, z=np.round(surface, 3), zmin=0, zmax=1, colorscale=SURFACE_COLORS,
            opacity=0.75, showscale=False, visible=i == len(steps) - 1,
            hovertemplate="x₁ = %{x:.1f}<br>x₂ = %{y:.1f}<br>P(blau) = %{z:.2f}<extra></extra>"))
    classes = ((1, "#0072B2", "Klasse 1 (blau)"), (0, "#E69F00", "Klasse 0 (orange)"))
    for cls, color, name in classes:
        mask = y == cls
        fig.add_trace(go.Scatter(
            x=np.round(X[mask, 0], 3), y=np.round(X[mask, 1], 3), mode="markers", name=name,
            marker={"color": color, "size": 6, "line": {"color": "white", "width": 1}},
            hoverinfo="skip"))
    n = len(steps)
    slider_steps = [
        {"label": label, "method": "update",
         "args": [{"visible": [j == i for j in range(n)] + [True, True]}]}
        for i, (label, _surface) in enumerate(steps)
    ]
    fig.update_layout(
        height=height, margin={"l": 40, "r": 20, "t": 30, "b": 40},
        xaxis={"title": "x₁", "range": [xs[0], xs[-1]], "constrain": "domain"},
        yaxis={"title": "x₂", "range": [xs[0], xs[-1]], "scaleanchor": "x"},
        legend={"orientation": "h", "y": 1.08, "x": 0},
        sliders=[{"active": n - 1, "steps": slider_steps, "pad": {"t": 45},
                  "currentvalue": {"prefix": slider_prefix}}],
    )
    return fig


# ---------------------------------------------------------------------------
# Kapitel 3.3: faltende Netze
# ---------------------------------------------------------------------------


def sliding_window_figure(image, kernel, result, steps, *, height: int = 380):
    """Das gleitende Fenster als Schieberegler: Eingabe, Kern und entstehende Merkmalskarte.

    ``result`` ist die fertige Faltung (``conv2d_naive``), ``steps`` die Liste der
    Fenster aus ``iter_windows`` – je Schritt wird ein Pixel mehr der Ausgabe sichtbar.
    """
    import plotly.graph_objects as go

    image = check_array("image", image, ndim=2, dtype=None)    # Datentypen bleiben erhalten
    kernel = check_array("kernel", kernel, ndim=2, dtype=None)
    result = check_array("result", result, ndim=2, dtype=None)
    steps = _check_list("steps", steps, "die Liste der Fenster aus iter_windows")
    if len(steps) != result.size:
        raise ValueError(f"steps hat {len(steps)} Fenster, result aber {result.size} Pixel.")
    for k, step in enumerate(steps):
        if not isinstance(step, tuple) or len(step) != 3:
            raise TypeError(f"steps[{k}] muss ein Fenster (zeile, spalte, ausschnitt) aus "
                            f"iter_windows sein, nicht {step!r:.40}.")
    height = check_int("height", height, minimum=100)
    kh, kw = kernel.shape
    vmax = np.abs(result).max()
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=image, colorscale="Greys", showscale=False, xaxis="x",
                             yaxis="y", hovertemplate="Pixel %{z:.2f}<extra></extra>"))
    fig.add_trace(go.Heatmap(z=kernel, colorscale="RdBu", zmid=0, showscale=False,
                             text=kernel.astype(int), texttemplate="%{text}",
                             xaxis="x2", yaxis="y2", hoverinfo="skip"))
    fig.add_trace(go.Heatmap(z=np.full_like(result, np.nan), colorscale="RdBu_r",
                             zmin=-vmax, zmax=vmax, showscale=True, xaxis="x3", yaxis="y3",
                             colorbar={"len": 0.8, "thickness": 12},
                             hovertemplate="%{z:.2f}<extra></extra>"))

    def step_state(k):
        i, j, _patch = steps[k]
        partial = np.full_like(result, np.nan)
        partial.flat[: k + 1] = result.flat[: k + 1]     # bis hierher berechnet
        rect = {"type": "rect", "xref": "x", "yref": "y", "x0": j - 0.5, "x1": j + kw - 0.5,
                "y0": i - 0.5, "y1": i + kh - 0.5, "line": {"color": PALETTE[1], "width": 4}}
        dot = {"type": "rect", "xref": "x3", "yref": "y3", "x0": j - 0.5, "x1": j + 0.5,
               "y0": i - 0.5, "y1": i + 0.5, "line": {"color": PALETTE[1], "width": 4}}
        title = (f"Schritt {k + 1} von {len(steps)}: Fenster bei Zeile {i}, Spalte {j} "
                 f"→ Summe {de(result[i, j], 2)}")
        return partial, [rect, dot], title

    frames = [step_state(k) for k in range(len(steps))]
    shape_text = lambda a: f"{a.shape[0]} × {a.shape[1]}"  # noqa: E731
    fig.update_layout(
        shapes=frames[0][1], title={"text": frames[0][2], "font": {"size": 14}},
        height=height, margin={"l": 20, "r": 20, "t": 60, "b": 90},
        xaxis={"domain": [0.0, 0.36], "showgrid": False,
               "title": f"Eingabe ({shape_text(image)})"},
        xaxis2={"domain": [0.43, 0.57], "showgrid": False,
                "title": f"Kern ({shape_text(kernel)})"},
        xaxis3={"domain": [0.64, 0.97], "showgrid": False,
                "title": f"Ausgabe ({shape_text(result)})"},
        yaxis={"autorange": "reversed", "scaleanchor": "x", "showgrid": False},
        yaxis2={"autorange": "reversed", "scaleanchor": "x2", "showgrid": False},
        yaxis3={"autorange": "reversed", "scaleanchor": "x3", "showgrid": False},
        sliders=[{
            "active": 0, "currentvalue": {"visible": False}, "pad": {"t": 40},
            "steps": [{"label": str(k + 1), "method": "update",
                       "args": [{"z": [image, kernel, partial]},
                                {"shapes": shapes, "title.text": title}]}
                      for k, (partial, shapes, title) in enumerate(frames)],
        }],
    )
    return fig


def image_grid_figure(images: dict, *, n_cols: int = 3):
    """Bilder mit Überschrift in einem Raster; Graubilder mit gestrecktem Kontrast.

    ``images`` ordnet Überschriften Bildern zu: RGB-Bilder (H, W, 3) werden unverändert
    gezeigt, Graubilder (H, W) in Graustufen zwischen ihrem 1- und 99-%-Perzentil.
    """
    import matplotlib.pyplot as plt

    check_instance("images", images, dict, "ein dict Überschrift → Bild")
    n_cols = check_int("n_cols", n_cols, minimum=1, maximum=MAX_PANELS)
    n_rows = -(-len(images) // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(10, 2.7 * n_rows))
    for ax, (title, img) in zip(np.atleast_1d(axes).flat, images.items()):
        if np.ndim(img) == 3:
            ax.imshow(img)
        else:
            lo, hi = np.percentile(img, [1, 99])       # Kontrast für die Anzeige strecken
            ax.imshow(img, cmap="gray", vmin=lo, vmax=hi)
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    plt.tight_layout()
    return fig


def confusion_figure(cm, *, xlabel: str = "vorhergesagte Ziffer",
                     ylabel: str = "wahre Ziffer"):
    """Konfusionsmatrix als Farbfeld mit den Anzahlen (Zeilen wahr, Spalten vorhergesagt)."""
    import matplotlib.pyplot as plt

    cm = check_array("cm", cm, ndim=2, dtype=None)
    xlabel, ylabel = check_str("xlabel", xlabel), check_str("ylabel", ylabel)
    fig, ax = plt.subplots(figsize=(5.6, 4.8))
    ax.imshow(cm, cmap="Blues")
    for (i, j), v in np.ndenumerate(cm):
        if v:
            ax.text(j, i, v, ha="center", va="center", fontsize=8,
                    color="white" if v > cm.max() / 2 else "black")
    ax.set_xticks(range(cm.shape[1]))
    ax.set_yticks(range(cm.shape[0]))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    return fig


def misclassified_figure(images, true, pred, confidence, *, n_cols: int = 12):
    """Eine Reihe falsch erkannter Bilder: „wahr → vorhergesagt“ und die Sicherheit des Netzes.

    Gezeigt werden höchstens ``n_cols`` Bilder; die Reihe hat immer ``n_cols`` Plätze.
    """
    import matplotlib.pyplot as plt

    images = check_array("images", images, ndim=3, min_len=0, dtype=None)
    true = check_array("true", true, ndim=1, min_len=0, dtype=None)
    pred = check_array("pred", pred, ndim=1, min_len=0, dtype=None)
    confidence = check_array("confidence", confidence, ndim=1, min_len=0)
    check_same_length(images=images, true=true, pred=pred, confidence=confidence)
    n_cols = check_int("n_cols", n_cols, minimum=1, maximum=MAX_PANELS)
    fig, axes = plt.subplots(1, n_cols, figsize=(11, 1.8), squeeze=False)
    for ax, img, t, p, c in zip(axes[0], images, true, pred, confidence):
        ax.imshow(img, cmap="gray_r")
        ax.set_title(f"{t} → {p}\n{pct(c, 0)}", fontsize=9)
    for ax in axes[0]:
        ax.axis("off")
    return fig


def feature_maps_figure(image, filters, maps1, maps2, *, n_cols: int = 8):
    """Eingabe und Kerne der ersten Schicht (oben), ihre Merkmalskarten (Mitte) und die
    ersten ``n_cols`` Merkmalskarten der zweiten Schicht (unten)."""
    import matplotlib.pyplot as plt

    image = check_array("image", image, ndim=2, dtype=None)  # (S, S)
    filters = check_array("filters", filters, ndim=3, dtype=None)  # (Kerne, k, k)
    maps1 = check_array("maps1", maps1, ndim=3, dtype=None)  # (Kerne, S, S)
    maps2 = check_array("maps2", maps2, ndim=3, dtype=None)  # (Kanäle, S/2, S/2)
    n_cols = check_int("n_cols", n_cols, minimum=2, maximum=MAX_PANELS)
    if len(maps1) < min(len(filters), n_cols - 1):
        raise ValueError(f"maps1 braucht eine Merkmalskarte je gezeigtem Kern, hat aber nur "
                         f"{len(maps1)}.")
    fig, axes = plt.subplots(3, n_cols, figsize=(10, 4.2))
    for ax in axes.flat:
        ax.axis("off")
    axes[0, 0].imshow(image, cmap="gray_r")
    axes[0, 0].set_title("Eingabe", fontsize=9)
    for c, f in enumerate(filters[: n_cols - 1]):
        lim = np.abs(f).max()
        axes[0, c + 1].imshow(f, cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[0, c + 1].set_title(f"Kern {c + 1}", fontsize=9)
        axes[1, c + 1].imshow(maps1[c], cmap="gray")
    for c in range(min(n_cols, len(maps2))):
        axes[2, c].imshow(maps2[c], cmap="gray")
    axes[1, 0].text(0.5, 0.5, "Schicht 1", ha="center", va="center", fontsize=9)
    axes[2, 0].set_title("Schicht 2", fontsize=9)
    plt.tight_layout()
    return fig


def imagenet_figure(table, human_top5: float, *, highlight: str = "AlexNet"):
    """Balken der Top-5-Fehler je Jahr (Spalten ``jahr``, ``sieger``, ``top5_fehler``) und
    eine gestrichelte Linie für den Menschen."""
    import matplotlib.pyplot as plt

    check_frame("table", table, ["jahr", "sieger", "top5_fehler"])
    check_array("table['top5_fehler']", table["top5_fehler"].to_numpy())
    human_top5 = check_float("human_top5", human_top5, 0, 100)
    highlight = check_choice("highlight", highlight, list(dict.fromkeys(table["sieger"])))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    colors = [PALETTE[3] if s == highlight else PALETTE[0] for s in table["sieger"]]
    ax.bar(table["jahr"], table["top5_fehler"], color=colors)
    for _, r in table.iterrows():
        digits = 1 if r["top5_fehler"] >= 5 else 2
        ax.text(r["jahr"], r["top5_fehler"] + 0.5, f"{de(r['top5_fehler'], digits)} %",
                ha="center", fontsize=8)
    ax.axhline(human_top5, color="0.3", ls="--", lw=1)
    ax.text(table["jahr"].max() + 0.45, human_top5 + 0.6,
            f"Mensch (Schätzung): {de(human_top5, 1)} %", ha="right", fontsize=8, color="0.3")
    ax.set_ylim(0, 31)
    ax.set_xticks(table["jahr"],
                  [f"{j}\n{s}" for j, s in zip(table["jahr"], table["sieger"])], fontsize=8)
    ax.set_ylabel("Top-5-Fehler in %")
    ax.set_title("ImageNet: Fehler der Siegermodelle")
    ax.grid(axis="x", visible=False)
    german_axes(ax, x=False)
    return fig


def embedding_figure(projections: dict, labels, *, height: int = 480):
    """Zweidimensionale Projektionen von Embeddings, Knöpfe schalten zwischen den Verfahren.

    ``projections`` ordnet Verfahren (etwa „PCA“, „t-SNE“) Arrays der Form (N, 2) zu,
    ``labels`` sind die Klassen 0 … 9 der Punkte.
    """
    import plotly.graph_objects as go

    check_instance("projections", projections, dict, "ein dict Verfahren → (N, 2)-Array")
    if not projections:
        raise ValueError("projections darf nicht leer sein.")
    labels = check_array("labels", labels, ndim=1, dtype=None)
    if not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError("labels muss Klassen 0, 1, … (ganze Zahlen ≥ 0) enthalten.")
    for method, xy in projections.items():
        xy = check_array(f"projections[{method!r}]", xy, ndim=2)
        if xy.shape != (len(labels), 2):
            raise ValueError(f"projections[{method!r}] muss die Form ({len(labels)}, 2) haben, "
                             f"nicht {xy.shape}.")
    height = check_int("height", height, minimum=100)
    classes = range(int(labels.max()) + 1)
    colors = PALETTE + ("#999999", "#8C564B")
    fig = go.Figure()
    for m, (method, xy) in enumerate(projections.items()):
        for digit_class in classes:
            sel = labels == digit_class
            fig.add_trace(go.Scattergl(
                x=xy[sel, 0], y=xy[sel, 1], mode="markers", name=str(digit_class),
                legendgroup=str(digit_class), showlegend=(m == 0), visible=(m == 0),
                marker={"size": 5, "color": colors[digit_class % len(colors)]},
                hovertemplate=f"Ziffer {digit_class}<extra>{method}</extra>"))
    n_per = len(classes)
    first = next(iter(projections))
    buttons = [{"label": method, "method": "update",
                "args": [{"visible": [k // n_per == m for k in range(n_per * len(projections))]},
                         {"title.text": f"Embeddings der Testbilder ({method})"}]}
               for m, method in enumerate(projections)]
    fig.update_layout(
        title={"text": f"Embeddings der Testbilder ({first})"}, height=height,
        legend={"title": {"text": "Ziffer"}},
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons,
                      "x": 0.0, "xanchor": "left", "y": 1.12, "yanchor": "top"}],
        xaxis={"title": "Achse 1", "zeroline": False},
        yaxis={"title": "Achse 2", "zeroline": False}, margin={"t": 90})
    return fig


# ---------------------------------------------------------------------------
# Transferlernen
# ---------------------------------------------------------------------------


def band_plot(ax, table, group: str, x: str = "n", labels: dict | None = None):
    """Mittelwert-Linien mit ± 1 Standardabweichung je Gruppe (Spalten ``mittel``, ``streuung``).

    ``table`` ist eine Zusammenfassung wie aus ``kibuch.chapters.ch03_3_transfer.summarize``.
    """
    from matplotlib.axes import Axes

    check_instance("ax", ax, Axes, "eine matplotlib-Achse (Axes)")
    group, x = check_str("group", group), check_str("x", x)
    check_frame("table", table, [group, x, "mittel", "streuung"])
    if labels is not None:
        check_instance("labels", labels, dict, "ein dict Gruppe → Beschriftung oder None")
    for (name, part), color, marker in zip(table.groupby(group, sort=False), PALETTE, "osD^"):
        xs = np.array(part[x], dtype=float)
        mean, std = part["mittel"].to_numpy() * 100, part["streuung"].to_numpy() * 100
        ax.plot(xs, mean, marker=marker, ms=4, color=color,
                label=labels.get(name, name) if labels else name)
        ax.fill_between(xs, mean - std, mean + std, color=color, alpha=0.15, lw=0)
    return ax


def transfer_figure(curve, n_grid, *, n_classes: int = 5, title: str = "Neue Klassen 5–9 lernen"):
    """Genauigkeit je Verfahren über der Bildzahl (log. Achse) mit Streubändern und Rate-Linie."""
    import matplotlib.pyplot as plt

    check_frame("curve", curve, ["verfahren", "n", "mittel", "streuung"])
    n_grid = [check_int(f"n_grid[{i}]", n, minimum=1)
              for i, n in enumerate(_check_list("n_grid", n_grid, "eine Liste von Bildzahlen"))]
    chance = 100 / check_int("n_classes", n_classes, minimum=2, maximum=MAX_CLASSES)
    title = check_str("title", title)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    band_plot(ax, curve, "verfahren")
    ax.set_xscale("log")
    ax.set_xticks(n_grid, [str(n) for n in n_grid])
    ax.set_xlabel("Trainingsbilder je Klasse")
    ax.set_ylabel("Testgenauigkeit in %")
    ax.set_title(title)
    ax.axhline(chance, color="0.5", ls=":", lw=1)
    ax.text(n_grid[0], chance + 1, f"Raten ({de(chance, 0)} %)", ha="left", fontsize=8,
            color="0.4")
    ax.legend(frameon=False, loc="lower right")
    german_axes(ax, x=False)
    return fig


def teachable_figure(q1, q2, q3, n_grid, *, pair, third, major):
    """Die drei Teachable-Machine-Fragen nebeneinander: Bildzahl, dritte Klasse, ungleiche
    Klassen (je Mittelwert mit Streuband und einer 95-%-Linie)."""
    import matplotlib.pyplot as plt

    for name, q, columns in (("q1", q1, ["aufgabe", "n"]), ("q2", q2, ["aufgabe", "n"]),
                             ("q3", q3, ["klasse", "minderheit"])):
        check_frame(name, q, [*columns, "mittel", "streuung"])
    n_grid = [check_int(f"n_grid[{i}]", n, minimum=1)
              for i, n in enumerate(_check_list("n_grid", n_grid, "eine Liste von Bildzahlen"))]
    pair = _check_list("pair", pair, "ein Paar von Klassen")
    if len(pair) != 2:
        raise ValueError(f"pair muss genau zwei Klassen nennen, nicht {len(pair)}.")
    pair = [check_int(f"pair[{i}]", c, minimum=0) for i, c in enumerate(pair)]
    third = check_int("third", third, minimum=0)
    if third in pair:
        raise ValueError(f"third={third} muss eine andere Klasse sein als pair={tuple(pair)}.")
    major = check_int("major", major, minimum=1)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), sharey=True)
    band_plot(axes[0], q1, "aufgabe", labels={"2 Klassen": f"{pair[0]} gegen {pair[1]}"})
    axes[0].set_title("1. Wie viele Bilder?", fontsize=11)
    axes[0].set_xlabel("Bilder je Klasse")
    axes[0].set_ylabel("Genauigkeit bzw. Trefferquote in %")
    band_plot(axes[1], q2, "aufgabe",
              labels={"2 Klassen": f"nur {pair[0]} und {pair[1]}",
                      "3 Klassen": f"mit dritter Klasse {third}"})
    axes[1].set_title("2. Eine dritte Klasse", fontsize=11)
    axes[1].set_xlabel("Bilder je Klasse")
    band_plot(axes[2], q3, "klasse", x="minderheit")
    axes[2].set_title(f"3. Ungleiche Klassen ({pair[0]}: {major} Bilder)", fontsize=11)
    axes[2].set_xlabel(f"Bilder der Klasse {pair[1]}")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xticks(n_grid, [str(n) for n in n_grid])
        ax.axhline(95, color="0.5", ls=":", lw=1)
        ax.legend(frameon=False, loc="lower right", fontsize=8)
        german_axes(ax, x=False)
    plt.tight_layout()
    return fig
