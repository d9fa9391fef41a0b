r"""Factor model of daily intraday profiles (Shen & Huang): SVD of the day × slot matrix.

Each observed open day :math:`d` is a vector of counts over the slots of the day. After
the root-unroot transform :math:`x_{d,m} = \sqrt{y_{d,m} + 1/4}` (variance about 1/4 for
Poisson counts whatever the rate) the matrix :math:`X` (days × slots) is reduced by a
singular value decomposition to :math:`K` factors:

.. math:: x_{d,m} \approx \sum_{k=1}^{K} \beta_{d,k}\, f_k(m) .

The intraday *factors* :math:`f_k` (right singular vectors, the functional principal
components of the daily profiles) are fixed; the day-level *scores* :math:`\beta_{d,k}`
are a short multivariate series that is forecast. Each score series is modelled as a
mean per weekday plus an AR(1) deviation over consecutive open days (Shen & Huang 2005,
§3), so a busy yesterday lifts tomorrow and the lift decays with the lead:

.. math:: \hat\beta_{T+h,k} = \mu_{k,w(T+h)} + \rho_k^{h}\,(\beta_{T,k} - \mu_{k,w(T)}) .

Counts are first divided by a day-of-month index (:func:`~wfm.forecast.topdown.month_day_index`,
pay days and month ends move bank volumes), and multiplied back after. The forecast is
unrooted with the bias correction of the transform:
:math:`\hat y = \hat x^2 + \hat\sigma^2 - 1/4`, :math:`\hat\sigma^2` the in-sample
residual variance on the root scale.

The deviation is a local level :math:`\ell` (a slow drift) plus the AR(1) remainder
(:func:`_local_level_ar`). A drift of the level does not last: after Labor Day 2003 the
bank's day totals were 32, 17 and 9 % over the summer's weekday means, then 1–8 % below
them for three weeks. The forecast :math:`h` open days ahead
therefore damps the level towards the weekday means (the long-run mean of the fit
window), :math:`\phi^h \ell_T + \rho^h (d_T - \ell_T)`, the :math:`h`-step forecast
of a level that is itself AR(1) with coefficient :math:`\phi` =
:data:`~wfm.forecast.topdown.LEVEL_DAMPING` (damped as Gardner & McKenzie 1985 damp a
trend). :math:`\phi` was
chosen on the bank data's 40 weekdays before the benchmark's test days
(docs/benchmarks.md, "Day level damped with the lead"). After a persistent step of the
level the damping pulls towards the level after the step instead
(:func:`~wfm.forecast.level_shift.shift_anchor`, per score series).

References
----------
.. [1] H. Shen and J. Z. Huang (2005), "Analysis of call centre arrival data using
   singular value decomposition", Applied Stochastic Models in Business and Industry
   21(3), 251–263.
.. [2] H. Shen and J. Z. Huang (2008), "Interday forecasting and intraday updating of
   call center arrivals", Manufacturing & Service Operations Management 10(3), 391–410.
.. [3] L. Brown et al. (2005), "Statistical analysis of a telephone call center: a
   queueing-science perspective", JASA 100(469), 36–50 (the root-unroot transform).
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
from wfm.forecast.slots import DAYS_PER_WEEK, slot_table, wall_clock, weekday_of
from wfm.forecast.topdown import (
    LEVEL_DAMPING,
    MIN_DAYS_FOR_MONTH_EFFECT,
    month_day_factors,
    observed_days,
)

logger = logging.getLogger(__name__)

#: Fewest observed open days the factor model needs; with fewer it falls back [days].
MIN_FACTOR_DAYS = 15

#: Offset of the root-unroot transform (Brown et al. 2005).
ROOT_OFFSET = 0.25


@register
class FactorModel(Forecaster):
    r"""Shen & Huang's SVD factor model with AR(1) day-level scores (module docstring).

    Parameters
    ----------
    factors
        Number of intraday factors :math:`K` kept, at least 1.
    fit_weeks
        Weeks of history whose observed open days form the matrix [weeks].
    month_day_effect
        Divide by the day-of-month index before the SVD (needs
        :data:`~wfm.forecast.topdown.MIN_DAYS_FOR_MONTH_EFFECT` observed days).
    closure_effect
        Divide the counts of the first open days after a closure by their learnt backlog
        effect (:func:`~wfm.forecast.closures.closure_effects`) before the SVD, so the
        AR(1) scores do not read a backlog as a change of level.
    level_damping
        :math:`\phi` in (0, 1]: the local level of the scores' deviations is damped by
        :math:`\phi^h` at a lead of :math:`h` open days (module docstring).

    Attributes
    ----------
    closure_effects_
        Backlog effect per follower rank (entry 0 is 1), see ``closure_effect``.
    factors_
        Intraday factors, ``(K, slots)`` array on the root scale.
    minutes_
        Minute of the day of each slot column.
    weekday_means_
        Mean score per weekday, ``(7, K)`` (NaN rows for weekdays never open).
    ar_
        AR(1) coefficient of each score's deviation, ``(K,)``.
    last_deviation_
        Deviation of the last observed day's scores from their weekday means.
    fallback_reason_
        Why :class:`~wfm.forecast.baselines.SameSlotAverage` is used instead, or ``None``.
    """

    name = "factor"

    def __init__(
        self,
        factors: int = 4,
        fit_weeks: int = 30,
        month_day_effect: bool = True,
        closure_effect: bool = True,
        level_damping: float = LEVEL_DAMPING,
    ):
        self.level_damping = level_damping
        self.closure_effect = closure_effect
        self.factors = factors
        self.fit_weeks = fit_weeks
        self.month_day_effect = month_day_effect

    def _fit(self, y: pd.Series) -> None:
        for key in ("factors", "fit_weeks"):
            value = getattr(self, key)
            if int(value) != value or value < 1:
                raise InputError(
                    f"{self.name}: {key} must be a whole number, at least 1",
                    column=key,
                    value=value,
                )
        days = day_model_fit_days(self, y)
        if days is None:
            return
        weekday = days.index.day_of_week.to_numpy()
        # Slots never open on a weekday are zero there; a missing slot on an open day
        # takes its weekday's mean.
        filled = days.fillna(days.groupby(weekday).transform("mean")).fillna(0.0)
        values = (
            filled.to_numpy(dtype=float) / self.month_index_[days.index.day.to_numpy()][:, None]
        )
        root = np.sqrt(values + ROOT_OFFSET)
        k = int(min(self.factors, root.shape[0] - 1, root.shape[1]))
        # The right singular vectors of X are the eigenvectors of the small Gram matrix
        # X'X (slots x slots); its eigendecomposition is several times faster than an SVD.
        eigenvalues, vectors = np.linalg.eigh(root.T @ root)
        order = np.argsort(eigenvalues)[::-1][:k]
        self.factors_ = vectors[:, order].T
        scores = root @ self.factors_.T
        self.minutes_ = np.asarray(filled.columns, dtype=np.int64)
        means = np.full((DAYS_PER_WEEK, k), np.nan)
        for day in np.unique(weekday):
            means[day] = scores[weekday == day].mean(axis=0)
        self.weekday_means_ = means
        deviation = scores - means[weekday]
        self.smoothing_ = np.zeros(k)
        self.ar_ = np.zeros(k)
        self.level_ = np.zeros(k)
        self.last_deviation_ = np.zeros(k)
        self.shift_anchor_ = np.zeros(k)
        one_step = means[weekday].copy()
        for j in range(k):
            fit = _local_level_ar(deviation[:, j])
            self.smoothing_[j], self.ar_[j], self.level_[j], self.last_deviation_[j] = fit[:4]
            one_step[:, j] += fit[4]
            self.shift_anchor_[j] = shift_anchor(deviation[:, j])
        self.open_weekdays_ = "".join("1" if d in set(weekday) else "0" for d in range(7))
        self.last_date_ = days.index[-1].to_datetime64().astype("datetime64[D]")
        self.root_variance_ = float(np.mean((root - one_step @ self.factors_) ** 2))

    def day_scores(self, dates: np.ndarray) -> np.ndarray:
        """Forecast scores ``(len(dates), K)`` for local dates after the history (datetime64[D])."""
        steps = np.busday_count(self.last_date_, dates, weekmask=self.open_weekdays_)
        steps = np.maximum(steps, 1)
        deviation = damped_deviation(
            self.level_[None, :],
            self.last_deviation_[None, :],
            self.ar_[None, :],
            float(self.level_damping),
            steps[:, None],
            self.shift_anchor_[None, :],
        )
        return self.weekday_means_[weekday_of(dates)] + deviation

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        if self.fallback_reason_ is not None:
            return self.backup_.predict(index)
        dates, minutes = wall_clock(index)
        unique_dates, position = np.unique(dates, return_inverse=True)
        scores = self.day_scores(unique_dates)[position]
        columns = np.searchsorted(self.minutes_, minutes)
        columns = np.minimum(columns, len(self.minutes_) - 1)
        known = self.minutes_[columns] == minutes
        root = np.einsum("ik,ki->i", scores, self.factors_[:, columns])
        month = self.month_index_[pd.DatetimeIndex(dates).day.to_numpy()]
        values = counts_from_root(np.maximum(root, 0.0), self.root_variance_, month, known)
        return self._fill_from_backup(values, index)


def damped_deviation(
    level: np.ndarray,
    last: np.ndarray,
    ar: np.ndarray,
    damping: float,
    steps: np.ndarray,
    anchor: np.ndarray | float = 0.0,
) -> np.ndarray:
    r"""Forecast deviation from the weekday mean :math:`h` open days ahead.

    :math:`a + \phi^h (\ell_T - a) + \rho^h (d_T - \ell_T)`: the local level
    :math:`\ell_T` damped by :math:`\phi` per open day towards the long-run level
    :math:`a` (0, or the level after a persistent shift:
    :func:`~wfm.forecast.level_shift.shift_anchor`), the AR(1) remainder by :math:`\rho`.

    Examples
    --------
    >>> float(damped_deviation(np.array(2.0), np.array(3.0), np.array(0.5), 0.9, np.array(2)))
    1.87
    """
    return anchor + (level - anchor) * damping**steps + ar**steps * (last - level)


def _check_damping(model) -> None:
    if not 0 < model.level_damping <= 1:
        raise InputError(
            f"{model.name}: level_damping must be in (0, 1]",
            column="level_damping",
            value=model.level_damping,
            fix=f"e.g. {LEVEL_DAMPING}; 1 keeps the local level at every lead",
        )


def day_model_fit_days(model, y: pd.Series) -> pd.DataFrame | None:
    """The observed open days (rows: local dates, columns: slots) a day-level model on the
    root scale fits on (:class:`FactorModel`, ``RootProfileModel``), prepared in one way.

    Sets on ``model`` its fitted ``backup_`` (``same_slot_average``), ``fallback_reason_``
    (None), ``closure_effects_`` (the backlog after a closure, divided out of the days when
    ``model.closure_effect``: :mod:`wfm.forecast.closures`) and ``month_index_`` (the
    day-of-month factors when ``model.month_day_effect``, else ones), then keeps the last
    ``model.fit_weeks`` weeks. Returns None, after recording the fallback with a warning
    naming queue and model, when fewer than :data:`MIN_FACTOR_DAYS` days remain.
    """
    _check_damping(model)
    model.backup_ = SameSlotAverage().fit(y, model.interval_minutes_)
    model.fallback_reason_ = None
    days = observed_days(slot_table(y))
    model.month_index_ = np.ones(32)
    model.closure_effects_ = np.ones(MAX_FOLLOWER_RANK + 1)
    if model.closure_effect and len(days):
        # The backlog after a closure is not a change of level (wfm.forecast.closures).
        model.closure_effects_, by_date = closure_effects(
            days.index.to_numpy().astype("datetime64[D]"),
            days.sum(axis=1).to_numpy(dtype=float),
        )
        days = days.div(by_date, axis=0)
    if model.month_day_effect and len(days) >= MIN_DAYS_FOR_MONTH_EFFECT:
        model.month_index_ = month_day_factors(days)
    if len(days):
        days = days[days.index > days.index[-1] - pd.Timedelta(weeks=int(model.fit_weeks))]
    if len(days) < MIN_FACTOR_DAYS:
        model._record_fallback(
            f"{len(days)} observed open days, need {MIN_FACTOR_DAYS}",
            problem="has too little history",
        )
        return None
    return days


def counts_from_root(
    root: np.ndarray, root_variance: float, month_factor: np.ndarray, known: np.ndarray
) -> np.ndarray:
    r"""Contacts per interval from a forecast on the root scale :math:`r = \sqrt{y + c}`.

    :math:`E[y] = E[r]^2 + \operatorname{Var}(r) - c` (the mean of a square), floored at 0
    and times the day-of-month factor; NaN where ``known`` is false (slots without a shape,
    for :meth:`~wfm.forecast.base.Forecaster._fill_from_backup`).

    Parameters
    ----------
    root
        Forecast :math:`E[r]`, non-negative, one per interval.
    root_variance
        Variance of the one-step root-scale error, :math:`\operatorname{Var}(r)`.
    month_factor
        Day-of-month factor of each interval's date (1 = no effect).
    known
        Whether the model has a shape for each interval.

    Examples
    --------
    >>> counts_from_root(np.array([2.0, 3.0]), 0.25, np.array([1.0, 2.0]), np.array([True, False]))
    array([ 4., nan])
    """
    values = np.maximum(root**2 + root_variance - ROOT_OFFSET, 0.0) * month_factor
    return np.where(known & np.isfinite(values), values, np.nan)


#: Smoothing constants tried for the local level of the score deviations.
SMOOTHING_GRID = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5)


def _local_level_ar(deviation: np.ndarray) -> tuple[float, float, float, float, np.ndarray]:
    r"""Local level plus AR(1) of one score's deviations from its weekday means.

    The level :math:`\ell_t = \ell_{t-1} + \alpha (d_t - \ell_{t-1})` (simple exponential
    smoothing, :math:`\ell_0 = 0`) follows slow drifts of the volume; the remainder
    :math:`d_t - \ell_{t-1}` is AR(1) with coefficient :math:`\rho` (least squares,
    clipped to [0, 0.99]). :math:`\alpha` minimises the one-step squared error over
    :data:`SMOOTHING_GRID`. The forecast :math:`h` open days ahead is
    :math:`\phi^h \ell_T + \rho^h (d_T - \ell_T)` (:func:`damped_deviation`).

    Returns
    -------
    tuple
        ``(alpha, rho, level_T, d_T, one_step)``, ``one_step`` the in-sample one-step
        forecasts of the deviations.
    """
    from scipy.signal import lfilter  # heavy import, only where used (issue 15)

    best = None
    for alpha in SMOOTHING_GRID:
        levels = np.zeros(len(deviation) + 1)
        levels[1:] = lfilter(
            [alpha], [1.0, alpha - 1.0], deviation
        )  # l_t = l_{t-1} + a (d_t - l_{t-1})
        before = levels[:-1]
        remainder = deviation - before
        x, z = remainder[:-1], remainder[1:]
        denominator = float(x @ x)
        rho = float(np.clip(x @ z / denominator, 0.0, 0.99)) if denominator > 0 else 0.0
        one_step = before.copy()
        one_step[1:] = levels[1:-1] + rho * (deviation[:-1] - levels[1:-1])
        error = float(((deviation - one_step) ** 2).sum())
        if best is None or error < best[0]:
            best = (error, alpha, rho, float(levels[-1]), float(deviation[-1]), one_step)
    return best[1:]
