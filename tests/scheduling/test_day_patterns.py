"""Day patterns of the consecutive-day rules (:func:`wfm.scheduling.day_patterns.day_pattern_plans`):
the enumeration against a brute-force reading of the rules, and the LP relaxation against the
row formulation they replaced."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict

import numpy as np
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, ShiftTemplate
from wfm.scheduling.day_patterns import day_pattern_plans
from wfm.scheduling.instance import default_cyclic_days, horizon_day, prepare_week
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import add_shift_variables, build_rota_model, unit_shift_table
from wfm.scheduling.rules.base import DAYS_PER_WEEK, week_lengths, working_days
from wfm.scheduling.site import rota_site
from wfm.scheduling.solve import run_highs
from wfm.scheduling.workforce import agent_workforce, pooled_workforce

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SHIFT = ShiftTemplate(
    name="day", days=ALL_DAYS, earliest_start="08:00", latest_start="08:00", lengths_minutes=(480,)
)


def instance_for(
    contract: Contract,
    *,
    n_agents: int = 1,
    days: int = 7,
    open_days=ALL_DAYS,
    demand_days=None,
    demand_agents: int = 1,
):
    centre = make_centre(
        opening_hours={day: "08:00-16:00" for day in open_days},
        templates=(DAY_SHIFT,),
        contracts=(contract,),
    )
    demand_days = range(days) if demand_days is None else demand_days
    demand = {
        "sales": {
            (
                f"{MONDAY + dt.timedelta(days=d)} 08:00",
                f"{MONDAY + dt.timedelta(days=d)} 16:00",
            ): demand_agents
            for d in demand_days
        }
    }
    requirements = requirements_frame(centre, MONDAY, demand, days=days)
    agents = make_agents(n_agents, contract=contract.name)
    return centre, prepare_week(requirements, rota_site(centre), agents, MONDAY, days=days)


def allowed(
    days: tuple[int, ...],
    worked: set[int],
    *,
    n_days: int,
    week: int,
    contract: Contract,
    free: set[int],
) -> bool:
    """The rules read directly, for a set of working days among a week's pattern days."""
    own = [week * DAYS_PER_WEEK + i for i in range(week_lengths(n_days)[week])]
    if not worked <= free:
        return False
    count = len(worked & set(own))
    whole = len(own) == DAYS_PER_WEEK
    if count > contract.max_days_per_week or (whole and count < contract.min_days_per_week):
        return False
    k, length = contract.max_consecutive_working_days, contract.min_consecutive_days_off
    # A week repeats; a longer horizon is a line, the days after its last day off.
    cyclic = default_cyclic_days(n_days)
    if k < n_days:
        for first in range(n_days):
            window = {horizon_day(first + i, n_days, cyclic) for i in range(k + 1)}
            if None not in window and window <= set(days) and window <= worked:
                return False
    if 0 < length <= n_days:
        runs = [{horizon_day(d + i, n_days, cyclic) for i in range(length)} - {None} for d in own]
        if not any(not (run & worked) for run in runs):
            return False
    return True


CONTRACTS = [
    Contract(
        name="c",
        min_days_per_week=lo,
        max_days_per_week=hi,
        max_hours_per_week=60,
        max_consecutive_working_days=k,
        min_consecutive_days_off=length,
    )
    for lo, hi, k, length in [
        (0, 7, 3, 0),
        (4, 5, 6, 2),
        (3, 5, 2, 3),
        (5, 5, 6, 2),
        (0, 6, 4, 1),
        (2, 4, 7, 2),
    ]
]


@pytest.mark.parametrize(
    "contract",
    CONTRACTS,
    ids=lambda c: (
        f"{c.min_days_per_week}-{c.max_days_per_week}-K{c.max_consecutive_working_days}-L{c.min_consecutive_days_off}"
    ),
)
@pytest.mark.parametrize("days", [7, 10, 14])
@pytest.mark.parametrize("open_days", [ALL_DAYS, ALL_DAYS[:6], ("mon", "tue", "thu", "fri", "sat")])
def test_patterns_are_exactly_the_sets_the_rules_allow(contract, days, open_days):
    _, instance = instance_for(contract, days=days, open_days=open_days)
    workforce = agent_workforce(instance)
    model = LinearModel()
    add_shift_variables(model, instance, workforce)
    days_of = working_days(unit_shift_table(model, instance, workforce))
    free = set(days_of[0])
    plans = day_pattern_plans(instance, workforce, days_of)
    for week in range(len(week_lengths(days))):
        if (0, week) not in plans:
            continue
        plan = plans[0, week]
        found = {frozenset(np.array(plan.days)[row].tolist()) for row in plan.patterns}
        assert len(found) == len(plan.patterns)  # no duplicates
        expected = {
            frozenset(worked)
            for r in range(len(plan.days) + 1)
            for worked in itertools.combinations(plan.days, r)
            if allowed(plan.days, set(worked), n_days=days, week=week, contract=contract, free=free)
        }
        assert found == expected
        if days == DAYS_PER_WEEK:  # the whole horizon: every window is inside the pattern days
            assert sorted(plan.windows) == (
                list(range(7)) if contract.max_consecutive_working_days < 7 else []
            )


