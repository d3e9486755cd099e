"""Bitgleiche Ergebnisse in getrennten Prozessen: jede geseedete Funktion zweimal gerechnet.

Die Sonde ``determinism_probe.py`` rechnet Generatoren aus ``kibuch.data.synthetic``,
``set_seed`` mit der Initialisierung von PyTorch-Modellen, die festen Aufteilungen der
Datensätze und kurze Trainings (winzige Größen) und gibt je Ergebnis die SHA-256 der
Bytes aus. Beide Prozesse laufen mit verschiedenem ``PYTHONHASHSEED``: Ergebnisse, die
von der Reihenfolge in Mengen oder dicts abhängen, fallen so auf.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = Path(__file__).resolve().with_name("determinism_probe.py")
ROOT = PROBE.parents[2]


def _start(hash_seed: str, tmp_path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "KIBUCH_CACHE": str(tmp_path / hash_seed),
           "KIBUCH_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, str(PROBE)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[dict, dict]:
    tmp_path = tmp_path_factory.mktemp("determinism")
    procs = [_start(seed, tmp_path) for seed in ("0", "4711")]  # parallel: halbe Wartezeit
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out))
    return results[0], results[1]


def test_probe_covers_the_seeded_functions(runs):
    first, _ = runs
    for prefix in ("business.", "curves.", "population.", "prices.", "raw_records.", "sensors.",
                   "toy2d.", "set_seed+", "data.digits", "nn.gpt.train_gpt", "training.fit"):
        assert any(name.startswith(prefix) for name in first), prefix
    assert len(first) >= 30


def test_no_probe_failed(runs):
    failed = {k: v for k, v in runs[0].items() if v.startswith("Fehler")}
    assert not failed, failed


def test_results_are_bit_identical_across_processes(runs):
    first, second = runs
    assert first.keys() == second.keys()
    different = sorted(k for k in first if first[k] != second[k])
    assert not different, different


def test_hashes_distinguish_results(runs):
    """Die Sonde ist nicht trivial: verschiedene Funktionen haben verschiedene Hashes."""
    first, _ = runs
    hashes = [v for v in first.values() if not v.startswith("Fehler")]
    assert len(set(hashes)) == len(hashes)
