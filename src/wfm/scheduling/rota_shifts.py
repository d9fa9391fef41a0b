"""A rota's shifts: the :class:`Shift` record, one agent's shift on a date, one row per
shift, and the centre's break rule of each break of a shift.

A rota frame (:data:`wfm.data.schemas.ROTA_COLUMNS`: ``agent_id``, ``date``, ``activity``,
``start``, ``end``, tz-aware times) holds a shift as the rows of one agent with one ``date``
(the local date of the shift start): work pieces, breaks and lunches partitioning
``[start, end)``. The manual edits (:mod:`wfm.scheduling.edits`), the unsaved-edit session
(:mod:`wfm.scheduling.edit_session`) and the coverage after an edit
(:mod:`wfm.scheduling.edit_coverage`) read shifts through this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import BreakRule
from wfm.errors import InputError
from wfm.scheduling.shifts import applicable_break_rules

#: ``source`` of the errors raised here.
EDIT_SOURCE = "rota edit"
#: Columns of :func:`shifts_of`.
SHIFT_COLUMNS = ("agent_id", "date", "start", "end", "length_minutes", "breaks")


@dataclass(frozen=True)
class Shift:
    """One shift of a rota.

    Parameters
    ----------
    agent_id
        The agent.
    date
        Local date of the shift start.
    start, end
        Start and end (tz-aware).
    breaks
        ``(activity, start, end)`` of each break and lunch, in time order.
    """

    agent_id: str
    date: dt.date
    start: pd.Timestamp
    end: pd.Timestamp
    breaks: tuple[tuple[str, pd.Timestamp, pd.Timestamp], ...]

    @property
    def length_minutes(self) -> float:
        """Start to end [minutes]."""
        return (self.end - self.start).total_seconds() / 60.0

    def label(self) -> str:
        """``A001 on Tue 17 Nov 08:00–16:30``."""
        return f"{self.agent_id} on {self.start:%a %d %b %H:%M}–{self.end:%H:%M}"


def as_date(value) -> dt.date:
    """A shift date as :class:`datetime.date` (from a date, a timestamp or ISO text)."""
    return (
        pd.Timestamp(value).date()
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime)
        else value
    )


def shift_dates(rota: pd.DataFrame) -> np.ndarray:
    """The ``date`` column of a rota as :class:`datetime.date` objects (the shift dates)."""
    return np.array([as_date(value) for value in rota["date"]], dtype=object)


def shift_of(rota: pd.DataFrame, agent_id: str, date: dt.date) -> Shift:
    """The shift of ``agent_id`` starting on local date ``date``.

    Raises
    ------
    InputError
        If the agent has no shift that day, or its rows there are not one back-to-back run.
    """
    date = as_date(date)
    rows = rota[(rota["agent_id"] == agent_id) & (shift_dates(rota) == date)].sort_values("start")
    if rows.empty:
        raise InputError(
            f"{agent_id} has no shift on {date:%a %d %b %Y}",
            source=EDIT_SOURCE,
            fix="pick a day on which the agent works, or add a shift",
        )
    starts, ends = list(rows["start"]), list(rows["end"])
    if any(end != start for end, start in zip(ends[:-1], starts[1:], strict=True)):
        raise InputError(
            f"{agent_id} has more than one shift on {date:%a %d %b %Y} (its activities there are not back to back)",
            source=EDIT_SOURCE,
            fix="edit such a split shift in the rota file",
        )
    breaks = tuple(
        (str(activity), start, end)
        for activity, start, end in zip(rows["activity"], rows["start"], rows["end"], strict=True)
        if activity != "work"
    )
    return Shift(str(agent_id), date, starts[0], ends[-1], breaks)


def shifts_of(rota: pd.DataFrame) -> pd.DataFrame:
    """One row per shift (agent and date): :data:`SHIFT_COLUMNS`.

    ``breaks`` is the number of breaks and lunches; ``length_minutes`` start to end.
    """
    if rota.empty:
        return pd.DataFrame({column: [] for column in SHIFT_COLUMNS})
    frame = rota.assign(date=shift_dates(rota), is_break=rota["activity"] != "work")
    shifts = (
        frame.groupby(["agent_id", "date"], sort=True)
        .agg(start=("start", "min"), end=("end", "max"), breaks=("is_break", "sum"))
        .reset_index()
    )
    shifts["length_minutes"] = (shifts["end"] - shifts["start"]).dt.total_seconds() / 60.0
    return shifts[list(SHIFT_COLUMNS)]


def break_rules_of(shift: Shift, break_rules: Sequence[BreakRule]) -> list[BreakRule]:
    """The centre's break rule of each break of ``shift``, in time order.

    Raises
    ------
    InputError
        If the breaks do not match the rules that apply to a shift of this length (another
        number of breaks, or another activity or length), e.g. in an uploaded rota.
    """
    length = int(round(shift.length_minutes))
    rules = sorted(
        (break_rules[index] for index in applicable_break_rules(break_rules, length)),
        key=lambda rule: (rule.earliest_start_after_minutes, rule.latest_start_after_minutes),
    )
    found = [
        (activity, (end - start).total_seconds() / 60.0) for activity, start, end in shift.breaks
    ]
    wanted = [(rule.activity, float(rule.duration_minutes)) for rule in rules]
    if found != wanted:
        described = (
            ", ".join(f"{activity} {minutes:g} min" for activity, minutes in wanted) or "none"
        )
        have = ", ".join(f"{activity} {minutes:g} min" for activity, minutes in found) or "none"
        raise InputError(
            f"the breaks of {shift.label()} ({have}) do not match the centre's break rules for a "
            f"{length}-minute shift ({described})",
            source=EDIT_SOURCE,
            fix="move the whole shift with its breaks, or remove it and add it again from a template",
        )
    return rules


__all__ = [
    "EDIT_SOURCE",
    "SHIFT_COLUMNS",
    "Shift",
    "as_date",
    "break_rules_of",
    "shift_dates",
    "shift_of",
    "shifts_of",
]
