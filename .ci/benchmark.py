"""Misst die Bauzeit des Buchs: kalt (ohne Cache), warm (nichts geändert), je Kapitel.

Aufruf (im Repository, mit installierter Buch-Umgebung): ``python .ci/benchmark.py``
oder ``nox -s benchmark``. Ergebnis: Tabelle auf der Konsole und ``_build/benchmark.json``.
Die Laufzeiten je Kapitel stammen aus dem Ausführungs-Cache (jupyter-cache).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"


def build(label: str, cache: Path) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "KIBUCH_OFFLINE": "1", "KIBUCH_CACHE": str(cache)}
    start = time.perf_counter()
    subprocess.run(["jupyter-book", "build", ".", "-n", "-W", "--keep-going"], cwd=ROOT,
                   env=env, check=True)
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def chapter_times() -> dict[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(str(BUILD / ".jupyter_cache"))
    times = {}
    for record in cache.list_cache_records():
        uri = Path(record.uri).relative_to(ROOT).as_posix()
        times[uri] = float(record.data.get("execution_seconds") or 0.0)
    return dict(sorted(times.items()))


def main() -> int:
    # Kalt heißt: kein Ausführungs-Cache und kein kibuch-Cache (z. B. trainierte GPT-Gewichte)
    cache = BUILD / "benchmark-kibuch-cache"
    if "--keep" not in sys.argv:
        shutil.rmtree(BUILD, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    cold = build("Kalter Build", cache)
    warm = build("Warmer Build (nichts geändert)", cache)
    chapters = chapter_times()
    print("\n| Kapitel | Ausführung (s) |\n| --- | ---: |")
    for name, sec in chapters.items():
        print(f"| {name} | {sec:.1f} |")
    print(f"| **Summe** | **{sum(chapters.values()):.1f}** |")
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "cold_seconds": cold, "warm_seconds": warm, "chapters": chapters,
    }
    (BUILD / "benchmark.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
