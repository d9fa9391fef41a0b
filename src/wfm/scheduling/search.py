"""How the rota MILP is solved: an LP-guided search in four stages.

Solving the exact model directly with HiGHS is slow to find a first rota: with tens of
interchangeable agents the LP relaxation is highly degenerate and the root cut loop runs
for tens of seconds before any heuristic. The search therefore works on the *pooled* model
(:func:`~wfm.scheduling.instance.pooled_workforce`: interchangeable agents pooled), which
is a relaxation of the exact model, small whatever the number of agents, and free of
symmetry:

1. **Bound.** Solve the LP relaxation of the pooled model. Its week patterns carry the paid
   hours of each day (:func:`~wfm.scheduling.model.paid_hours_pattern_plans`), so each
   pool's agents keep their contract hours one by one, not only on average; its optimum is
   a valid lower bound on every rota's cost.
2. **Pooled rota.** Narrow the pooled integer variables to the integers next to their LP
   values (RENS, Berthold 2014) and let HiGHS find an integer pooled solution there; share
   its counts out among the pools' agents (:func:`wfm.scheduling.pooled.share_out_pools`)
   and complete that rota in the exact model (HiGHS places breaks and may drop shifts for
   the given shifts). The share-out carries each agent's last finish from day to day; an
   agent whom no shift of its pool's counts leaves its rest (a 21:00 finish before a 07:00
   start, say) is *moved* to the earliest allowed shift of that day and paid minutes that
   does. Agents that still clash (no week pattern or no shift fits) are *repaired*: a small
   exact model in which every other agent keeps its shifts and the clashing agents choose
   among the shifts their contract and skill group use (:func:`repair_pairs`), or every
   allowed shift if that is not enough; the moved agents get the same repair when the
   completed rota misses the gap. The whole exact model is never needed for this.
3. **Exact model on the support.** If that rota misses the gap, solve the exact model
   restricted to the shifts the relaxation with plain day patterns uses for each contract
   and skill group (the relaxation-induced neighbourhood of RENS), stopping at the first
   rota within ``relative_gap`` of the LP bound (HiGHS ``objective_target``); the better of
   the two rotas is kept. Nothing of stage 2 goes into this model.
4. **Fallback.** If that does not reach the gap (or finds no rota), solve the unrestricted
   exact model from the best rota so far, and keep the better rota. When no stage found a
   rota, a start rota is rounded from the relaxation (:func:`rounded_start`) and handed to
   HiGHS as a MIP start. The MIP stages raise HiGHS's ``mip_heuristic_effort`` to
   ``MIP_HEURISTIC_EFFORT``.

**Deterministic budgets.** Every MIP stage stops on a work limit, HiGHS's node limit
(:class:`~wfm.scheduling.budget.SearchBudget`), or on reaching the gap target; never on a
share of the wall-clock time. With one thread and a seed, HiGHS does the same work on an
idle and on a loaded machine, so a rerun gives the same rota
(``tests/scheduling/test_determinism.py`` checks this beside a CPU-burning process).
``settings.time_limit_seconds`` is a safety net on the whole search, model building and
loading included (:class:`~wfm.scheduling.budget.WallClock`): each HiGHS call gets the time
left, a stage whose model would not be built in the time left is skipped, and the summary
(``time_limit_reached`` and its steps) says where the limit fired. The one exception: a
shared-out rota whose completion the limit would cut off gets up to
``COMPLETION_GRACE_SECONDS`` more, and so does the completion of a start rota (the given one,
or one rounded from the relaxation) when no stage found a rota, so that a search holding a
rota returns it.

Progress messages name each stage as it starts and give the gap of the best rota found so far
("stage 3: rota within 1.2 % of the bound; searching the shifts the relaxation uses"); the
last one gives that of the result.

The reported bound is the best proven one (stage 1, or the last stage's when it proves
more), so the reported gap is honest whichever stage found the rota.

Starting from a known rota (``keep``, for warm starts and re-optimisation,
:mod:`wfm.scheduling.reoptimise`): stage 2 is skipped, stage 3 offers every agent its kept
shifts besides the relaxation's support, stages 3 and 4 hand the kept rota to HiGHS as a
MIP start (:func:`~wfm.scheduling.solve.run_highs`), so the search never returns a rota
worse than it when it meets the hard rules; with ``split_pools_by_keep`` the pools of stage
1 are split so that agents of one pool have the same kept shifts (:func:`split_pools`),
which keeps the relaxation exact for per-agent change costs.

Measured (``benchmarks/bench_rostering.py``, docs/benchmarks.md, one thread, quiet
machine, when the stages still stopped on shares of the time limit): the sample centre scaled to 200 agents with two days off together reaches 0.73 %
in 7 s and to 500 agents 0.01 % in 7 s, where the exact model on the LP support alone
found no rota in 60 s and stopped at 23 % (against a weaker bound) in 300 s. Breaking the
symmetry between interchangeable agents with ordering constraints instead made HiGHS
slower (a first feasible rota took 20 s instead of 3 s on 60 agents), hence the pooling.

References
----------
.. [1] Berthold, T. (2014). "RENS: the optimal rounding". Mathematical Programming
   Computation 6(1), 33-54.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.progress import ProgressCallback, no_progress
from wfm.scheduling.budget import DEFAULT_BUDGET, SearchBudget, WallClock
from wfm.scheduling.instance import RotaInstance, Workforce, agent_workforce, pooled_workforce
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import ModelExtension, build_rota_model
from wfm.scheduling.pooled import ShareOut, kept_values, rounding_bounds, share_out_pools
from wfm.scheduling.rules.max_consecutive_working_days import breaks_run, limit_of
from wfm.scheduling.solve import (
    SolverRun,
    SolveStatus,
    SolveSummary,
    model_size,
    relative_gap,
    run_highs,
)

logger = logging.getLogger(__name__)

#: A shift is in the relaxation's support when its value exceeds this [shifts].
SUPPORT_TOLERANCE = 1e-6

#: A shared-out rota has its shifts fixed; HiGHS completes its breaks within a second or
#: two. When the time limit comes before that, the completion may run this much longer, so
#: that a search which has a rota returns it [seconds].
COMPLETION_GRACE_SECONDS = 5.0

#: HiGHS ``mip_heuristic_effort`` in stages 2 and 3 (HiGHS default 0.05). On a loaded
#: 2-core machine stage 2 at the default sometimes spent its whole time in the root LP and
#: cuts and found no rota; 0.3-0.5 found good rotas there (see docs/benchmarks.md, "Rota
#: engine", for the measurement on the sample centre).
MIP_HEURISTIC_EFFORT = 0.3


@dataclass(frozen=True)
class SearchResult:
    """The model holding the best rota, and the summary of the search.

    Parameters
    ----------
    model
        The exact (per-agent) model whose variables hold the rota; ``None`` without one.
    summary
        Status, objective, bound, gap, timings (``wall_seconds`` is build plus solve; the
        caller adds its own) and model size. Staffing totals are filled in when the rota
        is read.
    """

    model: LinearModel | None
    summary: SolveSummary


def relaxation_support(
    model: LinearModel, workforce: Workforce, instance: RotaInstance
) -> pd.DataFrame:
    """(agent, candidate) pairs allowed in stage 2: every shift the relaxed solution uses
    for any pool of the same contract and skill group, for each agent of those pools to
    whom it is allowed. Columns ``agent`` and ``candidate``.

    Pools of one contract and skill group differ only in availability or preferences; an
    agent with time off or a preference is often a pool of its own, whose relaxed
    solution uses few shifts, so sharing the support across those pools keeps stage 2
    from being too narrow. Without availability and preferences this is each pool's own
    support. Measured on the sample centre with five agents' time off and seven agents'
    preferences (one thread): each pool's own support gave 1.11 % after the full time
    limit (stage 2 stopped above the gap target); the shared support 0.83 % in 17.5 s.
    """
    used = shifts_used_by_group(model, workforce)
    wanted = pd.DataFrame(
        [
            (agent, candidate)
            for unit in workforce.units
            for agent in unit.agents
            for candidate in used.get((unit.contract.name, unit.group), ())
        ],
        columns=["agent", "candidate"],
        dtype="int64",
    )
    return wanted.merge(instance.eligible, on=["agent", "candidate"]).sort_values(
        ["agent", "candidate"], ignore_index=True
    )


def shifts_used_by_group(
    model: LinearModel, workforce: Workforce
) -> dict[tuple[str, int], set[int]]:
    """The candidates a pooled solution (or relaxation) in ``model`` uses, by (contract
    name, skill group) of the pools that use them."""
    units = {unit.unit_id: unit for unit in workforce.units}
    used: dict[tuple[str, int], set[int]] = {}
    values = model.x.solution()
    for i in np.flatnonzero(values > SUPPORT_TOLERANCE):
        unit_id, candidate = model.x.keys[i]
        unit = units[unit_id]
        used.setdefault((unit.contract.name, unit.group), set()).add(int(candidate))
    return used


def split_pools(workforce: Workforce, key_of_agent: Mapping[int, Hashable]) -> Workforce:
    """Split each unit of ``workforce`` so that its agents share the same key.

    Parameters
    ----------
    workforce
        Units, e.g. from :func:`~wfm.scheduling.instance.pooled_workforce`.
    key_of_agent
        A key per agent index (e.g. the agent's kept shifts); agents missing share ``None``.

    Returns
    -------
    Workforce
        One unit per (unit, key); a unit left whole keeps its id, the parts of a split unit
        are named ``"<id> (1)"``, ``"<id> (2)"``, ... Each part has the unit's shifts.
    """
    units: list = []
    pairs: list[pd.DataFrame] = []
    allowed = {u: group["candidate"] for u, group in workforce.eligible.groupby("unit", sort=True)}
    for u, unit in enumerate(workforce.units):
        classes: dict[Hashable, list[int]] = {}
        for a in unit.agents:
            classes.setdefault(key_of_agent.get(a), []).append(a)
        for part, members in enumerate(classes.values(), start=1):
            unit_id = unit.unit_id if len(classes) == 1 else f"{unit.unit_id} ({part})"
            candidates = allowed.get(u, pd.Series([], dtype="int64"))
            pairs.append(
                pd.DataFrame({"unit": len(units), "candidate": candidates.to_numpy(dtype="int64")})
            )
            units.append(dataclasses.replace(unit, unit_id=unit_id, agents=tuple(members)))
    frame = (
        pd.concat(pairs, ignore_index=True)
        if pairs
        else pd.DataFrame({"unit": [], "candidate": []}, dtype="int64")
    )
    return Workforce(tuple(units), frame.sort_values(["unit", "candidate"], ignore_index=True))


def start_values(
    model: LinearModel, instance: RotaInstance, keep: pd.DataFrame
) -> list[tuple[object, float]]:
    """MIP start for an exact model, as (column, value) pairs: ``x`` is 1 on the kept
    (agent, candidate) pairs the model has and 0 elsewhere; the solver completes the rest
    (breaks, coverage)."""
    kept = {
        (instance.agents[int(a)].agent_id, int(c))
        for a, c in zip(keep["agent"], keep["candidate"], strict=True)
    }
    return [
        (column, 1.0 if key in kept else 0.0)
        for key, column in zip(model.x.keys, model.x.columns.tolist(), strict=True)
    ]


def rounded_start(
    model: LinearModel, workforce: Workforce, instance: RotaInstance
) -> pd.DataFrame | None:
    """A start rota rounded from the pooled relaxation's solution, or ``None``.

    The relaxed shift counts of each pool are rounded (largest first) and handed to the
    pool's agents greedily, the agent with the fewest paid hours first, respecting each
    agent's allowed pairs, one shift a day, the contract's maximum hours and days in each
    calendar week, the minimum rest between shifts, the most working days in a row and a
    run of days off in each week. Agents still below their minimum hours or days then get
    further allowed shifts that fit. When an agent still misses a minimum of a whole week
    the rounding is not a rota and ``None`` is returned. HiGHS checks the start against the
    full model (breaks, coverage and extensions are left for it to complete).

    Returns
    -------
    pandas.DataFrame or None
        (agent, candidate) pairs, columns ``agent`` and ``candidate`` (indices).
    """
    candidates = instance.candidates.set_index("candidate")
    day_of = candidates["day"].astype("int64").to_dict()
    paid_of = (candidates["paid_minutes"].astype("float64") / 60.0).to_dict()
    start_ns = dict(
        zip(candidates.index, pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8, strict=True)
    )
    end_ns = dict(
        zip(candidates.index, pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8, strict=True)
    )
    n_days = int(instance.grid.days)
    allowed: dict[int, set[int]] = {}
    for a, c in zip(instance.eligible["agent"], instance.eligible["candidate"], strict=True):
        allowed.setdefault(int(a), set()).add(int(c))
    shifts: dict[int, dict[int, int]] = {}  # agent -> day -> candidate

    allowed_days = {agent: {day_of[c] for c in mine} for agent, mine in allowed.items()}

    def runs_ok(agent: int, days: set[int], contract) -> bool:
        """No run of working days too long, and in each week a run of days off that
        leaves enough other days to reach the minimum days."""
        if breaks_run(days, n_days, limit_of(contract)):
            return False
        rest_days = (
            contract.min_consecutive_days_off if contract.min_consecutive_days_off < n_days else 0
        )
        for week_start in range(0, n_days, 7):
            week = range(week_start, min(week_start + 7, n_days))
            needed = contract.min_days_per_week if len(week) == 7 else 0
            free = {d for d in week if d not in days and d in allowed_days.get(agent, ())}
            worked = sum(1 for d in week if d in days)
            windows = (
                [{(first + i) % n_days for i in range(rest_days)} for first in week]
                if rest_days > 0
                else [set()]
            )
            if not any(
                not (window & days) and worked + len(free - window) >= needed for window in windows
            ):
                return False
        return True

    def fits(agent: int, c: int) -> bool:
        contract = instance.contracts[agent]
        mine = shifts.setdefault(agent, {})
        day = day_of[c]
        if c not in allowed.get(agent, ()) or day in mine:
            return False
        week = day // 7
        in_week = [other for d, other in mine.items() if d // 7 == week]
        if len(in_week) + 1 > contract.max_days_per_week:
            return False
        if sum(paid_of[o] for o in in_week) + paid_of[c] > contract.max_hours_per_week + 1e-9:
            return False
        rest_ns = contract.min_rest_hours * 3600e9
        for d, other in mine.items():
            if d < day and start_ns[c] - end_ns[other] < rest_ns:
                return False
            if d > day and start_ns[other] - end_ns[c] < rest_ns:
                return False
        return runs_ok(agent, set(mine) | {day}, contract)

    def hours(agent: int, week: int | None = None) -> float:
        return sum(
            paid_of[c] for d, c in shifts.get(agent, {}).items() if week is None or d // 7 == week
        )

    units = {unit.unit_id: unit for unit in workforce.units}
    wanted: dict[str, list[tuple[float, int]]] = {}
    solution = model.x.solution()
    for i in np.flatnonzero(solution > SUPPORT_TOLERANCE):
        unit_id, candidate = model.x.keys[i]
        wanted.setdefault(unit_id, []).append((float(solution[i]), int(candidate)))
    for unit_id, values in wanted.items():
        agents = units[unit_id].agents
        # Round each day's total, then give that day's shifts by largest remainder.
        by_day: dict[int, list[tuple[float, int]]] = {}
        for value, candidate in values:
            by_day.setdefault(day_of[candidate], []).append((value, candidate))
        chosen: list[int] = []
        for day_values in by_day.values():
            total = int(round(sum(value for value, _ in day_values)))
            counts = {c: int(value) for value, c in day_values}
            rest = sorted(day_values, key=lambda vc: vc[0] - int(vc[0]), reverse=True)
            for _, c in rest[: max(total - sum(counts.values()), 0)]:
                counts[c] += 1
            chosen.extend(c for c, n in counts.items() for _ in range(n))
        for candidate in sorted(chosen, key=lambda c: -paid_of[c]):
            for agent in sorted(agents, key=lambda a: (len(shifts.get(a, {})), hours(a))):
                if fits(agent, candidate):
                    shifts[agent][day_of[candidate]] = candidate
                    break
    # Top up agents below a contract minimum with shifts that fit, longest first.
    whole_weeks = n_days // 7
    for agent, contract in enumerate(instance.contracts):
        for week in range(whole_weeks):

            def short(agent=agent, week=week, contract=contract) -> bool:
                mine = [d for d in shifts.get(agent, {}) if d // 7 == week]
                return (
                    hours(agent, week) < contract.min_hours_per_week - 1e-9
                    or len(mine) < contract.min_days_per_week
                )

            if not short():
                continue
            options = sorted(
                (c for c in allowed.get(agent, ()) if day_of[c] // 7 == week),
                key=lambda c: -paid_of[c],
            )
            for c in options:
                if not short():
                    break
                if fits(agent, c):
                    shifts[agent][day_of[c]] = c
            for c in options:  # still short of hours: swap a shift for a longer one that day
                if not short():
                    break
                mine = shifts.setdefault(agent, {})
                before = mine.get(day_of[c])
                if before is None or paid_of[before] >= paid_of[c]:
                    continue
                del mine[day_of[c]]
                mine[day_of[c]] = c if fits(agent, c) else before
            if short():
                return None
    pairs = [(agent, c) for agent, mine in shifts.items() for c in mine.values()]
    return pd.DataFrame(pairs, columns=["agent", "candidate"], dtype="int64").sort_values(
        ["agent", "candidate"], ignore_index=True
    )


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
        Objective weights; ``time_limit_seconds`` is the wall-clock limit of the whole
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
    clock = WallClock(settings.time_limit_seconds)
    budget = budget or DEFAULT_BUDGET
    gap_target = settings.relative_gap
    build_seconds = solve_seconds = 0.0
    steps: list[str] = []
    # The largest model built so far, (agent-shift pairs, seconds), to predict build times.
    largest_build = [1, 0.0]

    def build(workforce: Workforce | None, paid_hours_patterns: bool = True) -> LinearModel:
        nonlocal build_seconds
        started = time.perf_counter()
        model = build_rota_model(
            instance, settings, workforce, extensions, paid_hours_patterns=paid_hours_patterns
        )
        seconds = time.perf_counter() - started
        build_seconds += seconds
        pairs = len(workforce.eligible) if workforce is not None else len(instance.eligible)
        if pairs >= largest_build[0]:
            largest_build[:] = [pairs, seconds]
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

    def target(bound: float | None) -> float | None:
        if bound is None:
            return None
        return bound / (1.0 - gap_target) if bound > 0 else bound * (1.0 - gap_target)

    def finish(status: SolveStatus, objective, bound, model) -> SearchResult:
        fired = clock.describe()
        if fired is not None:
            steps.append(fired)
        summary = _summary(status, steps, objective, bound, build_seconds, solve_seconds, model)
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
    shared = _PooledOutcome()
    if relaxed.status.has_solution and keep is None and clock.remaining() > 0:
        # Stage 2: an integer pooled solution, shared out among the pools' agents.
        report(0.2, _with_gap("rounding the pooled relaxation and sharing it out", "stage 2", None))
        with kept_values(relaxed_model):  # stages 3 and 4 read the LP solution
            shared = _pooled_rota(
                relaxed_model,
                pooled,
                instance,
                bound,
                solve,
                build,
                target,
                budget,
                steps,
                gap_target,
            )
        if shared.model is not None:
            best_model, best_objective = shared.model, shared.objective
            start_rota, start_label = shared.pairs, shared.label
    gap = relative_gap(best_objective, bound)
    if (
        relaxed.status.has_solution
        and (gap is None or gap > gap_target + 1e-12)
        and clock.remaining() > 0
    ):
        # Stage 3: the exact model on the relaxation's support (with a given rota, also its
        # shifts, and the rota as MIP start).
        report(0.45, _with_gap("searching the shifts the relaxation uses", "stage 3", gap))
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
                f"{_outcome(restricted)}"
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
        and clock.remaining() > 0
        and fits("stage 4 (exact model on all shifts)", len(instance.eligible))
    ):
        # Stage 4: the unrestricted exact model.
        report(0.7, _with_gap("searching all shifts", "stage 4", gap))
        full_model = build(None)
        full = solve(
            full_model,
            "stage 4 (exact model on all shifts)",
            relative_gap=gap_target,
            objective_target=target(bound),
            node_limit=budget.full_nodes,
        )
        steps.append(f"stage 4: MIP on all shifts: {_outcome(full)}")
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
        steps.append(f"{start_label} completed in the exact model: {_outcome(run)}")
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


@dataclass(frozen=True)
class _PooledOutcome:
    """What the pooled stage found: the exact model holding its rota, the rota's cost
    [cost units] and its (agent, candidate) pairs; all ``None`` without a rota."""

    model: LinearModel | None = None
    objective: float | None = None
    pairs: pd.DataFrame | None = None
    label: str = "the shared-out pooled rota"


def _pooled_rota(
    pooled_model: LinearModel,
    pooled: Workforce,
    instance: RotaInstance,
    bound: float | None,
    solve,
    build,
    target,
    budget: SearchBudget,
    steps: list[str],
    gap_target: float = 0.0,
) -> _PooledOutcome:
    """Stage 2 of :func:`solve_rota`: round the pooled relaxation to an integer pooled
    solution (HiGHS on the pooled model with its integer variables narrowed to the integers
    next to their LP values), share it out among the agents (:mod:`wfm.scheduling.pooled`),
    repair the pools that cannot be shared out (:func:`repair_pairs`) and complete the rota
    in the exact model."""
    stage = "stage 2 (pooled MIP around the LP solution)"
    with rounding_bounds([pooled_model.x, pooled_model.day_pattern, pooled_model.y]):
        rounded = solve(
            pooled_model,
            stage,
            start=[],
            relative_gap=gap_target / 2,
            objective_target=target(bound),
            node_limit=budget.pooled_rounding_nodes,
        )
    steps.append(f"stage 2: pooled MIP around the LP solution: {_outcome(rounded)}")
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
        steps.append(f"stage 2: pooled MIP on all shifts: {_outcome(rounded)}")
    if not rounded.status.has_solution:
        return _PooledOutcome()
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
            start=start_values(exact, instance, outcome.pairs),
            grace=True,
            relative_gap=0.0,
            objective_target=objective_target,
            node_limit=budget.share_out_check_nodes,
        )
        steps.append(
            f"stage 2: shared out to {len(outcome.pairs)} agent-shifts{moved}: exact model "
            f"{_outcome(run)}"
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
            repaired = _repair(
                retry,
                pooled_model,
                pooled,
                instance,
                bound,
                solve,
                build,
                target,
                budget,
                steps,
                scopes=(False,),
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
        return _repair(
            outcome, pooled_model, pooled, instance, bound, solve, build, target, budget, steps
        )
    if not run.status.has_solution:
        return _PooledOutcome()
    return _PooledOutcome(exact, run.objective, pairs)


def _repair(
    outcome: ShareOut,
    pooled_model: LinearModel,
    pooled: Workforce,
    instance: RotaInstance,
    bound: float | None,
    solve,
    build,
    target,
    budget: SearchBudget,
    steps: list[str],
    scopes: tuple[bool, ...] = (False, True),
) -> _PooledOutcome:
    """The repair model of stage 2 (:func:`repair_pairs`): the agents of ``outcome``'s
    unplaced pools and its clashing agents choose their shifts again, the others keep theirs;
    first among the shifts the pooled solution uses, then (``scopes``) among every allowed
    shift."""
    for every_shift in scopes:
        allowed = repair_pairs(outcome, pooled_model, pooled, instance, every_shift=every_shift)
        exact = build(agent_workforce(instance, allowed))
        run = solve(
            exact,
            "stage 2 (repairing the share-out)",
            start=start_values(exact, instance, outcome.pairs),
            relative_gap=0.0,
            objective_target=target(bound),
            node_limit=budget.repair_nodes,
        )
        scope = "every allowed shift" if every_shift else "the shifts the pooled solution uses"
        steps.append(
            f"stage 2: repair model on {len(allowed)} agent-shift pairs ({scope}): {_outcome(run)}"
        )
        if run.status.has_solution:
            return _PooledOutcome(
                exact, run.objective, read_pairs(exact, instance), "the repaired share-out"
            )
        if run.time_limited:
            break
    return _PooledOutcome()


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


def read_pairs(model: LinearModel, instance: RotaInstance) -> pd.DataFrame:
    """The (agent, candidate) pairs an exact model's solution works (columns ``agent`` and
    ``candidate``, indices)."""
    index = {agent.agent_id: a for a, agent in enumerate(instance.agents)}
    keys = model.x.keys
    pairs = [(index[keys[i][0]], int(keys[i][1])) for i in np.flatnonzero(model.x.solution() > 0.5)]
    return pd.DataFrame(pairs, columns=["agent", "candidate"], dtype="int64").sort_values(
        ["agent", "candidate"], ignore_index=True
    )


def _outcome(run: SolverRun) -> str:
    """A HiGHS call's ending in words for the summary's steps."""
    words = {
        "iterationLimit": "node budget spent",
        "objectiveLimit": "rota within the gap target",
        "convergenceCriteriaSatisfied": "optimal",
        "maxTimeLimit": "time limit reached",
        "provenInfeasible": "infeasible",
    }.get(run.termination, run.termination)
    if run.status.has_solution:
        return f"{words}, cost {run.objective:.2f}"
    return f"{words}, no rota"


def _with_gap(message: str, stage: str, gap: float | None) -> str:
    """``message`` of the stage starting, with the gap of the best rota found so far, e.g.
    "stage 4: rota within 0.8 % of the bound; searching all shifts" (the app shows these on
    its progress bar)."""
    if gap is None:
        return f"{stage}: no rota yet; {message}"
    return f"{stage}: rota within {100 * gap:.1f} % of the bound; {message}"


def _summary(
    status: SolveStatus,
    steps: list[str],
    objective: float | None,
    bound: float | None,
    build_seconds: float,
    solve_seconds: float,
    model: LinearModel | None,
) -> SolveSummary:
    n_variables, n_integer, n_constraints = model_size(model) if model is not None else (0, 0, 0)
    return SolveSummary(
        status=status,
        termination="; ".join(steps),
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        wall_seconds=build_seconds + solve_seconds,
        n_variables=n_variables,
        n_integer_variables=n_integer,
        n_constraints=n_constraints,
    )
