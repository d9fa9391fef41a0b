"""Stage 2 of the rota search: an integer pooled rota near the LP solution, shared out
among the pools' agents (:mod:`wfm.scheduling.pooled`), the clashing agents repaired in a
small exact model, and the rota completed in the exact model."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import pandas as pd

from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.pooled import ShareOut, rounding_bounds, share_out_pools
from wfm.scheduling.search.context import SearchContext
from wfm.scheduling.search.outcome import run_outcome
from wfm.scheduling.search.pairs import pooled_break_start, read_pairs, start_values
from wfm.scheduling.search.support import shifts_used_by_group
from wfm.scheduling.solve import relative_gap
from wfm.scheduling.workforce import Workforce, agent_workforce

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PooledOutcome:
    """What the pooled stage found: the exact model holding its rota, the rota's cost
    [cost units] and its (agent, candidate) pairs; all ``None`` without a rota."""

    model: LinearModel | None = None
    objective: float | None = None
    pairs: pd.DataFrame | None = None
    label: str = "the shared-out pooled rota"


def pooled_rota(
    context: SearchContext, pooled_model: LinearModel, pooled: Workforce, bound: float | None
) -> PooledOutcome:
    """Stage 2 of :func:`solve_rota`: round the pooled relaxation to an integer pooled
    solution (HiGHS on the pooled model with its integer variables narrowed to the integers
    next to their LP values), share it out among the agents (:mod:`wfm.scheduling.pooled`),
    repair the pools that cannot be shared out (:func:`repair_pairs`) and complete the rota
    in the exact model.

    Parameters
    ----------
    context
        The search's instance, budgets, gap target, model builder, HiGHS call and summary.
    pooled_model
        The pooled model (:func:`~wfm.scheduling.workforce.pooled_workforce`) holding its LP
        solution; it holds the integer pooled solution afterwards.
    pooled
        Its pools.
    bound
        The proven lower bound on the rota's cost [cost units], if known.
    """
    instance, budget, steps = context.instance, context.budget, context.steps
    solve, build, target = context.solve, context.build, context.target
    gap_target = context.gap_target
    stage = "stage 2 (pooled MIP around the LP solution)"
    with rounding_bounds([pooled_model.x, pooled_model.day_pattern, pooled_model.y]):
        rounded = solve(
            pooled_model,
            stage,
            start=[],
            relative_gap=gap_target / 2,
            objective_target=target(bound),
            node_limit=budget.pooled_rounding_nodes,
            solution_limit=budget.pooled_rounding_solutions,
        )
    steps.append(
        f"stage 2: pooled MIP around the LP solution: {run_outcome(rounded, target(bound))}"
    )
    if not rounded.status.has_solution and not rounded.time_limited:
        # The neighbourhood of the LP solution holds no integer pooled solution (e.g. pools
        # split by carried availability): the whole pooled model is still small, whatever
        # the number of agents, so search it on the repair budget before the exact stages.
        # (The caller restores the LP values for stages 3 and 4.)
        rounded = solve(
            pooled_model,
            "stage 2 (pooled MIP)",
            start=[],
            relative_gap=gap_target / 2,
            objective_target=target(bound),
            node_limit=budget.repair_nodes,
        )
        steps.append(f"stage 2: pooled MIP on all shifts: {run_outcome(rounded, target(bound))}")
    if not rounded.status.has_solution:
        return PooledOutcome()
    outcome = share_out_pools(pooled_model, pooled, instance)
    moved = (
        f" ({outcome.moved} agent-days moved to another shift for the rest between shifts)"
        if outcome.moved
        else ""
    )
    if outcome.complete:
        exact = build(agent_workforce(instance, outcome.pairs))
        objective_target = rounded.objective + 1e-6 * max(1.0, abs(rounded.objective))
        if outcome.moved and bound is not None:
            # Moved shifts change the coverage: stop at the gap target instead.
            objective_target = max(objective_target, target(bound))
        run = solve(
            exact,
            "stage 2 (completing the shared-out rota)",
            # The shifts, and the pooled group counts and break starts where the share-out
            # kept them: every integer column, so HiGHS completes the start by an LP.
            start=start_values(exact, instance, outcome.pairs)
            + pooled_break_start(exact, pooled_model, instance, outcome.pairs),
            grace=True,
            relative_gap=0.0,
            objective_target=objective_target,
            node_limit=budget.share_out_check_nodes,
        )
        steps.append(
            f"stage 2: shared out to {len(outcome.pairs)} agent-shifts{moved}: exact model "
            f"{run_outcome(run, target(bound))}"
        )
        # HiGHS may drop shifts that cost more than they cover: read back what it kept.
        pairs = read_pairs(exact, instance) if run.status.has_solution else None
        if (
            pairs is not None
            and outcome.moved_agents
            and (relative_gap(run.objective, bound) or 0.0) > gap_target + 1e-12
        ):
            # The moved shifts cost coverage: let the moved agents choose again, the others
            # keeping the completed rota.
            steps.append(f"stage 2: repair model over the {len(outcome.moved_agents)} moved agents")
            retry = dataclasses.replace(outcome, pairs=pairs, clashing=outcome.moved_agents)
            repaired = repair_share_out(
                context, retry, pooled_model, pooled, bound, scopes=(False,)
            )
            if repaired.model is not None and repaired.objective < run.objective - 1e-9:
                return repaired
    else:
        reasons = "; ".join(f"{unit}: {why}" for unit, why in outcome.unplaced.items())
        clashing = (
            f"{len(outcome.clashing)} agents with no shift that keeps their rest on a working day"
            if outcome.clashing
            else ""
        )
        n_agents = len(outcome.unplaced_agents(pooled))
        steps.append(
            f"stage 2: {len(outcome.unplaced)} pools not shared out"
            f"{f' ({reasons})' if reasons else ''}{'; ' + clashing if clashing else ''}{moved}; "
            f"repair model over their {n_agents} agents"
        )
        return repair_share_out(context, outcome, pooled_model, pooled, bound)
    if not run.status.has_solution:
        return PooledOutcome()
    return PooledOutcome(exact, run.objective, pairs)


def repair_share_out(
    context: SearchContext,
    outcome: ShareOut,
    pooled_model: LinearModel,
    pooled: Workforce,
    bound: float | None,
    scopes: tuple[bool, ...] = (False, True),
) -> PooledOutcome:
    """The repair model of stage 2 (:func:`repair_pairs`): the agents of ``outcome``'s
    unplaced pools and its clashing agents choose their shifts again, the others keep theirs;
    first among the shifts the pooled solution uses, then (``scopes``) among every allowed
    shift. ``context``, ``pooled_model``, ``pooled`` and ``bound`` as for :func:`pooled_rota`."""
    instance, target = context.instance, context.target
    for every_shift in scopes:
        allowed = repair_pairs(outcome, pooled_model, pooled, instance, every_shift=every_shift)
        exact = context.build(agent_workforce(instance, allowed))
        run = context.solve(
            exact,
            "stage 2 (repairing the share-out)",
            start=start_values(exact, instance, outcome.pairs),
            relative_gap=0.0,
            objective_target=target(bound),
            node_limit=context.budget.repair_nodes,
        )
        scope = "every allowed shift" if every_shift else "the shifts the pooled solution uses"
        context.steps.append(
            f"stage 2: repair model on {len(allowed)} agent-shift pairs ({scope}): {run_outcome(run, target(bound))}"
        )
        if run.status.has_solution:
            return PooledOutcome(
                exact, run.objective, read_pairs(exact, instance), "the repaired share-out"
            )
        if run.time_limited:
            break
    return PooledOutcome()


def repair_pairs(
    outcome: ShareOut,
    pooled_model: LinearModel,
    pooled: Workforce,
    instance: RotaInstance,
    *,
    every_shift: bool = False,
) -> pd.DataFrame:
    """The (agent, candidate) pairs of the repair model: the placed pools' agents keep their
    shared-out shifts; each agent of an unplaced pool may take every shift that the pooled
    solution gives any pool of the agent's contract and skill group (and that the agent is
    allowed), or with ``every_shift`` every shift the agent is allowed (when the rest rule
    needs shifts the pooled solution does not use). Columns ``agent`` and ``candidate``.

    The repair model is small (only the clashing pools' agents choose), holds every rule of
    the exact model and starts from the placed pools' shifts; unlike the pooled counts it
    lets HiGHS move the clashing agents' shifts (e.g. an early start after a late finish)
    to where the rest between shifts holds.
    """
    used = shifts_used_by_group(pooled_model, pooled)
    agents = outcome.unplaced_agents(pooled)
    if every_shift:
        free = instance.eligible[instance.eligible["agent"].isin(agents)][["agent", "candidate"]]
        return (
            pd.concat([outcome.pairs, free], ignore_index=True)
            .drop_duplicates()
            .sort_values(["agent", "candidate"], ignore_index=True)
        )
    key_of = {a: (unit.contract.name, unit.group) for unit in pooled.units for a in unit.agents}
    free = pd.DataFrame(
        [(agent, candidate) for agent in agents for candidate in used.get(key_of[agent], ())],
        columns=["agent", "candidate"],
        dtype="int64",
    ).merge(instance.eligible, on=["agent", "candidate"])
    return (
        pd.concat([outcome.pairs, free], ignore_index=True)
        .drop_duplicates()
        .sort_values(["agent", "candidate"], ignore_index=True)
    )
