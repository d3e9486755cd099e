"""Kapitel 3.3.1: das CNN-Experiment – Rezept, mehrere Seeds, starke Vergleichsverfahren.

- :class:`CNNRecipe` hält alle Entscheidungen des Trainings an einem Ort (nanoGPT-Stil).
- :func:`train_cnn` trainiert ein :class:`~kibuch.nn.convnet.ConvNet` nach dem Rezept,
  wählt die Epoche mit dem kleinsten Validierungsverlust und legt die Gewichte im
  Artefakt-Cache ab (Schlüssel: Rezept, Daten, Seed, Code-Version).
- :func:`seed_runs` wiederholt das für mehrere Seeds und misst auf Validierung und Test.
- :func:`fit_baselines` trainiert logistische Regression, MLP, RBF-SVM und kNN auf
  denselben Aufteilungen; jede Einstellung (C, alpha, k) wird nur auf der Validierung gewählt.
- :func:`write_projector` schreibt Embeddings für den Embedding-Projektor von TensorBoard.

Der Import dieses Moduls lädt keine Daten und trainiert nichts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_instance,
    check_int,
    check_path,
    check_same_length,
)
from kibuch.data.images import ImageSplits
from kibuch.training.augment import AugmentConfig


@dataclass
class CNNRecipe:
    channels: tuple[int, ...] = (32, 64, 128)  # Filter je Block, ohne Pooling nach dem letzten
    grid: int = 3  # Raster des letzten Poolings (3 × 3 bei 28 × 28, 2 × 2 bei 8 × 8)
    dropout: float = 0.2  # Dropout vor dem Klassifikationskopf
    epochs: int = 15  # Durchläufe durch die Trainingsbilder
    batch_size: int = 64  # Bilder pro Schritt
    lr: float = 3e-3  # Spitzen-Lernrate von AdamW
    weight_decay: float = 5e-4  # entkoppelter Weight Decay (AdamW)
    warmup: float = 0.1  # Anteil der Schritte mit linear steigender Lernrate, danach Kosinus
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)  # None: ohne

    def __post_init__(self) -> None:
        if self.augment is not None:
            check_instance("augment", self.augment, AugmentConfig, "eine AugmentConfig oder None")
        self.train_config(seed=0)  # prüft epochs, batch_size, lr, weight_decay, warmup
        self.model_config(mean=0.0, std=1.0, n_classes=10)  # prüft channels, grid, dropout

    def model_config(self, *, mean: float, std: float, n_classes: int):
        from kibuch.nn.convnet import ConvNetConfig

        return ConvNetConfig(channels=self.channels, grid=self.grid, dropout=self.dropout,
                             n_classes=n_classes, mean=mean, std=std)

    def train_config(self, *, seed: int):
        from kibuch.training.loop import TrainConfig

        return TrainConfig(epochs=self.epochs, batch_size=self.batch_size, lr=self.lr,
                           optimizer="adamw", weight_decay=self.weight_decay,
                           schedule="cosine", warmup=self.warmup, keep_best=True,
                           seed=seed, progress=False)


def _check_splits(splits) -> ImageSplits:
    return check_instance("splits", splits, ImageSplits, "ein ImageSplits (load_image_splits)")


def train_cnn(splits: ImageSplits, recipe: CNNRecipe | None = None, *, seed: int = 0,
              device=None, log_dir=None, use_cache: bool = True):
    """Trainiert ein ConvNet auf ``splits.X_train`` nach ``recipe``: ``(model, info)``.

    Gewählt wird die Epoche mit dem kleinsten Verlust auf ``splits.X_val``; die Testbilder
    sieht das Training nie. ``info`` enthält ``history``, ``seconds``, ``from_cache`` und
    ``params``. Mit ``log_dir`` stehen die Kennzahlen danach als TensorBoard-Ereignisdatei
    dort – auch wenn die Gewichte aus dem Cache kamen (dann aus der gespeicherten History).
    """
    from kibuch.core.artifacts import load_or_train
    from kibuch.core.device import as_device, set_seed
    from kibuch.nn.convnet import ConvNet
    from kibuch.training.augment import AffineAugment, AugmentedBatches
    from kibuch.training.loop import fit, tensor_loaders

    splits = _check_splits(splits)
    recipe = CNNRecipe() if recipe is None else check_instance("recipe", recipe, CNNRecipe,
                                                               "ein CNNRecipe")
    seed = check_int("seed", seed, minimum=0)
    use_cache = check_bool("use_cache", use_cache)
    if log_dir is not None:
        log_dir = check_path("log_dir", log_dir)
    device = as_device(device)
    n_classes = int(splits.y_train.max()) + 1
    model_config = recipe.model_config(mean=float(splits.X_train.mean()),
                                       std=float(splits.X_train.std()), n_classes=n_classes)
    train_config = recipe.train_config(seed=seed)

    def train():
        set_seed(seed)
        model = ConvNet(model_config)  # nach dem Seed: reproduzierbare Startgewichte
        train_batches, val_batches = tensor_loaders(
            splits.X_train[:, None], splits.y_train, splits.X_val[:, None], splits.y_val,
            batch_size=recipe.batch_size, seed=seed)  # Bilder als (N, 1, H, W)
        if recipe.augment is not None:
            train_batches = AugmentedBatches(train_batches,
                                             AffineAugment(recipe.augment, seed=seed))
        start = time.perf_counter()
        history = fit(model, train_batches, val_batches, train_config, device=device)
        info = {"history": history.as_dict(), "seconds": time.perf_counter() - start,
                "best_epoch": history.best_epoch}
        return model.state_dict(), info

    data_parts = (splits.name, splits.X_train, splits.y_train, splits.X_val, splits.y_val)
    art = load_or_train("cnn", (model_config, train_config, recipe, data_parts), train,
                        use_cache=use_cache, code=__name__)
    model = ConvNet(model_config)
    model.load_state_dict(art.tensors)
    info = {**art.info, "from_cache": art.from_cache,
            "params": sum(p.numel() for p in model.parameters())}
    if log_dir is not None:
        _write_scalars(info["history"], log_dir)
    return model.to(device).eval(), info


def _write_scalars(history: dict, log_dir: Path) -> None:
    """Schreibt die History als TensorBoard-Skalare (eine Ereignisdatei je Aufruf)."""
    import shutil

    from torch.utils.tensorboard import SummaryWriter

    if log_dir.exists():
        shutil.rmtree(log_dir)  # alte Läufe desselben Namens nicht vermischen
    with SummaryWriter(log_dir=str(log_dir)) as writer:
        for epoch, values in enumerate(zip(history["train_loss"], history["train_acc"],
                                           history["val_loss"], history["val_acc"]), start=1):
            for tag, value in zip(("train/loss", "train/acc", "val/loss", "val/acc"), values):
                writer.add_scalar(tag, value, epoch)


def read_scalars(log_dir) -> pd.DataFrame:
    """Liest alle Skalare aus den TensorBoard-Ereignisdateien in ``log_dir``.

    Ergebnis: eine Tabelle mit den Spalten ``tag``, ``step`` und ``value`` – dieselben
    Zahlen, die TensorBoard unter „Scalars“ zeigt.
    """
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    log_dir = check_path("log_dir", log_dir)
    if not log_dir.is_dir():
        raise FileNotFoundError(f"log_dir {log_dir} ist kein Ordner mit Ereignisdateien.")
    events = EventAccumulator(str(log_dir))
    events.Reload()
    rows = [{"tag": tag, "step": e.step, "value": e.value}
            for tag in events.Tags()["scalars"] for e in events.Scalars(tag)]
    if not rows:
        raise ValueError(f"In {log_dir} (log_dir) stehen keine TensorBoard-Skalare.")
    return pd.DataFrame(rows)


def history_from_scalars(scalars):
    """Macht aus der Tabelle von :func:`read_scalars` wieder eine
    :class:`~kibuch.training.loop.History` (für ``history_figure``)."""
    from kibuch.core.checks import check_frame
    from kibuch.training.loop import History

    scalars = check_frame("scalars", scalars, ("tag", "step", "value"))
    wide = scalars.pivot(index="step", columns="tag", values="value").sort_index()
    tags = {"train_loss": "train/loss", "train_acc": "train/acc", "val_loss": "val/loss",
            "val_acc": "val/acc"}
    missing = [t for t in tags.values() if t not in wide.columns]
    if missing:
        raise ValueError(f"In scalars fehlen die Tags {missing}.")
    return History(**{name: wide[tag].tolist() for name, tag in tags.items()},
                   step=wide.index.astype(int).tolist())


def evaluate_images(model, X, y) -> float:
    """Anteil richtig klassifizierter Bilder ``X`` (N, H, W) mit Labels ``y``."""
    from kibuch.nn.cnn import predict_proba

    X = check_array("X", X, ndim=3)
    y = check_array("y", y, ndim=1)
    check_same_length(X=X, y=y)
    return float((predict_proba(model, X).argmax(axis=1) == y).mean())


def seed_runs(splits: ImageSplits, recipe: CNNRecipe | None = None, *, seeds=(0, 1, 2),
              device=None, log_dir=None) -> pd.DataFrame:
    """Trainiert je Seed ein CNN; Tabelle mit ``seed``, ``val_acc``, ``test_acc``, ``seconds``.

    Mit ``log_dir`` schreibt der erste Seed seine Kennzahlen für TensorBoard dorthin.
    """
    splits = _check_splits(splits)
    check_instance("seeds", seeds, (tuple, list), "ein Tupel von Seeds")
    seeds = [check_int(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
    check_int("len(seeds)", len(seeds), minimum=1)
    rows = []
    for i, seed in enumerate(seeds):
        model, info = train_cnn(splits, recipe, seed=seed, device=device,
                                log_dir=log_dir if i == 0 else None)
        rows.append({"seed": seed,
                     "val_acc": evaluate_images(model, splits.X_val, splits.y_val),
                     "test_acc": evaluate_images(model, splits.X_test, splits.y_test),
                     "seconds": info["seconds"], "from_cache": info["from_cache"]})
    return pd.DataFrame(rows)


#: Vergleichsverfahren und die Werte, zwischen denen auf der Validierung gewählt wird.
BASELINES = {
    "Logistische Regression": ("C", (0.01, 0.1, 1.0)),
    "MLP (256 Neuronen)": ("alpha", (1e-4, 1e-2)),
    "RBF-SVM": ("C", (1.0, 3.0, 10.0)),
    "k-nächste Nachbarn": ("k", (1, 3, 5)),
}


def _baseline(name: str, value):
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    if name == "Logistische Regression":
        return LogisticRegression(C=value, max_iter=1000)
    if name == "MLP (256 Neuronen)":
        return MLPClassifier((256,), alpha=value, max_iter=200, random_state=0)
    if name == "RBF-SVM":
        return SVC(C=value, gamma="scale")
    return KNeighborsClassifier(n_neighbors=value)


def fit_baselines(splits: ImageSplits) -> pd.DataFrame:
    """Vergleichsverfahren auf den rohen Pixeln; je Verfahren die beste Einstellung laut
    Validierung. Tabelle mit ``modell``, ``einstellung``, ``val_acc``, ``test_acc``."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    splits = _check_splits(splits)
    flat = [X.reshape(len(X), -1) for X in (splits.X_train, splits.X_val, splits.X_test)]
    rows = []
    for name, (param, values) in BASELINES.items():
        fitted = []
        for value in values:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)  # MLP: max_iter erreicht
                model = _baseline(name, value).fit(flat[0], splits.y_train)
            fitted.append((model.score(flat[1], splits.y_val), value, model))
        val_acc, value, model = max(fitted, key=lambda t: t[0])  # Wahl nur nach Validierung
        rows.append({"modell": name, "einstellung": f"{param} = {value:g}", "val_acc": val_acc,
                     "test_acc": model.score(flat[2], splits.y_test)})
    return pd.DataFrame(rows)


def write_projector(embeddings, labels, directory) -> tuple[Path, Path]:
    """Schreibt ``vectors.tsv`` (ein Embedding je Zeile) und ``metadata.tsv`` (Label je
    Zeile) nach ``directory`` – das Format, das der Embedding-Projektor von TensorBoard
    (projector.tensorflow.org, „Load“) einliest. Gibt beide Pfade zurück."""
    embeddings = check_array("embeddings", embeddings, ndim=2)
    labels = check_array("labels", labels, ndim=1, dtype=None)
    check_same_length(embeddings=embeddings, labels=labels)
    directory = check_path("directory", directory)
    directory.mkdir(parents=True, exist_ok=True)
    vectors, metadata = directory / "vectors.tsv", directory / "metadata.tsv"
    np.savetxt(vectors, embeddings, delimiter="\t", fmt="%.5f")
    metadata.write_text("\n".join(str(v) for v in labels) + "\n", encoding="utf-8")
    return vectors, metadata
