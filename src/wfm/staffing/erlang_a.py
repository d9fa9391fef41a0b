"""Erlang A: the M/M/N+M queue (Palm's queue with exponential patience), vectorised.

Callers arrive as a Poisson process at rate λ = A / AHT, are served by N agents with
exponential handle times (mean AHT) and abandon the queue after an exponential patience
(mean ``patience_seconds``, rate θ = 1 / patience). Unlike Erlang C, the queue is stable
for any N, so a centre whose callers abandon can be staffed below the offered load.

Closed forms (Mandelbaum & Zeltyn) use the regularised lower incomplete gamma function
P(a, z) (``scipy.special.gammainc``) with

    x = N·μ / θ = N · patience / AHT,     y = λ / θ = A · patience / AHT,
    J(x, y) = Γ(x + 1) · y^(−x) · e^y · P(x, y) = Σ_{j≥0} y^j Γ(x + 1) / Γ(x + j + 1).

J is the sum, relative to the probability of state N, of the stationary probabilities of
states N + j (j callers queued); B = B(N, A) is Erlang B. Then

    P(wait)             = B·J / (1 − B + B·J)
    P(abandon | wait)   = 1 − (x / y)·(1 − 1 / J)
    P(V > t | wait)     = P(x, y·e^(−θt)) / P(x, y)          (V: the offered wait)
    P(answered within T | wait) = (x / y)·[P(x + 1, y) − P(x + 1, y·e^(−θT))] / P(x, y)

The last follows from P(V > t | wait) and the probability e^(−θv) that a caller whose
offered wait is v is still there to be answered. The service level here is the share of
**all offered** contacts answered within T (abandons count against: definition 3 of
DOMAIN.md §4).

The ASA (mean wait of answered contacts) has no closed form; it is the exact sum over the
number of callers found queued, j, of P(j | wait)·E[W·1{answered} | j], where a caller with
j ahead is answered with probability x / (x + j + 1) and, by a one-step recursion of the
pure-death chain, E[W·1{answered} | j] = x·[ψ(x + j + 2) − ψ(x + 1)] / (θ·(x + j + 1)), ψ the
digamma function. The sum starts 40·√y below the mode j ≈ y − x and stops once the terms
beyond the mode fall below 1e-16 of the total (they decrease geometrically there).

References
----------
Garnett, O., Mandelbaum, A., & Reiman, M. (2002). Designing a call center with impatient
customers. Manufacturing & Service Operations Management, 4(3), 208–227.

Mandelbaum, A., & Zeltyn, S. (2007). Service engineering in action: the Palm/Erlang-A
queue, with applications to call centers. In Advances in Services Innovations, 17–45.
Springer.

Zeltyn, S., & Mandelbaum, A. (2005). Call centers with impatient customers: many-server
asymptotics of the M/M/n+G queue. Queueing Systems, 51, 361–402.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammainc, gammaln

from wfm.errors import InputError
from wfm.limits import MAX_WAIT_SECONDS, check_range
from wfm.staffing.erlang import erlang_b_direct

ArrayLike = npt.ArrayLike

#: Below this P(x, y) is treated as underflowed and J(x, y) is summed as its series instead.
#: It happens only with x − y > 37·√x, where the terms fall geometrically.
_UNDERFLOW = 1e-280
#: Doublings of the upper bound before the staffing search gives up (2^30 × ⌊A + 1⌋ agents).
_MAX_DOUBLINGS = 30
#: Number of queue lengths j summed at a time in the ASA series.
_ASA_CHUNK = 256


@dataclass(frozen=True)
class ErlangAResult:
    """Performance of the M/M/N+M queue, one element per interval.

    Attributes
    ----------
    wait_probability : numpy.ndarray
        P(wait): share of contacts that find every agent busy.
    abandon_probability : numpy.ndarray
        P(abandon): share of offered contacts that abandon.
    service_level : numpy.ndarray
        Share of offered contacts answered within the answer threshold (abandons count
        against).
    asa_seconds : numpy.ndarray
        Average speed of answer [seconds]: mean wait of answered contacts.
    occupancy : numpy.ndarray
        Share of the agents' time spent handling: A·(1 − P(abandon)) / N.
    """

    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    service_level: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray


def _check_positive(name: str, values: np.ndarray, fix: str) -> None:
    bad = ~(values > 0)
    if bad.any():
        raise InputError(f"{name} must be more than 0", value=float(values[bad][0]), fix=fix)


def _prepare(agents, traffic_erlangs, aht_seconds, patience_seconds):
    agents_array, traffic, aht, patience = np.broadcast_arrays(
        np.asarray(agents, dtype=float),
        np.asarray(traffic_erlangs, dtype=float),
        np.asarray(aht_seconds, dtype=float),
        np.asarray(patience_seconds, dtype=float),
    )
    if (traffic < 0).any() or not np.isfinite(traffic).all():
        raise InputError(
            "offered load must be a finite number of Erlang, zero or more",
            value=float(traffic[~(traffic >= 0) | ~np.isfinite(traffic)][0]),
        )
    if (agents_array < 0).any():
        raise InputError(
            "agents must be zero or more", value=float(agents_array[agents_array < 0][0])
        )
    _check_positive("aht_seconds", aht, "give the average handle time in seconds")
    _check_positive(
        "patience_seconds",
        patience,
        "give the mean patience in seconds (e.g. 120); use Erlang C for no abandonment",
    )
    return agents_array, traffic, aht, patience


def _log_j(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """ln J(x, y); by the direct series where P(x, y) underflows (x ≫ y)."""
    lower = gammainc(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_j = gammaln(x + 1.0) - x * np.log(y) + y + np.log(lower)
    small = lower < _UNDERFLOW
    if small.any():
        xs, ys = x[small], y[small]
        term = np.ones(xs.shape)
        total = np.ones(xs.shape)
        j = 0
        while True:  # terms fall at least geometrically by y / (x + 1) < 1 here
            j += 1
            term = term * ys / (xs + j)
            total += term
            if (term <= 1e-17 * total).all():
                break
        log_j[small] = np.log(total)
    return log_j


def _answered_within_given_wait(
    x: np.ndarray, y: np.ndarray, decay: np.ndarray, log_j: np.ndarray
) -> np.ndarray:
    """P(answered within T | wait), with ``decay`` = θ·T.

    (x / y)·[P(x + 1, y) − P(x + 1, u)] / P(x, y) with u = y·e^(−θT), written with J
    (P(a, z) = z^a·e^(−z)·J(a, z) / Γ(a + 1)) so that no incomplete gamma is divided by
    another that may have underflowed:
    (x / (x + 1))·[J(x + 1, y) − e^(−(x + 1)·θT + y·(1 − e^(−θT)))·J(x + 1, u)] / J(x, y).
    """
    decayed = y * np.exp(-decay)
    exponent = -(x + 1.0) * decay - y * np.expm1(-decay)
    first = np.exp(_log_j(x + 1.0, y) - log_j)
    second = np.exp(_log_j(x + 1.0, decayed) + exponent - log_j)
    return np.clip(x / (x + 1.0) * (first - second), 0.0, 1.0)


def erlang_a(
    agents: ArrayLike,
    traffic_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    answer_threshold_seconds: ArrayLike = 20.0,
    *,
    with_asa: bool = True,
) -> ErlangAResult:
    """Waiting, abandonment, service level, ASA and occupancy of the M/M/N+M queue.

    Parameters
    ----------
    agents : array_like of int
        Productive agents N (≥ 0).
    traffic_erlangs : array_like of float
        Offered load A = λ·AHT [Erlang] (≥ 0).
    aht_seconds : array_like of float
        Average handle time [seconds] (> 0).
    patience_seconds : array_like of float
        Mean patience of a waiting caller [seconds] (> 0; exponential).
    answer_threshold_seconds : array_like of float
        Answer threshold T [seconds] (≥ 0).
    with_asa : bool
        Compute the ASA (a series; the other values are closed forms).

    Returns
    -------
    ErlangAResult

    Notes
    -----
    See the module docstring for the formulas. With no agents every caller abandons; with
    no load the service is perfect. As patience → ∞ the values tend to Erlang C's for
    N > A.

    References
    ----------
    Garnett, Mandelbaum & Reiman (2002), M&SOM 4(3); Mandelbaum & Zeltyn (2007).

    Examples
    --------
    >>> r = erlang_a(14, 10.0, 180.0, 120.0, 20.0)
    >>> round(float(r.service_level), 3), round(float(r.abandon_probability), 4)
    (0.933, 0.0228)
    """
    agents_array, traffic, aht, patience = _prepare(
        agents, traffic_erlangs, aht_seconds, patience_seconds
    )
    threshold = np.broadcast_to(np.asarray(answer_threshold_seconds, dtype=float), traffic.shape)
    if (threshold < 0).any():
        raise InputError(
            "answer threshold must be zero or more seconds",
            value=float(threshold[threshold < 0][0]),
        )
    shape = traffic.shape
    wait = np.zeros(shape)
    abandon = np.zeros(shape)
    level = np.ones(shape)
    asa = np.zeros(shape)
    no_agents = (agents_array == 0) & (traffic > 0)
    wait[no_agents], abandon[no_agents], level[no_agents] = 1.0, 1.0, 0.0
    asa[no_agents] = np.nan
    work = (agents_array > 0) & (traffic > 0)
    if work.any():
        n, a, h, p, t = (
            agents_array[work],
            traffic[work],
            aht[work],
            patience[work],
            threshold[work],
        )
        x = n * p / h
        y = a * p / h
        theta = 1.0 / p
        log_j = _log_j(x, y)
        blocking = erlang_b_direct(n, a)
        # P(wait) = B·J / (1 − B + B·J), written to avoid overflow of J.
        with np.errstate(over="ignore", divide="ignore"):
            inverse_j = np.exp(-log_j)
            wait_w = blocking / (blocking + (1.0 - blocking) * inverse_j)
        abandon_given_wait = np.clip(1.0 - (x / y) * (1.0 - inverse_j), 0.0, 1.0)
        within = _answered_within_given_wait(x, y, theta * t, log_j)
        within = np.clip(within, 0.0, 1.0 - abandon_given_wait)
        wait[work] = wait_w
        abandon[work] = wait_w * abandon_given_wait
        level[work] = (1.0 - wait_w) + wait_w * within
        if with_asa:
            asa[work] = (
                wait_w
                * _answered_wait_given_wait(x, y, theta, log_j)
                / (1.0 - wait_w * abandon_given_wait)
            )
    level = np.clip(level, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(
            agents_array > 0,
            traffic * (1.0 - abandon) / np.maximum(agents_array, 1.0),
            np.where(traffic > 0, 1.0, 0.0),
        )
    return ErlangAResult(
        wait, abandon, level, asa if with_asa else np.full(shape, np.nan), np.minimum(occ, 1.0)
    )


def _answered_wait_given_wait(
    x: np.ndarray, y: np.ndarray, theta: np.ndarray, log_j: np.ndarray
) -> np.ndarray:
    """E[W·1{answered} | wait] [seconds] by the series over the queue length found, j."""
    total = np.zeros(x.shape)
    mass = np.zeros(x.shape)
    base = gammaln(x + 1.0) - log_j  # ln of t_j / J without the j-dependent part
    log_y = np.log(y)
    digamma_start = digamma(x + 1.0)
    # The queue length found, j, has its mode near y − x and a spread of about √y: terms more
    # than 40·√y below the mode are below e^(−800) of it and are skipped.
    offset = np.maximum(np.floor(y - x - 40.0 * np.sqrt(y) - 1.0), 0.0)
    active = np.arange(x.size)
    start = 0
    while active.size:
        j = offset[active, None] + np.arange(start, start + _ASA_CHUNK, dtype=float)[None, :]
        xa = x[active, None]
        log_weight = base[active, None] + j * log_y[active, None] - gammaln(xa + j + 1.0)
        weight = np.exp(log_weight)  # P(j callers queued | wait)
        answered_wait = (
            xa
            * (digamma(xa + j + 2.0) - digamma_start[active, None])
            / (theta[active, None] * (xa + j + 1.0))
        )
        total[active] += (weight * answered_wait).sum(axis=1)
        mass[active] += weight.sum(axis=1)
        # Done once past the mode (j > y − x) and the last terms are negligible.
        past_peak = (offset[active] + start + _ASA_CHUNK) > (y[active] - x[active])
        negligible = weight[:, -1] < 1e-16 * np.maximum(mass[active], 1e-300)
        active = active[~(past_peak & negligible)]
        start += _ASA_CHUNK
    return total


def staff_erlang_a(
    traffic_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    patience_seconds: ArrayLike,
    *,
    service_level_target: float | None = 0.8,
    answer_threshold_seconds: float = 20.0,
    max_abandon_probability: float | None = None,
    asa_target_seconds: float | None = None,
    max_occupancy: float | None = None,
) -> np.ndarray:
    """Smallest integer agents per interval meeting every target in the M/M/N+M queue.

    Parameters
    ----------
    traffic_erlangs : array_like of float
        Offered load A [Erlang].
    aht_seconds : array_like of float
        Average handle time [seconds].
    patience_seconds : array_like of float
        Mean patience [seconds].
    service_level_target : float or None
        Share of offered contacts to answer within ``answer_threshold_seconds``, in (0, 1).
    answer_threshold_seconds : float
        Answer threshold T [seconds].
    max_abandon_probability : float or None
        Cap on P(abandon), in (0, 1).
    asa_target_seconds : float or None
        ASA target [seconds].
    max_occupancy : float or None
        Occupancy cap, in (0, 1].

    Returns
    -------
    numpy.ndarray of int
        Agents required (0 where there is no load). It may be below the offered load.

    Notes
    -----
    Every measure improves with N, so each interval is bisected between 0 (fails) and an
    upper bound found by doubling from ⌊A⌋ + 1: about log₂(N) vectorised evaluations of the
    closed forms, never a loop over intervals.

    Examples
    --------
    >>> staff_erlang_a([10.0], [180.0], [120.0]).tolist()
    [12]

    Below the offered load when 30 % of callers may abandon:

    >>> staff_erlang_a([100.0], [180.0], [60.0], service_level_target=None, max_abandon_probability=0.3).tolist()
    [71]
    """
    traffic = np.atleast_1d(np.asarray(traffic_erlangs, dtype=float))
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), traffic.shape)
    patience = np.broadcast_to(np.asarray(patience_seconds, dtype=float), traffic.shape)
    check_range(answer_threshold_seconds, name="answer threshold [s]", maximum=MAX_WAIT_SECONDS)
    if asa_target_seconds is not None:
        check_range(asa_target_seconds, name="ASA target [s]", maximum=MAX_WAIT_SECONDS)
    if patience.size and not (np.isnan(patience) | (patience <= MAX_WAIT_SECONDS)).all():
        raise InputError(
            f"patience is above wfm's limit of {MAX_WAIT_SECONDS:g} seconds (one day)",
            value=float(patience[patience > MAX_WAIT_SECONDS][0]),
            fix="give the mean patience in seconds (e.g. 120)",
        )
    for name, value in (
        ("service-level target", service_level_target),
        ("abandon cap", max_abandon_probability),
    ):
        if value is not None and not 0 < value < 1:
            raise InputError(
                f"{name} must be a fraction between 0 and 1", value=value, fix="e.g. 0.8 (not 80)"
            )
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise InputError(
            "occupancy cap must be a fraction in (0, 1]", value=max_occupancy, fix="e.g. 0.85"
        )
    if answer_threshold_seconds < 0:
        raise InputError(
            "answer threshold must be zero or more seconds", value=answer_threshold_seconds
        )
    if (
        service_level_target is None
        and max_abandon_probability is None
        and asa_target_seconds is None
        and max_occupancy is None
    ):
        raise InputError(
            "no staffing target is set",
            fix="set a service-level target, an abandon cap, an ASA target or an occupancy cap",
        )

    def meets(n: np.ndarray, index: np.ndarray) -> np.ndarray:
        r = erlang_a(
            n,
            traffic[index],
            aht[index],
            patience[index],
            answer_threshold_seconds,
            with_asa=asa_target_seconds is not None,
        )
        ok = np.ones(index.size, dtype=bool)
        if service_level_target is not None:
            ok &= r.service_level >= service_level_target - 1e-12
        if max_abandon_probability is not None:
            ok &= r.abandon_probability <= max_abandon_probability + 1e-12
        if asa_target_seconds is not None:
            ok &= r.asa_seconds <= asa_target_seconds + 1e-12
        if max_occupancy is not None:
            ok &= r.occupancy <= max_occupancy * (1 + 1e-12)
        return ok

    result = np.zeros(traffic.shape, dtype=np.int64)
    busy = np.flatnonzero(traffic > 0)
    if busy.size == 0:
        return result
    high = np.floor(traffic[busy]).astype(np.int64) + 1
    pending = np.arange(busy.size)
    for _ in range(_MAX_DOUBLINGS):  # double until the upper bound meets every target
        ok = meets(high[pending].astype(float), busy[pending])
        high[pending[~ok]] *= 2
        pending = pending[~ok]
        if not pending.size:
            break
    else:
        first = busy[pending[0]]
        raise InputError(
            "no number of agents meets the targets",
            value=float(traffic[first]),
            fix="check the offered load [Erlang], AHT [s] and patience [s] of this interval",
        )
    low = np.zeros(busy.size, dtype=np.int64)  # 0 agents never meets a target with load
    pending = np.flatnonzero(high - low > 1)
    while pending.size:
        middle = (low[pending] + high[pending]) // 2
        ok = meets(middle.astype(float), busy[pending])
        high[pending[ok]] = middle[ok]
        low[pending[~ok]] = middle[~ok]
        pending = pending[high[pending] - low[pending] > 1]
    result[busy] = high
    return result
