"""Misst die Bauzeit des Buchs: kalt (mit Installation) und warm (nichts geändert), je Stufe.

Aufruf im Repository mit einem beliebigen Python ≥ 3.11: ``python3 .ci/benchmark.py`` oder
``nox -s benchmark``. Ergebnis: Tabelle auf der Konsole und ``_build/benchmark.json``.

Stufen des kalten Baus (alles in dieser Reihenfolge, wie in ``nox -s book``):

1. ``install``: frisches venv ``_build/benchmark-venv``, ``pip install -e .[book]`` mit den
   Versionen aus ``.ci/constraints.txt`` (aus dem pip-Cache, wie in CI),
2. ``execute`` und ``html``: ``jupyter-book build`` (streng); ``execute`` ist die Summe der
   Ausführungszeiten aller Kapitel aus dem Ausführungs-Cache, ``html`` der Rest,
3. ``singlehtml``: Einzelseiten-Build, Grundlage des PDFs,
4. ``pdf``: ``book/_tools/make_pdf.py``.

Der warme Bau wiederholt 2–4; Einzelseite und PDF fallen weg, weil sich ihre Eingaben nicht
geändert haben (``book/_tools/print_inputs.py``). Trainierte Modelle liegen im kibuch-Cache
des Rechners (in CI zwischengespeichert); ``--empty-cache`` misst mit leerem Cache.
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
VENV = BUILD / "benchmark-venv"
STRICT = ("-n", "-W", "--keep-going")
sys.path.insert(0, str(ROOT / "book" / "_tools"))
import print_inputs  # noqa: E402


def _env(cache: Path | None) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "HF_DATASETS_OFFLINE": "1", "KIBUCH_OFFLINE": "1", "PYTHONHASHSEED": "0",
           "PATH": f"{VENV / 'bin'}:{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(VENV)}
    if cache is not None:
        env["KIBUCH_CACHE"] = str(cache)
    return env


def _timed(label: str, cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    seconds = round(time.perf_counter() - start, 1)
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def install() -> float:
    shutil.rmtree(VENV, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-c", ".ci/constraints.txt", "-e", ".[book]"], cwd=ROOT, check=True)
    seconds = round(time.perf_counter() - start, 1)
    print(f"install: {seconds:.1f} s", flush=True)
    return seconds


def chapter_times() -> dict[str, float]:
    code = ("import json, pathlib; from jupyter_cache import get_cache; "
            f"c = get_cache({str(BUILD / '.jupyter_cache')!r}); "
            "print(json.dumps({pathlib.Path(r.uri).as_posix(): "
            "float(r.data.get('execution_seconds') or 0) for r in c.list_cache_records()}))")
    out = subprocess.run([str(VENV / "bin" / "python"), "-c", code], check=True,
                         capture_output=True, text=True).stdout
    times = {Path(k).relative_to(ROOT).as_posix(): round(v, 1)
             for k, v in json.loads(out).items()}
    return dict(sorted(times.items()))


def build(env: dict) -> dict[str, float]:
    """Website, dann Einzelseite und PDF, diese nur bei geänderten Eingaben (wie nox)."""
    stages = {"book": _timed("jupyter-book build", ["jupyter-book", "build", ".", *STRICT], env)}
    start = time.perf_counter()
    fresh = print_inputs.is_fresh(*STRICT)
    stages["print_check"] = round(time.perf_counter() - start, 2)
    if fresh:
        print("Einzelseite und PDF aktuell – übersprungen", flush=True)
        stages["singlehtml"] = stages["pdf"] = 0.0
    else:
        stages["singlehtml"] = _timed("singlehtml", ["jupyter-book", "build", ".", "--builder",
                                                     "singlehtml", *STRICT], env)
        stages["pdf"] = _timed("pdf", [str(VENV / "bin" / "python"), "book/_tools/make_pdf.py",
                                       str(BUILD / "singlehtml"), str(print_inputs.PDF)], env)
        print_inputs.mark_fresh(*STRICT)
    return stages


def main() -> int:
    empty = "--empty-cache" in sys.argv
    cache = BUILD / "benchmark-kibuch-cache" if empty else None
    for path in (BUILD / "html", BUILD / "singlehtml", BUILD / "jupyter_execute",
                 BUILD / ".jupyter_cache", print_inputs.STAMP):
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
    env = _env(cache)
    t0 = time.perf_counter()
    cold = {"install": install(), **build(env)}
    cold_total = round(time.perf_counter() - t0, 1)
    chapters = chapter_times()
    execute = round(sum(chapters.values()), 1)
    cold["execute"] = execute
    cold["html"] = round(cold["book"] - execute, 1)
    t1 = time.perf_counter()
    warm = build(env)
    warm_total = round(time.perf_counter() - t1, 1)
    print("\n| Stufe | kalt (s) | warm (s) |\n| --- | ---: | ---: |")
    for key in ("install", "execute", "html", "singlehtml", "pdf"):
        hot = warm["book"] if key == "html" else warm.get(key, 0.0)
        print(f"| {key} | {cold.get(key, 0.0):.1f} | {hot:.1f} |")
    print(f"| **gesamt** | **{cold_total:.1f}** | **{warm_total:.1f}** |")
    print("\n| Kapitel | Ausführung (s) |\n| --- | ---: |")
    for name, sec in chapters.items():
        print(f"| {name} | {sec:.1f} |")
    result = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "kibuch_cache": "leer" if empty else "vorhanden (trainierte Modelle wie in CI)",
        "cold_seconds": cold_total, "warm_seconds": warm_total,
        "cold_stages": cold, "warm_stages": warm, "chapters": chapters,
        "targets": {"cold_seconds_max": 600, "warm_seconds_max": 30},
        "meets_targets": cold_total <= 600 and warm_total <= 30,
    }
    (BUILD / "benchmark.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"\nkalt {cold_total:.0f} s (Ziel ≤ 600), warm {warm_total:.0f} s (Ziel ≤ 30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
