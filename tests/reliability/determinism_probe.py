"""Rechnet jede geseedete Funktion einmal (winzige Größen) und gibt SHA-256 der Ergebnisse aus.

``python tests/reliability/determinism_probe.py`` schreibt ein JSON-Objekt
``{probe: sha256 | "Fehler: …"}`` auf stdout. ``test_determinism.py`` startet das Skript in
zwei getrennten Prozessen (mit verschiedenem ``PYTHONHASHSEED``) und verlangt
bitgleiche Ergebnisse. Die Hashes bildet :func:`kibuch.core.artifacts.artifact_key`:
Arrays, Tensoren und Tabellen zählen mit ihren Bytes, dtype und Form.

Jede Sonde heißt wie die geprüfte Funktion (``kibuch.modul.name``, bei Bedarf mit
``[Variante]``). Geseedete Klassen und Konfigurationen, die keine eigene Sonde haben,
stehen in :data:`COVERED_BY` mit der Sonde, die sie benutzt; bewusst ausgelassene
in :data:`EXEMPT` mit Grund. ``test_determinism.py`` sucht alle öffentlichen Funktionen
mit einem Argument ``seed``/``seeds``/``rng``/``generator`` (und Dataclasses mit einem Feld
``seed``) und verlangt für jede eine Sonde oder einen dieser Einträge.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

#: Geseedete Größen ohne eigene Sonde → die Sonde, die sie mitprüft.
COVERED_BY = {
    "kibuch.data.synthetic.prices.PriceSeriesConfig":
        "kibuch.data.synthetic.prices.make_price_series",
    "kibuch.scratch.kmeans.KMeansConfig": "kibuch.scratch.kmeans.kmeans",
    "kibuch.scratch.mlp_numpy.NumpyMLPConfig": "kibuch.scratch.mlp_numpy.train",
    "kibuch.scratch.qlearning.QLearningConfig": "kibuch.scratch.qlearning.q_learning",
    "kibuch.training.loop.TrainConfig": "kibuch.training.loop.fit",
    "kibuch.chapters.ch03_2_playground.PlaygroundConfig":
        "kibuch.chapters.ch03_2_playground.run_playground",
    "kibuch.chapters.ch03_3_transfer.TransferConfig":
        "kibuch.chapters.ch03_3_transfer.run_transfer",
    "kibuch.chapters.ch03_4_bert.tune": "kibuch.nn.bert.fine_tune",  # reicht den Seed durch
}

#: Geseedete Größen, die bewusst keine Sonde haben (Grund).
EXEMPT = {
    "kibuch.chapters.ch03_3_cnn.CNNRecipe.train_config":
        "baut nur eine TrainConfig mit diesem Seed, zieht selbst keine Zufallszahlen",
    "kibuch.chapters.ch03_2_playground.PlaygroundResult":
        "Ergebnisbehälter: speichert die Konfiguration nur, rechnet nichts",
    "kibuch.chapters.ch03_2_playground.lr_per_epoch":
        "rechnet die Lernrate je Epoche aus der Konfiguration aus, ohne Zufall",
    "kibuch.training.loop.learning_rate":
        "Lernrate in einem Schritt: reine Formel aus der TrainConfig, ohne Zufall",
    "kibuch.chapters.ch03_3_transfer.pilot_then_rest":
        "verteilt nur die übergebenen Seeds an run und zieht selbst keine Zufallszahlen",
    "kibuch.training.loop.make_optimizer":
        "legt nur den Optimierer an (keine Zufallszahlen); die Sonde für fit prüft ihn mit",
    "kibuch.web.models.cached_cnn":
        "lädt nur das von train_cnn trainierte Modell aus dem Cache (trainiert nie); der Seed "
        "ist Teil des Schlüssels, die Sonde für train_cnn prüft das Training",
    "kibuch.chapters.ch03_4_bert.BertRecipe":
        "Konfiguration: hält nur die Liste der Seeds, zieht selbst keine Zufallszahlen",
}

#: Hash-Gleichheit ist hier erwartet (zwei Sonden rechnen absichtlich dasselbe).
SAME_RESULT: set[frozenset] = set()


def _state(model) -> dict:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def _tiny_xy():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2)).astype(np.float32)  # (32, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)  # (32,) XOR-artig
    return X, y


TEXTS = ["Das Essen war wunderbar.", "Toller Service!", "Kalt und versalzen.",
         "Nie wieder.", "Liegt am Marktplatz.", "Wir waren am Dienstag dort."] * 2
LABELS = ["positiv", "positiv", "negativ", "negativ", "neutral", "neutral"] * 2


def synthetic():
    from kibuch.data.synthetic import (
        business,
        curves,
        population,
        prices,
        raw_records,
        sensors,
        toy2d,
    )

    s = "kibuch.data.synthetic."
    out = {
        s + "business.make_customers": lambda: business.make_customers(40, seed=3),
        s + "business.make_sensor_data": lambda: business.make_sensor_data(60, seed=3),
        s + "business.make_orders": lambda: business.make_orders(8, seed=3),
        s + "curves.make_curve_data": lambda: curves.make_curve_data(15, seed=3),
        s + "curves.make_regression_1d": lambda: curves.make_regression_1d(15, seed=3),
        s + "curves.make_regression_2d": lambda: curves.make_regression_2d(15, seed=3),
        s + "population.make_group_population": lambda: population.make_group_population(
            50, 0.2, seed=3),
        s + "prices.make_price_series": lambda: prices.make_price_series(
            prices.PriceSeriesConfig(days=20, seed=3)),
        s + "raw_records.make_raw_records": lambda: raw_records.make_raw_records(
            raw_records.RawDataConfig(n_samples=50), seed=3),
        s + "sensors.make_sensor_data": lambda: sensors.make_sensor_data(
            sensors.MaintenanceConfig(n_samples=50), seed=3),
        s + "toy2d.grid": lambda: toy2d.grid(7),
    }
    for name in ("kreise", "xor", "gauss", "spirale"):
        out[f"{s}toy2d.make_toy2d[{name}]"] = (
            lambda name=name: toy2d.make_toy2d(name, 30, noise=0.2, seed=3))
    return out


def core():
    import numpy as np
    import torch

    import kibuch
    from kibuch.core.artifacts import artifact_key
    from kibuch.nn.attention import BlockConfig, TransformerBlock
    from kibuch.nn.gpt import GPT, GPTConfig
    from kibuch.nn.mlp import MLPConfig, TorchMLP

    def seeded(build):
        def run():
            kibuch.set_seed(7)
            return build()
        return run

    return {
        "kibuch.core.device.set_seed[random]": seeded(
            lambda: (__import__("random").random(), float(np.random.rand()), torch.rand(3))),
        "kibuch.core.device.set_seed[TorchMLP]": seeded(
            lambda: _state(TorchMLP(MLPConfig(hidden=(5,))))),
        "kibuch.core.device.set_seed[GPT]": seeded(lambda: _state(GPT(GPTConfig(
            vocab_size=12, block_size=8, n_layer=1, n_head=2, n_embd=8)))),
        "kibuch.core.device.set_seed[TransformerBlock]": seeded(
            lambda: _state(TransformerBlock(BlockConfig(n_embd=8, n_head=2)))),
        "kibuch.core.artifacts.artifact_key": lambda: artifact_key(
            {"b": 2, "a": {1, 2, 3}}, "x" * 500, np.arange(4), torch.ones(2)),
    }


def data():
    from kibuch import data as kdata
    from kibuch.data import images, text

    def splits():
        s = images.load_image_splits("digits")  # Validierung geschichtet mit festem Seed
        return s.X_train, s.y_train, s.X_val, s.y_val

    return {
        "kibuch.data.registry.load[digits/train]": lambda: kdata.load("digits", split="train"),
        "kibuch.data.registry.load[digits/test]": lambda: kdata.load("digits", split="test"),
        "kibuch.data.registry.load[reviews_de/validation]": lambda: kdata.load(
            "reviews_de", split="validation"),
        "kibuch.data.registry.load[corpus_de]": lambda: kdata.load(
            "corpus_de", sources=["reviews_de"], as_text=True),
        "kibuch.data.text.markdown_prose": lambda: text.markdown_prose(
            "# T\n\nEin Satz. Noch einer.\n"),
        "kibuch.data.images.load_image_splits[digits]": splits,
    }


def training():
    import numpy as np
    import torch

    import kibuch
    from kibuch.nn import gpt
    from kibuch.nn.mlp import MLPConfig, TorchMLP
    from kibuch.scratch import kmeans, mlp_numpy, qlearning
    from kibuch.text import sampling
    from kibuch.training.augment import AffineAugment, AugmentConfig, AugmentedBatches
    from kibuch.training.loop import TrainConfig, fit, tensor_loaders

    X, y = _tiny_xy()

    def torch_fit():
        kibuch.set_seed(1)
        model = TorchMLP(MLPConfig(hidden=(6,)))
        loaders = tensor_loaders(X, y, X, y, batch_size=8, seed=1)
        history = fit(model, *loaders, TrainConfig(epochs=2, progress=False))
        return _state(model), history.train_loss

    def loader_order():
        train, _ = tensor_loaders(X, y, X, y, batch_size=8, seed=3)
        return [b for epoch in range(2) for b in train]  # zwei Epochen gemischt

    def numpy_init():
        model = mlp_numpy.NumpyMLP(mlp_numpy.NumpyMLPConfig(sizes=(2, 5, 3, 2), seed=4))
        return [p.copy() for p in model.params]

    def generated():
        kibuch.set_seed(7)
        model = gpt.GPT(gpt.GPTConfig(vocab_size=12, block_size=8, n_layer=1, n_head=2,
                                      n_embd=8))
        start = torch.zeros((2, 1), dtype=torch.long)
        gen = torch.Generator().manual_seed(3)
        sampled = model.generate(start, 12, temperature=0.8, top_k=5, generator=gen)
        return sampled, model.generate(start, 12, top_p=0.9, generator=gen)

    def numpy_train():
        model = mlp_numpy.NumpyMLP(mlp_numpy.NumpyMLPConfig(sizes=(2, 4, 2), seed=1))
        losses = mlp_numpy.train(model, X.astype(float), y, epochs=3, batch_size=8, seed=1)
        return [p.copy() for p in model.params], losses

    def tiny_gpt():
        text = "abrakadabra simsalabim hokuspokus " * 40
        config = gpt.GPTConfig(vocab_size=16, block_size=8, n_layer=1, n_head=2, n_embd=8)
        train_config = gpt.gpt_train_config(steps=3, batch_size=4, progress=False)
        model, *_ = gpt.train_gpt(text, config, train_config, use_cache=False, device="cpu")
        return _state(model)

    def windows():
        batches = gpt.RandomWindows(torch.arange(50), block_size=4, batch_size=3, seed=3,
                                    n_batches=3)
        return [b for _ in range(2) for b in batches]  # jeder Durchlauf gleich

    def q_learning():
        result = qlearning.q_learning(qlearning.GridWorld(),
                                      qlearning.QLearningConfig(episodes=20, seed=2))
        return result.q, result.returns

    def greedy():
        rng = np.random.default_rng(3)
        q_row = np.array([0.5, 0.5, 0.1, 0.0])  # Gleichstand: zufällig aufgelöst
        return [qlearning.epsilon_greedy(q_row, 0.3, rng) for _ in range(60)]

    def k_means():
        result = kmeans.kmeans(X.astype(float), kmeans.KMeansConfig(k=3, seed=2))
        return result.centers, result.labels

    def best_of():
        result = kmeans.best_of(X.astype(float), kmeans.KMeansConfig(k=3, seed=2), n_init=3)
        return result.centers, result.labels, result.inertia

    def sampled():
        logits = torch.tensor([[0.1, 1.0, 2.0, 0.5, 0.0]])
        gen = torch.Generator().manual_seed(5)
        return torch.cat([sampling.sample(logits, temperature=0.9, top_p=0.9,
                                          generator=gen) for _ in range(20)])

    def augmented():
        images = torch.arange(2 * 64, dtype=torch.float32).reshape(2, 1, 8, 8) / 128
        augment = AffineAugment(AugmentConfig(max_shift=0.2, max_rotate=20), seed=3)
        return augment(images), augment(images)  # zwei Aufrufe: zwei verschiedene Zufälle

    def augmented_batches():
        train, _ = tensor_loaders(np.zeros((8, 1, 4, 4), np.float32) + np.arange(16.0,
                                  dtype=np.float32).reshape(1, 1, 4, 4), np.arange(8) % 2,
                                  np.zeros((2, 1, 4, 4), np.float32), np.arange(2),
                                  batch_size=4, seed=3)
        return list(AugmentedBatches(train, AffineAugment(seed=3)))

    return {
        "kibuch.training.loop.fit": torch_fit,
        "kibuch.training.loop.tensor_loaders": loader_order,
        "kibuch.scratch.mlp_numpy.train": numpy_train,
        "kibuch.scratch.mlp_numpy.NumpyMLP": numpy_init,
        "kibuch.nn.gpt.GPT.generate": generated,
        "kibuch.nn.gpt.train_gpt": tiny_gpt,
        "kibuch.nn.gpt.RandomWindows": windows,
        "kibuch.scratch.qlearning.q_learning": q_learning,
        "kibuch.scratch.qlearning.epsilon_greedy": greedy,
        "kibuch.scratch.kmeans.kmeans": k_means,
        "kibuch.scratch.kmeans.best_of": best_of,
        "kibuch.scratch.kmeans.init_centers[k-means++]": lambda: kmeans.init_centers(
            X.astype(float), 3, method="k-means++", seed=4),
        "kibuch.scratch.kmeans.init_centers[random]": lambda: kmeans.init_centers(
            X.astype(float), 3, method="random", seed=4),
        "kibuch.scratch.kmeans.elbow_and_silhouette": lambda: kmeans.elbow_and_silhouette(
            X.astype(float), [2, 3], n_init=2, seed=3),
        "kibuch.text.sampling.sample": sampled,
        "kibuch.training.augment.AffineAugment": augmented,
        "kibuch.training.augment.AugmentedBatches": augmented_batches,
    }


def text_models():
    import torch

    from kibuch.nn import bert
    from kibuch.text.tokens import load_encoder_tokenizer

    tokenizer = load_encoder_tokenizer()

    def masked():
        ids = tokenizer(TEXTS[:4], padding=True, return_tensors="pt")["input_ids"]
        gen = torch.Generator().manual_seed(3)
        return bert.mask_tokens(ids, tokenizer, probability=0.3, generator=gen)

    def text_batches():
        batches = bert.TextBatches(TEXTS, [i % 3 for i in range(len(TEXTS))], tokenizer,
                                   batch_size=5, max_length=8, seed=3)
        return [(dict(x), y) for _ in range(2) for x, y in batches]  # zwei Epochen

    def fine_tuned():
        clf = bert.fine_tune(TEXTS, LABELS, epochs=1, batch_size=6, max_length=12,
                             train_layers=1, seed=3, device="cpu", use_cache=False)
        return _state(clf.model), clf.history.train_loss

    return {
        "kibuch.nn.bert.make_nsp_pairs": lambda: bert.make_nsp_pairs(
            [["A eins.", "A zwei.", "A drei."], ["B eins.", "B zwei."]], seed=3),
        "kibuch.nn.bert.mask_tokens": masked,
        "kibuch.nn.bert.TextBatches": text_batches,
        "kibuch.nn.bert.fine_tune": fine_tuned,
    }


def chapters():
    import numpy as np

    from kibuch.chapters import ch03_1_playground as pg1
    from kibuch.chapters import ch03_2_playground as pg2
    from kibuch.chapters import ch05_risks

    X, y = _tiny_xy()
    X, target = X.astype(float), X[:, 0].astype(float) ** 2  # Regression (32, 2) → (32,)
    grid = np.linspace(-2, 2, 9)[:, None].repeat(2, axis=1)  # (9, 2)

    def sweep(forest):
        def run():
            result = pg1.depth_sweep(X[:24], target[:24], X[24:], target[24:], [1, 3],
                                     forest=forest, n_estimators=5, seed=3, grid=grid)
            return result.rmse_train, result.rmse_test, result.grid_predictions
        return run

    def tree(forest):
        def run():
            model = pg1.make_tree_model(3, forest=forest, n_estimators=5, seed=3)
            return model.fit(X, target).predict(grid)
        return run

    def playground_result(r):
        return (r.train_loss, r.test_loss, r.surfaces, r.X_train, r.y_train, r.X_test,
                r.y_test, [p.copy() for p in r.model.params])

    config = pg2.PlaygroundConfig(dataset="xor", noise=0.1, hidden=(3,), epochs=3, n_train=30,
                                  n_test=30, resolution=5, snapshot_every=1, seed=3)

    def feedback():
        texts = ["gut und schön", "schlecht und laut", "sehr gut", "sehr schlecht"] * 3
        labels = ["positiv", "negativ", "positiv", "negativ"] * 3
        stream = list(zip(texts, labels[::-1]))  # vertauschte Rückmeldungen
        return ch05_risks.feedback_learning(texts, labels, texts, labels, stream,
                                            batch_size=6, base_epochs=2, seed=3)

    def ngram():
        model = ch05_risks.CharNGramLM(ch05_risks.NGramConfig(order=2)).fit(
            "abrakadabra simsalabim " * 5)
        return model.generate("ab", 30, seed=3)

    return {
        "kibuch.chapters.ch03_1_playground.depth_sweep[baum]": sweep(False),
        "kibuch.chapters.ch03_1_playground.depth_sweep[wald]": sweep(True),
        "kibuch.chapters.ch03_1_playground.make_tree_model[baum]": tree(False),
        "kibuch.chapters.ch03_1_playground.make_tree_model[wald]": tree(True),
        "kibuch.chapters.ch06_maintenance.bootstrap_interval": lambda: __import__(
            "kibuch.chapters.ch06_maintenance", fromlist=["x"]).bootstrap_interval(
            np.linspace(-1.0, 1.0, 24), n_boot=100, seed=3),
        "kibuch.chapters.ch06_workflow.psi_noise_level": lambda: __import__(
            "kibuch.chapters.ch06_workflow", fromlist=["x"]).psi_noise_level(
            np.linspace(0.0, 1.0, 40), 10, n_bins=4, n_rep=20, seed=3),
        "kibuch.chapters.ch03_2_playground.run_playground": lambda: playground_result(
            pg2.run_playground(config)),
        "kibuch.chapters.ch03_2_playground.run_seeds": lambda: [
            playground_result(r) for r in pg2.run_seeds(config, seeds=(1, 2))],
        "kibuch.chapters.ch05_risks.feedback_learning": feedback,
        "kibuch.chapters.ch05_risks.CharNGramLM.generate": ngram,
        "kibuch.chapters.ch05_risks.reduce_class": lambda: ch05_risks.reduce_class(
            np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5), 1, 2, seed=3),
    }


# --------------------------------------------------------------------------------------
# Module im Umbau: chapters/ch03_3_transfer.py, nn/cnn.py, nn/convnet.py und
# chapters/ch03_3_cnn.py werden gerade neu geschrieben. Die Sonden nutzen die heutigen
# öffentlichen Namen; bei Umbenennungen nur diesen Block anpassen. Jede Gruppe scheitert
# für sich (ein Eintrag "<gruppe>:import"), die übrigen Sonden laufen weiter.
# --------------------------------------------------------------------------------------


def _digits_small():
    from kibuch import data as kdata

    X, y = kdata.load("digits", split="train")
    return X[:80].copy(), y[:80].copy()  # (80, 8, 8), (80,): alle zehn Ziffern


def transfer():
    import numpy as np

    import kibuch
    from kibuch.chapters import ch03_3_transfer as tr
    from kibuch.nn.cnn import LeNet, LeNetConfig

    splits = _splits()
    cfg = tiny_transfer_config(tr, shots=(1, 2), augment=tr.AugmentConfig())  # mit Augment.

    def lenet():
        kibuch.set_seed(7)
        return _state(LeNet(LeNetConfig(image_size=8, kernel_size=3, channels=(2, 4),
                                        hidden=(8, 8))))

    def target(pretrained):
        def run():
            return _state(tr.new_target_model(_base(), 10, pretrained=pretrained, seed=5))
        return run

    def trained():
        model, val_acc = tr.train_target(_base(), splits.X_train, splits.y_train, splits.X_val,
                                         splits.y_val, pretrained=True, lr=1e-3, cfg=cfg,
                                         seed=4, device="cpu")
        return _state(model), val_acc

    return {
        "kibuch.core.device.set_seed[LeNet]": lenet,
        "kibuch.chapters.ch03_3_transfer.sample_per_class": lambda: tr.sample_per_class(
            np.array([0, 0, 0, 1, 1, 1, 1]), 2, seed=3),
        "kibuch.chapters.ch03_3_transfer.new_target_model[Feintuning]": target(True),
        "kibuch.chapters.ch03_3_transfer.new_target_model[von Grund auf]": target(False),
        "kibuch.chapters.ch03_3_transfer.train_target": trained,
        "kibuch.chapters.ch03_3_transfer.run_transfer": lambda: tr.run_transfer(
            _base(), splits, cfg, device="cpu", use_cache=False),
        "kibuch.chapters.ch03_3_transfer.probe_task": lambda: tr.probe_task(
            *_tiny_xy(), *_tiny_xy(), (0, 1), 3, seed=4),
    }


def tiny_transfer_config(tr, **changes):
    """Eine winzige TransferConfig: zwei Seeds, ein C, eine Lernrate, drei Schritte.

    Das Schrittbudget heißt je nach Stand von ch03_3_transfer ``steps``/``eval_every`` oder
    ``min_steps``/``epochs``/``eval_points``; gesetzt wird, was es gibt.
    """
    import dataclasses

    names = {f.name for f in dataclasses.fields(tr.TransferConfig)}
    budget = {"steps": 3, "eval_every": 1, "min_steps": 3, "epochs": 0.1, "eval_points": 1}
    values = {"shots": (1,), "seeds": (0, 1), "probe_C": (1.0,), "lrs": (1e-3,),
              "batch_size": 8, "augment": None,
              **{k: v for k, v in budget.items() if k in names}, **changes}
    return tr.TransferConfig(**values)


def _splits():
    from kibuch.data.images import ImageSplits

    X, y = _digits_small()
    return ImageSplits("digits", X[:50], y[:50], X[50:65], y[50:65], X[65:], y[65:])


_BASE = []


def _base():
    """Ein winziges, einmal trainiertes ConvNet als Quellnetz (train_cnn, ohne Cache)."""
    if not _BASE:
        from kibuch.chapters import ch03_3_cnn

        recipe = ch03_3_cnn.CNNRecipe(channels=(2, 4), grid=1, epochs=1, batch_size=16)
        _BASE.append(ch03_3_cnn.train_cnn(_splits(), recipe, seed=3, device="cpu",
                                          use_cache=False)[0])
    return _BASE[0]


def cnn():
    import kibuch
    from kibuch.chapters import ch03_3_cnn
    from kibuch.nn.convnet import ConvNet, ConvNetConfig

    splits = _splits()
    recipe = ch03_3_cnn.CNNRecipe(channels=(2, 4), grid=1, epochs=1, batch_size=16)

    def train():
        model, info = ch03_3_cnn.train_cnn(splits, recipe, seed=3, device="cpu",
                                           use_cache=False)
        history = {k: v for k, v in info["history"].items() if k != "seconds"}  # ohne Uhrzeit
        return _state(model), history

    def convnet():
        kibuch.set_seed(7)
        return _state(ConvNet(ConvNetConfig(channels=(2, 4), grid=1)))

    return {
        "kibuch.core.device.set_seed[ConvNet]": convnet,
        "kibuch.chapters.ch03_3_cnn.train_cnn": train,
        "kibuch.chapters.ch03_3_cnn.seed_runs": lambda: ch03_3_cnn.seed_runs(
            splits, recipe, seeds=(1, 2), device="cpu").drop(columns=["seconds",
                                                                      "from_cache"]),
    }


GROUPS = (synthetic, core, data, training, text_models, chapters, transfer, cnn)


def probes() -> dict:
    """Name → Funktion ohne Argumente, die ein hashbares Ergebnis liefert."""
    table = {}
    for group in GROUPS:
        try:
            table.update(group())
        except Exception as exc:  # noqa: BLE001 - fehlende Module sichtbar machen
            table[f"{group.__name__}:import"] = lambda exc=exc: (_ for _ in ()).throw(exc)
    return table


def main() -> int:
    warnings.simplefilter("ignore")
    os.environ.setdefault("MPLBACKEND", "Agg")
    import torch

    from kibuch.core.artifacts import artifact_key

    torch.set_num_threads(1)
    results = {}
    for name, probe in probes().items():
        try:
            results[name] = artifact_key(probe())
        except Exception as exc:  # noqa: BLE001 - Fehler gehören ins Ergebnis
            results[name] = f"Fehler: {type(exc).__name__}: {exc}"[:300]
    json.dump(results, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
