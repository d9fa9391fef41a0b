"""Required FTE per future week, from interval-level Erlang C on the week's shape.

For each queue and week w: the week's contacts V_w and AHT are spread over its intervals with
the queue's :class:`~wfm.capacity.profile.WeekProfile` (days a holiday closes get nothing;
known events multiply the days they cover), each interval is staffed to the queue's targets
with :func:`wfm.staffing.targets.staff_to_target` (service level, ASA, occupancy cap:
exact integer agents), and

    required FTE_w = Σ_i N_i · Δ / (1 − s_month) / (1 − b) / H

with Δ the interval length [hours], s_month the shrinkage of the week's month, b the share of
paid time on paid breaks and H the paid hours of one FTE a week.

Two shortcuts a spreadsheet takes are computed beside it, so the report can say how far off
they are:

- the *workload* method, hours of work / occupancy target (Σ A_i·Δ / cap): it leaves out the
  queueing margin Erlang C adds to every interval and always understates (N_i ≥ A_i / cap);
- the *average-traffic* method, one Erlang C for the week's mean load held over every open
  interval. Erlang C's N(A) ≈ A + β√A is concave, so on its own this can even come out a
  little *above* the interval sum (Jensen), while putting too few agents at the peaks and too
  many in the troughs: the total hides the misplaced hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.capacity.profile import WeekProfile
from wfm.capacity.settings import VolumeEvent
from wfm.staffing.erlang import service_level_fractional
from wfm.staffing.targets import ServiceTarget, staff_to_target


@dataclass(frozen=True)
class QueueWeeks:
    """Interval-level demand and staffing of one queue over the horizon's weeks.

    Arrays have shape (weeks, slots of a week).

    Attributes
    ----------
    queue : str
    offered : numpy.ndarray
        Contacts per interval.
    aht_seconds : numpy.ndarray
        AHT per interval [seconds].
    traffic_erlangs : numpy.ndarray
        Offered load per interval [Erlang].
    agents_required : numpy.ndarray of int
        Productive agents per interval (Erlang C to the queue's targets).
    interval_minutes : int
    """

    queue: str
    offered: np.ndarray
    aht_seconds: np.ndarray
    traffic_erlangs: np.ndarray
    agents_required: np.ndarray
    interval_minutes: int

    @property
    def productive_agent_hours(self) -> np.ndarray:
        """Productive agent-hours per week [hours]."""
        return self.agents_required.sum(axis=1) * self.interval_minutes / 60.0

    def service_level(self, staffing_ratio: np.ndarray, target: ServiceTarget) -> np.ndarray:
        """Contact-weighted service level per week when each interval has
        ``staffing_ratio[w] × N_i`` productive agents (fractional agents interpolated)."""
        agents = self.agents_required * np.asarray(staffing_ratio, dtype=float)[:, None]
        busy = self.offered > 0
        level = np.ones_like(self.traffic_erlangs)
        level[busy] = service_level_fractional(
            agents[busy],
            self.traffic_erlangs[busy],
            self.aht_seconds[busy],
            target.answer_threshold_seconds,
        )
        weights = self.offered.sum(axis=1)
        return np.where(
            weights > 0, (level * self.offered).sum(axis=1) / np.maximum(weights, 1e-12), 1.0
        )


def day_multipliers(
    queue: str,
    week_starts: Sequence[dt.date],
    profile: WeekProfile,
    closed_dates: set[dt.date],
    events: Sequence[VolumeEvent],
) -> np.ndarray:
    """Per-slot volume weights of each week: 0 on closed days, the product of event
    multipliers on event days, 1 elsewhere. Shape (weeks, slots)."""
    days = np.ones((len(week_starts), 7))
    for w, start in enumerate(week_starts):
        for offset in range(7):
            day = start + dt.timedelta(days=offset)
            if day in closed_dates:
                days[w, offset] = 0.0
                continue
            for event in events:
                if event.start <= day <= event.end and (not event.queues or queue in event.queues):
                    days[w, offset] *= event.volume_multiplier
    return np.repeat(days, profile.slots_per_day, axis=1)


def interval_demand(
    queue: str,
    weekly_offered: np.ndarray,
    weekly_aht_seconds: np.ndarray,
    week_starts: Sequence[dt.date],
    profile: WeekProfile,
    closed_dates: set[dt.date],
    events: Sequence[VolumeEvent] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """Contacts and AHT per interval for each week, shape (weeks, slots).

    A week's contacts spread over the days it is open in proportion to the profile (a closed
    holiday's share moves to the open days: the weekly total already counts the holiday); an
    event day then gets its multiplier, so the week's total rises by the event's extra.
    """
    weights = day_multipliers(queue, week_starts, profile, closed_dates, ())
    shares = profile.volume_share[None, :] * weights
    totals = shares.sum(axis=1, keepdims=True)
    shares = np.divide(shares, totals, out=np.zeros_like(shares), where=totals > 0)
    if events:
        shares = shares * day_multipliers(queue, week_starts, profile, set(), events)
    offered = np.asarray(weekly_offered, dtype=float)[:, None] * shares
    aht = np.asarray(weekly_aht_seconds, dtype=float)[:, None] * profile.aht_ratio[None, :]
    return offered, aht


def staff_weeks(
    queue: str,
    offered: np.ndarray,
    aht_seconds: np.ndarray,
    target: ServiceTarget,
    interval_minutes: int,
) -> QueueWeeks:
    """Erlang C staffing of every interval of every week (one vectorised search)."""
    traffic = offered * aht_seconds / (interval_minutes * 60.0)
    staffing = staff_to_target(traffic.ravel(), aht_seconds.ravel(), target)
    agents = staffing.agents_required.reshape(offered.shape)
    return QueueWeeks(queue, offered, aht_seconds, traffic, agents, interval_minutes)


def average_traffic_agent_hours(weeks: QueueWeeks, target: ServiceTarget) -> np.ndarray:
    """Productive agent-hours per week from staffing the week's average traffic [hours].

    The week's contacts and handle time are spread evenly over its open intervals (those
    with any forecast contacts), one Erlang C staffing is done for that mean load, and it is
    held for every open interval. This is the spreadsheet method the interval method
    replaces; it understates the requirement.
    """
    open_intervals = (weeks.offered > 0).sum(axis=1)
    handle = (weeks.offered * weeks.aht_seconds).sum(axis=1)
    volume = weeks.offered.sum(axis=1)
    mean_aht = np.divide(handle, volume, out=np.zeros_like(handle), where=volume > 0)
    mean_traffic = np.divide(
        handle / (weeks.interval_minutes * 60.0),
        open_intervals,
        out=np.zeros_like(handle),
        where=open_intervals > 0,
    )
    staffing = staff_to_target(mean_traffic, np.where(mean_aht > 0, mean_aht, 1.0), target)
    return staffing.agents_required * open_intervals * weeks.interval_minutes / 60.0


def workload_agent_hours(weeks: QueueWeeks, target: ServiceTarget) -> np.ndarray:
    """Agent-hours per week of the workload method: Σ A_i·Δ / occupancy cap [hours].

    Examples
    --------
    Ten Erlangs for one hour at an 85 % cap: 11.8 agent-hours where Erlang C asks for 14
    agents to answer 80 % in 20 s with a 180-second AHT.

    >>> offered = np.array([[200.0]])
    >>> weeks = staff_weeks("q", offered, np.array([[180.0]]), ServiceTarget(0.8, 20.0, 0.85), 60)
    >>> round(float(workload_agent_hours(weeks, ServiceTarget(0.8, 20.0, 0.85))[0]), 2)
    11.76
    >>> float(weeks.productive_agent_hours[0])
    14.0
    """
    cap = target.max_occupancy or 1.0
    return weeks.traffic_erlangs.sum(axis=1) * weeks.interval_minutes / 60.0 / cap


def paid_fte(
    productive_agent_hours: np.ndarray,
    shrinkage_fraction: np.ndarray,
    paid_break_fraction: float,
    fte_paid_hours_per_week: float,
) -> np.ndarray:
    """Paid FTE that deliver the productive hours: hours / (1 − s) / (1 − b) / H.

    Examples
    --------
    >>> round(float(paid_fte(np.array([700.0]), np.array([0.3]), 0.0, 40.0)[0]), 9)
    25.0
    """
    return (
        np.asarray(productive_agent_hours, dtype=float)
        / (1.0 - np.asarray(shrinkage_fraction, dtype=float))
        / (1.0 - paid_break_fraction)
        / fte_paid_hours_per_week
    )


def month_of_week(week_starts: Sequence[dt.date]) -> np.ndarray:
    """Calendar month (1–12) a week is counted in: the month of its Thursday (ISO 8601)."""
    return np.array([(start + dt.timedelta(days=3)).month for start in week_starts])


def shrinkage_per_week(
    week_starts: Sequence[dt.date],
    default_fraction: float,
    by_month: Mapping[int, float],
) -> np.ndarray:
    """Shrinkage of each week: its month's (``by_month``) or the default [fraction]."""
    months = month_of_week(week_starts)
    return np.array([by_month.get(int(month), default_fraction) for month in months])


def weekly_requirement_frame(
    week_starts: Sequence[dt.date],
    weeks: QueueWeeks,
    fte: np.ndarray,
    fte_average_method: np.ndarray,
    fte_workload_method: np.ndarray,
    shrinkage: np.ndarray,
) -> pd.DataFrame:
    """One row per week for one queue: contacts, AHT, agent-hours and FTE."""
    volume = weeks.offered.sum(axis=1)
    handle = (weeks.offered * weeks.aht_seconds).sum(axis=1)
    return pd.DataFrame(
        {
            "week_start": list(week_starts),
            "queue": weeks.queue,
            "offered": volume,
            "aht_seconds": np.divide(handle, volume, out=np.zeros_like(handle), where=volume > 0),
            "peak_agents": weeks.agents_required.max(axis=1),
            "productive_agent_hours": weeks.productive_agent_hours,
            "shrinkage_fraction": shrinkage,
            "required_fte": fte,
            "required_fte_average_method": fte_average_method,
            "required_fte_workload_method": fte_workload_method,
        }
    )
