"""Per-contact records (contact-detail records): read them in chunks and check them row by row.

Most ACDs and CCaaS platforms export one row per contact. This module reads such a file in
chunks of :data:`CHUNK_ROWS` rows (so a year of a large centre fits in memory), maps the
vendor's columns onto wfm's canonical contact (:data:`CONTACT_COLUMNS`, through a
:class:`~wfm.data.vendors.ContactLayout`), parses and checks every row, and keeps for each
good contact only what the interval history needs (:class:`ContactArrays`): arrival instant,
queue, outcome, wait [s] and handle [s]. :mod:`wfm.data.contact_history` turns those into the
interval-history contract and the patience estimate.

Bad rows (missing or unknown outcome, a missing or unreadable arrival time, negative or
absurd durations, an answer before the arrival, a repeated contact id) are **excluded and
counted**, never silently: :class:`ContactProblems` keeps the count of each kind and the
first few examples with line, column, value and fix.

Canonical contact (the generic layout's column names):

==========================  ==========  ====================================================
column                      unit        meaning
==========================  ==========  ====================================================
``arrival_time``            ISO 8601    arrival at the queue (after any IVR); required
``queue``                   text        queue name (default: ``--queue``)
``outcome``                 text        answered / abandoned / not counted (mappable values)
``contact_id``              text        unique id; repeats are excluded
``wait_seconds``            s           queue entry to answer (or to abandon)
``answer_time``             ISO 8601    answer instant (wait = answer - arrival)
``end_time``                ISO 8601    end of the conversation (talk = end - answer)
``talk_seconds``            s           talk time
``hold_seconds``            s           hold time
``wrap_seconds``            s           after-contact work
``handle_seconds``          s           talk + hold + wrap, when given as one number
``agent_id`` ...            text        optional: agent, customer, satisfaction, category,
                                        channel (kept for quality-of-service analyses)
==========================  ==========  ====================================================
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from wfm.data.parsing import FIRST_DATA_LINE, check_timezone, normalise_name
from wfm.errors import InputError
from wfm.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)

#: Rows read and checked at a time.
CHUNK_ROWS = 1_000_000

#: Canonical contact columns (see the module docstring).
CONTACT_COLUMNS = (
    "arrival_time",
    "queue",
    "outcome",
    "contact_id",
    "wait_seconds",
    "answer_time",
    "end_time",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "handle_seconds",
    "agent_id",
    "customer_id",
    "satisfaction_score",
    "category",
    "channel",
)
#: Optional per-contact details, read only for quality-of-service analyses.
EXTRA_COLUMNS = ("agent_id", "customer_id", "satisfaction_score", "category", "channel")
#: Timestamp columns of the canonical contact.
TIME_COLUMNS = ("arrival_time", "answer_time", "end_time")
#: Duration columns of the canonical contact [s].
DURATION_COLUMNS = (
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "handle_seconds",
)

#: Outcome codes kept per contact.
ANSWERED, ABANDONED, NOT_COUNTED = 0, 1, 2
OUTCOMES = {"answered": ANSWERED, "abandoned": ABANDONED, "not_counted": NOT_COUNTED}

#: Outcome values understood without a mapping (compared trimmed and lower-cased).
DEFAULT_OUTCOME_VALUES = {
    "answered": "answered",
    "handled": "answered",
    "completed": "answered",
    "connected": "answered",
    "answer": "answered",
    "abandoned": "abandoned",
    "abandon": "abandoned",
    "abandoned in queue": "abandoned",
    "queue abandon": "abandoned",
    "not_counted": "not_counted",
    "not counted": "not_counted",
    "ivr": "not_counted",
    "ivr only": "not_counted",
    "outbound": "not_counted",
    "short abandon": "not_counted",
}

#: Longest plausible wait [s] (a day): longer is a unit or clock mistake.
MAX_WAIT_SECONDS = 24 * 3600.0
#: Longest plausible handle time [s] (8 hours).
MAX_HANDLE_SECONDS = 8 * 3600.0
#: Examples kept per kind of problem.
EXAMPLES_PER_PROBLEM = 3


@dataclass
class ContactProblems:
    """Rows excluded from a contact import, by kind, with a few examples each.

    ``counts[kind]`` is the number of rows excluded for that kind (a row is counted under its
    first problem only); ``examples[kind]`` holds up to :data:`EXAMPLES_PER_PROBLEM` dicts
    with ``line`` (1-based, header = 1), ``column`` (as in the file), ``value`` and ``fix``.
    """

    source: str
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    fixes: dict[str, str] = field(default_factory=dict)
    #: Good rows that are not offered contacts (IVR-only, outbound): left out, not a problem.
    not_counted: int = 0

    @property
    def total(self) -> int:
        """Rows excluded [contacts]."""
        return sum(self.counts.values())

    def add(
        self,
        kind: str,
        mask: np.ndarray,
        *,
        first_line: int | np.ndarray,
        column: str,
        values: pd.Series | np.ndarray,
        fix: str,
    ) -> None:
        """Record the rows of one chunk where ``mask`` is true (0-based positions in the chunk)."""
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        self.counts[kind] = self.counts.get(kind, 0) + count
        self.fixes.setdefault(kind, fix)
        examples = self.examples.setdefault(kind, [])
        for position in np.flatnonzero(mask)[: max(EXAMPLES_PER_PROBLEM - len(examples), 0)]:
            value = values.iloc[position] if isinstance(values, pd.Series) else values[position]
            if isinstance(value, np.generic):
                value = value.item()
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                value = ""
            if isinstance(value, str) and len(value) > 80:  # a short excerpt, never a whole cell
                value = value[:77] + "..."
            examples.append(
                {
                    "line": line_at(first_line, position),
                    "column": column,
                    "value": value,
                    "fix": fix,
                }
            )

    def lines(self) -> list[str]:
        """One line per kind of problem: count, examples and fix."""
        result = []
        for kind, count in sorted(self.counts.items(), key=lambda item: -item[1]):
            shown = "; ".join(
                f"line {example['line']}, column '{example['column']}', value {example['value']!r}"
                for example in self.examples.get(kind, ())
            )
            result.append(
                f"{self.source}: {count:,} row(s) excluded: {kind} (e.g. {shown}). "
                f"Fix: {self.fixes[kind]}"
            )
        return result

    def table(self) -> pd.DataFrame:
        """One row per example: ``problem, rows_excluded, line, column, value, fix``."""
        rows = [
            {"problem": kind, "rows_excluded": self.counts[kind]} | example
            for kind in self.counts
            for example in self.examples.get(kind, ())
        ]
        return pd.DataFrame(
            rows, columns=["problem", "rows_excluded", "line", "column", "value", "fix"]
        )


@dataclass
class ContactArrays:
    """The good contacts of a file, one entry each, in file order (numpy arrays).

    Attributes
    ----------
    arrival_ms
        Arrival at the queue [ms since 1970-01-01 UTC].
    queue_code
        Index into ``queues``.
    outcome
        :data:`ANSWERED`, :data:`ABANDONED` or :data:`NOT_COUNTED`.
    wait_seconds
        Queue entry to answer (answered) or to hang-up (abandoned) [s]; NaN if unknown.
    handle_seconds
        Talk + hold + wrap [s] of answered contacts; NaN otherwise.
    line
        File line of each contact (header = 1).
    """

    arrival_ms: np.ndarray
    queue_code: np.ndarray
    outcome: np.ndarray
    wait_seconds: np.ndarray
    handle_seconds: np.ndarray
    line: np.ndarray
    queues: list[str]
    timezone: str
    extras: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.arrival_ms)


def line_at(first_line: int | np.ndarray, position: int) -> int:
    """File line of the chunk row at ``position``: ``first_line`` is the line of row 0, or an
    array with each row's line (layouts that reduce events to contacts)."""
    if isinstance(first_line, np.ndarray):
        return int(first_line[int(position)])
    return int(first_line) + int(position)


