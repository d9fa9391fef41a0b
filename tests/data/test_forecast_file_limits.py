"""A forecast file with a volume or AHT beyond wfm's limits is an error naming the file and
its line when it is read: ``wfm intraday status`` named the source "forecast" and a line of
the day's rows (found by benchmarks/fuzz_cli.py)."""

from __future__ import annotations

import pytest

from wfm.data.output_files import read_forecast
from wfm.errors import InputError


@pytest.mark.parametrize(("column", "value"), [("offered", "1.2e29"), ("aht_seconds", "1e9")])
def test_forecast_beyond_the_limits_names_file_and_line(tmp_path, column, value):
    rows = {"offered": "5", "aht_seconds": "300"}
    rows[column] = value
    path = tmp_path / "forecast.csv"
    path.write_text(
        "interval_start,queue,offered,aht_seconds\n"
        "2026-10-20T08:00:00+01:00,support,4,300\n"
        "2026-10-20T08:00:00+01:00,sales,4,300\n"
        f"2026-10-20T08:15:00+01:00,sales,{rows['offered']},{rows['aht_seconds']}\n"
    )
    with pytest.raises(InputError) as caught:
        read_forecast(path, "Europe/London")
    assert (caught.value.source, caught.value.row, caught.value.column) == (str(path), 4, column)
