"""Forecast a whole history: every queue, every open interval of the horizon.

This is the entry point the CLI, the app and the planning chain call. It validates each
queue's history, builds the grid of open intervals, chooses or builds the volume model,
forecasts offered contacts and AHT, and returns one long frame.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from wfm.data.free_memory import release_free_memory
from wfm.data.schemas import FORECAST_COLUMNS, History
from wfm.errors import InputError
from wfm.execution import Executor
from wfm.forecast.after_closure import NO_STATED_CLOSURES, ClosureCalendar
from wfm.forecast.aht import forecast_aht
from wfm.forecast.base import make_model
from wfm.forecast.calendar import forecast_grid, infer_opening_hours
from wfm.forecast.calendar_record import HOLIDAYS_COLUMN, calendar_record
from wfm.forecast.delivered import dates_left_out, delivered_factors, holiday_training
from wfm.forecast.holiday_effects import HolidayCalendar, borrow_effect
from wfm.forecast.intraday_update import update_rest_of_day_state
from wfm.forecast.overrides import apply_overrides
from wfm.forecast.parallel import LazyTasks, map_queues, one_blas_thread
from wfm.forecast.quantiles import (
    DEFAULT_DISPERSION,
    QUANTILE_COLUMNS,
    add_quantile_columns,
    dispersion_by_lead,
)
from wfm.forecast.selection import select_model
from wfm.forecast.slots import wall_clock
from wfm.forecast.special_days import SpecialDay, apply_special_days, training_mask
from wfm.forecast.update_priors import prior_from_selection
from wfm.limits import MAX_HORIZON_DAYS
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
    HOLIDAYS_COLUMN,
)

#: What each queue's forecast tells beside its rows, as records in the result's ``attrs``
#: (see :func:`forecast_history`).
REPORT_ATTRS = ("model_choice", "holiday_effects", "intraday_update")

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
    as_of: pd.Timestamp | dt.datetime | None = None,
    holidays: HolidayCalendar | None = None,
    on_queue: Callable[[int, pd.DataFrame], None] | None = None,
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
    as_of
        Intraday update time (local wall clock if naive): the forecast starts on its
        date, the models learn from the days before it, and the rest of that day (the
        intervals starting at or after ``as_of``) is re-forecast from the arrivals so
        far by a shrunk update of the day level and of a fading recent deviation
        (:func:`~wfm.forecast.intraday_update.update_rest_of_day_state`); the ``model``
        column of those rows names the update and its factor over the rest of the day.
    holidays
        Holiday calendar (:class:`~wfm.forecast.holiday_effects.HolidayCalendar`, e.g.
        from a country): holidays, their eves and the days after are day types whose
        effect per minute of the day is learned from the queue's history
        (:mod:`wfm.forecast.holiday_effects`); they are left out of model training, and
        on forecast dates the ordinary-day forecast is multiplied by the effect (closed,
        i.e. 0, only where the history shows the centre closed). The ``model`` column
        names the day type, its ratio and where the effect comes from. Special days and
        overrides still apply on top.
    on_queue
        ``on_queue(number, frame)`` receives each queue's finished forecast as soon as it
        arrives (``number``: the queue's place in the sorted queue names, the order one call
        returns them in), so a caller can write it away rather than hold every queue; the
        frame returned is then empty, with ``attrs["model_choice"]``. With ``overrides``
        (checked against all queues at once) the queues are handed over at the end.

    Returns
    -------
    pandas.DataFrame
        Columns ``interval_start`` (tz-aware, ``history.timezone``), ``queue``,
        ``offered`` [contacts per interval], ``aht_seconds`` [seconds; NaN when the history
        has no AHT], ``model`` (the model used, ``"zero"`` for a queue without volume),
        the prediction quantiles ``offered_p10``, ``offered_p50``, ``offered_p90``
        [contacts] and the Poisson–gamma ``dispersion`` they come from
        (:mod:`wfm.forecast.quantiles`, fitted on a backtest of the model at the
        horizon's lead), and ``holidays``, the calendar it learned holiday effects with
        (:func:`~wfm.forecast.calendar_record.calendar_record`: ``US``, ``GB-ENG``, ``none``;
        the day's intraday prior learns with it); one row per open interval and queue,
        sorted by queue then time.
        ``attrs["model_choice"]`` holds the leaderboard of the model choice per queue and
        lead band as records (``pd.DataFrame(result.attrs["model_choice"])``, columns
        :data:`~wfm.forecast.selection.SELECTION_COLUMNS`; the ``chosen`` row is what was
        used and the WAPE column why). ``attrs["holiday_effects"]``: one record per queue
        and forecast date that is a holiday day type (``queue``, ``date``, ``day_type``,
        ``day_ratio``, ``occurrences``, ``source``: learned, borrowed or ordinary).
        ``attrs["intraday_update"]``: with ``as_of``, one record per queue (``queue``,
        ``as_of``, ``day_intervals`` [open intervals of the as-of day], ``observed_intervals``, ``observed_contacts``, ``forecast_so_far``
        [contacts the model expected in the intervals that ended by ``as_of``],
        ``rest_intervals``, ``rest_before``, ``rest_after`` [contacts in the rest of the
        day before and after the update], ``factor``).

    Raises
    ------
    InputError
        For an unknown model, a horizon below one day, or a queue with fewer than
        :data:`MIN_HISTORY_DAYS` days of history before ``start_date``.
    """
    if model != "auto":
        make_model(model)  # fail fast on an unknown name
    if int(horizon_days) != horizon_days or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise InputError(
            f"the forecast horizon must be a whole number of days from 1 to {MAX_HORIZON_DAYS:,}",
            value=horizon_days,
            option="--horizon-days",
        )
    report = progress or no_progress
    frame = history.frame
    starts = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    # Local wall-clock times, compared with local midnights (a date before D is a wall time
    # before D 00:00): one temporary the size of a column, freed before the fan-out, rather
    # than local dates held through it (issue 15).
    local = starts.tz_localize(None)
    if as_of is not None:
        as_of = _as_of_timestamp(as_of, history.timezone, start_date)
        start_date = as_of.tz_localize(None).date()
    if start_date is None:
        start_date = (local.max().normalize() + pd.Timedelta(days=1)).date()
    first_local = pd.Timestamp(start_date)
    before_start = np.asarray(local < first_local)
    on_start_date = None
    if as_of is not None:
        on_start_date = np.asarray(local >= first_local) & np.asarray(
            local < first_local + pd.Timedelta(days=1)
        )
    del local
    if special_days:
        usable = training_mask(starts, tuple(special_days))
        logger.info(
            "special days: %d history intervals left out of training",
            int((before_start & ~usable).sum()),
        )
        before_start &= usable

    queues = history.queues
    # each queue's row positions, found once: comparing every row's queue name once per
    # queue costs rows × queues (minutes for 1,000 queues of a year each)
    positions = frame.groupby("queue", sort=False, observed=True).indices

    def queue_task(number: int) -> tuple:
        queue = queues[number]
        where = np.asarray(positions.get(queue, np.empty(0, dtype=np.intp)))
        taken = where[before_start[where]]
        rows = frame.iloc[taken].assign(interval_start=starts[taken])
        morning = None
        if as_of is not None:
            today = where[
                np.asarray(on_start_date)[where]
                & np.asarray(
                    starts[where] + pd.Timedelta(minutes=history.interval_minutes) <= as_of
                )
            ]
            morning = pd.Series(frame["offered"].to_numpy(dtype=float)[today], index=starts[today])
        return (
            rows,
            queue,
            start_date,
            horizon_days,
            history.interval_minutes,
            history.timezone,
            opening_hours,
            model,
            history.source,
            as_of,
            morning,
            holidays,
            tuple(special_days),
        )

    record = calendar_record(holidays)

    def finish(piece: pd.DataFrame) -> pd.DataFrame:
        result = apply_overrides(apply_special_days(piece, tuple(special_days)), overrides)
        result = add_quantile_columns(result)  # again: special days and overrides move the mean
        result[HOLIDAYS_COLUMN] = record  # which calendar, for the day's intraday prior
        return result.sort_values(["queue", "interval_start"], kind="stable", ignore_index=True)[
            list(FORECAST_RESULT_COLUMNS)
        ]

    reports: dict[str, list] = {name: [] for name in REPORT_ATTRS}
    streamed = on_queue is not None and overrides is None

    def deliver(number: int, piece: pd.DataFrame) -> None:
        for name in REPORT_ATTRS:
            reports[name].extend(piece.attrs.pop(name, []))
        on_queue(number, finish(piece))

    release_free_memory()  # what reading and checking the history left, before the fan-out
    pieces = map_queues(
        _forecast_queue_task,
        # each queue's rows are taken from the history only when its task is handed out,
        # not all at once (that would hold a second copy of a large history; issue 15)
        LazyTasks(queue_task, len(queues)),
        labels=queues,
        workers=workers,
        executor=executor,
        rows=len(frame),
        progress=progress,
        on_result=deliver if streamed else None,
    )
    report(1.0, "forecast done")
    if streamed:
        empty = _empty_forecast(history.timezone)
        for name, records in reports.items():
            # in queue order, as one call would list them (finishing order varies)
            empty.attrs[name] = sorted(records, key=lambda row: queues.index(row["queue"]))
        return empty
    if not pieces:
        return _empty_forecast(history.timezone)
    reports = {
        name: [row for piece in pieces for row in piece.attrs.pop(name, [])]
        for name in REPORT_ATTRS
    }
    result = finish(pd.concat(pieces, ignore_index=True))
    result.attrs.update(reports)
    if on_queue is not None:  # overrides are checked against every queue at once
        for number, queue in enumerate(queues):
            on_queue(number, result[result["queue"] == queue].reset_index(drop=True))
        return _empty_forecast(history.timezone).pipe(_with_attrs, result.attrs)
    return result


