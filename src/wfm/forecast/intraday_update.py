r"""Intraday update: re-forecast the rest of the day from the arrivals so far.

By mid-morning a centre knows whether the day runs busy. Scaling the rest of the day by
the raw ratio of arrivals so far to their forecast over-reacts early in the day, when
the ratio rests on few contacts (about 24 % worse than no update at all on the bank
data at 10:00). The update here is shrunk: ``wfm forecast --as-of`` and the position of
the day (``wfm intraday status``, the Today page) both use :func:`update_rest_of_day_state`.

**Day level and a fading recent deviation.** The relative error of interval :math:`t` of the day,
:math:`e_t = n_t / f_t - 1` (arrivals :math:`n_t` against forecast :math:`f_t`), is
a state-space model with two parts:

.. math:: e_t = G + z_t + \varepsilon_t, \qquad
   z_t = \phi^{\Delta_t} z_{t-1} + \eta_t, \qquad
   \phi = \exp(-1/\text{time constant}),

- :math:`G \sim N(0, \tau^2)`: the whole day runs high or low (the day level of
  Weinberg, Brown & Stroud 2007);
- :math:`z_t`: a deviation that fades (stationary AR(1) with standard deviation
  :math:`\omega`, :math:`\Delta_t` the minutes since the previous interval over the
  time constant): a busy hour says more about the next hour than about the evening.
  This is what the day-level factor alone cannot express: on the bank data a morning
  spike that has passed by 10:00 says little about the afternoon, while the last hour
  does say something about the next;
- :math:`\varepsilon_t`: Poisson noise, variance :math:`1/f_t`.

A Kalman filter over the elapsed intervals gives the posterior means
:math:`\hat G, \hat z_T`; the forecast :math:`h` minutes after the last observed
interval is :math:`f\,(1 + \hat G + \phi^{h}\hat z_T)`. :math:`\tau`, :math:`\omega`
and the time constant are learnt per queue from past days forecast the evening before
(:func:`fit_update_parameters`). With :math:`\omega = 0` the update is the posterior
mean of a day-level factor; with :math:`\tau = \omega = 0` it is no update. Intraday
updating of the factor scores by penalised least squares (Shen & Huang 2008) shrinks
in the same way; the state-space form adds the fading deviation and takes the
prior's strength from the data.

**The day factor as a special case.** With :math:`\omega = 0` the update is the
posterior mean of a day-level factor alone. With the day's rate :math:`G\,\mu_m`, a gamma
prior :math:`G \sim \mathrm{Gamma}(k, k)` (mean 1) and Poisson arrivals, after :math:`n`
contacts against :math:`f` forecast so far

.. math:: \mathrm{E}[G \mid n] = \frac{n + k}{f + k} = 1 + w\,\Bigl(\frac{n}{f} - 1\Bigr),
   \qquad w = \frac{f}{f + k},

so the morning's ratio gets the weight :math:`w` of the evidence it carries (DOMAIN §12);
the filter gives the same with :math:`k = 1/\tau^2` (:func:`day_factor`).

References
----------
.. [1] J. Weinberg, L. D. Brown and J. R. Stroud (2007), "Bayesian forecasting of an
   inhomogeneous Poisson process with applications to call center data", JASA 102(480),
   1185–1198.
.. [2] H. Shen and J. Z. Huang (2008), "Interday forecasting and intraday updating of call
   center arrivals", Manufacturing & Service Operations Management 10(3), 391–410.
.. [3] J. Durbin and S. J. Koopman (2012), *Time Series Analysis by State Space Methods*,
   2nd ed., Oxford University Press, §4.3 (the Kalman filter).
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Update times scored per past day when learning the strength: every this many
#: minutes of the open day [minutes].
UPDATE_STEP_MINUTES = 60


def day_factor(actual_so_far: float, forecast_so_far: float, strength_contacts: float) -> float:
    r"""Posterior mean day-level factor :math:`(n + k) / (f + k)` (module docstring).

    Parameters
    ----------
    actual_so_far
        Contacts offered so far today, :math:`n` [contacts].
    forecast_so_far
        Their forecast, :math:`f` [contacts].
    strength_contacts
        Prior strength :math:`k` [contacts]; ``inf`` gives 1 (no update), 0 the raw ratio.

    Examples
    --------
    >>> day_factor(1100.0, 1000.0, 1000.0)
    1.05
    >>> day_factor(0.0, 0.0, 200.0)
    1.0
    """
    if not np.isfinite(strength_contacts):
        return 1.0
    denominator = forecast_so_far + strength_contacts
    if denominator <= 0:
        return 1.0
    return float((actual_so_far + strength_contacts) / denominator)


def _past_days(detail: pd.DataFrame):
    """``(elapsed minutes, actual, forecast)`` arrays of each past day in ``detail``."""
    for _, day in detail.groupby("target_date"):
        day = day.sort_values("interval_start")
        start = pd.DatetimeIndex(day["interval_start"])
        elapsed = (start - start[0]).total_seconds().to_numpy() / 60.0
        yield elapsed, day["actual"].to_numpy(dtype=float), day["forecast"].to_numpy(dtype=float)


@dataclass(frozen=True)
class UpdateParameters:
    """Prior of the state-space intraday update (module docstring).

    Parameters
    ----------
    level_sd
        :math:`\\tau`, standard deviation of the day-level deviation [fraction of the
        forecast], 0 or more.
    recent_sd
        :math:`\\omega`, standard deviation of the fading deviation [fraction of the
        forecast], 0 or more.
    recent_minutes
        Time constant of the fading deviation [minutes], more than 0: after this long
        a deviation keeps :math:`1/e` of its weight.
    """

    level_sd: float
    recent_sd: float
    recent_minutes: float

    def __post_init__(self) -> None:
        for name in ("level_sd", "recent_sd"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise InputError(
                    f"intraday update: {name} must be a finite number, 0 or more",
                    column=name,
                    value=value,
                    fix="e.g. 0.02 for a 2 % standard deviation",
                )
        if not (np.isfinite(self.recent_minutes) and self.recent_minutes > 0):
            raise InputError(
                "intraday update: recent_minutes must be a finite number of minutes above 0",
                column="recent_minutes",
                value=self.recent_minutes,
                fix="e.g. 240",
            )


#: The prior that changes nothing.
NO_UPDATE = UpdateParameters(level_sd=0.0, recent_sd=0.0, recent_minutes=60.0)

#: Prior used when the history cannot teach one: a 2 % day level and an 8 % deviation
#: fading over 4 hours (among the best on the bank data's 40 weekdays before the
#: benchmark's test period, 2003-07-31 .. 2003-09-25, at 10:00).
DEFAULT_UPDATE = UpdateParameters(level_sd=0.02, recent_sd=0.08, recent_minutes=240.0)

#: Values tried by :func:`fit_update_parameters` for each part of the prior.
LEVEL_SD_GRID = (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3)
RECENT_SD_GRID = (0.0, 0.03, 0.05, 0.08, 0.12, 0.18, 0.3)
RECENT_MINUTES_GRID = (60.0, 120.0, 240.0, 480.0, 960.0)


def filter_day(
    actual: np.ndarray,
    forecast: np.ndarray,
    minutes: np.ndarray,
    level_sd: np.ndarray,
    recent_sd: np.ndarray,
    recent_minutes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Kalman filter of the day level and fading deviation over one day's intervals.

    Vectorised over priors: each of ``level_sd``, ``recent_sd``, ``recent_minutes`` is an
    array of the same shape ``(P,)`` (one prior each).

    Parameters
    ----------
    actual
        Arrivals per interval in time order [contacts]; NaN where not observed.
    forecast
        Their forecast [contacts]; intervals forecast at 0 carry no evidence.
    minutes
        Start of each interval [minutes from any fixed time], increasing.
    level_sd, recent_sd, recent_minutes
        The priors (:class:`UpdateParameters`).

    Returns
    -------
    level, recent : numpy.ndarray
        ``(T, P)`` posterior means of :math:`G` and :math:`z_t` after each interval.
    """
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    minutes = np.asarray(minutes, dtype=float)
    level_var = np.asarray(level_sd, dtype=float) ** 2
    recent_var = np.asarray(recent_sd, dtype=float) ** 2
    constant = np.asarray(recent_minutes, dtype=float)
    g = np.zeros_like(level_var)
    z = np.zeros_like(level_var)
    a, b, c = level_var.copy(), np.zeros_like(level_var), recent_var.copy()
    levels = np.zeros((len(actual), len(level_var)))
    recents = np.zeros_like(levels)
    usable = np.isfinite(actual) & (forecast > 0)
    for t in range(len(actual)):
        if t:
            decay = np.exp(-(minutes[t] - minutes[t - 1]) / constant)
            z = decay * z
            b = decay * b
            c = decay**2 * c + recent_var * (1.0 - decay**2)
        if usable[t]:
            error = actual[t] / forecast[t] - 1.0
            total = a + 2.0 * b + c + 1.0 / forecast[t]  # innovation variance
            gain_level, gain_recent = (a + b) / total, (b + c) / total
            innovation = error - g - z
            g = g + gain_level * innovation
            z = z + gain_recent * innovation
            a, b, c = a - gain_level * (a + b), b - gain_level * (b + c), c - gain_recent * (b + c)
        levels[t], recents[t] = g, z
    return levels, recents


