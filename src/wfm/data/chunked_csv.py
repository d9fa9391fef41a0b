"""A large CSV file read in chunks with Arrow, every cell as text.

:func:`iter_raw_chunks` yields ``(first_line, frame)`` chunks of about :data:`CHUNK_ROWS`
rows, so that a year of a large centre's contacts (tens of millions of rows) is read in
bounded memory; :func:`line_at` gives the file line of a chunk's row. The header is checked
as :func:`wfm.data.io.read_raw_csv` checks it (delimiter, column count, repeated names, NUL
bytes), and a file Arrow cannot parse is an :class:`~wfm.errors.InputError` naming the first
line whose cells do not match the header, never quoting the file's content.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from wfm.data.io import check_header, check_no_nul, not_utf8_error, sniff_delimiter
from wfm.data.row_errors import FIRST_DATA_LINE
from wfm.errors import InputError

#: Rows read and checked at a time.
CHUNK_ROWS = 1_000_000


def line_at(first_line: int | np.ndarray, position: int) -> int:
    """File line of the chunk row at ``position``: ``first_line`` is the line of row 0, or an
    array with each row's line (layouts that reduce events to contacts)."""
    if isinstance(first_line, np.ndarray):
        return int(first_line[int(position)])
    return int(first_line) + int(position)


def read_header(path: Path, source: str) -> tuple[list[str], str]:
    """The file's column names and delimiter, with I/O problems as :class:`InputError`."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header_line = handle.readline()
    except FileNotFoundError:
        raise InputError("file not found", source=source, fix="check the path") from None
    except IsADirectoryError:
        raise InputError(
            "is a folder, not a file", source=source, fix="give the CSV file"
        ) from None
    except UnicodeDecodeError:
        raise not_utf8_error(path, source) from None
    if not header_line.strip():
        raise InputError("the file is empty", source=source, fix="export it again with a header")
    delimiter = sniff_delimiter(header_line)
    check_header(header_line, delimiter, source)
    check_no_nul(path, source)
    columns = list(pd.read_csv(io.StringIO(header_line), sep=delimiter, nrows=0).columns)
    return [str(column).replace("\ufeff", "") for column in columns], delimiter


def iter_raw_chunks(
    path: str | Path,
    *,
    columns: list[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    source: str | None = None,
):
    """Yield ``(first_line, frame)`` chunks of a CSV file, every cell as text (empty = missing).

    Parameters
    ----------
    path
        The CSV file (``,``, ``;`` or tab; UTF-8 with or without a byte-order mark).
    columns
        File column names to read (default all).
    chunk_rows
        Rows per chunk (approximately: the reader works in blocks of bytes).
    source
        Name of the file in messages.

    Yields
    ------
    (int, pandas.DataFrame)
        The file line of the chunk's first row (header = line 1) and the chunk, columns
        under their file names, values as text with missing values where cells are empty.
    """
    path = Path(path)
    source = source or str(path)
    header, delimiter = read_header(path, source)
    wanted = header if columns is None else columns
    # pyarrow parses blocks of bytes; 16 MB blocks keep its reader pipelined (one block per
    # chunk is ~2x slower), and batches are gathered into chunks of about chunk_rows rows.
    block_bytes = int(min(16 * 1024 * 1024, max(64 * 1024, chunk_rows * 100)))
    try:
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(
                use_threads=True, block_size=block_bytes, encoding="utf8"
            ),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                include_columns=wanted,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        raise _not_csv(error, path, source, delimiter, len(header)) from None
    first_line = FIRST_DATA_LINE
    pending: list[pa.RecordBatch] = []
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            batch = None
        except pa.ArrowInvalid as error:
            raise _not_csv(error, path, source, delimiter, len(header)) from None
        if batch is not None and batch.num_rows:
            pending.append(batch)
        rows = sum(part.num_rows for part in pending)
        if pending and (batch is None or rows >= chunk_rows):
            frame = pa.Table.from_batches(pending).to_pandas(types_mapper=pd.ArrowDtype)
            frame.columns = [str(name).replace("\ufeff", "") for name in frame.columns]
            yield first_line, frame
            first_line += rows
            pending = []
        if batch is None:
            break


def _not_csv(
    error: Exception, path: Path, source: str, delimiter: str, header_cells: int
) -> InputError:
    """The error for a file Arrow cannot parse, naming the first line whose number of cells
    differs from the header's; never quoting the file's content (it may hold personal data)."""
    import csv

    line, cells = None, None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            next(reader, None)
            for row in reader:
                if row and len(row) != header_cells:
                    line, cells = reader.line_num, len(row)
                    break
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    if line is not None:
        return InputError(
            f"the line has {cells} cells but the header has {header_cells}",
            source=source,
            row=line,
            fix=f"make the line's cells match the header (check the delimiter: {delimiter!r} was "
            "detected from the header; quote cells that contain it)",
        )
    reason = str(error).split(":", 1)[0] if "CSV parse error" not in str(error) else "parse error"
    return InputError(
        f"the file is not a well-formed CSV table ({reason})",
        source=source,
        fix=f"export it again as CSV (delimiter {delimiter!r} detected from the header)",
    )


__all__ = ["CHUNK_ROWS", "iter_raw_chunks", "line_at", "read_header"]
