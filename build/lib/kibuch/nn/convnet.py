"""Ein zeitgemäßes kleines CNN für Ziffern: Normierung, BatchNorm, globales Pooling.

LeNet-5 (in :mod:`kibuch.nn.cnn`) zeigt den historischen Aufbau. Für das Experiment in
Kapitel 3.3 nimmt das Buch das, was man heute für kleine Graustufenbilder wählen würde:

- die Eingabe wird mit Mittelwert und Standardabweichung der Trainingsbilder normiert
  (als Puffer im Modell gespeichert, damit Vorhersagen dieselbe Normierung bekommen),
- Blöcke aus 3×3-Faltung, Batch-Normalisierung (BatchNorm) und ReLU, nach jedem Block
  außer dem letzten ein 2×2-Max-Pooling,
- am Ende ein Mittelwert-Pooling auf ein festes 3×3-Raster statt großer vollverbundener
  Schichten: Das Netz nimmt so jede Bildgröße ab 3 × 3 nach den Poolings, behält aber grob,
  *wo* im Bild ein Merkmal auftrat (oben, Mitte, unten) – bei Ziffern wichtig.

Der Import dieses Moduls setzt keine Seeds und trainiert nichts.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from kibuch.core.checks import check_bool, check_float, check_instance, check_int


@dataclass
class ConvNetConfig:
    in_channels: int = 1  # 1 = Graustufen
    channels: tuple[int, ...] = (32, 64, 128)  # Filterzahl je Block
    n_classes: int = 10  # Ausgabeklassen (Ziffern 0–9)
    grid: int = 3  # Raster des letzten Poolings: Embedding = channels[-1] · grid · grid Zahlen
    dropout: float = 0.2  # Dropout vor dem Klassifikationskopf
    mean: float = 0.0  # Mittelwert der Trainingsbilder (Normierung der Eingabe)
    std: float = 1.0  # Standardabweichung der Trainingsbilder

    def __post_init__(self) -> None:
        self.in_channels = check_int("in_channels", self.in_channels, minimum=1)
        check_instance("channels", self.channels, (tuple, list), "ein Tupel von Filterzahlen")
        self.channels = tuple(check_int(f"channels[{i}]", c, minimum=1)
                              for i, c in enumerate(self.channels))
        check_int("len(channels)", len(self.channels), minimum=1)
        self.n_classes = check_int("n_classes", self.n_classes, minimum=2)
        self.grid = check_int("grid", self.grid, minimum=1)
        self.dropout = check_float("dropout", self.dropout, 0.0, 1.0, open_max=True)
        self.mean = check_float("mean", self.mean)
        self.std = check_float("std", self.std, minimum=0.0, open_min=True)


def conv_block(c_in: int, c_out: int, pool: bool) -> nn.Sequential:
    """3×3-Faltung → BatchNorm → ReLU (→ 2×2-Max-Pooling): halbiert H und W, wenn ``pool``."""
    c_in, c_out = check_int("c_in", c_in, minimum=1), check_int("c_out", c_out, minimum=1)
    pool = check_bool("pool", pool)
    layers = [
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),  # (B, c_out, H, W); BatchNorm hat Bias
        nn.BatchNorm2d(c_out),  # je Kanal auf Mittelwert 0, Streuung 1 normiert
        nn.ReLU(),
    ]
    if pool:
        layers.append(nn.MaxPool2d(2))  # (B, c_out, H/2, W/2)
    return nn.Sequential(*layers)


class ConvNet(nn.Module):
    """Normierung → Faltungsblöcke → Mittelwert-Pooling auf grid × grid → Dropout → Linear."""

    def __init__(self, config: ConvNetConfig | None = None):
        super().__init__()
        cfg = check_instance("config", config if config is not None else ConvNetConfig(),
                             ConvNetConfig, "eine ConvNetConfig")
        self.config = cfg
        self.register_buffer("mean", torch.tensor(cfg.mean))
        self.register_buffer("std", torch.tensor(cfg.std))
        sizes = (cfg.in_channels, *cfg.channels)
        last = len(cfg.channels) - 1
        self.features = nn.Sequential(*[conv_block(sizes[i], sizes[i + 1], pool=i < last)
                                        for i in range(len(cfg.channels))])
        self.pool = nn.AdaptiveAvgPool2d(cfg.grid)  # (B, C, h, w) -> (B, C, grid, grid)
        self.head = nn.Sequential(nn.Dropout(cfg.dropout),
                                  nn.Linear(sizes[-1] * cfg.grid ** 2, cfg.n_classes))

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Das Embedding: gemittelte Merkmalskarten des letzten Blocks, (B, C · grid · grid)."""
        check_instance("x", x, torch.Tensor, "ein torch.Tensor")
        if x.ndim != 4 or x.shape[1] != self.config.in_channels:
            raise ValueError(f"x muss die Form (B, {self.config.in_channels}, H, W) haben, "
                             f"nicht {tuple(x.shape)}.")
        x = (x - self.mean) / self.std  # (B, C, H, W), normiert wie die Trainingsbilder
        return self.pool(self.features(x)).flatten(1)  # (B, channels[-1] · grid · grid)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))  # (B, n_classes) – Logits
