"""The intraday update's prior per queue, learnt as ``wfm forecast --as-of`` learns it.

:func:`~wfm.forecast.engine.forecast_history` with ``as_of`` learns each queue's prior
(:class:`~wfm.forecast.intraday_update.UpdateParameters`) from the day-ahead backtest of
the model it forecasts with (:func:`prior_from_selection`). The position of the day
(``wfm intraday status``, the Today page) starts from a planned forecast file and today's
arrivals, not from a forecast run: :func:`learn_update_priors` learns the same prior from
the history before the day and the model named in the forecast's ``model`` column, so that
the rest of the day it shows is the rest of the day ``wfm forecast --as-of`` gives for the
same history, model and time. It takes the same calendar as the forecast: the centre's
stated closed dates and special days (:class:`~wfm.forecast.after_closure.ClosureCalendar`,
so a day the centre was closed is forecast closed in the backtest, not a miss) and the
holiday calendar (holidays are left out of the backtest's history): for the position, the
calendar the forecast file records in its ``holidays`` column
(:mod:`wfm.forecast.calendar_record`, read by
:func:`wfm.intraday.centre_day.day_update_priors`).
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd

from wfm.data.schemas import History
from wfm.forecast.after_closure import NO_STATED_CLOSURES, ClosureCalendar
from wfm.forecast.delivered import dates_left_out, holiday_training
from wfm.forecast.holiday_effects import HolidayCalendar
from wfm.forecast.intraday_update import UpdateParameters, fit_update_parameters
from wfm.forecast.selection import ModelSelection, model_in_label, select_model

logger = logging.getLogger(__name__)

#: Fewest days of history before the day to learn a prior from [days] (as the forecast).
MIN_PRIOR_HISTORY_DAYS = 14


def prior_from_selection(selection: ModelSelection) -> UpdateParameters:
    """The prior learnt on the day-ahead backtest of the model chosen for lead 1.

    Parameters
    ----------
    selection
        The model choice of one queue (:func:`~wfm.forecast.selection.select_model`).

    Returns
    -------
    UpdateParameters
        :func:`~wfm.forecast.intraday_update.fit_update_parameters` of the backtest rows
        of that model at lead 1 (its default without a backtest).
    """
    detail = selection.detail
    if detail is None or detail.empty:
        return fit_update_parameters(None)
    day_ahead = selection.model_for_lead(1)
    rows = detail[(detail["model"] == day_ahead) & (detail["horizon_days"] == 1)]
    return fit_update_parameters(rows)


def forecast_model_name(label: str) -> str | None:
    """The model (registry name or ``auto``'s combination) in a forecast's ``model`` label.

    :func:`~wfm.forecast.selection.model_in_label`; ``None`` when there is none.

    Examples
    --------
    >>> forecast_model_name("combination(factor+root_profile) + intraday update x1.043")
    'combination(factor+root_profile)'
    >>> forecast_model_name("planner's spreadsheet") is None
    True
    """
    return model_in_label(label)


def learn_update_priors(
    history: History,
    day: dt.date,
    forecast: pd.DataFrame,
    *,
    horizon_days: int = 1,
    closures: ClosureCalendar = NO_STATED_CLOSURES,
    holidays: HolidayCalendar | None = None,
) -> dict[str, UpdateParameters]:
    """Each queue's intraday-update prior for ``day``, as ``forecast_history(as_of=...)``.

    Parameters
    ----------
    history
        Interval history; only the rows before ``day`` (local date) are used.
    day
        The day of the position.
    forecast
        The planned forecast (``queue`` and, to learn anything, ``model``: the label
        :func:`~wfm.forecast.engine.forecast_history` writes).
    horizon_days
        Days the planned forecast covered (the model choice's horizon) [days].
    closures
        The centre's stated closed dates and special days
        (:meth:`~wfm.forecast.after_closure.ClosureCalendar.from_settings`), as the
        forecast takes them: the history's rows on its ``open_dates`` (special days that
        were open) are left out, as the forecast leaves them out of training.
    holidays
        The holiday calendar the forecast used (``--country`` or the centre's), if any.

    Returns
    -------
    dict
        Queue → :class:`~wfm.forecast.intraday_update.UpdateParameters`. A queue is left
        out (so the position uses the default prior) when the forecast names no model of
        the registry nor one of ``auto``'s combinations, or the history before ``day`` is shorter than
        :data:`MIN_PRIOR_HISTORY_DAYS` or has no contacts; each is logged with the queue.
    """
    if "model" not in forecast or forecast.empty:
        return {}
    frame = history.frame
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    before = np.asarray(local.tz_localize(None) < pd.Timestamp(day))
    special = np.isin(
        local.tz_localize(None).to_numpy().astype("datetime64[D]"), closures.open_dates
    )
    priors: dict[str, UpdateParameters] = {}
    for queue, labels in forecast.groupby("queue", sort=True)["model"]:
        model = forecast_model_name(labels.iloc[0])
        if model is None:
            logger.warning(
                "queue %s: the forecast's model %r is not one wfm knows; the intraday update "
                "uses its default prior",
                queue,
                labels.iloc[0],
            )
            continue
        mine = before & np.asarray(frame["queue"] == queue) & ~special
        y = pd.Series(frame["offered"].to_numpy(dtype=float)[mine], index=local[mine])
        days = len(np.unique(y.index.tz_localize(None).normalize())) if len(y) else 0
        if days < MIN_PRIOR_HISTORY_DAYS or not (y.fillna(0) > 0).any():
            logger.warning(
                "queue %s: %d days of history before %s, too few to learn the intraday "
                "update's prior; it uses its default",
                queue,
                days,
                day,
            )
            continue
        train, _ = holiday_training(y, holidays)
        calendar = ClosureCalendar(
            closures.closed, np.union1d(closures.open_dates, dates_left_out(y, train))
        )
        selection = select_model(
            train,
            history.interval_minutes,
            candidates=[model],
            horizon_days=horizon_days,
            closures=calendar,
        )
        priors[str(queue)] = prior_from_selection(selection)
    return priors
