"""``reports/results.json`` und die Ergebnistabelle der Statusseite im gebauten Buch.

Die Gegenprobe liest die Ergebnisse unabhängig von der Erweiterung aus den ausgeführten
Notebooks, die die Website zum Herunterladen anbietet (``_sources/<seite>.ipynb``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sitehelpers import ROOT, is_notebook, toc_files

from kibuch.viz.book import RESULTS_MIME, format_result

DOCS = toc_files()
KEY = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)+")
STATUS = "book/status"


def _no_nan(name):
    raise ValueError(f"{name} in results.json: JSON kennt kein NaN/Infinity")


def load_report(site: Path) -> dict:
    path = site / "reports" / "results.json"
    assert path.exists(), f"{path} fehlt"
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_nan)


def notebook_results(site: Path, docs) -> dict[str, tuple[str, object]]:
    """Schlüssel → (Seite, Wert) aus den heruntergeladenen Notebooks (Gegenprobe)."""
    found: dict[str, tuple[str, object]] = {}
    for doc in docs:
        path = site / "_sources" / f"{doc}.ipynb"
        if not path.exists():
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                for key, value in output.get("data", {}).get(RESULTS_MIME, {}).items():
                    assert key not in found, f"{key} doppelt ({found[key][0]}, {doc})"
                    found[key] = (doc, value)
    return found


def reporting_docs(docs, root: Path = ROOT) -> set[str]:
    """Seiten, deren Quelle ``report_results(`` aufruft."""
    return {doc for doc in docs if is_notebook(doc)
            and "report_results(" in (root / f"{doc}.md").read_text(encoding="utf-8")}


def check_report(report: dict, found: dict, docs) -> None:
    meta = report["_meta"]
    generated = dt.datetime.fromisoformat(meta["generated"])
    assert generated.tzinfo is not None, meta["generated"]
    values = {k: v for k, v in report.items() if k != "_meta"}
    for key in values:
        assert KEY.fullmatch(key), key
        assert meta["chapters"][key.rsplit(".", 1)[0]] == found[key][0], key
    assert set(meta["chapters"].values()) <= set(docs)
    # genau das, was die Notebooks ausgegeben haben – nichts dazu, nichts verloren
    assert values == {key: value for key, (_, value) in found.items()}


def status_rows(site: Path, docname: str = STATUS) -> dict[str, tuple[list[str], str]]:
    """Schlüssel → (Absätze der Wertzelle, Ziel des Kapitel-Links) aus der Statusseite."""
    from bs4 import BeautifulSoup

    html = (site / f"{docname}.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    table = soup.select_one("table.kibuch-results")
    assert table is not None, "Ergebnistabelle fehlt auf der Statusseite"
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Schlüssel", "Wert", "Kapitel"]
    rows = {}
    for tr in table.select("tbody tr"):
        key_cell, value_cell, doc_cell = tr.find_all("td")
        key = key_cell.get_text(strip=True)
        rows[key] = ([p.get_text(strip=True) for p in value_cell.find_all("p")],
                     doc_cell.find("a")["href"])
    link = soup.find("a", string="reports/results.json")
    assert link is not None and link["href"].endswith("reports/results.json")
    assert (site / docname).parent.joinpath(link["href"]).resolve() == (
        site / "reports" / "results.json").resolve()
    return rows


def check_status(rows: dict, report: dict) -> None:
    values = {k: v for k, v in report.items() if k != "_meta"}
    assert list(rows) == list(values)  # gleiche Schlüssel in gleicher Reihenfolge
    for key, value in values.items():
        cells, href = rows[key]
        expected = ([f"{k}: {format_result(v)}" for k, v in value.items()]
                    if isinstance(value, dict) else [format_result(value)])
        assert cells == expected, key
        doc = report["_meta"]["chapters"][key.rsplit(".", 1)[0]]
        assert href.split("#")[0].endswith(f"{doc.rsplit('/', 1)[-1]}.html"), (key, href)


@pytest.fixture(scope="module")
def report(site) -> dict:
    return load_report(site)


def test_results_json_matches_the_executed_notebooks(site, report):
    check_report(report, notebook_results(site, DOCS), DOCS)


def test_every_reporting_chapter_is_in_the_report(report):
    docs = reporting_docs(DOCS)
    assert "book/03_1_ueberwacht" in docs
    assert docs <= set(report["_meta"]["chapters"].values()), (
        docs - set(report["_meta"]["chapters"].values()))


def test_titanic_results(report):
    cv = report["ml.titanic.cv_acc"]
    assert {"Mehrheitsklasse", report["ml.titanic.model"]} <= set(cv)
    for value in (report["ml.titanic.test_acc"], *cv.values()):
        assert 0 < value < 1
    assert isinstance(report["ml.titanic.n_test"], int) and report["ml.titanic.n_test"] > 100
    assert report["_meta"]["chapters"]["ml.titanic"] == "book/03_1_ueberwacht"


def test_status_page_shows_the_results_table(site, report):
    check_status(status_rows(site), report)


def test_singlehtml_has_the_same_results(site, report):
    single = site.parent / "singlehtml"
    if not (single / "index.html").exists():
        pytest.skip("kein Einzelseiten-Build neben der Website")
    other = load_report(single)
    assert {k: v for k, v in other.items() if k != "_meta"} == {
        k: v for k, v in report.items() if k != "_meta"}
    assert other["_meta"]["chapters"] == report["_meta"]["chapters"]
