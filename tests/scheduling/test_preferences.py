"""Preferences: the reader, the penalty, pooling, and rotas that honour a preference when
it costs nothing and trade it off against coverage when its weight is small."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, SchedulingSettings, ShiftTemplate
from wfm.data.preferences import read_preferences
from wfm.errors import InputError
from wfm.scheduling import pooled_workforce, prepare_week, schedule_week
from wfm.scheduling.site import rota_site

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
TEMPLATES = (
    ShiftTemplate(
        name="day",
        days=WEEKDAYS,
        earliest_start="08:00",
        latest_start="12:00",
        lengths_minutes=(480,),
    ),
)
FRIDAY = MONDAY + dt.timedelta(days=4)


def centre(contract: Contract):
    return make_centre(
        opening_hours={day: "08:00-20:00" for day in WEEKDAYS},
        templates=TEMPLATES,
        contracts=(contract,),
        scheduling=SchedulingSettings(time_limit_seconds=20, relative_gap=0.0, preference_cost=2.0),
    )


def demand(c, agents_needed: float):
    day = dt.timedelta(days=1)
    spans = {
        (f"{MONDAY + d * day} 08:00", f"{MONDAY + d * day} 20:00"): agents_needed for d in range(5)
    }
    return requirements_frame(c, MONDAY, {"sales": spans})


def preferences(*rows):
    return pd.DataFrame(rows, columns=["agent_id", "kind", "value", "weight"])


def shifts_of(result, agent_id):
    rota = result.rota[result.rota["agent_id"] == agent_id]
    return rota.groupby("date").agg(start=("start", "min"), end=("end", "max"))


# --- the reader --------------------------------------------------------------------------


def test_reader_turns_weekdays_and_times_into_numbers(tmp_path):
    path = tmp_path / "preferences.csv"
    path.write_text(
        "agent_id,kind,value,weight\nA01,day_off,Fri,\nA01,start_after,10:30,2.5\nA02,start_before,09:00,0\n"
    )
    frame = read_preferences(path, ["A01", "A02"])
    assert frame["value"].tolist() == [4, 630, 540]
    assert frame["weight"].tolist() == [1.0, 2.5, 0.0]
    path.write_text("agent_id,kind,value\nA01,day_off,sun\n")
    assert read_preferences(path)["weight"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A01,night_off,fri,1", r"line 3, column 'kind': unknown kind \(value: 'night_off'\)"),
        (
            "A01,day_off,funday,1",
            r"line 3, column 'value': not a valid value for a day_off preference \(value: 'funday'\)",
        ),
        (
            "A01,start_after,9.30,1",
            r"line 3, column 'value': not a valid value for a start_after preference",
        ),
        ("A01,start_before,09:00,-1", r"line 3, column 'weight'"),
        ("Z99,day_off,fri,1", r"line 3, column 'agent_id': unknown agent"),
    ],
)
def test_reader_names_line_column_value_and_fix(tmp_path, line, expected):
    path = tmp_path / "preferences.csv"
    path.write_text("agent_id,kind,value,weight\nA01,day_off,mon,1\n" + line + "\n")
    with pytest.raises(InputError, match=expected) as error:
        read_preferences(path, ["A01"])
    assert "Fix:" in str(error.value)


@pytest.mark.parametrize(
    "repeat", ["A01,day_off,Mon,2", "A01,start_after,9:30,1", "A01,request_off,2026-10-20 late,1"]
)
def test_a_repeated_preference_names_both_lines(tmp_path, repeat):
    """The same agent, kind and value twice (however the value is written) would count the
    weight twice: an error naming both lines, the value as one writes it, and the fix."""
    path = tmp_path / "preferences.csv"
    path.write_text(
        "agent_id,kind,value,weight\nA01,day_off,mon,1\nA01,start_after,09:30,1\n"
        "A01,request_off,2026-10-20 late,1\nA01,request_off,2026-10-20,1\n" + repeat + "\n"
    )
    with pytest.raises(
        InputError, match=r"line 6: repeats the agent_id and kind and value of line [234]"
    ) as error:
        read_preferences(path, ["A01"])
    assert "Fix: keep one of the two rows" in str(error.value)
    kind, value = repeat.split(",")[1:3]
    written = {"day_off": "mon", "start_after": "09:30"}.get(kind, value)
    assert f"A01, {kind}, {written}" in str(error.value)


# --- weights and pooling -----------------------------------------------------------------


def test_broken_preferences_are_weighted_per_shift_and_split_pools():
    c = centre(Contract(name="flex", max_days_per_week=5))
    prefs = preferences(
        ("A01", "day_off", 4, 3.0),
        ("A01", "start_after", 600, 1.0),
        ("A02", "start_before", 540, 2.0),
    )
    instance = prepare_week(demand(c, 1), rota_site(c), make_agents(4), MONDAY, preferences=prefs)
    weights = instance.preference_weight.merge(instance.candidates, on="candidate")
    a01 = weights[weights["agent"] == 0]
    # Friday before 10:00 breaks both (3 + 1); other days before 10:00 break one (1)
    friday = a01["day"] == 4
    early = a01["start_minute"] < 600
    assert (a01.loc[friday & early, "weight"] == 4.0).all() and (
        a01.loc[friday & ~early, "weight"] == 3.0
    ).all()
    assert (a01.loc[~friday, "weight"] == 1.0).all() and (
        a01.loc[~friday, "start_minute"] < 600
    ).all()
    a02 = weights[weights["agent"] == 1]
    assert (a02["start_minute"] > 540).all() and (a02["weight"] == 2.0).all()
    assert set(weights["agent"]) == {0, 1}
    units = pooled_workforce(instance).units
    assert sorted(unit.agents for unit in units) == [(0,), (1,), (2, 3)]


# --- rotas -------------------------------------------------------------------------------


@pytest.mark.parametrize("day_off", ["mon", "fri"])
def test_a_day_off_that_costs_nothing_is_honoured(day_off):
    # No demand: the agent must work four of five days and any day off costs the same.
    c = centre(Contract(name="flex", min_days_per_week=4, max_days_per_week=4))
    index = WEEKDAYS.index(day_off)
    result = schedule_week(
        demand(c, 0),
        rota_site(c),
        make_agents(1),
        MONDAY,
        preferences=preferences(("A01", "day_off", index, 1.0)),
    )
    worked = set(shifts_of(result, "A01").index)
    assert len(worked) == 4
    assert MONDAY + dt.timedelta(days=index) not in worked
    # 32 paid hours, each also 0.5 over the zero requirement; no penalty
    assert result.summary.objective == pytest.approx(4 * 8.0 * 1.5)


@pytest.mark.parametrize(("kind", "minute"), [("start_after", 10 * 60), ("start_before", 9 * 60)])
def test_a_start_time_that_costs_nothing_is_honoured(kind, minute):
    c = centre(Contract(name="flex", min_days_per_week=2, max_days_per_week=2))
    result = schedule_week(
        demand(c, 0),
        rota_site(c),
        make_agents(1),
        MONDAY,
        preferences=preferences(("A01", kind, minute, 1.0)),
    )
    starts = shifts_of(result, "A01")["start"]
    assert len(starts) == 2
    minutes = starts.dt.hour * 60 + starts.dt.minute
    assert (minutes >= minute).all() if kind == "start_after" else (minutes <= minute).all()


def test_a_light_preference_gives_way_to_coverage_and_a_heavy_one_does_not():
    # One agent, one needed all day Monday to Friday: working Friday saves about 8 agent-hours
    # of under-staffing (80 cost units) for 8 paid hours.
    c = centre(Contract(name="flex", max_days_per_week=5))
    requirements = demand(c, 1)
    light = schedule_week(
        requirements,
        rota_site(c),
        make_agents(1),
        MONDAY,
        preferences=preferences(("A01", "day_off", 4, 1.0)),
    )
    assert FRIDAY in set(shifts_of(light, "A01").index)  # 2 cost units of penalty: worth it
    heavy = schedule_week(
        requirements,
        rota_site(c),
        make_agents(1),
        MONDAY,
        preferences=preferences(("A01", "day_off", 4, 100.0)),
    )
    assert FRIDAY not in set(shifts_of(heavy, "A01").index)  # 200 cost units: not worth it
    assert heavy.summary.under_staffed_agent_hours > light.summary.under_staffed_agent_hours
    # the light preference's penalty is in the objective: one broken preference, weight 1 x 2
    none = schedule_week(requirements, rota_site(c), make_agents(1), MONDAY)
    assert light.summary.objective == pytest.approx(none.summary.objective + 2.0)
