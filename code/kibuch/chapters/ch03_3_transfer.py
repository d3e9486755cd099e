"""Transfer Learning und Feintuning mit kleinen CNNs (Kapitel 3.3).

Die Idee: Ein Netz, das auf einer Aufgabe mit vielen Bildern gelernt hat, besitzt
schon nützliche Filter und Embeddings. Für eine neue Aufgabe mit wenigen Bildern
ersetzt man nur den Klassifikationskopf und trainiert (fast) nur diesen – so wie
Googles *Teachable Machine*. Das Modul enthält

- ``select_classes`` und ``sample_per_class`` zum Zusammenstellen kleiner Aufgaben,
- ``transfer_model`` (neues LeNet, das Schichten eines vortrainierten übernimmt),
- ``train_few_shot`` (Training mit fester Zahl an Gradientenschritten über
  :func:`kibuch.training.loop.fit`) und
- ``run_trials``, das Experimente über Einstellungen und Seeds wiederholt und eine
  Tabelle mit Genauigkeit und Trefferquote je Klasse liefert.

Der Import tut nichts; trainiert wird erst beim Aufruf.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from torch import nn

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_same_length,
    check_str,
    check_str_list,
)
from kibuch.core.device import as_device, set_seed
from kibuch.nn.cnn import LeNet, LeNetConfig, as_image_tensor, predict_proba
from kibuch.training.loop import TrainConfig, fit, tensor_loaders

#: Höchstzahl an Klassen und Epochen – größere Werte sind hier immer ein Versehen.
MAX_CLASSES = 10_000
MAX_EPOCHS = 10_000

#: Verfahren, die :func:`run_trials` kennt: Faltungen bzw. alles bis zum Embedding
#: übernehmen und einfrieren, oder ein frisches Netz von Grund auf trainieren.
METHODS = ("Faltungen übernommen", "Embedding übernommen", "von Grund auf")


@dataclass
class FewShotConfig:
    """Einstellungen für das Training auf wenigen Bildern."""

    steps: int = 60          # Gradientenschritte insgesamt, unabhängig von der Bildzahl
    lr: float = 3e-3         # Lernrate (Adam)
    batch_size: int = 32     # Bilder je Schritt (höchstens so viele, wie es gibt)

    def __post_init__(self):
        self.steps = check_int("steps", self.steps, minimum=1)
        self.lr = check_float("lr", self.lr, 0.0, open_min=True)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)


def _check_labels(y, name: str = "y", min_len: int = 0) -> np.ndarray:
    """Ganzzahlige Klassennummern ≥ 0 als eindimensionales Array."""
    y = check_array(name, y, ndim=1, dtype=None, min_len=min_len)
    if len(y) and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0):
        raise ValueError(f"{name} muss ganze Klassennummern ≥ 0 enthalten, nicht {y.dtype}.")
    return y


def _check_classes(classes) -> list[int]:
    """Eine nicht leere Folge verschiedener Klassennummern."""
    check_instance("classes", classes, (tuple, list, range), "ein Tupel von Klassennummern")
    classes = [check_int(f"classes[{i}]", c, minimum=0) for i, c in enumerate(classes)]
    if not classes:
        raise ValueError("classes darf nicht leer sein.")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes enthält Doppelte: {classes}.")
    return classes


def select_classes(X, y, classes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Nur die Bilder der Klassen ``classes``; Etiketten werden zu 0 … k−1 umnummeriert.

    Die Reihenfolge in ``classes`` bestimmt die neue Nummer: ``classes=(5, 8)`` macht
    aus 5 die 0 und aus 8 die 1.
    """
    X, y = check_array("X", X, dtype=None), _check_labels(y)
    check_same_length(X=X, y=y)
    classes = _check_classes(classes)
    missing = [c for c in classes if not np.any(y == c)]
    if missing:
        raise ValueError(f"Klassen ohne Bilder: {missing}.")
    mask = np.isin(y, classes)
    mapping = {c: i for i, c in enumerate(classes)}
    return X[mask], np.array([mapping[v] for v in y[mask]], dtype=np.int64)


