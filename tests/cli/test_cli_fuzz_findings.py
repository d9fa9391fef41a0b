"""Regressions from the hostile-input sweep (benchmarks/fuzz_cli.py): options with values out
of their range, or naming nothing that exists, give exit 2 and a message naming the option;
never an internal error (exit 1) and never a file."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.cli import main

HISTORY = (
    "interval_start,queue,offered,aht_seconds\n"
    "2026-03-02T08:00:00+00:00,sales,5,200\n"
    "2026-03-02T08:15:00+00:00,sales,6,210\n"
)


@pytest.fixture
def history(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HISTORY)
    return path


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["forecast", "{h}", "--horizon-days", str(10**9)], "--horizon-days"),  # was exit 1
        (["forecast", "{h}", "--horizon-days", "-1"], "--horizon-days"),
        (["forecast", "{h}", "--interval-minutes", "7"], "--interval-minutes"),
        (["forecast", "{h}", "--timezone", "Mars/Olympus"], "--timezone"),
        (["forecast", "{h}", "--date-format", "%Q", "--timezone", "UTC"], "--date-format"),
        (["staff", "{h}", "--service-level", "1.5"], "--service-level"),
        (["staff", "{h}", "--shrinkage", "1"], "--shrinkage"),
        (["staff", "{h}", "--sl-definition", "junk"], "--sl-definition"),
        (["review", "--history", "{h}", "--timezone", "Nowhere/City"], "--timezone"),
        (["review", "--history", "{h}", "--sl-definition", "junk"], "--sl-definition"),
    ],
)
def test_hostile_option_names_the_option(argv, option, history, tmp_path, capsys):
    out = tmp_path / "out"
    argv = [part.replace("{h}", str(history)) for part in argv] + ["-o", str(out / "x.csv")]
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own errors
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert option in err
    assert "Traceback" not in err and "internal error" not in err
    assert not out.exists()


def test_output_where_no_file_can_be_made_is_a_clear_error(tmp_path, capsys):
    # /proc passes the writable check but takes no new file: the streamed forecast's spill
    # folder failed with FileNotFoundError (exit 1)
    starts = pd.date_range("2026-03-02 08:00", periods=21 * 96, freq="15min", tz="UTC")
    history = tmp_path / "long.csv"
    pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": 5, "aht_seconds": 200}
    ).to_csv(history, index=False)
    argv = ["forecast", str(history), "--model", "seasonal_naive", "-q", "-o", "/proc/version"]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "/proc/version" in err and "internal error" not in err
