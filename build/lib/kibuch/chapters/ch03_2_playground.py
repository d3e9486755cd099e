"""Ein nachgebauter „TensorFlow Playground“: kleine MLPs auf 2-D-Spielzeugdaten.

``run_playground`` erzeugt Trainings- und Testdaten aus :mod:`kibuch.data.synthetic.toy2d`,
bildet die gewünschten Merkmale, trainiert ein :class:`kibuch.scratch.mlp_numpy.NumpyMLP`
mit Mini-Batch-Gradientenabstieg und schreibt Verlustkurven und – alle
``snapshot_every`` Epochen – die Entscheidungsfläche auf einem Gitter mit.

    result = run_playground(PlaygroundConfig(dataset="spirale", hidden=(8, 8)))
    result.test_loss[-1], result.surfaces[-1].shape   # (resolution, resolution)

Für Vergleiche über mehrere Seeds gibt es ``run_seeds``, ``finals`` (Endwert je Seed),
``summary_table`` (Mittelwert ± Standardabweichung) und ``compare``: ``compare`` wählt
die Worte („hilft“, „schadet“, „kein klarer Unterschied“) aus Mittelwerten und
Standardabweichungen, damit der Fließtext immer zu den Zahlen passt.

Das Training ist bewusst klein (wenige hundert Punkte, kurze Läufe), damit viele
Konfigurationen in Sekunden durchlaufen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_probability,
    check_str_list,
)
from kibuch.data.synthetic.toy2d import DATASETS, FEATURES, add_features, grid, make_toy2d
from kibuch.nn.activations import ACTIVATIONS
from kibuch.scratch.mlp_numpy import NumpyMLP, NumpyMLPConfig, train
from kibuch.viz.nn_figures import SURFACE_COLORS, surface_figure  # noqa: F401 (Kapitel 3.2)


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
    n_val: int = 0  # Validierungspunkte für die Wahl von Hyperparametern; 0 = keine
    seed: int = 0  # Seed für Daten, Anfangsgewichte und Mischen
    snapshot_every: int = 0  # alle k Epochen Entscheidungsfläche speichern; 0 = nur am Ende
    resolution: int = 50  # Gitterpunkte je Achse für die Entscheidungsfläche
    lr_after: float | None = None  # Stufe: neue Lernrate ab switch_epoch (None = keine Stufe)
    switch_epoch: int = 0  # Epoche, ab der lr_after gilt
    lr_final: float | None = None  # Kosinus: Lernrate fällt von lr bis lr_final (None = aus)

    def __post_init__(self) -> None:
        _check_config(self)


def _check_config(cfg: PlaygroundConfig) -> None:
    """Prüft alle Felder und wandelt sie in die erwarteten Typen um (z. B. Listen in Tupel)."""
    cfg.dataset = check_choice("dataset", cfg.dataset, DATASETS)
    cfg.noise = check_probability("noise", cfg.noise)
    cfg.features = tuple(check_choice("features", f, FEATURES)
                         for f in check_str_list("features", cfg.features))
    check_instance("hidden", cfg.hidden, (tuple, list), "ein Tupel ganzer Zahlen")
    cfg.hidden = tuple(check_int(f"hidden[{i}]", h, minimum=1) for i, h in enumerate(cfg.hidden))
    cfg.activation = check_choice("activation", cfg.activation, ACTIVATIONS)
    cfg.lr = check_float("lr", cfg.lr, 0.0, open_min=True)
    for name in ("epochs", "batch_size", "n_train", "n_test", "resolution"):
        setattr(cfg, name, check_int(name, getattr(cfg, name), minimum=1))
    cfg.n_val = check_int("n_val", cfg.n_val, minimum=0)
    cfg.seed = check_int("seed", cfg.seed, minimum=0)
    cfg.snapshot_every = check_int("snapshot_every", cfg.snapshot_every, minimum=0)
    cfg.switch_epoch = check_int("switch_epoch", cfg.switch_epoch, minimum=0)
    if cfg.lr_after is not None:  # Umschalten nur mitten im Training
        cfg.lr_after = check_float("lr_after", cfg.lr_after, 0.0, open_min=True)
        check_int("switch_epoch", cfg.switch_epoch, minimum=1, maximum=cfg.epochs - 1)
    if cfg.lr_final is not None:  # Kosinusplan; höchstens einer der beiden Pläne
        cfg.lr_final = check_float("lr_final", cfg.lr_final, 0.0, cfg.lr)
        if cfg.lr_after is not None:
            raise ValueError("lr_final (Kosinus) und lr_after (Stufe) schließen sich aus.")


def lr_per_epoch(cfg: PlaygroundConfig | None = None) -> np.ndarray:
    """Lernrate je Epoche: konstant, als Stufe (lr → lr_after) oder als Kosinus (lr → lr_final)."""
    cfg = check_instance("cfg", cfg if cfg is not None else PlaygroundConfig(),
                         PlaygroundConfig, "eine PlaygroundConfig")
    epoch = np.arange(cfg.epochs)  # (epochs,)
    if cfg.lr_after is not None:
        return np.where(epoch < cfg.switch_epoch, cfg.lr, cfg.lr_after)
    if cfg.lr_final is not None:  # halbe Kosinuswelle: erst flach, dann steil, am Ende flach
        cosine = 0.5 * (1 + np.cos(np.pi * epoch / cfg.epochs))  # 1 → fast 0
        return cfg.lr_final + (cfg.lr - cfg.lr_final) * cosine
    return np.full(cfg.epochs, cfg.lr)


@dataclass
class PlaygroundResult:
    config: PlaygroundConfig
    train_loss: list[float] = field(default_factory=list)  # Kreuzentropie je Epoche
    test_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)  # leer, wenn n_val = 0
    snapshot_epochs: list[int] = field(default_factory=list)  # Epochen (1-basiert) der Flächen
    surfaces: list[np.ndarray] = field(default_factory=list)  # P(Klasse 1), (res, res) je Eintrag
    xs: np.ndarray | None = None  # Gitterkoordinaten einer Achse
    X_train: np.ndarray | None = None  # Rohkoordinaten (n_train, 2)
    y_train: np.ndarray | None = None
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    train_acc: float = float("nan")
    test_acc: float = float("nan")
    val_acc: float = float("nan")
    model: NumpyMLP | None = None  # das trainierte Netz

    @property
    def n_params(self) -> int:
        """Zahl der Gewichte und Schwellwerte des Netzes."""
        if self.model is None:
            raise ValueError("Das Ergebnis enthält kein Modell.")
        return sum(p.size for p in self.model.params)


def run_playground(cfg: PlaygroundConfig | None = None) -> PlaygroundResult:
    """Trainiert ein kleines MLP wie im Playground und liefert Kurven und Flächen."""
    cfg = check_instance("cfg", cfg if cfg is not None else PlaygroundConfig(),
                         PlaygroundConfig, "eine PlaygroundConfig")
    X_train, y_train = make_toy2d(cfg.dataset, cfg.n_train, cfg.noise, seed=cfg.seed)
    X_test, y_test = make_toy2d(cfg.dataset, cfg.n_test, cfg.noise, seed=cfg.seed + 10_000)
    if cfg.n_val:
        X_val, y_val = make_toy2d(cfg.dataset, cfg.n_val, cfg.noise, seed=cfg.seed + 20_000)
    # Merkmale aus den Rohkoordinaten bilden, dann je Spalte auf etwa [−1, 1] skalieren
    scale = np.abs(add_features(X_train, cfg.features)).max(axis=0) + 1e-12  # (n_features,)

    def feats(X):
        return add_features(X, cfg.features) / scale  # (n, len(features))

    F_train, F_test = feats(X_train), feats(X_test)
    F_val = feats(X_val) if cfg.n_val else None
    xs, G = grid(cfg.resolution, limit=6.0)
    F_grid = feats(G)
    sizes = (len(cfg.features), *cfg.hidden, 2)
    model = NumpyMLP(NumpyMLPConfig(sizes=sizes, activation=cfg.activation, seed=cfg.seed))
    result = PlaygroundResult(config=cfg, xs=xs, X_train=X_train, y_train=y_train,
                              X_test=X_test, y_test=y_test)

    def record(epoch: int, m: NumpyMLP) -> None:
        done = offset + epoch + 1  # Epochen insgesamt (1-basiert)
        result.test_loss.append(m.loss(F_test, y_test))
        if cfg.n_val:
            result.val_loss.append(m.loss(F_val, y_val))
        if done == cfg.epochs or (cfg.snapshot_every and done % cfg.snapshot_every == 0):
            proba = m.predict_proba(F_grid)[:, 1]  # P(Klasse 1) je Gitterpunkt
            result.surfaces.append(proba.reshape(cfg.resolution, cfg.resolution))
            result.snapshot_epochs.append(done)

    # Abschnitte gleicher Lernrate; jeder Abschnitt mischt mit eigenem Seed
    lrs = lr_per_epoch(cfg)
    starts = [0, *np.flatnonzero(np.diff(lrs)) + 1]
    phases = [(float(lrs[a]), b - a) for a, b in zip(starts, [*starts[1:], cfg.epochs])]
    offset = 0
    for i, (lr, total) in enumerate(phases):
        losses = train(model, F_train, y_train, lr=lr, epochs=total,
                       batch_size=cfg.batch_size, seed=cfg.seed + i, callback=record)
        result.train_loss += losses
        offset += total
    result.train_acc = float(np.mean(model.predict(F_train) == y_train))
    result.test_acc = float(np.mean(model.predict(F_test) == y_test))
    if cfg.n_val:
        result.val_acc = float(np.mean(model.predict(F_val) == y_val))
    result.model = model
    return result


def run_seeds(cfg: PlaygroundConfig | None = None, seeds=(0, 1, 2)) -> list[PlaygroundResult]:
    """Derselbe Versuch mit mehreren Seeds (andere Daten, Anfangsgewichte und Mischung)."""
    cfg = check_instance("cfg", cfg if cfg is not None else PlaygroundConfig(),
                         PlaygroundConfig, "eine PlaygroundConfig")
    check_instance("seeds", seeds, (tuple, list), "ein Tupel ganzer Zahlen")
    seeds = [check_int(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
    check_int("Anzahl seeds", len(seeds), minimum=1)
    return [run_playground(replace(cfg, seed=s)) for s in seeds]


#: Worte für das Ergebnis von :func:`compare`.
VERDICTS = ("hilft", "schadet", "kein klarer Unterschied")


def compare(new, old, *, lower_is_better: bool = True, factor: float = 2.0) -> str:
    """„hilft“, „schadet“ oder „kein klarer Unterschied“ für ``new`` gegenüber ``old``.

    ``new`` und ``old`` sind Messwerte je Seed (etwa der Testverlust). Ein klarer
    Unterschied verlangt, dass die Mittelwerte weiter als ``factor`` gepoolte
    Standardabweichungen auseinanderliegen.
    """
    new = check_array("new", new, ndim=1, min_len=2)
    old = check_array("old", old, ndim=1, min_len=2)
    lower_is_better = check_bool("lower_is_better", lower_is_better)
    factor = check_float("factor", factor, 0.0)
    gain = (old.mean() - new.mean()) * (1 if lower_is_better else -1)  # > 0: new ist besser
    pooled_sd = np.sqrt((new.var(ddof=1) + old.var(ddof=1)) / 2)
    if abs(gain) <= factor * pooled_sd:
        return VERDICTS[2]
    return VERDICTS[0] if gain > 0 else VERDICTS[1]


#: Kennzahlen, die :func:`finals` und :func:`summary_table` kennen (Name → Spaltentitel).
METRICS = {
    "train_loss": "Trainingsverlust", "val_loss": "Validierungsverlust",
    "test_loss": "Testverlust", "train_acc": "Trainingsgenauigkeit",
    "val_acc": "Validierungsgenauigkeit", "test_acc": "Testgenauigkeit",
}


def _check_results(name: str, results) -> list[PlaygroundResult]:
    """Eine nichtleere Liste von Playground-Ergebnissen (etwa eines je Seed)."""
    check_instance(name, results, (list, tuple), "eine Liste von Playground-Ergebnissen")
    check_int(f"Anzahl {name}", len(results), minimum=1)
    return [check_instance(f"{name}[{i}]", r, PlaygroundResult, "ein PlaygroundResult")
            for i, r in enumerate(results)]


def finals(results, metric: str = "test_loss") -> np.ndarray:
    """Endwert einer Kennzahl je Lauf: Verlust nach der letzten Epoche bzw. Genauigkeit."""
    results = _check_results("results", results)
    metric = check_choice("metric", metric, METRICS)
    values = [getattr(r, metric) for r in results]
    if metric.endswith("_loss"):
        for i, v in enumerate(values):
            check_array(f"results[{i}].{metric}", v, ndim=1, finite=False)  # leer: n_val = 0
        values = [v[-1] for v in values]
    return check_array(f"Endwerte von {metric}", values, ndim=1, finite=False)


def loss_jitter(results, start: int = 0) -> np.ndarray:
    """Unruhe je Lauf: Standardabweichung der Änderungen des Trainingsverlusts von Epoche
    zu Epoche, gezählt ab Epoche ``start`` (0-basiert)."""
    results = _check_results("results", results)
    start = check_int("start", start, minimum=0)
    out = []
    for i, r in enumerate(results):
        curve = check_array(f"results[{i}].train_loss", r.train_loss, ndim=1, finite=False)
        check_int("start", start, maximum=len(curve) - 3)  # mindestens zwei Änderungen
        out.append(float(np.std(np.diff(curve[start:]))))
    return np.array(out)


def mean_sd(values, digits: int = 3, *, percent: bool = False) -> str:
    """„0,182 ± 0,037“ (bzw. „93,6 ± 1,7 %“) für Messwerte je Seed."""
    from kibuch.core.fmt import NBSP, de

    values = check_array("values", values, ndim=1, min_len=2, finite=False)
    digits = check_int("digits", digits, minimum=0, maximum=10)
    percent = check_bool("percent", percent)
    scale = 100 if percent else 1
    mean, sd = values.mean() * scale, values.std(ddof=1) * scale
    return f"{de(mean, digits)} ± {de(sd, digits)}" + (f"{NBSP}%" if percent else "")


def summary_table(runs: dict, metrics=("train_loss", "val_loss", "test_loss", "test_acc")):
    """Mittelwert ± Standardabweichung über die Seeds: eine Zeile je Einstellung, eine
    Spalte je Kennzahl (Genauigkeiten in Prozent)."""
    import pandas as pd

    check_instance("runs", runs, dict, "ein dict Beschriftung → Liste von Ergebnissen")
    check_int("Anzahl runs", len(runs), minimum=1)
    metrics = [check_choice("metrics", m, METRICS) for m in check_str_list("metrics", metrics)]
    rows = {}
    for label, results in runs.items():
        results = _check_results(f"runs[{label!r}]", results)
        rows[label] = {METRICS[m]: mean_sd(finals(results, m), 1 if m.endswith("acc") else 3,
                                           percent=m.endswith("acc")) for m in metrics}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "Einstellung"
    return table
