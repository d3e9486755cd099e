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

from kibuch.core.device import set_seed
from kibuch.nn.cnn import LeNet, as_image_tensor, predict_proba
from kibuch.training.loop import TrainConfig, fit, tensor_loaders

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
        for name in ("steps", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} muss eine ganze Zahl ≥ 1 sein, nicht {value!r}.")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr muss eine positive Zahl sein, nicht {self.lr!r}.")


def select_classes(X, y, classes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Nur die Bilder der Klassen ``classes``; Etiketten werden zu 0 … k−1 umnummeriert.

    Die Reihenfolge in ``classes`` bestimmt die neue Nummer: ``classes=(5, 8)`` macht
    aus 5 die 0 und aus 8 die 1.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X hat {len(X)} Einträge, y aber {len(y)}.")
    classes = list(classes)
    if not classes:
        raise ValueError("classes darf nicht leer sein.")
    if len(set(classes)) != len(classes):
        raise ValueError(f"classes enthält Doppelte: {classes}.")
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
    y = np.asarray(y)
    n_classes = int(y.max()) + 1 if len(y) else 0
    if isinstance(n_per_class, (int, np.integer)) and not isinstance(n_per_class, bool):
        counts = [int(n_per_class)] * n_classes
    else:
        counts = [int(n) for n in n_per_class]
        if len(counts) != n_classes:
            raise ValueError(f"{len(counts)} Anzahlen für {n_classes} Klassen angegeben.")
    rng = np.random.default_rng(seed)
    chosen = []
    for c, n in enumerate(counts):
        if n < 1:
            raise ValueError(f"Jede Klasse braucht mindestens ein Bild, Klasse {c}: {n}.")
        pool = np.flatnonzero(y == c)
        if len(pool) < n:
            raise ValueError(f"Klasse {c} hat nur {len(pool)} Bilder, verlangt sind {n}.")
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
    if not isinstance(base, LeNet):
        raise TypeError(f"LeNet erwartet, nicht {type(base).__name__}.")
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"n_classes muss eine ganze Zahl ≥ 2 sein, nicht {n_classes!r}.")
    if keep not in KEEP:
        raise ValueError(f"keep muss 'features' oder 'embedding' sein, nicht {keep!r}.")
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
    cfg = cfg if cfg is not None else FewShotConfig()
    if not isinstance(cfg, FewShotConfig):
        raise TypeError(f"FewShotConfig erwartet, nicht {type(cfg).__name__}.")
    x = as_image_tensor(X)                                        # (N, C, H, W)
    if len(x) == 0:
        raise ValueError("Keine Trainingsbilder.")
    batch = min(cfg.batch_size, len(x))
    epochs = math.ceil(cfg.steps / math.ceil(len(x) / batch))
    set_seed(seed)
    loaders = tensor_loaders(x, y, x, y, batch_size=batch, seed=seed)
    fit(model, *loaders, TrainConfig(epochs=epochs, lr=cfg.lr, progress=False), device=device)
    return model


def make_model(method: str, base: LeNet, n_classes: int, *, seed: int) -> LeNet:
    """Baut das Modell für ein Verfahren aus :data:`METHODS`."""
    if method not in METHODS:
        raise ValueError(f"Unbekanntes Verfahren {method!r}; erlaubt: {', '.join(METHODS)}.")
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
    if not settings:
        raise ValueError("settings darf nicht leer sein.")
    if not seeds:
        raise ValueError("seeds darf nicht leer sein.")
    for method in methods:
        if method not in METHODS:
            raise ValueError(f"Unbekanntes Verfahren {method!r}; erlaubt: {', '.join(METHODS)}.")
    rows = []
    for setting in settings:
        if not isinstance(setting, dict) or not {"classes", "n"} <= set(setting):
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
    if not isinstance(results, pd.DataFrame):
        raise TypeError("results muss ein pandas.DataFrame sein.")
    missing = [c for c in (*by, value) if c not in results.columns]
    if missing:
        raise ValueError(f"Spalten fehlen: {missing}. Vorhanden: {list(results.columns)}.")
    grouped = results.groupby(list(by), sort=False)[value]
    return grouped.agg(mittel="mean", streuung="std", laeufe="count").reset_index()


def pretrain(X, y, classes: Sequence[int], config, *, epochs: int, lr: float = 2e-3,
             batch_size: int = 32, seed: int = 0, device=None) -> LeNet:
    """Trainiert ein LeNet auf den Klassen ``classes`` (das „Basismodell“)."""
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
