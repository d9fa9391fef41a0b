"""Forecast accuracy measures."""

from __future__ import annotations

import numpy as np


def wape(actual, forecast) -> float:
    r"""Weighted absolute percentage error (as a fraction).

    .. math:: \mathrm{WAPE} = \frac{\sum_i |A_i - F_i|}{\sum_i A_i}

    Robust at low volume, unlike MAPE, because it does not divide interval by interval.

    Parameters
    ----------
    actual, forecast
        Offered contacts per interval [contacts], same length.

    Returns
    -------
    float
        WAPE (0.1 means 10 %); ``nan`` when the actuals sum to zero.

    References
    ----------
    .. [1] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and
       Practice*, 3rd ed., §5.8 "Evaluating point forecast accuracy". https://otexts.com/fpp3/

    Examples
    --------
    >>> wape([10, 20, 30], [12, 18, 30])
    0.06666666666666667
    """
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    if actual.shape != forecast.shape:
        raise ValueError(f"actual and forecast differ in shape: {actual.shape} vs {forecast.shape}")
    total = actual.sum()
    if total <= 0:
        return float("nan")
    return float(np.abs(actual - forecast).sum() / total)


def mape(actual, forecast) -> float:
    r"""Mean absolute percentage error over the intervals with non-zero actuals (a fraction).

    .. math:: \mathrm{MAPE} = \frac{1}{|I|}\sum_{i \in I} \frac{|A_i - F_i|}{A_i},
       \qquad I = \{i : A_i > 0\}

    Intervals with no contacts are left out (the ratio is undefined there), so MAPE
    overstates the error of quiet intervals; prefer :func:`wape` for decisions.

    Returns
    -------
    float
        MAPE; ``nan`` when no actual is positive.

    Examples
    --------
    >>> mape([10, 0, 20], [12, 3, 20])
    0.1
    """
    actual, forecast = _pair(actual, forecast)
    positive = actual > 0
    if not positive.any():
        return float("nan")
    return float(np.mean(np.abs(actual[positive] - forecast[positive]) / actual[positive]))


def bias(actual, forecast) -> float:
    r"""Relative bias (a fraction): positive when the forecast is too high.

    .. math:: \mathrm{bias} = \frac{\sum_i (F_i - A_i)}{\sum_i A_i}

    Examples
    --------
    >>> bias([10, 20], [12, 21])
    0.1
    """
    actual, forecast = _pair(actual, forecast)
    total = actual.sum()
    if total <= 0:
        return float("nan")
    return float((forecast - actual).sum() / total)


def mase(actual, forecast, scale) -> float:
    r"""Mean absolute scaled error.

    .. math:: \mathrm{MASE} = \frac{1}{n}\sum_i \frac{|A_i - F_i|}{Q_i}

    where :math:`Q_i` is the in-sample mean absolute error of the seasonal naive forecast
    (same slot one week earlier) on the training data the forecast of :math:`i` was made
    from (:func:`seasonal_naive_scale`). Below 1: better than seasonal naive was in
    sample.

    Parameters
    ----------
    actual, forecast
        Offered contacts per interval [contacts].
    scale
        :math:`Q_i` [contacts per interval], a scalar or one per interval.

    References
    ----------
    .. [1] R. J. Hyndman and A. B. Koehler (2006), "Another look at measures of forecast
       accuracy", International Journal of Forecasting 22(4), 679–688.

    Examples
    --------
    >>> mase([10, 20], [12, 18], 4.0)
    0.5
    """
    actual, forecast = _pair(actual, forecast)
    scale = np.broadcast_to(np.asarray(scale, dtype=float), actual.shape)
    ok = np.isfinite(scale) & (scale > 0)
    if not ok.any():
        return float("nan")
    return float(np.mean(np.abs(actual[ok] - forecast[ok]) / scale[ok]))


def seasonal_naive_scale(table) -> float:
    """In-sample MAE of the one-week seasonal naive forecast on a slot table [contacts].

    ``table`` is a :func:`wfm.forecast.slots.slot_table` (rows: every calendar date);
    pairs where either value is missing are skipped. ``nan`` with fewer than two weeks.
    """
    values = np.asarray(table, dtype=float)
    if len(values) <= 7:
        return float("nan")
    differences = np.abs(values[7:] - values[:-7])
    differences = differences[np.isfinite(differences)]
    return float(differences.mean()) if differences.size else float("nan")


def _pair(actual, forecast) -> tuple[np.ndarray, np.ndarray]:
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    if actual.shape != forecast.shape:
        raise ValueError(f"actual and forecast differ in shape: {actual.shape} vs {forecast.shape}")
    return actual, forecast
