"""Rolling-origin backtests of the forecast models, and the leaderboard they give.

For each *target date* among the last ``origins`` observed days of a queue and each
horizon :math:`h` [days], every model is fitted on the history before
``target - (h - 1)`` days (so the newest data it sees is :math:`h` days old: :math:`h = 1`
is a day-ahead forecast made the evening before, :math:`h = 7` a forecast made a week
before) and forecasts the target date's observed intervals. Fits that share a cut-off
date are done once. Errors are pooled over all target dates per queue, horizon and model
into the metrics of :mod:`wfm.forecast.metrics`.

References
----------
.. [1] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and Practice*,
   3rd ed., §5.10 "Time series cross-validation". https://otexts.com/fpp3/
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.execution import Executor
from wfm.forecast.after_closure import NO_STATED_CLOSURES, ClosureCalendar
from wfm.forecast.base import MODELS, make_model
from wfm.forecast.delivered import dates_left_out, delivered_factors, holiday_training
from wfm.forecast.holiday_effects import HolidayCalendar
from wfm.forecast.metrics import bias, mape, mase, seasonal_naive_scale, wape
from wfm.forecast.parallel import map_queues, one_blas_thread
from wfm.forecast.slots import slot_table, wall_clock
from wfm.forecast.special_days import SpecialDay, training_mask
from wfm.progress import ProgressCallback

logger = logging.getLogger(__name__)

#: Horizons scored by default [days]: day-ahead and week-ahead.
DEFAULT_HORIZONS_DAYS = (1, 7)

#: Target dates per queue by default.
DEFAULT_ORIGINS = 8

#: Fewest calendar days of history a fit in the backtest needs [days].
MIN_TRAINING_DAYS = 14

#: Models compared by default: the baselines, the statistical models, the factor model and
#: the equal-weight combination of ``top_down`` and ``factor``.
DEFAULT_MODELS = (
    "seasonal_naive",
    "same_slot_average",
    "weighted_same_slot",
    "daily_totals_ets",
    "top_down",
    "factor",
    "combination",
)

#: Columns of the per-interval detail frame.
DETAIL_COLUMNS = (
    "queue",
    "model",
    "horizon_days",
    "target_date",
    "interval_start",
    "actual",
    "forecast",
    "scale",
)

#: Columns of the leaderboard.
LEADERBOARD_COLUMNS = (
    "queue",
    "horizon_days",
    "rank",
    "model",
    "wape",
    "mape",
    "mase",
    "bias",
    "days",
    "intervals",
)


#: Columns of ``auto``'s choice per lead band
#: (:attr:`wfm.forecast.selection.ModelSelection.leaderboard`, :attr:`BacktestResult.choice`).
SELECTION_COLUMNS = (
    "queue",
    "first_lead_days",
    "last_lead_days",
    "rank",
    "model",
    "wape",
    "bias",
    "origins",
    "chosen",
)


@dataclass(frozen=True)
class BacktestResult:
    """Outcome of :func:`backtest_history`.

    Parameters
    ----------
    detail
        One row per queue, model, horizon and forecast interval: ``actual`` and
        ``forecast`` [contacts], ``scale`` (the MASE denominator of the fit [contacts]).
    leaderboard
        One row per queue, horizon and model with ``wape``, ``mape``, ``mase``, ``bias``
        (fractions, see :mod:`wfm.forecast.metrics`), the number of target ``days`` and
        ``intervals`` scored; ``rank`` 1 is the lowest WAPE of its queue and horizon.
    choice
        ``auto``'s model choice on each queue's whole history, as the forecast would make
        it: per queue, lead band and candidate the rolling-origin WAPE and bias and which
        is ``chosen`` (:data:`SELECTION_COLUMNS`); empty unless asked for, and without the
        queues too short to compare models (``auto`` then uses ``same_slot_average``).
    """

    detail: pd.DataFrame
    leaderboard: pd.DataFrame
    choice: pd.DataFrame = field(default_factory=lambda: _empty_choice())

    def best_model(self, queue: str, horizon_days: int) -> str:
        """The model with the lowest WAPE for ``queue`` at ``horizon_days``."""
        rows = self.leaderboard[
            (self.leaderboard["queue"] == queue)
            & (self.leaderboard["horizon_days"] == horizon_days)
        ]
        if rows.empty:
            raise InputError(f"no backtest result for queue '{queue}' at {horizon_days} days ahead")
        return str(rows.sort_values("rank").iloc[0]["model"])


def backtest_series(
    y: pd.Series,
    interval_minutes: int,
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    horizons_days: Sequence[int] = DEFAULT_HORIZONS_DAYS,
    origins: int = DEFAULT_ORIGINS,
    closures: ClosureCalendar | None = NO_STATED_CLOSURES,
    holidays: HolidayCalendar | None = None,
) -> pd.DataFrame:
    """Rolling-origin backtest of one queue; the per-interval :data:`DETAIL_COLUMNS` frame.

    The forecasts scored are those the forecast engine delivers: :func:`backtest_origins`
    at the cut-off dates of the (target date, horizon) pairs, keeping the target dates at
    those horizons.

    Parameters
    ----------
    y
        Offered contacts per interval of one queue (see :class:`~wfm.forecast.base.Forecaster`).
    interval_minutes
        Interval length [minutes].
    models
        Registry names to compare.
    horizons_days
        Horizons [days], each at least 1.
    origins
        Number of target dates: the last observed dates with volume (and the dates with
        data but no volume among them).
    closures
        The centre's stated closed dates and dates known open (``None``: score the
        models' own forecasts, without the engine's steps after them).
    holidays
        Holiday calendar: holiday day types are left out of the fits and forecast with
        their effect learnt before each cut-off, as the engine does.

    Returns
    -------
    pandas.DataFrame
        Empty when the history is too short for any fit (logged). A model that fails on
        a fit, or is too short for it, is logged as a warning naming queue and model and
        left out of that fit.
    """
    _check_options(models, horizons_days, origins)
    queue = "?" if y.name is None else str(y.name)
    y = y[np.isfinite(y.to_numpy(dtype=float))]
    dates, _ = wall_clock(y.index)
    daily = pd.Series(y.to_numpy(dtype=float)).groupby(dates).sum()
    observed = daily.index.to_numpy().astype("datetime64[D]")
    busy = observed[daily.to_numpy() > 0][-origins:]
    if not len(busy):
        logger.warning(
            "queue %s: no contacts offered in the history; %s not backtested",
            queue,
            ", ".join(models),
        )
        return _empty_detail()
    # a date among them with data but no contacts (a closed holiday) is scored too
    targets = observed[observed >= busy[0]]
    cuts = np.unique(
        [target - np.timedelta64(int(h) - 1, "D") for target in targets for h in horizons_days]
    )
    cuts = cuts[(cuts - dates.min()).astype(int) >= MIN_TRAINING_DAYS]
    if not len(cuts):
        logger.warning(
            "queue %s: too little history for a backtest (need %d days before the first "
            "target); %s not backtested",
            queue,
            MIN_TRAINING_DAYS,
            ", ".join(models),
        )
        return _empty_detail()
    return backtest_origins(
        y,
        interval_minutes,
        models=models,
        cuts=cuts,
        max_lead_days=int(max(horizons_days)),
        closures=closures,
        holidays=holidays,
        leads_days=horizons_days,
        target_dates=targets,
    )


def origin_dates(
    y: pd.Series, origins: int, max_lead_days: int, min_training_days: int = MIN_TRAINING_DAYS
) -> np.ndarray:
    """Cut-off dates of a multi-lead rolling-origin backtest (datetime64[D]).

    The last ``origins`` observed dates with volume that leave at least
    ``min_training_days`` days of history before them, preferring those whose following
    ``max_lead_days`` days all lie inside the history (so every lead is scored from
    every origin); empty when the history is too short.
    """
    values = y.to_numpy(dtype=float)
    dates, _ = wall_clock(y.index)
    daily = pd.Series(np.where(np.isfinite(values), values, 0.0)).groupby(dates).sum()
    observed = daily.index[daily.to_numpy() > 0].to_numpy().astype("datetime64[D]")
    if not len(observed):
        return observed
    eligible = observed[(observed - dates.min()).astype(int) >= min_training_days]
    complete = eligible[eligible <= observed[-1] - np.timedelta64(max_lead_days - 1, "D")]
    chosen = complete if len(complete) >= origins else eligible
    return chosen[-origins:]


def backtest_origins(
    y: pd.Series,
    interval_minutes: int,
    *,
    models: Sequence[str],
    cuts: np.ndarray,
    max_lead_days: int,
    reuse: dict[str, dict] | None = None,
    closures: ClosureCalendar | None = NO_STATED_CLOSURES,
    holidays: HolidayCalendar | None = None,
    leads_days: Sequence[int] | None = None,
    target_dates: np.ndarray | None = None,
) -> pd.DataFrame:
    """Rolling-origin backtest with every lead from each origin; :data:`DETAIL_COLUMNS` frame.

    For each cut-off date *c* in ``cuts`` every model is fitted once on the history
    before *c* and forecasts every observed interval of the dates *c* .. *c* +
    ``max_lead_days`` − 1; ``horizon_days`` is the lead *date* − *c* + 1 (1: day-ahead).
    One fit per origin serves all leads, so scoring day-ahead and week-ahead costs no
    more than scoring one of them.

    A model that fails, or that falls back to another model because the history before
    *c* is too short for it (``fallback_reason_``), is skipped at that origin with a
    warning naming the queue and the model.

    ``reuse`` maps model names to constructor parameters learnt elsewhere
    (:meth:`~wfm.forecast.base.Forecaster.reusable_params`). A model named there with an
    empty dict is fitted in full at the *oldest* cut only (so no fit sees the days it is
    scored on); what that fit learnt is stored in the dict (in place) and passed to the
    fits at the later cuts, which then only estimate the rest (for Holt–Winters: the
    initial states, not the smoothing constants).

    Every forecast is then what the forecast engine delivers from that origin
    (:func:`~wfm.forecast.delivered.delivered_factors` on the history before *c*): the
    backlog after a closure, with the horizon *c* .. *c* + ``max_lead_days`` − 1 open but
    for ``closures``' closed dates and the closed holidays (a day without data inside the
    window is not known closed at the origin); 0 on ``closures``' closed dates; with
    ``holidays``, the models are fitted without the holiday day types
    (:func:`~wfm.forecast.delivered.holiday_training` of the history before *c*) and a
    holiday day type is forecast with its effect learnt from that history.
    ``closures=None`` scores the models' own forecasts.

    ``leads_days`` and ``target_dates`` (datetime64[D]) restrict the intervals scored
    (default: every lead up to ``max_lead_days``, every date).
    """
    queue = "?" if y.name is None else str(y.name)
    y = y[np.isfinite(y.to_numpy(dtype=float))]
    dates, _ = wall_clock(y.index)
    actual = y.to_numpy(dtype=float)
    reuse = {} if reuse is None else reuse
    pieces = []
    scored = np.ones(len(y), dtype=bool)
    if target_dates is not None:
        scored &= np.isin(dates, np.asarray(target_dates, dtype="datetime64[D]"))
    for cut in np.sort(np.asarray(cuts, dtype="datetime64[D]")):
        before = y[dates < cut]
        window = (dates >= cut) & (dates < cut + np.timedelta64(int(max_lead_days), "D"))
        if leads_days is not None:
            window &= np.isin((dates - cut).astype(int) + 1, np.asarray(leads_days, dtype=int))
        window &= scored
        if not window.any() or before.empty:
            continue
        stated = None if closures is None else closures.closed
        train, effects = holiday_training(before, holidays, start=cut, closed=stated)
        index = y.index[window]
        lead = (dates[window] - cut).astype(int) + 1
        scale = seasonal_naive_scale(slot_table(train))
        backlog = _delivered(
            before, index, cut, int(max_lead_days), closures, holidays, effects, queue
        )
        for name in models:
            try:
                fitted = make_model(name, **reuse.get(name, {})).fit(train, interval_minutes)
                forecast = fitted.predict(index)
                if name in reuse and not reuse[name]:
                    reuse[name].update(fitted.reusable_params())
            except Exception as error:  # a failing candidate is reported, not fatal
                logger.warning(
                    "queue %s: model %s failed in the backtest at cut-off %s (%s); skipped",
                    queue,
                    name,
                    cut,
                    error,
                )
                continue
            reason = getattr(fitted, "fallback_reason_", None)
            if reason:
                logger.warning(
                    "queue %s: model %s skipped at cut-off %s: %s", queue, name, cut, reason
                )
                continue
            pieces.append(
                pd.DataFrame(
                    {
                        "queue": queue,
                        "model": name,
                        "horizon_days": lead,
                        "target_date": pd.DatetimeIndex(dates[window]).date,
                        "interval_start": index,
                        "actual": actual[window],
                        "forecast": forecast * backlog,
                        "scale": scale,
                    }
                )
            )
    return pd.concat(pieces, ignore_index=True) if pieces else _empty_detail()


def _delivered(
    before: pd.Series,
    index: pd.DatetimeIndex,
    cut: np.datetime64,
    max_lead_days: int,
    closures: ClosureCalendar | None,
    holidays: HolidayCalendar | None,
    effects: dict,
    queue: str,
) -> np.ndarray | float:
    """The engine's multiplier per interval of a backtest window (1 without ``closures``)."""
    if closures is None:
        return 1.0
    horizon = cut + np.arange(max_lead_days).astype("timedelta64[D]")
    factor, _ = delivered_factors(
        before,
        index,
        horizon,
        closures,
        holidays=holidays,
        effects=effects,
        queue=queue,
        backtest=True,
    )
    return factor


