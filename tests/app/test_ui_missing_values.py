"""The app's number formatting shows a missing value as a dash whatever kind of missing it
is: found by the app's hostile-upload sweep (benchmarks/fuzz_app.py), where a contacts file
without any judged contact gave FCR as pandas' NA, and `percent(pd.NA)` raised TypeError
behind the app's "did not expect" message on the Review page."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers import ui


@pytest.mark.parametrize("missing", [None, math.nan, np.float64("nan"), pd.NA, pd.NaT])
@pytest.mark.parametrize("show", [ui.percent, ui.seconds, ui.hours, ui.number])
def test_every_kind_of_missing_is_a_dash(show, missing):
    assert show(missing) == ui.MISSING


def test_values_are_still_shown():
    assert ui.percent(0.8123) == "81.2 %"
    assert ui.seconds(float("inf")) == ui.INFINITE
    assert ui.percentage_points(pd.NA) == ui.MISSING
    assert ui.number(np.float64(1234.5)) == "1,234.5"
