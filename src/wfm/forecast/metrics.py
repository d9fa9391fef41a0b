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
