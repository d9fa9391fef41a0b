"""Rota exports planners hand out: an Excel workbook per team and an iCalendar file per agent.

:func:`rota_to_excel` writes a workbook with one sheet per team (each activity with local
times and paid hours) and a summary sheet (days, paid hours and weekend days per agent).
:func:`rota_to_icalendar` writes one agent's shifts as an RFC 5545 calendar that phones and
mail clients import. :func:`rota_export_files` builds both for a whole rota (so that a
caller can add them to one atomic write) and :func:`write_rota_exports` writes them.

Excel needs the optional ``openpyxl`` package; the calendar is plain text written here.
Both are reproducible: the time they say they were made is ``SOURCE_DATE_EPOCH``, else the
rota's first day (:func:`rota_creation_time`), never the clock.

References
----------
.. [1] B. Desruisseaux (ed.), "Internet Calendaring and Scheduling Core Object
   Specification (iCalendar)", RFC 5545, IETF, 2009. https://www.rfc-editor.org/rfc/rfc5545
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.data.infinite_cells import spreadsheet_values
from wfm.data.io import write_files_atomic
from wfm.data.reproducible_files import creation_time, first_day, workbook_bytes
from wfm.data.schemas import OFF_PHONE_ACTIVITIES as OFF_PHONE
from wfm.data.schemas import Agent
from wfm.errors import WfmError
from wfm.scheduling.rota import AGENT_SUMMARY_COLUMNS
from wfm.scheduling.rota_view import duration_text, label_shifts, rota_timezone
from wfm.timegrid import parse_clock

logger = logging.getLogger(__name__)

#: Activities that are not paid when no centre says otherwise (the sample's unpaid lunch).
DEFAULT_UNPAID_ACTIVITIES = ("lunch",)

#: Columns of each team sheet of the workbook.
TEAM_SHEET_COLUMNS = ("agent_id", "name", "date", "activity", "start", "end", "paid_hours")

#: Columns of the summary sheet: those of the per-agent summary of a rota result.
SUMMARY_COLUMNS = AGENT_SUMMARY_COLUMNS

#: A shift is late when it ends at or after this local time, or on a later date than it
#: starts: the default of ``scheduling.late_shift_end``.
DEFAULT_LATE_SHIFT_END = SchedulingSettings.model_fields["late_shift_end"].default

#: Name of the summary sheet.
SUMMARY_SHEET = "Summary"

#: Team of rota agents missing from the agents list.
UNKNOWN_TEAM = "unknown team"

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_FORBIDDEN = re.compile(r"[^A-Za-z0-9._-]")
_MAX_LINE_OCTETS = 75


# --- tables -----------------------------------------------------------------------------------
def unpaid_activities_of(centre) -> tuple[str, ...]:
    """Activities of the centre's unpaid break rules (e.g. ``('lunch',)``)."""
    return tuple(sorted({rule.activity for rule in centre.break_rules if not rule.paid}))


def _local(rota: pd.DataFrame, timezone: str | None) -> tuple[pd.DataFrame, str]:
    timezone = timezone or rota_timezone(rota)
    frame = rota.copy()
    frame["agent_id"] = frame["agent_id"].astype(str)
    frame["start"] = frame["start"].dt.tz_convert(timezone)
    frame["end"] = frame["end"].dt.tz_convert(timezone)
    return frame.sort_values(["agent_id", "start"], kind="stable", ignore_index=True), timezone


#: Column added to the workbook's sheets when its agents work in more than one time zone.
TIMEZONE_COLUMN = "timezone"


def agent_zones(
    rota: pd.DataFrame, timezone: str, agent_timezones: Mapping[str, str] | None
) -> dict[str, str]:
    """The time zone of each rota agent: its entry of ``agent_timezones`` (e.g. its site's
    zone), else ``timezone``.

    >>> rota = pd.DataFrame({"agent_id": ["a1", "a2", "a1"]})
    >>> agent_zones(rota, "Europe/London", {"a2": "America/New_York"})
    {'a1': 'Europe/London', 'a2': 'America/New_York'}
    """
    timezones = agent_timezones or {}
    ids = sorted(set(rota["agent_id"].astype(str)))
    return {agent_id: timezones.get(agent_id, timezone) for agent_id in ids}


