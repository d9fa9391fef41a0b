"""A volume-only history with the AHT given: no message still asks for --aht-seconds (issue 14).

The history has no handle time; the user gives it as one value, per queue, as a weekday ×
time-of-day profile or in the centre file. Then nothing on standard error (warnings or
notes) may tell the user to pass ``--aht-seconds``, and the forecast carries the given AHT.
Without any AHT the question is put once, naming the options.
"""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from wfm.cli import main


def volume_only_history(path):
    """Three weeks of weekdays 09:00-12:00 in 30-minute intervals, ``datetime, calls``."""
    rows = []
    for day in pd.date_range("2026-03-02", "2026-03-19"):
        if day.day_of_week >= 5:
            continue
        for k in range(6):
            start = day + pd.Timedelta(hours=9, minutes=30 * k)
            rows.append(f"{start:%Y-%m-%d %H:%M:%S},{20 + k}")
    path.write_text("datetime,calls\n" + "\n".join(rows) + "\n")
    return path


def run_forecast(tmp_path, *extra):
    history = volume_only_history(tmp_path / "bank.csv")
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(history),
            "--map",
            "datetime=interval_start",
            "--map",
            "calls=offered",
            "--timezone",
            "America/New_York",
            "--queue",
            "bank",
            "--model",
            "same_slot_average",
            "--horizon-days",
            "1",
            "-q",
            "-o",
            str(out),
            *extra,
        ]
    )
    assert code == 0
    return pd.read_csv(out)


@pytest.mark.parametrize(
    ("option", "expected_aht"),
    [
        (["--aht-seconds", "240"], 240.0),
        (["--aht-seconds", "bank=315"], 315.0),
        ("profile", 200.0),
    ],
)
def test_given_aht_is_used_and_not_asked_for(tmp_path, capsys, caplog, option, expected_aht):
    if option == "profile":
        profile = tmp_path / "aht.csv"
        weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        profile.write_text(
            "weekday,time,aht_seconds\n" + "".join(f"{d},08:00,200\n" for d in weekdays)
        )
        option = ["--aht-profile", str(profile)]
    with caplog.at_level(logging.INFO, logger="wfm"):
        forecast = run_forecast(tmp_path, *option)
    assert (forecast["aht_seconds"] == expected_aht).all()
    err = capsys.readouterr().err
    assert "--aht-seconds" not in err
    assert "handle time" not in err
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [m for m in warnings if "aht" in m.lower()], warnings


def test_missing_aht_is_asked_for_once(tmp_path, capsys, caplog):
    with caplog.at_level(logging.INFO, logger="wfm"):
        forecast = run_forecast(tmp_path)
    assert forecast["aht_seconds"].isna().all()
    err = capsys.readouterr().err
    assert err.count("--aht-seconds 300") == 1
    assert "queue(s) 'bank'" in err
