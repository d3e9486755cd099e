"""Ein mehrschichtiges Perzeptron (MLP) von Grund auf – nur mit NumPy.

Jede Schicht l rechnet ``Z = A_prev @ W.T + b`` und ``A = f(Z)``; ``W`` hat die
Form ``(m, n)`` (m Neuronen, n Neuronen der Vorgängerschicht) wie bei
``torch.nn.Linear``. ``loss_and_grads`` macht eine Vorwärtsrechnung, merkt sich
alle Zwischengrößen und führt den Fehler mit der Kettenregel Schicht für Schicht
zurück (Fehlerrückführung, *backpropagation*).

Zwei „Köpfe“ stehen zur Wahl:

* ``head="softmax"`` – Klassifikation: Softmax über die Ausgabeneuronen und
  mittlere Kreuzentropie; ``y`` sind Klassennummern ``(N,)``.
* ``head="linear"`` bzw. ``head="sigmoid"`` – quadratischer Fehler
  E = 1/N · Σ ½‖a − y‖² mit Identität bzw. Sigmoid am Ausgang; ``y`` hat die
  Form ``(N, k)`` (oder ``(N,)`` bei einem Ausgabeneuron).

``check_gradients`` vergleicht die Gradienten mit finiten Differenzen und mit
``torch.autograd``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kibuch.core.checks import (
    check_array,
    check_choice,
    check_float,
    check_instance,
    check_int,
)
from kibuch.nn.activations import ACTIVATIONS, get_activation, softmax

#: Erlaubte Ausgabeköpfe.
HEADS = ("softmax", "linear", "sigmoid")

#: Obergrenze für ``epochs`` in :func:`train` – mehr ist im Buch immer ein Tippfehler.
MAX_EPOCHS = 100_000


@dataclass
class NumpyMLPConfig:
    sizes: tuple[int, ...] = (2, 8, 2)  # Neuronen je Schicht, von der Eingabe bis zur Ausgabe
    activation: str = "tanh"  # Aktivierung der verdeckten Schichten: tanh, relu, sigmoid, …
    head: str = "softmax"  # "softmax" (Kreuzentropie) oder "linear"/"sigmoid" (quadr. Fehler)
    seed: int = 0  # Startwert für die zufälligen Anfangsgewichte

    def __post_init__(self) -> None:
        check_instance("sizes", self.sizes, (tuple, list), "ein Tupel ganzer Zahlen")
        self.sizes = tuple(check_int(f"sizes[{i}]", s, minimum=1) for i, s in enumerate(self.sizes))
        if len(self.sizes) < 2:
            raise ValueError("sizes braucht mindestens zwei Einträge (Eingabe und Ausgabe).")
        self.activation = check_choice("activation", self.activation, ACTIVATIONS)
        self.head = check_choice("head", self.head, HEADS)
        self.seed = check_int("seed", self.seed, minimum=0)
        if self.head == "softmax" and self.sizes[-1] < 2:
            raise ValueError("Der Softmax-Kopf braucht mindestens zwei Ausgabeneuronen.")


class NumpyMLP:
    """MLP mit Parametern ``self.params = [W1, b1, W2, b2, …]`` (float64)."""

    def __init__(self, cfg: NumpyMLPConfig | None = None):
        self.cfg = check_instance("cfg", cfg if cfg is not None else NumpyMLPConfig(),
                                  NumpyMLPConfig, "eine NumpyMLPConfig")
        self.act, self.act_grad = get_activation(self.cfg.activation)
        rng = np.random.default_rng(self.cfg.seed)
        self.params: list[np.ndarray] = []
        for n, m in zip(self.cfg.sizes[:-1], self.cfg.sizes[1:], strict=True):
            # Xavier-Initialisierung: Varianz der Aktivierungen bleibt etwa gleich
            W = rng.normal(0.0, np.sqrt(2.0 / (n + m)), size=(m, n))  # (m, n)
            self.params += [W, np.zeros(m)]  # b: (m,)

    @property
    def n_layers(self) -> int:
        return len(self.params) // 2

    def _check_X(self, X) -> np.ndarray:
        X = check_array("X", X, ndim=2)
        if X.shape[1] != self.cfg.sizes[0]:
            raise ValueError(
                f"X muss die Form (N, {self.cfg.sizes[0]}) haben, nicht {X.shape}."
            )
        return X

    def forward(self, X) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Vorwärtsrechnung. Gibt die Ausgabe-Logits Z_L und alle (A_prev, Z) zurück."""
        return self._forward(self._check_X(X))

    def _forward(self, A: np.ndarray):
        """Wie :meth:`forward`, aber ohne Prüfung (``train`` prüft die Daten einmal vorab)."""
        cache = []
        for layer in range(self.n_layers):
            W, b = self.params[2 * layer], self.params[2 * layer + 1]
            Z = A @ W.T + b  # (N, m)
            cache.append((A, Z))
            A = self.act(Z) if layer < self.n_layers - 1 else Z
        return A, cache  # A: (N, k) Ausgabe vor dem Kopf

    def _output(self, Z_out: np.ndarray) -> np.ndarray:
        if self.cfg.head == "softmax":
            return softmax(Z_out, axis=1)
        if self.cfg.head == "sigmoid":
            return get_activation("sigmoid")[0](Z_out)
        return Z_out

    def predict_proba(self, X) -> np.ndarray:
        """Ausgabe nach dem Kopf: Klassenwahrscheinlichkeiten bzw. Vorhersagewerte (N, k)."""
        return self._output(self.forward(X)[0])

    def predict(self, X) -> np.ndarray:
        """Klassennummer mit der stärksten Aktivierung (N,)."""
        return self.predict_proba(X).argmax(axis=1)

    def _check_y(self, y, n: int) -> np.ndarray:
        k = self.cfg.sizes[-1]
        if self.cfg.head == "softmax":
            y = check_array("y", y, ndim=1, dtype=None)
            if len(y) != n:
                raise ValueError(f"y muss die Form ({n},) haben, nicht {y.shape}.")
            if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= k:
                raise ValueError(f"y muss ganze Klassennummern 0 … {k - 1} enthalten.")
            return y
        y = check_array("y", y, ndim=(1, 2))
        y = y.reshape(n, -1) if y.size == n * k else y
        if y.shape != (n, k):
            raise ValueError(f"y muss die Form ({n}, {k}) haben, nicht {np.shape(y)}.")
        return y

    def loss_and_grads(self, X, y) -> tuple[float, list[np.ndarray]]:
        """Mittlerer Verlust über den Batch und seine Gradienten (gleiche Formen wie params)."""
        X = self._check_X(X)
        return self._loss_and_grads(X, self._check_y(y, len(X)))

    def _loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """Wie :meth:`loss_and_grads` für schon geprüfte ``X`` und ``y``."""
        Z_out, cache = self._forward(X)
        N = Z_out.shape[0]
        out = self._output(Z_out)  # (N, k)
        if self.cfg.head == "softmax":
            loss = -np.mean(np.log(out[np.arange(N), y] + 1e-300))
            dZ = out.copy()
            dZ[np.arange(N), y] -= 1.0  # Softmax + Kreuzentropie: p − onehot(y)
            dZ /= N  # (N, k)
        else:
            loss = 0.5 * np.sum((out - y) ** 2) / N
            dA = (out - y) / N  # dE/da
            dZ = dA * out * (1 - out) if self.cfg.head == "sigmoid" else dA  # (N, k)
        grads: list[np.ndarray] = [np.empty(0)] * len(self.params)
        for layer in reversed(range(self.n_layers)):
            A_prev, _ = cache[layer]
            W = self.params[2 * layer]
            grads[2 * layer] = dZ.T @ A_prev  # dE/dW: (m, n)
            grads[2 * layer + 1] = dZ.sum(axis=0)  # dE/db: (m,)
            if layer > 0:
                dA_prev = dZ @ W  # dE/dA der Vorgängerschicht: (N, n)
                dZ = dA_prev * self.act_grad(cache[layer - 1][1])  # · f'(Z_prev)
        return float(loss), grads

    def loss(self, X, y) -> float:
        """Nur der Verlust (ohne Gradienten)."""
        return self.loss_and_grads(X, y)[0]

    def sgd_step(self, grads: list[np.ndarray], lr: float) -> None:
        """Ein Schritt Gradientenabstieg: θ ← θ − lr · ∂E/∂θ."""
        lr = check_float("lr", lr, 0.0, open_min=True)
        check_instance("grads", grads, (list, tuple), "eine Liste von Arrays")
        if len(grads) != len(self.params):
            raise ValueError(f"{len(self.params)} Gradienten erwartet, nicht {len(grads)}.")
        self._step(grads, lr)

    def _step(self, grads: list[np.ndarray], lr: float) -> None:
        for p, g in zip(self.params, grads, strict=True):
            p -= lr * g


