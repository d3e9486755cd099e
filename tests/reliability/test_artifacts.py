"""Fehlerfälle des Artefakt-Caches ``kibuch.core.artifacts``.

Beschädigte, abgeschnittene und unlesbare Einträge, nicht beschreibbare Ordner, eine
Datei anstelle des Ordners, NaN aus dem Training und eine untergeschobene
pickle-Datei (als rohes pickle und im Format von ``torch.save``, an genau der Stelle,
die der Cache liest). Tests können als root laufen, wo ``chmod`` nichts verhindert:
Schreibfehler werden dort per ``monkeypatch`` mit demselben ``PermissionError`` erzeugt,
den ein schreibgeschützter Ordner liefert; kein Test wird übersprungen.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import torch

import kibuch
from kibuch.core import artifacts
from kibuch.core.artifacts import (
    Artifact,
    ArtifactCacheWarning,
    NonFiniteArtifactError,
    artifact_key,
    load_or_train,
)
from kibuch.core.cache import CacheDirError
from kibuch.core.checks import KibuchError


@dataclass(frozen=True)
class TinyConfig:
    n: int = 3  # Zeilen der Gewichtsmatrix
    lr: float = 0.1  # wird nur in den Schlüssel aufgenommen


class Trainer:
    """Zählt Aufrufe; liefert feste Tensoren (mit geteiltem Speicher wie bei weight tying)."""

    def __init__(self, value: float = 1.0):
        self.calls = 0
        self.value = value

    def __call__(self):
        self.calls += 1
        w = torch.full((3, 4), self.value)
        return ({"w": w, "tied": w, "b": torch.arange(4), "h": torch.ones(2, dtype=torch.bfloat16)},
                {"loss": [1.0, 0.5], "config": {"n": 3}, "paar": (1, 2)})


def _entry(cache: Path, kind: str = "test") -> tuple[Path, Path]:
    files = sorted((cache / "artifacts" / kind).iterdir())
    data = [p for p in files if p.suffix == ".safetensors"]
    meta = [p for p in files if p.suffix == ".json"]
    assert len(data) == len(meta) == 1, files
    return data[0], meta[0]


def _files(cache: Path, kind: str = "test") -> list[str]:
    folder = cache / "artifacts" / kind
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# ------------------------------------------------------------------- Normalbetrieb


def test_miss_then_hit_roundtrip(tmp_cache):
    train = Trainer()
    first = load_or_train("test", (TinyConfig(), "daten"), train)
    second = load_or_train("test", (TinyConfig(), "daten"), train)
    assert isinstance(first, Artifact) and train.calls == 1
    assert (first.from_cache, second.from_cache) == (False, True)
    assert first.path == second.path and first.path.is_file()
    assert first.path.parent == tmp_cache / "artifacts" / "test"
    assert set(second.tensors) == {"w", "tied", "b", "h"}
    for name, tensor in first.tensors.items():
        loaded = second.tensors[name]
        assert torch.equal(tensor, loaded) and tensor.dtype == loaded.dtype
        assert second.tensors[name].device.type == "cpu"
    assert first.info == second.info == {"loss": [1.0, 0.5], "config": {"n": 3}, "paar": [1, 2]}
    assert _files(tmp_cache) == sorted([first.path.name, first.path.stem + ".json"])


def test_sidecar_contents(tmp_cache):
    art = load_or_train("test", {"a": 1}, Trainer())
    _, meta_path = _entry(tmp_cache)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["key"] == art.path.stem == artifact_key({"a": 1})
    assert meta["kind"] == "test"
    assert meta["checksum"] == hashlib.sha256(art.path.read_bytes()).hexdigest()
    assert meta["info"] == art.info
    assert meta["created"].endswith("+00:00") and meta["kibuch"] == kibuch.__version__


def test_precomputed_key_is_used_as_file_name(tmp_cache):
    key = artifact_key(TinyConfig(), "text")
    art = load_or_train("test", key, Trainer())
    assert art.path.name == f"{key}.safetensors"


def test_use_cache_false_never_touches_the_cache(monkeypatch, tmp_path):
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    monkeypatch.setenv("KIBUCH_CACHE", str(blocker))  # wäre ein Fehler – wenn man hinsähe

    def forbidden(*args, **kwargs):
        raise AssertionError("cache_dir darf bei use_cache=False nicht aufgerufen werden")

    monkeypatch.setattr(artifacts, "cache_dir", forbidden)
    art = load_or_train("test", "parts", Trainer(), use_cache=False)
    assert art.from_cache is False and art.path is None and art.tensors["w"].shape == (3, 4)


# --------------------------------------------------------------------- Schlüssel


def test_artifact_key_is_content_addressed(monkeypatch):
    base = artifact_key(TinyConfig(), "text", np.arange(3))
    assert base == artifact_key(TinyConfig(), "text", np.arange(3))
    assert len(base) == 64 and int(base, 16) >= 0
    different = [
        artifact_key(TinyConfig(n=4), "text", np.arange(3)),  # Konfiguration
        artifact_key(TinyConfig(lr=0.2), "text", np.arange(3)),
        artifact_key(TinyConfig(), "Text", np.arange(3)),  # Daten
        artifact_key(TinyConfig(), "text", np.arange(1, 4)),
        artifact_key(TinyConfig(), "text", np.arange(3).astype(np.int32)),  # dtype zählt
        artifact_key({"n": 3, "lr": 0.1}, "text", np.arange(3)),  # dict ist keine Dataclass
        artifact_key(TinyConfig(), "text"),
    ]
    assert len({base, *different}) == len(different) + 1
    monkeypatch.setattr(kibuch, "__version__", "99.0")  # Code-Version
    assert artifact_key(TinyConfig(), "text", np.arange(3)) != base


def test_artifact_key_code_narrows_the_source_fingerprint(monkeypatch):
    """``code=`` nimmt nur die Quelltexte dieses Moduls und seiner kibuch-Importe."""
    whole = artifact_key("x")
    narrow = artifact_key("x", code="kibuch.core.cache")
    assert narrow != whole and narrow == artifact_key("x", code=["kibuch.core.cache"])
    closure = {p.relative_to(Path(kibuch.__file__).parent).as_posix()
               for p in artifacts._code_closure(("kibuch.core.cache",))}
    assert {"__init__.py", "core/__init__.py", "core/cache.py", "core/checks.py"} <= closure
    assert "core/fmt.py" not in closure and not any(p.startswith("nn/") for p in closure)
    real = Path.read_bytes

    def edited(self):  # eine Änderung an einem fremden Modul …
        data = real(self)
        return data + b"\n# x\n" if self.name == "fmt.py" else data

    monkeypatch.setattr(Path, "read_bytes", edited)
    artifacts._code_fingerprint.cache_clear()
    try:
        assert artifact_key("x", code="kibuch.core.cache") == narrow  # … lässt ihn gleich
        assert artifact_key("x") != whole  # … ändert aber den Schlüssel über alles
    finally:
        monkeypatch.setattr(Path, "read_bytes", real)
        artifacts._code_fingerprint.cache_clear()


def test_imports_are_found_inside_functions_and_relative(tmp_path):
    source = tmp_path / "modul.py"
    source.write_text("import os\nimport kibuch.core.checks\nfrom . import fmt\n"
                      "from .cache import cache_dir\nfrom kibuch.nn import bert\n"
                      "def f():\n    from kibuch.training.loop import fit\n",
                      encoding="utf-8")
    found = artifacts._imported_modules(source, "kibuch.core.modul")
    assert {"kibuch.core.checks", "kibuch.core.fmt", "kibuch.core.cache", "kibuch.nn",
            "kibuch.nn.bert", "kibuch.training.loop"} <= found
    assert "os" not in found


@pytest.mark.parametrize(("code", "error", "pattern"), [
    (3, TypeError, "code muss"), ([], ValueError, "code darf"), ("numpy", ValueError, "code"),
    (["kibuch.gibt_es_nicht"], ValueError, r"code\[0\]"), ([3], TypeError, r"code\[0\]"),
    ("kibuch/nn", ValueError, "code"), ({"kibuch.nn": 1}, TypeError, "code"),
])
def test_code_argument_is_checked(tmp_cache, code, error, pattern):
    with pytest.raises(error, match=pattern):
        artifact_key("x", code=code)
    with pytest.raises(error, match=pattern):
        load_or_train("test", "x", Trainer(), code=code)
    with pytest.raises(error, match=pattern):  # auch mit fertigem Schlüssel
        load_or_train("test", artifact_key("x"), Trainer(), code=code, use_cache=False)
    assert _files(tmp_cache) == []


def test_load_or_train_with_code_uses_the_narrow_key(tmp_cache):
    art = load_or_train("test", "x", Trainer(), code="kibuch.core.cache")
    assert art.path.stem == artifact_key("x", code="kibuch.core.cache") != artifact_key("x")
    assert load_or_train("test", "x", Trainer(), code="kibuch.core.cache").from_cache is True
    assert load_or_train("test", "x", Trainer()).from_cache is False  # anderer Schlüssel


def test_artifact_key_long_texts_tensors_and_orderings():
    long_text = "Ein langer Text. " * 1000
    assert artifact_key(long_text) == artifact_key(str(long_text))
    assert artifact_key(long_text) != artifact_key(long_text + ".")
    assert artifact_key(torch.arange(4.0)) == artifact_key(torch.arange(4.0))
    assert artifact_key(torch.arange(4.0)) != artifact_key(torch.arange(4.0).to(torch.float64))
    assert artifact_key({"a": 1, "b": 2}) == artifact_key({"b": 2, "a": 1})
    assert artifact_key(1) != artifact_key(True) != artifact_key(1.0)
    assert artifact_key(np.float32(0.5)) == artifact_key(0.5)
    assert artifact_key(float("nan")) == artifact_key(float("nan"))
    assert artifact_key(b"abc") != artifact_key("abc")


def test_artifact_key_rejects_unknown_types():
    with pytest.raises(TypeError, match=r"parts\[1\]\.x hat den Typ object"):
        artifact_key("a", TinyHolder(object()))
    with pytest.raises(TypeError, match="key_parts"):
        load_or_train("test", object(), Trainer(), use_cache=False)


@dataclass
class TinyHolder:
    x: object


# ------------------------------------------------------------ Fehleingaben


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"kind": ""}, ValueError, "kind"),
    ({"kind": "../x"}, ValueError, "kind"),
    ({"kind": "GPT"}, ValueError, "kind"),
    ({"kind": 3}, TypeError, "kind"),
    ({"train": "train"}, TypeError, "train"),
    ({"use_cache": 1}, TypeError, "use_cache"),
])
def test_bad_arguments(tmp_cache, kwargs, error, pattern):
    call = {"kind": "test", "key_parts": "x", "train": Trainer(), **kwargs}
    use_cache = call.pop("use_cache", True)
    with pytest.raises(error, match=pattern):
        load_or_train(call["kind"], call["key_parts"], call["train"], use_cache=use_cache)
    assert _files(tmp_cache) == []


@pytest.mark.parametrize(("result", "pattern"), [
    (None, "Paar"),
    (({"w": torch.ones(1)},), "Paar"),
    (([torch.ones(1)], {}), "tensors"),
    (({"w": np.ones(1)}, {}), "'w'"),
    (({1: torch.ones(1)}, {}), "Tensornamen"),
    (({"w": torch.ones(1)}, {"t": object()}), "JSON"),
])
def test_train_must_return_tensors_and_info(tmp_cache, result, pattern):
    with pytest.raises(TypeError, match=f"train.*{pattern}|{pattern}"):
        load_or_train("test", "x", lambda: result)
    assert _files(tmp_cache) == []


# -------------------------------------------------------------------- Fehlerfälle


def _corrupt_flip(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    mid = len(raw) // 2
    raw[mid:mid + 64] = bytes(b ^ 0xFF for b in raw[mid:mid + 64])  # 64 Bytes kippen
    path.write_bytes(bytes(raw))


def _corrupt_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _corrupt_empty(path: Path) -> None:
    path.write_bytes(b"")


def _corrupt_sidecar(path: Path) -> None:
    path.with_suffix(".json").write_text("{kaputt", encoding="utf-8")


def _remove_sidecar(path: Path) -> None:
    path.with_suffix(".json").unlink()


def _foreign_sidecar(path: Path) -> None:
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["key"] = "0" * 64
    meta_path.write_text(json.dumps(meta), encoding="utf-8")


def _directory_instead_of_file(path: Path) -> None:
    path.unlink()
    path.mkdir()  # unlesbar als Datei, nicht löschbar mit unlink


@pytest.mark.parametrize("corrupt", [_corrupt_flip, _corrupt_truncate, _corrupt_empty,
                                     _corrupt_sidecar, _remove_sidecar, _foreign_sidecar],
                         ids=lambda f: f.__name__.strip("_"))
def test_corrupt_entry_is_discarded_and_retrained(tmp_cache, corrupt):
    train = Trainer()
    first = load_or_train("test", "x", train)
    corrupt(first.path)
    with pytest.warns(ArtifactCacheWarning, match="verworfen und neu trainiert") as record:
        second = load_or_train("test", "x", train)
    message = str(record[0].message)
    assert first.path.name in message  # nennt die Datei
    assert second.from_cache is False and train.calls == 2
    assert torch.equal(second.tensors["w"], first.tensors["w"])
    third = load_or_train("test", "x", train)  # neu geschrieben und wieder gültig
    assert third.from_cache is True and train.calls == 2
    assert len(_files(tmp_cache)) == 2  # keine Reste


def test_unreadable_entry(tmp_cache):
    train = Trainer()
    first = load_or_train("test", "x", train)
    _directory_instead_of_file(first.path)
    with pytest.warns(ArtifactCacheWarning) as record:
        art = load_or_train("test", "x", train)
    messages = " ".join(str(w.message) for w in record)
    assert "verworfen" in messages and first.path.name in messages
    assert "nicht beschreibbar" in messages  # os.replace auf einen Ordner scheitert
    assert art.from_cache is False and art.path is None and train.calls == 2
    assert not [n for n in _files(tmp_cache) if n.endswith(".tmp")]


def test_unreadable_file_via_permission_error(tmp_cache, monkeypatch):
    train = Trainer()
    first = load_or_train("test", "x", train)
    real = Path.read_bytes

    def deny(self):
        if self == first.path:
            raise PermissionError(13, "Keine Berechtigung", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    with pytest.warns(ArtifactCacheWarning, match="nicht lesbar"):
        art = load_or_train("test", "x", train)
    assert art.from_cache is False and train.calls == 2


def test_read_only_directory_falls_back_without_cache(tmp_cache, monkeypatch):
    """Simuliert einen schreibgeschützten Ordner (chmod hilft als root nicht)."""
    def deny(src, dst):
        raise PermissionError(13, "Schreibgeschützt", str(dst))

    monkeypatch.setattr(artifacts.os, "replace", deny)
    train = Trainer()
    with pytest.warns(ArtifactCacheWarning, match="nicht beschreibbar"):
        art = load_or_train("test", "x", train)
    assert art.from_cache is False and art.path is None and art.tensors["w"].sum() == 12
    assert _files(tmp_cache) == []  # auch keine temporären Dateien
    with pytest.warns(ArtifactCacheWarning):
        load_or_train("test", "x", train)
    assert train.calls == 2


def test_read_only_cache_root_falls_back(monkeypatch, tmp_cache):
    real = Path.mkdir

    def deny(self, *args, **kwargs):
        if "artifacts" in self.parts:
            raise PermissionError(13, "Schreibgeschützt")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", deny)
    with pytest.warns(ArtifactCacheWarning, match="nicht beschreibbar.*KIBUCH_CACHE"):
        art = load_or_train("test", "x", Trainer())
    assert art.from_cache is False and art.path is None


def test_read_only_directory_really_denied(tmp_cache, monkeypatch):
    """Ein schreibgeschützter Ordner, auch als root: ``chmod`` plus verweigertes Anlegen.

    Als normaler Benutzer verhindert ``chmod 0o500`` das Anlegen der temporären Datei
    wirklich. root darf trotzdem schreiben; dort verweigert ``tempfile.mkstemp`` (der
    erste Schreibzugriff des Caches) das Anlegen im Ordner mit demselben ``EACCES``,
    den der Kernel liefern würde. Beide Wege müssen gleich enden.
    """
    import errno
    import stat
    import tempfile

    folder = tmp_cache / "artifacts" / "test"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    real_mkstemp = tempfile.mkstemp
    attempts = []

    def mkstemp(*args, dir=None, **kwargs):
        attempts.append(Path(dir))
        read_only = not folder.stat().st_mode & stat.S_IWUSR
        if os.geteuid() == 0 and Path(dir) == folder and read_only:  # wie der Kernel für Nutzer
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES),
                                  str(Path(dir) / "x.tmp"))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(artifacts.tempfile, "mkstemp", mkstemp)
    train = Trainer()
    try:
        with pytest.warns(ArtifactCacheWarning, match="nicht beschreibbar") as record:
            art = load_or_train("test", "x", train)
        assert art.path is None and art.from_cache is False and train.calls == 1
        assert torch.equal(art.tensors["w"], torch.full((3, 4), 1.0))  # Ergebnis nicht verloren
        assert str(folder) in str(record[0].message)
        assert attempts and attempts[0] == folder  # der Schreibversuch ging wirklich dorthin
        assert _files(tmp_cache) == []  # nichts angelegt, keine temporären Reste
        with pytest.warns(ArtifactCacheWarning):  # kein Treffer: wieder trainiert
            assert load_or_train("test", "x", train).from_cache is False
        assert train.calls == 2
    finally:
        folder.chmod(0o700)
    art = load_or_train("test", "x", train)  # wieder beschreibbar: jetzt wird gespeichert
    assert art.path is not None and load_or_train("test", "x", train).from_cache is True


def test_exception_during_write_leaves_no_temp_files(tmp_cache, monkeypatch):
    class Boom(Exception):
        pass

    def boom(fd):
        raise Boom("fsync kaputt")

    monkeypatch.setattr(artifacts.os, "fsync", boom)
    with pytest.raises(Boom):
        load_or_train("test", "x", Trainer())
    assert _files(tmp_cache) == []


def test_training_error_caches_nothing(tmp_cache):
    def train():
        raise RuntimeError("Training abgebrochen")

    with pytest.raises(RuntimeError, match="abgebrochen"):
        load_or_train("test", "x", train)
    assert _files(tmp_cache) == []


@pytest.mark.parametrize("env", ["datei", "datei/unter"])
def test_cache_env_pointing_at_a_file_is_one_clear_error(monkeypatch, tmp_path, env):
    (tmp_path / "datei").write_text("kein Ordner")
    monkeypatch.setenv("KIBUCH_CACHE", str(tmp_path / env))
    train = Trainer()
    with pytest.raises(CacheDirError, match="KIBUCH_CACHE") as excinfo:
        load_or_train("test", "x", train)
    assert isinstance(excinfo.value, KibuchError)
    assert excinfo.value.__cause__ is None and excinfo.value.__suppress_context__
    assert str(tmp_path / "datei") in str(excinfo.value)
    assert train.calls == 0  # Fehler vor dem teuren Training


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_tensors_are_never_cached(tmp_cache, bad):
    def train():
        w = torch.ones(3)
        w[1] = bad
        return {"gut": torch.ones(2), "w": w}, {"loss": [bad]}

    with pytest.raises(NonFiniteArtifactError, match="NaN.*'?w'?") as excinfo:
        load_or_train("test", "x", train)
    assert isinstance(excinfo.value, (KibuchError, ValueError))
    assert "gut" not in str(excinfo.value)
    assert _files(tmp_cache) == []
    with pytest.raises(NonFiniteArtifactError):
        load_or_train("test", "x", train, use_cache=False)


class _Exploit:
    """Ein pickle, das beim Laden eine Markierungsdatei anlegen würde."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _exploit_payloads(marker: Path) -> dict[str, bytes]:
    """Dieselbe Falle als rohes pickle und im Format von ``torch.save`` (zip + pickle)."""
    import io

    buffer = io.BytesIO()
    torch.save({"model": _Exploit(marker), "info": {}}, buffer)
    return {"pickle": pickle.dumps({"w": _Exploit(marker)}), "torch": buffer.getvalue()}


