"""Reading and writing wfm's CSV files: raw reading and atomic writes.

Every reader in :mod:`wfm.data` goes through the same few steps:

1. :func:`read_raw_csv` (here) reads a file into a raw frame (delimiter ``,``, ``;`` or tab,
   UTF-8 with or without a byte-order mark) and turns I/O problems into
   :class:`~wfm.errors.InputError`.
2. :func:`~wfm.data.column_matching.match_columns` finds the columns a contract needs,
   case-insensitively and ignoring surrounding spaces, applying an optional column mapping
   (file name -> wfm name).
3. :func:`~wfm.data.parsing.parse_numbers`, :func:`~wfm.data.parsing.parse_text` and
   :func:`~wfm.data.timestamps.parse_timestamps` turn raw columns into typed ones, vectorised,
   and report the *first* bad row (:func:`~wfm.data.row_errors.raise_first`) with its line
   number (the header is line 1, the first data row line 2), column, value and a fix.

Steps 2 and 3 live in :mod:`wfm.data.column_matching`, :mod:`wfm.data.parsing` and
:mod:`wfm.data.timestamps`: import them from there.

wfm's own outputs (forecast, requirements, rota, coverage, shift catalogue) are read by
:mod:`wfm.data.output_files`.

Writers never leave half a file behind: :func:`write_csv_atomic` and
:func:`write_files_atomic` write to temporary files in the target folder and rename them
into place, and a set of files is replaced all together or not at all. Tz-aware
timestamps are written as ISO 8601 with the UTC offset (:func:`to_iso`,
:func:`frame_to_csv_text`); a missing or infinite number is an empty cell, an infinite one
explained by a boolean column (:mod:`wfm.data.infinite_cells`).
"""

from __future__ import annotations

import csv
import logging
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import normalise_name
from wfm.data.infinite_cells import spreadsheet_values
from wfm.data.output_paths import (
    check_not_special,
    create_folders,
    remove_created_folders,
    write_error,
)
from wfm.data.row_errors import FILE_LINE_INDEX, FIRST_DATA_LINE
from wfm.data.safe_cells import neutralise_frame
from wfm.errors import InputError

logger = logging.getLogger(__name__)


