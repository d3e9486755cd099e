"""Die gemeinsame Test-Einrichtung in ``tests/conftest.py`` selbst."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests import conftest


def test_offline_by_default():
    for var in conftest.OFFLINE_VARS:
        assert os.environ.get(var) == "1", var


def test_online_fixture_removes_offline_vars(online):
    for var in conftest.OFFLINE_VARS:
        assert var not in os.environ, var


def test_tmp_cache_points_kibuch_cache_at_an_empty_dir(tmp_cache):
    from kibuch import cache_dir

    assert os.environ["KIBUCH_CACHE"] == str(tmp_cache)
    assert cache_dir("x") == tmp_cache / "x" and list(tmp_cache.iterdir()) == [tmp_cache / "x"]


def test_markers_are_registered(pytestconfig):
    markers = "\n".join(pytestconfig.getini("markers"))
    assert "slow:" in markers and "browser:" in markers


def test_every_slow_prefix_matches_a_test():
    """Umbenannte Tests fallen auf, statt still wieder in den Schnelllauf zu geraten."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "tests", "--ignore=tests/site", "--collect-only", "-q",
         "-p", "no:cacheprovider"],
        capture_output=True, text=True, cwd=conftest.ROOT, timeout=300,
    ).stdout
    ids = [line for line in out.splitlines() if "::" in line]
    assert len(ids) > 100
    missing = [p for p in conftest.SLOW
               if not any(i == p or i.startswith((p + "::", p + "[")) for i in ids)]
    assert not missing, missing


@pytest.mark.parametrize(("node", "slow"), [
    ("tests/nn/test_bert.py::test_fine_tune_errors[a-b]", True),
    ("tests/reliability/test_sweep.py::test_x", True),
    ("tests/nn/test_bert.py::test_fine_tune_errors_other", False),
    ("tests/core/test_validate.py::test_check_str", False),
])
def test_prefix_rule(node, slow):
    matched = any(node == p or node.startswith((p + "::", p + "[")) for p in conftest.SLOW)
    assert matched is slow