@pytest.mark.parametrize("open_days", [ALL_DAYS, ALL_DAYS[:6]])
@pytest.mark.slow
def test_model_keeps_exactly_the_working_days_the_rules_allow_over_two_weeks(open_days):
    # Brute force over (a random sample of) the 2^14 working-day sets of a two-week horizon:
    # the integer points of the model (pattern rows plus the rows left over the week
    # boundary) are the sets that keep every rule, read as a line of two weeks (the days
    # after the last Sunday count as off); with Sunday closed, the sets that work no Sunday.
    contract = Contract(
        name="c",
        min_days_per_week=3,
        max_days_per_week=5,
        max_hours_per_week=60,
        max_consecutive_working_days=4,
        min_consecutive_days_off=2,
    )
    centre, instance = instance_for(contract, days=14, open_days=open_days)
    model = build_rota_model(instance, centre.scheduling)
    shifts = unit_shift_table(model, instance, agent_workforce(instance))
    var_of_day = dict(zip(shifts["day"], shifts["var"], strict=True))

    def rules_hold(worked: set[int]) -> bool:
        for week in range(2):
            count = len([d for d in worked if d // 7 == week])
            if not 3 <= count <= 5:
                return False
            if not any(not ({d + 7 * week, d + 7 * week + 1} & worked) for d in range(7)):
                return False
        return all(not {f + i for i in range(5)} <= worked for f in range(14 - 4))

    components = [
        model.day_pattern_choice,
        model.day_pattern_days,
        model.max_consecutive_working_days,
        model.contract_days,
        model.one_shift_per_day,
    ]
    patterns = _pattern_days(model)
    checked = kept = 0
    for mask in np.random.default_rng(0).permutation(2**14)[:4000].tolist():
        worked = {d for d in range(14) if mask >> d & 1}
        if (
            not 3 <= len([d for d in worked if d < 7]) <= 5
            or not 3 <= len([d for d in worked if d >= 7]) <= 5
        ):
            continue  # the contract days alone rule these out; keep the test fast
        if not worked <= set(var_of_day):
            continue  # works a closed day: no shift to choose
        values = np.zeros(model.n_columns)
        for d, column in var_of_day.items():
            values[column] = 1 if d in worked else 0
        feasible = _feasible_patterns(model, patterns, var_of_day, components, values)
        assert feasible == rules_hold(worked), sorted(worked)
        checked += 1
        kept += feasible
    assert checked > 300 and 20 < kept < checked


def _pattern_days(model) -> dict[tuple[str, int], dict[frozenset, int]]:
    """For each (unit, week): the day pattern column of each set of linked days it works,
    read from the rows ``day_pattern_days`` (their negative terms)."""
    works: dict[int, set[int]] = defaultdict(set)
    linked: dict[tuple[str, int], set[int]] = defaultdict(set)
    rows = model.day_pattern_days
    for r, (unit_id, week, day) in enumerate(rows.keys):
        linked[unit_id, week].add(day)
        mine = (rows.row == r) & (rows.coef < 0)
        for column in rows.col[mine].tolist():
            works[column].add(day)
    patterns: dict[tuple[str, int], dict[frozenset, int]] = defaultdict(dict)
    for (unit_id, week, _p), column in zip(
        model.day_pattern.keys, model.day_pattern.columns.tolist(), strict=True
    ):
        patterns[unit_id, week][frozenset(works[column])] = column
    return patterns


def _feasible_patterns(model, patterns, var_of_day, components, values) -> bool:
    """Whether some 0/1 choice of day patterns satisfies ``components`` with the shift
    columns set in ``values``.

    With one agent the pattern rows tie each week's pattern to the working days, so the
    only candidate in a week is the pattern that works exactly the linked days worked.
    """
    for by_days in patterns.values():
        linked = set().union(*by_days) if by_days else set()
        worked = frozenset(d for d in linked if values[var_of_day[d]] > 0.5)
        for days, column in by_days.items():
            values[column] = 1 if days == worked else 0
    return all(component.holds(values) for component in components)


# --- LP relaxation against the rows ---------------------------------------------------------


def with_old_rows(model, instance, workforce) -> None:
    """Replace the day patterns of ``model`` by the row formulation they replaced: every
    window of K + 1 days holds a day off, and a binary start of a run of L days off per
    week whose runs cover each working day at most once."""
    for name in ("day_pattern_days", "day_pattern_choice", "max_consecutive_working_days"):
        block = model.component(name)
        if block is not None:
            block.deactivate()
    days_of = working_days(unit_shift_table(model, instance, workforce))
    n_days = instance.grid.days
    rows: dict = {}
    lower: dict = {}
    upper: dict = {}

    def add(key, coefs, columns, low=None, high=None):
        rows[key] = (coefs, columns)
        lower[key], upper[key] = low, high

    def on_horizon(index: int) -> int | None:
        return horizon_day(index, n_days, instance.cyclic_days)

    for u, unit in enumerate(workforce.units):
        mine = days_of.get(u, {})
        k, length = (
            unit.contract.max_consecutive_working_days,
            unit.contract.min_consecutive_days_off,
        )
        if k < n_days:
            for first in range(n_days):
                if on_horizon(first + k) is None:
                    continue  # a line: the window runs past the last day
                window = [x for i in range(k + 1) for x in mine.get(on_horizon(first + i), [])]
                add(("window", u, first), [1.0] * len(window), window, high=k * unit.size)
        if not 0 < length <= n_days:
            continue
        for week, week_days in enumerate(week_lengths(n_days)):
            starts = range(week * 7, week * 7 + week_days)
            runs = {
                d: [on_horizon(d + i) for i in range(length) if on_horizon(d + i) is not None]
                for d in starts
            }
            if any(all(day not in mine for day in run) for run in runs.values()):
                continue
            s = model.add_variables(
                f"old_start_{u}_{week}", list(starts), lower=0.0, upper=unit.size
            )
            add(("start", u, week), [1.0] * len(starts), s.column_of(starts), low=unit.size)
            for day in mine:
                covering = [s[d] for d, run in runs.items() if day in run]
                if covering:
                    columns = covering + list(mine[day])
                    add(("cover", u, week, day), [1.0] * len(columns), columns, high=unit.size)
    model.add_rows("old_rows", rows, lower=lambda key: lower[key], upper=lambda key: upper[key])


def lp_bounds(
    contract: Contract, *, n_agents: int = 1, days: int = 7, pooled: bool = False, **options
) -> tuple[float, float]:
    """LP bounds (patterns, old rows) of a small instance."""
    bounds = []
    for old in (False, True):
        centre, instance = instance_for(contract, n_agents=n_agents, days=days, **options)
        workforce = pooled_workforce(instance) if pooled else agent_workforce(instance)
        model = build_rota_model(instance, centre.scheduling, workforce)
        if old:
            with_old_rows(model, instance, workforce)
        run = run_highs(model, time_limit_seconds=30, relaxation=True)
        bounds.append(run.bound)
    return bounds[0], bounds[1]


def test_patterns_lift_the_lp_bound_where_the_rows_are_weak():
    # At most 3 days in a row, read cyclically over a week: the rows let the relaxation work
    # 3/4 of every day (5.25 days), the patterns at most 5 days, as the integer rota does.
    # One agent needed 8 hours a day: the rows bound 5.25 x 8 paid + 1.75 x 8 x 10 short
    # = 182, the patterns 5 x 8 + 2 x 8 x 10 = 200, the integer optimum.
    contract = Contract(
        name="c",
        max_days_per_week=7,
        max_hours_per_week=60,
        max_consecutive_working_days=3,
        min_consecutive_days_off=0,
    )
    patterns, rows = lp_bounds(contract)
    assert rows == pytest.approx(182.0)
    assert patterns == pytest.approx(200.0)
    # The same for a pool of three interchangeable agents.
    patterns, rows = lp_bounds(contract, n_agents=3, pooled=True, demand_agents=3)
    assert (patterns, rows) == (pytest.approx(600.0), pytest.approx(546.0))


@pytest.mark.parametrize(
    ("contract", "options"),
    [
        (Contract(name="c", max_days_per_week=5), {"demand_days": [0, 1, 3, 4, 6]}),
        (
            Contract(
                name="c",
                min_days_per_week=4,
                max_days_per_week=5,
                max_consecutive_working_days=4,
                min_consecutive_days_off=2,
            ),
            {"open_days": ALL_DAYS[:6]},
        ),
        (
            Contract(
                name="c",
                min_days_per_week=2,
                max_days_per_week=6,
                max_hours_per_week=60,
                max_consecutive_working_days=2,
                min_consecutive_days_off=3,
            ),
            {"days": 14},
        ),
        (
            Contract(
                name="c",
                min_days_per_week=3,
                max_days_per_week=5,
                max_consecutive_working_days=4,
                min_consecutive_days_off=2,
            ),
            {"days": 14, "demand_days": [0, 1, 2, 5, 6, 7, 8, 12, 13]},
        ),
    ],
)
def test_patterns_lp_bound_is_at_least_the_rows(contract, options):
    patterns, rows = lp_bounds(contract, **options)
    assert patterns >= rows - 1e-6