def leaderboard(detail: pd.DataFrame) -> pd.DataFrame:
    """Metrics per queue, horizon and model from a detail frame (:data:`LEADERBOARD_COLUMNS`).

    A queue, horizon and model whose target days had no contacts has no WAPE: it is left
    out, with a warning."""
    rows = []
    for (queue, horizon, model), group in detail.groupby(
        ["queue", "horizon_days", "model"], sort=True
    ):
        actual, forecast = group["actual"].to_numpy(), group["forecast"].to_numpy()
        if not actual.sum() > 0:
            logger.warning(
                "queue %s: model %s at %d day(s) ahead: no contacts on the %d target day(s) "
                "scored, so no WAPE; left out of the leaderboard",
                queue,
                model,
                horizon,
                group["target_date"].nunique(),
            )
            continue
        rows.append(
            {
                "queue": queue,
                "horizon_days": int(horizon),
                "model": model,
                "wape": wape(actual, forecast),
                "mape": mape(actual, forecast),
                "mase": mase(actual, forecast, group["scale"].to_numpy()),
                "bias": bias(actual, forecast),
                "days": group["target_date"].nunique(),
                "intervals": len(group),
            }
        )
    board = pd.DataFrame(rows, columns=[c for c in LEADERBOARD_COLUMNS if c != "rank"])
    if board.empty:
        return board.assign(rank=pd.Series(dtype=int))[list(LEADERBOARD_COLUMNS)]
    board = board.sort_values(
        ["queue", "horizon_days", "wape", "model"], ignore_index=True, na_position="last"
    )
    board["rank"] = board.groupby(["queue", "horizon_days"]).cumcount() + 1
    return board[list(LEADERBOARD_COLUMNS)]


