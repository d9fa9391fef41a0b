"""User special days: closures, reduced hours, uplifts and outlier days.

A planner knows things the history does not: the centre closes for a staff event, opens
late on Christmas Eve, expects 30 % more calls the week a mailing lands, or had an
outage last month that should not teach the model anything. Special days are read from
a CSV with one row per date range:

``start_date,end_date,kind,factor,open,close,reason``

- ``kind``: ``closed`` (no intervals are forecast), ``reduced_hours`` (only intervals
  inside ``open``–``close``, local ``HH:MM``), ``uplift`` (volume × ``factor``) or
  ``outlier`` (only excluded from training);
- ``factor``: volume multiplier (default 1; ``reduced_hours`` may use it too);
- dates are local and inclusive; ``end_date`` defaults to ``start_date``.

Every special day in the history is left out of training (its volume is not typical),
and on forecast dates the kind is applied after modelling.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.limits import MAX_VOLUME_MULTIPLIER
from wfm.timegrid import parse_clock

logger = logging.getLogger(__name__)

#: Columns of the special-days CSV (``factor``, ``open``, ``close``, ``reason`` optional).
SPECIAL_DAY_COLUMNS = ("start_date", "end_date", "kind", "factor", "open", "close", "reason")

#: Kinds of special day.
SPECIAL_DAY_KINDS = ("closed", "reduced_hours", "uplift", "outlier")


@dataclass(frozen=True)
class SpecialDay:
    """One special date range (local dates, inclusive); see the module docstring."""

    start_date: dt.date
    end_date: dt.date
    kind: str
    factor: float = 1.0
    open_minute: int | None = None
    close_minute: int | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SPECIAL_DAY_KINDS:
            raise InputError(
                "unknown special-day kind",
                column="kind",
                value=self.kind,
                fix=f"use one of {', '.join(SPECIAL_DAY_KINDS)}",
            )
        if self.end_date < self.start_date:
            raise InputError(
                "special day ends before it starts", column="end_date", value=str(self.end_date)
            )
        if not (np.isfinite(self.factor) and 0 <= self.factor <= MAX_VOLUME_MULTIPLIER):
            raise InputError(
                f"special-day factor must be a number from 0 to {MAX_VOLUME_MULTIPLIER:g}",
                column="factor",
                value=self.factor,
                fix="write the factor as a plain number, e.g. 1.3 for 30 % more contacts",
            )
        if self.kind == "reduced_hours" and (
            self.open_minute is None
            or self.close_minute is None
            or self.close_minute <= self.open_minute
        ):
            raise InputError(
                "reduced_hours needs open and close times with close after open",
                column="open",
                value=(self.open_minute, self.close_minute),
                fix="give open and close as HH:MM, e.g. 09:00 and 13:00",
            )

    def covers(self, dates: np.ndarray) -> np.ndarray:
        """Boolean array: which local dates (datetime64[D]) fall in the range."""
        return (dates >= np.datetime64(self.start_date)) & (dates <= np.datetime64(self.end_date))


def read_special_days(path: str | Path) -> tuple[SpecialDay, ...]:
    """Read and check a special-days CSV (see the module docstring)."""
    source = str(path)
    from wfm.data.io import read_raw_csv

    # one CSV reader for every file: I/O, encoding, malformed rows and extra cells are
    # clear errors with the line (issue 15); cells stay text as the parser below expects
    frame = read_raw_csv(path, source=str(path), all_text=True).fillna("")
    return parse_special_days(frame, source=source)


def parse_special_days(frame: pd.DataFrame, source: str = "special days") -> tuple[SpecialDay, ...]:
    """Special days from a frame with the CSV's columns (text or typed values)."""
    columns = {str(name).strip().lower(): name for name in frame.columns}
    for required in ("start_date", "kind"):
        if required not in columns:
            raise InputError(
                f"special days have no '{required}' column",
                source=source,
                fix=f"columns: {','.join(SPECIAL_DAY_COLUMNS)}",
            )
    days: list[SpecialDay] = []
    seen: dict[tuple, int] = {}  # (start, end, kind) -> its line
    for position, row in enumerate(frame.to_dict("records")):
        line = position + 2

        def cell(name: str, row=row) -> str:
            value = row.get(columns.get(name, ""), "")
            return (
                ""
                if value is None or (isinstance(value, float) and np.isnan(value))
                else str(value).strip()
            )

        try:
            start = dt.date.fromisoformat(cell("start_date")[:10])
            end = dt.date.fromisoformat(cell("end_date")[:10]) if cell("end_date") else start
            factor = float(cell("factor")) if cell("factor") else 1.0
            days.append(
                SpecialDay(
                    start,
                    end,
                    cell("kind").lower(),
                    factor,
                    parse_clock(cell("open")) if cell("open") else None,
                    parse_clock(cell("close")) if cell("close") else None,
                    cell("reason"),
                )
            )
        except ValueError as error:
            raise InputError(
                f"bad special day: {error}",
                source=source,
                row=line,
                fix="dates as YYYY-MM-DD, factor a number",
            ) from None
        except InputError as error:
            raise error.at(source, line) from None
        _refuse_repeat(days, seen, source, line)
    return tuple(days)


