"""The contract every registered rule keeps (issue 17, item 1), and each rule's small instance
with a hand-checked optimum (item 2).

For each rule in :data:`wfm.scheduling.rules.RULES` one :class:`Case`: a centre and demand
where breaking the rule is cheaper. The test solves it to optimality twice: with the rule
off (``free``), the rota breaks the rule and the checker flags it; with the rule on
(``bound``), the rota keeps it, the checker is silent, and the optimum is the one computed by
hand in the case's comment. An impossible setting of the rule is named before solving.

Costs: 1 per paid hour, 10 per agent-hour short, 0.5 per agent-hour over (``make_centre``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import pytest
from scheduling_synthetic import (
    MONDAY,
    ONLY_THE_RULE,
    TIMEZONE,
    make_agents,
    make_centre,
    requirements_frame,
)

from wfm.config import Contract, SchedulingSettings, ShiftTemplate, ShiftType
from wfm.errors import SolveError
from wfm.scheduling import check_rota
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.rules import RULES, rule_named
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_horizon

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def template(name: str, start: str, minutes: int, days=ALL_DAYS) -> ShiftTemplate:
    return ShiftTemplate(
        name=name, days=days, earliest_start=start, latest_start=start, lengths_minutes=(minutes,)
    )


DAY = template("day", "08:00", 480)
PART = template("part", "08:00", 240)
EARLY = template("early", "06:00", 480)
LATE = template("late", "14:00", 480)
SHIFT_TYPES = (
    ShiftType(name="early", start_from="05:00", start_until="09:00"),
    ShiftType(name="late", start_from="13:00", start_until="18:00"),
)

#: Every other rule off, so that only the rule under test binds.
BASE = ONLY_THE_RULE


def span(day: int, first: str, last: str) -> tuple[str, str]:
    date = MONDAY + dt.timedelta(days=day)
    return (f"{date} {first}", f"{date} {last}")


def every_day(n_days: int, first="08:00", last="16:00") -> dict:
    return {span(d, first, last): 1 for d in range(n_days)}


@dataclass(frozen=True)
class Case:
    """A rule's test instance: one agent on contract ``c``."""

    free: dict  # contract settings with the rule off (on top of BASE)
    bound: dict  # ... with the rule on
    free_cost: float  # optimum with the rule off [cost units], by hand
    bound_cost: float  # optimum with the rule on, by hand
    violation: str  # the rule id the checker reports for the free rota
    impossible: dict  # contract settings no rota can meet
    named: str  # words the pre-solve message must contain
    demand: dict
    templates: tuple = (DAY,)
    weeks: int = 1
    diagnosed_by: str | None = None  # the rule whose diagnosis names it, if another one
    impossible_templates: tuple | None = None
    opening: dict = field(default_factory=lambda: {d: "06:00-22:00" for d in ALL_DAYS})
    impossible_opening: dict | None = None
    impossible_days_off: tuple = ()  # days (from MONDAY) the agent is unavailable


