"""The shrinkage profile file (`wfm staff --shrinkage-profile`) is read like every other
input: found by the hostile-input sweep, where a missing column (KeyError) or a cell that is
not a number (ValueError) was an internal error (exit 1), and a weekday or time given twice
silently kept the first row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.data.weekday_profiles import read_shrinkage_profile
from wfm.errors import InputError
from wfm.staffing.shrinkage import ShrinkageComponent


def profile(tmp_path, text: str):
    path = tmp_path / "shrinkage.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("day,time,shrinkage_fraction\n0,08:00,0.3\n", None, "weekday"),  # was KeyError
        ("weekday,time,shrinkage_fraction\n0,08:00,0.3\n1,09:00,lots\n", 3, "shrinkage_fraction"),
        ("weekday,time,shrinkage_fraction\n0,08:00,0.3\n0,08:00,0.2\n", 3, "time"),
        ("weekday,time,shrinkage_fraction\n8,08:00,0.3\n", 2, "weekday"),
        ("weekday,time,shrinkage_fraction\n0,8h,0.3\n", 2, "time"),
        ("weekday,time,shrinkage_fraction\n0,08:00,1\n", 2, "shrinkage_fraction"),
        ("weekday,time,shrinkage_fraction\n0,08:00,nan\n", 2, "shrinkage_fraction"),
    ],
)
def test_bad_profiles_name_line_and_column(tmp_path, text, row, column):
    with pytest.raises(InputError) as caught:
        read_shrinkage_profile(profile(tmp_path, text))
    assert caught.value.row == row and caught.value.column == column


def test_a_profile_gives_each_interval_its_weekday_and_time_fraction(tmp_path):
    table = read_shrinkage_profile(
        profile(tmp_path, "weekday,time,shrinkage_fraction\nmon,09:00,0.3\n1,09:15,0.4\n")
    )
    starts = pd.Series(
        pd.to_datetime(
            ["2026-03-02 09:00", "2026-03-02 09:15", "2026-03-03 09:15"]  # Mon, Mon, Tue
        ).tz_localize("Europe/London")
    )
    values = ShrinkageComponent("profile", 0.1, weekday_time_profile=table).by_interval(starts)
    np.testing.assert_allclose(values, [0.3, 0.1, 0.4])  # no row: the component's 0.1