def sample_per_class(y, n_per_class: int | Sequence[int], *, seed: int) -> np.ndarray:
    """Zufällige Indizes mit ``n_per_class`` Bildern je Klasse 0 … k−1.

    ``n_per_class`` ist eine Zahl (alle Klassen gleich) oder eine Liste mit einer
    Anzahl je Klasse (ungleiche Klassen). Gibt es zu wenige Bilder, folgt ein Fehler.
    """
    y = _check_labels(y, min_len=1)
    seed = check_int("seed", seed, minimum=0)
    n_classes = int(y.max()) + 1
    if isinstance(n_per_class, (int, np.integer)) and not isinstance(n_per_class, bool):
        counts = [check_int("n_per_class", n_per_class, minimum=1)] * n_classes
    else:
        check_instance("n_per_class", n_per_class, (tuple, list), "eine Zahl oder Liste von Zahlen")
        counts = [check_int(f"n_per_class[{i}]", n, minimum=1) for i, n in enumerate(n_per_class)]
        if len(counts) != n_classes:
            raise ValueError(f"n_per_class: {len(counts)} Anzahlen für {n_classes} Klassen.")
    rng = np.random.default_rng(seed)
    chosen = []
    for c, n in enumerate(counts):
        pool = np.flatnonzero(y == c)
        if len(pool) < n:
            raise ValueError(f"Klasse {c} hat nur {len(pool)} Bilder, verlangt sind {n} "
                             f"(n_per_class).")
        chosen.append(rng.choice(pool, size=n, replace=False))
    return np.concatenate(chosen)


#: Was aus dem Basismodell übernommen wird: nur die Faltungen oder auch die
#: vollverbundenen Schichten bis zum Embedding.
KEEP = ("features", "embedding")


def transfer_model(base: LeNet, n_classes: int, *, keep: str = "features",
                   freeze: bool = True) -> LeNet:
    """Neues LeNet für ``n_classes`` Klassen, das Schichten eines vortrainierten übernimmt.

    ``keep="features"`` übernimmt die Faltungsschichten; vollverbundene Schichten und
    Kopf werden neu (zufällig) angelegt – „die letzten Schichten entfernen“.
    ``keep="embedding"`` übernimmt zusätzlich die vollverbundenen Schichten bis zum
    Embedding, neu ist nur der Kopf. Mit ``freeze=True`` lernen die übernommenen
    Schichten nicht weiter. Das Basismodell bleibt unverändert.
    """
    check_instance("base", base, LeNet, "ein LeNet")
    n_classes = check_int("n_classes", n_classes, minimum=2, maximum=MAX_CLASSES)
    keep = check_choice("keep", keep, KEEP)
    freeze = check_bool("freeze", freeze)
    model = LeNet(dataclasses.replace(base.config, n_classes=n_classes))   # alles zufällig
    kept = [model.features] if keep == "features" else [model.features, model.embedding]
    sources = [base.features] if keep == "features" else [base.features, base.embedding]
    for target, source in zip(kept, sources):
        target.load_state_dict(copy.deepcopy(source.state_dict()))
        for p in target.parameters():
            p.requires_grad = not freeze
    return model.to(next(base.parameters()).device)


def train_few_shot(model: nn.Module, X, y, cfg: FewShotConfig | None = None, *,
                   seed: int = 0, device=None) -> nn.Module:
    """Trainiert ``model`` mit ``cfg.steps`` Gradientenschritten auf ``(X, y)``.

    Nutzt :func:`kibuch.training.loop.fit`; die Epochenzahl ergibt sich aus Schritten und
    Bildzahl. Als „Validierung“ dienen die Trainingsbilder selbst, denn bewertet wird
    anschließend auf eigenen Testdaten.
    """
    cfg = check_instance("cfg", cfg if cfg is not None else FewShotConfig(), FewShotConfig,
                         "eine FewShotConfig")
    x, y = as_image_tensor(X), _check_labels(y, min_len=1)       # (N, C, H, W), (N,)
    check_same_length(X=x, y=y)
    device = None if device is None else as_device(device)
    batch = min(cfg.batch_size, len(x))
    epochs = math.ceil(cfg.steps / math.ceil(len(x) / batch))
    set_seed(seed)
    loaders = tensor_loaders(x, y, x, y, batch_size=batch, seed=seed)
    fit(model, *loaders, TrainConfig(epochs=epochs, lr=cfg.lr, progress=False), device=device)
    return model


def make_model(method: str, base: LeNet, n_classes: int, *, seed: int) -> LeNet:
    """Baut das Modell für ein Verfahren aus :data:`METHODS`."""
    method = check_choice("method", method, METHODS)
    check_instance("base", base, LeNet, "ein LeNet")
    n_classes = check_int("n_classes", n_classes, minimum=2, maximum=MAX_CLASSES)
    set_seed(seed)  # neue Schichten bzw. das neue Netz reproduzierbar initialisieren
    if method == "von Grund auf":
        return LeNet(dataclasses.replace(base.config, n_classes=n_classes)).to(
            next(base.parameters()).device)
    keep = "features" if method == "Faltungen übernommen" else "embedding"
    return transfer_model(base, n_classes, keep=keep, freeze=True)


