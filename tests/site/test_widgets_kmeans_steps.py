"""Das Widget „k-Means Schritt für Schritt“ (Kapitel 3.1) läuft in der gebauten Website.

Das Widget (``book/_static/widgets/kmeans_steps.js`` mit ``lib/kmeans.js``) steht auf der
Seite „Unüberwachtes und bestärkendes Lernen“ und wird von ``file://`` geöffnet, ohne Netz.
Geprüft wird: Es startet, „Schritt“ ordnet zu und verschiebt, die Inertia fällt, „Bis zur
Konvergenz“ meldet die Konvergenz, Punkte lassen sich per Klick setzen und entfernen, k,
Startverfahren und Beispieldaten lassen sich umstellen, jedes Steuerelement ist
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
NAME = "kmeans-steps"
ROOT = widget_selector(NAME)
READY = ROOT + '[data-ready="1"]'


def _open(browser, site, width=1280):
    page, w, errors, foreign = open_widget(browser, f"file://{site}", PAGE, NAME, width=width)
    return page, errors, foreign, w


def _inertia(w) -> float | None:
    """Zahl aus „Inertia: 1.234,56 (Runde …)“; None, solange noch nicht zugeordnet wurde."""
    text = w.locator('[data-role="inertia"]').inner_text()
    m = re.search(r"Inertia: ([\d.,]+)", text)
    return float(m.group(1).replace(".", "").replace(",", ".")) if m else None


def _points(w) -> int:
    return int(w.get_attribute("data-points"))


def test_kmeans_steps_converges(browser, site):
    page, errors, foreign, w = _open(browser, site)
    try:
        status = w.locator('[data-role="status"]')
        assert _inertia(w) is None
        assert w.get_attribute("data-converged") == "0"
        assert w.locator('[data-role="update"]').is_disabled(), "erst zuordnen, dann verschieben"
        w.locator('[data-role="step"]').click()  # Zuordnen
        first = _inertia(w)
        assert first is not None and first > 0
        assert "nach dem Zuordnen" in w.locator('[data-role="inertia"]').inner_text()
        w.locator('[data-role="step"]').click()  # Verschieben
        assert "nach dem Verschieben" in w.locator('[data-role="inertia"]').inner_text()
        assert "Verschieben" in status.inner_text()
        moved = _inertia(w)
        assert moved <= first, "Verschieben senkt die Inertia"
        w.locator('[data-role="assign"]').click()
        assert _inertia(w) <= moved, "Zuordnen senkt die Inertia"
        w.locator('[data-role="run"]').click()
        page.wait_for_function(
            f"() => document.querySelector('{READY}').dataset.converged === '1'", timeout=60_000)
        assert "Konvergiert nach" in status.inner_text()
        assert w.locator('[data-role="step"]').is_disabled()
        assert _inertia(w) <= moved
        # Neu starten: neue Startzentren, Verlauf leer
        w.locator('[data-role="restart"]').click()
        assert w.get_attribute("data-converged") == "0"
        assert _inertia(w) is None
        assert_clean(errors, foreign)
    finally:
        page.close()


def test_kmeans_steps_controls(browser, site):
    page, errors, foreign, w = _open(browser, site)
    try:
        plot = w.locator('[data-role="plot"]')
        n = _points(w)
        assert n > 0
        plot.click(position={"x": 12, "y": 12})
        assert _points(w) == n + 1, "Klick setzt einen Punkt"
        plot.click(position={"x": 12, "y": 12}, modifiers=["Shift"])
        assert _points(w) == n, "Umschalt-Klick entfernt ihn wieder"
        w.locator('[data-role="k"]').fill("5")
        assert "5 zufällig gewählte Datenpunkte" in w.locator('[data-role="status"]').inner_text()
        w.locator('[data-role="init"]').select_option("k-means++")
        assert "k-means++" in w.locator('[data-role="status"]').inner_text()
        w.locator('[data-role="step"]').click()
        assert _inertia(w) is not None
        w.locator('[data-role="dataset"]').select_option("halbmonde")
        assert _inertia(w) is None, "neue Daten, neuer Lauf"
        before = plot.screenshot()
        w.locator('[data-role="random-points"]').click()
        assert plot.screenshot() != before, "„Zufällige Punkte“ zieht neue Punkte"
        w.locator('[data-role="clear"]').click()
        assert _points(w) == 0
        assert w.locator('[data-role="step"]').is_disabled()
        for i in range(4):  # k = 5 braucht fünf Punkte
            plot.click(position={"x": 40 + 30 * i, "y": 60})
        assert w.locator('[data-role="step"]').is_disabled()
        plot.click(position={"x": 200, "y": 200})
        assert not w.locator('[data-role="step"]').is_disabled()
        unlabelled = unlabelled_controls(page, ROOT)
        assert not unlabelled, f"Steuerelemente ohne Beschriftung: {unlabelled}"
        assert_clean(errors, foreign)
    finally:
        page.close()


def test_kmeans_steps_phone(browser, site):
    page, errors, foreign, w = _open(browser, site, width=375)
    try:
        overflow = horizontal_overflow(w)
        assert overflow <= 1, f"Widget {overflow} px breiter als der Bildschirm"
        box = w.locator('[data-role="plot"]').bounding_box()
        assert box and box["width"] <= 375 and abs(box["width"] - box["height"]) < 2
        w.locator('[data-role="step"]').click()
        assert _inertia(w) is not None
        assert_clean(errors)
    finally:
        page.close()
