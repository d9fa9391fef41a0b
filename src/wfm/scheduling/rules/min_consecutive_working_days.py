"""Every run of working days is at least M days long.

Setting (each ``[[contracts]]``): ``min_consecutive_working_days`` [days]; 1 (the default)
turns it off. Model, with :math:`w_{u,d}` the working indicator (agents working, for a pool)
and the horizon read as a repeating pattern (one week) or a line of weeks, as for the most
working days in a row: a run
that starts on day :math:`d` (worked, day before off) goes on for :math:`M - 1` more days,
:math:`w_{u,d} - w_{u,d-1} - w_{u,d+i} \\le 0` for :math:`i = 1 .. M-1`
(``min_consecutive_working_days[unit_id, d, i]``). Summed over a pool's agents the rows
hold for the pool, so the pooled model stays a relaxation. A rota check reports runs
shorter than M that lie inside the checked weeks (a run touching the first or last day may
continue outside the rota and is not reported).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import (
    ModelContext,
    ShortestRunRule,
    agent_text,
    agents_bound_by,
    combined,
    contract_settings,
    contracts_and_agents,
    run_length_applies,
    run_row_days,
    run_row_terms,
    who,
)
from wfm.scheduling.rules.day_runs import runs
from wfm.scheduling.rules.max_consecutive_working_days import limit_of


class MinConsecutiveWorkingDays(ShortestRunRule):
    """Shortest run of working days."""

    name = "min_consecutive_working_days"
    title = "Fewest working days in a row"
    description = (
        "Every run of working days is at least min_consecutive_working_days long (no lone "
        "working day when 2), a one-week horizon read as a repeating pattern, a longer one "
        "as a line of weeks, continuing the frozen weeks before it when given (a rolling "
        "horizon's earlier windows)."
    )
    setting = "min_consecutive_working_days"
    settings = contract_settings(min_consecutive_working_days="days")

    def diagnose(self, instance) -> list[str]:
        problems = []
        for contract, names in contracts_and_agents(instance):
            least = contract.min_consecutive_working_days
            if least > limit_of(contract) and contract.min_days_per_week > 0:
                problems.append(
                    f"contract '{contract.name}' needs every run of working days to be at least "
                    f"{least} days but allows at most {limit_of(contract)} working days in a row "
                    f"(max_consecutive_working_days), so its {who(names)} "
                    f"cannot work the contract's {contract.min_days_per_week} days a week"
                )
        return problems + self.frozen_run_problems(instance)

    def frozen_run_problems(self, instance) -> list[str]:
        """Agents whose frozen days (:mod:`wfm.scheduling.history`) end with a run shorter
        than M that must go on into the horizon, on a day they may take no shift."""
        history = instance.history
        if history is None:
            return []
        workable: dict[int, set[int]] = {}
        days = instance.eligible.merge(instance.candidates[["candidate", "day"]], on="candidate")
        for a, day in zip(days["agent"], days["day"], strict=True):
            workable.setdefault(int(a), set()).add(int(day))
        problems = []
        for a, (agent, contract) in enumerate(
            zip(instance.agents, instance.contracts, strict=True)
        ):
            least = contract.min_consecutive_working_days
            worked = history.worked(a)
            run = 0
            while -(run + 1) in worked:
                run += 1
            if not run_length_applies(least) or run == 0 or run >= least:
                continue
            if not history.known(-(run + 1)):
                continue  # the run may have started before the frozen days
            missing = [d for d in range(least - run) if d not in workable.get(a, set())]
            if missing:
                start = instance.grid.start_date
                problems.append(
                    f"{agent_text(agent, contract)} worked only {run} day{'s' if run > 1 else ''} "
                    f"in a row up to {start - dt.timedelta(days=1)} (frozen rota) and must go on "
                    f"to {least} in a row (min_consecutive_working_days), but may take no shift on "
                    + ", ".join(str(start + dt.timedelta(days=d)) for d in missing)
                )
        return problems

    def rows_on_horizon(self, context: ModelContext) -> dict:
        rows = {}
        for unit, d, i, previous, later, mine in run_row_days(context, self.setting):
            if d not in mine:
                continue  # off that day: no run starts
            rows[unit.unit_id, d, i] = (
                *combined(
                    [(1.0, x) for x in mine[d]]
                    + [(-1.0, x) for x in [*mine.get(previous, []), *mine.get(later, [])]]
                ),
                0.0,
            )
        return rows

    def rows_after_frozen_days(self, context: ModelContext) -> dict:
        rows = {}
        for unit, d, i, before, today, after in run_row_terms(context, self.setting):
            coefs, variables = combined(
                [(1.0, x) for x in today[0]] + [(-1.0, x) for x in [*before[0], *after[0]]]
            )
            if variables:
                rows[unit.unit_id, d, i] = (coefs, variables, before[1] + after[1] - today[1])
        return rows

    def check(self, view) -> list[Violation]:
        out = []
        first_day = view.weeks[0].date()
        last_day = (view.weeks[-1] - pd.Timedelta(hours=1)).date()
        for agent, contract, least, days in agents_bound_by(view, self.name, run_length_applies):
            for start, end in runs(days["day"]):
                length = (end - start).days + 1
                if length >= least or start == first_day or end == last_day:
                    continue
                mine = days[(days["day"] >= start) & (days["day"] <= end)]
                out.append(
                    Violation(
                        agent,
                        "contract_min_consecutive_days",
                        contract_source(contract),
                        mine["start"].min(),
                        mine["end"].max(),
                        float(length),
                        float(least),
                        "days",
                        f"{agent}: a run of only {length} working day{'s' if length > 1 else ''} "
                        f"from {start} to {end}, contract {contract.name} requires at least "
                        f"{least} in a row",
                    )
                )
        return out


RULE = MinConsecutiveWorkingDays()