def train(
    model: NumpyMLP,
    X,
    y,
    *,
    lr: float = 0.1,
    epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    callback: Callable[[int, NumpyMLP], None] | None = None,
) -> list[float]:
    """Gradientenabstieg mit Mini-Batches; gibt den Verlust auf (X, y) nach jeder Epoche zurück.

    ``batch_size=None`` nimmt alle Daten auf einmal (*full batch*). ``callback(epoch, model)``
    wird nach jeder Epoche aufgerufen, etwa um Entscheidungsgrenzen mitzuschreiben.
    """
    check_instance("model", model, NumpyMLP, "ein NumpyMLP")
    lr = check_float("lr", lr, 0.0, open_min=True)
    epochs = check_int("epochs", epochs, minimum=1, maximum=MAX_EPOCHS)
    seed = check_int("seed", seed, minimum=0)
    X = model._check_X(X)
    n = len(X)
    y = model._check_y(y, n)  # (n,) Klassennummern bzw. (n, k) Zielwerte
    bs = n if batch_size is None else check_int("batch_size", batch_size, minimum=1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback muss aufrufbar sein, nicht {type(callback).__name__}.")
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, bs):
            idx = order[start : start + bs]
            _, grads = model._loss_and_grads(X[idx], y[idx])  # X, y sind oben geprüft
            model._step(grads, lr)  # wie sgd_step, ohne die Prüfung in jedem Schritt
        history.append(model._loss_and_grads(X, y)[0])
        if callback is not None:
            callback(epoch, model)
    return history


