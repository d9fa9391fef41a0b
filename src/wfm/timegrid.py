"""The planning time grid: interval lengths, clock times, weekdays and opening hours.

Timestamps inside wfm are tz-aware. Seasonality and opening hours are evaluated in the
centre's local time zone (so a daylight-saving day has 92 or 100 quarter hours); files carry
ISO 8601 with the UTC offset. The interval length is always carried explicitly as
``interval_minutes`` rather than guessed on every call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.errors import InputError

#: Interval lengths wfm plans on [minutes]; each divides a day.
ALLOWED_INTERVAL_MINUTES: tuple[int, ...] = (5, 6, 10, 15, 20, 30, 60)

#: Weekday keys as used in centre files, Monday first (``Timestamp.day_of_week`` order).
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: Days in a week: a calendar week of a rota's horizon, the weekly seasonal lag [days].
DAYS_PER_WEEK = 7

MINUTES_PER_DAY = 24 * 60


def check_interval_minutes(interval_minutes: int, source: str | None = None) -> int:
    """Return ``interval_minutes`` if wfm supports it, else raise :class:`InputError`."""
    if interval_minutes not in ALLOWED_INTERVAL_MINUTES:
        raise InputError(
            f"interval length of {interval_minutes} minutes is not supported",
            source=source,
            value=interval_minutes,
            fix=f"use one of {', '.join(map(str, ALLOWED_INTERVAL_MINUTES))} minutes, "
            "each of which divides a day",
        )
    return int(interval_minutes)


def parse_clock(text: str, what: str = "time") -> int:
    """Parse ``"HH:MM"`` into minutes after midnight; ``"24:00"`` is allowed as a close time.

    >>> parse_clock("08:30")
    510
    """
    try:
        hours_text, minutes_text = str(text).strip().split(":")
        hours, minutes = int(hours_text), int(minutes_text)
    except ValueError:
        raise InputError(
            f"{what} is not a clock time", value=text, fix="write it as HH:MM, e.g. 08:30"
        ) from None
    if not (0 <= minutes < 60 and 0 <= hours <= 24) or (hours == 24 and minutes):
        raise InputError(f"{what} is out of range", value=text, fix="use 00:00 to 24:00")
    return hours * 60 + minutes


def format_clock(minutes_after_midnight: int) -> str:
    """Format minutes after midnight as ``"HH:MM"`` (wrapping past midnight).

    >>> format_clock(1470)
    '00:30'
    """
    minutes = int(minutes_after_midnight) % MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def weekday_index(name: str) -> int:
    """Index 0 (Monday) .. 6 (Sunday) of a weekday key such as ``"mon"`` or ``"Monday"``."""
    key = str(name).strip().lower()[:3]
    if key not in WEEKDAYS:
        raise InputError("unknown weekday", value=name, fix=f"use one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(key)


@dataclass(frozen=True)
class OpeningHours:
    """Opening hours per weekday in local time.

    Parameters
    ----------
    minutes_by_weekday
        For each weekday index 0 (Monday) .. 6 (Sunday), ``(open_minute, close_minute)`` in
        minutes after local midnight, or absent when the centre is closed that day. A close
        time at or before the open time means the centre closes after midnight.
    closed_dates
        Local dates on which the centre is closed all day (holidays).
    """

    minutes_by_weekday: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    closed_dates: frozenset[dt.date] = frozenset()

    @classmethod
    def from_strings(cls, spec: Mapping[str, str], closed_dates=()) -> OpeningHours:
        """Build from ``{"mon": "08:00-20:00", "sun": "closed", ...}``; missing days are closed."""
        minutes: dict[int, tuple[int, int]] = {}
        for day, text in spec.items():
            index = weekday_index(day)
            text = str(text).strip().lower()
            if text in ("closed", ""):
                continue
            try:
                open_text, close_text = text.split("-")
            except ValueError:
                raise InputError(
                    f"opening hours for {day} are not a range",
                    value=text,
                    fix='write "HH:MM-HH:MM" or "closed"',
                ) from None
            open_minute = parse_clock(open_text, f"opening time for {day}")
            close_minute = parse_clock(close_text, f"closing time for {day}")
            if open_minute == close_minute:
                raise InputError(
                    f"opening hours for {day} are empty", value=text, fix='write "closed" instead'
                )
            minutes[index] = (open_minute, close_minute)
        return cls(minutes_by_weekday=minutes, closed_dates=frozenset(closed_dates))

    @classmethod
    def always_open(cls) -> OpeningHours:
        """Open 24 hours, 7 days."""
        return cls({day: (0, MINUTES_PER_DAY) for day in range(7)})

    def with_closed_dates(self, dates) -> OpeningHours:
        """A copy that is also closed on ``dates`` (local dates)."""
        return OpeningHours(dict(self.minutes_by_weekday), self.closed_dates | frozenset(dates))

    def is_open(
        self, interval_start_local: pd.DatetimeIndex | pd.Series, interval_minutes: int
    ) -> np.ndarray:
        """Boolean array: is the centre open for the whole interval starting at each time?

        ``interval_start_local`` must be in the centre's local time zone. Overnight hours
        (close before open) are attributed to the opening day.
        """
        starts = pd.DatetimeIndex(interval_start_local)
        minute_of_day = (starts.hour * 60 + starts.minute).to_numpy()
        weekday = starts.day_of_week.to_numpy()
        dates = starts.date
        is_open = np.zeros(len(starts), dtype=bool)
        for day, (open_minute, close_minute) in self.minutes_by_weekday.items():
            if close_minute > open_minute:
                is_open |= (
                    (weekday == day)
                    & (minute_of_day >= open_minute)
                    & (minute_of_day + interval_minutes <= close_minute)
                )
            else:  # past midnight: evening of `day` and early morning of the next day
                is_open |= (weekday == day) & (minute_of_day >= open_minute)
                is_open |= (weekday == (day + 1) % 7) & (
                    minute_of_day + interval_minutes <= close_minute
                )
        if self.closed_dates:
            closed = np.array([d in self.closed_dates for d in dates], dtype=bool)
            is_open &= ~closed
        return is_open


def interval_grid(
    start_date: dt.date, days: int, interval_minutes: int, timezone: str
) -> pd.DatetimeIndex:
    """All interval starts from local midnight of ``start_date`` for ``days`` local days.

    Built in local wall-clock time and localised, so a daylight-saving day has 23 or 25
    hours of intervals. Non-existent local times are dropped; ambiguous ones keep both.
    """
    check_interval_minutes(interval_minutes)
    first = pd.Timestamp(start_date).tz_localize(timezone)
    last = (pd.Timestamp(start_date) + pd.Timedelta(days=days)).tz_localize(timezone)
    # Step in UTC so that DST days get the right number of intervals.
    grid = pd.date_range(
        first.tz_convert("UTC"),
        last.tz_convert("UTC"),
        freq=f"{interval_minutes}min",
        inclusive="left",
    )
    return grid.tz_convert(timezone)


def infer_interval_minutes(
    interval_start: pd.Series | pd.DatetimeIndex, source: str | None = None
) -> int:
    """Infer the interval length [minutes] from the timestamps of one or more series.

    The length is the greatest common divisor of all gaps between consecutive distinct
    timestamps, which works across nightly closures, weekends and missing days (where
    ``pd.infer_freq`` fails). It must be one of :data:`ALLOWED_INTERVAL_MINUTES`.
    """
    values = pd.DatetimeIndex(pd.Series(interval_start).drop_duplicates().sort_values())
    if len(values) < 2:
        raise InputError(
            "cannot infer the interval length from fewer than two distinct timestamps",
            source=source,
            fix="pass the interval length explicitly (--interval-minutes)",
        )
    # as_unit: pandas 3 parses to microseconds by default, and asi8 counts in the unit.
    gaps_seconds = np.diff(values.as_unit("ns").asi8) // 10**9
    gaps_seconds = gaps_seconds[gaps_seconds > 0]
    gcd_seconds = int(np.gcd.reduce(gaps_seconds.astype(np.int64)))
    if gcd_seconds % 60 or gcd_seconds // 60 not in ALLOWED_INTERVAL_MINUTES:
        raise InputError(
            f"timestamps are {gcd_seconds / 60:g} minutes apart at the finest, which is not a supported interval length",
            source=source,
            column="interval_start",
            fix=f"use {', '.join(map(str, ALLOWED_INTERVAL_MINUTES))}-minute intervals or pass --interval-minutes",
        )
    return gcd_seconds // 60
