"""Tests für kibuch.chapters.ch02_titanic: Einstiegshafen aus titanic3 (``data.load``)."""

from __future__ import annotations

import pandas as pd
import pytest

from kibuch import data
from kibuch.chapters import ch02_titanic as ports
from kibuch.data import tabular


def test_ports_are_added_to_the_book_table():
    titanic = data.load("titanic")
    with_ports = ports.load_titanic_ports()
    assert list(with_ports.columns) == [*titanic.columns, "hafen"]
    pd.testing.assert_frame_equal(with_ports.drop(columns="hafen"), titanic)
    assert with_ports["hafen"].isna().sum() == 2
    assert dict(with_ports["hafen"].value_counts()) == {"Southampton": 914, "Cherbourg": 270,
                                                       "Queenstown": 123}
    # Stichprobe: erste Zeile der Quelle (Allen, Miss. Elisabeth Walton) stieg in Southampton zu
    assert with_ports.loc[0, "hafen"] == "Southampton"


def test_ports_come_from_the_registered_dataset():
    full = data.load("titanic3")
    pd.testing.assert_series_equal(ports.load_titanic_ports()["hafen"], full["hafen"])
    assert ports.PORTS is tabular.PORTS  # eine Zuordnung der Kürzel, nicht zwei


def test_every_port_has_all_three_classes():
    table = pd.crosstab(ports.load_titanic_ports()["hafen"], data.load("titanic")["klasse"])
    assert table.shape == (3, 3) and (table > 0).all().all()


@pytest.mark.parametrize(("column", "value"), [("klasse", 3), ("alter", 99.0)])
def test_rows_that_do_not_match_are_an_error(monkeypatch, column, value):
    original = data.load

    def shifted(name, **kwargs):
        frame = original(name, **kwargs)
        if name == "titanic":
            frame.loc[5, column] = value  # eine Zeile passt nicht mehr zur Quelle
        return frame

    monkeypatch.setattr(data, "load", shifted)
    with pytest.raises(ValueError, match=f"'{column}'.*Zeile 5"):
        ports.load_titanic_ports()


def test_different_lengths_are_an_error(monkeypatch):
    original = data.load

    def shorter(name, **kwargs):
        frame = original(name, **kwargs)
        return frame.iloc[:-1] if name == "titanic3" else frame

    monkeypatch.setattr(data, "load", shorter)
    with pytest.raises(ValueError, match="1308 Zeilen"):
        ports.load_titanic_ports()
