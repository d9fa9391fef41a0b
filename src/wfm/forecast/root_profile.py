r"""Day level × weekday profile on the square-root scale (Weinberg, Brown & Stroud 2007).

Each observed open day :math:`d` of weekday :math:`w_d` is, after the root-unroot
transform :math:`x_{d,m} = \sqrt{y_{d,m} / f_{m_d} + 1/4}` (variance about 1/4 for
Poisson counts; :math:`f` the day-of-month index of
:func:`~wfm.forecast.topdown.month_day_factors`), a day level times a weekday profile:

.. math:: x_{d,m} = v_d\, g_{w_d}(m) + \varepsilon_{d,m}, \qquad \sum_m g_w(m) = 1 .

- The **profile** :math:`g_w` is the decayed mean of the days' root shares
  :math:`x_{d,m} / v_d` (weight ``profile_decay`` per older week, the last
  ``profile_weeks`` days of the weekday), written as the all-weekday profile plus the
  weekday's deviation from it. The deviation is **shrunk** towards zero by an empirical
  Bayes factor :math:`c_w = \tau^2 / (\tau^2 + s_w^2 / n_w)`, :math:`\tau^2` the spread of
  the weekday deviations across weekdays beyond their sampling noise and
  :math:`s_w^2 / n_w` that noise (within-weekday variance over the effective number of
  days), and both parts are **smoothed** over neighbouring slots by a penalised least
  squares (Whittaker) smoother with second-difference penalty ``smooth_penalty``.
- The **day level** :math:`v_d = \sum_m x_{d,m}` is a weekday mean plus a deviation that
  follows a local level with an AR(1) remainder (WBS's AR(1) day level, with a drift;
  :func:`~wfm.forecast.factor._local_level_ar`), so a busy yesterday lifts tomorrow; the
  level is damped towards the weekday mean by ``level_damping`` per open day of lead
  (:func:`~wfm.forecast.factor.damped_deviation`).

The forecast unroots with the bias correction of the transform:
:math:`\hat y = f_{m}\,(\max(\hat v\, g_w(m), 0)^2 + \hat\sigma^2 - 1/4)`,
:math:`\hat\sigma^2` the in-sample one-step residual variance on the root scale.

Weinberg et al. fit this model by MCMC with a smooth prior on the profile; here every part
has a closed form or a small grid, so a fit costs milliseconds and is deterministic.

References
----------
.. [1] J. Weinberg, L. D. Brown and J. R. Stroud (2007), "Bayesian forecasting of an
   inhomogeneous Poisson process with applications to call center data", JASA 102(480),
   1185–1198.
.. [2] E. T. Whittaker (1923), "On a new method of graduation", Proceedings of the
   Edinburgh Mathematical Society 41, 63–75 (the penalised smoother).
.. [3] B. Efron and C. Morris (1973), "Stein's estimation rule and its competitors — an
   empirical Bayes approach", JASA 68(341), 117–130 (the shrinkage factor).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.base import Forecaster, register
from wfm.forecast.factor import (
    ROOT_OFFSET,
    _local_level_ar,
    counts_from_root,
    damped_deviation,
    day_model_fit_days,
)
from wfm.forecast.level_shift import shift_anchor
from wfm.forecast.slots import DAYS_PER_WEEK, wall_clock, weekday_of
from wfm.forecast.topdown import LEVEL_DAMPING

logger = logging.getLogger(__name__)


def whittaker_smooth(values: np.ndarray, penalty: float) -> np.ndarray:
    r"""Penalised least-squares smoothing of each row over its columns (Whittaker 1923).

    Minimises :math:`\sum_m (z_m - u_m)^2 + \lambda \sum_m (\Delta^2 z_m)^2`, i.e.
    :math:`z = (I + \lambda D^\top D)^{-1} u` with :math:`D` the second-difference matrix.
    A straight line is left unchanged whatever :math:`\lambda`; :math:`\lambda = 0` returns
    the input.

    Parameters
    ----------
    values
        Rows to smooth, shape ``(rows, columns)``.
    penalty
        :math:`\lambda \ge 0` [dimensionless].

    Examples
    --------
    >>> whittaker_smooth(np.array([[1.0, 2.0, 3.0, 4.0]]), 100.0).round(6).tolist()
    [[1.0, 2.0, 3.0, 4.0]]
    >>> whittaker_smooth(np.array([[0.0, 3.0, 0.0]]), 1.0).round(3).tolist()
    [[0.857, 1.286, 0.857]]
    """
    values = np.atleast_2d(np.asarray(values, dtype=float))
    columns = values.shape[1]
    if penalty <= 0 or columns < 3:
        return values.copy()
    second = np.diff(np.eye(columns), 2, axis=0)
    system = np.eye(columns) + float(penalty) * second.T @ second
    return np.linalg.solve(system, values.T).T


def shrunk_weekday_profiles(
    shares: np.ndarray,
    weekday: np.ndarray,
    open_slots: np.ndarray,
    weeks: int,
    decay: float,
    penalty: float,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Weekday profiles shrunk towards the all-weekday profile and smoothed (module docstring).

    Parameters
    ----------
    shares
        Each day's shares of its total, shape ``(days, slots)``, oldest day first.
    weekday
        Weekday 0..6 of each day.
    open_slots
        ``(7, slots)`` booleans: slot seen open on that weekday. Profiles are zero elsewhere.
    weeks
        Latest days of each weekday used [weeks].
    decay
        Weight of each older day of a weekday relative to the next, in (0, 1].
    penalty
        Whittaker penalty of the smoother (:func:`whittaker_smooth`).

    Returns
    -------
    profiles : numpy.ndarray
        ``(7, slots)``, each open weekday's row summing to 1; NaN rows for weekdays never seen.
    shrinkage : numpy.ndarray
        :math:`c_w` per weekday (1: the weekday's own profile, 0: the all-weekday one).
    """
    slots = shares.shape[1]
    means = np.full((DAYS_PER_WEEK, slots), np.nan)
    noise = np.full(DAYS_PER_WEEK, np.nan)
    weight_sums = np.zeros(DAYS_PER_WEEK)
    for day in np.unique(weekday):
        rows = shares[weekday == day][-int(weeks) :]
        weights = float(decay) ** np.arange(len(rows))[::-1]
        weights = weights / weights.sum()
        means[day] = weights @ rows
        effective = 1.0 / float((weights**2).sum())  # effective number of days
        spread = weights @ (rows - means[day]) ** 2 * effective / max(effective - 1.0, 1.0)
        noise[day] = float(spread.mean()) / effective
        weight_sums[day] = len(rows)
    seen = np.isfinite(noise)
    common = np.average(means[seen], axis=0, weights=weight_sums[seen])
    deviation = means - common
    # Each weekday's own spread beyond noise, over its many slots: a weekday like the
    # others is shrunk to the common profile, one that differs keeps its own.
    between = np.zeros(DAYS_PER_WEEK)
    between[seen] = np.maximum((deviation[seen] ** 2).mean(axis=1) - noise[seen], 0.0)
    shrinkage = np.where(seen, between / (between + np.where(seen, noise, 1.0) + 1e-300), np.nan)
    profiles = whittaker_smooth(common, penalty) + whittaker_smooth(
        np.where(seen[:, None], deviation * shrinkage[:, None], 0.0), penalty
    )
    profiles = np.where(open_slots & seen[:, None], np.maximum(profiles, 0.0), 0.0)
    totals = profiles.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        profiles = np.where(seen[:, None] & (totals > 0), profiles / totals, np.nan)
    return profiles, shrinkage


