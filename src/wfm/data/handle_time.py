"""Handle time for a volume-only history: the AHT the user gives, never a silent 0 or NaN.

Many exports (the US bank data among them) count contacts but carry no handle time. Staffing
needs an average handle time [s] for every interval with contacts, so the user states it,
in one of three shapes (:class:`AhtAssumption`):

1. one value for every queue (``--aht-seconds 300``);
2. one value per queue (``--aht-seconds sales=240 --aht-seconds support=420``, or
   ``aht_seconds`` in the centre file's ``[[queues]]``);
3. a weekday × time-of-day profile file (``--aht-profile aht.csv``, the centre's
   ``aht_profile``): ``weekday, time, aht_seconds`` and optionally ``queue``; weekday
   ``mon``..``sun`` (or 0 = Monday), time ``HH:MM`` local (the start of the interval, or of a
   band that lasts until the next time listed that day).

:func:`fill_missing_aht` applies it to the queues of a history that have no handle time at
all (a queue with some handle times keeps its own). :func:`queues_without_aht` lists the
queues still without one: the question to ask the user.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import parse_numbers, parse_text
from wfm.data.row_errors import raise_first
from wfm.data.schemas import History
from wfm.data.weekday_profiles import parse_clock_minutes, parse_weekdays
from wfm.errors import InputError
from wfm.timegrid import WEEKDAYS

logger = logging.getLogger(__name__)

#: Columns of an AHT profile file (``queue`` optional: a row without one applies to every queue).
AHT_PROFILE_COLUMNS = ("weekday", "time", "aht_seconds")
#: Plausible AHT bounds [s]: below 1 s or above 4 hours is a unit mistake.
MIN_AHT_SECONDS, MAX_AHT_SECONDS = 1.0, 4 * 3600.0
#: Queue value of profile rows that apply to every queue.
ALL_QUEUES = "*"


@dataclass(frozen=True)
class AhtAssumption:
    """The AHT a user gives for queues whose history has no handle time.

    Parameters
    ----------
    aht_seconds
        One value for every queue [s], or ``None``.
    by_queue
        Queue -> AHT [s]; wins over ``aht_seconds``.
    profile
        ``queue`` (or :data:`ALL_QUEUES`), ``weekday`` (0 = Monday), ``minute`` (of the
        local day, start of a band) and ``aht_seconds``; wins over both (see
        :func:`read_aht_profile`).
    """

    aht_seconds: float | None = None
    by_queue: Mapping[str, float] = field(default_factory=dict)
    profile: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        values = [self.aht_seconds, *self.by_queue.values()]
        for value in values:
            if value is not None and not (MIN_AHT_SECONDS <= float(value) <= MAX_AHT_SECONDS):
                raise InputError(
                    "AHT is not a plausible number of seconds",
                    column="aht_seconds",
                    value=value,
                    fix=f"give the average handle time in seconds, between {MIN_AHT_SECONDS:g} "
                    f"and {MAX_AHT_SECONDS:g} (e.g. 300 for 5 minutes)",
                )

    @property
    def empty(self) -> bool:
        """Whether it says nothing."""
        return self.aht_seconds is None and not self.by_queue and self.profile is None

    def covers(self, queue: str) -> bool:
        """Whether it gives an AHT for ``queue``."""
        if self.aht_seconds is not None or queue in self.by_queue:
            return True
        return self.profile is not None and bool(
            self.profile["queue"].isin([queue, ALL_QUEUES]).any()
        )

    def describe(self, queue: str) -> str:
        """Where ``queue``'s AHT comes from, in words."""
        if self.profile is not None and self.profile["queue"].isin([queue, ALL_QUEUES]).any():
            return "the AHT profile (weekday × time of day)"
        if queue in self.by_queue:
            return f"{self.by_queue[queue]:g} s given for the queue"
        if self.aht_seconds is not None:
            return f"{self.aht_seconds:g} s given for every queue"
        return "none"


