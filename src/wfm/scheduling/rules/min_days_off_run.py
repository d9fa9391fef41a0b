"""Every run of days off between two working days is at least L days long.

Setting (each ``[[contracts]]``): ``min_days_off_run_length`` [days]; 1 (the default) turns
it off. This is stricter than ``min_consecutive_days_off`` (one such run each week): with 2,
no agent gets a lone day off. Model, with :math:`w_{u,d}` the working indicator and the
horizon read as a repeating pattern (one week) or a line of weeks
(:attr:`wfm.scheduling.instance.RotaInstance.cyclic_days`): a run of days off that starts on day :math:`d` (day
before worked, day :math:`d` off) lasts :math:`L` days,
:math:`w_{u,d-1} - w_{u,d} + w_{u,d+i} \\le m_u` for :math:`i = 1 .. L-1`
(``min_days_off_run_length[unit_id, d, i]``). A day on which the agent may take no shift
(the centre closed, time off) is a day off like any other.
"""

from __future__ import annotations

from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import (
    ModelContext,
    ShortestRunRule,
    agents_bound_by,
    combined,
    contract_settings,
    contracts_and_agents,
    run_length_applies,
    run_row_days,
    run_row_terms,
    who,
)
from wfm.scheduling.rules.day_runs import gaps
from wfm.timegrid import DAYS_PER_WEEK


class MinDaysOffRun(ShortestRunRule):
    """Shortest run of days off."""

    name = "min_days_off_run"
    title = "Fewest days off in a row"
    description = (
        "Every run of days off between two working days is at least min_days_off_run_length "
        "days long (no lone day off when 2), a one-week horizon read as a repeating pattern, "
        "a longer one as a line of weeks, continuing the frozen weeks before it when given; "
        "stricter than the weekly run of min_consecutive_days_off."
    )
    setting = "min_days_off_run_length"
    settings = contract_settings(min_days_off_run_length="days")

    def diagnose(self, instance) -> list[str]:
        """A contract that must leave days off in every week (``max_days_per_week`` below 7)
        but whose ``min_days_per_week`` leaves fewer days off than one run needs: a run can
        take at most 7 - min days from a week, and from two weeks when it crosses their
        boundary."""
        problems = []
        weeks = max(1, int(instance.grid.days) // DAYS_PER_WEEK)
        for contract, names in contracts_and_agents(instance):
            length = contract.min_days_off_run_length
            off = DAYS_PER_WEEK - contract.min_days_per_week
            room = off if weeks == 1 else 2 * off
            if (
                length > 1
                and contract.max_days_per_week < DAYS_PER_WEEK
                and contract.min_days_per_week > 0
                and room < length
            ):
                problems.append(
                    f"contract '{contract.name}' needs every run of days off to be at least {length} "
                    f"days, but with {contract.min_days_per_week} working days a week a run can hold "
                    f"at most {room} days off, for its {who(names)}"
                )
        return problems

    def rows_on_horizon(self, context: ModelContext) -> dict:
        rows = {}
        for unit, d, i, previous, later, mine in run_row_days(context, self.setting):
            before = mine.get(previous, [])
            if not before or previous == d or later == previous or later not in mine:
                continue  # off the day before (no run of days off starts) or off day d + i
            coefs, variables = combined(
                [(1.0, x) for x in before]
                + [(-1.0, x) for x in mine.get(d, [])]
                + [(1.0, x) for x in mine[later]]
            )
            rows[unit.unit_id, d, i] = (coefs, variables, unit.size)
        return rows

    def rows_after_frozen_days(self, context: ModelContext) -> dict:
        rows = {}
        for unit, d, i, before, today, after in run_row_terms(context, self.setting):
            if not (before[0] or before[1]) or not (after[0] or after[1]):
                continue  # off the day before, or off day d + i
            coefs, variables = combined(
                [(1.0, x) for x in before[0]]
                + [(-1.0, x) for x in today[0]]
                + [(1.0, x) for x in after[0]]
            )
            if variables:
                rows[unit.unit_id, d, i] = (
                    coefs,
                    variables,
                    unit.size - before[1] + today[1] - after[1],
                )
        return rows

    def check(self, view) -> list[Violation]:
        out = []
        for agent, contract, length, days in agents_bound_by(
            view, self.setting, run_length_applies
        ):
            for first, last in gaps(days["day"]):
                off = (last - first).days + 1
                if off >= length:
                    continue
                before = days[days["day"] < first]["end"].max()
                after = days[days["day"] > last]["start"].min()
                out.append(
                    Violation(
                        agent,
                        "contract_min_days_off_run",
                        contract_source(contract),
                        before,
                        after,
                        float(off),
                        float(length),
                        "days",
                        f"{agent}: only {off} day{'s' if off > 1 else ''} off from {first} to {last}, "
                        f"contract {contract.name} requires every run of days off to be at least "
                        f"{length} days",
                    )
                )
        return out


RULE = MinDaysOffRun()