def backtest_history(
    history: History,
    *,
    models: Sequence[str] | None = None,
    horizons_days: Sequence[int] = DEFAULT_HORIZONS_DAYS,
    origins: int = DEFAULT_ORIGINS,
    workers: int | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
    closed_dates: Sequence[dt.date] = (),
    special_days: Sequence[SpecialDay] = (),
    holidays: HolidayCalendar | None = None,
    choose: bool = False,
) -> BacktestResult:
    """Backtest every queue of a history; queues run in worker processes when worthwhile.

    The forecasts scored are those :func:`~wfm.forecast.engine.forecast_history` would
    have delivered from each cut-off with the same calendar: special days are left out of
    the history, the stated closed dates and closed special days are known ahead
    (:class:`~wfm.forecast.after_closure.ClosureCalendar`), and the backlog after a closure
    and the holiday effects are applied (:func:`backtest_origins`).

    Parameters
    ----------
    history
        Validated interval history.
    models
        Registry names; default :data:`DEFAULT_MODELS`.
    horizons_days
        Horizons [days] (1: day-ahead, 7: week-ahead).
    origins
        Target dates per queue.
    workers
        Worker processes (see :func:`~wfm.forecast.parallel.map_queues`).
    executor
        Where the queues run (:mod:`wfm.execution`): local by default; a Dask cluster
        gives the same result.
    progress
        ``progress(fraction_done, message)``.
    closed_dates
        Dates the centre states closed (its opening hours' closed dates).
    special_days
        :class:`~wfm.forecast.special_days.SpecialDay` ranges, as the forecast takes them.
    holidays
        Holiday calendar (``--country`` or the centre's), as the forecast takes it.
    choose
        Also run ``auto``'s model choice on each queue's whole history
        (:func:`~wfm.forecast.selection.select_model`, the horizon the longest of
        ``horizons_days``): :attr:`BacktestResult.choice`.

    Returns
    -------
    BacktestResult
    """
    models = tuple(DEFAULT_MODELS if models is None else models)
    _check_options(models, horizons_days, origins)
    frame = history.frame
    starts = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    keep = training_mask(starts, tuple(special_days))
    tasks, labels = [], []
    for queue in history.queues:
        rows = np.asarray(frame["queue"] == queue) & keep
        y = pd.Series(frame["offered"].to_numpy(dtype=float)[rows], index=starts[rows], name=queue)
        tasks.append(
            (
                y,
                history.interval_minutes,
                models,
                tuple(horizons_days),
                origins,
                tuple(closed_dates),
                tuple(special_days),
                holidays,
                choose,
            )
        )
        labels.append(queue)
    results = map_queues(
        _backtest_task,
        tasks,
        labels=labels,
        workers=workers,
        executor=executor,
        rows=len(frame),
        progress=progress,
        what="backtesting",
    )
    if progress:
        progress(1.0, "backtest done")
    details = [detail for detail, _ in results]
    choices = [choice for _, choice in results if not choice.empty]
    detail = pd.concat(details, ignore_index=True) if details else _empty_detail()
    choice = pd.concat(choices, ignore_index=True) if choices else _empty_choice()
    return BacktestResult(detail, leaderboard(detail), choice)


