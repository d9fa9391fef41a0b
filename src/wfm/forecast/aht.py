"""Average handle time forecast per interval.

Handle time varies with the time of day (tired agents in the evening, complex calls in the
morning) but it is noisy where few contacts are handled. The forecast is a weekday ×
time-of-day profile of recent weeks, weighted by volume, shrunk towards the queue's recent
mean where a slot has seen few contacts.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.slots import DAYS_PER_WEEK, wall_clock, weekday_of

logger = logging.getLogger(__name__)


def forecast_aht(
    history_frame: pd.DataFrame,
    index: pd.DatetimeIndex,
    *,
    weeks: int = 8,
    prior_contacts: float = 30.0,
) -> np.ndarray:
    r"""Forecast average handle time [seconds] for each interval start in ``index``.

    For weekday :math:`w` and minute of the day :math:`m`, over the intervals of the last
    ``weeks`` weeks with a known AHT, with volume :math:`v_i` (handled contacts when the
    history has them, else offered) and AHT :math:`a_i`:

    .. math::

        n_{w,m} = \sum_{i \in (w,m)} v_i, \qquad
        \bar a_{w,m} = \frac{\sum_{i \in (w,m)} v_i a_i}{n_{w,m}}, \qquad
        \bar a = \frac{\sum_i v_i a_i}{\sum_i v_i},

        \hat a_{w,m} = \frac{n_{w,m}}{n_{w,m} + k}\,\bar a_{w,m}
                     + \frac{k}{n_{w,m} + k}\,\bar a,

    with :math:`k` = ``prior_contacts``: a slot that handled :math:`k` contacts in the window
    is pulled half-way to the queue mean :math:`\bar a`, a busy slot keeps its own value.
    This is the posterior mean of a normal model with a prior worth :math:`k` contacts
    (empirical-Bayes shrinkage). Slots never seen get :math:`\bar a`. The window ends at the
    last interval with a known AHT.

    Parameters
    ----------
    history_frame
        One queue's history: ``interval_start`` (tz-aware, local), ``offered``,
        ``aht_seconds`` (NaN where unknown) and optionally ``handled``. Not modified.
    index
        Interval starts to forecast (tz-aware).
    weeks
        Look-back window [weeks].
    prior_contacts
        Shrinkage strength :math:`k` [contacts], at least 0 (0: no shrinkage).

    Returns
    -------
    numpy.ndarray
        AHT [seconds] per interval; the plain mean of the AHTs given when no interval with
        one has contacts; all NaN when the history has no AHT at all (the caller supplies
        a default).

    Examples
    --------
    >>> import pandas as pd
    >>> starts = pd.date_range("2024-01-01 09:00", periods=2, freq="15min", tz="UTC")
    >>> history = pd.DataFrame({"interval_start": starts, "offered": [90, 10], "aht_seconds": [200.0, 400.0]})
    >>> forecast_aht(history, starts, prior_contacts=10).round(1)
    array([202., 310.])
    """
    if prior_contacts < 0 or weeks < 1:
        raise InputError(
            "AHT forecast needs weeks >= 1 and prior_contacts >= 0",
            value={"weeks": weeks, "prior_contacts": prior_contacts},
        )
    index = pd.DatetimeIndex(index)
    starts = pd.DatetimeIndex(history_frame["interval_start"])
    if index.tz is not None and starts.tz is not None:
        index = index.tz_convert(starts.tz)
    aht = history_frame["aht_seconds"].to_numpy(dtype=float)
    volume = history_frame["offered"].to_numpy(dtype=float)
    if "handled" in history_frame.columns:
        handled = history_frame["handled"].to_numpy(dtype=float)
        volume = np.where(np.isfinite(handled), handled, volume)
    usable = np.isfinite(aht) & np.isfinite(volume) & (volume > 0) & (aht >= 0)
    if not usable.any():
        stated = np.isfinite(aht) & (aht >= 0)
        if stated.any():  # handle times given, but no contacts to weight them with
            logger.info("no contacts with a handle time; AHT forecast: the mean of those given")
            return np.full(len(index), float(aht[stated].mean()))
        logger.info(
            "no handle times in the history; AHT forecast left empty for the caller's default"
        )
        return np.full(len(index), np.nan)

    dates, minutes = wall_clock(starts)
    window = usable & (dates > dates[usable].max() - np.timedelta64(weeks * DAYS_PER_WEEK, "D"))
    slots = pd.DataFrame(
        {
            "weekday": weekday_of(dates[window]),
            "minute": minutes[window],
            "volume": volume[window],
            "handle_seconds": volume[window] * aht[window],
        }
    )
    overall = slots["handle_seconds"].sum() / slots["volume"].sum()
    sums = slots.groupby(["weekday", "minute"])[["volume", "handle_seconds"]].sum()
    shrunk = (sums["handle_seconds"] + prior_contacts * overall) / (sums["volume"] + prior_contacts)

    target_dates, target_minutes = wall_clock(index)
    keys = pd.MultiIndex.from_arrays([weekday_of(target_dates), target_minutes])
    forecast = shrunk.reindex(keys).to_numpy(dtype=float)
    return np.where(np.isfinite(forecast), forecast, overall)
