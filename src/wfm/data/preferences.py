"""The preferences file: soft wishes of agents about their shifts.

Contract (see ``docs/data-formats.md``): a CSV with ``agent_id``, ``kind``, ``value`` and
an optional ``weight`` (default 1), one row per preference:

- ``day_off`` with a weekday ``mon`` .. ``sun``: no shift starting on that weekday;
- ``start_after`` with a local time ``HH:MM``: shifts start at or after it;
- ``start_before`` with a local time ``HH:MM``: shifts start at or before it;
- ``request_on`` with a local date ``YYYY-MM-DD``, optionally followed by a space and a shift
  type of the centre (``2025-06-03 late``): a shift (of that type) on that date;
- ``request_off`` with a date (and shift type) as for ``request_on``: no shift (of that type)
  on that date.

A ``request_on`` and a ``request_off`` of one agent for the same date and a shift type both
cover (the same type, or either without one) contradict each other: the reader names both
lines.

Each shift that breaks a preference costs ``weight`` times
``scheduling.preference_cost`` in the rota objective
(:func:`wfm.scheduling.model.add_preference_penalty`); a ``request_on`` costs it when the
agent has no such shift on the date.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.agents import agent_and_kind
from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import check_unique, parse_numbers, parse_text
from wfm.data.schemas import PREFERENCE_COLUMNS, PREFERENCE_KINDS, PREFERENCE_OPTIONAL
from wfm.errors import InputError
from wfm.limits import MAX_COST_UNITS
from wfm.timegrid import parse_clock, weekday_index

logger = logging.getLogger(__name__)

#: Weight of a preference without one.
DEFAULT_WEIGHT = 1.0

#: Kinds that request a shift or a day off on one date.
REQUEST_KINDS = ("request_on", "request_off")


def read_preferences(path: str | Path, agent_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Read and validate a preferences CSV.

    Parameters
    ----------
    path
        The CSV file.
    agent_ids
        If given, every ``agent_id`` must be one of them.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id``, ``kind``, ``value`` (weekday index 0 = Monday .. 6 for
        ``day_off``, the date's proleptic ordinal for requests, minutes after local midnight
        otherwise), ``weight`` [≥ 0], ``shift_type`` (the request's shift type, ``""`` for
        any) and ``line`` (line in the file).

    Raises
    ------
    InputError
        Missing column, empty cell, unknown kind, agent or weekday, a time that is not
        HH:MM, or a negative weight; the message names the file, line, column, value and
        fix.
    """
    source = str(path)
    raw = read_raw_csv(path, source=source, text_columns=("agent_id", "kind", "value"))
    frame = validate_preferences_frame(raw, source=source, agent_ids=agent_ids)
    logger.info("%s: %d preferences", source, len(frame))
    return frame


