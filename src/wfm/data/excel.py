"""Excel workbooks (``.xlsx``) read as the same raw frames as CSV files.

Planners often have their exports as spreadsheets. :func:`read_excel_raw` reads the first
sheet (or a named one) with openpyxl: the first row is the header, every cell comes back as
text (numbers written without a trailing ``.0`` when whole, dates and times as ISO 8601),
so the readers' checks and messages (line = spreadsheet row) are the same as for a CSV.
Formulas are read as their last computed values; nothing is ever written back.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: File name endings read as Excel workbooks.
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def is_excel(path_or_name: str | Path) -> bool:
    """Whether a file name ends like an Excel workbook."""
    return str(path_or_name).lower().endswith(EXCEL_SUFFIXES)


def _text(value) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.tzinfo is None else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


#: Most bytes a workbook's parts may unpack to (a 1,048,576-row sheet of a few columns is
#: about 150 MB), and the highest packing ratio of a large workbook: a "zip bomb" unpacks a
#: small file into gigabytes and would keep the reader busy for many minutes.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_PACKING_RATIO = 100
_RATIO_CHECKED_ABOVE_BYTES = 16 * 1024 * 1024


def _check_unpacked_size(path: Path, source: str) -> None:
    """Refuse a workbook whose parts unpack to too much, before reading any of it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip archive: openpyxl's error follows
    unpacked = sum(part.file_size for part in parts)
    packed = max(sum(part.compress_size for part in parts), 1)
    if unpacked > MAX_UNPACKED_BYTES or (
        unpacked > _RATIO_CHECKED_ABOVE_BYTES and unpacked / packed > MAX_PACKING_RATIO
    ):
        raise InputError(
            f"the workbook unpacks to {unpacked / 2**20:,.0f} MB from {packed / 2**20:,.1f} MB "
            f"(at most {MAX_UNPACKED_BYTES / 2**20:,.0f} MB, packed at most "
            f"{MAX_PACKING_RATIO}:1); it is too large or not a real export",
            source=source,
            fix="export the sheet as CSV UTF-8 (File > Save As > CSV UTF-8) and read that",
        )


def read_excel_raw(
    path: str | Path, *, source: str | None = None, sheet: str | None = None
) -> pd.DataFrame:
    """Read a sheet of an ``.xlsx`` file into a raw frame of text cells.

    Parameters
    ----------
    path
        The workbook.
    source
        Name in messages (default: the path).
    sheet
        Sheet name; the first sheet by default.

    Returns
    -------
    pandas.DataFrame
        Header from the first row; row ``i`` is spreadsheet row ``i + 2``; empty cells are
        missing; fully empty rows at the end are dropped.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = source or str(path)
    _check_unpacked_size(Path(path), source)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError("file not found", source=source, fix="check the path") from None
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise InputError(
            f"cannot read the workbook: {error}",
            source=source,
            fix="save it as an Excel workbook (.xlsx), or export the sheet as CSV UTF-8",
        ) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InputError(
                "no such sheet",
                source=source,
                value=sheet,
                fix=f"use one of {', '.join(book.sheetnames)}",
            )
        rows = book[sheet] if sheet is not None else book.worksheets[0]
        values = [[_text(cell) for cell in row] for row in rows.iter_rows(values_only=True)]
    finally:
        book.close()
    while values and all(cell is None for cell in values[-1]):
        values.pop()
    if not values or all(cell is None for cell in values[0]):
        raise InputError("the sheet is empty", source=source, fix="put a header in the first row")
    header = [str(cell).strip() if cell is not None else "" for cell in values[0]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    for number, row in enumerate(values[1:], start=2):
        extra = [cell for cell in row[width:] if cell is not None]
        if extra:  # a cell right of the header would be dropped or shift the columns
            raise InputError(
                f"row {number} has a value in column {width + 1 + row[width:].index(extra[0])}, "
                f"right of the header's {width} columns",
                source=source,
                row=number,
                fix="give that column a name in the header row, or clear the cell",
            )
    body = [row[:width] + [None] * (width - len(row)) for row in values[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    logger.info("%s: %d rows read from sheet %s", source, len(frame), sheet or book.sheetnames[0])
    return frame
