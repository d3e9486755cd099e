"""Tests für deutsche Zahlformate und die Abbildungs-Voreinstellungen."""

import ast
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import plotly.io as pio  # noqa: E402
import pytest  # noqa: E402

from kibuch.core.fmt import NBSP, de, pct  # noqa: E402
from kibuch.viz.plotting import PALETTE, de_tick, german_axes, setup  # noqa: E402


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(0.742, 1, "0,7"), (12345.678, 2, "12.345,68"), (-3.5, 1, "−3,5"), (1e6, 0, "1.000.000")],
)
def test_de_formats_german(value, digits, expected):
    assert de(value, digits) == expected
    # MyST-NB liest glue-Text per literal_eval(repr(...)) zurück: muss ein str bleiben
    assert ast.literal_eval(repr(de(value, digits))) == expected


def test_de_special_values_and_errors():
    assert de(math.nan) == "k. A."
    assert de(12.5, 1, thousands=False) == "12,5"
    assert pct(0.05) == f"5,0{NBSP}%"
    with pytest.raises(TypeError):
        de("1,5")
    with pytest.raises(ValueError):
        de(1.0, -1)


def test_de_tick_and_axes():
    assert de_tick(2.0) == "2"
    assert de_tick(0.25) == "0,25"
    assert de_tick(2024) == "2024"  # Jahreszahlen ohne Tausenderpunkt
    assert de_tick(15000) == "15.000"
    fig, ax = plt.subplots()
    ax.plot([0, 0.5, 1.5], [0.1, 0.2, 0.3])
    german_axes(ax)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any("," in lab for lab in labels) and not any("." in lab for lab in labels)
    with pytest.raises(TypeError, match="Axes"):
        german_axes(fig)
    with pytest.raises(TypeError, match="x muss"):
        german_axes(ax, x=1)
    plt.close(fig)
    with pytest.raises(TypeError, match="value"):
        de_tick("2")
    with pytest.raises(ValueError, match="value"):
        de_tick(float("nan"))


def test_setup_registers_plotly_renderer_without_inline_js():
    setup()
    assert pio.renderers.default == "kibuch"
    fig = go.Figure(go.Bar(x=["a"], y=[1.5]))
    bundle = pio.renderers["kibuch"].to_mimebundle(fig.to_dict())
    assert "application/vnd.plotly.v1+json" in bundle
    html = bundle["text/html"]
    assert "Plotly.newPlot" in html
    assert "cdn.plot.ly" not in html and len(html) < 100_000  # plotly.js nicht eingebettet
    assert pio.templates[pio.templates.default].layout.separators == ",."
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]
    with pytest.raises(ValueError, match="dpi"):
        setup(dpi=10)
    with pytest.raises(TypeError, match="dpi"):
        setup(dpi=110.0)
    with pytest.raises(TypeError, match="dpi"):
        setup(dpi=True)
    with pytest.raises(ValueError, match="dpi"):
        setup(dpi=10**15)


