"""Agents required per interval: Erlang C staffing to service targets, then shrinkage.

The staffing search finds, for every interval at once, the smallest integer N > A meeting
every active target (service level, ASA, occupancy cap), starting at ⌊A⌋ + 1, and reports
which target binds. Shrinkage turns productive agents into scheduled agents with an exact
integer ceiling: 21 productive agents at 30 % shrinkage are 30 scheduled, never 31.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from wfm.data.schemas import REQUIREMENTS_COLUMNS
from wfm.errors import InputError
from wfm.limits import (
    MAX_WAIT_SECONDS,
    check_finite,
    check_range,
)
from wfm.staffing.erlang import (
    asa_seconds_from_c,
    erlang_b_direct,
    erlang_c_from_b,
    service_level_from_c,
)
from wfm.staffing.forecast_rows import ShrinkageInput, forecast_rows, queue_value

#: Tolerance when comparing a computed service level or ASA with its target, so that a
#: level of exactly the target is not lost to rounding in the last bit.
TARGET_TOLERANCE = 1e-12

#: Names used in the ``binding_target`` column.
BINDING_NONE, BINDING_SERVICE_LEVEL, BINDING_ASA, BINDING_OCCUPANCY = (
    "none",
    "service_level",
    "asa",
    "occupancy",
)
#: Binding name when only queue stability (N > A) decides the number.
BINDING_STABILITY = "stability"
#: Binding name of an abandonment cap (Erlang A).
BINDING_ABANDONMENT = "abandonment"


@dataclass(frozen=True)
class ServiceTarget:
    """Service targets for one queue.

    Parameters
    ----------
    service_level_target
        Fraction of contacts to answer within the threshold, in (0, 1); ``None`` for no
        service-level target.
    answer_threshold_seconds
        The T of "X % within T seconds" [seconds], ≥ 0.
    max_occupancy
        Occupancy cap A / N, in (0, 1]; ``None`` for no cap.
    asa_target_seconds
        Average speed of answer target [seconds]; ``None`` for none.
    """

    service_level_target: float | None = 0.8
    answer_threshold_seconds: float = 20.0
    max_occupancy: float | None = 0.85
    asa_target_seconds: float | None = None

    def __post_init__(self) -> None:
        for name, value in (
            ("service-level target", self.service_level_target),
            ("answer threshold [s]", self.answer_threshold_seconds),
            ("occupancy cap", self.max_occupancy),
            ("ASA target [s]", self.asa_target_seconds),
        ):
            if value is not None:
                check_finite(value, name=name)
        for name, value in (
            ("answer threshold [s]", self.answer_threshold_seconds),
            ("ASA target [s]", self.asa_target_seconds),
        ):
            if value is not None:
                check_range(value, name=name, maximum=MAX_WAIT_SECONDS)
        if self.service_level_target is not None and not 0 < self.service_level_target < 1:
            hint = (
                " (it looks like a percentage: divide by 100)"
                if 5 <= self.service_level_target <= 100
                else ""
            )
            raise InputError(
                "service-level target must be a fraction between 0 and 1" + hint,
                value=self.service_level_target,
                fix="e.g. 0.8 for 80 % within the threshold",
            )
        if self.answer_threshold_seconds < 0:
            raise InputError(
                "answer threshold must be zero or more seconds", value=self.answer_threshold_seconds
            )
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise InputError(
                "occupancy cap must be a fraction in (0, 1]",
                value=self.max_occupancy,
                fix="e.g. 0.85",
            )
        if self.asa_target_seconds is not None and self.asa_target_seconds <= 0:
            raise InputError(
                "ASA target must be more than 0 seconds", value=self.asa_target_seconds
            )
        if (
            self.service_level_target is None
            and self.asa_target_seconds is None
            and self.max_occupancy is None
        ):
            raise InputError(
                "no staffing target is set",
                fix="set a service-level target, an ASA target or an occupancy cap",
            )

    @classmethod
    def from_queue(cls, queue) -> ServiceTarget:
        """Targets of a :class:`wfm.config.QueueConfig`."""
        return cls(
            service_level_target=queue.service_level_target,
            answer_threshold_seconds=queue.answer_threshold_seconds,
            max_occupancy=queue.max_occupancy,
            asa_target_seconds=queue.asa_target_seconds,
        )


@dataclass(frozen=True)
class Staffing:
    """Result of the staffing search, one element per interval.

    Attributes
    ----------
    agents_required : numpy.ndarray of int
        Smallest productive agents meeting every target (0 where there is no traffic).
    binding_target : numpy.ndarray of str
        Which target decided the number: ``service_level``, ``asa``, ``occupancy``,
        ``stability`` (N > A alone) or ``none`` (no traffic).
    service_level, asa_seconds, occupancy : numpy.ndarray of float
        Projected values at ``agents_required``.
    """

    agents_required: np.ndarray
    binding_target: np.ndarray
    service_level: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray


def traffic_erlangs(
    offered: np.ndarray, aht_seconds: np.ndarray, interval_minutes: int
) -> np.ndarray:
    """Offered load A = contacts × AHT / interval length [Erlang].

    Examples
    --------
    >>> float(traffic_erlangs(np.array([100.0]), np.array([180.0]), 30)[0])
    10.0
    """
    return (
        np.asarray(offered, dtype=float)
        * np.asarray(aht_seconds, dtype=float)
        / (interval_minutes * 60.0)
    )


def staff_to_target(
    traffic: np.ndarray, aht_seconds: np.ndarray, target: ServiceTarget
) -> Staffing:
    """Smallest integer productive agents per interval meeting every active target.

    Parameters
    ----------
    traffic : numpy.ndarray
        Offered load A per interval [Erlang], ≥ 0.
    aht_seconds : numpy.ndarray
        Average handle time per interval [seconds], > 0 where traffic > 0.
    target : ServiceTarget
        Targets to meet.

    Returns
    -------
    Staffing

    Notes
    -----
    Each interval's search starts at the larger of ⌊A⌋ + 1 (the first stable N) and ⌈A / cap⌉
    (the occupancy cap), where Erlang B is evaluated directly as a Poisson ratio,
    B(N, A) = P(X = N) / P(X ≤ N) with X ~ Poisson(A) (:func:`wfm.staffing.erlang.erlang_b_direct`).
    From there the stable recursion B(n + 1) = A·B(n) / (n + 1 + A·B(n)) steps only the
    intervals whose service level (SL ≥ target) or ASA (ASA ≤ target) is still short, so the
    work is a handful of vector steps rather than one per agent. The binding target is the one
    that fails at N − 1 (service level first on a tie); ``stability`` when only N > A does.

    Examples
    --------
    >>> s = staff_to_target(np.array([10.0]), np.array([180.0]), ServiceTarget(0.8, 20.0, None))
    >>> int(s.agents_required[0]), str(s.binding_target[0])
    (14, 'service_level')
    """
    traffic = np.asarray(traffic, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), traffic.shape)
    size = traffic.shape
    agents = np.zeros(size, dtype=np.int64)
    level = np.ones(size)
    asa = np.zeros(size)
    binding = np.full(size, BINDING_NONE, dtype=object)
    busy = np.flatnonzero(traffic > 0)
    if busy.size == 0:
        return Staffing(agents, binding, level, asa, np.zeros(size))
    load, handle = traffic.flat[busy], aht.flat[busy]
    first_stable = np.floor(load).astype(np.int64) + 1
    start = first_stable.copy()
    if target.max_occupancy is not None:
        start = np.maximum(start, _min_agents_for_occupancy(load, target.max_occupancy))
    threshold = target.answer_threshold_seconds
    n = start.copy()
    blocking = erlang_b_direct(n, load)
    found = np.zeros(busy.size, dtype=np.int64)
    found_level = np.zeros(busy.size)
    found_asa = np.zeros(busy.size)
    pending = np.arange(busy.size)
    # Past the first stable N, the service level rises to the target within a few multiples
    # of sqrt(A) agents (square-root staffing); the bound only stops a runaway search.
    max_steps = int(10 * np.sqrt(load.max()) + 1000)
    for _ in range(max_steps):
        if not pending.size:
            break
        n_p, a_p, b_p = n[pending], load[pending], blocking[pending]
        wait = erlang_c_from_b(n_p, a_p, b_p)
        level_p = service_level_from_c(n_p, a_p, handle[pending], threshold, wait)
        asa_p = asa_seconds_from_c(n_p, a_p, handle[pending], wait)
        meets = np.ones(pending.size, dtype=bool)
        if target.service_level_target is not None:
            meets &= level_p >= target.service_level_target - TARGET_TOLERANCE
        if target.asa_target_seconds is not None:
            meets &= asa_p <= target.asa_target_seconds + TARGET_TOLERANCE
        done = pending[meets]
        found[done], found_level[done], found_asa[done] = n_p[meets], level_p[meets], asa_p[meets]
        pending = pending[~meets]
        # One agent more for the intervals still short.
        n_next = n[pending] + 1
        blocking[pending] = (
            load[pending] * blocking[pending] / (n_next + load[pending] * blocking[pending])
        )
        n[pending] = n_next
    if pending.size:
        first = busy[pending[0]]
        raise InputError(
            "no number of agents meets the targets",
            value=float(traffic.flat[first]),
            fix="check the offered load [Erlang], AHT [s] and the service targets of this interval",
        )
    agents.flat[busy] = found
    level.flat[busy] = found_level
    asa.flat[busy] = found_asa
    binding.flat[busy] = _binding_targets(found, load, handle, target)
    occ = np.where(agents > 0, traffic / np.maximum(agents, 1), 0.0)
    return Staffing(agents, binding, level, asa, occ)


def _binding_targets(
    agents: np.ndarray, load: np.ndarray, handle: np.ndarray, target: ServiceTarget
) -> np.ndarray:
    """Which target fails with one agent fewer (service level, then ASA, then occupancy)."""
    fewer = agents - 1
    wait = erlang_c_from_b(fewer, load, erlang_b_direct(fewer, load))
    names = np.full(agents.shape, BINDING_STABILITY, dtype=object)
    checks = []
    if target.service_level_target is not None:
        level = service_level_from_c(fewer, load, handle, target.answer_threshold_seconds, wait)
        checks.append(
            (BINDING_SERVICE_LEVEL, level < target.service_level_target - TARGET_TOLERANCE)
        )
    if target.asa_target_seconds is not None:
        checks.append(
            (
                BINDING_ASA,
                asa_seconds_from_c(fewer, load, handle, wait)
                > target.asa_target_seconds + TARGET_TOLERANCE,
            )
        )
    if target.max_occupancy is not None:
        with np.errstate(divide="ignore"):
            checks.append(
                (
                    BINDING_OCCUPANCY,
                    (fewer <= 0) | (load > target.max_occupancy * fewer * (1 + 1e-12)),
                )
            )
    assigned = np.zeros(agents.shape, dtype=bool)
    for name, fails in checks:
        names[fails & ~assigned] = name
        assigned |= fails
    return names


def _min_agents_for_occupancy(traffic: np.ndarray, max_occupancy: float) -> np.ndarray:
    """Smallest integer N with A / N ≤ cap, i.e. ⌈A / cap⌉, robust to the last bit."""
    estimate = np.ceil(traffic / max_occupancy).astype(np.int64)
    # Step down where one agent fewer still meets the cap (ceil of a value just above an integer).
    lower = np.maximum(estimate - 1, 0)
    ok_lower = (lower > 0) & (traffic <= max_occupancy * lower * (1 + 1e-12))
    return np.where(ok_lower, lower, estimate)


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


def fractional_agents_required(
    traffic: np.ndarray, aht_seconds: np.ndarray, target: ServiceTarget
) -> np.ndarray:
    """Real-valued productive agents per interval: where the interpolated curves cross the targets.

    For adding requirements across queues or intervals, rounding each up first overstates
    the total; this gives the real N the integer requirement is rounded from.

    Parameters
    ----------
    traffic : numpy.ndarray
        Offered load A per interval [Erlang].
    aht_seconds : numpy.ndarray
        Average handle time [seconds].
    target : ServiceTarget

    Returns
    -------
    numpy.ndarray of float
        0 where there is no traffic. ⌈result⌉ equals :func:`staff_to_target`'s integer.

    Notes
    -----
    Definition: the smallest real N at which every target is met when the service level
    and the ASA are interpolated linearly between whole agents (as
    :func:`wfm.staffing.service_level_fractional` does, with SL = 0 and ASA = ∞ for N ≤ A)
    and the occupancy is A / N. With N* the integer requirement and the service level
    binding, N = N* − 1 + (target − SL(N* − 1)) / (SL(N*) − SL(N* − 1)); the ASA crossing is
    found the same way (at N* itself when ASA(N* − 1) is infinite), the occupancy cap gives
    A / cap, and the answer is the largest of these.

    Examples
    --------
    >>> n = fractional_agents_required(np.array([10.0]), np.array([180.0]), ServiceTarget(0.8, 20.0, None))
    >>> round(float(n[0]), 3)
    13.047
    """
    traffic = np.asarray(traffic, dtype=float)
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), traffic.shape)
    whole = staff_to_target(traffic, aht, target).agents_required
    busy = traffic > 0
    below = np.maximum(whole - 1, 0)
    crossings = np.zeros(traffic.shape)
    handle = np.where(busy, aht, 1.0)
    wait_below = erlang_c_from_b(below, traffic, erlang_b_direct(below, traffic))
    wait_whole = erlang_c_from_b(whole, traffic, erlang_b_direct(whole, traffic))
    with np.errstate(invalid="ignore", divide="ignore"):
        if target.service_level_target is not None:
            low = service_level_from_c(
                below, traffic, handle, target.answer_threshold_seconds, wait_below
            )
            high = service_level_from_c(
                whole, traffic, handle, target.answer_threshold_seconds, wait_whole
            )
            step = np.clip((target.service_level_target - low) / (high - low), 0.0, 1.0)
            crossings = np.maximum(
                crossings,
                np.where(
                    low >= target.service_level_target - TARGET_TOLERANCE, below, below + step
                ),
            )
        if target.asa_target_seconds is not None:
            low = asa_seconds_from_c(below, traffic, handle, wait_below)
            high = asa_seconds_from_c(whole, traffic, handle, wait_whole)
            step = np.where(
                np.isfinite(low),
                np.clip((low - target.asa_target_seconds) / (low - high), 0.0, 1.0),
                1.0,
            )
            crossings = np.maximum(
                crossings,
                np.where(low <= target.asa_target_seconds + TARGET_TOLERANCE, below, below + step),
            )
    if target.max_occupancy is not None:
        crossings = np.maximum(crossings, traffic / target.max_occupancy)
    crossings = np.maximum(crossings, traffic)
    return np.where(busy, np.minimum(crossings, whole), 0.0)


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
