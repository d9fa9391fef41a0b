"""The inputs of a capacity plan, prepared once: the long-range forecast, the week shapes and
the supply the centre has.

:func:`prepare_capacity` does the slow part of capacity planning (the long-range weekly
forecast per queue and its week shapes) and gathers what the plan needs from the centre
(targets, shrinkage, contracts, agents, opening hours) into :class:`CapacityInputs`;
:func:`wfm.capacity.planner.plan_capacity` then turns it into a plan for one scenario in
well under a second.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from wfm.capacity.demand import LongRangeForecast, forecast_weekly_demand
from wfm.capacity.profile import WeekProfile, week_profiles
from wfm.capacity.settings import CapacitySettings
from wfm.capacity.supply import (
    check_classes,
    contract_fte,
)
from wfm.config import Centre
from wfm.data.schemas import Agent, History
from wfm.errors import InputError
from wfm.limits import MAX_CAPACITY_MONTHS
from wfm.progress import ProgressCallback, no_progress
from wfm.staffing.targets import ServiceTarget
from wfm.timegrid import OpeningHours

#: Shift length a paid-break share is read for when the settings give none [minutes].
REFERENCE_SHIFT_MINUTES = 480
#: Longest plan [months].
MAX_MONTHS = MAX_CAPACITY_MONTHS


@dataclass(frozen=True)
class CapacityInputs:
    """Everything a scenario does not change, computed once by :func:`prepare_capacity`."""

    centre_name: str
    first_week: dt.date
    week_starts: tuple[dt.date, ...]
    interval_minutes: int
    forecast: LongRangeForecast
    profiles: Mapping[str, WeekProfile]
    targets: Mapping[str, ServiceTarget]
    shrinkage_fraction: Mapping[str, float]
    closed_dates: frozenset[dt.date]
    agents_by_contract: Mapping[str, int]
    agents_by_queues: Mapping[str, int]
    fte_per_agent: Mapping[str, float]
    pay_per_hour: float
    paid_break_fraction: float
    settings: CapacitySettings
    #: Interval staffing per (column, volume change, AHT change): the slow part of a plan,
    #: which only volume and AHT change. Kept for the last few scenarios.
    staffing_memo: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def weeks(self) -> int:
        return len(self.week_starts)

    @property
    def current_fte(self) -> float:
        """Contracted FTE of today's agents."""
        return float(
            sum(count * self.fte_per_agent[c] for c, count in self.agents_by_contract.items())
        )


def first_monday_after(day: dt.date) -> dt.date:
    """The Monday after ``day`` (the day itself is never returned)."""
    return day + dt.timedelta(days=7 - day.weekday())


def weeks_in_months(months: int) -> int:
    """Whole weeks that cover ``months`` average months."""
    return math.ceil(months * 365.2425 / 12 / 7)


def paid_break_fraction_of(centre: Centre, settings: CapacitySettings) -> float:
    """Share of paid time spent on paid breaks: the setting, else the centre's paid break
    rules that apply to an 8-hour shift, over its paid minutes."""
    if settings.paid_break_fraction is not None:
        return settings.paid_break_fraction
    paid_breaks = sum(
        rule.duration_minutes
        for rule in centre.break_rules
        if rule.paid and rule.min_shift_minutes <= REFERENCE_SHIFT_MINUTES
    )
    unpaid = sum(
        rule.duration_minutes
        for rule in centre.break_rules
        if not rule.paid and rule.min_shift_minutes <= REFERENCE_SHIFT_MINUTES
    )
    paid_minutes = REFERENCE_SHIFT_MINUTES - unpaid
    return paid_breaks / paid_minutes if paid_minutes > 0 else 0.0


def check_months(months: int) -> None:
    """Raise unless ``months`` is a horizon a capacity plan covers (1 to :data:`MAX_MONTHS`)."""
    if not 1 <= months <= MAX_MONTHS:
        raise InputError(
            f"a capacity plan covers 1 to {MAX_MONTHS} months",
            option="--months",
            value=months,
            fix=f"give --months between 1 and {MAX_MONTHS}, e.g. --months 18",
        )


