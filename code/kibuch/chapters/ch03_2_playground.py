"""Ein nachgebauter „TensorFlow Playground“: kleine MLPs auf 2-D-Spielzeugdaten.

``run_playground`` erzeugt Trainings- und Testdaten aus :mod:`kibuch.data.synthetic.toy2d`,
bildet die gewünschten Merkmale, trainiert ein :class:`kibuch.scratch.mlp_numpy.NumpyMLP`
mit Mini-Batch-Gradientenabstieg und schreibt Verlustkurven und – alle
``snapshot_every`` Epochen – die Entscheidungsfläche auf einem Gitter mit.

    result = run_playground(PlaygroundConfig(dataset="spirale", hidden=(8, 8)))
    result.test_loss[-1], result.surfaces[-1].shape   # (resolution, resolution)

Das Training ist bewusst klein (wenige hundert Punkte, kurze Läufe), damit viele
Konfigurationen in Sekunden durchlaufen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kibuch.data.synthetic.toy2d import DATASETS, add_features, grid, make_toy2d
from kibuch.scratch.mlp_numpy import NumpyMLP, NumpyMLPConfig, train


@dataclass
class PlaygroundConfig:
    dataset: str = "kreise"  # "kreise", "xor", "gauss" oder "spirale"
    noise: float = 0.0  # Rauschen der Daten, 0 … 1
    features: tuple[str, ...] = ("x1", "x2")  # Eingabemerkmale, siehe toy2d.FEATURES
    hidden: tuple[int, ...] = (4, 2)  # Neuronen je verdeckter Schicht
    activation: str = "tanh"  # Aktivierung der verdeckten Schichten
    lr: float = 0.03  # Lernrate; mit lr_after/switch_epoch später änderbar
    epochs: int = 100  # Durchläufe durch die Trainingsdaten
    batch_size: int = 10  # Punkte je Gradientenschritt
    n_train: int = 250  # Trainingspunkte
    n_test: int = 250  # Testpunkte (eigene Stichprobe, gleiches Rauschen)
    seed: int = 0  # Seed für Daten, Anfangsgewichte und Mischen
    snapshot_every: int = 0  # alle k Epochen Entscheidungsfläche speichern; 0 = nur am Ende
    resolution: int = 50  # Gitterpunkte je Achse für die Entscheidungsfläche
    lr_after: float | None = None  # neue Lernrate ab switch_epoch (None = keine Änderung)
    switch_epoch: int = 0  # Epoche, ab der lr_after gilt

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"Unbekannter Datensatz {self.dataset!r}; erlaubt: {DATASETS}.")
        self.features = tuple(self.features)
        self.hidden = tuple(self.hidden)
        for name in ("epochs", "batch_size", "n_train", "n_test", "resolution"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} muss eine ganze Zahl ≥ 1 sein, nicht {value!r}.")
        if self.snapshot_every < 0:
            raise ValueError("snapshot_every darf nicht negativ sein.")
        if not self.lr > 0 or (self.lr_after is not None and not self.lr_after > 0):
            raise ValueError("Lernraten müssen positiv sein.")
        if self.lr_after is not None and not 0 < self.switch_epoch < self.epochs:
            raise ValueError("switch_epoch muss zwischen 1 und epochs − 1 liegen.")


@dataclass
class PlaygroundResult:
    config: PlaygroundConfig
    train_loss: list[float] = field(default_factory=list)  # Kreuzentropie je Epoche
    test_loss: list[float] = field(default_factory=list)
    snapshot_epochs: list[int] = field(default_factory=list)  # Epochen (1-basiert) der Flächen
    surfaces: list[np.ndarray] = field(default_factory=list)  # P(Klasse 1), (res, res) je Eintrag
    xs: np.ndarray | None = None  # Gitterkoordinaten einer Achse
    X_train: np.ndarray | None = None  # Rohkoordinaten (n_train, 2)
    y_train: np.ndarray | None = None
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    train_acc: float = float("nan")
    test_acc: float = float("nan")
    model: NumpyMLP | None = None  # das trainierte Netz

    @property
    def n_params(self) -> int:
        """Zahl der Gewichte und Schwellwerte des Netzes."""
        if self.model is None:
            raise ValueError("Das Ergebnis enthält kein Modell.")
        return sum(p.size for p in self.model.params)


def run_playground(cfg: PlaygroundConfig | None = None) -> PlaygroundResult:
    """Trainiert ein kleines MLP wie im Playground und liefert Kurven und Flächen."""
    cfg = cfg if cfg is not None else PlaygroundConfig()
    if not isinstance(cfg, PlaygroundConfig):
        raise TypeError(f"cfg muss eine PlaygroundConfig sein, nicht {type(cfg).__name__}.")
    X_train, y_train = make_toy2d(cfg.dataset, cfg.n_train, cfg.noise, seed=cfg.seed)
    X_test, y_test = make_toy2d(cfg.dataset, cfg.n_test, cfg.noise, seed=cfg.seed + 10_000)
    # Merkmale aus den Rohkoordinaten bilden, dann je Spalte auf etwa [−1, 1] skalieren
    scale = np.abs(add_features(X_train, cfg.features)).max(axis=0) + 1e-12  # (n_features,)

    def feats(X):
        return add_features(X, cfg.features) / scale  # (n, len(features))

    F_train, F_test = feats(X_train), feats(X_test)
    xs, G = grid(cfg.resolution, limit=6.0)
    F_grid = feats(G)
    sizes = (len(cfg.features), *cfg.hidden, 2)
    model = NumpyMLP(NumpyMLPConfig(sizes=sizes, activation=cfg.activation, seed=cfg.seed))
    result = PlaygroundResult(config=cfg, xs=xs, X_train=X_train, y_train=y_train,
                              X_test=X_test, y_test=y_test)

    def record(epoch: int, m: NumpyMLP) -> None:
        result.test_loss.append(m.loss(F_test, y_test))
        last = epoch + 1 == total
        if last or (cfg.snapshot_every and (offset + epoch + 1) % cfg.snapshot_every == 0):
            proba = m.predict_proba(F_grid)[:, 1]  # P(Klasse 1) je Gitterpunkt
            result.surfaces.append(proba.reshape(cfg.resolution, cfg.resolution))
            result.snapshot_epochs.append(offset + epoch + 1)

    phases = [(cfg.lr, cfg.epochs)]
    if cfg.lr_after is not None:
        phases = [(cfg.lr, cfg.switch_epoch), (cfg.lr_after, cfg.epochs - cfg.switch_epoch)]
    offset = 0
    for i, (lr, total) in enumerate(phases):
        losses = train(model, F_train, y_train, lr=lr, epochs=total,
                       batch_size=cfg.batch_size, seed=cfg.seed + i, callback=record)
        result.train_loss += losses
        offset += total
    result.train_acc = float(np.mean(model.predict(F_train) == y_train))
    result.test_acc = float(np.mean(model.predict(F_test) == y_test))
    result.model = model
    return result


#: Farbskala für P(Klasse 1): Orange (Klasse 0) – Weiß – Blau (Klasse 1), wie im Playground.
SURFACE_COLORS = [[0.0, "#E69F00"], [0.5, "#FFFFFF"], [1.0, "#0072B2"]]


def surface_figure(steps, xs, X, y, *, slider_prefix: str = "", height: int = 460):
    """Interaktive plotly-Figur: Entscheidungsflächen mit Schieberegler, Punkte darüber.

    ``steps`` ist eine Liste von ``(beschriftung, fläche)`` mit Flächen der Form
    ``(len(xs), len(xs))``. Alle Flächen stecken vorab berechnet in der Figur; der
    Schieberegler schaltet nur die Sichtbarkeit um – das funktioniert auch auf einer
    statischen Webseite ohne laufendes Python.
    """
    import plotly.graph_objects as go

    steps = list(steps)
    if not steps:
        raise ValueError("steps darf nicht leer sein.")
    xs = np.asarray(xs)
    X, y = np.asarray(X), np.asarray(y)
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
