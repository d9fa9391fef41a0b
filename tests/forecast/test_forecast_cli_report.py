"""What `wfm forecast` says beside its CSV: the intraday update (what was observed, the
factor, the rest of the day, and the as-of edge cases), the holidays (learned, borrowed,
ordinary) and the model choice; and the engine's records they come from."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import synthetic_frame

from wfm.cli import main
from wfm.data.schemas import History
from wfm.forecast import forecast_history
from wfm.forecast.holiday_effects import HolidayCalendar

TZ = "Europe/London"


@pytest.fixture()
def frame() -> pd.DataFrame:
    return synthetic_frame(first_date=dt.date(2024, 1, 1), days=56, seed=5, queue="sales")


@pytest.fixture()
def history_csv(frame, tmp_path):
    path = tmp_path / "history.csv"
    frame.assign(
        interval_start=frame["interval_start"].map(lambda stamp: stamp.isoformat())
    ).to_csv(path, index=False)
    return path


def _forecast(history_csv, tmp_path, *options):
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(history_csv),
            "--timezone",
            TZ,
            "--model",
            "top_down",
            *options,
            "-o",
            str(out),
            "-q",
        ]
    )
    return code, out


def test_as_of_says_what_was_observed_and_the_rest_of_the_day(
    frame, history_csv, tmp_path, capsys
) -> None:
    code, out = _forecast(
        history_csv, tmp_path, "--as-of", "2024-02-21T12:00", "--horizon-days", "1"
    )
    said = capsys.readouterr().out
    assert code == 0
    local = frame["interval_start"].dt.tz_convert(TZ).dt.tz_localize(None)
    morning = (local >= pd.Timestamp("2024-02-21 08:00")) & (
        local < pd.Timestamp("2024-02-21 12:00")
    )
    line = next(text for text in said.splitlines() if text.startswith("intraday update at"))
    assert "2024-02-21 12:00 GMT" in line
    assert (
        f"{frame.loc[morning, 'offered'].sum():,.0f} contacts in the 16 intervals observed" in line
    )
    result = pd.read_csv(out)
    afternoon = result["interval_start"].str[11:16] >= "12:00"
    # the rest of the day said is the rest of the day written, and its factor is the one there
    assert f"-> {result.loc[afternoon, 'offered'].sum():,.0f} contacts" in line
    factor = result.loc[afternoon, "model"].iloc[0].split("intraday update ")[1]
    assert f"(24 intervals) {factor}:" in line


@pytest.mark.parametrize(
    ("as_of", "told"),
    [
        ("2024-02-21T19:00", "after the day's last open interval"),  # after closing
        ("2024-03-05T12:00", "holds no interval of that day"),  # beyond the history
        ("2024-02-24T12:00", "closed on the day of the update"),  # a Saturday, closed
    ],
)
def test_as_of_edge_cases_are_warned(history_csv, tmp_path, capsys, as_of, told) -> None:
    code, out = _forecast(history_csv, tmp_path, "--as-of", as_of)
    err = capsys.readouterr().err
    assert code == 0 and told in err and "Traceback" not in err
    assert not pd.read_csv(out)["model"].str.contains("intraday update x1.0[1-9]").any()


def test_as_of_on_a_closed_day_alone_names_the_option(history_csv, tmp_path, capsys) -> None:
    code, out = _forecast(
        history_csv, tmp_path, "--as-of", "2024-02-24T12:00", "--horizon-days", "1"
    )
    err = capsys.readouterr().err
    assert code == 2 and "--as-of" in err and "closed on Saturday 2024-02-24" in err
    assert "Traceback" not in err and not out.exists()


def test_as_of_in_another_zone_says_the_centres_clock(history_csv, tmp_path, capsys) -> None:
    """12:00 in New York is 17:00 in London (both on winter time on 21 February)."""
    code, _ = _forecast(
        history_csv, tmp_path, "--as-of", "2024-02-21T12:00-05:00", "--horizon-days", "1"
    )
    said = capsys.readouterr().out
    assert code == 0
    assert "--as-of 2024-02-21T12:00-05:00 is 2024-02-21 17:00 GMT on the centre's clock" in said
    assert "intraday update at 2024-02-21 17:00 GMT" in said


def test_holidays_say_which_were_learned_borrowed_or_ordinary(history_csv, tmp_path, capsys):
    """Jan–Feb 2024 holds one holiday (New Year's Day, open) and no eve: Good Friday
    borrows New Year's Day's effect, its eve is an ordinary day."""
    code, out = _forecast(
        history_csv,
        tmp_path,
        "--country",
        "GB",
        "--start-date",
        "2024-03-28",
        "--horizon-days",
        "5",
    )
    said = capsys.readouterr().out.splitlines()
    assert code == 0
    borrowed = [line for line in said if "borrowed (never seen" in line]
    ordinary = [line for line in said if "ordinary day (no past holiday" in line]
    assert len(borrowed) == len(ordinary) == 1
    assert not [line for line in said if "learned from the history" in line]
    assert "holidays package, country GB" in borrowed[0]
    assert (
        "2024-03-29 Good Friday" in borrowed[0] and "2024-03-28 eve of Good Friday" in ordinary[0]
    )
    result = pd.read_csv(out)
    friday = result[result["interval_start"].str[:10] == "2024-03-29"]
    assert f"x{friday['model'].iloc[0].split(': x')[1][:4]}" in borrowed[0]


def test_model_choice_is_said_per_lead_band(history_csv, tmp_path, capsys) -> None:
    out, board = tmp_path / "forecast.csv", tmp_path / "choice.csv"
    code = main(
        [
            "forecast",
            str(history_csv),
            "--timezone",
            TZ,
            "--leaderboard",
            str(board),
            "-o",
            str(out),
            "-q",
        ]
    )
    said = capsys.readouterr().out
    assert code == 0
    choice = pd.read_csv(board)
    lines = [text for text in said.splitlines() if text.startswith("model choice: queue sales")]
    chosen = choice[choice["chosen"]]
    assert len(lines) == len(chosen) == 2
    for line, (_, row) in zip(lines, chosen.iterrows(), strict=True):
        assert f": {row['model']}, WAPE {100 * row['wape']:.2f} %" in line
        assert ("the lowest of" in line) == (row["rank"] == 1)
    assert f"-> {board}" in said


def test_engine_records_the_update_and_the_holidays(frame) -> None:
    history = History(frame, 15, TZ, "synthetic")
    as_of = dt.datetime(2024, 2, 21, 11, 0)
    holidays = HolidayCalendar({dt.date(2024, 2, 21): "Test Day"}, "test")
    result = forecast_history(
        history, as_of=as_of, horizon_days=2, model="top_down", holidays=holidays, workers=1
    )
    (update,) = result.attrs["intraday_update"]
    local = frame["interval_start"].dt.tz_convert(TZ).dt.tz_localize(None)
    morning = (local >= pd.Timestamp("2024-02-21")) & (local < pd.Timestamp(as_of))
    assert update["observed_intervals"] == int(morning.sum()) == 12
    assert update["observed_contacts"] == pytest.approx(frame.loc[morning, "offered"].sum())
    when = result["interval_start"].dt.tz_localize(None)
    rest = (when >= pd.Timestamp(as_of)) & (when < pd.Timestamp("2024-02-22"))
    assert update["rest_intervals"] == int(rest.sum()) == 28 and update["day_intervals"] == 40
    assert update["rest_after"] == pytest.approx(result.loc[rest, "offered"].sum())
    assert update["rest_after"] / update["rest_before"] == pytest.approx(update["factor"])
    dates = sorted({row["date"] for row in result.attrs["holiday_effects"]})
    assert dates == ["2024-02-21", "2024-02-22"]  # the day and the day after (no eve: history)
    sources = {row["day_type"]: row["source"] for row in result.attrs["holiday_effects"]}
    assert (
        sources["Test Day"].startswith("ordinary day")
        and np.isfinite([row["day_ratio"] for row in result.attrs["holiday_effects"]]).all()
    )
