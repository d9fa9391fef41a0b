"""What one more (or one fewer) productive agent is worth in each interval of the rest of the day.

The re-plan (:mod:`wfm.intraday.replan`) weighs each change against the day's projected service
level, not against a linear price per agent short. In interval t and queue q, with ``n_q``
productive agents projected (:func:`wfm.intraday.position.day_position`) and Δ productive
agents added (negative: removed), the contacts answered within the threshold are

    a_tq(Δ) = offered_q · SL_q(n_q + Δ)

An agent's change counts on their own queues, split in proportion to the queues' required
agents (the position's routing assumption), so a single-skilled agent is valued on their queue
only.

with SL the Erlang C service level (:func:`wfm.staffing.erlang.service_level_fractional`). The
day's service level is Σ_t a_t / Σ_t offered_t (contact-weighted, as the position's summary),
so one contact answered in time is worth ``value_per_point × 100 / offered_day`` cost units.

a_tq is given at whole agents Δ from −(agents present) to +span and is linear between them;
it is not concave where the queue is unstable (no contact is answered in time until the
agents exceed the traffic), and the re-plan models it exactly with ordered segments
(binaries where the slope rises), so the first agents added to a deep shortfall are valued
at what they truly buy and no more. Every suggestion's own gain is measured again on the
projection itself.

References
----------
Koole, G. (2013). *Call Center Optimization*, ch. 5 (service level as a concave function of
agents above the load, and its use in shift scheduling).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.staffing.erlang import service_level_fractional
from wfm.staffing.requirements import ServiceTarget

logger = logging.getLogger(__name__)

#: Agents either side of the projection over which the envelope is built.
DEFAULT_SPAN_AGENTS = 15


@dataclass(frozen=True)
class ValueCurves:
    """Piecewise-linear value of extra productive agents per interval.

    Parameters
    ----------
    grid
        Interval start (tz-aware) of each curve.
    points
        Per curve, ``(x, f)``: productive agents added (increasing; the first is the
        lowest possible) and the value there [cost units], with f = 0 at x = 0. Beyond the
        last point the value stays flat.
    queues
        The queue of each curve, or ``None`` when a curve pools the interval's queues.
    weights
        Required agents of each curve (how an agent of several queues is split between
        them), or ``None``.
    """

    grid: pd.DatetimeIndex
    points: tuple[tuple[np.ndarray, np.ndarray], ...]
    queues: tuple[str, ...] | None = None
    weights: np.ndarray | None = None

    def value(self, delta) -> np.ndarray:
        """The curves at ``delta`` productive agents per interval [cost units]."""
        delta = np.asarray(delta, dtype=float)
        return np.array([np.interp(d, x, f) for d, (x, f) in zip(delta, self.points, strict=True)])

    def take(self, grid: pd.DatetimeIndex) -> ValueCurves:
        """The curves of the intervals ``grid`` (each must have one), in its order."""
        mine = pd.DatetimeIndex(self.grid)
        wanted = pd.DatetimeIndex(grid)
        if not wanted.isin(mine).all():
            raise ValueError("the value curves do not cover every interval asked for")
        order = {stamp: k for k, stamp in enumerate(wanted)}
        rows = sorted(
            (k for k, stamp in enumerate(mine) if stamp in order), key=lambda k: order[mine[k]]
        )
        return ValueCurves(
            mine[rows],
            tuple(self.points[k] for k in rows),
            None if self.queues is None else tuple(self.queues[k] for k in rows),
            None if self.weights is None else np.asarray(self.weights)[rows],
        )


def service_value_curves(
    intervals: pd.DataFrame,
    targets: Mapping[str, ServiceTarget],
    *,
    interval_minutes: int,
    value_per_point: float,
    from_time: pd.Timestamp,
    span_agents: int = DEFAULT_SPAN_AGENTS,
) -> ValueCurves:
    """Value of Δ productive agents in each interval from ``from_time`` on.

    Parameters
    ----------
    intervals : pandas.DataFrame
        :attr:`wfm.intraday.position.DayPosition.intervals`.
    targets : mapping
        Queue → service target (its answer threshold).
    interval_minutes : int
    value_per_point : float
        Cost units one point (0.01) of the day's projected service level is worth.
    from_time : pandas.Timestamp
        First interval start that may change (the as-of time plus the notice).
    span_agents : int
        The curve is given up to this many productive agents added.
    """
    offered_day = float(intervals["offered_updated"].fillna(0.0).sum())
    per_answered = value_per_point * 100.0 / offered_day if offered_day > 0 else 0.0
    rest = intervals[intervals["interval_start"] >= from_time].sort_values(
        ["interval_start", "queue"]
    )
    deltas = np.arange(0.0, span_agents + 1)
    points = []
    for row in rest.itertuples(index=False):
        offered = 0.0 if pd.isna(row.offered_updated) else float(row.offered_updated)
        aht = max(float(row.aht_seconds), 1.0) if pd.notna(row.aht_seconds) else 1.0
        traffic = offered * aht / (interval_minutes * 60.0)
        threshold = float(targets[row.queue].answer_threshold_seconds)
        present = float(row.agents_present)
        x = np.unique(np.concatenate([[-present], np.arange(-np.floor(present), 0.0), deltas]))
        level = service_level_fractional(np.maximum(present + x, 0.0), traffic, aht, threshold)
        answered = np.asarray(level) * offered * per_answered if offered > 0 else np.zeros(len(x))
        points.append((x, answered - answered[x == 0.0][0]))
    return ValueCurves(
        pd.DatetimeIndex(rest["interval_start"]),
        tuple(points),
        tuple(rest["queue"]),
        rest["agents_required"].fillna(0.0).to_numpy(dtype=float),
    )


def staffing_curves(
    required_agents: pd.Series, base_productive: np.ndarray, under_cost: float, over_cost: float
) -> ValueCurves:
    """The linear staffing price as a value curve: −under × agents short − over × agents over.

    ``base_productive`` is the productive agents per interval of ``required_agents`` before
    any change; prices are per productive agent and interval [cost units].
    """
    need = required_agents.to_numpy(dtype=float)
    points = []
    for gap, base in zip(need - base_productive, base_productive, strict=True):
        # value(Δ) = -under·max(0, gap-Δ) - over·max(0, Δ-gap), shifted so value(0) = 0.
        def price(d, gap=gap):
            return -under_cost * max(gap - d, 0.0) - over_cost * max(d - gap, 0.0)

        top = max(gap, 0.0) + 1000.0
        x = np.unique(np.array([-base - 1.0, min(max(gap, -base - 1.0), top), 0.0, top]))
        f = np.array([price(d) for d in x]) - price(0.0)
        points.append((x, f))
    return ValueCurves(pd.DatetimeIndex(required_agents.index), tuple(points))


def day_target(intervals: pd.DataFrame, targets: Mapping[str, ServiceTarget]) -> float:
    """The day's service-level target: the queues' targets weighted by their contacts
    (:attr:`~wfm.intraday.position.DayPosition.intervals`); a queue without a service-level
    target counts as meeting it.

    Examples
    --------
    >>> frame = pd.DataFrame({"queue": ["a", "b"], "offered_updated": [30.0, 10.0]})
    >>> targets = {"a": ServiceTarget(0.8, 20), "b": ServiceTarget(0.6, 20)}
    >>> round(day_target(frame, targets), 12)
    0.75
    """
    offered = intervals.groupby("queue")["offered_updated"].sum()
    if offered.sum() <= 0:
        return 0.0
    weights = offered / offered.sum()
    return float(sum(weights[q] * (targets[q].service_level_target or 0.0) for q in weights.index))


def recovered_share(before: float, after: float, target: float) -> float:
    """Share of the shortfall ``target − before`` won back by ``after`` (1 when there is none).

    Examples
    --------
    >>> recovered_share(0.70, 0.75, 0.80)
    0.5
    """
    return 1.0 if target <= before else round((after - before) / (target - before), 12)
