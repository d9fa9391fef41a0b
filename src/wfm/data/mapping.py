"""Uploaded files: column mapping, validation through the readers, and import summaries.

The app's Data page receives files as bytes. This module turns them into wfm's validated
objects with the same readers as the CLI (:func:`~wfm.data.history.validate_history_frame`,
:func:`~wfm.data.agents.validate_agents_frame`, :func:`~wfm.data.states.validate_agent_states_frame`
and the vendor layouts of :mod:`wfm.data.state_vendors`), so a bad upload raises the same
:class:`~wfm.errors.InputError` (file, line, column, value, fix) as ``wfm forecast FILE``.

A column mapping is given as the user picks it: wfm column -> file column (or ``None``),
see :func:`suggest_column_map`; :func:`column_map_from_choices` turns it into the readers'
``column_map`` (file column -> wfm column).

Example
-------
>>> suggest_column_map(["Interval_Start", "Calls", "queue"], "history")["interval_start"]
'Interval_Start'
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wfm.config import Centre
from wfm.data.agents import validate_agents_frame
from wfm.data.column_matching import normalise_name
from wfm.data.history import validate_history_frame
from wfm.data.io import read_raw_csv
from wfm.data.schemas import (
    AGENT_COLUMNS,
    AGENT_STATE_COLUMNS,
    DEFAULT_QUEUE,
    HISTORY_OPTIONAL,
    Agent,
    History,
)
from wfm.data.states import StateLog, validate_agent_states_frame
from wfm.errors import InputError

#: File kinds the Data page imports, each with (required, optional) wfm columns.
FILE_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "history": (("interval_start", "offered"), ("queue", "aht_seconds", *HISTORY_OPTIONAL)),
    "agents": (("agent_id", "contract", "queues"), ("name", "team")),
    "agent_states": (AGENT_STATE_COLUMNS[:3], AGENT_STATE_COLUMNS[3:]),
}


def wfm_columns(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Required and optional wfm columns of a file kind (``history``, ``agents``, ``agent_states``)."""
    if kind not in FILE_COLUMNS:
        raise InputError(
            "unknown file kind", value=kind, fix=f"use one of {', '.join(FILE_COLUMNS)}"
        )
    return FILE_COLUMNS[kind]


