"""Calendar-aware top-down model and a decayed same-slot average.

:class:`TopDownCalendar` forecasts each open day's total from a recent level, a
day-of-week index and a day-of-month index (pay days and month ends move contact
volumes at banks and utilities), and splits it over the day with a smoothed intraday
profile per weekday estimated over many weeks. :class:`WeightedSameSlotAverage` is the
same-slot average of :mod:`wfm.forecast.baselines` with exponentially decaying weights.

Both only look at *observed* open days, so a weekdays-only centre, holidays and missing
days need no filling: the weekday and day of the month of every date are known.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.base import Forecaster, register
from wfm.forecast.baselines import SameSlotAverage
from wfm.forecast.closures import MAX_FOLLOWER_RANK, closure_effects
from wfm.forecast.level_shift import shift_anchor
from wfm.forecast.slots import DAYS_PER_WEEK, fill_from_coarser, slot_table, wall_clock, weekday_of

logger = logging.getLogger(__name__)

#: A day with fewer observed intervals than this share of its weekday's usual number is
#: left out of the daily totals (partial export, early closing).
PARTIAL_DAY_FRACTION = 0.5

#: Fewest observed open days before the day-of-month index is estimated [days]; below
#: this every day of the month gets the index 1.
MIN_DAYS_FOR_MONTH_EFFECT = 60

#: Damping :math:`\phi` per open day of lead of a day level's recent deviation from its
#: long-run mean (``top_down``: the last ``level_days`` against the ``weekday_weeks``
#: mean; ``factor``, ``root_profile``: the local level): a drift of the level does not
#: last, so a week ahead the forecast leans on the long mean (:math:`\phi^5 \approx 0.6`).
#: Chosen on the bank data's 40 weekdays before the benchmark's test days: week-ahead
#: `auto` WAPE 0.0807 -> 0.0778 there (docs/benchmarks.md, "Day level damped with the
#: lead"); 1 keeps the recent level at every lead.
LEVEL_DAMPING = 0.9

#: Days of a month, for the day-of-month index.
DAYS_PER_MONTH = 31


def _check_whole(model: Forecaster, **values: object) -> None:
    for key, value in values.items():
        if int(value) != value or value < 1:  # type: ignore[operator]
            raise InputError(
                f"{model.name}: {key} must be a whole number, at least 1", column=key, value=value
            )


def observed_days(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a slot table that are complete enough to count as an observed open day.

    A day is kept when it has volume and at least :data:`PARTIAL_DAY_FRACTION` of the
    usual (median) number of observed intervals of its weekday.
    """
    values = table.to_numpy(dtype=float)
    seen = np.isfinite(values)
    counts = seen.sum(axis=1)
    totals = np.where(seen, values, 0.0).sum(axis=1)
    weekday = table.index.day_of_week.to_numpy()
    usual = np.full(DAYS_PER_WEEK, np.inf)
    for day in np.unique(weekday[counts > 0]):
        usual[day] = np.median(counts[(weekday == day) & (counts > 0)])
    keep = (totals > 0) & (counts >= PARTIAL_DAY_FRACTION * usual[weekday])
    return table[keep]