def parse_aht_values(values: Sequence[str] | None) -> AhtAssumption:
    """``["300"]`` or ``["sales=240", "support=420"]`` (the CLI's ``--aht-seconds``).

    Raises
    ------
    InputError
        A value that is not a number of seconds from :data:`MIN_AHT_SECONDS` to
        :data:`MAX_AHT_SECONDS`, naming the option.

    >>> parse_aht_values(["-5"])
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: option --aht-seconds: not a plausible average handle time (value: '-5'). Fix: give the average handle time in seconds, from 1 to 14400: e.g. --aht-seconds 300, or per queue --aht-seconds sales=300
    """
    overall: float | None = None
    by_queue: dict[str, float] = {}
    fix = (
        f"give the average handle time in seconds, from {MIN_AHT_SECONDS:g} to "
        f"{MAX_AHT_SECONDS:g}: e.g. --aht-seconds 300, or per queue --aht-seconds sales=300"
    )
    for text in values or ():
        queue, _, number = str(text).rpartition("=")
        try:
            seconds = float(number)
        except ValueError:
            raise InputError(
                "not a number of seconds", option="--aht-seconds", value=text, fix=fix
            ) from None
        if not MIN_AHT_SECONDS <= seconds <= MAX_AHT_SECONDS:  # NaN is outside too
            raise InputError(
                "not a plausible average handle time", option="--aht-seconds", value=text, fix=fix
            )
        if queue.strip():
            by_queue[queue.strip()] = seconds
        else:
            overall = seconds
    return AhtAssumption(overall, by_queue)


