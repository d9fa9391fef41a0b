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

A model is told which dates to forecast, not which of the days between them are
closed, so it cannot tell a closure ahead from a date that was simply not asked for: the
models only use the effect to clean the history. The forecast engine, which sees the
whole horizon, the centre's closed dates and the history, ranks the forecast dates
(:func:`forecast_followers`) and multiplies the followers of a closure by the learnt
effect (:mod:`wfm.forecast.after_closure`).
"""

from __future__ import annotations

import numpy as np

#: Follower ranks treated as day types (1: the first open day after a closure).
MAX_FOLLOWER_RANK = 2

#: Weeks either side of a follower whose ordinary same-weekday days are its baseline.
NEIGHBOUR_WEEKS = 3

#: Weight of the prior "no effect" in the shrunk mean of the log ratios [days].
PRIOR_DAYS = 1.0

#: Most usually-open days without data between the end of a history and the forecast
#: start that still read as a closure (a long weekend, a Christmas break) [days].
MAX_TRAILING_CLOSURE_DAYS = 3

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


def closure_followers(
    dates: np.ndarray, max_rank: int = MAX_FOLLOWER_RANK, weekmask: str | None = None
) -> np.ndarray:
    """Follower rank of each observed date: 0 ordinary, k the k-th open day after a closure.

    A closure is a usually-open weekday (:func:`usual_weekmask`) inside the span of
    ``dates`` that is not among them. Ranks above ``max_rank`` are 0.

    Parameters
    ----------
    dates
        Sorted unique observed dates (datetime64[D]).
    max_rank
        Highest rank returned.
    weekmask
        The usually open weekdays (numpy weekmask); default :func:`usual_weekmask` of
        ``dates``.

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
    mask = usual_weekmask(dates) if weekmask is None else weekmask
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


def forecast_followers(
    observed: np.ndarray,
    horizon: np.ndarray,
    horizon_open: np.ndarray,
    closed: np.ndarray | None = None,
    max_rank: int = MAX_FOLLOWER_RANK,
) -> np.ndarray:
    """Follower rank of each date of a forecast horizon (0 ordinary, k the k-th open day after a closure).

    The horizon is seen whole, after the history: a usually-open day (the
    :func:`usual_weekmask` of ``observed``) counts as closed when it is

    - inside the horizon and not open (``horizon_open`` false: closed dates, closed
      special days or closed holidays of the centre), or in ``closed``;
    - before the horizon and inside the history's span without data (a gap, as
      :func:`closure_followers` reads the history), or between the end of the history and
      the horizon when there are at most :data:`MAX_TRAILING_CLOSURE_DAYS` such days (a
      longer stretch is taken for data not yet loaded, and read as open).

    A date is only ever a follower because of a day the caller states or the history
    shows closed, never because it was not asked for: the horizon is contiguous.

    Parameters
    ----------
    observed
        Sorted unique dates (datetime64[D]) with data in the history, all before the
        horizon.
    horizon
        Every date of the horizon, consecutive (datetime64[D]).
    horizon_open
        Whether the centre is open on each horizon date.
    closed
        Dates known to be closed (config closed dates, closed special days) [datetime64[D]].
    max_rank
        Highest rank returned.

    Returns
    -------
    numpy.ndarray
        Rank per horizon date; 0 on dates that are not open.

    Examples
    --------
    >>> history = np.busday_offset("2024-01-01", np.arange(20), roll="forward")
    >>> horizon = np.arange("2024-01-29", "2024-02-03", dtype="datetime64[D]")  # Mon-Fri
    >>> forecast_followers(history, horizon, np.array([1, 0, 1, 1, 1], bool)).tolist()
    [0, 0, 1, 2, 0]
    >>> forecast_followers(history[:-1], horizon, np.ones(5, bool)).tolist()  # Fri 26th: no data
    [1, 2, 0, 0, 0]
    """
    observed = np.asarray(observed, dtype="datetime64[D]")
    horizon = np.asarray(horizon, dtype="datetime64[D]")
    horizon_open = np.asarray(horizon_open, dtype=bool)
    closed = np.asarray(() if closed is None else closed, dtype="datetime64[D]")
    if len(observed) < 2 or not len(horizon):
        return np.zeros(len(horizon), dtype=int)
    mask = usual_weekmask(observed)
    if "1" not in mask:
        return np.zeros(len(horizon), dtype=int)
    trailing = _trailing_days(observed, horizon[0], mask, closed)
    # a short trailing stretch without data is a closure; a long one is data not loaded
    assumed_open = trailing if len(trailing) > MAX_TRAILING_CLOSURE_DAYS else trailing[:0]
    timeline = np.union1d(
        np.union1d(observed, assumed_open), horizon[horizon_open & ~np.isin(horizon, closed)]
    )
    ranks = closure_followers(timeline, max_rank, weekmask=mask)
    position = np.searchsorted(timeline, horizon)
    inside = (position < len(timeline)) & (
        timeline[np.minimum(position, len(timeline) - 1)] == horizon
    )
    return np.where(inside, ranks[np.minimum(position, len(timeline) - 1)], 0)


def _trailing_days(
    observed: np.ndarray, start: np.datetime64, mask: str, closed: np.ndarray
) -> np.ndarray:
    """Usually-open dates (``mask``) after the last observed date and before ``start``
    that are not in ``closed``."""
    after_history = np.arange(observed[-1] + np.timedelta64(1, "D"), start, dtype="datetime64[D]")
    trailing = after_history[np.is_busday(after_history, weekmask=mask)]
    return trailing[~np.isin(trailing, closed)]


def trailing_closure(
    observed: np.ndarray, start: np.datetime64, closed: np.ndarray | None = None
) -> np.ndarray:
    """The usually-open dates between the end of a history and a forecast start read as
    closed: all of them when there are at most :data:`MAX_TRAILING_CLOSURE_DAYS` (a long
    weekend: the centre was shut), none when there are more (data not yet loaded). The
    rule :func:`forecast_followers` ranks the first forecast days by; the holiday effects
    read a holiday in that stretch by it too
    (:func:`~wfm.forecast.delivered.holiday_training`).

    Parameters
    ----------
    observed
        Sorted unique dates (datetime64[D]) with data in the history.
    start
        First forecast date.
    closed
        Dates known to be closed (not counted: they are closed anyway).

    Returns
    -------
    numpy.ndarray
        The dates (datetime64[D]) read as closed; empty when none.

    Examples
    --------
    >>> history = np.busday_offset("2024-01-01", np.arange(20), roll="forward")  # to Fri 26th
    >>> trailing_closure(history, np.datetime64("2024-01-30")).tolist()  # Mon 29th shut
    [datetime.date(2024, 1, 29)]
    >>> len(trailing_closure(history, np.datetime64("2024-02-06")))  # 6 days: not loaded
    0
    """
    observed = np.asarray(observed, dtype="datetime64[D]")
    closed = np.asarray(() if closed is None else closed, dtype="datetime64[D]")
    none = np.array([], dtype="datetime64[D]")
    if len(observed) < 2:
        return none
    mask = usual_weekmask(observed)
    if "1" not in mask:
        return none
    trailing = _trailing_days(observed, np.datetime64(start, "D"), mask, closed)
    return trailing if len(trailing) <= MAX_TRAILING_CLOSURE_DAYS else none