def _local_shifts(
    rota: pd.DataFrame, timezone: str, agent_timezones: Mapping[str, str] | None
) -> tuple[pd.DataFrame, str | None]:
    """:func:`label_shifts` with each agent's times in its own zone (tz-naive when the
    agents are in several zones, tz-aware otherwise) and the one zone, or ``None`` and a
    ``timezone`` column when there are several."""
    zones = agent_zones(rota, timezone, agent_timezones)
    distinct = sorted(set(zones.values()))
    if len(distinct) <= 1:
        return label_shifts(rota, distinct[0] if distinct else timezone), (
            distinct[0] if distinct else timezone
        )
    ids = rota["agent_id"].astype(str)
    parts = []
    for zone in distinct:
        mine = label_shifts(rota[ids.map(zones).eq(zone).to_numpy()], zone)
        mine["start"] = mine["start"].dt.tz_localize(None)
        mine["end"] = mine["end"].dt.tz_localize(None)
        mine[TIMEZONE_COLUMN] = zone
        parts.append(mine)
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values("agent_id", kind="stable", ignore_index=True), None


def rota_table(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    *,
    timezone: str | None = None,
    unpaid_activities: Collection[str] = DEFAULT_UNPAID_ACTIVITIES,
    agent_timezones: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The rota as planners read it: local wall-clock times and paid hours per activity.

    ``agent_timezones``: agent id -> IANA zone (e.g. of the agent's site); an agent not in
    it is in ``timezone``. When the rota's agents are in more than one zone, each agent's
    times are in its own zone and a column ``timezone`` (after ``end``) names it.

    Returns
    -------
    pandas.DataFrame
        :data:`TEAM_SHEET_COLUMNS` plus ``team``; ``start`` and ``end`` are tz-naive local
        times in the agent's zone (default: the rota's), ``date`` the local date of the
        shift start, ``paid_hours`` the activity's length [hours] (0 for unpaid activities).
    """
    timezone = timezone or rota_timezone(rota)
    frame, one_zone = _local_shifts(rota, timezone, agent_timezones)
    if one_zone is not None:
        frame["start"] = frame["start"].dt.tz_localize(None)
        frame["end"] = frame["end"].dt.tz_localize(None)
    by_id = {agent.agent_id: agent for agent in agents}
    seconds = frame["seconds"].astype(float)
    table = pd.DataFrame(
        {
            "agent_id": frame["agent_id"],
            "name": [by_id[a].name if a in by_id else a for a in frame["agent_id"]],
            "team": [by_id[a].team if a in by_id else UNKNOWN_TEAM for a in frame["agent_id"]],
            "date": frame["day"],
            "activity": frame["activity"],
            "start": frame["start"],
            "end": frame["end"],
            "paid_hours": (
                seconds.where(~frame["activity"].isin(list(unpaid_activities)), 0.0) / 3600.0
            ).round(6),
        }
    )
    if one_zone is None:
        table.insert(table.columns.get_loc("end") + 1, TIMEZONE_COLUMN, frame[TIMEZONE_COLUMN])
    return table


def agent_summary_from_rota(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    *,
    timezone: str | None = None,
    unpaid_activities: Collection[str] = DEFAULT_UNPAID_ACTIVITIES,
    late_shift_end: str = DEFAULT_LATE_SHIFT_END,
    agent_timezones: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Days worked, paid hours, weekend days and late shifts per agent, from any rota.

    The same columns as :attr:`wfm.scheduling.RotaResult.agent_summary`
    (:data:`SUMMARY_COLUMNS`); use that one when the rota comes from the scheduler. Agents
    of ``agents`` without shifts get zeros; rota agents missing from ``agents`` are added.
    A shift (an agent's activities on one start date) is late when its last activity ends
    at or after the local time ``late_shift_end`` or on a later date. Dates and local times
    are the agent's own: those of its zone in ``agent_timezones`` (see :func:`rota_table`).
    """
    table = rota_table(
        rota,
        agents,
        timezone=timezone,
        unpaid_activities=unpaid_activities,
        agent_timezones=agent_timezones,
    )
    days = table.groupby("agent_id")["date"].agg(lambda dates: len(set(dates)))
    weekend = table.groupby("agent_id")["date"].agg(
        lambda dates: sum(d.weekday() >= 5 for d in set(dates))
    )
    shift_end = table.groupby(["agent_id", "date"])["end"].max().reset_index()
    late_cutoff = pd.to_datetime(shift_end["date"]) + pd.Timedelta(
        minutes=parse_clock(late_shift_end)
    )
    shift_end["late"] = shift_end["end"] >= late_cutoff
    late = shift_end.groupby("agent_id")["late"].sum()
    paid = table.groupby("agent_id")["paid_hours"].sum()
    listed = [agent.agent_id for agent in agents]
    ids = listed + sorted(set(table["agent_id"]) - set(listed))
    by_id = {agent.agent_id: agent for agent in agents}
    return pd.DataFrame(
        {
            "agent_id": ids,
            "name": [by_id[a].name if a in by_id else a for a in ids],
            "team": [by_id[a].team if a in by_id else UNKNOWN_TEAM for a in ids],
            "contract": [by_id[a].contract if a in by_id else "" for a in ids],
            "days_worked": days.reindex(ids, fill_value=0).to_numpy(dtype=np.int64),
            "paid_hours": paid.reindex(ids, fill_value=0.0).round(6).to_numpy(dtype=float),
            "weekend_days": weekend.reindex(ids, fill_value=0).to_numpy(dtype=np.int64),
            "late_shifts": late.reindex(ids, fill_value=0).to_numpy(dtype=np.int64),
        }
    )


# --- Excel ------------------------------------------------------------------------------------
def sheet_names(teams: Sequence[str]) -> dict[str, str]:
    """A valid, distinct Excel sheet name per team (31 characters, no ``[]:*?/\\``),
    never the summary sheet's name.

    >>> sheet_names(["Team Ada", "Summary", "a/b"])
    {'Team Ada': 'Team Ada', 'Summary': 'Summary (2)', 'a/b': 'a_b'}
    """
    used = {SUMMARY_SHEET.lower()}
    names = {}
    for team in teams:
        base = _SHEET_FORBIDDEN.sub("_", str(team)).strip("'")[:31] or "team"
        name, n = base, 1
        while name.lower() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        used.add(name.lower())
        names[team] = name
    return names


#: Number formats of the workbook's date and date-time cells.
EXCEL_DATE_FORMAT = "YYYY-MM-DD"
EXCEL_DATETIME_FORMAT = "YYYY-MM-DD HH:MM:SS"


def excel_cell(value: object) -> tuple[object, str | None]:
    """A frame's value as a workbook cell: ``(value, number format or None)``.

    The conversion pandas' Excel writer makes: numpy numbers become Python ``int``,
    ``float`` or ``bool``, dates and date-times keep their type with a date format, a
    missing value is an empty text, anything else is text.

    >>> excel_cell(np.int64(5)), excel_cell(np.nan), excel_cell(dt.date(2026, 11, 16))
    ((5, None), ('', None), (datetime.date(2026, 11, 16), 'YYYY-MM-DD'))
    """
    if (
        value is None
        or value is pd.NaT
        or (isinstance(value, float | np.floating) and np.isnan(value))
    ):
        return "", None
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    if isinstance(value, int | np.integer):
        return int(value), None
    if isinstance(value, float | np.floating):
        return float(value), None
    if isinstance(value, dt.datetime):
        return value, EXCEL_DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, EXCEL_DATE_FORMAT
    if isinstance(value, dt.timedelta | pd.Timedelta):
        return value.total_seconds() / 86400, "0"
    return str(value), None


def _column_width(header: str, values: Sequence[object]) -> float:
    """Width of a sheet column [characters]: its longest text, 10 to 40 with a margin."""
    width = max([len(header), *(len(str(value)) for value in values)])
    return min(max(width, 10) + 2, 40)


def _write_sheet(book, title: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` as a sheet of the write-only ``book``: a header row (frozen), one row
    per frame row, each column as wide as its longest text. A text cell that a spreadsheet
    would read as a formula (``=...``) is written as text (names come from user files)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    frame = spreadsheet_values(frame)  # an infinite number: empty, with a flag column
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    headers = [str(column) for column in frame.columns]
    columns = [[excel_cell(value) for value in frame[column].tolist()] for column in frame.columns]
    for number, (header, cells) in enumerate(zip(headers, columns, strict=True), start=1):
        width = _column_width(header, [value for value, _ in cells])
        sheet.column_dimensions[get_column_letter(number)].width = width

    def cell(value: object, number_format: str | None) -> object:
        formula_like = isinstance(value, str) and value.startswith("=")
        if number_format is None and not formula_like:
            return value
        written = WriteOnlyCell(sheet, value=value)
        if number_format is not None:
            written.number_format = number_format
        if formula_like:
            written.data_type = "s"  # shown as written, never evaluated
        return written

    sheet.append([cell(header, None) for header in headers])
    for row in zip(*columns, strict=True):
        sheet.append([cell(value, number_format) for value, number_format in row])


def rota_creation_time(rota: pd.DataFrame) -> pd.Timestamp:
    """When a rota's files say they were made [UTC]: ``SOURCE_DATE_EPOCH`` when set, else
    midnight UTC of the rota's first day (:mod:`wfm.data.reproducible_files`), never the
    clock, so the same rota gives the same bytes."""
    return creation_time(first_day(rota["start"]))


def rota_excel_bytes(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    *,
    timezone: str | None = None,
    summary: pd.DataFrame | None = None,
    unpaid_activities: Collection[str] = DEFAULT_UNPAID_ACTIVITIES,
    agent_timezones: Mapping[str, str] | None = None,
) -> bytes:
    """The workbook of :func:`rota_to_excel` as bytes (to write atomically with others).

    Written with openpyxl's write-only workbook, row by row (about half the time of
    filling a workbook in memory through pandas, which gave the same cells).
    """
    try:
        import openpyxl
    except ImportError:
        raise WfmError(
            "the Excel export needs the openpyxl package: pip install openpyxl"
        ) from None
    timezone = timezone or rota_timezone(rota)
    table = rota_table(
        rota,
        agents,
        timezone=timezone,
        unpaid_activities=unpaid_activities,
        agent_timezones=agent_timezones,
    )
    if summary is None:
        summary = agent_summary_from_rota(
            rota,
            agents,
            timezone=timezone,
            unpaid_activities=unpaid_activities,
            agent_timezones=agent_timezones,
        )
    summary = summary[[column for column in SUMMARY_COLUMNS if column in summary.columns]]
    team_columns = list(TEAM_SHEET_COLUMNS)
    if TIMEZONE_COLUMN in table.columns:
        zones = {a.agent_id: (agent_timezones or {}).get(a.agent_id, timezone) for a in agents}
        zones |= agent_zones(rota, timezone, agent_timezones)
        summary = summary.copy()
        summary.insert(
            summary.columns.get_loc("team") + 1 if "team" in summary.columns else 1,
            TIMEZONE_COLUMN,
            summary["agent_id"].astype(str).map(zones).fillna(timezone),
        )
        team_columns.insert(team_columns.index("end") + 1, TIMEZONE_COLUMN)
        where = f"each agent's own time zone (column {TIMEZONE_COLUMN})"
    else:
        where = agent_zones(rota, timezone, agent_timezones).popitem()[1] if len(rota) else timezone
    teams = sorted({agent.team for agent in agents} | set(table["team"]))
    names = sheet_names(teams)
    book = openpyxl.Workbook(write_only=True)
    book.properties.title = "Rota"
    book.properties.description = (
        f"Times are local wall-clock times in {where}; paid_hours in hours."
    )
    _write_sheet(book, SUMMARY_SHEET, summary)
    for team in teams:
        _write_sheet(book, names[team], table.loc[table["team"] == team, team_columns])
    return workbook_bytes(book, rota_creation_time(rota))


def rota_to_excel(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    path: str | Path,
    *,
    timezone: str | None = None,
    summary: pd.DataFrame | None = None,
    unpaid_activities: Collection[str] = DEFAULT_UNPAID_ACTIVITIES,
    agent_timezones: Mapping[str, str] | None = None,
) -> Path:
    """Write the rota as an .xlsx workbook: a sheet per team and a summary sheet.

    Parameters
    ----------
    rota
        Rota frame (:data:`wfm.data.schemas.ROTA_COLUMNS`, tz-aware times).
    agents
        The agents (names and teams); rota agents missing here go to the sheet
        ``unknown team``.
    path
        The .xlsx file, written atomically.
    timezone
        Time zone of the local times written (default: the rota's). Excel has no time
        zones: the workbook's description names it.
    summary
        Per-agent summary to put on the summary sheet, e.g.
        :attr:`wfm.scheduling.RotaResult.agent_summary`; default
        :func:`agent_summary_from_rota`.
    unpaid_activities
        Activities not paid (default ``lunch``; see :func:`unpaid_activities_of`).
    agent_timezones
        Agent id -> IANA time zone (e.g. of the agent's site, for a centre whose sites are
        in several zones); agents not in it are in ``timezone``. When the agents are in
        more than one zone, each agent's times are its own zone's wall-clock times, every
        sheet gets a column ``timezone`` and the description says so.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    data = rota_excel_bytes(
        rota,
        agents,
        timezone=timezone,
        summary=summary,
        unpaid_activities=unpaid_activities,
        agent_timezones=agent_timezones,
    )
    return write_files_atomic({Path(path): data})[0]


# --- iCalendar (RFC 5545) -----------------------------------------------------------------------
def escape_text(text: str) -> str:
    r"""Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newline.

    >>> escape_text("Shift; breaks, lunch\nend")
    'Shift\\; breaks\\, lunch\\nend'
    """
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Fold a content line to at most 75 octets per line (RFC 5545 §3.1), CRLF-joined.

    Continuation lines start with one space; multi-octet UTF-8 characters are never split.
    A line that fits is returned as it is, and an ASCII line (one octet a character) is
    cut by slicing; only other long lines are walked character by character.

    >>> [len(part) for part in fold_line("D:" + "x" * 150).splitlines()]
    [75, 75, 4]
    """
    octets = len(line.encode("utf-8"))
    if octets <= _MAX_LINE_OCTETS:
        return line
    if octets == len(line):  # ASCII: 75 characters, then 74 after each leading space
        first, rest = _MAX_LINE_OCTETS, _MAX_LINE_OCTETS - 1
        return "\r\n ".join(
            [line[:first], *(line[at : at + rest] for at in range(first, len(line), rest))]
        )
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        limit = _MAX_LINE_OCTETS if not pieces else _MAX_LINE_OCTETS - 1
        if size + octets > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(stamp: pd.Timestamp | dt.datetime) -> str:
    return pd.Timestamp(stamp).tz_convert("UTC").strftime("%Y%m%dT%H%M%SZ")


def _uid_part(text: str) -> str:
    return _FILE_FORBIDDEN.sub("_", text)


def rota_to_icalendar(
    rota: pd.DataFrame,
    agent_id: str,
    *,
    timezone: str,
    include_breaks: bool = False,
    dtstamp: dt.datetime | pd.Timestamp | None = None,
    calendar_name: str | None = None,
    uid_domain: str = "wfm.invalid",
) -> str:
    """One agent's rota as an iCalendar (RFC 5545) calendar: a VEVENT per shift.

    Parameters
    ----------
    rota
        Rota frame (tz-aware times); only ``agent_id``'s rows are used.
    agent_id
        The agent.
    timezone
        Time zone the event descriptions give local times in (``DTSTART`` and ``DTEND``
        are in UTC, with ``Z``, so no VTIMEZONE is needed).
    include_breaks
        Also a VEVENT for each break and lunch (coaching, meetings and training always have
        one, and the shift's description lists them under "Activities").
    dtstamp
        When the calendar was made (``DTSTAMP``); default :func:`rota_creation_time`, so
        the same rota gives the same file.
    calendar_name
        ``X-WR-CALNAME``; default ``Rota <agent_id>``.
    uid_domain
        Right-hand side of each ``UID``; UIDs are stable for a given agent, activity and
        start, so a re-imported rota updates the events it replaces.

    Returns
    -------
    str
        The calendar, CRLF line endings, lines folded at 75 octets, text escaped.

    Raises
    ------
    WfmError
        If the agent has no rows in the rota (a calendar needs at least one event).
    """
    mine = rota[rota["agent_id"].astype(str) == str(agent_id)]
    if mine.empty:
        raise WfmError(
            f"agent '{agent_id}' has no shifts in the rota, so there is no calendar to write"
        )
    stamp = rota_creation_time(rota) if dtstamp is None else pd.Timestamp(dtstamp)
    return _calendar(
        label_shifts(mine, timezone),
        str(agent_id),
        timezone,
        include_breaks,
        stamp,
        calendar_name,
        uid_domain,
    )


def _calendar(
    rows: pd.DataFrame,
    agent_id: str,
    timezone: str,
    include_breaks: bool,
    dtstamp: pd.Timestamp,
    calendar_name: str | None,
    uid_domain: str,
) -> str:
    """The calendar of one agent's rows as labelled by :func:`label_shifts`."""
    stamp = _utc(dtstamp)
    uid_agent = _uid_part(agent_id)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//wfm//rota export//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name or f'Rota {agent_id}')}",
        f"X-WR-TIMEZONE:{timezone}",
    ]

    def event(
        kind: str, start: pd.Timestamp, end: pd.Timestamp, summary: str, description: str
    ) -> None:
        lines.extend(
            [
                "BEGIN:VEVENT",
                f"UID:{uid_agent}-{kind}-{_utc(start)}@{uid_domain}",
                f"DTSTAMP:{stamp}",
                f"DTSTART:{_utc(start)}",
                f"DTEND:{_utc(end)}",
                f"SUMMARY:{escape_text(summary)}",
                f"DESCRIPTION:{escape_text(description)}",
                "TRANSP:OPAQUE",
                "END:VEVENT",
            ]
        )

    records = zip(
        rows["shift"].tolist(),
        rows["activity"].tolist(),
        rows["start"].tolist(),
        rows["end"].tolist(),
        rows["seconds"].tolist(),
        strict=True,
    )
    for _, group in itertools.groupby(records, key=lambda record: record[0]):
        pieces = list(group)
        start, end = min(p[2] for p in pieces), max(p[3] for p in pieces)
        working = sum(p[4] for p in pieces if p[1] == "work")
        rests = [(a, b, e) for _, a, b, e, _ in pieces if a != "work" and a not in OFF_PHONE]
        # Coaching, meetings and training: listed apart from the breaks, and always an event
        # of their own (the agent must be there).
        sessions = [(a, b, e) for _, a, b, e, _ in pieces if a in OFF_PHONE]
        rest_text = "; ".join(f"{a} {b:%H:%M}-{e:%H:%M}" for a, b, e in rests) or "none"
        description = (
            f"Shift {start:%Y-%m-%d %H:%M}-{end:%H:%M} ({timezone}), "
            f"{duration_text((end - start).total_seconds())} with {duration_text(working)} working.\n"
            f"Breaks: {rest_text}"
        )
        if sessions:
            session_text = "; ".join(f"{a} {b:%H:%M}-{e:%H:%M}" for a, b, e in sessions)
            description += f"\nActivities: {session_text}"
        event("shift", start, end, "Shift", description)
        for activity, b, e in (rests if include_breaks else []) + sessions:
            event(
                activity,
                b,
                e,
                activity.capitalize(),
                f"{activity} {b:%H:%M}-{e:%H:%M} ({timezone})",
            )
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def calendar_file_name(agent_id: str) -> str:
    """A safe file name for an agent's calendar, e.g. ``A001.ics``.

    >>> calendar_file_name("team/7 x")
    'team_7_x.ics'
    """
    return f"{_FILE_FORBIDDEN.sub('_', str(agent_id)) or 'agent'}.ics"


# --- all files ----------------------------------------------------------------------------------
def rota_export_files(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    out_dir: str | Path,
    *,
    timezone: str | None = None,
    summary: pd.DataFrame | None = None,
    unpaid_activities: Collection[str] = DEFAULT_UNPAID_ACTIVITIES,
    include_breaks: bool = True,
    dtstamp: dt.datetime | pd.Timestamp | None = None,
    excel: bool | None = None,
    agent_timezones: Mapping[str, str] | None = None,
) -> dict[Path, bytes | str]:
    """The export files of a rota, path -> content, ready for :func:`write_files_atomic`.

    ``out_dir/rota.xlsx`` (see :func:`rota_to_excel`) and ``out_dir/calendars/<agent>.ics``
    for every agent with a shift (see :func:`rota_to_icalendar`). ``excel=None`` writes the
    workbook when openpyxl is installed and logs a warning otherwise; ``True`` requires it.
    ``agent_timezones`` (agent id -> zone, see :func:`rota_to_excel`): the zone of each
    agent's workbook rows and of the local times its calendar's event texts name (the
    events themselves are UTC instants either way).
    """
    out_dir = Path(out_dir)
    timezone = timezone or rota_timezone(rota)
    files: dict[Path, bytes | str] = {}
    if excel is None:
        try:
            import openpyxl  # noqa: F401

            excel = True
        except ImportError:
            logger.warning("openpyxl is not installed: rota.xlsx is not written")
            excel = False
    if excel:
        files[out_dir / "rota.xlsx"] = rota_excel_bytes(
            rota,
            agents,
            timezone=timezone,
            summary=summary,
            unpaid_activities=unpaid_activities,
            agent_timezones=agent_timezones,
        )
    stamp = rota_creation_time(rota) if dtstamp is None else pd.Timestamp(dtstamp)
    zones = agent_zones(rota, timezone, agent_timezones)
    ids = rota["agent_id"].astype(str)
    by_agent = {
        agent_id: mine
        for zone in sorted(set(zones.values()))
        for agent_id, mine in label_shifts(rota[ids.map(zones).eq(zone).to_numpy()], zone).groupby(
            "agent_id", sort=True
        )
    }
    names: dict[str, str] = {}
    for agent_id in sorted(by_agent):
        mine = by_agent[agent_id]
        name = calendar_file_name(agent_id)
        if name in names:
            raise WfmError(
                f"agents '{names[name]}' and '{agent_id}' would share the calendar file {name}; "
                "give agents ids that differ in letters, digits, '.', '_' or '-'"
            )
        names[name] = agent_id
        files[out_dir / "calendars" / name] = _calendar(
            mine, agent_id, zones[agent_id], include_breaks, stamp, None, "wfm.invalid"
        )
    return files


def write_rota_exports(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    out_dir: str | Path,
    **options,
) -> list[Path]:
    """Write ``rota.xlsx`` and ``calendars/<agent_id>.ics`` into ``out_dir``, all or nothing.

    ``options`` are those of :func:`rota_export_files`. Returns the paths written.
    """
    files: Mapping[Path, bytes | str] = rota_export_files(rota, agents, out_dir, **options)
    return write_files_atomic(files)


__all__ = [
    "DEFAULT_UNPAID_ACTIVITIES",
    "SUMMARY_COLUMNS",
    "SUMMARY_SHEET",
    "TEAM_SHEET_COLUMNS",
    "TIMEZONE_COLUMN",
    "UNKNOWN_TEAM",
    "agent_summary_from_rota",
    "agent_zones",
    "calendar_file_name",
    "escape_text",
    "fold_line",
    "rota_excel_bytes",
    "rota_export_files",
    "rota_table",
    "rota_to_excel",
    "rota_to_icalendar",
    "sheet_names",
    "unpaid_activities_of",
    "write_rota_exports",
]
