"""Discrete-event simulation of a queue over a day of intervals: the risk in a staffing plan.

Contacts arrive as a Poisson process at each interval's rate, wait first come first served
for one of the interval's agents, and are handled for an exponential or lognormal time with
the interval's mean AHT; with a patience they abandon after an exponential time. Repeating
the day gives the distribution of the service level that a formula's single number hides,
and checks the formulas themselves.

Model details
-------------
- All random numbers are drawn up front, per replication, from one seeded
  :class:`numpy.random.Generator` (vectorised); the only Python loop is the FCFS queue itself,
  one step per contact, with a heap of the agents' next free times.
- Agents change at interval boundaries. A new agent is free from the boundary; an agent who
  leaves finishes the contact in hand first (the agents who leave are those free soonest).
  Because FCFS start times never decrease, applying each boundary when the next start time
  passes it is exact. Closed hours (gaps between intervals) keep the previous agents until
  the next interval; each day starts empty.
- A contact is answered if its wait for an agent is no longer than its patience; its
  handle time is drawn with the mean AHT of the interval it arrived in. Contacts still
  queued when no agent is left (the plan's last intervals have none) are never answered and
  are counted as abandoned.
- Counts per interval are those of DOMAIN.md §4 (answered, answered within T, abandoned,
  abandoned within T, short abandons), attributed to the arrival interval, so any
  service-level definition of :mod:`wfm.staffing.service_level_definitions` can be applied.

References
----------
Palmer, G. I., Knight, V. A., Harper, P. R., & Hawa, A. L. (2019). Ciw: an open-source
discrete event simulation library. Journal of Simulation, 13(1), 68–82 (the model the tests
follow: a seeded simulation checked against closed-form theory).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.staffing.service_level_definitions import (
    DEFAULT_DEFINITION,
    ServiceLevelDefinition,
    ratio,
    service_level_parts,
)

HandleTimeDistribution = Literal["exponential", "lognormal"]
HANDLE_TIME_DISTRIBUTIONS = ("exponential", "lognormal")
#: Count columns produced per interval and replication.
COUNT_COLUMNS = (
    "offered",
    "answered",
    "answered_within_threshold",
    "abandoned",
    "abandoned_within_threshold",
    "short_abandoned",
    "answered_wait_seconds",
)


@dataclass(frozen=True)
class DayPlan:
    """One day of one queue to simulate, one element per interval.

    Parameters
    ----------
    interval_offset_seconds : numpy.ndarray
        Start of each interval from the start of the day [seconds], increasing.
    interval_minutes : int
        Interval length [minutes].
    offered : numpy.ndarray
        Expected contacts per interval (the Poisson mean).
    aht_seconds : numpy.ndarray
        Mean handle time per interval [seconds].
    agents : numpy.ndarray of int
        Productive agents per interval.
    """

    interval_offset_seconds: np.ndarray
    interval_minutes: int
    offered: np.ndarray
    aht_seconds: np.ndarray
    agents: np.ndarray

    def __post_init__(self) -> None:
        for name in ("offered", "aht_seconds", "agents"):
            values = np.asarray(getattr(self, name), dtype=float)
            if values.shape != np.shape(self.interval_offset_seconds):
                raise InputError(f"{name} must have one value per interval", value=values.shape)
            if not np.isfinite(values).all() or (values < 0).any():
                raise InputError(
                    f"{name} must be finite and zero or more",
                    value=float(values[~(values >= 0)][0]) if (~(values >= 0)).any() else None,
                )
        aht = np.asarray(self.aht_seconds, dtype=float)
        busy = np.asarray(self.offered, dtype=float) > 0
        if (aht[busy] <= 0).any():
            raise InputError(
                "aht_seconds must be more than 0 where contacts are offered",
                value=float(aht[busy][aht[busy] <= 0][0]),
            )
        if busy.any() and np.median(aht[busy]) < 15:
            raise InputError(
                "aht_seconds looks like minutes, not seconds",
                value=float(np.median(aht[busy])),
                fix="give the handle time in seconds",
            )


def _handle_times(
    rng: np.random.Generator, means: np.ndarray, distribution: str, cv: float
) -> np.ndarray:
    if distribution == "exponential":
        return rng.exponential(1.0, means.size) * means
    sigma2 = math.log(1.0 + cv * cv)
    return means * rng.lognormal(-sigma2 / 2.0, math.sqrt(sigma2), means.size)


def _replicate(
    rng: np.random.Generator,
    plan: DayPlan,
    answer_threshold_seconds: float,
    patience_seconds: float | None,
    distribution: str,
    handle_time_cv: float,
    short_abandon_seconds: float,
) -> np.ndarray:
    """Counts (intervals × len(COUNT_COLUMNS)) of one simulated day."""
    length = plan.interval_minutes * 60.0
    starts = np.asarray(plan.interval_offset_seconds, dtype=float)
    counts = rng.poisson(np.asarray(plan.offered, dtype=float))
    interval = np.repeat(np.arange(starts.size), counts)
    arrival = starts[interval] + rng.uniform(0.0, length, interval.size)
    order = np.argsort(arrival, kind="stable")
    arrival, interval = arrival[order], interval[order]
    handle = _handle_times(
        rng, np.asarray(plan.aht_seconds, dtype=float)[interval], distribution, handle_time_cv
    )
    patience = (
        rng.exponential(patience_seconds, interval.size)
        if patience_seconds
        else np.full(interval.size, np.inf)
    )
    wait = _fcfs_waits(
        arrival.tolist(),
        handle.tolist(),
        patience.tolist(),
        starts.tolist(),
        np.asarray(plan.agents, dtype=np.int64).tolist(),
    )
    answered = (wait <= patience) & np.isfinite(wait)
    abandon_time = np.where(answered, np.inf, np.minimum(patience, wait))
    size = starts.size
    result = np.zeros((size, len(COUNT_COLUMNS)))
    result[:, 0] = np.bincount(interval, minlength=size)
    result[:, 1] = np.bincount(interval, weights=answered, minlength=size)
    result[:, 2] = np.bincount(
        interval, weights=answered & (wait <= answer_threshold_seconds), minlength=size
    )
    result[:, 3] = np.bincount(interval, weights=~answered, minlength=size)
    result[:, 4] = np.bincount(
        interval, weights=~answered & (abandon_time <= answer_threshold_seconds), minlength=size
    )
    result[:, 5] = np.bincount(
        interval, weights=~answered & (abandon_time < short_abandon_seconds), minlength=size
    )
    result[:, 6] = np.bincount(interval, weights=np.where(answered, wait, 0.0), minlength=size)
    return result


def _fcfs_waits(
    arrival: list, handle: list, patience: list, boundary: list, agents: list
) -> np.ndarray:
    """Wait for an agent of each contact, FCFS, agents changing at ``boundary`` times.

    A contact whose wait would exceed its patience abandons and takes no agent; ``inf`` when
    no agent ever comes.
    """
    free: list[float] = []  # heap of the on-duty agents' next free times
    waits = np.empty(len(arrival))
    next_boundary, boundaries = 0, len(boundary)
    heappush, heappop, heapreplace = heapq.heappush, heapq.heappop, heapq.heapreplace
    inf = math.inf
    for k, arrived in enumerate(arrival):
        while True:
            start = (free[0] if free[0] > arrived else arrived) if free else inf
            if next_boundary < boundaries and boundary[next_boundary] <= start:
                at, change = boundary[next_boundary], agents[next_boundary] - len(free)
                for _ in range(change):
                    heappush(free, at)
                for _ in range(-change):
                    heappop(free)  # the agent free soonest leaves after the contact in hand
                next_boundary += 1
                continue
            break
        waited = start - arrived
        waits[k] = waited
        if waited <= patience[k] and start != inf:
            heapreplace(free, start + handle[k])
    return waits


def simulate_day(
    plan: DayPlan,
    answer_threshold_seconds: float,
    *,
    patience_seconds: float | None = None,
    handle_time_distribution: HandleTimeDistribution = "exponential",
    handle_time_cv: float = 1.0,
    short_abandon_seconds: float = 5.0,
    replications: int = 100,
    seed: int | None = 0,
) -> np.ndarray:
    """Simulate one day ``replications`` times; raw counts per replication and interval.

    Parameters
    ----------
    plan : DayPlan
        Intervals, expected contacts, AHT and agents of the day.
    answer_threshold_seconds : float
        Answer threshold T [seconds], ≥ 0.
    patience_seconds : float or None
        Mean exponential patience [seconds]; ``None`` for callers who never abandon.
    handle_time_distribution : {"exponential", "lognormal"}
        Distribution of handle times, with the interval's AHT as mean.
    handle_time_cv : float
        Coefficient of variation of a lognormal handle time (> 0).
    short_abandon_seconds : float
        Abandons sooner than this [seconds] are counted as short abandons too.
    replications : int
        Number of simulated days (≥ 1).
    seed : int or None
        Seed of the :class:`numpy.random.Generator`.

    Returns
    -------
    numpy.ndarray
        Shape (replications, intervals, 7): :data:`COUNT_COLUMNS` per interval.

    Examples
    --------
    >>> plan = DayPlan(np.array([0.0]), 30, np.array([100.0]), np.array([180.0]), np.array([14]))
    >>> simulate_day(plan, 20.0, replications=3, seed=1).shape
    (3, 1, 7)
    """
    _check_settings(
        answer_threshold_seconds,
        patience_seconds,
        handle_time_distribution,
        handle_time_cv,
        replications,
    )
    rng = np.random.default_rng(seed)
    return np.stack(
        [
            _replicate(
                rng,
                plan,
                answer_threshold_seconds,
                patience_seconds,
                handle_time_distribution,
                handle_time_cv,
                short_abandon_seconds,
            )
            for _ in range(replications)
        ]
    )


def _check_settings(threshold, patience, distribution, cv, replications) -> None:
    if not threshold >= 0:
        raise InputError("answer threshold must be zero or more seconds", value=threshold)
    if patience is not None and not patience > 0:
        raise InputError(
            "patience_seconds must be more than 0",
            value=patience,
            fix="give the mean patience in seconds, or none for no abandonment",
        )
    if distribution not in HANDLE_TIME_DISTRIBUTIONS:
        raise InputError(
            "unknown handle-time distribution",
            value=distribution,
            fix=f"use one of {HANDLE_TIME_DISTRIBUTIONS}",
        )
    if not cv > 0:
        raise InputError("handle_time_cv must be more than 0", value=cv)
    if not (isinstance(replications, int | np.integer) and replications >= 1):
        raise InputError("replications must be a whole number, 1 or more", value=replications)


def simulate_interval_queue(
    agents: int,
    arrival_rate_per_second: float,
    aht_seconds: float,
    answer_threshold_seconds: float,
    *,
    patience_seconds: float | None = None,
    horizon_seconds: float = 100_000.0,
    seed: int | None = 0,
) -> dict[str, float]:
    """Long-run service of a constant M/M/N(+M) queue by simulation, to check the formulas.

    Returns
    -------
    dict
        ``service_level`` (answered within T / offered), ``abandon_probability``,
        ``asa_seconds`` (mean wait of answered contacts) and ``offered``.

    Examples
    --------
    Erlang C gives 0.888 for 14 agents, 10 Erlang, AHT 180 s and 20 s:

    >>> r = simulate_interval_queue(14, 10 / 180, 180.0, 20.0, horizon_seconds=1_000_000, seed=1)
    >>> abs(r["service_level"] - 0.888) < 0.02
    True
    """
    interval_minutes = 60
    intervals = max(1, math.ceil(horizon_seconds / 3600.0))
    plan = DayPlan(
        np.arange(intervals) * 3600.0,
        interval_minutes,
        np.full(intervals, arrival_rate_per_second * 3600.0),
        np.full(intervals, float(aht_seconds)),
        np.full(intervals, int(agents)),
    )
    totals = simulate_day(
        plan, answer_threshold_seconds, patience_seconds=patience_seconds, replications=1, seed=seed
    )[0].sum(axis=0)
    offered, answered, within, abandoned = totals[0], totals[1], totals[2], totals[3]
    return {
        "offered": float(offered),
        "service_level": float(within / offered),
        "abandon_probability": float(abandoned / offered),
        "asa_seconds": float(totals[6] / answered) if answered else math.nan,
    }


def summarise_simulation(
    counts: np.ndarray,
    definition: str | ServiceLevelDefinition = DEFAULT_DEFINITION,
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9),
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Quantiles of the simulated service level, per interval and for the whole day.

    Parameters
    ----------
    counts : numpy.ndarray
        Output of :func:`simulate_day`, shape (replications, intervals, 7).
    definition : ServiceLevelDefinition or str
        How abandons count (:mod:`wfm.staffing.service_level_definitions`).
    quantiles : tuple of float
        Quantiles to report, e.g. (0.1, 0.5, 0.9) → ``service_level_p10``, ``_p50``, ``_p90``.

    Returns
    -------
    (pandas.DataFrame, dict)
        Per interval (one row each): the quantiles, ``service_level_mean`` and
        ``abandoned_mean`` [contacts]; for the day: the same quantiles and mean of the day's
        service level, each replication's counts pooled over the day (sum of numerators over
        sum of denominators).
    """
    numerator, denominator = service_level_parts(
        counts[:, :, 1],
        counts[:, :, 2],
        counts[:, :, 3],
        counts[:, :, 4],
        counts[:, :, 5],
        definition=definition,
    )
    per_interval = ratio(numerator, denominator)
    per_day = ratio(numerator.sum(axis=1), denominator.sum(axis=1))
    names = [f"service_level_p{round(q * 100):02d}" for q in quantiles]
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN intervals (no contacts)
            table = {
                name: np.nanquantile(per_interval, q, axis=0)
                for name, q in zip(names, quantiles, strict=True)
            }
            table["service_level_mean"] = np.nanmean(per_interval, axis=0)
    table["abandoned_mean"] = counts[:, :, 3].mean(axis=0)
    day = {
        name: float(np.nanquantile(per_day, q)) for name, q in zip(names, quantiles, strict=True)
    }
    day["service_level_mean"] = float(np.nanmean(per_day))
    day["abandoned_mean"] = float(counts[:, :, 3].sum(axis=1).mean())
    return pd.DataFrame(table), day


