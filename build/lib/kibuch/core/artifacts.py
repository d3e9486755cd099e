"""Artefakt-Cache: trainierte Gewichte einmal rechnen, danach geprüft wiederverwenden.

>>> art = load_or_train("gpt", (config, train_config, text), train)
>>> model.load_state_dict(art.tensors)

Der Schlüssel ist inhaltsadressiert (:func:`artifact_key`): eine SHA-256 über die
Konfiguration, die Daten und die Code-Version (``kibuch.__version__`` und der Quelltext –
der ganze oder, mit ``code=__name__``, der des aufrufenden Moduls samt seiner Importe). Gespeichert
werden pro Eintrag zwei Dateien unter ``cache_dir("artifacts")/<kind>/``:

* ``<key>.safetensors`` – die Tensoren im Format *safetensors* (reine Daten, kein
  ``pickle``: Laden führt nie fremden Code aus),
* ``<key>.json`` – Begleitdatei mit ``key``, ``kind``, ``checksum`` (SHA-256 der
  safetensors-Datei), ``info`` und ``created``.

Regeln:

* Schreiben ist atomar (temporäre Datei im selben Ordner, dann ``os.replace``);
  auch bei Ausnahmen bleiben keine halben oder temporären Dateien liegen.
* Beim Laden wird die Prüfsumme verglichen. Ein beschädigter, abgeschnittener oder
  unlesbarer Eintrag wird mit einer Warnung (:class:`ArtifactCacheWarning`) verworfen
  und neu trainiert – nie still benutzt.
* Tensoren mit NaN oder ±inf aus ``train()`` sind ein :class:`NonFiniteArtifactError`
  und landen nie im Cache.
* Ist der Cache-Ordner nicht beschreibbar, gibt es eine Warnung und das frisch
  trainierte Ergebnis ohne Cache. Zeigt ``KIBUCH_CACHE`` auf eine Datei oder einen
  unbrauchbaren Ort, kommt genau ein klarer :class:`~kibuch.core.cache.CacheDirError`.
* Mit ``use_cache=False`` wird der Cache-Ordner nicht einmal angesehen.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kibuch.core.cache import CacheDirError, CacheNotWritableError, cache_dir
from kibuch.core.checks import KibuchError, check_bool, check_instance, check_str

if TYPE_CHECKING:  # pragma: no cover - nur für Typprüfer
    import torch

#: Version des Speicherformats; eine Änderung macht alle alten Einträge ungültig.
FORMAT_VERSION = 1

_KIND = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: Strings bis zu dieser Länge stehen wörtlich im Schlüssel, längere als SHA-256.
_INLINE_STR = 256


class ArtifactError(KibuchError):
    """Basisklasse der Fehler des Artefakt-Caches."""


class NonFiniteArtifactError(ArtifactError, ValueError):
    """``train()`` lieferte Tensoren mit NaN oder ±inf; so etwas wird nie gespeichert."""


class ArtifactCacheWarning(UserWarning):
    """Ein Cache-Eintrag wurde verworfen oder der Cache ist nicht beschreibbar."""


@dataclass(frozen=True)
class Artifact:
    """Ergebnis von :func:`load_or_train`."""

    tensors: dict[str, torch.Tensor]  # z. B. ein state_dict (CPU-Tensoren)
    info: dict  # JSON-taugliche Extras (Verlaufskurven, Zeiten, Konfiguration)
    from_cache: bool  # True = aus dem Cache geladen, False = frisch trainiert
    path: Path | None  # safetensors-Datei im Cache; None = nicht gespeichert

    def __post_init__(self) -> None:
        check_instance("tensors", self.tensors, dict, "ein dict Name → Tensor")
        check_instance("info", self.info, dict, "ein dict")
        check_bool("from_cache", self.from_cache)
        check_instance("path", self.path, (Path, type(None)), "ein Path oder None")


# ------------------------------------------------------------------------ Schlüssel

def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(obj: Any, where: str) -> Any:
    """Übersetzt ``obj`` in eine eindeutige, JSON-taugliche Form (rekursiv)."""
    if obj is None or isinstance(obj, (bool, int)) and type(obj).__module__ == "builtins":
        return obj
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if isinstance(obj, str):
        if len(obj) <= _INLINE_STR:
            return obj
        return {"__text__": _digest(obj.encode("utf-8")), "len": len(obj)}
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return {"__bytes__": _digest(bytes(obj))}
    if isinstance(obj, Path):
        return {"__path__": obj.as_posix()}
    if np is not None:
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return _canonical(float(obj), where)
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                return {"__objarray__": [_canonical(x, f"{where}[{i}]")
                                         for i, x in enumerate(obj.ravel().tolist())],
                        "shape": list(obj.shape)}
            data = np.ascontiguousarray(obj)
            return {"__ndarray__": _digest(data.tobytes()), "dtype": data.dtype.str,
                    "shape": list(data.shape)}
    if torch is not None and isinstance(obj, torch.Tensor):
        flat = obj.detach().cpu().contiguous().reshape(-1)
        raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
        return {"__tensor__": _digest(raw), "dtype": str(obj.dtype), "shape": list(obj.shape)}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: _canonical(getattr(obj, f.name), f"{where}.{f.name}")
                  for f in dataclasses.fields(obj)}
        return {"__dataclass__": type(obj).__qualname__, "fields": fields}
    if isinstance(obj, Mapping):
        items = [(_canonical(k, f"{where} (Schlüssel)"), _canonical(v, f"{where}[{k!r}]"))
                 for k, v in obj.items()]
        items.sort(key=lambda kv: json.dumps(kv[0], sort_keys=True, ensure_ascii=False))
        return {"__dict__": [list(kv) for kv in items]}
    if isinstance(obj, (list, tuple)):
        return [_canonical(x, f"{where}[{i}]") for i, x in enumerate(obj)]
    if isinstance(obj, (set, frozenset)):
        parts = [_canonical(x, where) for x in obj]
        return {"__set__": sorted(parts, key=lambda p: json.dumps(p, sort_keys=True))}
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(obj, (pd.DataFrame, pd.Series)):
        hashed = pd.util.hash_pandas_object(obj, index=True).to_numpy()
        columns = list(map(str, obj.columns)) if isinstance(obj, pd.DataFrame) else [obj.name]
        dtypes = list(map(str, obj.dtypes)) if isinstance(obj, pd.DataFrame) else [str(obj.dtype)]
        return {"__pandas__": _digest(hashed.tobytes()), "columns": _canonical(columns, where),
                "dtypes": dtypes}
    raise TypeError(
        f"artifact_key: {where} hat den Typ {type(obj).__name__}, der sich nicht eindeutig "
        "in einen Schlüssel übersetzen lässt. Erlaubt sind Dataclasses, dict, list, tuple, "
        "str, int, float, bool, None, bytes, Path, NumPy-Arrays, Tensoren und DataFrames."
    )


_ROOT = Path(__file__).resolve().parents[1]  # der Paketordner kibuch/


def _module_file(name: str) -> Path | None:
    """Quelldatei des kibuch-Moduls ``name`` (``kibuch.nn.bert``) oder None."""
    parts = name.split(".")[1:]
    if not parts:  # das Paket selbst
        return _ROOT / "__init__.py"
    if not all(part.isidentifier() for part in parts):
        return None
    rel = Path(*parts)
    for candidate in (_ROOT / rel.with_suffix(".py"), _ROOT / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path, name: str) -> set[str]:
    """Alle kibuch-Module, die ``path`` importiert – auch innerhalb von Funktionen."""
    import ast

    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relativer Import: from . import x
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # Untermodule
    return {m for m in found if m == "kibuch" or m.startswith("kibuch.")}


@functools.cache
def _code_closure(modules: tuple[str, ...]) -> tuple[Path, ...]:
    """Quelldateien von ``modules`` samt allem, was sie aus kibuch importieren (transitiv),
    und den ``__init__.py`` der Pakete darüber."""
    todo, files = list(modules), set()
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # Pakete darüber laufen beim Import mit
            path = _module_file(".".join(parts[:i]))
            if path is None or path in files:
                continue
            files.add(path)
            todo.extend(_imported_modules(path, ".".join(parts[:i])))
    return tuple(sorted(files))


@functools.cache
def _code_fingerprint(modules: tuple[str, ...] | None = None) -> str:
    """SHA-256 über Quelltexte von kibuch: alle Dateien oder nur die von ``modules``.

    Mit ``modules`` zählen nur diese Module und alles, was sie (auch in Funktionen)
    transitiv aus kibuch importieren; Änderungen an anderen Kapiteln lassen den Schlüssel
    dann unverändert.
    """
    paths = sorted(_ROOT.rglob("*.py")) if modules is None else _code_closure(modules)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(_ROOT).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _code_modules(code) -> tuple[str, ...] | None:
    """Prüft ``code``: None, ein Modulname wie ``"kibuch.nn.bert"`` oder eine Liste davon."""
    if code is None:
        return None
    names = [code] if isinstance(code, str) else code
    if isinstance(names, (bytes, dict)) or not isinstance(names, (list, tuple)):
        raise TypeError(f"code muss None, ein Modulname (str) oder eine Liste von Modulnamen "
                        f"sein, nicht {type(code).__name__}.")
    if not names:
        raise ValueError("code darf keine leere Liste sein (None: der ganze Quelltext zählt).")
    for i, name in enumerate(names):
        check_str(f"code[{i}]", name)
        if (name != "kibuch" and not name.startswith("kibuch.")) or _module_file(name) is None:
            raise ValueError(f"code[{i}] = {name!r} ist kein Modul von kibuch (etwa "
                             "'kibuch.nn.bert', meist einfach __name__).")
    return tuple(sorted(set(names)))


def artifact_key(*parts, code: str | list[str] | None = None) -> str:
    """SHA-256 (64 Hex-Zeichen) über eine kanonische JSON-Form von ``parts``.

    Dataclasses zählen mit ihren Feldern, Texte, Bytes, Arrays und Tensoren mit ihrem
    Inhalt; ``kibuch.__version__``, das Speicherformat und der Quelltext gehen immer mit
    ein: ohne ``code`` der ganze Quelltext von kibuch, mit ``code`` (Modulname oder Liste,
    meist ``__name__`` des aufrufenden Moduls) nur diese Module und was sie importieren.
    Gleiche Teile ergeben in jedem Prozess denselben Schlüssel.
    """
    from kibuch import __version__

    modules = _code_modules(code)
    canonical = [_canonical(p, f"parts[{i}]") for i, p in enumerate(parts)]
    payload = {"kibuch": __version__, "code": _code_fingerprint(modules),
               "format": FORMAT_VERSION, "parts": canonical}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    return _digest(text.encode("utf-8"))


# ------------------------------------------------------------------- Hilfsfunktionen

def _warn(message: str) -> None:
    warnings.warn(message, ArtifactCacheWarning, stacklevel=3)


def _atomic_write(target: Path, data: bytes) -> None:
    """Schreibt ``data`` nach ``target``: temporäre Datei im selben Ordner, dann umbenennen."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - nur wenn der Ordner inzwischen verschwand
            pass


