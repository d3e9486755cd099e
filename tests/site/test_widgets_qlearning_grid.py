"""Das Widget „Q-Learning in der Gitterwelt“ (Kapitel 3.1) lernt in der gebauten Website.

Das Widget (``book/_static/widgets/qlearning_grid.js`` mit ``lib/qlearning.js``) steht auf
der Seite „Unüberwachtes und bestärkendes Lernen“ und wird von ``file://`` geöffnet, ohne
Netz. Geprüft wird: Es startet mit leerer Q-Tabelle, „Episoden ausführen“ trainiert,
mit ε = 1 und α = 1 erreicht es die Werte der Value Iteration wie im Buchtext (gieriger
Weg zum großen Schatz, Q(Start) = 0,9⁶), Abspielen und Pause funktionieren, γ lässt sich
ohne Neustart ändern, „Zurücksetzen“ leert die Tabelle, jedes Steuerelement ist
beschriftet, auf Telefonbreite gibt es keinen waagerechten Bildlauf, und es gibt weder
Konsolenfehler noch Anfragen an fremde Hosts.
"""

from __future__ import annotations

import re

import pytest
from conftest import (
    assert_clean,
    horizontal_overflow,
    open_widget,
    unlabelled_controls,
    widget_selector,
)

pytest.importorskip("playwright.sync_api", reason="playwright fehlt")

PAGE = "book/03_1_unueberwacht_rl.html"
NAME = "qlearning-grid"
ROOT = widget_selector(NAME)
READY = ROOT + '[data-ready="1"]'


def _open(browser, site, width=1280):
    page, w, errors, foreign = open_widget(browser, f"file://{site}", PAGE, NAME, width=width)
    return page, errors, foreign, w


def _episodes(w) -> int:
    return int(w.get_attribute("data-episodes"))


def _number(text: str) -> float:
    """Letzte Zahl im deutschen Format („0,531“, „−1,000“) eines Texts."""
    value = re.findall(r"[−-]?\d+(?:,\d+)?", text)[-1]
    return float(value.replace("−", "-").replace(",", "."))


def _role(w, role: str) -> str:
    return w.locator(f'[data-role="{role}"]').inner_text()


def test_qlearning_grid_learns_like_the_book(browser, site):
    page, errors, foreign, w = _open(browser, site)
    try:
        assert _episodes(w) == 0
        assert _number(_role(w, "qstart")) == 0
        grid_before = w.locator('[data-role="grid"]').screenshot()
        w.locator('[data-role="batch"]').select_option("10")
        w.locator('[data-role="run-batch"]').click()
        assert _episodes(w) == 10
        assert "Episoden: 10" in _role(w, "summary")
        assert w.locator('[data-role="grid"]').screenshot() != grid_before
        # Wie im Buch: viel Erkundung (ε = 1, α = 1), 1500 Episoden → Value Iteration
        w.locator('[data-role="reset"]').click()
        assert _episodes(w) == 0
        w.locator('[data-role="epsilon"]').fill("1")
        w.locator('[data-role="alpha"]').fill("1")
        w.locator('[data-role="gamma"]').fill("0.9")
        w.locator('[data-role="batch"]').select_option("500")
        for _ in range(3):
            w.locator('[data-role="run-batch"]').click()
        assert _episodes(w) == 1500
        assert _number(_role(w, "vigap")) < 1e-3
        assert abs(_number(_role(w, "qstart")) - 0.9 ** 6) < 1e-3
        greedy = _role(w, "greedy")
        assert "großen Schatz" in greedy and "7 Schritte" in greedy, greedy
        # Q-Tabelle: eine Zeile je Feld, das kein Endfeld ist (20 − 3)
        w.locator("details summary").click()
        assert w.locator('[data-role="qtable"] tbody tr').count() == 17
        # Kleines γ: Die Value Iteration zeigt jetzt woandershin, die Episoden bleiben
        w.locator('[data-role="gamma"]').fill("0.5")
        assert _episodes(w) == 1500
        assert "γ = 0,50" in _role(w, "vigap")
        assert _number(_role(w, "vigap")) > 0.01
        assert_clean(errors, foreign)
    finally:
        page.close()


def test_qlearning_grid_play_pause_reset(browser, site):
    page, errors, foreign, w = _open(browser, site)
    try:
        play = w.locator('[data-role="play"]')
        w.locator('[data-role="speed"]').fill("5")  # Zeitraffer
        play.click()
        assert play.get_attribute("aria-pressed") == "true"
        page.wait_for_function(
            f"() => +document.querySelector('{READY}').dataset.episodes >= 20", timeout=20_000)
        play.click()
        assert play.get_attribute("aria-pressed") == "false"
        stopped = _episodes(w)
        page.wait_for_timeout(300)
        assert _episodes(w) == stopped, "Pause hält das Training nicht an"
        assert "Episoden: " in _role(w, "summary") and "Mittel der letzten" in _role(w, "summary")
        w.locator('[data-role="reset"]').click()
        assert _episodes(w) == 0
        assert _number(_role(w, "qstart")) == 0
        unlabelled = unlabelled_controls(page, ROOT)
        assert not unlabelled, f"Steuerelemente ohne Beschriftung: {unlabelled}"
        assert_clean(errors, foreign)
    finally:
        page.close()


def test_qlearning_grid_phone(browser, site):
    page, errors, foreign, w = _open(browser, site, width=375)
    try:
        overflow = horizontal_overflow(w)
        assert overflow <= 1, f"Widget {overflow} px breiter als der Bildschirm"
        box = w.locator('[data-role="grid"]').bounding_box()
        assert box and box["width"] <= 375
        w.locator('[data-role="run-batch"]').click()
        assert _episodes(w) == 10
        assert_clean(errors)
    finally:
        page.close()
