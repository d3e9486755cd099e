"""Tests für kibuch.viz.charts: Sankey- und Sunburst-Daten aus kategorialen Tabellen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kibuch.viz.charts import sankey_figure, sankey_links, sunburst_figure, sunburst_table


@pytest.fixture(scope="module")
def people():
    """Zufällige Tabelle wie die Titanic-Daten: Klasse, Geschlecht, Überleben (0/1)."""
    rng = np.random.default_rng(0)
    n = 500
    return pd.DataFrame({
        "klasse": rng.integers(1, 4, n),
        "geschlecht": rng.choice(["männlich", "weiblich"], n),
        "ueberlebt": rng.integers(0, 2, n),
    })


def test_sankey_links_match_crosstab(people):
    table = people.assign(ausgang=people["ueberlebt"].map({0: "gestorben", 1: "überlebt"}))
    stages = ["klasse", "geschlecht", "ausgang"]
    labels, links = sankey_links(table, stages)
    assert labels == ["1", "2", "3", "männlich", "weiblich", "gestorben", "überlebt"]
    # Jede Stufe verteilt alle Zeilen: Summe der Bänder je Übergang = Tabellenlänge
    first = links[links["quelle"] < 3]
    second = links[links["quelle"] >= 3]
    assert first["anzahl"].sum() == second["anzahl"].sum() == len(table)
    # Einzelne Bänder stimmen mit pandas.crosstab überein
    reference = pd.crosstab(table["klasse"], table["geschlecht"])
    for _, row in first.iterrows():
        klasse = int(labels[row["quelle"]])
        geschlecht = labels[row["ziel"]]
        assert row["anzahl"] == reference.loc[klasse, geschlecht]
    reference2 = pd.crosstab(table["geschlecht"], table["ausgang"])
    for _, row in second.iterrows():
        assert row["anzahl"] == reference2.loc[labels[row["quelle"]], labels[row["ziel"]]]


def test_sankey_same_value_in_two_stages_gets_two_nodes():
    table = pd.DataFrame({"a": ["ja", "nein", "ja"], "b": ["ja", "ja", "nein"]})
    labels, links = sankey_links(table, ["a", "b"])
    assert labels == ["ja", "nein", "ja", "nein"]
    assert set(links["quelle"]) <= {0, 1} and set(links["ziel"]) <= {2, 3}
    assert links["anzahl"].sum() == 3


def test_sankey_figure_colors(people):
    figure = sankey_figure(people, ["klasse", "geschlecht"], alpha=0.5)
    trace = figure.data[0]
    assert list(trace.node.label) == ["1", "2", "3", "männlich", "weiblich"]
    assert trace.link.color[0].startswith("rgba(") and trace.link.color[0].endswith(",0.5)")
    assert sum(trace.link.value) == len(people)
    own = ["#000000", "#111111", "#222222", "#FF0000", "#00FF00"]
    figure = sankey_figure(people, ["klasse", "geschlecht"], colors=own)
    assert list(figure.data[0].node.color) == own
    # Band in der Farbe der Quelle: Quelle 0 ist Schwarz
    colors = dict(zip(figure.data[0].link.source, figure.data[0].link.color, strict=True))
    assert colors[0] == "rgba(0,0,0,0.35)"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"colors": ["#000000"]}, "5 Farben"),
        ({"colors": ["rot"] * 5}, "#RRGGBB"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_sankey_figure_errors(people, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sankey_figure(people, ["klasse", "geschlecht"], **kwargs)


def test_sunburst_table_matches_groupby(people):
    nodes = sunburst_table(people, ["geschlecht", "klasse"], "ueberlebt").set_index("id")
    inner = people.groupby("geschlecht")["ueberlebt"].agg(["sum", "count", "mean"])
    outer = people.groupby(["geschlecht", "klasse"])["ueberlebt"].agg(["sum", "count", "mean"])
    assert len(nodes) == len(inner) + len(outer)
    for sex, row in inner.iterrows():
        node = nodes.loc[sex]
        assert node["parent"] == ""
        assert (node["treffer"], node["anzahl"]) == (row["sum"], row["count"])
        assert node["rate"] == pytest.approx(row["mean"])
    for (sex, klasse), row in outer.iterrows():
        node = nodes.loc[f"{sex}/{klasse}"]
        assert node["parent"] == sex and node["label"] == str(klasse)
        assert node["rate"] == pytest.approx(row["mean"])
    # branchvalues="total": Eltern = Summe ihrer Kinder
    children = nodes[nodes["parent"] != ""].groupby("parent")["treffer"].sum()
    assert (children == nodes.loc[children.index, "treffer"]).all()


def test_sunburst_parent_rate_is_not_mean_of_children():
    # Kleine Gruppe mit Rate 1, große mit Rate 0: Elternrate 1/11, nicht 0,5
    table = pd.DataFrame({"g": ["x"] * 11, "k": ["a"] + ["b"] * 10, "t": [1] + [0] * 10})
    nodes = sunburst_table(table, ["g", "k"], "t").set_index("id")
    assert nodes.loc["x", "rate"] == pytest.approx(1 / 11)


def test_sunburst_figure(people):
    figure = sunburst_figure(people, ["geschlecht", "klasse"], "ueberlebt",
                             labels={"1": "1. Klasse"})
    trace = figure.data[0]
    assert trace.branchvalues == "total"
    assert "1. Klasse" in list(trace.labels)
    assert sum(v for v, p in zip(trace.values, trace.parents, strict=True) if p == "") == \
        people["ueberlebt"].sum()


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda t: sankey_links(t, ["klasse"]), ValueError, "mindestens 2"),
        (lambda t: sankey_links(t, "klasse"), TypeError, "einzelner String"),
        (lambda t: sankey_links(t, ["klasse", "gibtsnicht"]), ValueError, "table fehlen"),
        (lambda t: sankey_links(t, ["klasse", "klasse"]), ValueError, "mehrfach"),
        (lambda t: sankey_links(t.to_dict(), ["klasse", "geschlecht"]), TypeError, "DataFrame"),
        (lambda t: sankey_links(t.iloc[:0], ["klasse", "geschlecht"]), ValueError,
         "table ist leer"),
        (lambda t: sunburst_table(t, ["klasse"], "gibtsnicht"), ValueError, "target"),
        (lambda t: sunburst_table(t, ["geschlecht"], "klasse"), ValueError, "0 und 1"),
        (lambda t: sunburst_table(t, ["klasse"], "klasse"), ValueError, "zugleich in path"),
        (lambda t: sunburst_table(t, ["klasse"], None), TypeError, "target"),
        (lambda t: sunburst_table(t, [], "ueberlebt"), ValueError, "mindestens 1"),
        (lambda t: sankey_links(t, ["klasse", 3]), TypeError, r"stages\[1\]"),
        (lambda t: sankey_links(t, None), TypeError, "stages"),
        (lambda t: sankey_figure(t, ["klasse", "geschlecht"], alpha="halb"), TypeError, "alpha"),
        (lambda t: sankey_figure(t, ["klasse", "geschlecht"], alpha=float("nan")), ValueError,
         "alpha"),
        (lambda t: sankey_figure(t, ["klasse", "geschlecht"], colors="#000000"), TypeError,
         "colors"),
        (lambda t: sankey_figure(t, ["klasse", "geschlecht"], colors=["#00000G"] * 5),
         ValueError, "#RRGGBB"),
        (lambda t: sankey_figure(t, ["klasse", "geschlecht"], height=10), ValueError, "height"),
        (lambda t: sankey_figure(t, ["klasse", "geschlecht"], unit=""), ValueError, "unit"),
        (lambda t: sunburst_figure(t, ["klasse"], "ueberlebt", labels=["1. Klasse"]),
         TypeError, "labels"),
        (lambda t: sunburst_figure(t, ["klasse"], "ueberlebt", labels={1: "1. Klasse"}),
         TypeError, "labels"),
        (lambda t: sunburst_figure(t, ["klasse"], "ueberlebt", labels={"4": "4. Klasse"}),
         ValueError, "keiner Gruppe"),
        (lambda t: sunburst_figure(t, ["klasse"], "ueberlebt", hit_name=None), TypeError,
         "hit_name"),
        (lambda t: sunburst_figure(t, ["klasse"], "ueberlebt", height=2.5), TypeError, "height"),
    ],
)
def test_input_errors(people, call, exc, match):
    with pytest.raises(exc, match=match):
        call(people)


def test_missing_values_rejected(people):
    table = people.astype({"geschlecht": object})
    table.loc[0, "geschlecht"] = None
    with pytest.raises(ValueError, match="fehlenden Werten"):
        sankey_links(table, ["klasse", "geschlecht"])
    table = people.astype({"ueberlebt": float})
    table.loc[0, "ueberlebt"] = np.nan
    with pytest.raises(ValueError, match="0 und 1"):
        sunburst_table(table, ["klasse"], "ueberlebt")