# --- reading -----------------------------------------------------------------------------
def sniff_delimiter(header_line: str) -> str:
    """The delimiter used in a header line: the most frequent of ``,``, ``;`` and tab."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def check_header(header_line: str, delimiter: str, source: str) -> list[str]:
    """The header's column names, checked: at most :data:`~wfm.limits.MAX_COLUMNS` of them
    and no name twice (pandas would rename the second ``offered`` to ``offered.1`` and read
    the first silently)."""
    from wfm.limits import MAX_COLUMNS

    if header_line.count(delimiter) >= MAX_COLUMNS:
        raise InputError(
            f"the header has {header_line.count(delimiter) + 1:,} columns (at most "
            f"{MAX_COLUMNS:,} are read)",
            source=source,
            row=1,
            fix="check that this is the right file and that its first line is the header",
        )
    names = next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter), [])
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = normalise_name(name)
        if key and key in seen:
            raise InputError(
                f"the header names column {name.strip()!r} twice (columns {seen[key]} and "
                f"{position})",
                source=source,
                row=1,
                column=name.strip(),
                fix="rename or remove one of the two columns",
            )
        seen[key] = position
    return names


def check_no_nul(path: Path, source: str) -> None:
    """A text file holds no NUL byte: one means a binary or UTF-16 file, or a damaged one."""
    import mmap

    try:
        with path.open("rb") as handle:
            if path.stat().st_size == 0:
                return
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                position = data.find(b"\x00")
                if position < 0:
                    return
                line = data[:position].count(b"\n") + 1
    except (OSError, ValueError):  # unreadable: the reader that follows says why
        return
    raise InputError(
        "the file contains a NUL byte (it is binary, UTF-16, or damaged)",
        source=source,
        row=line,
        fix="save it as CSV UTF-8 (in Excel: Save As > CSV UTF-8)",
    )


def check_cell_lengths(frame: pd.DataFrame, source: str) -> None:
    """No text cell longer than :data:`~wfm.limits.MAX_CELL_CHARACTERS` (a message quoting it
    would be unreadable, and no wfm field is that long)."""
    from wfm.limits import MAX_CELL_CHARACTERS

    for column in frame.columns:
        values = frame[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        lengths = values.astype("str").str.len().to_numpy(dtype=np.float64, na_value=0.0)
        too_long = lengths > MAX_CELL_CHARACTERS
        if too_long.any():
            position = int(np.argmax(too_long))
            raise InputError(
                f"a cell is {int(lengths[position]):,} characters long (at most "
                f"{MAX_CELL_CHARACTERS:,})",
                source=source,
                row=position + FIRST_DATA_LINE,  # frame in file order, blank lines kept
                column=str(column),
                fix="check the quoting on that line (an unclosed quote swallows the lines after "
                "it) and that the file is the right one",
            )


def read_raw_csv(
    path: str | Path,
    *,
    source: str | None = None,
    text_columns: Iterable[str] = (),
    column_map: Mapping[str, str] | None = None,
    float_columns: Iterable[str] = (),
    all_text: bool = False,
    sheet: str | None = None,
    sheet_option: str = "--sheet",
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
    all_text
        Read every column as text (for small files whose readers parse each cell).
    float_columns
        wfm column names to read straight into float64 when every cell is a plain number
        (a large file then holds no second, converted copy); if any cell is not, the file is
        read again with those columns typed by pandas, for the validation to report.
    sheet, sheet_option
        For an ``.xlsx`` workbook: the sheet to read (default the first) and how the user
        chooses it, for messages (:func:`wfm.data.excel.read_excel_raw`). A CSV file given
        a sheet is an error.

    Returns
    -------
    pandas.DataFrame
        The file's columns, unvalidated, indexed by each row's line in the file (index
        name :data:`~wfm.data.row_errors.FILE_LINE_INDEX`; blank lines are dropped).
    """
    path = Path(path)
    source = source or str(path)
    from wfm.data.excel import is_excel, read_excel_raw

    if is_excel(path):
        return read_excel_raw(path, source=source, sheet=sheet, sheet_option=sheet_option)
    if sheet is not None:
        raise InputError(
            "a sheet is chosen but the file is not an Excel workbook (.xlsx)",
            source=source,
            column=sheet_option,
            value=sheet,
            fix=f"drop {sheet_option}, or give the .xlsx workbook",
        )
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
    except UnicodeDecodeError:
        raise not_utf8_error(path, source) from None
    except OSError as error:
        raise file_error(error, source, what="the CSV file") from None
    if not header_line.strip():
        raise InputError(
            "the file is empty", source=source, fix="export the data again with a header line"
        )
    delimiter = sniff_delimiter(header_line)
    check_header(header_line, delimiter, source)
    check_no_nul(path, source)
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
        # Blank lines are read as empty rows and dropped below, so that a row's index
        # stays its position among the file's lines and line numbers in messages are right.
        skip_blank_lines=False,
    )
    float_keys = {normalise_name(name) for name in float_columns} - text_keys
    try:
        names = pd.read_csv(path, nrows=0, **options).columns
        dtype = {
            name: str
            for name in names
            if all_text or mapping.get(normalise_name(name), normalise_name(name)) in text_keys
        }
        floats = {
            name: np.float64
            for name in names
            if mapping.get(normalise_name(name), normalise_name(name)) in float_keys
        }
        try:
            frame = pd.read_csv(path, dtype=dtype | floats, **options) if floats else None
        except (ValueError, TypeError):  # a cell that is not a plain number: read as found
            frame = None
        if frame is None:
            frame = pd.read_csv(path, dtype=dtype, **options)
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty", source=source, fix="export the data again with a header line"
        ) from None
    except pd.errors.ParserError as error:
        raise _malformed(error, source, delimiter) from None
    except UnicodeDecodeError:
        raise not_utf8_error(path, source) from None
    except OSError as error:
        raise file_error(error, source, what="the CSV file") from None
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes extra leading cells of the first data row as an index, shifting every
        # column silently: a row with more cells than the header is an error here.
        raise InputError(
            f"the line has {len(frame.columns) + frame.index.nlevels} cells but the header "
            f"has {len(frame.columns)}",
            source=source,
            row=FIRST_DATA_LINE,
            fix=f"remove the extra cells (or the trailing {delimiter!r}) on that line, or add "
            "the missing column names to the header; quote cells that contain "
            f"{delimiter!r}",
        )
    frame.index = pd.RangeIndex(len(frame), name=FILE_LINE_INDEX)
    check_cell_lengths(frame, source)
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank]
    return frame


