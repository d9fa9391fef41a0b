"""Planner overrides: adjust the modelled forecast, and keep a record of it.

An override is a row ``queue,start,end,multiplier,value,reason``: over the intervals of
``queue`` (empty or ``*`` for every queue) starting in ``[start, end)`` (local date-times
``YYYY-MM-DD HH:MM`` or dates; a date as ``end`` includes that whole day), the forecast is
multiplied by ``multiplier`` or replaced by ``value`` [contacts per interval] — exactly one
of them. Overrides are applied after modelling, in file order; the output keeps the
modelled value in ``offered_before_override`` and the reason in ``override``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.limits import MAX_CONTACTS_PER_INTERVAL, MAX_VOLUME_MULTIPLIER

logger = logging.getLogger(__name__)

#: Columns of the overrides CSV.
OVERRIDE_COLUMNS = ("queue", "start", "end", "multiplier", "value", "reason")


def read_overrides(path: str | Path) -> pd.DataFrame:
    """Read an overrides CSV into a checked frame (:func:`check_overrides`)."""
    from wfm.data.io import read_raw_csv

    # one CSV reader for every file: I/O, encoding, malformed rows and extra cells are
    # clear errors with the line (issue 15); cells stay text as the parser below expects
    frame = read_raw_csv(path, source=str(path), all_text=True).fillna("")
    return check_overrides(frame, source=str(path))


def check_overrides(frame: pd.DataFrame, source: str = "overrides") -> pd.DataFrame:
    """Overrides with parsed columns: ``queue`` (text, ``*`` for all), naive local ``start`` and
    ``end``, float ``multiplier`` and ``value`` (NaN where not given), ``reason`` text.

    Raises
    ------
    InputError
        Naming the line for an unreadable time, an end not after the start, a row with
        neither or both of multiplier and value, or a negative number.
    """
    columns = {str(name).strip().lower(): name for name in frame.columns}
    missing = [name for name in ("start", "end") if name not in columns]
    if missing or not ({"multiplier", "value"} & set(columns)):
        raise InputError(
            "overrides need start, end and a multiplier or value column",
            source=source,
            fix=f"columns: {','.join(OVERRIDE_COLUMNS)}",
        )

    def column(name: str) -> pd.Series:
        if name in columns:
            return (
                frame[columns[name]]
                .astype(object)
                .where(frame[columns[name]].notna(), "")
                .astype(str)
                .str.strip()
            )
        return pd.Series("", index=frame.index)

    rows = []
    for position, (queue, start, end, multiplier, value, reason) in enumerate(
        zip(*(column(name) for name in OVERRIDE_COLUMNS), strict=True)
    ):
        line = position + 2
        try:
            start_time = pd.Timestamp(start)
            end_time = pd.Timestamp(end)
            if len(end) <= 10:  # a date: the whole day
                end_time += pd.Timedelta(days=1)
            numbers = [float(text) if text else np.nan for text in (multiplier, value)]
        except ValueError as error:
            raise InputError(
                f"bad override: {error}",
                source=source,
                row=line,
                fix="times as YYYY-MM-DD HH:MM, numbers as 1.2",
            ) from None
        if start_time.tzinfo is not None or end_time.tzinfo is not None:
            start_time, end_time = start_time.tz_localize(None), end_time.tz_localize(None)
        if not end_time > start_time:
            raise InputError(
                "override ends before it starts", source=source, row=line, column="end", value=end
            )
        given = [not np.isnan(number) for number in numbers]
        if sum(given) != 1:
            raise InputError(
                "give exactly one of multiplier and value",
                source=source,
                row=line,
                column="multiplier",
            )
        for name, number, maximum in zip(
            ("multiplier", "value"),
            numbers,
            (MAX_VOLUME_MULTIPLIER, MAX_CONTACTS_PER_INTERVAL),
            strict=True,
        ):
            if not np.isnan(number) and not 0 <= number <= maximum:
                raise InputError(
                    f"override {name} must be 0 or more and at most {maximum:g}",
                    source=source,
                    row=line,
                    column=name,
                    value=number,
                    fix="write a plain number, e.g. 1.2 (multiplier) or 40 (contacts)",
                )
        rows.append((queue or "*", start_time, end_time, *numbers, reason or "override"))
    return pd.DataFrame(rows, columns=list(OVERRIDE_COLUMNS))


def apply_overrides(forecast: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of ``forecast`` with the overrides applied and recorded.

    Adds (or keeps) ``offered_before_override`` [contacts] and ``override`` (the reasons,
    joined by ``"; "`` when several apply; empty elsewhere). Intervals are matched on
    their local wall-clock start.
    """
    result = forecast.copy()
    if "offered_before_override" not in result.columns:
        result["offered_before_override"] = result["offered"].astype(float)
        result["override"] = ""
    if overrides is None or overrides.empty or result.empty:
        return result
    overrides = check_overrides(overrides)  # idempotent: also checks typed or edited tables
    local = pd.DatetimeIndex(result["interval_start"]).tz_localize(None)
    offered = result["offered"].to_numpy(dtype=float).copy()
    reasons = result["override"].to_numpy(dtype=object).copy()
    queues = result["queue"].to_numpy(dtype=object)
    for row in overrides.itertuples(index=False):
        hit = (local >= row.start) & (local < row.end)
        if row.queue not in ("*", ""):
            hit &= queues == row.queue
        if not hit.any():
            logger.warning(
                "override '%s' (%s, %s to %s) matches no forecast interval",
                row.reason,
                row.queue,
                row.start,
                row.end,
            )
            continue
        offered[hit] = offered[hit] * row.multiplier if not np.isnan(row.multiplier) else row.value
        reasons[hit] = [f"{old}; {row.reason}" if old else row.reason for old in reasons[hit]]
    result["offered"] = offered
    result["override"] = reasons
    return result
