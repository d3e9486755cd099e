"""Tests für kibuch.viz.plotting.add_visibility_slider – Schieberegler ohne Kernel."""

import plotly.graph_objects as go
import pytest

from kibuch.viz.plotting import add_visibility_slider


def _figure(n=3):
    return go.Figure([go.Scatter(y=[i, i + 1]) for i in range(n)])


def test_visibility_slider():
    fig = _figure()
    add_visibility_slider(fig, [[1], [2]], ["a", "b"], titles=["T1", "T2"], prefix="Tiefe: ")
    steps = fig.layout.sliders[0].steps
    assert steps[0].args[0]["visible"] == [True, True, False]  # Spur 0 ist immer sichtbar
    assert steps[1].args[0]["visible"] == [True, False, True]
    assert steps[1].args[1] == {"title.text": "T2"}
    assert [s.label for s in steps] == ["a", "b"]
    assert fig.layout.sliders[0].currentvalue.prefix == "Tiefe: "
    assert fig.layout.title.text == "T1"
    assert [t.visible for t in fig.data] == [True, True, False]


def test_slider_without_titles_and_with_groups():
    fig = _figure(5)
    add_visibility_slider(fig, [[1, 2], [3, 4]], ["x", "y"])
    steps = fig.layout.sliders[0].steps
    assert steps[0].args == ({"visible": [True, True, True, False, False]}, {})
    assert steps[1].args[0]["visible"] == [True, False, False, True, True]


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        (([[1]], ["a", "b"]), {}, ValueError, "Längen"),
        (([[7]], ["a"]), {}, ValueError, "step_traces"),
        (([[-1]], ["a"]), {}, ValueError, "step_traces"),
        (([[1.0]], ["a"]), {}, TypeError, "step_traces"),
        (([[1]], ["a"]), {"titles": ["x", "y"]}, ValueError, "Längen"),
        (([[1]], "a"), {}, TypeError, "einzelner String"),
        (([[1]], [1]), {}, TypeError, r"labels\[0\]"),
        (([], []), {}, ValueError, "mindestens 1"),
        (("1", ["a"]), {}, TypeError, "step_traces"),
        (([[1]], ["a"]), {"prefix": None}, TypeError, "prefix"),
    ],
)
def test_slider_errors(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        add_visibility_slider(_figure(), *args, **kwargs)


def test_slider_needs_a_plotly_figure_with_traces():
    with pytest.raises(TypeError, match="plotly-Figur"):
        add_visibility_slider({"data": []}, [[0]], ["a"])
    with pytest.raises(ValueError, match="keine Spuren"):
        add_visibility_slider(go.Figure(), [[0]], ["a"])
