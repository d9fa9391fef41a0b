"""`wfm forecast --as-of` (intraday update) and `--country` (holidays learned, not closed)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from forecast_synthetic import synthetic_frame

from wfm.cli import main

BANK_OPTIONS = [
    "--map",
    "datetime=interval_start",
    "--map",
    "calls=offered",
    "--timezone",
    "America/New_York",
    "--queue",
    "bank",
]


@pytest.fixture()
def history_csv(tmp_path):
    frame = synthetic_frame(first_date=dt.date(2024, 1, 1), days=56, seed=3, queue="sales")
    path = tmp_path / "history.csv"
    frame.assign(
        interval_start=frame["interval_start"].map(lambda stamp: stamp.isoformat())
    ).to_csv(path, index=False)
    return path


def test_as_of_updates_the_rest_of_that_day(history_csv, tmp_path) -> None:
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(history_csv),
            "--model",
            "top_down",
            "--as-of",
            "2024-02-21T12:00",
            "--horizon-days",
            "1",
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    result = pd.read_csv(out)
    local = pd.to_datetime(result["interval_start"].str[:19])
    assert (local.dt.date == dt.date(2024, 2, 21)).all() and len(result) == 40
    afternoon = local.dt.hour >= 12
    assert result.loc[afternoon, "model"].str.contains("intraday update x").all()
    assert not result.loc[~afternoon, "model"].str.contains("intraday update").any()


def test_bad_as_of_exits_2_naming_the_option(history_csv, tmp_path, capsys) -> None:
    code = main(
        ["forecast", str(history_csv), "--as-of", "tomorrow 10am", "-o", str(tmp_path / "f.csv")]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--as-of" in err and "Traceback" not in err


def test_country_holiday_is_open_when_the_history_was_open_on_holidays(
    history_csv, tmp_path
) -> None:
    """The history (Jan-Feb 2024) was open and busy on New Year's Day, Martin Luther King
    Jr. Day and Washington's Birthday; Memorial Day is then forecast as open, not closed."""
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(history_csv),
            "--country",
            "US",
            "--model",
            "top_down",
            "--start-date",
            "2024-05-27",
            "--horizon-days",
            "1",
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    result = pd.read_csv(out)
    assert len(result) == 40  # every interval of the open day, 08:00-18:00
    assert result["model"].str.contains(r"Memorial Day: x(?:0\.9|1\.0|1\.1)").all()
    assert "borrowed: mean of 3 past open holiday" in result["model"].iloc[0]
    # A Monday of about 2,000 x 1.25 contacts.
    assert 2000 < result["offered"].sum() < 3000


def test_a_new_holiday_does_not_borrow_the_closure_of_past_holidays(
    bank_calls_path, tmp_path, caplog
):
    """The bank was closed on Memorial Day, 4 July and Labor Day 2003 (absent from the
    data) but open on Columbus Day 2003 (13 October, in the data). Not yet seen, Columbus
    Day is forecast as an ordinary day with a warning that names the closed holidays and
    the fix, not closed: a closure borrowed from other holidays would leave an open day
    without staff."""
    out = tmp_path / "forecast.csv"
    history = pd.read_csv(bank_calls_path, usecols=["datetime", "calls"])
    cut = history[history["datetime"] < "2003-10-13"]
    cut_path = tmp_path / "bank_to_10_12.csv"
    cut.to_csv(cut_path, index=False)
    code = main(
        [
            "forecast",
            str(cut_path),
            *BANK_OPTIONS,
            "--country",
            "US",
            "--model",
            "top_down",
            "--start-date",
            "2003-10-13",
            "--horizon-days",
            "2",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    result = pd.read_csv(out)
    day = result["interval_start"].str[:10]
    holiday = result[day == "2003-10-13"]
    actual = history.loc[history["datetime"].str[:10] == "2003-10-13", "calls"].sum()
    assert len(holiday) == 169
    assert 0.85 * actual < holiday["offered"].sum() < 1.15 * actual
    assert holiday["model"].str.contains("closure of 3 past holiday day type").all()
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert "Columbus Day" in warning and "Labor Day" in warning
    assert "close_on_holidays" in warning
    after = result[day == "2003-10-14"]
    # The day after an open holiday borrows nothing from the backlogs after closed ones.
    assert after["model"].str.contains("after Columbus Day: x1.00").all()


def test_leaderboard_says_what_auto_chose_and_why(history_csv, tmp_path) -> None:
    out, board = tmp_path / "forecast.csv", tmp_path / "choice.csv"
    code = main(["forecast", str(history_csv), "--leaderboard", str(board), "-o", str(out), "-q"])
    assert code == 0
    choice = pd.read_csv(board)
    assert set(choice["first_lead_days"]) == {1, 2} and set(choice["last_lead_days"]) == {1, 7}
    assert {"top_down", "factor", "combination"} <= set(choice["model"])
    for _, band in choice.groupby("first_lead_days"):
        assert band["chosen"].sum() == 1
        assert band["wape"].is_monotonic_increasing and band["rank"].tolist()[0] == 1
    result = pd.read_csv(out)
    chosen = choice[choice["chosen"]].set_index("first_lead_days")["model"]
    assert result["model"].iloc[0] == chosen[1] and result["model"].iloc[-1] == chosen[2]
