"""Slots: the local weekday × time-of-day cells that intraday seasonality lives in.

A contact centre's demand repeats by local wall-clock time: Monday 09:00 looks like last
Monday 09:00, whatever the UTC offset. The helpers here turn a series of interval counts
indexed by tz-aware interval starts into a *slot table* — one row per local calendar date,
one column per minute of the local day — and read values back for arbitrary future
interval starts. They are the shared layer under every forecaster in this package.

On the autumn daylight-saving day one wall-clock hour occurs twice; its two intervals
share a cell of the table (the mean of both is stored) and both get the same forecast. On
the spring day one hour does not exist, so it has no cells to read.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from wfm.timegrid import DAYS_PER_WEEK


def wall_clock(index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Local calendar date and minute of the day of each interval start.

    Parameters
    ----------
    index
        Tz-aware interval starts, already in the centre's time zone.

    Returns
    -------
    dates : numpy.ndarray of datetime64[D]
        Local calendar date of each interval start.
    minutes : numpy.ndarray of int64
        Minutes after local midnight [minutes], 0..1439.
    """
    local = pd.DatetimeIndex(index).tz_localize(None)  # wall-clock time, offset dropped
    dates = local.to_numpy().astype("datetime64[D]")
    minutes = (local.hour * 60 + local.minute).to_numpy().astype(np.int64)
    return dates, minutes


def weekday_of(dates: np.ndarray) -> np.ndarray:
    """Weekday index 0 (Monday) .. 6 (Sunday) of datetime64[D] dates."""
    # 1970-01-01 was a Thursday (index 3).
    return (dates.astype(np.int64) + 3) % DAYS_PER_WEEK


#: Slot tables kept by :func:`slot_table` (content hash → table); a backtest fits several
#: models on the same training history, and each would rebuild the same table.
_TABLE_CACHE: dict[bytes, pd.DataFrame] = {}

#: Tables kept in the cache.
_TABLE_CACHE_SIZE = 8


def slot_table(y: pd.Series) -> pd.DataFrame:
    """Counts per local date (rows) and minute of the day (columns).

    Parameters
    ----------
    y
        Counts per interval [contacts], indexed by tz-aware local interval start.

    Returns
    -------
    pandas.DataFrame
        Index: every calendar date from the first to the last date of ``y`` (a
        ``DatetimeIndex`` at daily frequency, naive local dates), so that missing days
        are rows of NaN; columns: the minutes after midnight seen in ``y``; values: the
        count, NaN where the interval is absent from ``y``. A fresh copy: the last few
        tables are cached by content, since every model fitted on the same history in a
        backtest asks for the same table.
    """
    values = y.to_numpy(dtype=float)
    index = pd.DatetimeIndex(y.index)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(values.tobytes())
    digest.update(index.asi8.tobytes())
    digest.update(str(index.tz).encode())
    key = digest.digest()
    cached = _TABLE_CACHE.get(key)
    if cached is not None:
        return cached.copy()
    table = _build_slot_table(values, index)
    if len(_TABLE_CACHE) >= _TABLE_CACHE_SIZE:
        _TABLE_CACHE.pop(next(iter(_TABLE_CACHE)))
    _TABLE_CACHE[key] = table
    return table.copy()


def _build_slot_table(values: np.ndarray, index: pd.DatetimeIndex) -> pd.DataFrame:
    keep = np.isfinite(values)
    dates, minutes = wall_clock(index[keep])
    long = pd.DataFrame({"date": dates, "minute": minutes, "value": values[keep]})
    table = long.groupby(["date", "minute"])["value"].mean().unstack("minute")
    if table.empty:
        return table
    every_day = pd.date_range(table.index.min(), table.index.max(), freq="D")
    return table.reindex(every_day).sort_index(axis=1)


