"""Eine kleine, generische Trainingsschleife für Klassifikationsmodelle in PyTorch.

Jedes ``nn.Module``, das für einen Batch ``x`` Logits der Form ``(B, K)`` liefert,
lässt sich damit trainieren – das MLP aus :mod:`kibuch.nn.mlp` ebenso wie das
CNN aus Kapitel 3.3. Verlust ist die Kreuzentropie, gemessen werden Verlust und
Genauigkeit auf Trainings- und Validierungsdaten nach jeder Epoche.

    loaders = tensor_loaders(X_train, y_train, X_val, y_val, batch_size=64, seed=0)
    history = fit(model, *loaders, TrainConfig(epochs=20, lr=1e-2), device=get_device())
    history.val_acc[-1]                 # Genauigkeit nach der letzten Epoche
    evaluate(model, loaders[1], device) # {"loss": ..., "acc": ...}

Ein Fortschrittsbalken (``tqdm.auto``) zeigt die Epochen; optional schreibt ``fit``
alle Kennzahlen für TensorBoard in ``log_dir``.
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

#: Erlaubte Optimierer für :class:`TrainConfig`.
OPTIMIZERS = ("sgd", "adam")


@dataclass
class TrainConfig:
    epochs: int = 10  # Durchläufe durch die Trainingsdaten
    lr: float = 1e-3  # Lernrate (Schrittweite des Gradientenabstiegs)
    optimizer: str = "adam"  # "sgd" oder "adam"
    momentum: float = 0.0  # nur für SGD: Anteil des letzten Schritts, der mitgenommen wird
    weight_decay: float = 0.0  # L2-Strafterm auf die Gewichte
    progress: bool = True  # Fortschrittsbalken über die Epochen anzeigen

    def __post_init__(self) -> None:
        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise ValueError(f"epochs muss eine ganze Zahl ≥ 1 sein, nicht {self.epochs!r}.")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr muss eine positive Zahl sein, nicht {self.lr!r}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"Unbekannter Optimierer {self.optimizer!r}; erlaubt: {', '.join(OPTIMIZERS)}."
            )
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum muss in [0, 1) liegen, nicht {self.momentum!r}.")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay darf nicht negativ sein, nicht {self.weight_decay!r}.")


@dataclass
class History:
    """Kennzahlen je Epoche (Listen gleicher Länge, Index 0 = erste Epoche)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # Rechenzeit je Epoche

    def as_dict(self) -> dict[str, list[float]]:
        """Die Kennzahlen als Dict, z. B. für ``pandas.DataFrame(history.as_dict())``."""
        return asdict(self)

    @property
    def best_epoch(self) -> int:
        """Index der Epoche mit dem kleinsten Validierungsverlust."""
        if not self.val_loss:
            raise ValueError("Die History ist leer – es wurde noch nicht trainiert.")
        return min(range(len(self.val_loss)), key=self.val_loss.__getitem__)


