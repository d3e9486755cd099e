"""Transfer-Lernen (Kapitel 3.3.2): von MNIST auf die 8 × 8-Ziffern von scikit-learn.

Das Quellnetz ist das CNN aus Kapitel 3.3.1, trainiert auf MNIST (28 × 28 Pixel). Die
Zielaufgabe sind dieselben zehn Ziffern, aber aus einer anderen Sammlung: anders
eingescannt, von anderen Personen, nur 8 × 8 Pixel groß. Verglichen werden drei Wege,
mit wenigen beschrifteten Zielbildern je Klasse auszukommen:

- ``"Linear-Probe"``: das vortrainierte Netz bleibt eingefroren und liefert nur
  Embeddings; darauf lernt eine logistische Regression (:func:`linear_probe`),
- ``"Feintuning"``: alle Schichten starten mit den MNIST-Gewichten, der Kopf ist neu
  (:func:`train_target` mit ``pretrained=True``),
- ``"von Grund auf"``: dieselbe Architektur mit Zufallsgewichten
  (:func:`train_target` mit ``pretrained=False``).

:func:`run_transfer` wiederholt das für mehrere Bildzahlen und gepaarte Seeds, wählt jede
Einstellung nur auf der Validierung und legt die Ergebnistabelle im Artefakt-Cache ab.
:func:`compare` entscheidet aus den gepaarten Differenzen, ob ein Verfahren besser,
schlechter oder nicht klar verschieden ist. Der Import tut nichts; gerechnet wird erst beim
Aufruf.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kibuch.core.checks import (
    check_array,
    check_choice,
    check_float,
    check_frame,
    check_instance,
    check_int,
    check_same_length,
)
from kibuch.data.images import ImageSplits
from kibuch.training.augment import AugmentConfig

#: Die drei Verfahren in der Reihenfolge von Tabelle und Abbildung.
METHODS = ("Linear-Probe", "Feintuning", "von Grund auf")


@dataclass
class TransferConfig:
    shots: tuple[int, ...] = (1, 5, 10, 50)  # beschriftete Zielbilder je Klasse
    seeds: tuple[int, ...] = (0, 1, 2)  # gepaarte Seeds: je Seed dieselben Bilder für alle
    probe_C: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)  # Kandidaten für C der Linear-Probe
    lrs: tuple[float, ...] = (1e-3, 3e-3)  # Kandidaten für die Lernrate (Feintuning, Grund auf)
    steps: int = 60  # Gradientenschritte je Lauf, für beide Verfahren gleich
    eval_every: int = 15  # alle so viele Schritte auf der Validierung messen
    batch_size: int = 16  # Bilder je Schritt (höchstens so viele, wie es gibt)
    weight_decay: float = 5e-4  # AdamW, wie beim Vortraining
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)  # None: ohne

    def __post_init__(self) -> None:
        self.shots = _positive_ints("shots", self.shots)
        self.seeds = _positive_ints("seeds", self.seeds, minimum=0)
        check_int("len(seeds)", len(self.seeds), minimum=2)  # sonst keine Streuung
        self.probe_C = _floats("probe_C", self.probe_C)
        self.lrs = _floats("lrs", self.lrs)
        self.steps = check_int("steps", self.steps, minimum=1)
        self.eval_every = check_int("eval_every", self.eval_every, minimum=1,
                                    maximum=self.steps)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)
        self.weight_decay = check_float("weight_decay", self.weight_decay, minimum=0.0)
        if self.augment is not None:
            check_instance("augment", self.augment, AugmentConfig, "eine AugmentConfig oder None")


def _positive_ints(name: str, values, minimum: int = 1) -> tuple[int, ...]:
    check_instance(name, values, (tuple, list), "ein Tupel ganzer Zahlen")
    values = tuple(check_int(f"{name}[{i}]", v, minimum=minimum) for i, v in enumerate(values))
    check_int(f"len({name})", len(values), minimum=1)
    if len(set(values)) != len(values):
        raise ValueError(f"{name} enthält Doppelte: {values}.")
    return values


def _floats(name: str, values) -> tuple[float, ...]:
    check_instance(name, values, (tuple, list), "ein Tupel positiver Zahlen")
    values = tuple(check_float(f"{name}[{i}]", v, minimum=0.0, open_min=True)
                   for i, v in enumerate(values))
    check_int(f"len({name})", len(values), minimum=1)
    return values


# --------------------------------------------------------------------- Zieldaten

def _bilinear_weights(n_in: int, n_out: int) -> np.ndarray:
    """Gewichtsmatrix (n_out, n_in) der linearen Interpolation längs einer Achse.

    Pixelmitten wie bei ``torch.nn.functional.interpolate(..., align_corners=False)``:
    Ausgabepixel ``o`` liegt bei ``(o + 0,5) · n_in / n_out − 0,5`` im Eingabebild.
    """
    pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
    left = np.floor(pos).astype(int)
    right = np.minimum(left + 1, n_in - 1)
    frac = pos - left  # Anteil des rechten Nachbarn
    weights = np.zeros((n_out, n_in))
    np.add.at(weights, (np.arange(n_out), left), 1 - frac)
    np.add.at(weights, (np.arange(n_out), right), frac)
    return weights


def resample_images(X, size: int, *, pad: int = 0) -> np.ndarray:
    """Bilder (N, H, W) bilinear auf (N, size, size) bringen, mit ``pad`` Pixeln schwarzem Rand.

    Die Ziffer selbst wird auf ``size − 2 · pad`` Pixel skaliert. ``pad=4`` bei ``size=28``
    ahmt MNIST nach: Dort steht jede Ziffer in einem 20 × 20-Feld mit 4 Pixeln Rand.
    """
    X = check_array("X", X, ndim=3)
    size = check_int("size", size, minimum=1)
    pad = check_int("pad", pad, minimum=0, maximum=(size - 1) // 2)
    inner = size - 2 * pad
    rows = _bilinear_weights(X.shape[1], inner)  # (inner, H)
    cols = _bilinear_weights(X.shape[2], inner)  # (inner, W)
    out = np.einsum("ih,nhw,jw->nij", rows, X, cols)  # (N, inner, inner)
    out = np.pad(out, ((0, 0), (pad, pad), (pad, pad)))  # (N, size, size)
    return out.astype(np.float32)


def target_splits(splits: ImageSplits, size: int = 28, *, pad: int = 4) -> ImageSplits:
    """Alle drei Teile von ``splits`` mit :func:`resample_images` auf ``size`` × ``size``."""
    splits = check_instance("splits", splits, ImageSplits, "ein ImageSplits (load_image_splits)")
    return ImageSplits(
        splits.name,
        resample_images(splits.X_train, size, pad=pad), splits.y_train,
        resample_images(splits.X_val, size, pad=pad), splits.y_val,
        resample_images(splits.X_test, size, pad=pad), splits.y_test)


def sample_per_class(y, n_per_class, *, seed: int) -> np.ndarray:
    """Zufällige Indizes mit ``n_per_class`` Bildern je Klasse 0 … K−1.

    ``n_per_class`` ist eine Zahl (alle Klassen gleich) oder eine Liste mit einer Anzahl je
    Klasse (ungleich große Klassen). Gleicher Seed, gleiche Auswahl – so bekommen alle
    Verfahren eines Seeds dieselben Bilder. Gibt es zu wenige Bilder, folgt ein Fehler.
    """
    y = check_array("y", y, ndim=1, dtype=None)
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError("y muss Klassennummern 0 … K−1 (ganze Zahlen ≥ 0) enthalten.")
    seed = check_int("seed", seed, minimum=0)
    n_classes = int(y.max()) + 1
    if isinstance(n_per_class, (tuple, list)):
        counts = [check_int(f"n_per_class[{i}]", n, minimum=1) for i, n in enumerate(n_per_class)]
        check_int("len(n_per_class)", len(counts), minimum=n_classes, maximum=n_classes)
    else:
        counts = [check_int("n_per_class", n_per_class, minimum=1)] * n_classes
    rng = np.random.default_rng(seed)
    chosen = []
    for c, n in enumerate(counts):
        pool = np.flatnonzero(y == c)
        if len(pool) < n:
            raise ValueError(f"Klasse {c} hat nur {len(pool)} Bilder, verlangt sind {n} "
                             "(n_per_class).")
        chosen.append(rng.choice(pool, size=n, replace=False))
    return np.concatenate(chosen)


# ---------------------------------------------------------------------- Verfahren

def linear_probe(Z, y, *, C: float = 1.0):
    """Logistische Regression auf Embeddings ``Z`` (N, D): standardisieren, dann lbfgs.

    ``C`` ist die Stärke der Anpassung (kleiner = stärker regularisiert). Trainiert wird bis
    zur Konvergenz; meldet lbfgs keine, ist das ein Fehler statt eines stillen Abbruchs.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    Z = check_array("Z", Z, ndim=2)
    y = check_array("y", y, ndim=1, dtype=None)
    check_same_length(Z=Z, y=y)
    C = check_float("C", C, minimum=0.0, open_min=True)
    probe = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=10_000))
    with warnings.catch_warnings(), threadpool_limits(1):  # ein Kern: bei kleinen Daten schneller
        warnings.simplefilter("error", ConvergenceWarning)
        return probe.fit(Z, y)


