"""Profiles by weekday and time of day read from CSV: the weekday and clock-time columns
every such file shares (:func:`parse_weekdays`, :func:`parse_clock_minutes`) and the
shrinkage profile (``weekday, time, shrinkage_fraction``; ``wfm staff --shrinkage-profile``),
checked cell by cell with the file, line and column of the first bad cell. The AHT profile
(:mod:`wfm.data.handle_time`) uses the same two parsers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import check_known, parse_numbers, parse_text
from wfm.data.row_errors import raise_first
from wfm.errors import InputError
from wfm.timegrid import WEEKDAYS

SHRINKAGE_PROFILE_COLUMNS = ("weekday", "time", "shrinkage_fraction")


def parse_weekdays(values: pd.Series, *, source: str, column: str) -> pd.Series:
    """Weekday numbers 0 (Monday) .. 6 from ``mon``..``sun`` (any case, any longer name) or
    0..6; anything else is an :class:`InputError` naming the line.

    >>> parse_weekdays(pd.Series(["Mon", "6", "tuesday"]), source="p.csv", column="weekday").tolist()
    [0, 6, 1]
    """
    text = parse_text(values, source=source, column=column)
    weekday = text.str.lower().str[:3].map({name: index for index, name in enumerate(WEEKDAYS)})
    weekday = weekday.where(weekday.notna(), pd.to_numeric(text, errors="coerce"))
    check_known(
        weekday,
        range(7),
        values,
        problem="weekday is not a day of the week",
        source=source,
        column=column,
        fix="write mon..sun, or 0 (Monday) to 6 (Sunday)",
    )
    return weekday.astype(int)


def parse_clock_minutes(values: pd.Series, *, source: str, column: str) -> pd.Series:
    """Minutes after midnight from ``HH:MM`` clock times (00:00 .. 23:59).

    >>> parse_clock_minutes(pd.Series(["08:30", "0:05"]), source="p.csv", column="time").tolist()
    [510, 5]
    """
    text = parse_text(values, source=source, column=column)
    clock = text.str.extract(r"^(\d{1,2}):(\d{2})$").astype("float64")
    minute = clock[0] * 60 + clock[1]
    raise_first(
        (~minute.between(0, 24 * 60 - 1) | (clock[1] >= 60)).to_numpy(),
        values,
        problem="time is not a clock time",
        source=source,
        column=column,
        fix="write HH:MM, e.g. 08:30",
    )
    return minute.astype(int)


def read_shrinkage_profile(path: str | Path) -> pd.DataFrame:
    """Read a shrinkage profile CSV into the table
    :class:`wfm.staffing.shrinkage.ShrinkageComponent` takes: index weekday (0 = Monday),
    columns ``"HH:MM"``, cells shrinkage fractions in [0, 1) (NaN where a weekday has no
    row at that time).

    Raises
    ------
    InputError
        A missing column, a weekday, time or fraction that is not one (naming the line and
        column), or a weekday and time given twice.
    """
    source = str(path)
    raw = read_raw_csv(path, source=source, text_columns=("time", "weekday"))
    frame, names = match_columns(raw, SHRINKAGE_PROFILE_COLUMNS, source=source)
    if frame.empty:
        raise InputError(
            "the shrinkage profile has no rows",
            source=source,
            fix="add rows: weekday, time, shrinkage_fraction",
        )
    weekday = parse_weekdays(frame["weekday"], source=source, column=names["weekday"])
    minute = parse_clock_minutes(frame["time"], source=source, column=names["time"])
    fraction = parse_numbers(
        frame["shrinkage_fraction"],
        source=source,
        column=names["shrinkage_fraction"],
        maximum=1.0,
    )
    raise_first(
        fraction >= 1.0,
        frame["shrinkage_fraction"],
        problem="shrinkage_fraction is 1: all paid time lost leaves no agent",
        source=source,
        column=names["shrinkage_fraction"],
        fix="give a fraction below 1, e.g. 0.3 (not a percentage)",
    )
    table = pd.DataFrame(
        {
            "weekday": weekday.to_numpy(),
            "time": [f"{m // 60:02d}:{m % 60:02d}" for m in minute],
            "shrinkage_fraction": fraction,
        },
        index=frame.index,
    )
    raise_first(
        table.duplicated(["weekday", "time"]).to_numpy(),
        frame["time"],
        problem="repeats the weekday and time of an earlier row",
        source=source,
        column=names["time"],
        fix="one row per weekday and time",
    )
    return table.pivot(index="weekday", columns="time", values="shrinkage_fraction")
