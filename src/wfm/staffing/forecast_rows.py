"""A checked forecast as per-row arrays: the common start of every staffing calculation.

Erlang C/A requirements (:func:`wfm.staffing.compute_requirements`), chat
(:func:`wfm.staffing.chat.compute_chat_requirements`) and deferred work
(:func:`wfm.staffing.deferred.compute_deferred_requirements`) all begin the same way: check
the forecast (:func:`check_forecast`), take its columns as arrays in the forecast's row
order, and give every row its shrinkage, whether the shrinkage was given for all queues, per
queue or per row (:func:`shrinkage_per_row`). :func:`forecast_rows` does all of it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.limits import MAX_AHT_SECONDS, MAX_CONTACTS_PER_INTERVAL

#: Shrinkage as accepted by the staffing functions: one fraction, one per queue, or one per row.
ShrinkageInput = float | Mapping[str, float] | np.ndarray | pd.Series


@dataclass(frozen=True)
class ForecastRows:
    """A checked forecast as arrays, one entry per forecast row, in the forecast's order.

    Attributes
    ----------
    frame : pandas.DataFrame
        The forecast with a fresh 0..n-1 index.
    queues : numpy.ndarray of str
        Queue of each row.
    offered : numpy.ndarray of float
        Contacts (calls, chats, items) offered in the interval.
    aht_seconds : numpy.ndarray of float
        Mean handle time as given [seconds]; may be NaN where nothing is offered.
    shrinkage_fraction : numpy.ndarray of float
        Shrinkage of each row, in [0, 1).
    """

    frame: pd.DataFrame
    queues: np.ndarray
    offered: np.ndarray
    aht_seconds: np.ndarray
    shrinkage_fraction: np.ndarray

    @property
    def staffing_aht_seconds(self) -> np.ndarray:
        """Handle time to staff with [seconds]: as given, or 1 s where nothing is offered.

        A row without contacts needs no agents whatever its handle time; 1 s keeps the
        queueing formulas finite there.
        """
        return np.where(self.offered > 0, self.aht_seconds, 1.0)


def forecast_rows(
    forecast: pd.DataFrame, shrinkage_fraction: ShrinkageInput, *, source: str = "forecast"
) -> ForecastRows:
    """Check a forecast and return it as per-row arrays with each row's shrinkage.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``interval_start``, ``queue``, ``offered`` [contacts per interval],
        ``aht_seconds`` [seconds]; other columns are kept in ``frame``.
    shrinkage_fraction : float, mapping of queue name to float, or array_like per row
        Shrinkage s in [0, 1): for all queues, per queue, or one value per forecast row.
    source : str
        Name of the forecast's origin, for error messages.

    Returns
    -------
    ForecastRows

    Examples
    --------
    >>> forecast = pd.DataFrame({"interval_start": [0, 0], "queue": ["sales", "support"],
    ...                          "offered": [10.0, 0.0], "aht_seconds": [180.0, np.nan]})
    >>> rows = forecast_rows(forecast, {"sales": 0.3, "support": 0.25})
    >>> rows.shrinkage_fraction.tolist(), rows.staffing_aht_seconds.tolist()
    ([0.3, 0.25], [180.0, 1.0])
    """
    check_forecast(forecast, source)
    frame = forecast.reset_index(drop=True)
    queues = frame["queue"].astype(str).to_numpy()
    return ForecastRows(
        frame=frame,
        queues=queues,
        offered=frame["offered"].to_numpy(dtype=float),
        aht_seconds=frame["aht_seconds"].to_numpy(dtype=float),
        shrinkage_fraction=shrinkage_per_row(shrinkage_fraction, queues, source),
    )


def shrinkage_per_row(
    shrinkage_fraction: ShrinkageInput, queues: np.ndarray, source: str = "forecast"
) -> np.ndarray:
    """The shrinkage of each row, from one fraction, one per queue, or one per row.

    Parameters
    ----------
    shrinkage_fraction : float, mapping of queue name to float, or array_like per row
        Shrinkage s in [0, 1).
    queues : numpy.ndarray of str
        Queue of each row.
    source : str
        Name of the forecast's origin, for error messages.

    Returns
    -------
    numpy.ndarray of float
        One shrinkage per row.

    Examples
    --------
    >>> shrinkage_per_row(0.3, np.array(["a", "b"])).tolist()
    [0.3, 0.3]
    >>> shrinkage_per_row({"a": 0.3, "b": 0.1}, np.array(["a", "b", "a"])).tolist()
    [0.3, 0.1, 0.3]
    """
    rows = len(queues)
    if isinstance(shrinkage_fraction, int | float):
        return np.full(rows, float(shrinkage_fraction))
    if isinstance(shrinkage_fraction, Mapping):
        shrinkage = np.zeros(rows)
        for queue in pd.unique(queues):
            shrinkage[queues == queue] = queue_value(shrinkage_fraction, queue, "shrinkage")
        return shrinkage
    values = np.asarray(shrinkage_fraction, dtype=float)
    if values.shape != (rows,):
        raise InputError(
            "per-interval shrinkage must have one value per forecast row",
            source=source,
            value=values.shape,
            fix=f"give {rows} values, a single fraction, or one per queue",
        )
    return values


def queue_value(mapping: Mapping, queue: str, what: str):
    """The value of ``queue`` in a per-queue ``mapping``; an InputError naming ``what`` if missing."""
    try:
        return mapping[queue]
    except KeyError:
        raise InputError(
            f"no {what} for queue '{queue}'",
            fix=f"add queue '{queue}' to the centre file (known: {sorted(mapping)})",
        ) from None


def check_forecast(forecast: pd.DataFrame, source: str) -> None:
    """Raise :class:`~wfm.errors.InputError` for values staffing cannot use, naming the first bad row.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``interval_start``, ``queue``, ``offered`` [contacts per interval] and
        ``aht_seconds`` [seconds].
    source : str
        Name of the forecast's origin, for error messages.

    Examples
    --------
    >>> bad = pd.DataFrame({"interval_start": [0], "queue": ["sales"], "offered": [-1.0],
    ...                     "aht_seconds": [180.0]})
    >>> check_forecast(bad, "f.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: f.csv, line 2, column 'offered': offered is negative ...
    """
    missing = [
        column
        for column in ("interval_start", "queue", "offered", "aht_seconds")
        if column not in forecast
    ]
    if missing:
        raise InputError(
            f"missing column(s) {missing}",
            source=source,
            fix="a forecast needs interval_start, queue, offered, aht_seconds",
        )
    offered = pd.to_numeric(forecast["offered"], errors="coerce").to_numpy(dtype=float)
    aht = pd.to_numeric(forecast["aht_seconds"], errors="coerce").to_numpy(dtype=float)
    checks = [
        (
            ~np.isfinite(offered),
            "offered",
            "offered is not a number",
            "write a non-negative number of contacts",
        ),
        (offered < 0, "offered", "offered is negative", "volumes must be zero or more"),
        (
            offered > MAX_CONTACTS_PER_INTERVAL,
            "offered",
            f"offered is above wfm's limit of {MAX_CONTACTS_PER_INTERVAL:,} contacts in one interval",
            "check the volume: it is far beyond any contact centre",
        ),
        (
            (offered > 0) & np.isinf(aht),
            "aht_seconds",
            "AHT is infinite",
            "give the handle time in seconds as a finite number",
        ),
        (
            (offered > 0) & (aht > MAX_AHT_SECONDS),
            "aht_seconds",
            f"AHT is above wfm's limit of {MAX_AHT_SECONDS:g} seconds (one day)",
            "give the handle time in seconds (e.g. 180 for 3 minutes)",
        ),
        (
            (offered > 0) & np.isnan(aht),
            "aht_seconds",
            "AHT is missing where contacts are offered (the history has no handle time)",
            "give the queue's average handle time: --aht-seconds on the command line "
            "(one value or QUEUE=SECONDS), aht_seconds in the centre's [[queues]], or the "
            "AHT field on the app's Data page",
        ),
        (
            (offered > 0) & (aht <= 0),
            "aht_seconds",
            "AHT must be more than 0 seconds",
            "give the handle time in seconds",
        ),
    ]
    for bad, column, problem, fix in checks:
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            value = forecast[column].iloc[row]
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and np.isnan(value):
                value = "empty"
            raise InputError(
                problem, source=source, row=row + 2, column=column, value=value, fix=fix
            )
    positive = aht[(offered > 0) & np.isfinite(aht)]
    if positive.size and np.median(positive) < 15:
        raise InputError(
            f"AHT has a median of {np.median(positive):g}, which looks like minutes, not seconds",
            source=source,
            column="aht_seconds",
            fix="give the handle time in seconds (e.g. 180 for 3 minutes)",
        )