def prepare_capacity(
    centre: Centre,
    history: History,
    agents: Sequence[Agent],
    settings: CapacitySettings | None = None,
    *,
    months: int = 18,
    first_week: dt.date | None = None,
    default_aht_seconds: Mapping[str, float] | None = None,
    progress: ProgressCallback | None = None,
) -> CapacityInputs:
    """Forecast the months ahead and read the week shapes: the part of a plan that does not
    change with a scenario.

    Parameters
    ----------
    centre : Centre
        Queues, targets, occupancy caps, shrinkage, contracts, opening hours and holidays.
    history : History
        Interval history (two years let the forecast learn the seasons).
    agents : sequence of Agent
        Today's agents (their contracts give today's FTE).
    settings : CapacitySettings, optional
        Attrition, hiring, costs, events; the documented defaults when ``None``.
    months : int
        Horizon [months], 1 to :data:`MAX_MONTHS`.
    first_week : datetime.date, optional
        First week planned (moved back to its Monday); default the Monday after the history.
    default_aht_seconds : mapping, optional
        AHT per queue [s] when the history has no handle times.
    progress : callable, optional
    """
    report = progress or no_progress
    settings = settings or CapacitySettings()
    check_months(months)
    last_day = history.frame["interval_start"].max().date()
    if first_week is None:
        first_week = first_monday_after(last_day)
    else:
        first_week = first_week - dt.timedelta(days=first_week.weekday())
    weeks = weeks_in_months(months)
    week_starts = tuple(first_week + dt.timedelta(weeks=w) for w in range(weeks))
    queues = [queue.name for queue in centre.queues if queue.name in set(history.queues)]
    if not queues:
        raise InputError(
            "no queue of the centre file is in the history",
            source=history.source,
            value=", ".join(history.queues),
            fix=f"name the centre's queues ({', '.join(q.name for q in centre.queues)}) in the history",
        )
    open_weekdays = sorted(OpeningHours.from_strings(centre.opening_hours).minutes_by_weekday)
    report(0.05, "forecasting the months ahead")
    history_years = range(history.frame["interval_start"].min().year, week_starts[-1].year + 2)
    holidays = centre.holiday_dates(history_years)
    forecast = forecast_weekly_demand(
        _only_queues(history, queues),
        first_week,
        weeks,
        holiday_dates=centre.holiday_dates if centre.country else None,
        open_weekdays=open_weekdays,
        default_aht_seconds=default_aht_seconds,
    )
    report(0.6, "reading the shape of a week")
    profiles = week_profiles(
        _only_queues(history, queues), settings.history_weeks_for_profile, holidays
    )
    closed = frozenset(day for day in holidays if centre.close_on_holidays)
    agents_by_contract = dict(Counter(agent.contract for agent in agents))
    agents_by_queues = dict(Counter("|".join(sorted(agent.queues)) for agent in agents))
    contract_hours = {
        contract.name: (contract.min_hours_per_week, contract.max_hours_per_week)
        for contract in centre.contracts
    }
    fte = contract_fte(agents_by_contract, contract_hours, settings)
    pay = settings.costs.cost_per_paid_hour
    if pay is None:
        pay = centre.contracts[0].cost_per_paid_hour if centre.contracts else 1.0
    check_classes(
        [(item.start, item.size) for item in settings.planned_classes], first_week, settings.hiring
    )
    for event in settings.events:
        unknown = [queue for queue in event.queues if queue not in queues]
        if unknown:
            raise InputError(
                f"event '{event.name}' names queues the centre does not plan",
                column="events.queues",
                value=", ".join(unknown),
                fix=f"use any of {', '.join(queues)}",
            )
    report(1.0, "ready")
    return CapacityInputs(
        centre_name=centre.name,
        first_week=first_week,
        week_starts=week_starts,
        interval_minutes=history.interval_minutes,
        forecast=forecast,
        profiles=profiles,
        targets={q: ServiceTarget.from_queue(centre.queue(q)) for q in queues},
        shrinkage_fraction={q: centre.shrinkage_for(q) for q in queues},
        closed_dates=closed,
        agents_by_contract=agents_by_contract,
        agents_by_queues=agents_by_queues,
        fte_per_agent=fte,
        pay_per_hour=float(pay),
        paid_break_fraction=paid_break_fraction_of(centre, settings),
        settings=settings,
    )


def _only_queues(history: History, queues: Sequence[str]) -> History:
    frame = history.frame[history.frame["queue"].isin(queues)]
    return replace(history, frame=frame.reset_index(drop=True))
