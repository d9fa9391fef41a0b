r"""The open days after a closure as day types: the backlog a closed day leaves.

When a centre that is usually open on a weekday is closed (a holiday, a staff day), many
of the contacts it would have had arrive on the next open days instead: on the US bank
data of Weinberg, Brown & Stroud the day after Labor Day 2003 had 32 % more calls than
the mean Tuesday, and the day after it 17 % more than the mean Wednesday. Left in the
history such days lift a recent-level estimate (a 10-day mean, an AR(1) day level) for
days or weeks after them.

This module finds the *followers* of a closure inside a history of observed open days
(:func:`closure_followers`: 1 for the first open day after a closed usual-open weekday,
2 for the second, ...) and estimates one multiplicative effect per follower rank from the
history itself (:func:`closure_effects`): each follower's total over the median total of
the ordinary days of the same weekday within :data:`NEIGHBOUR_WEEKS` weeks, the log
ratios averaged per rank and shrunk towards 0 with a prior worth :data:`PRIOR_DAYS`
days. Models divide the followers' counts by their effect before estimating levels, so
a backlog does not pass for a change of level. A history without closures gives
effects of exactly 1 (nothing changes); a gap of missing data inside the history reads
as a closure, which is what it looks like to every model.

The effect is learnt but only used to clean the history: a model is told which dates to
forecast, not which of the days between them are closed, so it cannot tell a closure
ahead from a date that was simply not asked for.
"""

from __future__ import annotations

import numpy as np

#: Follower ranks treated as day types (1: the first open day after a closure).
MAX_FOLLOWER_RANK = 2

#: Weeks either side of a follower whose ordinary same-weekday days are its baseline.
NEIGHBOUR_WEEKS = 3

#: Weight of the prior "no effect" in the shrunk mean of the log ratios [days].
PRIOR_DAYS = 1.0

#: A weekday counts as usually open when at least this share of its dates in the
#: history's span were observed.
USUAL_OPEN_SHARE = 0.5


def usual_weekmask(dates: np.ndarray) -> str:
    """numpy weekmask ("1111100") of the weekdays observed on most of their dates.

    Parameters
    ----------
    dates
        Sorted unique observed dates (datetime64[D]).

    Examples
    --------
    >>> usual_weekmask(np.arange("2024-01-01", "2024-01-29", dtype="datetime64[D]")[:26])
    '1111111'
    >>> days = np.busday_offset("2024-01-01", np.arange(20), roll="forward")
    >>> usual_weekmask(days)
    '1111100'
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    span = np.arange(dates[0], dates[-1] + np.timedelta64(1, "D"), dtype="datetime64[D]")
    weekday = (span.astype(np.int64) + 3) % 7
    seen = np.isin(span, dates)
    mask = ""
    for day in range(7):
        total = int((weekday == day).sum())
        mask += "1" if total and seen[weekday == day].sum() >= USUAL_OPEN_SHARE * total else "0"
    return mask


def closure_followers(dates: np.ndarray, max_rank: int = MAX_FOLLOWER_RANK) -> np.ndarray:
    """Follower rank of each observed date: 0 ordinary, k the k-th open day after a closure.

    A closure is a usually-open weekday (:func:`usual_weekmask`) inside the span of
    ``dates`` that is not among them. Ranks above ``max_rank`` are 0.

    Parameters
    ----------
    dates
        Sorted unique observed dates (datetime64[D]).
    max_rank
        Highest rank returned.

    Examples
    --------
    >>> days = np.busday_offset("2024-01-01", np.arange(20), roll="forward")
    >>> closure_followers(np.delete(days, 7)).tolist()[5:10]
    [0, 0, 1, 2, 0]
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    ranks = np.zeros(len(dates), dtype=int)
    if len(dates) < 2:
        return ranks
    mask = usual_weekmask(dates)
    if "1" not in mask:
        return ranks
    # busday_offset needs a date on the mask: roll each date back onto one first.
    on_mask = np.busday_offset(dates, 0, roll="backward", weekmask=mask)
    previous = np.busday_offset(on_mask, -1, roll="backward", weekmask=mask)
    previous = np.where(on_mask < dates, on_mask, previous)
    closed = (previous >= dates[0]) & ~np.isin(previous, dates)
    ranks[closed] = 1
    for rank in range(2, int(max_rank) + 1):
        position = np.searchsorted(dates, previous)
        inside = (position < len(dates)) & (previous >= dates[0])
        earlier = np.where(inside, ranks[np.minimum(position, len(dates) - 1)], 0)
        found = inside & (dates[np.minimum(position, len(dates) - 1)] == previous)
        ranks[(ranks == 0) & found & (earlier == rank - 1)] = rank
    return ranks


def closure_effects(
    dates: np.ndarray, totals: np.ndarray, max_rank: int = MAX_FOLLOWER_RANK
) -> tuple[np.ndarray, np.ndarray]:
    r"""Multiplicative effect of each follower rank, and each date's effect.

    For a follower :math:`d` of rank :math:`k`, :math:`r_d = \log(Y_d / \tilde Y_d)` with
    :math:`\tilde Y_d` the median total of the rank-0 days of the same weekday within
    :data:`NEIGHBOUR_WEEKS` weeks (before or after); the effect of rank :math:`k` is
    :math:`\exp\bigl(\sum_d r_d / (n_k + c)\bigr)`, :math:`c` = :data:`PRIOR_DAYS`.

    Parameters
    ----------
    dates
        Sorted unique observed dates (datetime64[D]).
    totals
        Total contacts of each date [contacts], positive.
    max_rank
        Highest follower rank estimated.

    Returns
    -------
    by_rank : numpy.ndarray
        ``max_rank + 1`` effects (entry 0 is 1).
    by_date : numpy.ndarray
        The effect of each date's rank (1 for ordinary days).

    Examples
    --------
    >>> days = np.busday_offset("2024-01-01", np.arange(40), roll="forward")
    >>> totals = np.full(40, 100.0)
    >>> totals[8] = 150.0  # the day after the closed day 7
    >>> by_rank, by_date = closure_effects(np.delete(days, 7), np.delete(totals, 7))
    >>> round(float(by_rank[1]), 3), round(float(by_date[7]), 3)  # exp(log 1.5 / 2)
    (1.225, 1.225)
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    totals = np.asarray(totals, dtype=float)
    ranks = closure_followers(dates, max_rank)
    by_rank = np.ones(int(max_rank) + 1)
    if not ranks.any():
        return by_rank, np.ones(len(dates))
    weekday = (dates.astype(np.int64) + 3) % 7
    ordinary = (ranks == 0) & (totals > 0)
    window = np.timedelta64(7 * NEIGHBOUR_WEEKS, "D")
    logs: dict[int, list[float]] = {}
    for i in np.flatnonzero(ranks):
        near = ordinary & (weekday == weekday[i]) & (np.abs(dates - dates[i]) <= window)
        if near.any() and totals[i] > 0:
            logs.setdefault(int(ranks[i]), []).append(
                float(np.log(totals[i] / np.median(totals[near])))
            )
    for rank, values in logs.items():
        by_rank[rank] = float(np.exp(np.sum(values) / (len(values) + PRIOR_DAYS)))
    return by_rank, by_rank[ranks]
