"""Schedule to a weekly service-level target instead of covering every interval.

The covering objective (:func:`wfm.scheduling.model.add_cost_objective`) asks each interval
for the agents that meet the queue's target *in that interval*. A weekly target (e.g. 80 %
of the week's contacts answered within 20 seconds) can be met with fewer paid hours: a few
quiet or awkward intervals may run below the target while others run above it. This module
adds that mode (``scheduling.objective = "weekly_service_level"``) to the rota MILP as a
model extension (see :func:`wfm.scheduling.model.build_rota_model`).

Formulation
-----------
For interval :math:`t` and queue :math:`q` with :math:`o_{t,q}` offered contacts, load
:math:`A_{t,q}`, handle time and answer threshold :math:`T_q`, shrinkage :math:`s_{t,q}` and
:math:`Z_{t,q} = \\sum_g z_{t,g,q}` scheduled agents on the queue (the model's allocation),
the productive agents are :math:`N = (1 - s_{t,q}) Z_{t,q}` and the contacts answered within
the threshold are :math:`o_{t,q} \\, SL(N)` with :math:`SL` the Erlang C service level
(:func:`wfm.staffing.erlang.service_level`). :math:`SL` is zero up to :math:`\\lfloor A
\\rfloor` and concave for :math:`N > A` (Erlang C is convex and decreasing in :math:`N`, and so is
:math:`e^{-(N-A)T/AHT}`; the product of two such functions is convex, so
:math:`SL = 1 - C e^{-(N-A)T/AHT}` is concave). A concave function bounded from above is
LP-representable: with the chords :math:`\\ell_k(n) = a_k + b_k n` between consecutive whole
agents :math:`n = \\lfloor A \\rfloor, \\lfloor A \\rfloor + 1, \\dots` (see
:func:`envelope_segments`),

.. math::

    w_{t,q} \\le o_{t,q} \\, (a_k + b_k (1 - s_{t,q}) Z_{t,q}) \\quad \\forall k,

    \\sum_t w_{t,q} + \\sigma_q \\ge \\tau_q \\sum_t o_{t,q} \\quad (\\text{weekly target}),
    \\qquad w_{t,q} + \\phi_{t,q} \\ge f \\, o_{t,q} \\quad (\\text{floor}),

with shortfalls :math:`\\sigma_q, \\phi_{t,q} \\ge 0` priced at
``service_level_shortfall_cost_per_contact`` (so that a rota always exists; the price makes
the targets binding whenever they can be met), :math:`\\tau_q` the queue's
``service_level_target`` and :math:`f` ``weekly_service_level_floor_fraction``. The
coverage balance against the interval requirement is switched off and under- and
over-staffing cost nothing, so the objective is paid-hour cost (plus preferences and other
soft rules) plus the shortfall penalties.

At whole numbers of productive agents the minimum of the chords never exceeds the exact
service level (each chord passes through the two points it joins; beyond the last point a
flat cap at the last value applies), and where the points are concave it equals it, and
between whole agents it equals the linear interpolation that the review uses
(:func:`wfm.staffing.service_level_fractional`). So the model's weekly service level is the
review's, or a slight underestimate. Below :math:`\\lfloor A \\rfloor` the first chord goes
negative, a conservative estimate of the true zero; a floor above zero keeps the rota out of
that region.

References
----------
.. [1] Koole, G. (2013). *Call Center Optimization*, ch. 11 (scheduling to an overall
   service level). MG books, Amsterdam.
.. [2] Ingolfsson, A., Campello, F., Wu, X. and Cabral, E. (2010). "Combining integer
   programming and the randomization method to schedule employees". EJOR 202(1), 153-163.
.. [3] Jagers, A. A. and van Doorn, E. A. (1991). "Convexity of functions which are
   generalizations of the Erlang loss function and the Erlang delay function". SIAM Review
   33(2), 281-282.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.errors import InputError
from wfm.highs_cpu_limit import thread_cpu_seconds
from wfm.progress import ProgressCallback, no_progress, scaled
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.pooled_relaxation import solve_pooled_relaxation
from wfm.scheduling.rota import read_assignments, scheduled_by_queue
from wfm.scheduling.rules.base import ModelContext
from wfm.scheduling.search import SearchResult, solve_rota
from wfm.staffing.erlang import service_level

logger = logging.getLogger(__name__)

#: The objective setting that selects this mode.
WEEKLY_SERVICE_LEVEL = "weekly_service_level"

#: The chords stop where the service level is within this of 1 [fraction]; beyond it a flat
#: cap at the last value applies (an underestimate of at most this much).
SATURATION_TOLERANCE = 1e-3

#: Chords evaluated per interval at most (agents above the stability point).
MAX_SEGMENTS = 200

#: Share of the progress bar given to the covering rota that starts the weekly search (it
#: stops on its deterministic work budgets, not on a share of the time).
COVER_START_SHARE = 0.3


@dataclass(frozen=True)
class ServiceCurves:
    """What the weekly service-level mode needs per horizon interval and queue.

    Arrays have shape (horizon intervals, queues), in the order of ``instance.queues``.

    Parameters
    ----------
    offered
        Contacts offered [contacts].
    traffic_erlangs
        Offered load A [Erlang].
    aht_seconds
        Average handle time [seconds] (1 where nothing is offered).
    shrinkage_fraction
        Share of scheduled agents not productive [fraction].
    answer_threshold_seconds
        The T of each queue [seconds], shape (queues,).
    target_fraction
        Weekly service-level target of each queue [fraction], shape (queues,).
    floor_fraction
        Service level every interval with contacts must reach [fraction].
    """

    offered: np.ndarray
    traffic_erlangs: np.ndarray
    aht_seconds: np.ndarray
    shrinkage_fraction: np.ndarray
    answer_threshold_seconds: np.ndarray
    target_fraction: np.ndarray
    floor_fraction: float


def service_curves(
    requirements: pd.DataFrame, instance: RotaInstance, floor_fraction: float
) -> ServiceCurves:
    """The per-interval inputs of the weekly service-level mode, from a requirements frame.

    Parameters
    ----------
    requirements
        Output of :func:`wfm.staffing.compute_requirements` (``interval_start``, ``queue``,
        ``offered``, ``aht_seconds``; ``traffic_erlangs`` and ``shrinkage_fraction`` are
        used when present, else computed from the interval length and the centre's
        shrinkage). Rows outside the horizon are ignored.
    instance
        The rota instance (grid, queues and the centre's queue targets).
    floor_fraction
        Per-interval floor [fraction].

    Raises
    ------
    InputError
        If the requirements lack ``offered`` or ``aht_seconds`` (a requirements file
        written by ``wfm staff`` has them), or a queue with contacts is not in the centre.
    """
    for column in ("offered", "aht_seconds"):
        if column not in requirements.columns:
            raise InputError(
                f"the weekly service-level objective needs the requirements' '{column}' column",
                source="requirements",
                column=column,
                fix="use a requirements file written by `wfm staff` or `wfm plan`, or set "
                'scheduling.objective = "cover_requirement"',
            )
    targets = instance.queue_targets
    shape = (instance.grid.n_horizon, len(instance.queues))
    horizon_ns = instance.grid.horizon.as_unit("ns").asi8
    starts = pd.DatetimeIndex(requirements["interval_start"]).as_unit("ns").asi8
    rows = pd.Index(horizon_ns).get_indexer(starts)
    columns = pd.Index(instance.queues).get_indexer(requirements["queue"].astype(str))
    keep = (rows >= 0) & (columns >= 0)
    offered = np.zeros(shape)
    aht = np.ones(shape)
    shrinkage = np.zeros(shape)
    offered_values = (
        pd.to_numeric(requirements["offered"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    )
    aht_values = pd.to_numeric(requirements["aht_seconds"], errors="coerce").to_numpy(dtype=float)
    busy = keep & (offered_values > 0)
    if (busy & ~(aht_values > 0)).any():
        row = int(np.flatnonzero(busy & ~(aht_values > 0))[0])
        raise InputError(
            "AHT must be more than 0 seconds where contacts are offered",
            source="requirements",
            row=row + 2,
            column="aht_seconds",
            value=aht_values[row],
            fix="give the handle time in seconds",
        )
    offered[rows[keep], columns[keep]] = offered_values[keep]
    aht[rows[busy], columns[busy]] = aht_values[busy]
    queue_names = set(targets)
    if "shrinkage_fraction" in requirements.columns:
        values = (
            pd.to_numeric(requirements["shrinkage_fraction"], errors="coerce")
            .fillna(0.0)
            .to_numpy(dtype=float)
        )
        shrinkage[rows[keep], columns[keep]] = values[keep]
    else:
        for j, queue in enumerate(instance.queues):
            shrinkage[:, j] = targets[queue].shrinkage_fraction if queue in queue_names else 0.0
    traffic = offered * aht / (instance.grid.interval_minutes * 60.0)
    missing = [
        q for j, q in enumerate(instance.queues) if q not in queue_names and offered[:, j].sum() > 0
    ]
    if missing:
        raise InputError(
            f"queue '{missing[0]}' has contacts but no service target in the centre file",
            source="requirements",
            column="queue",
            value=missing[0],
            fix="add the queue to the centre file",
        )
    threshold, target = staffed_targets(requirements, instance)
    return ServiceCurves(offered, traffic, aht, shrinkage, threshold, target, float(floor_fraction))


def staffed_targets(
    requirements: pd.DataFrame, instance: RotaInstance
) -> tuple[np.ndarray, np.ndarray]:
    """Each queue's answer threshold [seconds] and weekly service-level target [fraction].

    The targets the requirements were computed with (their ``answer_threshold_seconds`` and
    ``service_level_target`` columns, written by :func:`wfm.staffing.compute_requirements`)
    when they carry them, so that a rota aims at what it was staffed for; the centre's for a
    queue the requirements give none for (a file from an older version)."""
    targets = instance.queue_targets

    def from_centre(q: str) -> tuple[float, float]:
        if q not in targets:
            return 0.0, 0.0
        return targets[q].answer_threshold_seconds, targets[q].service_level_target

    own: dict[str, tuple[float, float]] = {}
    if {"answer_threshold_seconds", "service_level_target"} <= set(requirements.columns):
        for q, rows in requirements.groupby(requirements["queue"].astype(str), sort=False):
            seconds = pd.to_numeric(rows["answer_threshold_seconds"], errors="coerce").dropna()
            level = pd.to_numeric(rows["service_level_target"], errors="coerce").dropna()
            if len(seconds) and len(level):
                own[q] = (float(seconds.iloc[0]), float(level.iloc[0]))
    values = [own.get(q) or from_centre(q) for q in instance.queues]
    return np.array([v[0] for v in values]), np.array([v[1] for v in values])


def envelope_segments(
    traffic_erlangs: float,
    aht_seconds: float,
    answer_threshold_seconds: float,
    *,
    tolerance: float = SATURATION_TOLERANCE,
) -> tuple[np.ndarray, np.ndarray]:
    """Lines whose minimum approximates the Erlang C service level from below.

    Parameters
    ----------
    traffic_erlangs
        Offered load A [Erlang], > 0.
    aht_seconds
        Average handle time [seconds].
    answer_threshold_seconds
        Answer threshold T [seconds].
    tolerance
        The chords stop at the first whole number of agents whose service level is within
        this of 1; a flat line at that level caps the rest [fraction].

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Intercepts :math:`a_k` [fraction] and slopes :math:`b_k` [fraction per productive
        agent]: the chords between consecutive whole agents from :math:`\\lfloor A
        \\rfloor` (service level 0) on (the first dropped when it is flatter than the
        second, as when :math:`A` is just above a whole number), and the flat cap (slope
        0). For every whole :math:`n \\ge 0`, :math:`\\min_k a_k + b_k n \\le SL(n)`, with
        equality for :math:`A < n` below saturation, where the points are concave.

    Examples
    --------
    >>> a, b = envelope_segments(10.0, 180.0, 20.0)
    >>> round(float(np.min(a + b * 14)), 4)  # SL(14) = 0.8884 (Erlang C)
    0.8884
    """
    first = int(np.floor(traffic_erlangs))
    count = 8
    while True:
        agents = first + np.arange(count + 1)
        levels = service_level(agents, traffic_erlangs, aht_seconds, answer_threshold_seconds)
        saturated = np.flatnonzero(levels >= 1.0 - tolerance)
        if saturated.size or count >= MAX_SEGMENTS:
            break
        count *= 2
    last = int(saturated[0]) if saturated.size else count
    last = max(last, 1)
    agents, levels = agents[: last + 1], levels[: last + 1]
    slopes = np.diff(levels)
    intercepts = levels[:-1] - slopes * agents[:-1]
    # SL is concave for N > A, but the first step from the unstable N = floor(A) (SL 0) can
    # be flatter than the next: that chord would cut below SL(floor(A) + 2), so drop it (the
    # next chord is below zero at floor(A)).
    while len(slopes) > 1 and slopes[0] < slopes[1]:
        slopes, intercepts = slopes[1:], intercepts[1:]
    return np.append(intercepts, levels[-1]), np.append(slopes, 0.0)


def envelope_value(agents: np.ndarray, intercepts: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """:math:`\\min_k a_k + b_k n` for each ``n`` in ``agents`` [fraction]."""
    agents = np.asarray(agents, dtype=float)
    return np.min(
        intercepts[None, :] + slopes[None, :] * agents.reshape(-1)[:, None], axis=1
    ).reshape(agents.shape)


@dataclass(frozen=True)
class WeeklyServiceLevel:
    """Model extension of the weekly service-level mode (see the module docstring).

    Called by :func:`wfm.scheduling.model.build_rota_model` after the rules; adds
    ``answered[t, q]`` [contacts answered within the threshold], the constraints
    ``service_envelope[t, q, k]``, ``service_floor[t, q]`` and ``weekly_service_level[q]``,
    the shortfalls ``floor_shortfall`` and ``weekly_shortfall`` [contacts], switches off
    ``coverage_balance`` (and fixes ``under`` and ``over`` at zero), and returns the
    shortfall penalty [cost units] for the objective.
    """

    curves: ServiceCurves

    @cached_property
    def segments(self) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
        """Envelope lines of every (interval, queue) with contacts (computed once, reused
        by each model the search builds)."""
        curves = self.curves
        return {
            (int(t), int(j)): envelope_segments(
                curves.traffic_erlangs[t, j],
                curves.aht_seconds[t, j],
                curves.answer_threshold_seconds[j],
            )
            for t, j in zip(*np.nonzero(curves.offered > 0), strict=True)
        }

    def __call__(self, context: ModelContext) -> object:
        model, instance, settings = context.model, context.instance, context.settings
        curves = self.curves
        if model.component("coverage_balance") is not None:
            model.coverage_balance.deactivate()
        for block in (model.under, model.over):
            model.col_lower[block.columns] = 0.0
            model.col_upper[block.columns] = 0.0
        on_queue: dict[tuple[int, int], list] = {}
        queue_index = {q: j for j, q in enumerate(instance.queues)}
        for (t, _g, q), column in zip(model.z.keys, model.z.columns.tolist(), strict=True):
            on_queue.setdefault((int(t), queue_index[q]), []).append(column)
        busy = [(int(t), int(j)) for t, j in zip(*np.nonzero(curves.offered > 0), strict=True)]
        coverable = [key for key in busy if key in on_queue]
        answered = model.add_variables(
            "answered",
            coverable,
            lower=None,
            upper=[curves.offered[t, j] for t, j in coverable],
        )
        rows: dict[tuple[int, int, int], tuple[list[float], list, float]] = {}
        for t, j in coverable:
            offered = curves.offered[t, j]
            intercepts, slopes = self.segments[t, j]
            productive = 1.0 - curves.shrinkage_fraction[t, j]
            agents = on_queue[t, j]
            for k, (a, b) in enumerate(zip(intercepts, slopes, strict=True)):
                # answered - offered * b * productive * sum(z) <= offered * a
                rows[t, j, k] = (
                    [1.0] + [-offered * b * productive] * len(agents),
                    [answered[t, j], *agents],
                    offered * a,
                )
        model.add_upper_rows("service_envelope", rows, keep_empty=True)
        floor = curves.floor_fraction
        floor_keys = coverable if floor > 0 else []
        shortfall = model.add_variables("floor_shortfall", floor_keys, lower=0.0)
        model.add_rows(
            "service_floor",
            {key: ([1.0, 1.0], [answered[key], shortfall[key]]) for key in floor_keys},
            lower=[floor * curves.offered[t, j] for t, j in floor_keys],
        )
        queues = [j for j in range(len(instance.queues)) if curves.offered[:, j].sum() > 0]
        weekly = model.add_variables("weekly_shortfall", queues, lower=0.0)
        weekly_rows = {}
        for j in queues:
            mine = [answered[key] for key in coverable if key[1] == j]
            weekly_rows[j] = ([1.0] * (len(mine) + 1), [*mine, weekly[j]])
        model.add_rows(
            "weekly_service_level",
            weekly_rows,
            lower=[float(curves.target_fraction[j] * curves.offered[:, j].sum()) for j in queues],
        )
        logger.debug(
            "weekly service level: %d queue-intervals with contacts (%d coverable), %d envelope rows",
            len(busy),
            len(coverable),
            len(rows),
        )
        columns = np.concatenate([shortfall.columns, weekly.columns])
        cost = settings.service_level_shortfall_cost_per_contact
        return model.add_expression("service_shortfall_cost", columns, np.full(len(columns), cost))


def weekly_service_level_extensions(
    requirements: pd.DataFrame, instance: RotaInstance, settings: SchedulingSettings
) -> tuple[WeeklyServiceLevel, ...]:
    """The model extensions ``settings.objective`` asks for: the weekly service-level one,
    or none for the covering objective."""
    if settings.objective != WEEKLY_SERVICE_LEVEL:
        return ()
    return (
        WeeklyServiceLevel(
            service_curves(requirements, instance, settings.weekly_service_level_floor_fraction)
        ),
    )


def model_service_level(
    model: LinearModel, curves: ServiceCurves, queues: tuple[str, ...]
) -> dict[str, float]:
    """The weekly service level of each queue as the solved model estimates it
    [fraction]: answered within the threshold over offered (for checks and logs)."""
    totals = np.zeros(len(queues))
    for (_t, j), variable in model.answered.items():
        totals[j] += variable.value or 0.0
    offered = curves.offered.sum(axis=0)
    return {q: float(totals[j] / offered[j]) for j, q in enumerate(queues) if offered[j] > 0}


def solve_for_objective(
    instance: RotaInstance,
    settings: SchedulingSettings,
    requirements: pd.DataFrame,
    *,
    progress: ProgressCallback | None = None,
) -> SearchResult:
    """Search for the rota ``settings.objective`` asks for.

    The covering objective is :func:`wfm.scheduling.search.solve_rota` as it is. HiGHS
    finds a first rota in the weekly service-level model much more slowly than in the
    covering one (on the sample centre none at all within 150 s on a loaded 2-core
    machine), so the weekly search starts from a covering rota built for it:

    1. solve the LP relaxation of the weekly model (pooled) and read the agents it puts on
       each queue in each interval, the *service profile*;
    2. cover that profile with the covering search (which stops on its deterministic work
       budgets): a rota close to the relaxation's weekly optimum, and feasible for the
       weekly model, whose targets are soft;
    3. run the weekly search from it (MIP start, and its shifts offered in stage 2) in the
       time left.

    The bound and gap reported are the weekly search's.
    """
    if settings.objective != WEEKLY_SERVICE_LEVEL:
        return solve_rota(instance, settings, progress=progress)
    report = progress or no_progress
    started = thread_cpu_seconds()  # the limit counts CPU time (wfm.scheduling.budget)
    extensions = weekly_service_level_extensions(requirements, instance, settings)
    budget = settings.time_limit_seconds

    report(0.0, "the service profile of the relaxation")
    relaxed_model, relaxed = solve_pooled_relaxation(instance, settings, budget, extensions)
    profiled = instance
    if relaxed.status.has_solution:
        profiled = dataclasses.replace(
            instance, scheduled_required=scheduled_by_queue(relaxed_model, instance)
        )
    covering_settings = settings.model_copy(
        update={
            "objective": "cover_requirement",
            # The covering search stops on its work budgets; the time left is only its
            # safety net, so that the start rota does not depend on the machine's load.
            "time_limit_seconds": max(budget - (thread_cpu_seconds() - started), 1.0),
        }
    )
    report(0.1, "a rota covering the service profile")
    covering = solve_rota(
        profiled, covering_settings, progress=scaled(report, 0.1, COVER_START_SHARE)
    )
    keep = read_assignments(covering.model, instance) if covering.model is not None else None
    spent = thread_cpu_seconds() - started
    weekly_settings = settings.model_copy(update={"time_limit_seconds": max(budget - spent, 1.0)})
    weekly = solve_rota(
        instance,
        weekly_settings,
        progress=scaled(report, COVER_START_SHARE, 1.0),
        extensions=extensions,
        keep=keep,
    )
    summary = dataclasses.replace(
        weekly.summary,
        termination=f"start covering the relaxation's service profile: {covering.summary.status.value}; "
        f"weekly service level: {weekly.summary.termination}",
        build_seconds=weekly.summary.build_seconds
        + spent
        - relaxed.seconds
        - covering.summary.solve_seconds,
        solve_seconds=weekly.summary.solve_seconds
        + relaxed.seconds
        + covering.summary.solve_seconds,
        wall_seconds=weekly.summary.wall_seconds + spent,
    )
    return SearchResult(weekly.model, summary)