def tensor_loaders(
    X_train, y_train, X_val, y_val, *, batch_size: int = 64, seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """Verpackt Arrays/Tensoren in zwei DataLoader (Training gemischt, Validierung nicht).

    ``X`` wird zu ``float32``, ``y`` zu ``int64`` (Klassennummern 0 … K−1).
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size muss eine ganze Zahl ≥ 1 sein, nicht {batch_size!r}.")
    sets = []
    for name, X, y in (("Training", X_train, y_train), ("Validierung", X_val, y_val)):
        X = torch.as_tensor(X, dtype=torch.float32)
        y = torch.as_tensor(y, dtype=torch.int64)
        if len(X) != len(y):
            raise ValueError(f"{name}: X hat {len(X)} Zeilen, y aber {len(y)}.")
        if len(X) == 0:
            raise ValueError(f"{name}: Die Daten sind leer.")
        sets.append(TensorDataset(X, y))
    generator = torch.Generator().manual_seed(seed)  # reproduzierbares Mischen
    train = DataLoader(sets[0], batch_size=batch_size, shuffle=True, generator=generator)
    val = DataLoader(sets[1], batch_size=batch_size, shuffle=False)
    return train, val


def _make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(
            model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay
        )
    return torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)


def _check(model, loader, name: str) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model muss ein torch.nn.Module sein, nicht {type(model).__name__}.")
    if not isinstance(loader, DataLoader):
        raise TypeError(f"{name} muss ein DataLoader sein, nicht {type(loader).__name__}.")


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader, device=None) -> dict[str, float]:
    """Mittlerer Kreuzentropie-Verlust und Genauigkeit eines Modells auf ``loader``.

    Gibt ``{"loss": …, "acc": …}`` zurück; das Modell ist danach im ``eval``-Modus.
    """
    _check(model, loader, "loader")
    device = torch.device(device) if device is not None else next(model.parameters()).device
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)  # (B, ...), (B,)
        logits = model(xb)  # (B, K)
        total_loss += nn.functional.cross_entropy(logits, yb, reduction="sum").item()
        correct += (logits.argmax(dim=1) == yb).sum().item()
        count += len(yb)
    if count == 0:
        raise ValueError("Der DataLoader liefert keine Daten.")
    return {"loss": total_loss / count, "acc": correct / count}


class _LastLine:
    """Dateiersatz für tqdm, der nur den jeweils letzten Stand des Balkens behält."""

    def __init__(self) -> None:
        self.last = ""

    def write(self, text: str) -> None:
        text = text.replace("\r", "").strip()
        if text:
            self.last = text

    def flush(self) -> None:
        pass


class _Progress:
    """Fortschrittsbalken über die Epochen mit ``tqdm.auto``.

    * Jupyter mit ipywidgets: lebendiges Widget.
    * Terminal: üblicher tqdm-Balken.
    * Jupyter-Kern ohne Widgets (z. B. beim Buchbau): Ein Textbalken würde jede
      Aktualisierung als eigene Zeile speichern; deshalb erscheint dort nur der
      Endstand als eine Zeile auf stdout.
    """

    def __init__(self, total: int, enabled: bool) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Hinweis „IProgress not found“ unterdrücken
            from tqdm.auto import tqdm
        widget = tqdm.__module__.endswith("notebook")
        self.sink = _LastLine() if (enabled and "ipykernel" in sys.modules and not widget) else None
        self.bar = tqdm(total=total, desc="Training", unit="Epoche", disable=not enabled,
                        file=self.sink, ascii=False if self.sink else None, ncols=100)

    def update(self, **postfix: str) -> None:
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()
        if self.sink is not None and self.sink.last:
            print(self.sink.last, file=sys.stdout, flush=True)


def fit(
    model: nn.Module,
    train_loader: DataLoader,
    val_loader: DataLoader,
    cfg: TrainConfig | None = None,
    device=None,
    log_dir=None,
) -> History:
    """Trainiert ``model`` mit Kreuzentropie und Mini-Batches; liefert die :class:`History`.

    ``device`` (z. B. ``kibuch.get_device()``) bestimmt, wo gerechnet wird; das Modell
    wird dorthin verschoben. Mit ``log_dir`` schreibt ein TensorBoard-``SummaryWriter``
    Verlust und Genauigkeit je Epoche (``tensorboard --logdir <log_dir>``).
    """
    cfg = cfg if cfg is not None else TrainConfig()
    if not isinstance(cfg, TrainConfig):
        raise TypeError(f"cfg muss eine TrainConfig sein, nicht {type(cfg).__name__}.")
    _check(model, train_loader, "train_loader")
    _check(model, val_loader, "val_loader")
    device = torch.device(device) if device is not None else torch.device("cpu")
    model.to(device)
    optimizer = _make_optimizer(model, cfg)
    writer = None
    if log_dir is not None:
        from torch.utils.tensorboard import SummaryWriter

        writer = SummaryWriter(log_dir=str(log_dir))

    history = History()
    bar = _Progress(cfg.epochs, cfg.progress)
    try:
        for _epoch in range(cfg.epochs):
            start = time.perf_counter()
            model.train()
            total_loss, correct, count = 0.0, 0, 0
            for xb, yb in train_loader:
                xb, yb = xb.to(device), yb.to(device)  # (B, ...), (B,)
                logits = model(xb)  # (B, K)
                loss = nn.functional.cross_entropy(logits, yb)  # Mittel über den Batch
                optimizer.zero_grad()
                loss.backward()  # Fehlerrückführung: Gradienten aller Parameter
                optimizer.step()  # ein Schritt des Gradientenabstiegs
                total_loss += loss.item() * len(yb)
                correct += (logits.argmax(dim=1) == yb).sum().item()
                count += len(yb)
            if count == 0:
                raise ValueError("Der train_loader liefert keine Daten.")
            val = evaluate(model, val_loader, device)
            history.train_loss.append(total_loss / count)
            history.train_acc.append(correct / count)
            history.val_loss.append(val["loss"])
            history.val_acc.append(val["acc"])
            history.seconds.append(time.perf_counter() - start)
            if not math.isfinite(history.train_loss[-1]):
                raise FloatingPointError(
                    f"Verlust ist nach Epoche {_epoch + 1} nicht endlich – Lernrate zu groß?"
                )
            if writer is not None:
                for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
                    writer.add_scalar(key.replace("_", "/", 1), getattr(history, key)[-1], _epoch)
            bar.update(loss=f"{history.train_loss[-1]:.3f}", val_acc=f"{val['acc']:.3f}")
    finally:
        bar.close()
        if writer is not None:
            writer.close()
    return history
