"""Shared parsing and validation of raw CSV columns, for every reader in :mod:`wfm.data`.

Nothing here touches a file: these helpers take the raw frame that
:func:`wfm.data.io.read_raw_csv` returns and turn it into checked, typed columns.

- Column maps: :func:`match_columns` finds the columns a contract needs, case-insensitively
  and ignoring surrounding spaces (:func:`normalise_name`), applying an optional column
  mapping (file name -> wfm name); it returns a :class:`MatchedColumns`.
- Cell parsing, vectorised: :func:`parse_text` (trimmed text, no empty cells, via
  :func:`require_filled`), :func:`parse_numbers` (float64, optional bounds, whole numbers,
  empty cells per :data:`MISSING_TEXTS`), :func:`parse_timestamps` (ISO 8601 [#iso]_, with a
  UTC offset or as local wall-clock time in an IANA time zone [#tz]_, daylight-saving
  changes resolved) and :func:`parse_dates` (``YYYY-MM-DD`` -> :class:`datetime.date`).
- Checks: :func:`check_timezone`, :func:`check_not_empty`, :func:`check_unique`.
- Options: :func:`parse_name_pairs` reads ``NAME=NAME`` pairs (``--map calls=offered``,
  ``--state-map 'Lunch Break=lunch'``) into a column or state map.
- Error construction: :func:`raise_first` raises :class:`~wfm.errors.InputError` for the
  *first* bad row, with its line number (:func:`line_number`: the header is line 1, the
  first data row line :data:`FIRST_DATA_LINE` = 2), column, value, a fix, and how many
  more rows are like it.

Why one module of over 600 lines: every reader uses these helpers together, and most of
the length is the docstrings and the error messages (problem, column, fix) of each check.

Units: values are as in the file (the callers know the unit of each column); timestamps
are tz-aware pandas timestamps; row positions are 0-based, line numbers 1-based.

.. [#iso] ISO 8601-1:2019, Date and time -- Representations for information interchange.
.. [#tz] The IANA time zone database, https://www.iana.org/time-zones.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from wfm.data.excel import other_sheets_hint
from wfm.data.safe_cells import restore_text
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Line number of the first data row in a CSV file (the header is line 1).
FIRST_DATA_LINE = 2

#: Name of the index that holds each row's 1-based file line (see :func:`file_line`).
FILE_LINE_INDEX = "file_line"

#: Cell texts read as "no value" in number columns (compared case-insensitively).
MISSING_TEXTS = frozenset({"", "nan", "na", "n/a", "null", "none"})

# An ISO 8601 date-time that ends in a UTC offset: "...T08:00:00+01:00", "...08:00Z", "...08:00-0500".
# (No "\s" in it: pyarrow's regex engine runs it natively, ~5x faster than Python's.)
_OFFSET_PATTERN = r"[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)? ?(?:[Zz]|[+-]\d{2}:?\d{2})$"

_ISO_EXAMPLE = "2026-03-02T08:00:00+00:00"


# --- small helpers -----------------------------------------------------------------------
def line_number(position: int) -> int:
    """1-based file line of the data row at 0-based ``position`` (the header is line 1)."""
    return int(position) + FIRST_DATA_LINE


def normalise_name(name: object) -> str:
    """A column name as wfm compares it: trimmed, lower case, without a byte-order mark.

    >>> normalise_name("  Interval_Start ")
    'interval_start'
    """
    return str(name).replace("\ufeff", "").strip().lower()


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


_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def timezone_of_offsets(texts: Sequence[str] | pd.Series) -> str | None:
    """An IANA zone for timestamps that all carry one whole-hour UTC offset, else ``None``.

    A file written by wfm carries local time with its offset; when every row has the same
    offset (no daylight-saving change inside the file), writing in that fixed zone keeps
    the file's own local time. ``Etc/GMT-1`` is UTC+01:00 (POSIX signs are inverted).

    >>> timezone_of_offsets(["2026-06-01T08:00:00+01:00", "2026-06-01T08:15:00+01:00"])
    'Etc/GMT-1'
    >>> timezone_of_offsets(["2026-11-16T08:00:00+00:00"])
    'UTC'
    >>> timezone_of_offsets(["2026-03-28T08:00:00+00:00", "2026-03-30T08:00:00+01:00"]) is None
    True
    """
    offsets = {
        match.group(1) if (match := _OFFSET.search(str(text).strip())) else None for text in texts
    }
    if len(offsets) != 1 or None in offsets:
        return None
    (offset,) = offsets
    if offset == "Z":
        return "UTC"
    digits = offset.replace(":", "")
    hours, minutes = int(digits[1:3]), int(digits[3:5])
    if minutes:
        return None
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if digits[0] == '+' else '+'}{hours}"


def raise_first(
    mask: np.ndarray | pd.Series,
    values: pd.Series | np.ndarray,
    *,
    problem: str,
    source: str | None,
    column: str | None,
    fix: str | None,
) -> None:
    """Raise :class:`InputError` for the first row where ``mask`` is true, if any.

    Parameters
    ----------
    mask
        Boolean per row (in file order) marking bad rows.
    values
        The raw values, for the message; same length and order as ``mask``.
    problem, source, column, fix
        As in :class:`InputError`; the number of further bad rows is added to ``problem``.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    position = int(np.argmax(mask))
    more = int(mask.sum()) - 1
    if more:
        problem += f" ({more} more row{'s' if more > 1 else ''} like it)"
    value = values.iloc[position] if isinstance(values, pd.Series) else values[position]
    if isinstance(value, np.generic):
        value = value.item()
    raise InputError(
        problem, source=source, row=file_line(values, position), column=column, value=value, fix=fix
    )


