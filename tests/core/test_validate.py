"""Tests für die gemeinsamen Argumentprüfungen."""

import numpy as np
import pytest

from kibuch.core.checks import check_int


def test_check_int_accepts_python_and_numpy_ints():
    assert check_int("n", 3, 1) == 3
    assert check_int("n", np.int64(5), 0) == 5 and isinstance(check_int("n", np.int64(5), 0), int)


@pytest.mark.parametrize(("value", "error"), [(True, TypeError), (2.0, TypeError),
                                              ("3", TypeError), (0, ValueError)])
def test_check_int_rejects(value, error):
    with pytest.raises(error, match="n muss"):
        check_int("n", value, 1)
