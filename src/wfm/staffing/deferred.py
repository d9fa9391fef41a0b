"""Deferred work (email, back office): workload spread over the response window.

Deferred items do not wait in a queue watched second by second: each must be finished
within a response time W (4 hours, 24 hours) of its arrival. Staffing per interval with
Erlang would be wrong; the question is the smallest *level* staffing (the same number of
agents in every open interval) that finishes every item by its deadline when the agents
work the backlog oldest first.

Method
------
Interval i (start sᵢ, length Δ) brings work wᵢ = items × handle time [agent-seconds]. Its
items are available from sᵢ and due at sᵢ + W. Agents work only in the open intervals given
(time after the last interval counts as open, so the horizon's end forces nothing early).
With c agents working oldest-deadline-first, every deadline is met if and only if, for every
pair of intervals i ≤ j, the work arriving in i..j fits in the open time between sᵢ and
sⱼ + W:

    c ≥ max_{i ≤ j}  (wᵢ + … + wⱼ) / open_time(sᵢ, sⱼ + W).

This is the demand-bound test of deadline scheduling on one resource of rate c (agents are
interchangeable and an item is small against the window). The maximum is taken over all
pairs by a loop over the window length j − i, vectorised over i.

References
----------
Liu, C. L., & Layland, J. W. (1973). Scheduling algorithms for multiprogramming in a
hard-real-time environment. Journal of the ACM, 20(1), 46–61 (deadline scheduling).

Baruah, S., Mok, A., & Rosier, L. (1990). Preemptively scheduling hard-real-time sporadic
tasks on one processor. IEEE Real-Time Systems Symposium, 182–190 (the demand-bound test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from wfm.errors import InputError
from wfm.staffing.forecast_rows import ShrinkageInput, forecast_rows
from wfm.staffing.requirements import scheduled_agents
from wfm.staffing.targets import check_workload


@dataclass(frozen=True)
class DeferredStaffing:
    """Level staffing of deferred work.

    Attributes
    ----------
    agents_level : float
        Smallest constant agents over the open intervals meeting every deadline (real).
    agents_required : int
        ⌈agents_level⌉.
    workload_agent_seconds : numpy.ndarray
        Work arriving per interval [agent-seconds].
    backlog_agent_seconds : numpy.ndarray
        Work waiting at the end of each interval with ``agents_level`` agents [agent-seconds].
    binding_interval : int
        Position of the interval whose deadline binds (j of the maximising pair).
    """

    agents_level: float
    agents_required: int
    workload_agent_seconds: np.ndarray
    backlog_agent_seconds: np.ndarray
    binding_interval: int


def staff_deferred_work(
    interval_offset_seconds: npt.ArrayLike,
    items: npt.ArrayLike,
    handle_time_seconds: npt.ArrayLike,
    interval_minutes: int,
    response_hours: float,
) -> DeferredStaffing:
    """Smallest level staffing finishing every deferred item within ``response_hours``.

    Parameters
    ----------
    interval_offset_seconds : array_like
        Start of each open interval from a common origin [seconds], increasing.
    items : array_like
        Items arriving per interval (≥ 0).
    handle_time_seconds : array_like
        Handle time per item [seconds] (> 0 where items arrive).
    interval_minutes : int
        Interval length Δ [minutes].
    response_hours : float
        Response-time target W [hours] (> 0).

    Returns
    -------
    DeferredStaffing

    Examples
    --------
    A day open 08:00–16:00 (32 quarter-hours); 40 emails of 6 minutes each arrive at 08:00
    (4 agent-hours of work); within 4 hours: one agent suffices; within 1 hour: four.

    >>> starts = np.arange(32) * 900.0
    >>> emails = np.r_[40.0, np.zeros(31)]
    >>> staff_deferred_work(starts, emails, 360.0, 15, 4.0).agents_level
    1.0
    >>> staff_deferred_work(starts, emails, 360.0, 15, 1.0).agents_required
    4
    """
    starts = np.asarray(interval_offset_seconds, dtype=float)
    count = np.asarray(items, dtype=float)
    handle = np.broadcast_to(np.asarray(handle_time_seconds, dtype=float), count.shape)
    if starts.shape != count.shape or starts.ndim != 1:
        raise InputError(
            "items and interval starts must be one value per interval",
            value=(starts.shape, count.shape),
        )
    if not (response_hours > 0):
        raise InputError(
            "response time must be more than 0 hours",
            value=response_hours,
            fix="e.g. --deferred-response-hours 24",
        )
    check_workload(count, handle, counts_text="deferred items", handle_text="handle time per item")
    busy = handle[count > 0]
    if busy.size and np.median(busy) < 15:
        raise InputError(
            "handle time per item looks like minutes, not seconds",
            value=float(np.median(busy)),
            fix="give it in seconds (e.g. 360 for 6 minutes)",
        )
    if starts.size > 1 and (np.diff(starts) <= 0).any():
        raise InputError("interval starts must increase", fix="sort the intervals by time")
    length = interval_minutes * 60.0
    work = np.where(count > 0, count * handle, 0.0)
    size = work.size
    if size == 0 or not work.any():
        return DeferredStaffing(0.0, 0, work, np.zeros(size), -1)
    ends = starts + length
    open_before = np.concatenate(
        [[0.0], np.cumsum(np.full(size, length))]
    )  # open time before interval k

    def open_time_until(t: np.ndarray) -> np.ndarray:
        """Open time from the first interval's start up to clock time t."""
        k = np.searchsorted(starts, t, side="right") - 1  # last interval starting at or before t
        inside = np.clip(t - starts[np.maximum(k, 0)], 0.0, length)
        within = np.where(k >= 0, open_before[np.maximum(k, 0)] + inside, 0.0)
        return np.where(t > ends[-1], open_before[-1] + (t - ends[-1]), within)

    window = response_hours * 3600.0
    available_from = open_time_until(starts)
    due_by = open_time_until(starts + window)
    cumulative = np.concatenate([[0.0], np.cumsum(work)])
    best, best_j = 0.0, -1
    for span in range(size):  # j = i + span, vectorised over i
        i = np.arange(size - span)
        j = i + span
        demand = cumulative[j + 1] - cumulative[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = demand / (due_by[j] - available_from[i])
        rate = np.where(demand > 0, rate, 0.0)
        k = int(np.argmax(rate))
        if rate[k] > best:
            best, best_j = float(rate[k]), int(j[k])
    level = best
    # Backlog with `level` agents working oldest first in open time (Lindley's recursion
    # b_k = max(b_{k-1} + w_k − c·Δ, 0), in closed form: S_k − min(0, S_1, …, S_k)).
    balance = np.cumsum(work - level * length)
    backlog = np.maximum(balance - np.minimum(np.minimum.accumulate(balance), 0.0), 0.0)
    required = int(np.ceil(level - 1e-9))
    return DeferredStaffing(level, required, work, backlog, best_j)


def compute_deferred_requirements(
    forecast: pd.DataFrame,
    shrinkage_fraction: ShrinkageInput,
    interval_minutes: int,
    response_hours: float,
    *,
    source: str = "forecast",
) -> pd.DataFrame:
    """Level requirements per queue for deferred work (``offered`` = items, ``aht_seconds`` per item).

    Every interval of a queue gets the queue's level ⌈c⌉ (:func:`staff_deferred_work` over
    all the queue's intervals in the forecast). Returns the columns of
    :func:`wfm.staffing.compute_requirements` (``service_level`` and ``asa_seconds`` empty:
    they do not apply; ``occupancy`` = work arriving / capacity of the interval;
    ``binding_target`` = ``response_time``) plus ``agents_level`` and
    ``backlog_agent_seconds``.
    """
    checked = forecast_rows(forecast, shrinkage_fraction, source=source)
    frame, queues, offered = checked.frame, checked.queues, checked.offered
    aht, shrinkage = checked.staffing_aht_seconds, checked.shrinkage_fraction
    times = pd.to_datetime(frame["interval_start"])
    agents = np.zeros(len(frame), dtype=np.int64)
    level = np.zeros(len(frame))
    backlog = np.zeros(len(frame))
    work = np.zeros(len(frame))
    for queue in pd.unique(queues):
        rows = np.flatnonzero(queues == queue)
        rows = rows[np.argsort(times.iloc[rows].to_numpy(), kind="stable")]
        offset = (times.iloc[rows] - times.iloc[rows[0]]).dt.total_seconds().to_numpy()
        result = staff_deferred_work(
            offset, offered[rows], aht[rows], interval_minutes, response_hours
        )
        agents[rows], level[rows] = result.agents_required, result.agents_level
        backlog[rows], work[rows] = result.backlog_agent_seconds, result.workload_agent_seconds
    capacity = agents * interval_minutes * 60.0
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(capacity > 0, work / np.maximum(capacity, 1e-300), 0.0)
    return pd.DataFrame(
        {
            "interval_start": frame["interval_start"],
            "queue": queues,
            "offered": offered,
            "aht_seconds": frame["aht_seconds"].to_numpy(dtype=float),
            "traffic_erlangs": work / (interval_minutes * 60.0),
            "agents_required": agents,
            "agents_scheduled_required": scheduled_agents(agents, shrinkage),
            "service_level": np.nan,
            "asa_seconds": np.nan,
            "occupancy": occupancy,
            "binding_target": np.where(agents > 0, "response_time", "none"),
            "shrinkage_fraction": shrinkage,
            "agents_level": level,
            "backlog_agent_seconds": backlog,
        }
    )
