"""Manual edits of a rota: move a shift or a break, remove a shift, add one from a template.

A planner adjusts a generated rota by hand before publishing it. Each edit here is a pure
function: it takes a rota frame (:data:`wfm.data.schemas.ROTA_COLUMNS`: ``agent_id``,
``date``, ``activity``, ``start``, ``end``, tz-aware times) and returns a new one, or raises
:class:`~wfm.errors.InputError` saying in plain words why the edit is impossible (it would
overlap another shift of the agent, fall outside opening hours, or put a break outside its
window). Rules that a rota may break and that a planner may accept knowingly (rest between
shifts, weekly hours) are not checked here: :func:`wfm.scheduling.check_rota` reports them.

Terms
-----
shift
    The rows of one agent with one ``date`` (the local date of the shift start): work
    pieces, breaks and lunches partitioning ``[start, end)``.
break rule of a break
    The centre's break rules that apply to a shift (:func:`~wfm.scheduling.shifts.
    applicable_break_rules`), in the order of their windows, matched one to one with the
    shift's breaks in time order (same activity and length). A rota whose breaks do not
    match (an uploaded one) can still have its shifts moved with their breaks, removed and
    added; moving a single break needs the match.
offset
    Minutes from the shift start (elapsed time, so also across a clock change).

Shifts are read from a rota by :mod:`wfm.scheduling.rota_shifts` (:func:`~wfm.scheduling.
rota_shifts.shift_of`, :func:`~wfm.scheduling.rota_shifts.break_rules_of`).

After an edit, :func:`wfm.scheduling.edit_coverage.coverage_after_edit` updates a rota's
coverage per queue by the change the edit makes, so intervals the edit does not touch keep
their coverage exactly.

Example
-------
>>> import datetime as dt, pandas as pd
>>> times = pd.to_datetime(["2026-11-16 09:00", "2026-11-16 13:00"]).tz_localize("Europe/London")
>>> rota = pd.DataFrame({"agent_id": ["A1"], "date": [dt.date(2026, 11, 16)], "activity": ["work"],
...                      "start": times[:1], "end": times[1:]})
>>> remove_shift(rota, "A1", dt.date(2026, 11, 16)).empty
True
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

import pandas as pd

from wfm.config import BreakRule
from wfm.data.schemas import ROTA_COLUMNS
from wfm.errors import InputError
from wfm.scheduling.rota_shifts import (
    EDIT_SOURCE,
    Shift,
    as_date,
    break_rules_of,
    shift_dates,
    shift_of,
)
from wfm.scheduling.shifts import applicable_break_rules, break_offsets_minutes
from wfm.scheduling.site import RotaSite
from wfm.timegrid import format_clock, interval_grid, parse_clock

logger = logging.getLogger(__name__)

#: How :func:`move_shift` treats the breaks of a moved shift.
BreakHandling = Literal["move", "replace"]


def _timezone(rota: pd.DataFrame, site: RotaSite | None) -> str:
    if site is not None:
        return site.timezone
    zone = getattr(rota["start"].dt, "tz", None)
    if zone is None:
        raise InputError(
            "the rota's times have no time zone",
            source=EDIT_SOURCE,
            column="start",
            fix="give start and end with their UTC offset",
        )
    return str(zone)


def _local_time(value, timezone: str, what: str) -> pd.Timestamp:
    """A timestamp in ``timezone``; a naive one is read as local wall-clock time."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        return stamp.tz_convert(timezone)
    try:
        return stamp.tz_localize(timezone, nonexistent="raise", ambiguous="raise")
    except Exception:  # noqa: BLE001 - pandas raises several types for clock changes
        raise InputError(
            f"{what} {stamp:%Y-%m-%d %H:%M} does not exist once in {timezone} (the clocks change then)",
            source=EDIT_SOURCE,
            fix="choose a time an hour earlier or later",
        ) from None


