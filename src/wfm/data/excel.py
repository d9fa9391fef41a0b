"""Excel workbooks (``.xlsx``) read as the same raw frames as CSV files.

Planners often have their exports as spreadsheets. :func:`read_excel_raw` reads the first
sheet (or a named one) with openpyxl: the first row is the header, every cell comes back as
text (numbers written without a trailing ``.0`` when whole, dates and times as ISO 8601),
so the readers' checks and messages (line = spreadsheet row) are the same as for a CSV.
Formulas are read as their last computed values; nothing is ever written back. A formula
without one (a workbook written by a program and never opened in Excel: openpyxl reads its
cell as empty) is refused naming its cell (:func:`check_formula_values`), not read as empty.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
import zlib
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


#: A cell of a sheet's XML holding a formula and no computed value: ``<c r="B2"><f>1+1</f></c>``
#: or an empty ``<v/>`` (what openpyxl and other writers save); the cell's attributes and the
#: value element, if any. Element names may carry a namespace prefix (``<x:c>``).
_UNCALCULATED_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
#: How a formula element starts, with or without a namespace prefix (a quick first test).
_FORMULA_TAGS = (b"<f", b":f")
_CELL_REFERENCE = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_STRING_RESULT = re.compile(rb'\bt="str"')


def uncalculated_formula_cells(sheet_xml: bytes) -> list[tuple[str, int]]:
    """``(column letters, row)`` of every cell of a worksheet's XML holding a formula without
    a computed value, in sheet order. A formula whose saved result is the empty text
    (``t="str"`` and an empty ``<v>``, as Excel saves ``=""``) has a value and is not listed.

    >>> uncalculated_formula_cells(b'<c r="B2"><f>1+1</f><v /></c><c r="C2"><f>2</f><v>2</v></c>')
    [('B', 2)]
    """
    if not any(tag in sheet_xml for tag in _FORMULA_TAGS):  # no formula: skip the slow scan
        return []
    cells = []
    for match in _UNCALCULATED_CELL.finditer(sheet_xml):
        attributes, value = match.group(1), match.group(2)
        if value is not None and _STRING_RESULT.search(attributes):
            continue  # an empty text computed
        reference = _CELL_REFERENCE.search(attributes)
        if reference is not None:
            cells.append((reference.group(1).decode(), int(reference.group(2))))
    return cells


def check_formula_values(path: Path, part: str | None, sheet: str, source: str) -> None:
    """Refuse a sheet with a formula that has no computed value (openpyxl reads it as an
    empty cell): an error naming the file, sheet and first such cell, and the fix.

    ``part`` is the sheet's XML part in the workbook (``xl/worksheets/sheet1.xml``); the
    check is skipped if it is unknown or cannot be read (openpyxl has read it already).
    """
    if part is None:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            sheet_xml = archive.read(part.lstrip("/"))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, zlib.error):
        return
    cells = uncalculated_formula_cells(sheet_xml)
    if not cells:
        return
    column, row = cells[0]
    more = len(cells) - 1
    others = f" (and {more} more cell{'s' if more > 1 else ''})" if more else ""
    raise InputError(
        f"cell {column}{row} of sheet {_sheet_name(sheet)} holds a formula with no saved "
        f"value{others}: the workbook was written by a program and never calculated, so "
        "the cell would read as empty",
        source=source,
        row=row,
        fix="open the file in Excel (or LibreOffice) and save it, which calculates the "
        "formulas, or export the sheet as CSV",
    )


#: Key of ``DataFrame.attrs`` that says which sheet of which workbook a raw frame came from,
#: so that a reader finding no data or not its columns can name the other sheets.
WORKBOOK_ATTR = "workbook"


def other_sheets_hint(frame: pd.DataFrame | dict) -> tuple[str, str] | None:
    """``(what was read, fix)`` when ``frame`` is the first sheet of a workbook with others.

    For messages about a frame with no data or not the expected columns: which sheet was
    read, the workbook's other sheets, and the option (or centre-file key) that chooses one.
    ``None`` when the frame is not from a workbook, its sheet was chosen, or it has one sheet.
    ``frame`` may also be the ``attrs["workbook"]`` record itself.
    """
    workbook = frame.attrs.get(WORKBOOK_ATTR) if isinstance(frame, pd.DataFrame) else frame
    if not workbook or workbook["chosen"] or len(workbook["sheets"]) < 2:
        return None
    others = [name for name in workbook["sheets"] if name != workbook["sheet"]]
    listed = ", ".join(_sheet_name(name) for name in others[:10])
    if len(others) > 10:
        listed += f" and {len(others) - 10} more"
    read = (
        f"the first sheet, {_sheet_name(workbook['sheet'])}, was read; the workbook also has "
        f"sheet{'s' if len(others) > 1 else ''} {listed}"
    )
    option, first_other = workbook["option"], _sheet_name(others[0])
    if "{sheet}" in option:  # a whole sentence, e.g. for an upload in the app
        return read, option.format(sheet=first_other)
    return read, f"choose the sheet that holds the data: {option} {first_other}"


def _sheet_name(name: str) -> str:
    """A sheet name quoted for a message, control characters dropped and cut at 40 characters."""
    text = "".join(ch for ch in str(name) if ch.isprintable())
    return repr(text if len(text) <= 40 else text[:39] + "…")


def read_excel_raw(
    path: str | Path,
    *,
    source: str | None = None,
    sheet: str | None = None,
    sheet_option: str = "--sheet",
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
    sheet_option
        How the user chooses a sheet (``--sheet``, or a centre-file key such as
        ``agents_sheet =``), named in messages when the first sheet has no data or not the
        expected columns and the workbook has other sheets (:func:`other_sheets_hint`); a
        text with ``{sheet}`` is the whole fix, the sheet's name put in.

    Returns
    -------
    pandas.DataFrame
        Header from the first row; row ``i`` is spreadsheet row ``i + 2``; empty cells are
        missing; fully empty rows at the end are dropped. ``attrs["workbook"]`` names the
        sheet read, the workbook's sheets and whether the sheet was chosen.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    source = source or str(path)
    _check_unpacked_size(Path(path), source)
    # what a file that is not a workbook, or a damaged or truncated one, raises in openpyxl
    unreadable = (
        InvalidFileException,
        OSError,
        KeyError,
        ValueError,
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
    )

    def cannot_read(error: Exception) -> InputError:
        return InputError(
            f"cannot read the workbook ({type(error).__name__}: {error})",
            source=source,
            fix="save it as an Excel workbook (.xlsx), or export the sheet as CSV UTF-8",
        )

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError("file not found", source=source, fix="check the path") from None
    except unreadable as error:
        raise cannot_read(error) from None
    try:
        sheets = list(book.sheetnames)
        if sheet is not None and sheet not in sheets:
            raise InputError(
                "the workbook has no such sheet",
                source=source,
                column=sheet_option,
                value=sheet,
                fix=f"use one of {', '.join(_sheet_name(name) for name in sheets[:10])}",
            )
        rows = book[sheet] if sheet is not None else book.worksheets[0]
        values = [[_text(cell) for cell in row] for row in rows.iter_rows(values_only=True)]
        part = getattr(rows, "_worksheet_path", None)  # openpyxl's read-only sheet: its XML
    except unreadable as error:  # a damaged part shows only when its rows are read
        raise cannot_read(error) from None
    finally:
        book.close()
    workbook = {
        "sheet": sheet if sheet is not None else sheets[0],
        "sheets": sheets,
        "chosen": sheet is not None,
        "option": sheet_option,
    }
    if any(cell is None for row in values for cell in row):  # an empty cell, or a formula
        check_formula_values(Path(path), part, workbook["sheet"], source)  # never calculated
    while values and all(cell is None for cell in values[-1]):
        values.pop()
    if not values or all(cell is None for cell in values[0]):
        hint = other_sheets_hint(workbook)
        if hint is not None:
            raise InputError(f"the sheet is empty: {hint[0]}", source=source, fix=hint[1])
        raise InputError(
            f"the sheet {_sheet_name(workbook['sheet'])} is empty",
            source=source,
            fix="put a header in the first row",
        )
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
    frame.attrs[WORKBOOK_ATTR] = workbook
    logger.info("%s: %d rows read from sheet %s", source, len(frame), workbook["sheet"])
    return frame
