"""Agent state logs: reading, state-name mapping and validation.

Contract (see ``docs/data-formats.md``): a CSV with ``agent_id``, ``state``, ``start`` and
an optional ``end`` (:data:`~wfm.data.schemas.AGENT_STATE_COLUMNS`). Vendor exports are
turned into this contract first by :mod:`wfm.data.state_vendors`.

Rules, applied in this order by :func:`validate_agent_states_frame`:

1. Unparseable timestamps, missing columns, empty ``agent_id`` / ``state`` / ``start`` and an
   ``end`` before its ``start`` are :class:`~wfm.errors.InputError` naming file, line,
   column, value and fix.
2. State names are trimmed and lower-cased, then mapped with ``state_map`` (vendor name ->
   wfm state). Names that are still not one of :data:`STATES` are **kept** (they count as
   neither adherent nor on queue) and reported as ``unknown_state``.
3. Events are sorted by agent and start; rows that were out of order in the file are
   reported as ``out_of_order``.
4. An empty ``end`` is closed by the agent's next event. The agent's **last** event, if its
   ``end`` is empty, has no known end: it is dropped and reported as ``open_last_event``.
5. An event whose ``end`` runs past the agent's next start is cut at that start (the later
   event wins) and reported as ``overlapping``.
6. Zero-length events are dropped and reported as ``zero_length``.
7. Timestamps whose UTC offset is neither 0 (a UTC export) nor the offset of ``timezone`` at
   that instant are reported as ``timezone_mismatch`` (the instant itself is exact and kept).

Nothing is dropped silently: every rule that changes or removes a row counts it in the
:class:`StateLogReport` (with up to :data:`MAX_EXAMPLES` examples), which is logged as a
warning and returned with the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import match_columns, parse_name_pairs
from wfm.data.io import read_raw_csv, to_iso
from wfm.data.parsing import check_not_empty, parse_text
from wfm.data.row_errors import FILE_LINE_INDEX, file_lines, line_number, raise_first
from wfm.data.schemas import AGENT_STATE_COLUMNS
from wfm.data.timestamps import check_timezone, parse_timestamps
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: The wfm agent states.
STATES = (
    "available",
    "on_contact",
    "after_contact_work",
    "break",
    "lunch",
    "meeting",
    "training",
    "offline",
)
#: States that count as time on queue (productive) for adherence to ``work`` and conformance.
PRODUCTIVE_STATES = ("available", "on_contact", "after_contact_work")
#: Examples kept per kind of problem in a :class:`StateLogReport`.
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class StateLogReport:
    """What validation found and did, per kind of problem.

    Parameters
    ----------
    counts
        Kind of problem (``unknown_state``, ``out_of_order``, ``overlapping``,
        ``open_last_event``, ``zero_length``, ``timezone_mismatch``,
        ``agent_not_in_rota``, ``rota_agent_without_states``) -> number of rows or agents.
    examples
        Kind -> up to :data:`MAX_EXAMPLES` human-readable examples (with file lines).
    """

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not any(self.counts.values())

    def lines(self) -> list[str]:
        """One line per kind of problem: count and examples."""
        return [
            f"{kind}: {count} ({'; '.join(self.examples.get(kind, []))})"
            for kind, count in self.counts.items()
            if count
        ]

    def merged(self, other: StateLogReport) -> StateLogReport:
        """A new report with the problems of both."""
        counts, examples = dict(self.counts), {k: list(v) for k, v in self.examples.items()}
        for kind, count in other.counts.items():
            counts[kind] = counts.get(kind, 0) + count
            examples[kind] = (examples.get(kind, []) + other.examples.get(kind, []))[:MAX_EXAMPLES]
        return StateLogReport(counts, examples)


@dataclass(frozen=True)
class StateLog:
    """A validated agent state log.

    Parameters
    ----------
    frame
        ``agent_id``, ``state``, ``start``, ``end`` (tz-aware in ``timezone``), sorted by
        agent then start; every event closed, ``end > start``, no overlaps within an agent.
        ``line`` holds the file line each event came from.
    timezone
        IANA time zone of the timestamps.
    report
        What validation found (see the module docstring).
    source
        Where the log came from, for messages.
    """

    frame: pd.DataFrame
    timezone: str
    report: StateLogReport
    source: str = "agent states"

    @property
    def agents(self) -> list[str]:
        """Agent ids in the log, sorted."""
        return sorted(self.frame["agent_id"].unique())


class _Collector:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}

    def add(self, kind: str, count: int, examples: list[str]) -> None:
        if count:
            self.counts[kind] = self.counts.get(kind, 0) + int(count)
            self.examples[kind] = (self.examples.get(kind, []) + examples)[:MAX_EXAMPLES]

    def report(self) -> StateLogReport:
        return StateLogReport(dict(self.counts), dict(self.examples))


def _examples(frame: pd.DataFrame, mask: np.ndarray, text) -> list[str]:
    rows = frame[mask].head(MAX_EXAMPLES)
    return [text(row) for row in rows.itertuples(index=False)]


def _offset_minutes(text: pd.Series) -> np.ndarray:
    """UTC offset written at the end of each timestamp [minutes]; NaN where none is written.

    Only the last six characters are looked at, and each distinct ending is parsed once.
    """
    codes, endings = pd.factorize(text.str.slice(-6))
    parts = pd.Series(endings, dtype=object).str.extract(r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))$")
    sign = np.where(parts[1].to_numpy() == "-", -1.0, 1.0)
    hours = pd.to_numeric(parts[2], errors="coerce").to_numpy(dtype=float)
    minutes = pd.to_numeric(parts[3], errors="coerce").to_numpy(dtype=float)
    offsets = sign * (hours * 60 + minutes)
    offsets[parts[0].notna().to_numpy()] = 0.0
    result = np.full(len(codes), np.nan)
    result[codes >= 0] = offsets[codes[codes >= 0]]
    return result


def _utc(values: pd.Series) -> np.ndarray:
    """Tz-aware timestamps as naive UTC ``datetime64`` (NaT kept)."""
    return values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()


def parse_state_map(pairs) -> dict[str, str] | None:
    """``["Lunch Break=lunch", ...]`` -> ``{"lunch break": "lunch"}`` (names normalised)."""
    return parse_name_pairs(
        pairs,
        option="--state-map",
        form="VENDOR_STATE=WFM_STATE",
        example="'Lunch Break=lunch'",
        lower=True,
    )


def _check_state_map(state_map: Mapping[str, str]) -> dict[str, str]:
    mapping = {str(k).strip().lower(): str(v).strip().lower() for k, v in state_map.items()}
    for name, target in mapping.items():
        if target not in STATES:
            raise InputError(
                "the state mapping maps to a state wfm does not know",
                column=name,
                value=target,
                fix=f"map to one of {', '.join(STATES)}",
            )
    return mapping


def validate_agent_states_frame(
    frame: pd.DataFrame,
    *,
    timezone: str,
    source: str = "agent states",
    state_map: Mapping[str, str] | None = None,
    file_names: Mapping[str, str] | None = None,
) -> StateLog:
    """Check and normalise an agent state frame into a :class:`StateLog`.

    Parameters
    ----------
    frame
        ``agent_id``, ``state``, ``start`` and optionally ``end``, raw (text) or typed, in
        file order (row ``i`` on line ``i + 2``). Not modified.
    timezone
        IANA time zone: of the result, and of timestamps written without a UTC offset.
    source
        File name for messages.
    state_map
        Extra state names -> wfm state, e.g. ``{"Lunch Break": "lunch"}``; case-insensitive.
    file_names
        wfm column -> column name in the file, for messages.

    Returns
    -------
    StateLog
        See the module docstring for the rules; the report is also logged as a warning.

    Raises
    ------
    InputError
        Missing columns, empty cells, unparseable timestamps, an end before its start, an
        unknown time zone or a mapping to an unknown state.
    """
    check_timezone(timezone, source)
    names = {column: column for column in AGENT_STATE_COLUMNS} | dict(file_names or {})
    matched, found = match_columns(
        frame, AGENT_STATE_COLUMNS[:3], AGENT_STATE_COLUMNS[3:], source=source
    )
    names |= found
    check_not_empty(matched, source, "agent state")
    mapping = _check_state_map(state_map or {})
    problems = _Collector()

    agent_id = parse_text(matched["agent_id"], source=source, column=names["agent_id"])
    state = parse_text(matched["state"], source=source, column=names["state"]).str.lower()
    if mapping:  # map each distinct name once
        codes, names_found = pd.factorize(state)
        mapped = np.array([mapping.get(name, name) for name in names_found], dtype=object)
        state = pd.Series(mapped[codes], index=state.index)
    start, _ = parse_timestamps(
        matched["start"],
        source=source,
        column=names["start"],
        timezone=timezone,
        order_key=agent_id,
        other_zones_allowed=True,  # reported as timezone_mismatch (rule 7)
    )
    lines = file_lines(matched)
    if "end" in matched:
        raw_end = matched["end"]
        present = raw_end.notna().to_numpy().copy()
        if raw_end.dtype == object or pd.api.types.is_string_dtype(raw_end.dtype):
            present &= (raw_end.astype("str").str.strip() != "").to_numpy()
        end = pd.Series(pd.NaT, index=matched.index, dtype=start.dtype)
        if present.any():
            try:
                parsed, _ = parse_timestamps(
                    raw_end[present],
                    source=source,
                    column=names["end"],
                    timezone=timezone,
                    order_key=agent_id[present],
                    other_zones_allowed=True,
                )
            except InputError as error:  # re-number the line in the full file
                row = error.row
                if row is not None and raw_end.index.name != FILE_LINE_INDEX:
                    row = line_number(np.flatnonzero(present)[row - line_number(0)])
                raise error.at(source, row) from None
            end[present] = parsed
    else:
        raw_end = pd.Series([None] * len(matched), index=matched.index)
        end = pd.Series(pd.NaT, index=matched.index, dtype=start.dtype)
    has_end = end.notna().to_numpy()
    raise_first(
        has_end & (end < start).to_numpy(),
        matched["end"] if "end" in matched else raw_end,
        problem="end is before start",
        source=source,
        column=names["end"],
        fix="check the times; an event that crosses midnight ends on the next day's date",
    )

    # Time zones: an offset that is neither UTC nor the zone's at that instant.
    for column, values, parsed in (("start", matched["start"], start), ("end", raw_end, end)):
        if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
            continue
        written = _offset_minutes(values.astype("str").str.strip())
        local = parsed.dt.tz_localize(None)
        utc = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        expected = ((local - utc).dt.total_seconds() / 60).to_numpy(dtype=float)
        mismatch = ~np.isnan(written) & (written != 0) & (written != expected) & ~np.isnan(expected)
        table = pd.DataFrame({"line": lines, "value": values.to_numpy()})
        problems.add(
            "timezone_mismatch",
            int(mismatch.sum()),
            _examples(
                table,
                mismatch,
                lambda r, c=column: f"line {r.line} {c} {r.value!r} is not in {timezone}",
            ),
        )

    def when(value) -> str:
        return pd.Timestamp(value, tz="UTC").tz_convert(timezone).isoformat()

    # Work on naive UTC datetime64 arrays (fast); back to ``timezone`` at the end.
    events = pd.DataFrame(
        {
            "agent_id": agent_id.to_numpy(),
            "state": state.to_numpy(),
            "start": _utc(start),
            "end": _utc(end),
            "line": lines,
        },
    )

    unknown = ~events["state"].isin(STATES).to_numpy()
    problems.add(
        "unknown_state",
        int(unknown.sum()),
        _examples(
            events,
            unknown,
            lambda r: f"line {r.line} state {r.state!r} (kept; use --state-map NAME=STATE)",
        ),
    )

    # Order: sorted by agent, then start (stable, so file order breaks ties).
    same_agent = events["agent_id"].to_numpy()[1:] == events["agent_id"].to_numpy()[:-1]
    back = np.concatenate(
        [[False], same_agent & (events["start"].to_numpy()[1:] < events["start"].to_numpy()[:-1])]
    )
    problems.add(
        "out_of_order",
        int(back.sum()),
        _examples(
            events,
            back,
            lambda r: f"line {r.line} {r.agent_id} at {when(r.start)} starts before the line above",
        ),
    )
    events = events.sort_values(["agent_id", "start"], kind="stable").reset_index(drop=True)

    agents = events["agent_id"].to_numpy()
    starts = events["start"].to_numpy()
    ends = events["end"].to_numpy().copy()
    next_same = np.concatenate([agents[1:] == agents[:-1], [False]])
    next_start = np.concatenate([starts[1:], starts[-1:]])
    open_end = pd.isna(ends)
    ends[open_end & next_same] = next_start[open_end & next_same]
    last_open = open_end & ~next_same
    problems.add(
        "open_last_event",
        int(last_open.sum()),
        _examples(
            events,
            last_open,
            lambda r: (
                f"line {r.line} {r.agent_id} {r.state} from {when(r.start)} has no end (dropped)"
            ),
        ),
    )
    overlap = next_same & ~pd.isna(ends) & (ends > next_start)
    problems.add(
        "overlapping",
        int(overlap.sum()),
        _examples(
            events,
            overlap,
            lambda r: (
                f"line {r.line} {r.agent_id} {r.state} from {when(r.start)} runs into the next event (cut)"
            ),
        ),
    )
    ends[overlap] = next_start[overlap]
    events["end"] = ends
    zero = ~last_open & (events["end"].to_numpy() == starts)
    problems.add(
        "zero_length",
        int(zero.sum()),
        _examples(
            events,
            zero,
            lambda r: (
                f"line {r.line} {r.agent_id} {r.state} at {when(r.start)} lasts 0 s (dropped)"
            ),
        ),
    )
    events = events[~(last_open | zero)].reset_index(drop=True)
    events["start"] = events["start"].dt.tz_localize("UTC").dt.tz_convert(timezone)
    events["end"] = events["end"].dt.tz_localize("UTC").dt.tz_convert(timezone)
    report = problems.report()
    for text in report.lines():
        logger.warning("%s: %s", source, text)
    return StateLog(events, timezone, report, source)


def read_agent_states(
    path: str | Path,
    *,
    timezone: str,
    state_map: Mapping[str, str] | None = None,
    vendor: str | None = None,
) -> StateLog:
    """Read an agent state CSV (wfm's contract, or a vendor export) into a :class:`StateLog`.

    Parameters
    ----------
    path
        The CSV file.
    timezone
        IANA time zone (the centre's): of the result, and of local times without offset.
    state_map
        Extra state names -> wfm state, applied after the vendor's own mapping.
    vendor
        ``None`` for wfm's contract, else one of
        :data:`wfm.data.state_vendors.VENDORS` (``amazon-connect``, ``injixo``).

    Returns
    -------
    StateLog
        See :func:`validate_agent_states_frame`.
    """
    from wfm.data.state_vendors import check_state_layout, vendor_layout

    source = str(path)
    check_timezone(timezone, source)
    if vendor is None:
        raw = read_raw_csv(path, source=source, text_columns=AGENT_STATE_COLUMNS)
        check_state_layout(list(raw.columns), None, source)
        return validate_agent_states_frame(
            raw, timezone=timezone, source=source, state_map=state_map
        )
    layout = vendor_layout(vendor)
    raw = read_raw_csv(path, source=source, text_columns=layout.text_columns)
    check_state_layout(list(raw.columns), vendor, source)
    frame, names = layout.to_canonical(raw, source)
    mapping = dict(layout.state_map) | {
        str(k).strip().lower(): str(v).strip().lower() for k, v in (state_map or {}).items()
    }
    return validate_agent_states_frame(
        frame, timezone=timezone, source=source, state_map=mapping, file_names=names
    )


def states_to_frame(log: StateLog) -> pd.DataFrame:
    """The log as wfm's CSV contract (ISO timestamps with offset), e.g. to write it out."""
    frame = log.frame[list(AGENT_STATE_COLUMNS)].copy()
    frame["start"] = to_iso(frame["start"])
    frame["end"] = to_iso(frame["end"])
    return frame


#: Columns of an approved-exceptions file (``reason`` optional).
EXCEPTION_COLUMNS = ("agent_id", "start", "end", "reason")


def read_adherence_exceptions(path: str | Path, *, timezone: str) -> pd.DataFrame:
    """Read approved adherence exceptions: periods excluded from an agent's scheduled time.

    Parameters
    ----------
    path
        CSV with ``agent_id``, ``start``, ``end`` and optionally ``reason`` (e.g. a
        coaching session or a system outage).
    timezone
        IANA time zone (of the result, and of timestamps without a UTC offset).

    Returns
    -------
    pandas.DataFrame
        ``agent_id``, ``start``, ``end`` (tz-aware, ``end > start``), ``reason``.
    """
    source = str(path)
    check_timezone(timezone, source)
    raw = read_raw_csv(path, source=source, text_columns=("agent_id", "reason"))
    frame, names = match_columns(raw, EXCEPTION_COLUMNS[:3], EXCEPTION_COLUMNS[3:], source=source)
    check_not_empty(frame, source, "exception")
    agent_id = parse_text(frame["agent_id"], source=source, column=names["agent_id"])
    start, _ = parse_timestamps(
        frame["start"], source=source, column=names["start"], timezone=timezone, order_key=agent_id
    )
    end, _ = parse_timestamps(
        frame["end"], source=source, column=names["end"], timezone=timezone, order_key=agent_id
    )
    raise_first(
        (end <= start).to_numpy(),
        frame["end"],
        problem="end is not after start",
        source=source,
        column=names["end"],
        fix="an exception ends after it starts",
    )
    reason = frame["reason"].fillna("").astype("str") if "reason" in frame else ""
    return pd.DataFrame({"agent_id": agent_id, "start": start, "end": end, "reason": reason})


__all__ = [
    "EXCEPTION_COLUMNS",
    "MAX_EXAMPLES",
    "PRODUCTIVE_STATES",
    "STATES",
    "StateLog",
    "StateLogReport",
    "parse_state_map",
    "read_adherence_exceptions",
    "read_agent_states",
    "states_to_frame",
    "validate_agent_states_frame",
]
