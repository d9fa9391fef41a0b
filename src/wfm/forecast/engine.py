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
from wfm.execution import Executor
from wfm.forecast.aht import forecast_aht
from wfm.forecast.base import make_model
from wfm.forecast.calendar import forecast_grid, infer_opening_hours
from wfm.forecast.overrides import apply_overrides
from wfm.forecast.parallel import map_queues
from wfm.forecast.quantiles import (
    DEFAULT_DISPERSION,
    QUANTILE_COLUMNS,
    add_quantile_columns,
    fit_dispersion,
)
from wfm.forecast.selection import select_model
from wfm.forecast.special_days import SpecialDay, apply_special_days, training_mask
from wfm.progress import ProgressCallback, no_progress
from wfm.timegrid import OpeningHours

logger = logging.getLogger(__name__)

#: Fewest calendar days of history a queue needs to be forecast [days].
MIN_HISTORY_DAYS = 14

#: Value of the ``model`` column for a queue without any volume.
ZERO_MODEL = "zero"

#: Columns of the frame :func:`forecast_history` returns.
FORECAST_RESULT_COLUMNS = (
    *FORECAST_COLUMNS,
    "model",
    *QUANTILE_COLUMNS.values(),
    "dispersion",
    "special_day",
    "override",
    "offered_before_override",
)

#: Columns the per-queue forecast has before special days and overrides.
_MODEL_COLUMNS = FORECAST_RESULT_COLUMNS[:9]


def forecast_history(
    history: History,
    *,
    start_date: dt.date | None = None,
    horizon_days: int = 7,
    opening_hours: OpeningHours | None = None,
    model: str = "auto",
    progress: ProgressCallback | None = None,
    workers: int | None = None,
    executor: Executor | None = None,
    special_days: tuple[SpecialDay, ...] = (),
    overrides: pd.DataFrame | None = None,
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
        with the lowest rolling-origin WAPE at the horizon over the last days of history
        (:func:`~wfm.forecast.selection.select_model`), refitted on all history.
    progress
        ``progress(fraction_done, message)``, called per queue.
    workers
        Worker processes for several queues (:func:`~wfm.forecast.parallel.map_queues`:
        default 2, used only when there is enough work); 1 runs in this process. The
        result does not depend on it.
    executor
        Where the queues run (:mod:`wfm.execution`): local by default; a Dask cluster
        gives the same result.
    special_days
        :class:`~wfm.forecast.special_days.SpecialDay` ranges: history on these dates is
        left out of training; on forecast dates they close, shorten or uplift the day
        (reason in ``special_day``).
    overrides
        Planner overrides (:mod:`wfm.forecast.overrides`), applied last; the modelled
        value is kept in ``offered_before_override`` and the reason in ``override``.

    Returns
    -------
    pandas.DataFrame
        Columns ``interval_start`` (tz-aware, ``history.timezone``), ``queue``,
        ``offered`` [contacts per interval], ``aht_seconds`` [seconds; NaN when the history
        has no AHT], ``model`` (the model used, ``"zero"`` for a queue without volume),
        the prediction quantiles ``offered_p10``, ``offered_p50``, ``offered_p90``
        [contacts] and the Poisson–gamma ``dispersion`` they come from
        (:mod:`wfm.forecast.quantiles`, fitted on a backtest of the model at the
        horizon's lead); one row per open interval and queue, sorted by queue then time.

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
    if special_days:
        usable = training_mask(starts, tuple(special_days))
        logger.info(
            "special days: %d history intervals left out of training",
            int((before_start & ~usable).sum()),
        )
        before_start &= usable

    queues = history.queues
    tasks = []
    for queue in queues:
        mask = before_start & (frame["queue"] == queue).to_numpy()
        rows = frame.loc[mask].assign(interval_start=starts[mask])
        tasks.append(
            (
                rows,
                queue,
                start_date,
                horizon_days,
                history.interval_minutes,
                history.timezone,
                opening_hours,
                model,
                history.source,
            )
        )
    pieces = map_queues(
        _forecast_queue_task,
        tasks,
        labels=queues,
        workers=workers,
        executor=executor,
        rows=len(frame),
        progress=progress,
    )
    report(1.0, "forecast done")
    if not pieces:
        return _empty_forecast(history.timezone)
    result = pd.concat(pieces, ignore_index=True)
    result = apply_overrides(apply_special_days(result, tuple(special_days)), overrides)
    result = add_quantile_columns(result)  # again: special days and overrides move the mean
    return result.sort_values(["queue", "interval_start"], kind="stable", ignore_index=True)[
        list(FORECAST_RESULT_COLUMNS)
    ]


def _forecast_queue_task(
    rows, queue, start_date, horizon_days, interval_minutes, timezone, opening_hours, model, source
):
    return _forecast_queue(
        rows,
        queue,
        start_date=start_date,
        horizon_days=horizon_days,
        interval_minutes=interval_minutes,
        timezone=timezone,
        opening_hours=opening_hours,
        model=model,
        source=source,
    )


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
    dispersion = 0.0
    if not (y.fillna(0) > 0).any():
        logger.warning("queue %s: no contacts offered in the history; forecasting zero", queue)
        name, offered = ZERO_MODEL, np.zeros(len(grid))
    else:
        candidates = None if model == "auto" else [model]
        selection = select_model(
            y, interval_minutes, candidates=candidates, horizon_days=horizon_days
        )
        name = selection.name if model == "auto" else model
        dispersion = _dispersion(selection, name, queue)
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
            "dispersion": dispersion,
        },
    ).pipe(add_quantile_columns)[list(_MODEL_COLUMNS)]


def _dispersion(selection, name: str, queue: str) -> float:
    """Poisson–gamma dispersion of the chosen model from its backtest residuals."""
    detail = selection.detail
    rows = detail[detail["model"] == name] if detail is not None and not detail.empty else None
    if rows is None or rows.empty:
        logger.info(
            "queue %s: no backtest to calibrate the forecast quantiles; dispersion %.3g assumed",
            queue,
            DEFAULT_DISPERSION,
        )
        return DEFAULT_DISPERSION
    return fit_dispersion(
        rows["actual"].to_numpy(dtype=float), rows["forecast"].to_numpy(dtype=float)
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
            **{column: pd.Series([], dtype=float) for column in FORECAST_RESULT_COLUMNS[5:]},
            "special_day": pd.Series([], dtype=object),
            "override": pd.Series([], dtype=object),
        }
    )
