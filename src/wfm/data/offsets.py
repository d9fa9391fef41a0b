"""A time zone from the UTC offsets a file carries, when no zone is given.

A file whose every timestamp carries one and the same UTC offset (``+02:00`` throughout) says
which fixed offset its site keeps, at least over the file's span. With no ``--timezone``
and no centre file, wfm uses that fixed offset (the IANA ``Etc/GMT-2`` for +02:00; ``UTC``
for +00:00) and says so, instead of planning UTC days or refusing. A fixed offset knows no
daylight saving: give the site's zone (``Europe/Berlin``) when the plan crosses a change.
Offsets that are not whole hours have no IANA fixed-offset name; such files still need a
zone.

A file may change offset only as daylight saving does (:func:`check_offsets`): each offset
holds for months, and the offsets of one series lie at most a daylight-saving change apart.
Rows from another time zone mixed in would make the grid look finer than it is, so they are
an error naming their first line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import normalise_name
from wfm.data.row_errors import file_line
from wfm.errors import InputError

logger = logging.getLogger(__name__)


_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def timezone_of_offsets(texts: Sequence[str] | pd.Series) -> str | None:
    """An IANA zone for timestamps that all carry one whole-hour UTC offset, else ``None``.

    A file written by wfm carries local time with its offset; when every row has the same
    offset (no daylight-saving change inside the file), writing in that fixed zone keeps
    the file's own local time. ``Etc/GMT-1`` is UTC+01:00 (POSIX signs are inverted).

    >>> timezone_of_offsets(["2026-06-01T08:00:00+01:00", "2026-06-01T08:15:00+01:00"])
    'Etc/GMT-1'
    >>> timezone_of_offsets(["2026-11-16T08:00:00+00:00"])
    'UTC'
    >>> timezone_of_offsets(["2026-03-28T08:00:00+00:00", "2026-03-30T08:00:00+01:00"]) is None
    True
    """
    offsets = {
        match.group(1) if (match := _OFFSET.search(str(text).strip())) else None for text in texts
    }
    if len(offsets) != 1 or None in offsets:
        return None
    (offset,) = offsets
    if offset == "Z":
        return "UTC"
    digits = offset.replace(":", "")
    hours, minutes = int(digits[1:3]), int(digits[3:5])
    if minutes:
        return None
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if digits[0] == '+' else '+'}{hours}"


def single_offset_zone(text: pd.Series, *, source: str | None = None) -> str | None:
    """The fixed-offset zone when every timestamp carries one and the same whole-hour offset
    (:func:`timezone_of_offsets`); ``None`` otherwise. Logs a warning that says which zone
    is used."""
    values = text.dropna()
    zone = timezone_of_offsets(values) if len(values) else None
    if zone is not None:
        sample = str(values.iloc[0]).strip()
        offset = "+00:00" if zone == "UTC" else sample[-6:]
        logger.warning(
            "%s: every timestamp carries UTC%s and no time zone was given: using that fixed "
            "offset (%s). Give the site's time zone (--timezone) if the plan crosses a "
            "daylight-saving change.",
            source or "file",
            offset if offset.startswith(("+", "-")) else "+00:00",
            zone,
        )
    return zone


def zone_from_file(
    path: str | Path,
    column: str,
    *,
    option: str = "--timezone",
    unreadable_zone: str | None = None,
) -> str:
    """The fixed-offset zone of a file's timestamp column, or an :class:`InputError` asking
    for the zone (see :func:`single_offset_zone`).

    A file that cannot be read or lacks ``column`` is an error too, unless
    ``unreadable_zone`` is given: then that zone is returned (for a caller whose own reader
    names the problem next)."""
    from wfm.data.io import read_raw_csv

    source = str(path)
    try:
        raw = read_raw_csv(path, source=source, text_columns=(column,))
    except InputError:
        if unreadable_zone is None:
            raise
        return unreadable_zone
    names = [c for c in raw.columns if normalise_name(c) == column]
    if not names and unreadable_zone is not None:
        return unreadable_zone
    zone = single_offset_zone(raw[names[0]], source=source) if names else None
    if zone is None:
        raise InputError(
            "the time zone is unknown: the timestamps do not all carry one whole-hour UTC offset",
            source=source,
            column=column,
            fix=f"give {option} Europe/London (the site's IANA zone) or --centre centre.toml",
        )
    return zone


#: Shortest stretch of one UTC offset between two others [days]: daylight saving lasts months.
MIN_OFFSET_RUN_DAYS = 7

_OFFSET_SUFFIX = r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$"


def check_offsets(
    text: pd.Series,
    parsed: pd.Series,
    *,
    source: str | None,
    column: str,
    order_key: pd.Series | None = None,
    codes: np.ndarray | None = None,
    raw: pd.Series | None = None,
    other_zones_allowed: bool = False,
) -> None:
    """Raise :class:`InputError` when UTC offsets change other than as daylight saving does.

    Unless ``other_zones_allowed``, offsets of one series further apart than any
    daylight-saving change are an error too (:func:`_check_offset_spread`).

    A file may switch offset when the clocks change (``+00:00`` in winter, ``+01:00`` in
    summer), so each offset holds for months. A few rows with another offset in the middle
    of the file (an export that mixed sites or time zones) would make the grid look finer
    than it is, so an offset that holds for less than :data:`MIN_OFFSET_RUN_DAYS` days
    between two stretches of another is an error naming its first row.
    """
    # Work on the few distinct endings, not on every row (a history has millions of rows).
    # With ``codes``, ``text`` holds the distinct texts and row i has text[codes[i]].
    ending_codes, endings = pd.factorize(text.str[-6:])
    codes = ending_codes if codes is None else ending_codes[codes]
    raw = text if raw is None else raw
    if len(endings) <= 1:
        return
    parts = pd.Series(endings, dtype=object).astype(str).str.extract(_OFFSET_SUFFIX)
    sign = np.where(parts["sign"].to_numpy() == "-", -1.0, 1.0)
    by_ending = (
        parts["hours"].astype(float).to_numpy() * 60 + parts["minutes"].astype(float).to_numpy()
    ) * sign
    by_ending = np.where(
        pd.Series(endings).astype(str).str.upper().str.endswith("Z"), 0.0, by_ending
    )
    if np.unique(by_ending[~np.isnan(by_ending)]).size <= 1:
        return
    minutes = by_ending[codes]
    table = pd.DataFrame(
        {
            "key": order_key.to_numpy() if order_key is not None else 0,
            "instant": parsed.array,  # tz-aware as it is (to_numpy makes Timestamp objects)
            "offset": minutes,
            "position": np.arange(len(raw)),
        }
    ).sort_values(["key", "instant"], kind="stable")
    # A repeated instant is reported by the duplicate check, which names both lines.
    table = table[~table.duplicated(["key", "instant"], keep=False).to_numpy()]
    if not other_zones_allowed:
        _check_offset_spread(table, raw, source=source, column=column)
    new_run = (table["offset"] != table["offset"].shift()) | (table["key"] != table["key"].shift())
    table["run"] = new_run.cumsum().to_numpy()
    runs = table.groupby("run", sort=True).agg(
        key=("key", "first"),
        first=("instant", "min"),
        last=("instant", "max"),
        position=("position", "first"),
        rows=("position", "size"),
    )
    inner = (runs["key"] == runs["key"].shift()) & (runs["key"] == runs["key"].shift(-1))
    short = inner & ((runs["last"] - runs["first"]) < pd.Timedelta(days=MIN_OFFSET_RUN_DAYS))
    if not short.any():
        return
    run = runs[short].iloc[0]
    position = int(run["position"])
    raise _other_zone_error(
        f"{column} changes UTC offset for only {int(run['rows'])} row(s) from this line, then "
        f"changes back; offsets may change only when the clocks change "
        f"({int(short.sum())} such stretch{'es' if short.sum() > 1 else ''} in the file)",
        raw,
        position,
        source=source,
        column=column,
    )


#: Largest difference between the UTC offsets of one series [minutes]: daylight saving moves
#: clocks by an hour (two at the most, e.g. Antarctica/Troll), never by more.
MAX_DST_SHIFT_MINUTES = 120


def _check_offset_spread(
    table: pd.DataFrame, raw: pd.Series, *, source: str | None, column: str
) -> None:
    """Raise :class:`InputError` when one series (``key``) carries UTC offsets further apart
    than any daylight-saving change (:data:`MAX_DST_SHIFT_MINUTES`): rows from another time
    zone, wherever they stand in the file (at its start or end as well as in the middle).
    The first line (in file order) whose offset is further than a daylight-saving change
    from the series' most common one is named; rows at the other daylight-saving offset are
    not counted."""
    spread = table.groupby("key", sort=False)["offset"].agg(["min", "max"])
    wide = spread[(spread["max"] - spread["min"]) > MAX_DST_SHIFT_MINUTES]
    if wide.empty:
        return
    rows = table[table["key"] == wide.index[0]]
    distance = (rows["offset"] - rows["offset"].mode().iloc[0]).abs()
    odd = rows[distance > MAX_DST_SHIFT_MINUTES]
    if odd.empty:  # e.g. +01:00 usual, +00:00 and +03:00 beside it: name the farthest
        odd = rows[distance == distance.max()]
    first = odd["position"].idxmin()
    position = int(odd.loc[first, "position"])
    hours = float(distance.loc[first]) / 60
    raise _other_zone_error(
        f"{column} carries UTC offsets {hours:g} hours apart in one series ({len(odd)} row(s) "
        f"differ from the usual offset); daylight saving moves clocks by at most "
        f"{MAX_DST_SHIFT_MINUTES // 60} hours, so these rows come from another time zone",
        raw,
        position,
        source=source,
        column=column,
    )


def _other_zone_error(
    problem: str, raw: pd.Series, position: int, *, source: str | None, column: str
) -> InputError:
    """The error for rows whose UTC offset comes from another time zone, naming the row at
    ``position`` of ``raw``."""
    return InputError(
        problem,
        source=source,
        row=file_line(raw, position),
        column=column,
        value=raw.iloc[position],
        fix="export every timestamp in the site's time zone (or all in UTC), or remove the rows "
        "from the other site",
    )


__all__ = [
    "MAX_DST_SHIFT_MINUTES",
    "MIN_OFFSET_RUN_DAYS",
    "check_offsets",
    "single_offset_zone",
    "timezone_of_offsets",
    "zone_from_file",
]
