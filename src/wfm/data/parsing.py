"""Cells of a raw column parsed and checked row by row: text, numbers, unique keys.

Nothing here touches a file: these helpers take columns of the raw frame that
:func:`wfm.data.io.read_raw_csv` returns and turn them into checked, typed columns,
vectorised. The readers find the columns first (:mod:`wfm.data.column_matching`), read
timestamps and dates with :mod:`wfm.data.timestamps`, and report the first bad row with
:func:`wfm.data.row_errors.raise_first`.

- :func:`parse_text` (trimmed text, no empty cells, via :func:`require_filled`),
  :func:`clean_label` (names and teams: control characters made spaces) and
  :func:`reject_control_characters` (identifiers are matched exactly).
- :func:`parse_numbers` (float64, optional bounds, whole numbers, empty cells per
  :data:`MISSING_TEXTS`, decimal commas read when a column is written that way).
- Checks: :func:`check_not_empty`, :func:`check_known` (values from a fixed set),
  :func:`check_unique`.

Units: values are as in the file (the callers know the unit of each column); row positions
are 0-based, line numbers 1-based.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from wfm.data.excel import other_sheets_hint
from wfm.data.locale_formats import decimal_comma_numbers
from wfm.data.row_errors import file_line, raise_first
from wfm.data.safe_cells import restore_text
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Cell texts read as "no value" in number columns (compared case-insensitively).
MISSING_TEXTS = frozenset({"", "nan", "na", "n/a", "null", "none"})


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


def _decimal_comma_or(
    numbers: np.ndarray, text: pd.Series, source: str | None, column: str
) -> np.ndarray:
    """The column read with a decimal comma when it is written that way, else ``numbers``."""
    converted = decimal_comma_numbers(text)
    if converted is None:
        return numbers
    logger.info("%s: column '%s' read with a decimal comma", source, column)
    return converted


def _key_codes(values: pd.Series) -> np.ndarray:
    """Integers equal where ``values`` are equal (nanoseconds for timestamps)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        values.dtype
    ):
        return values.array.as_unit("ns").asi8
    return pd.factorize(values)[0]


def check_known(
    values: pd.Series,
    known: Iterable,
    raw: pd.Series,
    *,
    problem: str,
    source: str | None,
    column: str,
    fix: str | None = None,
) -> None:
    """Raise :class:`InputError` at the first row whose value is not one of ``known``.

    Parameters
    ----------
    values
        The parsed column (trimmed, lower-cased where the names are), compared with ``known``.
    known
        The values allowed (agent ids, kinds, shift types, ...).
    raw
        The column as read, for the message.
    problem, source, column
        As in :func:`~wfm.data.row_errors.raise_first`.
    fix
        Default: ``use one of`` the known values, in their order.

    >>> check_known(
    ...     pd.Series(["swap", "leave"]), ("leave", "swap"), pd.Series(["swap", "Leave"]),
    ...     problem="unknown kind", source="a.csv", column="kind",
    ... )
    >>> check_known(
    ...     pd.Series(["swap", "trade"]), ("leave", "swap"), pd.Series(["swap", "Trade"]),
    ...     problem="unknown kind", source="a.csv", column="kind",
    ... )
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: a.csv, line 3, column 'kind': unknown kind (value: 'Trade'). Fix: use one of leave, swap
    """
    known = list(known)
    raise_first(
        ~values.isin(set(known)).to_numpy(),
        raw,
        problem=problem,
        source=source,
        column=column,
        fix=fix if fix is not None else f"use one of {', '.join(map(str, known))}",
    )


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
    "CONTROL_CHARACTERS",
    "MISSING_TEXTS",
    "check_known",
    "check_not_empty",
    "check_unique",
    "clean_label",
    "parse_numbers",
    "parse_text",
    "reject_control_characters",
    "require_filled",
]
