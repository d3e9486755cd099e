"""Die Direktiven ``kibuch-widget`` und ``kibuch-quiz`` in einem kleinen Sphinx-Projekt."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from kibuch_sphinx import widgets  # noqa: E402

QUIZ = """\
- frage: "Was ist 1 + 1?"
  optionen:
    - text: "2"
      richtig: true
      erklaerung: "Richtig: eins plus eins."
    - text: "3"
      richtig: false
      erklaerung: "Nein: das wäre eins zu viel."
- frage: "Welche sind gerade?"
  optionen:
    - {text: "2", richtig: true, erklaerung: "2 ist gerade."}
    - {text: "4", richtig: true, erklaerung: "4 ist gerade."}
    - {text: "5", richtig: false, erklaerung: "5 ist ungerade."}
"""


def _project(tmp_path: Path, body: str) -> Path:
    src = tmp_path / "src"
    (src / "book" / "quizzes").mkdir(parents=True)
    static = src / "book" / "_static" / "widgets"
    static.mkdir(parents=True)
    (static / "demo.js").write_text("// demo\n")
    (static / "demo.css").write_text("/* demo */\n")
    shutil.copy(ROOT / "book" / "_static" / "widgets" / "quiz.js", static / "quiz.js")
    shutil.copy(ROOT / "book" / "_static" / "widgets" / "quiz.css", static / "quiz.css")
    (src / "book" / "quizzes" / "seite.yml").write_text(QUIZ, encoding="utf-8")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / 'book' / '_ext')!r})\n"
        "extensions = ['myst_parser', 'kibuch_sphinx.widgets']\n"
        "myst_enable_extensions = ['colon_fence']\n"
        "html_static_path = ['book/_static']\nexclude_patterns = ['book/_static']\n")
    (src / "index.md").write_text("# Start\n\n```{toctree}\nbook/seite\nbook/leer\n```\n")
    (src / "book" / "seite.md").write_text(body, encoding="utf-8")
    (src / "book" / "leer.md").write_text("# Leer\n\nNichts.\n")
    return src


def _build(src: Path, tmp_path: Path, builder: str = "html") -> tuple[int, str]:
    from sphinx.cmd.build import build_main

    out = tmp_path / builder
    warnings = tmp_path / f"{builder}.log"
    rc = build_main([str(src), str(out), "-b", builder, "-W", "-q", "-w", str(warnings)])
    return rc, warnings.read_text() if warnings.exists() else ""


PAGE = """\
# Seite

:::{kibuch-widget} demo-widget
:scripts: demo.js
:styles: demo.css
:label: Demo zum Ausprobieren

Statischer **Ersatz** für den Druck.
:::

```{kibuch-quiz} quizzes/seite.yml
```
"""


def test_widget_and_quiz_render_and_load_assets_only_where_used(tmp_path):
    src = _project(tmp_path, PAGE)
    rc, log = _build(src, tmp_path)
    assert rc == 0, log
    html = (tmp_path / "html" / "book" / "seite.html").read_text(encoding="utf-8")
    assert 'data-kibuch-widget="demo-widget"' in html
    assert 'aria-label="Demo zum Ausprobieren"' in html
    assert "kibuch-print-only" in html and "<strong>Ersatz</strong>" in html
    assert 'src="../_static/widgets/demo.js' in html and "defer" in html
    assert 'href="../_static/widgets/demo.css' in html
    assert html.count("data-kibuch-quiz") == 2
    assert 'type="checkbox"' in html and 'type="radio"' in html
    assert "Lösung: A, B" in html and "Selbsttest" in html
    assert "widgets/quiz.js" in html
    other = (tmp_path / "html" / "book" / "leer.html").read_text(encoding="utf-8")
    assert "widgets/demo.js" not in other and "quiz.js" not in other


@pytest.mark.parametrize("body, message", [
    (":::{kibuch-widget} Demo\n:::\n", "Name"),
    (":::{kibuch-widget} demo\n:scripts: fehlt.js\n:::\n", "fehlt"),
    (":::{kibuch-widget} demo\n:scripts: ../x.js\n:::\n", "ungültiger Dateiname"),
    (":::{kibuch-widget} demo\n:data: unbekannt.js\n:::\n", "unbekannte Datendatei"),
    ("```{kibuch-quiz} quizzes/keine.yml\n```\n", "nicht lesbar"),
])
def test_bad_directive_input_fails_the_strict_build(tmp_path, body, message):
    src = _project(tmp_path, "# Seite\n\n" + body)
    rc, log = _build(src, tmp_path)
    assert rc != 0
    assert message in log


@pytest.mark.parametrize("text, message", [
    ("[]", "nicht leere Liste"),
    ("- frage: ''\n  optionen: []\n", "„frage“"),
    ("- frage: x\n  optionen: [{text: a, richtig: true, erklaerung: e}]\n", "mindestens zwei"),
    ("- frage: x\n  optionen:\n  - {text: a, richtig: false, erklaerung: e}\n"
     "  - {text: b, richtig: false, erklaerung: e}\n", "keine Antwort"),
    ("- frage: x\n  optionen:\n  - {text: a, richtig: ja, erklaerung: e}\n"
     "  - {text: b, richtig: false, erklaerung: e}\n", "„richtig“"),
])
def test_load_quiz_rejects_bad_files(tmp_path, text, message):
    path = tmp_path / "q.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        widgets.load_quiz(path)


def test_book_quizzes_are_valid_and_have_three_questions():
    files = sorted((ROOT / "book" / "quizzes").glob("*.yml"))
    for path in files:
        assert len(widgets.load_quiz(path)) >= 3, path.name
