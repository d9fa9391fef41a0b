"""Which file line a row is on, and the error for the first bad row of a column.

Every reader in :mod:`wfm.data` reports a bad cell the same way: :func:`raise_first` raises
:class:`~wfm.errors.InputError` for the *first* bad row, with its line number, column, value,
a fix, and how many more rows are like it. The header is line 1, the first data row line
:data:`FIRST_DATA_LINE` = 2; frames read by :func:`wfm.data.io.read_raw_csv` keep each row's
place in the file in an index named :data:`FILE_LINE_INDEX`, so rows after a blank line
(which is dropped) are still named by their own line (:func:`file_line`, :func:`file_lines`).

Units: row positions are 0-based, line numbers 1-based.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.errors import InputError

#: Line number of the first data row in a CSV file (the header is line 1).
FIRST_DATA_LINE = 2

#: Name of the index that holds each row's 1-based file line (see :func:`file_line`).
FILE_LINE_INDEX = "file_line"


def line_number(position: int) -> int:
    """1-based file line of the data row at 0-based ``position`` (the header is line 1)."""
    return int(position) + FIRST_DATA_LINE


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


__all__ = [
    "FILE_LINE_INDEX",
    "FIRST_DATA_LINE",
    "file_line",
    "file_lines",
    "line_number",
    "raise_first",
]
