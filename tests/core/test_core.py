"""Tests für kibuch-Kern: Seeds, Gerätewahl, Cache-Verzeichnis, Importverhalten."""

import random
import subprocess
import sys

import numpy as np
import pytest
import torch

import kibuch
from kibuch import cache_dir, get_device, set_seed
from kibuch.core.device import device_name


def test_set_seed_reproduces_all_generators():
    set_seed(123)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(123)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(124)
    c = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b
    assert all(x != y for x, y in zip(a, c))


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "7", True, None])
def test_set_seed_rejects_bad_values(bad):
    with pytest.raises((TypeError, ValueError)):
        set_seed(bad)


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


@pytest.mark.skipif(torch.cuda.is_available(), reason="nur ohne CUDA prüfbar")
def test_get_device_missing_cuda_is_an_error():
    with pytest.raises(RuntimeError, match="CUDA"):
        get_device("cuda")


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
    with pytest.raises(ValueError):
        cache_dir(bad)


def test_import_does_nothing_heavy():
    """``import kibuch`` darf weder torch laden noch Dateien anlegen."""
    code = (
        "import sys, kibuch, kibuch.core.fmt, kibuch.viz.plotting, kibuch.data.facts.intro;"
        "print('torch' in sys.modules, 'matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert kibuch.__version__