def numerical_gradients(model: NumpyMLP, X, y, eps: float = 1e-6) -> list[np.ndarray]:
    """Gradienten per zentraler Differenz (E(θ+ε) − E(θ−ε)) / 2ε – langsam, nur zum Prüfen."""
    check_instance("model", model, NumpyMLP, "ein NumpyMLP")
    eps = check_float("eps", eps, 0.0, open_min=True)
    grads = []
    for p in model.params:
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + eps
            e_plus = model.loss(X, y)
            p[i] = old - eps
            e_minus = model.loss(X, y)
            p[i] = old
            g[i] = (e_plus - e_minus) / (2 * eps)
        grads.append(g)
    return grads


def torch_gradients(model: NumpyMLP, X, y) -> tuple[float, list[np.ndarray]]:
    """Derselbe Verlust in PyTorch (float64) gerechnet; Gradienten von ``torch.autograd``."""
    import torch

    check_instance("model", model, NumpyMLP, "ein NumpyMLP")
    X = torch.as_tensor(model._check_X(X), dtype=torch.float64)
    y = model._check_y(y, len(X))
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in model.params]
    act = {
        "tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid,
        "identity": lambda z: z, "step": lambda z: (z >= 0).double(),
    }[model.cfg.activation]
    A = X
    for layer in range(model.n_layers):
        Z = A @ params[2 * layer].T + params[2 * layer + 1]
        A = act(Z) if layer < model.n_layers - 1 else Z
    if model.cfg.head == "softmax":
        loss = torch.nn.functional.cross_entropy(A, torch.as_tensor(y))
    else:
        out = torch.sigmoid(A) if model.cfg.head == "sigmoid" else A
        loss = 0.5 * ((out - torch.as_tensor(y)) ** 2).sum() / len(X)
    loss.backward()  # autograd füllt p.grad für alle Parameter
    return loss.item(), [p.grad.numpy() for p in params]


def check_gradients(model: NumpyMLP, X, y, eps: float = 1e-6) -> dict[str, float]:
    """Größte absolute Abweichung der Backprop-Gradienten von finiten Differenzen und autograd."""
    check_instance("model", model, NumpyMLP, "ein NumpyMLP")
    loss, ours = model.loss_and_grads(X, y)
    numeric = numerical_gradients(model, X, y, eps)
    torch_loss, auto = torch_gradients(model, X, y)

    def max_diff(first, second) -> float:
        return max(float(np.max(np.abs(a - b))) for a, b in zip(first, second, strict=True))

    return {
        "finite_differenzen": max_diff(ours, numeric),
        "torch_autograd": max_diff(ours, auto),
        "verlust_torch": abs(loss - torch_loss),
        "groesster_gradient": max(float(np.max(np.abs(g))) for g in ours),
    }
