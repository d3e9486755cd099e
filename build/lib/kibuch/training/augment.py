"""Datenaugmentierung für Bilder: kleine zufällige Verschiebungen, Drehungen, Skalierungen.

Eine handgeschriebene Ziffer bleibt dieselbe Ziffer, wenn sie ein, zwei Pixel weiter links
steht oder leicht schräg ist. Zeigt man dem Netz in jeder Epoche leicht veränderte Kopien,
lernt es diese Unempfindlichkeit, statt sich die Trainingsbilder zu merken.

    augment = AffineAugment(AugmentConfig(max_shift=0.1, max_rotate=10), seed=0)
    batches = AugmentedBatches(train_loader, augment)   # wie ein DataLoader verwendbar
    fit(model, batches, val_loader, cfg)

Der Import dieses Moduls erzeugt keine Zufallszahlen und lädt nichts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from kibuch.core.checks import check_float, check_instance, check_int


@dataclass
class AugmentConfig:
    max_shift: float = 0.1  # größte Verschiebung als Anteil der Bildbreite (0,1 ≈ 3 von 28 px)
    max_rotate: float = 10.0  # größte Drehung in Grad (in beide Richtungen)
    max_scale: float = 0.1  # größte Streckung/Stauchung (0,1: Faktor 0,9 bis 1,1)

    def __post_init__(self) -> None:
        self.max_shift = check_float("max_shift", self.max_shift, minimum=0.0, maximum=0.5)
        self.max_rotate = check_float("max_rotate", self.max_rotate, minimum=0.0, maximum=180.0)
        self.max_scale = check_float("max_scale", self.max_scale, minimum=0.0, maximum=0.5)


class AffineAugment:
    """Verändert jedes Bild eines Batches mit einer eigenen zufälligen affinen Abbildung."""

    def __init__(self, config: AugmentConfig | None = None, *, seed: int = 0):
        self.config = check_instance("config", config if config is not None else AugmentConfig(),
                                     AugmentConfig, "eine AugmentConfig")
        self.generator = torch.Generator().manual_seed(check_int("seed", seed, minimum=0))

    def _uniform(self, n: int, limit: float) -> torch.Tensor:
        return (torch.rand(n, generator=self.generator) * 2 - 1) * limit  # (n,) in [-limit, limit]

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        check_instance("x", x, torch.Tensor, "ein torch.Tensor")
        if x.ndim != 4:
            raise ValueError(f"x muss die Form (B, C, H, W) haben, nicht {tuple(x.shape)}.")
        cfg, n = self.config, x.shape[0]
        angle = self._uniform(n, math.radians(cfg.max_rotate))  # (B,)
        scale = 1 + self._uniform(n, cfg.max_scale)  # (B,)
        shift = torch.stack([self._uniform(n, 2 * cfg.max_shift) for _ in range(2)], 1)  # (B, 2)
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                             torch.stack([sin, cos, shift[:, 1]], 1)], 1)  # (B, 2, 3)
        grid = F.affine_grid(theta.to(x), list(x.shape), align_corners=False)  # (B, H, W, 2)
        return F.grid_sample(x, grid, padding_mode="zeros", align_corners=False)  # (B, C, H, W)


class AugmentedBatches:
    """Hülle um einen DataLoader: liefert ``(augment(x), y)``; hat dieselbe Länge."""

    def __init__(self, batches, augment):
        if not hasattr(batches, "__iter__") or not hasattr(batches, "__len__"):
            raise TypeError("batches muss ein DataLoader (iterierbar, mit Länge) sein, nicht "
                            f"{type(batches).__name__}.")
        if not callable(augment):
            raise TypeError(f"augment muss aufrufbar sein (x -> x), nicht "
                            f"{type(augment).__name__}.")
        self.batches, self.augment = batches, augment

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        for x, y in self.batches:
            yield self.augment(x), y
