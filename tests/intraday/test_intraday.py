"""Intraday: the state feed with open events, real-time adherence, today's position."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.states import StateLog, StateLogReport
from wfm.errors import InputError
from wfm.forecast.intraday_update import UpdateParameters
from wfm.intraday.adherence_now import count_by_team, out_of_adherence_now
from wfm.intraday.feed import feed_status, parse_as_of, read_states_today
from wfm.intraday.position import DayOptions, day_position
from wfm.staffing.erlang import service_level
from wfm.staffing.targets import ServiceTarget

TZ = "Europe/London"


def t(hm: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-11-16 {hm}", tz=TZ)


def test_open_last_events_are_closed_at_the_as_of_time(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text(
        "agent_id,state,start,end\n"
        "a,available,2026-11-16T09:00:00+00:00,\n"
        "a,break,2026-11-16T10:00:00+00:00,\n"
        "b,on_contact,2026-11-16T09:30:00+00:00,\n"
    )
    log = read_states_today(path, timezone=TZ, as_of=t("10:20"))
    frame = log.frame.sort_values(["agent_id", "start"])
    assert frame["end"].tolist() == [t("10:00"), t("10:20"), t("10:20")]
    assert log.report.counts.get("open_last_event", 0) == 0


def test_a_clock_earlier_than_the_feed_is_named_with_its_line(tmp_path):
    path = tmp_path / "states.csv"
    path.write_text(
        "agent_id,state,start,end\n"
        "a,available,2026-11-16T09:00:00+00:00,\n"
        "a,break,2026-11-16T10:30:00+00:00,\n"
    )
    with pytest.raises(InputError, match="line 3") as error:
        read_states_today(path, timezone=TZ, as_of=t("10:20"))
    assert "--as-of" in str(error.value)


def test_a_feed_that_stopped_is_shown_stale_with_its_age():
    log = StateLog(
        pd.DataFrame(
            {
                "agent_id": ["a", "x"],
                "state": ["available", "available"],
                "start": [t("09:00"), t("09:30")],
                "end": [t("10:30"), t("10:30")],
            }
        ),
        TZ,
        StateLogReport(),
    )
    status = feed_status(log, t("10:30"), agents_on_rota={"a"})
    assert status.stale and status.age_minutes == pytest.approx(60.0)
    assert status.agents_not_on_rota == ("x",)
    assert "STALE" in status.describe() and "x" in status.describe()
    assert not feed_status(log, t("09:35"), {"a", "x"}).stale


def test_parse_as_of_rejects_a_time_that_is_not_one():
    assert parse_as_of("10:05", t("00:00").date(), TZ) == t("10:05")
    with pytest.raises(InputError, match="--as-of"):
        parse_as_of("25:00", t("00:00").date(), TZ)


def test_real_time_adherence_thresholds_absence_and_teams():
    rota = pd.DataFrame(
        {
            "agent_id": ["a", "b", "c", "d"],
            "activity": ["work", "work", "lunch", "work"],
            "start": [t("09:00"), t("09:00"), t("10:00"), t("09:00")],
            "end": [t("17:00"), t("17:00"), t("10:30"), t("17:00")],
        }
    )
    states = StateLog(
        pd.DataFrame(
            {
                "agent_id": ["a", "b", "c"],
                "state": ["break", "available", "lunch"],
                "start": [t("10:08"), t("09:00"), t("10:00")],
                "end": [t("10:10"), t("10:10"), t("10:10")],
            }
        ),
        TZ,
        StateLogReport(),
    )
    now = out_of_adherence_now(
        rota, states, t("10:10"), teams={"a": "T1", "b": "T1", "c": "T2", "d": "T2"}
    )
    # a: 2 min on a break (under the 3-min work threshold); d: never logged in, 70 min.
    assert now["agent_id"].tolist() == ["d"]
    assert now.loc[0, "actual_state"] == "no_event" and now.loc[0, "minutes"] == 70.0
    tighter = out_of_adherence_now(rota, states, t("10:10"), threshold_minutes={"work": 1})
    assert tighter["agent_id"].tolist() == ["d", "a"]
    teams = count_by_team(now, {"a": "T1", "b": "T1", "c": "T2", "d": "T2"})
    assert teams.set_index("team")["out_of_adherence"].to_dict() == {"T2": 1, "T1": 0}


def test_position_counts_the_past_as_it_happened_and_projects_the_rest():
    grid = pd.date_range("2026-11-16 09:00", periods=4, freq="60min", tz=TZ)
    forecast = pd.DataFrame(
        {"interval_start": grid, "queue": "q", "offered": 100.0, "aht_seconds": 180.0}
    )
    # Two hours gone: 130 and 110 contacts against 100 and 100 forecast.
    arrivals = pd.DataFrame(
        {
            "interval_start": grid[:2],
            "queue": "q",
            "offered": [130.0, 110.0],
            "answered_within_threshold": [91.0, 99.0],
        }
    )
    rota = pd.DataFrame(
        {
            "agent_id": [f"a{n}" for n in range(8)],
            "date": grid[0].date(),
            "activity": "work",
            "start": grid[0],
            "end": grid[-1] + pd.Timedelta(hours=1),
        }
    )
    # a7 never logs in; the others are productive all morning.
    states = StateLog(
        pd.DataFrame(
            {
                "agent_id": [f"a{n}" for n in range(7)],
                "state": "available",
                "start": grid[0],
                "end": grid[2],
            }
        ),
        TZ,
        StateLogReport(),
    )
    position = day_position(
        forecast,
        rota,
        states,
        arrivals,
        grid[2],
        DayOptions(
            queues_by_agent={f"a{n}": ("q",) for n in range(8)},
            targets={"q": ServiceTarget(0.8, 20.0, None)},
            shrinkage_by_queue={"q": 0.0},
            interval_minutes=60,
            update_by_queue={"q": UpdateParameters(0.05, 0.0, 60.0)},
        ),
    )
    rows = position.intervals
    assert rows["offered_updated"].tolist()[:2] == [130.0, 110.0]  # the past is frozen
    # A day level alone (no fading part) with sd 0.05 is the gamma-Poisson day factor
    # (n + k) / (f + k) with k = 1 / 0.05² = 400 contacts: shrunk, not the raw 1.2.
    factor = (240 + 400) / (200 + 400)
    assert rows["offered_updated"].tolist()[2:] == pytest.approx([100 * factor] * 2)
    assert rows["agents_scheduled"].tolist() == pytest.approx([8.0] * 4)
    assert rows["agents_present"].tolist() == pytest.approx([7.0, 7.0, 7.0, 7.0])
    assert rows["service_level"].tolist()[:2] == pytest.approx([0.7, 0.9])
    traffic = 100 * factor * 180 / 3600
    assert rows["service_level"].iloc[2] == pytest.approx(
        float(service_level(7, traffic, 180.0, 20.0))
    )
    assert position.absent_agents == ("a7",)
    summary = position.summary.set_index("queue").loc["q"]
    assert summary["service_level_so_far"] == pytest.approx((91 + 99) / 240)


@pytest.mark.slow
def test_the_sample_day_from_the_cli(tmp_path, capsys):
    day = tmp_path / "today"
    assert main(["intraday", "sample", "--as-of", "11:00", "-o", str(day)]) == 0
    code = main(
        [
            "intraday",
            "status",
            "--centre",
            "data/sample/centre.toml",
            "--forecast",
            str(day / "forecast.csv"),
            "--rota",
            str(day / "rota.csv"),
            "--history-today",
            str(day / "arrivals.csv"),
            "--states-today",
            str(day / "states.csv"),
            "--as-of",
            "11:00",
            "-o",
            str(tmp_path / "status"),
        ]
    )
    assert code == 0
    summary = pd.read_csv(tmp_path / "status" / "summary.csv").set_index("queue")
    assert summary.loc["all", "offered_so_far"] > summary.loc["all", "forecast_so_far"]  # the spike
    assert 0 <= summary.loc["all", "service_level_day_projected"] <= 1
    out = capsys.readouterr().out
    assert "absent" in out and "out of adherence now" in out
    common = [
        "--centre",
        "data/sample/centre.toml",
        "--forecast",
        str(day / "forecast.csv"),
        "--rota",
        str(day / "rota.csv"),
        "--history-today",
        str(day / "arrivals.csv"),
        "--states-today",
        str(day / "states.csv"),
        "--as-of",
        "11:00",
    ]
    assert main(["intraday", "replan", *common, "--accept", "all", "-o", str(tmp_path / "re")]) == 0
    suggestions = pd.read_csv(tmp_path / "re" / "suggestions.csv")
    changes = pd.read_csv(tmp_path / "re" / "changes.csv")
    assert len(changes) == len(suggestions)
    assert (
        pd.to_datetime(suggestions["new_start"], utc=True)
        >= pd.Timestamp("2026-10-20 10:15", tz="UTC")
    ).all()
    assert main(["intraday", "replan", *common, "--accept", "99", "-o", str(tmp_path / "bad")]) == 2
    assert not (tmp_path / "bad").exists()
