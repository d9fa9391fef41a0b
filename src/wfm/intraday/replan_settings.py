"""The levers and prices of a re-plan (:class:`ReplanSettings`) and what a point of the day's
service level is worth."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from wfm.config import Centre


@dataclass(frozen=True)
class ReplanSettings:
    """Levers and prices of a re-plan.

    Parameters
    ----------
    notice_minutes
        Nothing starting within this many minutes of the as-of time changes [minutes].
    max_overtime_minutes
        Longest extension or early start offered to one agent [minutes]; 0 for none.
    max_vto_minutes
        Most a shift is shortened by voluntary time off [minutes]; 0 for no VTO.
    max_overtime_hours_per_day
        Cap on all overtime, early starts and call-ins of the day [hours].
    max_call_ins_per_day
        Cap on agents called in; 0 for none.
    call_in_lengths_minutes
        Lengths of the shifts a called-in agent is offered [minutes]; lengths that would need
        a break under the centre's break rules are left out.
    change_cost
        Cost of changing one agent's activity (the disturbance) [cost units].
    cancel_cost
        Cost of cancelling one agent's off-phone activity (on top of nothing else) [cost units].
    call_in_cost
        Cost of calling an agent in (the disturbance, on top of the pay) [cost units].
    overtime_premium
        Overtime pay as a multiple of the hourly pay.
    max_changes
        Most agent-activities changed in all (a session counts each attendee); ``None``: no
        cap.
    value_per_point
        Cost units one point (0.01) of the day's projected service level is worth (used by
        :func:`wfm.intraday.service_value.service_value_curves`); ``None``: scaled with the
        day's volume by :func:`point_value`.
    """

    notice_minutes: int = 15
    max_overtime_minutes: int = 60
    max_vto_minutes: int = 120
    max_overtime_hours_per_day: float = 16.0
    max_call_ins_per_day: int = 4
    call_in_lengths_minutes: tuple[int, ...] = (120, 180)
    change_cost: float = 5.0
    cancel_cost: float = 10.0
    call_in_cost: float = 10.0
    overtime_premium: float = 1.5
    value_per_point: float | None = None
    max_changes: int | None = None


#: Share of the day's workload whose under-staffing price one point of service level is worth.
POINT_VALUE_WORKLOAD_SHARE = 0.01


def point_value(settings: ReplanSettings, centre: Centre, intervals: pd.DataFrame) -> float:
    """Cost units one point (0.01) of the day's projected service level is worth.

    One point is 1 % of the day's contacts answered within the threshold or not, so it is
    worth what 1 % of the day's workload costs when no one is there to take it: by default

        value_per_point = under_staffing_cost_per_agent_hour × 0.01 × Σ offered · AHT / 3600

    (the day's updated forecast, all queues). It grows with the centre's volume, so a centre
    eight times larger weighs a point eight times more against the same per-change and
    overtime costs, and the re-plan makes proportionally as many changes.

    Parameters
    ----------
    settings : ReplanSettings
        ``value_per_point``, when given, is used as it is.
    centre : Centre
        ``scheduling.under_staffing_cost_per_agent_hour`` [cost units per agent-hour].
    intervals : pandas.DataFrame
        :attr:`wfm.intraday.position.DayPosition.intervals` (``offered_updated`` [contacts],
        ``aht_seconds`` [s]).

    Examples
    --------
    >>> from wfm.config import load_centre
    >>> centre = load_centre("data/sample/centre.toml")
    >>> day = pd.DataFrame({"offered_updated": [600.0, 300.0], "aht_seconds": [240.0, 360.0]})
    >>> point_value(ReplanSettings(), centre, day)  # 70 agent-hours of work, 10 per hour
    7.0
    """
    if settings.value_per_point is not None:
        return settings.value_per_point
    offered = intervals["offered_updated"].fillna(0.0).to_numpy(dtype=float)
    aht = intervals["aht_seconds"].fillna(0.0).to_numpy(dtype=float)
    workload_agent_hours = float((offered * aht).sum()) / 3600.0
    return (
        centre.scheduling.under_staffing_cost_per_agent_hour
        * POINT_VALUE_WORKLOAD_SHARE
        * workload_agent_hours
    )