def trailing_slot_mean(table: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Mean of the last ``weeks`` observations of each weekday-and-minute slot, as of each date.

    For date *d* and minute *m*, the value is the mean of the ``weeks`` most recent
    observations of weekday(*d*) at minute *m* on or before *d*; days on which the slot is
    missing (holidays, gaps) are skipped rather than counted, so a holiday does not
    shorten the window. NaN where the slot has never been observed up to *d*.

    Parameters
    ----------
    table
        A :func:`slot_table`.
    weeks
        Number of observations averaged (1 gives the latest observation).

    Returns
    -------
    pandas.DataFrame
        Same shape, index and columns as ``table``.

    Notes
    -----
    This is the "historical average" of Taylor (2008): the forecast of a slot is the mean
    of the same slot in recent weeks.

    References
    ----------
    .. [1] J. W. Taylor (2008), "A comparison of univariate time series methods for
       forecasting intraday arrivals at a call center", Management Science 54(2), 253–265.
    """
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    values = table.to_numpy(dtype=float)
    result = np.full_like(values, np.nan)
    weekdays = table.index.day_of_week.to_numpy()
    for weekday in range(DAYS_PER_WEEK):
        rows = np.flatnonzero(weekdays == weekday)
        if len(rows):
            result[rows] = _trailing_mean_of_valid(values[rows], weeks)
    return pd.DataFrame(result, index=table.index, columns=table.columns)


def _trailing_mean_of_valid(values: np.ndarray, count: int) -> np.ndarray:
    """Per column, the mean of the last ``count`` non-NaN values at or above each row."""
    valid = np.isfinite(values)
    seen = np.cumsum(valid, axis=0)  # valid values up to and including each row
    if count == 1:  # the latest value, copied exactly
        latest_row = np.maximum.accumulate(
            np.where(valid, np.arange(len(values))[:, None], -1), axis=0
        )
        columns = np.broadcast_to(np.arange(values.shape[1]), values.shape)
        return np.where(latest_row >= 0, values[np.maximum(latest_row, 0), columns], np.nan)
    running = np.cumsum(np.where(valid, values, 0.0), axis=0)
    # running_by_seen[k, c]: the sum of the first k valid values of column c.
    running_by_seen = np.zeros((len(values) + 1, values.shape[1]))
    columns = np.broadcast_to(np.arange(values.shape[1]), values.shape)
    running_by_seen[seen, columns] = running
    dropped = np.take_along_axis(running_by_seen, np.maximum(seen - count, 0), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(seen > 0, (running - dropped) / np.minimum(seen, count), np.nan)


def same_weekday_source(dates: np.ndarray, last_date: np.datetime64) -> np.ndarray:
    """The date whose slot values forecast each target date: same weekday, one week back.

    For a target date *d* the source is *d* − 7 days when that is inside the history,
    else the latest date on or before ``last_date`` with the same weekday, so that a
    horizon beyond one week repeats the latest week.

    Parameters
    ----------
    dates
        Target local dates (datetime64[D]).
    last_date
        Last local date of the history (datetime64[D]).
    """
    days_past_end = (dates - last_date).astype(np.int64)
    weeks_back = np.maximum(1, -(-days_past_end // DAYS_PER_WEEK))  # ceil, at least one week
    return dates - (weeks_back * DAYS_PER_WEEK).astype("timedelta64[D]")


def lookup(table: pd.DataFrame, dates: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Values of ``table`` at (date, minute) pairs; NaN where the cell does not exist."""
    out = np.full(len(dates), np.nan)
    if table.empty or len(dates) == 0:
        return out
    first = table.index[0].to_datetime64().astype("datetime64[D]")
    rows = (dates - first).astype(np.int64)
    cols = table.columns.get_indexer(minutes)
    ok = (rows >= 0) & (rows < len(table)) & (cols >= 0)
    out[ok] = table.to_numpy(dtype=float)[rows[ok], cols[ok]]
    return out


def fill_from_coarser(
    values: np.ndarray, minutes: np.ndarray, table: pd.DataFrame, weeks: int = 8
) -> np.ndarray:
    """Fill NaN forecasts from coarser slots: same minute on any weekday, then the overall mean.

    Used for slots a model has never seen (new opening hours, a weekday with no history).
    Means are taken over the last ``weeks`` weeks of ``table``; 0 when nothing is known.

    Parameters
    ----------
    values
        Forecasts [contacts per interval], NaN where the model had nothing to say.
    minutes
        Minute of the day of each forecast.
    table
        The :func:`slot_table` the model was fitted on.
    weeks
        Look-back for the means [weeks].
    """
    values = np.array(values, dtype=float)
    missing = ~np.isfinite(values)
    if not missing.any():
        return values
    recent = table.iloc[-weeks * DAYS_PER_WEEK :] if not table.empty else table
    by_minute = recent.mean(axis=0)  # NaN-skipping mean per minute of day
    overall = float(np.nanmean(recent.to_numpy(dtype=float))) if recent.notna().any().any() else 0.0
    filled = np.array(by_minute.reindex(minutes[missing]), dtype=float)  # a writable copy
    filled[~np.isfinite(filled)] = overall if np.isfinite(overall) else 0.0
    values[missing] = filled
    return values