# --- checks -------------------------------------------------------------------------------
def _check_open(site: RotaSite, start: pd.Timestamp, end: pd.Timestamp, what: str) -> None:
    """Raise unless the centre is open for every interval ``[start, end)`` touches."""
    interval = site.interval_minutes
    first_day = start.tz_convert(site.timezone).date() - dt.timedelta(days=1)
    days = (end.tz_convert(site.timezone).date() - first_day).days + 2
    grid = interval_grid(first_day, days, interval, site.timezone)
    touched = grid[(grid < end) & (grid + pd.Timedelta(minutes=interval) > start)]
    hours = site.opening_hours_for(range(first_day.year, first_day.year + 2))
    is_open = hours.is_open(touched, interval)
    if not is_open.all():
        closed = touched[~is_open][0]
        weekday = closed.strftime("%a").lower()
        spec = site.opening_hours.get(weekday, "closed")
        holiday = closed.date() in hours.closed_dates
        when = "a holiday, closed all day" if holiday else f"opening hours on {weekday}: {spec}"
        raise InputError(
            f"{what} would run outside opening hours: the centre is closed at {closed:%a %d %b %H:%M} ({when})",
            source=EDIT_SOURCE,
            fix="choose a start that keeps the whole shift inside opening hours",
        )


def _check_no_overlap(
    rota: pd.DataFrame, agent_id: str, start: pd.Timestamp, end: pd.Timestamp, what: str
) -> None:
    """Raise if ``[start, end)`` overlaps another row of the agent in ``rota``."""
    mine = rota[rota["agent_id"] == agent_id]
    clash = mine[(mine["start"] < end) & (mine["end"] > start)]
    if not clash.empty:
        other = shift_of(rota, agent_id, as_date(clash["date"].iloc[0]))
        raise InputError(
            f"{what} would overlap {other.agent_id}'s shift {other.start:%a %d %b %H:%M}–{other.end:%H:%M}",
            source=EDIT_SOURCE,
            fix="choose a start that leaves the other shift whole, or move or remove that shift first",
        )


def _check_break_offset(
    shift: Shift, rule: BreakRule, offset_minutes: float, interval_minutes: int
) -> None:
    allowed = break_offsets_minutes(rule, int(round(shift.length_minutes)), interval_minutes)
    if offset_minutes not in allowed:
        earliest = shift.start + pd.Timedelta(minutes=rule.earliest_start_after_minutes)
        latest = shift.start + pd.Timedelta(
            minutes=allowed[-1] if allowed else rule.latest_start_after_minutes
        )
        start = shift.start + pd.Timedelta(minutes=offset_minutes)
        on_grid = offset_minutes % interval_minutes == 0
        reason = (
            f"between {earliest:%H:%M} and {latest:%H:%M} ({rule.earliest_start_after_minutes}–"
            f"{rule.latest_start_after_minutes} minutes after the shift start, ending before the shift does)"
            if on_grid
            else f"on the {interval_minutes}-minute grid of the shift"
        )
        raise InputError(
            f"the {rule.name} of {shift.label()} cannot start at {start:%H:%M}: it must start {reason}",
            source=EDIT_SOURCE,
            fix=f"choose a {rule.name} start inside its window",
        )


# --- building rows ------------------------------------------------------------------------
def _shift_rows(shift: Shift) -> pd.DataFrame:
    """The rows of ``shift``: its breaks and work pieces filling the rest."""
    rows: list[tuple] = []
    cursor = shift.start
    for activity, start, end in sorted(shift.breaks, key=lambda item: item[1]):
        if start < cursor or end > shift.end or start < shift.start:
            raise InputError(
                f"a {activity} at {start:%H:%M}–{end:%H:%M} would overlap another break or leave {shift.label()}",
                source=EDIT_SOURCE,
                fix="keep each break inside the shift and apart from the others",
            )
        if start > cursor:
            rows.append((shift.agent_id, shift.date, "work", cursor, start))
        rows.append((shift.agent_id, shift.date, activity, start, end))
        cursor = end
    if cursor < shift.end:
        rows.append((shift.agent_id, shift.date, "work", cursor, shift.end))
    return pd.DataFrame(rows, columns=list(ROTA_COLUMNS))


