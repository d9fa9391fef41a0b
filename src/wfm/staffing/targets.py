"""Service targets and the staffing search: the fewest agents meeting every target.

The search finds, for every interval at once, the smallest integer N > A meeting every
active target of a :class:`ServiceTarget` (service level, ASA, occupancy cap), starting at
⌊A⌋ + 1, and reports which target binds (:func:`staff_to_target`);
:func:`fractional_agents_required` interpolates between the two integers around it for
smooth curves. Erlang C (M/M/N) throughout: :mod:`wfm.staffing.erlang`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def check_workload(
    counts: np.ndarray, handle_seconds: np.ndarray, *, counts_text: str, handle_text: str
) -> None:
    """Reject a workload that no staffing can be computed for.

    Parameters
    ----------
    counts : numpy.ndarray
        Contacts or items per interval; each must be a finite number, 0 or more.
    handle_seconds : numpy.ndarray
        Handle time per contact or item [seconds], same shape; more than 0 wherever
        ``counts`` is.
    counts_text, handle_text : str
        What the two are called in the messages (``"chats offered"``, ``"chat handle time"``).

    Raises
    ------
    InputError
        Naming the first bad value.
    """
    if (counts < 0).any() or not np.isfinite(counts).all():
        raise InputError(
            f"{counts_text} must be a number, zero or more",
            value=float(counts[~(counts >= 0)][0]) if (~(counts >= 0)).any() else None,
        )
    if ((counts > 0) & ~(handle_seconds > 0)).any():
        raise InputError(
            f"{handle_text} must be more than 0 seconds",
            value=float(handle_seconds[(counts > 0) & ~(handle_seconds > 0)][0]),
        )


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
