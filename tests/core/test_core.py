"""Tests für kibuch-Kern: Seeds, Gerätewahl, Cache-Verzeichnis, Importverhalten."""

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import kibuch
from kibuch import cache_dir, get_device, set_seed
from kibuch.core.cache import CacheDirError, CacheNotWritableError
from kibuch.core.checks import KibuchError
from kibuch.core.device import DeviceUnavailableError, device_name


def test_set_seed_reproduces_all_generators():
    set_seed(123)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(124)
    c = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b
    assert all(x != y for x, y in zip(a, c))


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (2**32, ValueError),
                                            (1.5, TypeError), ("7", TypeError),
                                            (True, TypeError), (None, TypeError)])
def test_set_seed_rejects_bad_values(bad, error):
    with pytest.raises(error, match="^seed muss"):  # kibuch-Meldung, nicht die von NumPy
        set_seed(bad)


def test_set_seed_accepts_numpy_ints():
    assert set_seed(np.int64(7)) == 7 and type(set_seed(np.uint32(7))) is int
    assert set_seed(2**32 - 1) == 2**32 - 1


@pytest.mark.parametrize(("bad", "error", "pattern"), [
    (3, TypeError, "prefer"), ("tpu", ValueError, "Unbekanntes Gerät 'tpu' für prefer"),
    ("cuda:x", ValueError, "Geräteindex"), ("", ValueError, "prefer"),
])
def test_get_device_rejects_bad_prefer(bad, error, pattern):
    with pytest.raises(error, match=pattern):
        get_device(bad)


def test_device_name_checks_its_argument():
    assert device_name("cpu") == "CPU" == device_name(torch.device("cpu"))
    with pytest.raises(TypeError, match="device"):
        device_name(3)
    with pytest.raises(ValueError, match="device"):
        device_name("tpu")


def test_get_device_default_is_available(monkeypatch):
    monkeypatch.delenv("KIBUCH_DEVICE", raising=False)
    dev = get_device()
    assert dev.type in {"cpu", "cuda", "mps"}
    torch.zeros(1, device=dev)  # Gerät ist wirklich nutzbar
    assert isinstance(device_name(dev), str)


def test_get_device_env_override(monkeypatch):
    monkeypatch.setenv("KIBUCH_DEVICE", "cpu")
    assert get_device() == torch.device("cpu")
    monkeypatch.setenv("KIBUCH_DEVICE", "tpu")
    with pytest.raises(ValueError, match="Unbekanntes Gerät"):
        get_device()


@pytest.mark.parametrize("wish", ["cuda", "cuda:1"])
def test_get_device_missing_cuda_is_an_error(monkeypatch, wish):
    """Läuft auch auf Rechnern mit GPU: CUDA wird dort als fehlend ausgegeben."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.delenv("KIBUCH_DEVICE", raising=False)
    with pytest.raises(DeviceUnavailableError, match="CUDA") as excinfo:
        get_device(wish)
    assert isinstance(excinfo.value, RuntimeError) and wish in str(excinfo.value)
    monkeypatch.setenv("KIBUCH_DEVICE", wish)  # auch über die Umgebungsvariable
    with pytest.raises(DeviceUnavailableError, match="CUDA"):
        get_device()


def test_get_device_missing_mps_is_an_error(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(DeviceUnavailableError, match="MPS"):
        get_device("mps")


def test_get_device_automatic_order(monkeypatch):
    """CUDA vor MPS vor CPU – ohne KIBUCH_DEVICE."""
    monkeypatch.delenv("KIBUCH_DEVICE", raising=False)
    for cuda, mps, expected in [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]:
        monkeypatch.setattr(torch.cuda, "is_available", lambda cuda=cuda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda mps=mps: mps)
        assert get_device() == torch.device(expected)


def test_cache_dir_env_and_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("KIBUCH_CACHE", str(tmp_path / "k"))
    assert cache_dir() == tmp_path / "k"
    assert cache_dir("mnist").is_dir()
    monkeypatch.delenv("KIBUCH_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir(create=False) == tmp_path / "xdg" / "kibuch"


@pytest.mark.parametrize("bad", ["", "/etc", "../x", "a/../../b"])
def test_cache_dir_rejects_escaping_names(monkeypatch, tmp_path, bad):
    monkeypatch.setenv("KIBUCH_CACHE", str(tmp_path))
    with pytest.raises(ValueError, match="subdir"):
        cache_dir(bad)


@pytest.mark.parametrize(("kwargs", "pattern"), [({"subdir": 3}, "subdir"),
                                                 ({"create": "ja"}, "create")])
def test_cache_dir_rejects_bad_types(tmp_cache, kwargs, pattern):
    with pytest.raises(TypeError, match=pattern):
        cache_dir(**kwargs)


@pytest.mark.parametrize("create", [True, False])
def test_cache_dir_file_instead_of_directory(monkeypatch, tmp_path, create):
    blocker = tmp_path / "datei"
    blocker.write_text("kein Ordner")
    monkeypatch.setenv("KIBUCH_CACHE", str(blocker))
    with pytest.raises(CacheDirError, match="KIBUCH_CACHE") as excinfo:
        cache_dir("mnist", create=create)
    assert str(blocker) in str(excinfo.value) and "Datei" in str(excinfo.value)
    assert excinfo.value.__cause__ is None and excinfo.value.__suppress_context__
    monkeypatch.setenv("KIBUCH_CACHE", str(blocker / "unter"))
    with pytest.raises(CacheDirError, match="liegt unter der Datei"):
        cache_dir()


def test_cache_dir_not_creatable(monkeypatch, tmp_cache):
    def deny(self, *args, **kwargs):
        raise PermissionError(13, "Keine Berechtigung")

    monkeypatch.setattr(Path, "mkdir", deny)
    with pytest.raises(CacheNotWritableError, match="Keine Berechtigung.*KIBUCH_CACHE"):
        cache_dir("neu")
    assert issubclass(CacheNotWritableError, (CacheDirError, KibuchError, OSError))


def test_import_does_nothing_heavy():
    """``import kibuch`` darf weder torch laden noch Dateien anlegen."""
    code = (
        "import sys, kibuch, kibuch.core.fmt, kibuch.viz.plotting, kibuch.data.facts,"
        " kibuch.core.artifacts, kibuch.core.checks;"
        "print('torch' in sys.modules, 'matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert kibuch.__version__
