"""The backlog after a closure on forecast dates: one multiplier per follower rank.

The models learn the backlog the first open days after a closure carry
(:func:`~wfm.forecast.closures.closure_effects`) but forecast every date as an ordinary
day: a model is asked for some dates and cannot tell a closure between them from a date
that was not asked for. The forecast engine sees the whole horizon, the history before
it and the centre's closed dates, so it ranks the forecast dates
(:func:`~wfm.forecast.closures.forecast_followers`) and multiplies the open days after a
closure by the effect learnt from the queue's own history, after whichever model made
them. A history without closures learns effects of exactly 1 and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.forecast.closures import closure_effects, forecast_followers
from wfm.forecast.slots import slot_table, wall_clock
from wfm.forecast.topdown import observed_days


def _no_dates() -> np.ndarray:
    return np.array([], dtype="datetime64[D]")


@dataclass(frozen=True)
class ClosureCalendar:
    """What the centre states about its days, beyond what the history's data shows.

    The forecast and the backtests the model choice scores (:func:`~wfm.forecast.backtest.backtest_origins`)
    read closures from the same calendar, so the choice scores the forecasts that are
    delivered.

    Parameters
    ----------
    closed
        Dates the centre is known to be closed: closed dates of the opening hours,
        closed special days [datetime64[D]].
    open_dates
        Dates known to have been open although the series handed to the models has no
        data on them: outlier special days, holidays left out of training [datetime64[D]].
    """

    closed: np.ndarray = field(default_factory=_no_dates)
    open_dates: np.ndarray = field(default_factory=_no_dates)

    def __post_init__(self) -> None:
        for name in ("closed", "open_dates"):
            dates = np.unique(np.asarray(getattr(self, name), dtype="datetime64[D]"))
            dates.setflags(write=False)
            object.__setattr__(self, name, dates)

    @classmethod
    def from_settings(
        cls,
        closed_dates: Iterable[dt.date] = (),
        special_days: Iterable = (),
        open_dates: Iterable = (),
    ) -> ClosureCalendar:
        """The calendar of closed dates (opening hours), special days
        (:class:`~wfm.forecast.special_days.SpecialDay`: ``closed`` ones close, the others
        were open) and other dates known open."""
        closed = [np.datetime64(day, "D") for day in closed_dates]
        opened = list(np.asarray(list(open_dates), dtype="datetime64[D]"))
        for special in special_days:
            span = np.arange(
                np.datetime64(special.start_date, "D"),
                np.datetime64(special.end_date, "D") + np.timedelta64(1, "D"),
            )
            (closed if special.kind == "closed" else opened).extend(span)
        return cls(np.array(closed, dtype="datetime64[D]"), np.array(opened, dtype="datetime64[D]"))


#: A calendar that states nothing: closures are read from the history's gaps alone.
NO_STATED_CLOSURES = ClosureCalendar()


def after_closure_factors(
    y: pd.Series,
    grid: pd.DatetimeIndex,
    horizon: np.ndarray,
    calendar: ClosureCalendar | None = None,
    *,
    closed_in_grid: np.ndarray | None = None,
    horizon_open: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Backlog multiplier and label per grid interval (1 and ``""`` on ordinary days).

    Parameters
    ----------
    y
        The queue's history [contacts per interval], tz-aware local index, all before the
        horizon.
    grid
        Tz-aware local starts of the open intervals to forecast.
    horizon
        Every date of the horizon, consecutive (datetime64[D]).
    calendar
        Closed dates and dates known open without data in ``y``; default none.
    closed_in_grid
        Per grid interval: closed although in the grid (e.g. a closed holiday, factor 0).
    horizon_open
        Per horizon date: open. Default: the dates of the grid's intervals that are not
        ``closed_in_grid``. A backtest, whose grid is the intervals with data, says
        instead every date is open but the calendar's closed ones, as the forecast made at
        its origin would have (it could not know of a day without data ahead).

    Returns
    -------
    factor : numpy.ndarray
        Multiplier per grid interval, the learnt effect of the date's follower rank.
    label : numpy.ndarray of str
        ``"after closure <rank>: x<effect>"`` where the factor is not 1, else ``""``.
    """
    factor = np.ones(len(grid))
    label = np.full(len(grid), "", dtype=object)
    days = observed_days(slot_table(y)) if len(y) else pd.DataFrame()
    if len(days) < 2 or not len(grid):
        return factor, label
    dates = days.index.to_numpy().astype("datetime64[D]")
    by_rank, _ = closure_effects(dates, days.sum(axis=1).to_numpy(dtype=float))
    if np.all(by_rank == 1.0):
        return factor, label
    grid_dates, _ = wall_clock(grid)
    shut = np.zeros(len(grid), dtype=bool) if closed_in_grid is None else closed_in_grid
    open_on = (
        np.isin(horizon, grid_dates[~shut])
        if horizon_open is None
        else np.asarray(horizon_open, dtype=bool)
    )
    # every date with contacts was open, complete or not (observed_days keeps full days)
    history_dates, _ = wall_clock(pd.DatetimeIndex(y.index))
    with_data = np.unique(history_dates[np.nan_to_num(y.to_numpy(dtype=float)) > 0])
    calendar = ClosureCalendar() if calendar is None else calendar
    observed = np.union1d(with_data, calendar.open_dates)
    observed = observed[observed < horizon[0]]
    ranks = forecast_followers(observed, horizon, open_on, calendar.closed)
    rank = ranks[np.searchsorted(horizon, grid_dates)]
    for k in np.unique(rank[rank > 0]):
        if by_rank[k] != 1.0:
            rows = rank == k
            factor[rows] = by_rank[k]
            label[rows] = f"after closure {k}: x{by_rank[k]:.3f}"
    return factor, label
