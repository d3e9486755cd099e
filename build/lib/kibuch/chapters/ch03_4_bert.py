"""Kapitel 3.4.2: Was bringt das Vortraining? Feintuning gegen Zufallsstart und Messlatten.

- :class:`BertRecipe` hält alle Entscheidungen an einem Ort (nanoGPT-Stil).
- :func:`text_splits` liefert Training, Validierung, Test (``reviews_de``) und den
  fremden Testsatz ``reviews_ood_de`` (anderer Stil, andere Bereiche).
- :func:`fit_tfidf` und :func:`fit_embedding_lr` sind die Messlatten: TF-IDF auf Wort- und
  Zeichen-n-Grammen bzw. eingefrorene Satz-Embeddings, je mit logistischer Regression; die
  Regularisierung ``C`` wird nur auf der Validierung gewählt.
- :func:`run_fine_tuning` feintunt einen Encoder vortrainiert und mit zufälligen
  Startgewichten: Lernrate und Epoche werden auf der Validierung gewählt (Seed 0), danach
  laufen alle Seeds mit der gewählten Lernrate. Alle Gewichte liegen im Artefakt-Cache.
- :func:`summarize` fasst die Läufe zu Mittelwert ± Standardabweichung zusammen.

Der Import dieses Moduls lädt keine Daten und trainiert nichts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kibuch.core.checks import (
    check_choice,
    check_float,
    check_instance,
    check_int,
    check_same_length,
    check_str_list,
)

#: Namen der Auswertungsmengen in den Ergebnistabellen.
EVAL_SETS = ("validation", "test", "ood")


@dataclass
class BertRecipe:
    seeds: tuple[int, ...] = (0, 1, 2)  # Wiederholungen mit anderem Startzufall
    epochs: int = 6  # höchstens so viele Epochen; die beste auf der Validierung zählt
    batch_size: int = 16  # Texte pro Schritt
    max_length: int = 64  # längere Texte werden gekürzt (Tokens)
    pooling: str = "mean"  # Satzvektor für den Kopf: Mittelwert der Tokens oder [CLS]
    lr_pretrained: tuple[float, ...] = (3e-5, 1e-4)  # Lernraten zur Wahl: vortrainiert
    lr_random: tuple[float, ...] = (1e-4, 3e-4)  # … und mit zufälligem Start
    c_grid: tuple[float, ...] = (0.1, 1.0, 10.0, 100.0)  # C der logistischen Regression

    def __post_init__(self) -> None:
        check_instance("seeds", self.seeds, (tuple, list), "ein Tupel von Seeds")
        if not self.seeds:
            raise ValueError("seeds darf nicht leer sein.")
        self.seeds = tuple(check_int(f"seeds[{i}]", s, minimum=0)
                           for i, s in enumerate(self.seeds))
        self.epochs = check_int("epochs", self.epochs, minimum=1, maximum=100)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=1)
        self.max_length = check_int("max_length", self.max_length, minimum=8)
        self.pooling = check_choice("pooling", self.pooling, ("mean", "cls"))
        for name in ("lr_pretrained", "lr_random", "c_grid"):
            grid = check_instance(name, getattr(self, name), (tuple, list), "ein Tupel von Zahlen")
            if not grid:
                raise ValueError(f"{name} darf nicht leer sein.")
            setattr(self, name, tuple(check_float(f"{name}[{i}]", v, minimum=0.0, open_min=True)
                                      for i, v in enumerate(grid)))


def text_splits() -> dict[str, pd.DataFrame]:
    """``train``, ``validation``, ``test`` aus ``reviews_de`` und ``ood`` aus ``reviews_ood_de``."""
    from kibuch import data

    splits = {name: data.load("reviews_de", split=name)
              for name in ("train", "validation", "test")}
    splits["ood"] = data.load("reviews_ood_de")
    return splits


def _check_split_dict(splits) -> dict[str, pd.DataFrame]:
    check_instance("splits", splits, dict, "ein dict aus text_splits()")
    missing = sorted({"train", *EVAL_SETS} - set(splits))
    if missing:
        raise ValueError(f"splits fehlt {missing}; erwartet wird das dict aus text_splits().")
    for name, frame in splits.items():
        check_instance(f"splits[{name!r}]", frame, pd.DataFrame, "ein DataFrame")
        if not {"text", "label"} <= set(frame.columns) or frame.empty:
            raise ValueError(f"splits[{name!r}] braucht die Spalten text und label und Zeilen.")
    return splits


def macro_f1(y_true, y_pred) -> float:
    """Makro-F1: F1 je Klasse, ungewichtet gemittelt (jede Klasse zählt gleich)."""
    from sklearn.metrics import f1_score

    if isinstance(y_true, pd.Series):
        y_true = y_true.tolist()
    if isinstance(y_pred, pd.Series):
        y_pred = y_pred.tolist()
    y_true, y_pred = check_str_list("y_true", y_true), check_str_list("y_pred", y_pred)
    check_same_length(y_true=y_true, y_pred=y_pred)
    return float(f1_score(y_true, y_pred, average="macro"))


def scores(predict, splits) -> dict[str, float]:
    """Makro-F1 von ``predict`` (Liste von Texten → Labels) auf Validierung, Test und ood."""
    if not callable(predict):
        raise TypeError("predict muss eine Funktion Texte → Labels sein, etwa clf.predict.")
    splits = _check_split_dict(splits)
    return _scores(predict, splits)


def _scores(predict, splits) -> dict[str, float]:
    return {name: macro_f1(splits[name]["label"], predict(list(splits[name]["text"])))
            for name in EVAL_SETS}


def _best_c(make, X_train, y_train, X_val, y_val, grid):
    """Logistische Regression je ``C`` aus ``grid``; gewählt wird nach Makro-F1 der Validierung."""
    fitted = [make(c).fit(X_train, y_train) for c in grid]
    val = [macro_f1(y_val, m.predict(X_val)) for m in fitted]
    best = int(np.argmax(val))
    return fitted[best], grid[best]


def fit_tfidf(splits, recipe: BertRecipe | None = None):
    """TF-IDF auf Wörtern (1–2) und Zeichen (2–5) mit logistischer Regression: ``(modell, C)``."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    splits = _check_split_dict(splits)
    recipe = _check_recipe(recipe)

    def make(c):
        features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
        return make_pipeline(features, LogisticRegression(C=c, max_iter=3000))

    tr, va = splits["train"], splits["validation"]
    return _best_c(make, tr["text"], tr["label"], va["text"], va["label"], recipe.c_grid)


