"""Diagnosis before solving: hard rules that no rota can meet, named in plain words.

The rota model has hard rules (contract hours and days, maximum shift length, break
windows, availability and time off). When they conflict, a MILP solver only says
"infeasible". These checks look at the rules one centre, contract or agent at a time and
name the rule, the agents and the numbers instead:

- a break rule whose window cannot fit inside the shifts long enough to need it
  (:func:`wfm.scheduling.shifts.break_fit_problems`);
- a contract whose longest shift is shorter than every template length;
- an agent with fewer days with an allowed shift than the contract's minimum days
  (more days off than days), or whose allowed shifts (after availability and time off)
  cannot give the contract's minimum hours, or whose shortest shifts on the minimum days
  exceed its maximum hours, in any calendar week of the horizon;
- a contract whose minimum working days leave no room for its run of consecutive days off
  or break its most working days in a row, and an agent whose available days allow no
  week pattern with the minimum days, the days-off run and the longest run of working
  days together (:func:`day_pattern_problems`).

:func:`check_contracts_reachable` raises one :class:`~wfm.errors.SolveError` listing every
problem found, one per line. The checks are necessary conditions, not sufficient ones:
rest rules between days can still make a contract unreachable; the solve then reports
``infeasible``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.data.schemas import Agent
from wfm.errors import SolveError
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.shifts import break_fit_problems

logger = logging.getLogger(__name__)

#: Days in a calendar week of the horizon [days].
DAYS_PER_WEEK = 7


def break_rule_problems(instance: RotaInstance) -> list[str]:
    """Break rules that cannot be placed in shifts of the templates that need them."""
    return [message for _, _, message in break_fit_problems(instance.centre)]


def shift_length_problems(instance: RotaInstance) -> tuple[list[str], set[str]]:
    """Contracts (of the agents scheduled) whose ``max_shift_minutes`` is below every
    template length.

    Returns
    -------
    (list of str, set of str)
        The messages, and the names of those contracts (their agents' own checks would
        only repeat it).
    """
    lengths = [
        length
        for template in instance.centre.shift_templates
        for length in template.lengths_minutes
    ]
    if not lengths:
        return [], set()
    shortest = min(lengths)
    problems, names = [], set()
    used: dict[str, list[str]] = {}
    for agent, contract in zip(instance.agents, instance.contracts, strict=True):
        used.setdefault(contract.name, []).append(agent.agent_id)
    for contract in dict.fromkeys(instance.contracts):
        if contract.max_shift_minutes < shortest and (
            contract.min_days_per_week > 0 or contract.min_hours_per_week > 0
        ):
            agents = used[contract.name]
            problems.append(
                f"contract '{contract.name}' allows shifts of at most {contract.max_shift_minutes} minutes, but the "
                f"shortest shift of every template is {shortest} minutes, so its {len(agents)} agent"
                f"{'s' if len(agents) > 1 else ''} ({', '.join(agents)}) can take no shift and cannot meet the "
                f"contract's minimum days ({contract.min_days_per_week}) and hours ({contract.min_hours_per_week:g})"
            )
            names.add(contract.name)
    return problems, names


def contract_problems(
    instance: RotaInstance, skip_contracts: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Plain-language reasons why some agent's contract cannot be met, every one found.

    For each agent, let :math:`D` be the days on which the agent may take some shift (the
    templates, the contract's maximum shift length, availability and time off), and
    :math:`p^{max}_d`, :math:`p^{min}_d` the longest and shortest paid time of those shifts
    on day :math:`d`. With :math:`k = \\min(|D|, \\text{max days})`, the contract is
    unreachable when

    - min days > :math:`|D|`;
    - min hours > the sum of the :math:`k` largest :math:`p^{max}_d`;
    - max hours < the sum of the min-days smallest :math:`p^{min}_d`.

    Agents on a contract in ``skip_contracts`` are not checked.
    """
    per_day = (
        instance.eligible.merge(
            instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate"
        )
        .groupby(["agent", "day"])["paid_minutes"]
        .agg(["min", "max"])
        .reset_index()
    )
    per_day["week"] = per_day["day"] // DAYS_PER_WEEK
    by_agent = {
        (int(agent), int(week)): frame
        for (agent, week), frame in per_day.groupby(["agent", "week"])
    }
    restricted = set()  # agents with a window in the horizon: their shortfall is "availability"
    if instance.availability is not None and not instance.availability.empty:
        grid = instance.grid
        horizon_end = grid.horizon[-1] + pd.Timedelta(minutes=grid.interval_minutes)
        windows = instance.availability
        in_horizon = (windows["end"] > grid.horizon[0]) & (windows["start"] < horizon_end)
        restricted = set(windows.loc[in_horizon, "agent_id"].astype(str))
    problems: list[str] = []
    empty = pd.DataFrame({"min": [], "max": []})
    weeks = whole_weeks(instance.grid.days)
    for index, (agent, contract) in enumerate(
        zip(instance.agents, instance.contracts, strict=True)
    ):
        if contract.name in skip_contracts:
            continue
        for week in weeks:
            frame = by_agent.get((index, week), empty)
            found = _agent_problems(agent, contract, frame, agent.agent_id in restricted)
            problems.extend(
                found if len(weeks) == 1 else [_in_week(text, instance, week) for text in found]
            )
    return problems


