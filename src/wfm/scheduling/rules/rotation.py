"""A rotation repeating every N weeks: an agent's week k is the same as week k + N.

Setting (each ``[[contracts]]``): ``rotation_weeks`` [weeks]; none (the default) turns it
off. A team whose agents share the contract then works a fixed rotating pattern (week 1, 2,
.., N, then week 1 again); the optimisation chooses the pattern. Model, for unit :math:`u`
with :math:`m_u` agents, and each shift candidate :math:`c` on day :math:`d` with
:math:`d + 7N` in the horizon and :math:`c'` the same shift (local start and length)
:math:`7N` days later: :math:`x_{u,c} - x_{u,c'} = 0` (``rotation_weeks[unit_id, c]``; a
shift whose twin the unit may not take is fixed to 0). For a pool the rows say the pool
works the same number of each shift, which every rota of its agents does, so the pooled
model stays a relaxation. With frozen days before the horizon (:mod:`wfm.scheduling.history`,
e.g. the earlier windows of a rolling horizon) the first :math:`7N` days repeat the frozen
ones: the frozen shift :math:`7N` days before is worked again (:math:`x_{u,c} = m_u`) and a
frozen day off stays off (``rotation_frozen[unit_id, day]``).

A horizon of at most N weeks has nothing to repeat. The check compares each day of a rota
with the day 7N days later and reports every difference.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wfm.config import Contract
from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import (
    ModelContext,
    Rule,
    add_equal_rows,
    agent_text,
    contract_settings,
)
from wfm.timegrid import DAYS_PER_WEEK


def period_of(contract: Contract) -> int | None:
    """Days after which the contract's rota repeats [days], or ``None`` without a rotation."""
    return None if contract.rotation_weeks is None else DAYS_PER_WEEK * contract.rotation_weeks


def clock_text(minute: int, length_minutes: int) -> str:
    """``08:00-16:00`` for a shift starting at ``minute`` past midnight.

    >>> clock_text(480, 480), clock_text(1320, 540)
    ('08:00-16:00', '22:00-07:00')
    """
    end = (minute + length_minutes) % (24 * 60)
    return f"{minute // 60:02d}:{minute % 60:02d}-{end // 60:02d}:{end % 60:02d}"


