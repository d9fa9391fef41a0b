"""`wfm backtest` and the forecast options of `wfm forecast`, through `main([...])`."""

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
]


@pytest.fixture()
def history_csv(tmp_path):
    frame = pd.concat(
        [
            synthetic_frame(first_date=dt.date(2024, 1, 1), days=56, seed=seed, queue=queue)
            for seed, queue in enumerate(("sales", "service"))
        ]
    )
    path = tmp_path / "history.csv"
    frame.assign(
        interval_start=frame["interval_start"].map(lambda stamp: stamp.isoformat())
    ).to_csv(path, index=False)
    return path


def test_backtest_writes_a_leaderboard_per_queue_and_horizon(history_csv, tmp_path, capsys) -> None:
    out, detail = tmp_path / "board.csv", tmp_path / "detail.csv"
    code = main(
        [
            "backtest",
            str(history_csv),
            "--models",
            "seasonal_naive,top_down",
            "--horizons",
            "1,7",
            "--origins",
            "3",
            "--workers",
            "1",
            "--detail",
            str(detail),
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    board = pd.read_csv(out)
    assert set(board["queue"]) == {"sales", "service"}
    assert sorted(board["horizon_days"].unique()) == [1, 7]
    assert set(board["model"]) == {"seasonal_naive", "top_down"}
    assert {"wape", "mape", "mase", "bias", "rank"} <= set(board.columns)
    assert len(pd.read_csv(detail)) > 0
    printed = capsys.readouterr().out
    assert "sales, 1 day(s) ahead: best" in printed


@pytest.mark.parametrize(
    "options,expected",
    [
        (["--models", "prophet"], "prophet"),
        (["--horizons", "one"], "horizons"),
        (["--origins", "0"], "origin"),
    ],
)
def test_backtest_bad_options_are_one_message(
    history_csv, tmp_path, capsys, options, expected
) -> None:
    out = tmp_path / "board.csv"
    code = main(["backtest", str(history_csv), *options, "-o", str(out), "-q"])
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def test_backtest_reads_the_bank_data_like_forecast(bank_calls_path, tmp_path) -> None:
    out = tmp_path / "board.csv"
    code = main(
        [
            "backtest",
            str(bank_calls_path),
            *BANK_OPTIONS,
            "--queue",
            "bank",
            "--country",
            "US",
            "--models",
            "same_slot_average,top_down",
            "--horizons",
            "1",
            "--origins",
            "2",
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    board = pd.read_csv(out)
    assert set(board["queue"]) == {"bank"} and (board["intervals"] == 2 * 169).all()


def test_forecast_with_special_days_and_overrides(history_csv, tmp_path) -> None:
    special, overrides, out = (
        tmp_path / "special.csv",
        tmp_path / "overrides.csv",
        tmp_path / "forecast.csv",
    )
    special.write_text(
        "start_date,end_date,kind,factor,open,close,reason\n2024-02-26,,closed,,,,staff day\n"
    )
    overrides.write_text(
        "queue,start,end,multiplier,value,reason\nsales,2024-02-27,2024-02-27,1.2,,mailing\n"
    )
    code = main(
        [
            "forecast",
            str(history_csv),
            "--model",
            "top_down",
            "--start-date",
            "2024-02-26",
            "--horizon-days",
            "7",
            "--special-days",
            str(special),
            "--overrides",
            str(overrides),
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    forecast = pd.read_csv(out)
    local = (
        pd.to_datetime(forecast["interval_start"], utc=True).dt.tz_convert("Europe/London").dt.date
    )
    assert dt.date(2024, 2, 26) not in set(local)
    assert {
        "offered_p10",
        "offered_p50",
        "offered_p90",
        "override",
        "offered_before_override",
    } <= set(forecast.columns)
    mailing = forecast["override"] == "mailing"
    assert mailing.sum() == 40
    assert (
        forecast.loc[mailing, "offered"] - 1.2 * forecast.loc[mailing, "offered_before_override"]
    ).abs().max() < 1e-6


def test_backtest_of_too_short_a_history_says_what_is_needed(tmp_path, capsys) -> None:
    frame = synthetic_frame(first_date=dt.date(2024, 1, 1), days=10)
    path = tmp_path / "short.csv"
    frame.assign(
        interval_start=frame["interval_start"].map(lambda stamp: stamp.isoformat())
    ).to_csv(path, index=False)
    code = main(["backtest", str(path), "-o", str(tmp_path / "board.csv"), "-q"])
    assert code == 2
    assert "14 days" in capsys.readouterr().err
