"""Improving a shared-out rota one day at a time (a large neighbourhood search).

After stage 2 of the rota search (:mod:`wfm.scheduling.search.pooled_stage`) the shared-out
rota is often just above the gap target: its shifts follow the first integer pooled
solution, which the share-out and the exact break placement make slightly worse. Rather
than searching the whole exact model again (stage 3), the rota is re-solved one day at a
time in the exact model on the shifts the pooled solution uses (plus the rota's own): each
*neighbourhood* frees every agent's shift on one day and holds every other shift as it is.
HiGHS searches that small MIP for a rota within the target with two deterministic limits:
a node budget, and the target cost as ``objective_bound``, so that a day whose bound proves
the target out of reach ends at its root (a fraction of a second). The days are tried in
order until one gives a rota within the gap target. The model is built once; a
neighbourhood only changes column bounds.

Why one day, and no MIP start: on the sample centre (60 agents, one week of 15-minute
intervals, one thread, docs/benchmarks.md "Planning chain", 2026-12-07) freeing two days at a
time made HiGHS's root cut loop take 7-18 s of CPU time a neighbourhood against 0.2-3 s for
one day, and a MIP start above the target is rejected under ``objective_bound`` anyway.
Measured there with the search's budgets: the shared-out rota at 1.15 % reached 0.99 % on
day 0 in 5.6 s of CPU time, where stage 3 had taken 21 s to reach 0.64 %.

References
----------
.. [1] Shaw, P. (1998). "Using constraint programming and local search methods to solve
   vehicle routing problems". CP-98, LNCS 1520, 417-431 (large neighbourhood search).
.. [2] Danna, E., Rothberg, E. and Le Pape, C. (2005). "Exploring relaxation induced
   neighborhoods to improve MIP solutions". Mathematical Programming 102(1), 71-90.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.search.context import SearchContext
from wfm.scheduling.search.outcome import run_outcome
from wfm.scheduling.search.pairs import read_pairs
from wfm.scheduling.workforce import agent_workforce

logger = logging.getLogger(__name__)

#: Days freed together in one neighbourhood [days] (see the module docstring for why one).
DAYS_PER_NEIGHBOURHOOD = 1


@dataclass(frozen=True)
class Improvement:
    """What the improvement found: the exact model holding the better rota, its cost [cost
    units] and its (agent, candidate) pairs; ``model`` is ``None`` when no neighbourhood
    improved the rota."""

    model: LinearModel | None = None
    objective: float | None = None
    pairs: pd.DataFrame | None = None


def day_neighbourhoods(n_days: int, cyclic: bool) -> list[tuple[int, ...]]:
    """The days each neighbourhood frees, in the order they are tried: every run of
    :data:`DAYS_PER_NEIGHBOURHOOD` consecutive days (wrapping round a repeating horizon).

    >>> day_neighbourhoods(3, cyclic=False)
    [(0,), (1,), (2,)]
    """
    width = min(DAYS_PER_NEIGHBOURHOOD, n_days)
    last = n_days if cyclic and n_days > width else n_days - width + 1
    return [tuple((first + i) % n_days for i in range(width)) for first in range(last)]


def improve_rota(
    context: SearchContext,
    rota: pd.DataFrame,
    objective: float,
    support: pd.DataFrame,
    target_objective: float,
) -> Improvement:
    """Re-solve ``rota`` (cost ``objective``) one day at a time until it is within
    ``target_objective`` (see the module docstring).

    Parameters
    ----------
    context
        The search's instance, model builder, HiGHS call and summary (one entry appended);
        each neighbourhood gets ``context.budget.improvement_nodes`` branch-and-bound nodes
        (a deterministic work limit).
    rota
        The rota to improve: (agent, candidate) pairs, columns ``agent`` and ``candidate``.
    objective
        Its cost in the exact model [cost units].
    support
        Further (agent, candidate) pairs the neighbourhoods may use (the shifts of the
        pooled solution, :func:`~wfm.scheduling.search.support.relaxation_support`).
    target_objective
        The cost to reach [cost units] (the gap target against the bound): each
        neighbourhood's ``objective_bound`` and ``objective_target``.

    Returns
    -------
    Improvement
        The model with the rota found, or an empty one when no day reached the target.
    """
    instance = context.instance
    pairs = (
        pd.concat([support[["agent", "candidate"]], rota[["agent", "candidate"]]])
        .drop_duplicates()
        .sort_values(["agent", "candidate"], ignore_index=True)
    )
    model = context.build(agent_workforce(instance, pairs))
    agent_index = {agent.agent_id: a for a, agent in enumerate(instance.agents)}
    day_of = instance.candidates.set_index("candidate")["day"].astype("int64")
    columns = model.x.columns
    key_candidate = np.fromiter((int(c) for _, c in model.x.keys), np.int64, len(columns))
    key_agent = np.fromiter((agent_index[a] for a, _ in model.x.keys), np.int64, len(columns))
    key_day = day_of.reindex(key_candidate).to_numpy(dtype=np.int64)
    lower = model.col_lower[columns].copy()
    upper = model.col_upper[columns].copy()

    codes = rota["agent"].to_numpy(np.int64) * (key_candidate.max() + 1) + rota[
        "candidate"
    ].to_numpy(np.int64)
    held = np.isin(key_agent * (key_candidate.max() + 1) + key_candidate, codes).astype(float)

    reached: int | None = None
    tried = 0
    for days in day_neighbourhoods(int(instance.grid.days), instance.cyclic_days):
        free = np.isin(key_day, days)
        model.col_lower[columns] = np.where(free, lower, held)
        model.col_upper[columns] = np.where(free, upper, held)
        run = context.solve(
            model,
            f"stage 2 (re-solving day {days[0]})",
            start=[],  # a start above the target is rejected under objective_bound
            relative_gap=0.0,
            objective_target=target_objective,
            objective_bound=target_objective,
            node_limit=context.budget.improvement_nodes,
        )
        tried += 1
        logger.debug("stage 2, day %s re-solved: %s", days, run_outcome(run, target_objective))
        if run.status.has_solution and run.objective < objective - 1e-9:
            reached = days[0]
            break
        if run.time_limited:
            break
    model.col_lower[columns] = lower
    model.col_upper[columns] = upper
    context.steps.append(
        f"stage 2: one day at a time on {len(pairs)} agent-shift pairs: "
        + (
            f"a cheaper rota on day {reached}: {run_outcome(run, target_objective)}"
            if reached is not None
            else f"none of {tried} days gave a cheaper rota"
        )
    )
    if reached is None:
        return Improvement()
    return Improvement(model, run.objective, read_pairs(model, instance))
