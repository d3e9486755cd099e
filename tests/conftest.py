"""Gemeinsame Test-Einstellungen für alle Tests unter ``tests/``.

* Jeder Test läuft offline (``KIBUCH_OFFLINE``, ``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE``
  = 1); die Fixture ``online`` nimmt die Variablen für einen Test wieder weg.
* ``tmp_cache`` lenkt ``KIBUCH_CACHE`` in einen frischen temporären Ordner.
* Marker: ``slow`` (gemessen > 2 s oder mit teurer Fixture, siehe :data:`SLOW`) und
  ``browser`` (alles unter ``tests/site/``: braucht die gebaute Website).

Schnelllauf: ``pytest -m "not slow and not browser"``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
OFFLINE_VARS = ("KIBUCH_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")

#: Node-ID-Präfixe der langsamen Tests, gemessen mit
#: ``pytest tests --ignore=tests/site --durations=0`` auf 2 CPU-Kernen, teils unter Last
#: (Lastmittel ≈ 7): > 2 s in mindestens einem Lauf, > 1 s unter Last, oder mit einer teuren
#: Modul-Fixture, deren Kosten sonst ein anderer Test trägt. Ein Präfix ohne passenden Test
#: fällt in ``tests/reliability/test_conftest.py`` auf.
SLOW = (
    "tests/viz/test_results_kernel.py",  # startet einen Kernel: 1,8–3 s
    "tests/web/test_models.py::test_chapter_gpt_export_fits_the_page_budget",  # etwa 10 s
    "tests/chapters/test_ch03_3_cnn.py",  # trainiert kleine CNNs: 14–38 s
    "tests/nn/test_bert_cache.py",  # feintunt kleine Encoder: zusammen etwa 75 s
    "tests/nn/test_cnn.py::test_training_on_mini_data_lowers_loss",  # 6,8–13,3 s
    "tests/nn/test_bert.py::test_fine_tune_small_run",  # 3,1–15,4 s
    "tests/nn/test_bert.py::test_embeddings_match_sentence_transformers",  # 2,8 s
    "tests/nn/test_bert.py::test_attention_maps",  # 0,5–1,3 s, lädt das Modell
    "tests/nn/test_bert.py::test_wordpiece_tokenizer",  # Fixture tokenizer: 1,0–1,6 s
    "tests/nn/test_bert.py::test_mask_tokens",  # Fixture tokenizer
    "tests/nn/test_bert.py::test_fine_tune_errors",  # lädt das Modell: 2,1–4,2 s
    "tests/nn/test_bert.py::test_freeze_options",  # 1,4 s
    "tests/nn/test_gpt.py::test_train_uses_artifact_cache",  # 30,9 s
    "tests/nn/test_gpt.py::test_generate_cache_equals_naive_greedy_and_sampled",  # 1,4–2,3 s
    "tests/nn/test_gpt.py::test_kv_cache_gives_same_logits_as_full_forward",  # 3,9 s
    "tests/nn/test_attention.py::test_matches_sdpa",  # 2,9 s
    "tests/nn/test_attention.py::test_kv_cache_incremental_equals_full",  # 1,2 s
    "tests/nn/test_cnn.py::test_matplotlib_figures_for_cnn_chapter",  # 1,3 s
    "tests/chapters/test_workflow.py::test_save_and_predict_in_subprocess",  # 6,2–13,1 s
    "tests/chapters/test_risks.py::test_feedback_learning_is_poisoned_and_filter_helps",  # 2,2 s
    "tests/training/test_train.py::test_fit_learns_and_history_is_consistent",  # 2,1–3,7 s
    "tests/training/test_train.py::test_progress_in_kernel_without_widgets_prints_one_line",
    "tests/training/test_train.py::test_sgd_with_momentum_and_progress_output",  # 1,4 s
    "tests/training/test_train.py::test_diverging_training_raises",  # 0,8 s
    "tests/training/test_train.py::test_step_based_training_with_schedule_and_clipping",  # 2,3 s
    "tests/training/test_train.py::test_sequence_logits_and_custom_loss",  # 0,9–2,3 s
    "tests/viz/test_ml_figures.py::test_sensor_anomaly_figure",  # 1,6 s
    "tests/data/test_facts.py::test_import_reads_nothing",  # Unterprozess, 1,7 s
    "tests/scratch/test_qlearning.py::test_q_learning_converges_to_value_iteration",  # 1,2 s
    "tests/data/test_data.py::test_import_reads_nothing",  # Unterprozess, 1,0–2,8 s
    "tests/data/test_data.py::test_corpus_de_contents_and_determinism",  # 1,2 s
    "tests/core/test_core.py::test_import_does_nothing_heavy",  # Unterprozess, 0,9–2,1 s
    "tests/core/test_fmt_plotting.py::test_setup_registers_plotly_renderer_without_inline_js",
    "tests/reliability/test_sweep.py",  # ruft jede öffentliche Funktion mit Fehleingaben auf
    "tests/reliability/test_determinism.py",  # je zwei Python-Prozesse
    "tests/reliability/test_conftest.py::test_every_slow_prefix_matches_a_test",  # sammelt alles
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: langsamer Test (> 2 s); abwählen mit -m 'not slow'")
    config.addinivalue_line(
        "markers", "browser: braucht die gebaute Website und ggf. Chromium (tests/site)"
    )


def _node_id(item: pytest.Item) -> str:
    """Node-ID relativ zur Repository-Wurzel, unabhängig vom Aufrufverzeichnis."""
    path = Path(str(item.path)).resolve()
    try:
        rel = path.relative_to(ROOT).as_posix()
    except ValueError:
        return item.nodeid
    rest = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else ""
    return f"{rel}::{rest}" if rest else rel


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    site = TESTS / "site"
    for item in items:
        path = Path(str(item.path)).resolve()
        if path == site or site in path.parents:
            item.add_marker(pytest.mark.browser)
        node = _node_id(item)
        if any(node == p or node.startswith((p + "::", p + "[")) for p in SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jeder Test läuft offline; nichts darf etwas herunterladen."""
    for var in OFFLINE_VARS:
        monkeypatch.setenv(var, "1")


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entfernt die Offline-Variablen für einen Test (etwa um Download-Logik zu prüfen)."""
    for var in OFFLINE_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def tmp_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """``KIBUCH_CACHE`` zeigt für diesen Test auf einen frischen, leeren Ordner."""
    cache = tmp_path / "kibuch-cache"
    cache.mkdir()
    monkeypatch.setenv("KIBUCH_CACHE", str(cache))
    return cache
