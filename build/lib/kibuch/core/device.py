"""Reproduzierbarkeit und Rechengerät.

``set_seed`` setzt alle Zufallsquellen (Python, NumPy, PyTorch) auf einmal,
``get_device`` wählt das beste verfügbare Gerät: CUDA → MPS → CPU.
Beide Funktionen importieren ``torch`` erst beim Aufruf.
"""

from __future__ import annotations

import os
import random

import numpy as np

from kibuch.core.checks import KibuchError, check_choice, check_int, check_str

#: Umgebungsvariable, die die automatische Gerätewahl übersteuert.
DEVICE_ENV = "KIBUCH_DEVICE"

_VALID_DEVICES = ("cpu", "cuda", "mps")


class DeviceUnavailableError(KibuchError, RuntimeError):
    """Ein ausdrücklich gewünschtes Gerät (etwa ``"cuda"``) ist auf diesem Rechner nicht da."""


def set_seed(seed: int) -> int:
    """Setzt die Seeds von Python, NumPy und PyTorch (CPU und alle GPUs).

    Gibt den Seed zurück, damit man ihn im Kapitel mit ausgeben kann.
    """
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)  # NumPy verlangt 32 Bit
    random.seed(seed)
    np.random.seed(seed)
    import torch

    torch.manual_seed(seed)  # setzt auch die Seeds aller CUDA-Geräte
    return seed


def _parse_device(wish, what: str) -> str:
    """Prüft einen Gerätenamen wie ``'cpu'``, ``'cuda'`` oder ``'cuda:1'``."""
    if not isinstance(wish, str):
        raise TypeError(f"{what} muss ein Gerätename wie 'cpu' oder 'cuda:0' (str) sein, "
                        f"nicht {type(wish).__name__}.")
    kind, _, index = wish.strip().lower().partition(":")
    try:
        check_choice(what, kind, _VALID_DEVICES)
    except ValueError:
        raise ValueError(
            f"Unbekanntes Gerät {wish!r} für {what}. Erlaubt sind: {', '.join(_VALID_DEVICES)} "
            f"(optional mit Index, z. B. 'cuda:1')."
        ) from None
    if index and not index.isdigit():
        raise ValueError(f"{what}: Geräteindex in {wish!r} muss eine Zahl sein (z. B. 'cuda:1').")
    return wish.strip().lower()


def get_device(prefer: str | None = None):
    """Liefert das Rechengerät als ``torch.device``.

    Reihenfolge: Argument ``prefer`` → Umgebungsvariable ``KIBUCH_DEVICE`` →
    automatisch CUDA, dann Apple-MPS, sonst CPU. Ein ausdrücklich gewünschtes,
    aber nicht vorhandenes Gerät führt zu einem Fehler
    (:class:`DeviceUnavailableError`) statt zu einem stillen Rückfall auf die CPU.
    """
    import torch

    if isinstance(prefer, torch.device):
        prefer = str(prefer)
    if prefer is not None:
        wish = _parse_device(prefer, "prefer")
    else:
        env = os.environ.get(DEVICE_ENV, "").strip()
        wish = _parse_device(env, DEVICE_ENV) if env else ""
    if wish:
        kind = wish.split(":")[0]
        if kind == "cuda" and not torch.cuda.is_available():
            raise DeviceUnavailableError(
                f"Gerät {wish!r} gewünscht, aber CUDA ist nicht verfügbar.")
        if kind == "mps" and not torch.backends.mps.is_available():
            raise DeviceUnavailableError(f"Gerät {wish!r} gewünscht, aber MPS ist nicht verfügbar.")
        return torch.device(wish)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def as_device(device=None, name: str = "device"):
    """Ein Argument ``device`` als ``torch.device``: ``None`` → :func:`get_device`.

    Ein Name (``"cpu"``, ``"cuda:1"``) oder ein ``torch.device`` wird geprüft; Fehler nennen
    ``name``. Für Funktionen mit einem Argument ``device=None``.
    """
    import torch

    name = check_str("name", name)
    if device is None:
        return get_device()
    if isinstance(device, torch.device):
        return get_device(str(device))
    return get_device(_parse_device(device, name))


def device_name(device=None) -> str:
    """Lesbarer Name des Geräts, z. B. ``'CPU'`` oder ``'NVIDIA H100 80GB HBM3'``."""
    import torch

    if device is None:
        device = get_device()
    elif not isinstance(device, torch.device):
        device = get_device(_parse_device(device, "device"))  # prüft Name und Verfügbarkeit
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type.upper()
