"""Tests für kibuch.viz.mystnb – das MyST-NB-Plugin, das plotly-JSON in der Website überspringt."""

from types import SimpleNamespace

import pytest

from kibuch.viz.mystnb import PLOTLY_MIME, PlotlyJsonSkip


def test_plotly_json_is_rendered_as_nothing_other_types_are_left_alone():
    assert PlotlyJsonSkip.handle_mime(None, SimpleNamespace(mime_type=PLOTLY_MIME), False) == []
    assert PlotlyJsonSkip.handle_mime(None, SimpleNamespace(mime_type="text/html"), True) is None
    # höchste Priorität für den plotly-Typ, damit MyST-NB ihn nicht als unbekannt meldet
    assert ("*", PLOTLY_MIME, 1000) in PlotlyJsonSkip.mime_priority_overrides


def test_plugin_takes_no_arguments():
    PlotlyJsonSkip()
    with pytest.raises(TypeError, match="bogus"):
        PlotlyJsonSkip(bogus=1)
