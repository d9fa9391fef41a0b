"""Output cells a spreadsheet will never run: the one place wfm neutralises formulas.

Names in wfm's outputs (agents, teams, queues, activities) come from user files. A cell
that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is taken as a
formula by Excel, LibreOffice and Google Sheets when a CSV file is opened, so a name such as
``=HYPERLINK("http://evil", "x")`` or ``=cmd|' /C calc'!A0`` would run on the planner's
machine ("CSV injection", [#owasp]_).

- CSV: :func:`neutralise_frame` (called by every CSV writer, see
  :func:`wfm.data.io.frame_to_csv_text`) prefixes such *text* cells with a single quote
  ``'``, as OWASP recommends. Numbers are never touched (a negative number stays a number),
  and neither is text that is a plain number (``-5``, ``-1.5e3``), which a spreadsheet reads
  as that number, not as a formula.
- Excel: :func:`neutralise_workbook` marks every cell of an openpyxl workbook that openpyxl
  took as a formula as a string cell, so the text is shown as written and never evaluated.
  The rota workbook is written row by row (write-only), so its writer marks such cells
  itself as it writes them (:func:`wfm.scheduling.exports.rota_excel_bytes`). wfm writes
  no formulas of its own.
- Reading back: :func:`restore_text` removes the quote again from a text cell that starts
  with ``'`` followed by one of the trigger characters, so a queue called ``-east`` survives
  a round trip through wfm's own files.

.. [#owasp] OWASP, "CSV Injection",
   https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: The prefix that makes a spreadsheet show a cell as text.
TEXT_PREFIX = "'"

# Text a spreadsheet reads as a plain number (never a formula): -5, +1.5, -2.5e-3.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula.

    >>> is_formula_like("=1+1"), is_formula_like("-east"), is_formula_like("-5")
    (True, True, False)
    """
    return (
        isinstance(text, str)
        and text.startswith(FORMULA_TRIGGERS)
        and _PLAIN_NUMBER.fullmatch(text) is None
    )


def neutralise_text(text: object) -> object:
    """``text`` with a leading ``'`` if a spreadsheet would run it; other values unchanged.

    >>> neutralise_text("=HYPERLINK(1)"), neutralise_text("sales"), neutralise_text(-3.0)
    ("'=HYPERLINK(1)", 'sales', -3.0)
    """
    if isinstance(text, str) and is_formula_like(text):
        return TEXT_PREFIX + text
    return text


def _text_column(values: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(values.dtype) or pd.api.types.is_string_dtype(values.dtype)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every formula-like text cell and column name neutralised.

    Only text columns are looked at (object and string dtypes); number, boolean and
    timestamp columns are returned as they are. The input is not modified; when nothing
    needs neutralising the same frame is returned.
    """
    changes: dict[object, pd.Series] = {}
    for column in frame.columns:
        values = frame[column]
        if not _text_column(values):
            continue
        text = values.to_numpy(dtype=object)
        risky = np.fromiter((is_formula_like(v) for v in text), dtype=bool, count=len(text))
        if risky.any():
            fixed = text.copy()
            fixed[risky] = [TEXT_PREFIX + v for v in text[risky]]
            changes[column] = pd.Series(fixed, index=frame.index, name=column, dtype=object)
    columns = [neutralise_text(str(c)) if isinstance(c, str) else c for c in frame.columns]
    if not changes and columns == list(frame.columns):
        return frame
    result = frame.copy(deep=False)
    for column, values in changes.items():
        result[column] = values
    result.columns = columns
    return result


def neutralise_workbook(book) -> int:
    """Make every formula cell of an openpyxl workbook a plain string cell.

    Returns the number of cells changed (for logging and tests).
    """
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (
                    isinstance(cell.value, str) and cell.value.startswith("=")
                ):
                    cell.data_type = "s"
                    changed += 1
    return changed


def restore_text(values: pd.Series) -> pd.Series:
    """Undo :func:`neutralise_text` on a column of text read back from a file.

    >>> restore_text(pd.Series(["'-east", "'quoted", "sales"])).tolist()
    ['-east', "'quoted", 'sales']
    """
    text = values.astype("str")
    starts_quoted = text.str.startswith(TEXT_PREFIX).to_numpy(dtype=bool)
    if not starts_quoted.any():  # the usual case: no work on the (maybe millions of) rows
        return values
    quoted = text.str.startswith(TEXT_PREFIX) & text.str[1:2].isin(FORMULA_TRIGGERS)
    if not quoted.any():
        return values
    return values.where(~quoted, text.str[1:])


__all__ = [
    "FORMULA_TRIGGERS",
    "TEXT_PREFIX",
    "is_formula_like",
    "neutralise_frame",
    "neutralise_text",
    "neutralise_workbook",
    "restore_text",
]