def simulate_requirements(
    requirements: pd.DataFrame,
    interval_minutes: int,
    answer_threshold_seconds: float,
    *,
    agents_column: str = "agents_required",
    patience_seconds: float | None = None,
    handle_time_distribution: HandleTimeDistribution = "exponential",
    handle_time_cv: float = 1.0,
    short_abandon_seconds: float = 5.0,
    definition: str | ServiceLevelDefinition = DEFAULT_DEFINITION,
    replications: int = 200,
    seed: int | None = 0,
    source: str = "requirements",
) -> pd.DataFrame:
    """Simulate every day of every queue of a requirements table; quantiles beside the formula.

    Parameters
    ----------
    requirements : pandas.DataFrame
        ``interval_start`` (tz-aware; days split at its local midnight), ``queue``,
        ``offered`` [contacts], ``aht_seconds`` [seconds] and ``agents_column``
        [productive agents; fractions are rounded to the nearest whole agent].
    interval_minutes : int
        Interval length [minutes].
    answer_threshold_seconds : float
        Answer threshold T [seconds].
    agents_column : str
        Column holding the agents to simulate.
    patience_seconds, handle_time_distribution, handle_time_cv, short_abandon_seconds, replications, seed
        As :func:`simulate_day`; each queue-day gets its own stream from ``seed``.
    definition : ServiceLevelDefinition or str
        How abandons count in the simulated service level.
    source : str
        Name of the table's origin, for messages.

    Returns
    -------
    pandas.DataFrame
        One row per interval (``level`` = ``interval``) and one per queue-day (``level`` =
        ``day``, whose ``interval_start`` is the day's first): ``level, queue, date, interval_start, offered, agents,
        service_level_formula`` (Erlang C, or Erlang A with a patience; the day's is the
        offered-weighted mean), ``service_level_p10``, ``_p50``, ``_p90``,
        ``service_level_mean``, ``abandoned_mean``.
    """
    from wfm.staffing.erlang import service_level_fractional
    from wfm.staffing.erlang_a import erlang_a

    needed = ["interval_start", "queue", "offered", "aht_seconds", agents_column]
    missing = [c for c in needed if c not in requirements]
    if missing:
        raise InputError(
            f"missing column(s) {missing}",
            source=source,
            fix="simulate a requirements file from `wfm staff`, or name the agents column with --agents-column",
        )
    frame = requirements.sort_values(["queue", "interval_start"]).reset_index(drop=True)
    agents_real = pd.to_numeric(frame[agents_column], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(agents_real).all() or (agents_real < 0).any():
        row = int(np.flatnonzero(~(agents_real >= 0))[0])
        raise InputError(
            "agents must be a number, zero or more",
            source=source,
            column=agents_column,
            value=frame[agents_column].iloc[row],
        )
    agents = np.rint(agents_real).astype(np.int64)
    offered = frame["offered"].to_numpy(dtype=float)
    aht = np.where(offered > 0, frame["aht_seconds"].to_numpy(dtype=float), 1.0)
    traffic = offered * aht / (interval_minutes * 60.0)
    if patience_seconds is None:
        formula = service_level_fractional(agents, traffic, aht, answer_threshold_seconds)
    else:
        formula = erlang_a(
            agents, traffic, aht, patience_seconds, answer_threshold_seconds, with_asa=False
        ).service_level
    times = frame["interval_start"]
    local_date = (
        times.dt.tz_localize(None).dt.date
        if isinstance(times.dtype, pd.DatetimeTZDtype)
        else pd.to_datetime(times).dt.date
    )
    seeds = np.random.SeedSequence(seed).spawn(frame.groupby(["queue", local_date]).ngroups)
    parts = []
    for (queue, date), rows in frame.groupby(["queue", local_date], sort=True):
        index = rows.index.to_numpy()
        offsets = (times.iloc[index] - times.iloc[index[0]]).dt.total_seconds().to_numpy()
        plan = DayPlan(offsets, interval_minutes, offered[index], aht[index], agents[index])
        counts = simulate_day(
            plan,
            answer_threshold_seconds,
            patience_seconds=patience_seconds,
            handle_time_distribution=handle_time_distribution,
            handle_time_cv=handle_time_cv,
            short_abandon_seconds=short_abandon_seconds,
            replications=replications,
            seed=np.random.default_rng(seeds[len(parts)]).integers(2**63),
        )
        per_interval, day = summarise_simulation(counts, definition)
        weight = offered[index].sum()
        interval_rows = per_interval.assign(
            level="interval",
            queue=queue,
            date=date,
            interval_start=times.iloc[index].reset_index(drop=True),
            offered=offered[index],
            agents=agents[index],
            service_level_formula=formula[index],
        )
        day_row = pd.DataFrame(
            [
                {
                    **day,
                    "level": "day",
                    "queue": queue,
                    "date": date,
                    "interval_start": times.iloc[index[0]],
                    "offered": weight,
                    "agents": np.nan,
                    "service_level_formula": float((formula[index] * offered[index]).sum() / weight)
                    if weight > 0
                    else 1.0,
                }
            ]
        )
        parts.append(pd.concat([interval_rows, day_row], ignore_index=True))
    columns = [
        "level",
        "queue",
        "date",
        "interval_start",
        "offered",
        "agents",
        "service_level_formula",
        "service_level_p10",
        "service_level_p50",
        "service_level_p90",
        "service_level_mean",
        "abandoned_mean",
    ]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]
