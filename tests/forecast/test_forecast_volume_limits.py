"""Special-day factors and override numbers beyond wfm's limits are errors naming the file,
line and column when the file is read: a factor of 1e300 used to surface as "a forecast mean
is not finite" naming no file (found by benchmarks/fuzz_cli.py)."""

from __future__ import annotations

import pytest

from wfm.errors import InputError
from wfm.forecast import read_overrides, read_special_days
from wfm.limits import MAX_CONTACTS_PER_INTERVAL, MAX_VOLUME_MULTIPLIER


@pytest.mark.parametrize("factor", ["1e300", "inf", str(MAX_VOLUME_MULTIPLIER * 1.01), "-1"])
def test_special_day_factor_beyond_the_limit(tmp_path, factor):
    path = tmp_path / "special_days.csv"
    path.write_text(
        "start_date,end_date,kind,factor,open,close,reason\n"
        "2026-11-17,2026-11-17,uplift,1.2,,,ok\n"
        f"2026-11-18,2026-11-18,uplift,{factor},,,billing run\n"
    )
    with pytest.raises(InputError) as caught:
        read_special_days(path)
    assert (caught.value.source, caught.value.row, caught.value.column) == (str(path), 3, "factor")


def test_special_day_factor_at_the_limit_is_kept(tmp_path):
    path = tmp_path / "special_days.csv"
    path.write_text(
        f"start_date,end_date,kind,factor\n2026-11-18,2026-11-18,uplift,{MAX_VOLUME_MULTIPLIER}\n"
    )
    assert read_special_days(path)[0].factor == MAX_VOLUME_MULTIPLIER


@pytest.mark.parametrize(
    ("multiplier", "value", "column"),
    [
        ("inf", "", "multiplier"),
        ("1e300", "", "multiplier"),
        ("", str(MAX_CONTACTS_PER_INTERVAL * 10), "value"),
        ("", "inf", "value"),
        ("-2", "", "multiplier"),
    ],
)
def test_override_numbers_beyond_the_limits(tmp_path, multiplier, value, column):
    path = tmp_path / "overrides.csv"
    path.write_text(
        "queue,start,end,multiplier,value,reason\n"
        f"sales,2026-11-17T10:00,2026-11-17T12:00,{multiplier},{value},campaign\n"
    )
    with pytest.raises(InputError) as caught:
        read_overrides(path)
    assert (caught.value.row, caught.value.column) == (2, column)
    assert str(path) in str(caught.value)
