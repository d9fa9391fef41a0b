"""Long-range demand: weekly contacts and handle time per queue for the next 12–18 months.

Short-term models (:mod:`wfm.forecast`) forecast intervals a few weeks ahead; capacity needs
the weekly level over seasons. Each queue's weekly volume is a log-linear regression on

    log V_w = β₀ + β₁·t_w + Σ_k (a_k sin 2πk·f_w + b_k cos 2πk·f_w) + γ·h_w + ε_w

with t_w the week's time [years], f_w its fraction of the year (annual Fourier terms,
K = 3 harmonics with two years of history or more, 2 with one year, none with less), and h_w
the number of the centre's national holidays falling on its open weekdays (γ < 0 when the
centre closes or is quiet on holidays). ε is normal on the log scale, so the forecast median
is exp(ŷ) and the P10–P90 band comes from the regression's prediction interval (parameter and
residual uncertainty). Weekly AHT is the same regression on log AHT without the holiday
term. Known events (a launch, a campaign) are applied later, to the days they cover
(:mod:`wfm.capacity.requirement`).

Only complete weeks (Monday to Sunday, all seven days inside the history's span) are fitted.

References
----------
Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: principles and practice*, 3rd ed.,
§7.4 (trend and Fourier terms in regression) and §5.5 (prediction intervals).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

from wfm.capacity.workload import known_workload
from wfm.data.schemas import History
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Days in a year, for the annual Fourier terms.
DAYS_PER_YEAR = 365.2425
#: Fewest complete weeks of history a long-range forecast is fitted on.
MIN_HISTORY_WEEKS = 8
#: Two-sided central coverage of the reported band (P10 to P90).
BAND_COVERAGE = 0.8

#: Columns of :attr:`LongRangeForecast.weekly`.
WEEKLY_COLUMNS = (
    "week_start",
    "queue",
    "offered",
    "offered_p10",
    "offered_p90",
    "aht_seconds",
    "holiday_days",
)


def daily_totals(history: History) -> pd.DataFrame:
    """Contacts and handle seconds per local date and queue.

    Handle seconds are ``total_handle_seconds`` where the history has them, else AHT × the
    contacts handled (or offered where ``handled`` is missing).

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime.date), ``queue``, ``offered``, ``handle_seconds``,
        ``handled`` (the contacts the handle seconds belong to).
    """
    frame = history.frame
    handle_seconds, handled = known_workload(frame)
    data = pd.DataFrame(
        {
            "date": frame["interval_start"].dt.date,
            "queue": frame["queue"].to_numpy(),
            "offered": frame["offered"].to_numpy(dtype=float),
            "handle_seconds": handle_seconds,
            "handled": handled,
        }
    )
    return data.groupby(["date", "queue"], as_index=False, sort=True).sum()


def complete_weeks(days: pd.DataFrame) -> pd.DataFrame:
    """Weekly totals per queue over the Monday-to-Sunday weeks wholly inside the history.

    Returns
    -------
    pandas.DataFrame
        Columns ``week_start`` (a Monday, datetime.date), ``queue``, ``offered``,
        ``handle_seconds``, ``handled``.
    """
    if days.empty:
        return pd.DataFrame(columns=["week_start", "queue", "offered", "handle_seconds", "handled"])
    first, last = min(days["date"]), max(days["date"])
    first_monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    last_sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    inside = days[(days["date"] >= first_monday) & (days["date"] <= last_sunday)]
    week_start = inside["date"].map(lambda day: day - dt.timedelta(days=day.weekday()))
    return (
        inside.assign(week_start=week_start)
        .groupby(["week_start", "queue"], as_index=False, sort=True)[
            ["offered", "handle_seconds", "handled"]
        ]
        .sum()
    )


def short_histories(history: History) -> dict[str, int]:
    """Queues with fewer than :data:`MIN_HISTORY_WEEKS` complete weeks of history, and how
    many complete weeks each has: the long-range forecast cannot be made for them.

    Examples
    --------
    >>> import pandas as pd
    >>> from wfm.data.history import validate_history_frame
    >>> frame = pd.DataFrame({"interval_start": pd.date_range("2026-11-02 09:00", periods=14,
    ...     freq="D", tz="UTC"), "queue": "sales", "offered": 10})
    >>> short_histories(validate_history_frame(frame, source="h.csv", interval_minutes=60))
    {'sales': 2}
    """
    past = complete_weeks(daily_totals(history))
    counts = past.groupby("queue").size()
    return {
        queue: int(counts.get(queue, 0))
        for queue in history.queues
        if counts.get(queue, 0) < MIN_HISTORY_WEEKS
    }


def fourier_harmonics(weeks: int) -> int:
    """Annual harmonics K a history of ``weeks`` complete weeks supports (0, 2 or 3)."""
    if weeks >= 104:
        return 3
    if weeks >= 52:
        return 2
    return 0


def design_matrix(
    week_starts: Iterable[dt.date],
    origin: dt.date,
    harmonics: int,
    holiday_days: np.ndarray | None,
) -> np.ndarray:
    """Regressors of :mod:`wfm.capacity.demand`'s model for the given weeks.

    Columns: intercept, trend [years since ``origin``], ``harmonics`` sine/cosine pairs of
    the week's middle (Thursday) in the year, and the holiday count when given.
    """
    middles = [start + dt.timedelta(days=3) for start in week_starts]
    years = np.array([(day - origin).days / DAYS_PER_YEAR for day in middles])
    phase = np.array([(day.timetuple().tm_yday - 1) / DAYS_PER_YEAR for day in middles])
    columns = [np.ones_like(years), years]
    for k in range(1, harmonics + 1):
        columns += [np.sin(2 * np.pi * k * phase), np.cos(2 * np.pi * k * phase)]
    if holiday_days is not None:
        columns.append(np.asarray(holiday_days, dtype=float))
    return np.column_stack(columns)


def holiday_days_per_week(
    week_starts: Iterable[dt.date],
    holiday_dates: Mapping[dt.date, str],
    open_weekdays: Iterable[int],
) -> np.ndarray:
    """How many holidays fall on an open weekday of each week (0–7)."""
    open_days = set(open_weekdays)
    holidays = {day for day in holiday_dates if day.weekday() in open_days}
    return np.array(
        [
            sum((start + dt.timedelta(days=offset)) in holidays for offset in range(7))
            for start in week_starts
        ],
        dtype=float,
    )


@dataclass(frozen=True)
class QueueModel:
    """What was fitted for one queue, for the report."""

    queue: str
    weeks_fitted: int
    harmonics: int
    volume_trend_per_year: float
    holiday_effect: float
    residual_sd_log: float
    aht_known: bool


@dataclass(frozen=True)
class LongRangeForecast:
    """Weekly volume and AHT per queue over the horizon.

    Attributes
    ----------
    weekly : pandas.DataFrame
        :data:`WEEKLY_COLUMNS`: volume median and P10/P90 [contacts a week], AHT [seconds],
        holidays on open weekdays [days].
    models : tuple of QueueModel
        The fitted model of each queue.
    history_weeks : pandas.DataFrame
        The complete weeks of history that were fitted (for charts).
    """

    weekly: pd.DataFrame
    models: tuple[QueueModel, ...]
    history_weeks: pd.DataFrame


def forecast_weekly_demand(
    history: History,
    first_week: dt.date,
    weeks: int,
    *,
    holiday_dates: Callable[[Iterable[int]], Mapping[dt.date, str]] | None = None,
    open_weekdays: Iterable[int] = range(7),
    default_aht_seconds: Mapping[str, float] | None = None,
) -> LongRangeForecast:
    """Forecast weekly contacts and AHT per queue for ``weeks`` weeks from ``first_week``.

    Parameters
    ----------
    history : History
        Interval history (any interval length); at least :data:`MIN_HISTORY_WEEKS`
        complete weeks per queue.
    first_week : datetime.date
        A Monday: the first week forecast.
    weeks : int
        Number of weeks [weeks].
    holiday_dates : callable, optional
        ``years -> {date: name}`` (e.g. :meth:`wfm.config.Centre.holiday_dates`); none for no
        holiday term.
    open_weekdays : iterable of int
        Weekdays the centre opens (0 = Monday): holidays on other days change nothing.
    default_aht_seconds : mapping, optional
        AHT per queue [seconds] for a history without handle times.

    Returns
    -------
    LongRangeForecast

    Raises
    ------
    InputError
        When a queue has too little history, or no handle time and no default.
    """
    if first_week.weekday() != 0:
        raise InputError(
            "a long-range forecast starts on a Monday",
            value=str(first_week),
            fix=f"use {first_week - dt.timedelta(days=first_week.weekday())}",
        )
    past = complete_weeks(daily_totals(history))
    future_starts = [first_week + dt.timedelta(weeks=w) for w in range(weeks)]
    open_days = list(open_weekdays)
    rows, models = [], []
    for queue in history.queues:
        own = past[past["queue"] == queue].reset_index(drop=True)
        if len(own) < MIN_HISTORY_WEEKS:
            raise InputError(
                f"queue '{queue}' has {len(own)} complete weeks of history; a long-range "
                f"forecast needs at least {MIN_HISTORY_WEEKS}",
                source=history.source,
                fix="give a longer history (two years let the forecast learn the seasons)",
            )
        if (own["offered"] <= 0).any():
            own = own[own["offered"] > 0].reset_index(drop=True)
        harmonics = fourier_harmonics(len(own))
        origin = own["week_start"].iloc[0]
        years = range(origin.year, future_starts[-1].year + 2)
        holidays = holiday_dates(years) if holiday_dates is not None else {}
        past_holidays = holiday_days_per_week(own["week_start"], holidays, open_days)
        future_holidays = holiday_days_per_week(future_starts, holidays, open_days)
        use_holidays = bool(past_holidays.any())
        x_past = design_matrix(
            own["week_start"], origin, harmonics, past_holidays if use_holidays else None
        )
        x_future = design_matrix(
            future_starts, origin, harmonics, future_holidays if use_holidays else None
        )
        volume = sm.OLS(np.log(own["offered"].to_numpy(dtype=float)), x_past).fit()
        band = volume.get_prediction(x_future).summary_frame(alpha=1 - BAND_COVERAGE)
        aht, aht_known = _aht_forecast(
            own, x_past, x_future, use_holidays, queue, default_aht_seconds, history.source
        )
        for index, start in enumerate(future_starts):
            rows.append(
                (
                    start,
                    queue,
                    float(np.exp(band["mean"].iloc[index])),
                    float(np.exp(band["obs_ci_lower"].iloc[index])),
                    float(np.exp(band["obs_ci_upper"].iloc[index])),
                    float(aht[index]),
                    float(future_holidays[index]),
                )
            )
        models.append(
            QueueModel(
                queue=queue,
                weeks_fitted=len(own),
                harmonics=harmonics,
                volume_trend_per_year=float(np.expm1(volume.params[1])),
                holiday_effect=float(np.expm1(volume.params[-1])) if use_holidays else 0.0,
                residual_sd_log=float(np.sqrt(volume.scale)),
                aht_known=aht_known,
            )
        )
        if harmonics == 0:
            logger.warning(
                "queue '%s': %d weeks of history are too few for annual seasonality; the "
                "long-range forecast has a trend only",
                queue,
                len(own),
            )
    weekly = pd.DataFrame(rows, columns=list(WEEKLY_COLUMNS))
    return LongRangeForecast(weekly=weekly, models=tuple(models), history_weeks=past)


def _aht_forecast(
    weeks: pd.DataFrame,
    x_past: np.ndarray,
    x_future: np.ndarray,
    with_holidays: bool,
    queue: str,
    default_aht_seconds: Mapping[str, float] | None,
    source: str,
) -> tuple[np.ndarray, bool]:
    """Weekly AHT [s] over the horizon: a regression on log AHT, or the given default."""
    known = weeks["handled"] > 0
    if known.sum() < MIN_HISTORY_WEEKS:
        default = (default_aht_seconds or {}).get(queue)
        if default is None:
            raise InputError(
                f"queue '{queue}' has no handle time in its history",
                source=source,
                fix="give the queue's average handle time (wfm capacity --aht-seconds QUEUE=SECONDS)",
            )
        return np.full(x_future.shape[0], float(default)), False
    aht = (weeks["handle_seconds"] / weeks["handled"]).to_numpy(dtype=float)
    columns = slice(None, -1) if with_holidays else slice(None)
    fit = sm.OLS(np.log(aht[known.to_numpy()]), x_past[known.to_numpy()][:, columns]).fit()
    return np.exp(fit.predict(x_future[:, columns])), True
