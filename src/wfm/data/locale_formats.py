"""Numbers and dates as spreadsheets and local exports write them.

- :func:`decimal_comma_numbers`: ``3,5`` and ``1.234,5`` (decimal comma, dot thousands) read
  as 3.5 and 1234.5, when a whole column is written that way.
- :func:`date_order` and :func:`to_iso_dates`: ``03/04/2003 07:00`` is 3 April (day first)
  or 4 March (month first). The order is taken from the column when unambiguous (a first
  field above 12 means day first, a second above 12 month first); when every date fits both,
  the user is asked (``--date-format``, e.g. ``%d/%m/%Y %H:%M``).
- :func:`combine_date_and_time`: a file with the date and the time of day in two columns,
  mapped to ``interval_date`` and ``interval_time``, gets one ``interval_start`` column.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.data.column_matching import normalise_name
from wfm.errors import InputError

logger = logging.getLogger(__name__)

_DECIMAL_COMMA = r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$"
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(.*)$")

#: wfm names of a date column and a time-of-day column combined into ``interval_start``.
DATE_PART, TIME_PART = "interval_date", "interval_time"


def decimal_comma_numbers(text: pd.Series) -> np.ndarray | None:
    """The column read with a decimal comma, or ``None`` if it is not written that way.

    Every non-empty cell must look like ``1234,5``, ``1.234,5`` or ``12`` and at least one
    must have a comma.

    >>> decimal_comma_numbers(pd.Series(["3,5", "1.234,25", "7"])).tolist()
    [3.5, 1234.25, 7.0]
    """
    values = text.dropna().astype("str").str.strip()
    values = values[values != ""]
    if values.empty or not values.str.contains(",", regex=False).any():
        return None
    if not values.str.match(_DECIMAL_COMMA).all():
        return None
    converted = (
        text.astype("str").str.strip().str.replace(".", "", regex=False).str.replace(",", ".")
    )
    return pd.to_numeric(converted.where(text.notna()), errors="coerce").to_numpy(dtype=float)


def date_order(text: pd.Series) -> str | None:
    """``"day_first"``, ``"month_first"``, ``"ambiguous"`` or ``None`` (not ``dd/mm/yyyy`` dates)."""
    parts = text.dropna().astype("str").str.extract(_SLASH_DATE)
    if parts.empty or parts[0].isna().any():
        return None
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first_possible = bool((second <= 12).all() and (first <= 31).all())
    month_first_possible = bool((first <= 12).all() and (second <= 31).all())
    if day_first_possible and month_first_possible:
        return "ambiguous"
    if day_first_possible:
        return "day_first"
    if month_first_possible:
        return "month_first"
    return None


def to_iso_dates(
    text: pd.Series, *, source: str | None, column: str, date_format: str | None
) -> pd.Series:
    """``dd/mm/yyyy [time]`` or ``mm/dd/yyyy [time]`` text rewritten as ISO 8601 text.

    With ``date_format`` (strftime codes) the cells are parsed with it. Otherwise the order
    comes from :func:`date_order`; an ambiguous column is an :class:`InputError` asking for
    ``--date-format``. Text that is not such a date is returned unchanged.
    """
    if date_format:
        try:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        except ValueError as error:  # a directive strptime does not know, e.g. '%Q'
            raise InputError(
                f"not a date format ({error})",
                option="--date-format",
                value=date_format,
                fix="write it with strftime codes, e.g. --date-format '%d/%m/%Y %H:%M'",
            ) from None
        bad = parsed.isna().to_numpy() & text.notna().to_numpy()
        if bad.any():
            position = int(np.argmax(bad))
            raise InputError(
                f"{column} does not match the date format {date_format!r}",
                source=source,
                row=position + 2,
                column=column,
                value=text.iloc[position],
                fix="give the format the file uses, e.g. --date-format '%d/%m/%Y %H:%M'",
            )
        return parsed.dt.strftime("%Y-%m-%dT%H:%M:%S").where(text.notna())
    order = date_order(text)
    if order is None:
        return text
    if order == "ambiguous":
        example = text.dropna().iloc[0]
        raise InputError(
            "the dates fit both day-first and month-first order (every day and month is at most 12)",
            source=source,
            row=2,
            column=column,
            value=example,
            fix="say which: --date-format '%d/%m/%Y %H:%M' (day first) or '%m/%d/%Y %H:%M' "
            "(month first); in the app, the Date format field",
        )
    parts = text.astype("str").str.extract(_SLASH_DATE)
    day, month = (parts[0], parts[1]) if order == "day_first" else (parts[1], parts[0])
    year = parts[2].where(parts[2].str.len() == 4, "20" + parts[2])
    logger.info("%s: column '%s' read as %s dates", source, column, order.replace("_", " "))
    iso = year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + parts[3].str.rstrip()
    return iso.where(text.notna())


def combine_date_and_time(
    frame: pd.DataFrame, column_map: Mapping[str, str] | None
) -> tuple[pd.DataFrame, dict[str, str] | None]:
    """Join a date column and a time column (mapped to :data:`DATE_PART` and
    :data:`TIME_PART`, or so named) into one ``interval_start`` column."""
    mapping = {normalise_name(k): normalise_name(v) for k, v in (column_map or {}).items()}
    by_target: dict[str, str] = {}
    for column in frame.columns:
        key = normalise_name(column)
        target = mapping.get(key, key)
        if target in (DATE_PART, TIME_PART):
            by_target[target] = column
    if set(by_target) != {DATE_PART, TIME_PART}:
        return frame, dict(column_map) if column_map else None
    date, time = frame[by_target[DATE_PART]], frame[by_target[TIME_PART]]
    combined = date.astype("str").str.strip() + " " + time.astype("str").str.strip()
    combined = combined.where(date.notna() & time.notna())
    name = f"{by_target[DATE_PART]} + {by_target[TIME_PART]}"
    result = frame.drop(columns=[by_target[DATE_PART], by_target[TIME_PART]])
    result = result.drop(
        columns=[c for c in result.columns if normalise_name(c) == "interval_start"]
    )
    result[name] = combined
    remaining = {
        k: v
        for k, v in (column_map or {}).items()
        if normalise_name(v) not in (DATE_PART, TIME_PART, "interval_start")
    }
    remaining[name] = "interval_start"
    return result, remaining


__all__ = [
    "DATE_PART",
    "TIME_PART",
    "combine_date_and_time",
    "date_order",
    "decimal_comma_numbers",
    "to_iso_dates",
]
