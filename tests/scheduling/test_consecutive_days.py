"""Contract rules on consecutive days: the most working days in a row and a run of days off
every week, in the model, in the pre-check and in the compliance check."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, ShiftTemplate
from wfm.errors import SolveError
from wfm.scheduling import check_rota, schedule_week
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_horizon

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SHIFT = ShiftTemplate(
    name="day", days=ALL_DAYS, earliest_start="08:00", latest_start="08:00", lengths_minutes=(480,)
)


def centre_with(contract: Contract):
    return make_centre(
        opening_hours={day: "08:00-16:00" for day in ALL_DAYS},
        templates=(DAY_SHIFT,),
        contracts=(contract,),
    )


def staff(centre, n: int = 1):
    """``n`` agents on the centre's only contract."""
    return make_agents(n, contract=centre.contracts[0].name)


def day_demand(days: list[int]) -> dict:
    """One agent 08:00-16:00 on each of ``days`` (0 = MONDAY)."""
    return {
        "sales": {
            (f"{MONDAY + dt.timedelta(days=d)} 08:00", f"{MONDAY + dt.timedelta(days=d)} 16:00"): 1
            for d in days
        }
    }


def worked_days(result) -> list[int]:
    """Days of the horizon (0 = MONDAY) with a shift of the one agent, sorted."""
    return sorted({(date - MONDAY).days for date in result.rota["date"]})


def longest_run(days: list[int], n_days: int, cyclic: bool) -> int:
    """Longest run of consecutive days in ``days`` (wrapping round ``n_days`` if ``cyclic``)."""
    worked = set(days)
    if cyclic and len(worked) == n_days:
        return n_days
    best = 0
    for first in range(n_days):
        length = 0
        while (
            length < n_days and ((first + length) % n_days if cyclic else first + length) in worked
        ):
            length += 1
            if not cyclic and first + length >= n_days:
                break
        best = max(best, length)
    return best


# --- most working days in a row -----------------------------------------------------------


def test_max_consecutive_days_hold_when_working_every_day_would_be_cheaper():
    # One agent, one 8-hour shift a day, one agent needed every day: working all 7 days costs
    # 56 paid hours and leaves nothing short. With at most 3 days in a row, read as a
    # repeating week (7 days in a cycle), every 4 consecutive days hold a day off, so at
    # most 7 - ceil(7 / 4) = 5 days are worked and 2 x 8 agent-hours are short.
    demand = day_demand(list(range(7)))
    free = centre_with(
        Contract(
            name="c",
            max_days_per_week=7,
            max_hours_per_week=60,
            max_consecutive_working_days=7,
            min_consecutive_days_off=0,
        )
    )
    unlimited = schedule_week(
        requirements_frame(free, MONDAY, demand), rota_site(free), staff(free, 1), MONDAY
    )
    assert worked_days(unlimited) == list(range(7))

    limited = centre_with(
        Contract(
            name="c",
            max_days_per_week=7,
            max_hours_per_week=60,
            max_consecutive_working_days=3,
            min_consecutive_days_off=0,
        )
    )
    result = schedule_week(
        requirements_frame(limited, MONDAY, demand), rota_site(limited), staff(limited, 1), MONDAY
    )
    days = worked_days(result)
    assert len(days) == 5
    assert longest_run(days, 7, cyclic=True) <= 3
    assert result.summary.under_staffed_agent_hours == pytest.approx(16.0)
    assert result.summary.objective == pytest.approx(5 * 8 * 1.0 + 16 * 10.0)
    agents = staff(limited)
    assert [
        v
        for v in check_rota(result.rota, site=rota_site(limited), agents=agents)
        if v.rule.startswith("contract")
    ] == []


