"""Day patterns: the working-day sets of a week that keep the consecutive-day rules.

For a unit (an agent, or a pool of interchangeable agents) and a calendar week on which the
rule on runs of days off (:mod:`wfm.scheduling.rules.consecutive_days_off`) or the most
working days in a row (:mod:`wfm.scheduling.rules.max_consecutive_working_days`) binds, the
model chooses one allowed pattern of working days per agent (:func:`add_consecutive_days_off`);
its LP relaxation is then the convex hull of the allowed working-day sets. In a pooled model
the patterns can also carry the paid minutes of each working day
(:func:`paid_hours_pattern_plans`), which :mod:`wfm.scheduling.pooled` reads back agent by
agent.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from wfm.scheduling.instance import RotaInstance, horizon_day
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.rules.base import is_whole_week, week_lengths, working_days
from wfm.scheduling.rules.max_consecutive_working_days import limit_of
from wfm.scheduling.workforce import Workforce
from wfm.timegrid import DAYS_PER_WEEK

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DayPatternPlan:
    """The day patterns of one unit and calendar week (see :func:`day_pattern_plans`).

    Parameters
    ----------
    days
        The days of the horizon the patterns decide, in order: the week's own days, then the
        first :math:`L - 1` days after it (cyclically, or on a line those inside the
        horizon), which a run of days off starting late in the week reaches.
    patterns
        Boolean array (patterns, days): the working days of each allowed pattern.
    windows
        First days of the windows of :math:`K + 1` days of the most-days-in-a-row rule that
        lie inside ``days`` (the patterns keep them).
    paid_minutes
        For week patterns with paid hours (pooled models, :func:`paid_hours_pattern_plans`):
        integer array (patterns, days of the week) of the paid minutes of the shift worked on
        each of the week's own days (0 on a day off); ``None`` for plain day patterns.
    """

    days: tuple[int, ...]
    patterns: np.ndarray
    windows: tuple[int, ...]
    paid_minutes: np.ndarray | None = None


def day_pattern_plans(
    instance: RotaInstance, workforce: Workforce, days_of: dict[int, dict[int, list]]
) -> dict[tuple[int, int], DayPatternPlan]:
    """Day patterns of each (unit index, week) on which the consecutive-day rules bind.

    For unit :math:`u` with contract rules :math:`K` (most working days in a row) and
    :math:`L` (run of days off) and calendar week :math:`b`, the pattern days are the week's
    days and the :math:`L - 1` days after them, read cyclically over a one-week horizon and
    as a line over a longer one or one with frozen days before it
    (:mod:`wfm.scheduling.history`), where the days after the last count as off
    (:attr:`~wfm.scheduling.instance.RotaInstance.cyclic_days`; the same reading as the rows: see :func:`wfm.scheduling.rules.max_consecutive_working_days.add_max_consecutive_working_days`). A pattern is a set of
    working days among them that

    - works only on days on which the unit has an allowed shift;
    - works between ``min_days_per_week`` (whole weeks only) and ``max_days_per_week`` of
      the week's own days (:func:`wfm.scheduling.rules.weekly_hours_and_days.add_contract_days`);
    - has a day off in every window of :math:`K + 1` consecutive days that lies inside the
      pattern days (when :math:`K < T`);
    - has a run of :math:`L` days off starting on one of the week's days (when
      :math:`0 < L \\le T`).

    A unit and week get no patterns (and keep the plain rows) when neither rule binds: no
    window inside the pattern days has more than :math:`K` days on which the unit may work
    (or the window is inside the week itself and ``max_days_per_week`` is at most :math:`K`),
    and some run of :math:`L` days is made only of days on which it may not work. On those
    weeks the remaining constraints (a cardinality bound on the working days) already have
    integral vertices, so patterns would not tighten the relaxation.
    """
    n_days = instance.grid.days

    def day(index: int) -> int | None:
        return horizon_day(index, n_days, instance.cyclic_days)

    plans: dict[tuple[int, int], DayPatternPlan] = {}
    # With frozen days before the horizon (wfm.scheduling.history) the horizon is a line
    # too (instance.cyclic_days is False): the days after its end are the next window's.
    for u, unit in enumerate(workforce.units):
        mine = days_of.get(u, {})
        contract = unit.contract
        limit = limit_of(contract)
        length = contract.min_consecutive_days_off
        if not mine:
            continue
        runs_apply = 0 < length <= n_days
        windows_apply = limit < n_days
        if not runs_apply and not windows_apply:
            continue
        for week, week_days in enumerate(week_lengths(n_days)):
            first_day = week * DAYS_PER_WEEK
            own = [first_day + i for i in range(week_days)]
            extra = max(length - 1, 0) if runs_apply else 0
            days = list(
                dict.fromkeys(
                    d
                    for d in (day(first_day + i) for i in range(week_days + extra))
                    if d is not None
                )
            )
            slot = {d: i for i, d in enumerate(days)}
            blocked = tuple(d not in mine for d in days)
            runs: tuple[tuple[int, ...], ...] = ()
            runs_bind = False
            if runs_apply:
                # On a line, the days of a run past the last day are off (left out).
                runs = tuple(
                    tuple(slot[day(d + i)] for i in range(length) if day(d + i) is not None)
                    for d in own
                )
                runs_bind = not any(all(blocked[s] for s in run) for run in runs)
            window_firsts: list[int] = []
            windows: list[tuple[int, ...]] = []
            windows_bind = False
            if windows_apply:
                own_set = set(own)
                for first in range(n_days):
                    window = [day(first + i) for i in range(limit + 1)]
                    if not all(d is not None and d in slot for d in window):
                        continue
                    window_firsts.append(first)
                    windows.append(tuple(slot[d] for d in window))
                    free = sum(1 for d in window if d in mine)
                    if free > limit and not (
                        all(d in own_set for d in window) and contract.max_days_per_week <= limit
                    ):
                        windows_bind = True
            if not runs_bind and not windows_bind:
                continue
            whole = is_whole_week(n_days, week)
            patterns = enumerate_day_patterns(
                len(days),
                blocked=blocked,
                counted=tuple(range(week_days)),
                min_days=contract.min_days_per_week if whole else 0,
                max_days=contract.max_days_per_week,
                windows=tuple(windows),
                runs=runs,
            )
            plans[u, week] = DayPatternPlan(tuple(days), patterns, tuple(window_firsts))
    return plans


@lru_cache(maxsize=1024)
def enumerate_day_patterns(
    n_slots: int,
    *,
    blocked: tuple[bool, ...],
    counted: tuple[int, ...],
    min_days: int,
    max_days: int,
    windows: tuple[tuple[int, ...], ...],
    runs: tuple[tuple[int, ...], ...],
) -> np.ndarray:
    """Every set of working days among ``n_slots`` days that keeps the rules.

    Parameters
    ----------
    n_slots
        Days in the pattern (at most 7 + 6).
    blocked
        Per day, whether it must be off.
    counted
        The days counted for the minimum and maximum working days.
    min_days, max_days
        Bounds on the working days among ``counted``.
    windows
        Sets of days each of which must hold a day off.
    runs
        Sets of days of which at least one must be all off (none: no such rule).

    Returns
    -------
    numpy.ndarray
        Boolean array (patterns, n_slots), read-only, in increasing order of the bit masks.

    >>> enumerate_day_patterns(3, blocked=(False,) * 3, counted=(0, 1, 2), min_days=1, max_days=1,
    ...                        windows=(), runs=((0, 1),)).astype(int).tolist()
    [[0, 0, 1]]
    """
    masks = np.arange(2**n_slots, dtype=np.int64)
    work = ((masks[:, None] >> np.arange(n_slots)) & 1).astype(bool)
    keep = ~work[:, np.array(blocked, dtype=bool)].any(axis=1)
    count = work[:, list(counted)].sum(axis=1)
    keep &= (count >= min_days) & (count <= max_days)
    for window in windows:
        keep &= ~work[:, list(window)].all(axis=1)
    if runs:
        has_run = np.zeros(len(work), dtype=bool)
        for run in runs:
            has_run |= ~work[:, list(run)].any(axis=1)
        keep &= has_run
    patterns = work[keep]
    patterns.setflags(write=False)
    return patterns


#: Most week patterns with paid hours per unit and week in a pooled model; a unit-week with
#: more keeps its plain day patterns (the pooled model is then a weaker relaxation, see
#: :func:`paid_hours_pattern_plans`) [patterns].
MAX_PAID_HOURS_PATTERNS = 4000


def paid_hours_pattern_plans(
    instance: RotaInstance,
    workforce: Workforce,
    shifts: pd.DataFrame,
    plans: dict[tuple[int, int], DayPatternPlan],
) -> dict[tuple[int, int], DayPatternPlan]:
    """Week patterns that also fix the paid hours of each working day, for a pooled model.

    A pool of :math:`m` agents keeps its contract's hours only on average in the pooled
    model: :math:`m H^{min} \\le \\sum p_c x_{u,c}` lets one agent work 4 short shifts
    while another works 5 long ones. Such a pooled solution cannot always be shared out
    among the pool's agents (on the sample centre scaled to 200 agents no full-time pool
    could be). A *week pattern with paid hours* gives each of the week's working days the
    paid minutes of the shift worked that day; the patterns kept are those of the plain day
    patterns (the same days, runs and windows) whose weekly paid hours lie within the
    contract's minimum (whole weeks only) and maximum. With one pattern per agent the pooled
    hours then hold agent by agent, so an integer pooled solution gives each agent a week
    that keeps the contract (:func:`wfm.scheduling.pooled.share_out` hands them out), and
    the pooled LP bound is tighter, still a valid bound on every rota.

    Weeks on which no day rule binds (no plan in ``plans``) get week patterns too, from
    every set of the week's days within the contract's minimum and maximum days.

    Parameters
    ----------
    instance, workforce, shifts
        As for :func:`build_rota_model` (``shifts`` from :func:`unit_shift_table`).
    plans
        The plain day patterns (:func:`day_pattern_plans`).

    Returns
    -------
    dict
        ``plans`` with each (unit index, week) refined where it has at most
        :data:`MAX_PAID_HOURS_PATTERNS` patterns, and unchanged elsewhere.
    """
    n_days = instance.grid.days
    minutes_of: dict[int, dict[int, np.ndarray]] = defaultdict(dict)
    for (u, d), group in shifts.groupby(["unit", "day"], sort=True):
        minutes_of[int(u)][int(d)] = np.unique(group["paid_minutes"].to_numpy(dtype=np.int64))
    refined = dict(plans)
    for u, unit in enumerate(workforce.units):
        mine = minutes_of.get(u, {})
        if not mine:
            continue
        contract = unit.contract
        for week, week_days in enumerate(week_lengths(n_days)):
            own = [week * DAYS_PER_WEEK + i for i in range(week_days)]
            if not any(d in mine for d in own):
                continue
            whole = is_whole_week(n_days, week)
            plan = plans.get((u, week))
            if plan is None:
                blocked = tuple(d not in mine for d in own)
                base = enumerate_day_patterns(
                    week_days,
                    blocked=blocked,
                    counted=tuple(range(week_days)),
                    min_days=contract.min_days_per_week if whole else 0,
                    max_days=contract.max_days_per_week,
                    windows=(),
                    runs=(),
                )
                plan = DayPatternPlan(tuple(own), base, ())
            lowest = contract.min_hours_per_week * 60.0 if whole else 0.0
            highest = contract.max_hours_per_week * 60.0
            patterns = _with_paid_minutes(plan, [mine.get(d) for d in own], lowest, highest)
            if patterns is not None:
                refined[u, week] = DayPatternPlan(plan.days, patterns[0], plan.windows, patterns[1])
    return refined


def _with_paid_minutes(
    plan: DayPatternPlan, minutes: list[np.ndarray | None], lowest: float, highest: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every (day pattern, paid minutes of each working day of the week) of ``plan`` with
    weekly paid minutes in ``[lowest, highest]``, as (working days, paid minutes) arrays;
    ``None`` when there would be more than :data:`MAX_PAID_HOURS_PATTERNS`."""
    week_days = len(minutes)
    working_rows: list[np.ndarray] = []
    minutes_rows: list[np.ndarray] = []
    total = 0
    for pattern in plan.patterns:
        slots = [s for s in range(week_days) if pattern[s]]
        options = [minutes[s] for s in slots]
        if any(option is None or len(option) == 0 for option in options):
            continue
        size = int(np.prod([len(option) for option in options])) if options else 1
        total += size
        if total > 50 * MAX_PAID_HOURS_PATTERNS:
            return None
        grid = (
            np.array(np.meshgrid(*options, indexing="ij")).reshape(len(options), -1).T
            if options
            else np.zeros((1, 0), dtype=np.int64)
        )
        weekly = grid.sum(axis=1)
        grid = grid[(weekly >= lowest - 1e-9) & (weekly <= highest + 1e-9)]
        if len(grid) == 0:
            continue
        paid = np.zeros((len(grid), week_days), dtype=np.int64)
        paid[:, slots] = grid
        minutes_rows.append(paid)
        working_rows.append(np.repeat(pattern[None, :], len(grid), axis=0))
        if sum(len(rows) for rows in minutes_rows) > MAX_PAID_HOURS_PATTERNS:
            return None
    if not minutes_rows:
        return np.zeros((0, len(plan.days)), dtype=bool), np.zeros((0, week_days), dtype=np.int64)
    return np.concatenate(working_rows), np.concatenate(minutes_rows)


