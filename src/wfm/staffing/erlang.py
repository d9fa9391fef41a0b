"""Erlang B and Erlang C (M/M/N queue), vectorised over intervals.

All functions broadcast their array arguments (one element per interval). The only Python
loop is over the number of agents in the Erlang B recursion, never over intervals.

Notation: ``traffic_erlangs`` A = contacts × AHT / interval length; ``agents`` N = productive
agents on the queue; ``aht_seconds`` the average handle time; ``answer_threshold_seconds``
the T of an "X % within T seconds" target.

References
----------
Gans, N., Koole, G., & Mandelbaum, A. (2003). Telephone call centers: tutorial, review, and
research prospects. Manufacturing & Service Operations Management, 5(2), 79–141.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import gammaincc, gammaln

ArrayLike = npt.ArrayLike


def _servers_and_load(
    agents: ArrayLike, traffic_erlangs: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers of servers N (int64) and offered loads A [Erlang] (float), broadcast
    to one shape."""
    agents_array, traffic = np.broadcast_arrays(
        np.asarray(agents), np.asarray(traffic_erlangs, dtype=float)
    )
    return agents_array.astype(np.int64), traffic


def _float_arrays(*values: ArrayLike) -> tuple[np.ndarray, ...]:
    """``values`` as float arrays broadcast to one shape (agents may be fractional)."""
    return tuple(np.broadcast_arrays(*(np.asarray(value, dtype=float) for value in values)))


#: Agents up to which :func:`erlang_b` runs its recursion; beyond, an element takes
#: :func:`erlang_b_direct` (a queue of a billion agents, the input limit, would otherwise
#: take a billion steps: minutes, a hang to the user).
RECURSION_MAX_AGENTS = 20_000


