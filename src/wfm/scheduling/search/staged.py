"""The driver of the rota search: stage by stage (see :mod:`wfm.scheduling.search`), on
deterministic work budgets with a CPU-time limit as a reported safety net."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence

import pandas as pd

from wfm.config import SchedulingSettings
from wfm.highs_cpu_limit import thread_cpu_seconds
from wfm.progress import ProgressCallback, no_progress
from wfm.scheduling.budget import DEFAULT_BUDGET, SearchBudget, SearchClock
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import ModelExtension, build_rota_model
from wfm.scheduling.pooled import kept_values
from wfm.scheduling.search.context import SearchContext
from wfm.scheduling.search.improve import improve_rota
from wfm.scheduling.search.outcome import SearchResult, run_outcome, search_summary, stage_message
from wfm.scheduling.search.pairs import start_values
from wfm.scheduling.search.pooled_stage import PooledOutcome, pooled_rota
from wfm.scheduling.search.rounding import rounded_start
from wfm.scheduling.search.support import relaxation_support, split_pools
from wfm.scheduling.solve import SolverRun, SolveStatus, relative_gap, run_highs
from wfm.scheduling.workforce import Workforce, agent_workforce, pooled_workforce

logger = logging.getLogger(__name__)

#: A shared-out rota has its shifts fixed; HiGHS completes its breaks within a second or
#: two. When the time limit comes before that, the completion may run this much longer, so
#: that a search which has a rota returns it [seconds].
COMPLETION_GRACE_SECONDS = 5.0

#: HiGHS ``mip_heuristic_effort`` in stages 2 and 3 (HiGHS default 0.05). On a loaded
#: 2-core machine stage 2 at the default sometimes spent its whole time in the root LP and
#: cuts and found no rota; 0.3-0.5 found good rotas there (see docs/benchmarks.md, "Rota
#: engine", for the measurement on the sample centre).
MIP_HEURISTIC_EFFORT = 0.3


def solve_rota(
    instance: RotaInstance,
    settings: SchedulingSettings,
    *,
    progress: ProgressCallback | None = None,
    extensions: Sequence[ModelExtension] = (),
    keep: pd.DataFrame | None = None,
    split_pools_by_keep: bool = False,
    budget: SearchBudget | None = None,
) -> SearchResult:
    """Find a rota for ``instance`` by the staged search of this module.

    Parameters
    ----------
    instance
        Prepared inputs.
    settings
        Objective weights; ``time_limit_seconds`` is the CPU-time limit of the whole
        search (a safety net, see :mod:`wfm.scheduling.budget`), ``relative_gap`` the target
        gap against the proven bound, ``threads`` and ``seed`` go to HiGHS.
    progress
        Called with (fraction done, message) at the start and end of each stage; the
        messages name the stage and the gap of the best rota found so far.
    extensions
        Further rules and costs for every model built (see
        :func:`~wfm.scheduling.model.build_rota_model`).
    keep
        A rota to start from: (agent, candidate) pairs, columns ``agent`` and
        ``candidate`` (indices); pairs no longer allowed are dropped. See the module
        docstring.
    split_pools_by_keep
        Split the pools of stage 1 so that their agents have the same kept shifts (needed
        when an extension prices agents' own shifts, as the change penalty does).
    budget
        Deterministic work limits of the stages (default
        :data:`~wfm.scheduling.budget.DEFAULT_BUDGET`).

    Returns
    -------
    SearchResult
        The exact model with the best rota loaded, or ``None`` and a summary whose status
        says why there is no rota (``infeasible``, ``no_solution`` or ``error``) and whose
        ``termination`` names each stage's outcome.
    """
    report = progress or no_progress
    clock = SearchClock(settings.time_limit_seconds)
    budget = budget or DEFAULT_BUDGET
    gap_target = settings.relative_gap
    build_seconds = solve_seconds = 0.0
    steps: list[str] = []
    # The largest model built so far, (agent-shift pairs, CPU seconds), to predict build
    # times against the CPU-time limit (wall seconds would grow with the machine's load).
    largest_build = [1, 0.0]

    def build(workforce: Workforce | None, paid_hours_patterns: bool = True) -> LinearModel:
        nonlocal build_seconds
        started, cpu_started = time.perf_counter(), thread_cpu_seconds()
        model = build_rota_model(
            instance, settings, workforce, extensions, paid_hours_patterns=paid_hours_patterns
        )
        build_seconds += time.perf_counter() - started
        build_cpu_seconds = thread_cpu_seconds() - cpu_started
        pairs = len(workforce.eligible) if workforce is not None else len(instance.eligible)
        if pairs >= largest_build[0]:
            largest_build[:] = [pairs, build_cpu_seconds]
        return model

    def fits(stage: str, n_pairs: int) -> bool:
        """Whether a model of ``n_pairs`` agent-shift pairs can be built and loaded into
        HiGHS in the time left: the largest build so far, scaled by the square root of the
        size ratio (the coverage, break and pattern parts do not grow with the agents) and
        by 1.5 for loading."""
        ratio = max(n_pairs / max(largest_build[0], 1), 1.0)
        expected = 1.5 * largest_build[1] * ratio**0.5
        if clock.fits(expected):
            return True
        clock.fired(f"{stage} (its model would not be built in the {clock.remaining():.0f} s left)")
        steps.append(f"{stage} skipped: the time limit is near")
        return False

    def time_left(stage: str) -> bool:
        """Whether any time is left for ``stage``; if not, the limit ruled it out (recorded:
        a stage skipped for lack of time is a fired limit, like one stopped by it)."""
        if clock.remaining() > 0:
            return True
        clock.fired(f"{stage} (no time left)")
        steps.append(f"{stage} skipped: the time limit was reached")
        return False

    if keep is not None:
        keep = (
            keep[["agent", "candidate"]]
            .astype("int64")
            .merge(instance.eligible, on=["agent", "candidate"])
        )

    # The MIP start of the exact stages: the given rota, else the shared-out pooled rota (for
    # stage 4), else one rounded from the LP when no stage found a rota.
    start_rota = keep
    start_label = "the given rota"

    def solve(
        model: LinearModel,
        stage: str,
        start: list | None = None,
        grace: bool = False,
        **options,
    ) -> SolverRun:
        """Run HiGHS until the stage's work limit or the search's deadline; ``start``
        overrides the MIP start (default: ``start_rota``; ``[]``: none); with ``grace`` the
        call may run ``COMPLETION_GRACE_SECONDS`` past the deadline."""
        nonlocal solve_seconds
        limit = clock.remaining()
        deadline: float | None = clock.deadline
        if grace and limit < COMPLETION_GRACE_SECONDS:
            limit, deadline = COMPLETION_GRACE_SECONDS, None
        relaxation = options.get("relaxation", False)
        if start is None and start_rota is not None and not relaxation:
            start = start_values(model, instance, start_rota)
        if not relaxation:
            options.setdefault("heuristic_effort", MIP_HEURISTIC_EFFORT)
        run = run_highs(
            model,
            threads=settings.threads,
            seed=settings.seed,
            start=start,
            time_limit_seconds=limit,
            deadline=deadline,
            **options,
        )
        solve_seconds += run.seconds
        if run.time_limited:
            clock.fired(stage)
        if run.warm_started and start_rota is not None and start is not None:
            steps.append(f"started from {start_label}")
        return run

    context = SearchContext(instance, budget, gap_target, build, solve, steps)
    target = context.target

    def finish(status: SolveStatus, objective, bound, model) -> SearchResult:
        fired = clock.describe()
        if fired is not None:
            steps.append(fired)
        summary = search_summary(
            status, steps, objective, bound, build_seconds, solve_seconds, model
        )
        summary = dataclasses.replace(summary, time_limit_reached=bool(clock.fired_in))
        if model is None:
            logger.warning("rota search found no rota: %s", summary.termination)
        else:
            model.drop_highs()  # the solution is read from the arrays; free HiGHS's copy
            logger.info("rota search: %s", summary.termination)
        return SearchResult(model, summary)

    # Stage 1: the pooled relaxation gives the bound and the support.
    report(0.0, "stage 1: bounding the rota cost (LP relaxation)")
    pooled = pooled_workforce(instance)
    if keep is not None and split_pools_by_keep:
        kept_shifts = {
            int(a): tuple(sorted(group["candidate"].tolist())) for a, group in keep.groupby("agent")
        }
        pooled = split_pools(pooled, kept_shifts)
    relaxed_model = build(pooled)
    relaxed = solve(relaxed_model, "stage 1 (the LP relaxation)", relaxation=True)
    if relaxed.status == SolveStatus.INFEASIBLE:
        steps.append("stage 1: the LP relaxation is infeasible")
        return finish(SolveStatus.INFEASIBLE, None, None, None)
    bound = relaxed.bound if relaxed.status == SolveStatus.OPTIMAL else None
    steps.append(
        f"LP bound {bound:.2f}"
        if bound is not None
        else f"stage 1: LP relaxation {relaxed.termination}"
    )

    best_model: LinearModel | None = None
    best_objective: float | None = None
    shared = PooledOutcome()
    if relaxed.status.has_solution and keep is None and time_left("stage 2"):
        # Stage 2: an integer pooled solution, shared out among the pools' agents.
        report(
            0.2, stage_message("rounding the pooled relaxation and sharing it out", "stage 2", None)
        )
        with kept_values(relaxed_model):  # stages 3 and 4 read the LP solution
            shared = pooled_rota(context, relaxed_model, pooled, bound)
            # The shifts the integer pooled solution uses (the neighbourhoods' shifts).
            rounded_support = relaxation_support(relaxed_model, pooled, instance)
        if shared.model is not None:
            best_model, best_objective = shared.model, shared.objective
            start_rota, start_label = shared.pairs, shared.label
    gap = relative_gap(best_objective, bound)
    if (
        shared.model is not None
        and shared.pairs is not None
        and gap is not None
        and gap > gap_target + 1e-12
        and budget.improvement_nodes > 0
        and time_left("stage 2 (improving the rota)")
    ):
        # Stage 2 (cont.): re-solve the shared-out rota one day at a time.
        report(0.35, stage_message("re-solving the rota one day at a time", "stage 2", gap))
        support = rounded_support
        if fits("stage 2 (improving the rota)", len(support) + len(shared.pairs)):
            better = improve_rota(context, shared.pairs, shared.objective, support, target(bound))
            if better.model is not None:
                best_model, best_objective = better.model, better.objective
                start_rota, start_label = better.pairs, "the improved rota"
        gap = relative_gap(best_objective, bound)
    if (
        relaxed.status.has_solution
        and (gap is None or gap > gap_target + 1e-12)
        and time_left("stage 3 (exact model on the LP support)")
    ):
        # Stage 3: the exact model on the relaxation's support (with a given rota, also its
        # shifts, and the rota as MIP start).
        report(0.45, stage_message("searching the shifts the relaxation uses", "stage 3", gap))
        support = None
        if keep is None:
            # The support of the relaxation with plain day patterns (each pool's hours held
            # on average only): wider than that of the tighter relaxation. Nothing of stage
            # 2 goes in, so stage 3 depends only on the LP.
            plain_model = build(pooled, paid_hours_patterns=False)
            plain = solve(plain_model, "stage 3 (the plain LP relaxation)", relaxation=True)
            if plain.status.has_solution:
                support = relaxation_support(plain_model, pooled, instance)
        if support is None:
            support = relaxation_support(relaxed_model, pooled, instance)
        if keep is not None:
            support = (
                pd.concat([support, keep[["agent", "candidate"]]], ignore_index=True)
                .drop_duplicates()
                .sort_values(["agent", "candidate"], ignore_index=True)
            )
        if fits("stage 3 (exact model on the LP support)", len(support)):
            restricted_model = build(agent_workforce(instance, support))
            restricted = solve(
                restricted_model,
                "stage 3 (exact model on the LP support)",
                # Without a start from the shared-out rota: on the sample centre HiGHS then
                # spent its budget improving that rota and stopped above the gap target.
                start=[] if keep is None else None,
                # Stop at the target against the LP bound, not at HiGHS's own gap: this
                # model's bound holds only for its shifts.
                relative_gap=0.0,
                objective_target=target(bound),
                node_limit=budget.support_nodes,
            )
            steps.append(
                f"stage 3: MIP on {len(support)} agent-shift pairs of the LP support: "
                f"{run_outcome(restricted, target(bound))}"
            )
            if restricted.status.has_solution and (
                best_objective is None or restricted.objective < best_objective - 1e-9
            ):
                best_model, best_objective = restricted_model, restricted.objective

    if best_model is None and keep is None and relaxed.status.has_solution:
        # No rota from stages 2 and 3: round the relaxation to a start rota for stage 4.
        rounding_started = time.perf_counter()
        start_rota = rounded_start(relaxed_model, pooled, instance)
        build_seconds += time.perf_counter() - rounding_started
        if start_rota is None:
            steps.append(
                "no start rota rounded from the LP relaxation (a contract minimum not met)"
            )
        else:
            start_label = f"a rota rounded from the LP relaxation ({len(start_rota)} shifts)"
            steps.append(f"start rota rounded from the LP relaxation: {len(start_rota)} shifts")

    gap = relative_gap(best_objective, bound)
    if (
        (gap is None or gap > gap_target + 1e-12)
        and time_left("stage 4 (exact model on all shifts)")
        and fits("stage 4 (exact model on all shifts)", len(instance.eligible))
    ):
        # Stage 4: the unrestricted exact model.
        report(0.7, stage_message("searching all shifts", "stage 4", gap))
        full_model = build(None)
        full = solve(
            full_model,
            "stage 4 (exact model on all shifts)",
            relative_gap=gap_target,
            objective_target=target(bound),
            node_limit=budget.full_nodes,
        )
        steps.append(f"stage 4: MIP on all shifts: {run_outcome(full, target(bound))}")
        if full.status == SolveStatus.INFEASIBLE and best_model is None:
            return finish(SolveStatus.INFEASIBLE, None, None, None)
        if full.bound is not None:
            bound = full.bound if bound is None else max(bound, full.bound)
        if full.status.has_solution and (
            best_objective is None or full.objective < best_objective - 1e-9
        ):
            best_model, best_objective = full_model, full.objective

    if best_model is None and start_rota is not None:
        # No rota, and stage 4 skipped or stopped by the time limit: complete the start rota
        # (its shifts fixed, a small model) so that the search returns a rota, at most
        # COMPLETION_GRACE_SECONDS past the limit.
        completion = build(agent_workforce(instance, start_rota))
        run = solve(
            completion,
            "completing the start rota",
            grace=True,
            relative_gap=gap_target,
            node_limit=budget.share_out_check_nodes,
        )
        steps.append(
            f"{start_label} completed in the exact model: {run_outcome(run, target(bound))}"
        )
        if run.status.has_solution:
            best_model, best_objective = completion, run.objective

    if best_model is None:
        status = (
            SolveStatus.NO_SOLUTION if relaxed.status != SolveStatus.ERROR else SolveStatus.ERROR
        )
        return finish(status, None, bound, None)
    if bound is not None and bound > best_objective:
        bound = best_objective  # numerical noise at optimality
    gap = relative_gap(best_objective, bound)
    status = (
        SolveStatus.OPTIMAL
        if gap is not None and gap <= gap_target + 1e-9
        else SolveStatus.FEASIBLE
    )
    result = finish(status, best_objective, bound, best_model)
    report(
        1.0,
        "rota found (bound unknown)"
        if gap is None
        else f"rota within {100 * gap:.1f} % of the bound",
    )
    return result
