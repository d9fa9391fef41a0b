"""Combinations scored from their members' backtest rows: the side-by-side table of members."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.forecast.selection import _forecast_table, _member_matrix


def detail_frame() -> pd.DataFrame:
    """Three models at four intervals and two leads; model c misses one interval."""
    starts = pd.date_range("2026-01-05 09:00", periods=4, freq="15min", tz="Europe/London")
    rows = []
    for lead in (2, 1):  # not sorted: the table must not depend on the rows' order
        for model, bump in (("b", 2.0), ("a", 1.0), ("c", 3.0)):
            for n, start in enumerate(starts):
                if model == "c" and n == 2:
                    continue
                rows.append(
                    {
                        "queue": "sales",
                        "model": model,
                        "horizon_days": lead,
                        "target_date": start.date(),
                        "interval_start": start,
                        "actual": 10.0 + n,
                        "forecast": 10.0 + n + bump + lead / 10,
                        "scale": 1.5 + lead,
                    }
                )
    return pd.DataFrame(rows)


def test_members_side_by_side_where_all_forecast():
    detail = detail_frame()
    wide = _member_matrix(detail, ["a", "c"])
    # c misses interval 2 at both leads: 3 intervals x 2 leads remain, sorted by interval
    assert len(wide) == 6
    assert list(wide.index.get_level_values("horizon_days")) == [1, 2] * 3
    assert list(wide.columns) == ["queue", "target_date", "actual", "scale", "a", "c"]
    assert np.allclose(wide["c"] - wide["a"], 2.0)
    assert np.allclose(wide["scale"], 1.5 + wide.index.get_level_values("horizon_days"))
    assert _member_matrix(detail, ["a", "missing"]).empty
    assert _member_matrix(detail.iloc[:0], ["a"]).empty


def test_a_shared_table_gives_what_each_call_builds():
    detail = detail_frame()
    table = _forecast_table(detail)
    for members in (["a", "b"], ["b", "c"], ["a", "b", "c"], ["c"]):
        pd.testing.assert_frame_equal(
            _member_matrix(detail, members, table), _member_matrix(detail, members)
        )