def whole_weeks(n_days: int) -> list[int]:
    """The calendar weeks (each 7 days from the start date) that lie wholly in a horizon of
    ``n_days`` days; a shorter last week has no minimum hours or days.

    >>> whole_weeks(7), whole_weeks(17)
    ([0], [0, 1])
    """
    return list(range(n_days // DAYS_PER_WEEK))


def _in_week(text: str, instance: RotaInstance, week: int) -> str:
    """``text`` with the week it is about, for horizons of more than one week."""
    first = instance.grid.start_date + dt.timedelta(days=DAYS_PER_WEEK * week)
    return f"week from {first.isoformat()}: {text}"


def _agent_problems(
    agent: Agent, contract: Contract, per_day: pd.DataFrame, has_availability: bool
) -> list[str]:
    """The contract problems of one agent; ``per_day`` has the ``min`` and ``max`` paid
    minutes of the agent's allowed shifts on each day with any."""
    who = f"agent '{agent.agent_id}' ({agent.name}, contract '{contract.name}')"
    n_days = len(per_day)
    days = f"{n_days} day{'s' if n_days != 1 else ''}"
    problems = []
    if contract.min_days_per_week > n_days:
        if has_availability:
            problems.append(
                f"{who}: available on only {days} with a shift they may take, but contract "
                f"'{contract.name}' needs at least {contract.min_days_per_week} working days"
            )
        else:
            problems.append(
                f"{who} must work at least {contract.min_days_per_week} days a week, but the shift templates "
                f"offer shifts they may take (at most {contract.max_shift_minutes} minutes long) on only "
                f"{days} of the week"
            )
    k = min(n_days, contract.max_days_per_week)
    longest = np.sort(per_day["max"].to_numpy(dtype=float))[::-1][:k].sum() / 60.0
    if contract.min_hours_per_week > longest + 1e-9:
        if has_availability:
            problems.append(
                f"{who}: available for {longest:.1f} h in the week but contract '{contract.name}' needs at least "
                f"{contract.min_hours_per_week:g} h"
            )
        else:
            problems.append(
                f"{who} must work at least {contract.min_hours_per_week:g} paid hours a week, but at most "
                f"{k} days of their longest allowed shifts give only {longest:g} paid hours"
            )
    shortest = (
        np.sort(per_day["min"].to_numpy(dtype=float))[: contract.min_days_per_week].sum() / 60.0
    )
    if shortest > contract.max_hours_per_week + 1e-9:
        problems.append(
            f"{who} must work at least {contract.min_days_per_week} days a week, but even the shortest "
            f"allowed shifts give {shortest:g} paid hours, more than the maximum of "
            f"{contract.max_hours_per_week:g}"
        )
    return problems


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
    limit = contract.max_consecutive_working_days
    short_runs = np.ones(len(patterns), dtype=bool)
    for first in range(DAYS_PER_WEEK - limit):
        short_runs &= ~patterns[:, first : first + limit + 1].all(axis=1)
    return has_run, short_runs


def day_pattern_problems(instance: RotaInstance) -> list[str]:
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
    agents_of: dict[str, list[str]] = {}
    for agent, contract in zip(instance.agents, instance.contracts, strict=True):
        agents_of.setdefault(contract.name, []).append(agent.agent_id)
    broken: set[str] = set()
    for contract in dict.fromkeys(instance.contracts):
        names = agents_of[contract.name]
        who = f"{len(names)} agent{'s' if len(names) > 1 else ''} ({', '.join(names)})"
        length = contract.min_consecutive_days_off
        if contract.min_days_per_week + length > DAYS_PER_WEEK:
            problems.append(
                f"contract '{contract.name}' needs at least {contract.min_days_per_week} working days a week and "
                f"{length} consecutive days off every week, {contract.min_days_per_week + length} days in all, "
                f"more than the 7 of a week, for its {who}"
            )
            broken.add(contract.name)
            continue
        most = DAYS_PER_WEEK - DAYS_PER_WEEK // (contract.max_consecutive_working_days + 1)
        if contract.min_days_per_week > most:
            problems.append(
                f"contract '{contract.name}' needs at least {contract.min_days_per_week} working days a week, but "
                f"with at most {contract.max_consecutive_working_days} working days in a row a week holds at most "
                f"{most}, for its {who}"
            )
            broken.add(contract.name)
    if instance.eligible.empty:
        return problems
    worked = instance.eligible.merge(instance.candidates[["candidate", "day"]], on="candidate")[
        ["agent", "day"]
    ]
    offered = {int(a): set(group["day"].tolist()) for a, group in worked.groupby("agent")}
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
                else f"at most {contract.max_consecutive_working_days} working days in a row"
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
            problems.append(text if len(weeks) == 1 else _in_week(text, instance, week))
    return problems


def rule_problems(instance: RotaInstance) -> list[str]:
    """Every hard-rule conflict found before solving, one plain-language line each:
    break rules, contract shift lengths, then each agent's contract against the shifts
    they may take, then the rules on consecutive days."""
    lengths, contracts = shift_length_problems(instance)
    return (
        break_rule_problems(instance)
        + lengths
        + contract_problems(instance, skip_contracts=contracts)
        + day_pattern_problems(instance)
    )


def check_contracts_reachable(instance: RotaInstance) -> None:
    """Raise :class:`~wfm.errors.SolveError` if the hard rules conflict before solving.

    The message lists every problem of :func:`rule_problems`, one per line, then the fixes.
    """
    problems = rule_problems(instance)
    if not problems:
        return
    text = (
        f"no rota can meet every hard rule ({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n"
        + "\n".join(f"- {problem}" for problem in problems)
        + "\nFix: lower the contract's minimum hours or days, allow longer shifts (max_shift_minutes), add shift "
        "templates on more days, move break windows that cannot fit, relax the consecutive-day rules "
        "(min_consecutive_days_off, max_consecutive_working_days), or check the agent's time off"
    )
    logger.warning(text)
    raise SolveError(text)