def run_trials(base: LeNet, X_pool, y_pool, X_test, y_test, settings: Sequence[dict], *,
               methods: Sequence[str] = ("Faltungen übernommen",), seeds: Sequence[int] = (0, 1, 2),
               cfg: FewShotConfig | None = None, device=None) -> pd.DataFrame:
    """Wiederholt Few-Shot-Experimente über Einstellungen, Verfahren und Seeds.

    Jede Einstellung ist ein dict mit ``classes`` (Originalklassen, z. B. ``(5, 8)``)
    und ``n`` (Bilder je Klasse: Zahl oder Liste); weitere Schlüssel (etwa ein
    Name) werden in die Ergebnistabelle übernommen. Je Lauf werden aus ``X_pool``
    zufällig Trainingsbilder gezogen, auf *allen* Testbildern dieser Klassen wird
    bewertet. Rückgabe: eine Zeile je Lauf mit ``verfahren``, ``seed``,
    ``genauigkeit``, ``balancierte_genauigkeit`` und ``trefferquote_<klasse>``.
    """
    check_instance("base", base, LeNet, "ein LeNet")
    cfg = check_instance("cfg", cfg if cfg is not None else FewShotConfig(), FewShotConfig,
                         "eine FewShotConfig")
    device = None if device is None else as_device(device)
    check_instance("settings", settings, (list, tuple), "eine Liste von dicts")
    check_int("Zahl der settings", len(settings), minimum=1)
    seeds = [check_int(f"seeds[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
    check_int("Zahl der seeds", len(seeds), minimum=1)
    methods = [check_choice("methods", m, METHODS) for m in check_str_list("methods", methods)]
    rows = []
    for setting in settings:
        check_instance("Einstellung", setting, dict, "ein dict mit 'classes' und 'n'")
        if not {"classes", "n"} <= set(setting):
            raise ValueError(f"Jede Einstellung braucht 'classes' und 'n': {setting!r}")
        classes = tuple(setting["classes"])
        X_c, y_c = select_classes(X_pool, y_pool, classes)
        X_t, y_t = select_classes(X_test, y_test, classes)
        for method in methods:
            for seed in seeds:
                idx = sample_per_class(y_c, setting["n"], seed=seed)
                model = make_model(method, base, len(classes), seed=seed)
                train_few_shot(model, X_c[idx], y_c[idx], cfg, seed=seed, device=device)
                pred = predict_proba(model, X_t).argmax(axis=1)          # (N_test,)
                recalls = [float(np.mean(pred[y_t == k] == k)) for k in range(len(classes))]
                row = {k: v for k, v in setting.items() if k not in ("classes", "n")}
                row.update({
                    "klassen": "/".join(str(c) for c in classes),
                    "n": setting["n"] if np.isscalar(setting["n"]) else tuple(setting["n"]),
                    "verfahren": method, "seed": seed,
                    "genauigkeit": float(np.mean(pred == y_t)),
                    "balancierte_genauigkeit": float(np.mean(recalls)),
                })
                row.update({f"trefferquote_{c}": r for c, r in zip(classes, recalls)})
                rows.append(row)
    return pd.DataFrame(rows)


def summarize(results: pd.DataFrame, by: Sequence[str], value: str = "genauigkeit") -> pd.DataFrame:
    """Mittelwert, Standardabweichung und Zahl der Läufe von ``value`` je Gruppe."""
    check_instance("results", results, pd.DataFrame, "ein pandas.DataFrame")
    by = check_str_list("by", by)
    value = check_str("value", value)
    if results.empty:
        raise ValueError("results ist leer – es gibt nichts zusammenzufassen.")
    missing = [c for c in (*by, value) if c not in results.columns]
    if missing:
        raise ValueError(f"Spalten fehlen in results (by/value): {missing}. "
                         f"Vorhanden: {list(results.columns)}.")
    grouped = results.groupby(list(by), sort=False)[value]
    return grouped.agg(mittel="mean", streuung="std", laeufe="count").reset_index()


def pretrain(X, y, classes: Sequence[int], config, *, epochs: int, lr: float = 2e-3,
             batch_size: int = 32, seed: int = 0, device=None) -> LeNet:
    """Trainiert ein LeNet auf den Klassen ``classes`` (das „Basismodell“)."""
    check_instance("config", config, LeNetConfig, "eine LeNetConfig")
    epochs = check_int("epochs", epochs, minimum=1, maximum=MAX_EPOCHS)
    device = None if device is None else as_device(device)
    X_c, y_c = select_classes(X, y, classes)
    set_seed(seed)
    model = LeNet(dataclasses.replace(config, n_classes=len(classes)))
    x = as_image_tensor(X_c)
    loaders = tensor_loaders(x, y_c, x[:512], y_c[:512], batch_size=batch_size, seed=seed)
    fit(model, *loaders, TrainConfig(epochs=epochs, lr=lr, progress=False), device=device)
    return model


__all__ = [
    "KEEP", "METHODS", "FewShotConfig", "make_model", "pretrain", "run_trials", "sample_per_class",
    "select_classes", "summarize", "train_few_shot", "transfer_model",
]