@register
class RootProfileModel(Forecaster):
    r"""Weinberg–Brown–Stroud day level × shrunk, smoothed weekday profile (module docstring).

    Parameters
    ----------
    profile_weeks
        Latest days of each weekday averaged into its profile [weeks].
    profile_decay
        Weight of each older day of a weekday in the profile, in (0, 1].
    smooth_penalty
        Whittaker penalty :math:`\lambda` of the profile smoother (0: no smoothing).
    fit_weeks
        Weeks of history whose observed open days are fitted [weeks].
    month_day_effect
        Divide by the day-of-month index first (needs
        :data:`~wfm.forecast.topdown.MIN_DAYS_FOR_MONTH_EFFECT` observed days).
    closure_effect
        Divide the counts of the first open days after a closure by their learnt backlog
        effect (:func:`~wfm.forecast.closures.closure_effects`) before fitting, so the
        AR(1) day level does not read a backlog as a change of level.
    level_damping
        :math:`\phi` in (0, 1]: the local level of the day level's deviation is damped by
        :math:`\phi^h` at a lead of :math:`h` open days.

    Attributes
    ----------
    profiles_
        :math:`g_w` on the root scale, ``(7, slots)``; NaN rows for weekdays never open.
    shrinkage_
        Empirical Bayes factor :math:`c_w` per weekday.
    weekday_levels_
        Mean day level :math:`v` per weekday (root scale).
    closure_effects_
        Backlog effect per follower rank (entry 0 is 1), see ``closure_effect``.
    fallback_reason_
        Why :class:`~wfm.forecast.baselines.SameSlotAverage` is used instead, or ``None``.
    """

    name = "root_profile"

    def __init__(
        self,
        profile_weeks: int = 30,
        profile_decay: float = 0.9,
        smooth_penalty: float = 1.0,
        fit_weeks: int = 30,
        month_day_effect: bool = True,
        closure_effect: bool = True,
        level_damping: float = LEVEL_DAMPING,
    ) -> None:
        self.level_damping = level_damping
        self.closure_effect = closure_effect
        self.profile_weeks = profile_weeks
        self.profile_decay = profile_decay
        self.smooth_penalty = smooth_penalty
        self.fit_weeks = fit_weeks
        self.month_day_effect = month_day_effect

    def _check_params(self) -> None:
        for key in ("profile_weeks", "fit_weeks"):
            value = getattr(self, key)
            if int(value) != value or value < 1:
                raise InputError(
                    f"{self.name}: {key} must be a whole number, at least 1",
                    column=key,
                    value=value,
                )
        if not 0 < self.profile_decay <= 1:
            raise InputError(
                f"{self.name}: profile_decay must be in (0, 1]",
                column="profile_decay",
                value=self.profile_decay,
                fix="e.g. 0.9; 1 weights every week of the profile equally",
            )
        if not self.smooth_penalty >= 0:
            raise InputError(
                f"{self.name}: smooth_penalty must be 0 or more",
                column="smooth_penalty",
                value=self.smooth_penalty,
            )

    def _fit(self, y: pd.Series) -> None:
        self._check_params()
        days = day_model_fit_days(self, y)
        if days is None:
            return
        weekday = days.index.day_of_week.to_numpy()
        values = days.to_numpy(dtype=float)
        seen = np.isfinite(values)
        open_slots = np.zeros((DAYS_PER_WEEK, days.shape[1]), dtype=bool)
        filled = np.zeros_like(values)
        for day in np.unique(weekday):
            rows = weekday == day
            open_slots[day] = seen[rows].any(axis=0)
            # A missing slot on an open day takes its weekday's mean; never-open slots 0.
            sums = np.where(seen[rows], values[rows], 0.0).sum(axis=0)
            mean = sums / np.maximum(seen[rows].sum(axis=0), 1)
            filled[rows] = np.where(seen[rows], values[rows], mean)
        counts = filled / self.month_index_[days.index.day.to_numpy()][:, None]
        root = np.sqrt(counts + ROOT_OFFSET) * open_slots[weekday]
        levels = root.sum(axis=1)
        self.profiles_, self.shrinkage_ = shrunk_weekday_profiles(
            root / levels[:, None],
            weekday,
            open_slots,
            int(self.profile_weeks),
            float(self.profile_decay),
            float(self.smooth_penalty),
        )
        self.minutes_ = np.asarray(days.columns, dtype=np.int64)
        means = np.full(DAYS_PER_WEEK, np.nan)
        for day in np.unique(weekday):
            means[day] = levels[weekday == day].mean()
        self.weekday_levels_ = means
        deviation = levels - means[weekday]
        fit = _local_level_ar(deviation)
        self.smoothing_, self.ar_, self.level_, self.last_deviation_ = fit[:4]
        self.shift_anchor_ = shift_anchor(deviation)
        one_step = means[weekday] + fit[4]
        fitted = one_step[:, None] * self.profiles_[weekday]
        residual = (root - fitted)[open_slots[weekday]]
        self.root_variance_ = float(np.mean(residual**2))
        self.open_weekdays_ = "".join("1" if d in set(weekday) else "0" for d in range(7))
        self.last_date_ = days.index[-1].to_datetime64().astype("datetime64[D]")

    def day_levels(self, dates: np.ndarray) -> np.ndarray:
        """Forecast day levels :math:`\\hat v` (root scale) for local dates after the history."""
        steps = np.maximum(np.busday_count(self.last_date_, dates, weekmask=self.open_weekdays_), 1)
        deviation = damped_deviation(
            self.level_,
            self.last_deviation_,
            self.ar_,
            float(self.level_damping),
            steps,
            self.shift_anchor_,
        )
        return self.weekday_levels_[weekday_of(dates)] + deviation

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        if self.fallback_reason_ is not None:
            return self.backup_.predict(index)
        dates, minutes = wall_clock(index)
        unique_dates, position = np.unique(dates, return_inverse=True)
        levels = self.day_levels(unique_dates)[position]
        columns = np.minimum(np.searchsorted(self.minutes_, minutes), len(self.minutes_) - 1)
        known = self.minutes_[columns] == minutes
        shares = self.profiles_[weekday_of(dates), columns]
        known &= np.isfinite(shares) & (shares > 0)
        root = np.maximum(levels * np.where(known, shares, 0.0), 0.0)
        month = self.month_index_[pd.DatetimeIndex(dates).day.to_numpy()]
        values = counts_from_root(root, self.root_variance_, month, known)
        return self._fill_from_backup(values, index)
