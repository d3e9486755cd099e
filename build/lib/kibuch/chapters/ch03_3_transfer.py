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
Einstellung nur auf der Validierung (:func:`pilot_then_rest`) und legt die Ergebnistabelle
im Artefakt-Cache ab. :func:`compare` und :func:`paired_verdict` entscheiden aus gepaarten
Differenzen, ob ein Verfahren besser, schlechter oder nicht klar verschieden ist.
:func:`probe_task` stellt die Fragen aus Teachable Machine mit wenigen Klassen. Der Import
tut nichts; gerechnet wird erst beim Aufruf.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

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
)
from kibuch.data.images import ImageSplits
from kibuch.training.augment import AugmentConfig

#: Die drei Verfahren in der Reihenfolge von Tabelle und Abbildung.
METHODS = ("Linear-Probe", "Feintuning", "von Grund auf")


@dataclass
class TransferConfig:
    shots: tuple[int, ...] = (1, 5, 10, 50)  # beschriftete Zielbilder je Klasse
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)  # gepaarte Seeds: je Seed dieselben Bilder für
    #                                          alle; der erste wählt die Einstellungen (Pilot)
    probe_C: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0)  # Kandidaten für C der Linear-Probe
    lrs: tuple[float, ...] = (1e-3, 3e-3)  # Kandidaten für die Lernrate (Feintuning, Grund auf)
    min_steps: int = 60  # Budget je Lauf: mindestens so viele Gradientenschritte …
    epochs: float = 3.0  # … oder so viele Durchläufe durch die Bilder, wenn das mehr ist
    eval_points: int = 2  # Messpunkte auf der Validierung je Lauf (gleichmäßig verteilt)
    batch_size: int = 8  # Bilder je Schritt (kleine Batches: mehr Schritte je Rechenzeit)
    weight_decay: float = 5e-4  # AdamW, wie beim Vortraining
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)  # None: ohne

    def __post_init__(self) -> None:
        self.shots = _positive_ints("shots", self.shots)
        self.seeds = _positive_ints("seeds", self.seeds, minimum=0)
        check_int("len(seeds)", len(self.seeds), minimum=2)  # sonst keine Streuung
        self.probe_C = _floats("probe_C", self.probe_C)
        self.lrs = _floats("lrs", self.lrs)
        self.min_steps = check_int("min_steps", self.min_steps, minimum=1)
        self.epochs = check_float("epochs", self.epochs, minimum=0.0, open_min=True)
        self.eval_points = check_int("eval_points", self.eval_points, minimum=1,
                                     maximum=self.min_steps)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)
        self.weight_decay = check_float("weight_decay", self.weight_decay, minimum=0.0)
        if self.augment is not None:
            check_instance("augment", self.augment, AugmentConfig, "eine AugmentConfig oder None")


    def steps(self, n_images: int) -> int:
        """Gradientenschritte für ``n_images`` Trainingsbilder – gleich für beide Verfahren."""
        n_images = check_int("n_images", n_images, minimum=1)
        batch = min(self.batch_size, n_images)
        return max(self.min_steps, math.ceil(self.epochs * n_images / batch))


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
    y = _labels("y", y)
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

def probe_features(base, target: ImageSplits) -> dict[str, np.ndarray]:
    """Embeddings des eingefrorenen Netzes ``base`` für Training, Validierung und Test.

    Standardisiert wird mit Mittelwert und Streuung je Merkmal über *alle* Trainingsbilder –
    deren Beschriftungen braucht das nicht. (Aus nur zehn Bildern geschätzt, wären Mittelwert
    und Streuung selbst Zufall.) Rückgabe: ``{"train": (N, D), "val": …, "test": …}``.
    """
    from sklearn.preprocessing import StandardScaler

    from kibuch.nn.cnn import extract_embeddings
    from kibuch.nn.convnet import ConvNet

    check_instance("base", base, ConvNet, "ein ConvNet (train_cnn)")
    target = check_instance("target", target, ImageSplits, "ein ImageSplits (target_splits)")
    Z = {part: extract_embeddings(base.eval(), getattr(target, f"X_{part}"))  # (N, D)
         for part in ("train", "val", "test")}
    scaler = StandardScaler().fit(Z["train"])
    return {part: scaler.transform(z) for part, z in Z.items()}


