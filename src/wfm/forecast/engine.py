"""Forecast a whole history: every queue, every open interval of the horizon.

This is the entry point the CLI, the app and the planning chain call. It validates each
queue's history, builds the grid of open intervals, chooses or builds the volume model,
forecasts offered contacts and AHT, and returns one long frame.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.data.schemas import FORECAST_COLUMNS, History
from wfm.errors import InputError
from wfm.forecast.aht import forecast_aht
from wfm.forecast.base import make_model
from wfm.forecast.calendar import forecast_grid, infer_opening_hours
from wfm.forecast.selection import select_model
from wfm.progress import ProgressCallback, no_progress
from wfm.timegrid import OpeningHours

logger = logging.getLogger(__name__)

#: Fewest calendar days of history a queue needs to be forecast [days].
MIN_HISTORY_DAYS = 14

#: Value of the ``model`` column for a queue without any volume.
ZERO_MODEL = "zero"

#: Columns of the frame :func:`forecast_history` returns.
FORECAST_RESULT_COLUMNS = (*FORECAST_COLUMNS, "model")


def forecast_history(
    history: History,
    *,
    start_date: dt.date | None = None,
    horizon_days: int = 7,
    opening_hours: OpeningHours | None = None,
    model: str = "auto",
    progress: ProgressCallback | None = None,
) -> pd.DataFrame:
    """Forecast offered contacts and AHT per open interval for every queue.

    Parameters
    ----------
    history
        Validated interval history. Only the rows before ``start_date`` are used, so a
        start inside the history gives an honest out-of-sample forecast (a backtest).
    start_date
        First local date to forecast; default the day after the last history date.
    horizon_days
        Days to forecast [days].
    opening_hours
        Opening hours for all queues, with holidays as ``closed_dates``
        (:meth:`~wfm.timegrid.OpeningHours.with_closed_dates`); default: inferred per
        queue from its last weeks of history (:func:`~wfm.forecast.calendar.infer_opening_hours`).
    model
        A name in :data:`~wfm.forecast.base.MODELS`, or ``"auto"``: per queue, the model
        with the lowest WAPE on the last 14 days of history
        (:func:`~wfm.forecast.selection.select_model`), refitted on all history.
    progress
        ``progress(fraction_done, message)``, called per queue.

    Returns
    -------
    pandas.DataFrame
        Columns ``interval_start`` (tz-aware, ``history.timezone``), ``queue``,
        ``offered`` [contacts per interval], ``aht_seconds`` [seconds; NaN when the history
        has no AHT] and ``model`` (the model used, ``"zero"`` for a queue without volume);
        one row per open interval and queue, sorted by queue then time.

    Raises
    ------
    InputError
        For an unknown model, a horizon below one day, or a queue with fewer than
        :data:`MIN_HISTORY_DAYS` days of history before ``start_date``.
    """
    if model != "auto":
        make_model(model)  # fail fast on an unknown name
    if int(horizon_days) != horizon_days or horizon_days < 1:
        raise InputError(
            "the forecast horizon must be a whole number of days, at least 1", value=horizon_days
        )
    report = progress or no_progress
    frame = history.frame
    starts = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    local_dates = starts.tz_localize(None).normalize()
    if start_date is None:
        start_date = (local_dates.max() + pd.Timedelta(days=1)).date()
    before_start = np.asarray(local_dates < pd.Timestamp(start_date))

    queues = history.queues
    pieces = []
    for number, queue in enumerate(queues):
        report(number / len(queues), f"forecasting queue {queue}")
        mask = before_start & (frame["queue"] == queue).to_numpy()
        rows = frame.loc[mask].assign(interval_start=starts[mask])
        pieces.append(
            _forecast_queue(
                rows,
                queue,
                start_date=start_date,
                horizon_days=horizon_days,
                interval_minutes=history.interval_minutes,
                timezone=history.timezone,
                opening_hours=opening_hours,
                model=model,
                source=history.source,
            )
        )
    report(1.0, "forecast done")
    if not pieces:
        return _empty_forecast(history.timezone)
    result = pd.concat(pieces, ignore_index=True)
    return result.sort_values(["queue", "interval_start"], kind="stable", ignore_index=True)


def _forecast_queue(
    rows: pd.DataFrame,
    queue: str,
    *,
    start_date: dt.date,
    horizon_days: int,
    interval_minutes: int,
    timezone: str,
    opening_hours: OpeningHours | None,
    model: str,
    source: str,
) -> pd.DataFrame:
    """Forecast one queue from its history rows (all before ``start_date``)."""
    _check_history_length(rows, queue, start_date, source)
    hours = (
        opening_hours if opening_hours is not None else infer_opening_hours(rows, interval_minutes)
    )
    grid = forecast_grid(start_date, horizon_days, interval_minutes, timezone, hours)
    y = pd.Series(
        rows["offered"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(rows["interval_start"]),
        name=queue,
    )
    if not (y.fillna(0) > 0).any():
        logger.warning("queue %s: no contacts offered in the history; forecasting zero", queue)
        name, offered = ZERO_MODEL, np.zeros(len(grid))
    else:
        name = select_model(y, interval_minutes).name if model == "auto" else model
        fitted = make_model(name).fit(y, interval_minutes)
        offered = fitted.predict(grid)
        if getattr(fitted, "fallback_reason_", None):
            # Say in the output which model really produced the numbers.
            name = f"{name} -> same_slot_average ({fitted.fallback_reason_})"
    aht_seconds = forecast_aht(rows, grid)
    logger.info(
        "queue %s: %d intervals from %s forecast with %s, %.0f contacts",
        queue,
        len(grid),
        start_date,
        name,
        offered.sum(),
    )
    return pd.DataFrame(
        {
            "interval_start": grid,
            "queue": queue,
            "offered": offered,
            "aht_seconds": aht_seconds,
            "model": name,
        },
        columns=list(FORECAST_RESULT_COLUMNS),
    )


def _check_history_length(rows: pd.DataFrame, queue: str, start_date: dt.date, source: str) -> None:
    if rows.empty:
        days = 0
    else:
        local = pd.DatetimeIndex(rows["interval_start"]).tz_localize(None)
        days = (local.max().normalize() - local.min().normalize()).days + 1
    if days < MIN_HISTORY_DAYS:
        raise InputError(
            f"queue '{queue}' has {days} days of history before {start_date}; "
            f"forecasting needs at least {MIN_HISTORY_DAYS} days",
            source=source,
            column="interval_start",
            fix=f"supply at least {MIN_HISTORY_DAYS} days of interval history for queue '{queue}', "
            "or start the forecast later",
        )


def _empty_forecast(timezone: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex([], tz=timezone),
            "queue": pd.Series([], dtype=object),
            "offered": pd.Series([], dtype=float),
            "aht_seconds": pd.Series([], dtype=float),
            "model": pd.Series([], dtype=object),
        }
    )