def new_target_model(base, n_classes: int = 10, *, pretrained: bool, seed: int):
    """Ein ConvNet wie ``base`` mit neuem, zufälligem Kopf für ``n_classes`` Klassen.

    ``pretrained=True`` übernimmt alle übrigen Gewichte von ``base`` (Feintuning),
    ``pretrained=False`` lässt sie zufällig (von Grund auf). ``base`` bleibt unverändert.
    """
    from kibuch.core.device import set_seed
    from kibuch.nn.convnet import ConvNet

    check_instance("base", base, ConvNet, "ein ConvNet (train_cnn)")
    n_classes = check_int("n_classes", n_classes, minimum=2)
    if not isinstance(pretrained, bool):
        raise TypeError(f"pretrained muss True oder False sein, nicht {type(pretrained).__name__}.")
    set_seed(check_int("seed", seed, minimum=0))  # gleiche Startgewichte für gleichen Seed
    model = ConvNet(replace(base.config, n_classes=n_classes))
    if pretrained:
        body = {k: v for k, v in base.state_dict().items() if not k.startswith("head.")}
        model.load_state_dict(body, strict=False)  # alles außer dem Kopf
    return model


def train_target(base, X, y, X_val, y_val, *, pretrained: bool, lr: float,
                 cfg: TransferConfig | None = None, seed: int = 0, device=None):
    """Trainiert :func:`new_target_model` auf ``(X, y)``: ``(model, val_acc)``.

    AdamW mit Kosinus-Verlauf, ``cfg.steps`` Schritte, Augmentierung wie beim Vortraining.
    Alle ``cfg.eval_every`` Schritte wird auf ``(X_val, y_val)`` gemessen; zurück kommt der
    Stand mit dem kleinsten Validierungsverlust und dessen Genauigkeit.
    """
    from kibuch.training.augment import AffineAugment, AugmentedBatches
    from kibuch.training.loop import TrainConfig, fit, tensor_loaders

    cfg = TransferConfig() if cfg is None else check_instance("cfg", cfg, TransferConfig,
                                                              "eine TransferConfig")
    X, X_val = check_array("X", X, ndim=3), check_array("X_val", X_val, ndim=3)
    lr = check_float("lr", lr, minimum=0.0, open_min=True)
    model = new_target_model(base, int(np.max(y)) + 1, pretrained=pretrained, seed=seed)
    batch = min(cfg.batch_size, len(X))
    train_batches, val_batches = tensor_loaders(X[:, None], y, X_val[:, None], y_val,
                                                batch_size=batch, seed=seed)  # (N, 1, H, W)
    if cfg.augment is not None:
        train_batches = AugmentedBatches(train_batches, AffineAugment(cfg.augment, seed=seed))
    history = fit(model, train_batches, val_batches, TrainConfig(
        steps=cfg.steps, lr=lr, optimizer="adamw", weight_decay=cfg.weight_decay,
        schedule="cosine", eval_every=cfg.eval_every, keep_best=True, seed=seed,
        progress=False), device=device)
    return model.eval(), history.val_acc[history.best_epoch]


