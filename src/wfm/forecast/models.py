"""Statistical volume models: daily totals by exponential smoothing, split by an intraday profile.

A two-level ("top-down") model is the classic contact-centre approach: the daily total
carries level, trend and the day-of-week effect and is smooth enough for a time-series
model; the shape of the day is stable and is best estimated by averaging recent weeks.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.base import Forecaster, register
from wfm.forecast.baselines import SameSlotAverage
from wfm.forecast.slots import (
    DAYS_PER_WEEK,
    slot_table,
    trailing_slot_mean,
    wall_clock,
    weekday_of,
)

logger = logging.getLogger(__name__)

#: A day with fewer observed intervals than this share of its weekday's usual number is
#: treated as missing (partial export, early closing) when fitting daily totals.
PARTIAL_DAY_FRACTION = 0.5

#: Forecast daily totals above this multiple of the largest observed total are rejected as
#: implausible (an exploding trend) and replaced by the fallback model.
MAX_TOTAL_RATIO = 3.0

#: Weeks around a missing day whose same-weekday totals are averaged to fill it [weeks].
FILL_WINDOW_WEEKS = 9


#: Smoothing parameters of a fitted Holt–Winters model that another fit can take as fixed.
SMOOTHING_KEYS = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")


class _FitFailed(Exception):
    """The exponential-smoothing fit is unusable; the reason is the message."""


@register
class DailyTotalsETS(Forecaster):
    r"""Holt–Winters exponential smoothing of daily totals × a weekday intraday profile.

    1. Daily totals :math:`Y_t` are formed for the sequence of *open days* (the weekdays
       with volume in the last ``profile_weeks`` weeks), so a Monday–Friday centre gives
       a series with weekly period :math:`p = 5`, and a seven-day centre :math:`p = 7`.
       Days missing from the history (holidays, gaps, partial days) are filled with the
       mean of the same weekday over the surrounding weeks and listed in
       ``filled_dates_``.
    2. The series is fitted with additive damped trend and multiplicative seasonality by
       default (ETS(A,Ad,M) in the taxonomy of Hyndman & Athanasopoulos):

       .. math::

          \hat Y_{t+h|t} = \Bigl(\ell_t + (\phi + \phi^2 + \dots + \phi^h)\, b_t\Bigr)\,
          s_{t+h-p(k+1)}, \qquad k = \lfloor (h-1)/p \rfloor.

    3. Each day's total is split over its intervals by the weekday's intraday profile
       :math:`\pi_{w,m}`: the mean count of minute :math:`m` over the last
       ``profile_weeks`` observations of weekday :math:`w`, normalised to sum to one
       (a volume-weighted average of the daily shares):
       :math:`\hat y_{d,m} = \hat Y_d\, \pi_{\mathrm{weekday}(d), m}`.

    When the fit fails, does not converge, or gives an implausible forecast (non-finite,
    or above three times the largest observed daily total), the model logs a warning
    naming the queue and falls back to :class:`~wfm.forecast.baselines.SameSlotAverage`;
    intervals the profile does not cover use the same fallback.

    Parameters
    ----------
    trend
        ``"add"``, ``"mul"`` or ``None``: trend component of the daily totals.
    damped_trend
        Damp the trend (recommended for horizons beyond a few days).
    seasonal
        ``"mul"``, ``"add"`` or ``None``: day-of-week component of the daily totals.
    profile_weeks
        Weeks of each weekday averaged into the intraday profile [weeks].
    fit_weeks
        The daily totals are fitted on at most this many recent weeks [weeks]; ``None``
        for all history. A year is plenty for level, trend and day-of-week (annual
        seasonality is not modelled) and keeps the fit fast.
    smoothing
        Fixed smoothing constants (keys of :data:`SMOOTHING_KEYS`, values in [0, 1]);
        ``None`` estimates them. A backtest passes those of a fit at another origin
        (:meth:`reusable_params`) so that only the initial states are estimated.

    Attributes
    ----------
    results_
        The fitted statsmodels ``HoltWintersResults``, or ``None`` after a fallback.
    profile_
        Intraday profile: rows weekday 0..6, columns minute of the day, rows sum to 1
        (NaN rows for closed weekdays).
    filled_dates_
        Open dates whose daily total was filled rather than observed.
    smoothing_
        The smoothing parameters used (``smoothing_level``, ``smoothing_trend``,
        ``smoothing_seasonal``, ``damping_trend`` as apply), or ``None``.
    fallback_reason_
        Why the fallback is in use, or ``None``.

    References
    ----------
    .. [1] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and
       Practice*, 3rd ed., ch. 8 "Exponential smoothing". https://otexts.com/fpp3/
    .. [2] J. W. Taylor (2008), "A comparison of univariate time series methods for
       forecasting intraday arrivals at a call center", Management Science 54(2), 253–265.
    """

    name = "daily_totals_ets"

    def __init__(
        self,
        trend: str | None = "add",
        damped_trend: bool = True,
        seasonal: str | None = "mul",
        profile_weeks: int = 8,
        fit_weeks: int | None = 52,
        smoothing: dict[str, float] | None = None,
    ) -> None:
        self.trend = trend
        self.damped_trend = damped_trend
        self.seasonal = seasonal
        self.profile_weeks = profile_weeks
        self.fit_weeks = fit_weeks
        self.smoothing = smoothing

    # --- fit --------------------------------------------------------------------------
    def _fit(self, y: pd.Series) -> None:
        self._check_params()
        table = slot_table(y)
        self.backup_ = SameSlotAverage().fit(y, self.interval_minutes_)
        self.profile_ = _intraday_profile(table, self.profile_weeks)
        open_weekdays = [
            day for day in range(DAYS_PER_WEEK) if self.profile_.loc[day].notna().any()
        ]
        self.weekmask_ = "".join(
            "1" if day in open_weekdays else "0" for day in range(DAYS_PER_WEEK)
        )
        self.results_ = None
        self.smoothing_ = None
        self.fallback_reason_ = None
        self.filled_dates_: list = []
        if not open_weekdays:
            self.fallback_reason_ = "no volume in the last weeks"
            return
        if self.fit_weeks is not None:
            table = table.iloc[-self.fit_weeks * DAYS_PER_WEEK :]
        totals, filled = _open_day_totals(table, open_weekdays)
        self.first_date_ = totals.index[0].to_datetime64().astype("datetime64[D]")
        self.n_days_ = len(totals)
        self.max_total_ = float(totals.max())
        self.filled_dates_ = [timestamp.date() for timestamp in totals.index[filled]]
        if self.filled_dates_:
            logger.info(
                "queue %s: %d open days missing or partial in the history, filled with the same-weekday mean: %s",
                self.queue_,
                len(self.filled_dates_),
                ", ".join(map(str, self.filled_dates_[:10]))
                + (" ..." if len(self.filled_dates_) > 10 else ""),
            )
        try:
            self.results_ = self._fit_ets(totals.to_numpy(dtype=float), period=len(open_weekdays))
        except Exception as error:  # numerical libraries raise many types; never crash a plan
            self._fall_back(str(error) or type(error).__name__)

    def _fit_ets(self, totals: np.ndarray, period: int):
        seasonal = self.seasonal if period > 1 else None
        minimum_days = 2 * period + 4 if seasonal else 8
        if len(totals) < minimum_days:
            raise _FitFailed(f"{len(totals)} open days of history, need at least {minimum_days}")
        # statsmodels is imported where used: ~25 MB in every forecast worker otherwise
        from statsmodels.tools.sm_exceptions import ConvergenceWarning
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = ExponentialSmoothing(
                totals,
                trend=self.trend,
                damped_trend=bool(self.damped_trend and self.trend),
                seasonal=seasonal,
                seasonal_periods=period if seasonal else None,
                initialization_method="estimated",
            )
            # Fixed smoothing parameters (learnt at another origin of a backtest) leave only
            # the initial states to estimate: about 2.3 times cheaper than a full fit.
            results = model.fit(**(self.smoothing or {}))
        for warning in caught:
            if issubclass(warning.category, ConvergenceWarning):
                raise _FitFailed(f"did not converge: {warning.message}")
        if not np.all(np.isfinite(results.fittedvalues)) or not np.isfinite(results.sse):
            raise _FitFailed("non-finite fitted values")
        self.smoothing_ = {
            key: float(results.params[key])
            for key in SMOOTHING_KEYS
            if key in results.params and np.isfinite(results.params[key])
        }
        return results

    def reusable_params(self) -> dict[str, object]:
        """``{"smoothing": ...}``: the fitted smoothing parameters, for other backtest origins."""
        return {"smoothing": dict(self.smoothing_)} if self.smoothing_ else {}

    def _fall_back(self, reason: str) -> None:
        self._record_fallback(reason)
        self.results_ = None

    def _check_params(self) -> None:
        for key, allowed in (("trend", ("add", "mul", None)), ("seasonal", ("add", "mul", None))):
            if getattr(self, key) not in allowed:
                raise InputError(
                    f"{self.name}: {key} must be one of {allowed}",
                    column=key,
                    value=getattr(self, key),
                )
        for key in ("profile_weeks", "fit_weeks"):
            weeks = getattr(self, key)
            if weeks is not None and (int(weeks) != weeks or weeks < 1):
                raise InputError(
                    f"{self.name}: {key} must be a whole number of weeks, at least 1",
                    column=key,
                    value=weeks,
                )
        if self.profile_weeks is None:
            raise InputError(f"{self.name}: profile_weeks is required", column="profile_weeks")
        if self.smoothing is not None and (
            not isinstance(self.smoothing, dict)
            or set(self.smoothing) - set(SMOOTHING_KEYS)
            or not all(0 <= float(value) <= 1 for value in self.smoothing.values())
        ):
            raise InputError(
                f"{self.name}: smoothing must map {', '.join(SMOOTHING_KEYS)} to values in [0, 1]",
                column="smoothing",
                value=self.smoothing,
                fix="leave it out to estimate the smoothing constants",
            )

    # --- predict ----------------------------------------------------------------------
    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        if self.results_ is None:
            return self.backup_.predict(index)
        dates, minutes = wall_clock(index)
        unique_dates, position = np.unique(dates, return_inverse=True)
        totals = self._daily_totals(unique_dates)[position]
        columns = self.profile_.columns.get_indexer(minutes)
        shares = np.where(
            columns >= 0,
            self.profile_.to_numpy(dtype=float)[weekday_of(dates), np.maximum(columns, 0)],
            np.nan,
        )
        values = totals * shares
        return self._fill_from_backup(values, index)

    def _daily_totals(self, dates: np.ndarray) -> np.ndarray:
        """Daily totals [contacts] for local dates: fitted in sample, forecast beyond; NaN if unknown."""
        is_open = np.is_busday(dates, weekmask=self.weekmask_)
        step = np.busday_count(self.first_date_, dates, weekmask=self.weekmask_)  # 0-based position
        totals = np.full(len(dates), np.nan)
        in_sample = is_open & (step >= 0) & (step < self.n_days_)
        totals[in_sample] = np.asarray(self.results_.fittedvalues)[step[in_sample]]
        ahead = is_open & (step >= self.n_days_)
        if ahead.any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                path = np.asarray(self.results_.forecast(int(step[ahead].max()) - self.n_days_ + 1))
            totals[ahead] = path[step[ahead] - self.n_days_]
        implausible = np.isfinite(totals) & (
            (totals < 0) | (totals > MAX_TOTAL_RATIO * self.max_total_)
        )
        implausible |= is_open & (step >= 0) & ~np.isfinite(totals)
        if implausible.any():
            logger.warning(
                "queue %s: model %s gave implausible daily totals on %d days; using same_slot_average there",
                self.queue_,
                self.name,
                implausible.sum(),
            )
            totals[implausible] = np.nan
        return totals


def _intraday_profile(table: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Share of each weekday's volume per minute of the day, from its last ``weeks`` observations.

    Rows weekday 0..6 (all seven; NaN for a weekday without volume in the last ``weeks``
    weeks), columns minute of the day; each row sums to 1.
    """
    recent = table.iloc[-weeks * DAYS_PER_WEEK :]
    state = trailing_slot_mean(recent, weeks)
    latest = state.groupby(state.index.day_of_week).last()  # last non-NaN per weekday and minute
    latest = latest.reindex(range(DAYS_PER_WEEK))
    day_sums = latest.sum(axis=1, min_count=1)
    profile = latest.div(day_sums.where(day_sums > 0), axis=0)
    return profile


