"""Der NN-Playground (Kapitel 3.2) trainiert in der gebauten Website – von file://, ohne Netz.

Das Widget (``book/_static/widgets/nn_playground.js`` mit ``lib/mlp.js``) steht auf der
Seite des Kapitels 3.2. Geprüft wird: Es startet, eine Epoche per Knopf ändert die
Anzeige, Training mit „Start“ senkt den Verlust, Datensatz und Netz lassen sich
umstellen, auf Telefonbreite gibt es keinen waagerechten Bildlauf, und es gibt weder
Konsolenfehler noch Anfragen an fremde Hosts.
"""

from __future__ import annotations

import pytest
from conftest import (
    assert_clean,
    horizontal_overflow,
    open_widget,
    unlabelled_controls,
    widget_selector,
)

pytest.importorskip("playwright.sync_api", reason="playwright fehlt")

PAGE = "book/03_2_playground.html"
NAME = "nn-playground"
ROOT = widget_selector(NAME)


def _open(browser, site, width=1280):
    page, w, errors, foreign = open_widget(browser, f"file://{site}", PAGE, NAME, width=width)
    return page, errors, foreign, w


def _epoch(w) -> int:
    return int(w.locator('[data-role="epoch"]').inner_text())


def _loss(w, role: str) -> float:
    return float(w.locator(f'[data-role="{role}"]').inner_text().replace(",", "."))


def test_nn_playground_trains(browser, site):
    page, errors, foreign, w = _open(browser, site)
    try:
        status = w.locator('[data-role="status"]')
        assert _epoch(w) == 0
        start_loss, before = _loss(w, "train-loss"), status.inner_text()
        w.locator('[data-role="step"]').click()
        assert _epoch(w) == 1
        assert status.inner_text() != before
        w.locator('[data-role="lr"]').select_option("0.3")  # neue Lernrate, kein Neustart
        assert _epoch(w) == 1
        w.locator('[data-role="play"]').click()
        page.wait_for_function(
            f"() => +document.querySelector('{ROOT} [data-role=epoch]').textContent >= 40",
            timeout=20_000)
        w.locator('[data-role="pause"]').click()
        stopped = _epoch(w)
        page.wait_for_timeout(300)
        assert _epoch(w) == stopped, "Pause hält das Training nicht an"
        assert _loss(w, "train-loss") < 0.5 * start_loss
        assert "%" in w.locator('[data-role="test-acc"]').inner_text()
        assert_clean(errors, foreign)
    finally:
        page.close()


def test_nn_playground_controls(browser, site):
    page, errors, foreign, w = _open(browser, site)
    try:
        arch = w.locator('[data-role="arch"]')
        w.locator('[data-role="step"]').click()
        w.locator('[data-role="dataset"]').select_option("spirale")
        assert _epoch(w) == 0, "Ein neuer Datensatz setzt das Training zurück"
        w.locator('[data-role="feature"][data-feature="sin(x1)"]').check()
        layers = w.locator('[data-role="layers"]')
        layers.fill("3")
        layers.dispatch_event("change")
        assert "3 Merkmale" in arch.inner_text()
        assert arch.inner_text().count("→") == 4  # Eingabe → 3 Schichten → Ausgabe
        w.locator('[data-role="activation"]').select_option("relu")
        w.locator('[data-role="step"]').click()
        w.locator('[data-role="reset"]').click()
        assert _epoch(w) == 0
        unlabelled = unlabelled_controls(page, ROOT)
        assert not unlabelled, f"Steuerelemente ohne Beschriftung: {unlabelled}"
        assert_clean(errors, foreign)
    finally:
        page.close()


def test_nn_playground_phone(browser, site):
    page, errors, foreign, w = _open(browser, site, width=375)
    try:
        overflow = horizontal_overflow(w)
        assert overflow <= 1, f"Widget {overflow} px breiter als der Bildschirm"
        canvas = w.locator('[data-role="surface"]').bounding_box()
        assert canvas and canvas["width"] <= 375
        w.locator('[data-role="step"]').click()
        assert _epoch(w) == 1
        assert_clean(errors)
    finally:
        page.close()