# --- reading -----------------------------------------------------------------------------
def _header(path: Path, source: str) -> tuple[list[str], str]:
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
        raise InputError(
            "the file is not UTF-8 text", source=source, fix="save it as CSV UTF-8"
        ) from None
    if not header_line.strip():
        raise InputError("the file is empty", source=source, fix="export it again with a header")
    from wfm.data.io import check_header, check_no_nul

    counts = {delimiter: header_line.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=counts.get)
    delimiter = delimiter if counts[delimiter] else ","
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
    header, delimiter = _header(path, source)
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


def _arrow(values: pd.Series) -> pa.ChunkedArray | pa.Array:
    """The arrow array behind a text column (no copy when it is arrow-backed)."""
    if isinstance(values.dtype, pd.ArrowDtype):
        return pa.array(values)
    return pa.array(values.astype(object), type=pa.string(), from_pandas=True)


def encode_text(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Trimmed text as codes into its distinct values (pyarrow dictionary encoding).

    Returns
    -------
    (numpy.ndarray, list of str)
        Codes (int32, -1 where the cell is missing or blank) and the distinct values.
    """
    array = pc.utf8_trim_whitespace(_arrow(values))
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    labels = encoded.dictionary.to_pylist()
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    codes = np.where(np.isnan(codes.astype(np.float64)), -1, codes).astype(np.int32)
    blank = [i for i, label in enumerate(labels) if label == ""]
    if blank:
        codes[np.isin(codes, blank)] = -1
    return codes, labels


def parse_instants_ms(
    values: pd.Series,
    *,
    timezone: str | None,
    source: str,
    column: str,
    first_line: int | np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 text -> instants [ms since epoch UTC], NaN where missing or unreadable.

    Timestamps with a UTC offset (``Z``, ``+02:00``) are exact; naive ones are local times
    in ``timezone`` (an :class:`InputError` if there is none). In the hour the clocks go back,
    a repeated local time is taken as summer time. Tries pyarrow's ISO 8601 parser on the
    whole column first (fast) and falls back to pandas cell by cell to find the bad cells.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Instants [ms] as float64 (NaN where missing or unreadable), and a mask of the cells
        that are filled but are not timestamps.
    """
    array = _arrow(values)
    missing = np.asarray(values.isna().to_numpy(), dtype=bool)
    result = np.full(len(values), np.nan)
    try:
        parsed = pc.cast(array, pa.timestamp("ms", tz="UTC"))
        numbers = parsed.cast(pa.int64()).to_numpy(zero_copy_only=False)
        result[~missing] = np.asarray(numbers, dtype=np.float64)[~missing]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pd.Series(values.astype("str"), index=values.index)
        has_offset = np.array(
            text.str.contains(r"(?:[Zz]|[+-]\d{2}:?\d{2})$", regex=True), dtype=bool
        )
        has_offset &= ~missing
        if has_offset.any():
            exact = pd.to_datetime(
                text.where(has_offset), utc=True, format="ISO8601", errors="coerce"
            )
            good = exact.notna().to_numpy()
            result[good] = pd.DatetimeIndex(exact[good]).as_unit("ms").asi8
        naive = ~has_offset & ~missing
        local = pd.to_datetime(text.where(naive), format="ISO8601", errors="coerce")
        naive &= local.notna().to_numpy()
        if naive.any():
            if timezone is None:
                position = int(np.argmax(naive))
                raise InputError(
                    "timestamps have no UTC offset, so the time zone they are in is needed",
                    source=source,
                    row=line_at(first_line, position),
                    column=column,
                    value=values.iloc[position],
                    fix="pass the site's time zone, e.g. --timezone Europe/London",
                ) from None
            localised = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
            # repeated hour when clocks go back: take the first as summer time
            retry = localised.isna().to_numpy() & local.notna().to_numpy()
            if retry.any():
                localised = local.dt.tz_localize(
                    timezone, ambiguous=np.ones(len(local), dtype=bool), nonexistent="NaT"
                )
            good = localised.notna().to_numpy()
            result[good] = pd.DatetimeIndex(localised[good]).as_unit("ms").asi8
    return result, np.isnan(result) & ~missing


def parse_seconds(values: pd.Series, *, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Numbers (or ``h:mm:ss`` text) -> seconds, NaN where empty.

    ``scale`` converts the file's unit to seconds (0.001 for milliseconds; ``h:mm:ss`` is
    always read as clock time). Returns the seconds and a mask of filled cells that are
    neither.
    """
    array = _arrow(values)
    try:
        numbers = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(numbers, dtype=np.float64) * scale, np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pd.Series(values.astype("str"), index=values.index).str.strip()
    missing = values.isna().to_numpy()
    numbers = (
        pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=np.float64) * scale
    )
    clock = np.isnan(numbers) & ~missing
    if clock.any():
        parts = text[clock].str.extract(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")
        seconds = (
            parts[0].astype("float64") * 3600
            + parts[1].astype("float64") * 60
            + parts[2].astype("float64")
        )
        numbers[clock] = seconds.to_numpy(dtype=np.float64)
    return numbers, np.isnan(numbers) & ~missing


# --- checks ------------------------------------------------------------------------------
def outcome_values(outcome_map: Mapping[str, str] | None) -> dict[str, str]:
    """The outcome vocabulary: :data:`DEFAULT_OUTCOME_VALUES` with ``outcome_map`` on top.

    ``outcome_map`` maps a file value to ``answered``, ``abandoned`` or ``not_counted``
    (``--outcome VALUE=answered``); an unknown target is an :class:`InputError`.
    """
    result = dict(DEFAULT_OUTCOME_VALUES)
    for value, target in (outcome_map or {}).items():
        key = normalise_name(target).replace(" ", "_")
        if key not in OUTCOMES:
            raise InputError(
                "an outcome mapping names an unknown outcome",
                column="outcome",
                value=f"{value}={target}",
                fix="map file values to answered, abandoned or not_counted, e.g. --outcome TIMEOUT=abandoned",
            )
        result[normalise_name(value)] = key
    return result


def _seconds_column(
    frame: pd.DataFrame, column: str, scale: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """A duration column [s] and its unreadable cells, or ``None`` when absent."""
    if column not in frame:
        return None
    values = frame[column]
    if pd.api.types.is_float_dtype(values.dtype) and not isinstance(values.dtype, pd.ArrowDtype):
        return values.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(values), bool)
    return parse_seconds(values, scale=scale)


def check_contacts(
    frame: pd.DataFrame,
    file_names: Mapping[str, str],
    *,
    first_line: int | np.ndarray,
    problems: ContactProblems,
    timezone: str | None,
    outcomes: Mapping[str, str],
    default_queue: str,
    duration_scale: float = 1.0,
) -> dict[str, np.ndarray | pd.Series]:
    """Parse and check one chunk of canonical contacts.

    Parameters
    ----------
    frame
        Canonical columns (:data:`CONTACT_COLUMNS`), text cells (durations may already be
        float seconds when a layout computed them); row ``i`` is on line ``first_line + i``.
    file_names
        Canonical name -> the file's column name, for messages.
    problems
        Where excluded rows are recorded.
    timezone
        IANA zone of naive timestamps.
    outcomes
        Outcome vocabulary (:func:`outcome_values`).
    default_queue
        Queue of every contact when there is no queue column.
    duration_scale
        Seconds per unit of numeric duration cells (0.001 for milliseconds).

    Returns
    -------
    dict
        ``arrival_ms``, ``queue_codes`` (int32) into ``queue_labels``, ``outcome`` (int8), ``wait_seconds``,
        ``handle_seconds`` and ``keep`` (bool: neither excluded nor not counted), one entry
        per row. Contacts that are not offered (IVR-only, outbound) are counted in
        ``problems.not_counted`` and not kept; their missing fields are no problem.
    """
    n = len(frame)
    excluded = np.zeros(n, dtype=bool)

    def name(column: str) -> str:
        return file_names.get(column, column)

    def exclude(kind: str, mask: np.ndarray, column: str, values, fix: str) -> None:
        mask = np.asarray(mask, dtype=bool) & ~excluded
        problems.add(kind, mask, first_line=first_line, column=column, values=values, fix=fix)
        excluded[:] |= mask

    timestamp_fix = "write ISO 8601 timestamps such as 2026-03-02T08:00:00+00:00"
    times = {}
    for column in ("answer_time", "end_time"):
        if column in frame:
            times[column], bad = parse_instants_ms(
                frame[column],
                timezone=timezone,
                source=problems.source,
                column=name(column),
                first_line=first_line,
            )
            exclude(f"{column} is not a timestamp", bad, name(column), frame[column], timestamp_fix)
    durations = {}
    for column in DURATION_COLUMNS:
        parsed = _seconds_column(frame, column, duration_scale)
        durations[column] = None if parsed is None else parsed[0]
        if parsed is not None:
            exclude(
                "duration is not a number of seconds",
                parsed[1],
                name(column),
                frame[column],
                "write durations as numbers of seconds (or h:mm:ss)",
            )

    # outcome
    if "outcome" in frame:
        raw = frame["outcome"]
        codes, labels = encode_text(raw)
        vocabulary = np.array(
            [OUTCOMES.get(outcomes.get(label.lower(), ""), -1) for label in labels] + [-2],
            dtype=np.int8,
        )
        outcome = vocabulary[codes]  # code -1 (missing) picks the trailing -2
        exclude(
            "outcome is empty",
            outcome == -2,
            name("outcome"),
            raw,
            "fill in every outcome (answered, abandoned, or a value mapped with --outcome)",
        )
        exclude(
            "unknown outcome value",
            outcome == -1,
            name("outcome"),
            raw,
            "map the value with --outcome VALUE=answered|abandoned|not_counted",
        )
        outcome = np.where(outcome < 0, NOT_COUNTED, outcome).astype(np.int8)
    else:
        answered = np.zeros(n, dtype=bool)
        if "answer_time" in times:
            answered |= ~np.isnan(times["answer_time"])
        for column in ("handle_seconds", "talk_seconds"):
            if durations[column] is not None:
                answered |= np.nan_to_num(durations[column]) > 0
        if (
            "answer_time" not in times
            and durations["handle_seconds"] is None
            and (durations["talk_seconds"] is None)
        ):
            raise InputError(
                "the contacts have no outcome column and nothing to tell answered from abandoned",
                source=problems.source,
                column="outcome",
                fix="map the outcome column (--map 'Disposition=outcome'), or give answer times "
                "or handle/talk seconds",
            )
        outcome = np.where(answered, ANSWERED, ABANDONED).astype(np.int8)
    counted = outcome != NOT_COUNTED
    arrival, bad = parse_instants_ms(
        frame["arrival_time"],
        timezone=timezone,
        source=problems.source,
        column=name("arrival_time"),
        first_line=first_line,
    )
    exclude(
        "arrival time is not a timestamp",
        bad,
        name("arrival_time"),
        frame["arrival_time"],
        timestamp_fix,
    )
    exclude(
        "arrival time is empty",
        np.isnan(arrival) & counted,
        name("arrival_time"),
        frame["arrival_time"],
        "fill in every arrival time, or drop the row",
    )
    # queue
    if "queue" in frame:
        queue_codes, queue_labels = encode_text(frame["queue"])
        exclude(
            "queue is empty",
            (queue_codes < 0) & counted,
            name("queue"),
            frame["queue"],
            "fill in the queue of every answered or abandoned contact",
        )
    else:
        queue_codes, queue_labels = np.zeros(n, dtype=np.int32), [default_queue]

    # wait: given, or answer (or, for abandons, end) minus arrival
    wait = durations["wait_seconds"]
    wait_column = name("wait_seconds")
    if wait is None:
        wait = np.full(n, np.nan)
        wait_column = name("answer_time")
        if "answer_time" in times:
            wait = (times["answer_time"] - arrival) / 1000.0
        if "end_time" in times:
            abandoned = outcome == ABANDONED
            wait[abandoned] = (times["end_time"][abandoned] - arrival[abandoned]) / 1000.0
    if "answer_time" in times:
        exclude(
            "answer before arrival",
            times["answer_time"] < arrival,
            name("answer_time"),
            frame["answer_time"],
            "check the time zones of the two columns, or drop the row",
        )

    # handle: given, or talk + hold + wrap, or end - answer (+ wrap)
    handle = durations["handle_seconds"]
    handle_column = name("handle_seconds")
    if handle is None:
        parts = [durations[c] for c in ("talk_seconds", "hold_seconds", "wrap_seconds")]
        if durations["talk_seconds"] is not None:
            handle = durations["talk_seconds"] + sum(
                np.nan_to_num(part) for part in parts[1:] if part is not None
            )
            handle_column = name("talk_seconds")
        elif "answer_time" in times and "end_time" in times:
            handle = (times["end_time"] - times["answer_time"]) / 1000.0
            if durations["wrap_seconds"] is not None:
                handle = handle + np.nan_to_num(durations["wrap_seconds"])
            handle_column = name("end_time")
        else:
            handle = np.full(n, np.nan)
    for column, values in (("wait_seconds", wait), ("handle_seconds", handle)) + tuple(
        (c, durations[c]) for c in ("talk_seconds", "hold_seconds", "wrap_seconds")
    ):
        if values is None:
            continue
        shown = frame[column] if column in frame else pd.Series(values)
        column_name = (
            name(column)
            if column in frame
            else (wait_column if column == "wait_seconds" else handle_column)
        )
        with np.errstate(invalid="ignore"):
            exclude(
                "negative duration",
                (values < 0) & counted,
                column_name,
                shown,
                "durations are never negative: check the export (or the clock columns)",
            )
    with np.errstate(invalid="ignore"):
        exclude(
            "absurd wait (over 24 hours)",
            (wait > MAX_WAIT_SECONDS) & counted,
            wait_column,
            frame["wait_seconds"] if "wait_seconds" in frame else pd.Series(wait),
            "check the unit (milliseconds?) or the clock columns, or drop the row",
        )
        exclude(
            "absurd handle time (over 8 hours)",
            (handle > MAX_HANDLE_SECONDS) & (outcome == ANSWERED),
            handle_column,
            frame["handle_seconds"] if "handle_seconds" in frame else pd.Series(handle),
            "check the unit (milliseconds?), or drop the row",
        )
    exclude(
        "answered contact without handle time",
        np.isnan(handle) & (outcome == ANSWERED),
        handle_column,
        frame["handle_seconds"] if "handle_seconds" in frame else pd.Series(handle),
        "give handle seconds (or talk, hold and wrap seconds, or answer and end times)",
    )
    handle = np.where(outcome == ANSWERED, handle, np.nan)
    problems.not_counted += int((~counted & ~excluded).sum())
    return {
        "arrival_ms": arrival,
        "queue_codes": queue_codes,
        "queue_labels": queue_labels,
        "outcome": outcome,
        "wait_seconds": np.asarray(wait, dtype=np.float64),
        "handle_seconds": np.asarray(handle, dtype=np.float64),
        "keep": ~excluded & counted,
    }


# --- the whole file ----------------------------------------------------------------------
def _bytes_per_line(path: Path) -> float:
    """Mean length of the first lines of the file [bytes], for progress estimates."""
    with path.open("rb") as handle:
        head = handle.read(256 * 1024)
    return max(len(head) / max(head.count(b"\n"), 1), 1.0)


#: Multiplier of the polynomial string hash (an odd 64-bit constant, from SplitMix64).
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def id_hashes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """64-bit hashes of text ids, vectorised over the string bytes; 0 where empty.

    h = (Σ bᵢ · Mⁱ + length · M^64) mod 2⁶⁴ over the UTF-8 bytes bᵢ, with M odd, then a
    SplitMix64 finaliser. Two different ids share a hash with probability ~2⁻⁶⁴ per pair
    (about 3 in a million for 10 million ids): a repeat is reported with its line, so a
    collision would show as one wrongly excluded contact, never silently.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    values = values.cast(pa.large_string())
    n = len(values)
    valid = values.is_valid().to_numpy(zero_copy_only=False)
    offsets_buffer, data_buffer = values.buffers()[1], values.buffers()[2]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[values.offset : values.offset + n + 1]
    data = (
        np.frombuffer(data_buffer, dtype=np.uint8)
        if data_buffer is not None
        else np.zeros(0, np.uint8)
    )
    starts, lengths = offsets[:-1], np.diff(offsets)
    used = data[offsets[0] : offsets[-1]].astype(np.uint64)
    position = np.arange(len(used), dtype=np.int64) - np.repeat(starts - offsets[0], lengths)
    longest = int(lengths.max()) if n else 0
    powers = np.ones(max(longest, 1) + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(1, len(powers)):
            powers[i] = powers[i - 1] * _HASH_MULTIPLIER
        weighted = used * powers[position]
        nonempty = lengths > 0
        sums = np.zeros(n, dtype=np.uint64)
        if nonempty.any():
            sums[nonempty] = np.add.reduceat(weighted, (starts - offsets[0])[nonempty])
        h = sums + lengths.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    h[~valid | ~nonempty] = 0
    h[(h == 0) & valid & nonempty] = 1
    return h


def _repeated(hashes: np.ndarray) -> np.ndarray:
    """Mask of the ids (by hash, in order) equal to an earlier one; empty ids (0) never repeat."""
    order = np.argsort(hashes, kind="stable")
    ordered = hashes[order]
    repeat = np.zeros(len(hashes), dtype=bool)
    repeat[order[1:]] = (ordered[1:] == ordered[:-1]) & (ordered[1:] != 0)
    return repeat


def _details(
    frame: pd.DataFrame, keep: np.ndarray, salt: bytes | None, source: str
) -> pd.DataFrame:
    """The optional details of the kept rows of a chunk, customer ids pseudonymised."""
    from wfm.data.pseudonyms import pseudonymise_values

    result = pd.DataFrame(index=range(int(keep.sum())))
    for column in EXTRA_COLUMNS:
        if column not in frame:
            continue
        values = frame[column][keep].reset_index(drop=True)
        if column == "customer_id":
            if salt is None:
                raise InputError(
                    "customer ids need the install's salt to be pseudonymised",
                    source=source,
                    column=column,
                    fix="pass the store (--store) so that customer ids are hashed with its salt",
                )
            result[column] = pseudonymise_values(values, salt).to_numpy()
        elif column == "satisfaction_score":
            result[column] = pd.to_numeric(
                values.astype("str").str.replace(",", ".").where(values.notna()), errors="coerce"
            ).to_numpy(dtype=float)
        else:
            text = values.astype("str").str.strip().where(values.notna())
            result[column] = text.astype(object).to_numpy()
    return result


def _with_last(chunks):
    """``(first_line, frame)`` items as ``(first_line, frame, is_last)``."""
    previous = None
    for item in chunks:
        if previous is not None:
            yield (*previous, False)
        previous = item
    if previous is not None:
        yield (*previous, True)


def read_contacts(
    path: str | Path,
    layout,
    *,
    column_map: Mapping[str, str] | None = None,
    timezone: str | None = None,
    default_queue: str = "default",
    outcome_map: Mapping[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback | None = None,
    extras: bool = False,
    salt: bytes | None = None,
) -> tuple[ContactArrays, ContactProblems]:
    """Read a per-contact file in chunks into :class:`ContactArrays`, excluding bad rows.

    Parameters
    ----------
    path
        The CSV export.
    layout
        A :class:`wfm.data.vendors.ContactLayout` (the vendor's columns -> canonical ones).
    column_map
        File column -> canonical column, applied by the generic layout.
    timezone
        IANA zone of naive timestamps; the result's zone (UTC when ``None``).
    default_queue
        Queue of every contact when the file has no queue column.
    outcome_map
        File outcome value -> ``answered``/``abandoned``/``not_counted``.
    chunk_rows
        Rows read at a time (memory grows with it, not with the file).
    progress
        ``progress(fraction_done, message)``.
    extras
        Also keep the optional details (:data:`EXTRA_COLUMNS`) of each contact in
        ``ContactArrays.extras``; ``customer_id`` is replaced by its pseudonym
        (:func:`wfm.data.pseudonyms.pseudonym` keyed with ``salt``) as each chunk is read, so no
        raw customer identifier is kept.
    salt
        The per-install salt (:func:`wfm.store.privacy.store_salt`); required when
        ``extras`` and the file has customer ids.

    Returns
    -------
    (ContactArrays, ContactProblems)
        Good contacts in file order (not-counted ones included, with their outcome), and the
        excluded rows by kind. A contact id seen before is excluded as a repeat (the first
        record of a contact is kept).

    Raises
    ------
    InputError
        The file cannot be read, lacks a required column, has naive timestamps and no time
        zone, or has no good contact at all.
    """
    path = Path(path)
    source = str(path)
    if timezone is not None:
        check_timezone(timezone, source)
    progress = progress or no_progress
    outcomes = outcome_values(outcome_map)
    problems = ContactProblems(source)
    header, _ = _header(path, source)
    wanted = layout.columns(header, column_map, extras=extras)
    details: list[pd.DataFrame] = []
    total_lines = path.stat().st_size / _bytes_per_line(path)
    parts: dict[str, list[np.ndarray]] = {
        key: [] for key in ("arrival_ms", "queue", "outcome", "wait", "handle", "line")
    }
    queues: dict[str, int] = {}
    ids: list[np.ndarray] = []
    rows = 0
    carried: pd.DataFrame | None = None
    reduce_events = getattr(layout, "reduce_events", None)
    for first_line, raw, last in _with_last(
        iter_raw_chunks(path, columns=wanted, chunk_rows=chunk_rows, source=source)
    ):
        lines: int | np.ndarray = first_line
        if reduce_events is not None:  # events -> one contact per task, carried over chunks
            events = raw.assign(file_line=np.arange(len(raw), dtype=np.int64) + first_line)
            if carried is not None:
                events = pd.concat([carried, events], ignore_index=True)
            frame, carried = reduce_events(events, last, source)
            lines = frame.pop("file_line").to_numpy(dtype=np.int64)
            file_names = dict(layout.message_names or {})
        else:
            frame, file_names = layout.to_canonical(raw, column_map, source)
        checked = check_contacts(
            frame,
            file_names,
            first_line=lines,
            problems=problems,
            timezone=timezone,
            outcomes=outcomes,
            default_queue=default_queue,
            duration_scale=getattr(layout, "duration_scale", 1.0),
        )
        keep = checked["keep"]
        mapping = np.array(
            [queues.setdefault(str(q), len(queues)) for q in checked["queue_labels"]] or [0],
            dtype=np.int32,
        )
        parts["queue"].append(mapping[checked["queue_codes"][keep]])
        parts["arrival_ms"].append(checked["arrival_ms"][keep].astype(np.int64))
        parts["outcome"].append(checked["outcome"][keep])
        parts["wait"].append(checked["wait_seconds"][keep].astype(np.float32))
        parts["handle"].append(checked["handle_seconds"][keep].astype(np.float32))
        parts["line"].append(
            lines[keep]
            if isinstance(lines, np.ndarray)
            else np.flatnonzero(keep).astype(np.int64) + first_line
        )
        if "contact_id" in frame:
            kept_ids = _arrow(frame["contact_id"]).filter(pa.array(keep))
            ids.extend(  # in slices: the hash's temporaries are ~30 bytes per id byte
                id_hashes(kept_ids.slice(start, 200_000))
                for start in range(0, len(kept_ids), 200_000)
            )
        if extras:
            details.append(_details(frame, keep, salt, problems.source))
        rows += len(raw)
        progress(min(rows / total_lines, 0.99), f"read {rows:,} contacts")
    if rows == 0:
        raise InputError(
            "the file has a header but no contact rows", source=source, fix="export it again"
        )
    arrays = {key: np.concatenate(value) if value else np.zeros(0) for key, value in parts.items()}
    repeat = _repeated(np.concatenate(ids)) if ids else None
    keep = np.ones(len(arrays["arrival_ms"]), dtype=bool)
    if repeat is not None and repeat.any():
        keep &= ~repeat
        problems.add(
            "repeated contact id",
            repeat,
            first_line=0,
            column=layout.file_name("contact_id", header, column_map),
            values=arrays["line"],
            fix="each contact once: the first record of a repeated id is kept",
        )
        for example in problems.examples["repeated contact id"]:
            example["line"], example["value"] = int(example["value"]), "(id of an earlier line)"
    if not keep.any():
        raise InputError(
            "no contact in the file could be used",
            source=source,
            fix="; ".join(problems.lines()) or "check the file",
        )
    progress(1.0, f"read {rows:,} contacts")
    logger.info("%s: %d contact rows read, %d excluded", source, rows, problems.total)
    return (
        ContactArrays(
            arrival_ms=arrays["arrival_ms"][keep],
            queue_code=arrays["queue"][keep],
            outcome=arrays["outcome"][keep],
            wait_seconds=arrays["wait"][keep].astype(np.float64),
            handle_seconds=arrays["handle"][keep].astype(np.float64),
            line=arrays["line"][keep],
            queues=list(queues),
            timezone=timezone or "UTC",
            extras=(
                pd.concat(details, ignore_index=True)[keep].reset_index(drop=True)
                if extras and details
                else None
            ),
        ),
        problems,
    )
