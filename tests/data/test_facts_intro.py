"""Tests der Faktentabellen aus Kapitel 1."""

from pathlib import Path

from kibuch.data.facts import intro as facts


def test_facts_tables_are_consistent():
    vol = facts.data_volume()
    assert vol["jahr"].is_monotonic_increasing and vol["zettabyte"].is_monotonic_increasing
    gpus = facts.gpu_compute()
    assert gpus["tflops"].is_monotonic_increasing
    papers = facts.conference_papers()
    assert set(papers["konferenz"]) == {"AAAI", "NeurIPS", "IJCAI"}
    assert (papers["beitraege"] > 0).all()
    ms = facts.milestones()
    assert {1943, 1986, 2012, 2017} <= set(ms["jahr"])
    for table in (vol, gpus, papers, ms):
        assert table["quelle"].notna().all()


def test_all_fact_sources_are_in_bibliography():
    from pathlib import Path

    bib = "".join(p.read_text(encoding="utf-8")
                  for p in Path(__file__).parents[2].glob("book/**/*.bib"))
    keys = set()
    for table in (facts.data_volume(), facts.gpu_compute(), facts.conference_papers(),
                  facts.milestones()):
        keys |= set(table["quelle"])
    for key in keys:
        assert "{" + key + "," in bib, f"Quelle {key} fehlt in der Bibliographie"
