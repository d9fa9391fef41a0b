"""At most W working weekends over the horizon (hard).

Setting (each ``[[contracts]]``): ``max_working_weekends`` [weekends]; none (the default) for
no limit. A weekend is a Saturday and the Sunday after it (local dates); it is worked when a
shift starts on either day. Besides the soft fairness price on weekend days
(``scheduling.fairness_cost``), this is a hard limit per agent.

Model: for each unit and weekend with both days in the horizon, a continuous
:math:`v_{u,k} \\ge w_{u,sat}`, :math:`v_{u,k} \\ge w_{u,sun}`
(``working_weekend_sat``/``_sun``), and :math:`\\sum_k v_{u,k} \\le W m_u`
(``max_working_weekends``); a weekend with one day in the horizon counts that day's
:math:`w`. With :math:`w` binary for one agent, :math:`v` can sit at the larger of the two,
so the rows allow exactly the rotas with at most :math:`W` weekends worked.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wfm.scheduling.instance import values_by_agent
from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import (
    ModelContext,
    Rule,
    agents_bound_by,
    contract_settings,
    units_bound_by,
)
from wfm.timegrid import DAYS_PER_WEEK

SATURDAY, SUNDAY = 5, 6


def weekends(start_date: dt.date, n_days: int) -> list[tuple[int, ...]]:
    """The weekends of a horizon as tuples of its day indices (Saturday, Sunday; one day at
    an edge of the horizon).

    >>> weekends(dt.date(2025, 3, 3), 7)  # Monday: Saturday 5, Sunday 6
    [(5, 6)]
    >>> weekends(dt.date(2025, 3, 2), 7)  # Sunday first: the weekend before, then Sat 6
    [(0,), (6,)]
    """
    out: list[tuple[int, ...]] = []
    for day in range(n_days):
        weekday = (start_date + dt.timedelta(days=day)).weekday()
        if weekday == SATURDAY:
            out.append(tuple(d for d in (day, day + 1) if d < n_days))
        elif weekday == SUNDAY and day == 0:
            out.append((0,))
    return out


def _is_set(limit: int | None) -> bool:
    """``max_working_weekends`` unset (``None``) leaves weekends unlimited."""
    return limit is not None


class MaxWorkingWeekends(Rule):
    """Working weekends over the horizon."""

    name = "max_working_weekends"
    title = "Most working weekends"
    description = (
        "An agent works on at most max_working_weekends weekends over the horizon (a weekend "
        "is worked when a shift starts on its Saturday or Sunday); hard, besides the fairness "
        "price."
    )
    settings = contract_settings(max_working_weekends="weekends")

    def diagnose(self, instance) -> list[str]:
        """Agents whose weekday availability cannot give the contract's minimum days in some
        whole weeks without the weekend, in more weeks than the limit allows."""
        problems = []
        start, n_days = instance.grid.start_date, int(instance.grid.days)
        if instance.eligible.empty:
            return problems
        worked = instance.eligible.merge(instance.candidates[["candidate", "day"]], on="candidate")[
            ["agent", "day"]
        ]
        offered = {
            a: set(days) for a, days in values_by_agent(worked["agent"], worked["day"]).items()
        }
        for index, (agent, contract) in enumerate(
            zip(instance.agents, instance.contracts, strict=True)
        ):
            limit = contract.max_working_weekends
            if limit is None:
                continue
            forced = []
            for week in range(n_days // DAYS_PER_WEEK):
                days = [week * DAYS_PER_WEEK + d for d in range(DAYS_PER_WEEK)]
                weekdays = [
                    d
                    for d in days
                    if d in offered.get(index, set())
                    and (start + dt.timedelta(days=d)).weekday() < SATURDAY
                ]
                if len(weekdays) < contract.min_days_per_week:
                    forced.append(start + dt.timedelta(days=days[0]))
            if len(forced) > limit:
                listed = ", ".join(day.isoformat() for day in forced)
                problems.append(
                    f"agent '{agent.agent_id}' ({agent.name}, contract '{contract.name}') may work "
                    f"at most {limit} weekend{'s' if limit != 1 else ''}, but in the weeks from "
                    f"{listed} their weekdays with a shift they may take are fewer than the "
                    f"contract's {contract.min_days_per_week} days, so {len(forced)} weekends must "
                    "be worked"
                )
        return problems

    def add_constraints(self, context: ModelContext) -> None:
        model, instance = context.model, context.instance
        ends = weekends(instance.grid.start_date, context.n_days)
        keys, lower_sat, lower_sun, totals = [], {}, {}, {}
        for unit, limit, mine in units_bound_by(context, "max_working_weekends", _is_set):
            terms: list = []
            coefs: list[float] = []
            counted = 0
            for k, days in enumerate(ends):
                present = [d for d in days if d in mine]
                if not present:
                    continue
                counted += 1
                if len(present) == 1:
                    terms.extend(mine[present[0]])
                    coefs.extend([1.0] * len(mine[present[0]]))
                    continue
                keys.append((unit.unit_id, k))
                lower_sat[unit.unit_id, k] = mine[present[0]]
                lower_sun[unit.unit_id, k] = mine[present[1]]
                terms.append((unit.unit_id, k))
                coefs.append(1.0)
            if counted > limit:
                totals[unit.unit_id] = (coefs, terms, limit * unit.size)
        if not totals:
            return
        keys = [key for key in keys if key[0] in totals]
        sizes = {unit.unit_id: unit.size for unit in context.workforce.units}
        weekend = model.add_variables(
            "working_weekend", keys, lower=0.0, upper=[sizes[unit_id] for unit_id, _ in keys]
        )

        def at_least(rows):
            return {
                key: ([1.0] * len(rows[key]) + [-1.0], list(rows[key]) + [weekend[key]])
                for key in keys
            }

        model.add_rows("working_weekend_sat", at_least(lower_sat), upper=0.0)
        model.add_rows("working_weekend_sun", at_least(lower_sun), upper=0.0)
        model.add_upper_rows(
            "max_working_weekends",
            {
                unit_id: (
                    coefs,
                    [weekend[t] if isinstance(t, tuple) else t for t in terms],
                    bound,
                )
                for unit_id, (coefs, terms, bound) in totals.items()
            },
        )

    def check(self, view) -> list[Violation]:
        out = []
        for agent, contract, limit, days in agents_bound_by(view, "max_working_weekends", _is_set):
            saturdays = sorted(
                {
                    day - dt.timedelta(days=day.weekday() - SATURDAY)
                    for day in days["day"]
                    if day.weekday() >= SATURDAY
                }
            )
            if len(saturdays) <= limit:
                continue
            first, last = saturdays[0], saturdays[-1]
            timezone = view.weeks[0].tz
            out.append(
                Violation(
                    agent,
                    "contract_max_working_weekends",
                    contract_source(contract),
                    pd.Timestamp(first).tz_localize(timezone),
                    pd.Timestamp(last + dt.timedelta(days=2)).tz_localize(timezone),
                    float(len(saturdays)),
                    float(limit),
                    "weekends",
                    f"{agent}: works {len(saturdays)} weekends (from {first} to the weekend of "
                    f"{last}), contract {contract.name} allows at most {limit}",
                )
            )
        return out


RULE = MaxWorkingWeekends()
