"""The forecast calendar: when the centre is open, and which intervals to forecast.

Closed intervals are outside opening hours, not zero demand: the forecast grid holds open
intervals only. Opening hours come from the centre file or, by default, from the history.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.forecast.slots import DAYS_PER_WEEK, wall_clock, weekday_of
from wfm.timegrid import WEEKDAYS, OpeningHours, check_interval_minutes, format_clock, interval_grid

logger = logging.getLogger(__name__)


def infer_opening_hours(
    history_frame: pd.DataFrame, interval_minutes: int, lookback_weeks: int = 8
) -> OpeningHours:
    """Opening hours per weekday as seen in the last weeks of the history.

    For each weekday, the centre is taken to be open from the start of the first interval
    to the end of the last interval with any offered volume in the last
    ``lookback_weeks`` weeks (local time). Weekdays without volume in that window are
    closed. A history without any volume falls back to the intervals present in it.

    Parameters
    ----------
    history_frame
        Rows with ``interval_start`` (tz-aware, in the centre's time zone) and ``offered``;
        usually one queue of :attr:`wfm.data.schemas.History.frame`. Not modified.
    interval_minutes
        Interval length [minutes].
    lookback_weeks
        Weeks before the last history date that are looked at [weeks].

    Returns
    -------
    OpeningHours
        Hours per weekday, no closed dates.

    Notes
    -----
    Overnight opening (e.g. 20:00–02:00) is seen per calendar day, so it gives the span
    00:00–24:00 on the days concerned: a superset of the real hours. Pass explicit hours
    for such centres.

    Examples
    --------
    >>> import pandas as pd
    >>> starts = pd.date_range("2024-01-01 08:00", "2024-01-01 17:45", freq="15min", tz="Europe/London")
    >>> hours = infer_opening_hours(pd.DataFrame({"interval_start": starts, "offered": 1}), 15)
    >>> hours.minutes_by_weekday
    {0: (480, 1080)}
    """
    check_interval_minutes(interval_minutes)
    if history_frame.empty:
        raise InputError(
            "cannot infer opening hours from an empty history",
            fix="supply interval history or explicit opening hours",
        )
    starts = pd.DatetimeIndex(history_frame["interval_start"])
    # Only the last weeks are looked at: the rows within them (plus two days for any UTC
    # offset) are taken before the wall-clock arrays are built, which on a whole large
    # history would be several temporaries the size of a column each (issue 15).
    window = starts >= starts.max() - pd.Timedelta(days=lookback_weeks * DAYS_PER_WEEK + 2)
    dates, minutes = wall_clock(starts[window])
    offered = history_frame["offered"].to_numpy(dtype=float)[window]
    del starts
    recent = dates > dates.max() - np.timedelta64(lookback_weeks * DAYS_PER_WEEK, "D")
    busy = recent & (offered > 0)
    if not busy.any():
        busy = recent
    weekdays = weekday_of(dates[busy])
    spans = (
        pd.DataFrame({"weekday": weekdays, "minute": minutes[busy]})
        .groupby("weekday")["minute"]
        .agg(["min", "max"])
    )
    hours = {
        int(day): (int(row["min"]), int(row["max"]) + interval_minutes)
        for day, row in spans.iterrows()
    }
    logger.debug(
        "inferred opening hours: %s",
        ", ".join(
            f"{WEEKDAYS[day]} {format_clock(start)}-{format_clock(end)}"
            for day, (start, end) in hours.items()
        ),
    )
    return OpeningHours(minutes_by_weekday=hours)


def start_after_history(
    history: History, opening_hours=None
) -> tuple[dt.date, pd.Timestamp | None]:
    """Where a forecast that continues the history starts: right after its last interval.

    Returns the first local date to forecast and, when the history ends before that day's
    closing time (``opening_hours``, else as inferred from the history), the last history
    interval start: the forecast rows up to it are already history and are left out.
    Otherwise the forecast starts the next day (``None``).
    """
    last = history.frame["interval_start"].max().tz_convert(history.timezone)
    hours = opening_hours or infer_opening_hours(history.frame, history.interval_minutes)
    day = last.date()
    span = hours.minutes_by_weekday.get(last.weekday())
    if span is None:
        return day + dt.timedelta(days=1), None
    open_minute, close_minute = span
    close = close_minute if close_minute > open_minute else close_minute + 24 * 60
    last_end = last.hour * 60 + last.minute + history.interval_minutes
    if last_end >= close:
        return day + dt.timedelta(days=1), None
    return day, last


def forecast_grid(
    start_date: dt.date,
    horizon_days: int,
    interval_minutes: int,
    timezone: str,
    opening_hours: OpeningHours,
) -> pd.DatetimeIndex:
    """Starts of the open intervals to forecast, in local time.

    Parameters
    ----------
    start_date
        First local date of the horizon.
    horizon_days
        Number of local days [days], at least 1.
    interval_minutes
        Interval length [minutes].
    timezone
        IANA time zone of the centre.
    opening_hours
        Opening hours, including holiday ``closed_dates``.

    Returns
    -------
    pandas.DatetimeIndex
        Tz-aware (``timezone``) starts of every interval that is open for its whole length.
        Built on :func:`wfm.timegrid.interval_grid`, so a daylight-saving day has 23 or 25
        hours of intervals.

    Examples
    --------
    >>> import datetime as dt
    >>> hours = OpeningHours.always_open()
    >>> len(forecast_grid(dt.date(2024, 3, 31), 1, 15, "Europe/London", hours))
    92
    """
    if int(horizon_days) != horizon_days or horizon_days < 1:
        raise InputError(
            "the forecast horizon must be a whole number of days, at least 1", value=horizon_days
        )
    grid = interval_grid(start_date, int(horizon_days), interval_minutes, timezone)
    return grid[opening_hours.is_open(grid, interval_minutes)]
