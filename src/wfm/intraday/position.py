"""Today's position per queue and interval: planned and updated forecast, requirement, agents
scheduled and present, and the service level of the day counting what has already happened.

At the as-of time t, for each queue and interval i of the day:

- ``offered_planned``: the forecast as planned; ``offered_actual``: arrivals counted so far
  (intervals ended by t); ``offered_updated``: the actual for elapsed intervals, else the
  planned forecast re-forecast from the arrivals so far by the intraday update of
  ``wfm forecast --as-of`` (:func:`wfm.forecast.intraday_update.update_rest_of_day_state`,
  a shrunk update of the day level and of a fading recent deviation, not the raw morning
  ratio), with each queue's prior from :attr:`DayOptions.update_by_queue`.
- ``agents_required``: productive agents for the updated forecast (Erlang C to the queue's
  targets, :func:`wfm.staffing.requirements.compute_requirements` with no shrinkage).
- ``agents_scheduled``: agents on shift and not on a break in the rota; ``agents_present``:
  for elapsed intervals, agents in a productive state (time-weighted, from the state feed),
  for the rest of the day the scheduled agents less those absent today (scheduled since the
  start of their shift with no productive event), × (1 − shrinkage) for the absence and
  off-phone time the rota does not place.
- ``service_level``: measured for elapsed intervals where the arrivals carry answered counts,
  else projected with Erlang C on ``agents_present`` (interpolated between whole agents).

Agents skilled for several queues count on each in proportion to the queues' required agents
in the interval (a routing assumption; the rota's own allocation is not in the rota file).
The day's service level weights every interval by its contacts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.data.states import PRODUCTIVE_STATES, StateLog
from wfm.forecast.intraday_update import (
    DEFAULT_UPDATE,
    UpdateParameters,
    update_rest_of_day_state,
)
from wfm.intraday.feed import FeedStatus, feed_status
from wfm.staffing.erlang import service_level_fractional
from wfm.staffing.requirements import compute_requirements
from wfm.staffing.targets import ServiceTarget

#: Columns of :attr:`DayPosition.intervals`.
POSITION_COLUMNS = (
    "interval_start",
    "queue",
    "elapsed",
    "offered_planned",
    "offered_actual",
    "offered_updated",
    "aht_seconds",
    "agents_required",
    "agents_scheduled",
    "agents_present",
    "service_level",
    "service_level_source",
)


@dataclass(frozen=True)
class DayOptions:
    """What the position of a day needs from the centre, as plain values.

    Attributes
    ----------
    queues_by_agent : mapping
        Each agent's queues (skills).
    targets : mapping
        Each queue's :class:`~wfm.staffing.targets.ServiceTarget`.
    shrinkage_by_queue : mapping
        Shrinkage per queue [fraction, 0-1] the rota does not place.
    interval_minutes : int
        Interval length [minutes].
    update_by_queue : mapping
        Prior of the intraday update per queue
        (:class:`~wfm.forecast.intraday_update.UpdateParameters`, e.g. learnt by
        :func:`wfm.forecast.update_priors.learn_update_priors` as ``wfm forecast --as-of``
        learns it); a queue not in it gets
        :data:`~wfm.forecast.intraday_update.DEFAULT_UPDATE`.
    """

    queues_by_agent: Mapping[str, Sequence[str]]
    targets: Mapping[str, ServiceTarget]
    shrinkage_by_queue: Mapping[str, float]
    interval_minutes: int
    update_by_queue: Mapping[str, UpdateParameters] = field(default_factory=dict)

    def update_for(self, queue: str) -> UpdateParameters:
        """The intraday update's prior for ``queue``."""
        return self.update_by_queue.get(queue, DEFAULT_UPDATE)


@dataclass(frozen=True)
class DayPosition:
    """Today's position at :attr:`as_of`.

    Attributes
    ----------
    as_of : pandas.Timestamp
    intervals : pandas.DataFrame
        :data:`POSITION_COLUMNS`, one row per queue and interval of the day.
    summary : pandas.DataFrame
        Per queue and ``all``: contacts so far against their forecast, the rest of the
        day's updated total over its planned one (``rest_of_day_factor``), the service
        level so far, projected for the rest of the day and for the whole day, and
        the agents absent.
    feed : FeedStatus
        Freshness of the state feed.
    absent_agents : tuple of str
        Agents scheduled since before the as-of time with no productive event today.
    """

    as_of: pd.Timestamp
    intervals: pd.DataFrame
    summary: pd.DataFrame
    feed: FeedStatus
    absent_agents: tuple[str, ...]