def fit_update_parameters(
    detail: pd.DataFrame | None, step_minutes: int = UPDATE_STEP_MINUTES
) -> UpdateParameters:
    """The prior with the lowest rest-of-day error on past days (state-space update).

    Parameters
    ----------
    detail
        Backtest rows of one queue and model at lead 1 (``target_date``,
        ``interval_start``, ``actual``, ``forecast``; see
        :data:`~wfm.forecast.backtest.DETAIL_COLUMNS`).
    step_minutes
        Update times are every ``step_minutes`` from the first interval of each day.

    Returns
    -------
    UpdateParameters
        The prior on the grid (:data:`LEVEL_SD_GRID` × :data:`RECENT_SD_GRID` ×
        :data:`RECENT_MINUTES_GRID`) minimising the absolute error of the updated rest of
        the day, summed over days and update times (ties go to the weaker prior);
        :data:`DEFAULT_UPDATE` when there is nothing to learn from.
    """
    if detail is None or detail.empty:
        return DEFAULT_UPDATE
    grid = np.array(list(itertools.product(LEVEL_SD_GRID, RECENT_SD_GRID, RECENT_MINUTES_GRID)))
    errors = np.zeros(len(grid))
    scored = 0
    for elapsed, actual, forecast in _past_days(detail):
        levels, recents = filter_day(actual, forecast, elapsed, *grid.T)
        for cut in np.arange(step_minutes, elapsed[-1] + 1e-9, step_minutes):
            seen = int(np.searchsorted(elapsed, cut, side="left"))
            if seen >= len(elapsed):
                break
            ahead = elapsed[seen:] - elapsed[seen - 1]
            decay = np.exp(-ahead[None, :] / grid[:, 2:3])
            factor = 1.0 + levels[seen - 1][:, None] + decay * recents[seen - 1][:, None]
            rest = np.maximum(factor, 0.0) * forecast[None, seen:]
            errors += np.nansum(np.abs(actual[None, seen:] - rest), axis=1)
            scored += 1
    if not scored:
        return DEFAULT_UPDATE
    best = grid[int(np.argmin(errors))]
    return UpdateParameters(float(best[0]), float(best[1]), float(best[2]))