# -------------------------------------------------------------------- Experiment

def _accuracy(model, X, y) -> float:
    from kibuch.nn.cnn import predict_proba

    return float((predict_proba(model, X).argmax(axis=1) == y).mean())


def run_transfer(base, target: ImageSplits, cfg: TransferConfig | None = None, *,
                 device=None, use_cache: bool = True) -> pd.DataFrame:
    """Alle Läufe: eine Zeile je Verfahren, Bildzahl, Seed und Einstellung (C bzw. lr).

    Spalten ``verfahren``, ``bilder``, ``seed``, ``einstellung``, ``val_acc``, ``test_acc``.
    Je Seed zieht :func:`sample_per_class` *einmal* die Bilder, alle Verfahren lernen mit
    ihnen. Welche Einstellung zählt, entscheidet danach :func:`select_on_validation`.
    Das Ergebnis liegt im Artefakt-Cache (Schlüssel: Gewichte, Daten, Konfiguration).
    """
    import torch

    from kibuch.core.artifacts import load_or_train
    from kibuch.nn.cnn import extract_embeddings
    from kibuch.nn.convnet import ConvNet

    check_instance("base", base, ConvNet, "ein ConvNet (train_cnn)")
    target = check_instance("target", target, ImageSplits, "ein ImageSplits (target_splits)")
    cfg = TransferConfig() if cfg is None else check_instance("cfg", cfg, TransferConfig,
                                                              "eine TransferConfig")
    columns = ("verfahren", "bilder", "seed", "einstellung")

    def train():
        embed = {part: extract_embeddings(base.eval(), getattr(target, f"X_{part}"))
                 for part in ("train", "val", "test")}  # je (N, D), nur einmal gerechnet
        rows = []
        for n in cfg.shots:
            for seed in cfg.seeds:
                idx = sample_per_class(target.y_train, n, seed=seed)
                X, y = target.X_train[idx], target.y_train[idx]
                for C in cfg.probe_C:
                    probe = linear_probe(embed["train"][idx], y, C=C)
                    rows.append(("Linear-Probe", n, seed, C,
                                 probe.score(embed["val"], target.y_val),
                                 probe.score(embed["test"], target.y_test)))
                for method, pretrained in (("Feintuning", True), ("von Grund auf", False)):
                    for lr in cfg.lrs:
                        model, val_acc = train_target(base, X, y, target.X_val, target.y_val,
                                                      pretrained=pretrained, lr=lr, cfg=cfg,
                                                      seed=seed, device=device)
                        rows.append((method, n, seed, lr, val_acc,
                                     _accuracy(model, target.X_test, target.y_test)))
        values = np.array([r[2:] for r in rows], dtype=np.float64)  # seed, C/lr, val, test
        return ({"values": torch.from_numpy(values)},
                {"methods": [r[0] for r in rows], "shots": [r[1] for r in rows]})

    data = (target.name, target.X_train, target.y_train, target.X_val, target.y_val,
            target.X_test, target.y_test)
    art = load_or_train("transfer", (cfg, base.state_dict(), data), train, use_cache=use_cache)
    values = art.tensors["values"].numpy()
    table = pd.DataFrame({"verfahren": art.info["methods"], "bilder": art.info["shots"],
                          "seed": values[:, 0].astype(int), "einstellung": values[:, 1],
                          "val_acc": values[:, 2], "test_acc": values[:, 3]})
    return table[[*columns, "val_acc", "test_acc"]]