class Rotation(Rule):
    """Weeks repeating every N weeks."""

    name = "rotation_weeks"
    title = "Rotation repeating every N weeks"
    description = (
        "Each agent's week k is the same as week k + rotation_weeks (the same shifts on the same "
        "weekdays), so a team works a fixed rotating pattern over a longer horizon; the first "
        "weeks repeat the frozen weeks before the horizon when there are any (a rolling "
        "horizon's earlier windows)."
    )
    settings = contract_settings(rotation_weeks="weeks")

    def diagnose(self, instance) -> list[str]:
        """Agents whose shifts allowed in every week of a rotation class leave fewer
        weekdays than the contract's minimum days, and frozen shifts the rotation must
        repeat that the agent may not take."""
        rotating = [
            a for a, contract in enumerate(instance.contracts) if period_of(contract) is not None
        ]
        if not rotating:
            return []
        n_days = int(instance.grid.days)
        shifts = instance.eligible.merge(
            instance.candidates[["candidate", "day", "start_minute", "length_minutes"]],
            on="candidate",
        )
        shifts = shifts[shifts["agent"].isin(rotating)]
        allowed: dict[int, dict[int, set[tuple[int, int]]]] = {a: {} for a in rotating}
        for a, day, start, length in shifts[
            ["agent", "day", "start_minute", "length_minutes"]
        ].itertuples(index=False):
            allowed[int(a)].setdefault(int(day), set()).add((int(start), int(length)))
        problems = []
        for a in rotating:
            agent, contract = instance.agents[a], instance.contracts[a]
            problems.extend(self._short_classes(instance, a, allowed[a], n_days))
            problems.extend(
                self._frozen_shifts_out_of_reach(instance, agent, contract, a, allowed[a], n_days)
            )
        return problems

    def _short_classes(self, instance, a: int, allowed: dict, n_days: int) -> list[str]:
        agent, contract = instance.agents[a], instance.contracts[a]
        weeks = n_days // DAYS_PER_WEEK
        n = contract.rotation_weeks
        out = []
        for first_week in range(min(n, weeks)):
            tied = list(range(first_week, weeks, n))
            if len(tied) < 2 or contract.min_days_per_week == 0:
                continue
            usable, lost = 0, []
            for weekday in range(DAYS_PER_WEEK):
                days = [DAYS_PER_WEEK * week + weekday for week in tied]
                common = set.intersection(*(allowed.get(day, set()) for day in days))
                if common:
                    usable += 1
                elif any(allowed.get(day) for day in days):
                    lost.extend(day for day in days if not allowed.get(day))
            if usable < contract.min_days_per_week:
                dates = ", ".join(
                    str(instance.grid.start_date + dt.timedelta(days=d)) for d in lost
                )
                week_list = ", ".join(str(week + 1) for week in tied)
                out.append(
                    f"{agent_text(agent, contract)} must work the same shifts in weeks "
                    f"{week_list} (rotation_weeks = {n}), which leaves only {usable} weekdays with "
                    f"a shift allowed in all of them"
                    + (f" (none allowed on {dates})" if dates else "")
                    + f", fewer than the contract's min_days_per_week of "
                    f"{contract.min_days_per_week}"
                )
        return out

    def _frozen_shifts_out_of_reach(
        self, instance, agent, contract, a: int, allowed: dict, n_days: int
    ) -> list[str]:
        history = instance.history
        period = period_of(contract)
        if history is None:
            return []
        out = []
        for day in range(min(period, n_days)):
            shift = history.shift_on(a, day - period)
            if shift is None or shift in allowed.get(day, set()):
                continue
            date = instance.grid.start_date + dt.timedelta(days=day)
            before = date - dt.timedelta(days=period)
            out.append(
                f"{agent_text(agent, contract)} worked {clock_text(*shift)} on {before} (frozen "
                f"rota) and must work it again on {date} (rotation_weeks = "
                f"{contract.rotation_weeks}), but may not take that shift then (time off, "
                f"opening hours or the contract's shifts)"
            )
        return out

    def add_constraints(self, context: ModelContext) -> None:
        if all(period_of(unit.contract) is None for unit in context.workforce.units):
            return
        keys = context.instance.candidates[["candidate", "day", "start_minute", "length_minutes"]]
        shift_of = {int(c): (int(d), int(s), int(n)) for c, d, s, n in keys.itertuples(index=False)}
        candidate_of = {key: c for c, key in shift_of.items()}
        self.add_repeat_rows(context, shift_of, candidate_of)
        if context.open_horizon:
            self.add_frozen_rows(context, candidate_of)

    def add_repeat_rows(self, context: ModelContext, shift_of: dict, candidate_of: dict) -> None:
        """``rotation_weeks[unit_id, c]``: each shift equals its twin 7N days later."""
        n_days = context.n_days
        rows = {}
        for u, table in context.shifts.groupby("unit", sort=True):
            unit = context.workforce.units[int(u)]
            period = period_of(unit.contract)
            if period is None or period >= n_days:
                continue
            var_of = dict(zip(table["candidate"].astype(int), table["var"], strict=True))
            for c, x in var_of.items():
                day, start, length = shift_of[c]
                if day + period < n_days:
                    twin = var_of.get(candidate_of.get((day + period, start, length)))
                    terms = ([1.0, -1.0], [x, twin]) if twin is not None else ([1.0], [x])
                    rows[unit.unit_id, c] = (*terms, 0.0)
                elif candidate_of.get((day - period, start, length)) not in var_of:
                    rows[unit.unit_id, c] = ([1.0], [x], 0.0)  # its twin is not allowed
        add_equal_rows(context.model, "rotation_weeks", rows)

    def add_frozen_rows(self, context: ModelContext, candidate_of: dict) -> None:
        """``rotation_frozen[unit_id, day]``: the first 7N days repeat the frozen ones."""
        history = context.instance.history
        var_of = {
            (int(u), int(c)): x
            for u, c, x in context.shifts[["unit", "candidate", "var"]].itertuples(index=False)
        }
        rows = {}
        for u, unit in enumerate(context.workforce.units):
            period = period_of(unit.contract)
            if period is None:
                continue
            mine = context.days_of.get(u, {})
            for day in range(min(period, context.n_days)):
                if not history.known(day - period):
                    continue
                shift = history.shift_on(unit.agents[0], day - period)
                variables = mine.get(day, [])
                if shift is None:
                    if variables:
                        rows[unit.unit_id, day] = ([1.0] * len(variables), variables, 0.0)
                    continue
                twin = var_of.get((u, candidate_of.get((day, *shift))))
                chosen = [twin] if twin is not None else variables  # none: the diagnosis says
                if not chosen:
                    continue
                rows[unit.unit_id, day] = ([1.0] * len(chosen), chosen, float(unit.size))
        add_equal_rows(context.model, "rotation_frozen", rows)

    def check(self, view) -> list[Violation]:
        out: list[Violation] = []
        first = view.weeks[0].date()
        last = (view.weeks[-1] - pd.Timedelta(hours=1)).date()
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            period = period_of(contract)
            if period is None:
                continue
            days = view.days_of(agent)
            worked = {
                day: (start, end)
                for day, start, end in zip(days["day"], days["start"], days["end"], strict=True)
            }
            date = first
            while date + dt.timedelta(days=period) <= last:
                later = date + dt.timedelta(days=period)
                a, b = worked.get(date), worked.get(later)
                if _shift_key(a) != _shift_key(b):
                    start, end = b or a
                    out.append(
                        Violation(
                            agent,
                            "contract_rotation",
                            contract_source(contract),
                            start,
                            end,
                            float(period),
                            float(period),
                            "days",
                            f"{agent}: {_shift_text(a)} on {date} but {_shift_text(b)} on "
                            f"{later}, contract {contract.name} repeats every "
                            f"{contract.rotation_weeks} week"
                            f"{'s' if contract.rotation_weeks > 1 else ''} (rotation_weeks)",
                        )
                    )
                date += dt.timedelta(days=1)
        return out


def _shift_key(span) -> tuple[int, int] | None:
    """(local start minute, length [minutes]) of a worked day, ``None`` for a day off."""
    if span is None:
        return None
    start, end = pd.Timestamp(span[0]), pd.Timestamp(span[1])
    return start.hour * 60 + start.minute, int(round((end - start).total_seconds() / 60))


def _shift_text(span) -> str:
    key = _shift_key(span)
    return "off" if key is None else clock_text(*key)


RULE = Rotation()