CASES: dict[str, Case] = {
    # Demand 08-12 Mon-Fri. Free: five 4-h part shifts, 5 x 4 = 20. Only 8-h shifts: each
    # costs 8 + 4 h over x 0.5 = 10 < 40 short, so five of them: 50.
    "allowed_shifts": Case(
        free={},
        bound={"shift_lengths_minutes": (480,)},
        free_cost=20.0,
        bound_cost=50.0,
        violation="contract_shift_length",
        impossible={"shift_lengths_minutes": (600,), "min_days_per_week": 1},
        named="can take no shift",
        demand={span(d, "08:00", "12:00"): 1 for d in range(5)},
        templates=(DAY, PART),
    ),
    # Demand 08-16 every day. Free: 7 x 8 = 56. At most 3 days: 24 + 4 x 8 x 10 = 344.
    "weekly_hours_and_days": Case(
        free={},
        bound={"max_days_per_week": 3},
        free_cost=56.0,
        bound_cost=344.0,
        violation="contract_max_days",
        impossible={"min_hours_per_week": 57},
        named="must work at least 57 paid hours",
        demand=every_day(7),
    ),
    # A late Monday (14-22) and an early Tuesday (06-14), 8 h apart. Free: both, 16. With
    # 12 h rest only one: 8 + 80 = 88.
    "min_rest": Case(
        free={},
        bound={"min_rest_hours": 12},
        free_cost=16.0,
        bound_cost=88.0,
        violation="contract_min_rest",
        impossible={"min_rest_hours": 30, "min_days_per_week": 4},
        named="cannot work two days in a row",
        demand={span(0, "14:00", "22:00"): 1, span(1, "06:00", "14:00"): 1},
        templates=(EARLY, LATE),
    ),
    # Every day; at most 3 in a row over a repeating week leaves 5 days: 40 + 160 = 200.
    "max_consecutive_working_days": Case(
        free={},
        bound={"max_consecutive_working_days": 3},
        free_cost=56.0,
        bound_cost=200.0,
        violation="contract_max_consecutive_days",
        impossible={"max_consecutive_working_days": 1, "min_days_per_week": 5},
        named="at most 1 working days in a row a week holds at most 4",
        demand=every_day(7),
        diagnosed_by="consecutive_days_off",
    ),
    # Every day; two days off in a row each week leaves 5 days: 200.
    "consecutive_days_off": Case(
        free={},
        bound={"min_consecutive_days_off": 2},
        free_cost=56.0,
        bound_cost=200.0,
        violation="contract_consecutive_days_off",
        impossible={"min_consecutive_days_off": 3, "min_days_per_week": 5},
        named="8 days in all",
        demand=every_day(7),
    ),
    # Two weeks, every day. Free: 14 x 8 = 112. At most 80 h: 10 shifts, 80 + 4 x 80 = 400.
    "horizon_paid_hours": Case(
        free={},
        bound={"max_hours_per_horizon": 80},
        free_cost=112.0,
        bound_cost=400.0,
        violation="contract_max_horizon_hours",
        impossible={"min_hours_per_horizon": 130},
        named="at least 130 paid hours",
        demand=every_day(14),
        weeks=2,
    ),
    # Two weeks, every day. Free: 112 with both weekends. One weekend: both its days off,
    # 96 + 2 x 80 = 256.
    "max_working_weekends": Case(
        free={},
        bound={"max_working_weekends": 1},
        free_cost=112.0,
        bound_cost=256.0,
        violation="contract_max_working_weekends",
        impossible={"max_working_weekends": 0, "min_days_per_week": 1},
        named="2 weekends must be worked",
        demand=every_day(14),
        weeks=2,
        impossible_opening={"sat": "06:00-22:00", "sun": "06:00-22:00"},
    ),
    # Demand Mon, Wed, Fri. Free: 24. Runs of at least 2 days (repeating week) covering
    # all three need 5 days (e.g. Mon-Fri), 2 of them without demand: 40 + 2 x 4 = 48;
    # dropping a demand day costs at least 80 more.
    "min_consecutive_working_days": Case(
        free={},
        bound={"min_consecutive_working_days": 2},
        free_cost=24.0,
        bound_cost=48.0,
        violation="contract_min_consecutive_days",
        impossible={
            "min_consecutive_working_days": 3,
            "max_consecutive_working_days": 2,
            "min_days_per_week": 1,
        },
        named="at least 3 days but allows at most 2",
        demand={span(d, "08:00", "16:00"): 1 for d in (0, 2, 4)},
    ),
    # Demand Mon, Tue, Thu, Fri. Free: 32, Wednesday a lone day off. Runs of days off of at
    # least 2: work Wednesday too, 40 + 4 = 44 (dropping Thursday instead costs 80 more).
    "min_days_off_run": Case(
        free={},
        bound={"min_days_off_run_length": 2},
        free_cost=32.0,
        bound_cost=44.0,
        violation="contract_min_days_off_run",
        impossible={"min_days_off_run_length": 3, "min_days_per_week": 5, "max_days_per_week": 6},
        named="at most 2 days off",
        demand={span(d, "08:00", "16:00"): 1 for d in (0, 1, 3, 4)},
    ),
    # A late Monday then an early Tuesday: forbidden, only one, 88.
    "forbidden_shift_sequences": Case(
        free={},
        bound={"forbidden_shift_sequences": (("late", "early"),)},
        free_cost=16.0,
        bound_cost=88.0,
        violation="contract_shift_sequence",
        impossible={"forbidden_shift_sequences": (("late", "late"),), "min_days_per_week": 4},
        named="may take only 'late' shifts",
        demand={span(0, "14:00", "22:00"): 1, span(1, "06:00", "14:00"): 1},
        templates=(EARLY, LATE),
        impossible_templates=(LATE,),
    ),
    # Late demand every day. Free: 7 lates, 56. At most 3 lates: 24 + 4 x 80 = 344 (an
    # early shift covers none of it).
    "max_shifts_per_type": Case(
        free={},
        bound={"max_shifts_per_type": {"late": 3}},
        free_cost=56.0,
        bound_cost=344.0,
        violation="contract_max_shifts_per_type",
        impossible={"max_shifts_per_type": {"late": 3}, "min_days_per_week": 5},
        named="at most 3 of them",
        demand=every_day(7, "14:00", "22:00"),
        templates=(EARLY, LATE),
        impossible_templates=(LATE,),
    ),
    # Demand Mon 06-14 and Tue 08-16. Free: an early Monday and a day Tuesday, 16. One start
    # time a week: both shifts at 06:00 (or both at 08:00) leave 2 h short and 2 h over on
    # one day: 16 + 2 x 10 + 2 x 0.5 = 37 (one shift only: 8 + 80 = 88).
    "same_start_time": Case(
        free={},
        bound={"max_start_times_per_week": 1},
        free_cost=16.0,
        bound_cost=37.0,
        violation="contract_start_times",
        impossible={"max_start_times_per_week": 1, "min_days_per_week": 2},
        named="on only 1 days",
        demand={span(0, "06:00", "14:00"): 1, span(1, "08:00", "16:00"): 1},
        templates=(EARLY, DAY),
        impossible_templates=(
            template("early", "06:00", 480, days=("mon",)),
            template("day", "08:00", 480, days=("tue",)),
        ),
    ),
    # Two weeks, demand Monday of week 1 and Tuesday of week 2. Free: those two shifts, 16.
    # Weeks repeating every week: Mon and Tue in both weeks, 32 + 16 h over x 0.5 = 40 (Mon
    # only in both weeks leaves Tuesday short: 16 + 4 + 80 = 100).
    "rotation_weeks": Case(
        free={},
        bound={"rotation_weeks": 1},
        free_cost=16.0,
        bound_cost=40.0,
        violation="contract_rotation",
        # Unavailable on Monday of week 1 and Tuesday of week 2: each week alone has 6 days,
        # but repeating weeks have only 5 weekdays left.
        impossible={"rotation_weeks": 1, "min_days_per_week": 6},
        named="leaves only 5 weekdays",
        demand={span(0, "08:00", "16:00"): 1, span(8, "08:00", "16:00"): 1},
        weeks=2,
        impossible_days_off=(0, 8),
    ),
}


