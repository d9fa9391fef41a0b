"""Per-contact records (contact-detail records) read from a file in chunks.

Most ACDs and CCaaS platforms export one row per contact. :func:`read_contacts` reads such a
file in chunks of :data:`~wfm.data.chunked_csv.CHUNK_ROWS` rows (so a year of a large centre
fits in memory), maps the vendor's columns onto wfm's canonical contact
(:data:`~wfm.data.contact_schema.CONTACT_COLUMNS`, through a
:class:`~wfm.data.vendors.ContactLayout`), checks every row
(:func:`~wfm.data.contact_checks.check_contacts`), and keeps for each good contact only what
the interval history needs (:class:`~wfm.data.contact_schema.ContactArrays`): arrival
instant, queue, outcome, wait [s] and handle [s]. :mod:`wfm.data.contact_history` turns
those into the interval-history contract and the patience estimate.

Bad rows are **excluded and counted**, never silently
(:class:`~wfm.data.contact_schema.ContactProblems`); a contact id seen before is excluded as
a repeat (:mod:`wfm.data.contact_ids`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from wfm.data.arrow_cells import arrow_array
from wfm.data.chunked_csv import CHUNK_ROWS, iter_raw_chunks, read_header
from wfm.data.contact_checks import check_contacts
from wfm.data.contact_ids import id_hashes, repeated_ids
from wfm.data.contact_schema import (
    EXTRA_COLUMNS,
    ContactArrays,
    ContactProblems,
    outcome_values,
)
from wfm.data.schemas import DEFAULT_QUEUE
from wfm.data.timestamps import check_timezone
from wfm.errors import InputError
from wfm.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)


def _bytes_per_line(path: Path) -> float:
    """Mean length of the first lines of the file [bytes], for progress estimates."""
    with path.open("rb") as handle:
        head = handle.read(256 * 1024)
    return max(len(head) / max(head.count(b"\n"), 1), 1.0)


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
    default_queue: str = DEFAULT_QUEUE,
    outcome_map: Mapping[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback | None = None,
    extras: bool = False,
    salt: bytes | None = None,
    source: str | None = None,
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
    source
        The file's name in messages (default ``path``): an upload's own name, not the
        temporary copy read.

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
    source = str(path) if source is None else source
    if timezone is not None:
        check_timezone(timezone, source)
    progress = progress or no_progress
    outcomes = outcome_values(outcome_map)
    problems = ContactProblems(source)
    header, _ = read_header(path, source)
    if hasattr(layout, "check_header"):
        layout.check_header(header, column_map, source)  # another layout's file: say which
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
            kept_ids = arrow_array(frame["contact_id"]).filter(pa.array(keep))
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
    repeat = repeated_ids(np.concatenate(ids)) if ids else None
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


__all__ = ["read_contacts"]
