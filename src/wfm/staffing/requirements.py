"""Agents required per interval: the requirement table, staffed to targets, then shrinkage.

:func:`compute_requirements` staffs every interval of a forecast to its queue's targets
with the staffing search of :mod:`wfm.staffing.targets` (Erlang C, or Erlang A when a
patience is given) and reports which target binds. Shrinkage turns productive agents into
scheduled agents with an exact integer ceiling (:func:`scheduled_agents`): 21 productive
agents at 30 % shrinkage are 30 scheduled, never 31.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from wfm.data.schemas import REQUIREMENTS_COLUMNS
from wfm.errors import InputError
from wfm.staffing.forecast_rows import ShrinkageInput, forecast_rows, queue_value
from wfm.staffing.targets import (
    BINDING_ABANDONMENT,
    BINDING_ASA,
    BINDING_NONE,
    BINDING_OCCUPANCY,
    BINDING_SERVICE_LEVEL,
    TARGET_TOLERANCE,
    ServiceTarget,
    fractional_agents_required,
    staff_to_target,
    traffic_erlangs,
)

#: Up to this many distinct shrinkage values the ceiling is taken in exact rational arithmetic.
_EXACT_SHRINKAGE_VALUES = 64


def scheduled_agents(
    agents_required: np.ndarray, shrinkage_fraction: float | np.ndarray
) -> np.ndarray:
    """Scheduled (gross) agents ⌈N / (1 − s)⌉, computed exactly.

    The shrinkage is read as the decimal it was written as (0.3 is 3/10), and the ceiling is
    taken in integer arithmetic, so floating point cannot add an agent.

    Parameters
    ----------
    agents_required : numpy.ndarray of int
        Productive agents N.
    shrinkage_fraction : float or numpy.ndarray
        Shrinkage s in [0, 1).

    Examples
    --------
    >>> scheduled_agents(np.array([21, 14, 40]), 0.3).tolist()
    [30, 20, 58]
    """
    required = np.asarray(agents_required, dtype=np.int64)
    shrinkage = np.broadcast_to(np.asarray(shrinkage_fraction, dtype=float), required.shape)
    outside = ~((shrinkage >= 0) & (shrinkage < 1))  # NaN is outside too
    if outside.any():
        bad = shrinkage[outside][0]
        raise InputError(
            "shrinkage must be a fraction in [0, 1)", value=float(bad), fix="e.g. 0.3 for 30 %"
        )
    result = np.empty(required.shape, dtype=np.int64)
    values = np.unique(shrinkage)
    if values.size > _EXACT_SHRINKAGE_VALUES:
        # Many distinct values (a per-interval profile): the smallest M with
        # M·(1 − s) ≥ N, where a product within 1e-12 of N counts as equal, so that a
        # value such as 21 / 0.7 = 30.000000000000004 still gives 30.
        available = 1.0 - shrinkage
        estimate = np.ceil(required / available).astype(np.int64)
        fewer_enough = (estimate - 1) * available >= required * (1.0 - 1e-12)
        return np.where(required > 0, np.where(fewer_enough, estimate - 1, estimate), 0)
    for value in values:
        exact = Fraction(repr(float(value))).limit_denominator(10**9)
        available = exact.denominator - exact.numerator  # (1 - s) = available / denominator
        mask = shrinkage == value
        result[mask] = -((-required[mask] * exact.denominator) // available)
    return result


def compute_requirements(
    forecast: pd.DataFrame,
    targets: ServiceTarget | Mapping[str, ServiceTarget],
    shrinkage_fraction: ShrinkageInput,
    interval_minutes: int,
    *,
    source: str = "forecast",
    include_fractional: bool = False,
    patience_seconds: float | None = None,
    max_abandon_probability: float | None = None,
) -> pd.DataFrame:
    """Requirements per interval and queue from a forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``interval_start``, ``queue``, ``offered`` [contacts per interval],
        ``aht_seconds`` [seconds]; other columns are ignored.
    targets : ServiceTarget or mapping of queue name to ServiceTarget
        One target for all queues, or one per queue.
    shrinkage_fraction : float, mapping of queue name to float, or array_like per row
        Shrinkage s in [0, 1): for all queues, per queue, or one value per forecast row
        (e.g. from :func:`wfm.staffing.shrinkage.shrinkage_by_interval`).
    interval_minutes : int
        Interval length [minutes].
    source : str
        Name of the forecast's origin, for error messages.
    include_fractional : bool
        Add ``agents_required_fractional``, the real-valued requirement of
        :func:`fractional_agents_required` (Erlang C only).
    patience_seconds : float, optional
        Mean patience of waiting callers [seconds]: staff with Erlang A
        (:func:`wfm.staffing.erlang_a.staff_erlang_a`), where callers abandon and the
        requirement may fall below the offered load; adds ``abandon_probability``. The
        service level is then the share of all offered contacts answered within the
        threshold, and ``binding_target`` names the target that fails with one agent fewer.
    max_abandon_probability : float, optional
        Cap on the share of contacts that abandon, in (0, 1) (Erlang A only; binding name
        ``abandonment``).

    Returns
    -------
    pandas.DataFrame
        :data:`wfm.data.schemas.REQUIREMENTS_COLUMNS` plus ``binding_target``,
        ``shrinkage_fraction``, and the queue's ``service_level_target`` [fraction; NaN
        without one] and ``answer_threshold_seconds`` [seconds] the row was staffed to (the
        weekly service-level objective of the rota reads them), and
        ``agents_required_fractional`` if asked, in the forecast's row order.
    """
    checked = forecast_rows(forecast, shrinkage_fraction, source=source)
    frame, queues, offered, aht = (
        checked.frame,
        checked.queues,
        checked.offered,
        checked.aht_seconds,
    )
    shrinkage = checked.shrinkage_fraction
    traffic = traffic_erlangs(offered, np.where(offered > 0, aht, 0.0), interval_minutes)
    agents = np.zeros(len(frame), dtype=np.int64)
    binding = np.full(len(frame), BINDING_NONE, dtype=object)
    level = np.ones(len(frame))
    asa = np.zeros(len(frame))
    occ = np.zeros(len(frame))
    level_target = np.full(len(frame), np.nan)
    threshold = np.zeros(len(frame))
    fractional = np.zeros(len(frame))
    abandon = np.zeros(len(frame))
    if max_abandon_probability is not None and patience_seconds is None:
        raise InputError(
            "an abandonment cap needs a patience (Erlang A)",
            value=max_abandon_probability,
            fix="give the mean patience in seconds, e.g. --patience-seconds 120",
        )
    if patience_seconds is not None and include_fractional:
        raise InputError(
            "fractional requirements are defined for Erlang C only",
            fix="drop the patience or the fractional option",
        )
    for queue in pd.unique(queues):
        mask = queues == queue
        target = (
            targets
            if isinstance(targets, ServiceTarget)
            else queue_value(targets, queue, "service target")
        )
        if patience_seconds is not None:
            staffing = _staff_erlang_a(
                traffic[mask],
                np.where(offered[mask] > 0, aht[mask], 1.0),
                target,
                patience_seconds,
                max_abandon_probability,
            )
            abandon[mask] = staffing.abandon_probability
        else:
            staffing = staff_to_target(
                traffic[mask], np.where(offered[mask] > 0, aht[mask], 1.0), target
            )
        agents[mask] = staffing.agents_required
        binding[mask] = staffing.binding_target
        if target.service_level_target is not None:
            level_target[mask] = target.service_level_target
        threshold[mask] = target.answer_threshold_seconds
        level[mask] = staffing.service_level
        asa[mask] = staffing.asa_seconds
        occ[mask] = staffing.occupancy
        if include_fractional:
            fractional[mask] = fractional_agents_required(
                traffic[mask], np.where(offered[mask] > 0, aht[mask], 1.0), target
            )
    result = pd.DataFrame(
        {
            "interval_start": frame["interval_start"],
            "queue": queues,
            "offered": offered,
            "aht_seconds": aht,
            "traffic_erlangs": traffic,
            "agents_required": agents,
            "agents_scheduled_required": scheduled_agents(agents, shrinkage),
            "service_level": level,
            "asa_seconds": asa,
            "occupancy": occ,
            "binding_target": binding.astype(str),
            "shrinkage_fraction": shrinkage,
            "service_level_target": level_target,
            "answer_threshold_seconds": threshold,
        }
    )
    columns = [
        *REQUIREMENTS_COLUMNS,
        "binding_target",
        "shrinkage_fraction",
        "service_level_target",
        "answer_threshold_seconds",
    ]
    if include_fractional:
        result["agents_required_fractional"] = fractional
        columns.append("agents_required_fractional")
    if patience_seconds is not None:
        result["abandon_probability"] = abandon
        columns.append("abandon_probability")
    return result[columns]


@dataclass(frozen=True)
class _ErlangAStaffing:
    agents_required: np.ndarray
    binding_target: np.ndarray
    service_level: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray
    abandon_probability: np.ndarray


def _staff_erlang_a(
    traffic: np.ndarray,
    aht: np.ndarray,
    target: ServiceTarget,
    patience_seconds: float,
    max_abandon_probability: float | None,
) -> _ErlangAStaffing:
    """Erlang A staffing of one queue, with the values at the answer and the binding target."""
    from wfm.staffing.erlang_a import erlang_a, staff_erlang_a

    agents = staff_erlang_a(
        traffic,
        aht,
        patience_seconds,
        service_level_target=target.service_level_target,
        answer_threshold_seconds=target.answer_threshold_seconds,
        asa_target_seconds=target.asa_target_seconds,
        max_occupancy=target.max_occupancy,
        max_abandon_probability=max_abandon_probability,
    )
    at = erlang_a(agents, traffic, aht, patience_seconds, target.answer_threshold_seconds)
    fewer = erlang_a(
        np.maximum(agents - 1, 0),
        traffic,
        aht,
        patience_seconds,
        target.answer_threshold_seconds,
        with_asa=target.asa_target_seconds is not None,
    )
    names = np.full(agents.shape, BINDING_NONE, dtype=object)
    assigned = traffic <= 0
    checks = []
    if target.service_level_target is not None:
        checks.append(
            (
                BINDING_SERVICE_LEVEL,
                fewer.service_level < target.service_level_target - TARGET_TOLERANCE,
            )
        )
    if target.asa_target_seconds is not None:
        checks.append(
            (BINDING_ASA, ~(fewer.asa_seconds <= target.asa_target_seconds + TARGET_TOLERANCE))
        )
    if max_abandon_probability is not None:
        checks.append(
            (
                BINDING_ABANDONMENT,
                fewer.abandon_probability > max_abandon_probability + TARGET_TOLERANCE,
            )
        )
    if target.max_occupancy is not None:
        checks.append((BINDING_OCCUPANCY, fewer.occupancy > target.max_occupancy * (1 + 1e-12)))
    checks.append((BINDING_SERVICE_LEVEL, agents > 0))  # one agent is the least with any load
    for name, fails in checks:
        names[fails & ~assigned] = name
        assigned |= fails
    level = np.where(traffic > 0, at.service_level, 1.0)
    return _ErlangAStaffing(
        agents, names, level, at.asa_seconds, at.occupancy, at.abandon_probability
    )
