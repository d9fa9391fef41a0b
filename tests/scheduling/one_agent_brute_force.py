"""Every rota of one agent over a short horizon, enumerated: an independent check of the
optima that the rule tests state by hand.

The instance is the rule tests' (:func:`scheduling_synthetic.rule_centre`): one 8-hour
shift 08:00-16:00 on each open day, demand of one agent over exactly that shift on the
demanded days, nothing elsewhere; costs (``make_centre``) 1 per paid hour, 10 per
agent-hour short, 0.5 per agent-hour over. A rota is the set of days worked (0 = the first
Monday). The rules are read here from their definitions in ``docs/scheduling.md``, not
from the model's rows, and only those a test names are applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product

SHIFT_HOURS = 8.0
PAID_COST_PER_HOUR = 1.0
UNDER_COST_PER_AGENT_HOUR = 10.0
OVER_COST_PER_AGENT_HOUR = 0.5
DAYS_PER_WEEK = 7


def rota_cost(worked: frozenset[int], demanded: frozenset[int], days: int) -> float:
    """Paid hours plus priced under- and over-staffing of one agent's rota [cost units]."""
    cost = 0.0
    for day in range(days):
        if day in worked:
            cost += SHIFT_HOURS * PAID_COST_PER_HOUR
            if day not in demanded:
                cost += SHIFT_HOURS * OVER_COST_PER_AGENT_HOUR
        elif day in demanded:
            cost += SHIFT_HOURS * UNDER_COST_PER_AGENT_HOUR
    return cost


def runs_long_enough_on_a_line(worked: frozenset[int], days: int, least: int) -> bool:
    """Every run of working days is at least ``least`` days long, the horizon read as a line
    with no frozen days before it: a run touching the first or the last day may continue
    outside the horizon, so only runs strictly inside it are held to ``least``."""
    day = 0
    while day < days:
        if day not in worked:
            day += 1
            continue
        first = day
        while day < days and day in worked:
            day += 1
        last = day - 1
        inside = first > 0 and last < days - 1
        if inside and last - first + 1 < least:
            return False
    return True


def repeats_every(worked: frozenset[int], days: int, rotation_weeks: int) -> bool:
    """Each day is worked exactly when the same day ``rotation_weeks`` weeks earlier is."""
    period = DAYS_PER_WEEK * rotation_weeks
    return all((day in worked) == (day - period in worked) for day in range(period, days))


def optima(
    days: int,
    demanded: Iterable[int],
    *,
    open_days: Iterable[int] | None = None,
    min_consecutive_working_days: int = 1,
    rotation_weeks: int | None = None,
) -> tuple[float, list[frozenset[int]]]:
    """The least cost and every rota that reaches it (sorted), by enumerating all
    ``2 ** days`` sets of working days (``open_days``: the days a shift exists, default
    all)."""
    demanded = frozenset(demanded)
    workable = frozenset(range(days) if open_days is None else open_days)
    best = float("inf")
    best_rotas: list[frozenset[int]] = []
    for choice in product((False, True), repeat=days):
        worked = frozenset(day for day in range(days) if choice[day])
        if not worked <= workable:
            continue
        if not runs_long_enough_on_a_line(worked, days, min_consecutive_working_days):
            continue
        if rotation_weeks is not None and not repeats_every(worked, days, rotation_weeks):
            continue
        cost = rota_cost(worked, demanded, days)
        if cost < best - 1e-9:
            best, best_rotas = cost, [worked]
        elif abs(cost - best) <= 1e-9:
            best_rotas.append(worked)
    return best, sorted(best_rotas, key=sorted)
