"""Timestamps and dates read from a raw column, checked row by row.

- :func:`parse_timestamps` reads ISO 8601 [#iso]_ timestamps, with a UTC offset or as local
  wall-clock time in an IANA time zone [#tz]_, daylight-saving changes resolved (a repeated
  local time in the hour the clocks go back, a local time that does not exist when they go
  forward); day-first or month-first dates are read in the order the column shows
  (:mod:`wfm.data.locale_formats`); offsets must change only as daylight saving does
  (:func:`wfm.data.offsets.check_offsets`); years are checked against :mod:`wfm.limits`.
- :func:`parse_dates` reads ``YYYY-MM-DD`` into :class:`datetime.date`.
- :func:`check_timezone` checks an IANA zone name.

Timestamps are tz-aware pandas timestamps; errors name the first bad row
(:func:`wfm.data.row_errors.raise_first`).

.. [#iso] ISO 8601-1:2019, Date and time -- Representations for information interchange.
.. [#tz] The IANA time zone database, https://www.iana.org/time-zones.
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from wfm.data.locale_formats import to_iso_dates
from wfm.data.offsets import check_offsets, single_offset_zone
from wfm.data.parsing import require_filled
from wfm.data.row_errors import FIRST_DATA_LINE, line_number, raise_first
from wfm.errors import InputError
from wfm.limits import MAX_YEAR, MIN_YEAR

logger = logging.getLogger(__name__)

# An ISO 8601 date-time that ends in a UTC offset: "...T08:00:00+01:00", "...08:00Z", "...08:00-0500".
# (No "\s" in it: pyarrow's regex engine runs it natively, ~5x faster than Python's.)
_OFFSET_PATTERN = r"[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)? ?(?:[Zz]|[+-]\d{2}:?\d{2})$"

_ISO_EXAMPLE = "2026-03-02T08:00:00+00:00"


def check_timezone(timezone: str, source: str | None = None) -> str:
    """Return ``timezone`` if it is a known IANA time zone, else raise :class:`InputError`."""
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            "unknown time zone",
            source=source,
            value=timezone,
            fix="use an IANA name such as Europe/London or America/New_York",
        ) from None
    return str(timezone)


def local_instant(stamp, timezone: str) -> pd.Timestamp:
    """``stamp`` (a ``datetime``, ``Timestamp`` or ISO text) as a time in ``timezone``:
    converted when it has a UTC offset, else read as the zone's wall clock. The one place a
    single wall-clock time given by a user (``--as-of``) is placed on a zone's clock.

    A wall-clock time the zone skips (clocks going forward) or shows twice (clocks going
    back) is an :class:`InputError` naming the value and the offset to write; the caller
    names the option or field.

    >>> local_instant("2026-11-14T10:00", "Europe/London").isoformat()
    '2026-11-14T10:00:00+00:00'
    >>> local_instant("2026-10-25T01:30", "Europe/London")
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: this local time happens twice in Europe/London (the clocks go back at that time) (value: '2026-10-25T01:30'). Fix: write it with its UTC offset, e.g. 2026-10-25T01:30+01:00 for the first or 2026-10-25T01:30+00:00 for the second
    """
    moment = pd.Timestamp(stamp)
    if moment.tzinfo is not None:
        return moment.tz_convert(timezone)
    text = str(stamp) if isinstance(stamp, str) else moment.isoformat()
    try:
        return moment.tz_localize(timezone, ambiguous="raise", nonexistent="raise")
    except Exception as error:  # pytz's NonExistent/AmbiguousTimeError, ValueError subclasses
        if "nonexistent" in str(error).lower() or type(error).__name__.startswith("NonExist"):
            raise InputError(
                f"this local time does not exist in {timezone} (the clocks go forward at "
                "that time)",
                value=text,
                fix="give a time after the change, or write it with a UTC offset such as "
                f"{_ISO_EXAMPLE}",
            ) from None
        first = moment.tz_localize(timezone, ambiguous=True).strftime("%z")
        second = moment.tz_localize(timezone, ambiguous=False).strftime("%z")
        raise InputError(
            f"this local time happens twice in {timezone} (the clocks go back at that time)",
            value=text,
            fix=f"write it with its UTC offset, e.g. {text}{first[:3]}:{first[3:]} for the "
            f"first or {text}{second[:3]}:{second[3:]} for the second",
        ) from None


def _distinct_text(
    values: pd.Series, *, source: str | None, column: str
) -> tuple[np.ndarray, pd.Series]:
    """Codes per row and the distinct trimmed texts of ``values``; empty cells are an error."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = pd.Series(uniques).astype("str").str.strip()
    blank = np.append((distinct == "").to_numpy(dtype=bool), True)  # code -1 -> missing
    raise_first(
        blank[codes],
        values,
        problem=f"{column} is empty",
        source=source,
        column=column,
        fix="fill in every timestamp",
    )
    return codes, distinct