def file_lines(frame: pd.DataFrame | pd.Series) -> np.ndarray:
    """1-based file line of every row of ``frame``, as :func:`file_line` gives one."""
    if frame.index.name == FILE_LINE_INDEX:
        return frame.index.to_numpy(dtype=np.int64) + FIRST_DATA_LINE
    return np.arange(len(frame), dtype=np.int64) + FIRST_DATA_LINE


def file_line(values: pd.Series | pd.DataFrame | np.ndarray, position: int) -> int:
    """1-based file line of the row at 0-based ``position`` of ``values``.

    Frames read by :func:`wfm.data.io.read_raw_csv` carry an index named
    :data:`FILE_LINE_INDEX` whose label is the row's place among the file's lines after
    the header (blank lines are dropped, leaving gaps), so the row is on line
    ``label + 2``; for anything else the row at ``position`` is on line ``position + 2``.
    """
    index = getattr(values, "index", None)
    if index is not None and index.name == FILE_LINE_INDEX and len(index) > position:
        return line_number(int(index[position]))
    return line_number(position)


# A header cell that reads like a column name; anything else (a line of some other file, such
# as "API_KEY=..." from a secrets file named by mistake) is never quoted in a message.
_COLUMN_NAME = re.compile(r"[\w .()/%#&+-]{1,40}")

#: Most column names a message lists.
MAX_COLUMNS_SHOWN = 20


def describe_columns(names: Iterable[object]) -> str:
    """The file's column names for a message, short and sanitised.

    Names that do not read like column names (too long, or with characters such as ``=``,
    ``:`` or quotes that a header line rarely has) are not quoted, only counted, so that
    naming the wrong file (a key file, a password list) never echoes its content.

    >>> describe_columns(["interval_start", "API_KEY=sk_live_123"])
    "'interval_start' and 1 more that does not look like a column name (not shown)"
    """
    names = [str(name).replace("\ufeff", "").strip() for name in names]
    shown = [name for name in names if _COLUMN_NAME.fullmatch(name)]
    hidden = len(names) - len(shown)
    text = ", ".join(repr(name) for name in shown[:MAX_COLUMNS_SHOWN])
    if len(shown) > MAX_COLUMNS_SHOWN:
        text += f" and {len(shown) - MAX_COLUMNS_SHOWN} more"
    if hidden:
        more = f"{hidden} more" if shown else f"{hidden} column{'s' if hidden > 1 else ''}"
        text += (" and " if shown else "") + (
            f"{more} that do{'es' if hidden == 1 else ''} not look like "
            f"{'a column name' if hidden == 1 else 'column names'} (not shown)"
        )
    return text or "none"


