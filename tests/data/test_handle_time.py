"""AHT for volume-only history: one value, per queue, a weekday × time-of-day profile."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.data.handle_time import (
    AhtAssumption,
    aht_profile_from_frame,
    fill_missing_aht,
    missing_aht_question,
    parse_aht_values,
    queues_without_aht,
    read_aht_profile,
)
from wfm.data.schemas import History
from wfm.errors import InputError


def volume_only(queues=("a", "b"), with_aht_for=()):
    starts = pd.date_range("2026-03-02 08:00", periods=8, freq="30min", tz="Europe/London")
    starts = starts.append(
        pd.date_range("2026-03-03 08:00", periods=8, freq="30min", tz="Europe/London")
    )
    frames = []
    for queue in queues:
        aht = 200.0 if queue in with_aht_for else np.nan
        frames.append(
            pd.DataFrame(
                {"interval_start": starts, "queue": queue, "offered": 10.0, "aht_seconds": aht}
            )
        )
    return History(pd.concat(frames, ignore_index=True), 30, "Europe/London")


def test_queues_without_aht_is_the_question():
    history = volume_only(with_aht_for=("a",))
    assert queues_without_aht(history) == ["b"]
    assert "'b'" in missing_aht_question(["b"]) and "--aht-seconds" in missing_aht_question(["b"])


def test_one_value_and_per_queue_values():
    history = volume_only(with_aht_for=("a",))
    filled = fill_missing_aht(history, parse_aht_values(["300"]))
    frame = filled.frame
    assert frame.loc[frame["queue"] == "b", "aht_seconds"].eq(300).all()
    assert frame.loc[frame["queue"] == "a", "aht_seconds"].eq(200).all()  # keeps its own
    assert queues_without_aht(filled) == []
    per_queue = fill_missing_aht(volume_only(), parse_aht_values(["a=120", "b=480"])).frame
    assert per_queue.groupby("queue")["aht_seconds"].first().to_dict() == {"a": 120, "b": 480}
    assert history.frame["aht_seconds"].isna().sum() == 16  # input not modified


def test_profile_by_weekday_and_time_of_day(tmp_path):
    path = tmp_path / "aht.csv"
    path.write_text(
        "weekday,time,aht_seconds,queue\n"
        "mon,08:00,240,a\nmon,09:00,300,a\n"
        "1,08:00,180,a\n"
        "mon,08:00,600,b\ntue,08:00,600,b\n",
        encoding="utf-8",
    )
    profile = read_aht_profile(path)
    frame = fill_missing_aht(volume_only(), AhtAssumption(profile=profile)).frame
    a = frame.loc[frame["queue"] == "a"].set_index("interval_start")["aht_seconds"]
    t = pd.Timestamp
    assert a[t("2026-03-02 08:30", tz="Europe/London")] == 240  # Monday 08:00 band
    assert a[t("2026-03-02 09:00", tz="Europe/London")] == 300  # Monday 09:00 band
    assert a[t("2026-03-02 11:30", tz="Europe/London")] == 300  # lasts to the end of the day
    assert a[t("2026-03-03 08:00", tz="Europe/London")] == 180  # Tuesday (weekday 1)
    assert frame.loc[frame["queue"] == "b", "aht_seconds"].eq(600).all()


def test_profile_without_a_band_for_busy_interval_is_a_clear_error():
    profile = aht_profile_from_frame(
        pd.DataFrame({"weekday": ["mon"], "time": ["09:00"], "aht_seconds": [300]}), "aht.csv"
    )
    with pytest.raises(InputError, match="no value for queue 'a' on mon at 08:00"):
        fill_missing_aht(volume_only(queues=("a",)), AhtAssumption(profile=profile))
    # with a fallback value it fills the gap
    frame = fill_missing_aht(
        volume_only(queues=("a",)), AhtAssumption(aht_seconds=250, profile=profile)
    ).frame
    assert frame["aht_seconds"].iloc[0] == 250 and frame["aht_seconds"].iloc[2] == 300


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"weekday": ["funday"], "time": ["08:00"], "aht_seconds": [300]}, "not a day of the week"),
        ({"weekday": ["mon"], "time": ["8h"], "aht_seconds": [300]}, "not a clock time"),
        ({"weekday": ["mon"], "time": ["08:00"], "aht_seconds": [0.2]}, "below 1"),
        ({"weekday": ["mon", "mon"], "time": ["08:00", "08:00"], "aht_seconds": [1, 2]}, "repeats"),
    ],
)
def test_bad_profile_rows(rows, message):
    with pytest.raises(InputError, match=message):
        aht_profile_from_frame(pd.DataFrame(rows), "aht.csv")


@pytest.mark.parametrize("values", [["0"], ["abc"], ["sales=99999"]])
def test_implausible_or_unreadable_values_are_refused(values):
    with pytest.raises(InputError):
        parse_aht_values(values)