def read_upload(
    data: bytes,
    name: str,
    *,
    text_columns: Sequence[str] = (),
    column_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """An uploaded CSV (bytes) as a raw frame, with the checks of :func:`~wfm.data.io.read_raw_csv`.

    ``name`` (the uploaded file's name) is used in messages. Empty files, files that are not
    UTF-8 text and malformed tables raise :class:`InputError`.
    """
    if not data or not data.strip():
        raise InputError(
            "the file is empty", source=name, fix="export the data again with a header line"
        )
    with tempfile.TemporaryDirectory(prefix="wfm-upload-") as folder:
        path = Path(folder) / ("upload.xlsx" if name.lower().endswith(".xlsx") else "upload.csv")
        path.write_bytes(data)
        return read_raw_csv(
            path,
            source=name,
            text_columns=text_columns,
            column_map=column_map,
            sheet_option="save sheet {sheet} as CSV UTF-8 (or as a workbook of its own) and "
            "upload that",
        )


def file_columns(data: bytes, name: str) -> list[str]:
    """The column names in an uploaded CSV's header line, in file order."""
    return [str(column) for column in read_upload(data, name).columns]


def suggest_column_map(columns: Sequence[str], kind: str) -> dict[str, str | None]:
    """For each wfm column of ``kind``, the file column with the same name ignoring case and spaces, else ``None``.

    Returns
    -------
    dict
        wfm column -> file column or ``None``, required columns first.
    """
    required, optional = wfm_columns(kind)
    by_name = {}
    for column in columns:
        by_name.setdefault(normalise_name(column), column)
    return {target: by_name.get(target) for target in (*required, *optional)}


def column_map_from_choices(
    choices: Mapping[str, str | None], kind: str, *, source: str | None = None
) -> dict[str, str]:
    """The readers' ``column_map`` (file column -> wfm column) from the user's choices.

    Parameters
    ----------
    choices
        wfm column -> chosen file column, or ``None`` / ``""`` for none.
    kind
        File kind (:data:`FILE_COLUMNS`).
    source
        File name for messages.

    Raises
    ------
    InputError
        A required wfm column has no file column, or one file column is chosen for two wfm columns.
    """
    required, _ = wfm_columns(kind)
    for target in required:
        if not choices.get(target):
            raise InputError(
                "required column not chosen",
                source=source,
                column=target,
                fix=f"pick the file column that holds '{target}'",
            )
    mapping: dict[str, str] = {}
    for target, column in choices.items():
        if not column:
            continue
        if column in mapping:
            raise InputError(
                f"file column chosen for both '{mapping[column]}' and '{target}'",
                source=source,
                column=column,
                fix="choose each file column for one wfm column only",
            )
        mapping[column] = target
    return mapping


def _renamed(
    frame: pd.DataFrame, column_map: Mapping[str, str] | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """``frame`` with mapped columns renamed to wfm names (others whose names would clash dropped)."""
    if not column_map:
        return frame, {}
    targets = set(column_map.values())
    keep = [c for c in frame.columns if c in column_map or normalise_name(c) not in targets]
    renamed = frame[keep].rename(columns=dict(column_map))
    return renamed, {target: str(column) for column, target in column_map.items()}


def read_history_upload(
    data: bytes,
    name: str,
    *,
    timezone: str,
    column_map: Mapping[str, str] | None = None,
    interval_minutes: int | None = None,
    default_aht_seconds: float | None = None,
    default_queue: str = DEFAULT_QUEUE,
    date_format: str | None = None,
) -> History:
    """Validate an uploaded history CSV (see :func:`~wfm.data.history.read_history`).

    ``timezone`` is the site's: naive timestamps are local times in it.
    """
    raw = read_upload(data, name, text_columns=("queue",), column_map=column_map)
    return validate_history_frame(
        raw,
        source=name,
        timezone=timezone,
        interval_minutes=interval_minutes,
        default_aht_seconds=default_aht_seconds,
        default_queue=default_queue,
        column_map=column_map,
        date_format=date_format,
    )


def read_agents_upload(
    data: bytes,
    name: str,
    *,
    centre: Centre | None = None,
    column_map: Mapping[str, str] | None = None,
) -> list[Agent]:
    """Validate an uploaded agents CSV (see :func:`~wfm.data.agents.read_agents`)."""
    raw = read_upload(data, name, text_columns=AGENT_COLUMNS, column_map=column_map)
    frame, _ = _renamed(raw, column_map)
    return validate_agents_frame(frame, source=name, centre=centre)


def read_states_upload(
    data: bytes,
    name: str,
    *,
    timezone: str,
    vendor: str | None = None,
    column_map: Mapping[str, str] | None = None,
    state_map: Mapping[str, str] | None = None,
) -> StateLog:
    """Validate an uploaded agent-state CSV: wfm's layout (``vendor=None``) or a vendor export.

    See :func:`~wfm.data.states.read_agent_states`; ``column_map`` applies to wfm's layout only.
    """
    from wfm.data.state_vendors import check_state_layout, vendor_layout

    if vendor is None:
        raw = read_upload(data, name, text_columns=AGENT_STATE_COLUMNS, column_map=column_map)
        check_state_layout(list(raw.columns), None, name, column_map)
        frame, file_names = _renamed(raw, column_map)
        return validate_agent_states_frame(
            frame, timezone=timezone, source=name, state_map=state_map, file_names=file_names
        )
    layout = vendor_layout(vendor)
    raw = read_upload(data, name, text_columns=layout.text_columns)
    check_state_layout(list(raw.columns), vendor, name)
    frame, file_names = layout.to_canonical(raw, name)
    mapping = dict(layout.state_map) | {
        str(k).strip().lower(): str(v).strip().lower() for k, v in (state_map or {}).items()
    }
    return validate_agent_states_frame(
        frame, timezone=timezone, source=name, state_map=mapping, file_names=file_names
    )


# --- summaries ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportSummary:
    """What an import holds, for the validation report.

    Parameters
    ----------
    rows
        Rows (intervals x queues, agents or events).
    facts
        Label -> value text, in display order (queues, first/last interval, interval length...).
    warnings
        Things the planner should look at; the data was still accepted.
    """

    rows: int
    facts: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """``item, value`` rows: the row count, then the facts."""
        items = [("rows", f"{self.rows:,}"), *self.facts.items()]
        return pd.DataFrame(items, columns=["item", "value"])


def history_summary(
    history: History, expected_interval_minutes: int | None = None
) -> ImportSummary:
    """Rows, queues, first and last interval, interval length and warnings of a history.

    Facts include, per queue, the intervals present of those between its first and last
    (counted in absolute time, so DST changes do not count; absent ones are closed hours or
    gaps). Warnings: rows with contacts but unknown AHT; an interval length different from
    ``expected_interval_minutes`` (the centre's).
    """
    frame = history.frame
    step = pd.Timedelta(minutes=history.interval_minutes)
    warnings = []
    facts = {
        "queues": ", ".join(history.queues),
        "first interval": frame["interval_start"].min().isoformat(),
        "last interval": frame["interval_start"].max().isoformat(),
        "interval length": f"{history.interval_minutes} min",
        "time zone": history.timezone,
    }
    # An interval where no contact was handled has no AHT to report: only rows with
    # contacts handled (or offered, without a handled column) and no AHT are missing one.
    busy = frame["handled"] if "handled" in frame.columns else frame["offered"]
    unknown_aht = int((frame["aht_seconds"].isna() & (busy.fillna(1) > 0)).sum())
    if unknown_aht:
        warnings.append(
            f"{unknown_aht:,} rows with contacts have no AHT: enough to forecast volume, "
            "but staffing needs an AHT"
        )
    for queue, rows in frame.groupby("queue", sort=True):
        span = rows["interval_start"].max() - rows["interval_start"].min()
        expected = int(span / step) + 1
        absent = expected - len(rows)
        facts[f"intervals of '{queue}'"] = (
            f"{len(rows):,} of {expected:,} between its first and last"
            + (f" ({absent:,} absent: closed hours or gaps)" if absent > 0 else "")
        )
    if (
        expected_interval_minutes is not None
        and history.interval_minutes != expected_interval_minutes
    ):
        warnings.append(
            f"the file has {history.interval_minutes}-minute intervals but the centre plans in "
            f"{expected_interval_minutes}-minute intervals: change the interval in Settings, or export again"
        )
    return ImportSummary(len(frame), facts, tuple(warnings))


def agents_table(agents: Sequence[Agent]) -> pd.DataFrame:
    """Agents as wfm's agents CSV layout (``queues`` joined with ``|``)."""
    return pd.DataFrame(
        [(a.agent_id, a.name, a.team, a.contract, "|".join(a.queues)) for a in agents],
        columns=list(AGENT_COLUMNS),
    )


def agents_summary(agents: Sequence[Agent]) -> ImportSummary:
    """Agents, teams, contracts and queues of an agent list."""
    table = agents_table(agents)
    queues = sorted({queue for agent in agents for queue in agent.queues})
    facts = {
        "teams": ", ".join(sorted(table["team"].unique())),
        "contracts": ", ".join(sorted(table["contract"].unique())),
        "queues": ", ".join(queues),
    }
    return ImportSummary(len(table), facts, ())


def states_summary(log: StateLog) -> ImportSummary:
    """Events, agents, first start and last end of a state log, with its validation report as warnings."""
    frame = log.frame
    facts = {"agents": f"{frame['agent_id'].nunique():,}", "time zone": log.timezone}
    if len(frame):
        facts["first start"] = frame["start"].min().isoformat()
        facts["last end"] = frame["end"].max().isoformat()
    return ImportSummary(len(frame), facts, tuple(log.report.lines()))
