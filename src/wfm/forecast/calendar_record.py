"""Which holiday calendar a forecast used, recorded in its ``holidays`` column.

A forecast learns holiday effects when it is given a calendar (``--country``, the centre's
``country``, the Forecast page's "Holidays of country"). The day's intraday prior
(:func:`wfm.intraday.centre_day.day_update_priors`, behind ``wfm intraday`` and the Today
page) starts from the forecast *file*, not from the run that made it, so the file says
which calendar that was: every row carries it in the ``holidays`` column, as the
``model`` column carries the model the prior learns with. One column travels with the file
into a feed folder, a spreadsheet or the store, where a second file could be left behind.

Values (:func:`calendar_record`):

- ``US``, ``GB-ENG``: the ``holidays`` package's holidays of that country (and
  subdivision), as :meth:`~wfm.forecast.holiday_effects.HolidayCalendar.from_country`
  builds them;
- ``none``: the forecast learned no holiday effects;
- ``custom``: dates given directly (an API caller's own calendar), which the file cannot
  rebuild: the prior learns without holidays, with a warning.

A forecast file without the column (written before it existed, or by another tool) means
no holidays, said once in a log line. :func:`recorded_calendars` reads the column back per
queue; a value that is none of the above, or several values in one queue, is an
:class:`~wfm.errors.InputError` naming the file and the fix.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import pandas as pd

from wfm.errors import InputError
from wfm.forecast.holiday_effects import HolidayCalendar

logger = logging.getLogger(__name__)

#: Column of a forecast that records its holiday calendar.
HOLIDAYS_COLUMN = "holidays"

#: Record of a forecast made without holidays.
NO_HOLIDAYS = "none"

#: Record of a forecast made with holiday dates given directly (not rebuildable).
CUSTOM_HOLIDAYS = "custom"

#: A country code (ISO 3166 alpha-2 or alpha-3) with an optional subdivision code.
_RECORD = re.compile(r"^(?P<country>[A-Z]{2,3})(?:-(?P<subdivision>[A-Z0-9]{1,6}))?$")

#: The fix said for a bad record.
_FIX = (
    f"re-make the forecast (wfm forecast --country CODE, or the centre's country), or write "
    f"'{NO_HOLIDAYS}' in the {HOLIDAYS_COLUMN} column for a forecast made without holidays"
)


def calendar_record(calendar: HolidayCalendar | None) -> str:
    """The ``holidays`` value of a forecast made with ``calendar``.

    Examples
    --------
    >>> calendar_record(None)
    'none'
    >>> calendar_record(HolidayCalendar(country="GB", subdivision="ENG"))
    'GB-ENG'
    >>> calendar_record(HolidayCalendar({}, "my dates"))
    'custom'
    """
    if calendar is None:
        return NO_HOLIDAYS
    if not calendar.country:
        return CUSTOM_HOLIDAYS
    return calendar.country + (f"-{calendar.subdivision}" if calendar.subdivision else "")


def parse_record(text: str, *, source: str = "forecast", line: int | None = None):
    """``(country, subdivision)`` of a ``holidays`` value; ``None`` for ``none`` or ``custom``.

    Raises
    ------
    InputError
        For any other text (naming ``source``, the line and the column).

    Examples
    --------
    >>> parse_record("GB-ENG")
    ('GB', 'ENG')
    >>> parse_record("us")
    ('US', None)
    >>> parse_record("none") is None
    True
    """
    value = str(text).strip()
    if value.lower() in (NO_HOLIDAYS, CUSTOM_HOLIDAYS):
        return None
    match = _RECORD.match(value.upper())
    if match is None:
        raise InputError(
            "not a holiday calendar record",
            source=source,
            row=line,
            column=HOLIDAYS_COLUMN,
            value=value,
            fix=f"write a country code such as US or GB-ENG, or '{NO_HOLIDAYS}'; or {_FIX}",
        )
    return match["country"], match["subdivision"]


def recorded_calendars(
    forecast: pd.DataFrame, years: Iterable[int], *, source: str = "forecast"
) -> dict[str, HolidayCalendar | None]:
    """Each queue's holiday calendar as the forecast records it (``None``: no holidays).

    Parameters
    ----------
    forecast
        A forecast frame (``queue`` and, from files written since it exists, ``holidays``).
    years
        Calendar years the calendars cover (the history's and the day's).
    source
        The forecast file, for messages.

    Returns
    -------
    dict
        Queue → :class:`~wfm.forecast.holiday_effects.HolidayCalendar` or ``None``; every
        queue ``None`` (said in a log line) when the forecast has no ``holidays`` column.

    Raises
    ------
    InputError
        For an empty or malformed value, several values in one queue, or a country the
        ``holidays`` package does not know.
    """
    queues = [str(queue) for queue in pd.unique(forecast["queue"])] if "queue" in forecast else []
    if HOLIDAYS_COLUMN not in forecast:
        if queues:
            logger.warning(
                "%s has no %s column (written before forecasts recorded their holiday "
                "calendar): the intraday prior learns without holidays",
                source,
                HOLIDAYS_COLUMN,
            )
        return dict.fromkeys(queues)
    years = list(years)
    built: dict[str, HolidayCalendar | None] = {}
    result: dict[str, HolidayCalendar | None] = {}
    for queue, values in forecast.groupby(forecast["queue"].astype(str), sort=True)[
        HOLIDAYS_COLUMN
    ]:
        texts = values.fillna("").astype(str).str.strip()
        empty = texts == ""
        if empty.any():
            raise InputError(
                f"queue {queue}: the {HOLIDAYS_COLUMN} record is empty",
                source=source,
                row=_file_line(texts.index[empty][0], forecast),
                column=HOLIDAYS_COLUMN,
                fix=_FIX,
            )
        distinct = sorted(set(texts.str.upper()))
        if len(distinct) > 1:
            raise InputError(
                f"queue {queue} records several holiday calendars",
                source=source,
                column=HOLIDAYS_COLUMN,
                value=", ".join(distinct),
                fix=f"one forecast run has one calendar per queue: {_FIX}",
            )
        record = distinct[0]
        if record not in built:
            built[record] = _build(record, years, source, _file_line(texts.index[0], forecast))
        if record == CUSTOM_HOLIDAYS.upper():
            logger.warning(
                "%s: queue %s's forecast used holiday dates given directly, which the file "
                "cannot rebuild: the intraday prior learns without holidays",
                source,
                queue,
            )
        result[queue] = built[record]
    return result


def _build(record: str, years: list[int], source: str, line: int | None):
    parsed = parse_record(record, source=source, line=line)
    if parsed is None:
        return None
    country, subdivision = parsed
    try:
        return HolidayCalendar.from_country(country, years, subdivision)
    except (InputError, NotImplementedError, KeyError, ValueError):
        raise InputError(
            "the holiday calendar the forecast records is not one the holidays package knows",
            source=source,
            row=line,
            column=HOLIDAYS_COLUMN,
            value=record,
            fix=f"use an ISO 3166 code it supports (US, GB-ENG, IL, SA); or {_FIX}",
        ) from None


def _file_line(position, forecast: pd.DataFrame) -> int | None:
    """The file line of a row label of a frame read from a CSV (header on line 1)."""
    try:
        return int(forecast.index.get_loc(position)) + 2
    except (KeyError, TypeError, ValueError):
        return None
