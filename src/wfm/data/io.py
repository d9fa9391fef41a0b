"""Reading and writing wfm's CSV files: column matching, parsing, atomic writes.

Every reader in :mod:`wfm.data` goes through the same few steps, defined once here:

1. :func:`read_raw_csv` reads a file into a raw frame (delimiter ``,``, ``;`` or tab,
   UTF-8 with or without a byte-order mark) and turns I/O problems into
   :class:`~wfm.errors.InputError`.
2. :func:`match_columns` finds the columns a contract needs, case-insensitively and
   ignoring surrounding spaces, applying an optional column mapping (file name -> wfm name).
3. :func:`parse_numbers`, :func:`parse_text` and :func:`parse_timestamps` turn raw columns
   into typed ones, vectorised, and report the *first* bad row with its line number
   (the header is line 1, the first data row line 2), column, value and a fix.

Writers never leave half a file behind: :func:`write_csv_atomic` and
:func:`write_files_atomic` write to temporary files in the target folder and rename them
into place, and a set of files is replaced all together or not at all. Tz-aware
timestamps are written as ISO 8601 with the UTC offset (:func:`to_iso`).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from wfm.data.schemas import (
    FORECAST_COLUMNS,
    REQUIREMENTS_COLUMNS,
    ROTA_ACTIVITIES,
    ROTA_COLUMNS,
)
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Line number of the first data row in a CSV file (the header is line 1).
FIRST_DATA_LINE = 2

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
        problem, source=source, row=line_number(position), column=column, value=value, fix=fix
    )


# --- reading -----------------------------------------------------------------------------
def _sniff_delimiter(header_line: str) -> str:
    """The delimiter used in a header line: the most frequent of ``,``, ``;`` and tab."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_raw_csv(
    path: str | Path,
    *,
    source: str | None = None,
    text_columns: Iterable[str] = (),
    column_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Read a CSV file into a raw frame, turning I/O problems into :class:`InputError`.

    The delimiter (``,``, ``;`` or tab) is taken from the header line. Only empty cells are
    missing values: text such as ``NA`` stays text (a queue may be called "NA"). Columns
    whose wfm name (after ``column_map``) is in ``text_columns`` are read as text, so that
    identifiers such as ``007`` keep their leading zeros; other columns are typed by pandas.

    Parameters
    ----------
    path
        The CSV file.
    source
        Name of the file in messages (default: ``path``).
    text_columns
        wfm column names to read as text.
    column_map
        File column name -> wfm column name, as in :func:`match_columns`.

    Returns
    -------
    pandas.DataFrame
        The file's columns, unvalidated; row ``i`` is on line ``i + 2`` of the file.
    """
    path = Path(path)
    source = source or str(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
    except FileNotFoundError:
        raise InputError(
            "file not found", source=source, fix="check the path and the current folder"
        ) from None
    except IsADirectoryError:
        raise InputError(
            "is a folder, not a file", source=source, fix="give the path of the CSV file"
        ) from None
    except PermissionError:
        raise InputError(
            "cannot read the file (permission denied)",
            source=source,
            fix="check the file's permissions",
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8 text", source=source, fix="save it as CSV UTF-8"
        ) from None
    if not header_line.strip():
        raise InputError(
            "the file is empty", source=source, fix="export the data again with a header line"
        )
    delimiter = _sniff_delimiter(header_line)
    text_keys = {normalise_name(name) for name in text_columns}
    mapping = {
        normalise_name(key): normalise_name(value) for key, value in (column_map or {}).items()
    }
    options = dict(
        sep=delimiter,
        encoding="utf-8-sig",
        keep_default_na=False,
        na_values=[""],
        skipinitialspace=True,
    )
    try:
        names = pd.read_csv(path, nrows=0, **options).columns
        dtype = {
            name: str
            for name in names
            if mapping.get(normalise_name(name), normalise_name(name)) in text_keys
        }
        return pd.read_csv(path, dtype=dtype, **options)
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty", source=source, fix="export the data again with a header line"
        ) from None
    except pd.errors.ParserError as error:
        raise InputError(
            f"the file is not a well-formed CSV table: {error}".strip(),
            source=source,
            fix=f"check the delimiter ({delimiter!r} was detected from the header) and the quoting on that line",
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            "the file is not UTF-8 text", source=source, fix="save it as CSV UTF-8"
        ) from None


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
    found_text = ", ".join(repr(name) for name in found) or "none"
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
        raise InputError(
            f"required column{plural} {', '.join(repr(name) for name in missing)} not found; "
            f"the file has columns {found_text}",
            source=source,
            column=missing[0],
            fix=f"rename the column{plural} in the file, or map file columns to wfm names "
            f"(e.g. {map_hint} 'Start Time={missing[0]}', column_map={{'Start Time': '{missing[0]}'}}); "
            "names match ignoring case and surrounding spaces",
        )

    order = [name for name in known if name in chosen]
    result = pd.DataFrame({name: frame[chosen[name]] for name in order}, index=frame.index)
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
    return require_filled(values, source=source, column=column, fix=fix or f"fill in every {column}")


def require_filled(values: pd.Series, *, source: str | None, column: str, fix: str) -> pd.Series:
    """Raise :class:`InputError` at the first empty cell (missing or blank); return the
    values as trimmed text."""
    text = values.astype("str").str.strip()
    missing = values.isna().to_numpy() | (text == "").to_numpy()
    raise_first(missing, values, problem=f"{column} is empty", source=source, column=column, fix=fix)
    return text


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


def parse_timestamps(
    values: pd.Series,
    *,
    source: str | None,
    column: str,
    timezone: str | None,
    order_key: pd.Series | None = None,
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
        text = require_filled(values, source=source, column=column, fix="fill in every timestamp")
        has_offset = text.str.contains(_OFFSET_PATTERN, regex=True).to_numpy(dtype=bool)
        if has_offset.all():
            parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
            raise_first(
                parsed.isna().to_numpy(),
                values,
                problem=f"{column} is not a valid ISO 8601 timestamp",
                source=source,
                column=column,
                fix=f"write it like {_ISO_EXAMPLE}",
            )
            target = timezone or "UTC"
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
        naive = pd.to_datetime(text, format="ISO8601", errors="coerce")
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


def parse_dates(values: pd.Series, *, source: str | None, column: str) -> pd.Series:
    """Parse ISO dates (``2026-03-02``) into :class:`datetime.date` objects."""
    text = values.astype("str").str.strip()
    missing = values.isna().to_numpy() | (text == "").to_numpy()
    raise_first(
        missing,
        values,
        problem=f"{column} is empty",
        source=source,
        column=column,
        fix="fill in every date",
    )
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
    repeated = frame.duplicated(subset=keys, keep="first").to_numpy()
    if not repeated.any():
        return
    position = int(np.argmax(repeated))
    row = frame.iloc[position]
    same = np.ones(len(frame), dtype=bool)
    for key in keys:
        same &= (frame[key] == row[key]).to_numpy()
    first = int(np.argmax(same))
    names = [(file_names or {}).get(key, key) for key in keys]
    value = ", ".join(str(row[key]) for key in keys)
    raise InputError(
        f"repeats the {' and '.join(names)} of line {line_number(first)}",
        source=source,
        row=line_number(position),
        column=names[0] if len(names) == 1 else None,
        value=value,
        fix=fix,
    )


# --- writing -----------------------------------------------------------------------------
def to_iso(values: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """Format tz-aware timestamps as ISO 8601 with the UTC offset.

    Seconds are always written; fractions of a second only when some value has one. NaT
    becomes a missing value (an empty cell in CSV).

    Parameters
    ----------
    values
        Tz-aware timestamps.

    Returns
    -------
    pandas.Series
        Text, one per timestamp (same index as a Series input).

    Examples
    --------
    >>> stamps = pd.Series(pd.to_datetime(["2026-03-02 08:00", "2026-07-01 08:00"]))
    >>> to_iso(stamps.dt.tz_localize("Europe/London")).tolist()
    ['2026-03-02T08:00:00+00:00', '2026-07-01T08:00:00+01:00']
    """
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        raise ValueError(
            f"to_iso needs tz-aware timestamps, got dtype {series.dtype}; localise them first "
            "(wfm files always carry the UTC offset)"
        )
    # Format each distinct timestamp once: interval grids repeat across queues and agents.
    codes, uniques = pd.factorize(series)
    index = pd.DatetimeIndex(uniques)
    fractional = bool(len(index)) and bool(
        ((index.microsecond != 0) | (index.nanosecond != 0)).any()
    )
    clock = "%Y-%m-%dT%H:%M:%S.%f%z" if fractional else "%Y-%m-%dT%H:%M:%S%z"
    formatted = pd.Series(index.strftime(clock), dtype=object)
    # strftime's %z gives +0100; ISO 8601 extended format wants +01:00.
    formatted = formatted.str[:-2] + ":" + formatted.str[-2:]
    text = np.empty(len(series), dtype=object)
    present = codes >= 0
    text[present] = formatted.to_numpy()[codes[present]]
    text[~present] = None
    return pd.Series(text, index=series.index, name=series.name, dtype=object)


def frame_to_csv_text(frame: pd.DataFrame) -> str:
    """CSV text of ``frame`` as wfm writes it: no index, tz-aware timestamps via :func:`to_iso`."""
    output = frame.copy(deep=False)
    for column in output.columns:
        if isinstance(output[column].dtype, pd.DatetimeTZDtype):
            output[column] = to_iso(output[column])
    return output.to_csv(index=False, lineterminator="\n")


def _payload_bytes(content: pd.DataFrame | str | bytes, path: Path) -> bytes:
    if isinstance(content, pd.DataFrame):
        return frame_to_csv_text(content).encode("utf-8")
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, bytes | bytearray):
        return bytes(content)
    raise TypeError(
        f"cannot write {type(content).__name__} to {path}: give a DataFrame, str or bytes"
    )


def _temporary_path(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.{kind}")


def _write_temporary(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new hidden file next to ``path`` and return its path.

    The file is created with mode 0o666 minus the umask (as ``open`` would), not the
    0o600 of :mod:`tempfile`, so the renamed output has ordinary permissions.
    """
    temporary = _temporary_path(path, "tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if path.exists():
        shutil.copymode(path, temporary)
    return temporary


def _backup(path: Path) -> Path | None:
    """Keep the current content of ``path`` under a hidden name (a hard link if possible)."""
    if not path.exists():
        return None
    backup = _temporary_path(path, "bak")
    try:
        os.link(path, backup)
    except OSError:  # file systems without hard links
        shutil.copy2(path, backup)
    return backup


def write_files_atomic(files: Mapping[str | Path, pd.DataFrame | str | bytes]) -> list[Path]:
    """Write several files all together or not at all.

    Every file is first written in full to a hidden temporary file in its target folder;
    only when all of them are written are they renamed into place (:func:`os.replace`,
    atomic on one file system). If anything fails, the temporary files are removed and
    files already replaced are restored, so the previous outputs stay intact and no half
    file is ever visible.

    Parameters
    ----------
    files
        Target path -> content: a DataFrame (written as CSV, see :func:`frame_to_csv_text`),
        text (written as UTF-8) or bytes. Missing folders are created.

    Returns
    -------
    list of pathlib.Path
        The paths written, in the order given.
    """
    targets = [(Path(path), content) for path, content in files.items()]
    payloads = [(path, _payload_bytes(content, path)) for path, content in targets]
    temporaries: list[tuple[Path, Path]] = []
    backups: list[tuple[Path, Path | None]] = []
    replaced: list[tuple[Path, Path | None]] = []
    try:
        for path, data in payloads:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporaries.append((path, _write_temporary(path, data)))
        for path, _ in temporaries:
            backups.append((path, _backup(path)))
        for (path, temporary), (_, backup) in zip(temporaries, backups, strict=True):
            os.replace(temporary, path)
            replaced.append((path, backup))
    except BaseException:
        for path, backup in reversed(replaced):
            try:
                if backup is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(backup, path)
            except OSError:
                logger.exception("could not restore %s after a failed write", path)
        for _, temporary in temporaries:
            temporary.unlink(missing_ok=True)
        for _, backup in backups:
            if backup is not None:
                backup.unlink(missing_ok=True)
        raise
    for _, backup in backups:
        if backup is not None:
            backup.unlink(missing_ok=True)
    for path, _ in targets:
        logger.debug("wrote %s", path)
    return [path for path, _ in targets]


def write_csv_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as CSV to ``path`` without ever leaving half a file.

    Tz-aware timestamp columns are written as ISO 8601 with the UTC offset
    (:func:`to_iso`); the index is not written. See :func:`write_files_atomic`.
    """
    return write_files_atomic({Path(path): frame})[0]


# --- readers of wfm's own outputs --------------------------------------------------------
def _read_table(
    path: str | Path,
    timezone: str,
    columns: tuple[str, ...],
    *,
    text: tuple[str, ...] = (),
    timestamps: tuple[str, ...] = (),
    numbers: Mapping[str, bool] | None = None,
    counts: tuple[str, ...] = (),
    unique: list[str] | None = None,
    order_key: str | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read and check a wfm table: required columns, text, timestamps, numbers, counts.

    ``numbers`` maps a number column to whether it may be empty; ``counts`` are
    non-negative whole numbers stored as int64. Extra columns are kept as read.
    """
    source = str(path)
    check_timezone(timezone, source)
    raw = read_raw_csv(path, source=source, text_columns=text)
    frame, names = match_columns(raw, columns, source=source, keep_extra=True)
    check_not_empty(frame, source)
    result = frame.copy()
    for column in text:
        result[column] = parse_text(frame[column], source=source, column=names[column])
    for column, allow_missing in (numbers or {}).items():
        result[column] = parse_numbers(
            frame[column], source=source, column=names[column], allow_missing=allow_missing
        )
    for column in counts:
        values = parse_numbers(frame[column], source=source, column=names[column], whole=True)
        result[column] = values.astype(np.int64)
    key = result[order_key] if order_key else None
    for column in timestamps:
        result[column], _ = parse_timestamps(
            frame[column], source=source, column=names[column], timezone=timezone, order_key=key
        )
    if unique:
        check_unique(result, unique, source=source, file_names=names)
    return result, names


def read_forecast(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a forecast CSV (:data:`~wfm.data.schemas.FORECAST_COLUMNS`).

    Parameters
    ----------
    path
        The file, as written by ``wfm forecast``.
    timezone
        IANA time zone to express ``interval_start`` in (the centre's).

    Returns
    -------
    pandas.DataFrame
        ``interval_start`` tz-aware, ``queue`` text, ``offered`` [contacts] and
        ``aht_seconds`` [s] as floats (``aht_seconds`` may be NaN); extra columns kept.
    """
    frame, _ = _read_table(
        path,
        timezone,
        FORECAST_COLUMNS,
        text=("queue",),
        timestamps=("interval_start",),
        numbers={"offered": False, "aht_seconds": True},
        unique=["interval_start", "queue"],
        order_key="queue",
    )
    return frame


def read_requirements(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a requirements CSV (:data:`~wfm.data.schemas.REQUIREMENTS_COLUMNS`).

    ``agents_required`` and ``agents_scheduled_required`` are whole numbers (int64);
    ``traffic_erlangs``, ``service_level``, ``asa_seconds``, ``occupancy`` and
    ``aht_seconds`` are floats that may be empty (NaN). Extra columns are kept.
    """
    frame, names = _read_table(
        path,
        timezone,
        REQUIREMENTS_COLUMNS,
        text=("queue",),
        timestamps=("interval_start",),
        numbers={
            "offered": False,
            "aht_seconds": True,
            "traffic_erlangs": True,
            "service_level": True,
            "occupancy": True,
        },
        counts=("agents_required", "agents_scheduled_required"),
        unique=["interval_start", "queue"],
        order_key="queue",
    )
    # ASA is infinite when a queue cannot be stable with the agents available.
    frame["asa_seconds"] = parse_numbers(
        frame["asa_seconds"],
        source=str(path),
        column=names["asa_seconds"],
        allow_missing=True,
        allow_infinite=True,
    )
    return frame


def read_rota(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a rota CSV (:data:`~wfm.data.schemas.ROTA_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        ``agent_id`` text, ``date`` as :class:`datetime.date` (the local date the shift
        starts), ``activity`` one of :data:`~wfm.data.schemas.ROTA_ACTIVITIES`, ``start``
        and ``end`` tz-aware in ``timezone`` with ``end`` after ``start``. Extra columns kept.
    """
    source = str(path)
    frame, names = _read_table(
        path,
        timezone,
        ROTA_COLUMNS,
        text=("agent_id", "activity", "date"),
        timestamps=("start", "end"),
        order_key="agent_id",
    )
    frame["date"] = parse_dates(frame["date"], source=source, column=names["date"])
    activity = frame["activity"].str.lower()
    raise_first(
        ~activity.isin(ROTA_ACTIVITIES).to_numpy(),
        frame["activity"],
        problem="unknown activity",
        source=source,
        column=names["activity"],
        fix=f"use one of {', '.join(ROTA_ACTIVITIES)}",
    )
    frame["activity"] = activity
    raise_first(
        (frame["end"] <= frame["start"]).to_numpy(),
        to_iso(frame["end"]),
        problem="end is not after start",
        source=source,
        column=names["end"],
        fix="check the times; a shift over midnight ends on the next day's date",
    )
    return frame


__all__ = [
    "FIRST_DATA_LINE",
    "MatchedColumns",
    "check_not_empty",
    "check_timezone",
    "check_unique",
    "frame_to_csv_text",
    "line_number",
    "match_columns",
    "normalise_name",
    "parse_dates",
    "parse_numbers",
    "parse_text",
    "parse_timestamps",
    "raise_first",
    "read_forecast",
    "read_raw_csv",
    "read_requirements",
    "read_rota",
    "to_iso",
    "write_csv_atomic",
    "write_files_atomic",
]


def read_coverage(path: str | Path, timezone: str, *, agents_column: str = "agents_scheduled") -> pd.DataFrame:
    """Read a coverage CSV as written by ``wfm plan`` or ``wfm schedule``.

    Needs ``interval_start``, ``queue`` and ``agents_column`` [agents, may be fractional];
    ``agents_productive`` and the other columns of
    :data:`~wfm.data.schemas.COVERAGE_COLUMNS` are kept when present. With
    ``agents_column="agents_actual"`` it reads actual staff per interval.
    """
    frame, _ = _read_table(
        path,
        timezone,
        ("interval_start", "queue", agents_column),
        text=("queue",),
        timestamps=("interval_start",),
        numbers={agents_column: False},
        unique=["interval_start", "queue"],
        order_key="queue",
    )
    for column in ("agents_productive", "agents_required", "agents_scheduled_required"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame
