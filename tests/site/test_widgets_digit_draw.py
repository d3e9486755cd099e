"""Widget „digit-draw“ auf der gebauten Seite 3.3 (Faltende Netze), geöffnet von file://.

Das Widget muss ohne Netz laden, für die Testbilder dieselben Wahrscheinlichkeiten wie
PyTorch liefern (Referenzen in ``data/cnn.js``), gezeichnete Striche (Maus und Stift)
klassifizieren, Merkmalskarten zeigen und sich löschen lassen.
"""

from __future__ import annotations

import pytest
from conftest import assert_clean, horizontal_overflow, open_widget, widget_selector

PAGE = "book/03_3_cnn.html"
NAME = "digit-draw"
ROOT = widget_selector(NAME)


@pytest.fixture
def widget(browser, site):
    page, _, errors, foreign = open_widget(browser, f"file://{site}", PAGE, NAME)
    yield page
    assert_clean(errors, foreign)
    page.close()


def _updates(page) -> int:
    return int(page.get_attribute(ROOT, "data-updates") or 0)


def _draw(page, points, *, pointer_type=None) -> None:
    """Ein Strich durch ``points`` (Koordinaten der 280 × 280-Zeichenfläche)."""
    canvas = page.locator(f'{ROOT} [data-role="canvas"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    xy = [(box["x"] + x * box["width"] / 280, box["y"] + y * box["height"] / 280)
          for x, y in points]
    dense = [xy[0]]
    for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:]):
        dense += [(x0 + (x1 - x0) * t / 8, y0 + (y1 - y0) * t / 8) for t in range(1, 9)]
    count = _updates(page)
    if pointer_type is None:
        page.mouse.move(*dense[0])
        page.mouse.down()
        for point in dense[1:]:
            page.mouse.move(*point)
        page.mouse.up()
    else:  # Stift oder Finger: PointerEvents wie von einem Tablet
        page.evaluate("""([sel, pts, type]) => {
            const c = document.querySelector(sel);
            const ev = (name, [x, y]) => c.dispatchEvent(new PointerEvent(name, {
                clientX: x, clientY: y, pointerId: 7, pointerType: type, isPrimary: true,
                pressure: 0.5, bubbles: true, cancelable: true}));
            ev('pointerdown', pts[0]);
            pts.slice(1).forEach(p => ev('pointermove', p));
            ev('pointerup', pts[pts.length - 1]);
        }""", [f'{ROOT} [data-role="canvas"]', dense, pointer_type])
    page.wait_for_function(f"Number(document.querySelector('{ROOT}').dataset.updates) > {count}")
    page.wait_for_timeout(100)


def test_test_digits_match_pytorch(widget):
    samples = widget.evaluate("window.KIBUCH_DATA.cnn.samples.map(s => [s.label, s.probs])")
    assert sorted(label for label, _ in samples) == list(range(10))
    for i, (_, probs) in enumerate(samples):
        widget.select_option(f'{ROOT} [data-role="sample"]', str(i))
        got = widget.evaluate(f"document.querySelector('{ROOT}').kibuch.last().probs")
        assert max(abs(a - b) for a, b in zip(got, probs, strict=True)) < 1e-4, i
        assert widget.get_attribute(ROOT, "data-prediction") == str(probs.index(max(probs)))
        assert str(probs.index(max(probs))) in widget.locator(
            f'{ROOT} [data-role="prediction"]').inner_text()


def test_drawing_is_classified_and_can_be_cleared(widget):
    prediction = widget.locator(f'{ROOT} [data-role="prediction"]')
    assert "Noch nichts" in prediction.inner_text()
    _draw(widget, [(150, 45), (140, 240)])  # ein senkrechter Strich
    assert widget.get_attribute(ROOT, "data-prediction") == "1"
    assert "1" in prediction.inner_text()
    lit = widget.evaluate(f"""() => Array.from(document.querySelectorAll('{ROOT} .kdd-map'))
        .filter(c => c.getContext('2d').getImageData(0, 0, c.width, c.height).data
                 .some((v, i) => i % 4 === 0 && v > 0)).length""")
    assert lit >= 8, lit  # die Merkmalskarten zeigen etwas
    x = widget.evaluate(f"document.querySelector('{ROOT}').kibuch.last().input")
    assert len(x) == 784 and 0 < max(x) <= 1
    widget.click(f'{ROOT} [data-role="clear"]')
    assert "Noch nichts" in prediction.inner_text()
    assert widget.get_attribute(ROOT, "data-prediction") == ""
    _draw(widget, [(70, 60), (200, 60), (120, 230)], pointer_type="pen")  # eine 7 mit dem Stift
    assert widget.get_attribute(ROOT, "data-prediction") == "7"


def test_keyboard_and_phone_width(browser, site):
    page, root, errors, _ = open_widget(browser, f"file://{site}", PAGE, NAME, width=375)
    overflow = horizontal_overflow(root)
    assert overflow <= 1, overflow
    select = f'{ROOT} [data-role="sample"]'
    assert page.evaluate(f"document.querySelector('{select}').labels.length") == 1
    page.focus(select)
    page.keyboard.press("ArrowDown")  # erstes Testbild
    label = page.evaluate("String(window.KIBUCH_DATA.cnn.samples[0].label)")
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.prediction !== ''")
    assert page.get_attribute(ROOT, "data-prediction") == label
    page.focus(f'{ROOT} [data-role="clear"]')
    page.keyboard.press("Enter")
    assert page.get_attribute(ROOT, "data-prediction") == ""
    assert_clean(errors)
    page.close()
