"""Files as planners have them: Excel, ';' with decimal commas, day-first and month-first
dates (asked when ambiguous), date and time in separate columns."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.history import read_history
from wfm.data.locale_formats import date_order, decimal_comma_numbers
from wfm.errors import InputError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_semicolons_and_decimal_commas(tmp_path):
    path = write(
        tmp_path,
        "injixo.csv",
        "interval_start;queue;offered;aht_seconds\n"
        "2026-03-02 08:00;sales;12;245,5\n"
        "2026-03-02 08:15;sales;14;1.002,25\n",
    )
    history = read_history(path, timezone="Europe/Berlin")
    assert history.frame["aht_seconds"].tolist() == [245.5, 1002.25]


def test_decimal_comma_only_when_the_whole_column_is_written_so():
    assert decimal_comma_numbers(pd.Series(["1,5", "abc"])) is None
    assert decimal_comma_numbers(pd.Series(["15", "16"])) is None  # nothing to convert


@pytest.mark.parametrize(
    ("cells", "order", "first"),
    [
        (["13/03/2003 07:00", "14/03/2003 07:00"], "day_first", "2003-03-13 07:00"),
        (["03/13/2003 07:00", "03/14/2003 07:00"], "month_first", "2003-03-13 07:00"),
    ],
)
def test_day_first_and_month_first_dates_are_told_apart(tmp_path, cells, order, first):
    assert date_order(pd.Series(cells)) == order
    lines = "".join(f"{cell},5\n" for cell in cells)
    path = write(tmp_path, "dates.csv", "interval_start,offered\n" + lines)
    history = read_history(path, timezone="America/New_York", interval_minutes=15)
    assert history.frame["interval_start"].iloc[0] == pd.Timestamp(first, tz="America/New_York")


def test_ambiguous_dates_are_asked_for(tmp_path, capsys):
    path = write(
        tmp_path, "dates.csv", "interval_start,offered\n03/03/2003 07:00,5\n04/03/2003 07:00,6\n"
    )
    with pytest.raises(InputError, match="day-first and month-first") as error:
        read_history(path, timezone="America/New_York", interval_minutes=15)
    assert "--date-format" in error.value.fix
    history = read_history(
        path, timezone="America/New_York", interval_minutes=15, date_format="%m/%d/%Y %H:%M"
    )
    assert history.frame["interval_start"].iloc[1] == pd.Timestamp(
        "2003-04-03 07:00", tz="America/New_York"
    )
    out = tmp_path / "f.csv"
    code = main(["forecast", str(path), "--timezone", "America/New_York", "-q", "-o", str(out)])
    assert code == 2 and "--date-format" in capsys.readouterr().err


def test_date_and_time_in_separate_columns(tmp_path):
    path = write(
        tmp_path,
        "split.csv",
        "Date;Time;Calls\n02/03/2026;08:00;4\n02/03/2026;08:15;5\n13/03/2026;08:00;6\n",
    )
    history = read_history(
        path,
        column_map={"Date": "interval_date", "Time": "interval_time", "Calls": "offered"},
        timezone="Europe/London",
    )
    assert history.interval_minutes == 15
    assert history.frame["interval_start"].iloc[0] == pd.Timestamp(
        "2026-03-02 08:00", tz="Europe/London"
    )


def test_excel_workbook(tmp_path):
    frame = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(["2026-03-02 08:00", "2026-03-02 08:30"]),
            "queue": ["sales", "sales"],
            "offered": [10, 12],
            "aht_seconds": [200.5, 210.0],
        }
    )
    path = tmp_path / "history.xlsx"
    frame.to_excel(path, index=False)
    history = read_history(path, timezone="Europe/London")
    assert history.interval_minutes == 30
    assert history.frame["offered"].tolist() == [10, 12]
    assert history.frame["aht_seconds"].tolist() == [200.5, 210.0]
    bad = tmp_path / "bad.xlsx"
    frame.assign(offered=["10", "x"]).to_excel(bad, index=False)
    with pytest.raises(InputError, match="line 3, column 'offered'"):
        read_history(bad, timezone="Europe/London")
