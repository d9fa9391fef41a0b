r"""Prediction quantiles of offered contacts: a Poisson–gamma mixture around the point forecast.

Contacts in an interval are Poisson given their rate, and the rate itself is uncertain:
the day turns out busier or quieter than forecast, and that error is shared by the
day's intervals. With the rate :math:`\mu G`, :math:`G \sim \mathrm{Gamma}(1/\phi, \phi)`
(mean 1, variance :math:`\phi`), the count is negative binomial with

.. math:: \mathrm{E}[A] = \mu, \qquad \mathrm{Var}[A] = \mu + \phi\,\mu^2 .

The *dispersion* :math:`\phi` is calibrated per queue and lead on backtest residuals
(:func:`dispersion_by_lead`): the P10–P90 band of the backtest holds 80 % of the
actuals at each lead, so the bands widen with the model's real error at that lead,
not just with Poisson noise.

Quantiles are *mid-quantiles* of the negative binomial (Parzen 2004 [3]_; Ma, Genton and
Parzen 2011 [4]_): the inverse of the mid-distribution function
:math:`F_{\mathrm{mid}}(k) = F(k - 1) + p(k)/2`, linearly interpolated between whole
counts (:func:`poisson_gamma_quantile`). They are fractional, and a P10–P90 band holds
about 80 % of the counts. The integer quantile :math:`\min\{k : F(k) \ge q\}` instead
holds *at least* 80 %, by up to a whole count's probability at each end: for
Poisson(20) the integer band [14, 26] holds 0.856 of the counts, so at the small counts of
a 15-minute queue no dispersion could calibrate it down to 80 %.

References
----------
.. [1] A. N. Avramidis, A. Deslauriers and P. L'Ecuyer (2004), "Modeling daily arrivals to
   a telephone call center", Management Science 50(7), 896–908 (doubly stochastic
   Poisson–gamma arrivals).
.. [2] R. Ibrahim, H. Ye, P. L'Ecuyer and H. Shen (2016), "Modeling and forecasting call
   center arrivals: A literature survey and a case study", International Journal of
   Forecasting 32(3), 865–874.
.. [3] E. Parzen (2004), "Quantile probability and statistical data modeling", Statistical
   Science 19(4), 652–662 (mid-distribution and mid-quantile functions).
.. [4] Y. Ma, M. G. Genton and E. Parzen (2011), "Asymptotic properties of sample quantiles
   of discrete distributions", Annals of the Institute of Statistical Mathematics 63(2),
   227–243 (the mid-quantile as the linear interpolation of the mid-distribution).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import special  # scipy.stats (~50 MB a process) only where unavoidable

from wfm.errors import InputError
from wfm.limits import MAX_CONTACTS_PER_INTERVAL

logger = logging.getLogger(__name__)

#: Quantile levels written to the forecast and their column names.
QUANTILE_COLUMNS = {0.1: "offered_p10", 0.5: "offered_p50", 0.9: "offered_p90"}

#: Dispersion used when no backtest residuals are available: a rate uncertain by
#: about 10 % (standard deviation), typical of day-ahead call-centre forecasts.
DEFAULT_DISPERSION = 0.01


def fit_dispersion(actual, forecast) -> float:
    r"""Method-of-moments dispersion :math:`\phi` of actuals around forecasts.

    .. math:: \hat\phi = \max\Bigl(0,\ \frac{\sum_i (A_i - F_i)^2 - F_i}{\sum_i F_i^2}\Bigr)

    Parameters
    ----------
    actual, forecast
        Offered contacts per interval [contacts] from a backtest.

    Returns
    -------
    float
        :math:`\hat\phi` (dimensionless); :data:`DEFAULT_DISPERSION` without usable pairs.

    Examples
    --------
    >>> round(fit_dispersion([130, 70, 121, 81], [100, 100, 110, 90]), 4)
    0.0399
    """
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    ok = np.isfinite(actual) & np.isfinite(forecast)
    denominator = float((forecast[ok] ** 2).sum())
    if denominator <= 0:
        return DEFAULT_DISPERSION
    return max(0.0, float((((actual[ok] - forecast[ok]) ** 2) - forecast[ok]).sum()) / denominator)


#: Share of actuals a calibrated P10–P90 band should hold.
TARGET_COVERAGE = 0.8

#: Largest dispersion used, and the upper end of the calibration's search: a rate uncertain
#: by 100 % (standard deviation); larger values come from one absurd count and are capped.
MAX_DISPERSION = 1.0

#: Bisection steps of :func:`calibrate_dispersion`: the dispersion to within
#: ``MAX_DISPERSION / 2**14`` (6e-5, a rate standard deviation within 0.8 % at 1 %).
CALIBRATION_STEPS = 14


def band_coverage(
    actual, forecast, dispersion: float, low: float = 0.1, high: float = 0.9
) -> float:
    r"""Share of ``actual`` inside the Poisson–gamma ``[low, high]`` mid-quantile band of ``forecast``.

    Read from the mid-distribution function instead of the quantiles (the same band,
    several times faster; the calibration calls this at every bisection step): the
    mid-quantile :math:`Q_{\mathrm{mid}}` of :func:`poisson_gamma_quantile` is the inverse
    of the increasing, piecewise-linear :func:`count_mid_cdf`, so for :math:`a \ge 0`,
    :math:`Q_{\mathrm{mid}}(\text{low}) \le a \le Q_{\mathrm{mid}}(\text{high}) \iff
    \text{low} \le F_{\mathrm{mid}}(a) \le \text{high}` (a negative ``actual`` is outside).

    Examples
    --------
    Poisson(20): the band [14.3, 25.9] holds the counts 15..25, probability 0.78.

    >>> counts = np.arange(60.0)
    >>> round(float(band_coverage(counts, 20.0, 0.0) * 60), 1)  # 11 of the 60 counts
    11.0
    """
    actual = np.asarray(actual, dtype=float)
    if actual.size == 0:
        return float("nan")
    forecast = np.broadcast_to(np.asarray(forecast, dtype=float), actual.shape)
    mid = count_mid_cdf(actual, forecast, dispersion)
    return float(((actual >= 0) & (mid >= low) & (mid <= high)).mean())


def count_mid_cdf(count, mean, dispersion) -> np.ndarray:
    r"""Mid-distribution function of the Poisson–gamma count, interpolated between whole counts.

    .. math:: F_{\mathrm{mid}}(k) = F(k - 1) + \tfrac12 p(k) = \tfrac12\,\bigl(F(k - 1) + F(k)\bigr)

    at whole :math:`k` (Parzen 2004), and linear in between, so that it is the inverse of
    the mid-quantile of :func:`poisson_gamma_quantile`. :math:`F` is :func:`count_cdf`.

    Parameters
    ----------
    count
        :math:`x` [contacts], array-like, any real value.
    mean
        :math:`\mu` [contacts per interval], array-like, non-negative.
    dispersion
        :math:`\phi`, scalar or array-like.

    Examples
    --------
    Poisson(2): :math:`F(0) = e^{-2} = 0.1353`, :math:`F(1) = 3e^{-2} = 0.4060`, so
    :math:`F_{\mathrm{mid}}(0) = 0.0677`, :math:`F_{\mathrm{mid}}(1) = 0.2707` and half way
    between them at 0.5.

    >>> count_mid_cdf([0.0, 0.5, 1.0], 2.0, 0.0).round(4).tolist()
    [0.0677, 0.1692, 0.2707]
    """
    count = np.asarray(count, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), count.shape)
    dispersion = np.broadcast_to(np.asarray(dispersion, dtype=float), count.shape)
    whole = np.floor(count)
    fraction = count - whole
    below, at = count_cdf(whole - 1.0, mean, dispersion), count_cdf(whole, mean, dispersion)
    result = 0.5 * (below + at)
    between = fraction > 0
    if between.any():
        above = count_cdf(whole[between] + 1.0, mean[between], dispersion[between])
        upper = 0.5 * (at[between] + above)
        result[between] += fraction[between] * (upper - result[between])
    return result


def count_cdf(count, mean, dispersion) -> np.ndarray:
    r"""Distribution function :math:`P(N \le k)` of the Poisson–gamma count of :func:`poisson_gamma_quantile`.

    Poisson :math:`Q(k + 1, \mu)` (regularised upper incomplete gamma) when
    :math:`\phi = 0`, else negative binomial :math:`I_p(1/\phi, k + 1)` (regularised
    incomplete beta) with :math:`p = 1/(1 + \phi\mu)`; 0 for :math:`k < 0`, 1 for a
    zero mean and :math:`k \ge 0`.

    Parameters
    ----------
    count
        :math:`k`, whole numbers (array-like).
    mean
        :math:`\mu` [contacts per interval], array-like, non-negative.
    dispersion
        :math:`\phi`, scalar or array-like, clipped to [0, :data:`MAX_DISPERSION`].

    Examples
    --------
    >>> count_cdf([-1.0, 0.0, 2.0], 2.0, 0.0).round(4).tolist()
    [0.0, 0.1353, 0.6767]
    """
    count = np.asarray(count, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), count.shape)
    dispersion = np.broadcast_to(np.asarray(dispersion, dtype=float), count.shape)
    dispersion = np.clip(np.nan_to_num(dispersion, nan=DEFAULT_DISPERSION), 0.0, MAX_DISPERSION)
    result = np.zeros(count.shape)
    valid = count >= 0
    result[valid & (mean <= 0)] = 1.0
    positive = valid & (mean > 0)
    poisson = positive & (dispersion <= 1e-9)
    result[poisson] = special.pdtr(count[poisson], mean[poisson])
    mixed = positive & ~poisson
    n = 1.0 / dispersion[mixed]
    result[mixed] = special.betainc(n, count[mixed] + 1.0, n / (n + mean[mixed]))
    return result


def calibrate_dispersion(actual, forecast, coverage: float = TARGET_COVERAGE) -> float:
    r"""Dispersion :math:`\phi` whose P10–P90 band holds ``coverage`` of the actuals.

    The method-of-moments :func:`fit_dispersion` matches the variance, which the heavy
    tails of forecast errors inflate, so its bands cover too much at short leads and too
    little at long ones. Here :math:`\phi` is found by bisection so that the empirical
    coverage of the backtest residuals equals the target (coverage grows with
    :math:`\phi`); 0 when Poisson noise alone already covers enough. The band is the
    mid-quantile band of :func:`poisson_gamma_quantile` (through :func:`band_coverage`),
    so Poisson noise around the true mean covers about 80 %, not the 85 % of integer
    quantiles at 20 contacts per interval.

    Parameters
    ----------
    actual, forecast
        Offered contacts per interval [contacts] from a backtest.
    coverage
        Target share inside the P10–P90 band.

    Returns
    -------
    float
        :math:`\phi` in [0, :data:`MAX_DISPERSION`]; :data:`DEFAULT_DISPERSION` without pairs.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> rate = 100 * rng.gamma(1 / 0.01, 0.01, 4000)
    >>> phi = calibrate_dispersion(rng.poisson(rate), np.full(4000, 100.0))
    >>> 0.007 < phi < 0.013
    True
    """
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    ok = np.isfinite(actual) & np.isfinite(forecast)
    actual, forecast = actual[ok], forecast[ok]
    if actual.size == 0:
        return DEFAULT_DISPERSION
    if band_coverage(actual, forecast, 0.0) >= coverage:
        return 0.0
    low, high = 0.0, MAX_DISPERSION
    if band_coverage(actual, forecast, high) < coverage:
        return high
    for _ in range(CALIBRATION_STEPS):
        middle = 0.5 * (low + high)
        if band_coverage(actual, forecast, middle) < coverage:
            low = middle
        else:
            high = middle
    return high


def dispersion_by_lead(
    lead_days, actual, forecast, coverage: float = TARGET_COVERAGE
) -> np.ndarray:
    """Calibrated dispersion per lead [days] from backtest pairs, non-decreasing with the lead.

    Parameters
    ----------
    lead_days
        Lead of each pair [days], 1 for day-ahead.
    actual, forecast
        Offered contacts per interval [contacts].
    coverage
        Target P10–P90 coverage.

    Returns
    -------
    numpy.ndarray
        Entry ``h`` is the dispersion at lead ``h`` (entry 0 repeats lead 1); leads
        without pairs take the previous lead's value. Forecast errors do not shrink
        with the lead, so the noisy per-lead estimates are made non-decreasing by
        isotonic regression (pool-adjacent-violators, each lead weighted by its pairs):
        a lead whose estimate is above a later one's is *averaged* with it. (A running
        maximum instead lets one noisy middle lead widen every later band; on the bank
        data it put week-ahead P10–P90 coverage at 0.84.)

    Examples
    --------
    Leads 1..3 calibrated to 0.01, 0.03 and 0.02 (equal weights): leads 2 and 3 pool to
    0.025.

    >>> np.round(isotonic_increasing([0.01, 0.03, 0.02], [1, 1, 1]), 4).tolist()
    [0.01, 0.025, 0.025]
    """
    lead_days = np.asarray(lead_days, dtype=int)
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    longest = int(lead_days.max()) if lead_days.size else 1
    values = np.full(longest + 1, np.nan)
    counts = np.zeros(longest + 1)
    for lead in range(1, longest + 1):
        inside = lead_days == lead
        if inside.any():
            values[lead] = calibrate_dispersion(actual[inside], forecast[inside], coverage)
            counts[lead] = inside.sum()
    seen = np.isfinite(values)
    values[seen] = isotonic_increasing(values[seen], counts[seen])
    values[0] = values[1] if np.isfinite(values[1]) else DEFAULT_DISPERSION
    return pd.Series(values).ffill().to_numpy()


def isotonic_increasing(values, weights) -> np.ndarray:
    """The non-decreasing sequence closest to ``values`` in weighted least squares.

    Pool-adjacent-violators (Barlow et al. 1972, *Statistical Inference under Order
    Restrictions*): adjacent blocks that decrease are merged into their weighted mean.

    Parameters
    ----------
    values
        The sequence, array-like.
    weights
        Positive weight of each value.

    Returns
    -------
    numpy.ndarray
        Same length as ``values``.
    """
    blocks: list[list[float]] = []  # [weighted mean, weight, length]
    for value, weight in zip(np.asarray(values, float), np.asarray(weights, float), strict=True):
        blocks.append([value, max(weight, 1e-12), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean_b, weight_b, length_b = blocks.pop()
            mean_a, weight_a, length_a = blocks.pop()
            total = weight_a + weight_b
            blocks.append(
                [(mean_a * weight_a + mean_b * weight_b) / total, total, length_a + length_b]
            )
    return (
        np.concatenate([np.full(length, mean) for mean, _, length in blocks])
        if blocks
        else np.zeros(0)
    )


def poisson_gamma_quantile(mean, dispersion, q: float) -> np.ndarray:
    r"""The ``q`` mid-quantile of a count with mean ``mean`` and variance ``mean + dispersion * mean**2``.

    The count is negative binomial with :math:`n = 1/\phi` and :math:`p = 1 / (1 + \phi\mu)`;
    Poisson when :math:`\phi = 0`. Its quantile is the mid-quantile (Parzen 2004; Ma, Genton
    and Parzen 2011): the inverse of the mid-distribution function
    :math:`F_{\mathrm{mid}}(k) = F(k - 1) + p(k)/2` (:func:`count_mid_cdf`), linear between
    whole counts,

    .. math:: Q_{\mathrm{mid}}(q) = k + \frac{q - F_{\mathrm{mid}}(k)}
              {F_{\mathrm{mid}}(k + 1) - F_{\mathrm{mid}}(k)}, \qquad
              F_{\mathrm{mid}}(k) \le q < F_{\mathrm{mid}}(k + 1),

    and 0 when :math:`q < F_{\mathrm{mid}}(0) = p(0)/2`. Fractional, continuous and
    increasing in ``q``; unlike the integer quantile :math:`\min\{k : F(k) \ge q\}`,
    whose P10–P90 band holds up to a whole count's probability more than 80 % at each end,
    a mid-quantile band holds about 80 % of the counts (Poisson(20): [14.32, 25.87], the
    counts 15..25, 0.78; integer quantiles [14, 26], 0.856). For large means the two
    differ by under one contact. Zero where the mean is zero.

    The bracketing :math:`k` is the integer quantile :math:`K` (bounded search, as
    ``scipy.stats``' ``ppf``) or :math:`K - 1`: :math:`F(K - 1) < q \le F(K)` puts
    :math:`q` between :math:`F_{\mathrm{mid}}(K - 1)` and :math:`F_{\mathrm{mid}}(K + 1)`.
    Two distribution-function evaluations give :math:`p(K)`; its neighbours follow from the
    pmf ratio :math:`p(k + 1)/p(k) = (k + n)(1 - p)/(k + 1)` (:math:`\mu/(k + 1)` for Poisson).

    Parameters
    ----------
    mean
        :math:`\mu` [contacts per interval], array-like, non-negative.
    dispersion
        :math:`\phi`, scalar or array-like, non-negative.
    q
        Quantile level in (0, 1).

    Returns
    -------
    numpy.ndarray
        The quantile [contacts per interval], fractional.

    Examples
    --------
    >>> poisson_gamma_quantile([0.0, 20.0, 20.0], 0.0, 0.1).round(2).tolist()
    [0.0, 14.32, 14.32]
    >>> poisson_gamma_quantile([0.0, 20.0, 100.0, 100.0], [0.0, 0.0, 0.0, 0.01], 0.9).round(2).tolist()
    [0.0, 25.87, 112.94, 118.44]
    """
    if not 0 < q < 1:
        raise InputError(
            "a forecast quantile must be between 0 and 1",
            option="--quantile",
            value=q,
            fix="e.g. 0.8 for P80",
        )
    mean = np.asarray(mean, dtype=float)
    dispersion = np.broadcast_to(np.asarray(dispersion, dtype=float), mean.shape)
    # Bounded inputs keep the discrete quantile search short (it can run for minutes on
    # absurd means); a forecast this large comes from a bad history, not a real queue.
    too_large = ~(np.isfinite(mean) & (mean <= 100 * MAX_CONTACTS_PER_INTERVAL))
    if too_large.any():
        raise InputError(
            "a forecast mean is not finite or beyond wfm's limits",
            value=float(mean[too_large][0]),
            fix=f"check the history: at most {MAX_CONTACTS_PER_INTERVAL:,} contacts per interval",
        )
    dispersion = np.clip(np.nan_to_num(dispersion, nan=DEFAULT_DISPERSION), 0.0, MAX_DISPERSION)
    result = np.zeros(mean.shape)
    positive = mean > 0
    if not positive.any():
        return result
    mu, phi = mean[positive], dispersion[positive]
    poisson = phi <= 1e-9
    whole = np.empty(mu.shape)
    whole[poisson] = _poisson_ppf(q, mu[poisson])
    n = 1.0 / phi[~poisson]
    whole[~poisson] = _nbinom_ppf(q, n, n / (n + mu[~poisson]))
    result[positive] = _mid_quantile(q, whole, mu, phi, poisson)
    return result


def _mid_quantile(
    q: float, whole: np.ndarray, mean: np.ndarray, dispersion: np.ndarray, poisson: np.ndarray
) -> np.ndarray:
    """Mid-quantile from the integer quantile ``whole`` (:func:`poisson_gamma_quantile`)."""
    cdf = count_cdf(np.stack([whole - 1.0, whole]), mean, np.where(poisson, 0.0, dispersion))
    before, at = cdf
    probability = np.maximum(at - before, 0.0)  # p(K)
    # p(K + 1) / p(K) and p(K - 1) / p(K): Poisson mu / (K + 1) and K / mu; negative binomial
    # (K + n) r / (K + 1) and K / ((K - 1 + n) r), with r = 1 - p = mu / (n + mu).
    n = np.where(poisson, 1.0, 1.0 / np.where(poisson, 1.0, dispersion))
    r = np.where(poisson, 1.0, mean / (n + mean))
    up = np.where(poisson, mean / (whole + 1.0), (whole + n) * r / (whole + 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        down = np.where(
            whole > 0, np.where(poisson, whole / mean, whole / ((whole - 1.0 + n) * r)), 0.0
        )
    mid_at = before + 0.5 * probability  # F_mid(K)
    upper = q >= mid_at
    start = np.where(upper, whole, whole - 1.0)
    lower_mid = np.where(upper, mid_at, before - 0.5 * probability * down)
    step = 0.5 * probability * np.where(upper, 1.0 + up, 1.0 + down)
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(step > 0, (q - lower_mid) / step, 0.0)
    return np.maximum(start + np.clip(fraction, 0.0, 1.0), 0.0)


def _poisson_ppf(q: float, mean: np.ndarray) -> np.ndarray:
    """``scipy.stats.poisson.ppf(q, mean)`` for ``0 < q < 1`` and ``mean > 0``.

    The same computation as scipy's (``pdtrik``, then the step down where the CDF one count
    lower already reaches ``q``), from :mod:`scipy.special`: importing :mod:`scipy.stats`
    costs about 50 MB in every process that computes quantiles, each forecast worker
    among them (issue 15; ``tests/forecast/test_quantile_functions.py`` checks equality).
    """
    vals = np.ceil(special.pdtrik(q, mean))
    vals1 = np.maximum(vals - 1, 0)
    return np.where(special.pdtr(vals1, mean) >= q, vals1, vals)


def _nbinom_ppf(q: float, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``scipy.stats.nbinom.ppf(q, n, p)`` for ``0 < q < 1``, ``n > 0``, ``0 < p <= 1``:
    the Boost inverse that :mod:`scipy.stats` calls, without importing it (see
    :func:`_poisson_ppf`)."""
    try:
        from scipy.special._ufuncs import _nbinom_ppf as boost_nbinom_ppf
    except ImportError:  # pragma: no cover - a scipy that moved it: the public, heavier way
        from scipy import stats

        return stats.nbinom.ppf(q, n, p)
    with np.errstate(over="ignore"):  # as scipy.stats does (scipy gh-17432)
        return np.asarray(boost_nbinom_ppf(q, n, p), dtype=float)