# --- column maps, parsing and checks -----------------------------------------------------
class MatchedColumns(NamedTuple):
    """Result of :func:`match_columns`."""

    #: The frame with wfm column names (a new frame; the input is not modified).
    frame: pd.DataFrame
    #: wfm column name -> the column's name as it appears in the file, for messages.
    file_names: dict[str, str]


def match_columns(
    frame: pd.DataFrame,
    required: Iterable[str],
    optional: Iterable[str] = (),
    *,
    source: str | None,
    column_map: Mapping[str, str] | None = None,
    keep_extra: bool = False,
    map_hint: str = "--map",
) -> MatchedColumns:
    """Find the columns of a file contract, case-insensitively, with an optional mapping.

    A file column matches a wfm column when its name, trimmed and lower-cased, equals the
    wfm name, or when ``column_map`` maps it there. A mapped column wins over a column
    that matches by name (the bank file's ``datetime`` mapped to ``interval_start``
    replaces its own clock-time ``interval_start`` column, which is then ignored).

    Parameters
    ----------
    frame
        Raw frame as read from the file.
    required
        wfm column names that must be present.
    optional
        wfm column names that are used when present.
    source
        File name for messages.
    column_map
        File column name -> wfm column name, e.g. ``{"datetime": "interval_start"}``; both
        sides match case-insensitively.
    keep_extra
        Keep columns that match nothing (under their file names); by default they are
        dropped.
    map_hint
        How the user passes a mapping, for the fix text (the CLI's ``--map``).

    Returns
    -------
    MatchedColumns
        The frame restricted to (and renamed to) the wfm columns, required first, then
        optional ones present, then any kept extras; and the file name of each.

    Raises
    ------
    InputError
        A required column is missing, two columns match the same wfm column, or the
        mapping names a column the file does not have or a wfm column that does not exist.
    """
    required, optional = tuple(required), tuple(optional)
    known = required + tuple(name for name in optional if name not in required)
    mapping = {
        normalise_name(key): normalise_name(value) for key, value in (column_map or {}).items()
    }
    found = [str(name) for name in frame.columns]
    found_text = describe_columns(found)
    for key, target in mapping.items():
        if target not in known:
            raise InputError(
                "the column mapping names a wfm column that this file type does not have",
                source=source,
                column=key,
                value=target,
                fix=f"map to one of {', '.join(known)}",
            )
        if key not in {normalise_name(name) for name in found}:
            raise InputError(
                "the column mapping names a column that is not in the file",
                source=source,
                column=key,
                fix=f"the file's columns are {found_text}",
            )

    mapped: dict[str, list[object]] = {}
    by_name: dict[str, list[object]] = {}
    extras: list[object] = []
    for column in frame.columns:
        key = normalise_name(column)
        if key in mapping:
            mapped.setdefault(mapping[key], []).append(column)
        elif key in known:
            by_name.setdefault(key, []).append(column)
        else:
            extras.append(column)

    chosen: dict[str, object] = {}
    for target in known:
        if len(mapped.get(target, ())) > 1:
            names = " and ".join(repr(str(name)) for name in mapped[target])
            raise InputError(
                f"columns {names} are both mapped to '{target}'",
                source=source,
                column=target,
                fix="map only one file column to each wfm column",
            )
        if len(by_name.get(target, ())) > 1 and target not in mapped:
            names = " and ".join(repr(str(name)) for name in by_name[target])
            raise InputError(
                f"columns {names} both match '{target}' (names match ignoring case and spaces)",
                source=source,
                column=target,
                fix="remove or rename one of them",
            )
        if target in mapped:
            chosen[target] = mapped[target][0]
            for ignored in by_name.get(target, ()):
                logger.info(
                    "%s: ignoring column '%s': column '%s' is mapped to '%s'",
                    source,
                    ignored,
                    chosen[target],
                    target,
                )
        elif target in by_name:
            chosen[target] = by_name[target][0]

    missing = [name for name in required if name not in chosen]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problem = (
            f"required column{plural} {', '.join(repr(name) for name in missing)} not found; "
            f"the file's columns: {found_text}"
        )
        fix = (
            f"rename the column{plural} in the file, or map file columns to wfm names "
            f"(e.g. {map_hint} 'Start Time={missing[0]}', column_map={{'Start Time': '{missing[0]}'}}); "
            "names match ignoring case and surrounding spaces"
        )
        sheets = other_sheets_hint(frame)
        if sheets is not None:  # an .xlsx whose data is on another sheet
            problem, fix = f"{problem} ({sheets[0]})", f"{sheets[1]}; or {fix}"
        raise InputError(problem, source=source, column=missing[0], fix=fix)

    order = [name for name in known if name in chosen]
    # No copy: the columns are only read from here on (a history can have millions of rows).
    result = pd.DataFrame(
        {name: frame[chosen[name]] for name in order}, index=frame.index, copy=False
    )
    result.attrs.update(frame.attrs)  # e.g. the workbook sheet it came from
    file_names = {name: str(chosen[name]).strip() for name in order}
    if keep_extra:
        for column in extras:
            if str(column) not in result.columns:
                result[str(column)] = frame[column]
                file_names[str(column)] = str(column)
    return MatchedColumns(result, file_names)