def test_exploit_payloads_really_run_code_when_unpickled(tmp_path):
    """Gegenprobe: Die Fallen sind scharf – wer sie mit pickle lädt, führt Code aus."""
    import io

    for name in ("pickle", "torch"):
        marker = tmp_path / f"kontrolle-{name}.txt"
        payload = _exploit_payloads(marker)[name]
        if name == "pickle":
            pickle.loads(payload)
        else:
            torch.load(io.BytesIO(payload), weights_only=False)
        assert marker.exists(), name


@pytest.mark.parametrize("kind", ["pickle", "torch"])
def test_crafted_pickle_is_never_executed(tmp_cache, tmp_path, kind):
    marker = tmp_path / "ausgefuehrt.txt"
    payload = _exploit_payloads(marker)[kind]
    key = artifact_key("x")
    folder = tmp_cache / "artifacts" / "test"
    folder.mkdir(parents=True)
    # 1) genau dort, wo der Cache liest: als safetensors-Datei mit passender Prüfsumme getarnt
    (folder / f"{key}.safetensors").write_bytes(payload)
    meta = {"format": artifacts.FORMAT_VERSION, "key": key, "kind": "test",
            "checksum": hashlib.sha256(payload).hexdigest(), "info": {}}
    (folder / f"{key}.json").write_text(json.dumps(meta), encoding="utf-8")
    # 2) unter den Namen, die torch.save/pickle üblicherweise benutzen
    for suffix in (".pt", ".pkl", ".bin"):
        (folder / f"{key}{suffix}").write_bytes(payload)
    with pytest.warns(ArtifactCacheWarning, match="kein gültiges safetensors") as record:
        art = load_or_train("test", "x", Trainer())
    assert f"{key}.safetensors" in str(record[0].message)
    assert not marker.exists()
    assert art.from_cache is False and art.path == folder / f"{key}.safetensors"
    assert art.path.read_bytes() != payload  # geheilt: durch echtes safetensors ersetzt
    assert load_or_train("test", "x", Trainer()).from_cache is True
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["pickle", "torch"])
def test_crafted_gpt_cache_entry_is_never_executed(tmp_cache, tmp_path, kind):
    """Die Falle liegt im echten GPT-Eintrag (und im alten ``gpt-*.pt``-Format daneben)."""
    from kibuch.nn.gpt import GPTConfig, gpt_train_config, train_gpt

    text = "abrakadabra simsalabim hokuspokus " * 40
    config = GPTConfig(vocab_size=16, block_size=8, n_layer=1, n_head=2, n_embd=8)
    train_config = gpt_train_config(steps=2, batch_size=4, eval_every=None, progress=False)
    model, _, info = train_gpt(text, config, train_config, device="cpu")
    entry = info["path"]
    assert info["from_cache"] is False and entry.parent == tmp_cache / "artifacts" / "gpt"
    reference = {k: v.clone() for k, v in model.state_dict().items()}

    marker = tmp_path / "ausgefuehrt.txt"
    payload = _exploit_payloads(marker)[kind]
    entry.write_bytes(payload)  # an genau der Stelle, die der Cache liest …
    meta_path = entry.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["checksum"] = hashlib.sha256(payload).hexdigest()  # … mit passender Prüfsumme
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    for path in (entry.with_suffix(".pt"), entry.with_suffix(".pkl"),
                 tmp_cache / "gpt" / f"gpt-{entry.stem[:16]}.pt"):  # alter Cache-Ort
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)

    with pytest.warns(ArtifactCacheWarning, match="kein gültiges safetensors"):
        model2, _, info2 = train_gpt(text, config, train_config, device="cpu")
    assert not marker.exists()
    assert info2["from_cache"] is False and info2["path"] == entry  # neu trainiert, geheilt
    for name, tensor in model2.state_dict().items():
        assert torch.equal(tensor, reference[name]), name
    _, _, info3 = train_gpt(text, config, train_config, device="cpu")
    assert info3["from_cache"] is True and not marker.exists()


def test_module_never_uses_pickle():
    source = Path(artifacts.__file__).read_text(encoding="utf-8")
    for forbidden in ("import pickle", "torch.load", "pickle.load", "weights_only"):
        assert forbidden not in source