def _dates_as_iso(
    distinct: pd.Series,
    codes: np.ndarray,
    *,
    source: str | None,
    column: str,
    date_format: str | None,
) -> pd.Series:
    """Day-first or month-first dates rewritten as ISO 8601 (see
    :func:`wfm.data.locale_formats.to_iso_dates`), with the file line of an error."""
    try:
        return to_iso_dates(distinct, source=source, column=column, date_format=date_format)
    except InputError as error:
        if error.row is not None:  # a position among the distinct texts -> the first file row
            rows = np.flatnonzero(codes == error.row - FIRST_DATA_LINE)
            if len(rows):
                error.row = line_number(int(rows[0]))
        raise


def _localise(
    naive: pd.Series,
    timezone: str,
    *,
    source: str | None,
    column: str,
    raw: pd.Series,
    order_key: pd.Series | None,
) -> pd.Series:
    """Localise naive local times, resolving daylight-saving changes.

    A local time that occurs twice (the hour when clocks go back) is taken as the summer
    time on its first occurrence for its ``order_key`` (e.g. queue) in file order, and as
    winter time on its second. A local time that does not exist (the hour when clocks go
    forward) is an error.
    """
    localised = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    unresolved = localised.isna().to_numpy() & naive.notna().to_numpy()
    if not unresolved.any():
        return localised
    keys = pd.DataFrame(
        {"key": order_key if order_key is not None else 0, "time": naive}, index=naive.index
    )
    first_occurrence = ~keys.duplicated(keep="first").to_numpy()
    localised = naive.dt.tz_localize(timezone, ambiguous=first_occurrence, nonexistent="NaT")
    nonexistent = localised.isna().to_numpy() & naive.notna().to_numpy()
    raise_first(
        nonexistent,
        raw,
        problem=f"this local time does not exist in {timezone} (the clocks go forward at that time)",
        source=source,
        column=column,
        fix="check the time zone, drop the row, or write timestamps with a UTC offset "
        f"such as {_ISO_EXAMPLE}",
    )
    ambiguous = unresolved & ~nonexistent
    alone = ambiguous & ~keys.duplicated(keep=False).to_numpy()
    if alone.any():
        logger.warning(
            "%s: %d local time(s) in column '%s' fall in the repeated hour when clocks go back in %s and "
            "occur only once; taken as summer time. Write UTC offsets to remove the doubt.",
            source,
            int(alone.sum()),
            column,
            timezone,
        )
    return localised