def _replace(rota: pd.DataFrame, old: Shift | None, new: Shift | None) -> pd.DataFrame:
    """``rota`` without the rows of ``old`` and with those of ``new``, sorted by agent and start."""
    keep = rota
    if old is not None:
        keep = rota[~((rota["agent_id"] == old.agent_id) & (shift_dates(rota) == old.date))]
    parts = [keep[list(ROTA_COLUMNS)]]
    if new is not None:
        added = _shift_rows(new)
        timezone = rota["start"].dt.tz if len(rota) else new.start.tz
        for column in ("start", "end"):
            added[column] = pd.to_datetime(added[column]).dt.tz_convert(timezone)
            if len(rota):
                added[column] = added[column].astype(rota[column].dtype)
        parts.append(added)
    filled = [part for part in parts if len(part)]
    frame = pd.concat(filled, ignore_index=True) if filled else parts[0]
    return frame[list(ROTA_COLUMNS)].sort_values(
        ["agent_id", "start"], kind="stable", ignore_index=True
    )


def _shifted(shift: Shift, new_start: pd.Timestamp) -> Shift:
    """``shift`` moved to ``new_start``, its breaks moving with it (offsets kept)."""
    delta = new_start - shift.start
    breaks = tuple((activity, start + delta, end + delta) for activity, start, end in shift.breaks)
    timezone = str(shift.start.tz)
    return Shift(
        shift.agent_id, new_start.tz_convert(timezone).date(), new_start, shift.end + delta, breaks
    )


# --- the edits ----------------------------------------------------------------------------
def move_shift(
    rota: pd.DataFrame,
    site: RotaSite,
    agent_id: str,
    date: dt.date,
    new_start,
    *,
    breaks: BreakHandling = "move",
) -> pd.DataFrame:
    """Move the shift of ``agent_id`` on ``date`` to start at ``new_start``, keeping its length.

    Parameters
    ----------
    rota
        The rota (not modified).
    site
        Opening hours, interval length, break rules and time zone
        (:func:`wfm.scheduling.site.rota_site` of the centre).
    agent_id, date
        The shift (local date of its start).
    new_start
        New start: a tz-aware timestamp, or a naive one read as local wall-clock time. The
        shift's ``date`` becomes the local date of the new start.
    breaks
        ``"move"``: the breaks move with the shift (same minutes after the start, so they
        stay inside their windows). ``"replace"``: each break goes to the start allowed by
        its rule (inside its window, on the interval grid, see
        :func:`~wfm.scheduling.shifts.break_offsets_minutes`) nearest to its old clock
        time, so breaks stay where they were when the window allows.

    Returns
    -------
    pandas.DataFrame
        The edited rota, sorted by agent and start.

    Raises
    ------
    InputError
        If the agent has no shift that day, the moved shift would overlap another of the
        agent's shifts or run outside opening hours, or (``"replace"``) the breaks do not
        match the centre's break rules.
    """
    old = shift_of(rota, agent_id, date)
    timezone = _timezone(rota, site)
    start = _local_time(new_start, timezone, "the new start")
    moved = _shifted(old, start)
    what = f"moving {old.label()} to {start:%a %d %b %H:%M}"
    if breaks == "replace" and old.breaks:
        rules = break_rules_of(old, site.break_rules)
        placed = []
        for rule, (activity, break_start, _end) in zip(rules, old.breaks, strict=True):
            allowed = break_offsets_minutes(
                rule, int(round(old.length_minutes)), site.interval_minutes
            )
            if not allowed:
                raise InputError(
                    f"the {rule.name} has no allowed start in a {old.length_minutes:g}-minute shift",
                    source=EDIT_SOURCE,
                    fix="widen the break rule's window",
                )
            wanted = (break_start - start).total_seconds() / 60.0
            offset = min(allowed, key=lambda minutes: (abs(minutes - wanted), minutes))
            begin = start + pd.Timedelta(minutes=offset)
            placed.append((activity, begin, begin + pd.Timedelta(minutes=rule.duration_minutes)))
        moved = Shift(moved.agent_id, moved.date, moved.start, moved.end, tuple(placed))
    elif breaks not in ("move", "replace"):
        raise InputError(
            "unknown way to treat breaks",
            source=EDIT_SOURCE,
            value=breaks,
            fix="use 'move' or 'replace'",
        )
    others = _replace(rota, old, None)
    _check_no_overlap(others, old.agent_id, moved.start, moved.end, what)
    _check_open(site, moved.start, moved.end, what)
    if (
        moved.date != old.date
        and not others[
            (others["agent_id"] == old.agent_id) & (shift_dates(others) == moved.date)
        ].empty
    ):
        raise InputError(
            f"{what} would give {old.agent_id} two shifts on {moved.date:%a %d %b}",
            source=EDIT_SOURCE,
            fix="remove or move the agent's other shift that day first",
        )
    return _replace(rota, old, moved)