def _with_attrs(frame: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    frame.attrs.update(attrs)
    return frame


def _forecast_queue_task(
    rows,
    queue,
    start_date,
    horizon_days,
    interval_minutes,
    timezone,
    opening_hours,
    model,
    source,
    as_of=None,
    morning=None,
    holidays=None,
    special_days=(),
):
    with one_blas_thread():
        result = _forecast_queue(
            rows,
            queue,
            start_date=start_date,
            horizon_days=horizon_days,
            interval_minutes=interval_minutes,
            timezone=timezone,
            opening_hours=opening_hours,
            model=model,
            source=source,
            as_of=as_of,
            morning=morning,
            holidays=holidays,
            special_days=special_days,
        )
    # A worker process runs many queues: its heap would otherwise keep the pages of each
    # queue's temporaries and grow by tens of MB over a large history (issue 15).
    del rows, morning
    release_free_memory()
    return result


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
    as_of: pd.Timestamp | None = None,
    morning: pd.Series | None = None,
    holidays: HolidayCalendar | None = None,
    special_days: tuple[SpecialDay, ...] = (),
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
    dispersion = np.zeros(len(grid))
    selection = None
    holiday_records: list[dict] = []
    update_records: list[dict] = []
    if not (y.fillna(0) > 0).any():
        logger.warning("queue %s: no contacts offered in the history; forecasting zero", queue)
        names, offered = np.full(len(grid), ZERO_MODEL, dtype=object), np.zeros(len(grid))
    else:
        stated = ClosureCalendar.from_settings(hours.closed_dates, special_days)
        train, effects = holiday_training(
            y, holidays, start=np.datetime64(start_date, "D"), closed=stated.closed
        )
        closures = ClosureCalendar(
            stated.closed, np.union1d(stated.open_dates, dates_left_out(y, train))
        )
        names, offered, dispersion, selection = _model_forecast(
            train, grid, queue, start_date, horizon_days, interval_minutes, model, closures
        )
        if holidays is not None and holidays.names:
            effects, holiday_records = _holiday_effects_used(grid, holidays, effects, queue)
        horizon = np.datetime64(start_date, "D") + np.arange(int(horizon_days))
        factor, label = delivered_factors(
            y, grid, horizon, closures, holidays=holidays, effects=effects, queue=queue
        )
        names, offered = _scale_days(names, offered, factor, label)
        if as_of is not None:
            names, offered, update_records = _intraday_update(
                names, offered, grid, selection, morning, as_of, interval_minutes, queue
            )
    aht_seconds = forecast_aht(rows, grid)
    logger.info(
        "queue %s: %d intervals from %s forecast with %s, %.0f contacts",
        queue,
        len(grid),
        start_date,
        ", ".join(pd.unique(names)),
        offered.sum(),
    )
    result = pd.DataFrame(
        {
            "interval_start": grid,
            "queue": queue,
            "offered": offered,
            "aht_seconds": aht_seconds,
            "model": names,
            "dispersion": dispersion,
        },
    ).pipe(add_quantile_columns)[list(_MODEL_COLUMNS)]
    if selection is not None and selection.leaderboard is not None:
        # Plain records, not a frame: pandas compares attrs when frames are concatenated.
        result.attrs["model_choice"] = selection.leaderboard.to_dict("records")
    result.attrs["holiday_effects"] = holiday_records
    result.attrs["intraday_update"] = update_records
    return result


def _holiday_effects_used(grid, holidays, effects, queue):
    """``(effects, records)``: the learned effects plus, for each holiday day type in the
    horizon never seen, the effect it borrows (resolved once, so its warning is said
    once); a record per forecast date that is a holiday day type (what it applies and
    where it comes from: ``attrs["holiday_effects"]`` of :func:`forecast_history`)."""
    dates, _ = wall_clock(grid)
    days = np.unique(dates.astype("datetime64[D]"))
    types = holidays.day_types(days)
    resolved = dict(effects)
    records = []
    for day, key in zip(days, types, strict=True):
        if not key:
            continue
        if key not in resolved:
            resolved[key] = borrow_effect(key, effects, queue)
        effect = resolved[key]
        records.append(
            {
                "queue": queue,
                "date": str(day),
                "day_type": key,
                "day_ratio": float(effect.day_ratio),
                "occurrences": int(effect.occurrences),
                "source": effect.source,
            }
        )
    return resolved, records


def _model_forecast(
    y, grid, queue, start_date, horizon_days, interval_minutes, model, closures=None
):
    """``(model name, offered, dispersion)`` per grid interval of one queue.

    ``auto`` uses the model chosen for each interval's lead (:func:`select_model`); the
    dispersion of the quantiles is calibrated per lead on the chosen model's backtest,
    whose forecasts carry the backlog after a closure as this forecast will (``closures``).
    """
    candidates = None if model == "auto" else [model]
    selection = select_model(
        y,
        interval_minutes,
        candidates=candidates,
        horizon_days=horizon_days,
        closures=NO_STATED_CLOSURES if closures is None else closures,
    )
    dates, _ = wall_clock(grid)
    lead = (dates - np.datetime64(start_date, "D")).astype(int) + 1
    chosen = (
        np.array([selection.model_for_lead(int(day)) for day in lead], dtype=object)
        if model == "auto"
        else np.full(len(grid), model, dtype=object)
    )
    names = chosen.copy()
    offered = np.zeros(len(grid))
    dispersion = np.zeros(len(grid))
    for name in pd.unique(chosen):
        rows = chosen == name
        fitted = selection.make(name).fit(y, interval_minutes)
        offered[rows] = fitted.predict(grid[rows])
        dispersion[rows] = _dispersion(selection, name, queue, lead[rows])
        if getattr(fitted, "fallback_reason_", None):
            # Say in the output which model really produced the numbers.
            names[rows] = f"{name} -> same_slot_average ({fitted.fallback_reason_})"
    return names, offered, dispersion, selection


def _scale_days(names, offered, factor, label):
    """Multiply the forecast by ``factor`` where a ``label`` says why; the label is added to
    the model name (a holiday day type, the backlog after a closure)."""
    scaled = label != ""
    if not scaled.any():
        return names, offered
    offered = offered.copy()
    offered[scaled] = offered[scaled] * factor[scaled]
    names = names.copy()
    names[scaled] = [f"{n} + {lab}" for n, lab in zip(names[scaled], label[scaled], strict=True)]
    return names, offered


def _intraday_update(names, offered, grid, selection, morning, as_of, interval_minutes, queue):
    """Re-forecast the rest of the as-of day from the arrivals so far (state-space update)."""
    prior = prior_from_selection(selection)
    morning = morning if morning is not None else pd.Series(dtype=float)
    updated, factor, so_far = update_rest_of_day_state(
        offered, grid, morning, as_of, interval_minutes, prior
    )
    rest = np.asarray(grid >= as_of) & np.asarray(
        grid.tz_localize(None).normalize() == as_of.tz_localize(None).normalize()
    )
    logger.info(
        "queue %s: intraday update at %s: %.0f contacts so far, prior: day level sd %.2f, "
        "recent deviation sd %.2f fading over %.0f min; rest of the day x %.3f",
        queue,
        as_of,
        so_far,
        prior.level_sd,
        prior.recent_sd,
        prior.recent_minutes,
        factor,
    )
    length = pd.Timedelta(minutes=interval_minutes)
    day = np.asarray(grid.tz_localize(None).normalize() == as_of.tz_localize(None).normalize())
    elapsed = day & np.asarray(grid + length <= as_of)
    record = {
        "queue": queue,
        "as_of": as_of.isoformat(),
        "day_intervals": int(day.sum()),
        "observed_intervals": int(len(morning)),
        "observed_contacts": float(so_far),
        "forecast_so_far": float(offered[elapsed].sum()),
        "rest_intervals": int(rest.sum()),
        "rest_before": float(offered[rest].sum()),
        "rest_after": float(updated[rest].sum()),
        "factor": float(factor),
    }
    names = names.copy()
    names[rest] = [f"{name} + intraday update x{factor:.3f}" for name in names[rest]]
    return names, updated, [record]


def _as_of_timestamp(as_of, timezone: str, start_date) -> pd.Timestamp:
    """The update time as a tz-aware timestamp in the centre's zone; checks ``start_date``."""
    from wfm.data.timestamps import local_instant

    try:
        stamp = local_instant(as_of, timezone)
    except InputError as error:
        raise InputError(error.problem, column="as_of", value=error.value, fix=error.fix) from None
    if start_date is not None and stamp.tz_localize(None).date() != start_date:
        raise InputError(
            "an intraday update re-forecasts the day of its as-of time",
            column="as_of",
            value=str(as_of),
            fix=f"leave the start date out or set it to {stamp.date()}",
        )
    return stamp


def _dispersion(selection, name: str, queue: str, lead: np.ndarray) -> np.ndarray:
    """Poisson–gamma dispersion per lead of the chosen model, calibrated on its backtest."""
    detail = selection.detail
    rows = detail[detail["model"] == name] if detail is not None and not detail.empty else None
    if rows is None or rows.empty:
        logger.info(
            "queue %s: no backtest to calibrate the forecast quantiles; dispersion %.3g assumed",
            queue,
            DEFAULT_DISPERSION,
        )
        return np.full(len(lead), DEFAULT_DISPERSION)
    by_lead = dispersion_by_lead(
        rows["horizon_days"].to_numpy(dtype=int),
        rows["actual"].to_numpy(dtype=float),
        rows["forecast"].to_numpy(dtype=float),
    )
    return by_lead[np.clip(lead, 1, len(by_lead) - 1)]


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
            HOLIDAYS_COLUMN: pd.Series([], dtype=object),
        }
    )
