"""Cache-Verzeichnis für heruntergeladene oder abgeleitete Artefakte.

Reihenfolge: ``KIBUCH_CACHE`` → ``$XDG_CACHE_HOME/kibuch`` → ``~/.cache/kibuch``.
Downloader (z. B. für MNIST) und trainierte Gewichte legen ihre Dateien in
Unterordnern dieses Verzeichnisses ab.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Umgebungsvariable, die den Cache-Ort übersteuert.
CACHE_ENV = "KIBUCH_CACHE"


def cache_dir(subdir: str | None = None, *, create: bool = True) -> Path:
    """Pfad des Cache-Verzeichnisses (oder eines Unterordners darin).

    ``subdir`` ist ein relativer Name wie ``"mnist"``; absolute Pfade oder
    ``..`` werden abgelehnt, damit niemand versehentlich außerhalb schreibt.
    """
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        root = Path(env).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        root = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "kibuch"
    path = root
    if subdir is not None:
        if not isinstance(subdir, str) or not subdir.strip():
            raise ValueError("subdir muss ein nicht leerer Name sein.")
        sub = Path(subdir)
        if sub.is_absolute() or ".." in sub.parts:
            raise ValueError(f"subdir muss relativ sein und darf kein '..' enthalten: {subdir!r}")
        path = root / sub
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