def validate_preferences_frame(
    frame: pd.DataFrame, source: str, agent_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Validate a raw preferences frame (row ``i`` is line ``i + 2`` of the file); see
    :func:`read_preferences`. The frame is not modified."""
    data, names = match_columns(frame, PREFERENCE_COLUMNS, PREFERENCE_OPTIONAL, source=source)
    agent_id, kind = agent_and_kind(
        data, names, PREFERENCE_KINDS, agent_ids, source=source, what="preference"
    )
    text = parse_text(data["value"], source=source, column=names["value"])
    values = []
    shift_types = []
    for position, (k, v) in enumerate(zip(kind, text, strict=True)):
        shift_types.append("")
        try:
            if k in REQUEST_KINDS:
                day, _, shift_type = v.strip().partition(" ")
                values.append(dt.date.fromisoformat(day).toordinal())
                shift_types[-1] = shift_type.strip()
            else:
                values.append(weekday_index(v) if k == "day_off" else parse_clock(v, what="value"))
        except (InputError, ValueError):
            fix = (
                "use a weekday mon..sun"
                if k == "day_off"
                else "write a local date as YYYY-MM-DD, optionally followed by a shift type, "
                "e.g. 2025-06-03 late"
                if k in REQUEST_KINDS
                else "write a local time as HH:MM, e.g. 09:30"
            )
            raise InputError(
                f"not a valid value for a {k} preference",
                source=source,
                row=position + 2,
                column=names["value"],
                value=v,
                fix=fix,
            ) from None
    if "weight" in data:
        weight = parse_numbers(
            data["weight"],
            source=source,
            column=names["weight"],
            allow_missing=True,
            minimum=0.0,
            maximum=MAX_COST_UNITS,  # a weight is a cost; 1e20 and above is a solver's infinity
        )
        weight = np.where(np.isnan(weight), DEFAULT_WEIGHT, weight)
    else:
        weight = np.full(len(data), DEFAULT_WEIGHT)
    result = pd.DataFrame(
        {
            "agent_id": agent_id.to_numpy(dtype=object),
            "kind": kind.to_numpy(dtype=object),
            "value": np.array(values, dtype=np.int64),
            "weight": weight.astype(float),
            "shift_type": np.array(shift_types, dtype=object),
            "line": np.arange(2, len(data) + 2, dtype=np.int64),
        }
    )
    check_unique(
        pd.DataFrame(
            {
                "agent_id": result["agent_id"],
                "kind": result["kind"],
                "value": _canonical_values(result),
            }
        ),
        ["agent_id", "kind", "value"],
        source=source,
        file_names=names,
        fix="keep one of the two rows (a repeated row would count its weight twice; "
        "give the one row the weight you mean)",
    )
    check_requests_agree(result, source)
    return result


def _canonical_values(preferences: pd.DataFrame) -> list[str]:
    """Each preference's value written one way (``mon``; ``09:30``; ``2025-06-03 late``),
    so that rows meaning the same thing compare equal however the file wrote them."""
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    texts = []
    for kind, value, shift_type in zip(
        preferences["kind"], preferences["value"], preferences["shift_type"], strict=True
    ):
        if kind in REQUEST_KINDS:
            day = dt.date.fromordinal(int(value)).isoformat()
            texts.append(f"{day} {shift_type}".strip())
        elif kind == "day_off":
            texts.append(weekdays[int(value)])
        else:
            texts.append(f"{int(value) // 60:02d}:{int(value) % 60:02d}")
    return texts


def check_requests_agree(preferences: pd.DataFrame, source: str) -> None:
    """Raise :class:`~wfm.errors.InputError` naming both lines when one agent asks to work
    and to be off on the same date for a shift type both cover (the same type, or either
    request without one)."""
    requests = preferences[preferences["kind"].isin(REQUEST_KINDS)]
    on = requests[requests["kind"] == "request_on"]
    off = requests[requests["kind"] == "request_off"]
    pairs = on.merge(off, on=["agent_id", "value"], suffixes=("_on", "_off"))
    clash = pairs[
        (pairs["shift_type_on"] == pairs["shift_type_off"])
        | (pairs["shift_type_on"] == "")
        | (pairs["shift_type_off"] == "")
    ].sort_values(["line_on", "line_off"])
    if clash.empty:
        return
    first = clash.iloc[0]
    day = dt.date.fromordinal(int(first["value"])).isoformat()

    def what(shift_type: str) -> str:
        return f"a '{shift_type}' shift" if shift_type else "any shift"

    later = max(int(first["line_on"]), int(first["line_off"]))
    raise InputError(
        f"contradictory requests: line {int(first['line_on'])} asks agent '{first['agent_id']}' to work "
        f"{what(first['shift_type_on'])} on {day}, line {int(first['line_off'])} asks them to be off "
        f"({what(first['shift_type_off'])}) on {day}"
        + (f"; {len(clash) - 1} more such pair(s)" if len(clash) > 1 else ""),
        source=source,
        row=later,
        column="kind",
        fix="keep one of the two requests, or give them different shift types",
    )


def check_requests_against_time_off(
    preferences: pd.DataFrame,
    availability: pd.DataFrame,
    *,
    preferences_source: str,
    availability_source: str,
) -> None:
    """Raise :class:`~wfm.errors.InputError` naming both files and lines when an agent asks
    to work on a date (``request_on``) that their time off covers whole (an ``unavailable``
    window from the date's local midnight to the next, or longer).

    Parameters
    ----------
    preferences
        :func:`read_preferences`'s frame (with ``line``).
    availability
        :func:`wfm.data.availability.read_availability`'s frame (tz-aware ``start`` and
        ``end`` in the centre's zone; ``line`` when read from a file).
    preferences_source, availability_source
        The two files, for the message.
    """
    wanted = preferences[preferences["kind"] == "request_on"]
    off = availability[availability["kind"] == "unavailable"]
    if wanted.empty or off.empty:
        return
    timezone = pd.DatetimeIndex(off["start"]).tz
    clashes = []
    for agent_id, ordinal, line, shift_type in wanted[
        ["agent_id", "value", "line", "shift_type"]
    ].itertuples(index=False):
        day = dt.date.fromordinal(int(ordinal))
        midnight = pd.Timestamp(day).tz_localize(timezone)
        next_midnight = pd.Timestamp(day + dt.timedelta(days=1)).tz_localize(timezone)
        mine = off[
            (off["agent_id"] == agent_id)
            & (off["start"] <= midnight)
            & (off["end"] >= next_midnight)
        ]
        if not mine.empty:
            clashes.append((int(line), agent_id, day, shift_type, mine.iloc[0]))
    if not clashes:
        return
    line, agent_id, day, shift_type, window = min(clashes, key=lambda clash: clash[0])
    where = (
        f"line {int(window['line'])} of " if "line" in window and pd.notna(window["line"]) else ""
    )
    what = f"a '{shift_type}' shift" if shift_type else "a shift"
    raise InputError(
        f"contradictory requests: line {line} asks agent '{agent_id}' to work {what} on {day}, "
        f"but {where}{availability_source} gives them time off from "
        f"{pd.Timestamp(window['start']):%Y-%m-%d %H:%M} to {pd.Timestamp(window['end']):%Y-%m-%d %H:%M}"
        + (f"; {len(clashes) - 1} more such request(s)" if len(clashes) > 1 else ""),
        source=preferences_source,
        row=line,
        column="value",
        fix="drop the request to work, or the time off, whichever is wrong",
    )


__all__ = [
    "DEFAULT_WEIGHT",
    "REQUEST_KINDS",
    "check_requests_against_time_off",
    "check_requests_agree",
    "read_preferences",
    "validate_preferences_frame",
]
