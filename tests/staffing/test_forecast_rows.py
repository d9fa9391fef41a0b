"""The common start of every staffing calculation: a checked forecast with each row's shrinkage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.staffing.chat import compute_chat_requirements
from wfm.staffing.deferred import compute_deferred_requirements
from wfm.staffing.forecast_rows import forecast_rows, shrinkage_per_row
from wfm.staffing.requirements import compute_requirements
from wfm.staffing.targets import ServiceTarget


def _forecast() -> pd.DataFrame:
    start = pd.Timestamp("2026-03-02 08:00", tz="Europe/London")
    times = [start, start + pd.Timedelta(minutes=15)]
    return pd.DataFrame(
        {
            "interval_start": times * 2,
            "queue": ["sales", "sales", "support", "support"],
            "offered": [40.0, 0.0, 30.0, 25.0],
            "aht_seconds": [240.0, np.nan, 300.0, 320.0],
        },
        index=[7, 3, 9, 1],  # the result follows row order, not the index
    )


def test_rows_keep_the_forecast_order_and_give_every_row_its_shrinkage():
    rows = forecast_rows(_forecast(), {"sales": 0.3, "support": 0.25})
    assert rows.queues.tolist() == ["sales", "sales", "support", "support"]
    assert rows.frame.index.tolist() == [0, 1, 2, 3]
    assert rows.shrinkage_fraction.tolist() == [0.3, 0.3, 0.25, 0.25]
    assert np.isnan(rows.aht_seconds[1])
    assert rows.staffing_aht_seconds.tolist() == [240.0, 1.0, 300.0, 320.0]


def test_shrinkage_forms_agree():
    queues = np.array(["a", "b", "a"])
    assert shrinkage_per_row(0.2, queues).tolist() == [0.2, 0.2, 0.2]
    assert shrinkage_per_row({"a": 0.2, "b": 0.4}, queues).tolist() == [0.2, 0.4, 0.2]
    assert shrinkage_per_row(pd.Series([0.1, 0.2, 0.3]), queues).tolist() == [0.1, 0.2, 0.3]


def test_bad_shrinkage_is_named():
    with pytest.raises(InputError, match="one value per forecast row"):
        shrinkage_per_row([0.1, 0.2], np.array(["a", "b", "a"]))
    with pytest.raises(InputError, match="no shrinkage for queue 'b'"):
        shrinkage_per_row({"a": 0.2}, np.array(["a", "b"]))


def test_every_staffing_calculation_reads_shrinkage_the_same_way():
    """Per-queue shrinkage gives the same scheduled agents as the same value given per row."""
    per_queue = {"sales": 0.3, "support": 0.1}
    per_row = np.array([0.3, 0.3, 0.1, 0.1])
    target = ServiceTarget(0.8, 20.0)
    calculations = [
        lambda s: compute_requirements(_forecast(), target, s, 15),
        lambda s: compute_chat_requirements(_forecast(), target, s, 15, concurrency=2),
        lambda s: compute_deferred_requirements(_forecast(), s, 15, response_hours=4.0),
    ]
    for calculate in calculations:
        by_queue, by_row = calculate(per_queue), calculate(per_row)
        assert by_queue["shrinkage_fraction"].tolist() == per_row.tolist()
        pd.testing.assert_frame_equal(by_queue, by_row)
        # N / (1 - s) rounded up, with the productive agents the calculation found.
        expected = np.ceil(by_row["agents_required"] / (1 - per_row) - 1e-9).astype(int)
        assert by_row["agents_scheduled_required"].tolist() == expected.tolist()
