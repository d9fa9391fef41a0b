"""The shape of a week: how a week's contacts and handle time spread over its intervals.

A capacity plan turns each future week's total into interval volumes with the shape of the
recent past, so that Erlang C sees the peaks (:mod:`wfm.capacity.requirement`). The shape is
the mean of each (weekday, time of day) slot over the last weeks of history, holidays left
out, divided by the mean week's total; the AHT shape is each slot's AHT relative to the
week's. Slots are local wall-clock times; the one-hour shift of a daylight-saving day is
ignored (a capacity plan is weekly).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.capacity.workload import known_workload
from wfm.data.schemas import History
from wfm.errors import InputError

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class WeekProfile:
    """Share of a week's contacts and relative AHT per slot, for one queue.

    Attributes
    ----------
    queue : str
    interval_minutes : int
    volume_share : numpy.ndarray
        Shape (7 × slots a day,), slot ``d × slots_per_day + i`` is weekday ``d`` (0 = Monday)
        at ``i × interval_minutes`` after midnight; sums to 1.
    aht_ratio : numpy.ndarray
        The slot's AHT / the week's AHT (1 where nothing was handled in the slot).
    """

    queue: str
    interval_minutes: int
    volume_share: np.ndarray
    aht_ratio: np.ndarray

    @property
    def slots_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def weekday(self) -> np.ndarray:
        """Weekday (0 = Monday) of each slot."""
        return np.repeat(np.arange(7), self.slots_per_day)

    def open_weekdays(self) -> list[int]:
        """Weekdays with any volume."""
        per_day = self.volume_share.reshape(7, self.slots_per_day).sum(axis=1)
        return [day for day in range(7) if per_day[day] > 0]


def week_profiles(
    history: History,
    weeks: int,
    holiday_dates: Mapping[dt.date, str] | None = None,
) -> dict[str, WeekProfile]:
    """The week shape of each queue from the last ``weeks`` weeks of history.

    Parameters
    ----------
    history : History
    weeks : int
        Recent weeks to average [weeks].
    holiday_dates : mapping, optional
        Dates left out of the averages (their shape is not a normal day's).

    Returns
    -------
    dict
        Queue name → :class:`WeekProfile`.

    Examples
    --------
    A queue busy only on Mondays 09:00–10:00, three times as busy in the second half hour:

    >>> import pandas as pd
    >>> from wfm.data.schemas import History
    >>> starts = pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:30"]).tz_localize("UTC")
    >>> frame = pd.DataFrame({"interval_start": starts, "queue": "q", "offered": [10.0, 30.0],
    ...                       "aht_seconds": [100.0, 300.0], "handled": [10.0, 30.0]})
    >>> profile = week_profiles(History(frame, 30, "UTC"), weeks=1)["q"]
    >>> profile.volume_share[18:20].tolist(), profile.aht_ratio[18:20].round(3).tolist()
    ([0.25, 0.75], [0.4, 1.2])
    """
    frame = history.frame
    interval = history.interval_minutes
    if MINUTES_PER_DAY % interval:
        raise InputError(f"interval of {interval} minutes does not divide a day", value=interval)
    slots_per_day = MINUTES_PER_DAY // interval
    local = frame["interval_start"]
    dates = local.dt.date
    last_day = dates.max()
    window_start = last_day - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    holidays = set(holiday_dates or {})
    keep = (dates >= window_start) & ~dates.isin(holidays)
    data = frame.loc[keep]
    slot = (
        local[keep].dt.day_of_week * slots_per_day
        + (local[keep].dt.hour * 60 + local[keep].dt.minute) // interval
    )
    handle, handled = known_workload(data)
    table = pd.DataFrame(
        {
            "queue": data["queue"].to_numpy(),
            "slot": slot.to_numpy(),
            "offered": data["offered"].to_numpy(dtype=float),
            "handle": handle,
            "handled": handled,
        }
    )
    # Days of each weekday in the window that are not holidays (a weekday with no rows at
    # all is a closed day and counts as zero).
    window_days = [
        window_start + dt.timedelta(days=d) for d in range((last_day - window_start).days + 1)
    ]
    days_per_weekday = np.zeros(7)
    for day in window_days:
        if day not in holidays:
            days_per_weekday[day.weekday()] += 1
    profiles = {}
    for queue, own in table.groupby("queue", sort=True):
        sums = own.groupby("slot")[["offered", "handle", "handled"]].sum()
        offered = np.zeros(7 * slots_per_day)
        handle_s = np.zeros(7 * slots_per_day)
        handled_n = np.zeros(7 * slots_per_day)
        offered[sums.index] = sums["offered"].to_numpy()
        handle_s[sums.index] = sums["handle"].to_numpy()
        handled_n[sums.index] = sums["handled"].to_numpy()
        per_day = np.repeat(np.maximum(days_per_weekday, 1), slots_per_day)
        mean_offered = offered / per_day
        total = mean_offered.sum()
        if total <= 0:
            raise InputError(
                f"queue '{queue}' has no contacts in the last {weeks} weeks of history",
                source=history.source,
                fix="give a history whose last weeks have contacts, or more weeks for the shape",
            )
        week_aht = handle_s.sum() / handled_n.sum() if handled_n.sum() > 0 else np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(handled_n > 0, handle_s / np.maximum(handled_n, 1e-12) / week_aht, 1.0)
        ratio = np.where(np.isfinite(ratio), ratio, 1.0)
        profiles[str(queue)] = WeekProfile(str(queue), interval, mean_offered / total, ratio)
    return profiles