def check_not_empty(frame: pd.DataFrame, source: str | None, what: str = "data") -> None:
    """Raise :class:`InputError` if ``frame`` has no rows."""
    if len(frame) == 0:
        sheets = other_sheets_hint(frame)
        if sheets is not None:  # an .xlsx whose data is on another sheet
            raise InputError(
                f"the file has a header but no {what} rows ({sheets[0]})",
                source=source,
                fix=sheets[1],
            )
        raise InputError(
            f"the file has a header but no {what} rows",
            source=source,
            fix="export the data again, or check that the right file was given",
        )


def parse_text(
    values: pd.Series, *, source: str | None, column: str, fix: str | None = None
) -> pd.Series:
    """Trimmed text; empty cells are an error.

    Returns
    -------
    pandas.Series
        String dtype, same index as ``values``.
    """
    text = require_filled(
        values, source=source, column=column, fix=fix or f"fill in every {column}"
    )
    return restore_text(text)  # undo the quote that wfm's writers put before "=", "+", "-", "@"


#: C0 control characters and DEL (tab, carriage return, line feed, NUL, ...).
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f]"


def clean_label(values: pd.Series) -> pd.Series:
    r"""Display text (a name, a team) as wfm keeps it: the writers' formula quote undone
    (:func:`~wfm.data.safe_cells.restore_text`), every run of control characters and
    spaces made one space, trimmed. A tab or carriage return inside a name would otherwise
    not survive a CSV round trip (a bare CR ends a row for some readers).

    >>> clean_label(pd.Series(["Ann\rLee", " Bob\t Smith ", "'=Cat"])).tolist()
    ['Ann Lee', 'Bob Smith', '=Cat']
    """
    text = restore_text(values.astype("str"))
    return (
        text.str.replace(CONTROL_CHARACTERS, " ", regex=True)
        .str.replace(r" {2,}", " ", regex=True)
        .str.strip()
    )


def reject_control_characters(
    values: pd.Series, raw: pd.Series, *, source: str | None, column: str
) -> None:
    """Raise :class:`InputError` for the first identifier holding a control character."""
    mask = (
        values.astype("str")
        .str.contains(CONTROL_CHARACTERS, regex=True)
        .to_numpy(dtype=bool, na_value=False)
    )
    raise_first(
        mask,
        raw.astype("str").str.replace(CONTROL_CHARACTERS, "?", regex=True),
        problem=f"{column} contains a control character (tab, carriage return, line break or "
        "NUL; shown as '?')",
        source=source,
        column=column,
        fix="remove it: identifiers are matched exactly, so wfm does not change them for you",
    )