def _refuse_repeat(days: list[SpecialDay], seen: dict, source: str, line: int) -> None:
    """The last row of ``days`` may not repeat an earlier row's dates and kind: two uplifts
    of one range multiply (1.3 twice is +69 %), which a copied row never meant. Ranges that
    only overlap are combined as documented (factors multiply, closed wins, reduced hours
    intersect)."""
    day = days[-1]
    key = (day.start_date, day.end_date, day.kind)
    if key in seen:
        raise InputError(
            f"special day repeats line {seen[key]} ({day.kind} from {day.start_date} to "
            f"{day.end_date})",
            source=source,
            row=line,
            column="start_date",
            value=str(day.start_date),
            fix="delete one of the two rows; for a larger uplift give one row the combined factor",
        )
    seen[key] = line


def training_mask(
    interval_start: pd.Series | pd.DatetimeIndex, special_days: tuple[SpecialDay, ...]
) -> np.ndarray:
    """Boolean array: ``True`` for history intervals outside every special day (local dates)."""
    dates = pd.DatetimeIndex(interval_start).tz_localize(None).to_numpy().astype("datetime64[D]")
    keep = np.ones(len(dates), dtype=bool)
    for day in special_days:
        keep &= ~day.covers(dates)
    return keep


def apply_special_days(
    forecast: pd.DataFrame, special_days: tuple[SpecialDay, ...]
) -> pd.DataFrame:
    """Apply special days to a forecast frame (local ``interval_start``, ``offered``).

    ``closed`` drops the dates' rows, ``reduced_hours`` drops the rows outside the hours,
    ``uplift`` (and a ``reduced_hours`` factor) multiplies ``offered``. The reason is
    written to the ``special_day`` column (empty elsewhere). Returns a new frame.
    """
    result = forecast.copy()
    if "special_day" not in result.columns:
        result["special_day"] = ""
    if not special_days or result.empty:
        return result
    local = pd.DatetimeIndex(result["interval_start"]).tz_localize(None)
    dates = local.to_numpy().astype("datetime64[D]")
    minutes = (local.hour * 60 + local.minute).to_numpy()
    keep = np.ones(len(result), dtype=bool)
    factor = np.ones(len(result))
    reason = result["special_day"].to_numpy(dtype=object)
    for day in special_days:
        hit = day.covers(dates)
        if not hit.any() or day.kind == "outlier":
            continue
        label = day.reason or day.kind
        if day.kind == "closed":
            keep &= ~hit
        elif day.kind == "reduced_hours":
            keep &= ~(hit & ((minutes < day.open_minute) | (minutes >= day.close_minute)))
        factor[hit] *= day.factor
        reason[hit] = label
        logger.info(
            "special day %s to %s (%s): %d intervals",
            day.start_date,
            day.end_date,
            label,
            int(hit.sum()),
        )
    result["special_day"] = reason
    result["offered"] = result["offered"].to_numpy(dtype=float) * factor
    return result[keep].reset_index(drop=True)