def occupancy_matrix(
    starts: pd.Series, ends: pd.Series, grid: pd.DatetimeIndex, interval_minutes: int
) -> np.ndarray:
    """Fraction of each grid interval covered by each [start, end) piece: (pieces, intervals)."""
    if len(starts) == 0:
        return np.zeros((0, len(grid)))
    # Nanoseconds on one axis (pandas keeps other units, e.g. microseconds, as read).
    g0 = pd.DatetimeIndex(grid).as_unit("ns").asi8[None, :]
    g1 = g0 + interval_minutes * 60 * 10**9
    s = pd.DatetimeIndex(starts).as_unit("ns").asi8[:, None]
    e = pd.DatetimeIndex(ends).as_unit("ns").asi8[:, None]
    overlap = np.clip(np.minimum(e, g1) - np.maximum(s, g0), 0, None)
    return overlap / (interval_minutes * 60 * 10**9)


def split_by_queue(
    per_agent: np.ndarray,
    agents: Sequence[str],
    queues_by_agent: Mapping[str, Sequence[str]],
    queues: Sequence[str],
    weights: np.ndarray,
) -> np.ndarray:
    """Agents (agents × intervals) → agents per queue (queues × intervals), each agent
    shared between their queues in proportion to ``weights`` (queues × intervals)."""
    result = np.zeros((len(queues), per_agent.shape[1]))
    index = {queue: k for k, queue in enumerate(queues)}
    for row, agent in enumerate(agents):
        own = [index[q] for q in queues_by_agent.get(agent, ()) if q in index]
        if not own:
            continue
        w = weights[own] + 1e-9
        result[own] += per_agent[row][None, :] * w / w.sum(axis=0, keepdims=True)
    return result


def day_position(
    forecast: pd.DataFrame,
    rota: pd.DataFrame,
    states: StateLog,
    arrivals: pd.DataFrame,
    as_of: pd.Timestamp,
    options: DayOptions,
) -> DayPosition:
    """Today's position at ``as_of`` (see the module docstring).

    Parameters
    ----------
    forecast : pandas.DataFrame
        The planned forecast (``interval_start``, ``queue``, ``offered``, ``aht_seconds``),
        covering today.
    rota : pandas.DataFrame
        The published rota (:func:`wfm.data.output_files.read_rota`).
    states : StateLog
        Today's agent states (:func:`wfm.intraday.feed.read_states_today`).
    arrivals : pandas.DataFrame
        Today's interval history so far (``interval_start``, ``queue``, ``offered``;
        optional ``handled``, ``abandoned``, ``answered_within_threshold``,
        ``abandoned_within_threshold``).
    as_of : pandas.Timestamp
        The time of the position (tz-aware).
    options : DayOptions
        From the centre (:func:`wfm.intraday.centre_day.position_options`), with the
        priors of the intraday update.
    """
    interval_minutes = options.interval_minutes
    queues_by_agent = options.queues_by_agent
    timezone = str(pd.DatetimeIndex(forecast["interval_start"]).tz)
    as_of = pd.Timestamp(as_of).tz_convert(timezone)
    day: dt.date = as_of.date()
    starts_local = forecast["interval_start"].dt.tz_convert(timezone)
    today = forecast[starts_local.dt.date == day].copy()
    queues = sorted(today["queue"].unique())
    grid = pd.DatetimeIndex(sorted(today["interval_start"].unique()))
    length = pd.Timedelta(minutes=interval_minutes)
    elapsed = (grid + length) <= as_of

    pieces = []
    factors = {}
    for queue in queues:
        own = today[today["queue"] == queue].set_index("interval_start").reindex(grid)
        planned = own["offered"].fillna(0.0).to_numpy()
        aht = own["aht_seconds"].ffill().bfill().fillna(0.0).to_numpy()
        seen = arrivals[arrivals["queue"] == queue].set_index("interval_start")["offered"]
        updated, factor, so_far = update_rest_of_day_state(
            planned, grid, seen, as_of, interval_minutes, options.update_for(queue)
        )
        actual = seen.reindex(grid).to_numpy(dtype=float)
        actual = np.where(elapsed, np.nan_to_num(actual, nan=0.0), np.nan)
        updated = np.where(elapsed, actual, updated)
        factors[queue] = (factor, so_far, float(planned[elapsed].sum()))
        pieces.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "queue": queue,
                    "elapsed": elapsed,
                    "offered_planned": planned,
                    "offered_actual": actual,
                    "offered_updated": updated,
                    "aht_seconds": aht,
                }
            )
        )
    position = pd.concat(pieces, ignore_index=True)
    staffing = compute_requirements(
        position.rename(columns={"offered_updated": "offered"})[
            ["interval_start", "queue", "offered", "aht_seconds"]
        ],
        dict(options.targets),
        0.0,
        interval_minutes,
    )
    position["agents_required"] = staffing["agents_required"].to_numpy(dtype=float)
    required = position.pivot(index="queue", columns="interval_start", values="agents_required")
    required = required.reindex(index=queues, columns=grid).to_numpy()

    # Scheduled: work pieces of today's rota.
    work = rota[
        (rota["activity"] == "work") & (rota["end"] > grid[0]) & (rota["start"] < grid[-1] + length)
    ]
    agents = sorted(work["agent_id"].unique())
    per_agent = np.zeros((len(agents), len(grid)))
    agent_index = {agent: k for k, agent in enumerate(agents)}
    cover = occupancy_matrix(work["start"], work["end"], grid, interval_minutes)
    np.add.at(per_agent, [agent_index[a] for a in work["agent_id"]], cover)
    scheduled = split_by_queue(per_agent, agents, queues_by_agent, queues, required)

    # Present: productive states in elapsed intervals; the scheduled less the absent later.
    events = states.frame
    productive = events[
        events["state"].isin(PRODUCTIVE_STATES) & events["agent_id"].isin(agent_index)
    ]
    measured = np.zeros_like(per_agent)
    if len(productive):
        cover = occupancy_matrix(productive["start"], productive["end"], grid, interval_minutes)
        np.add.at(measured, [agent_index[a] for a in productive["agent_id"]], cover)
    started = work.groupby("agent_id")["start"].min()
    seen_productive = set(productive["agent_id"])
    absent = tuple(
        sorted(
            a
            for a, first in started.items()
            if first <= as_of - length and a not in seen_productive
        )
    )
    expected = per_agent.copy()
    for agent in absent:
        expected[agent_index[agent]] = 0.0
    shrink = np.array([options.shrinkage_by_queue.get(q, 0.0) for q in queues])[:, None]
    future = split_by_queue(expected, agents, queues_by_agent, queues, required) * (1.0 - shrink)
    now = split_by_queue(measured, agents, queues_by_agent, queues, required)
    present = np.where(elapsed[None, :], now, future)
    position["agents_scheduled"] = scheduled.reshape(-1)
    position["agents_present"] = present.reshape(-1)

    # Service level: measured where the arrivals say, else Erlang C on the present agents.
    traffic = position["offered_updated"] * position["aht_seconds"] / (interval_minutes * 60.0)
    threshold = position["queue"].map(
        {q: t.answer_threshold_seconds for q, t in options.targets.items()}
    )
    projected = np.where(
        position["offered_updated"] > 0,
        service_level_fractional(
            position["agents_present"], traffic, position["aht_seconds"].clip(lower=1), threshold
        ),
        np.nan,
    )
    measured_sl = _measured_service_level(arrivals, position)
    use_measured = position["elapsed"] & measured_sl.notna()
    position["service_level"] = np.where(use_measured, measured_sl, projected)
    position["service_level_source"] = np.where(use_measured, "measured", "projected")
    position = position[list(POSITION_COLUMNS)]
    summary = _summary(position, factors, absent)
    feed = feed_status(states, as_of, set(rota["agent_id"]))
    return DayPosition(as_of, position, summary, feed, absent)


