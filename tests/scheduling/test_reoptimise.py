"""Re-optimisation after a change: fewest changes, warm start, the changes table, the CLI."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, SchedulingSettings, ShiftTemplate
from wfm.errors import InputError
from wfm.scheduling import schedule_week
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.reoptimise import (
    changes_table,
    parse_unavailable,
    reoptimise_rota,
    rota_shifts,
    unavailable_days,
)
from wfm.scheduling.site import rota_site

TUESDAY = MONDAY + dt.timedelta(days=1)
DAYS = ("2025-06-02", "2025-06-03", "2025-06-04")
FOUR_HOURS = ShiftTemplate(
    name="four hours",
    days=("mon", "tue", "wed"),
    earliest_start="08:00",
    latest_start="12:00",
    start_step_minutes=60,
    lengths_minutes=(240,),
)


def three_day_centre(change_cost: float = 4.0):
    settings = SchedulingSettings(
        time_limit_seconds=20, relative_gap=0.0, change_cost_per_shift=change_cost
    )
    return make_centre(
        opening_hours={day: "08:00-16:00" for day in ("mon", "tue", "wed")},
        templates=(FOUR_HOURS,),
        contracts=(Contract(name="flex", max_days_per_week=7),),
        scheduling=settings,
    )


def two_and_two(centre) -> pd.DataFrame:
    """Two agents 08-12 and two 12-16 on Monday to Wednesday."""
    demand = {"sales": {}}
    for day in DAYS:
        demand["sales"][(f"{day} 08:00", f"{day} 12:00")] = 2
        demand["sales"][(f"{day} 12:00", f"{day} 16:00")] = 2
    return requirements_frame(centre, MONDAY, demand)


def shift_rows(agent_id: str, day: str, start: str, end: str, timezone: str) -> dict:
    return {
        "agent_id": agent_id,
        "date": dt.date.fromisoformat(day),
        "activity": "work",
        "start": pd.Timestamp(f"{day} {start}", tz=timezone),
        "end": pd.Timestamp(f"{day} {end}", tz=timezone),
    }


def published_rota(timezone: str) -> pd.DataFrame:
    """An optimal rota for :func:`two_and_two`, written by hand so that it is not the
    one the solver picks: A06/A05 take the mornings, A04/A03 the afternoons."""
    rows = []
    for day in DAYS:
        rows += [
            shift_rows("A06", day, "08:00", "12:00", timezone),
            shift_rows("A05", day, "08:00", "12:00", timezone),
            shift_rows("A04", day, "12:00", "16:00", timezone),
            shift_rows("A03", day, "12:00", "16:00", timezone),
        ]
    return pd.DataFrame(rows)


def test_a_sick_agent_changes_only_their_own_shift_and_one_cover():
    centre = three_day_centre()
    requirements = two_and_two(centre)
    agents = make_agents(6)
    published = published_rota(centre.timezone)
    sick = unavailable_days([("A05", TUESDAY)], centre.timezone)

    outcome = reoptimise_rota(
        published, requirements, rota_site(centre), agents, MONDAY, changes=sick
    )

    changes = outcome.changes
    # A05's Tuesday morning goes, one spare agent (A01 or A02) takes it; nothing else moves.
    assert len(changes) == 2
    removed = changes[changes["change"] == "removed"].iloc[0]
    assert (removed["agent_id"], removed["date"], removed["old_time"]) == (
        "A05",
        TUESDAY,
        "08:00-12:00",
    )
    added = changes[changes["change"] == "added"].iloc[0]
    assert (
        added["agent_id"] in ("A01", "A02")
        and added["new_time"] == "08:00-12:00"
        and added["date"] == TUESDAY
    )
    kept = rota_shifts(outcome.result.rota)
    before = rota_shifts(published)
    others = before[~((before["agent_id"] == "A05") & (before["date"] == TUESDAY))]
    merged = others.merge(kept, on=["agent_id", "date", "start", "end"], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    # Paid 48 hours for the same cover, plus 2 changes at 4 each.
    assert outcome.result.summary.objective == pytest.approx(48.0 + 2 * 4.0)
    assert outcome.result.summary.under_staffed_agent_hours == pytest.approx(0.0)

    # A plain re-solve with the same change covers the demand as cheaply but moves others.
    plain = schedule_week(requirements, rota_site(centre), agents, MONDAY, availability=sick)
    instance = prepare_week(requirements, rota_site(centre), agents, MONDAY, days=7)
    plain_changes = changes_table(published, plain.rota, instance)
    assert plain.summary.paid_hours == pytest.approx(outcome.result.summary.paid_hours)
    assert len(plain_changes) > len(changes)


def test_moving_a_shift_happens_only_when_it_saves_more_than_the_change_cost():
    # The published rota has a fifth agent on Monday morning: 4 paid hours and 4 agent-hours
    # over at 0.5 cost 6 in all. Dropping the shift saves 6: worth it at a change cost of 4,
    # not at 10.
    centre = three_day_centre()
    requirements = two_and_two(centre)
    agents = make_agents(6)
    published = pd.concat(
        [
            published_rota(centre.timezone),
            pd.DataFrame([shift_rows("A01", DAYS[0], "08:00", "12:00", centre.timezone)]),
        ],
        ignore_index=True,
    )
    cheap = reoptimise_rota(published, requirements, rota_site(centre), agents, MONDAY)
    assert cheap.changes[["agent_id", "change"]].values.tolist() == [["A01", "removed"]]
    assert cheap.published_cost == pytest.approx(48.0 + 4.0 + 0.5 * 4.0)
    assert cheap.result.summary.objective == pytest.approx(48.0 + 4.0)

    dear_settings = centre.scheduling.model_copy(update={"change_cost_per_shift": 10.0})
    dear = reoptimise_rota(
        published, requirements, rota_site(centre), agents, MONDAY, settings=dear_settings
    )
    assert dear.changes.empty
    assert dear.result.summary.objective == pytest.approx(dear.published_cost)


def test_warm_start_is_at_least_as_good_as_the_given_rota():
    # Without change costs this is a re-solve started from the given (wasteful) rota: the
    # solver is handed it as a MIP start, so its answer can only be as good or better.
    centre = three_day_centre(change_cost=0.0)
    requirements = two_and_two(centre)
    agents = make_agents(6)
    wasteful = pd.concat(
        [
            published_rota(centre.timezone),
            pd.DataFrame(
                [shift_rows("A01", day, "10:00", "14:00", centre.timezone) for day in DAYS]
            ),
        ],
        ignore_index=True,
    )
    outcome = reoptimise_rota(wasteful, requirements, rota_site(centre), agents, MONDAY)
    assert outcome.published_cost == pytest.approx(48.0 + 12.0 + 0.5 * 12.0)
    assert outcome.result.summary.objective <= outcome.published_cost + 1e-9
    assert outcome.result.summary.objective == pytest.approx(48.0)
    assert "started from the given rota" in outcome.result.summary.termination


def test_a_published_shift_off_the_templates_is_reported_and_replaced():
    centre = three_day_centre()
    requirements = two_and_two(centre)
    published = published_rota(centre.timezone)
    odd = (published["agent_id"] == "A06") & (published["date"] == MONDAY)
    published.loc[odd, "start"] = pd.Timestamp("2025-06-02 08:30", tz=centre.timezone)
    outcome = reoptimise_rota(published, requirements, rota_site(centre), make_agents(6), MONDAY)
    assert outcome.unmatched[["agent_id", "date"]].values.tolist() == [["A06", MONDAY]]
    moved = outcome.changes[
        (outcome.changes["agent_id"] == "A06") & (outcome.changes["date"] == MONDAY)
    ]
    assert moved["old_time"].tolist() == ["08:30-12:00"]


def test_parse_unavailable():
    assert parse_unavailable("A07:2026-11-17") == [("A07", dt.date(2026, 11, 17))]
    assert len(parse_unavailable("A07:2026-11-17..2026-11-19")) == 3
    for bad in ("A07", "A07:17/11/2026", "A07:2026-11-19..2026-11-17", "A07:2026-02-30"):
        with pytest.raises(InputError, match="--unavailable"):
            parse_unavailable(bad)


def test_cli_writes_the_new_rota_and_the_changes(tmp_path):
    from wfm.cli import main

    centre_file = tmp_path / "centre.toml"
    centre_file.write_text(
        """