def _backtest_task(
    y,
    interval_minutes,
    models,
    horizons_days,
    origins,
    closed_dates,
    special_days,
    holidays,
    choose,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(detail, choice)`` of one queue (``y`` without its special days)."""
    with one_blas_thread():
        train, _ = holiday_training(y, holidays)
        closures = ClosureCalendar.from_settings(
            closed_dates, special_days, open_dates=dates_left_out(y, train)
        )
        detail = backtest_series(
            y,
            interval_minutes,
            models=models,
            horizons_days=horizons_days,
            origins=origins,
            closures=closures,
            holidays=holidays,
        )
        choice = _empty_choice()
        if choose and (train.fillna(0) > 0).any():
            from wfm.forecast.selection import select_model  # selection imports this module

            selection = select_model(
                train, interval_minutes, horizon_days=int(max(horizons_days)), closures=closures
            )
            if selection.leaderboard is not None:
                choice = selection.leaderboard
    return detail, choice


def _check_options(models: Sequence[str], horizons_days: Sequence[int], origins: int) -> None:
    if not models:
        raise InputError(
            "a backtest needs at least one model", fix=f"use some of {', '.join(sorted(MODELS))}"
        )
    for name in models:
        make_model(name)  # unknown names raise here, naming the known ones
    if not horizons_days or any(int(h) != h or h < 1 for h in horizons_days):
        raise InputError(
            "backtest horizons must be whole numbers of days, at least 1", value=list(horizons_days)
        )
    if int(origins) != origins or origins < 1:
        raise InputError("a backtest needs at least one origin", column="origins", value=origins)


def _empty_detail() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in DETAIL_COLUMNS})


def _empty_choice() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in SELECTION_COLUMNS})
