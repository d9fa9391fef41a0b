"""Every week holds the start of a run of at least L days off in a row.

Setting (each ``[[contracts]]``): ``min_consecutive_days_off`` [days]; 0 turns it off. The
run may continue into the next week. In the model, together with the most working days in a
row, as a choice of day patterns per agent and week
(:func:`wfm.scheduling.day_patterns.add_consecutive_days_off`); before solving, both rules
are diagnosed together (:func:`day_pattern_problems`), as they shape the same week.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from wfm.config import Contract
from wfm.scheduling.instance import values_by_agent
from wfm.scheduling.rota_view import Violation, contract_source
from wfm.scheduling.rules.base import (
    ModelContext,
    Rule,
    agents_bound_by,
    contract_settings,
    contracts_and_agents,
    who,
)
from wfm.scheduling.rules.max_consecutive_working_days import limit_of
from wfm.scheduling.rules.weekly_hours_and_days import in_week, whole_weeks
from wfm.timegrid import DAYS_PER_WEEK


def week_patterns() -> np.ndarray:
    """Every set of working days of a week: boolean array of shape (128, 7), day 0 first."""
    return np.array(list(itertools.product([False, True], repeat=DAYS_PER_WEEK)), dtype=bool)


def pattern_rules(patterns: np.ndarray, contract: Contract) -> tuple[np.ndarray, np.ndarray]:
    """Which week patterns keep the contract's run of days off and its most working days in
    a row, read as one week on its own (a necessary condition inside a longer horizon).

    A pattern has its run of :math:`L` days off when some :math:`L` consecutive days from a
    day of the week are off, the days after the week counting as off (the run may continue
    into the next week); it keeps the longest run when no :math:`K + 1` consecutive days of
    the week are worked.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Booleans per pattern: has the days-off run; keeps the longest run of working days.
    """
    length = contract.min_consecutive_days_off
    off = np.concatenate(
        [~patterns, np.ones((len(patterns), max(length - 1, 0)), dtype=bool)], axis=1
    )
    if length == 0:
        has_run = np.ones(len(patterns), dtype=bool)
    else:
        has_run = np.zeros(len(patterns), dtype=bool)
        for first in range(DAYS_PER_WEEK):
            has_run |= off[:, first : first + length].all(axis=1)
    limit = limit_of(contract)
    short_runs = np.ones(len(patterns), dtype=bool)
    for first in range(DAYS_PER_WEEK - limit):
        short_runs &= ~patterns[:, first : first + limit + 1].all(axis=1)
    return has_run, short_runs


def day_pattern_problems(instance) -> list[str]:
    """Contracts and agents whose working days a week cannot meet the rules on consecutive days.

    A contract conflicts with itself when its minimum working days and its run of
    ``min_consecutive_days_off`` days off need more than 7 days, or when
    ``max_consecutive_working_days`` :math:`K` leaves fewer working days in a week than its
    minimum (at most :math:`7 - \\lfloor 7 / (K + 1) \\rfloor`). Otherwise each agent's days
    with an allowed shift (templates, opening hours, availability, time off) in each whole
    week must hold some pattern of between the minimum and maximum working days that keeps
    both rules (:func:`pattern_rules`); the message names the agent, the week and the rule.
    """
    patterns = week_patterns()
    counts = patterns.sum(axis=1)
    problems: list[str] = []
    broken: set[str] = set()
    for contract, names in contracts_and_agents(instance):
        named = who(names)
        length = contract.min_consecutive_days_off
        if contract.min_days_per_week + length > DAYS_PER_WEEK:
            problems.append(
                f"contract '{contract.name}' needs at least {contract.min_days_per_week} working days a week and "
                f"{length} consecutive days off every week, {contract.min_days_per_week + length} days in all, "
                f"more than the 7 of a week, for its {named}"
            )
            broken.add(contract.name)
            continue
        most = DAYS_PER_WEEK - DAYS_PER_WEEK // (limit_of(contract) + 1)
        if contract.min_days_per_week > most:
            problems.append(
                f"contract '{contract.name}' needs at least {contract.min_days_per_week} working days a week, but "
                f"with at most {limit_of(contract)} working days in a row a week holds at most "
                f"{most}, for its {named}"
            )
            broken.add(contract.name)
    if instance.eligible.empty:
        return problems
    worked = instance.eligible.merge(instance.candidates[["candidate", "day"]], on="candidate")[
        ["agent", "day"]
    ]
    offered = {a: set(days) for a, days in values_by_agent(worked["agent"], worked["day"]).items()}
    weeks = whole_weeks(instance.grid.days)
    for index, (agent, contract) in enumerate(
        zip(instance.agents, instance.contracts, strict=True)
    ):
        if contract.name in broken or contract.min_days_per_week == 0:
            continue
        has_run, short_runs = pattern_rules(patterns, contract)
        for week in weeks:
            days = offered.get(index, set())
            allowed = np.array([week * DAYS_PER_WEEK + d in days for d in range(DAYS_PER_WEEK)])
            fits = ~(patterns & ~allowed).any(axis=1)
            fits &= (counts >= contract.min_days_per_week) & (counts <= contract.max_days_per_week)
            if not fits.any() or (fits & has_run & short_runs).any():
                continue  # too few days is reported by contract_problems
            rule = (
                f"{contract.min_consecutive_days_off} consecutive days off"
                if not (fits & has_run).any()
                else f"at most {limit_of(contract)} working days in a row"
            )
            weekdays = [
                (instance.grid.start_date + dt.timedelta(days=week * DAYS_PER_WEEK + d)).strftime(
                    "%a"
                )
                for d in range(DAYS_PER_WEEK)
                if allowed[d]
            ]
            text = (
                f"agent '{agent.agent_id}' ({agent.name}, contract '{contract.name}') may work only on "
                f"{', '.join(weekdays)}, where no choice of at least {contract.min_days_per_week} working days "
                f"leaves the contract's {rule}"
            )
            problems.append(
                text if len(weeks) == 1 else in_week(text, instance.grid.start_date, week)
            )
    return problems


def _is_positive(days: int) -> bool:
    """``min_consecutive_days_off`` of 0 days asks for no run of days off."""
    return days > 0


class ConsecutiveDaysOff(Rule):
    """A run of days off every week."""

    name = "consecutive_days_off"
    title = "A run of days off every week"
    description = (
        "Every calendar week holds the start of a run of at least min_consecutive_days_off "
        "days off in a row (it may continue into the next week); days after the rota's last "
        "week count as off."
    )
    settings = contract_settings(min_consecutive_days_off="days")

    def diagnose(self, instance) -> list[str]:
        return day_pattern_problems(instance)

    def add_constraints(self, context: ModelContext) -> None:
        from wfm.scheduling.day_patterns import add_consecutive_days_off

        add_consecutive_days_off(
            context.model,
            context.instance,
            context.workforce,
            context.shifts,
            paid_hours_patterns=context.paid_hours_patterns,
        )

    def check(self, view) -> list[Violation]:
        out: list[Violation] = []
        for agent, contract, run, days in agents_bound_by(
            view, "min_consecutive_days_off", _is_positive
        ):
            worked = {day.toordinal() for day in days["day"]}
            for w in range(view.n_weeks):
                monday = view.weeks[w].date().toordinal()
                if any(
                    all(day + i not in worked for i in range(run))
                    for day in range(monday, monday + 7)
                ):
                    continue
                out.append(
                    Violation(
                        agent,
                        "contract_consecutive_days_off",
                        contract_source(contract),
                        view.weeks[w],
                        view.weeks[w + 1],
                        0.0,
                        float(run),
                        "days",
                        f"{agent}: no {run} days off in a row starting in {view.week_text(w)}, "
                        f"contract {contract.name} requires {run} consecutive days off every week",
                    )
                )
        return out


RULE = ConsecutiveDaysOff()
