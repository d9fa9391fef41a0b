"""The centre file: validation with messages that name the key and the fix."""

import datetime as dt

import pandas as pd
import pytest

from wfm.config import load_centre, parse_centre
from wfm.errors import ConfigError, InputError
from wfm.timegrid import OpeningHours, infer_interval_minutes, interval_grid

MINIMAL = {"centre": {"timezone": "Europe/London"}, "queues": [{"name": "sales"}]}


def test_minimal_centre_gets_documented_defaults():
    centre = parse_centre(MINIMAL)
    assert centre.interval_minutes == 15
    assert centre.queue("sales").service_level_target == 0.8
    assert centre.queue("sales").answer_threshold_seconds == 20
    assert centre.shrinkage_for("sales") == 0.30
    assert centre.scheduling.threads == 1


@pytest.mark.parametrize(
    "change,key,message",
    [
        ({"centre": {"timezone": "Mars/Olympus"}}, "timezone", "unknown time zone"),
        (
            {"centre": {"timezone": "UTC", "interval_minutes": 7}},
            "interval_minutes",
            "must be one of",
        ),
        (
            {"queues": [{"name": "sales", "service_level_target": 80}]},
            "queues.0.service_level_target",
            "less than 1",
        ),
        ({"queues": [{"name": "sales", "colour": "red"}]}, "queues.0.colour", "Extra inputs"),
        ({"queues": [{"name": "a"}, {"name": "a"}]}, None, "unique"),
    ],
)
def test_bad_centre_names_the_key(change, key, message):
    raw = {**MINIMAL, **change}
    with pytest.raises(ConfigError, match=message) as info:
        parse_centre(raw, source="centre.toml")
    text = str(info.value)
    assert text.startswith("centre.toml")
    if key:
        assert f"key '{key}'" in text


def test_missing_and_malformed_files(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_centre(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[centre\ntimezone = 'UTC'\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_centre(bad)


def test_break_not_on_grid_is_rejected():
    raw = {
        **MINIMAL,
        "break_rules": [
            {
                "name": "b",
                "activity": "break",
                "duration_minutes": 10,
                "paid": True,
                "earliest_start_after_minutes": 60,
                "latest_start_after_minutes": 90,
            }
        ],
    }
    with pytest.raises(ConfigError, match="multiple of interval_minutes"):
        parse_centre(raw)


def test_opening_hours_and_holidays():
    centre = parse_centre(
        {
            **MINIMAL,
            "centre": {"timezone": "Europe/London", "country": "GB", "subdivision": "ENG"},
            "opening_hours": {"mon": "08:00-20:00", "sat": "09:00-17:00"},
        }
    )
    hours = centre.opening_hours_for([2026])
    starts = pd.DatetimeIndex(
        [
            "2026-03-02 07:45",
            "2026-03-02 08:00",
            "2026-03-02 19:45",
            "2026-03-02 20:00",
            "2026-03-08 10:00",
            "2026-12-28 10:00",
        ]  # Monday x4, Sunday, Boxing Day substitute (Monday 28 Dec 2026)
    ).tz_localize("Europe/London")
    assert hours.is_open(starts, 15).tolist() == [False, True, True, False, False, False]


def test_overnight_opening_hours():
    hours = OpeningHours.from_strings({"fri": "22:00-06:00"})
    starts = pd.DatetimeIndex(
        ["2026-03-06 23:00", "2026-03-07 05:45", "2026-03-07 06:00"]
    ).tz_localize("UTC")
    assert hours.is_open(starts, 15).tolist() == [True, True, False]


def test_dst_days_have_23_and_25_hours():
    spring = interval_grid(dt.date(2026, 3, 29), 1, 15, "Europe/London")
    autumn = interval_grid(dt.date(2026, 10, 25), 1, 15, "Europe/London")
    assert len(spring) == 92 and len(autumn) == 100


def test_interval_inference_survives_gaps_and_rejects_odd_lengths():
    starts = pd.Series(
        pd.to_datetime(["2026-03-02 08:00", "2026-03-02 08:15", "2026-03-04 09:30"])
    ).dt.tz_localize("UTC")
    assert infer_interval_minutes(starts) == 15
    odd = pd.Series(
        pd.to_datetime(["2026-03-02 08:00", "2026-03-02 08:07", "2026-03-02 08:14"])
    ).dt.tz_localize("UTC")
    with pytest.raises(InputError, match="not a supported interval length"):
        infer_interval_minutes(odd)


@pytest.mark.parametrize(
    "interval_minutes,hours,named",
    [
        (15, "07:00-21:05", "closing time 21:05 on mon"),  # the US bank's hours, planned in 15
        (30, "08:15-20:00", "opening time 08:15 on mon"),
    ],
)
def test_opening_hours_off_the_interval_grid_are_refused(interval_minutes, hours, named):
    # An interval is open only when all of it is: 21:05 on a 15-minute grid made the
    # 21:00-21:15 interval silently closed, its contacts forecast and staffed nowhere.
    spec = {
        **MINIMAL,
        "centre": {"timezone": "America/New_York", "interval_minutes": interval_minutes},
        "opening_hours": {"mon": hours, "tue": "08:00-20:00"},
    }
    with pytest.raises(ConfigError, match=named) as caught:
        parse_centre(spec)
    step = interval_minutes
    minute = int(named.split()[2][:2]) * 60 + int(named.split()[2][3:])
    before, after = minute - minute % step, minute - minute % step + step
    for clock in (before, after):
        assert f"{clock // 60:02d}:{clock % 60:02d}" in str(caught.value)
    # on the grid of a finer interval the same hours are accepted, and every open
    # interval up to the close is planned
    fine = parse_centre({**spec, "centre": {**spec["centre"], "interval_minutes": 5}})
    starts = pd.date_range("2026-03-02 00:00", periods=24 * 12, freq="5min", tz="America/New_York")
    open_minutes = 5 * int(fine.opening_hours_for([2026]).is_open(starts, 5).sum())
    opening, closing = hours.split("-")
    assert open_minutes == (int(closing[:2]) * 60 + int(closing[3:])) - (
        int(opening[:2]) * 60 + int(opening[3:])
    )


def test_site_opening_hours_off_the_interval_grid_are_refused():
    spec = {
        **MINIMAL,
        "sites": [
            {"name": "east", "timezone": "America/New_York", "queues": ["sales"],
             "agents": "east_agents.csv", "opening_hours": {"mon": "07:00-21:05"}},
        ],
    }  # fmt: skip
    with pytest.raises(ConfigError, match="site 'east': opening_hours: closing time 21:05"):
        parse_centre(spec)
