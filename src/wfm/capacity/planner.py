"""A capacity plan for the next months: demand, required FTE, supply, the gap and hiring.

:func:`wfm.capacity.inputs.prepare_capacity` does the slow part once (the long-range
forecast and the week shapes); :func:`plan_capacity` turns it into a plan for one :class:`Scenario` in well under a
second, so the app's scenario controls stay live; :func:`compare_scenarios` puts several side
by side.

All FTE are paid FTE of fully productive, tenured agents per week (see
:mod:`wfm.capacity.requirement`); supply counts hires by their ramp-up. Agents are pooled
across queues: a capacity plan sizes the whole centre, and the per-queue columns say where the
requirement comes from.

Example
-------
>>> from wfm.capacity.inputs import prepare_capacity
>>> from wfm.config import load_centre
>>> inputs = prepare_capacity(load_centre("data/sample/centre.toml"), months=12)  # doctest: +SKIP
>>> plan = plan_capacity(inputs)                                                  # doctest: +SKIP
>>> plan.summary["hires"]                                                         # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.capacity.hiring import HiringPlan, fixed_plan_cover, optimise_hiring
from wfm.capacity.inputs import (
    CapacityInputs,
)
from wfm.capacity.requirement import (
    QueueWeeks,
    average_traffic_agent_hours,
    interval_demand,
    paid_fte,
    shrinkage_per_week,
    staff_weeks,
    weekly_requirement_frame,
    workload_agent_hours,
)
from wfm.capacity.settings import VolumeEvent
from wfm.capacity.supply import (
    class_matrix,
    hire_curve,
    movements_fte,
    retention_of_tenured,
    week_index,
)
from wfm.errors import InputError
from wfm.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scenario:
    """Changes to the base assumptions, as fractions (0.1 = +10 %).

    ``attrition_change`` and ``shrinkage_change`` are added to the rates (0.01 = one
    percentage point more attrition a month); volume and AHT changes multiply.
    """

    name: str = "base"
    volume_change: float = 0.0
    aht_change: float = 0.0
    attrition_change: float = 0.0
    shrinkage_change: float = 0.0

    def __post_init__(self) -> None:
        for option, value, low in (
            ("volume change", self.volume_change, -0.9),
            ("AHT change", self.aht_change, -0.9),
        ):
            if not math.isfinite(value) or value <= low or value > 10:
                raise InputError(
                    f"scenario '{self.name}': {option} must be a fraction above {low} and at "
                    "most 10",
                    value=value,
                    fix="e.g. 0.1 for +10 %",
                )
        for option, value in (
            ("attrition change", self.attrition_change),
            ("shrinkage change", self.shrinkage_change),
        ):
            if not math.isfinite(value) or not -1 < value < 1:
                raise InputError(
                    f"scenario '{self.name}': {option} must be a fraction between -1 and 1",
                    value=value,
                    fix="e.g. 0.01 for one percentage point more",
                )


@dataclass(frozen=True)
class CapacityPlan:
    """A scenario's plan.

    Attributes
    ----------
    scenario : Scenario
    weekly : pandas.DataFrame
        One row per week for the centre (columns documented in docs/capacity.md).
    by_queue : pandas.DataFrame
        One row per week and queue: contacts, AHT, agent-hours, required FTE, service level.
    classes : pandas.DataFrame
        Hiring classes (planned and proposed): ``start``, ``size``, ``productive_from``,
        ``source``.
    hiring : HiringPlan or None
        The optimiser's answer (``None`` when not optimised).
    summary : dict
        Headline figures: hires, costs [cost units], weeks short, and how far the
        workload and average-traffic shortcuts are from the interval method.
    """

    scenario: Scenario
    weekly: pd.DataFrame
    by_queue: pd.DataFrame
    classes: pd.DataFrame
    hiring: HiringPlan | None
    summary: dict = field(default_factory=dict)


#: Scenarios whose interval staffing :class:`CapacityInputs` keeps.
STAFFING_MEMO_ENTRIES = 24


def _queue_weeks(
    inputs: CapacityInputs, scenario: Scenario, column: str, events: Sequence[VolumeEvent]
) -> dict[str, QueueWeeks]:
    key = (column, scenario.volume_change, scenario.aht_change)
    memo = inputs.staffing_memo
    if key in memo:
        return memo[key]
    if len(memo) >= STAFFING_MEMO_ENTRIES:
        memo.pop(next(iter(memo)))
    memo[key] = _staff_queue_weeks(inputs, scenario, column, events)
    return memo[key]


def _staff_queue_weeks(
    inputs: CapacityInputs, scenario: Scenario, column: str, events: Sequence[VolumeEvent]
) -> dict[str, QueueWeeks]:
    weekly = inputs.forecast.weekly
    result = {}
    for queue, profile in inputs.profiles.items():
        own = weekly[weekly["queue"] == queue]
        offered, aht = interval_demand(
            queue,
            own[column].to_numpy() * (1.0 + scenario.volume_change),
            own["aht_seconds"].to_numpy() * (1.0 + scenario.aht_change),
            inputs.week_starts,
            profile,
            set(inputs.closed_dates),
            events,
        )
        result[queue] = staff_weeks(
            queue, offered, aht, inputs.targets[queue], inputs.interval_minutes
        )
    return result


def plan_capacity(
    inputs: CapacityInputs,
    scenario: Scenario | None = None,
    *,
    optimise: bool = True,
    new_classes: Sequence[tuple[dt.date, int]] | None = None,
) -> CapacityPlan:
    """The plan for one scenario: requirement, supply, gap, hiring classes and service.

    Parameters
    ----------
    inputs : CapacityInputs
        From :func:`prepare_capacity`.
    scenario : Scenario, optional
        Changes to the base assumptions.
    optimise : bool
        Choose new hiring classes with :func:`wfm.capacity.hiring.optimise_hiring`; when
        false, only the planned classes (and ``new_classes``) and overtime cover the
        requirement.
    new_classes : sequence of (date, size), optional
        Classes to add as they are (e.g. another scenario's proposal), instead of optimising:
        the way to see what a changed scenario does to a hiring plan already chosen.
    """
    if new_classes is not None:
        optimise = False
    scenario = scenario or Scenario()
    settings = inputs.settings
    attrition = settings.attrition.model_copy(
        update={
            "monthly_fraction": _rate(
                settings.attrition.monthly_fraction + scenario.attrition_change
            ),
            "tenure_bands": tuple(
                band.model_copy(
                    update={
                        "monthly_fraction": _rate(band.monthly_fraction + scenario.attrition_change)
                    }
                )
                for band in settings.attrition.tenure_bands
            ),
        }
    )
    weeks = inputs.weeks
    hours = settings.fte_paid_hours_per_week
    week_starts = list(inputs.week_starts)
    queue_rows, required, required_low, required_high = [], 0.0, 0.0, 0.0
    required_avg, required_work = 0.0, 0.0
    staffed = {}
    for column in ("offered", "offered_p10", "offered_p90"):
        staffed[column] = _queue_weeks(inputs, scenario, column, settings.events)
    for queue, weeks_q in staffed["offered"].items():
        shrink = np.clip(
            shrinkage_per_week(
                week_starts, inputs.shrinkage_fraction[queue], settings.shrinkage_by_month
            )
            + scenario.shrinkage_change,
            0.0,
            0.95,
        )
        fte = paid_fte(weeks_q.productive_agent_hours, shrink, inputs.paid_break_fraction, hours)
        fte_avg = paid_fte(
            average_traffic_agent_hours(weeks_q, inputs.targets[queue]),
            shrink,
            inputs.paid_break_fraction,
            hours,
        )
        fte_work = paid_fte(
            workload_agent_hours(weeks_q, inputs.targets[queue]),
            shrink,
            inputs.paid_break_fraction,
            hours,
        )
        required_work = required_work + fte_work
        low = paid_fte(
            staffed["offered_p10"][queue].productive_agent_hours,
            shrink,
            inputs.paid_break_fraction,
            hours,
        )
        high = paid_fte(
            staffed["offered_p90"][queue].productive_agent_hours,
            shrink,
            inputs.paid_break_fraction,
            hours,
        )
        required, required_avg = required + fte, required_avg + fte_avg
        required_low, required_high = required_low + low, required_high + high
        queue_rows.append(
            weekly_requirement_frame(week_starts, weeks_q, fte, fte_avg, fte_work, shrink)
        )

    curve = hire_curve(weeks, settings.hiring, attrition)
    current = inputs.current_fte * retention_of_tenured(weeks, attrition)
    moved = movements_fte(settings.movements, inputs.first_week, weeks, attrition)
    planned_starts = [
        week_index(item.start, inputs.first_week) for item in settings.planned_classes
    ]
    planned_sizes = np.array([item.size for item in settings.planned_classes], dtype=float)
    planned_productive = class_matrix(curve.productive_fte, planned_starts, weeks) @ planned_sizes
    planned_paid = class_matrix(curve.paid_fte, planned_starts, weeks) @ planned_sizes
    planned_heads = class_matrix(curve.headcount, planned_starts, weeks) @ planned_sizes
    base_productive = current + moved + planned_productive

    if optimise:
        hiring = optimise_hiring(
            required,
            base_productive,
            curve,
            settings.hiring,
            settings.costs,
            inputs.pay_per_hour,
            hours,
        )
        new_sizes = hiring.class_sizes
        overtime, shortfall = hiring.overtime_fte, hiring.shortfall_fte
    else:
        hiring = None
        new_sizes = np.zeros(weeks, dtype=int)
        for start, size in new_classes or ():
            index = week_index(start, inputs.first_week)
            if 0 <= index < weeks:
                new_sizes[index] += int(size)
        curve_fixed = class_matrix(
            curve.productive_fte, [w for w in range(weeks) if new_sizes[w] > 0], weeks
        ) @ new_sizes[new_sizes > 0].astype(float)
        overtime, shortfall = fixed_plan_cover(
            required, base_productive + curve_fixed, settings.costs.max_overtime_fraction
        )
    new_starts = [w for w in range(weeks) if new_sizes[w] > 0]
    sizes = new_sizes[new_starts].astype(float)
    new_productive = class_matrix(curve.productive_fte, new_starts, weeks) @ sizes
    new_paid = class_matrix(curve.paid_fte, new_starts, weeks) @ sizes
    new_heads = class_matrix(curve.headcount, new_starts, weeks) @ sizes
    supply = base_productive + new_productive
    paid_supply = current + moved + planned_paid + new_paid
    fte_per_head = inputs.current_fte / max(sum(inputs.agents_by_contract.values()), 1)
    headcount = (
        (current + np.maximum(moved, 0.0)) / max(fte_per_head, 1e-9) + planned_heads + new_heads
    )

    # Service level per week: each interval gets its requirement × cover ratio.
    ratio_no_hiring = np.divide(base_productive, required, out=np.ones(weeks), where=required > 0)
    ratio_planned = np.divide(supply + overtime, required, out=np.ones(weeks), where=required > 0)
    sl_none = np.zeros(weeks)
    sl_plan = np.zeros(weeks)
    volume_total = np.zeros(weeks)
    by_queue = pd.concat(queue_rows, ignore_index=True)
    sl_queue_plan = []
    for queue, weeks_q in staffed["offered"].items():
        target = inputs.targets[queue]
        volume = weeks_q.offered.sum(axis=1)
        none_q = weeks_q.service_level(ratio_no_hiring, target)
        plan_q = weeks_q.service_level(ratio_planned, target)
        sl_none += none_q * volume
        sl_plan += plan_q * volume
        volume_total += volume
        sl_queue_plan.append(plan_q)
    by_queue["service_level_planned"] = np.concatenate(sl_queue_plan)
    by_queue["service_level_target"] = by_queue["queue"].map(
        {q: t.service_level_target for q, t in inputs.targets.items()}
    )
    sl_none = np.divide(sl_none, volume_total, out=np.ones(weeks), where=volume_total > 0)
    sl_plan = np.divide(sl_plan, volume_total, out=np.ones(weeks), where=volume_total > 0)

    totals = by_queue.groupby("week_start", sort=True)[["offered", "productive_agent_hours"]].sum()
    weekly = pd.DataFrame(
        {
            "week_start": week_starts,
            "month": [f"{(s + dt.timedelta(days=3)):%Y-%m}" for s in week_starts],
            "offered": totals["offered"].to_numpy(),
            "required_fte": required,
            "required_fte_p10": required_low,
            "required_fte_p90": required_high,
            "required_fte_average_method": required_avg,
            "required_fte_workload_method": required_work,
            "current_agents_fte": current,
            "movements_fte": moved,
            "planned_classes_fte": planned_productive,
            "new_classes_fte": new_productive,
            "supply_fte": supply,
            "paid_fte": paid_supply,
            "hires_paid_fte": planned_paid + new_paid,
            "headcount": headcount,
            "overtime_fte": overtime,
            "overtime_hours": overtime * hours,
            "shortfall_fte": shortfall,
            "gap_fte": supply - required,
            "class_starts": new_sizes
            + np.bincount(
                [s for s in planned_starts if 0 <= s < weeks],
                weights=[
                    item.size
                    for s, item in zip(planned_starts, settings.planned_classes, strict=True)
                    if 0 <= s < weeks
                ],
                minlength=weeks,
            ).astype(int),
            "service_level_no_hiring": sl_none,
            "service_level_planned": sl_plan,
        }
    )
    classes = _classes_frame(inputs, settings, planned_starts, new_starts, new_sizes)
    summary = _summary(inputs, scenario, weekly, by_queue, classes, hiring, hours)
    return CapacityPlan(scenario, weekly, by_queue, classes, hiring, summary)


def _rate(value: float) -> float:
    if not 0 <= value < 1:
        raise InputError(
            "attrition after the scenario's change is outside [0, 1)",
            value=round(value, 4),
            fix="a monthly attrition of 100 % or more, or below 0, is not a plan: change the "
            "attrition or the scenario",
        )
    return value


def _classes_frame(inputs, settings, planned_starts, new_starts, new_sizes) -> pd.DataFrame:
    training = dt.timedelta(weeks=settings.hiring.training_weeks)
    rows = [
        (item.start, item.size, item.start + training, "planned")
        for item in settings.planned_classes
    ]
    rows += [
        (inputs.week_starts[w], int(new_sizes[w]), inputs.week_starts[w] + training, "proposed")
        for w in new_starts
    ]
    frame = pd.DataFrame(rows, columns=["start", "size", "productive_from", "source"])
    lead = dt.timedelta(weeks=settings.hiring.recruitment_lead_weeks)
    frame["recruit_by"] = frame["start"] - lead
    return frame.sort_values("start", ignore_index=True)


def _summary(inputs, scenario, weekly, by_queue, classes, hiring, hours) -> dict:
    proposed = classes[classes["source"] == "proposed"]
    costs = inputs.settings.costs
    hire_cost = float(classes["size"].sum()) * inputs.settings.hiring.cost_per_hire
    hires_pay = float(weekly["hires_paid_fte"].sum()) * hours * inputs.pay_per_hour
    overtime_cost = (
        float(weekly["overtime_hours"].sum()) * inputs.pay_per_hour * costs.overtime_premium
    )
    interval_fte = float(weekly["required_fte"].sum())
    average_fte = float(weekly["required_fte_average_method"].sum())
    workload_fte = float(weekly["required_fte_workload_method"].sum())
    target_by_queue = {q: t.service_level_target for q, t in inputs.targets.items()}
    short = by_queue[
        by_queue["service_level_planned"] + 1e-9 < by_queue["queue"].map(target_by_queue).fillna(0)
    ]
    return {
        "scenario": scenario.name,
        "first_week": str(inputs.first_week),
        "weeks": inputs.weeks,
        "current_agents": int(sum(inputs.agents_by_contract.values())),
        "current_fte": round(inputs.current_fte, 2),
        "peak_required_fte": round(float(weekly["required_fte"].max()), 2),
        "peak_week": str(weekly.loc[weekly["required_fte"].idxmax(), "week_start"]),
        "hires": int(classes["size"].sum()),
        "proposed_classes": len(proposed),
        "hiring_cost": round(hire_cost, 2),
        "hires_pay": round(hires_pay, 2),
        "overtime_hours": round(float(weekly["overtime_hours"].sum()), 1),
        "overtime_cost": round(overtime_cost, 2),
        "weeks_short": int((weekly["shortfall_fte"] > 1e-6).sum()),
        "shortfall_fte_weeks": round(float(weekly["shortfall_fte"].sum()), 2),
        "queue_weeks_below_target": len(short),
        "total_cost": round(hire_cost + hires_pay + overtime_cost, 2),
        "workload_method_understatement": round(1 - workload_fte / interval_fte, 4)
        if interval_fte
        else 0.0,
        "average_traffic_method_difference": round(average_fte / interval_fte - 1, 4)
        if interval_fte
        else 0.0,
        "optimiser_status": hiring.status if hiring else "not run",
        "optimiser_gap": round(hiring.gap, 5) if hiring else None,
        "paid_hours_per_fte_week": hours,
    }


def compare_scenarios(
    inputs: CapacityInputs,
    scenarios: Sequence[Scenario],
    *,
    progress: ProgressCallback | None = None,
) -> tuple[list[CapacityPlan], pd.DataFrame]:
    """Plans for several scenarios and a table of their headline figures, side by side."""
    report = progress or no_progress
    plans = []
    for index, scenario in enumerate(scenarios):
        report(index / max(len(scenarios), 1), f"scenario '{scenario.name}'")
        plans.append(plan_capacity(inputs, scenario))
    report(1.0, "scenarios done")
    table = pd.DataFrame([plan.summary for plan in plans])
    return plans, table


def monthly_view(weekly: pd.DataFrame) -> pd.DataFrame:
    """Monthly figures from a plan's weeks (a week counts in the month of its Thursday)."""
    grouped = weekly.groupby("month", sort=True)
    return pd.DataFrame(
        {
            "offered": grouped["offered"].sum(),
            "required_fte_mean": grouped["required_fte"].mean(),
            "required_fte_peak": grouped["required_fte"].max(),
            "supply_fte_mean": grouped["supply_fte"].mean(),
            "headcount_end": grouped["headcount"].last(),
            "hires": grouped["class_starts"].sum(),
            "overtime_hours": grouped["overtime_hours"].sum(),
            "shortfall_fte_weeks": grouped["shortfall_fte"].sum(),
            "service_level_planned_min": grouped["service_level_planned"].min(),
        }
    ).reset_index()
