"""Requests to work or be off on a date (and shift type), with weights (issue 17 item 2), and
contradictory requests named with both lines (bad input).

Costs: 1 per paid hour, 10 per agent-hour short, 0.5 per agent-hour over, preference_cost 2
per unit of weight (``make_centre``'s settings).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame
from test_rule_contract import ALL_DAYS, BASE, DAY, EARLY, LATE, SHIFT_TYPES, span

from wfm.config import Contract
from wfm.data.preferences import validate_preferences_frame
from wfm.errors import InputError
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_week

WEDNESDAY = MONDAY + dt.timedelta(days=2)


def requests(*rows) -> pd.DataFrame:
    raw = pd.DataFrame(
        [(agent, kind, value, str(weight)) for agent, kind, value, weight in rows],
        columns=["agent_id", "kind", "value", "weight"],
    )
    return validate_preferences_frame(raw, source="preferences.csv", agent_ids=["A01"])


def solve(preferences, demand=None, templates=(EARLY, LATE)):
    centre = make_centre(
        opening_hours={d: "06:00-22:00" for d in ALL_DAYS},
        templates=templates,
        contracts=(Contract(**BASE),),
        shift_types=SHIFT_TYPES,
    )
    requirements = requirements_frame(centre, MONDAY, {"sales": demand or {}})
    if requirements.empty:
        requirements = pd.DataFrame(
            {
                "interval_start": [pd.Timestamp(f"{MONDAY} 06:00", tz=centre.timezone)],
                "queue": ["sales"],
                "agents_scheduled_required": [0.0],
                "agents_required": [0.0],
            }
        )
    return schedule_week(
        requirements,
        rota_site(centre),
        make_agents(1, contract="c"),
        MONDAY,
        preferences=preferences,
    )


@pytest.mark.parametrize(
    ("weight", "objective", "works"),
    [
        # Working Wednesday without demand costs 8 paid + 8 h over x 0.5 = 12; unmet, the
        # request costs 2 x weight: 6 for weight 3 (stay off), 20 for weight 10 (work).
        (3, 6.0, False),
        (10, 12.0, True),
    ],
)
def test_a_request_to_work_is_met_when_its_weight_is_worth_the_shift(weight, objective, works):
    result = solve(requests(("A01", "request_on", f"{WEDNESDAY}", weight)))
    assert result.summary.objective == pytest.approx(objective)
    assert (WEDNESDAY in set(result.rota["date"])) is works


@pytest.mark.parametrize(
    ("weight", "objective", "works"),
    [
        # Demand 08-16 on Tuesday: working it costs 8 + 2 x weight, leaving it 80 short.
        (5, 18.0, True),
        (50, 80.0, False),
    ],
)
def test_a_request_off_gives_way_only_to_a_dearer_shortfall(weight, objective, works):
    tuesday = MONDAY + dt.timedelta(days=1)
    result = solve(
        requests(("A01", "request_off", f"{tuesday}", weight)),
        demand={span(1, "08:00", "16:00"): 1},
        templates=(DAY,),
    )
    assert result.summary.objective == pytest.approx(objective)
    assert (tuesday in set(result.rota["date"])) is works


def test_a_request_names_a_shift_type():
    # Late on Wednesday, weight 10: a late shift (12) beats the unmet request (20); an early
    # shift would not meet it.
    result = solve(requests(("A01", "request_on", f"{WEDNESDAY} late", 10)))
    assert result.summary.objective == pytest.approx(12.0)
    starts = result.rota.groupby("date")["start"].min()
    assert list(starts.index) == [WEDNESDAY]
    assert starts.iloc[0].strftime("%H:%M") == "14:00"


def test_contradictory_requests_are_reported_with_both_lines():
    with pytest.raises(InputError) as raised:
        requests(
            ("A01", "day_off", "sun", 1),
            ("A01", "request_on", f"{WEDNESDAY}", 2),
            ("A01", "request_off", f"{WEDNESDAY} late", 1),
        )
    message = str(raised.value)
    assert "line 3 asks agent 'A01' to work any shift on 2025-06-04" in message
    assert "line 4 asks them to be off (a 'late' shift) on 2025-06-04" in message
    assert "preferences.csv" in message and "line 4" in message


def test_requests_for_different_shift_types_do_not_contradict():
    frame = requests(
        ("A01", "request_on", f"{WEDNESDAY} early", 2),
        ("A01", "request_off", f"{WEDNESDAY} late", 1),
    )
    assert frame["shift_type"].tolist() == ["early", "late"]


def test_a_bad_request_date_or_unknown_shift_type_is_named():
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        requests(("A01", "request_on", "04/06/2025", 1))
    with pytest.raises(InputError, match="shift type 'night'"):
        solve(requests(("A01", "request_on", f"{WEDNESDAY} night", 1)))
