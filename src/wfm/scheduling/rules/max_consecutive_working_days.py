"""At most K working days in a row, also across week boundaries.

Setting (each ``[[contracts]]``): ``max_consecutive_working_days`` [days]. In the model, the
windows of K + 1 days that lie inside a week's day patterns are kept by the patterns
(:mod:`wfm.scheduling.day_patterns`); the windows over a week boundary get a row each
(:func:`add_max_consecutive_working_days`). :func:`breaks_run` tells the search heuristics
whether a set of working days breaks it. Its diagnosis before solving is joint with the run
of days off (:func:`wfm.scheduling.rules.consecutive_days_off.day_pattern_problems`), as both
shape the week's pattern.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.scheduling.instance import horizon_day
from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import ModelContext, Rule, contract_settings


def limit_of(contract: Contract) -> int:
    """The contract's K [days]."""
    return contract.max_consecutive_working_days


def breaks_run(days: Collection[int], n_days: int, limit: int, cyclic: bool = True) -> bool:
    """Whether the working days ``days`` of a horizon of ``n_days`` days hold more than
    ``limit`` working days in a row, the horizon read as a repeating pattern (``cyclic``)
    or as a line (:attr:`wfm.scheduling.instance.RotaInstance.cyclic_days`).

    >>> breaks_run({0, 1, 2}, 7, 2), breaks_run({0, 1, 3, 5}, 7, 2), breaks_run({5, 6, 0}, 7, 2)
    (True, False, True)
    >>> breaks_run({5, 6, 0}, 7, 2, cyclic=False)
    False
    """
    if limit >= n_days:
        return False
    firsts = range(n_days) if cyclic else range(n_days - limit)
    return any(
        all(horizon_day(first + i, n_days, cyclic) in days for i in range(limit + 1))
        for first in firsts
    )


def add_max_consecutive_working_days(
    context: ModelContext,
) -> None:
    """At most the contract's (:math:`K`) working days in a row:
    ``max_consecutive_working_days[unit_id, first_day]``.

    With :math:`w_{u,d}` the working indicator (:func:`working_days`), every window of
    :math:`K + 1` consecutive days holds a day off:
    :math:`\\sum_{i=0}^{K} w_{u,(d+i) \\bmod T} \\le K m_u` for each first day :math:`d` of a
    horizon of :math:`T` days. A one-week horizon is read as a repeating pattern (the day
    after its last day is its first day), so its rota also holds when it is worked week
    after week; a longer one as a line of weeks (only the windows inside it, see
    :attr:`wfm.scheduling.instance.RotaInstance.cyclic_days`); when :math:`K \\ge T` the horizon is too short to show a run longer than :math:`K`
    and the rule adds nothing. Windows with at most :math:`K` days on which the unit may work
    are implied and left out, and so are the windows that lie inside the days of a week with
    day patterns (:func:`add_consecutive_days_off`), which keep the rule there exactly. The
    rows left are the windows over a week boundary that no pattern sees whole, so the rule
    holds across weeks.
    """
    from wfm.scheduling.day_patterns import day_pattern_plans

    if context.open_horizon:
        add_open_horizon_rows(context)
        return
    model, instance, workforce = context.model, context.instance, context.workforce
    n_days = context.n_days
    days_of = context.days_of
    covered = {
        (u, first)
        for (u, _), plan in day_pattern_plans(instance, workforce, days_of).items()
        for first in plan.windows
    }
    rows: dict[tuple[str, int], tuple[list, int]] = {}
    for u, unit in enumerate(workforce.units):
        limit = limit_of(unit.contract)
        mine = days_of.get(u, {})
        if limit >= n_days:
            continue  # the horizon is too short to show a longer run
        for first in range(n_days):
            window = [context.day(first + i) for i in range(limit + 1)]
            if None in window:
                continue  # a line: the window runs past the horizon
            if sum(1 for d in window if d in mine) <= limit or (u, first) in covered:
                continue
            rows[unit.unit_id, first] = (
                [x for d in window for x in mine.get(d, [])],
                limit * unit.size,
            )
    model.add_upper_rows(
        "max_consecutive_working_days",
        {key: ([1.0] * len(columns), columns, bound) for key, (columns, bound) in rows.items()},
        keep_empty=True,
    )


def add_open_horizon_rows(context: ModelContext) -> None:
    """The rule after frozen days (:mod:`wfm.scheduling.history`): every window of
    :math:`K + 1` days that ends inside the horizon, from :math:`-K` on, holds a day off,
    the frozen days counted as constants,
    :math:`\\sum_{i=0}^{K} w_{u,d+i} \\le K m_u - \\sum_{d+i<0} h_{u,d+i}`
    (``max_consecutive_working_days[unit_id, first_day]``); windows reaching past the last
    day are the next window's. All windows are rows (the day patterns do not wrap then)."""
    rows = {}
    for u, unit in enumerate(context.workforce.units):
        limit = limit_of(unit.contract)
        for first in range(-limit, context.n_days - limit):
            terms = [context.day_terms(u, first + i) for i in range(limit + 1)]
            if any(term is None for term in terms):
                continue
            variables = [x for found, _ in terms for x in found]
            constant = sum(count for _, count in terms)
            possible = sum(1 for found, count in terms if found or count)
            if variables and possible > limit:
                rows[unit.unit_id, first] = (
                    [1.0] * len(variables),
                    variables,
                    # A frozen run already longer than K (a rota that broke the rule) leaves
                    # the horizon's days of the window off, not an infeasible model.
                    max(limit * unit.size - constant, 0.0),
                )
    context.model.add_upper_rows("max_consecutive_working_days", rows, keep_empty=True)


class MaxConsecutiveWorkingDays(Rule):
    """Most working days in a row."""

    name = "max_consecutive_working_days"
    title = "Most working days in a row"
    description = (
        "No run of working days (consecutive local dates with a shift) is longer than "
        "max_consecutive_working_days, also across week boundaries (a one-week horizon read "
        "as a repeating pattern, a longer one as a line of weeks, continuing the frozen weeks "
        "before it when given: a rolling horizon's earlier windows)."
    )
    settings = contract_settings(max_consecutive_working_days="days")

    def add_constraints(self, context: ModelContext) -> None:
        add_max_consecutive_working_days(context)

    def check(self, view) -> list[Violation]:
        out: list[Violation] = []
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            days = view.days_of(agent)
            if days.empty:
                continue
            ordinal = np.array([day.toordinal() for day in days["day"]], dtype=np.int64)
            order = np.argsort(ordinal, kind="stable")
            ordinal = ordinal[order]
            starts = days["start"].to_numpy()[order]
            ends = days["end"].to_numpy()[order]
            limit = limit_of(contract)
            breaks = np.flatnonzero(np.diff(ordinal) != 1) + 1
            for first, last in zip(np.r_[0, breaks], np.r_[breaks, len(ordinal)] - 1, strict=True):
                length = int(last - first + 1)
                if length > limit:
                    start, end = pd.Timestamp(starts[first]), pd.Timestamp(ends[last])
                    out.append(
                        Violation(
                            agent,
                            "contract_max_consecutive_days",
                            contract_source(contract),
                            start,
                            end,
                            float(length),
                            float(limit),
                            "days",
                            f"{agent}: {length} working days in a row from "
                            f"{dt.date.fromordinal(int(ordinal[first]))} to "
                            f"{dt.date.fromordinal(int(ordinal[last]))}, contract {contract.name} "
                            f"allows at most {limit}",
                        )
                    )
        return out


RULE = MaxConsecutiveWorkingDays()
