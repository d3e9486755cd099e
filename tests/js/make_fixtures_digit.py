"""Erzeugt ``tests/js/fixtures/digit.json`` für den Golden-Test ``digit_draw.test.mjs``.

Ein winziges ``kibuch.nn.convnet.ConvNet`` (Kanäle 4, 6, 8 – wie im Kapitel zwei
Poolings und ein 7 × 7 → 3 × 3-Mittelwert-Pooling mit überlappenden Fenstern) mit festem
Seed, zufälligen Gewichten und zufälligen BatchNorm-Statistiken geht durch denselben
Export wie das Widget (``kibuch.web.models.cnn_payload``, BatchNorm gefaltet). Referenz
sind die Logits des *ungefalteten* PyTorch-Modells und die Merkmalskarten des ersten
Blocks. Dazu kommen gezeichnete Bitmaps (Grauwerte k / 255) mit dem Ergebnis von
``kibuch.web.models.mnist_preprocess``.

Aufruf: ``python tests/js/make_fixtures_digit.py`` (schreibt die Datei neu).
"""

from __future__ import annotations

from pathlib import Path

from fixturecheck import dumps, write_fixture

FIXTURE = Path(__file__).with_name("fixtures") / "digit.json"


def tiny_cnn():
    """Das Testmodell mit Zufallsgewichten und -statistiken aus festen Seeds."""
    import torch

    from kibuch.nn.convnet import ConvNet, ConvNetConfig

    torch.manual_seed(0)
    model = ConvNet(ConvNetConfig(channels=(4, 6, 8), grid=3, mean=0.13, std=0.31))
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if not t.is_floating_point() or name in ("mean", "std"):
                continue
            noise = torch.randn(t.shape, generator=gen)
            if name.endswith("running_var"):
                t.copy_(0.5 + noise.abs())
            elif name.endswith("1.weight") and t.dim() == 1:  # BatchNorm-γ
                t.copy_(1 + 0.3 * noise)
            else:
                t.copy_(0.4 * noise)
    return model.eval()


def _stroke(height: int, width: int, points, thickness: float, supersample: int = 4):
    """Eine dicke Linie durch ``points`` (Zeile, Spalte), geglättet: Tinte 0…1 (H, W)."""
    import numpy as np

    s = supersample
    yy, xx = np.mgrid[0:height * s, 0:width * s] / s  # Mittelpunkte der Unterpixel
    ink = np.zeros(yy.shape, dtype=bool)
    for (y0, x0), (y1, x1) in zip(points[:-1], points[1:]):
        dy, dx = y1 - y0, x1 - x0
        t = np.clip(((yy - y0) * dy + (xx - x0) * dx) / max(dy * dy + dx * dx, 1e-9), 0, 1)
        ink |= (yy - y0 - t * dy) ** 2 + (xx - x0 - t * dx) ** 2 <= (thickness / 2) ** 2
    return ink.reshape(height, s, width, s).mean(axis=(1, 3))


def bitmaps() -> dict:
    """Gezeichnete Testbilder als ganze Grauwerte 0–255 (exakt in beiden Sprachen)."""
    import numpy as np

    shapes = {
        "sieben": _stroke(60, 48, [(8, 6), (8, 40), (52, 18)], 6),  # hoch: Höhe füllt 20
        "strich": _stroke(24, 70, [(12, 5), (11, 64)], 5),  # breit und flach
        "punkt": _stroke(9, 9, [(4, 4), (4.5, 4.5)], 4),  # kleiner als 20: vergrößern
        "winkel": _stroke(50, 50, [(3, 3), (46, 3), (46, 46)], 9),  # Schwerpunkt im Eck
        "leer": np.zeros((12, 10)),
    }
    return {name: np.round(img * 255).astype(int) for name, img in shapes.items()}


def build() -> dict:
    """Der Inhalt der Fixture-Datei."""
    import numpy as np
    import torch

    from kibuch.web.models import _floats, cnn_payload, mnist_preprocess

    model = tiny_cnn()
    cases = []
    for name, pixels in bitmaps().items():
        out = mnist_preprocess(pixels / 255.0)
        cases.append({"name": name, "height": int(pixels.shape[0]),
                      "width": int(pixels.shape[1]), "pixels": pixels.ravel().tolist(),
                      "output": [float(f"{v:.12g}") for v in out.ravel()]})
    digit = mnist_preprocess(bitmaps()["sieben"] / 255.0)
    gen = torch.Generator().manual_seed(3)
    noise = torch.rand((28, 28), generator=gen).numpy()
    images = np.stack([digit, noise]).astype(np.float32)  # (2, 28, 28)
    x = torch.from_numpy(images)[:, None]  # (2, 1, 28, 28)
    with torch.no_grad():
        logits = model(x)
        maps = model.features[0][:3]((x - model.mean) / model.std)  # Faltung, BN, ReLU
    return {
        "model": cnn_payload(model),
        "inputs": [_floats(img) for img in images],
        "logits": [_floats(row) for row in logits],
        "probs": [_floats(row) for row in torch.softmax(logits, dim=1)],
        "maps": _floats(maps[0]),
        "preprocess": cases,
    }


def main() -> None:
    import torch

    torch.set_num_threads(1)
    write_fixture(FIXTURE, dumps(build()))


if __name__ == "__main__":
    main()