def require_filled(values: pd.Series, *, source: str | None, column: str, fix: str) -> pd.Series:
    """Raise :class:`InputError` at the first empty cell (missing or blank); return the
    values as trimmed text."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques) or 2 * len(uniques) > len(values):  # mostly distinct (or all empty)
        text = values.astype("str").str.strip()
        missing = values.isna().to_numpy() | (text == "").to_numpy()
    else:  # few distinct values (queue names, interval starts shared by queues)
        stripped = pd.Series(uniques).astype("str").str.strip()
        blank = (stripped == "").to_numpy(dtype=bool)
        missing = (codes < 0) | blank[np.maximum(codes, 0)]
        text = None
    raise_first(
        missing, values, problem=f"{column} is empty", source=source, column=column, fix=fix
    )
    if text is None:
        text = pd.Series(stripped.array.take(codes), index=values.index, name=values.name)
    return text


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


def parse_numbers(
    values: pd.Series,
    *,
    source: str | None,
    column: str,
    allow_missing: bool = False,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    allow_infinite: bool = False,
    whole: bool = False,
) -> np.ndarray:
    """Parse a raw column into floats, checking each row.

    Parameters
    ----------
    values
        Raw column (numbers, or text from the file).
    source, column
        For messages: the file and the column name as it appears in the file.
    allow_missing
        Whether empty cells (and ``NaN``, ``NA``, ``null``) are allowed; they become NaN.
    minimum, maximum
        Inclusive bounds; ``None`` for none.
    allow_infinite
        Whether ``inf`` is a valid value.
    whole
        Whether values must be whole numbers.

    Returns
    -------
    numpy.ndarray of float64
        One value per row, in file order.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        numbers = values.to_numpy(dtype=np.float64)
        missing = np.zeros(len(values), dtype=bool)
        numbers_raw = values
    elif pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        missing = np.isnan(numbers)
        numbers_raw = values
    else:
        numbers_raw = values.astype("str").str.strip()
        missing = values.isna().to_numpy() | numbers_raw.str.lower().isin(MISSING_TEXTS).to_numpy()
        numbers = pd.to_numeric(numbers_raw.where(~missing), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
        if (np.isnan(numbers) & ~missing).any():
            numbers = _decimal_comma_or(numbers, numbers_raw.where(~missing), source, column)
        raise_first(
            np.isnan(numbers) & ~missing,
            values,
            problem=f"{column} is not a number",
            source=source,
            column=column,
            fix="write plain numbers with a dot for decimals and no units or thousands separators",
        )
    if not allow_missing:
        raise_first(
            missing,
            values,
            problem=f"{column} is empty",
            source=source,
            column=column,
            fix=f"fill in every {column} (0 if none)",
        )
    if not allow_infinite:
        raise_first(
            np.isinf(numbers),
            values,
            problem=f"{column} is infinite",
            source=source,
            column=column,
            fix="write a finite number",
        )
    with np.errstate(invalid="ignore"):
        if minimum is not None:
            below = numbers < minimum
            problem = f"{column} is negative" if minimum == 0 else f"{column} is below {minimum:g}"
            raise_first(
                below,
                values,
                problem=problem,
                source=source,
                column=column,
                fix=f"{column} must be at least {minimum:g}",
            )
        if maximum is not None:
            raise_first(
                numbers > maximum,
                values,
                problem=f"{column} is above {maximum:g}",
                source=source,
                column=column,
                fix=f"{column} must be at most {maximum:g}",
            )
        if whole:
            fraction = np.isfinite(numbers) & (numbers != np.round(numbers))
            raise_first(
                fraction,
                values,
                problem=f"{column} is not a whole number",
                source=source,
                column=column,
                fix=f"{column} counts things: write a whole number",
            )
    return numbers


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
    from wfm.data.locale_formats import to_iso_dates

    try:
        return to_iso_dates(distinct, source=source, column=column, date_format=date_format)
    except InputError as error:
        if error.row is not None:  # a position among the distinct texts -> the first file row
            rows = np.flatnonzero(codes == error.row - FIRST_DATA_LINE)
            if len(rows):
                error.row = line_number(int(rows[0]))
        raise


def _single_offset_zone(text: pd.Series, source: str | None) -> str | None:
    """The fixed-offset zone of timestamps that all carry one offset (see :mod:`wfm.data.offsets`)."""
    from wfm.data.offsets import single_offset_zone

    return single_offset_zone(text, source=source)


def _decimal_comma_or(
    numbers: np.ndarray, text: pd.Series, source: str | None, column: str
) -> np.ndarray:
    """The column read with a decimal comma when it is written that way, else ``numbers``."""
    from wfm.data.locale_formats import decimal_comma_numbers

    converted = decimal_comma_numbers(text)
    if converted is None:
        return numbers
    logger.info("%s: column '%s' read with a decimal comma", source, column)
    return converted


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

    Years outside :data:`wfm.limits.MIN_YEAR` .. :data:`wfm.limits.MAX_YEAR` are an error
    (a typo such as 3026 for 2026). A file whose timestamps carry more than one UTC offset
    must change offset only as daylight saving does (see :func:`check_offsets`), unless
    ``other_zones_allowed`` (a reader that reports rows from another zone itself, as the
    agent-state feed does). See :func:`_parse_timestamps` for the rest.
    """
    parsed, timezone_used = _parse_timestamps(
        values,
        source=source,
        column=column,
        timezone=timezone,
        order_key=order_key,
        date_format=date_format,
        other_zones_allowed=other_zones_allowed,
    )
    from wfm.limits import MAX_YEAR, MIN_YEAR

    years = parsed.dt.year.to_numpy(dtype=float, na_value=np.nan)
    raise_first(
        (years < MIN_YEAR) | (years > MAX_YEAR),
        values,
        problem=f"{column} has a year outside {MIN_YEAR}..{MAX_YEAR}",
        source=source,
        column=column,
        fix="check the year (a typo such as 3026 for 2026?)",
    )
    return parsed, timezone_used


def _parse_timestamps(
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
        Accept offsets of one series further apart than daylight saving moves clocks (the
        caller reports such rows itself); otherwise they are an error.

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
        return values.dt.tz_convert(target), target
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

        iso = distinct.str.match(r"\d{4}-\d{2}-\d{2}").to_numpy(dtype=bool)
        if not iso.all():
            _check_iso_dates(per_row(distinct), values, source=source, column=column)
        has_offset = distinct.str.contains(_OFFSET_PATTERN, regex=True).to_numpy(dtype=bool)[codes]
        if has_offset.all():
            parsed = per_row(pd.to_datetime(distinct, utc=True, format="ISO8601", errors="coerce"))
            raise_first(
                parsed.isna().to_numpy(),
                values,
                problem=f"{column} is not a valid ISO 8601 timestamp",
                source=source,
                column=column,
                fix=f"write it like {_ISO_EXAMPLE}",
            )
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
            target = timezone or _single_offset_zone(distinct, source) or "UTC"
            return parsed.dt.tz_convert(target), target
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
        raise_first(
            naive.isna().to_numpy(),
            values,
            problem=f"{column} is not a valid ISO 8601 timestamp",
            source=source,
            column=column,
            fix=f"write it like {_ISO_EXAMPLE}, or as local time 2026-03-02 08:00 with the time zone given separately",
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
    return _localise(
        naive, timezone, source=source, column=column, raw=values, order_key=order_key
    ), timezone


#: Shortest stretch of one UTC offset between two others [days]: daylight saving lasts months.
MIN_OFFSET_RUN_DAYS = 7

_OFFSET_SUFFIX = r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$"


def check_offsets(
    text: pd.Series,
    parsed: pd.Series,
    *,
    source: str | None,
    column: str,
    order_key: pd.Series | None = None,
    codes: np.ndarray | None = None,
    raw: pd.Series | None = None,
    other_zones_allowed: bool = False,
) -> None:
    """Raise :class:`InputError` when UTC offsets change other than as daylight saving does.

    Unless ``other_zones_allowed``, offsets of one series further apart than any
    daylight-saving change are an error too (:func:`_check_offset_spread`).

    A file may switch offset when the clocks change (``+00:00`` in winter, ``+01:00`` in
    summer), so each offset holds for months. A few rows with another offset in the middle
    of the file (an export that mixed sites or time zones) would make the grid look finer
    than it is, so an offset that holds for less than :data:`MIN_OFFSET_RUN_DAYS` days
    between two stretches of another is an error naming its first row.
    """
    # Work on the few distinct endings, not on every row (a history has millions of rows).
    # With ``codes``, ``text`` holds the distinct texts and row i has text[codes[i]].
    ending_codes, endings = pd.factorize(text.str[-6:])
    codes = ending_codes if codes is None else ending_codes[codes]
    raw = text if raw is None else raw
    if len(endings) <= 1:
        return
    parts = pd.Series(endings, dtype=object).astype(str).str.extract(_OFFSET_SUFFIX)
    sign = np.where(parts["sign"].to_numpy() == "-", -1.0, 1.0)
    by_ending = (
        parts["hours"].astype(float).to_numpy() * 60 + parts["minutes"].astype(float).to_numpy()
    ) * sign
    by_ending = np.where(
        pd.Series(endings).astype(str).str.upper().str.endswith("Z"), 0.0, by_ending
    )
    if np.unique(by_ending[~np.isnan(by_ending)]).size <= 1:
        return
    minutes = by_ending[codes]
    table = pd.DataFrame(
        {
            "key": order_key.to_numpy() if order_key is not None else 0,
            "instant": parsed.to_numpy(),
            "offset": minutes,
            "position": np.arange(len(raw)),
        }
    ).sort_values(["key", "instant"], kind="stable")
    # A repeated instant is reported by the duplicate check, which names both lines.
    table = table[~table.duplicated(["key", "instant"], keep=False).to_numpy()]
    if not other_zones_allowed:
        _check_offset_spread(table, raw, source=source, column=column)
    new_run = (table["offset"] != table["offset"].shift()) | (table["key"] != table["key"].shift())
    table["run"] = new_run.cumsum().to_numpy()
    runs = table.groupby("run", sort=True).agg(
        key=("key", "first"),
        first=("instant", "min"),
        last=("instant", "max"),
        position=("position", "first"),
        rows=("position", "size"),
    )
    inner = (runs["key"] == runs["key"].shift()) & (runs["key"] == runs["key"].shift(-1))
    short = inner & ((runs["last"] - runs["first"]) < pd.Timedelta(days=MIN_OFFSET_RUN_DAYS))
    if not short.any():
        return
    run = runs[short].iloc[0]
    position = int(run["position"])
    raise InputError(
        f"{column} changes UTC offset for only {int(run['rows'])} row(s) from this line, then "
        f"changes back; offsets may change only when the clocks change "
        f"({int(short.sum())} such stretch{'es' if short.sum() > 1 else ''} in the file)",
        source=source,
        row=file_line(raw, position),
        column=column,
        value=raw.iloc[position],
        fix="export every timestamp in the site's time zone (or all in UTC), or remove the rows "
        "from the other site",
    )


#: Largest difference between the UTC offsets of one series [minutes]: daylight saving moves
#: clocks by an hour (two at the most, e.g. Antarctica/Troll), never by more.
MAX_DST_SHIFT_MINUTES = 120


def _check_offset_spread(
    table: pd.DataFrame, raw: pd.Series, *, source: str | None, column: str
) -> None:
    """Raise :class:`InputError` when one series (``key``) carries UTC offsets further apart
    than any daylight-saving change (:data:`MAX_DST_SHIFT_MINUTES`): rows from another time
    zone, wherever they stand in the file (at its start or end as well as in the middle).
    The first line (in file order) whose offset is further than a daylight-saving change
    from the series' most common one is named; rows at the other daylight-saving offset are
    not counted."""
    spread = table.groupby("key", sort=False)["offset"].agg(["min", "max"])
    wide = spread[(spread["max"] - spread["min"]) > MAX_DST_SHIFT_MINUTES]
    if wide.empty:
        return
    rows = table[table["key"] == wide.index[0]]
    distance = (rows["offset"] - rows["offset"].mode().iloc[0]).abs()
    odd = rows[distance > MAX_DST_SHIFT_MINUTES]
    if odd.empty:  # e.g. +01:00 usual, +00:00 and +03:00 beside it: name the farthest
        odd = rows[distance == distance.max()]
    first = odd["position"].idxmin()
    position = int(odd.loc[first, "position"])
    hours = float(distance.loc[first]) / 60
    raise InputError(
        f"{column} carries UTC offsets {hours:g} hours apart in one series ({len(odd)} row(s) "
        f"differ from the usual offset); daylight saving moves clocks by at most "
        f"{MAX_DST_SHIFT_MINUTES // 60} hours, so these rows come from another time zone",
        source=source,
        row=file_line(raw, position),
        column=column,
        value=raw.iloc[position],
        fix="export every timestamp in the site's time zone (or all in UTC), or remove the rows "
        "from the other site",
    )


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


def _key_codes(values: pd.Series) -> np.ndarray:
    """Integers equal where ``values`` are equal (nanoseconds for timestamps)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        values.dtype
    ):
        return values.array.as_unit("ns").asi8
    return pd.factorize(values)[0]