def select_on_validation(runs: pd.DataFrame) -> pd.DataFrame:
    """Je Verfahren und Bildzahl die Einstellung mit der besten mittleren Validierungs-
    genauigkeit über die Seeds; zurück kommen nur deren Zeilen (eine je Seed)."""
    runs = check_frame("runs", runs, ("verfahren", "bilder", "seed", "einstellung", "val_acc",
                                      "test_acc"))
    keys = ["verfahren", "bilder"]
    mean_val = runs.groupby([*keys, "einstellung"], sort=False)["val_acc"].mean().reset_index()
    best = mean_val.loc[mean_val.groupby(keys, sort=False)["val_acc"].idxmax(),
                        [*keys, "einstellung"]]
    return runs.merge(best, on=[*keys, "einstellung"]).reset_index(drop=True)


def summarize(chosen: pd.DataFrame) -> pd.DataFrame:
    """Mittelwert und Standardabweichung der Testgenauigkeit je Verfahren und Bildzahl."""
    chosen = check_frame("chosen", chosen, ("verfahren", "bilder", "test_acc"))
    return (chosen.groupby(["verfahren", "bilder"], sort=False)["test_acc"]
            .agg(mittel="mean", streuung="std", seeds="count").reset_index())


#: Die Wörter, die :func:`compare` wählt.
VERDICTS = ("besser", "schlechter", "kein klarer Unterschied")