def _discard(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _check_result(result) -> tuple[dict, dict]:
    """Prüft die Rückgabe von ``train()`` und bringt die Tensoren auf die CPU."""
    import torch

    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(
            "train muss ein Paar (tensors, info) zurückgeben: ein dict str -> Tensor "
            f"und ein JSON-taugliches dict, nicht {type(result).__name__}."
        )
    tensors, info = result
    if not isinstance(tensors, Mapping):
        raise TypeError(f"train lieferte als tensors {type(tensors).__name__} statt dict.")
    if not isinstance(info, Mapping):
        raise TypeError(f"train lieferte als info {type(info).__name__} statt dict.")
    clean: dict[str, torch.Tensor] = {}
    bad = []
    for name, tensor in tensors.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"train lieferte den Tensornamen {name!r}; erlaubt sind Strings.")
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"train lieferte für {name!r} {type(tensor).__name__} statt Tensor.")
        # Kopie auf der CPU: safetensors verbietet Tensoren mit gemeinsamem Speicher
        tensor = tensor.detach().to("cpu", copy=True).contiguous()
        if (tensor.is_floating_point() or tensor.is_complex()) and not bool(
            torch.isfinite(tensor).all()
        ):
            bad.append(name)
        clean[name] = tensor
    if bad:
        shown = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        raise NonFiniteArtifactError(
            f"train lieferte Tensoren mit NaN oder ±inf ({shown}). Das Training ist "
            "vermutlich divergiert (Lernrate zu groß?); das Ergebnis wird nicht gespeichert."
        )
    try:  # Rundreise durch JSON: Treffer und frisches Ergebnis sehen gleich aus
        try:
            info = json.loads(json.dumps(dict(info), ensure_ascii=False, allow_nan=False))
        except ValueError:
            raise NonFiniteArtifactError("train lieferte in info NaN oder ±inf; so etwas wird nie "
                                         "gespeichert.") from None
    except NonFiniteArtifactError:
        raise
    except (TypeError, ValueError) as err:
        raise TypeError(f"train lieferte ein info-dict, das kein JSON ist: {err}.") from None
    return clean, info


