"""Rechnet jede geseedete Funktion einmal (winzige Größen) und gibt SHA-256 der Ergebnisse aus.

``python tests/reliability/determinism_probe.py`` schreibt ein JSON-Objekt
``{probe: sha256 | "Fehler: …"}`` auf stdout. ``test_determinism.py`` startet das Skript in
zwei getrennten Prozessen (mit verschiedenem ``PYTHONHASHSEED``) und verlangt
bitgleiche Ergebnisse. Die Hashes bildet :func:`kibuch.core.artifacts.artifact_key`:
Arrays, Tensoren und Tabellen zählen mit ihren Bytes, dtype und Form.
"""

from __future__ import annotations

import json
import os
import sys
import warnings


def _state(model) -> dict:
    return {k: v.detach().cpu() for k, v in model.state_dict().items()}


def probes() -> dict:
    """Name → Funktion ohne Argumente, die ein hashbares Ergebnis liefert."""
    import numpy as np

    import kibuch

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

        out = {
            "business.make_customers": lambda: business.make_customers(40, seed=3),
            "business.make_sensor_data": lambda: business.make_sensor_data(60, seed=3),
            "business.make_orders": lambda: business.make_orders(8, seed=3),
            "curves.make_curve_data": lambda: curves.make_curve_data(15, seed=3),
            "curves.make_regression_1d": lambda: curves.make_regression_1d(15, seed=3),
            "curves.make_regression_2d": lambda: curves.make_regression_2d(15, seed=3),
            "population.make_group_population": lambda: population.make_group_population(
                50, 0.2, seed=3),
            "prices.make_price_series": lambda: prices.make_price_series(
                prices.PriceSeriesConfig(days=20, seed=3)),
            "raw_records.make_raw_records": lambda: raw_records.make_raw_records(
                raw_records.RawDataConfig(n_samples=50), seed=3),
            "sensors.make_sensor_data": lambda: sensors.make_sensor_data(
                sensors.MaintenanceConfig(n_samples=50), seed=3),
            "toy2d.grid": lambda: toy2d.grid(7),
        }
        for name in ("kreise", "xor", "gauss", "spirale"):
            out[f"toy2d.make_toy2d[{name}]"] = (
                lambda name=name: toy2d.make_toy2d(name, 30, noise=0.2, seed=3))
        return out

    def core():
        import torch

        from kibuch.core.artifacts import artifact_key
        from kibuch.nn.cnn import LeNet, LeNetConfig
        from kibuch.nn.gpt import GPT, GPTConfig
        from kibuch.nn.mlp import MLPConfig, TorchMLP

        def seeded(build):
            def run():
                kibuch.set_seed(7)
                return build()
            return run

        return {
            "set_seed+random": seeded(lambda: (__import__("random").random(),
                                                float(np.random.rand()),
                                                torch.rand(3))),
            "set_seed+TorchMLP": seeded(lambda: _state(TorchMLP(MLPConfig(hidden=(5,))))),
            "set_seed+LeNet": seeded(lambda: _state(LeNet(LeNetConfig(
                image_size=8, kernel_size=3, channels=(2, 4), hidden=(8, 8))))),
            "set_seed+GPT": seeded(lambda: _state(GPT(GPTConfig(
                vocab_size=12, block_size=8, n_layer=1, n_head=2, n_embd=8)))),
            "artifact_key": lambda: artifact_key({"b": 2, "a": {1, 2, 3}}, "x" * 500,
                                                 np.arange(4), torch.ones(2)),
        }

    def data():
        from kibuch import data as kdata
        from kibuch.data import text

        return {
            "data.digits[train]": lambda: kdata.load("digits", split="train"),
            "data.digits[test]": lambda: kdata.load("digits", split="test"),
            "data.reviews_de[validation]": lambda: kdata.load("reviews_de", split="validation"),
            "data.corpus_de[reviews_de]": lambda: kdata.load("corpus_de", sources=["reviews_de"],
                                                             as_text=True),
            "data.markdown_prose": lambda: text.markdown_prose("# T\n\nEin Satz. Noch einer.\n"),
        }

    def training():
        import torch

        from kibuch.chapters import ch03_3_transfer, ch05_risks
        from kibuch.nn import bert, gpt
        from kibuch.nn.mlp import MLPConfig, TorchMLP
        from kibuch.scratch import kmeans, mlp_numpy, qlearning
        from kibuch.text import sampling
        from kibuch.training.loop import TrainConfig, fit, tensor_loaders

        rng = np.random.default_rng(0)
        X = rng.normal(size=(32, 2)).astype(np.float32)
        y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)

        def torch_fit():
            kibuch.set_seed(1)
            model = TorchMLP(MLPConfig(hidden=(6,)))
            loaders = tensor_loaders(X, y, X, y, batch_size=8, seed=1)
            history = fit(model, *loaders, TrainConfig(epochs=2, progress=False))
            return _state(model), history.train_loss

        def numpy_train():
            model = mlp_numpy.NumpyMLP(mlp_numpy.NumpyMLPConfig(sizes=(2, 4, 2), seed=1))
            losses = mlp_numpy.train(model, X.astype(float), y, epochs=3, batch_size=8, seed=1)
            return [p.copy() for p in model.params], losses

        def tiny_gpt():
            text = "abrakadabra simsalabim hokuspokus " * 40
            config = gpt.GPTConfig(vocab_size=16, block_size=8, n_layer=1, n_head=2, n_embd=8)
            train_config = gpt.gpt_train_config(steps=3, batch_size=4, progress=False)
            model, *_ = gpt.train_gpt(text, config, train_config, use_cache=False)
            return _state(model)

        def q_learning():
            result = qlearning.q_learning(qlearning.GridWorld(),
                                          qlearning.QLearningConfig(episodes=20, seed=2))
            return result.q, result.returns

        def k_means():
            result = kmeans.kmeans(X.astype(float), kmeans.KMeansConfig(k=3, seed=2))
            return result.centers, result.labels

        def sampled():
            logits = torch.tensor([[0.1, 1.0, 2.0, 0.5, 0.0]])
            gen = torch.Generator().manual_seed(5)
            return torch.cat([sampling.sample(logits, temperature=0.9, top_p=0.9,
                                              generator=gen) for _ in range(20)])

        return {
            "training.fit[TorchMLP]": torch_fit,
            "scratch.mlp_numpy.train": numpy_train,
            "nn.gpt.train_gpt": tiny_gpt,
            "scratch.qlearning.q_learning": q_learning,
            "scratch.kmeans.kmeans": k_means,
            "scratch.kmeans.init_centers[k-means++]": lambda: kmeans.init_centers(
                X.astype(float), 3, method="k-means++", seed=4),
            "text.sampling.sample": sampled,
            "nn.bert.make_nsp_pairs": lambda: bert.make_nsp_pairs(
                [["A eins.", "A zwei.", "A drei."], ["B eins.", "B zwei."]], seed=3),
            "chapters.sample_per_class": lambda: ch03_3_transfer.sample_per_class(
                np.array([0, 0, 0, 1, 1, 1, 1]), 2, seed=3),
            "chapters.reduce_class": lambda: ch05_risks.reduce_class(
                np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5), 1, 2, seed=3),
        }

    table = {}
    for group in (synthetic, core, data, training):
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