class EmbeddingClassifier:
    """Eingefrorener Encoder → Satz-Embedding → logistische Regression."""

    def __init__(self, model, tokenizer, regression, *, max_length: int):
        from torch import nn

        self.model = check_instance("model", model, nn.Module, "ein Encoder (nn.Module)")
        if not callable(tokenizer) or not hasattr(tokenizer, "convert_ids_to_tokens"):
            raise TypeError(f"tokenizer muss ein Tokenizer von transformers sein, nicht "
                            f"{type(tokenizer).__name__}.")
        self.tokenizer = tokenizer
        if regression is not None and not hasattr(regression, "predict"):
            raise TypeError("regression muss ein scikit-learn-Modell mit predict sein oder None.")
        self.regression = regression  # None, bis fit_embedding_lr sie einsetzt
        self.max_length = check_int("max_length", max_length, minimum=2)

    def embed(self, texts) -> np.ndarray:
        from kibuch.nn.bert import sentence_embeddings

        parts = [sentence_embeddings(texts[i : i + 64], model=self.model,
                                     tokenizer=self.tokenizer, max_length=self.max_length)
                 for i in range(0, len(texts), 64)]
        return np.vstack([p.numpy() for p in parts])  # (n, C)

    def predict(self, texts) -> list[str]:
        return list(self.regression.predict(self.embed(list(texts))))


def fit_embedding_lr(splits, recipe: BertRecipe | None = None, *, model=None):
    """Satz-Embeddings des eingefrorenen Encoders ``model`` plus logistische Regression.

    Gibt ``(klassifikator, C)`` zurück; ``C`` wird auf der Validierung gewählt.
    """
    from sklearn.linear_model import LogisticRegression

    from kibuch.nn.bert import load_encoder
    from kibuch.text.tokens import load_encoder_tokenizer

    splits = _check_split_dict(splits)
    recipe = _check_recipe(recipe)
    if model is not None:
        check_instance("model", model, (str, os.PathLike), "ein Pfad, ein Hub-Name oder None")
    clf = EmbeddingClassifier(load_encoder(model), load_encoder_tokenizer(model), None,
                              max_length=recipe.max_length)
    X_train, X_val = (clf.embed(list(splits[n]["text"])) for n in ("train", "validation"))
    clf.regression, c = _best_c(lambda c: LogisticRegression(C=c, max_iter=3000),
                                X_train, splits["train"]["label"], X_val,
                                splits["validation"]["label"], recipe.c_grid)
    return clf, c


def _check_recipe(recipe) -> BertRecipe:
    if recipe is None:
        return BertRecipe()
    return check_instance("recipe", recipe, BertRecipe, "ein BertRecipe oder None")