def compare(chosen: pd.DataFrame, method: str, other: str) -> pd.DataFrame:
    """Gepaarte Differenzen ``method − other`` der Testgenauigkeit je Bildzahl.

    Für jeden Seed haben beide Verfahren dieselben Bilder gesehen; verglichen wird also Seed
    für Seed. Spalten: ``bilder``, ``differenz`` (Mittel), ``streuung`` (Standardabweichung der
    Differenzen), ``grenze`` und ``urteil``. Die Regel: Ein Unterschied zählt nur, wenn der
    Betrag der mittleren Differenz größer ist als ``grenze`` = t · sd / √n, die halbe Breite
    des 95-%-Konfidenzintervalls (t-Verteilung mit n − 1 Freiheitsgraden). Sonst lautet das
    Urteil „kein klarer Unterschied“.
    """
    from scipy.stats import t as student_t

    chosen = check_frame("chosen", chosen, ("verfahren", "bilder", "seed", "test_acc"))
    method = check_choice("method", method, METHODS)
    other = check_choice("other", other, METHODS)
    wide = chosen.pivot_table(index=["bilder", "seed"], columns="verfahren", values="test_acc")
    missing = [m for m in (method, other) if m not in wide.columns]
    if missing:
        raise ValueError(f"In chosen fehlen Läufe für {missing}.")
    rows = []
    for n, part in wide.groupby(level="bilder"):
        diff = (part[method] - part[other]).dropna().to_numpy()  # eine Differenz je Seed
        if len(diff) < 2:
            raise ValueError(f"Für {n} Bilder je Klasse gibt es weniger als zwei gepaarte Seeds.")
        sd = float(diff.std(ddof=1))
        limit = float(student_t.ppf(0.975, len(diff) - 1)) * sd / np.sqrt(len(diff))
        mean = float(diff.mean())
        verdict = VERDICTS[2] if abs(mean) <= limit else VERDICTS[0 if mean > 0 else 1]
        rows.append({"bilder": int(n), "differenz": mean, "streuung": sd, "grenze": limit,
                     "seeds": len(diff), "urteil": verdict})
    return pd.DataFrame(rows)


__all__ = [
    "METHODS", "VERDICTS", "TransferConfig", "compare", "linear_probe", "new_target_model",
    "resample_images", "run_transfer", "sample_per_class", "select_on_validation", "summarize",
    "target_splits", "train_target",
]
