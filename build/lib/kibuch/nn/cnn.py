"""Faltende Netze (CNNs): Faltung von Hand, LeNet, AlexNet und Embeddings.

Das Modul begleitet Kapitel 3.3. Es enthält

- handgemachte Filterkerne und eine Faltung mit gleitendem Fenster in reinem
  NumPy (``conv2d_naive``), die die Tests gegen ``torch.nn.functional.conv2d``
  und SciPy prüfen, sowie ``filter_image`` für große Bilder,
- Formeln für Ausgabegrößen und Parameterzahlen (``conv_output_size``,
  ``conv_layer_params``, ``dense_layer_params``) und ``layer_table``, das die
  Ausgabeform jeder Schicht eines Modells per Vorwärtsdurchlauf ermittelt,
- ein kleines CNN im Stil von LeNet-5 (``LeNet``) und AlexNet (``AlexNet``),
  jeweils mit ``@dataclass``-Konfiguration,
- ``extract_embeddings`` für die Vektoren der vorletzten Schicht.

Training und Auswertung übernimmt die generische Schleife aus :mod:`kibuch.training.loop`.
Der Import dieses Moduls lädt keine Daten, setzt keine Seeds und trainiert nichts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from kibuch.core.checks import (
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_instance,
    check_int,
)
from kibuch.core.device import as_device

# ---------------------------------------------------------------------------
# Handgemachte Filterkerne
# ---------------------------------------------------------------------------

#: Klassische 3×3- bzw. 5×5-Kerne. Die Faltung ist hier wie in PyTorch eine
#: Kreuzkorrelation: Der Kern wird *nicht* gespiegelt.
KERNELS: dict[str, np.ndarray] = {
    # Sobel-Kern: reagiert auf Helligkeitswechsel von links nach rechts
    "vertikale Kanten": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32),
    # derselbe Kern, um 90° gedreht: Wechsel von oben nach unten
    "horizontale Kanten": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float32),
    # Mittelwert über 5×5 Pixel
    "Weichzeichner": np.full((5, 5), 1 / 25, dtype=np.float32),
    # Mitte verstärken, Nachbarn abziehen; Summe 1 erhält die Helligkeit
    "Schärfen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
}


def to_gray(image, *, scale: float | None = None) -> np.ndarray:
    """Wandelt ein RGB-Bild (H, W, 3) in Graustufen 0…1 um (Gewichte nach ITU-R BT.601).

    Die Skala folgt dem Datentyp, nicht den Werten: Ganzzahlige Bilder (etwa ``uint8``)
    reichen von 0 bis 255, Gleitkommabilder von 0 bis 1. ``scale`` nennt den Höchstwert
    ausdrücklich, etwa ``scale=255`` für ein float-Bild mit Werten 0…255.
    """
    raw = check_array("image", image, ndim=3, dtype=None)  # (H, W, 3), Datentyp bleibt
    if raw.shape[2] != 3:
        raise ValueError(f"image muss ein RGB-Bild der Form (H, W, 3) sein, nicht {raw.shape}.")
    rgb = raw.astype(np.float32) / _image_scale(raw, scale)
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # (H, W)


def _image_scale(raw: np.ndarray, scale) -> float:
    """Höchstwert eines Bilds: ausdrücklich angegeben oder aus dem Datentyp."""
    if not (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)):
        raise TypeError(f"image muss Zahlen enthalten, nicht den Datentyp {raw.dtype}.")
    if scale is not None:
        scale = check_float("scale", scale, 0.0, open_min=True)
    else:
        scale = 255.0 if np.issubdtype(raw.dtype, np.integer) else 1.0
    low, high = (float(raw.min()), float(raw.max())) if raw.size else (0.0, 0.0)
    if low < 0 or high > scale:
        hint = (" Für ein Gleitkommabild mit Werten 0…255 geben Sie scale=255 an."
                if scale == 1.0 and high <= 255 else "")
        raise ValueError(f"image hat Werte von {low:g} bis {high:g}, erlaubt sind 0 bis "
                         f"{scale:g} (Datentyp {raw.dtype}).{hint}")
    return scale


def _check_2d(name: str, value) -> np.ndarray:
    """Ein nicht leeres zweidimensionales float64-Array (H, W)."""
    array = check_array(name, value, ndim=2)
    check_int(f"Breite von {name}", array.shape[1], minimum=1)
    return array


def _check_sizes(name: str, value, length: int | None = None, minimum: int = 1) -> tuple:
    """Ein Tupel (oder eine Liste) ganzer Zahlen ≥ ``minimum``, auf Wunsch genau ``length`` lang."""
    check_instance(name, value, (tuple, list), "ein Tupel ganzer Zahlen")
    if length is not None and len(value) != length:
        raise ValueError(f"{name} braucht genau {length} Einträge, nicht {len(value)}.")
    return tuple(check_int(f"{name}[{i}]", v, minimum=minimum) for i, v in enumerate(value))


def conv_output_size(n: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Kantenlänge der Ausgabe einer Faltung oder eines Poolings.

    ``⌊(n + 2·padding − kernel) / stride⌋ + 1`` – dieselbe Formel wie in PyTorch.
    """
    n = check_int("n", n, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    stride = check_int("stride", stride, minimum=1)
    padding = check_int("padding", padding, minimum=0)
    if n + 2 * padding < kernel:
        raise ValueError(
            f"Kern ({kernel}) ist größer als die aufgefüllte Eingabe ({n} + 2·{padding})."
        )
    return (n + 2 * padding - kernel) // stride + 1


def iter_windows(
    image, kernel_shape: tuple[int, int], *, stride: int = 1, padding: int = 0
) -> Iterator[tuple[int, int, np.ndarray]]:
    """Lässt ein Fenster über das Bild gleiten: liefert ``(zeile, spalte, ausschnitt)``.

    Das Bild wird vorher ringsum mit ``padding`` Nullen aufgefüllt. ``zeile`` und
    ``spalte`` sind die Position in der *Ausgabe*.
    """
    image = _check_2d("image", image)
    kh, kw = _check_sizes("kernel_shape", kernel_shape, length=2)
    out_h = conv_output_size(image.shape[0], kh, stride, padding)
    out_w = conv_output_size(image.shape[1], kw, stride, padding)
    padded = np.pad(image, padding)  # (H + 2p, W + 2p)
    return ((i, j, padded[i * stride : i * stride + kh, j * stride : j * stride + kw])  # (kh, kw)
            for i in range(out_h) for j in range(out_w))


def conv2d_naive(image, kernel, *, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Faltung (genauer: Kreuzkorrelation) mit gleitendem Fenster, Pixel für Pixel.

    Für jede Position wird der Bildausschnitt elementweise mit dem Kern
    multipliziert und aufsummiert. Langsam, aber genau so, wie man es von Hand
    rechnen würde.
    """
    kernel = _check_2d("kernel", kernel)
    image = _check_2d("image", image)
    out_h = conv_output_size(image.shape[0], kernel.shape[0], stride, padding)
    out_w = conv_output_size(image.shape[1], kernel.shape[1], stride, padding)
    out = np.zeros((out_h, out_w))  # (H_out, W_out)
    for i, j, patch in iter_windows(image, kernel.shape, stride=stride, padding=padding):
        out[i, j] = np.sum(patch * kernel)
    return out


def max_pool_naive(image, size: int = 2, stride: int | None = None) -> np.ndarray:
    """Max-Pooling von Hand: das Maximum jedes ``size``×``size``-Fensters."""
    size = check_int("size", size, minimum=1)
    stride = size if stride is None else check_int("stride", stride, minimum=1)
    image = _check_2d("image", image)
    out_h = conv_output_size(image.shape[0], size, stride)
    out_w = conv_output_size(image.shape[1], size, stride)
    out = np.zeros((out_h, out_w))
    for i, j, patch in iter_windows(image, (size, size), stride=stride):
        out[i, j] = patch.max()
    return out


def filter_image(image, kernel, *, padding: str | int = "same") -> np.ndarray:
    """Wendet einen Kern schnell mit ``torch.nn.functional.conv2d`` auf ein Graubild an.

    Rechnet dasselbe wie :func:`conv2d_naive` (Schritt 1), nur vektorisiert.
    ``padding="same"`` erhält die Bildgröße.
    """
    image = _check_2d("image", image)
    kernel = _check_2d("kernel", kernel)
    padding = (check_choice("padding", padding, ("same", "valid")) if isinstance(padding, str)
               else check_int("padding", padding, minimum=0))
    x = torch.as_tensor(image, dtype=torch.float32)[None, None]  # (1, 1, H, W)
    w = torch.as_tensor(kernel, dtype=torch.float32)[None, None]  # (1, 1, kh, kw)
    out = torch.nn.functional.conv2d(x, w, padding=padding)  # (1, 1, H', W')
    return out[0, 0].numpy()


# ---------------------------------------------------------------------------
# Parameterzahlen und Ausgabeformen
# ---------------------------------------------------------------------------


def conv_layer_params(in_channels: int, out_channels: int, kernel: int, *,
                      bias: bool = True, groups: int = 1) -> int:
    """Parameter einer Faltungsschicht: ``out · (in/groups) · k² (+ out Bias)``.

    Die Zahl hängt *nicht* von der Bildgröße ab – jeder Kern wird an allen
    Positionen wiederverwendet (geteilte Gewichte).
    """
    in_channels = check_int("in_channels", in_channels, minimum=1)
    out_channels = check_int("out_channels", out_channels, minimum=1)
    kernel = check_int("kernel", kernel, minimum=1)
    groups = check_int("groups", groups, minimum=1)
    bias = check_bool("bias", bias)
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"Kanalzahlen müssen durch groups={groups} teilbar sein.")
    return out_channels * (in_channels // groups) * kernel * kernel + (out_channels if bias else 0)


def dense_layer_params(n_in: int, n_out: int, *, bias: bool = True) -> int:
    """Parameter einer vollverbundenen Schicht: ``n_in · n_out (+ n_out Bias)``."""
    n_in = check_int("n_in", n_in, minimum=1)
    n_out = check_int("n_out", n_out, minimum=1)
    bias = check_bool("bias", bias)
    return n_in * n_out + (n_out if bias else 0)


def layer_table(model: nn.Module, input_shape: tuple[int, ...]) -> list[dict]:
    """Schickt ein Nullbild durch ``model`` und notiert jede Blattschicht.

    ``input_shape`` ohne Batch-Dimension, z. B. ``(1, 28, 28)``. Rückgabe: je
    Schicht ein dict mit ``schicht``, ``typ``, ``ausgabe`` (Form ohne Batch) und
    ``parameter``.
    """
    check_instance("model", model, nn.Module, "ein torch.nn.Module")
    input_shape = _check_sizes("input_shape", input_shape)
    rows: list[dict] = []
    hooks = []
    for name, module in model.named_modules():
        if list(module.children()):  # nur Blätter (Conv2d, ReLU, …)
            continue

        def hook(mod, _inp, out, name=name):
            rows.append({
                "schicht": name,
                "typ": type(mod).__name__,
                "ausgabe": tuple(out.shape[1:]),
                "parameter": sum(p.numel() for p in mod.parameters()),
            })

        hooks.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        param = next(model.parameters(), None)  # Modelle ohne Parameter rechnen auf der CPU
        device = param.device if param is not None else torch.device("cpu")
        with torch.no_grad():
            model(torch.zeros((1, *input_shape), device=device))  # (1, C, H, W)
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return rows


# ---------------------------------------------------------------------------
# LeNet: ein kleines CNN für Ziffern
# ---------------------------------------------------------------------------


@dataclass
class LeNetConfig:
    """Einstellungen für :class:`LeNet` (Standard: LeNet-5-Größen für 28×28-MNIST)."""

    in_channels: int = 1            # 1 = Graustufen, 3 = Farbbild
    image_size: int = 28            # Kantenlänge des (quadratischen) Bilds; durch 4 teilbar
    channels: tuple[int, int] = (6, 16)     # Filterzahl der beiden Faltungsschichten
    kernel_size: int = 5            # Kantenlänge der Kerne (ungerade); 3 für 8×8-Bilder
    hidden: tuple[int, int] = (120, 84)     # vollverbundene Schichten; die letzte = Embedding
    n_classes: int = 10             # Ausgabeklassen (Ziffern 0–9)
    dropout: float = 0.0            # Dropout vor dem Klassifikationskopf

    def __post_init__(self):
        _check_lenet_config(self)


def _check_lenet_config(cfg: LeNetConfig) -> None:
    """Prüft die Felder einer :class:`LeNetConfig` und normalisiert ihre Typen."""
    for name in ("in_channels", "image_size", "kernel_size", "n_classes"):
        setattr(cfg, name, check_int(name, getattr(cfg, name), minimum=1))
    cfg.channels = _check_sizes("channels", cfg.channels, length=2)
    cfg.hidden = _check_sizes("hidden", cfg.hidden, length=2)
    cfg.dropout = check_float("dropout", cfg.dropout, 0.0, 1.0, open_max=True)
    if cfg.image_size % 4:
        raise ValueError(f"image_size muss durch 4 teilbar sein (zwei 2×2-Poolings), "
                         f"nicht {cfg.image_size}.")
    if cfg.kernel_size % 2 == 0:
        raise ValueError(f"kernel_size muss ungerade sein, nicht {cfg.kernel_size}.")


class LeNet(nn.Module):
    """Zwei Faltungsblöcke (Faltung → ReLU → 2×2-Max-Pooling), zwei vollverbundene
    Schichten und ein linearer Klassifikationskopf – der Aufbau von LeNet-5.

    Anders als das Original füllt jede Faltung den Rand auf (``padding = k // 2``),
    sodass nur die Poolings die Bildgröße halbieren: 28 → 14 → 7 bzw. 8 → 4 → 2.
    """

    def __init__(self, config: LeNetConfig | None = None):
        super().__init__()
        cfg = check_instance("config", config if config is not None else LeNetConfig(),
                             LeNetConfig, "eine LeNetConfig")
        self.config = cfg
        c1, c2 = cfg.channels
        pad = cfg.kernel_size // 2
        side = cfg.image_size // 4  # Kantenlänge nach zwei Poolings
        self.features = nn.Sequential(
            nn.Conv2d(cfg.in_channels, c1, cfg.kernel_size, padding=pad),  # (B, c1, S, S)
            nn.ReLU(),
            nn.MaxPool2d(2),                                                # (B, c1, S/2, S/2)
            nn.Conv2d(c1, c2, cfg.kernel_size, padding=pad),                # (B, c2, S/2, S/2)
            nn.ReLU(),
            nn.MaxPool2d(2),                                                # (B, c2, S/4, S/4)
        )
        self.embedding = nn.Sequential(
            nn.Flatten(),                                     # (B, c2·S/4·S/4)
            nn.Linear(c2 * side * side, cfg.hidden[0]),       # (B, h1)
            nn.ReLU(),
            nn.Linear(cfg.hidden[0], cfg.hidden[1]),          # (B, h2)
            nn.ReLU(),
        )
        self.head = nn.Sequential(
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden[1], cfg.n_classes),          # (B, n_classes)
        )

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Vektor der vorletzten Schicht (das Embedding), Form (B, hidden[-1])."""
        cfg = self.config
        check_instance("x", x, torch.Tensor, "ein torch.Tensor")
        if x.ndim != 4 or x.shape[1:] != (cfg.in_channels, cfg.image_size, cfg.image_size):
            raise ValueError(
                f"Eingabe der Form (B, {cfg.in_channels}, {cfg.image_size}, {cfg.image_size}) "
                f"erwartet, nicht {tuple(x.shape)}."
            )
        return self.embedding(self.features(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))  # (B, n_classes) – Logits

    def first_layer_filters(self) -> np.ndarray:
        """Gelernte Kerne der ersten Faltung als Array (c1, k, k) (Kanäle gemittelt)."""
        w = self.features[0].weight.detach().cpu()  # (c1, C_in, k, k)
        return w.mean(dim=1).numpy()


def as_image_tensor(X, image_size: int | None = None) -> torch.Tensor:
    """Bilder (N, H, W) oder (N, C, H, W) als float32-Tensor (N, C, H, W)."""
    x = torch.as_tensor(check_array("X", X, ndim=(3, 4), dtype=np.float32))
    if x.ndim == 3:
        x = x[:, None]  # (N, 1, H, W)
    if image_size is not None:
        image_size = check_int("image_size", image_size, minimum=1)
        if tuple(x.shape[-2:]) != (image_size, image_size):
            raise ValueError(f"Bildgröße {image_size}×{image_size} (image_size) erwartet, "
                             f"nicht {tuple(x.shape[-2:])}.")
    return x


@torch.no_grad()
def extract_embeddings(model: nn.Module, X, *, batch_size: int = 512, device=None) -> np.ndarray:
    """Embeddings (Ausgabe von ``model.embed``) für alle Bilder in ``X``: (N, D)."""
    check_instance("model", model, nn.Module, "ein torch.nn.Module")
    if not callable(getattr(model, "embed", None)):
        raise TypeError("model braucht eine Methode embed(x) (z. B. LeNet).")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    device = next(model.parameters()).device if device is None else as_device(device)
    x = as_image_tensor(X)
    was_training = model.training
    model.eval()
    parts = [model.embed(x[i : i + batch_size].to(device)).cpu()   # je (B, D)
             for i in range(0, len(x), batch_size)]
    model.train(was_training)
    return torch.cat(parts).numpy()


@torch.no_grad()
def predict_proba(model: nn.Module, X, *, batch_size: int = 512, device=None) -> np.ndarray:
    """Klassenwahrscheinlichkeiten (Softmax der Logits) für alle Bilder: (N, K)."""
    check_instance("model", model, nn.Module, "ein torch.nn.Module")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    device = next(model.parameters()).device if device is None else as_device(device)
    x = as_image_tensor(X)
    was_training = model.training
    model.eval()
    parts = [torch.softmax(model(x[i : i + batch_size].to(device)), dim=1).cpu()
             for i in range(0, len(x), batch_size)]  # je (B, K)
    model.train(was_training)
    return torch.cat(parts).numpy()


# ---------------------------------------------------------------------------
# AlexNet (Krizhevsky, Sutskever & Hinton 2012)
# ---------------------------------------------------------------------------

#: Die fünf Faltungsschichten: (Kerne, Kantenlänge, Schrittweite, Padding, Gruppen im
#: Original, Max-Pooling danach). Gruppen = 2 heißt: Jede Hälfte der Kerne sieht nur
#: die Kanäle „ihrer“ GPU.
ALEXNET_CONV = (
    (96, 11, 4, 0, 1, True),
    (256, 5, 1, 2, 2, True),
    (384, 3, 1, 1, 1, False),
    (384, 3, 1, 1, 2, False),
    (256, 3, 1, 1, 2, True),
)
#: Die drei vollverbundenen Schichten (ohne die Ausgabeschicht zählt man 4096, 4096).
ALEXNET_FC = (4096, 4096)


@dataclass
class AlexNetConfig:
    """Einstellungen für :class:`AlexNet` (Standard: wie im Originalartikel)."""

    in_channels: int = 3          # RGB
    image_size: int = 227         # 227 ergibt die im Artikel genannten 55×55 nach Schicht 1
    n_classes: int = 1000         # ImageNet-Klassen
    two_gpus: bool = True         # Gruppen wie bei der Aufteilung auf zwei GPUs
    dropout: float = 0.5          # in den ersten beiden vollverbundenen Schichten
    lrn: bool = True              # lokale Antwortnormierung nach Faltung 1 und 2

    def __post_init__(self):
        self.in_channels = check_int("in_channels", self.in_channels, minimum=1)
        self.image_size = check_int("image_size", self.image_size, minimum=67)  # sonst zu klein
        self.n_classes = check_int("n_classes", self.n_classes, minimum=1)
        self.two_gpus = check_bool("two_gpus", self.two_gpus)
        self.dropout = check_float("dropout", self.dropout, 0.0, 1.0, open_max=True)
        self.lrn = check_bool("lrn", self.lrn)


class AlexNet(nn.Module):
    """AlexNet: fünf Faltungs- und drei vollverbundene Schichten, ReLU, Dropout."""

    def __init__(self, config: AlexNetConfig | None = None):
        super().__init__()
        cfg = check_instance("config", config if config is not None else AlexNetConfig(),
                             AlexNetConfig, "eine AlexNetConfig")
        self.config = cfg
        layers: list[nn.Module] = []
        in_ch, side = cfg.in_channels, cfg.image_size
        for i, (out_ch, k, stride, pad, groups, pool) in enumerate(ALEXNET_CONV):
            layers += [nn.Conv2d(in_ch, out_ch, k, stride=stride, padding=pad,
                                 groups=groups if cfg.two_gpus else 1), nn.ReLU()]
            side = conv_output_size(side, k, stride, pad)
            if cfg.lrn and i < 2:
                layers.append(nn.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0))
            if pool:  # überlappendes Pooling: 3×3-Fenster, Schritt 2
                layers.append(nn.MaxPool2d(kernel_size=3, stride=2))
                side = conv_output_size(side, 3, 2)
            in_ch = out_ch
        self.features = nn.Sequential(*layers)          # (B, 256, 6, 6) bei 227×227
        fc: list[nn.Module] = [nn.Flatten()]            # (B, 9216)
        n_in = in_ch * side * side
        for n_out in ALEXNET_FC:
            fc += [nn.Dropout(cfg.dropout), nn.Linear(n_in, n_out), nn.ReLU()]  # (B, 4096)
            n_in = n_out
        fc.append(nn.Linear(n_in, cfg.n_classes))      # (B, 1000)
        self.classifier = nn.Sequential(*fc)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