def add_consecutive_days_off(
    model: LinearModel,
    instance: RotaInstance,
    workforce: Workforce,
    shifts: pd.DataFrame,
    *,
    paid_hours_patterns: bool = True,
) -> None:
    """Each calendar week holds the start of a run of at least
    ``contract.min_consecutive_days_off`` (:math:`L`) days off in a row, and at most
    :math:`K` working days in a row, as a choice of day patterns.

    For each unit and week on which either rule binds, :func:`day_pattern_plans` lists the
    sets of working days :math:`p` that keep both rules, the minimum and maximum working
    days and the days the unit may work. Integer :math:`z_{u,b,p} \\in \\{0, .., m_u\\}`
    (binary for one agent) counts the unit's agents that work pattern :math:`p` in week
    :math:`b`:

    .. math::

        \\sum_p z_{u,b,p} = m_u \\quad (\\text{day_pattern_choice}), \\qquad
        w_{u,d} = \\sum_{p \\ni d} z_{u,b,p} \\quad (\\text{day_pattern_days}),

    the second for each day :math:`d` of the pattern with an allowed shift. A run of days
    off may continue into the next week (from the last week into the first when a one-week
    horizon is read as a repeating pattern; past the last day, which counts as off, on a
    line of weeks), so a week's patterns also decide the first :math:`L - 1` days after it. This is the standard rule ("two consecutive days off every
    week"), not a conditional one: with :math:`L` = 2 a contract's working days a week are
    at most 5. The patterns describe exactly the working days the rules allow, so the LP
    relaxation of one unit and week is the convex hull of its allowed working-day sets
    (with rows on :math:`w` alone, a window rule such as "at most 3 days in a row" lets the
    relaxation work 3/4 of every day; see ``docs/scheduling.md`` for what this changes on
    the sample). For a pool the :math:`m_u` agents each choose a pattern, so the pooled
    model stays a relaxation, and its LP bound equals that of the exact model. A week with a run made only of days on which the
    unit may not work, and no window of more than :math:`K` such days, gets no pattern.
    """
    days_of = working_days(shifts)
    plans = day_pattern_plans(instance, workforce, days_of)
    by_minutes: dict[tuple[int, int], dict[int, list]] = defaultdict(dict)
    if workforce.pooled and paid_hours_patterns:
        plans = paid_hours_pattern_plans(instance, workforce, shifts, plans)
        for (u, d, k), group in shifts.groupby(["unit", "day", "paid_minutes"], sort=True):
            by_minutes[int(u), int(d)][int(k)] = list(group["var"])
    keys: list[tuple[str, int, int]] = []
    choices: dict[tuple[str, int], tuple[list[tuple[str, int, int]], int]] = {}
    links: dict[tuple[str, int, int], tuple[list, list[tuple[str, int, int]]]] = {}
    paid_links: dict[tuple[str, int, int, int], tuple[list, list[tuple[str, int, int]]]] = {}
    for (u, week), plan in plans.items():
        unit = workforce.units[u]
        mine = days_of[u]
        pattern_keys = [(unit.unit_id, week, p) for p in range(len(plan.patterns))]
        keys.extend(pattern_keys)
        choices[unit.unit_id, week] = (pattern_keys, unit.size)
        for slot, day in enumerate(plan.days):
            if day not in mine:
                continue
            if plan.paid_minutes is not None and slot < plan.paid_minutes.shape[1]:
                for minutes, working_vars in by_minutes[u, day].items():
                    working = np.flatnonzero(plan.paid_minutes[:, slot] == minutes)
                    paid_links[unit.unit_id, week, day, minutes] = (
                        working_vars,
                        [pattern_keys[p] for p in working],
                    )
                continue
            working = np.flatnonzero(plan.patterns[:, slot])
            links[unit.unit_id, week, day] = (mine[day], [pattern_keys[p] for p in working])
    sizes = {unit.unit_id: unit.size for unit in workforce.units}
    pooled = workforce.pooled
    # The plans, by (unit_id, week), for reading a pooled solution back agent by agent
    # (wfm.scheduling.pooled.share_out).
    model.day_pattern_plans = {
        (workforce.units[u].unit_id, week): plan for (u, week), plan in plans.items()
    }
    pattern = model.add_variables(
        "day_pattern",
        keys,
        lower=0.0,
        upper=[sizes[unit_id] if pooled else min(sizes[unit_id], 1) for unit_id, _, _ in keys],
        integer=True,
    )
    model.add_rows(
        "day_pattern_choice",
        {
            key: ([1.0] * len(pattern_keys), pattern.column_of(pattern_keys).tolist())
            for key, (pattern_keys, _) in choices.items()
        },
        lower=[size for _, size in choices.values()],
        upper=[size for _, size in choices.values()],
    )

    def linking(rows):
        """The shifts worked (on a day, of a paid length) equal the patterns working them."""
        return {
            key: (
                [1.0] * len(working) + [-1.0] * len(patterns),
                list(working) + pattern.column_of(patterns).tolist(),
            )
            for key, (working, patterns) in rows.items()
        }

    model.add_rows("day_pattern_days", linking(links), lower=0.0, upper=0.0)
    if paid_links:
        model.add_rows("day_pattern_paid_minutes", linking(paid_links), lower=0.0, upper=0.0)
    logger.debug("%d day patterns for %d unit-weeks", len(keys), len(choices))