def check_unique(
    frame: pd.DataFrame,
    keys: list[str],
    *,
    source: str | None,
    file_names: Mapping[str, str] | None = None,
    fix: str = "remove one of the two rows",
) -> None:
    """Raise :class:`InputError` naming both lines of the first repeated key, if any.

    ``frame`` must be in file order (row ``i`` on line ``i + 2``).
    """
    # On integer codes per key column, by a stable sort rather than a hash table of rows:
    # hashing millions of keys costs several times the memory of the codes (issue 15).
    codes = [_key_codes(frame[key]) for key in keys]
    if len(frame) < 2:
        return
    order = np.lexsort(codes[::-1])  # stable: equal keys keep file order
    same_as_previous = np.ones(len(order) - 1, dtype=bool)
    for code in codes:
        ordered = code[order]
        same_as_previous &= ordered[1:] == ordered[:-1]
        del ordered
    del codes
    if not same_as_previous.any():
        return
    position = int(order[1:][same_as_previous].min())  # the first repeat in file order
    row = frame.iloc[position]
    same = np.ones(len(frame), dtype=bool)
    for key in keys:
        same &= (frame[key] == row[key]).to_numpy()
    first = int(np.argmax(same))
    names = [(file_names or {}).get(key, key) for key in keys]
    value = ", ".join(str(row[key]) for key in keys)
    raise InputError(
        f"repeats the {' and '.join(names)} of line {file_line(frame, first)}",
        source=source,
        row=file_line(frame, position),
        column=names[0] if len(names) == 1 else None,
        value=value,
        fix=fix,
    )


