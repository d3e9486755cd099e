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

from kibuch.core.checks import check_choice, check_float, check_instance, check_int

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
        self.in_features = check_int("in_features", self.in_features, minimum=1)
        self.out_features = check_int("out_features", self.out_features, minimum=1)
        check_instance("hidden", self.hidden, (tuple, list), "ein Tupel ganzer Zahlen")
        self.hidden = tuple(check_int(f"hidden[{i}]", h, minimum=1)
                            for i, h in enumerate(self.hidden))
        self.activation = check_choice("activation", self.activation, ACTIVATIONS)
        self.dropout = check_float("dropout", self.dropout, 0.0, 1.0, open_max=True)


def build_mlp(cfg: MLPConfig) -> nn.Sequential:
    """Baut das MLP als ``nn.Sequential``: Flatten → (Linear → Aktivierung)* → Linear."""
    check_instance("cfg", cfg, MLPConfig, "eine MLPConfig")
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
        self.cfg = check_instance("cfg", cfg if cfg is not None else MLPConfig(), MLPConfig,
                                  "eine MLPConfig")
        self.net = build_mlp(self.cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        check_instance("x", x, torch.Tensor, "ein torch.Tensor")
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
    check_instance("model", model, nn.Module, "ein torch.nn.Module")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
