"""Interval-level time-series models: MSTL (daily + weekly) and double-seasonal Holt–Winters.

Both need a regular series. The history's open days form one: the slot table's rows for
the open weekdays (from the last weeks of history) over the last ``fit_weeks`` weeks, in
date order, with the minutes the centre is open as columns. A weekdays-only centre open
07:00–21:05 in 5-minute intervals gives 169 values a day and 845 a week. Missing days
(holidays, gaps) and missing intervals are filled with the mean of the same weekday and
minute in the window, and listed in the log. Only the intraday slots and the weekday
pattern of that window are modelled; slots outside it use the same-slot average.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.base import Forecaster, register
from wfm.forecast.baselines import SameSlotAverage
from wfm.forecast.slots import DAYS_PER_WEEK, slot_table, wall_clock

logger = logging.getLogger(__name__)


class _RegularSeries:
    """The open-day matrix of the last weeks: rows open dates, columns open minutes."""

    def __init__(self, y: pd.Series, fit_weeks: int) -> None:
        table = slot_table(y)
        recent = table.iloc[-fit_weeks * DAYS_PER_WEEK :]
        has_volume = recent.sum(axis=1, min_count=1).fillna(0) > 0
        weekdays = sorted(set(recent.index[has_volume.to_numpy()].day_of_week))
        columns = recent.columns[recent.notna().any(axis=0) & (recent.fillna(0).sum(axis=0) > 0)]
        rows = recent[np.isin(recent.index.day_of_week, weekdays)][columns]
        means = rows.groupby(rows.index.day_of_week).transform("mean")
        missing = rows.isna()
        self.filled_intervals = int(missing.to_numpy().sum())
        rows = rows.fillna(means).fillna(0.0)
        self.weekdays = weekdays
        self.minutes = np.asarray(columns, dtype=np.int64)
        self.dates = rows.index.to_numpy().astype("datetime64[D]")
        self.values = rows.to_numpy(dtype=float)

    @property
    def per_day(self) -> int:
        return len(self.minutes)

    @property
    def per_week(self) -> int:
        return len(self.minutes) * len(self.weekdays)

    def positions(self, index: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
        """(open days ahead, column) of each interval start; column -1 when not modelled."""
        dates, minutes = wall_clock(index)
        mask = "".join("1" if day in self.weekdays else "0" for day in range(DAYS_PER_WEEK))
        ahead = np.busday_count(
            self.dates[-1], dates, weekmask=mask
        )  # counts open days in [last, date)
        ok = np.is_busday(dates, weekmask=mask) & (ahead >= 1)
        column = np.searchsorted(self.minutes, minutes)
        column = np.where(
            (column < len(self.minutes))
            & (self.minutes[np.minimum(column, len(self.minutes) - 1)] == minutes),
            column,
            -1,
        )
        return np.where(ok, ahead, 0), np.where(ok, column, -1)


class _IntervalModel(Forecaster):
    """Shared fitting frame: regular series, backup model, fallback with a warning."""

    #: Fewest weeks of regular series the model needs.
    min_weeks = 2

    def _fit(self, y: pd.Series) -> None:
        if int(self.fit_weeks) != self.fit_weeks or self.fit_weeks < self.min_weeks:
            raise InputError(
                f"{self.name}: fit_weeks must be a whole number, at least {self.min_weeks}",
                column="fit_weeks",
                value=self.fit_weeks,
            )
        self.backup_ = SameSlotAverage().fit(y, self.interval_minutes_)
        self.series_ = _RegularSeries(y, int(self.fit_weeks))
        self.fallback_reason_ = None
        self.path_ = None
        if len(self.series_.values) < self.min_weeks * max(len(self.series_.weekdays), 1):
            self._fall_back(
                f"{len(self.series_.values)} open days in the last {self.fit_weeks} weeks"
            )
            return
        try:
            self._fit_series(self.series_)
        except Exception as error:  # numerical libraries raise many types; never crash a plan
            self._fall_back(str(error) or type(error).__name__)

    def _fall_back(self, reason: str) -> None:
        self._record_fallback(reason)
        self.path_ = None

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        if self.path_ is None:
            return self.backup_.predict(index)
        ahead, column = self.series_.positions(index)
        values = np.full(len(index), np.nan)
        ok = column >= 0
        steps = (ahead[ok] - 1) * self.series_.per_day + column[
            ok
        ]  # 0-based step after the last value
        values[ok] = self._path(int(steps.max()) + 1)[steps] if ok.any() else values[ok]
        values[~np.isfinite(values) | (values < 0)] = np.nan
        return self._fill_from_backup(values, index)

    def _path(self, steps: int) -> np.ndarray:
        raise NotImplementedError

    def _fit_series(self, series: _RegularSeries) -> None:
        raise NotImplementedError


@register
class MSTLModel(_IntervalModel):
    r"""MSTL decomposition with daily and weekly seasonality, components projected ahead.

    The regular open-interval series :math:`x_t` (module docstring), on a log scale
    :math:`z_t = \log(1 + x_t)` so that the seasonal swings scale with the level, is
    decomposed by MSTL into trend :math:`T_t`, daily :math:`S^{(d)}_t` (period: open
    intervals per day), weekly :math:`S^{(w)}_t` (period: open intervals per week) and
    remainder. The forecast repeats the last cycle of each seasonal component and holds
    the trend at its mean over the last open day:

    .. math:: \hat z_{n+h} = \bar T + S^{(d)}_{n+h-p_d k_d} + S^{(w)}_{n+h-p_w k_w},
       \qquad \hat x = e^{\hat z} - 1 .

    :meth:`predict_components` returns the three components per interval.

    Parameters
    ----------
    fit_weeks
        Weeks of history decomposed [weeks], at least 3.

    References
    ----------
    .. [1] K. Bandara, R. J. Hyndman and C. Bergmeir (2021), "MSTL: A seasonal-trend
       decomposition algorithm for time series with multiple seasonal patterns",
       arXiv:2107.13462.
    .. [2] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and
       Practice*, 3rd ed., §12.1 "Complex seasonality". https://otexts.com/fpp3/
    """

    name = "mstl"
    min_weeks = 3

    def __init__(self, fit_weeks: int = 6) -> None:
        self.fit_weeks = fit_weeks

    def _fit_series(self, series: _RegularSeries) -> None:
        z = np.log1p(series.values.ravel())
        periods = (
            (series.per_day, series.per_week) if len(series.weekdays) > 1 else (series.per_day,)
        )
        from statsmodels.tsa.seasonal import MSTL  # heavy import, only where used

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = MSTL(z, periods=periods, iterate=1, stl_kwargs={"robust": False}).fit()
        seasonal = np.asarray(result.seasonal).reshape(len(z), -1)
        self.level_ = float(np.asarray(result.trend)[-series.per_day :].mean())
        self.daily_cycle_ = seasonal[-series.per_day :, 0]
        self.weekly_cycle_ = (
            seasonal[-series.per_week :, 1] if seasonal.shape[1] > 1 else np.zeros(series.per_week)
        )
        self.path_ = True

    def _components(self, steps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        position = np.arange(steps)
        daily = self.daily_cycle_[position % len(self.daily_cycle_)]
        weekly = self.weekly_cycle_[position % len(self.weekly_cycle_)]
        return np.full(steps, self.level_), daily, weekly

    def _path(self, steps: int) -> np.ndarray:
        trend, daily, weekly = self._components(steps)
        return np.expm1(trend + daily + weekly)

    def predict_components(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        """Trend, daily and weekly components (log scale) per interval start; NaN where not modelled."""
        index = pd.DatetimeIndex(index).tz_convert(self.timezone_)
        frame = pd.DataFrame(np.nan, index=index, columns=["trend", "daily", "weekly"])
        if self.path_ is None or not len(index):
            return frame
        ahead, column = self.series_.positions(index)
        ok = column >= 0
        if ok.any():
            steps = (ahead[ok] - 1) * self.series_.per_day + column[ok]
            parts = self._components(int(steps.max()) + 1)
            for name, values in zip(frame.columns, parts, strict=True):
                frame.loc[ok, name] = values[steps]
        return frame


@register
class HoltWintersIntraday(_IntervalModel):
    r"""Holt–Winters exponential smoothing of the interval series with a weekly season.

    Additive Holt–Winters (no trend) of :math:`\log(1 + x_t)` on the regular
    open-interval series with period :math:`p` = open intervals per week, so both the
    intraday and the weekday pattern are in the seasonal states; initial states by the
    heuristic of Hyndman et al., smoothing parameters by maximum likelihood.

    .. math:: \hat z_{n+h} = \ell_n + s_{n+h-p(k+1)}, \qquad k = \lfloor (h-1)/p \rfloor

    Parameters
    ----------
    fit_weeks
        Weeks of history fitted [weeks], at least 3 (the heuristic start needs two
        seasons).

    References
    ----------
    .. [1] J. W. Taylor (2003), "Short-term electricity demand forecasting using double
       seasonal exponential smoothing", Journal of the Operational Research Society
       54(8), 799–805.
    .. [2] J. W. Taylor (2008), "A comparison of univariate time series methods for
       forecasting intraday arrivals at a call center", Management Science 54(2), 253–265.
    .. [3] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and
       Practice*, 3rd ed., §8.3 "Methods with seasonality". https://otexts.com/fpp3/
    """

    name = "holt_winters"
    min_weeks = 3

    def __init__(self, fit_weeks: int = 6) -> None:
        self.fit_weeks = fit_weeks

    def _fit_series(self, series: _RegularSeries) -> None:
        z = np.log1p(series.values.ravel())
        from statsmodels.tsa.holtwinters import ExponentialSmoothing  # heavy, only here

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.results_ = ExponentialSmoothing(
                z,
                trend=None,
                seasonal="add",
                seasonal_periods=series.per_week,
                initialization_method="heuristic",
            ).fit()
        if not np.isfinite(self.results_.sse):
            raise ValueError("non-finite fit")
        self.path_ = True

    def _path(self, steps: int) -> np.ndarray:
        return np.expm1(np.asarray(self.results_.forecast(steps)))