def move_break(
    rota: pd.DataFrame,
    site: RotaSite,
    agent_id: str,
    date: dt.date,
    break_start,
    new_start,
) -> pd.DataFrame:
    """Move one break (or lunch) of a shift to start at ``new_start``.

    Parameters
    ----------
    rota, site, agent_id, date
        As for :func:`move_shift`.
    break_start
        Current start of the break to move (tz-aware, or naive local time).
    new_start
        Its new start. It must be a start the break's rule allows in this shift: inside the
        rule's window, on the interval grid from the shift start, ending before the shift
        does (:func:`~wfm.scheduling.shifts.break_offsets_minutes`), and not overlapping the
        shift's other breaks.

    Returns
    -------
    pandas.DataFrame
        The edited rota.

    Raises
    ------
    InputError
        If there is no such shift or break, the breaks do not match the centre's break rules,
        or the new start is outside the break's window or overlaps another break.
    """
    shift = shift_of(rota, agent_id, date)
    timezone = _timezone(rota, site)
    old_start = _local_time(break_start, timezone, "the break start")
    start = _local_time(new_start, timezone, "the new break start")
    index = next((i for i, item in enumerate(shift.breaks) if item[1] == old_start), None)
    if index is None:
        raise InputError(
            f"{shift.label()} has no break starting at {old_start:%H:%M}",
            source=EDIT_SOURCE,
            fix="pick one of the shift's breaks",
        )
    rule = break_rules_of(shift, site.break_rules)[index]
    offset = (start - shift.start).total_seconds() / 60.0
    _check_break_offset(shift, rule, offset, site.interval_minutes)
    end = start + pd.Timedelta(minutes=rule.duration_minutes)
    for other, (activity, other_start, other_end) in enumerate(shift.breaks):
        if other != index and other_start < end and other_end > start:
            raise InputError(
                f"the {rule.name} of {shift.label()} at {start:%H:%M}–{end:%H:%M} would overlap its {activity} at "
                f"{other_start:%H:%M}–{other_end:%H:%M}",
                source=EDIT_SOURCE,
                fix=f"choose a {rule.name} start apart from the other breaks",
            )
    breaks = list(shift.breaks)
    breaks[index] = (shift.breaks[index][0], start, end)
    moved = Shift(
        shift.agent_id,
        shift.date,
        shift.start,
        shift.end,
        tuple(sorted(breaks, key=lambda b: b[1])),
    )
    return _replace(rota, shift, moved)


def remove_shift(rota: pd.DataFrame, agent_id: str, date: dt.date) -> pd.DataFrame:
    """The rota without the shift of ``agent_id`` on ``date``.

    Raises
    ------
    InputError
        If the agent has no shift that day.
    """
    return _replace(rota, shift_of(rota, agent_id, date), None)


