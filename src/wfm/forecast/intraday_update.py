r"""Intraday update: re-forecast the rest of the day from the arrivals so far.

By mid-morning a centre knows whether the day runs busy. Scaling the rest of the day by
the raw ratio of arrivals so far to their forecast over-reacts early in the day, when
the ratio rests on few contacts (about 24 % worse than no update at all on the bank
data at 10:00). The update here is the posterior mean of a day-level factor
(Weinberg, Brown & Stroud 2007; Shen & Huang 2008 use the same idea with a penalised
regression): with the day's rate :math:`G\,\mu_m`, a gamma prior :math:`G \sim
\mathrm{Gamma}(k, k)` (mean 1) and Poisson arrivals, after :math:`n` contacts against
:math:`f` forecast so far

.. math:: \mathrm{E}[G \mid n] = \frac{n + k}{f + k} = 1 + w\,\Bigl(\frac{n}{f} - 1\Bigr),
   \qquad w = \frac{f}{f + k},

so the morning's ratio gets the weight :math:`w` of the evidence it carries (DOMAIN §12).
The *strength* :math:`k` [contacts] is the prior's worth in contacts; it is learnt per
queue from the history (:func:`fit_update_strength`): for past days forecast the evening
before, the :math:`k` that gives the lowest rest-of-day error over many update times.

References
----------
.. [1] J. Weinberg, L. D. Brown and J. R. Stroud (2007), "Bayesian forecasting of an
   inhomogeneous Poisson process with applications to call center data", JASA 102(480),
   1185–1198.
.. [2] H. Shen and J. Z. Huang (2008), "Interday forecasting and intraday updating of call
   center arrivals", Manufacturing & Service Operations Management 10(3), 391–410.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: Prior strengths tried by :func:`fit_update_strength` [contacts]; ``inf`` is "no update".
STRENGTH_GRID_CONTACTS = (0.0, *np.geomspace(10.0, 1e6, 41).tolist(), np.inf)

#: Strength used when the history cannot teach one [contacts]: a day-level factor with a
#: standard deviation of about 7 %, i.e. a gamma prior with shape 1/0.07² ≈ 200.
DEFAULT_STRENGTH_CONTACTS = 200.0

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


def fit_update_strength(detail: pd.DataFrame, step_minutes: int = UPDATE_STEP_MINUTES) -> float:
    """The prior strength [contacts] with the lowest rest-of-day error on past days.

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
    float
        The strength in :data:`STRENGTH_GRID_CONTACTS` minimising the absolute error of
        the updated rest of the day, summed over days and update times;
        :data:`DEFAULT_STRENGTH_CONTACTS` when there is nothing to learn from.
    """
    if detail is None or detail.empty:
        return DEFAULT_STRENGTH_CONTACTS
    grid = np.asarray(STRENGTH_GRID_CONTACTS)
    errors = np.zeros(len(grid))
    scored = 0
    for _, day in detail.groupby("target_date"):
        day = day.sort_values("interval_start")
        start = pd.DatetimeIndex(day["interval_start"])
        elapsed = (start - start[0]).total_seconds().to_numpy() / 60.0
        actual = day["actual"].to_numpy(dtype=float)
        forecast = day["forecast"].to_numpy(dtype=float)
        for cut in np.arange(step_minutes, elapsed[-1] + 1e-9, step_minutes):
            before = elapsed < cut
            if before.all():
                break
            n, f = actual[before].sum(), forecast[before].sum()
            with np.errstate(invalid="ignore", divide="ignore"):
                factors = np.where(np.isinf(grid), 1.0, (n + grid) / (f + grid))
            factors = np.where(np.isfinite(factors), factors, 1.0)
            rest_actual, rest_forecast = actual[~before], forecast[~before]
            errors += np.abs(rest_actual[None, :] - factors[:, None] * rest_forecast[None, :]).sum(
                axis=1
            )
            scored += 1
    if not scored:
        return DEFAULT_STRENGTH_CONTACTS
    return float(grid[int(np.argmin(errors))])


def update_rest_of_day(
    offered: np.ndarray,
    interval_start: pd.DatetimeIndex,
    actual: pd.Series,
    as_of: pd.Timestamp,
    interval_minutes: int,
    strength_contacts: float,
) -> tuple[np.ndarray, float, float]:
    """Scale one queue's forecast for the rest of the as-of day by the day factor.

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
    strength_contacts
        Prior strength :math:`k` [contacts].

    Returns
    -------
    offered : numpy.ndarray
        Forecast with the intervals of the as-of day starting at or after ``as_of``
        multiplied by the factor; other intervals unchanged (a new array).
    factor : float
        The day factor applied (1 when the morning is empty and nothing was forecast).
    actual_so_far : float
        Contacts counted so far [contacts].
    """
    interval_start = pd.DatetimeIndex(interval_start)
    as_of = pd.Timestamp(as_of).tz_convert(interval_start.tz)
    day_start = as_of.normalize()
    length = pd.Timedelta(minutes=interval_minutes)
    today = (interval_start >= day_start) & (interval_start < day_start + pd.Timedelta(days=1))
    elapsed = today & (interval_start + length <= as_of)
    rest = today & (interval_start >= as_of)
    seen = pd.DatetimeIndex(actual.index)
    seen = (
        seen.tz_convert(interval_start.tz)
        if len(seen)
        else pd.DatetimeIndex([], tz=interval_start.tz)
    )
    counted = (seen >= day_start) & (seen + length <= as_of)
    values = actual.to_numpy(dtype=float)
    actual_so_far = float(np.nansum(values[counted]))
    # Only the forecast of intervals that were observed counts against the arrivals.
    observed = elapsed & interval_start.isin(seen[counted & np.isfinite(values)])
    forecast_so_far = float(np.asarray(offered, dtype=float)[observed].sum())
    factor = day_factor(actual_so_far, forecast_so_far, strength_contacts)
    result = np.array(offered, dtype=float)
    result[rest] *= factor
    return result, factor, actual_so_far
