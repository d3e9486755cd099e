"""Reproduzierbarkeit und Rechengerät.

``set_seed`` setzt alle Zufallsquellen (Python, NumPy, PyTorch) auf einmal,
``get_device`` wählt das beste verfügbare Gerät: CUDA → MPS → CPU.
Beide Funktionen importieren ``torch`` erst beim Aufruf.
"""

from __future__ import annotations

import os
import random

import numpy as np

#: Umgebungsvariable, die die automatische Gerätewahl übersteuert.
DEVICE_ENV = "KIBUCH_DEVICE"

_VALID_DEVICES = ("cpu", "cuda", "mps")


def set_seed(seed: int) -> int:
    """Setzt die Seeds von Python, NumPy und PyTorch (CPU und alle GPUs).

    Gibt den Seed zurück, damit man ihn im Kapitel mit ausgeben kann.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed muss eine ganze Zahl sein, nicht {type(seed).__name__}.")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed muss zwischen 0 und 2**32 - 1 liegen, nicht {seed}.")
    seed = int(seed)
    random.seed(seed)
    np.random.seed(seed)
    import torch

    torch.manual_seed(seed)  # setzt auch die Seeds aller CUDA-Geräte
    return seed


def get_device(prefer: str | None = None):
    """Liefert das Rechengerät als ``torch.device``.

    Reihenfolge: Argument ``prefer`` → Umgebungsvariable ``KIBUCH_DEVICE`` →
    automatisch CUDA, dann Apple-MPS, sonst CPU. Ein ausdrücklich gewünschtes,
    aber nicht vorhandenes Gerät führt zu einem Fehler statt zu einem stillen
    Rückfall auf die CPU.
    """
    import torch

    wish = prefer if prefer is not None else os.environ.get(DEVICE_ENV, "").strip()
    if wish:
        kind = wish.split(":")[0].lower()
        if kind not in _VALID_DEVICES:
            raise ValueError(
                f"Unbekanntes Gerät {wish!r}. Erlaubt sind: {', '.join(_VALID_DEVICES)} "
                f"(optional mit Index, z. B. 'cuda:1')."
            )
        if kind == "cuda" and not torch.cuda.is_available():
            raise RuntimeError(f"Gerät {wish!r} gewünscht, aber CUDA ist nicht verfügbar.")
        if kind == "mps" and not torch.backends.mps.is_available():
            raise RuntimeError(f"Gerät {wish!r} gewünscht, aber MPS ist nicht verfügbar.")
        return torch.device(wish.lower())
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def device_name(device=None) -> str:
    """Lesbarer Name des Geräts, z. B. ``'CPU'`` oder ``'NVIDIA H100 80GB HBM3'``."""
    import torch

    device = torch.device(device) if device is not None else get_device()
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type.upper()