def aht_profile_from_frame(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validate a raw AHT profile frame (see the module docstring) into
    ``queue, weekday, minute, aht_seconds``, sorted."""
    frame, names = match_columns(raw, AHT_PROFILE_COLUMNS, ("queue",), source=source)
    if frame.empty:
        raise InputError("the AHT profile has no rows", source=source, fix="add rows")
    weekday = parse_weekdays(frame["weekday"], source=source, column=names["weekday"])
    minute = parse_clock_minutes(frame["time"], source=source, column=names["time"])
    aht = parse_numbers(
        frame["aht_seconds"],
        source=source,
        column=names["aht_seconds"],
        minimum=MIN_AHT_SECONDS,
        maximum=MAX_AHT_SECONDS,
    )
    queue = (
        parse_text(frame["queue"], source=source, column=names["queue"])
        if "queue" in frame
        else pd.Series(ALL_QUEUES, index=frame.index)
    )
    result = pd.DataFrame(
        {
            "queue": queue.astype(str).to_numpy(),
            "weekday": weekday.astype(int).to_numpy(),
            "minute": minute.astype(int).to_numpy(),
            "aht_seconds": aht,
        }
    )
    repeated = result.duplicated(["queue", "weekday", "minute"]).to_numpy()
    raise_first(
        repeated,
        frame["time"],
        problem="repeats the queue, weekday and time of an earlier row",
        source=source,
        column=names["time"],
        fix="one row per queue, weekday and time",
    )
    return result.sort_values(["queue", "weekday", "minute"], ignore_index=True)


def read_aht_profile(path: str | Path) -> pd.DataFrame:
    """Read an AHT profile CSV (``weekday, time, aht_seconds[, queue]``)."""
    source = str(path)
    return aht_profile_from_frame(
        read_raw_csv(path, source=source, text_columns=("queue",)), source
    )


def queues_without_aht(history: History) -> list[str]:
    """Queues with contacts offered and no handle time anywhere in the history."""
    frame = history.frame
    known = frame["aht_seconds"].notna() & (frame["aht_seconds"] > 0)
    busy = frame.groupby("queue")["offered"].sum() > 0
    with_aht = frame.loc[known, "queue"].unique()
    return sorted(q for q in busy.index[busy.to_numpy()] if q not in set(with_aht))


def _profile_values(profile: pd.DataFrame, queue: str, starts: pd.Series) -> np.ndarray:
    """AHT [s] from the profile for each local interval start (NaN where no band covers it)."""
    rows = profile.loc[profile["queue"] == queue]
    if rows.empty:
        rows = profile.loc[profile["queue"] == ALL_QUEUES]
    local = pd.DatetimeIndex(starts)
    weekday = local.day_of_week.to_numpy()
    minute = (local.hour * 60 + local.minute).to_numpy()
    result = np.full(len(local), np.nan)
    key = weekday * 1440 + minute
    table_key = rows["weekday"].to_numpy() * 1440 + rows["minute"].to_numpy()
    order = np.argsort(table_key)
    table_key, values = table_key[order], rows["aht_seconds"].to_numpy()[order]
    days = rows["weekday"].to_numpy()[order]
    position = np.searchsorted(table_key, key, side="right") - 1
    found = position >= 0
    same_day = np.zeros(len(key), dtype=bool)
    same_day[found] = days[position[found]] == weekday[found]
    result[same_day] = values[position[same_day]]
    return result


def fill_missing_aht(history: History, assumption: AhtAssumption) -> History:
    """The history with AHT filled in for the queues that have no handle time.

    A queue with any handle time keeps its own (and its empty cells where nothing was
    handled). For a queue without, every interval's ``aht_seconds`` comes from the profile,
    else the queue's value, else the overall value.

    Raises
    ------
    InputError
        The profile has no band for an interval with contacts (naming the queue, weekday
        and time).
    """
    missing = [q for q in queues_without_aht(history) if assumption.covers(q)]
    if not missing:
        return history
    frame = history.frame.copy()
    for queue in missing:
        rows = (frame["queue"] == queue).to_numpy()
        values = np.full(int(rows.sum()), np.nan)
        if (
            assumption.profile is not None
            and assumption.profile["queue"].isin([queue, ALL_QUEUES]).any()
        ):
            values = _profile_values(assumption.profile, queue, frame.loc[rows, "interval_start"])
            offered = frame.loc[rows, "offered"].to_numpy()
            gap = np.isnan(values) & (offered > 0)
            fallback = assumption.by_queue.get(queue, assumption.aht_seconds)
            if gap.any() and fallback is None:
                first = frame.loc[rows, "interval_start"].iloc[int(np.argmax(gap))]
                raise InputError(
                    f"the AHT profile has no value for queue '{queue}' on "
                    f"{WEEKDAYS[first.weekday()]} at {first:%H:%M} (the first band that day "
                    "starts later)",
                    column="time",
                    value=f"{first:%Y-%m-%d %H:%M}",
                    fix="add a row for that weekday starting at or before the first interval "
                    "with contacts, or give --aht-seconds as well",
                )
            values = np.where(np.isnan(values), fallback if fallback else np.nan, values)
        else:
            values[:] = assumption.by_queue.get(queue, assumption.aht_seconds)
        frame.loc[rows, "aht_seconds"] = values
        logger.info("queue %s: AHT from %s", queue, assumption.describe(queue))
    return dataclasses.replace(history, frame=frame)


def aht_assumption(
    centre=None,
    *,
    values: Sequence[str] | None = None,
    profile_path: str | Path | None = None,
) -> AhtAssumption:
    """The AHT the user gave: the centre's (``[[queues]] aht_seconds``, ``aht_profile``)
    with command-line values (``--aht-seconds``, ``--aht-profile``) on top."""
    given = parse_aht_values(values)
    by_queue: dict[str, float] = {}
    profile = None
    if centre is not None:
        by_queue = {q.name: q.aht_seconds for q in centre.queues if q.aht_seconds is not None}
        if centre.aht_profile is not None:
            profile = read_aht_profile(centre.resolve(centre.aht_profile))
    if profile_path is not None:
        profile = read_aht_profile(profile_path)
    return AhtAssumption(given.aht_seconds, by_queue | dict(given.by_queue), profile)


def missing_aht_question(queues: Sequence[str]) -> str:
    """The question to put to the user when queues have no handle time."""
    names = ", ".join(f"'{q}'" for q in queues)
    return (
        f"the history has no handle time for queue(s) {names}: what is their average handle "
        "time? Staffing needs it. Give one value (--aht-seconds 300), one per queue "
        "(--aht-seconds QUEUE=300), or a weekday × time-of-day file (--aht-profile FILE); "
        "in the app, on the Data page"
    )


__all__ = [
    "AHT_PROFILE_COLUMNS",
    "ALL_QUEUES",
    "AhtAssumption",
    "aht_assumption",
    "aht_profile_from_frame",
    "fill_missing_aht",
    "missing_aht_question",
    "parse_aht_values",
    "queues_without_aht",
    "read_aht_profile",
]
