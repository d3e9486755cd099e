"""Fehleingabe-Sweep: jede öffentliche Funktion und Klasse von ``kibuch`` mit falschen Argumenten.

Für jede aufrufbare öffentliche Größe (Name ohne Unterstrich, im Modul selbst definiert,
keine Ausnahmeklasse) eines jeden Moduls unter ``kibuch`` (gefunden mit ``pkgutil``)
wird eine gültige Grundbelegung gebaut – aus :data:`VALID` oder den Standardwerten.
Dann wird **ein** Argument nach dem anderen durch falsche Werte ersetzt, passend zu
Annotation, Standardwert und Name (Text/None/bool statt Zahl, NaN, inf, −1, 0, riesig,
ein String statt einer Liste von Strings, unbekannte Optionen, leere Arrays, Arrays
unterschiedlicher Länge …). Jeder Fall endet

* **klar** – ``TypeError``, ``ValueError`` oder ``KibuchError`` mit dem Argumentnamen
  in der Meldung,
* **unklar** – eine andere Ausnahme oder eine Meldung ohne den Argumentnamen,
* **still** – ein Ergebnis ohne Fehler,
* **hängt** – länger als :data:`TIMEOUT` Sekunden (SIGALRM).

Ein unbekanntes Schlüsselwort an einer Funktion ohne ``**kwargs`` beantwortet Python selbst
(englischer ``TypeError`` „got an unexpected keyword argument“, nennt den Namen): Solche
Fälle zählen als klar, die Zusammenfassung weist sie aber gesondert aus
(``python_unknown_keyword``). Übersprungen wird nur, was in :data:`SKIP` mit Grund steht
(Ergebnisbehälter und gemeldete, noch offene Mängel mit dem Präfix „OFFEN“); veraltete
Einträge der Grundbelegungen stehen im Bericht.

Aufruf: ``python tests/reliability/sweep.py [--json PFAD] [--report PFAD] [--module PRÄFIX]``.
Der Test ``test_sweep.py`` startet das Skript in einem eigenen Prozess, damit globale
Zustände (Seeds, matplotlib-Einstellungen, Umgebungsvariablen) die anderen Tests nicht
berühren.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import importlib
import inspect
import io
import json
import math
import os
import pkgutil
import re
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_JSON = ROOT / "_build" / "reliability" / "sweep.json"

#: Höchstdauer eines einzelnen Aufrufs in Sekunden.
TIMEOUT = 1.0
#: Diese Module werden nicht untersucht (Skripte, keine Bibliothek).
SKIP_MODULES = ("kibuch.resources",)

#: Bewusste Ausnahmen: (Funktion, Argument, Fall) → Begründung. Diese Fälle zählen
#: weder als klar noch als Fehler.
ALLOW: dict[tuple[str, str, str], str] = {
    ("kibuch.chapters.ch03_3_transfer.pilot_then_rest", "settings", "Strings statt Zahlen"):
        "settings sind beliebige Einstellungen (auch Namen); geprüft werden sie in run().",
    ("kibuch.chapters.ch03_3_transfer.pilot_then_rest", "settings", "NaN in Folge"):
        "settings sind beliebige Einstellungen; geprüft werden sie in run().",
    ("kibuch.viz.book.glue_values", "*", "unbekanntes Argument"):
        "glue_values nimmt beliebige Namen an: jeder Name wird ein glue-Schlüssel.",
    ("kibuch.core.checks.check_same_length", "*", "unbekanntes Argument"):
        "check_same_length nimmt beliebige Namen an: jeder Name ist eine zu prüfende Folge.",
    ("kibuch.core.artifacts.artifact_key", "*", "unbekanntes Argument"):
        "artifact_key(*parts) nimmt keine Schlüsselwörter; der TypeError kommt von Python.",
    ("kibuch.viz.book.report_results", "*", "unbekanntes Argument"):
        "report_results nimmt beliebige Namen an: jeder Name wird ein Ergebnisschlüssel.",
    ("kibuch.chapters.ch06_workflow.predict_in_subprocess", "rows", "falsche Spalten"):
        "Welche Spalten das Modell braucht, weiß erst der Vorhersageprozess; sein "
        "RuntimeError gibt die Meldung von scikit-learn mit den fehlenden Spalten weiter.",
    ("kibuch.chapters.ch03_2_playground.mean_sd", "values", "NaN in Folge"):
        "Gewollt (finite=False): Ohne Validierungsdaten ist der Endwert NaN, und die Tabelle "
        "zeigt dann „k. A. ± k. A.“ statt den Buchbau abzubrechen.",
    ("kibuch.data.__main__.main", "argv", "leere Liste"):
        "Kommandozeile: argparse meldet den fehlenden Befehl auf stderr und beendet mit "
        "Status 2 (SystemExit), wie jedes Kommandozeilenprogramm.",
}


class SweepTimeout(BaseException):
    """Ein Aufruf dauerte zu lange (BaseException, damit ``except Exception`` sie nicht fängt)."""


# ------------------------------------------------------------------ Grundbelegungen


class Fixtures:
    """Kleine, gültige Objekte für die Grundbelegungen (faul gebaut, einmal je Lauf)."""

    @functools.cached_property
    def np(self):
        import numpy as np

        return np

    @functools.cached_property
    def X2(self):
        rng = self.np.random.default_rng(0)
        return rng.normal(size=(24, 2))  # (24, 2)

    @functools.cached_property
    def y2(self):
        return (self.X2[:, 0] > 0).astype(int)  # (24,), 0/1

    @functools.cached_property
    def x1(self):
        return self.np.linspace(0.5, 10.0, 24)  # (24,)

    @functools.cached_property
    def y1(self):
        return 2.0 * self.np.log(self.x1) + 1.0

    @functools.cached_property
    def image(self):
        return self.np.arange(36, dtype=float).reshape(6, 6) / 36  # (6, 6)

    @functools.cached_property
    def kernel(self):
        return self.np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])

    @functools.cached_property
    def digits(self):
        from kibuch.data import load

        X, y = load("digits")
        return X[:30].copy(), y[:30].copy()  # (30, 8, 8) float32, (30,) int64, alle Ziffern

    @functools.cached_property
    def lenet_config(self):
        from kibuch.nn.cnn import LeNetConfig

        return LeNetConfig(image_size=8, kernel_size=3, channels=(2, 4), hidden=(8, 8),
                           n_classes=10)

    @functools.cached_property
    def lenet(self):
        import torch

        from kibuch.nn.cnn import LeNet

        torch.manual_seed(0)
        return LeNet(self.lenet_config)

    @functools.cached_property
    def images_tensor(self):
        import torch

        return torch.tensor(self.digits[0][:4]).unsqueeze(1)  # (4, 1, 8, 8)

    @functools.cached_property
    def labels_tensor(self):
        import torch

        return torch.tensor(self.digits[1][:4])

    @functools.cached_property
    def gpt_config(self):
        from kibuch.nn.gpt import GPTConfig

        return GPTConfig(vocab_size=12, block_size=8, n_layer=1, n_head=2, n_embd=8)

    @functools.cached_property
    def block_config(self):
        from kibuch.nn.attention import BlockConfig

        return BlockConfig(n_embd=8, n_head=2)

    @functools.cached_property
    def qkv(self):
        import torch

        g = torch.Generator().manual_seed(0)
        return [torch.randn(3, 2, 5, 4, generator=g) for _ in range(3)]  # (B, h, T, d)

    @functools.cached_property
    def encoder(self):
        from kibuch.nn.bert import load_encoder

        return load_encoder()

    @functools.cached_property
    def encoder_attentions(self):
        from kibuch.nn.bert import load_encoder

        model = load_encoder(output_attentions=True)
        return model[0] if isinstance(model, tuple) else model

    @functools.cached_property
    def tokenizer(self):
        from kibuch.text.tokens import load_encoder_tokenizer

        return load_encoder_tokenizer()

    @functools.cached_property
    def numpy_mlp(self):
        from kibuch.scratch.mlp_numpy import NumpyMLP, NumpyMLPConfig

        return NumpyMLP(NumpyMLPConfig(sizes=(2, 3, 2)))

    @functools.cached_property
    def torch_mlp(self):
        from kibuch.nn.mlp import MLPConfig, TorchMLP

        return TorchMLP(MLPConfig(in_features=2, hidden=(4,), out_features=2))

    @functools.cached_property
    def loaders(self):
        import torch

        from kibuch.training.loop import tensor_loaders

        X = torch.tensor(self.X2[:16], dtype=torch.float32)
        y = torch.tensor(self.y2[:16])
        return tensor_loaders(X, y, X, y, batch_size=8)

    @functools.cached_property
    def train_config(self):
        from kibuch.training.loop import TrainConfig

        return TrainConfig(epochs=1, progress=False)

    @functools.cached_property
    def grid_world(self):
        from kibuch.scratch.qlearning import GridWorld

        return GridWorld()

    @functools.cached_property
    def q_table(self):
        from kibuch.scratch.qlearning import value_iteration

        env = self.grid_world
        return self.np.zeros((env.height, env.width, 4)) + 0.0 * value_iteration(env)[..., None]

    @functools.cached_property
    def ratings(self):
        import pandas as pd

        rng = self.np.random.default_rng(0)
        rows = []
        for user in range(12):
            films = rng.choice(20, size=int(rng.integers(6, 12)), replace=False)
            for i, film in enumerate(films):
                rows.append((user, int(film), float(rng.integers(1, 11) / 2),
                             pd.Timestamp("2020-01-01") + pd.Timedelta(days=i)))
        return pd.DataFrame(rows, columns=["user_id", "film_id", "bewertung", "zeitstempel"])

    @functools.cached_property
    def split_ratings(self):
        from kibuch.scratch.recommender import split_by_time

        return split_by_time(self.ratings, 0.25, min_ratings=2)

    @functools.cached_property
    def sensors(self):
        from kibuch.data.synthetic.sensors import MaintenanceConfig, make_sensor_data

        return make_sensor_data(MaintenanceConfig(n_samples=120), seed=0)

    @functools.cached_property
    def raw_records(self):
        from kibuch.data.synthetic.raw_records import RawDataConfig, make_raw_records

        return make_raw_records(RawDataConfig(n_samples=60), seed=0)

    @functools.cached_property
    def sklearn_model(self):
        from sklearn.linear_model import LogisticRegression

        X = self.sensors[["temperatur", "vibration", "oeldruck"]]
        return LogisticRegression(max_iter=200).fit(X, self.sensors["ausfall_7t"])

    @functools.cached_property
    def people(self):
        import pandas as pd

        return pd.DataFrame({"klasse": [1, 1, 2, 2, 3, 3], "geschlecht": list("mwmwmw"),
                             "ueberlebt": [1, 1, 0, 1, 0, 0]})

    @functools.cached_property
    def ngram(self):
        from kibuch.chapters.ch05_risks import CharNGramLM, NGramConfig

        return CharNGramLM(NGramConfig(order=3)).fit("abrakadabra " * 20 + "pin 1234 ")

    @functools.cached_property
    def texts(self):
        return ["gut und schön", "schlecht und laut", "sehr gut", "sehr schlecht"] * 3

    @functools.cached_property
    def labels(self):
        return ["positiv", "negativ", "positiv", "negativ"] * 3

    @functools.cached_property
    def history(self):
        from kibuch.training.loop import History

        return History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.7], val_loss=[1.1, 0.6],
                       val_acc=[0.4, 0.6], seconds=[0.1, 0.1])

    @functools.cached_property
    def kmeans_config(self):
        from kibuch.scratch.kmeans import KMeansConfig

        return KMeansConfig(k=2, max_iter=10)

    @functools.cached_property
    def psi(self):
        from kibuch.chapters.ch06_workflow import drift_report

        current = self.sensors.assign(woche=[i % 2 for i in range(len(self.sensors))])
        report = drift_report(self.sensors, current, window="woche")
        return report.pivot(index="fenster", columns="merkmal", values="psi")

    @functools.cached_property
    def elbow(self):
        from kibuch.scratch.kmeans import elbow_and_silhouette

        return elbow_and_silhouette(self.X2, [2, 3], n_init=1)

    @functools.cached_property
    def kmeans_result(self):
        from kibuch.scratch.kmeans import kmeans

        return kmeans(self.X2, self.kmeans_config)

    @functools.cached_property
    def classifier(self):
        """Ein winzig feingetunter Encoder (4 Texte, 1 Epoche, ohne Cache)."""
        from kibuch.nn.bert import fine_tune

        return fine_tune(self.texts[:4], self.labels[:4], max_length=8, epochs=1,
                         batch_size=4, use_cache=False)

    @functools.cached_property
    def image_splits(self):
        from kibuch.data.images import ImageSplits

        X, y = self.digits  # (30, 8, 8), (30,): jede Ziffer dreimal
        return ImageSplits("digits", X[:20], y[:20], X[20:], y[20:], X[20:], y[20:])

    @functools.cached_property
    def cnn_recipe(self):
        from kibuch.chapters.ch03_3_cnn import CNNRecipe

        return CNNRecipe(channels=(2,), grid=1, epochs=1, batch_size=8, augment=None)

    @functools.cached_property
    def cnn(self):
        from kibuch.chapters.ch03_3_cnn import train_cnn

        return train_cnn(self.image_splits, self.cnn_recipe, log_dir=self.tmp / "tb",
                         use_cache=False)[0]

    @functools.cached_property
    def transfer_config(self):
        from kibuch.chapters import ch03_3_transfer

        sys.path.insert(0, str(Path(__file__).parent))
        from determinism_probe import tiny_transfer_config

        return tiny_transfer_config(ch03_3_transfer, batch_size=4)

    @functools.cached_property
    def transfer_runs(self):
        from kibuch.chapters.ch03_3_transfer import run_transfer

        return run_transfer(self.cnn, self.image_splits, self.transfer_config, use_cache=False)

    @functools.cached_property
    def scalars_dir(self) -> Path:
        self.cnn  # noqa: B018 - schreibt die TensorBoard-Ereignisdatei
        return self.tmp / "tb"

    @functools.cached_property
    def joblib_model(self) -> Path:
        from kibuch.chapters.ch06_workflow import save_model

        return save_model(self.sklearn_model, self.tmp / "dienst.joblib")

    @functools.cached_property
    def tmp(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="kibuch-sweep-"))

    @functools.cached_property
    def idx_file(self) -> Path:
        np = self.np
        array = np.arange(6, dtype=np.uint8)
        path = self.tmp / "labels-idx1-ubyte"
        path.write_bytes(bytes([0, 0, 8, 1]) + np.array([6], ">u4").tobytes() + array.tobytes())
        return path

    @functools.cached_property
    def reviews_files(self) -> tuple[Path, Path]:
        import hashlib

        csv = self.tmp / "reviews.csv"
        csv.write_text("text,label,domain,split\nSehr gut.,positiv,technik,train\n"
                       "Schlecht.,negativ,hotel,test\n", encoding="utf-8")
        sha = self.tmp / "reviews.sha256"
        sha.write_text(hashlib.sha256(csv.read_bytes()).hexdigest() + "  reviews.csv\n")
        return csv, sha


F = Fixtures()


def _tiny_train():
    import torch

    return {"w": torch.ones(2)}, {"loss": [0.5]}


def _valid_table() -> dict:
    """Gültige Argumente je Funktion: ``qualname → lambda: kwargs`` (oder ``(args, kwargs)``)."""
    np = F.np
    d = F  # kurz

    def dates():
        import pandas as pd

        return pd.date_range("2024-01-01", periods=5, freq="D")

    return {
        # ------------------------------------------------------------------- core
        "kibuch.core.artifacts.Artifact": lambda: {"tensors": {}, "info": {}, "from_cache": False,
                                                   "path": None},
        "kibuch.core.artifacts.artifact_key": lambda: (("a", {"b": 1}), {}),
        "kibuch.core.artifacts.load_or_train": lambda: {"kind": "sweep", "key_parts": "x",
                                                        "train": _tiny_train},
        "kibuch.core.cache.cache_dir": lambda: {"subdir": "sweep"},
        "kibuch.core.checks.check_int": lambda: {"name": "value", "value": 3, "minimum": 1,
                                                 "maximum": 10},
        "kibuch.core.checks.check_float": lambda: {"name": "value", "value": 0.5,
                                                   "minimum": 0.0, "maximum": 1.0},
        "kibuch.core.checks.check_probability": lambda: {"name": "value", "value": 0.5},
        "kibuch.core.checks.check_bool": lambda: {"name": "value", "value": True},
        "kibuch.core.checks.check_str": lambda: {"name": "value", "value": "abc"},
        "kibuch.core.checks.check_choice": lambda: {"name": "value", "value": "relu",
                                                    "choices": ("relu", "tanh")},
        "kibuch.core.checks.check_str_list": lambda: {"name": "value", "value": ["a", "b"]},
        "kibuch.core.checks.check_array": lambda: {"name": "value", "value": [1.0, 2.0]},
        "kibuch.core.checks.check_same_length": lambda: {"X": [1.0, 2.0], "y": [3.0, 4.0]},
        "kibuch.core.checks.check_instance": lambda: {"name": "value", "value": 3,
                                                      "types": int},
        "kibuch.core.checks.check_callable": lambda: {"name": "value", "value": len},
        "kibuch.core.checks.check_path": lambda: {"name": "value", "value": "a/b.txt"},
        "kibuch.core.device.set_seed": lambda: {"seed": 0},
        "kibuch.core.device.get_device": lambda: {"prefer": "cpu"},
        "kibuch.core.device.device_name": lambda: {"device": "cpu"},
        "kibuch.core.fmt.de": lambda: {"x": 1.5, "digits": 1},
        "kibuch.core.fmt.pct": lambda: {"x": 0.5, "digits": 1},
        # ------------------------------------------------------------------- data
        "kibuch.data.__main__.main": lambda: {"argv": ["list"]},
        "kibuch.data.checksums.sha256_file": lambda: {"path": d.idx_file},
        "kibuch.data.checksums.verify_file": lambda: {
            "path": d.idx_file, "expected": __import__("hashlib").sha256(
                d.idx_file.read_bytes()).hexdigest()},
        "kibuch.data.checksums.package_file": lambda: {
            "package": "sklearn", "relpath": "datasets/data/digits.csv.gz"},
        "kibuch.data.checksums.read_sha256_file": lambda: {"path": d.reviews_files[1]},
        "kibuch.data.images.parse_idx": lambda: {"data": d.idx_file.read_bytes()},
        "kibuch.data.images.read_idx": lambda: {"path": d.idx_file},
        "kibuch.data.images.load_digits": lambda: {"split": "test"},
        "kibuch.data.images.RemoteFile": lambda: {"filename": "a.gz", "size": 3,
                                                  "sha256": "0" * 64, "md5": "0" * 32},
        "kibuch.data.images.download_mnist": lambda: {"directory": d.tmp / "mnist",
                                                      "timeout": 1.0},
        "kibuch.data.images.load_mnist": lambda: {"split": "test", "download": False},
        "kibuch.data.registry.Column": lambda: {"name": "a", "dtype": "int64",
                                                "description": "x"},
        "kibuch.data.registry.Datasheet": lambda: {
            "name": "n", "title": "t", "source": "s", "license": "l", "size": "1",
            "citation": "c", "collection": "k"},
        "kibuch.data.registry.Option": lambda: {"default": None, "choices": (None, "a")},
        "kibuch.data.registry.register": lambda: {"name": "sweep-neu", "sheet": lambda: None},
        "kibuch.data.registry.load": lambda: {"name": "digits", "split": "test"},
        "kibuch.data.registry.info": lambda: {"name": "digits"},
        "kibuch.data.text.read_reviews": lambda: {"csv_path": d.reviews_files[0],
                                                  "sha_path": d.reviews_files[1]},
        "kibuch.data.text.load_reviews_de": lambda: {"split": "test"},
        "kibuch.data.text.markdown_prose": lambda: {"source": "# Titel\n\nEin Satz."},
        "kibuch.data.text.load_corpus_de": lambda: {"sources": ["reviews_de"], "as_text": True},
        "kibuch.data.text.read_reviews_ood": lambda: {
            "csv_path": __import__("kibuch.data.text", fromlist=["x"]).REVIEWS_OOD_CSV,
            "sha_path": __import__("kibuch.data.text", fromlist=["x"]).REVIEWS_OOD_SHA},
        "kibuch.data.text.load_reviews_ood_de": lambda: {"split": "test"},
        "kibuch.data.text.normalize_for_overlap": lambda: {"text": "Gar NICHT  schlecht :-)"},
        "kibuch.data.text.find_contained": lambda: {"texts": ["nicht schlecht"],
                                                    "corpus": ["Gar nicht schlecht."]},
        "kibuch.data.text.near_duplicates": lambda: {
            "texts": ["Der Akku hält lange.", "Der Akku hält sehr lange."],
            "others": ["Ganz anderer Satz."], "n": 5, "threshold": 0.8,
            "measure": "jaccard"},
        "kibuch.data.facts.value": lambda: {"gegenstand": "GPT-3", "groesse": "Parameter"},
        "kibuch.data.facts.german_date": lambda: {"date": __import__("datetime").date(2025, 2, 2)},
        "kibuch.data.facts.training_flop": lambda: {"params": 1e9, "tokens": 2e10},
        "kibuch.data.synthetic.business.make_customers": lambda: {"n": 20},
        "kibuch.data.synthetic.business.make_sensor_data": lambda: {"n": 50},
        "kibuch.data.synthetic.business.make_orders": lambda: {"n": 5},
        "kibuch.data.synthetic.curves.make_curve_data": lambda: {"n": 10},
        "kibuch.data.synthetic.curves.make_regression_1d": lambda: {"n": 10},
        "kibuch.data.synthetic.curves.make_regression_2d": lambda: {"n": 10},
        "kibuch.data.synthetic.population.make_group_population": lambda: {
            "n": 50, "minority_share": 0.2},
        "kibuch.data.synthetic.prices.PriceSeriesConfig": lambda: {"days": 10},
        "kibuch.data.synthetic.prices.make_price_series": lambda: {
            "config": __import__("kibuch.data.synthetic.prices", fromlist=["x"])
            .PriceSeriesConfig(days=10)},
        "kibuch.data.synthetic.raw_records.RawDataConfig": lambda: {"n_samples": 40},
        "kibuch.data.synthetic.raw_records.make_raw_records": lambda: {
            "config": __import__("kibuch.data.synthetic.raw_records", fromlist=["x"])
            .RawDataConfig(n_samples=40)},
        "kibuch.data.synthetic.sensors.MaintenanceConfig": lambda: {"n_samples": 40},
        "kibuch.data.synthetic.sensors.make_sensor_data": lambda: {
            "config": __import__("kibuch.data.synthetic.sensors", fromlist=["x"])
            .MaintenanceConfig(n_samples=40)},
        "kibuch.data.synthetic.toy2d.make_toy2d": lambda: {"name": "kreise", "n": 20},
        "kibuch.data.synthetic.toy2d.add_features": lambda: {"X": d.X2, "names": ("x1", "x2")},
        "kibuch.data.synthetic.toy2d.grid": lambda: {"resolution": 5},
        # --------------------------------------------------------------------- nn
        **{f"kibuch.nn.activations.{n}": (lambda: {"z": np.linspace(-2, 2, 5)})
           for n in ("step", "step_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad",
                     "relu", "relu_grad", "identity", "identity_grad")},
        "kibuch.nn.activations.get_activation": lambda: {"name": "relu"},
        "kibuch.nn.activations.softmax": lambda: {"z": np.array([[1.0, 2.0, 3.0]])},
        "kibuch.nn.attention.causal_mask": lambda: {"t": 4},
        "kibuch.nn.attention.attention": lambda: {"q": d.qkv[0], "k": d.qkv[1], "v": d.qkv[2]},
        "kibuch.nn.attention.sinusoidal_positions": lambda: {"n_positions": 5, "d_model": 4},
        "kibuch.nn.attention.BlockConfig": lambda: {"n_embd": 8, "n_head": 2},
        "kibuch.nn.attention.MultiHeadSelfAttention": lambda: {"config": d.block_config},
        "kibuch.nn.attention.TransformerBlock": lambda: {"config": d.block_config},
        "kibuch.nn.attention.feed_forward": lambda: {"n_embd": 8},
        "kibuch.nn.bert.load_encoder": lambda: {},
        "kibuch.nn.bert.mask_tokens": lambda: {
            "input_ids": __import__("torch").tensor([[101, 2000, 2001, 2002, 102]]),
            "tokenizer": d.tokenizer},
        "kibuch.nn.bert.make_nsp_pairs": lambda: {
            "documents": [["Satz eins.", "Satz zwei.", "Satz drei."], ["A b.", "C d."]]},
        "kibuch.nn.bert.sentence_embeddings": lambda: {
            "texts": ["Hallo Welt"], "model": d.encoder[0] if isinstance(d.encoder, tuple)
            else d.encoder, "tokenizer": d.tokenizer, "max_length": 16},
        "kibuch.nn.bert.attention_maps": lambda: {
            "text": "Hallo Welt", "model": d.encoder_attentions, "tokenizer": d.tokenizer},
        "kibuch.nn.bert.mean_pool": lambda: {
            "hidden": __import__("torch").ones(2, 3, 4),
            "attention_mask": __import__("torch").tensor([[1, 1, 0], [1, 0, 0]])},
        "kibuch.nn.bert.encoder_cached": lambda: {"name": "kibuch-test/gibt-es-nicht",
                                                  "cache_dir": str(d.tmp)},
        "kibuch.nn.bert.build_classifier": lambda: {"n_classes": 2, "pooling": "cls"},
        "kibuch.nn.bert.EncoderClassifier": lambda: {"encoder": d.encoder, "n_classes": 3},
        "kibuch.nn.bert.TextBatches": lambda: {"texts": d.texts[:4], "labels": [0, 1, 0, 1],
                                               "tokenizer": d.tokenizer, "batch_size": 2,
                                               "max_length": 8},
        "kibuch.nn.cnn.to_gray": lambda: {"image": np.ones((4, 4, 3))},
        "kibuch.nn.cnn.conv_output_size": lambda: {"n": 28, "kernel": 5},
        "kibuch.nn.cnn.iter_windows": lambda: {"image": d.image, "kernel_shape": (3, 3)},
        "kibuch.nn.cnn.conv2d_naive": lambda: {"image": d.image, "kernel": d.kernel},
        "kibuch.nn.cnn.max_pool_naive": lambda: {"image": d.image},
        "kibuch.nn.cnn.filter_image": lambda: {"image": d.image, "kernel": d.kernel},
        "kibuch.nn.cnn.conv_layer_params": lambda: {"in_channels": 1, "out_channels": 6,
                                                    "kernel": 5},
        "kibuch.nn.cnn.dense_layer_params": lambda: {"n_in": 4, "n_out": 3},
        "kibuch.nn.cnn.layer_table": lambda: {"model": d.lenet, "input_shape": (1, 8, 8)},
        "kibuch.nn.cnn.LeNetConfig": lambda: {"image_size": 8, "kernel_size": 3},
        "kibuch.nn.cnn.LeNet": lambda: {"config": d.lenet_config},
        "kibuch.nn.cnn.as_image_tensor": lambda: {"X": d.digits[0][:4]},
        "kibuch.nn.cnn.extract_embeddings": lambda: {"model": d.lenet, "X": d.digits[0][:4]},
        "kibuch.nn.cnn.predict_proba": lambda: {"model": d.lenet, "X": d.digits[0][:4]},
        "kibuch.nn.cnn.AlexNetConfig": lambda: {},
        "kibuch.nn.cnn.AlexNet": lambda: {"config": __import__("kibuch.nn.cnn", fromlist=["x"])
                                          .AlexNetConfig(n_classes=2)},
        "kibuch.nn.gpt.GPTConfig": lambda: {"vocab_size": 12, "block_size": 8, "n_layer": 1,
                                            "n_head": 2, "n_embd": 8},
        "kibuch.nn.gpt.GPT": lambda: {"config": d.gpt_config},
        "kibuch.nn.gpt.gpt_train_config": lambda: {"steps": 2},
        "kibuch.nn.gpt.text_loss": lambda: {
            "model": __import__("kibuch.nn.gpt", fromlist=["x"]).GPT(d.gpt_config),
            "tokenizer": __import__("kibuch.text.tokens", fromlist=["x"]).CharTokenizer(
                "abcdefghijkl"),
            "text": "abcabcabcdefghijkl" * 2},
        "kibuch.nn.gpt.RandomWindows": lambda: {"data": __import__("torch").arange(40),
                                                "block_size": 4, "batch_size": 2,
                                                "n_batches": 2},
        "kibuch.nn.gpt.train_gpt": lambda: {
            "text": "abrakadabra simsalabim " * 50, "config": __import__(
                "kibuch.nn.gpt", fromlist=["x"]).GPTConfig(
                vocab_size=12, block_size=8, n_layer=1, n_head=2, n_embd=8),
            "train_config": __import__("kibuch.nn.gpt", fromlist=["x"]).gpt_train_config(
                steps=2, batch_size=2, eval_every=None, progress=False),
            "use_cache": False},
        "kibuch.nn.mlp.MLPConfig": lambda: {"hidden": (4,)},
        "kibuch.nn.mlp.build_mlp": lambda: {"cfg": __import__("kibuch.nn.mlp", fromlist=["x"])
                                            .MLPConfig(hidden=(4,))},
        "kibuch.nn.mlp.TorchMLP": lambda: {"cfg": __import__("kibuch.nn.mlp", fromlist=["x"])
                                           .MLPConfig(hidden=(4,))},
        "kibuch.nn.mlp.count_parameters": lambda: {"model": d.torch_mlp},
        # ----------------------------------------------------------------- scratch
        "kibuch.scratch.backprop.TwoNeuronNet": lambda: {},
        "kibuch.scratch.backprop.forward": lambda: {
            "p": __import__("kibuch.scratch.backprop", fromlist=["x"]).TwoNeuronNet(), "x": 1.0},
        "kibuch.scratch.backprop.loss": lambda: {"a2": 0.3, "y": 1.0},
        "kibuch.scratch.backprop.backward": lambda: _backprop_backward(),
        "kibuch.scratch.backprop.numerical_gradient": lambda: {
            "p": __import__("kibuch.scratch.backprop", fromlist=["x"]).TwoNeuronNet(),
            "x": 1.0, "y": 0.0},
        "kibuch.scratch.backprop.sgd_step": lambda: {
            "p": __import__("kibuch.scratch.backprop", fromlist=["x"]).TwoNeuronNet(),
            "x": 1.0, "y": 0.0, "lr": 0.1},
        "kibuch.scratch.forecasting.lag_matrix": lambda: {"values": np.arange(1.0, 31.0),
                                                          "n_lags": 3},
        "kibuch.scratch.forecasting.one_step_forecasts": lambda: {
            "values": 100 + 10 * np.sin(np.arange(60) / 2) + np.arange(60), "n_test": 6,
            "n_lags": 3, "season": 4},
        "kibuch.scratch.kmeans.KMeansConfig": lambda: {"k": 2},
        "kibuch.scratch.kmeans.KMeansStep": lambda: {"centers": np.zeros((2, 2)),
                                                     "labels": np.zeros(3, int), "inertia": 1.0},
        "kibuch.scratch.kmeans.KMeansResult": lambda: {
            "centers": np.zeros((2, 2)), "labels": np.zeros(3, int), "inertia": 1.0,
            "n_iter": 1, "converged": True},
        "kibuch.scratch.kmeans.squared_distances": lambda: {"X": d.X2, "centers": d.X2[:2]},
        "kibuch.scratch.kmeans.init_centers": lambda: {"X": d.X2, "k": 2},
        "kibuch.scratch.kmeans.assign": lambda: {"X": d.X2, "centers": d.X2[:2]},
        "kibuch.scratch.kmeans.update_centers": lambda: {"X": d.X2, "labels": d.y2,
                                                         "centers": d.X2[:2]},
        "kibuch.scratch.kmeans.kmeans": lambda: {"X": d.X2, "config": d.kmeans_config},
        "kibuch.scratch.kmeans.best_of": lambda: {"X": d.X2, "config": d.kmeans_config,
                                                  "n_init": 2},
        "kibuch.scratch.kmeans.elbow_and_silhouette": lambda: {"X": d.X2, "ks": [2, 3],
                                                               "n_init": 1},
        "kibuch.scratch.mlp_numpy.NumpyMLPConfig": lambda: {"sizes": (2, 3, 2)},
        "kibuch.scratch.mlp_numpy.NumpyMLP": lambda: {"cfg": __import__(
            "kibuch.scratch.mlp_numpy", fromlist=["x"]).NumpyMLPConfig(sizes=(2, 3, 2))},
        "kibuch.scratch.mlp_numpy.train": lambda: {"model": d.numpy_mlp, "X": d.X2, "y": d.y2,
                                                   "epochs": 2},
        "kibuch.scratch.mlp_numpy.numerical_gradients": lambda: {
            "model": d.numpy_mlp, "X": d.X2[:4], "y": d.y2[:4]},
        "kibuch.scratch.mlp_numpy.torch_gradients": lambda: {
            "model": d.numpy_mlp, "X": d.X2[:4], "y": d.y2[:4]},
        "kibuch.scratch.mlp_numpy.check_gradients": lambda: {
            "model": d.numpy_mlp, "X": d.X2[:4], "y": d.y2[:4]},
        "kibuch.scratch.qlearning.GridWorld": lambda: {},
        "kibuch.scratch.qlearning.QLearningConfig": lambda: {"episodes": 5},
        "kibuch.scratch.qlearning.QLearningResult": lambda: {
            "q": np.zeros((4, 5, 4)), "returns": np.zeros(3), "lengths": np.zeros(3, int),
            "visits": np.zeros((4, 5))},
        "kibuch.scratch.qlearning.epsilon_greedy": lambda: {
            "q_row": np.array([0.1, 0.5, 0.2, 0.0]), "epsilon": 0.1,
            "rng": np.random.default_rng(0)},
        "kibuch.scratch.qlearning.q_learning": lambda: {
            "env": d.grid_world, "config": __import__("kibuch.scratch.qlearning", fromlist=["x"])
            .QLearningConfig(episodes=5, max_steps=20)},
        "kibuch.scratch.qlearning.value_iteration": lambda: {"env": d.grid_world},
        "kibuch.scratch.qlearning.greedy_path": lambda: {"env": d.grid_world,
                                                         "q": np.zeros((20, 4))},
        "kibuch.scratch.qlearning.value_grid": lambda: {"env": d.grid_world,
                                                        "q": np.zeros((20, 4))},
        "kibuch.scratch.recommender.split_by_time": lambda: {"ratings": d.ratings,
                                                             "test_frac": 0.25},
        "kibuch.scratch.recommender.relevant_items": lambda: {"test": d.split_ratings[1]},
        "kibuch.scratch.recommender.recommend_popular": lambda: {
            "train": d.split_ratings[0], "users": [0, 1], "k": 3},
        "kibuch.scratch.recommender.item_similarity": lambda: {"train": d.split_ratings[0],
                                                               "min_ratings": 2},
        "kibuch.scratch.recommender.recommend_item_knn": lambda: {
            "train": d.split_ratings[0], "users": [0, 1], "k": 3, "min_ratings": 2},
        "kibuch.scratch.recommender.matrix_factors": lambda: {
            "train": d.split_ratings[0], "n_factors": 3, "min_ratings": 2},
        "kibuch.scratch.recommender.recommend_mf": lambda: {
            "train": d.split_ratings[0], "users": [0, 1], "k": 3, "n_factors": 3,
            "min_ratings": 2},
        "kibuch.scratch.recommender.precision_recall_at_k": lambda: {
            "recommendations": {0: [1, 2, 3]}, "relevant": {0: {2}}, "k": 3},
        # -------------------------------------------------------------------- text
        "kibuch.text.sampling.check_sampling_options": lambda: {"temperature": 1.0,
                                                                "top_k": 3, "top_p": 0.9},
        "kibuch.text.sampling.filter_logits": lambda: {
            "logits": __import__("torch").tensor([[1.0, 2.0, 3.0, 0.5]]), "top_k": 2},
        "kibuch.text.sampling.sample": lambda: {
            "logits": __import__("torch").tensor([[1.0, 2.0, 3.0, 0.5]]),
            "generator": __import__("torch").Generator().manual_seed(0)},
        "kibuch.text.tokens.CharTokenizer": lambda: {"chars": ["a", "b", "c"]},
        "kibuch.text.tokens.train_bpe": lambda: {"texts": ["hallo welt"] * 5, "vocab_size": 260},
        "kibuch.text.tokens.token_pieces": lambda: {
            "tokenizer": __import__("kibuch.text.tokens", fromlist=["train_bpe"]).train_bpe(
                ["hallo welt"] * 5, vocab_size=260), "text": "hallo Welt"},
        "kibuch.text.tokens.words": lambda: {"sentence": "Hallo, Welt!"},
        "kibuch.text.tokens.tokenizer_stats": lambda: {"tokenize": str.split,
                                                       "sentences": ["Hallo Welt.", "Ja."]},
        "kibuch.text.tokens.compare_tokenizers": lambda: {
            "tokenizers": {"woerter": str.split, "zeichen": list},
            "texts": {"A": ["Hallo Welt."], "B": ["Ja nein."]}},
        "kibuch.text.tokens.load_parallel_sentences": lambda: {},
        "kibuch.text.tokens.one_hot": lambda: {"ids": [0, 2, 1], "vocab_size": 3},
        "kibuch.text.tokens.resolve_encoder": lambda: {},
        "kibuch.text.tokens.load_encoder_tokenizer": lambda: {},
        "kibuch.text.alignment.bradley_terry_prob": lambda: {
            "r_chosen": np.array([1.0, 0.5]), "r_rejected": np.array([0.0, 0.5])},
        "kibuch.text.alignment.preference_loss": lambda: {
            "r_chosen": np.array([1.0, 0.5]), "r_rejected": np.array([0.0, 0.5]),
            "reduction": "mean"},
        "kibuch.text.alignment.kl_penalized_reward": lambda: {
            "reward": np.array([1.0, 2.0]), "logp": np.array([-1.0, -2.0]),
            "ref_logp": np.array([-1.5, -1.0]), "beta": 0.1},
        "kibuch.text.alignment.optimal_policy": lambda: {
            "ref_probs": np.array([0.5, 0.3, 0.2]), "rewards": np.array([0.0, 1.0, 2.0]),
            "beta": 0.5},
        "kibuch.text.alignment.dpo_loss": lambda: {
            "logp_chosen": __import__("torch").tensor([-3.0, -5.0]),
            "logp_rejected": __import__("torch").tensor([-4.0, -4.5]),
            "ref_logp_chosen": __import__("torch").tensor([-3.5, -5.0]),
            "ref_logp_rejected": __import__("torch").tensor([-3.5, -4.0]),
            "beta": 0.1, "reduction": "mean"},
        "kibuch.text.alignment.format_chat": lambda: {
            "messages": [{"role": "system", "content": "Kurz antworten."},
                         {"role": "user", "content": "Hallo"}],
            "add_generation_prompt": True},
        # ---------------------------------------------------------------- training
        "kibuch.training.loop.TrainConfig": lambda: {"epochs": 1},
        "kibuch.training.loop.train_config_with": lambda: {"defaults": {"epochs": 2},
                                                           "lr": 0.01},
        "kibuch.training.loop.tensor_loaders": lambda: {
            "X_train": d.X2[:16].astype("float32"), "y_train": d.y2[:16],
            "X_val": d.X2[16:].astype("float32"), "y_val": d.y2[16:], "batch_size": 4},
        "kibuch.training.loop.cross_entropy": lambda: {
            "logits": __import__("torch").zeros(3, 2), "y": __import__("torch").tensor([0, 1, 0])},
        "kibuch.training.loop.make_optimizer": lambda: {"params": d.torch_mlp.parameters(),
                                                        "cfg": d.train_config},
        "kibuch.training.loop.learning_rate": lambda: {"cfg": d.train_config, "step": 1,
                                                       "total": 10},
        "kibuch.training.loop.evaluate": lambda: {"model": d.torch_mlp, "batches": d.loaders[1]},
        "kibuch.training.loop.fit": lambda: {"model": d.torch_mlp, "train_batches": d.loaders[0],
                                             "val_batches": d.loaders[1], "cfg": d.train_config},
        # --------------------------------------------------------------------- viz
        "kibuch.viz.book.glue_values": lambda: {"wert": "1,5"},
        "kibuch.viz.charts.sankey_links": lambda: {"table": d.people,
                                                   "stages": ["klasse", "ueberlebt"]},
        "kibuch.viz.charts.sankey_figure": lambda: {"table": d.people,
                                                    "stages": ["klasse", "ueberlebt"]},
        "kibuch.viz.charts.sunburst_table": lambda: {"table": d.people,
                                                     "path": ["klasse", "geschlecht"],
                                                     "target": "ueberlebt"},
        "kibuch.viz.charts.sunburst_figure": lambda: {"table": d.people,
                                                      "path": ["klasse", "geschlecht"],
                                                      "target": "ueberlebt"},
        "kibuch.viz.plotting.de_tick": lambda: {"value": 2.5},
        "kibuch.viz.plotting.german_axes": lambda: {"ax": _axes()},
        "kibuch.viz.plotting.setup": lambda: {},
        "kibuch.viz.plotting.add_visibility_slider": lambda: _slider_args(),
        "kibuch.viz.nn_figures.mlp_schema_figure": lambda: {
            "layer_sizes": [2, 3, 1], "layer_names": ["Eingabe", "Versteckt", "Ausgabe"]},
        "kibuch.viz.nn_figures.activation_figure": lambda: {
            "activations": __import__("kibuch.nn.activations", fromlist=["x"]).ACTIVATIONS,
            "titles": {"relu": "ReLU"}},
        "kibuch.viz.nn_figures.history_figure": lambda: {"history": d.history},
        "kibuch.viz.nn_figures.confusion_figure": lambda: {"cm": np.eye(3, dtype=int)},
        "kibuch.viz.nn_figures.image_grid_figure": lambda: {"images": {"a": d.image,
                                                                       "b": d.image}},
        "kibuch.viz.nn_figures.misclassified_figure": lambda: {
            "images": d.digits[0][:3], "true": d.digits[1][:3], "pred": d.digits[1][:3],
            "confidence": np.array([0.9, 0.8, 0.7])},
        "kibuch.viz.nn_figures.toy_data_figure": lambda: {
            "samples": {0.0: {"kreise": (d.X2, d.y2)}}},
        "kibuch.viz.book.glue_figure": lambda: {"name": "sweep_fig",
                                                "fig": __import__("plotly.graph_objects",
                                                                  fromlist=["x"]).Figure()},
        "kibuch.viz.outlook_figures.data_volume_figure": lambda: {"volume": _facts().data_volume()},
        "kibuch.viz.outlook_figures.gpu_figure": lambda: {"gpus": _facts().gpu_compute()},
        "kibuch.viz.outlook_figures.conference_figure": lambda: {
            "wide": _facts().conference_papers().pivot(index="jahr", columns="konferenz",
                                                       values="beitraege")},
        "kibuch.viz.outlook_figures.milestone_timeline": lambda: {"events": _facts().milestones()},
        "kibuch.viz.outlook_figures.scaling_figure": lambda: {"models": _facts().language_models()},
        "kibuch.viz.outlook_figures.drift_figure": lambda: {"psi": d.psi},
        "kibuch.viz.ml_figures.digit_figure": lambda: {"image": d.digits[0][0],
                                                       "label": int(d.digits[1][0])},
        "kibuch.viz.ml_figures.elbow_silhouette_figure": lambda: {"scores": d.elbow, "best_k": 2},
        "kibuch.viz.ml_figures.gridworld_figure": lambda: {"env": d.grid_world},
        "kibuch.viz.ml_figures.validation_curve_figure": lambda: {
            "param_range": np.array([1.0, 2.0, 3.0]), "train_errors": np.ones((3, 2)),
            "val_errors": np.ones((3, 2)), "best": 2},
        "kibuch.viz.ml_figures.kmeans_steps_figure": lambda: {"X": d.X2, "result": d.kmeans_result},
        "kibuch.viz.ml_figures.confusion_figure": lambda: {
            "y_true": np.array([0, 1, 0, 1]), "predictions": {"Modell": np.array([0, 1, 1, 1])},
            "labels": ["kein Spam", "Spam"]},
        "kibuch.viz.ml_figures.cluster_scatter_figure": lambda: {
            "frame": __import__("pandas").DataFrame({"alter": d.X2[:, 0], "umsatz": d.X2[:, 1],
                                                     "cluster": d.y2}),
            "x": "alter", "y": "umsatz"},
        **_figure_table(d, np),
        **_extra_table(d, np),
        # ---------------------------------------------------------------- chapters
        "kibuch.chapters.ch02_dates.to_german_strings": lambda: {"dates": dates()},
        "kibuch.chapters.ch02_dates.parse_dates_naive": lambda: {
            "strings": ["01-10-2024", "13-10-2024"]},
        "kibuch.chapters.ch02_dates.parse_dates_strict": lambda: {
            "strings": ["01-10-2024", "13-10-2024"]},
        "kibuch.chapters.ch02_dates.DateOrderReport": lambda: {
            "n": 2, "n_ambiguous": 1, "first_max": 13, "second_max": 10, "order": "TMJ"},
        "kibuch.chapters.ch02_dates.detect_ambiguous_dates": lambda: {
            "strings": ["01-10-2024", "13-10-2024"]},
        "kibuch.chapters.ch02_dates.SeriesCheck": lambda: {
            "n": 3, "monotonic": True, "n_backwards": 0, "n_duplicates": 0,
            "n_missing_days": 0, "max_step_days": 1},
        "kibuch.chapters.ch02_dates.check_daily_series": lambda: {"dates": dates()},
        "kibuch.chapters.ch03_1_playground.curve_features": lambda: {"name": "a·x + b",
                                                                     "x": d.x1},
        "kibuch.chapters.ch03_1_playground.fit_curve": lambda: {"name": "a·x + b", "x": d.x1,
                                                                "y": d.y1},
        "kibuch.chapters.ch03_1_playground.predict_curve": lambda: {
            "name": "a·x + b", "params": {"a": 1.0, "b": 0.5}, "x": d.x1},
        "kibuch.chapters.ch03_1_playground.rmse": lambda: {"y_true": d.y1, "y_pred": d.y1 + 0.1},
        "kibuch.chapters.ch03_1_playground.DepthSweep": lambda: {
            "depths": np.array([1, 2]), "rmse_train": np.array([1.0, 0.5]),
            "rmse_test": np.array([1.1, 0.9]), "grid_predictions": None},
        "kibuch.chapters.ch03_1_playground.make_tree_model": lambda: {"depth": 2},
        "kibuch.chapters.ch03_1_playground.depth_sweep": lambda: {
            "X_train": d.X2[:16], "y_train": d.X2[:16, 0], "X_test": d.X2[16:],
            "y_test": d.X2[16:, 0], "depths": [1, 2]},
        "kibuch.chapters.ch03_2_playground.PlaygroundConfig": lambda: {
            "epochs": 2, "n_train": 20, "n_test": 20, "resolution": 5},
        "kibuch.chapters.ch03_2_playground.run_playground": lambda: {
            "cfg": __import__("kibuch.chapters.ch03_2_playground", fromlist=["x"])
            .PlaygroundConfig(epochs=2, n_train=20, n_test=20, resolution=5)},
        "kibuch.chapters.ch03_3_transfer.sample_per_class": lambda: {
            "y": np.array([0, 0, 0, 1, 1, 1]), "n_per_class": 2, "seed": 0},
        "kibuch.chapters.ch05_risks.reduce_class": lambda: {
            "X": d.digits[0], "y": d.digits[1], "cls": 3, "n_keep": 1},
        "kibuch.chapters.ch05_risks.add_watermark": lambda: {"X": d.digits[0][:4]},
        "kibuch.chapters.ch05_risks.fgsm_attack": lambda: {
            "model": d.lenet, "x": d.images_tensor, "y": d.labels_tensor, "eps": 0.1},
        "kibuch.chapters.ch05_risks.NGramConfig": lambda: {"order": 3},
        "kibuch.chapters.ch05_risks.CharNGramLM": lambda: {},
        "kibuch.chapters.ch05_risks.exposure_rank": lambda: {
            "lm": d.ngram, "prefix": "pin ", "secret": "1234", "candidates": ["0000", "9999"]},
        "kibuch.chapters.ch05_risks.feedback_learning": lambda: {
            "base_texts": d.texts, "base_labels": d.labels, "eval_texts": d.texts,
            "eval_labels": d.labels, "stream": list(zip(d.texts, d.labels)),
            "batch_size": 6, "base_epochs": 2},
        "kibuch.chapters.ch05_risks.confident_disagreement_filter": lambda: {"threshold": 0.9},
        "kibuch.chapters.ch06_maintenance.reliability_table": lambda: {
            "y_true": d.y2, "proba": np.linspace(0.01, 0.99, 24)},
        "kibuch.chapters.ch06_maintenance.expected_calibration_error": lambda: {
            "y_true": d.y2, "proba": np.linspace(0.01, 0.99, 24)},
        "kibuch.chapters.ch06_maintenance.expected_cost": lambda: {
            "y_true": d.y2, "y_pred": 1 - d.y2, "cost_fp": 1.0, "cost_fn": 5.0},
        "kibuch.chapters.ch06_maintenance.cost_curve": lambda: {
            "y_true": d.y2, "proba": np.linspace(0.01, 0.99, 24), "cost_fp": 1.0,
            "cost_fn": 5.0, "n_steps": 11},
        "kibuch.chapters.ch06_maintenance.best_threshold": lambda: {
            "y_true": d.y2, "proba": np.linspace(0.01, 0.99, 24), "cost_fp": 1.0,
            "cost_fn": 5.0, "n_steps": 11},
        "kibuch.chapters.ch06_maintenance.decision_costs": lambda: {
            "y_true": d.y2, "y_pred": 1 - d.y2, "cost_fp": 1.0, "cost_fn": 5.0},
        "kibuch.chapters.ch06_maintenance.bootstrap_interval": lambda: {
            "values": np.linspace(-1.0, 1.0, 24), "n_boot": 200},
        "kibuch.chapters.ch06_workflow.psi_noise_level": lambda: {
            "reference": d.X2[:, 0], "n_current": 10, "n_bins": 4, "n_rep": 20},
        "kibuch.chapters.ch06_workflow.clean_records": lambda: {"raw": d.raw_records},
        # ------------------------------------------------------------------- web
        "kibuch.web.models.encode_array": lambda: {"array": [1.0, 2.0]},
        "kibuch.web.models.decode_array": lambda: {
            "entry": __import__("kibuch.web.models", fromlist=["x"]).encode_array([1.0, 2.0])},
        "kibuch.web.models.js_data_text": lambda: {"name": "probe", "payload": {"a": 1}},
        "kibuch.web.models.gpt_payload": lambda: {
            "model": __import__("kibuch.nn.gpt", fromlist=["x"]).GPT(d.gpt_config),
            "tokenizer": __import__("kibuch.text.tokens", fromlist=["x"]).CharTokenizer(
                "abcdefghijkl"),
            "prompts": ["abc"], "greedy_tokens": 2},
        "kibuch.web.models.gpt_from_payload": lambda: {
            "payload": __import__("kibuch.web.models", fromlist=["x"]).gpt_payload(
                __import__("kibuch.nn.gpt", fromlist=["x"]).GPT(d.gpt_config),
                __import__("kibuch.text.tokens", fromlist=["x"]).CharTokenizer("abcdefghijkl"),
                prompts=["abc"], greedy_tokens=1)},
        "kibuch.web.models.cached_gpt": lambda: {
            "text": "abrakadabra simsalabim " * 50, "config": d.gpt_config,
            "train_config": __import__("kibuch.nn.gpt", fromlist=["x"]).gpt_train_config(
                steps=2)},
        "kibuch.web.models.cached_cnn": lambda: {"splits": d.image_splits,
                                                 "recipe": d.cnn_recipe, "seed": 5},
        "kibuch.web.models.cnn_payload": lambda: {
            "model": __import__("kibuch.nn.convnet", fromlist=["x"]).ConvNet(
                __import__("kibuch.nn.convnet", fromlist=["x"]).ConvNetConfig(channels=(2,),
                                                                              grid=1))},
        "kibuch.web.models.mnist_preprocess": lambda: {"bitmap": np.eye(8)},
        "kibuch.web.models.write_gpt_js": lambda: {"path": d.tmp / "gpt_model.js"},
        "kibuch.web.models.write_cnn_js": lambda: {"path": d.tmp / "cnn_model.js"},
        "kibuch.chapters.ch06_workflow.cohens_kappa": lambda: {"a": [0, 1, 0, 1, 1],
                                                              "b": [0, 1, 1, 1, 0]},
        "kibuch.chapters.ch06_workflow.add_wear_features": lambda: {"frame": d.sensors},
        "kibuch.chapters.ch06_workflow.save_model": lambda: {"model": d.sklearn_model,
                                                            "path": d.tmp / "modell.joblib"},
        "kibuch.chapters.ch06_workflow.population_stability_index": lambda: {
            "expected": d.X2[:, 0], "actual": d.X2[:, 1], "n_bins": 4},
        "kibuch.chapters.ch06_workflow.drift_report": lambda: {
            "reference": d.sensors, "current": d.sensors.assign(woche=1), "window": "woche"},
        "kibuch.chapters.ch06_workflow.CostAssumptions": lambda: {},
        "kibuch.chapters.ch06_workflow.project_costs": lambda: {"years": 2},
    }


def _extra_table(d, np) -> dict:
    """Grundbelegungen für Funktionen mit teuren Eingaben (Feintuning, CNN, Unterprozess)."""

    def transfer():
        return __import__("kibuch.chapters.ch03_3_transfer", fromlist=["x"])

    def transfer_table():  # wie run_transfer: zwei Verfahren, zwei gepaarte Seeds
        import pandas as pd

        return pd.DataFrame({
            "verfahren": ["Feintuning"] * 2 + ["von Grund auf"] * 2, "bilder": [1] * 4,
            "seed": [0, 1, 0, 1], "einstellung": [1e-3] * 4, "val_acc": [0.5, 0.6, 0.3, 0.4],
            "test_acc": [0.55, 0.6, 0.3, 0.45], "gewaehlt": [True] * 4})

    def tiny_text_splits():
        import pandas as pd

        frame = pd.DataFrame({"text": d.texts[:6], "label": d.labels[:6]})
        return {name: frame for name in ("train", "validation", "test", "ood")}

    def tiny_bert_recipe():
        from kibuch.chapters.ch03_4_bert import BertRecipe

        return BertRecipe(seeds=(0,), epochs=1, batch_size=6, max_length=8,
                          lr_pretrained=(1e-4,), lr_random=(1e-4,), c_grid=(1.0,))

    def classifier_parts():
        c = d.classifier
        return {"model": c.model, "tokenizer": c.tokenizer, "labels": c.labels,
                "config": c.config, "history": c.history, "seconds": c.seconds,
                "max_length": 8}

    return {
        "kibuch.core.checks.check_frame": lambda: {"name": "frame", "frame": d.people,
                                                   "columns": ["klasse"], "min_rows": 1},
        "kibuch.nn.bert.fine_tune": lambda: {
            "train_texts": d.texts[:4], "train_labels": d.labels[:4], "max_length": 8,
            "epochs": 1, "batch_size": 4, "use_cache": False},
        "kibuch.nn.bert.TextClassifier": classifier_parts,
        # Kapitel 3.4.2 (BERT): winzige Aufteilungen, ein Seed, eine Epoche
        "kibuch.chapters.ch03_4_bert.BertRecipe": lambda: {"seeds": (0,), "epochs": 1},
        "kibuch.chapters.ch03_4_bert.macro_f1": lambda: {"y_true": ["a", "b"],
                                                         "y_pred": ["a", "a"]},
        "kibuch.chapters.ch03_4_bert.fit_tfidf": lambda: {"splits": tiny_text_splits()},
        "kibuch.chapters.ch03_4_bert.fit_embedding_lr": lambda: {"splits": tiny_text_splits()},
        "kibuch.chapters.ch03_4_bert.EmbeddingClassifier": lambda: {
            "model": d.encoder, "tokenizer": d.tokenizer, "regression": None,
            "max_length": 8},
        "kibuch.chapters.ch03_4_bert.run_fine_tuning": lambda: {
            "splits": tiny_text_splits(), "recipe": tiny_bert_recipe(), "use_cache": False},
        "kibuch.chapters.ch03_4_bert.tune": lambda: {
            "splits": tiny_text_splits(), "recipe": tiny_bert_recipe(), "lr": 1e-4,
            "use_cache": False},
        "kibuch.chapters.ch03_4_bert.scores": lambda: {
            "predict": lambda texts: ["positiv"] * len(texts), "splits": tiny_text_splits()},
        "kibuch.chapters.ch03_4_bert.summary_table": lambda: {
            "summary": __import__("kibuch.chapters.ch03_4_bert", fromlist=["x"]).summarize({
                "a": __import__("pandas").DataFrame({"validation": [0.5, 0.6],
                                                     "test": [0.4, 0.5], "ood": [0.3, 0.4]})})},
        "kibuch.chapters.ch03_4_bert.summarize": lambda: {"runs": {
            "a": __import__("pandas").DataFrame({"validation": [0.5, 0.6], "test": [0.4, 0.5],
                                                 "ood": [0.3, 0.4]})}},
        "kibuch.nn.convnet.conv_block": lambda: {"c_in": 1, "c_out": 2, "pool": True},
        "kibuch.data.images.ImageSplits": lambda: {
            "name": "digits", "X_train": d.digits[0][:20], "y_train": d.digits[1][:20],
            "X_val": d.digits[0][20:], "y_val": d.digits[1][20:], "X_test": d.digits[0][20:],
            "y_test": d.digits[1][20:]},
        "kibuch.training.augment.AugmentedBatches": lambda: {
            "batches": d.loaders[0],
            "augment": __import__("kibuch.training.augment", fromlist=["x"]).AffineAugment()},
        "kibuch.viz.book.format_result": lambda: {"value": 0.5},
        "kibuch.viz.book.claim": lambda: {"condition": True, "statement": "Sweep-Aussage"},
        "kibuch.viz.book.compare_text": lambda: {"a": 0.9, "b": 0.8},
        "kibuch.viz.book.report_results": lambda: {"prefix_or_results": "sweep.test",
                                                   "wert": 0.5},
        # Kapitel 3.3.2 (Transfer): winziges ConvNet aus train_cnn, 8 × 8-Bilder
        "kibuch.chapters.ch03_3_transfer.TransferConfig": lambda: dataclasses.asdict(
            d.transfer_config) | {"augment": None},
        "kibuch.chapters.ch03_3_transfer.resample_images": lambda: {
            "X": d.digits[0][:4], "size": 12, "pad": 2},
        "kibuch.chapters.ch03_3_transfer.target_splits": lambda: {
            "splits": d.image_splits, "size": 12, "pad": 2},
        "kibuch.chapters.ch03_3_transfer.linear_probe": lambda: {"Z": d.X2, "y": d.y2,
                                                                 "C": 1.0},
        "kibuch.chapters.ch03_3_transfer.new_target_model": lambda: {
            "base": d.cnn, "n_classes": 10, "pretrained": True, "seed": 0},
        "kibuch.chapters.ch03_3_transfer.train_target": lambda: {
            "base": d.cnn, "X": d.image_splits.X_train, "y": d.image_splits.y_train,
            "X_val": d.image_splits.X_val, "y_val": d.image_splits.y_val, "pretrained": True,
            "lr": 1e-3, "cfg": d.transfer_config, "seed": 0},
        "kibuch.chapters.ch03_3_transfer.run_transfer": lambda: {
            "base": d.cnn, "target": d.image_splits, "cfg": d.transfer_config,
            "use_cache": False},
        "kibuch.chapters.ch03_3_transfer.summarize": lambda: {"runs": transfer_table()},
        "kibuch.chapters.ch03_3_transfer.compare": lambda: {
            "runs": transfer_table(), "method": "Feintuning", "other": "von Grund auf"},
        "kibuch.chapters.ch03_3_transfer.comparison_text": lambda: {
            "runs": transfer_table(), "method": "Feintuning", "other": "von Grund auf"},
        "kibuch.chapters.ch03_3_transfer.verdict_text": lambda: {
            "table": __import__("pandas").DataFrame({"bilder": [1, 5], "urteil": [
                "besser", "kein klarer Unterschied"]}),
            "phrases": {"besser": "ist A besser", "kein klarer Unterschied": "ist nichts"}},
        "kibuch.chapters.ch03_3_transfer.probe_features": lambda: {"base": d.cnn,
                                                                   "target": d.image_splits},
        "kibuch.chapters.ch03_3_transfer.paired_verdict": lambda: {
            "differences": [0.1, 0.05, 0.2]},
        "kibuch.chapters.ch03_3_transfer.pilot_then_rest": lambda: {
            "settings": (0.1, 1.0), "seeds": (0, 1), "run": lambda s, seed: (s, 0.5)},
        "kibuch.chapters.ch03_3_transfer.probe_task": lambda: {
            "Z_pool": d.X2, "y_pool": d.y2, "Z_test": d.X2, "y_test": d.y2, "classes": (0, 1),
            "n_per_class": 2, "seed": 0},
        "kibuch.chapters.ch06_workflow.predict_in_subprocess": lambda: {
            "path": d.joblib_model,
            "rows": d.sensors[["temperatur", "vibration", "oeldruck"]].head(3)},
        "kibuch.chapters.ch03_3_cnn.train_cnn": lambda: {
            "splits": d.image_splits, "recipe": d.cnn_recipe, "use_cache": False},
        "kibuch.chapters.ch03_3_cnn.read_scalars": lambda: {"log_dir": d.scalars_dir},
        "kibuch.chapters.ch03_3_cnn.history_from_scalars": lambda: {
            "scalars": __import__("kibuch.chapters.ch03_3_cnn", fromlist=["x"]).read_scalars(
                d.scalars_dir)},
        "kibuch.chapters.ch03_2_playground.run_seeds": lambda: {
            "cfg": __import__("kibuch.chapters.ch03_2_playground", fromlist=["x"])
            .PlaygroundConfig(epochs=2, n_train=20, n_test=20, resolution=5), "seeds": (0, 1)},
        "kibuch.chapters.ch03_2_playground.compare": lambda: {"new": [1.0, 1.2, 0.9],
                                                              "old": [2.0, 2.1, 1.9]},
        "kibuch.chapters.ch03_2_playground.finals": lambda: {"results": _playground_runs(),
                                                             "metric": "test_loss"},
        "kibuch.chapters.ch03_2_playground.loss_jitter": lambda: {
            "results": _playground_runs(), "start": 0},
        "kibuch.chapters.ch03_2_playground.mean_sd": lambda: {"values": [0.1, 0.2, 0.15],
                                                              "digits": 3},
        "kibuch.chapters.ch03_2_playground.summary_table": lambda: {
            "runs": {"a": _playground_runs(), "b": _playground_runs()},
            "metrics": ["train_loss", "test_loss"]},
        "kibuch.viz.nn_figures.band_figure": lambda: {
            "runs": {"a": _playground_runs()}, "which": ["train_loss", "test_loss"]},
        "kibuch.chapters.ch03_3_cnn.evaluate_images": lambda: {
            "model": d.cnn, "X": d.image_splits.X_test, "y": d.image_splits.y_test},
        "kibuch.chapters.ch03_3_cnn.seed_runs": lambda: {
            "splits": d.image_splits, "recipe": d.cnn_recipe, "seeds": (0,)},
        "kibuch.chapters.ch03_3_cnn.fit_baselines": lambda: {"splits": d.image_splits},
        "kibuch.chapters.ch03_3_cnn.write_projector": lambda: {
            "embeddings": np.ones((3, 2)), "labels": np.arange(3),
            "directory": d.tmp / "projektor"},
    }


def _figure_table(d, np) -> dict:
    """Grundbelegungen der Figurenbauer in ``kibuch.viz`` (kleine, gültige Eingaben)."""
    import pandas as pd

    x, y = d.x1, d.y1                                    # (24,), (24,)
    dates = pd.date_range("2024-01-01", periods=24)
    prices = pd.DataFrame({"datum": dates, "preis": y})
    axis = np.linspace(-1, 1, 3)

    def sweep1():
        from kibuch.chapters.ch03_1_playground import depth_sweep

        grid1 = np.linspace(0.5, 10, 7)[:, None]         # (7, 1)
        return depth_sweep(x[:, None], y, x[:, None], y, [1, 2], grid=grid1)

    def sweep2():
        from kibuch.chapters.ch03_1_playground import depth_sweep

        g1, g2 = np.meshgrid(axis, axis)
        return depth_sweep(d.X2, d.X2[:, 0], d.X2, d.X2[:, 0], [1, 2],
                           grid=np.column_stack([g1.ravel(), g2.ravel()]))

    def curve():  # wie summarize(results, ["verfahren", "n"])
        return pd.DataFrame({"verfahren": ["a", "a", "b", "b"], "n": [1, 3, 1, 3],
                             "mittel": [0.5, 0.7, 0.4, 0.9], "streuung": [0.1, 0.05, 0.2, 0.0],
                             "laeufe": [2] * 4})

    def window():
        from kibuch.nn.cnn import conv2d_naive, iter_windows

        return {"image": d.image, "kernel": d.kernel, "result": conv2d_naive(d.image, d.kernel),
                "steps": list(iter_windows(d.image, d.kernel.shape))}

    def surface():
        pg = _playground()
        steps = [(f"Epoche {e}", s) for e, s in zip(pg.snapshot_epochs, pg.surfaces)]
        return {"steps": steps, "xs": pg.xs, "X": pg.X_test, "y": pg.y_test}

    def maintenance():
        from kibuch.chapters.ch06_maintenance import cost_curve, reliability_table

        proba = np.linspace(0.01, 0.99, 24)
        return {"table": reliability_table(d.y2, proba),
                "curve": cost_curve(d.y2, proba, cost_fp=1.0, cost_fn=5.0, n_steps=11),
                "threshold": 0.3}

    def fgsm():
        images = d.digits[0][:3] / 16                     # (3, 8, 8) in [0, 1]
        return {"images": images, "images_adv": images, "pred": d.digits[1][:3],
                "pred_adv": d.digits[1][:3], "truth": d.digits[1][:3],
                "attack": pd.DataFrame({"fgsm": [0.9, 0.5], "zufall": [0.9, 0.85]},
                                       index=[0.0, 0.1])}

    def air():
        months = pd.date_range("2020-01-01", periods=24, freq="MS")
        frame = pd.DataFrame({"monat": months, "passagiere": y})
        return {"air": frame, "test_air": frame.iloc[-6:], "forecast": y[-6:],
                "snaive": y[-18:-12]}

    def poisoning():
        frame = pd.DataFrame({"schritt": [0, 20, 40], "gelernt": [0, 20, 40],
                              "genauigkeit": [0.9, 0.8, 0.7]})
        return {"naive": frame, "guarded": frame.assign(genauigkeit=[0.9, 0.88, 0.87])}

    def shots():  # wie summarize(select_on_validation(run_transfer(...)))
        return pd.DataFrame({"verfahren": ["Linear-Probe"] * 2 + ["Feintuning"] * 2,
                             "bilder": [1, 5, 1, 5], "mittel": [0.3, 0.6, 0.2, 0.7],
                             "streuung": [0.05, 0.02, 0.1, 0.03]})

    def teachable():
        q1 = pd.DataFrame({"bilder": [1, 5], "mittel": [0.6, 0.9], "streuung": [0.1, 0.05]})
        return {"q1": q1, "q2": q1.assign(aufgabe="3 Klassen"),
                "q3": q1.rename(columns={"bilder": "kleine_klasse"}).assign(klasse="klein")}

    ml = "kibuch.viz.ml_figures."
    nn = "kibuch.viz.nn_figures."
    out = "kibuch.viz.outlook_figures."
    return {
        ml + "learning_curve_figure": lambda: {
            "curve": pd.DataFrame({0.0: [0.5, 0.9], 0.2: [0.4, 0.7]}, index=[10, 100])},
        ml + "date_trap_figure": lambda: {
            "prices": prices, "swapped": prices.assign(vertauscht=np.arange(24) % 2 == 0)},
        ml + "class_recall_figure": lambda: {
            "recalls": pd.DataFrame({"alle": [0.9, 0.8], "reduziert": [0.5, 0.8]})},
        ml + "curve_fits_figure": lambda: {
            "x_train": x, "y_train": y, "x_test": x, "y_test": y, "x_plot": x,
            "curves": {"log": y}},
        ml + "decision_tree_figure": lambda: {
            "tree": __import__("sklearn.tree", fromlist=["x"]).DecisionTreeClassifier(
                max_depth=2, random_state=0).fit(d.X2, d.y2),
            "feature_names": ["a", "b"], "class_names": ["nein", "ja"]},
        ml + "depth_error_figure": lambda: {"tree_sweep": sweep1(), "forest_sweep": sweep1()},
        ml + "forecast_figure": lambda: {
            "dates": dates, "values": y, "forecasts": {"letzter Wert": y[-6:]}},
        ml + "kmeans_slider_figure": lambda: {"history": d.kmeans_result.history, "X": d.X2},
        ml + "q_value_slider": lambda: {
            "env": d.grid_world, "q_tables": {0.9: __import__(
                "kibuch.scratch.qlearning", fromlist=["x"]).value_iteration(d.grid_world, 0.9)}},
        ml + "sensor_anomaly_figure": lambda: {
            "sensors": pd.DataFrame({"zeit": pd.date_range("2026-01-01", periods=24, freq="min"),
                                     "t": y, "score": x, "anomalie": np.arange(24) % 5 == 0}),
            "columns": ["t", "score"], "labels": ["T", "Score"]},
        ml + "tree_slider_1d": lambda: {
            "X_train": x[:, None], "y_train": y, "X_test": x[:, None], "y_test": y,
            "grid": np.linspace(0.5, 10, 7)[:, None], "tree_sweep": sweep1(),
            "forest_sweep": sweep1()},
        ml + "tree_slider_2d": lambda: {
            "axis": axis, "X_train": d.X2, "y_train": d.X2[:, 0], "tree_sweep": sweep2(),
            "forest_sweep": sweep2()},
        nn + "band_plot": lambda: {"ax": _axes(), "table": curve(), "group": "verfahren"},
        nn + "curves_figure": lambda: {"results": [_playground(), _playground()],
                                       "labels": ["a", "b"]},
        nn + "descent_figure": lambda: {
            "loss_fn": lambda w, b: w ** 2 + b ** 2,
            "paths": {"zu groß": np.array([[0.0, 0.0], [1.0, 1.0]]),
                      "gut": np.array([[0.0, 0.0], [0.5, 0.2]])},
            "learning_rates": {"zu groß": 1.0, "gut": 0.5}},
        nn + "embedding_figure": lambda: {
            "projections": {"PCA": np.arange(8.0).reshape(4, 2),
                            "t-SNE": -np.arange(8.0).reshape(4, 2)},
            "labels": np.array([0, 1, 2, 1])},
        nn + "feature_maps_figure": lambda: {
            "image": d.image, "filters": np.stack([d.kernel] * 6),
            "maps1": np.stack([d.image] * 6), "maps2": np.stack([d.image[:3, :3]] * 16)},
        nn + "imagenet_figure": lambda: {
            "table": pd.DataFrame({"jahr": [2011, 2012], "sieger": ["XRCE", "AlexNet"],
                                   "top5_fehler": [25.8, 16.4]}), "human_top5": 5.1},
        nn + "noise_figure": lambda: {"noise_grid": [0.0, 0.3],
                                      "noise_results": {"gauss": [_playground(), _playground()]}},
        nn + "sliding_window_figure": window,
        nn + "surface_figure": surface,
        nn + "teachable_figure": lambda: {
            "q1": curve().rename(columns={"verfahren": "aufgabe"}),
            "q2": curve().rename(columns={"verfahren": "aufgabe"}),
            "q3": curve().rename(columns={"verfahren": "klasse", "n": "minderheit"}),
            "n_grid": (1, 3), "pair": (5, 8), "third": 9, "major": 20},
        nn + "train_test_figure": lambda: {"runs": {"klein": _playground(),
                                                    "groß": _playground()}},
        nn + "transfer_figure": lambda: {"curve": curve(), "n_grid": (1, 3)},
        out + "calibration_cost_figure": maintenance,
        out + "fgsm_figure": fgsm,
        out + "forecast_figure": air,
        out + "poisoning_figure": poisoning,
        "kibuch.viz.transfer_figures.transfer_curve_figure": lambda: {"summary": shots(),
                                                                      "zero_shot": 0.3},
        "kibuch.viz.transfer_figures.teachable_figure": teachable,
        "kibuch.viz.transfer_figures.curve_table": lambda: {"summary": shots()},
        "kibuch.viz.transfer_figures.verdict_table": lambda: {"comparisons": {
            "A gegen B": pd.DataFrame({"bilder": [1, 5], "differenz": [0.1, 0.0],
                                       "streuung": [0.02, 0.05], "urteil": [
                                           "besser", "kein klarer Unterschied"]})}},
    }


@functools.cache
def _playground():
    """Ein winziger Playground-Lauf (für die Figuren mit Playground-Ergebnissen)."""
    from kibuch.chapters.ch03_2_playground import PlaygroundConfig, run_playground

    return run_playground(PlaygroundConfig(epochs=2, n_train=20, n_test=20, resolution=5))


@functools.cache
def _playground_runs():
    """Zwei winzige Playground-Läufe über vier Epochen (für Kennzahlen über Seeds)."""
    from kibuch.chapters.ch03_2_playground import PlaygroundConfig, run_seeds

    return run_seeds(PlaygroundConfig(epochs=4, n_train=20, n_test=20, resolution=5),
                     seeds=(0, 1))


def _facts():
    import kibuch.data.facts as facts

    return facts


def _backprop_backward():
    from kibuch.scratch import backprop

    p = backprop.TwoNeuronNet()
    return {"p": p, "cache": backprop.forward(p, 1.0), "y": 0.0}


def _axes():
    import matplotlib.pyplot as plt

    return plt.subplots()[1]


def _slider_args():
    import plotly.graph_objects as go

    fig = go.Figure([go.Scatter(y=[1, 2]), go.Scatter(y=[2, 1])])
    return {"fig": fig, "step_traces": [[0], [1]], "labels": ["a", "b"]}


#: Funktionen, die der Sweep nicht aufruft (mit Grund).
SKIP: dict[str, str] = {
    **{name: "Ergebnisbehälter: nur kibuch selbst füllt ihn (als Rückgabewert einer geprüften "
             "Funktion), keine Eingabe von außen"
       for name in ("kibuch.chapters.ch02_dates.DateOrderReport",
                    "kibuch.chapters.ch02_dates.SeriesCheck",
                    "kibuch.chapters.ch03_1_playground.DepthSweep",
                    "kibuch.chapters.ch03_2_playground.PlaygroundResult",
                    "kibuch.scratch.kmeans.KMeansStep", "kibuch.scratch.kmeans.KMeansResult",
                    "kibuch.scratch.qlearning.QLearningResult", "kibuch.training.loop.History")},
    # Noch ohne Argumentprüfungen (gemeldet; Eintrag löschen, sobald die Datei prüft):
}
#: Übersprungene Einträge, deren Grund mit „OFFEN“ beginnt: bekannte, gemeldete Mängel.
PENDING_PREFIX = "OFFEN"

#: Höchstdauer je Fall für Funktionen, die auch mit gültigen Argumenten länger brauchen
#: (etwa einen Python-Prozess starten); sonst gilt :data:`TIMEOUT`.
TIMEOUT_BY_FUNCTION = {"kibuch.chapters.ch06_workflow.predict_in_subprocess": 30.0}

#: Grundbelegungen, die offline mit genau diesem Fehler enden dürfen (Argumente werden vorher
#: geprüft, die Fehlfälle bleiben also aussagekräftig).
EXPECTED_BASELINE_ERRORS = {
    "kibuch.web.models.cached_gpt": "MissingArtifactError",
    "kibuch.web.models.cached_cnn": "MissingArtifactError",
    "kibuch.web.models.write_gpt_js": "MissingArtifactError",
    "kibuch.web.models.write_cnn_js": "MissingArtifactError",
    "kibuch.data.images.download_mnist": "DatasetUnavailable",
    "kibuch.data.images.load_mnist": "DatasetUnavailable",
}

#: Parameter, die bewusst nicht verändert werden (Name → Grund).
SKIP_PARAMS = {"_pos": "matplotlib-Formatter-Protokoll"}

# ---------------------------------------------------------------- Fehleingaben

PROBABILITY = re.compile(
    r"(^|_)(p|prob|probability|share|shares|fraction|frac|rate|dropout|epsilon|gamma|alpha|"
    r"top_p|minority_share|threshold)$")
POSITIVE = re.compile(r"(^|_)(lr|temperature|timeout|eps|tol|noise|limit|z_max|cost_fp|cost_fn|"
                      r"max_hours|max_vibration|eur|days|seconds|items|month|year|human_top5)$")
STRICT_POSITIVE = {"lr", "temperature", "timeout", "eps", "tol", "z_max", "limit"}
NEGATIVE_OK_INT = {"axis", "dim", "step_reward", "minimum", "maximum", "top_k"}
ZERO_OK_INT = {"padding", "snapshot_every", "switch_epoch", "warmup", "n_backwards",
               "n_duplicates", "n_missing_days", "n_ambiguous", "min_frequency", "cls",
               "seed", "minimum", "maximum", "step", "groups", "first_max", "second_max",
               "max_step_days", "max_new_tokens", "train_layers", "momentum", "years",
               "digits", "size", "n_keep", "labeling_items", "min_len", "min_rows", "pad",
               "third"}  # third: eine Klassennummer, die Ziffer 0 ist gültig
#: Gleitkomma-Argumente, für die 0 gültig ist, obwohl ihr Name „positiv“ nahelegt.
FLOAT_ZERO_OK = {("kibuch.chapters.ch05_risks.fgsm_attack", "eps"),
                 ("kibuch.viz.book.compare_text", "tol")}  # 0 = genauer Vergleich
#: Argumente ohne Standardwert, für die None trotzdem gültig ist.
OPTIONAL_PARAMS = {("kibuch.text.sampling.check_sampling_options", "top_k"),
                   ("kibuch.text.sampling.check_sampling_options", "top_p"),
                   ("kibuch.data.registry.load", "split"),
                   ("kibuch.core.checks.check_array", "dtype"),
                   ("kibuch.nn.gpt.gpt_train_config", "steps"),
                   ("kibuch.training.loop.train_config_with", "steps")}
#: Funktionen, die nur eine Konfiguration bauen (wie Konstruktoren: keine „riesig“-Fälle).
CONFIG_BUILDERS = {"kibuch.nn.gpt.gpt_train_config", "kibuch.training.loop.train_config_with"}
#: Ganzzahl-Argumente, die auch eine Liste annehmen (``int | Sequence[int]``).
INT_OR_LIST = {("kibuch.chapters.ch03_3_transfer.sample_per_class", "n_per_class"),
               ("kibuch.chapters.ch03_3_transfer.probe_task", "n_per_class")}
#: Listen-von-Strings-Argumente, für die ein einzelner String gültig ist (Iterable[str]).
STR_AS_LIST_OK = {("kibuch.text.tokens.CharTokenizer", "chars")}
HUGE_INT = {"n", "n_samples", "days", "n_train", "n_test", "resolution", "n_positions",
            "d_model", "vocab_size", "n_embd", "block_size", "t", "image_size", "n_classes",
            "episodes", "steps", "epochs", "n_bins", "n_steps", "n_lags", "n_per_class",
            "n_init", "digits", "chunk_size", "n_cols", "dpi", "n_layer"}
#: Reine Rechnungen, für die auch riesige ganze Zahlen gültig sind.
HUGE_OK = {("kibuch.nn.cnn.conv_output_size", "n"), ("kibuch.nn.cnn.conv_output_size", "kernel"),
           # Trainingsoption: 10**15 Epochen sind ein gültiges (endloses) Training wie bei fit()
           ("kibuch.nn.bert.fine_tune", "epochs")}
CHOICE_PARAMS = {"activation", "init", "method", "optimizer", "keep", "head", "split", "prefer",
                 "dataset", "schedule", "thema", "which", "highlight", "package", "fahrenheit_site",
                 "sep", "window", "target", "value", "order"}
CHOICE_BY_FUNCTION = {
    "kibuch.nn.activations.get_activation": {"name"},
    "kibuch.data.synthetic.toy2d.make_toy2d": {"name"},
    "kibuch.chapters.ch03_1_playground.curve_features": {"name"},
    "kibuch.chapters.ch03_1_playground.fit_curve": {"name"},
    "kibuch.chapters.ch03_1_playground.predict_curve": {"name"},
    "kibuch.data.registry.load": {"name"},
    "kibuch.data.registry.info": {"name"},
    "kibuch.data.facts.value": {"gegenstand", "groesse"},
    "kibuch.chapters.ch03_2_playground.finals": {"metric"},
    "kibuch.chapters.ch03_3_transfer.compare": {"other"},
    "kibuch.chapters.ch03_3_transfer.comparison_text": {"other"},
}
#: Argumente, deren Wert frei ist (keine „unbekannte Option“), obwohl der Name es nahelegt.
FREE_TEXT = {("kibuch.core.checks.check_str", "value"), ("kibuch.core.checks.check_path", "value"),
             ("kibuch.core.checks.check_choice", "value")}
PAIRS = [("X", "y"), ("x", "y"), ("y_true", "y_pred"), ("y_true", "proba"), ("a", "b"),
         ("texts", "labels"), ("train_texts", "train_labels"), ("base_texts", "base_labels"),
         ("eval_texts", "eval_labels"), ("X_train", "y_train"), ("X_test", "y_test"),
         ("X_val", "y_val"), ("X_pool", "y_pool"), ("images", "true", "pred", "confidence"),
         ("layer_sizes", "layer_names"), ("step_traces", "labels"), ("x", "y"),
         ("q", "k", "v")]
#: Argumente, für die ein leeres Array/eine leere Liste gültig ist.
EMPTY_OK = {("kibuch.chapters.ch02_dates.to_german_strings", "dates"),
            *{(f"kibuch.nn.activations.{n}", "z") for n in (
                "step", "step_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu",
                "relu_grad", "identity", "identity_grad")},  # elementweise: leer bleibt leer
            ("kibuch.chapters.ch06_workflow.add_wear_features", "frame"),
            ("kibuch.nn.bert.mask_tokens", "input_ids"),
            ("kibuch.core.checks.check_array", "value"),
            ("kibuch.data.text.markdown_prose", "source"),
            ("kibuch.core.checks.check_str_list", "value"),
            ("kibuch.core.checks.check_same_length", "X"),
            ("kibuch.core.checks.check_frame", "columns"),
            ("kibuch.core.checks.check_same_length", "y")}
#: Breite Tabellen, deren Spalten frei sind (eine Spalte je Konferenz, Merkmal …).
ANY_COLUMNS = {("kibuch.viz.outlook_figures.conference_figure", "wide"),
               ("kibuch.viz.outlook_figures.drift_figure", "psi")}
#: Argumente, für die NaN in einem Array gültig ist.
NAN_OK: set[tuple[str, str]] = {
    # Rechenbausteine im Vorwärtsdurchlauf: NaN fließt durch, fit() erkennt Divergenz
    ("kibuch.nn.attention.attention", "q"), ("kibuch.nn.attention.attention", "k"),
    ("kibuch.nn.attention.attention", "v"),
    ("kibuch.training.loop.cross_entropy", "logits"),
}
#: Feste Einordnung einzelner Argumente (Funktion, Argument) → Art.
KIND_OVERRIDE = {
    ("kibuch.core.checks.check_int", "minimum"): "bound",
    ("kibuch.core.checks.check_int", "maximum"): "bound",
    ("kibuch.core.checks.check_float", "minimum"): "bound",
    ("kibuch.core.checks.check_float", "maximum"): "bound",
    ("kibuch.core.checks.check_same_length", "X"): "sized",
    ("kibuch.core.checks.check_same_length", "y"): "sized",
    ("kibuch.scratch.recommender.relevant_items", "threshold"): "float_any",
    ("kibuch.scratch.recommender.recommend_popular", "users"): "users",
    ("kibuch.scratch.recommender.recommend_item_knn", "users"): "users",
    ("kibuch.scratch.recommender.recommend_mf", "users"): "users",
    ("kibuch.nn.cnn.filter_image", "padding"): "padding",
    ("kibuch.core.checks.check_float", "value"): "float_any",
    ("kibuch.core.checks.check_probability", "value"): "float",
    ("kibuch.core.checks.check_int", "value"): "int",
    ("kibuch.core.checks.check_array", "value"): "array",
    ("kibuch.core.checks.check_instance", "value"): "object_none_ok",
    ("kibuch.core.checks.check_instance", "types"): "types",
    ("kibuch.core.checks.check_choice", "choices"): "seq_nonstr",
    ("kibuch.core.checks.check_path", "value"): "path",
    ("kibuch.core.fmt.de", "x"): "float_nan_ok",
    ("kibuch.core.fmt.pct", "x"): "float_nan_ok",
    ("kibuch.viz.plotting.de_tick", "value"): "float_nan_ok",
    ("kibuch.data.registry.Option", "default"): "any",
    ("kibuch.data.registry.Option", "choices"): "tuple_opt",
    ("kibuch.data.registry.register", "sheet"): "callable",
    ("kibuch.core.artifacts.load_or_train", "key_parts"): "key_parts",
    ("kibuch.core.artifacts.load_or_train", "train"): "callable",
    ("kibuch.core.artifacts.Artifact", "tensors"): "dict",
    ("kibuch.core.artifacts.Artifact", "info"): "dict",
    ("kibuch.core.artifacts.Artifact", "path"): "path",
    ("kibuch.scratch.backprop.loss", "y"): "float_any",
    ("kibuch.scratch.backprop.forward", "x"): "float_any",
    ("kibuch.scratch.backprop.numerical_gradient", "x"): "float_any",
    ("kibuch.scratch.backprop.numerical_gradient", "y"): "float_any",
    ("kibuch.scratch.backprop.sgd_step", "x"): "float_any",
    ("kibuch.scratch.backprop.sgd_step", "y"): "float_any",
    ("kibuch.scratch.backprop.backward", "y"): "float_any",
    ("kibuch.scratch.backprop.loss", "a2"): "float_any",
    ("kibuch.data.facts.training_flop", "params"): "float_pos",
    ("kibuch.data.facts.training_flop", "tokens"): "float_pos",
    ("kibuch.nn.gpt.RandomWindows", "data"): "array",
    ("kibuch.training.loop.make_optimizer", "params"): "object",
    ("kibuch.viz.book.glue_values", "wert"): "glue",
    ("kibuch.viz.book.format_result", "value"): "result",
    ("kibuch.viz.book.report_results", "wert"): "result",
}


#: Für Längen-Fälle: welche Argumentnamen die Meldung nennen darf (beide Partner).
_PAIR_NAMES: dict[tuple[str, str], tuple[str, ...]] = {}
#: qualname → Objekt (für die Unterscheidung Klasse/Funktion).
_OBJECTS: dict[str, object] = {}


@dataclasses.dataclass
class Case:
    module: str
    function: str
    param: str
    label: str
    value: str
    outcome: str = ""
    error: str = ""
    message: str = ""
    seconds: float = 0.0
    reason: str = ""


def _optional(param: inspect.Parameter) -> bool:
    ann = str(param.annotation)
    return param.default is None or "None" in ann or "Optional" in ann


def _is_dataclass_instance(value) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _kind(qual: str, name: str, param: inspect.Parameter | None, value) -> str:
    if (qual, name) in KIND_OVERRIDE:
        return KIND_OVERRIDE[(qual, name)]
    np = F.np
    ann = str(param.annotation) if param is not None else ""
    torch = sys.modules.get("torch")
    pd = sys.modules.get("pandas")
    if name == "device":
        return "device"
    if name in ("generator", "rng"):
        return "generator"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        if name == "seed" or name.endswith("_seed"):
            return "seed"
        return "float" if "float" in ann and "int" not in ann else "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        if (qual, name) in FREE_TEXT:
            return "str"
        if name in CHOICE_PARAMS or name in CHOICE_BY_FUNCTION.get(qual, ()):
            return "choice"
        return "str"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if isinstance(value, Path):
        return "path"
    if isinstance(value, np.ndarray) or (torch is not None and isinstance(value, torch.Tensor)):
        return "array"
    if pd is not None and isinstance(value, pd.DataFrame):
        return "frame"
    if pd is not None and isinstance(value, (pd.Series, pd.DatetimeIndex)):
        return "array"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, str) for v in value):
            return "strlist"
        if value and all(isinstance(v, (int, float, np.integer, np.floating))
                         and not isinstance(v, bool) for v in value):
            return "array" if isinstance(value, list) and len(value) > 3 else "numseq"
        return "seq"
    if _is_dataclass_instance(value):
        return "config"
    if torch is not None and isinstance(value, torch.nn.Module):
        return "model"
    if isinstance(value, dict):
        return "dict"
    if callable(value):
        return "callable"
    if value is None:
        if any(t in ann for t in ("tuple[str", "list[str", "Sequence[str", "Iterable[str")):
            return "strlist"
        if "bool" in ann:
            return "bool"
        if "int" in ann and "float" not in ann and "tuple" not in ann and "Sequence" not in ann:
            return "int"
        if "float" in ann and "tuple" not in ann:
            return "float"
        if "Config" in ann:
            return "config"
        if "str" in ann and "Path" not in ann and "Sequence" not in ann and "list" not in ann:
            return "choice" if name in CHOICE_PARAMS else "str"
        if "Path" in ann or "PathLike" in ann:
            return "path"
        return "object_none_ok"
    return "object"


def _bad_values(qual: str, name: str, param, value, siblings: dict) -> list[tuple[str, object]]:
    """Falsche Werte für ein Argument: Liste von (Beschriftung, Wert)."""
    np = F.np
    kind = _kind(qual, name, param, value)
    optional = (param is not None and _optional(param)) or (qual, name) in OPTIONAL_PARAMS
    none = [] if optional else [("None", None)]
    out: list[tuple[str, object]] = []
    constructor = inspect.isclass(_OBJECTS.get(qual)) or qual in CONFIG_BUILDERS
    if kind in ("int", "int_any", "seed"):
        out += [("Text statt Zahl", "3"), ("bool statt Zahl", True),
                ("Kommazahl", 2.5)] + none
        if (qual, name) not in INT_OR_LIST:
            out.append(("Liste statt Zahl", [1, 2]))
        if kind == "seed":
            out += [("negativ", -1)]
        elif kind == "int":
            base = value if isinstance(value, (int, np.integer)) else (
                param.default if param is not None and isinstance(param.default, int) else 1)
            if name not in NEGATIVE_OK_INT:
                out.append(("negativ", -1))
            if base >= 1 and name not in ZERO_OK_INT and name not in NEGATIVE_OK_INT:
                out.append(("null", 0))
            # Konfigurationen speichern nur; riesige Größen prüft, wer sie verwendet.
            if name in HUGE_INT and (qual, name) not in HUGE_OK and not constructor:
                out.append(("riesig", 10**15))
    elif kind in ("float", "float_any", "float_pos", "float_nan_ok"):
        out += [("Text statt Zahl", "0.5"), ("bool statt Zahl", True),
                ("Liste statt Zahl", [1.0, 2.0])] + none
        if kind != "float_nan_ok":
            out.append(("NaN", math.nan))
            out.append(("unendlich", math.inf))
        if kind in ("float", "float_pos"):
            if PROBABILITY.search(name):
                out += [("negativ", -0.1), ("größer als 1", 1.5)]
            elif kind == "float_pos" or POSITIVE.search(name) or name in STRICT_POSITIVE:
                out.append(("negativ", -1.0))
                if name in STRICT_POSITIVE and (qual, name) not in FLOAT_ZERO_OK:
                    out.append(("null", 0.0))
    elif kind == "bool":
        out += [("Text statt bool", "ja"), ("Zahl statt bool", 1)] + none
    elif kind in ("str", "choice"):
        out += [("Zahl statt Text", 3), ("Liste statt Text", ["a"])] + none
        if kind == "choice":
            out.append(("unbekannte Option", "gibt_es_nicht"))
    elif kind == "strlist":
        out += [("Zahlen statt Strings", [1, 2])] + none
        if (qual, name) not in STR_AS_LIST_OK:
            out.append(("einzelner String", "abc"))
        if (qual, name) not in EMPTY_OK:
            out.append(("leere Liste", []))
    elif kind == "numseq":
        out += [("Text statt Folge", "ab"), ("Strings statt Zahlen", ["a", "b"])] + none
        if any(isinstance(v, (float, np.floating)) for v in value):
            out.append(("NaN in Folge", tuple(math.nan for _ in value)))
        else:
            out.append(("negative Einträge", tuple(-1 for _ in value)))
    elif kind == "array":
        out += [("Text statt Array", "abc")] + none
        out += _array_cases(qual, name, value, siblings)
    elif kind == "frame":
        import pandas as pd

        out += [("Text statt Tabelle", "abc")] + none
        if (qual, name) not in EMPTY_OK:
            out.append(("leere Tabelle", value.iloc[:0]))
        if (qual, name) not in ANY_COLUMNS:
            out.append(("falsche Spalten", pd.DataFrame({"falsch": [1, 2, 3]})))
    elif kind == "config":
        out += [("Text statt Konfiguration", "abc"), ("Zahl statt Konfiguration", 3),
                ("dict statt Konfiguration", {})] + none
    elif kind == "model":
        out += [("Text statt Modell", "abc"), ("Zahl statt Modell", 3)] + none
    elif kind == "callable":
        out += [("Text statt Funktion", "abc"), ("Zahl statt Funktion", 3)] + none
    elif kind == "dict":
        out += [("Text statt dict", "abc"), ("Liste statt dict", [1, 2])] + none
    elif kind == "path":
        out += [("Zahl statt Pfad", 3), ("leerer Pfad", "")] + none
    elif kind == "bytes":
        out += [("Text statt bytes", "abc"), ("Zahl statt bytes", 3)] + none
    elif kind == "device":
        out += [("unbekanntes Gerät", "tpu"), ("Zahl statt Gerät", 3.5)]
    elif kind == "generator":
        out += [("Text statt Generator", "abc"), ("Zahl statt Generator", 3.5)]
    elif kind == "seq":
        out += [("Text statt Folge", "abc"), ("Zahl statt Folge", 3)] + none
    elif kind == "bound":
        out += [("Text statt Zahl", "3"), ("bool statt Zahl", True), ("Liste statt Zahl", [1]),
                ("NaN", math.nan)]
    elif kind == "sized":
        out += [("Zahl statt Folge", 3), ("None", None), ("Objekt", object())]
        out += [c for c in _array_cases(qual, name, value, siblings)
                if c[0] == "Länge passt nicht"]
    elif kind == "users":
        out += [("Zahl statt Liste", 3), ("None", None), ("Objekt", object())]
    elif kind == "padding":
        out += [("unbekannte Option", "gibt_es_nicht"), ("Liste", [1]), ("negativ", -1),
                ("Kommazahl", 1.5)] + none
    elif kind == "seq_nonstr":
        out += [("Text statt Folge", "abc"), ("Zahl statt Folge", 3), ("None", None)]
    elif kind == "tuple_opt":
        out += [("Text statt Tupel", "abc"), ("leeres Tupel", ())]
    elif kind == "types":
        out += [("Text statt Typ", "int"), ("Zahl statt Typ", 3)]
    elif kind == "key_parts":
        out += [("unübersetzbares Objekt", object())]
    elif kind == "result":  # gemeldete Ergebnisse: endliche Zahlen, Texte, dicts, Listen
        out += [("None", None), ("NaN", math.nan), ("unendlich", math.inf), ("bool", True),
                ("leerer Text", ""), ("Objekt", object())]
    elif kind == "glue":
        out += [("None", None), ("NaN", math.nan), ("bool", True), ("leerer Text", ""),
                ("Objekt", object())]
    elif kind == "object":
        out += [("Objekt", object())] + none
    elif kind == "object_none_ok":
        out += [("Objekt", object())]
    return out


def _array_cases(qual, name, value, siblings) -> list[tuple[str, object]]:
    np = F.np
    torch = sys.modules.get("torch")
    pd = sys.modules.get("pandas")
    out = []
    is_tensor = torch is not None and isinstance(value, torch.Tensor)
    if isinstance(value, (list, tuple)):
        arr = np.asarray(value)
    elif pd is not None and isinstance(value, (pd.Series, pd.DatetimeIndex)):
        arr = value
    else:
        arr = value
    length = len(arr) if getattr(arr, "ndim", 1) > 0 else None
    if (qual, name) not in EMPTY_OK and length:
        out.append(("leeres Array", arr[:0] if not isinstance(value, list) else []))
    floating = (is_tensor and value.is_floating_point()) or (
        isinstance(arr, np.ndarray) and np.issubdtype(arr.dtype, np.floating))
    if floating and (qual, name) not in NAN_OK and length:
        bad = value.clone() if is_tensor else np.array(arr, dtype=float, copy=True)
        bad.reshape(-1)[0] = math.nan
        out.append(("NaN im Array", bad))
    for group in PAIRS:
        if name in group and any(g in siblings for g in group if g != name) and length:
            others = [g for g in group if g != name and g in siblings]
            try:
                if all(len(siblings[g]) == length for g in others) and length >= 2:
                    bad = arr[:-1] if not isinstance(value, list) else value[:-1]
                    _PAIR_NAMES[(qual, name)] = (name, *others)
                    out.append(("Länge passt nicht", bad))
            except TypeError:
                pass
            break
    return out


# ---------------------------------------------------------------------- Aufrufe


@contextlib.contextmanager
def _timeout(seconds: float):
    def handler(signum, frame):
        raise SweepTimeout()

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _call(fn, args, kwargs, timeout: float):
    """Ruft ``fn`` auf; gibt (Ergebnis, Ausnahme, Dauer, hängt?) zurück."""
    sink = io.StringIO()
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sink), \
                contextlib.redirect_stderr(sink), _timeout(timeout):
            warnings.simplefilter("ignore")
            result = fn(*args, **kwargs)
            if inspect.isgenerator(result):  # Generatoren prüfen oft erst beim ersten next()
                result = next(result, None)
        return result, None, time.perf_counter() - start, False
    except SweepTimeout:
        return None, None, time.perf_counter() - start, True
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - genau das wird klassifiziert
        return None, exc, time.perf_counter() - start, False
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")


#: Fälle mit diesen Beschriftungen laufen in einem abgespaltenen Kindprozess mit
#: Speichergrenze: riesige Größen können sonst den ganzen Sweep abstürzen lassen (etwa ein
#: Rust-Abbruch in ``tokenizers`` oder der OOM-Killer).
ISOLATED_LABELS = {"riesig"}
#: Speichergrenze (Adressraum) für isolierte Fälle: aktueller Bedarf plus so viel.
ISOLATED_HEADROOM = 2 << 30


def _call_isolated(fn, args, kwargs, timeout: float, name: str) -> dict:
    """Wie :func:`_call` + :func:`_classify`, aber in einem Kindprozess (``os.fork``)."""
    import resource

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # Kind
        os.close(read_fd)
        code = 0
        try:
            with open("/proc/self/statm") as fh:
                current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            limit = current + ISOLATED_HEADROOM
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            _, exc, seconds, hung = _call(fn, args, kwargs, timeout)
            case = Case("", "", name, "", "")
            _classify(case, exc, hung, name)
            payload = {"outcome": case.outcome, "error": case.error, "message": case.message,
                       "reason": case.reason, "seconds": round(seconds, 3)}
            with os.fdopen(write_fd, "w") as out:
                json.dump(payload, out)
        except BaseException:  # noqa: BLE001 - das Kind darf nie zurückkehren
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    deadline = time.monotonic() + timeout + 5.0
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_fd)
        return {"outcome": "hang", "seconds": timeout}
    with os.fdopen(read_fd) as inp:
        text = inp.read()
    if os.WIFSIGNALED(status) or not text:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return {"outcome": "obscure", "error": "Absturz",
                "message": f"Prozess beendet (Signal {sig}, Status {status})",
                "reason": "Prozess abgestürzt (z. B. Speicher oder Abbruch in C/Rust)"}
    return json.loads(text)


def _names_argument(message: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


def _classify(case: Case, exc, hung: bool, name) -> None:
    """``name``: der Argumentname oder ein Tupel erlaubter Namen (bei Längen-Fällen)."""
    from kibuch.core.checks import KibuchError

    names = (name,) if isinstance(name, str) else tuple(name)
    if hung:
        case.outcome = "hang"
        return
    if exc is None:
        case.outcome = "silent"
        return
    case.error = type(exc).__name__
    case.message = str(exc).replace("\n", " ")[:300]
    clear_type = isinstance(exc, (TypeError, ValueError, KibuchError))
    if clear_type and any(_names_argument(str(exc), n) for n in names):
        case.outcome = "clear"
    else:
        case.outcome = "obscure"
        case.reason = ("Meldung nennt das Argument nicht" if clear_type
                       else f"unerwarteter Fehlertyp {type(exc).__name__}")


def _short(value) -> str:
    text = repr(value)
    if hasattr(value, "shape"):
        text = f"{type(value).__name__}{tuple(value.shape)}"
        size = getattr(value, "size", 0)
        if hasattr(value, "tolist") and isinstance(size, int) and 0 < size <= 6:
            text += f" {value.tolist()!r}"
    return text if len(text) <= 60 else text[:57] + "…"


def public_callables(prefix: str = "kibuch"):
    """(Modulname, Name, Objekt) aller öffentlichen Funktionen und Klassen."""
    import kibuch

    found = []
    names = ["kibuch"] + [m.name for m in pkgutil.walk_packages(kibuch.__path__, "kibuch.")]
    for modname in sorted(names):
        if modname.startswith(SKIP_MODULES) or not modname.startswith(prefix):
            continue
        module = importlib.import_module(modname)
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or getattr(obj, "__module__", None) != modname:
                continue
            if inspect.isclass(obj) and issubclass(obj, (BaseException,)):
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found.append((modname, name, obj))
    return found, [n for n in names if not n.startswith(SKIP_MODULES)
                   and n.startswith(prefix)]


def _baseline(qual: str, obj, table: dict):
    """Gültige (args, kwargs) für ``obj`` oder None, wenn keine bekannt ist."""
    entry = table.get(qual)
    if entry is not None:
        made = entry()
        args, kwargs = made if isinstance(made, tuple) else ((), made)
        return list(args), dict(kwargs)
    sig = inspect.signature(obj)
    required = [p for p in sig.parameters.values() if p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if required:
        return None
    return [], {}


def run(prefix: str = "kibuch", timeout: float = TIMEOUT, verbose: bool = False) -> dict:
    import numpy as np

    np.seterr(all="ignore")
    table = _valid_table()
    callables, modules = public_callables(prefix)
    cases: list[Case] = []
    skipped: list[dict] = []
    baselines: list[dict] = []
    for modname, name, obj in callables:
        qual = f"{modname}.{name}"
        _OBJECTS[qual] = obj
        if qual in SKIP:
            skipped.append({"module": modname, "function": name, "reason": SKIP[qual]})
            continue
        try:
            base = _baseline(qual, obj, table)
        except Exception as exc:  # noqa: BLE001
            skipped.append({"module": modname, "function": name,
                            "reason": f"Grundbelegung scheiterte: {type(exc).__name__}: {exc}"})
            continue
        if base is None:
            skipped.append({"module": modname, "function": name,
                            "reason": "keine gültige Grundbelegung in VALID"})
            continue
        args, kwargs = base
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):
            skipped.append({"module": modname, "function": name, "reason": "keine Signatur"})
            continue
        params = sig.parameters
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        unknown = [k for k in kwargs if k not in params and not var_kw]
        for k in unknown:  # Tabelle veraltet: Argument gibt es nicht (mehr)
            kwargs.pop(k)
        result, exc, seconds, hung = _call(obj, args, kwargs,
                                           max(timeout, 10.0, TIMEOUT_BY_FUNCTION.get(qual, 0)))
        expected = EXPECTED_BASELINE_ERRORS.get(qual)
        ok = not hung and (exc is None or type(exc).__name__ == expected)
        baselines.append({"module": modname, "function": name, "ok": ok,
                          "seconds": round(seconds, 3),
                          "error": "" if exc is None else f"{type(exc).__name__}: {exc}"[:300],
                          "dropped": unknown})
        # Fälle bauen: jedes Argument einzeln falsch
        todo: list[tuple[str, str, object]] = []
        for pname, param in params.items():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD) or pname in SKIP_PARAMS:
                continue
            if pname == "self":
                continue
            value = kwargs.get(pname, param.default if param.default is not param.empty
                               else None)
            for label, bad in _bad_values(qual, pname, param, value, kwargs):
                todo.append((pname, label, bad))
        if var_kw:
            for pname, value in list(kwargs.items()):
                if pname in params:
                    continue
                for label, bad in _bad_values(qual, pname, None, value, kwargs):
                    todo.append((pname, label, bad))
        if not [p for p in params.values() if p.kind is not p.VAR_POSITIONAL] or var_kw:
            todo.append(("*", "unbekanntes Argument", ("bogus_argument", 1)))
        if any(p.kind is p.VAR_POSITIONAL for p in params.values()):
            todo.append(("*parts", "unübersetzbares Objekt", object()))
        for pname, label, bad in todo:
            # frische Grundbelegung: Aufrufe dürfen ihre Argumente verändern
            try:
                args, kwargs = _baseline(qual, obj, table)
            except Exception:  # noqa: BLE001
                continue
            for k in unknown:
                kwargs.pop(k, None)
            case = Case(modname, name, pname, label, _short(bad))
            call_args = list(args)
            if pname == "*":
                kwargs[bad[0]] = bad[1]
                case.value = f"{bad[0]}=1"
                check_name = bad[0]
            elif pname == "*parts":
                call_args.append(bad)
                check_name = "parts"
            else:
                kwargs[pname] = bad
                check_name = pname
                if label == "Länge passt nicht":
                    check_name = _PAIR_NAMES.get((qual, pname), pname)
            limit = TIMEOUT_BY_FUNCTION.get(qual, timeout)
            if label in ISOLATED_LABELS:
                for key, val in _call_isolated(obj, call_args, kwargs, limit,
                                               check_name).items():
                    setattr(case, key, val)
            else:
                _, exc, seconds, hung = _call(obj, call_args, kwargs, limit)
                case.seconds = round(seconds, 3)
                _classify(case, exc, hung, check_name)
            reason = ALLOW.get((qual, pname, label))
            if reason is not None:
                case.outcome, case.reason = "allowed", reason
            cases.append(case)
            if verbose and case.outcome != "clear":
                print(f"{case.outcome:8} {qual}({pname}={case.value}) {case.error}: "
                      f"{case.message[:100]}", file=sys.__stderr__)
    stale = sorted(set(table) - {f"{m}.{n}" for m, n, _ in callables})
    if prefix != "kibuch":  # Teil-Lauf: Einträge anderer Module sind nicht veraltet
        stale = [q for q in stale if q.startswith(prefix)]
    return _summary(cases, skipped, baselines, modules, callables, stale)


#: Pythons eigene Meldung für ein unbekanntes Schlüsselwort-Argument (englisch, nennt den
#: Namen). Solche Fälle zählen als klar, erscheinen in der Zusammenfassung aber gesondert.
PYTHON_UNKNOWN_KEYWORD = "got an unexpected keyword argument"


def _summary(cases, skipped, baselines, modules, callables, stale=()) -> dict:
    per_module: dict[str, Counter] = defaultdict(Counter)
    for case in cases:
        per_module[case.module][case.outcome] += 1
        per_module[case.module]["total"] += 1
    counted = [c for c in cases if c.outcome != "allowed"]
    totals = Counter(c.outcome for c in cases)
    clear_share = (totals["clear"] / len(counted)) if counted else 0.0
    covered = {c.module for c in cases}
    with_callables = {m for m, _, _ in callables}
    return {
        "total": len(cases),
        "counted": len(counted),
        "outcomes": dict(totals),
        "clear_share": round(clear_share, 4),
        "modules": {m: dict(per_module[m]) for m in sorted(per_module)},
        "modules_without_cases": sorted(with_callables - covered),
        "packages_without_callables": sorted(set(modules) - with_callables),
        "python_unknown_keyword": sum(
            c.outcome == "clear" and PYTHON_UNKNOWN_KEYWORD in c.message for c in cases),
        "skipped": skipped,
        "stale_table_entries": list(stale),
        "dropped_arguments": {f"{b['module']}.{b['function']}": b["dropped"]
                              for b in baselines if b["dropped"]},
        "baselines_failed": [b for b in baselines if not b["ok"]],
        "baselines": baselines,
        "cases": [dataclasses.asdict(c) for c in cases],
        "allow": {f"{k[0]}({k[1]}: {k[2]})": v for k, v in ALLOW.items()},
    }


def text_report(report: dict) -> str:
    lines = [
        f"Fehleingabe-Sweep: {report['total']} Fälle, davon {report['counted']} gewertet; "
        f"klar {report['outcomes'].get('clear', 0)}, unklar "
        f"{report['outcomes'].get('obscure', 0)}, still {report['outcomes'].get('silent', 0)}, "
        f"hängt {report['outcomes'].get('hang', 0)}, erlaubt "
        f"{report['outcomes'].get('allowed', 0)}; Anteil klar "
        f"{100 * report['clear_share']:.1f} %.",
        f"Unter den klaren Fällen: {report['python_unknown_keyword']} mit Pythons eigenem "
        f"TypeError „{PYTHON_UNKNOWN_KEYWORD}“ (unbekanntes Argument an einer Funktion ohne "
        f"dieses Argument). Übersprungen: {len(report['skipped'])} Klassen/Funktionen.",
        "",
        "Je Modul (klar/unklar/still/hängt/gesamt):",
    ]
    for module, counts in report["modules"].items():
        lines.append(f"  {module:42} {counts.get('clear', 0):4} {counts.get('obscure', 0):4} "
                     f"{counts.get('silent', 0):4} {counts.get('hang', 0):4} "
                     f"{counts.get('total', 0):5}")
    if report["modules_without_cases"]:
        lines += ["", "Module ohne Fälle: " + ", ".join(report["modules_without_cases"])]
    if report["stale_table_entries"] or report["dropped_arguments"]:
        lines += ["", "Veraltete Grundbelegungen (Tabelle VALID prüfen): "
                  + ", ".join(report["stale_table_entries"])
                  + "; ".join(f"{q}: {a}" for q, a in report["dropped_arguments"].items())]
    if report["baselines_failed"]:
        lines += ["", "Gescheiterte Grundbelegungen (Tabelle VALID prüfen):"]
        lines += [f"  {b['module']}.{b['function']}: {b['error']}"
                  for b in report["baselines_failed"]]
    if report["skipped"]:
        lines += ["", "Übersprungen:"]
        lines += [f"  {s['module']}.{s['function']}: {s['reason']}" for s in report["skipped"]]
    by_module: dict[str, list] = defaultdict(list)
    for case in report["cases"]:
        if case["outcome"] in ("silent", "obscure", "hang"):
            by_module[case["module"]].append(case)
    for module in sorted(by_module):
        lines += ["", f"== {module}"]
        for c in sorted(by_module[module], key=lambda c: (c["outcome"], c["function"])):
            what = ("kein Fehler" if c["outcome"] == "silent" else
                    "hängt" if c["outcome"] == "hang" else f"{c['error']}: {c['message'][:140]}")
            lines.append(f"  [{c['outcome']}] {c['function']}({c['param']} = {c['value']}; "
                         f"{c['label']}) → {what}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=str(DEFAULT_JSON))
    parser.add_argument("--report", default=None)
    parser.add_argument("--module", default="kibuch")
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    for var in ("KIBUCH_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("MPLBACKEND", "Agg")
    work = Path(tempfile.mkdtemp(prefix="kibuch-sweep-cache-"))
    os.environ["KIBUCH_CACHE"] = str(work / "cache")
    os.chdir(work)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass
    start = time.perf_counter()
    try:
        report = run(args.module, args.timeout, args.verbose)
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return 2
    report["seconds"] = round(time.perf_counter() - start, 1)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str),
                   encoding="utf-8")
    text = text_report(report)
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
    print(text.split("\n\n")[0])
    print(f"Dauer: {report['seconds']} s; JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