__all__ = [
    "FILE_LINE_INDEX",
    "FIRST_DATA_LINE",
    "MISSING_TEXTS",
    "MatchedColumns",
    "check_not_empty",
    "check_offsets",
    "check_timezone",
    "check_unique",
    "clean_label",
    "describe_columns",
    "file_line",
    "file_lines",
    "line_number",
    "match_columns",
    "normalise_name",
    "parse_dates",
    "parse_numbers",
    "parse_text",
    "parse_timestamps",
    "raise_first",
    "reject_control_characters",
    "require_filled",
]


def parse_name_pairs(
    pairs: Sequence[str] | None, *, option: str, form: str, example: str, lower: bool = False
) -> dict[str, str] | None:
    """Name pairs given as ``OLD=NEW`` options, as a mapping; ``None`` if there are none.

    Parameters
    ----------
    pairs
        The option values, e.g. ``["calls=offered"]``.
    option, form, example
        The option's name, the form it takes and an example, for the error message.
    lower
        Lower-case both names (for case-insensitive lookups).

    Examples
    --------
    >>> parse_name_pairs(["calls = offered"], option="--map", form="A=B", example="calls=offered")
    {'calls': 'offered'}
    """
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError(
                f"a {option} option must be {form}", value=pair, fix=f"e.g. {option} {example}"
            )
        name, target = (part.strip() for part in pair.split("=", 1))
        mapping[name.lower() if lower else name] = target.lower() if lower else target
    return mapping