def add_quantile_columns(frame: pd.DataFrame, levels=tuple(QUANTILE_COLUMNS)) -> pd.DataFrame:
    """A copy of a forecast frame with ``offered_pXX`` columns from ``offered`` and ``dispersion``."""
    result = frame.copy()
    for q in levels:
        column = QUANTILE_COLUMNS.get(q, f"offered_p{round(100 * q):02d}")
        result[column] = poisson_gamma_quantile(result["offered"], result["dispersion"], q)
    return result


def quantile_forecast(forecast_frame: pd.DataFrame, q: float) -> pd.DataFrame:
    """A copy of a forecast whose ``offered`` is the ``q``-quantile, e.g. 0.8 for staffing at P80.

    Parameters
    ----------
    forecast_frame
        As returned by :func:`~wfm.forecast.engine.forecast_history` (or read back from its
        CSV): needs ``offered`` [contacts] and ``dispersion``. A frame without
        ``dispersion`` is taken as Poisson (dispersion 0) with a warning.
    q
        Quantile level in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Same rows and columns; ``offered`` replaced by the quantile and the point forecast
        kept in ``offered_mean``.

    Examples
    --------
    >>> frame = pd.DataFrame({"offered": [100.0], "dispersion": [0.01]})
    >>> quantile_forecast(frame, 0.8)["offered"].round(2).tolist()
    [111.75]
    """
    result = forecast_frame.copy()
    if "dispersion" in result.columns:
        dispersion = result["dispersion"].to_numpy(dtype=float)
    else:
        logger.warning("forecast has no dispersion column; quantile %.2f taken as Poisson", q)
        dispersion = np.zeros(len(result))
    result["offered_mean"] = result["offered"]
    result["offered"] = poisson_gamma_quantile(
        result["offered"].to_numpy(dtype=float), np.nan_to_num(dispersion), q
    )
    return result
