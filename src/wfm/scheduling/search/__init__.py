"""How the rota MILP is solved: an LP-guided search in four stages.

Solving the exact model directly with HiGHS is slow to find a first rota: with tens of
interchangeable agents the LP relaxation is highly degenerate and the root cut loop runs
for tens of seconds before any heuristic. The search therefore works on the *pooled* model
(:func:`~wfm.scheduling.workforce.pooled_workforce`: interchangeable agents pooled), which
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
   the given shifts; its MIP start holds the shifts and, where the share-out kept the
   pooled counts, the pooled group counts and break starts,
   :func:`~wfm.scheduling.search.pairs.pooled_break_start`, so that it is completed by an
   LP: 14.1 s of CPU to 0.08 s on the US bank week with AHT 300 s, docs/benchmarks.md). The share-out carries each agent's last finish from day to day; an
   agent whom no shift of its pool's counts leaves its rest (a 21:00 finish before a 07:00
   start, say) is *moved* to the earliest allowed shift of that day and paid minutes that
   does. Agents that still clash (no week pattern or no shift fits) are *repaired*: a small
   exact model in which every other agent keeps its shifts and the clashing agents choose
   among the shifts their contract and skill group use (:func:`repair_pairs`), or every
   allowed shift if that is not enough; the moved agents get the same repair when the
   completed rota misses the gap. The whole exact model is never needed for this. The
   pooled MIP stops at its second improving solution (a node budget as well); when the
   shared-out rota misses the gap it is re-solved one day at a time
   (:func:`~wfm.scheduling.search.improve.improve_rota`): every agent's shifts on one day
   freed, the other days held, HiGHS's ``objective_bound`` at the target so that a day
   that cannot reach it ends at its root, until a day reaches the target.
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
loading included, counted in the searching thread's CPU time, not wall time, so that the
machine's load (and other work in the same process) does not move where it fires
(:class:`~wfm.scheduling.budget.SearchClock`, :mod:`~wfm.highs_cpu_limit`): each HiGHS call
gets the CPU time left, a stage whose model would not be built in the time left is
skipped, and the summary
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

Modules, one per job: :mod:`~wfm.scheduling.search.staged` runs the stages
(:func:`solve_rota`); :mod:`~wfm.scheduling.search.support` holds the pools and the
relaxation's support (stages 1 and 3); :mod:`~wfm.scheduling.search.pooled_stage` the
pooled rota, its share-out and repair (stage 2); :mod:`~wfm.scheduling.search.improve` its
re-solve one day at a time (stage 2); :mod:`~wfm.scheduling.search.rounding` the
start rota rounded from the relaxation (stage 4); :mod:`~wfm.scheduling.search.pairs` a rota
as (agent, candidate) pairs in and out of a model; :mod:`~wfm.scheduling.search.outcome`
the result and its summary in words (each stage's ending as HiGHS names it, and "within the
gap target" only of a rota that costs at most the target);
:mod:`~wfm.scheduling.search.context` what the stages share
(:class:`~wfm.scheduling.search.context.SearchContext`).

References
----------
.. [1] Berthold, T. (2014). "RENS: the optimal rounding". Mathematical Programming
   Computation 6(1), 33-54.
"""

from wfm.scheduling.search.outcome import SearchResult
from wfm.scheduling.search.pairs import read_pairs, start_values
from wfm.scheduling.search.pooled_stage import repair_pairs
from wfm.scheduling.search.rounding import rounded_start
from wfm.scheduling.search.staged import (
    COMPLETION_GRACE_SECONDS,
    MIP_HEURISTIC_EFFORT,
    solve_rota,
)
from wfm.scheduling.search.support import (
    SUPPORT_TOLERANCE,
    relaxation_support,
    shifts_used_by_group,
    split_pools,
)

__all__ = [
    "COMPLETION_GRACE_SECONDS",
    "MIP_HEURISTIC_EFFORT",
    "SUPPORT_TOLERANCE",
    "SearchResult",
    "read_pairs",
    "relaxation_support",
    "repair_pairs",
    "rounded_start",
    "shifts_used_by_group",
    "solve_rota",
    "split_pools",
    "start_values",
]