def _load_entry(data_path: Path, meta_path: Path, key: str, kind: str):
    """Liest und prüft einen Eintrag; gibt (tensors, info) oder einen Grund zurück."""
    from safetensors import SafetensorError
    from safetensors.torch import load as st_load

    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"Begleitdatei {meta_path.name} fehlt"
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return f"Begleitdatei {meta_path.name} unlesbar ({err})"
    if not isinstance(meta, dict) or not all(k in meta for k in ("key", "kind", "checksum")):
        return f"Begleitdatei {meta_path.name} unvollständig"
    if meta["key"] != key or meta["kind"] != kind or meta.get("format") != FORMAT_VERSION:
        return f"Begleitdatei {meta_path.name} gehört zu einem anderen Eintrag"
    try:
        raw = data_path.read_bytes()
    except OSError as err:
        return f"nicht lesbar ({err.strerror or err})"
    actual = _digest(raw)
    if actual != meta["checksum"]:
        return (f"Prüfsumme {actual[:12]}… statt {str(meta['checksum'])[:12]}…, "
                f"{len(raw)} Bytes – beschädigt oder abgeschnitten")
    try:
        tensors = st_load(raw)
    except (SafetensorError, ValueError, RuntimeError, OSError) as err:
        return f"kein gültiges safetensors ({err})"
    info = meta.get("info", {})
    if not isinstance(info, dict):
        return "info in der Begleitdatei ist kein dict"
    return tensors, info