def _open_day_totals(table: pd.DataFrame, open_weekdays: list[int]) -> tuple[pd.Series, np.ndarray]:
    """Daily totals on every open day from the first to the last date, gaps filled.

    Returns the totals [contacts per day] indexed by date and a boolean array marking the
    days that were filled: absent, empty, or partial (fewer than
    :data:`PARTIAL_DAY_FRACTION` of the weekday's usual number of intervals).
    """
    weekday = table.index.day_of_week
    keep = np.isin(weekday, open_weekdays)
    table = table[keep]
    weekday = weekday[keep]
    totals = table.sum(axis=1, min_count=1)
    counts = table.notna().sum(axis=1)
    usual = counts[counts > 0].groupby(weekday[counts > 0]).median().reindex(weekday).to_numpy()
    observed = (totals > 0).to_numpy() & (
        counts.to_numpy() >= PARTIAL_DAY_FRACTION * np.nan_to_num(usual)
    )
    totals = totals.where(observed)
    by_weekday = totals.groupby(weekday)
    nearby = by_weekday.transform(
        lambda series: series.rolling(FILL_WINDOW_WEEKS, center=True, min_periods=1).mean()
    )
    filled = totals.fillna(nearby)
    filled = filled.groupby(weekday).transform(lambda series: series.ffill().bfill())
    filled = filled.fillna(totals.mean())
    # Start at the first observed open day so the series does not begin with filled values.
    first = int(np.argmax(observed))
    return filled.iloc[first:], ~observed[first:]
