"""Erzeugt ``tests/js/fixtures/nn_playground.json`` für den Goldtest des NN-Playgrounds.

Referenz ist das NumPy-MLP des Buchs (:class:`kibuch.scratch.mlp_numpy.NumpyMLP`): für
mehrere Architekturen, alle Aktivierungen und alle drei Köpfe feste Anfangsgewichte, ein
fester Batch, Verlust, Gradienten, Ausgaben und die Gewichte nach einem SGD-Schritt; dazu
eine ganze Epoche ``train`` mit vorgegebener Reihenfolge und Kennzahlen der
Spielzeugdaten aus :mod:`kibuch.data.synthetic.toy2d`.

    python tests/js/make_fixtures_nn_playground.py      # schreibt die JSON-Datei neu
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from fixturecheck import write_fixture

from kibuch.data.synthetic.toy2d import DATASETS, FEATURES, add_features, grid, make_toy2d
from kibuch.nn.activations import ACTIVATIONS
from kibuch.scratch.mlp_numpy import NumpyMLP, NumpyMLPConfig, train

FIXTURE = Path(__file__).with_name("fixtures") / "nn_playground.json"
ALL_FEATURES = tuple(FEATURES)
BATCH = 8  # Punkte im festen Batch
LR = 0.1  # Lernrate für den einen SGD-Schritt
STATS_N = 20_000  # Punkte je Datensatz für die Kennzahlen der Spielzeugdaten


def _batch(n_features: int, seed: int) -> np.ndarray:
    """Ein Batch echter Playground-Merkmale (Spirale mit Rauschen), je Spalte skaliert."""
    X, _ = make_toy2d("spirale", BATCH, noise=0.2, seed=seed)
    F = add_features(X, ALL_FEATURES[:n_features]).astype(np.float64)
    return F / (np.abs(F).max(axis=0) + 1e-12)  # (BATCH, n_features)


def _case(sizes, activation, head, seed):
    model = NumpyMLP(NumpyMLPConfig(sizes=sizes, activation=activation, head=head, seed=seed))
    X = _batch(sizes[0], seed)
    rng = np.random.default_rng(seed + 100)
    k = sizes[-1]
    if head == "softmax":
        y = rng.integers(0, k, BATCH)
        y_out = y.tolist()
    else:
        y = rng.uniform(0, 1, (BATCH, k))
        y_out = y.ravel().tolist()
    params = [p.copy() for p in model.params]
    loss, grads = model.loss_and_grads(X, y)
    proba = model.predict_proba(X)
    model.sgd_step(grads, LR)
    return {
        "sizes": list(sizes), "activation": activation, "head": head,
        "X": X.ravel().tolist(), "y": y_out, "N": BATCH,
        "params": [p.ravel().tolist() for p in params],
        "loss": loss, "grads": [g.ravel().tolist() for g in grads],
        "proba": proba.ravel().tolist(),
        "lr": LR, "params_after": [p.ravel().tolist() for p in model.params],
    }


def _cases() -> list[dict]:
    cases = [_case((2, 2), "tanh", "softmax", 0)]  # ohne verdeckte Schicht
    seed = 1
    for sizes, acts in (((2, 4, 2), ACTIVATIONS), ((7, 8, 8, 2), ACTIVATIONS),
                        ((3, 8, 8, 8, 8, 2), ("relu", "tanh", "sigmoid"))):
        for act in acts:
            cases.append(_case(sizes, act, "softmax", seed))
            seed += 1
    cases.append(_case((2, 3, 1), "tanh", "linear", seed))
    cases.append(_case((2, 5, 2), "relu", "sigmoid", seed + 1))
    return cases


def _epoch() -> dict:
    """Eine Epoche ``train`` (Mini-Batches, letzter Batch kleiner) mit bekannter Reihenfolge."""
    n, bs, lr, seed = 13, 5, 0.3, 3
    X, y = make_toy2d("kreise", n, noise=0.1, seed=seed)
    F = add_features(X, ("x1", "x2", "x1^2")).astype(np.float64) / 6.0
    model = NumpyMLP(NumpyMLPConfig(sizes=(3, 4, 3, 2), activation="tanh", seed=seed))
    params = [p.copy() for p in model.params]
    order = np.random.default_rng(seed).permutation(n)  # wie in train, Epoche 0
    history = train(model, F, y, lr=lr, epochs=1, batch_size=bs, seed=seed)
    return {
        "sizes": [3, 4, 3, 2], "activation": "tanh", "head": "softmax",
        "X": F.ravel().tolist(), "y": y.tolist(), "N": n, "batch_size": bs, "lr": lr,
        "order": order.tolist(), "params": [p.ravel().tolist() for p in params],
        "params_after": [p.ravel().tolist() for p in model.params], "loss_after": history[0],
    }


def _toy_stats() -> list[dict]:
    """Mittelwerte je Klasse (Radius, x₁, x₂, x₁·x₂) mit Standardfehlern, für große n."""
    out = []
    for name in DATASETS:
        for noise in (0.0, 0.5):
            X, y = make_toy2d(name, STATS_N, noise=noise, seed=0)
            X = X.astype(np.float64)
            quantities = {"r": np.hypot(X[:, 0], X[:, 1]), "x1": X[:, 0], "x2": X[:, 1],
                          "x1x2": X[:, 0] * X[:, 1]}
            for cls in (0, 1):
                mask = y == cls
                entry = {"name": name, "noise": noise, "cls": cls, "count": int(mask.sum()),
                         "count_fixed": name != "xor"}  # bei XOR entscheidet der Zufall
                for key, values in quantities.items():
                    v = values[mask]
                    entry[key] = float(v.mean())
                    entry[key + "_se"] = float(v.std() / np.sqrt(len(v)))
                out.append(entry)
    return out


def _spiral_exact() -> dict:
    """Ohne Rauschen liegen die Spiralpunkte fest: sortierte Punkte je Klasse."""
    X, y = make_toy2d("spirale", 20, noise=0.0, seed=0)
    pts = sorted((int(c), float(a), float(b)) for (a, b), c in zip(X, y, strict=True))
    return {"n": 20, "points": [list(p) for p in pts]}


def _features() -> dict:
    X = np.array([[0.5, -1.25], [-3.0, 2.0], [4.75, 4.5], [-5.5, -0.1]])
    return {"X": X.ravel().tolist(), "names": list(ALL_FEATURES),
            "F": add_features(X, ALL_FEATURES).astype(np.float64).ravel().tolist()}


def build_fixture() -> dict:
    """Der ganze Fixture-Inhalt als dict (ohne Datei)."""
    xs, _ = grid(50, limit=6.0)
    return {
        "about": "Referenzwerte aus kibuch.scratch.mlp_numpy.NumpyMLP und "
                 "kibuch.data.synthetic.toy2d; erzeugt von tests/js/make_fixtures_nn_playground.py",
        "cases": _cases(), "epoch": _epoch(), "toy_stats": _toy_stats(),
        "stats_n": STATS_N, "spiral_exact": _spiral_exact(), "features": _features(),
        "grid_xs": xs.astype(np.float64).tolist(),
    }


def dumps(fixture: dict) -> str:
    """Der Dateiinhalt: JSON mit echten Umlauten und den üblichen Trennzeichen."""
    return json.dumps(fixture, ensure_ascii=False) + "\n"


def main() -> None:
    write_fixture(FIXTURE, dumps(build_fixture()))


if __name__ == "__main__":
    main()
