"""Der NN-Playground (Kapitel 3.2) trainiert in der gebauten Website – von file://, ohne Netz.

Das Widget (``book/_static/widgets/nn_playground.js`` mit ``lib/mlp.js``) steht auf der
Seite des Kapitels 3.2. Geprüft wird: Es startet, eine Epoche per Knopf ändert die
Anzeige, Training mit „Start“ senkt den Verlust, Datensatz und Netz lassen sich
umstellen, auf Telefonbreite gibt es keinen waagerechten Bildlauf, und es gibt weder
Konsolenfehler noch Anfragen an fremde Hosts.
"""

from __future__ import annotations

import pytest
from conftest import open_page

pytest.importorskip("playwright.sync_api", reason="playwright fehlt")

PAGE = "book/03_2_playground.html"
ROOT = '[data-kibuch-widget="nn-playground"]'
READY = ROOT + '[data-ready="1"]'


def _open(browser, site, width=1280):
    page, errors, foreign = open_page(browser, f"file://{site}", PAGE, width=width)
    if not page.locator(ROOT).count():
        page.close()
        pytest.fail(f"Kein NN-Playground auf {PAGE} (Direktive kibuch-widget nn-playground fehlt).")
    page.wait_for_selector(READY, timeout=15_000)
    return page, errors, foreign, page.locator(READY).first


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
        assert not errors, f"Konsolenfehler: {errors}"
        assert not foreign, f"Anfragen an fremde Hosts: {foreign}"
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
        unlabelled = page.evaluate(
            f"[...document.querySelectorAll('{ROOT} input, {ROOT} select, {ROOT} button')]"
            ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
            " && !(e.tagName === 'BUTTON' && e.textContent.trim()))"
            ".map(e => e.outerHTML)")
        assert not unlabelled, f"Steuerelemente ohne Beschriftung: {unlabelled}"
        assert not errors, f"Konsolenfehler: {errors}"
        assert not foreign, f"Anfragen an fremde Hosts: {foreign}"
    finally:
        page.close()


def test_nn_playground_phone(browser, site):
    page, errors, foreign, w = _open(browser, site, width=375)
    try:
        sizes = w.evaluate("r => [r.scrollWidth, r.clientWidth]")
        assert sizes[0] <= sizes[1] + 1, f"Widget breiter als der Bildschirm: {sizes}"
        canvas = w.locator('[data-role="surface"]').bounding_box()
        assert canvas and canvas["width"] <= 375
        w.locator('[data-role="step"]').click()
        assert _epoch(w) == 1
        assert not errors, f"Konsolenfehler: {errors}"
    finally:
        page.close()
