"""Aktivierungsfunktionen künstlicher Neuronen und ihre Ableitungen (NumPy).

Jede Funktion ``f(z)`` hat eine Partnerin ``f_grad(z)`` mit der Ableitung
``f'(z)``; ``ACTIVATIONS`` ordnet Namen beiden zu. Die Stufenfunktion ist an
der Stelle 0 nicht differenzierbar und sonst flach – ihre Ableitung ist überall
(auch bei 0, per Konvention) gleich 0. Genau deshalb taugt sie nicht für das
Lernen mit Gradienten.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kibuch.core.checks import check_array, check_choice, check_float, check_int


def _values(z) -> np.ndarray:
    """``z`` als float-Array derselben Form (Skalar, Liste oder Array); keine Texte, kein NaN."""
    if np.ndim(z) == 0:  # ein einzelner Wert
        return np.asarray(check_float("z", z.item() if isinstance(z, np.ndarray) else z))
    return check_array("z", z, min_len=0)


def step(z):
    """Stufe (Heaviside): 1, wenn z ≥ 0, sonst 0 – das Neuron von McCulloch und Pitts."""
    return (_values(z) >= 0).astype(float)


def step_grad(z):
    """Ableitung der Stufe: überall 0 (bei 0 eigentlich undefiniert)."""
    return np.zeros_like(_values(z))


def sigmoid(z):
    """Logistische Funktion σ(z) = 1 / (1 + e^(−z)), Werte in (0, 1); numerisch stabil."""
    z = _values(z)
    ez = np.exp(-np.abs(z))  # nie größer als 1, also kein Überlauf
    return np.where(z >= 0, 1.0 / (1.0 + ez), ez / (1.0 + ez))


def sigmoid_grad(z):
    """σ'(z) = σ(z) · (1 − σ(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Tangens hyperbolicus, Werte in (−1, 1)."""
    return np.tanh(_values(z))


def tanh_grad(z):
    """tanh'(z) = 1 − tanh²(z)."""
    return 1.0 - np.tanh(_values(z)) ** 2


def relu(z):
    """Rectified Linear Unit: max(0, z)."""
    return np.maximum(0.0, _values(z))


def relu_grad(z):
    """ReLU'(z) = 1 für z > 0, sonst 0 (bei 0 per Konvention 0, wie in PyTorch)."""
    return (_values(z) > 0).astype(float)


def identity(z):
    """Identität f(z) = z – für Ausgabeneuronen bei Regression."""
    return _values(z)


def identity_grad(z):
    """Ableitung der Identität: überall 1."""
    return np.ones_like(_values(z))


#: Name → (Funktion, Ableitung)
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "step": (step, step_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "identity": (identity, identity_grad),
}


def get_activation(name: str) -> tuple[Callable, Callable]:
    """Liefert ``(f, f')`` zum Namen, z. B. ``get_activation("relu")``."""
    return ACTIVATIONS[check_choice("name", name, ACTIVATIONS)]


def softmax(z, axis: int = -1):
    """Softmax entlang ``axis``: e^(z_k) / Σ_j e^(z_j); Zeilen summieren sich zu 1."""
    z = check_array("z", z)
    axis = check_int("axis", axis, minimum=-z.ndim, maximum=z.ndim - 1)
    z = z - z.max(axis=axis, keepdims=True)  # verschiebt nur, ändert das Ergebnis nicht
    ez = np.exp(z)
    return ez / ez.sum(axis=axis, keepdims=True)
