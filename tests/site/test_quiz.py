"""Selbsttests: mindestens drei Fragen je Kapitelseite, sofortige Rückmeldung, offline."""

from __future__ import annotations

import re

import pytest
from conftest import open_page
from sitehelpers import is_chapter, toc_files

CHAPTERS = [doc for doc in toc_files() if is_chapter(doc)]


@pytest.mark.parametrize("doc", CHAPTERS)
def test_every_chapter_page_has_a_self_check_quiz(site, doc):
    html = (site / f"{doc}.html").read_text(encoding="utf-8")
    questions = re.findall(r"<fieldset[^>]*data-kibuch-quiz", html)
    assert len(questions) >= 3, f"{doc}: nur {len(questions)} Quizfragen"
    assert "widgets/quiz.js" in html
    # Selbsttest steht vor der Zusammenfassung und ist keine Übung
    assert html.index("data-kibuch-quiz") < html.index("Zusammenfassung</h2>") \
        if "Zusammenfassung</h2>" in html else True


@pytest.mark.parametrize("origin", ["http", "file"])
def test_quiz_gives_immediate_feedback(browser, server, site, origin):
    doc = CHAPTERS[0]
    base = server if origin == "http" else site.as_uri()
    page, errors, foreign = open_page(browser, base, f"{doc}.html")
    try:
        page.wait_for_selector("[data-kibuch-quiz][data-ready='1']", timeout=10_000)
        question = page.locator("[data-kibuch-quiz][data-multi='0']").first
        feedback = question.locator(".kibuch-quiz-feedback")
        assert feedback.inner_text().strip() == ""
        wrong = question.locator("input[data-richtig='0']").first
        wrong.check()
        assert question.get_attribute("data-answered") == "falsch"
        assert feedback.inner_text().startswith("Leider nicht.")
        right = question.locator("input[data-richtig='1']").first
        right.check()
        assert question.get_attribute("data-answered") == "richtig"
        assert feedback.inner_text().startswith("Richtig.")
        assert not errors, errors
        assert not foreign, foreign
    finally:
        page.close()


def test_quiz_is_keyboard_operable(browser, server):
    page, errors, _ = open_page(browser, server, f"{CHAPTERS[0]}.html")
    try:
        page.wait_for_selector("[data-kibuch-quiz][data-ready='1']", timeout=10_000)
        first = page.locator("[data-kibuch-quiz][data-multi='0'] input").first
        first.focus()
        page.keyboard.press("Space")
        q = page.locator("[data-kibuch-quiz][data-multi='0']").first
        assert q.get_attribute("data-answered") in ("richtig", "falsch")
        assert not errors, errors
    finally:
        page.close()