def test_max_consecutive_days_hold_across_the_week_boundary():
    # Two weeks, at most 6 days a week, no demand on the first Monday or the last Sunday:
    # the cheapest rota without the rule works Tuesday to the next Saturday, 12 days in a
    # row. With at most 6 in a row one more day off is needed between them: 11 days.
    demand = day_demand([d for d in range(14) if d not in (0, 13)])
    rules = dict(name="c", max_days_per_week=6, min_consecutive_days_off=0)
    free = centre_with(Contract(**rules, max_consecutive_working_days=14))
    unlimited = schedule_horizon(
        requirements_frame(free, MONDAY, demand, days=14),
        rota_site(free),
        staff(free, 1),
        MONDAY,
        weeks=2,
    )
    assert worked_days(unlimited) == list(range(1, 13))

    limited = centre_with(Contract(**rules, max_consecutive_working_days=6))
    result = schedule_horizon(
        requirements_frame(limited, MONDAY, demand, days=14),
        rota_site(limited),
        staff(limited, 1),
        MONDAY,
        weeks=2,
    )
    days = worked_days(result)
    assert len(days) == 11
    assert longest_run(days, 14, cyclic=True) <= 6
    assert result.summary.under_staffed_agent_hours == pytest.approx(8.0)


# --- consecutive days off -----------------------------------------------------------------


def test_two_consecutive_days_off_hold_when_split_days_off_would_be_cheaper():
    # Demand every day but Wednesday and Saturday; 5 days a week. Without the rule the agent
    # works the 5 days with demand (days off Wednesday and Saturday, apart). With two days
    # off in a row one day with demand is left out: 8 agent-hours short.
    demand = day_demand([0, 1, 3, 4, 6])
    free = centre_with(Contract(name="c", max_days_per_week=5, min_consecutive_days_off=0))
    unlimited = schedule_week(
        requirements_frame(free, MONDAY, demand), rota_site(free), staff(free, 1), MONDAY
    )
    assert worked_days(unlimited) == [0, 1, 3, 4, 6]

    ruled = centre_with(Contract(name="c", max_days_per_week=5))  # two days off in a row by default
    assert ruled.contract("c").min_consecutive_days_off == 2
    result = schedule_week(
        requirements_frame(ruled, MONDAY, demand), rota_site(ruled), staff(ruled, 1), MONDAY
    )
    off = sorted(set(range(7)) - set(worked_days(result)))
    assert any((d + 1) % 7 in off for d in off)  # a pair of days off in a row (the week repeats)
    assert result.summary.under_staffed_agent_hours == pytest.approx(8.0)
    assert [
        v
        for v in check_rota(result.rota, site=rota_site(ruled), agents=staff(ruled))
        if v.rule.startswith("contract")
    ] == []


def test_days_off_rule_needs_no_run_where_the_centre_is_closed_already():
    # Closed at the weekend: Saturday and Sunday are the run, five weekdays can be worked.
    centre = make_centre(
        opening_hours={day: "08:00-16:00" for day in ALL_DAYS[:5]},
        templates=(DAY_SHIFT,),
        contracts=(
            Contract(
                name="c", min_days_per_week=5, max_days_per_week=5, min_consecutive_days_off=2
            ),
        ),
    )
    result = schedule_week(
        requirements_frame(centre, MONDAY, day_demand(list(range(5)))),
        rota_site(centre),
        staff(centre, 1),
        MONDAY,
    )
    assert worked_days(result) == [0, 1, 2, 3, 4]


# --- diagnosis ------------------------------------------------------------------------------


def test_minimum_days_and_days_off_over_seven_name_the_contract_agents_and_rule():
    centre = centre_with(
        Contract(
            name="six days", min_days_per_week=6, max_days_per_week=6, min_consecutive_days_off=2
        )
    )
    with pytest.raises(SolveError) as error:
        schedule_week(
            requirements_frame(centre, MONDAY, day_demand(list(range(7)))),
            rota_site(centre),
            staff(centre, 2),
            MONDAY,
        )
    message = str(error.value)
    assert (
        "contract 'six days' needs at least 6 working days a week and 2 consecutive days off every week, 8 days in "
        "all, more than the 7 of a week, for its 2 agents (A01, A02)" in message
    )


