"""Das kleinste neuronale Netz: zwei hintereinandergeschaltete Neuronen.

Ein Eingabewert ``x`` = a⁽⁰⁾ geht in Neuron 1 (Gewicht w₁, Schwellwert b₁), dessen
Aktivierung a⁽¹⁾ in Neuron 2 (w₂, b₂). Beide nutzen die Sigmoidfunktion σ, der
Fehler ist E = ½ (a⁽²⁾ − y)². ``forward`` rechnet alle Zwischengrößen vor,
``backward`` wendet die Kettenregel Schritt für Schritt rückwärts an – genau
die Gleichungen aus Kapitel 3.2.

    p = TwoNeuronNet(w1=0.5, b1=0.0, w2=-1.0, b2=0.2)
    cache = forward(p, x=1.0)
    grads = backward(p, cache, y=1.0)   # dE/dw2, dE/db2, dE/da1, dE/dw1, dE/db1
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from kibuch.core.checks import check_float, check_instance
from kibuch.nn.activations import sigmoid


@dataclass
class TwoNeuronNet:
    w1: float = 0.5  # Gewicht Eingabe → Neuron 1
    b1: float = 0.0  # Schwellwert (Bias) von Neuron 1
    w2: float = -1.0  # Gewicht Neuron 1 → Neuron 2
    b2: float = 0.2  # Schwellwert (Bias) von Neuron 2

    def __post_init__(self) -> None:
        for f in fields(self):
            setattr(self, f.name, check_float(f.name, getattr(self, f.name)))


def _check_cache(cache) -> dict[str, float]:
    """``cache`` muss das dict aus :func:`forward` sein."""
    check_instance("cache", cache, dict, "das dict aus forward()")
    missing = {"a0", "a1", "a2"} - set(cache)
    if missing:
        raise ValueError(f"cache stammt nicht aus forward(): es fehlen {sorted(missing)}.")
    return cache


def forward(p: TwoNeuronNet, x: float) -> dict[str, float]:
    """Vorwärtsrechnung: gibt alle Zwischengrößen a0, z1, a1, z2, a2 zurück."""
    check_instance("p", p, TwoNeuronNet, "ein TwoNeuronNet")
    a0 = check_float("x", x)
    z1 = p.w1 * a0 + p.b1
    a1 = float(sigmoid(z1))
    z2 = p.w2 * a1 + p.b2
    a2 = float(sigmoid(z2))
    return {"a0": a0, "z1": z1, "a1": a1, "z2": z2, "a2": a2}


def loss(a2: float, y: float) -> float:
    """Quadratischer Fehler E = ½ (a2 − y)²."""
    return 0.5 * (check_float("a2", a2) - check_float("y", y)) ** 2


def backward(p: TwoNeuronNet, cache: dict[str, float], y: float) -> dict[str, float]:
    """Rückwärtsrechnung: partielle Ableitungen von E nach allen Parametern und a1."""
    check_instance("p", p, TwoNeuronNet, "ein TwoNeuronNet")
    cache = _check_cache(cache)
    y = check_float("y", y)
    a0, a1, a2 = cache["a0"], cache["a1"], cache["a2"]
    dE_da2 = a2 - y  # Ableitung von ½(a2 − y)²
    delta2 = dE_da2 * a2 * (1 - a2)  # dE/dz2 = dE/da2 · σ'(z2)
    dE_dw2 = delta2 * a1  # dz2/dw2 = a1
    dE_db2 = delta2  # dz2/db2 = 1
    dE_da1 = delta2 * p.w2  # dz2/da1 = w2: der Fehler fließt zur Vorgängerschicht
    delta1 = dE_da1 * a1 * (1 - a1)  # dE/dz1
    dE_dw1 = delta1 * a0
    dE_db1 = delta1
    return {"w2": dE_dw2, "b2": dE_db2, "a1": dE_da1, "w1": dE_dw1, "b1": dE_db1}


def numerical_gradient(p: TwoNeuronNet, x: float, y: float, eps: float = 1e-6) -> dict[str, float]:
    """Ableitungen von E nach w1, b1, w2, b2 per zentraler finiter Differenz (zum Prüfen)."""
    check_instance("p", p, TwoNeuronNet, "ein TwoNeuronNet")
    eps = check_float("eps", eps, 0.0, open_min=True)
    grads = {}
    for name in ("w1", "b1", "w2", "b2"):
        plus = TwoNeuronNet(**{**vars(p), name: getattr(p, name) + eps})
        minus = TwoNeuronNet(**{**vars(p), name: getattr(p, name) - eps})
        e_plus = loss(forward(plus, x)["a2"], y)
        e_minus = loss(forward(minus, x)["a2"], y)
        grads[name] = (e_plus - e_minus) / (2 * eps)
    return grads


def sgd_step(p: TwoNeuronNet, x: float, y: float, lr: float = 1.0) -> tuple[TwoNeuronNet, float]:
    """Ein Schritt Gradientenabstieg; gibt die neuen Parameter und den Fehler davor zurück."""
    lr = check_float("lr", lr, 0.0, open_min=True)
    cache = forward(p, x)
    grads = backward(p, cache, y)
    new = TwoNeuronNet(**{k: getattr(p, k) - lr * grads[k] for k in ("w1", "b1", "w2", "b2")})
    return new, loss(cache["a2"], y)
