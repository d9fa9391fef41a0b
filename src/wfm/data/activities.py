"""The activities file: off-phone sessions to place in a rota (coaching, meetings, training).

Contract (see ``docs/data-formats.md``): a CSV with one row per session:

- ``activity_id``: the planner's name for the session (unique);
- ``activity``: ``coaching``, ``meeting`` or ``training``
  (:data:`wfm.data.schemas.OFF_PHONE_ACTIVITIES`);
- ``attendees``: agent ids joined by ``|`` (``A003|A017``), or ``team:NAME`` for every agent
  of a team in the agents file; all attend together;
- ``duration_minutes``: a whole number of intervals [minutes];
- ``window`` (optional, default ``week``): where it may go: ``week`` (the whole rota), a
  day (``tuesday`` or ``2026-10-20``), or a day and a part of it: ``tuesday morning``
  (before 12:00), ``tuesday afternoon`` (12:00-17:00), ``tuesday evening`` (from 17:00), or
  ``tuesday 13:00-15:30`` (the session lies wholly inside).

Column names match case-insensitively; every cell is checked and a bad one is reported with
its file, line, column and a fix.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import check_known, check_not_empty, check_unique, parse_numbers, parse_text
from wfm.data.row_errors import raise_first
from wfm.data.schemas import OFF_PHONE_ACTIVITIES
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Required columns of the activities file.
ACTIVITY_COLUMNS = ("activity_id", "activity", "attendees", "duration_minutes")
#: Separator of the attendees in one cell.
ATTENDEES_SEPARATOR = "|"
#: Prefix of a whole team in ``attendees``.
TEAM_PREFIX = "team:"
#: Parts of a day a window may name: (from, to) local clock times.
DAY_PARTS = {
    "morning": (dt.time(0, 0), dt.time(12, 0)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), None),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = r"([01]?\d|2[0-3]):([0-5]\d)"
_WINDOW_FIX = (
    "write week, a day (tuesday or 2026-10-20), or a day and morning, afternoon, evening or "
    "HH:MM-HH:MM (e.g. tuesday afternoon, 2026-10-20 13:00-15:30)"
)


@dataclass(frozen=True)
class Window:
    """Where a session may go: a day (weekday 0-6, or a date, or any day) and clock times.

    ``weekday`` and ``date`` are both ``None`` for the whole rota; ``start``/``end`` are
    local clock times, ``None`` for the start or end of the day.
    """

    weekday: int | None = None
    date: dt.date | None = None
    start: dt.time | None = None
    end: dt.time | None = None

    def holds(self, start: pd.Timestamp, end: pd.Timestamp) -> bool:
        """Whether the local times [start, end) lie in the window (same local day)."""
        day = start.date()
        if self.date is not None and day != self.date:
            return False
        if self.weekday is not None and day.weekday() != self.weekday:
            return False
        if self.start is not None and start.time() < self.start:
            return False
        if self.end is not None:
            last = end - pd.Timedelta(microseconds=1)
            if last.date() != day or end.time() > self.end:
                return False
        return True


def parse_window(text: str) -> Window | None:
    """The :class:`Window` a ``window`` cell names, or ``None`` when it is not one.

    Examples
    --------
    >>> parse_window("Tuesday afternoon")
    Window(weekday=1, date=None, start=datetime.time(12, 0), end=datetime.time(17, 0))
    >>> parse_window("2026-10-20 13:00-15:30").end
    datetime.time(15, 30)
    >>> parse_window("someday") is None
    True
    """
    words = text.strip().lower().split()
    if not words or words == ["week"] or words == ["this", "week"]:
        return Window()
    day, rest = words[0], words[1:]
    weekday = date = None
    if day in WEEKDAYS:
        weekday = WEEKDAYS.index(day)
    else:
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            return None
    if not rest:
        return Window(weekday, date)
    part = " ".join(rest)
    if part in DAY_PARTS:
        start, end = DAY_PARTS[part]
        return Window(weekday, date, start, end)
    match = re.fullmatch(f"{_CLOCK}\\s*-\\s*{_CLOCK}", part)
    if not match:
        return None
    h0, m0, h1, m1 = (int(g) for g in match.groups())
    start, end = dt.time(h0, m0), dt.time(h1, m1)
    return Window(weekday, date, start, end) if end > start else None


def read_activities(path: str | Path, *, interval_minutes: int) -> pd.DataFrame:
    """Read and check an activities CSV (see the module docstring).

    Parameters
    ----------
    path
        The CSV file.
    interval_minutes
        The centre's interval [minutes]; each duration must be a whole number of them.

    Returns
    -------
    pandas.DataFrame
        ``activity_id``, ``activity``, ``attendees`` (tuple of ids or ``team:NAME``),
        ``duration_minutes`` (int), ``window`` (text as given) and ``window_rule``
        (:class:`Window`), in file order.

    Raises
    ------
    InputError
        Naming the file, line, column, value and fix of the first bad cell.
    """
    source = str(path)
    raw = read_raw_csv(path, source=source, all_text=True)
    data, names = match_columns(raw, ACTIVITY_COLUMNS, ("window",), source=source)
    check_not_empty(data, source, what="activities")
    activity_id = parse_text(data["activity_id"], source=source, column=names["activity_id"])
    check_unique(pd.DataFrame({"activity_id": activity_id}), ["activity_id"], source=source)
    activity = parse_text(data["activity"], source=source, column=names["activity"]).str.lower()
    check_known(
        activity,
        OFF_PHONE_ACTIVITIES,
        data["activity"],
        problem="not an off-phone activity",
        source=source,
        column=names["activity"],
    )
    attendees_text = parse_text(data["attendees"], source=source, column=names["attendees"])
    attendees = [
        tuple(sorted({name.strip() for name in cell.split(ATTENDEES_SEPARATOR) if name.strip()}))
        for cell in attendees_text
    ]
    raise_first(
        [len(names_) == 0 for names_ in attendees],
        data["attendees"],
        problem="no attendee",
        source=source,
        column=names["attendees"],
        fix="list agent ids joined by | (A003|A017) or give team:NAME",
    )
    minutes = parse_numbers(
        data["duration_minutes"],
        source=source,
        column=names["duration_minutes"],
        whole=True,
        minimum=interval_minutes,
        maximum=24 * 60,
    )
    raise_first(
        minutes % interval_minutes != 0,
        data["duration_minutes"],
        problem=f"not a whole number of {interval_minutes}-minute intervals",
        source=source,
        column=names["duration_minutes"],
        fix=f"use a multiple of {interval_minutes} minutes",
    )
    if "window" in data:
        windows = data["window"].fillna("week").astype(str)
    else:
        windows = pd.Series("week", index=data.index)
    rules = [parse_window(text) for text in windows]
    raise_first(
        [rule is None for rule in rules],
        windows,
        problem="not a window",
        source=source,
        column=names.get("window", "window"),
        fix=_WINDOW_FIX,
    )
    frame = pd.DataFrame(
        {
            "activity_id": activity_id.to_numpy(dtype=object),
            "activity": activity.to_numpy(dtype=object),
            "attendees": attendees,
            "duration_minutes": minutes.astype(int),
            "window": windows.to_numpy(dtype=object),
            "window_rule": rules,
        }
    )
    logger.info("%s: %d activities to place", source, len(frame))
    return frame


def resolve_attendees(
    attendees: tuple[str, ...], team_of: dict[str, str], *, activity_id: str
) -> tuple[str, ...]:
    """Agent ids of ``attendees``, each ``team:NAME`` replaced by the team's agents.

    Raises
    ------
    InputError
        A team with no agent in ``team_of``.
    """
    out: set[str] = set()
    for name in attendees:
        if name.lower().startswith(TEAM_PREFIX):
            team = name[len(TEAM_PREFIX) :].strip()
            members = {a for a, t in team_of.items() if t == team}
            if not members:
                raise InputError(
                    f"activity {activity_id!r}: no agent of team {team!r} in the agents file",
                    value=name,
                    fix="use a team named in the agents file, or list the agent ids",
                )
            out |= members
        else:
            out.add(name)
    return tuple(sorted(out))


def one_session(
    activity_id: str, activity: str, attendees: list[str], duration_minutes: int, window: str
) -> pd.DataFrame:
    """One session as :func:`read_activities` returns it (a form's entry, e.g. the Today
    page's), checked the same way.

    Raises
    ------
    InputError
        An activity that is not off-phone, no attendee, a duration under one minute, or a
        window that is not one.
    """
    rule = parse_window(window)
    problems = [
        (
            activity not in OFF_PHONE_ACTIVITIES,
            "activity",
            activity,
            "coaching, meeting or training",
        ),
        (not attendees, "attendees", "", "choose at least one agent"),
        (duration_minutes < 1, "duration_minutes", duration_minutes, "a positive duration"),
        (rule is None, "window", window, _WINDOW_FIX),
    ]
    for bad, column, value, fix in problems:
        if bad:
            raise InputError(
                f"the session's {column} is not valid", column=column, value=value, fix=fix
            )
    return pd.DataFrame(
        {
            "activity_id": [activity_id],
            "activity": [activity],
            "attendees": [tuple(sorted(set(attendees)))],
            "duration_minutes": [int(duration_minutes)],
            "window": [window],
            "window_rule": [rule],
        }
    )