def update_rest_of_day_state(
    offered: np.ndarray,
    interval_start: pd.DatetimeIndex,
    actual: pd.Series,
    as_of: pd.Timestamp,
    interval_minutes: int,
    parameters: UpdateParameters,
) -> tuple[np.ndarray, float, float]:
    """Re-forecast one queue's rest of the as-of day with the state-space update.

    Parameters
    ----------
    offered
        Forecast offered contacts [contacts] per entry of ``interval_start``.
    interval_start
        Tz-aware interval starts of the forecast.
    actual
        Offered contacts so far [contacts], indexed by tz-aware interval start (any
        intervals; only those of the as-of day that ended by ``as_of`` count).
    as_of
        Tz-aware time of the update.
    interval_minutes
        Interval length [minutes].
    parameters
        The prior (:class:`UpdateParameters`, e.g. from :func:`fit_update_parameters`).

    Returns
    -------
    offered : numpy.ndarray
        The forecast with the as-of day's intervals starting at or after ``as_of``
        re-forecast; other intervals unchanged (a new array).
    factor : float
        The rest of the day's updated total over its original (1 when nothing changed,
        e.g. an empty morning).
    actual_so_far : float
        Contacts counted so far [contacts].

    Examples
    --------
    Twelve quarter-hours forecast at 100; the first four brought 120 each:

    >>> index = pd.date_range("2024-04-01 08:00", periods=12, freq="15min", tz="UTC")
    >>> so_far = pd.Series(120.0, index=index[:4])
    >>> prior = UpdateParameters(level_sd=0.05, recent_sd=0.0, recent_minutes=60.0)
    >>> updated, factor, n = update_rest_of_day_state(
    ...     np.full(12, 100.0), index, so_far, index[4], 15, prior)
    >>> n, bool(1.0 < factor < 1.2), bool((updated[:4] == 100.0).all())
    (480.0, True, True)
    """
    interval_start = pd.DatetimeIndex(interval_start)
    as_of = pd.Timestamp(as_of).tz_convert(interval_start.tz)
    day_start = as_of.normalize()
    length = pd.Timedelta(minutes=interval_minutes)
    result = np.array(offered, dtype=float)
    today = np.flatnonzero(
        (interval_start >= day_start) & (interval_start < day_start + pd.Timedelta(days=1))
    )
    today = today[np.argsort(interval_start[today])]
    starts = interval_start[today]
    seen = pd.Series(np.asarray(actual, dtype=float), index=pd.DatetimeIndex(actual.index))
    if len(seen):
        seen.index = seen.index.tz_convert(interval_start.tz)
        seen = seen[~seen.index.duplicated(keep="last")]
    ended = np.asarray(starts + length <= as_of)
    values = np.where(ended, seen.reindex(starts).to_numpy(dtype=float), np.nan)
    actual_so_far = float(np.nansum(values))
    rest = np.asarray(starts >= as_of)
    observed = np.flatnonzero(np.isfinite(values))
    if not rest.any() or not len(observed):
        return result, 1.0, actual_so_far
    minutes = (starts - day_start).total_seconds().to_numpy() / 60.0
    levels, recents = filter_day(
        values,
        result[today],
        minutes,
        np.array([parameters.level_sd]),
        np.array([parameters.recent_sd]),
        np.array([parameters.recent_minutes]),
    )
    last = observed[-1]
    ahead = minutes[rest] - minutes[last]
    decay = np.exp(-ahead / parameters.recent_minutes)
    factor = np.maximum(1.0 + levels[last, 0] + decay * recents[last, 0], 0.0)
    before = result[today[rest]].sum()
    result[today[rest]] = result[today[rest]] * factor
    ratio = float(result[today[rest]].sum() / before) if before > 0 else 1.0
    return result, ratio, actual_so_far
