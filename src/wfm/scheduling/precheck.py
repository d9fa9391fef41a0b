"""Cheap checks, before solving, that every agent's contract can be met at all.

The rota model has hard contract rules (minimum and maximum paid hours and days per week).
When one agent's rules cannot be met by any choice of that agent's shifts, the whole model
is infeasible and a MILP solver only says "infeasible". These checks look at each agent
alone, with the shifts the agent may take, and name the agent and the rule instead.

The checks are necessary conditions, not sufficient ones: rest rules between days can
still make a contract unreachable; the solve then reports ``infeasible``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.errors import SolveError
from wfm.scheduling.instance import RotaInstance

logger = logging.getLogger(__name__)

#: At most this many problems are listed in one error message.
MAX_PROBLEMS_LISTED = 10


def contract_problems(instance: RotaInstance) -> list[str]:
    """Plain-language reasons why some agent's contract cannot be met, one per problem.

    For each agent, let :math:`D` be the days on which the agent may take some shift, and
    :math:`p^{max}_d`, :math:`p^{min}_d` the longest and shortest paid time of those shifts
    on day :math:`d`. With :math:`k = \\min(|D|, \\text{max days})`, the contract is
    unreachable when

    - min days > :math:`|D|`;
    - min hours > the sum of the :math:`k` largest :math:`p^{max}_d`;
    - max hours < the sum of the min-days smallest :math:`p^{min}_d`.
    """
    per_day = (
        instance.eligible.merge(instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate")
        .groupby(["agent", "day"])["paid_minutes"]
        .agg(["min", "max"])
        .reset_index()
    )
    by_agent = {agent: frame for agent, frame in per_day.groupby("agent")}
    problems: list[str] = []
    empty = pd.DataFrame({"min": [], "max": []})
    for index, (agent, contract) in enumerate(zip(instance.agents, instance.contracts, strict=True)):
        frame = by_agent.get(index, empty)
        who = f"agent '{agent.agent_id}' ({agent.name}, contract '{contract.name}')"
        n_days = len(frame)
        if contract.min_days_per_week > n_days:
            problems.append(
                f"{who} must work at least {contract.min_days_per_week} days a week, but the shift templates "
                f"offer shifts they may take (at most {contract.max_shift_minutes} minutes long) on only "
                f"{n_days} days of the week"
            )
            continue
        k = min(n_days, contract.max_days_per_week)
        longest = np.sort(frame["max"].to_numpy(dtype=float))[::-1][:k].sum() / 60.0
        if contract.min_hours_per_week > longest + 1e-9:
            problems.append(
                f"{who} must work at least {contract.min_hours_per_week:g} paid hours a week, but at most "
                f"{k} days of their longest allowed shifts give only {longest:g} paid hours"
            )
            continue
        shortest = np.sort(frame["min"].to_numpy(dtype=float))[: contract.min_days_per_week].sum() / 60.0
        if shortest > contract.max_hours_per_week + 1e-9:
            problems.append(
                f"{who} must work at least {contract.min_days_per_week} days a week, but even the shortest "
                f"allowed shifts give {shortest:g} paid hours, more than the maximum of "
                f"{contract.max_hours_per_week:g}"
            )
    return problems


def check_contracts_reachable(instance: RotaInstance) -> None:
    """Raise :class:`~wfm.errors.SolveError` if some agent's contract cannot be met.

    The message lists the agents and rules (see :func:`contract_problems`) and the fixes.
    """
    problems = contract_problems(instance)
    if not problems:
        return
    listed = problems[:MAX_PROBLEMS_LISTED]
    more = len(problems) - len(listed)
    text = "no rota can meet every contract: " + "; ".join(listed)
    if more:
        text += f"; and {more} more"
    text += (
        ". Fix: lower the contract's minimum hours or days, allow longer shifts (max_shift_minutes), or add "
        "shift templates on more days"
    )
    logger.warning(text)
    raise SolveError(text)