def erlang_b(agents: ArrayLike, traffic_erlangs: ArrayLike) -> np.ndarray:
    """Blocking probability of the M/M/N/N queue (Erlang B).

    Parameters
    ----------
    agents : array_like of int
        Number of servers N (≥ 0).
    traffic_erlangs : array_like of float
        Offered load A [Erlang] (≥ 0).

    Returns
    -------
    numpy.ndarray
        B(N, A) in [0, 1].

    Notes
    -----
    The stable recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), run once up to the
    largest N and read off at each element's own N; it never forms A^N or N!. It stops
    early once every pending B has underflowed to 0 (exact from there on); elements with N
    above :data:`RECURSION_MAX_AGENTS` take :func:`erlang_b_direct`.

    Examples
    --------
    >>> float(erlang_b(2, 1.0))
    0.2
    """
    agents_array, traffic = _servers_and_load(agents, traffic_erlangs)
    blocking = np.ones(agents_array.shape, dtype=float)
    result = np.ones(agents_array.shape, dtype=float)
    max_agents = int(agents_array.max(initial=0))
    for n in range(1, min(max_agents, RECURSION_MAX_AGENTS) + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
        result = np.where(agents_array == n, blocking, result)
        if n % 64 == 0 and not np.any(blocking[agents_array > n]):
            # every pending B has underflowed to 0.0 and stays there: B(N, A) = 0 exactly
            return np.where(agents_array > n, 0.0, result)
    if max_agents > RECURSION_MAX_AGENTS:  # O(1) per element instead of a recursion of N steps
        beyond = agents_array > RECURSION_MAX_AGENTS
        result[beyond] = erlang_b_direct(agents_array[beyond], traffic[beyond])
    return result


def erlang_b_direct(agents: ArrayLike, traffic_erlangs: ArrayLike) -> np.ndarray:
    """Erlang B evaluated directly as a ratio of Poisson probabilities: B(N, A) =
    P(X = N) / P(X ≤ N) for X ~ Poisson(A), with the parameters and result of
    :func:`erlang_b`.

    Notes
    -----
    The same quantity as :func:`erlang_b`, computed in O(1) per element instead of O(N):
    the numerator in log space, exp(N·ln A − A − ln N!), the denominator as the regularised
    upper incomplete gamma function Q(N + 1, A) (``scipy.special.gammaincc``), both accurate
    to about machine precision for thousands of agents. Used to start the staffing search
    near the answer; the recursion then steps on from there.

    Examples
    --------
    >>> round(float(erlang_b_direct(2, 1.0)), 12)
    0.2
    """
    agents_array, traffic = _float_arrays(agents, traffic_erlangs)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        log_pmf = agents_array * np.log(traffic) - traffic - gammaln(agents_array + 1.0)
        blocking = np.exp(log_pmf) / gammaincc(agents_array + 1.0, traffic)
    blocking = np.where(agents_array <= 0, 1.0, blocking)
    return np.where(
        traffic <= 0, np.where(agents_array <= 0, 1.0, 0.0), np.clip(blocking, 0.0, 1.0)
    )


def erlang_c_from_b(
    agents: np.ndarray, traffic_erlangs: np.ndarray, blocking: np.ndarray
) -> np.ndarray:
    """Erlang C from Erlang B: C = N·B / (N − A·(1 − B)) for N > A, else 1."""
    stable = agents > traffic_erlangs
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = agents * blocking / (agents - traffic_erlangs * (1.0 - blocking))
    return np.where(stable, np.clip(wait, 0.0, 1.0), 1.0)


def erlang_c(agents: ArrayLike, traffic_erlangs: ArrayLike) -> np.ndarray:
    """Probability that a contact waits, P(wait), in the M/M/N queue (Erlang C).

    Parameters
    ----------
    agents : array_like of int
        Productive agents N.
    traffic_erlangs : array_like of float
        Offered load A [Erlang].

    Returns
    -------
    numpy.ndarray
        C(N, A) in [0, 1]; exactly 1 where N ≤ A (the queue is unstable).

    Notes
    -----
    C(N, A) = N·B(N, A) / (N − A·(1 − B(N, A))) for N > A.

    Examples
    --------
    >>> round(float(erlang_c(2, 1.0)), 6)
    0.333333
    >>> round(float(erlang_c(14, 10.0)), 4)
    0.1741
    """
    agents_array, traffic = _servers_and_load(agents, traffic_erlangs)
    return erlang_c_from_b(agents_array, traffic, erlang_b(agents_array, traffic))


def service_level_from_c(
    agents: np.ndarray,
    traffic_erlangs: np.ndarray,
    aht_seconds: np.ndarray,
    answer_threshold_seconds: ArrayLike,
    wait_probability: np.ndarray,
) -> np.ndarray:
    """SL(T) = 1 − C·exp(−(N − A)·T / AHT) given C; 0 where N ≤ A; 1 where A = 0."""
    with np.errstate(over="ignore", invalid="ignore"):
        level = 1.0 - wait_probability * np.exp(
            -(agents - traffic_erlangs) * answer_threshold_seconds / aht_seconds
        )
    level = np.where(agents > traffic_erlangs, level, 0.0)
    return np.where(traffic_erlangs == 0, 1.0, np.clip(level, 0.0, 1.0))


def asa_seconds_from_c(
    agents: np.ndarray,
    traffic_erlangs: np.ndarray,
    aht_seconds: np.ndarray,
    wait_probability: np.ndarray,
) -> np.ndarray:
    """ASA = C·AHT / (N − A) [seconds]; infinite where N ≤ A; 0 where A = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = wait_probability * aht_seconds / (agents - traffic_erlangs)
    asa = np.where(agents > traffic_erlangs, asa, np.inf)
    return np.where(traffic_erlangs == 0, 0.0, asa)


def service_level(
    agents: ArrayLike,
    traffic_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    answer_threshold_seconds: ArrayLike,
) -> np.ndarray:
    """Fraction of contacts answered within ``answer_threshold_seconds`` (Erlang C).

    Parameters
    ----------
    agents, traffic_erlangs : array_like
        Productive agents N (int) and offered load A [Erlang], as for :func:`erlang_c`.
    aht_seconds : array_like of float
        Average handle time [seconds] (> 0).
    answer_threshold_seconds : array_like of float
        Answer threshold T [seconds].

    Returns
    -------
    numpy.ndarray
        SL(T) = 1 − C(N, A)·exp(−(N − A)·T / AHT); 0 where N ≤ A, 1 where A = 0.

    Examples
    --------
    >>> round(float(service_level(14, 10.0, 180.0, 20.0)), 4)
    0.8884
    """
    agents_array, traffic, aht, threshold = np.broadcast_arrays(
        np.asarray(agents),
        np.asarray(traffic_erlangs, dtype=float),
        np.asarray(aht_seconds, dtype=float),
        np.asarray(answer_threshold_seconds, dtype=float),
    )
    agents_array = agents_array.astype(np.int64)
    wait = erlang_c(agents_array, traffic)
    return service_level_from_c(agents_array, traffic, aht, threshold, wait)


def asa_seconds(
    agents: ArrayLike, traffic_erlangs: ArrayLike, aht_seconds: ArrayLike
) -> np.ndarray:
    """Average speed of answer [seconds] (Erlang C): C(N, A)·AHT / (N − A).

    Examples
    --------
    >>> round(float(asa_seconds(14, 10.0, 180.0)), 2)
    7.84
    """
    agents_array, traffic, aht = np.broadcast_arrays(
        np.asarray(agents),
        np.asarray(traffic_erlangs, dtype=float),
        np.asarray(aht_seconds, dtype=float),
    )
    agents_array = agents_array.astype(np.int64)
    return asa_seconds_from_c(agents_array, traffic, aht, erlang_c(agents_array, traffic))


def occupancy(agents: ArrayLike, traffic_erlangs: ArrayLike) -> np.ndarray:
    """Occupancy A / N (fraction); 0 with no agents and no traffic, capped at 1.

    Examples
    --------
    >>> round(float(occupancy(14, 10.0)), 3)
    0.714
    """
    agents_array, traffic = _float_arrays(agents, traffic_erlangs)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(agents_array > 0, traffic / agents_array, np.where(traffic > 0, 1.0, 0.0))
    return np.minimum(share, 1.0)


def service_level_fractional(
    agents: ArrayLike,
    traffic_erlangs: ArrayLike,
    aht_seconds: ArrayLike,
    answer_threshold_seconds: ArrayLike,
) -> np.ndarray:
    """Service level for a non-integer number of agents, by linear interpolation.

    Rotas give fractional productive agents (scheduled agents × (1 − shrinkage), or agents
    shared between queues). The service level is interpolated linearly between ⌊N⌋ and ⌈N⌉
    agents; at integers it equals :func:`service_level`.

    Examples
    --------
    >>> low, high = service_level([13, 14], 10.0, 180.0, 20.0)
    >>> mid = float(service_level_fractional(13.5, 10.0, 180.0, 20.0))
    >>> bool(abs(mid - (low + high) / 2) < 1e-12)
    True
    """
    agents_array, traffic, aht, threshold = _float_arrays(
        agents, traffic_erlangs, aht_seconds, answer_threshold_seconds
    )
    agents_array = np.maximum(agents_array, 0.0)
    lower = np.floor(agents_array + 1e-9)
    weight = np.clip(agents_array - lower, 0.0, 1.0)
    low_level = service_level(lower.astype(np.int64), traffic, aht, threshold)
    high_level = service_level(lower.astype(np.int64) + 1, traffic, aht, threshold)
    return (1.0 - weight) * low_level + weight * high_level