def days_off_frame(days) -> pd.DataFrame | None:
    """Whole days of unavailability for agent A01."""
    if not days:
        return None
    rows = []
    for day in days:
        date = MONDAY + dt.timedelta(days=day)
        rows.append(
            (
                "A01",
                pd.Timestamp(date).tz_localize(TIMEZONE),
                pd.Timestamp(date + dt.timedelta(days=1)).tz_localize(TIMEZONE),
                "unavailable",
            )
        )
    return pd.DataFrame(rows, columns=["agent_id", "start", "end", "kind"])


def centre_for(case: Case, settings: dict, *, templates=None, opening=None):
    contract = Contract(**{**BASE, **settings})
    return make_centre(
        opening_hours=opening or case.opening,
        templates=templates or case.templates,
        contracts=(contract,),
        shift_types=SHIFT_TYPES,
    )


def solve(case: Case, settings: dict):
    centre = centre_for(case, settings)
    agents = make_agents(1, contract="c")
    requirements = requirements_frame(centre, MONDAY, {"sales": case.demand}, days=7 * case.weeks)
    result = schedule_horizon(requirements, rota_site(centre), agents, MONDAY, weeks=case.weeks)
    return centre, agents, result


def violations_of(case: Case, result, centre, agents) -> list:
    found = check_rota(result.rota, site=rota_site(centre), agents=agents, week_start=MONDAY)
    return [v for v in found if v.rule == case.violation]