[centre]
name = "test"
timezone = "Europe/London"
interval_minutes = 15
close_on_holidays = false
agents = "agents.csv"

[opening_hours]
mon = "08:00-16:00"
tue = "08:00-16:00"
wed = "08:00-16:00"

[[queues]]
name = "sales"

[[shift_templates]]
name = "four hours"
days = ["mon", "tue", "wed"]
earliest_start = "08:00"
latest_start = "12:00"
start_step_minutes = 60
lengths_minutes = [240]

[[contracts]]
name = "flex"
max_days_per_week = 7

[scheduling]
time_limit_seconds = 20
relative_gap = 0.0
change_cost_per_shift = 4.0
"""
    )
    pd.DataFrame(
        [(f"A0{i}", f"Agent {i}", "team 1", "flex", "sales") for i in range(1, 7)],
        columns=["agent_id", "name", "team", "contract", "queues"],
    ).to_csv(tmp_path / "agents.csv", index=False)
    centre = three_day_centre()
    requirements = two_and_two(centre)
    requirements.assign(
        interval_start=requirements["interval_start"].map(pd.Timestamp.isoformat),
        offered=0.0,
        aht_seconds=None,
        traffic_erlangs=None,
        service_level=None,
        asa_seconds=None,
        occupancy=None,
    ).to_csv(tmp_path / "requirements.csv", index=False)
    rota = published_rota(centre.timezone)
    rota.assign(
        start=rota["start"].map(pd.Timestamp.isoformat), end=rota["end"].map(pd.Timestamp.isoformat)
    ).to_csv(tmp_path / "rota.csv", index=False)
    code = main(
        [
            "reoptimise",
            str(tmp_path / "rota.csv"),
            "--centre",
            str(centre_file),
            "--requirements",
            str(tmp_path / "requirements.csv"),
            "--unavailable",
            "A05:2025-06-03",
            "-o",
            str(tmp_path / "out"),
            "-q",
        ]
    )
    assert code == 0
    changes = pd.read_csv(tmp_path / "out" / "changes.csv")
    assert sorted(changes["change"]) == ["added", "removed"]
    new_rota = pd.read_csv(tmp_path / "out" / "rota.csv")
    assert not ((new_rota["agent_id"] == "A05") & (new_rota["date"] == "2025-06-03")).any()

    code = main(
        [
            "reoptimise",
            str(tmp_path / "rota.csv"),
            "--centre",
            str(centre_file),
            "--requirements",
            str(tmp_path / "requirements.csv"),
            "--unavailable",
            "A05:tuesday",
            "-o",
            str(tmp_path / "out2"),
            "-q",
        ]
    )
    assert code == 2