def tune(splits, recipe: BertRecipe | None = None, *, model=None, pretrained: bool = True,
         lr: float, seed: int = 0, device=None, use_cache: bool = True):
    """Ein Feintuning nach ``recipe`` mit Lernrate ``lr`` und ``seed`` (Epoche nach Validierung)."""
    from kibuch.nn.bert import fine_tune

    splits = _check_split_dict(splits)
    recipe = _check_recipe(recipe)
    lr = check_float("lr", lr, minimum=0.0, open_min=True)
    train, val = splits["train"], splits["validation"]
    return fine_tune(list(train["text"]), list(train["label"]), model=model,
                     pretrained=pretrained, pooling=recipe.pooling,
                     max_length=recipe.max_length, val_texts=list(val["text"]),
                     val_labels=list(val["label"]), epochs=recipe.epochs,
                     batch_size=recipe.batch_size, lr=lr, seed=seed, device=device,
                     use_cache=use_cache)


def run_fine_tuning(splits, recipe: BertRecipe | None = None, *, model=None,
                    pretrained: bool = True, device=None, use_cache: bool = True) -> pd.DataFrame:
    """Feintuning über alle Seeds; eine Zeile je Seed mit Makro-F1 auf allen Mengen.

    Zuerst wird jede Lernrate des Rezepts mit Seed 0 trainiert und die mit dem besten
    Makro-F1 der Validierung gewählt; die Testdaten und ``ood`` spielen dabei keine Rolle.
    Spalten: ``seed``, ``lr``, ``epoche`` (gewählte Epoche, ab 1), ``sekunden``,
    ``aus_cache`` und je Auswertungsmenge der Makro-F1.
    """
    from kibuch.core.checks import check_bool

    splits = _check_split_dict(splits)
    recipe = _check_recipe(recipe)
    pretrained = check_bool("pretrained", pretrained)
    use_cache = check_bool("use_cache", use_cache)
    options = {"model": model, "pretrained": pretrained, "device": device,
               "use_cache": use_cache}
    grid = recipe.lr_pretrained if pretrained else recipe.lr_random
    first = recipe.seeds[0]
    trials = {lr: tune(splits, recipe, lr=lr, seed=first, **options) for lr in grid}
    val = {lr: macro_f1(splits["validation"]["label"],
                        clf.predict(list(splits["validation"]["text"])))
           for lr, clf in trials.items()}
    lr = max(grid, key=val.__getitem__)
    rows = []
    for seed in recipe.seeds:
        clf = trials[lr] if seed == first else tune(splits, recipe, lr=lr, seed=seed,
                                                     **options)
        rows.append({"seed": seed, "lr": lr, "epoche": clf.history.best_epoch + 1,
                     "sekunden": clf.seconds, "aus_cache": clf.from_cache,
                     **_scores(clf.predict, splits)})
    return pd.DataFrame(rows)


def summarize(runs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Mittelwert und Standardabweichung (ddof=1) je Modell und Auswertungsmenge.

    ``runs`` ordnet jedem Modellnamen eine Tabelle mit den Spalten aus :data:`EVAL_SETS`
    zu (eine Zeile je Seed; eine einzige Zeile hat die Streuung 0). Ergebnis: eine Zeile je
    Modell mit ``<menge>_mittel`` und ``<menge>_sd`` sowie ``seeds``.
    """
    check_instance("runs", runs, dict, "ein dict Modellname → Tabelle")
    if not runs:
        raise ValueError("runs darf nicht leer sein.")
    rows = {}
    for name, frame in runs.items():
        check_instance(f"runs[{name!r}]", frame, pd.DataFrame, "ein DataFrame")
        missing = sorted(set(EVAL_SETS) - set(frame.columns))
        if missing or frame.empty:
            raise ValueError(f"runs[{name!r}] braucht Zeilen und die Spalten {list(EVAL_SETS)}.")
        row = {}
        for col in EVAL_SETS:
            row[f"{col}_mittel"] = float(frame[col].mean())
            row[f"{col}_sd"] = float(frame[col].std(ddof=1)) if len(frame) > 1 else 0.0
        row["seeds"] = len(frame)
        rows[name] = row
    return pd.DataFrame(rows).T.astype({"seeds": int})


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Die Zusammenfassung zum Lesen: je Menge „Mittelwert ± sd“ mit Dezimalkomma."""
    from kibuch.core.fmt import de

    check_instance("summary", summary, pd.DataFrame, "ein DataFrame aus summarize()")
    if summary.empty:
        raise ValueError("summary ist leer; erwartet wird das Ergebnis von summarize().")
    names = {"validation": "Validierung", "test": "Test", "ood": "OOD"}
    missing = [f"{n}_{k}" for n in EVAL_SETS for k in ("mittel", "sd")
               if f"{n}_{k}" not in summary.columns]
    if missing:
        raise ValueError(f"summary fehlen die Spalten {missing}; erwartet wird summarize().")
    return pd.DataFrame({names[n]: [f"{de(m, 3)} ± {de(sd, 3)}" for m, sd in
                                    zip(summary[f"{n}_mittel"], summary[f"{n}_sd"])]
                         for n in EVAL_SETS}, index=summary.index)
