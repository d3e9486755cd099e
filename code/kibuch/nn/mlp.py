"""Ein mehrschichtiges Perzeptron (MLP) in PyTorch.

Das Gegenstück zu :mod:`kibuch.scratch.mlp_numpy`: dieselbe Architektur, aber die
Ableitungen berechnet ``torch.autograd``. Das Modell glättet seine Eingabe
(``nn.Flatten``), lässt sich also direkt auf Bilder der Form ``(B, 1, 28, 28)``
anwenden – Kapitel 3.3 nutzt es als Vergleich für das CNN.

    cfg = MLPConfig(in_features=784, hidden=(128,), out_features=10)
    model = TorchMLP(cfg)                 # Logits (B, 10)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

#: Erlaubte Aktivierungsfunktionen der verdeckten Schichten.
ACTIVATIONS = ("relu", "tanh", "sigmoid")


@dataclass
class MLPConfig:
    in_features: int = 2  # Zahl der Eingabeneuronen (z. B. 784 = 28·28 Bildpunkte)
    hidden: tuple[int, ...] = (8, 8)  # Neuronen je verdeckter Schicht; () = kein verdeckter Layer
    out_features: int = 2  # Ausgabeneuronen: eines je Klasse (bzw. 1 für Regression)
    activation: str = "tanh"  # "relu", "tanh" oder "sigmoid"
    dropout: float = 0.0  # Dropout-Wahrscheinlichkeit nach jeder verdeckten Schicht

    def __post_init__(self) -> None:
        for name in ("in_features", "out_features"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} muss eine ganze Zahl ≥ 1 sein, nicht {value!r}.")
        try:
            self.hidden = tuple(self.hidden)
        except TypeError as err:
            raise TypeError(
                f"hidden muss eine Folge ganzer Zahlen sein, nicht {self.hidden!r}."
            ) from err
        for h in self.hidden:
            if isinstance(h, bool) or not isinstance(h, int) or h < 1:
                raise ValueError(f"Jede Schichtbreite in hidden muss ≥ 1 sein, nicht {h!r}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"Unbekannte Aktivierung {self.activation!r}; erlaubt: {', '.join(ACTIVATIONS)}."
            )
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"dropout muss in [0, 1) liegen, nicht {self.dropout!r}.")


def build_mlp(cfg: MLPConfig) -> nn.Sequential:
    """Baut das MLP als ``nn.Sequential``: Flatten → (Linear → Aktivierung)* → Linear."""
    if not isinstance(cfg, MLPConfig):
        raise TypeError(f"cfg muss eine MLPConfig sein, nicht {type(cfg).__name__}.")
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[cfg.activation]
    layers: list[nn.Module] = [nn.Flatten()]  # (B, ...) -> (B, in_features)
    width = cfg.in_features
    for h in cfg.hidden:
        layers += [nn.Linear(width, h), act()]  # (B, width) -> (B, h)
        if cfg.dropout > 0:
            layers.append(nn.Dropout(cfg.dropout))
        width = h
    layers.append(nn.Linear(width, cfg.out_features))  # (B, width) -> (B, out): Logits
    return nn.Sequential(*layers)


class TorchMLP(nn.Module):
    """MLP als ``nn.Module``; ``forward`` liefert Logits der Form ``(B, out_features)``."""

    def __init__(self, cfg: MLPConfig | None = None):
        super().__init__()
        self.cfg = cfg if cfg is not None else MLPConfig()
        if not isinstance(self.cfg, MLPConfig):
            raise TypeError(f"cfg muss eine MLPConfig sein, nicht {type(self.cfg).__name__}.")
        self.net = build_mlp(self.cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() < 2:
            raise ValueError(f"Eingabe braucht eine Batch-Dimension, Form war {tuple(x.shape)}.")
        if x[0].numel() != self.cfg.in_features:
            raise ValueError(
                f"Jedes Beispiel muss {self.cfg.in_features} Werte haben, "
                f"nicht {x[0].numel()} (Form {tuple(x.shape)})."
            )
        return self.net(x)  # (B, out_features)


def count_parameters(model: nn.Module) -> int:
    """Zahl der trainierbaren Parameter (Gewichte und Schwellwerte) eines Modells."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model muss ein nn.Module sein, nicht {type(model).__name__}.")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