def test_every_registered_rule_has_a_case():
    # Soft cover (demand per shift type) has no agent to break it: its hand-checked optima
    # are in test_shift_demand.py.
    assert sorted(rule.name for rule in RULES if rule.checks_agents) == sorted(CASES)
    assert [rule.name for rule in RULES if not rule.checks_agents] == ["shift_type_demand"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_keeps_its_contract(name):
    case = CASES[name]
    rule = rule_named(name)
    assert rule.title and rule.description and rule.settings

    free_centre, agents, free = solve(case, case.free)
    assert free.summary.objective == pytest.approx(case.free_cost)
    # The cheaper rota breaks the rule, and the checker (with the rule on) says so.
    bound_centre = centre_for(case, case.bound)
    flagged = violations_of(case, free, bound_centre, agents)
    assert flagged, f"{name}: the checker does not flag the rota that breaks the rule"
    assert all(v.agent_id == "A01" and v.message.startswith("A01: ") for v in flagged)

    _, _, bound = solve(case, case.bound)
    assert bound.summary.status.value == "optimal"
    assert bound.summary.objective == pytest.approx(case.bound_cost)
    assert bound.summary.objective > free.summary.objective
    assert violations_of(case, bound, bound_centre, agents) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_impossible_setting_is_named_before_solving(name):
    case = CASES[name]
    centre = centre_for(
        case,
        case.impossible,
        templates=case.impossible_templates,
        opening=case.impossible_opening,
    )
    agents = make_agents(1, contract="c")
    requirements = requirements_frame(centre, MONDAY, {"sales": case.demand}, days=7 * case.weeks)
    days_off = days_off_frame(case.impossible_days_off)
    instance = prepare_week(
        requirements,
        rota_site(centre),
        agents,
        MONDAY,
        days=7 * case.weeks,
        availability=days_off,
    )
    problems = rule_named(case.diagnosed_by or name).diagnose(instance)
    assert any(case.named in problem for problem in problems), problems
    with pytest.raises(SolveError, match="no rota can meet every hard rule") as raised:
        schedule_horizon(
            requirements,
            rota_site(centre),
            agents,
            MONDAY,
            weeks=case.weeks,
            availability=days_off,
        )
    assert case.named in str(raised.value)
    assert "'c'" in str(raised.value) or "A01" in str(raised.value)


def test_settings_carry_unit_default_and_the_config_doc():
    for rule in RULES:
        for setting in rule.settings:
            model = {"contract": Contract, "scheduling": SchedulingSettings}[setting.table]
            field_info = model.model_fields[setting.name]
            assert setting.doc == field_info.description
            assert setting.unit
            assert setting.default == field_info.get_default(call_default_factory=True)


def test_a_template_named_by_the_contract_keeps_full_time_agents_off_part_time_shifts():
    # Issue 13 item 7. Demand 08-12 Mon-Fri; templates "day" (8 h) and "part" (4 h). A
    # contract naming only "day" works five 8-hour shifts (50), never a 4-hour one.
    case = dataclasses.replace(CASES["allowed_shifts"], bound={"shift_templates": ("day",)})
    _, _, result = solve(case, case.bound)
    lengths = result.rota.groupby("date")["end"].max() - result.rota.groupby("date")["start"].min()
    assert set(lengths.dt.total_seconds() / 60) == {480.0}
    assert result.summary.objective == pytest.approx(50.0)


def test_a_contract_naming_an_unknown_template_or_shift_type_is_a_config_error():
    with pytest.raises(ValueError, match="shift_templates names \\['nights'\\]"):
        centre_for(CASES["allowed_shifts"], {"shift_templates": ("nights",)})
    with pytest.raises(ValueError, match="shift type \\['night'\\] is not among"):
        centre_for(CASES["allowed_shifts"], {"max_shifts_per_type": {"night": 2}})


def test_the_soft_start_time_price_is_paid_only_when_the_shortfall_is_dearer():
    # Same demand as the same_start_time case. Each start time beyond the first costs 5: two
    # start times (16 + 5 = 21) beat one (37); at a price of 30, one start time (37) wins.
    case = CASES["same_start_time"]
    _, _, cheap = solve(case, {"extra_start_time_cost": 5.0})
    assert cheap.summary.objective == pytest.approx(21.0)
    _, _, dear = solve(case, {"extra_start_time_cost": 30.0})
    assert dear.summary.objective == pytest.approx(37.0)
