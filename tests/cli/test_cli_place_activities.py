"""`wfm place-activities` on the sample's week: sessions placed inside their windows where every
attendee works, the rota read back, and the placed activities understood by the compliance
check, the exports and adherence; bad input exits 2."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.output_files import read_rota
from wfm.data.states import read_agent_states
from wfm.plan.chain import load_agents
from wfm.review.adherence import compute_adherence
from wfm.scheduling.compliance import check_rota
from wfm.scheduling.exports import rota_table, rota_to_icalendar
from wfm.scheduling.site import rota_site

CENTRE = load_centre("data/sample/centre.toml")
TZ = CENTRE.timezone


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    """The sample's played week: its rota, and the played day's forecast on Monday-Friday."""
    folder = tmp_path_factory.mktemp("week")
    assert main(["intraday", "sample", "-o", str(folder / "today")]) == 0
    day = pd.read_csv(folder / "today" / "forecast.csv")
    local = pd.to_datetime(day["interval_start"], utc=True).dt.tz_convert(TZ).dt.tz_localize(None)
    days = []
    for shift in range(-1, 4):  # 19-23 Oct 2026
        copy = day.copy()
        stamps = (local + pd.Timedelta(days=shift)).dt.tz_localize(TZ)
        copy["interval_start"] = [s.isoformat() for s in stamps]
        days.append(copy)
    pd.concat(days).to_csv(folder / "forecast.csv", index=False)
    return folder


def run(week, tmp_path, text: str, name: str = "out") -> tuple[int, object]:
    activities = tmp_path / "activities.csv"
    activities.write_text("activity_id,activity,attendees,duration_minutes,window\n" + text)
    args = [
        "place-activities",
        "--centre",
        "data/sample/centre.toml",
        "--rota",
        str(week / "today" / "rota.csv"),
        "--forecast",
        str(week / "forecast.csv"),
        "--activities",
        str(activities),
        "-q",
        "-o",
        str(tmp_path / name),
    ]
    return main(args), tmp_path / name


def test_sessions_land_in_their_windows_and_every_rota_reader_understands_them(
    week, tmp_path, capsys
):
    code, out = run(
        week,
        tmp_path,
        "qa-review,coaching,A003,30,tuesday afternoon\n"
        "new-product,training,A001|A002,60,week\n"
        "all-day,training,A004,480,monday\n",
    )
    assert code == 3  # one session cannot go: the others are written
    assert "all-day (training): not placed" in capsys.readouterr().out
    before = read_rota(week / "today" / "rota.csv", TZ)
    after = read_rota(out / "rota.csv", TZ)  # the rota reader checks activities and overlaps
    placements = pd.read_csv(out / "placements.csv")
    assert placements["placed"].tolist() == [True, True, False]
    coaching = after[after["activity"] == "coaching"]
    assert coaching["agent_id"].tolist() == ["A003"]
    start = coaching["start"].iloc[0].tz_convert(TZ)
    assert start.date() == dt.date(2026, 10, 20) and 12 <= start.hour < 17
    assert coaching["end"].iloc[0].tz_convert(TZ).hour <= 17
    training = after[after["activity"] == "training"]
    assert sorted(training["agent_id"]) == ["A001", "A002"]
    assert training["start"].nunique() == 1  # together
    # Each attendee was working, not on a break, for the whole session in the rota before.
    for piece in pd.concat([coaching, training]).itertuples():
        own = before[(before["agent_id"] == piece.agent_id) & (before["activity"] == "work")]
        assert ((own["start"] <= piece.start) & (own["end"] >= piece.end)).any()
    # Shifts and paid time are unchanged: nobody's day moves, only what they do in it.
    span = ["agent_id", "date"]
    assert before.groupby(span)["start"].min().equals(
        after.groupby(span)["start"].min()
    ) and before.groupby(span)["end"].max().equals(after.groupby(span)["end"].max())
    # The compliance check finds nothing it did not find before.
    agents = load_agents(CENTRE)
    site = rota_site(CENTRE)

    def found(rota):
        return {(v.rule, v.agent_id) for v in check_rota(rota, site=site, agents=agents)}

    assert found(after) <= found(before)
    # Exports: the team sheet has the coaching row with its paid time; the agent's calendar
    # has an event for it and lists it apart from the breaks.
    table = rota_table(after, agents, timezone=TZ)
    assert "coaching" in set(table["activity"])
    calendar = rota_to_icalendar(
        after, "A003", timezone=TZ, dtstamp=pd.Timestamp("2026-10-01", tz="UTC")
    )
    assert "SUMMARY:Coaching" in calendar and "Activities: coaching" in calendar
    # Adherence: in a meeting state during the coaching, A003 adheres to it.
    end = coaching["end"].iloc[0]
    states = tmp_path / "states.csv"
    pd.DataFrame(
        {
            "agent_id": ["A003", "A003"],
            "state": ["available", "meeting"],
            "start": [(start - pd.Timedelta(minutes=30)).isoformat(), start.isoformat()],
            "end": [start.isoformat(), end.tz_convert(TZ).isoformat()],
        }
    ).to_csv(states, index=False)
    log = read_agent_states(states, timezone=TZ)
    result = compute_adherence(after[after["agent_id"] == "A003"], log)
    s_ms, e_ms = start.value // 10**6, end.value // 10**6
    segments = result.segments

    def inside(kind: str) -> int:
        rows = segments[segments["kind"] == kind]
        return int(
            (rows["end_ms"].clip(upper=e_ms) - rows["start_ms"].clip(lower=s_ms)).clip(0).sum()
        )

    assert inside("scheduled") == inside("adherent") == 30 * 60 * 1000
    # ... and in an available state instead, the coaching would be out of adherence.
    pd.read_csv(states).assign(state="available").to_csv(states, index=False)
    result = compute_adherence(
        after[after["agent_id"] == "A003"], read_agent_states(states, timezone=TZ)
    )
    segments = result.segments
    assert inside("adherent") == 0


def test_bad_activities_exit_2_and_write_nothing(week, tmp_path, capsys):
    code, out = run(week, tmp_path, "x,lunch,A003,30,week\n", "a")
    err = capsys.readouterr().err
    assert code == 2 and "activity" in err and "lunch" in err and "line 2" in err
    code, out2 = run(week, tmp_path, "x,coaching,A003,20,week\n", "b")
    assert code == 2 and "duration_minutes" in capsys.readouterr().err
    code, out3 = run(week, tmp_path, "x,coaching,A003,30,someday\n", "c")
    assert code == 2 and "someday" in capsys.readouterr().err
    code, out4 = run(week, tmp_path, "x,meeting,A003|Z999,30,week\n", "d")
    assert code == 2 and "Z999" in capsys.readouterr().err
    code, out5 = run(week, tmp_path, "x,meeting,team:Nobody,30,week\n", "e")
    assert code == 2 and "Nobody" in capsys.readouterr().err
    assert not any(p.exists() for p in (out, out2, out3, out4, out5))
