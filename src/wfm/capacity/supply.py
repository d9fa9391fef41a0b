"""Supply: the FTE a centre will have each week, from today's agents, attrition and hiring.

Weeks are indexed from the plan's first week (t = 0, 1, …); values hold at the start of the
week.

- **Current agents** start at their contracted FTE (Σ over agents of their contract's FTE) and
  leave at the tenured weekly rate a = 1 − (1 − m)^(1/4.348): FTE_t = FTE_0 · (1 − a)^t.
- **A hiring class** of n people starting in week c has, k = t − c weeks later, n·h(k) people:
  during training (k < T) h falls linearly to 1 − f_T (training attrition f_T), then each week
  by that tenure's weekly rate (tenure bands). Its *productive* FTE is n·h(k)·p(k)·fte with p
  = 0 in training, then the ramp-up fraction of each month after training, 1 after the last.
  Trainees are paid: its *paid* FTE is n·h(k)·fte.
- **Movements** (transfers, planned leavers) add or remove FTE from their week on, and those
  who join leave at the tenured rate afterwards.

References
----------
Koole, G. (2013). *Call Center Optimization*, ch. 13 (long-term planning, attrition and
hiring lead times).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from wfm.capacity.settings import (
    WEEKS_PER_MONTH,
    AttritionSettings,
    CapacitySettings,
    HiringSettings,
    Movement,
)
from wfm.errors import InputError


def retention_of_tenured(weeks: int, attrition: AttritionSettings) -> np.ndarray:
    """Share of today's agents still here at the start of each week, (1 − a)^t.

    Examples
    --------
    >>> r = retention_of_tenured(53, AttritionSettings(monthly_fraction=0.03))
    >>> round(float(r[0]), 3), round(float(r[52]), 3)   # 52 weeks = 11.96 months: 0.97^11.96
    (1.0, 0.695)
    """
    rate = attrition.weekly_fraction(None)
    return (1.0 - rate) ** np.arange(weeks)


@dataclass(frozen=True)
class HireCurve:
    """What one hire is worth k weeks after their class starts (k = 0, 1, …).

    Attributes
    ----------
    headcount : numpy.ndarray
        Expected people still here per person hired.
    paid_fte : numpy.ndarray
        Paid FTE per person hired (trainees are paid).
    productive_fte : numpy.ndarray
        Productive FTE per person hired (0 in training, ramp-up after).
    """

    headcount: np.ndarray
    paid_fte: np.ndarray
    productive_fte: np.ndarray


def hire_curve(weeks: int, hiring: HiringSettings, attrition: AttritionSettings) -> HireCurve:
    """Per-hire headcount, paid and productive FTE for ``weeks`` weeks after a class starts.

    Examples
    --------
    Two weeks of training losing 10 %, 50 % productive for the first month after, no
    attrition after training:

    >>> hiring = HiringSettings(training_weeks=2, training_attrition_fraction=0.1,
    ...                         ramp_up_monthly=(0.5,), hire_fte=1.0)
    >>> curve = hire_curve(8, hiring, AttritionSettings(monthly_fraction=0.0))
    >>> curve.headcount.round(3).tolist()
    [1.0, 0.95, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    >>> curve.productive_fte.round(3).tolist()
    [0.0, 0.0, 0.45, 0.45, 0.45, 0.45, 0.45, 0.9]
    """
    training = hiring.training_weeks
    k = np.arange(weeks)
    headcount = np.ones(weeks)
    if training > 0:
        in_training = k <= training
        headcount[in_training] = (
            1.0 - hiring.training_attrition_fraction * k[in_training] / training
        )
    survivors = 1.0 - (hiring.training_attrition_fraction if training > 0 else 0.0)
    for week in range(training + 1, weeks):
        tenure = week - 1
        survivors *= 1.0 - attrition.weekly_fraction(tenure)
        headcount[week] = survivors
    productivity = np.zeros(weeks)
    after = k >= training
    months_after = np.floor((k[after] - training) / WEEKS_PER_MONTH).astype(int)
    ramp = np.asarray(hiring.ramp_up_monthly, dtype=float)
    if len(ramp):
        ramp_share = ramp[np.minimum(months_after, len(ramp) - 1)]
        productivity[after] = np.where(months_after < len(ramp), ramp_share, 1.0)
    else:
        productivity[after] = 1.0
    paid = headcount * hiring.hire_fte
    return HireCurve(headcount, paid, paid * productivity)


def week_index(day: dt.date, first_week: dt.date) -> int:
    """Index of the week containing ``day`` (negative before the plan starts)."""
    return (day - first_week).days // 7


def movements_fte(
    movements: Sequence[Movement],
    first_week: dt.date,
    weeks: int,
    attrition: AttritionSettings,
) -> np.ndarray:
    """FTE added (or removed) by transfers and planned leavers, per week."""
    total = np.zeros(weeks)
    rate = attrition.weekly_fraction(None)
    for movement in movements:
        start = week_index(movement.date, first_week)
        if start >= weeks:
            continue
        start = max(start, 0)
        span = np.arange(weeks - start)
        # People who join leave like everybody else; people who leave are gone for good.
        decay = (1.0 - rate) ** span if movement.fte > 0 else np.ones_like(span, dtype=float)
        total[start:] += movement.fte * decay
    return total


def contract_fte(
    agents_by_contract: Mapping[str, int],
    contract_hours: Mapping[str, tuple[float, float]],
    settings: CapacitySettings,
) -> dict[str, float]:
    """FTE of one agent on each contract: the override, else mid-point hours / FTE hours."""
    fte = {}
    for contract in agents_by_contract:
        if contract in settings.fte_by_contract:
            fte[contract] = settings.fte_by_contract[contract]
        elif contract in contract_hours:
            low, high = contract_hours[contract]
            fte[contract] = (low + high) / 2.0 / settings.fte_paid_hours_per_week
        else:
            raise InputError(
                f"agents are on contract '{contract}', which the centre file does not define",
                column="contract",
                fix="add the contract to the centre file or give its FTE in fte_by_contract",
            )
    return fte


def class_matrix(curve: np.ndarray, starts: Sequence[int], weeks: int) -> np.ndarray:
    """Column j holds ``curve`` shifted to start in week ``starts[j]`` (0 before it)."""
    matrix = np.zeros((weeks, len(starts)))
    for column, start in enumerate(starts):
        if start < weeks:
            length = weeks - max(start, 0)
            matrix[max(start, 0) :, column] = curve[max(-start, 0) : max(-start, 0) + length]
    return matrix


def check_classes(
    classes: Sequence[tuple[dt.date, int]],
    first_week: dt.date,
    hiring: HiringSettings,
) -> None:
    """Planned classes must start in the plan and respect the class-size limits."""
    for start, size in classes:
        if start < first_week:
            raise InputError(
                "a planned hiring class starts before the plan",
                column="planned_classes.start",
                value=str(start),
                fix=f"start it on or after {first_week}, or count its people as current agents",
            )
        if size < hiring.min_class_size or size > hiring.max_class_size:
            raise InputError(
                f"a planned hiring class of {size} is outside the class-size limits "
                f"{hiring.min_class_size}–{hiring.max_class_size}",
                column="planned_classes.size",
                value=size,
                fix="change its size or hiring.min_class_size / max_class_size",
            )
