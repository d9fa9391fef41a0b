"""`wfm backtest` when the special days leave out (most of) the history: the error says how
many dates they left out, not only that the history is too short (69 days but 14 needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.cli import main

FIRST = pd.Timestamp("2025-03-03")
DAYS = 69


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """69 calendar days, 08:00-18:00 every day, contacts in every interval."""
    folder = tmp_path_factory.mktemp("history")
    dates = pd.date_range(FIRST, periods=DAYS, freq="D")
    starts = dates.repeat(40) + pd.to_timedelta(np.tile(8 * 60 + 15 * np.arange(40), DAYS), "min")
    offered = np.random.default_rng(7).poisson(20, len(starts))
    stamps = [t.isoformat() for t in starts.tz_localize("Europe/London")]
    path = folder / "history.csv"
    pd.DataFrame(
        {"interval_start": stamps, "queue": "sales", "offered": offered, "aht_seconds": 240.0}
    ).to_csv(path, index=False)
    return path


def run(history, tmp_path, closed_days: int):
    special = tmp_path / "special.csv"
    end = FIRST + pd.Timedelta(days=closed_days - 1)
    special.write_text(f"start_date,end_date,kind\n{FIRST:%Y-%m-%d},{end:%Y-%m-%d},closed\n")
    args = ["backtest", str(history), "--timezone", "Europe/London", "--models", "seasonal_naive"]
    args += ["--special-days", str(special), "--workers", "1", "-q", "-o", str(tmp_path / "b.csv")]
    return main(args)


@pytest.mark.parametrize("closed_days", [DAYS, DAYS - 10])
def test_special_days_that_close_the_history_are_named_with_their_count(
    history, tmp_path, capsys, closed_days
):
    assert run(history, tmp_path, closed_days) == 2
    err = capsys.readouterr().err
    left = DAYS - closed_days  # 10 days are fewer than the 14 + 1 a fit and a target need
    assert f"the history has {DAYS} day(s)" in err
    assert (
        f"the special days of {tmp_path / 'special.csv'} leave out {closed_days} of its {DAYS} dates"
        in err
    )
    assert f"leaving {left}, {left} with contacts" in err
    assert "option --special-days" in err and "Traceback" not in err
    assert not (tmp_path / "b.csv").exists()


def test_special_days_that_leave_enough_history_are_backtested(history, tmp_path):
    assert run(history, tmp_path, 20) == 0  # 49 days left
    assert len(pd.read_csv(tmp_path / "b.csv")) > 0
