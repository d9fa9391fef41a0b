"""A start rota rounded from the pooled relaxation, for the exact stages when no stage
found a rota."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.scheduling.instance import RotaInstance, horizon_day
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.rules.max_consecutive_working_days import breaks_run, limit_of
from wfm.scheduling.search.support import SUPPORT_TOLERANCE
from wfm.scheduling.workforce import Workforce

logger = logging.getLogger(__name__)


def rounded_start(
    model: LinearModel, workforce: Workforce, instance: RotaInstance
) -> pd.DataFrame | None:
    """A start rota rounded from the pooled relaxation's solution, or ``None``.

    The relaxed shift counts of each pool are rounded (largest first) and handed to the
    pool's agents greedily, the agent with the fewest paid hours first, respecting each
    agent's allowed pairs, one shift a day, the contract's maximum hours and days in each
    calendar week, the minimum rest between shifts, the most working days in a row and a
    run of days off in each week. Agents still below their minimum hours or days then get
    further allowed shifts that fit. When an agent still misses a minimum of a whole week
    the rounding is not a rota and ``None`` is returned. HiGHS checks the start against the
    full model (breaks, coverage and extensions are left for it to complete).

    Returns
    -------
    pandas.DataFrame or None
        (agent, candidate) pairs, columns ``agent`` and ``candidate`` (indices).
    """
    candidates = instance.candidates.set_index("candidate")
    day_of = candidates["day"].astype("int64").to_dict()
    paid_of = (candidates["paid_minutes"].astype("float64") / 60.0).to_dict()
    start_ns = dict(
        zip(candidates.index, pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8, strict=True)
    )
    end_ns = dict(
        zip(candidates.index, pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8, strict=True)
    )
    n_days = int(instance.grid.days)
    allowed: dict[int, set[int]] = {}
    for a, c in zip(instance.eligible["agent"], instance.eligible["candidate"], strict=True):
        allowed.setdefault(int(a), set()).add(int(c))
    shifts: dict[int, dict[int, int]] = {}  # agent -> day -> candidate

    allowed_days = {agent: {day_of[c] for c in mine} for agent, mine in allowed.items()}

    def runs_ok(agent: int, days: set[int], contract) -> bool:
        """No run of working days too long, and in each week a run of days off that
        leaves enough other days to reach the minimum days."""
        if breaks_run(days, n_days, limit_of(contract), instance.cyclic_days):
            return False
        rest_days = (
            contract.min_consecutive_days_off if contract.min_consecutive_days_off < n_days else 0
        )
        for week_start in range(0, n_days, 7):
            week = range(week_start, min(week_start + 7, n_days))
            needed = contract.min_days_per_week if len(week) == 7 else 0
            free = {d for d in week if d not in days and d in allowed_days.get(agent, ())}
            worked = sum(1 for d in week if d in days)
            windows = (
                [
                    {
                        d
                        for d in (
                            horizon_day(first + i, n_days, instance.cyclic_days)
                            for i in range(rest_days)
                        )
                        if d is not None
                    }
                    for first in week
                ]
                if rest_days > 0
                else [set()]
            )
            if not any(
                not (window & days) and worked + len(free - window) >= needed for window in windows
            ):
                return False
        return True

    def fits(agent: int, c: int) -> bool:
        contract = instance.contracts[agent]
        mine = shifts.setdefault(agent, {})
        day = day_of[c]
        if c not in allowed.get(agent, ()) or day in mine:
            return False
        week = day // 7
        in_week = [other for d, other in mine.items() if d // 7 == week]
        if len(in_week) + 1 > contract.max_days_per_week:
            return False
        if sum(paid_of[o] for o in in_week) + paid_of[c] > contract.max_hours_per_week + 1e-9:
            return False
        rest_ns = contract.min_rest_hours * 3600e9
        for d, other in mine.items():
            if d < day and start_ns[c] - end_ns[other] < rest_ns:
                return False
            if d > day and start_ns[other] - end_ns[c] < rest_ns:
                return False
        return runs_ok(agent, set(mine) | {day}, contract)

    def hours(agent: int, week: int | None = None) -> float:
        return sum(
            paid_of[c] for d, c in shifts.get(agent, {}).items() if week is None or d // 7 == week
        )

    units = {unit.unit_id: unit for unit in workforce.units}
    wanted: dict[str, list[tuple[float, int]]] = {}
    solution = model.x.solution()
    for i in np.flatnonzero(solution > SUPPORT_TOLERANCE):
        unit_id, candidate = model.x.keys[i]
        wanted.setdefault(unit_id, []).append((float(solution[i]), int(candidate)))
    for unit_id, values in wanted.items():
        agents = units[unit_id].agents
        # Round each day's total, then give that day's shifts by largest remainder.
        by_day: dict[int, list[tuple[float, int]]] = {}
        for value, candidate in values:
            by_day.setdefault(day_of[candidate], []).append((value, candidate))
        chosen: list[int] = []
        for day_values in by_day.values():
            total = int(round(sum(value for value, _ in day_values)))
            counts = {c: int(value) for value, c in day_values}
            rest = sorted(day_values, key=lambda vc: vc[0] - int(vc[0]), reverse=True)
            for _, c in rest[: max(total - sum(counts.values()), 0)]:
                counts[c] += 1
            chosen.extend(c for c, n in counts.items() for _ in range(n))
        for candidate in sorted(chosen, key=lambda c: -paid_of[c]):
            for agent in sorted(agents, key=lambda a: (len(shifts.get(a, {})), hours(a))):
                if fits(agent, candidate):
                    shifts[agent][day_of[candidate]] = candidate
                    break
    # Top up agents below a contract minimum with shifts that fit, longest first.
    whole_weeks = n_days // 7
    for agent, contract in enumerate(instance.contracts):
        for week in range(whole_weeks):

            def short(agent=agent, week=week, contract=contract) -> bool:
                mine = [d for d in shifts.get(agent, {}) if d // 7 == week]
                return (
                    hours(agent, week) < contract.min_hours_per_week - 1e-9
                    or len(mine) < contract.min_days_per_week
                )

            if not short():
                continue
            options = sorted(
                (c for c in allowed.get(agent, ()) if day_of[c] // 7 == week),
                key=lambda c: -paid_of[c],
            )
            for c in options:
                if not short():
                    break
                if fits(agent, c):
                    shifts[agent][day_of[c]] = c
            for c in options:  # still short of hours: swap a shift for a longer one that day
                if not short():
                    break
                mine = shifts.setdefault(agent, {})
                before = mine.get(day_of[c])
                if before is None or paid_of[before] >= paid_of[c]:
                    continue
                del mine[day_of[c]]
                mine[day_of[c]] = c if fits(agent, c) else before
            if short():
                return None
    pairs = [(agent, c) for agent, mine in shifts.items() for c in mine.values()]
    return pd.DataFrame(pairs, columns=["agent", "candidate"], dtype="int64").sort_values(
        ["agent", "candidate"], ignore_index=True
    )
