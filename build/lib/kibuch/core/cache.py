"""Cache-Verzeichnis für heruntergeladene oder abgeleitete Artefakte.

Reihenfolge: ``KIBUCH_CACHE`` → ``$XDG_CACHE_HOME/kibuch`` → ``~/.cache/kibuch``.
Downloader (z. B. für MNIST) und trainierte Gewichte legen ihre Dateien in
Unterordnern dieses Verzeichnisses ab.

Zeigt der Ort auf eine Datei oder lässt er sich nicht anlegen, gibt es genau einen
klaren :class:`CacheDirError`, der die Variable ``KIBUCH_CACHE`` nennt – statt eines
``FileExistsError`` tief aus ``pathlib``.
"""

from __future__ import annotations

import os
from pathlib import Path

from kibuch.core.checks import KibuchError, check_bool, check_str

#: Umgebungsvariable, die den Cache-Ort übersteuert.
CACHE_ENV = "KIBUCH_CACHE"


class CacheDirError(KibuchError, OSError):
    """Das Cache-Verzeichnis ist unbrauchbar (eine Datei, unter einer Datei, nicht anlegbar)."""

    def __str__(self) -> str:  # OSError formatiert sonst (errno, text)
        return str(self.args[0]) if self.args else ""


class CacheNotWritableError(CacheDirError):
    """Das Cache-Verzeichnis (oder ein Unterordner) lässt sich mangels Rechten nicht anlegen."""


def _root() -> tuple[Path, str]:
    """Wurzel des Caches und eine Beschreibung, woher sie kommt."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser(), f"{CACHE_ENV}={env!r}"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg).expanduser() / "kibuch", f"XDG_CACHE_HOME={xdg!r} (kein {CACHE_ENV})"
    return Path.home() / ".cache" / "kibuch", f"Standardort (kein {CACHE_ENV} gesetzt)"


def _problem(path: Path, origin: str, what: str, cls=CacheDirError) -> CacheDirError:
    return cls(
        f"Cache-Verzeichnis unbrauchbar: {path} {what} (Quelle: {origin}). Setzen Sie die "
        f"Umgebungsvariable {CACHE_ENV} auf einen beschreibbaren Ordner, "
        f"z. B. export {CACHE_ENV}=$HOME/.cache/kibuch."
    )


def _blocking_file(path: Path) -> Path | None:
    """Die erste vorhandene Nicht-Ordner-Komponente von ``path`` (oder None)."""
    for part in (*reversed(path.parents), path):
        if part.exists() and not part.is_dir():
            return part
    return None


def cache_dir(subdir: str | None = None, *, create: bool = True) -> Path:
    """Pfad des Cache-Verzeichnisses (oder eines Unterordners darin).

    ``subdir`` ist ein relativer Name wie ``"mnist"``; absolute Pfade oder
    ``..`` werden abgelehnt, damit niemand versehentlich außerhalb schreibt.
    Ist der Ort eine Datei oder nicht anlegbar, kommt :class:`CacheDirError`
    (bei fehlenden Rechten :class:`CacheNotWritableError`).
    """
    create = check_bool("create", create)
    root, origin = _root()
    path = root
    if subdir is not None:
        subdir = check_str("subdir", subdir)
        sub = Path(subdir)
        if sub.is_absolute() or ".." in sub.parts:
            raise ValueError(f"subdir muss relativ sein und darf kein '..' enthalten: {subdir!r}")
        path = root / sub
    blocker = _blocking_file(path)
    if blocker is not None:
        what = "ist eine Datei" if blocker == path else f"liegt unter der Datei {blocker}"
        raise _problem(path, origin, f"{what}, kein Ordner") from None
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except PermissionError as err:
            raise _problem(path, origin, f"lässt sich nicht anlegen ({err.strerror})",
                           CacheNotWritableError) from None
        except OSError as err:
            raise _problem(path, origin, f"lässt sich nicht anlegen ({err.strerror})") from None
    return path
