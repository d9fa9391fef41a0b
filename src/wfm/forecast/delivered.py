"""What the forecast engine does to a model's forecast of ordinary days before delivering it.

A model forecasts every date as an ordinary day. The engine
(:func:`~wfm.forecast.engine.forecast_history`) then multiplies a holiday day type by its
effect learnt from the queue's history (:mod:`wfm.forecast.holiday_effects`: 0 on a
holiday the history shows closed), the open days after a closure by the backlog they
carry (:mod:`wfm.forecast.after_closure`), and forecasts 0 on the dates the centre states
closed. A day that is both (the day after a closed holiday) takes the holiday effect
alone: its learnt day-after effect already holds that holiday's backlog, measured against
ordinary days, so the backlog after a closure is not multiplied on top; the follower ranks
still count it (the day after it is the second open day after the closure). The backtests (:func:`~wfm.forecast.backtest.backtest_origins`: ``auto``'s choice
and the ``wfm backtest`` leaderboard) call the same functions at each origin, so they
score the forecast that is delivered.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.forecast.after_closure import ClosureCalendar, after_closure_factors
from wfm.forecast.closures import trailing_closure
from wfm.forecast.holiday_effects import (
    HolidayCalendar,
    HolidayEffect,
    borrow_effect,
    complete_effects,
    holiday_dates_mask,
    holiday_factors,
    learn_holiday_effects,
)
from wfm.forecast.slots import wall_clock

#: Label of an interval on a date the centre states closed.
STATED_CLOSED_LABEL = "closed (stated)"


def holiday_training(
    y: pd.Series,
    holidays: HolidayCalendar | None,
    *,
    start: np.datetime64 | None = None,
    closed: np.ndarray | None = None,
) -> tuple[pd.Series, dict[str, HolidayEffect]]:
    """``(train, effects)``: the history the models learn from and the holiday effects.

    With a holiday calendar the effects are learnt from all of ``y`` (the minutes of the
    day an effect's past days never had completed from the effects it would borrow:
    :func:`~wfm.forecast.holiday_effects.complete_effects`) and the holidays, their eves
    and days after are left out of ``train`` (unless nothing with volume would be left);
    without one ``train`` is ``y`` and there are no effects.

    ``start`` (the first forecast date) and ``closed`` (the centre's stated closed dates):
    the days between the end of ``y`` and ``start`` that the forecast reads as a closure
    (:func:`~wfm.forecast.closures.trailing_closure`, as the backlog after a closure reads
    them, or stated closed) are closed days of the history: a holiday among them (Labor
    Day, when the history ends the Friday before and the forecast starts on Tuesday) is
    learnt closed, so that the first forecast day is the day after a *closed* holiday and
    borrows the day-after effect of the holidays the centre closed on
    (:func:`~wfm.forecast.holiday_effects.borrow_effect`).
    """
    if holidays is None or not holidays.names:
        return y, {}
    effects = complete_effects(
        learn_holiday_effects(y, holidays, closed_after=closed_before_start(y, start, closed))
    )
    train = y[~holiday_dates_mask(pd.DatetimeIndex(y.index), holidays)]
    if not (train.fillna(0) > 0).any():
        train = y
    return train, effects


def closed_before_start(
    y: pd.Series, start: np.datetime64 | None, closed: np.ndarray | None = None
) -> np.ndarray:
    """The dates after the last date of ``y`` with contacts and before ``start`` read as
    closed: :func:`~wfm.forecast.closures.trailing_closure` and the stated ``closed`` dates
    among them; empty without ``start``."""
    none = np.array([], dtype="datetime64[D]")
    if start is None or not len(y):
        return none
    dates, _ = wall_clock(pd.DatetimeIndex(y.index))
    observed = np.unique(dates[np.nan_to_num(y.to_numpy(dtype=float)) > 0])
    if not len(observed):
        return none
    start = np.datetime64(start, "D")
    stated = np.asarray(() if closed is None else closed, dtype="datetime64[D]")
    stated = stated[(stated > observed[-1]) & (stated < start)]
    return np.union1d(trailing_closure(observed, start, stated), stated)


def dates_left_out(y: pd.Series, train: pd.Series) -> np.ndarray:
    """Dates with data in ``y`` that ``train`` leaves out (holidays): open, not closures."""
    if len(train) == len(y):
        return np.array([], dtype="datetime64[D]")
    dates, _ = wall_clock(pd.DatetimeIndex(y.index))
    kept, _ = wall_clock(pd.DatetimeIndex(train.index))
    return np.setdiff1d(dates[np.nan_to_num(y.to_numpy(dtype=float)) > 0], kept)


def closed_holiday_dates(
    dates: np.ndarray,
    holidays: HolidayCalendar,
    effects: Mapping[str, HolidayEffect],
    minutes: np.ndarray,
    queue: str = "?",
) -> np.ndarray:
    """The ``dates`` (datetime64[D]) whose holiday day type is forecast closed: its
    multiplier is 0 at every minute of the day in ``minutes`` [minutes after midnight]."""
    dates = np.asarray(dates, dtype="datetime64[D]")
    types = holidays.day_types(dates)
    shut = np.zeros(len(dates), dtype=bool)
    for key in pd.unique(types[types != ""]):
        effect = effects.get(key) or borrow_effect(key, effects, queue, warn=False)
        ratios = effect.ratios(np.asarray(minutes, dtype=np.int64))
        shut[types == key] = len(ratios) > 0 and float(np.max(ratios)) <= 0
    return dates[shut]


def delivered_factors(
    y: pd.Series,
    grid: pd.DatetimeIndex,
    horizon: np.ndarray,
    closures: ClosureCalendar,
    *,
    holidays: HolidayCalendar | None = None,
    effects: Mapping[str, HolidayEffect] | None = None,
    queue: str = "?",
    backtest: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Multiplier and label per grid interval of a model's forecast (1 and ``""`` on
    ordinary days).

    Parameters
    ----------
    y
        The queue's history before the horizon [contacts per interval], tz-aware local
        index, holidays included.
    grid
        Tz-aware local starts of the intervals forecast.
    horizon
        Every date of the horizon, consecutive (datetime64[D]).
    closures
        The centre's stated closed dates and dates known open.
    holidays, effects
        Holiday calendar and the effects learnt from ``y`` (:func:`holiday_training`);
        none by default.
    queue
        Queue name for messages.
    backtest
        ``False`` (the engine): the grid holds every open interval of the horizon, so a
        date is open when it has grid intervals not closed by a holiday. ``True`` (a
        backtest, whose grid is the intervals *with data*): every horizon date is open
        but the stated closed dates and the closed holidays, as the forecast made at the
        origin would have it (it could not know of a day without data ahead).

    Returns
    -------
    factor : numpy.ndarray
        The holiday effect on a holiday day type (its label ``"holiday <day type>: ..."``),
        else the backlog after a closure (``"after closure <rank>: ..."``); 0 on a stated
        closed date (:data:`STATED_CLOSED_LABEL`).
    label : numpy.ndarray of str
    """
    factor = np.ones(len(grid))
    label = np.full(len(grid), "", dtype=object)
    grid_dates, minutes = wall_clock(grid)
    holiday_day = np.zeros(len(grid), dtype=bool)
    closed_in_grid = np.zeros(len(grid), dtype=bool)
    horizon_open = ~np.isin(horizon, closures.closed) if backtest else None
    if holidays is not None and holidays.names:
        effects = {} if effects is None else effects
        holiday_factor, holiday_label = holiday_factors(grid, holidays, effects, queue)
        holiday_day = holiday_label != ""
        factor[holiday_day] = holiday_factor[holiday_day]
        label[holiday_day] = [f"holiday {text}" for text in holiday_label[holiday_day]]
        closed_in_grid = (
            pd.Series(holiday_factor).groupby(grid_dates).transform("max").to_numpy() <= 0
        )
        if backtest:
            _, seen = wall_clock(pd.DatetimeIndex(y.index))
            shut = closed_holiday_dates(
                horizon, holidays, effects, np.union1d(seen, minutes), queue
            )
            horizon_open &= ~np.isin(horizon, shut)
    backlog, backlog_label = after_closure_factors(
        y, grid, horizon, closures, closed_in_grid=closed_in_grid, horizon_open=horizon_open
    )
    # holiday day types keep their own learnt effect and are not multiplied again
    after = (backlog_label != "") & ~holiday_day
    factor[after] = backlog[after]
    label[after] = backlog_label[after]
    stated = np.isin(grid_dates, closures.closed)
    factor[stated] = 0.0
    label[stated] = STATED_CLOSED_LABEL
    return factor, label