def weekday_profile(
    days: pd.DataFrame, weeks: int, smooth_intervals: int, decay: float = 1.0
) -> pd.DataFrame:
    r"""Intraday profile per weekday: the mean daily share of each slot, smoothed.

    .. math:: \pi_{w,m} \propto \frac{\sum_{k=1}^{K} \delta^{k-1}\, y_{d_k,m} / \sum_{m'} y_{d_k,m'}}
       {\sum_{k=1}^{K} \delta^{k-1}}

    over the last :math:`K` = ``weeks`` observed days :math:`d_1, d_2, \dots` (newest
    first) of weekday :math:`w`, with weight :math:`\delta` = ``decay`` per older
    observation (1: a plain mean), then a centred moving average over
    ``2 * smooth_intervals + 1`` neighbouring slots, renormalised to sum to one. Rows
    0..6 (NaN for weekdays never observed). A slot missing on a day is left out of that
    slot's average.
    """
    values = days.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = values / np.nansum(values, axis=1, keepdims=True)
    weekday = days.index.day_of_week.to_numpy()
    mean = np.full((DAYS_PER_WEEK, values.shape[1]), np.nan)
    for day in np.unique(weekday):
        rows = shares[weekday == day][-int(weeks) :]
        weights = float(decay) ** np.arange(len(rows))[::-1]  # 1 for the newest
        seen = np.isfinite(rows)
        weight_sum = (seen * weights[:, None]).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean[day] = np.where(seen, rows, 0.0).T @ weights / weight_sum
    if smooth_intervals:
        # Centred moving average over the slots, skipping missing ones (as pandas'
        # rolling mean with min_periods=1), missing slots kept missing.
        kernel = np.ones(2 * int(smooth_intervals) + 1)
        seen = np.isfinite(mean)
        sums = np.array([np.convolve(row, kernel, "same") for row in np.where(seen, mean, 0.0)])
        counts = np.array([np.convolve(row, kernel, "same") for row in seen.astype(float)])
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(seen, sums / counts, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        totals = np.nansum(mean, axis=1, keepdims=True)
        mean = mean / np.where(totals > 0, totals, np.nan)
    return pd.DataFrame(mean, index=range(DAYS_PER_WEEK), columns=days.columns)


@register
class TopDownCalendar(Forecaster):
    r"""Daily totals from level × day-of-week × day-of-month, split by a weekday profile.

    For an observed open day :math:`t` with weekday :math:`w_t` and day of the month
    :math:`m_t`, the daily total is modelled as

    .. math:: Y_t = L\, s_{w_t}\, f_{m_t}\, \varepsilon_t

    - :math:`s_w`: mean total of weekday :math:`w` over the last ``weekday_weeks`` weeks
      divided by the mean total of those weeks' open days;
    - :math:`f_m`: day-of-month index. Each deseasonalised total :math:`Y_t / s_{w_t}` is
      divided by its centred moving average over ``detrend_days`` open days (which
      removes level and trend), the ratios are averaged by day of the month, smoothed
      circularly over :math:`m \pm` ``month_day_bandwidth`` days, shrunk towards 1 with
      a prior worth two days, and normalised to mean 1. Estimated only with
      :data:`MIN_DAYS_FOR_MONTH_EFFECT` observed days or more, else 1;
    - :math:`L`: the mean of :math:`Y_t / (s_{w_t} f_{m_t})` over the last
      ``level_days`` open days (no trend: the model is meant for day- and week-ahead
      horizons, where Taylor (2008) found trends hard to exploit). At a lead of
      :math:`h` open days it is damped towards :math:`\bar L`, the same mean over the
      last ``weekday_weeks`` weeks: :math:`L_h = \bar L + \phi^h (L - \bar L)`,
      :math:`\phi` = ``level_damping``.

    The forecast of slot :math:`m'` on day :math:`d` is
    :math:`\hat y = L\, s_{w_d}\, f_{m_d}\, \pi_{w_d, m'}` with the profile :math:`\pi` of
    :func:`weekday_profile`. Slots or weekdays the model has not seen use
    :class:`~wfm.forecast.baselines.SameSlotAverage`.

    Parameters
    ----------
    profile_weeks
        Observed days of each weekday averaged into the intraday profile [weeks].
    profile_decay
        Weight of each older observation of a weekday in the profile, in (0, 1]; 1 is a
        plain mean. The default 0.9 (half the weight within the last 6.6 weeks) was chosen
        on the bank data's two 20-day periods *before* the benchmark's test period
        (2003-07-31 .. 2003-09-25), where it cut day-ahead WAPE by about 1 % against a
        plain 12-week mean (0.0701 → 0.0694 and 0.0897 → 0.0887 with the same daily
        totals).
    smooth_intervals
        Half-width of the moving average across slots of the profile [intervals].
    level_days
        Open days averaged into the level [days].
    weekday_weeks
        Weeks over which the day-of-week index is estimated [weeks].
    month_day_effect
        Estimate the day-of-month index (set ``False`` for a centre without one).
    detrend_days
        Window of the centred moving average the day-of-month ratios are taken
        against [open days].
    month_day_bandwidth
        Half-width of the circular smoothing of the day-of-month index [days].
    closure_effect
        Divide the totals of the first open days after a closure by their learnt backlog
        effect (:func:`~wfm.forecast.closures.closure_effects`) before estimating
        :math:`L`, :math:`s_w` and :math:`f_m`. Changes nothing for a history without
        closures.
    level_damping
        :math:`\phi` in (0, 1] (:data:`LEVEL_DAMPING`); 1 keeps :math:`L` at every lead.

    Attributes
    ----------
    level_
        :math:`L` [contacts per day].
    long_level_
        :math:`\bar L` [contacts per day], times :math:`1 + a` after a persistent shift.
    shift_anchor_
        :math:`a`, the relative level after a persistent shift of the level over the
        ``weekday_weeks`` weeks (:func:`~wfm.forecast.level_shift.shift_anchor`; 0: none).
    closure_effects_
        Backlog effect per follower rank (entry 0 is 1), see ``closure_effect``.
    weekday_index_
        :math:`s_w`, 7 values (NaN for weekdays without history).
    month_day_index_
        :math:`f_m`, 32 values indexed by day of the month (entry 0 unused).
    profile_
        :math:`\pi`, rows weekday 0..6, columns minute of the day.

    References
    ----------
    .. [1] J. W. Taylor (2008), "A comparison of univariate time series methods for
       forecasting intraday arrivals at a call center", Management Science 54(2), 253–265.
    .. [2] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and
       Practice*, 3rd ed., §3.4 "Classical decomposition" and §11.1 "Hierarchical and
       grouped time series" (top-down forecasting with proportions). https://otexts.com/fpp3/
    .. [3] H. Shen and J. Z. Huang (2008), "Interday forecasting and intraday updating of
       call center arrivals", Manufacturing & Service Operations Management 10(3), 391–410.
    """

    name = "top_down"

    def __init__(
        self,
        profile_weeks: int = 30,
        smooth_intervals: int = 1,
        level_days: int = 10,
        weekday_weeks: int = 12,
        month_day_effect: bool = True,
        detrend_days: int = 15,
        month_day_bandwidth: int = 1,
        profile_decay: float = 0.9,
        closure_effect: bool = True,
        level_damping: float = LEVEL_DAMPING,
    ) -> None:
        self.level_damping = level_damping
        self.profile_weeks = profile_weeks
        self.profile_decay = profile_decay
        self.closure_effect = closure_effect
        self.smooth_intervals = smooth_intervals
        self.level_days = level_days
        self.weekday_weeks = weekday_weeks
        self.month_day_effect = month_day_effect
        self.detrend_days = detrend_days
        self.month_day_bandwidth = month_day_bandwidth

    def _fit(self, y: pd.Series) -> None:
        _check_whole(
            self,
            profile_weeks=self.profile_weeks,
            level_days=self.level_days,
            weekday_weeks=self.weekday_weeks,
            detrend_days=self.detrend_days,
        )
        if not 0 < self.level_damping <= 1:
            raise InputError(
                f"{self.name}: level_damping must be in (0, 1]",
                column="level_damping",
                value=self.level_damping,
                fix=f"e.g. {LEVEL_DAMPING}; 1 keeps the recent level at every lead",
            )
        if not 0 < self.profile_decay <= 1:
            raise InputError(
                f"{self.name}: profile_decay must be in (0, 1]",
                column="profile_decay",
                value=self.profile_decay,
                fix="e.g. 0.9; 1 weights every week of the profile equally",
            )
        if self.smooth_intervals < 0 or self.month_day_bandwidth < 0:
            raise InputError(
                f"{self.name}: smoothing widths must be 0 or more", value=self.get_params()
            )
        table = slot_table(y)
        self.backup_ = SameSlotAverage().fit(y, self.interval_minutes_)
        days = observed_days(table)
        self.level_ = self.long_level_ = self.shift_anchor_ = 0.0
        self.weekday_index_ = np.full(DAYS_PER_WEEK, np.nan)
        self.month_day_index_ = np.ones(DAYS_PER_MONTH + 1)
        self.closure_effects_ = np.ones(MAX_FOLLOWER_RANK + 1)
        self.profile_ = (
            weekday_profile(days, self.profile_weeks, self.smooth_intervals, self.profile_decay)
            if len(days)
            else None
        )
        if days.empty:
            return
        totals = days.sum(axis=1).to_numpy(dtype=float)
        if self.closure_effect:
            # The backlog after a closure is not a change of level (wfm.forecast.closures).
            self.closure_effects_, by_date = closure_effects(
                days.index.to_numpy().astype("datetime64[D]"), totals
            )
            totals = totals / by_date
        weekday = days.index.day_of_week.to_numpy()
        month_day = days.index.day.to_numpy()
        recent = days.index > days.index[-1] - pd.Timedelta(weeks=self.weekday_weeks)
        by_weekday = pd.Series(totals[recent]).groupby(weekday[recent]).mean()
        index = by_weekday / totals[recent].mean()
        self.weekday_index_ = index.reindex(range(DAYS_PER_WEEK)).to_numpy(dtype=float)
        seasonal = self.weekday_index_[weekday]
        usable = np.isfinite(seasonal)  # weekdays seen only long ago carry no index
        deseasonalised = totals[usable] / seasonal[usable]
        if self.month_day_effect and usable.sum() >= MIN_DAYS_FOR_MONTH_EFFECT:
            self.month_day_index_ = _month_day_index(
                deseasonalised, month_day[usable], self.detrend_days, self.month_day_bandwidth
            )
        adjusted = deseasonalised / self.month_day_index_[month_day[usable]]
        self.level_ = float(adjusted[-self.level_days :].mean()) if len(adjusted) else 0.0
        self.long_level_ = float(adjusted[recent[usable]].mean()) if len(adjusted) else 0.0
        if self.long_level_ > 0:
            # A persistent step moves the long-run level the damping pulls towards.
            relative = adjusted[recent[usable]] / self.long_level_ - 1.0
            self.shift_anchor_ = shift_anchor(relative - relative.mean())
            self.long_level_ *= 1.0 + self.shift_anchor_
        self.last_date_ = days.index[-1].to_datetime64().astype("datetime64[D]")
        self.open_weekdays_ = "".join("1" if d in set(weekday) else "0" for d in range(7))

    def daily_totals(self, dates: np.ndarray) -> np.ndarray:
        """Forecast daily totals [contacts per day] for local dates (datetime64[D])."""
        days = pd.DatetimeIndex(dates)
        level = self.level_
        if self.level_damping != 1.0:
            steps = np.maximum(
                np.busday_count(self.last_date_, dates, weekmask=self.open_weekdays_), 1
            )
            level = self.long_level_ + float(self.level_damping) ** steps * (
                self.level_ - self.long_level_
            )
        return (
            level
            * self.weekday_index_[weekday_of(dates)]
            * self.month_day_index_[days.day.to_numpy()]
        )

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        if self.profile_ is None or self.level_ <= 0:
            return self.backup_.predict(index)
        dates, minutes = wall_clock(index)
        columns = self.profile_.columns.get_indexer(minutes)
        shares = np.where(
            columns >= 0,
            self.profile_.to_numpy(dtype=float)[weekday_of(dates), np.maximum(columns, 0)],
            np.nan,
        )
        values = self.daily_totals(dates) * shares
        return self._fill_from_backup(values, index)


def month_day_factors(
    days: pd.DataFrame,
    weekday_weeks: int = 12,
    detrend_days: int = 15,
    bandwidth: int = 1,
) -> np.ndarray:
    r"""Day-of-month index (32 entries, entry 0 unused) from the observed open days.

    The index :math:`f_m` of :class:`TopDownCalendar`, for other models to share: daily
    totals of ``days`` (rows of :func:`observed_days`) are divided by their weekday index
    over the last ``weekday_weeks`` weeks, then by a centred moving average over
    ``detrend_days`` open days; the ratios are averaged by day of the month, smoothed
    over :math:`m \pm` ``bandwidth``, shrunk towards 1 and normalised to mean 1.
    """
    totals = days.sum(axis=1).to_numpy(dtype=float)
    weekday = days.index.day_of_week.to_numpy()
    recent = days.index > days.index[-1] - pd.Timedelta(weeks=weekday_weeks)
    by_weekday = pd.Series(totals[recent]).groupby(weekday[recent]).mean() / totals[recent].mean()
    seasonal = by_weekday.reindex(range(DAYS_PER_WEEK)).to_numpy(dtype=float)[weekday]
    usable = np.isfinite(seasonal)
    return _month_day_index(
        totals[usable] / seasonal[usable],
        days.index.day.to_numpy()[usable],
        detrend_days,
        bandwidth,
    )


def _month_day_index(
    deseasonalised: np.ndarray, month_day: np.ndarray, window: int, bandwidth: int
) -> np.ndarray:
    """Day-of-month index (32 entries, entry 0 unused), see :class:`TopDownCalendar`."""
    base = (
        pd.Series(deseasonalised)
        .rolling(window, center=True, min_periods=max(window // 2, 1))
        .mean()
    )
    ratio = deseasonalised / base.to_numpy()
    ok = np.isfinite(ratio)
    sums = np.bincount(month_day[ok] - 1, weights=ratio[ok], minlength=DAYS_PER_MONTH)
    counts = np.bincount(month_day[ok] - 1, minlength=DAYS_PER_MONTH).astype(float)
    kernel_sums = sum(np.roll(sums, shift) for shift in range(-bandwidth, bandwidth + 1))
    kernel_counts = sum(np.roll(counts, shift) for shift in range(-bandwidth, bandwidth + 1))
    prior = 2.0  # days' worth of "no effect"
    index = (kernel_sums + prior) / (kernel_counts + prior)
    index = index / index.mean()
    return np.concatenate([[1.0], index])


@register
class WeightedSameSlotAverage(Forecaster):
    r"""Same-slot average with exponentially decaying weights over the last weeks.

    .. math:: \hat y_{w,m} = \frac{\sum_{k=1}^{K} \lambda^{k-1} y_{d_k,m}}{\sum_{k=1}^{K} \lambda^{k-1}}

    over the :math:`K` = ``weeks`` most recent observations :math:`d_1 > d_2 > \dots` of
    weekday :math:`w` at minute :math:`m` (missing days skipped), with decay
    :math:`\lambda` = ``decay``. Every future date of weekday :math:`w` gets the same
    value. ``decay = 1`` is :class:`~wfm.forecast.baselines.SameSlotAverage`.

    Parameters
    ----------
    weeks
        Observations per slot [weeks], at least 1.
    decay
        Weight ratio of each week to the next more recent one, in (0, 1].

    References
    ----------
    .. [1] J. W. Taylor (2008), "A comparison of univariate time series methods for
       forecasting intraday arrivals at a call center", Management Science 54(2), 253–265.
    """

    name = "weighted_same_slot"

    def __init__(self, weeks: int = 12, decay: float = 0.8) -> None:
        self.weeks = weeks
        self.decay = decay

    def _fit(self, y: pd.Series) -> None:
        _check_whole(self, weeks=self.weeks)
        if not 0 < self.decay <= 1:
            raise InputError(
                f"{self.name}: decay must be in (0, 1]", column="decay", value=self.decay
            )
        self.table_ = slot_table(y)
        values = self.table_.to_numpy(dtype=float)
        weekdays = self.table_.index.day_of_week.to_numpy()
        state = np.full((DAYS_PER_WEEK, values.shape[1]), np.nan)
        for weekday in range(DAYS_PER_WEEK):
            rows = values[weekdays == weekday][::-1]  # most recent first
            if not len(rows):
                continue
            valid = np.isfinite(rows)
            rank = np.cumsum(valid, axis=0) - 1  # 0 for the latest observation of each slot
            use = valid & (rank < self.weeks)
            weights = np.where(use, float(self.decay) ** rank, 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                state[weekday] = (np.where(use, rows, 0.0) * weights).sum(axis=0) / weights.sum(
                    axis=0
                )
        self.state_ = pd.DataFrame(state, columns=self.table_.columns)

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        dates, minutes = wall_clock(index)
        columns = self.state_.columns.get_indexer(minutes)
        values = np.where(
            columns >= 0, self.state_.to_numpy()[weekday_of(dates), np.maximum(columns, 0)], np.nan
        )
        return fill_from_coarser(values, minutes, self.table_)
