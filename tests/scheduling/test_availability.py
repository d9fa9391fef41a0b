"""Availability windows and approved time off: the reader, the shift filter, pooling, and
rotas that keep them where breaking them would be cheaper."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, TIMEZONE, make_agents, make_centre, requirements_frame

from wfm.config import Contract, ShiftTemplate
from wfm.data.availability import read_availability
from wfm.errors import InputError
from wfm.scheduling import pooled_workforce, prepare_week, schedule_week
from wfm.scheduling.site import rota_site

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
TEMPLATES = (
    ShiftTemplate(
        name="long",
        days=WEEKDAYS,
        earliest_start="08:00",
        latest_start="12:00",
        lengths_minutes=(480,),
    ),
    ShiftTemplate(
        name="short",
        days=WEEKDAYS,
        earliest_start="08:00",
        latest_start="16:00",
        lengths_minutes=(240,),
    ),
)
CONTRACT = Contract(name="flex", max_days_per_week=5)


def centre():
    return make_centre(
        opening_hours={day: "08:00-20:00" for day in WEEKDAYS},
        templates=TEMPLATES,
        contracts=(CONTRACT,),
    )


def busy_week(c, agents_needed: float = 3.0):
    day = dt.timedelta(days=1)
    demand = {
        (f"{MONDAY + d * day} 08:00", f"{MONDAY + d * day} 20:00"): agents_needed for d in range(5)
    }
    return requirements_frame(c, MONDAY, {"sales": demand})


def windows(*rows):
    frame = pd.DataFrame(rows, columns=["agent_id", "start", "end", "kind"])
    frame["start"] = pd.to_datetime(frame["start"]).dt.tz_localize(TIMEZONE)
    frame["end"] = pd.to_datetime(frame["end"]).dt.tz_localize(TIMEZONE)
    return frame


def shifts_of(result, agent_id):
    rota = result.rota[result.rota["agent_id"] == agent_id]
    return rota.groupby("date").agg(start=("start", "min"), end=("end", "max"))


# --- the reader --------------------------------------------------------------------------


def test_reader_parses_offset_and_local_times(tmp_path):
    path = tmp_path / "availability.csv"
    path.write_text(
        "Agent_ID,start,end,kind\n"
        "A01,2025-06-04T00:00:00+01:00,2025-06-05T00:00:00+01:00,unavailable\n"
        "A02,2025-06-03T07:00:00Z,2025-06-03T11:00:00Z,Available_Only\n",
        encoding="utf-8",
    )
    frame = read_availability(path, TIMEZONE, ["A01", "A02"])
    assert frame["kind"].tolist() == ["unavailable", "available_only"]
    assert str(frame["start"].dt.tz) == TIMEZONE
    assert frame.loc[1, "start"] == pd.Timestamp("2025-06-03 08:00", tz=TIMEZONE)
    path.write_text(
        "agent_id,start,end,kind\nA01,2025-06-04 00:00,2025-06-05 00:00,unavailable\n",
        encoding="utf-8",
    )
    assert read_availability(path, TIMEZONE).loc[0, "start"] == pd.Timestamp(
        "2025-06-04 00:00", tz=TIMEZONE
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "A01,2025-06-04 00:00,2025-06-05 00:00,holiday",
            r"line 3, column 'kind': unknown kind \(value: 'holiday'\)",
        ),
        (
            "A01,2025-06-04 10:00,2025-06-04 09:00,unavailable",
            r"line 3, column 'end': end is not after start",
        ),
        (
            "Z99,2025-06-04 00:00,2025-06-05 00:00,unavailable",
            r"line 3, column 'agent_id': unknown agent",
        ),
        (
            "A01,tomorrow,2025-06-05 00:00,unavailable",
            r"line 3, column 'start'.*not a valid ISO 8601",
        ),
    ],
)
def test_reader_names_line_column_value_and_fix(tmp_path, line, expected):
    path = tmp_path / "availability.csv"
    path.write_text(
        "agent_id,start,end,kind\nA01,2025-06-02 00:00,2025-06-03 00:00,unavailable\n"
        + line
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=expected) as error:
        read_availability(path, TIMEZONE, ["A01"])
    assert "Fix:" in str(error.value)


def test_reader_requires_every_column(tmp_path):
    path = tmp_path / "availability.csv"
    path.write_text("agent_id,start,end\nA01,2025-06-02 00:00,2025-06-03 00:00\n", encoding="utf-8")
    with pytest.raises(InputError, match="kind"):
        read_availability(path, TIMEZONE)


# --- the shift filter and pooling --------------------------------------------------------


def test_time_off_and_available_only_remove_exactly_the_shifts_that_break_them():
    c = centre()
    availability = windows(
        ("A01", "2025-06-04 11:00", "2025-06-04 13:00", "unavailable"),  # Wednesday 11-13
        ("A02", "2025-06-03 08:00", "2025-06-03 12:00", "available_only"),  # Tuesday mornings only
        ("A02", "2025-06-03 16:00", "2025-06-03 20:00", "available_only"),
    )
    instance = prepare_week(
        busy_week(c), rota_site(c), make_agents(3), MONDAY, availability=availability
    )
    shifts = instance.eligible.merge(instance.candidates, on="candidate")
    by_agent = {a: frame for a, frame in shifts.groupby("agent")}
    wednesday_a01 = by_agent[0][by_agent[0]["day"] == 2]
    assert (
        (wednesday_a01["end"] <= pd.Timestamp("2025-06-04 11:00", tz=TIMEZONE))
        | (wednesday_a01["start"] >= pd.Timestamp("2025-06-04 13:00", tz=TIMEZONE))
    ).all()
    # every 8-hour shift meets 11-13; of the 4-hour ones only those starting at 13:00 or later
    assert sorted(wednesday_a01["start_minute"].unique()) == list(range(13 * 60, 16 * 60 + 1, 30))
    tuesday_a02 = by_agent[1][by_agent[1]["day"] == 1]
    assert sorted(zip(tuesday_a02["start_minute"], tuesday_a02["length_minutes"], strict=True)) == [
        (480, 240),
        (960, 240),
    ]
    # other days and the agent without windows keep every shift
    assert len(by_agent[2]) == len(instance.candidates)
    assert (by_agent[1]["day"] != 1).sum() == (instance.candidates["day"] != 1).sum()


def test_agents_with_different_availability_are_not_pooled():
    c = centre()
    availability = windows(("A01", "2025-06-04 00:00", "2025-06-05 00:00", "unavailable"))
    instance = prepare_week(
        busy_week(c), rota_site(c), make_agents(3), MONDAY, availability=availability
    )
    units = pooled_workforce(instance).units
    assert sorted(unit.agents for unit in units) == [(0,), (1, 2)]


# --- rotas -------------------------------------------------------------------------------


def test_time_off_holds_although_working_would_be_cheaper():
    c = centre()
    agents = make_agents(2)
    requirements = busy_week(c)
    free = schedule_week(requirements, rota_site(c), agents, MONDAY)
    wednesday = MONDAY + dt.timedelta(days=2)
    assert wednesday in set(shifts_of(free, "A01").index)  # without time off A01 works Wednesday
    off = windows(("A01", "2025-06-04 00:00", "2025-06-05 00:00", "unavailable"))
    kept = schedule_week(requirements, rota_site(c), agents, MONDAY, availability=off)
    assert wednesday not in set(shifts_of(kept, "A01").index)
    # it costs coverage: under-staffing rises, so breaking the rule would have been cheaper
    assert kept.summary.under_staffed_agent_hours > free.summary.under_staffed_agent_hours
    assert kept.summary.objective > free.summary.objective


def test_available_only_keeps_shifts_inside_the_window():
    c = centre()
    agents = make_agents(2)
    only = windows(("A01", "2025-06-03 12:00", "2025-06-03 18:00", "available_only"))
    result = schedule_week(busy_week(c), rota_site(c), agents, MONDAY, availability=only)
    a01 = shifts_of(result, "A01")
    tuesday = MONDAY + dt.timedelta(days=1)
    assert tuesday in set(a01.index)  # it still works Tuesday, inside the window
    assert a01.loc[tuesday, "start"] >= pd.Timestamp("2025-06-03 12:00", tz=TIMEZONE)
    assert a01.loc[tuesday, "end"] <= pd.Timestamp("2025-06-03 18:00", tz=TIMEZONE)
    # the other days are not restricted: full 8-hour shifts
    other = a01.drop(index=tuesday)
    assert ((other["end"] - other["start"]) == pd.Timedelta(hours=8)).all()


def test_centre_file_names_the_availability_and_preferences_files(tmp_path, sample_centre_path):
    from wfm.config import load_centre
    from wfm.plan.chain import load_agents, load_availability, load_preferences

    text = sample_centre_path.read_text(encoding="utf-8")
    text = text.replace(
        "[centre]\n", '[centre]\navailability = "time_off.csv"\npreferences = "wishes.csv"\n', 1
    )
    text = text.replace(
        'agents = "agents.csv"',
        f'agents = "{(sample_centre_path.parent / "agents.csv").as_posix()}"',
    )
    (tmp_path / "centre.toml").write_text(text, encoding="utf-8")
    (tmp_path / "time_off.csv").write_text(
        "agent_id,start,end,kind\nA001,2026-11-18 00:00,2026-11-19 00:00,unavailable\n"
    )
    (tmp_path / "wishes.csv").write_text("agent_id,kind,value,weight\nA002,day_off,fri,2\n")
    centre = load_centre(tmp_path / "centre.toml")
    agents = load_agents(centre)
    availability = load_availability(centre, agents)
    assert (
        availability["agent_id"].tolist() == ["A001"]
        and str(availability["start"].dt.tz) == centre.timezone
    )
    assert load_preferences(centre, agents)[["agent_id", "value", "weight"]].values.tolist() == [
        ["A002", 4, 2.0]
    ]
    (tmp_path / "wishes.csv").write_text("agent_id,kind,value,weight\nNOBODY,day_off,fri,2\n")
    with pytest.raises(InputError, match="wishes.csv, line 2, column 'agent_id': unknown agent"):
        load_preferences(centre, agents)
    sample = load_centre(sample_centre_path)
    assert load_availability(sample, agents) is None and load_preferences(sample, agents) is None


def test_stage_two_support_is_shared_between_pools_of_one_contract_and_never_breaks_time_off():
    from wfm.scheduling import build_rota_model, run_highs
    from wfm.scheduling.search import SUPPORT_TOLERANCE, relaxation_support

    c = centre()
    availability = windows(("A01", "2025-06-04 00:00", "2025-06-05 00:00", "unavailable"))
    instance = prepare_week(
        busy_week(c, 2.0), rota_site(c), make_agents(3), MONDAY, availability=availability
    )
    pooled = pooled_workforce(instance)
    model = build_rota_model(instance, c.scheduling, pooled)
    assert run_highs(model, time_limit_seconds=20, relaxation=True).status.has_solution
    used_by_pool = {
        int(candidate)
        for (unit_id, candidate), var in model.x.items()
        if unit_id == pooled.units[1].unit_id and (var.value or 0.0) > SUPPORT_TOLERANCE
    }
    support = relaxation_support(model, pooled, instance)
    a01 = set(support.loc[support["agent"] == 0, "candidate"])
    allowed_a01 = set(instance.eligible.loc[instance.eligible["agent"] == 0, "candidate"])
    assert a01 <= allowed_a01  # never a shift in the time off
    assert used_by_pool & allowed_a01 <= a01  # but every allowed shift the other pool uses
    assert not (set(instance.candidates.loc[instance.candidates["day"] == 2, "candidate"]) & a01)
