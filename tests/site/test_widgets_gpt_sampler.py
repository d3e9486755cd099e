"""Widget „gpt-sampler“ auf der gebauten Seite 3.4 (Textgenerierung), geöffnet von file://.

Das Widget muss ohne Netz laden, dieselben Logits wie PyTorch liefern (Referenzen in der
Datendatei ``data/gpt.js``), auf Bedienung reagieren, mit gleichem Seed denselben Text
erzeugen und mit Top-k = 1 genau den Greedy-Text von ``GPT.generate`` schreiben.
"""

from __future__ import annotations

import pytest
from conftest import assert_clean, horizontal_overflow, open_widget, widget_selector

PAGE = "book/03_4_generierung.html"
NAME = "gpt-sampler"
ROOT = widget_selector(NAME)


@pytest.fixture
def widget(browser, site):
    page, _, errors, foreign = open_widget(browser, f"file://{site}", PAGE, NAME)
    yield page
    assert_clean(errors, foreign)
    page.close()


def _set_range(page, role: str, value) -> None:
    page.evaluate("""([sel, v]) => { const el = document.querySelector(sel); el.value = v;
        el.dispatchEvent(new Event('input', {bubbles: true})); }""",
                  [f'{ROOT} [data-role="{role}"]', str(value)])


def _generate(page, n: int, seed: int) -> str:
    page.fill(f'{ROOT} [data-role="length"]', str(n))
    page.fill(f'{ROOT} [data-role="seed"]', str(seed))
    page.click(f'{ROOT} [data-role="generate"]')
    page.wait_for_selector(f'{ROOT}[data-state="idle"][data-chars="{n}"]', timeout=120_000)
    return page.evaluate(f"document.querySelector('{ROOT}').kibuch.generated()")


def test_logits_match_pytorch(widget):
    worst = widget.evaluate(f"""() => {{
        const api = document.querySelector('{ROOT}').kibuch, data = window.KIBUCH_DATA.gpt;
        let worst = 0;
        for (const ref of data.references) {{
            const got = api.logitsFor(ref.prompt);
            ref.logits.forEach((v, i) => {{ worst = Math.max(worst, Math.abs(v - got[i])); }});
        }}
        return worst;
    }}""")
    assert worst < 1e-4, worst


def test_top_k_1_writes_the_greedy_text_of_pytorch(widget):
    greedy = widget.evaluate("window.KIBUCH_DATA.gpt.greedy")
    widget.fill(f'{ROOT} [data-role="prompt"]', greedy["prompt"])
    _set_range(widget, "top-k", 1)
    assert widget.locator(f'{ROOT} [data-role="top-k"] + output').inner_text() == "1"
    kept = widget.evaluate(f"document.querySelector('{ROOT}').kibuch.last.final"
                           ".filter(p => p > 0).length")
    assert kept == 1
    assert _generate(widget, len(greedy["ids"]), 3) == greedy["text"]


def test_controls_change_the_output(widget):
    text = widget.locator(f'{ROOT} [data-role="text"]')
    before = text.inner_text()
    widget.click(f'{ROOT} [data-role="step"]')
    assert widget.get_attribute(ROOT, "data-chars") == "1"
    assert len(text.inner_text()) == len(before) + 1
    assert "Gezogen" in widget.locator(f'{ROOT} [data-role="status"]').inner_text()

    first = _generate(widget, 40, 7)
    assert len(first) == 40
    assert _generate(widget, 40, 7) == first  # gleicher Seed, gleicher Text
    assert _generate(widget, 40, 8) != first

    head = widget.locator(f'{ROOT} [data-role="t-head"]')
    _set_range(widget, "temperature", 0.5)
    assert head.inner_text() == "mit T = 0,50"
    _set_range(widget, "top-p", 0.5)
    summary = widget.locator(f'{ROOT} [data-role="summary"]').inner_text()
    assert "Top-p" in summary and "50,0" in summary
    assert widget.locator(f'{ROOT} [data-role="probs"] tbody tr').count() == 10

    widget.fill(f'{ROOT} [data-role="prompt"]', "Die Katze€")
    assert widget.get_attribute(ROOT, "data-chars") == "0"
    assert "ausgelassen" in widget.locator(f'{ROOT} [data-role="status"]').inner_text()


def test_keyboard_and_phone_width(browser, site):
    page, root, errors, _ = open_widget(browser, f"file://{site}", PAGE, NAME, width=375)
    overflow = horizontal_overflow(root)
    assert overflow <= 1, overflow
    page.focus(f'{ROOT} [data-role="top-k"]')
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.locator(f'{ROOT} [data-role="top-k"] + output').inner_text() == "2"
    page.focus(f'{ROOT} [data-role="step"]')
    page.keyboard.press("Enter")
    assert page.get_attribute(ROOT, "data-chars") == "1"
    for role in ("prompt", "temperature", "top-k", "top-p", "length", "seed"):
        label = page.evaluate(f"(() => {{ const el = document.querySelector('{ROOT} "
                              f"[data-role=\"{role}\"]'); return el.labels.length; }})()")
        assert label == 1, role
    assert_clean(errors)
    page.close()
