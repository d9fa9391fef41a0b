"""The same start time across an agent's week: at most N different start times (hard), and a
price on each start time beyond the first (soft).

Settings (each ``[[contracts]]``): ``max_start_times_per_week`` (none: no limit) and
``extra_start_time_cost`` [cost units] (0: off). Model, for unit :math:`u`, calendar week
:math:`b` and each local start time :math:`\\tau` of its allowed shifts that week, a
continuous :math:`s_{u,b,\\tau} \\in [0, m_u]` with
:math:`\\sum_{c \\in d, \\tau} x_{u,c} \\le s_{u,b,\\tau}` for each day :math:`d` of the
week (``start_time_used``), :math:`\\sum_\\tau s_{u,b,\\tau} \\le N m_u`
(``max_start_times_per_week``), and for the soft price :math:`e_{u,b} \\ge \\sum_\\tau
s_{u,b,\\tau} - m_u`, :math:`e \\ge 0`, costing ``extra_start_time_cost`` each. With
:math:`x` binary for one agent, :math:`s` equals 1 on every start time used, so the rows are
exact; for a pool, :math:`s` bounds the agents using a start time, a relaxation.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd

from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import ModelContext, Rule, contract_settings
from wfm.timegrid import DAYS_PER_WEEK

#: Most combinations of start times the diagnosis tries per agent and week.
MAX_COMBINATIONS = 5000


class SameStartTime(Rule):
    """Start times in an agent's week."""

    name = "same_start_time"
    title = "Same start time across the week"
    description = (
        "An agent's shifts start at no more than max_start_times_per_week different local times "
        "in each calendar week (1: the same start all week), hard; extra_start_time_cost prices "
        "each start time beyond the first instead (soft)."
    )
    settings = contract_settings(
        max_start_times_per_week="start times", extra_start_time_cost="cost units"
    )

    def diagnose(self, instance) -> list[str]:
        """Agents whose allowed shifts in a whole week cannot give the contract's minimum
        days from any ``max_start_times_per_week`` start times."""
        problems = []
        if instance.eligible.empty:
            return problems
        shifts = instance.eligible.merge(
            instance.candidates[["candidate", "day", "start_minute"]], on="candidate"
        )
        for index, (agent, contract) in enumerate(
            zip(instance.agents, instance.contracts, strict=True)
        ):
            most = contract.max_start_times_per_week
            if most is None or contract.min_days_per_week == 0:
                continue
            mine = shifts[shifts["agent"] == index]
            for week in range(int(instance.grid.days) // DAYS_PER_WEEK):
                in_week = mine[mine["day"] // DAYS_PER_WEEK == week]
                days_of = {
                    int(t): set(g["day"].tolist()) for t, g in in_week.groupby("start_minute")
                }
                starts = sorted(days_of)
                size = min(most, len(starts))
                combos = itertools.combinations(starts, size)
                best = 0
                for k, combo in enumerate(combos):
                    if k >= MAX_COMBINATIONS:
                        best = DAYS_PER_WEEK  # too many to try: no finding
                        break
                    best = max(best, len(set().union(*(days_of[t] for t in combo))))
                if best < contract.min_days_per_week:
                    first = instance.grid.start_date + dt.timedelta(days=week * DAYS_PER_WEEK)
                    problems.append(
                        f"agent '{agent.agent_id}' ({agent.name}, contract '{contract.name}') may "
                        f"start at {most} different time{'s' if most > 1 else ''} a week at most "
                        f"(max_start_times_per_week), but in the week from {first} those give "
                        f"shifts they may take on only {best} days, fewer than the contract's "
                        f"{contract.min_days_per_week}"
                    )
        return problems

    def add_constraints(self, context: ModelContext):
        units = context.workforce.units
        if not any(
            u.contract.max_start_times_per_week is not None or u.contract.extra_start_time_cost > 0
            for u in units
        ):
            return None
        starts = context.instance.candidates.set_index("candidate")["start_minute"]
        frame = context.shifts.assign(
            week=context.shifts["day"] // DAYS_PER_WEEK,
            start=starts.reindex(context.shifts["candidate"]).to_numpy(),
        )
        keys, used, totals, extras, sizes = [], {}, {}, {}, {}
        for (u, week), group in frame.groupby(["unit", "week"], sort=True):
            unit = units[u]
            contract = unit.contract
            most, price = contract.max_start_times_per_week, contract.extra_start_time_cost
            n_starts = group["start"].nunique()
            if (most is None or n_starts <= most) and (price <= 0 or n_starts <= 1):
                continue
            mine = []
            for start, by_start in group.groupby("start", sort=True):
                key = (unit.unit_id, int(week), int(start))
                keys.append(key)
                mine.append(key)
                sizes[key] = unit.size
                for day, on_day in by_start.groupby("day", sort=True):
                    used[(*key, int(day))] = list(on_day["var"])
            if most is not None and n_starts > most:
                totals[unit.unit_id, int(week)] = (mine, most * unit.size)
            if price > 0:
                extras[unit.unit_id, int(week)] = (mine, unit.size, price)
        if not keys:
            return None
        model = context.model
        start_time = model.add_variables(
            "start_time", keys, lower=0.0, upper=[sizes[key] for key in keys]
        )
        model.add_rows(
            "start_time_used",
            {
                key: ([1.0] * len(columns) + [-1.0], list(columns) + [start_time[key[:3]]])
                for key, columns in used.items()
            },
            upper=0.0,
        )
        if totals:
            model.add_upper_rows(
                "max_start_times_per_week",
                {
                    key: ([1.0] * len(mine), [start_time[k] for k in mine], bound)
                    for key, (mine, bound) in totals.items()
                },
            )
        if not extras:
            return None
        extra = model.add_variables("extra_start_times", list(extras), lower=0.0)
        model.add_upper_rows(
            "extra_start_times_row",
            {
                key: (
                    [1.0] * len(mine) + [-1.0],
                    [start_time[k] for k in mine] + [extra[key]],
                    size,
                )
                for key, (mine, size, _) in extras.items()
            },
        )
        return model.add_expression(
            "extra_start_times_cost",
            extra.column_of(list(extras)),
            [extras[key][2] for key in extras],
        )

    def check(self, view) -> list[Violation]:
        out = []
        shifts = view.shifts
        if shifts.empty:
            return out
        week_of = {
            (row.agent_id, row.day): int(w)
            for row, w in zip(view.days.itertuples(), view.week_of_day, strict=True)
        }
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            most = contract.max_start_times_per_week
            if most is None:
                continue
            mine = shifts[shifts["agent_id"] == agent]
            clock = pd.DatetimeIndex(mine["start"]).strftime("%H:%M")
            weeks = [week_of[agent, day] for day in mine["date"]]
            for w, group in mine.assign(clock=clock, week=weeks).groupby("week", sort=True):
                found = sorted(set(group["clock"]))
                if len(found) <= most:
                    continue
                out.append(
                    Violation(
                        agent,
                        "contract_start_times",
                        contract_source(contract),
                        view.weeks[w],
                        view.weeks[w + 1],
                        float(len(found)),
                        float(most),
                        "start times",
                        f"{agent}: shifts start at {len(found)} different times "
                        f"({', '.join(found)}) in {view.week_text(w)}, contract {contract.name} "
                        f"allows at most {most}",
                    )
                )
        return out


RULE = SameStartTime()