def add_shift(
    rota: pd.DataFrame,
    site: RotaSite,
    agent_id: str,
    date: dt.date,
    start_time: str,
    length_minutes: int,
    template: str,
) -> pd.DataFrame:
    """Add a shift of one of the centre's shift templates, with its breaks.

    Parameters
    ----------
    rota
        The rota (not modified); the agent may have no shifts in it yet.
    site
        Shift templates, break rules, opening hours and time zone
        (:func:`wfm.scheduling.site.rota_site` of the centre).
    agent_id, date
        Who works, and the local date of the shift start.
    start_time
        Local start time ``HH:MM``; one of the template's starts
        (:meth:`~wfm.config.ShiftTemplate.start_minutes`).
    length_minutes
        Shift length [minutes], one of the template's lengths.
    template
        Name of the shift template.

    Each break rule that applies to the shift is placed at the middle of its allowed starts
    (:func:`~wfm.scheduling.shifts.break_offsets_minutes`); move it afterwards with
    :func:`move_break`.

    Returns
    -------
    pandas.DataFrame
        The edited rota.

    Raises
    ------
    InputError
        If the template does not exist or does not allow this day, start or length, the
        agent already works that day or the shift would overlap another of theirs, or it
        would run outside opening hours.
    """
    date = as_date(date)
    chosen = next((item for item in site.shift_templates if item.name == template), None)
    names = ", ".join(item.name for item in site.shift_templates) or "none"
    if chosen is None:
        raise InputError(
            "no such shift template", source=EDIT_SOURCE, value=template, fix=f"use one of: {names}"
        )
    if date.weekday() not in chosen.weekday_indices():
        raise InputError(
            f"shift template '{template}' has no shifts on a {date:%A}",
            source=EDIT_SOURCE,
            fix=f"use a template for {date:%A}s, or a day among {', '.join(chosen.days)}",
        )
    if int(length_minutes) not in chosen.lengths_minutes:
        raise InputError(
            f"shift template '{template}' has no {length_minutes}-minute shifts",
            source=EDIT_SOURCE,
            fix=f"use one of its lengths: {', '.join(map(str, chosen.lengths_minutes))} minutes",
        )
    minute = parse_clock(start_time, "the start time")
    if minute not in chosen.start_minutes():
        raise InputError(
            f"shift template '{template}' does not start shifts at {format_clock(minute)}",
            source=EDIT_SOURCE,
            fix=f"start between {chosen.earliest_start} and {chosen.latest_start} every "
            f"{chosen.start_step_minutes} minutes",
        )
    existing = rota[(rota["agent_id"] == agent_id) & (shift_dates(rota) == date)]
    if not existing.empty:
        raise InputError(
            f"{agent_id} already works on {date:%a %d %b %Y}",
            source=EDIT_SOURCE,
            fix="move or remove that shift instead",
        )
    start = _local_time(
        pd.Timestamp(date) + pd.Timedelta(minutes=minute), site.timezone, "the shift start"
    )
    end = start + pd.Timedelta(minutes=int(length_minutes))
    what = f"adding a {template} shift for {agent_id} at {start:%a %d %b %H:%M}–{end:%H:%M}"
    _check_no_overlap(rota, agent_id, start, end, what)
    _check_open(site, start, end, what)
    breaks = []
    for index in applicable_break_rules(site.break_rules, int(length_minutes)):
        rule = site.break_rules[index]
        allowed = break_offsets_minutes(rule, int(length_minutes), site.interval_minutes)
        if not allowed:
            raise InputError(
                f"the {rule.name} has no allowed start in a {length_minutes}-minute shift",
                source=EDIT_SOURCE,
                fix="widen the break rule's window",
            )
        begin = start + pd.Timedelta(minutes=allowed[(len(allowed) - 1) // 2])
        breaks.append((rule.activity, begin, begin + pd.Timedelta(minutes=rule.duration_minutes)))
    new = Shift(str(agent_id), date, start, end, tuple(sorted(breaks, key=lambda item: item[1])))
    return _replace(rota, None, new)


__all__ = ["BreakHandling", "add_shift", "move_break", "move_shift", "remove_shift"]
