"""Eine Trainingsschleife für alle Modelle des Buchs (im Stil von nanoGPT).

``fit`` trainiert ein ``nn.Module`` mit Mini-Batches ``(x, y)`` und Kreuzentropie; alle
Einstellungen stehen in einer :class:`TrainConfig`. Drei Arten kommen im Buch vor:

- Klassifikation nach Epochen (Kapitel 3.2 und 3.3): Batches aus einem ``DataLoader``,
  ``TrainConfig(epochs=20, lr=1e-2)``.
- Sprachmodell nach Schritten (Kapitel 3.4, GPT): endlos viele zufällige Textausschnitte,
  ``TrainConfig(steps=800, optimizer="adamw", schedule="cosine", grad_clip=1.0, …)``.
- Feintuning eines Encoders (Kapitel 3.4, BERT): ``x`` ist die Ausgabe eines Tokenizers
  (ein dict, das Modell bekommt ``model(**x)``); eingefrorene Parameter bleiben, wie sie sind.

Das Modell liefert Logits ``(B, K)`` oder ``(B, T, V)``: als Tensor, als erstes Element
eines Tupels (GPT) oder im Attribut ``logits`` (``transformers``).

    loaders = tensor_loaders(X_train, y_train, X_val, y_val, batch_size=64, seed=0)
    history = fit(model, *loaders, TrainConfig(epochs=20, lr=1e-2), device=get_device())
    history.val_acc[-1]                 # Genauigkeit nach der letzten Epoche
    evaluate(model, loaders[1], device) # {"loss": ..., "acc": ...}

Ein Fortschrittsbalken (``tqdm.auto``) zeigt den Stand; optional schreibt ``fit`` alle
Kennzahlen für TensorBoard in ``log_dir``.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_probability,
    check_same_length,
)
from kibuch.core.device import as_device

#: Erlaubte Optimierer und Lernraten-Verläufe für :class:`TrainConfig`.
OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("constant", "linear", "cosine")


@dataclass
class TrainConfig:
    epochs: int = 10  # Durchläufe durch die Trainingsdaten (gilt, wenn steps None ist)
    steps: int | None = None  # feste Zahl von Optimierungsschritten statt Epochen
    batch_size: int = 32  # Beispiele pro Schritt, wo der Aufrufer die Batches bildet
    lr: float = 1e-3  # (Spitzen-)Lernrate: Schrittweite des Gradientenabstiegs
    optimizer: str = "adam"  # "sgd", "adam" oder "adamw" (Adam mit entkoppeltem Weight Decay)
    momentum: float = 0.0  # nur für SGD: Anteil des letzten Schritts, der mitgenommen wird
    betas: tuple[float, float] = (0.9, 0.999)  # nur Adam/AdamW: Gedächtnis der Mittelwerte
    weight_decay: float = 0.0  # Strafterm auf die Gewichte
    schedule: str = "constant"  # Lernrate nach dem Warmup: "constant", "linear", "cosine"
    warmup: float = 0.0  # Anteil der Schritte, in denen die Lernrate linear auf lr steigt
    final_lr: float = 0.0  # Lernrate am Ende als Anteil von lr ("linear" und "cosine")
    grad_clip: float | None = None  # größte erlaubte Gradientennorm; None: keine Grenze
    eval_every: int | None = None  # alle so viele Schritte messen; None: nach jeder Epoche
    seed: int = 0  # Startwert, wo der Aufrufer Batches zieht oder Gewichte anlegt
    keep_best: bool = False  # am Ende die Gewichte des besten Messpunkts (kleinster val_loss)
    progress: bool = True  # Fortschrittsbalken anzeigen

    def __post_init__(self) -> None:
        self.epochs = check_int("epochs", self.epochs, minimum=1)
        if self.steps is not None:
            self.steps = check_int("steps", self.steps, minimum=1)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)
        self.lr = check_float("lr", self.lr, minimum=0.0, open_min=True)
        self.optimizer = check_choice("optimizer", self.optimizer, OPTIMIZERS)
        self.momentum = check_probability("momentum", self.momentum, open_max=True)
        check_instance("betas", self.betas, (tuple, list), "ein Paar (beta1, beta2)")
        self.betas = tuple(check_probability(f"betas[{i}]", b, open_max=True)
                           for i, b in enumerate(self.betas))
        check_int("len(betas)", len(self.betas), minimum=2, maximum=2)
        self.weight_decay = check_float("weight_decay", self.weight_decay, minimum=0.0)
        self.schedule = check_choice("schedule", self.schedule, SCHEDULES)
        self.warmup = check_probability("warmup", self.warmup, open_max=True)
        self.final_lr = check_probability("final_lr", self.final_lr)
        if self.grad_clip is not None:
            self.grad_clip = check_float("grad_clip", self.grad_clip, minimum=0.0, open_min=True)
        if self.eval_every is not None:
            self.eval_every = check_int("eval_every", self.eval_every, minimum=1)
        self.seed = check_int("seed", self.seed, minimum=0)
        self.keep_best = check_bool("keep_best", self.keep_best)
        self.progress = check_bool("progress", self.progress)


def train_config_with(defaults: Mapping, **overrides) -> TrainConfig:
    """Eine :class:`TrainConfig` aus ``defaults``, überschrieben mit ``overrides``.

    So bringen ``train_gpt`` und ``fine_tune`` ihre eigenen Voreinstellungen mit; unbekannte
    Namen sind ein Fehler mit Vorschlag („Meinten Sie …?“).
    """
    check_instance("defaults", defaults, Mapping, "ein dict mit Feldern der TrainConfig")
    names = [f.name for f in fields(TrainConfig)]
    for name in [*defaults, *overrides]:
        check_choice("Trainingsoption", name, names)
    return TrainConfig(**{**defaults, **overrides})


@dataclass
class History:
    """Kennzahlen je Messpunkt (nach jeder Epoche oder alle ``eval_every`` Schritte).

    Alle Listen haben gleich viele Einträge, ``val_loss``/``val_acc`` sind ohne
    Validierungsdaten leer. Index 0 ist der erste Messpunkt.
    """

    train_loss: list[float] = field(default_factory=list)  # Mittel seit dem letzten Messpunkt
    train_acc: list[float] = field(default_factory=list)  # Anteil richtiger Klassen/Tokens
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # Rechenzeit seit dem letzten Messpunkt
    step: list[int] = field(default_factory=list)  # Optimierungsschritte bis zum Messpunkt

    def as_dict(self) -> dict[str, list[float]]:
        """Die Kennzahlen als Dict, z. B. für ``pandas.DataFrame(history.as_dict())``."""
        return asdict(self)

    @property
    def best_epoch(self) -> int:
        """Index des Messpunkts mit dem kleinsten Validierungsverlust."""
        if not self.val_loss:
            raise ValueError("Die History ist leer – es wurde noch nicht (mit Validierung) "
                             "trainiert.")
        return min(range(len(self.val_loss)), key=self.val_loss.__getitem__)


def tensor_loaders(
    X_train, y_train, X_val, y_val, *, batch_size: int = 64, seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """Verpackt Arrays/Tensoren in zwei DataLoader (Training gemischt, Validierung nicht).

    ``X`` wird zu ``float32``, ``y`` zu ``int64`` (Klassennummern 0 … K−1).
    """
    batch_size = check_int("batch_size", batch_size, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    sets = []
    for name, X, y in (("train", X_train, y_train), ("val", X_val, y_val)):
        X = X if isinstance(X, torch.Tensor) else check_array(f"X_{name}", X, min_len=0)
        y = y if isinstance(y, torch.Tensor) else check_array(f"y_{name}", y, ndim=1, min_len=0)
        check_same_length(**{f"X_{name}": X, f"y_{name}": y})
        _check_class_labels(f"y_{name}", y)
        if len(X) == 0:
            raise ValueError(f"X_{name} und y_{name} sind leer.")
        sets.append(TensorDataset(torch.as_tensor(X, dtype=torch.float32),
                                  torch.as_tensor(y, dtype=torch.int64)))
    generator = torch.Generator().manual_seed(seed)  # reproduzierbares Mischen
    train = DataLoader(sets[0], batch_size=batch_size, shuffle=True, generator=generator)
    val = DataLoader(sets[1], batch_size=batch_size, shuffle=False)
    return train, val


def _check_class_labels(name: str, y) -> None:
    """Klassennummern müssen ganze Zahlen ≥ 0 sein; 0,5 würde still zu 0 abgeschnitten."""
    values = torch.as_tensor(y.detach().cpu() if isinstance(y, torch.Tensor) else y,
                             dtype=torch.float64)
    if values.numel() and (bool((values != values.round()).any()) or bool((values < 0).any())):
        raise ValueError(f"{name} muss Klassennummern 0 … K−1 (ganze Zahlen) enthalten.")


def cross_entropy(logits, y):
    """Kreuzentropie, gemittelt über alle Ziele: Logits (…, K), Klassennummern (…)."""
    _check_logits_targets(logits, y)
    return nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))


def _check_logits_targets(logits, y) -> None:
    check_instance("logits", logits, torch.Tensor, "ein Tensor (…, K)")
    check_instance("y", y, torch.Tensor, "ein Tensor mit Klassennummern")
    if logits.dim() < 2 or logits.shape[:-1] != y.shape or y.numel() == 0:
        raise ValueError(f"logits (…, K) und y (…) passen nicht zusammen: {tuple(logits.shape)} "
                         f"und {tuple(y.shape)}.")


def make_optimizer(params, cfg: TrainConfig) -> torch.optim.Optimizer:
    """Der Optimierer aus ``cfg`` für die Parameter ``params``."""
    check_instance("cfg", cfg, TrainConfig, "eine TrainConfig")
    check_instance("params", params, Iterable, "eine Folge von Parametern")
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum,
                               weight_decay=cfg.weight_decay)
    adam = torch.optim.AdamW if cfg.optimizer == "adamw" else torch.optim.Adam
    return adam(params, lr=cfg.lr, betas=cfg.betas, weight_decay=cfg.weight_decay)


def learning_rate(cfg: TrainConfig, step: int, total: int) -> float:
    """Lernrate in Schritt ``step`` (0 … total − 1) von ``total`` Schritten.

    Im Warmup steigt sie linear auf ``cfg.lr``; danach bleibt sie konstant oder fällt
    linear bzw. als halbe Kosinuswelle auf ``cfg.final_lr · cfg.lr``.
    """
    check_instance("cfg", cfg, TrainConfig, "eine TrainConfig")
    step = check_int("step", step, 0, check_int("total", total, minimum=1) - 1)
    warmup = int(cfg.warmup * total)
    if step < warmup:
        return cfg.lr * ((step + 1) / warmup)
    if cfg.schedule == "constant":
        return cfg.lr
    f = cfg.final_lr
    if cfg.schedule == "linear":
        return cfg.lr * (f + (1 - f) * (total - step) / max(1, total - warmup))
    progress = (step - warmup) / max(1, total - warmup)  # 0 → 1 nach dem Warmup
    return cfg.lr * (f + (1 - f) * 0.5 * (1 + math.cos(math.pi * progress)))


def _check_batches(name: str, batches) -> None:
    if isinstance(batches, (str, bytes)) or not isinstance(batches, Iterable):
        raise TypeError(f"{name} muss ein DataLoader oder ein anderes Iterable von Batches "
                        f"(x, y) sein, nicht {type(batches).__name__}.")


def _pairs(batches, name: str):
    """Die Batches von ``batches``; jeder muss ein Paar (x, y) sein."""
    for batch in batches:
        if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
            raise TypeError(f"{name} muss Paare (x, y) liefern, nicht {type(batch).__name__}.")
        yield batch


def _forward(model: nn.Module, x, device):
    """Logits für einen Batch ``x``: Tensor → ``model(x)``, dict (Tokenizer) → ``model(**x)``."""
    if isinstance(x, Mapping):
        out = model(**{k: v.to(device) for k, v in x.items()})
    else:
        out = model(x.to(device))
    if isinstance(out, torch.Tensor):
        return out
    if hasattr(out, "logits"):  # transformers
        return out.logits
    if isinstance(out, tuple):  # z. B. GPT: (logits, loss, cache)
        return out[0]
    raise TypeError(f"Das Modell muss Logits liefern, nicht {type(out).__name__}.")


@torch.no_grad()
def evaluate(model: nn.Module, batches, device=None, *, loss_fn=cross_entropy
             ) -> dict[str, float]:
    """Mittlerer Verlust und Genauigkeit eines Modells auf den Batches ``(x, y)``.

    Gibt ``{"loss": …, "acc": …}`` zurück; das Modell ist danach im ``eval``-Modus.
    """
    check_instance("model", model, nn.Module, "ein torch.nn.Module")
    _check_batches("batches", batches)
    _check_loss_fn(loss_fn)
    device = as_device(device) if device is not None else next(model.parameters()).device
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for x, y in _pairs(batches, "batches"):
        logits = _forward(model, x, device)  # (B, K) oder (B, T, V)
        y = y.to(device)
        total_loss += loss_fn(logits, y).item() * y.numel()
        correct += (logits.argmax(dim=-1) == y).sum().item()
        count += y.numel()
    if count == 0:
        raise ValueError("batches liefert keine Daten.")
    return {"loss": total_loss / count, "acc": correct / count}


def fit(
    model: nn.Module,
    train_batches,
    val_batches=None,
    cfg: TrainConfig | None = None,
    device=None,
    log_dir=None,
    *,
    loss_fn=cross_entropy,
) -> History:
    """Trainiert ``model`` mit Mini-Batches ``(x, y)``; liefert die :class:`History`.

    ``train_batches`` (ein ``DataLoader`` oder ein anderes Iterable) wird so oft
    durchlaufen, bis ``cfg.epochs`` Epochen oder ``cfg.steps`` Schritte erreicht sind.
    An jedem Messpunkt wird ``val_batches`` (optional) mit :func:`evaluate` ausgewertet.
    ``device`` bestimmt, wo gerechnet wird; mit ``log_dir`` schreibt ein
    TensorBoard-``SummaryWriter`` alle Kennzahlen mit (``tensorboard --logdir <log_dir>``).
    """
    cfg = _check_fit(model, train_batches, val_batches, cfg, loss_fn, log_dir)
    device = as_device(device) if device is not None else torch.device("cpu")
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]  # eingefrorene nicht
    optimizer = make_optimizer(params, cfg)
    total = cfg.steps if cfg.steps is not None else cfg.epochs * len(train_batches)
    log = _Log(cfg, total, log_dir)  # History, Fortschrittsbalken, TensorBoard
    step = 0
    with log:
        while step < total:  # eine Epoche: ein Durchlauf durch train_batches
            model.train()
            for i, (x, y) in enumerate(_pairs(train_batches, "train_batches")):
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate(cfg, step, total)
                logits = _forward(model, x, device)  # Vorwärtsrechnung: (B, K) oder (B, T, V)
                y = y.to(device)
                loss = loss_fn(logits, y)  # Fehler: eine Zahl, gemittelt über den Batch
                optimizer.zero_grad()
                loss.backward()  # Fehlerrückführung: Gradienten aller Parameter
                if cfg.grad_clip is not None:  # zu große Gradienten auf Länge grad_clip kürzen
                    nn.utils.clip_grad_norm_(params, cfg.grad_clip)
                optimizer.step()  # ein Schritt des Gradientenabstiegs
                step += 1
                log.add(loss, logits, y)
                if log.due(step, i, train_batches):
                    log.record(step, model, val_batches, device, loss_fn)
                    if cfg.keep_best and log.history.best_epoch == len(log.history.val_loss) - 1:
                        best = {k: v.detach().clone() for k, v in model.state_dict().items()}
                    model.train()
                if step == total:
                    break
            log.end_of_pass(step)
    if cfg.keep_best:  # Auswahl nur nach Validierung, nie nach Testdaten
        model.load_state_dict(best)
    return log.history


def _check_loss_fn(loss_fn) -> None:
    if not callable(loss_fn):
        raise TypeError(f"loss_fn muss eine Funktion (logits, y) -> Verlust sein, nicht "
                        f"{type(loss_fn).__name__}.")


def _check_fit(model, train_batches, val_batches, cfg, loss_fn, log_dir) -> TrainConfig:
    cfg = TrainConfig() if cfg is None else check_instance("cfg", cfg, TrainConfig,
                                                           "eine TrainConfig")
    check_instance("model", model, nn.Module, "ein torch.nn.Module")
    _check_batches("train_batches", train_batches)
    if val_batches is not None:
        _check_batches("val_batches", val_batches)
    if cfg.steps is None and not hasattr(train_batches, "__len__"):
        raise TypeError("train_batches hat keine Länge (etwa endlos viele Zufallsbatches); "
                        "setzen Sie dann cfg.steps.")
    _check_loss_fn(loss_fn)
    if cfg.keep_best and val_batches is None:
        raise ValueError("cfg.keep_best=True braucht val_batches (Auswahl nach Validierung).")
    if log_dir is not None:
        check_instance("log_dir", log_dir, (str, os.PathLike), "ein Verzeichnis (str oder Path)")
    return cfg


class _Log:
    """Sammelt Verlust und Treffer zwischen zwei Messpunkten und schreibt die History,
    den Fortschrittsbalken und (optional) TensorBoard."""

    def __init__(self, cfg: TrainConfig, total: int, log_dir) -> None:
        self.cfg, self.total = cfg, total
        self.per_epoch = cfg.steps is None and cfg.eval_every is None
        self.history = History()
        self.bar = _Progress(cfg.epochs if self.per_epoch else total,
                             "Epoche" if self.per_epoch else "Schritt", cfg.progress)
        self.writer = None
        if log_dir is not None:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(log_dir=str(log_dir))
        self.last_step = self.pass_step = 0
        self._reset()

    def _reset(self) -> None:
        self.loss_sum, self.correct, self.count = 0.0, 0, 0
        self.start = time.perf_counter()

    def add(self, loss, logits, y) -> None:
        self.loss_sum += loss.item() * y.numel()
        self.correct += (logits.argmax(dim=-1) == y).sum().item()
        self.count += y.numel()

    def due(self, step: int, i: int, batches) -> bool:
        """Messpunkt nach diesem Schritt? Am Ende, alle eval_every Schritte oder je Epoche."""
        if step == self.total:
            return True
        if self.cfg.eval_every is not None:
            return step % self.cfg.eval_every == 0
        return hasattr(batches, "__len__") and i + 1 == len(batches)

    def record(self, step: int, model, val_batches, device, loss_fn) -> None:
        h = self.history
        h.train_loss.append(self.loss_sum / self.count)
        h.train_acc.append(self.correct / self.count)
        if val_batches is not None:
            val = evaluate(model, val_batches, device, loss_fn=loss_fn)
            h.val_loss.append(val["loss"])
            h.val_acc.append(val["acc"])
        h.seconds.append(time.perf_counter() - self.start)
        h.step.append(step)
        if not math.isfinite(h.train_loss[-1]):
            raise FloatingPointError(
                f"Verlust ist nach Schritt {step} nicht endlich – Lernrate zu groß?")
        if self.writer is not None:
            for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
                if getattr(h, key):
                    self.writer.add_scalar(key.replace("_", "/", 1), getattr(h, key)[-1], step)
        postfix = {"loss": f"{h.train_loss[-1]:.3f}"}
        if h.val_acc:
            postfix["val_acc"] = f"{h.val_acc[-1]:.3f}"
        self.bar.update(1 if self.per_epoch else step - self.last_step, **postfix)
        self.last_step = step
        self._reset()

    def end_of_pass(self, step: int) -> None:
        """Nach einem Durchlauf durch die Batches: Ist mindestens ein Schritt dazugekommen?"""
        if step == self.pass_step:
            raise ValueError("train_batches liefert keine (weiteren) Batches.")
        self.pass_step = step

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.bar.close()
        if self.writer is not None:
            self.writer.close()


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
    """Fortschrittsbalken mit ``tqdm.auto``.

    * Jupyter mit ipywidgets: lebendiges Widget.
    * Terminal: üblicher tqdm-Balken.
    * Jupyter-Kern ohne Widgets (z. B. beim Buchbau): Ein Textbalken würde jede
      Aktualisierung als eigene Zeile speichern; deshalb erscheint dort nur der
      Endstand als eine Zeile auf stdout.
    """

    def __init__(self, total: int, unit: str, enabled: bool) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Hinweis „IProgress not found“ unterdrücken
            from tqdm.auto import tqdm
        widget = tqdm.__module__.endswith("notebook")
        self.sink = _LastLine() if (enabled and "ipykernel" in sys.modules and not widget) else None
        self.bar = tqdm(total=total, desc="Training", unit=unit, disable=not enabled,
                        file=self.sink, ascii=False if self.sink else None, ncols=100)

    def update(self, n: int = 1, **postfix: str) -> None:
        self.bar.set_postfix(postfix, refresh=False)
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()
        if self.sink is not None and self.sink.last:
            print(self.sink.last, file=sys.stdout, flush=True)