def test_minimum_days_above_what_the_longest_run_allows_is_named():
    centre = centre_with(
        Contract(
            name="c",
            min_days_per_week=6,
            max_days_per_week=6,
            max_consecutive_working_days=2,
            min_consecutive_days_off=0,
        )
    )
    with pytest.raises(
        SolveError, match=r"with at most 2 working days in a row a week holds at most 5"
    ):
        schedule_week(
            requirements_frame(centre, MONDAY, day_demand(list(range(7)))),
            rota_site(centre),
            staff(centre, 1),
            MONDAY,
        )


def test_availability_that_leaves_no_run_of_days_off_names_the_agent_and_rule():
    # Available Monday, Wednesday, Friday and Sunday only, four days a week: the days off are
    # Tuesday, Thursday and Saturday, never two in a row.
    centre = centre_with(Contract(name="four", min_days_per_week=4, max_days_per_week=4))
    off = [MONDAY + dt.timedelta(days=d) for d in (1, 3, 5)]
    availability = pd.DataFrame(
        {
            "agent_id": "A01",
            "start": [pd.Timestamp(day).tz_localize("Europe/London") for day in off],
            "end": [
                pd.Timestamp(day + dt.timedelta(days=1)).tz_localize("Europe/London") for day in off
            ],
            "kind": "unavailable",
        }
    )
    with pytest.raises(SolveError) as error:
        schedule_week(
            requirements_frame(centre, MONDAY, day_demand(list(range(7)))),
            rota_site(centre),
            staff(centre, 1),
            MONDAY,
            availability=availability,
        )
    assert (
        "agent 'A01' (Agent A01, contract 'four') may work only on Mon, Wed, Fri, Sun, where no choice of at least "
        "4 working days leaves the contract's 2 consecutive days off" in str(error.value)
    )


# --- compliance check -----------------------------------------------------------------------


def rota_of(days: list[int]) -> pd.DataFrame:
    """A rota of one agent working 08:00-16:00 on ``days`` (0 = MONDAY)."""
    rows = []
    for d in days:
        date = MONDAY + dt.timedelta(days=d)
        start = pd.Timestamp(f"{date} 08:00").tz_localize("Europe/London")
        rows.append(("A01", date, "work", start, start + pd.Timedelta(hours=8)))
    return pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])


def test_compliance_check_reports_long_runs_and_weeks_without_days_off():
    centre = centre_with(
        Contract(
            name="c", max_days_per_week=7, max_hours_per_week=60, max_consecutive_working_days=6
        )
    )
    agents = staff(centre)
    # Monday to the next Tuesday: 9 days in a row; week 1 has no two days off in a row.
    found = check_rota(rota_of(list(range(9))), site=rota_site(centre), agents=agents)
    by_rule = {v.rule: v for v in found if v.rule.startswith("contract")}
    assert set(by_rule) == {"contract_max_consecutive_days", "contract_consecutive_days_off"}
    assert by_rule["contract_max_consecutive_days"].message == (
        "A01: 9 working days in a row from 2025-06-02 to 2025-06-10, contract c allows at most 6"
    )
    assert by_rule["contract_max_consecutive_days"].value == 9.0
    assert by_rule["contract_consecutive_days_off"].message == (
        "A01: no 2 days off in a row starting in the week 2025-06-02 to 2025-06-08, contract c requires 2 "
        "consecutive days off every week"
    )
    # Tuesday to Saturday, then Sunday and Monday off: compliant (the run crosses the week).
    clean = check_rota(
        rota_of([1, 2, 3, 4, 5, 8, 9, 10, 11, 12]), site=rota_site(centre), agents=agents
    )
    assert [v for v in clean if v.rule.startswith("contract")] == []