def linear_probe(Z, y, *, C: float = 1.0):
    """Multinomiale logistische Regression (lbfgs) auf Embeddings ``Z`` (N, D).

    ``C`` ist die Stärke der Anpassung (kleiner = stärker regularisiert). Trainiert wird bis
    zur Konvergenz; meldet lbfgs keine, ist das ein Fehler statt eines stillen Abbruchs.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    Z, y = check_array("Z", Z, ndim=2), _labels("y", y)
    check_same_length(Z=Z, y=y)
    C = check_float("C", C, minimum=0.0, open_min=True)
    with warnings.catch_warnings(), threadpool_limits(1):  # ein Kern: bei kleinen Daten schneller
        warnings.simplefilter("error", ConvergenceWarning)
        return LogisticRegression(C=C, max_iter=10_000).fit(Z, y)


def new_target_model(base, n_classes: int = 10, *, pretrained: bool, seed: int):
    """Ein ConvNet wie ``base`` mit neuem, zufälligem Kopf für ``n_classes`` Klassen.

    ``pretrained=True`` übernimmt alle übrigen Gewichte von ``base`` (Feintuning),
    ``pretrained=False`` lässt sie zufällig (von Grund auf). ``base`` bleibt unverändert.
    """
    from kibuch.core.device import set_seed
    from kibuch.nn.convnet import ConvNet

    check_instance("base", base, ConvNet, "ein ConvNet (train_cnn)")
    n_classes = check_int("n_classes", n_classes, minimum=2, maximum=1000)
    pretrained = check_bool("pretrained", pretrained)
    set_seed(check_int("seed", seed, minimum=0))  # gleicher Seed, gleicher neuer Kopf
    model = ConvNet(replace(base.config, n_classes=n_classes))
    if pretrained:
        body = {k: v for k, v in base.state_dict().items() if not k.startswith("head.")}
        model.load_state_dict(body, strict=False)  # alles außer dem Kopf
    return model


def train_target(base, X, y, X_val, y_val, *, pretrained: bool, lr: float,
                 cfg: TransferConfig | None = None, seed: int = 0, device=None):
    """Trainiert :func:`new_target_model` auf ``(X, y)``: ``(model, val_acc)``.

    AdamW mit Kosinus-Verlauf, ``cfg.steps(len(X))`` Schritte, Augmentierung wie beim
    Vortraining. An ``cfg.eval_points`` Messpunkten wird auf ``(X_val, y_val)`` gemessen;
    zurück kommt der Stand mit dem kleinsten Validierungsverlust und dessen Genauigkeit.
    """
    from kibuch.training.augment import AffineAugment, AugmentedBatches
    from kibuch.training.loop import TrainConfig, fit, tensor_loaders

    cfg = _check_cfg(cfg)
    X, X_val = check_array("X", X, ndim=3), check_array("X_val", X_val, ndim=3)
    y, y_val = _labels("y", y), _labels("y_val", y_val)
    check_same_length(X=X, y=y)
    check_same_length(X_val=X_val, y_val=y_val)
    lr = check_float("lr", lr, minimum=0.0, open_min=True)
    model = new_target_model(base, int(np.max(y)) + 1, pretrained=pretrained, seed=seed)
    steps, batch = cfg.steps(len(X)), min(cfg.batch_size, len(X))
    train_batches, val_batches = tensor_loaders(X[:, None], y, X_val[:, None], y_val,
                                                batch_size=batch, seed=seed)  # (N, 1, H, W)
    if cfg.augment is not None:
        train_batches = AugmentedBatches(train_batches, AffineAugment(cfg.augment, seed=seed))
    history = fit(model, train_batches, val_batches, TrainConfig(
        steps=steps, lr=lr, optimizer="adamw", weight_decay=cfg.weight_decay,
        schedule="cosine", eval_every=math.ceil(steps / cfg.eval_points), keep_best=True,
        seed=seed, progress=False), device=device)
    return model.eval(), history.val_acc[history.best_epoch]


def _labels(name: str, y) -> np.ndarray:
    """Klassennummern 0 … K−1 als eindimensionales Array ganzer Zahlen."""
    y = check_array(name, y, ndim=1, dtype=None)
    if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
        raise ValueError(f"{name} muss Klassennummern 0 … K−1 (ganze Zahlen ≥ 0) enthalten.")
    return y


def _check_cfg(cfg) -> TransferConfig:
    return TransferConfig() if cfg is None else check_instance("cfg", cfg, TransferConfig,
                                                               "eine TransferConfig")


# -------------------------------------------------------------------- Experiment

def pilot_then_rest(settings, seeds, run):
    """Wählt eine Einstellung auf der Validierung und wiederholt nur sie für alle Seeds.

    ``run(setting, seed)`` liefert ``(val_acc, test_acc)``. Mit dem ersten Seed laufen alle
    ``settings`` (Pilot); die mit der besten Validierungsgenauigkeit (bei Gleichstand die
    erste) läuft dann mit den übrigen Seeds. Die Testgenauigkeit spielt für die Wahl keine
    Rolle. Rückgabe: Zeilen ``(setting, seed, val_acc, test_acc, gewählt)``.
    """
    check_instance("settings", settings, (tuple, list), "ein Tupel von Einstellungen")
    check_int("len(settings)", len(settings), minimum=1)
    seeds = _positive_ints("seeds", seeds, minimum=0)
    check_callable("run", run)
    pilot = {s: run(s, seeds[0]) for s in settings}  # je (val_acc, test_acc)
    best = max(settings, key=lambda s: pilot[s][0])  # nur nach Validierung
    rows = [(s, seeds[0], *pilot[s], s == best) for s in settings]
    return rows + [(best, seed, *run(best, seed), True) for seed in seeds[1:]]


def run_transfer(base, target: ImageSplits, cfg: TransferConfig | None = None, *,
                 device=None, use_cache: bool = True) -> pd.DataFrame:
    """Das ganze Experiment: eine Zeile je Verfahren, Bildzahl, Seed und Einstellung.

    Spalten ``verfahren``, ``bilder`` (je Klasse), ``einstellung`` (C bzw. Lernrate), ``seed``,
    ``val_acc``, ``test_acc`` und ``gewaehlt``. Je Seed zieht :func:`sample_per_class` *einmal*
    die Bilder; alle drei Verfahren lernen mit genau diesen. Die Einstellung wählt
    :func:`pilot_then_rest` auf der Validierung. Das Ergebnis liegt im Artefakt-Cache
    (Schlüssel: Gewichte von ``base``, Daten, Konfiguration und der Code dieses Moduls samt
    allem, was es aus kibuch importiert).
    """
    import torch

    from kibuch.core.artifacts import load_or_train
    from kibuch.nn.convnet import ConvNet

    check_instance("base", base, ConvNet, "ein ConvNet (train_cnn)")
    target = check_instance("target", target, ImageSplits, "ein ImageSplits (target_splits)")
    cfg = _check_cfg(cfg)
    use_cache = check_bool("use_cache", use_cache)

    def train():
        Z = probe_features(base, target)  # einmal für alle Läufe der Linear-Probe
        rows = []
        for n in cfg.shots:
            picks = {seed: sample_per_class(target.y_train, n, seed=seed) for seed in cfg.seeds}
            for code, method in enumerate(METHODS):
                settings = cfg.probe_C if method == "Linear-Probe" else cfg.lrs
                run = functools.partial(_one_run, method, base, target, Z, picks, cfg, device)
                rows += [(code, n, *row) for row in pilot_then_rest(settings, cfg.seeds, run)]
        return {"rows": torch.tensor(rows, dtype=torch.float64)}, {"columns": list(_COLUMNS)}

    data = (target.name, target.X_train, target.y_train, target.X_val, target.y_val,
            target.X_test, target.y_test)
    art = load_or_train("transfer", (cfg, base.state_dict(), data), train, use_cache=use_cache,
                        code=__name__)  # Schlüssel: nur der Code, den dieses Modul nutzt
    table = pd.DataFrame(art.tensors["rows"].numpy(), columns=list(_COLUMNS))
    table["verfahren"] = [METHODS[int(i)] for i in table["verfahren"]]
    table[["bilder", "seed"]] = table[["bilder", "seed"]].astype(int)
    table["gewaehlt"] = table["gewaehlt"].astype(bool)
    return table


def _one_run(method, base, target, Z, picks, cfg, device, setting, seed):
    """Ein Lauf von ``method`` mit Einstellung ``setting`` (C bzw. Lernrate): (val, test)."""
    from kibuch.nn.cnn import predict_proba

    idx = picks[seed]  # dieselben Bilder für alle Verfahren dieses Seeds
    if method == "Linear-Probe":
        model = linear_probe(Z["train"][idx], target.y_train[idx], C=setting)
        return model.score(Z["val"], target.y_val), model.score(Z["test"], target.y_test)
    model, val_acc = train_target(base, target.X_train[idx], target.y_train[idx], target.X_val,
                                  target.y_val, pretrained=method == "Feintuning", lr=setting,
                                  cfg=cfg, seed=seed, device=device)
    pred = predict_proba(model, target.X_test).argmax(axis=1)  # (N_test,)
    return val_acc, float(np.mean(pred == target.y_test))


#: Spalten der Tabelle von :func:`run_transfer`.
_COLUMNS = ("verfahren", "bilder", "einstellung", "seed", "val_acc", "test_acc", "gewaehlt")


def _chosen(runs) -> pd.DataFrame:
    runs = check_frame("runs", runs, _COLUMNS)
    return runs[runs["gewaehlt"]]


def summarize(runs: pd.DataFrame) -> pd.DataFrame:
    """Mittelwert und Standardabweichung der Testgenauigkeit je Verfahren und Bildzahl
    (nur die gewählten Einstellungen, eine Zeile je Seed)."""
    return (_chosen(runs).groupby(["verfahren", "bilder"], sort=False)["test_acc"]
            .agg(mittel="mean", streuung="std", seeds="count").reset_index())


#: Die Wörter, die :func:`paired_verdict` wählt.
VERDICTS = ("besser", "schlechter", "kein klarer Unterschied")


def paired_verdict(differences) -> dict:
    """Urteil über gepaarte Differenzen (eine je Seed): „besser“, „schlechter“ oder
    „kein klarer Unterschied“.

    Die Regel: Ein Unterschied zählt nur, wenn der Betrag der mittleren Differenz größer
    ist als ``grenze`` = t · sd / √n – die halbe Breite des 95-%-Konfidenzintervalls
    (t-Verteilung mit n − 1 Freiheitsgraden, also ein gepaarter t-Test). Rückgabe:
    ``{"differenz", "streuung", "grenze", "seeds", "urteil"}``.
    """
    from scipy.stats import t as student_t

    diff = check_array("differences", differences, ndim=1, min_len=2)
    mean, sd = float(diff.mean()), float(diff.std(ddof=1))
    limit = float(student_t.ppf(0.975, len(diff) - 1)) * sd / math.sqrt(len(diff))
    verdict = VERDICTS[2] if abs(mean) <= limit else VERDICTS[0 if mean > 0 else 1]
    return {"differenz": mean, "streuung": sd, "grenze": limit, "seeds": len(diff),
            "urteil": verdict}


def compare(runs: pd.DataFrame, method: str, other: str) -> pd.DataFrame:
    """:func:`paired_verdict` für ``method − other`` je Bildzahl, Seed für Seed gepaart.

    Für jeden Seed haben beide Verfahren dieselben Bilder gesehen. Eine Zeile je Bildzahl mit
    ``bilder``, ``differenz``, ``streuung``, ``grenze``, ``seeds`` und ``urteil``.
    """
    chosen = _chosen(runs)
    method = check_choice("method", method, METHODS)
    other = check_choice("other", other, METHODS)
    if method == other:
        raise ValueError(f"method und other sind beide {method!r}.")
    wide = chosen.pivot_table(index=["bilder", "seed"], columns="verfahren", values="test_acc")
    missing = [m for m in (method, other) if m not in wide.columns]
    if missing:
        raise ValueError(f"In runs fehlen Läufe für {missing}.")
    rows = []
    for n, part in wide.groupby(level="bilder"):
        diff = (part[method] - part[other]).dropna().to_numpy()  # eine Differenz je Seed
        rows.append({"bilder": int(n), **paired_verdict(diff)})
    return pd.DataFrame(rows)


#: Wie die Verfahren im Fließtext heißen (mit Artikel, Nominativ und Dativ).
NOUNS = {"Linear-Probe": "die Linear-Probe", "Feintuning": "das Feintuning",
         "von Grund auf": "das Training von Grund auf"}
NOUNS_DATIVE = {"Linear-Probe": "der Linear-Probe", "Feintuning": "dem Feintuning",
                "von Grund auf": "dem Training von Grund auf"}


def _numbers_de(values) -> str:
    """[1, 5, 10] → „1, 5 und 10“."""
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " und " + words[-1]


def verdict_text(table: pd.DataFrame, phrases: dict) -> str:
    """Ein Satz aus einer Urteilstabelle (Spalten ``bilder``, ``urteil``), etwa
    „Bei 1, 5 und 10 Bildern je Klasse ist … besser …; bei 50 Bildern je Klasse ist kein
    klarer Unterschied zu erkennen.“

    ``phrases`` ordnet jedem vorkommenden Urteil aus :data:`VERDICTS` die Satzhälfte zu,
    die mit dem Verb beginnt. So steht im Text nur, was die Zahlen hergeben.
    """
    table = check_frame("table", table, ("bilder", "urteil"))
    check_instance("phrases", phrases, dict, "ein dict Urteil → Satzhälfte")
    parts = []
    for verdict in VERDICTS:
        shots = sorted(int(n) for n in table.loc[table["urteil"] == verdict, "bilder"])
        if shots:
            phrase = check_str(f"phrases[{verdict!r}]", phrases.get(verdict))
            unit = "Bild" if shots == [1] else "Bildern"
            parts.append(f"bei {_numbers_de(shots)} {unit} je Klasse {phrase}")
    unknown = set(table["urteil"]) - set(VERDICTS)
    if unknown:
        raise ValueError(f"Unbekannte Urteile in table: {sorted(unknown)}.")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def comparison_text(runs: pd.DataFrame, method: str, other: str) -> str:
    """:func:`verdict_text` für :func:`compare` (``method`` gegen ``other``)."""
    table = compare(runs, method, other)  # prüft auch method und other
    a, b = NOUNS[method], NOUNS[other]
    return verdict_text(table, {
        "besser": f"ist {a} besser als {b}", "schlechter": f"ist {a} schlechter als {b}",
        "kein klarer Unterschied": f"ist zwischen {NOUNS_DATIVE[method]} und "
                                   f"{NOUNS_DATIVE[other]} kein klarer Unterschied zu erkennen"})


# ------------------------------------------------------------ Teachable Machine

def probe_task(Z_pool, y_pool, Z_test, y_test, classes, n_per_class, *, seed: int,
               C: float = 1.0) -> dict:
    """Eine kleine Aufgabe wie in Teachable Machine: nur die Ziffern ``classes``.

    Zieht je Klasse ``n_per_class`` Bilder (Zahl oder Liste je Klasse) aus dem Pool,
    trainiert :func:`linear_probe` und misst auf allen Testbildern dieser Ziffern.
    Rückgabe: ``{"genauigkeit": …, "trefferquote": [eine je Klasse, in der Reihenfolge
    von classes]}``.
    """
    Z_pool, Z_test = check_array("Z_pool", Z_pool, ndim=2), check_array("Z_test", Z_test, ndim=2)
    y_pool, y_test = _labels("y_pool", y_pool), _labels("y_test", y_test)
    check_same_length(Z_pool=Z_pool, y_pool=y_pool)
    check_same_length(Z_test=Z_test, y_test=y_test)
    classes = _positive_ints("classes", classes, minimum=0)
    check_int("len(classes)", len(classes), minimum=2)
    relabel = {c: k for k, c in enumerate(classes)}  # Ziffer -> 0 … k−1
    pool, test = np.isin(y_pool, classes), np.isin(y_test, classes)
    y_small = np.array([relabel[v] for v in y_pool[pool]])
    y_true = np.array([relabel[v] for v in y_test[test]])
    idx = sample_per_class(y_small, n_per_class, seed=seed)
    pred = linear_probe(Z_pool[pool][idx], y_small[idx], C=C).predict(Z_test[test])
    return {"genauigkeit": float(np.mean(pred == y_true)),
            "trefferquote": [float(np.mean(pred[y_true == k] == k)) for k in range(len(classes))]}


__all__ = [
    "METHODS", "NOUNS", "NOUNS_DATIVE", "VERDICTS", "TransferConfig", "compare", "comparison_text",
    "linear_probe", "new_target_model",
    "paired_verdict", "pilot_then_rest", "probe_features", "probe_task", "resample_images",
    "run_transfer", "sample_per_class", "summarize", "target_splits", "train_target",
    "verdict_text",
]