def _kind(kind) -> str:
    kind = check_str("kind", kind)
    if not _KIND.fullmatch(kind):
        raise ValueError(
            f"kind muss ein kurzer Name aus Kleinbuchstaben, Ziffern, '_', '-' oder '.' sein "
            f"(z. B. 'gpt'), nicht {kind!r}."
        )
    return kind


def _key(key_parts, code) -> str:
    if isinstance(key_parts, str) and _HEX64.fullmatch(key_parts):
        _code_modules(code)  # prüft code trotzdem
        return key_parts  # schon ein Schlüssel von artifact_key()
    try:
        return artifact_key(key_parts, code=code)
    except TypeError as err:
        raise TypeError(str(err).replace("artifact_key: parts[0]", "key_parts")) from None


# ----------------------------------------------------------------------- Hauptfunktion

def load_or_train(kind: str, key_parts,
                  train: Callable[[], tuple[dict[str, torch.Tensor], dict]],
                  *, use_cache: bool = True, code: str | list[str] | None = None) -> Artifact:
    """Lädt das Artefakt ``kind``/``key_parts`` aus dem Cache oder trainiert und speichert es.

    ``kind`` ist ein kurzer Name wie ``"gpt"`` (Unterordner), ``key_parts`` alles, was
    das Ergebnis bestimmt (Konfigurationen, Daten), oder ein fertiger Schlüssel von
    :func:`artifact_key`. ``train()`` liefert ``(tensors, info)``. Bei einem Treffer
    wird die Prüfsumme verglichen; ``from_cache`` sagt, woher das Ergebnis stammt.
    ``code`` (meist ``__name__``) beschränkt den Quelltext im Schlüssel auf dieses Modul
    und alles, was es aus kibuch importiert; ohne ``code`` zählt der ganze Quelltext.
    """
    kind = _kind(kind)
    use_cache = check_bool("use_cache", use_cache)
    if not callable(train):
        raise TypeError(f"train muss eine Funktion ohne Argumente sein, nicht "
                        f"{type(train).__name__}.")
    key = _key(key_parts, code)
    if not use_cache:
        tensors, info = _check_result(train())
        return Artifact(tensors, info, False, None)

    try:
        directory = cache_dir(f"artifacts/{kind}")
    except CacheNotWritableError as err:
        _warn(f"Artefakt-Cache nicht beschreibbar, es wird ohne Cache trainiert: {err}")
        directory = None
    # CacheDirError (Datei statt Ordner) geht bewusst als ein klarer Fehler nach oben.
    if directory is not None:
        data_path = directory / f"{key}.safetensors"
        meta_path = directory / f"{key}.json"
        if data_path.exists() or meta_path.exists():
            loaded = _load_entry(data_path, meta_path, key, kind)
            if isinstance(loaded, tuple):
                return Artifact(loaded[0], loaded[1], True, data_path)
            _warn(f"Artefakt-Cache: Eintrag {data_path} wird verworfen und neu trainiert: "
                  f"{loaded}.")
            _discard(data_path, meta_path)

    tensors, info = _check_result(train())
    if directory is None:
        return Artifact(tensors, info, False, None)
    return _store(directory, key, kind, tensors, info)


def _store(directory: Path, key: str, kind: str, tensors: dict, info: dict) -> Artifact:
    from safetensors.torch import save as st_save

    from kibuch import __version__

    data_path = directory / f"{key}.safetensors"
    meta_path = directory / f"{key}.json"
    raw = st_save(tensors)
    meta = {
        "format": FORMAT_VERSION,
        "key": key,
        "kind": kind,
        "checksum": _digest(raw),
        "algorithm": "sha256",
        "size": len(raw),
        "kibuch": __version__,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "tensors": {k: [str(t.dtype), list(t.shape)] for k, t in tensors.items()},
        "info": info,
    }
    try:
        _atomic_write(data_path, raw)
        _atomic_write(meta_path, json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError as err:
        _discard(data_path, meta_path)
        _warn(f"Artefakt-Cache {directory} nicht beschreibbar ({err.strerror or err}); "
              "das Ergebnis wird ohne Cache zurückgegeben.")
        return Artifact(tensors, info, False, None)
    return Artifact(tensors, info, False, data_path)


__all__ = [
    "Artifact",
    "ArtifactCacheWarning",
    "ArtifactError",
    "CacheDirError",
    "NonFiniteArtifactError",
    "artifact_key",
    "load_or_train",
]
