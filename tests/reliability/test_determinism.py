"""Bitgleiche Ergebnisse in getrennten Prozessen: jede geseedete Funktion zweimal gerechnet.

Die Sonde ``determinism_probe.py`` rechnet jede geseedete öffentliche Funktion mit
winzigen Größen (Generatoren aus ``kibuch.data.synthetic``, ``set_seed`` mit der
Initialisierung von Modellen, feste Aufteilungen, kurze Trainings, Feintuning, Sampling)
und gibt je Ergebnis die SHA-256 der Bytes aus. Welche Funktionen geseedet sind, sucht
der Test selbst (Argumente ``seed``/``seeds``/``rng``/``generator`` oder eine
Konfiguration mit Feld ``seed``); fehlt für eine davon die Sonde, schlägt er fehl.
Beide Prozesse laufen mit verschiedenem ``PYTHONHASHSEED``: Ergebnisse, die von der
Reihenfolge in Mengen oder dicts abhängen, fallen so auf.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability import determinism_probe as probe

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


#: Parameter, an denen man eine geseedete Funktion erkennt.
SEED_PARAMS = {"seed", "seeds", "rng", "generator"}
#: Geseedet, ohne dass die Signatur es zeigt (Seed über ``**train_options``).
SEEDED_BY_OPTIONS = {"kibuch.nn.bert.fine_tune"}
#: Sonden, die auf jeden Fall da sein müssen (die Liste aus dem Zuverlässigkeits-Issue).
REQUIRED = (
    "kibuch.chapters.ch03_1_playground.depth_sweep",
    "kibuch.chapters.ch03_1_playground.make_tree_model",
    "kibuch.chapters.ch03_2_playground.run_playground",
    # Kapitel 3.3.2 neu geschrieben: train_few_shot/pretrain/make_model heißen jetzt so
    "kibuch.chapters.ch03_3_transfer.train_target",
    "kibuch.chapters.ch03_3_transfer.new_target_model",
    "kibuch.chapters.ch03_3_transfer.run_transfer", "kibuch.chapters.ch03_3_cnn.train_cnn",
    "kibuch.chapters.ch05_risks.feedback_learning",
    "kibuch.nn.bert.mask_tokens", "kibuch.nn.bert.TextBatches",
    "kibuch.scratch.kmeans.elbow_and_silhouette", "kibuch.scratch.qlearning.epsilon_greedy",
    "kibuch.nn.bert.fine_tune", "kibuch.nn.gpt.train_gpt", "kibuch.training.loop.fit",
    "kibuch.data.synthetic.", "kibuch.core.device.set_seed",
)


def seeded_public_names() -> dict[str, list[str]]:
    """Alle öffentlichen Funktionen, Klassen und Methoden mit Zufall → woran man es sieht.

    Geseedet ist, was ein Argument aus :data:`SEED_PARAMS` hat oder eine Konfiguration
    (Dataclass mit Feld ``seed``) annimmt.
    """
    import dataclasses
    import inspect

    from tests.reliability import sweep

    callables, _ = sweep.public_callables()
    seeded_configs = {obj.__name__ for _, _, obj in callables if dataclasses.is_dataclass(obj)
                      and any(f.name == "seed" for f in dataclasses.fields(obj))}
    found = {name: ["**train_options"] for name in SEEDED_BY_OPTIONS}
    for module, name, obj in callables:
        qual = f"{module}.{name}"
        targets = [(qual, obj)]
        if inspect.isclass(obj):
            targets += [(f"{qual}.{m}", f) for m, f in vars(obj).items()
                        if inspect.isfunction(f) and not m.startswith("_")]
        for target, function in targets:
            try:
                params = inspect.signature(function).parameters
            except (TypeError, ValueError):
                continue
            why = sorted(SEED_PARAMS & set(params))
            why += [p.name for p in params.values()
                    if any(config in str(p.annotation) for config in seeded_configs)]
            if why:
                found[target] = why
    return found


def _has_probe(probes, qual: str) -> bool:
    return any(name == qual or name.startswith(qual + "[") for name in probes)


def test_every_seeded_function_has_a_probe(runs):
    first, _ = runs
    seeded = seeded_public_names()
    assert len(seeded) >= 50, sorted(seeded)  # die Suche findet wirklich etwas
    missing = sorted(f"{q} ({', '.join(why)})" for q, why in seeded.items()
                     if not _has_probe(first, q) and q not in probe.COVERED_BY
                     and q not in probe.EXEMPT)
    assert not missing, missing
    for qual, target in probe.COVERED_BY.items():  # Verweise zeigen auf echte Sonden
        assert _has_probe(first, target), (qual, target)
    stale = sorted((set(probe.COVERED_BY) | set(probe.EXEMPT)) - set(seeded))
    assert not stale, stale  # veraltete Einträge fallen auf
    for reason in probe.EXEMPT.values():
        assert len(reason.split()) >= 6, reason


def test_probe_covers_the_required_functions(runs):
    first, _ = runs
    for prefix in REQUIRED:
        assert any(name.startswith(prefix) for name in first), prefix
    assert len(first) >= 60


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