def _check_iso_dates(text: pd.Series, values: pd.Series, *, source, column: str) -> None:
    """Raise for the first timestamp whose date is not ISO ``YYYY-MM-DD`` (before any check
    of offsets, so that a day-first date is reported as a date, not as a mix of offsets)."""
    iso = text.str.match(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
    if iso.all():
        return
    first = text[~iso].iloc[0]
    day_first = bool(pd.Series([first]).str.match(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}").iloc[0])
    raise_first(
        ~iso,
        values,
        problem=f"{column} is not a valid ISO 8601 timestamp"
        + (" (the date looks like day/month/year or month/day/year)" if day_first else ""),
        source=source,
        column=column,
        fix=f"write dates year first, like {_ISO_EXAMPLE}",
    )


def _in_years(parsed: pd.Series, values: pd.Series, column: str, source: str | None) -> pd.Series:
    """``parsed``, after an error for the first year outside wfm's limits."""
    years = parsed.dt.year.to_numpy(dtype=float, na_value=np.nan)
    raise_first(
        (years < MIN_YEAR) | (years > MAX_YEAR),
        values,
        problem=f"{column} has a year outside {MIN_YEAR}..{MAX_YEAR}",
        source=source,
        column=column,
        fix="check the year (a typo such as 3026 for 2026?)",
    )
    return parsed


def parse_timestamps(
    values: pd.Series,
    *,
    source: str | None,
    column: str,
    timezone: str | None,
    order_key: pd.Series | None = None,
    date_format: str | None = None,
    other_zones_allowed: bool = False,
) -> tuple[pd.Series, str]:
    """Parse ISO 8601 timestamps into tz-aware ones in ``timezone``.

    Timestamps with a UTC offset (``2026-03-02T08:00:00+00:00``, or ``Z``) are exact;
    they are converted to ``timezone``, or kept in UTC when ``timezone`` is ``None``.
    Timestamps without an offset are local wall-clock times in ``timezone``, which is
    then required; see :func:`_localise` for the daylight-saving rules.

    A file whose timestamps carry more than one UTC offset must change offset only as
    daylight saving does (:func:`wfm.data.offsets.check_offsets`), unless
    ``other_zones_allowed``. Years outside :data:`wfm.limits.MIN_YEAR` ..
    :data:`wfm.limits.MAX_YEAR` are an error (a typo such as 3026 for 2026).

    Parameters
    ----------
    values
        Raw column: text, or datetimes (naive or tz-aware) from an uploaded frame.
    source, column
        For messages: the file and the column name as it appears in the file.
    timezone
        IANA time zone of the result (and of naive local times).
    order_key
        Per-row key (e.g. the queue) within which a repeated local time in the hour the
        clocks go back is the second occurrence.
    date_format
        strftime format of dates that are not ISO 8601 (``%d/%m/%Y %H:%M``); without it,
        ``dd/mm/yyyy`` and ``mm/dd/yyyy`` dates are read in the order the column shows
        (:func:`wfm.data.locale_formats.to_iso_dates`), and an ambiguous column is an error.
    other_zones_allowed
        Accept offsets of one series further apart than daylight saving moves clocks (a
        reader that reports such rows itself, as the agent-state feed does); otherwise they
        are an error.

    Returns
    -------
    (pandas.Series, str)
        Tz-aware timestamps (same index as ``values``) and the time zone name used.
    """
    if timezone is not None:
        check_timezone(timezone, source)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        require_filled(values, source=source, column=column, fix="fill in every timestamp")
        target = timezone or "UTC"
        return _in_years(values.dt.tz_convert(target), values, column, source), target
    if pd.api.types.is_datetime64_dtype(values.dtype):
        require_filled(values, source=source, column=column, fix="fill in every timestamp")
        naive = values
    else:
        # Work on the distinct texts and map back by code: a history repeats each interval
        # start once per queue, and millions of per-row strings cost memory (benchmarks.md).
        codes, distinct = _distinct_text(values, source=source, column=column)
        distinct = _dates_as_iso(
            distinct, codes, source=source, column=column, date_format=date_format
        )

        def per_row(result: pd.Series) -> pd.Series:
            return pd.Series(result.array.take(codes), index=values.index, name=values.name)

        def reject_unreadable(parsed: pd.Series, fix: str) -> None:
            raise_first(
                parsed.isna().to_numpy(),
                values,
                problem=f"{column} is not a valid ISO 8601 timestamp",
                source=source,
                column=column,
                fix=fix,
            )

        iso = distinct.str.match(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
        if not iso.all():
            _check_iso_dates(per_row(distinct), values, source=source, column=column)
        has_offset = distinct.str.contains(_OFFSET_PATTERN, regex=True).to_numpy(dtype=bool)[codes]
        if has_offset.all():
            parsed = per_row(pd.to_datetime(distinct, utc=True, format="ISO8601", errors="coerce"))
            reject_unreadable(parsed, f"write it like {_ISO_EXAMPLE}")
            check_offsets(
                distinct,
                parsed,
                source=source,
                column=column,
                order_key=order_key,
                codes=codes,
                raw=values,
                other_zones_allowed=other_zones_allowed,
            )
            target = timezone or single_offset_zone(distinct, source=source) or "UTC"
            return _in_years(parsed.dt.tz_convert(target), values, column, source), target
        if has_offset.any():
            raise_first(
                ~has_offset,
                values,
                problem=f"{column} mixes timestamps with and without a UTC offset; this one has none",
                source=source,
                column=column,
                fix=f"write every timestamp with its offset, like {_ISO_EXAMPLE}, or none of them",
            )
        naive = per_row(pd.to_datetime(distinct, format="ISO8601", errors="coerce"))
        reject_unreadable(
            naive,
            f"write it like {_ISO_EXAMPLE}, or as local time 2026-03-02 08:00 with the time zone "
            "given separately",
        )
    if timezone is None:
        raise InputError(
            "timestamps have no UTC offset, so the time zone they are in is needed",
            source=source,
            row=FIRST_DATA_LINE,
            column=column,
            value=values.iloc[0] if len(values) else None,
            fix="pass the site's time zone, e.g. --timezone Europe/London (timezone='Europe/London'), "
            f"or write timestamps with an offset such as {_ISO_EXAMPLE}",
        )
    localised = _localise(
        naive, timezone, source=source, column=column, raw=values, order_key=order_key
    )
    return _in_years(localised, values, column, source), timezone


def parse_dates(values: pd.Series, *, source: str | None, column: str) -> pd.Series:
    """Parse ISO dates (``2026-03-02``) into :class:`datetime.date` objects."""
    text = require_filled(values, source=source, column=column, fix="fill in every date")
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    raise_first(
        parsed.isna().to_numpy(),
        values,
        problem=f"{column} is not a date",
        source=source,
        column=column,
        fix="write dates as YYYY-MM-DD, e.g. 2026-03-02",
    )
    return pd.Series(parsed.dt.date, index=values.index, dtype=object)


__all__ = ["check_timezone", "parse_dates", "parse_timestamps"]