def file_error(error: OSError, source: str, *, what: str = "the file") -> InputError:
    """An :class:`InputError` for an operating-system error opening an input file."""
    if isinstance(error, FileNotFoundError):
        return InputError(
            "file not found", source=source, fix="check the path and the current folder"
        )
    if isinstance(error, IsADirectoryError):
        return InputError("is a folder, not a file", source=source, fix=f"give the path of {what}")
    if isinstance(error, PermissionError):
        return InputError(
            "cannot read the file (permission denied)",
            source=source,
            fix="check the file's permissions",
        )
    return InputError(
        f"cannot read the file ({error.strerror or type(error).__name__})",
        source=source,
        fix=f"check that the path names {what}",
    )


#: First bytes of files that are not text: an Excel workbook (a zip archive), an old .xls,
#: a gzip archive. Read as CSV, each was "not UTF-8 text (line 1)".
_NOT_TEXT_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"\x1f\x8b", "a gzip archive"),
)


def not_utf8_error(path: Path, source: str) -> InputError:
    """The error for a CSV file that is not UTF-8, naming the first bad line and byte, or
    what the file is when it is a workbook or an archive (every CSV reader's one message)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(8)
    except OSError:
        start = b""
    for signature, what in _NOT_TEXT_SIGNATURES:
        if start.startswith(signature):
            return InputError(
                f"the file is {what}, not CSV text",
                source=source,
                fix="this reads CSV only: save the sheet as CSV UTF-8 (in Excel: Save As > "
                "CSV UTF-8), or unpack the archive",
            )
    return _not_utf8(path, source)


def _not_utf8(path: Path, source: str) -> InputError:
    """The error for a file that is not UTF-8, naming the first bad line and byte."""
    line_number, column = None, None
    try:
        with path.open("rb") as handle:
            for number, raw_line in enumerate(handle, start=1):
                try:
                    raw_line.decode("utf-8")
                except UnicodeDecodeError as error:
                    line_number, column = number, error.start + 1
                    break
    except OSError:
        pass
    where = f" (byte {column} of the line)" if column else ""
    return InputError(
        f"the file is not UTF-8 text{where}",
        source=source,
        row=line_number,
        fix="save it as CSV UTF-8 (in Excel: Save As > CSV UTF-8); it may be in Latin-1 or Windows-1252",
    )


_EOF_IN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _malformed(error: Exception, source: str, delimiter: str) -> InputError:
    """The error for a CSV file pandas cannot tokenise, with the file line it is on."""
    text = str(error)
    unclosed = _EOF_IN_QUOTE.search(text)
    if unclosed:  # pandas counts rows from 0 at the header: row r is on line r + 1
        return InputError(
            "a quoted cell is never closed (a '\"' without its partner)",
            source=source,
            row=int(unclosed.group(1)) + 1,
            fix="close the quote or remove the stray '\"' on that line",
        )
    fields = _FIELD_COUNT.search(text)
    if fields:
        expected, line, seen = fields.groups()
        return InputError(
            f"the line has {seen} cells but the header has {expected}",
            source=source,
            row=int(line),
            fix=f"make the line's cells match the header's {expected} (check the delimiter: "
            f"{delimiter!r} was detected from the header; quote cells that contain it)",
        )
    return InputError(
        "the file is not a well-formed CSV table",
        source=source,
        fix=f"check the delimiter ({delimiter!r} was detected from the header) and the quoting",
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
    """CSV text of ``frame`` as wfm writes it: no index, tz-aware timestamps via :func:`to_iso`,
    missing and infinite numbers as empty cells, an infinite one explained by a boolean column
    beside it (:func:`wfm.data.infinite_cells.spreadsheet_values`), text cells a spreadsheet
    would run as a formula neutralised (:func:`wfm.data.safe_cells.neutralise_frame`).

    >>> print(frame_to_csv_text(pd.DataFrame({"asa_seconds": [4.5, np.inf, np.nan]})), end="")
    asa_seconds,queue_unstable
    4.5,False
    ,True
    ,False
    """
    output = spreadsheet_values(frame).copy(deep=False)
    for column in output.columns:
        if isinstance(output[column].dtype, pd.DatetimeTZDtype):
            output[column] = to_iso(output[column])
    output = neutralise_frame(output)
    # Python's csv writer quotes a cell holding "\n" but not one holding a bare "\r", which
    # readers take as the end of a row: such a file is written with every cell quoted.
    bare_cr = any(
        output[column].astype("str").str.contains("\r", regex=False).any()
        for column in output.columns
        if output[column].dtype == object or pd.api.types.is_string_dtype(output[column].dtype)
    )
    if bare_cr:
        return output.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    return output.to_csv(index=False, lineterminator="\n")


@dataclass(frozen=True)
class PreparedFile:
    """An output written in full beforehand to a hidden temporary file beside its target
    (:meth:`wfm.data.streamed.StreamedCsv.join`): :func:`write_files_atomic` renames it into
    place together with the other files, or removes it when the write fails."""

    temporary: Path


def _payload_bytes(content: pd.DataFrame | str | bytes, path: Path) -> bytes | PreparedFile:
    if isinstance(content, PreparedFile):
        return content
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


def write_files_atomic(
    files: Mapping[str | Path, pd.DataFrame | str | bytes | PreparedFile],
) -> list[Path]:
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
        text (written as UTF-8), bytes, or a :class:`PreparedFile` (already written beside
        its target: only renamed). Missing folders are created, and removed again if the
        write fails.

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
    for path, _ in payloads:
        if path.is_dir():
            raise InputError(
                "a folder is in the way of this output file",
                source=str(path),
                fix="move or remove the folder, or choose another output location",
            )
        check_not_special(path, option=None)  # never rename over /dev/null or a pipe
    created = create_folders(dict.fromkeys(path.parent for path, _ in payloads))
    try:
        for path, data in payloads:
            if isinstance(data, PreparedFile):
                if path.exists():
                    shutil.copymode(path, data.temporary)
                temporaries.append((path, data.temporary))
            else:
                temporaries.append((path, _write_temporary(path, data)))
        for path, _ in temporaries:
            backups.append((path, _backup(path)))
        for (path, temporary), (_, backup) in zip(temporaries, backups, strict=True):
            os.replace(temporary, path)
            replaced.append((path, backup))
    except BaseException:
        for _, data in payloads:  # a prepared file not renamed yet goes with the others
            if isinstance(data, PreparedFile):
                data.temporary.unlink(missing_ok=True)
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
        remove_created_folders(created)
        if isinstance(sys.exc_info()[1], PermissionError | IsADirectoryError | NotADirectoryError):
            failed = payloads[min(len(temporaries), len(payloads) - 1)][0]
            raise write_error(sys.exc_info()[1], failed) from None
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


__all__ = [
    "PreparedFile",
    "frame_to_csv_text",
    "read_raw_csv",
    "to_iso",
    "write_csv_atomic",
    "write_files_atomic",
]
