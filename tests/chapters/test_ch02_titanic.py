"""Tests für kibuch.chapters.ch02_titanic: Einstiegshafen aus titanic3 (Kopie in scikit-learn)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kibuch import data
from kibuch.chapters import ch02_titanic as ports
from kibuch.data.checksums import ChecksumError


def test_read_titanic3_has_the_documented_shape():
    frame = ports.read_titanic3()
    assert frame.shape == (1309, 14)
    assert list(frame.columns) == list(ports._COLUMNS)
    assert frame["pclass"].dtype == np.int64 and frame["age"].dtype == np.float64
    assert frame["age"].isna().sum() == 263  # wie im Datenblatt von load("titanic")
    assert set(frame["embarked"].dropna()) == set(ports.PORTS)


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


def test_every_port_has_all_three_classes():
    table = pd.crosstab(ports.load_titanic_ports()["hafen"], data.load("titanic")["klasse"])
    assert table.shape == (3, 3) and (table > 0).all().all()


def test_a_changed_file_is_a_checksum_error(monkeypatch):
    monkeypatch.setattr(ports, "TITANIC3_SHA256", "0" * 64)
    with pytest.raises(ChecksumError, match="titanic3"):
        ports.read_titanic3()


def test_rows_that_do_not_match_are_an_error(monkeypatch):
    original = data.load

    def shifted(name, **kwargs):
        frame = original(name, **kwargs)
        if name == "titanic":
            frame.loc[5, "klasse"] = 3  # eine Zeile passt nicht mehr zur Quelle
        return frame

    monkeypatch.setattr(data, "load", shifted)
    with pytest.raises(ValueError, match="'klasse'.*Zeile 5"):
        ports.load_titanic_ports()


def test_missing_sklearn_is_named(monkeypatch):
    monkeypatch.setattr(ports.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModuleNotFoundError, match="scikit-learn"):
        ports.read_titanic3()