def _measured_service_level(arrivals: pd.DataFrame, position: pd.DataFrame) -> pd.Series:
    """Answered within threshold (and abandoned within threshold) / offered, where known."""
    if "answered_within_threshold" not in arrivals or arrivals.empty:
        return pd.Series(np.nan, index=position.index)
    keyed = arrivals.set_index(["queue", "interval_start"])
    within = keyed["answered_within_threshold"].astype(float)
    offered = keyed["offered"].astype(float)
    level = (within / offered.where(offered > 0)).rename("level")
    joined = position.join(level, on=["queue", "interval_start"])
    return joined["level"]


def _summary(position: pd.DataFrame, factors: Mapping, absent: Sequence[str]) -> pd.DataFrame:
    rows = []
    for queue, own in list(position.groupby("queue")) + [("all", position)]:
        weights = own["offered_updated"].fillna(0.0)
        done = own["elapsed"]
        level = own["service_level"].fillna(1.0)

        def weighted(mask, level=level, weights=weights):
            w = weights[mask].sum()
            return float((level[mask] * weights[mask]).sum() / w) if w > 0 else float("nan")

        if queue == "all":
            so_far = sum(f[1] for f in factors.values())
            forecast_so_far = sum(f[2] for f in factors.values())
            factor = float("nan")
        else:
            factor, so_far, forecast_so_far = factors[queue]
        rows.append(
            {
                "queue": queue,
                "offered_so_far": so_far,
                "forecast_so_far": forecast_so_far,
                "rest_of_day_factor": factor,
                "offered_day_updated": float(weights.sum()),
                "offered_day_planned": float(own["offered_planned"].sum()),
                "service_level_so_far": weighted(done),
                "service_level_rest_projected": weighted(~done),
                "service_level_day_projected": weighted(done | ~done),
                "agents_absent": len(absent),
            }
        )
    return pd.DataFrame(rows)
