"""The shift-demand file: agents wanted per day and shift type, instead of per interval.

Contract (see ``docs/data-formats.md``): a CSV with ``day``, ``shift_type`` and ``agents``,
one row per day and shift type:

- ``day``: a weekday ``mon`` .. ``sun`` (every such day of the horizon) or a local date
  ``YYYY-MM-DD`` (that date only; it overrides the weekday's row for that date);
- ``shift_type``: one of the centre's ``[[shift_types]]`` (a shift is of a type when its
  local start lies in the type's start window);
- ``agents``: agents wanted on a shift of that type that day [agents], a number ≥ 0.

"Mon early 12, Mon late 9, night 3" is ``mon,early,12`` / ``mon,late,9`` and a row
``mon,night,3`` (and one per further day). The rota model counts the shifts of each type
that start on each date and prices each agent short at
``scheduling.under_staffing_cost_per_agent_hour`` times the paid hours of the type's
longest shift that day (:mod:`wfm.scheduling.rules.shift_demand`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import check_known, check_not_empty, check_unique, parse_numbers, parse_text
from wfm.data.row_errors import file_lines, raise_first
from wfm.errors import InputError
from wfm.timegrid import weekday_index

logger = logging.getLogger(__name__)

#: Columns of the shift-demand file.
SHIFT_DEMAND_COLUMNS = ("day", "shift_type", "agents")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def read_shift_demand(path: str | Path, shift_types: Sequence[str]) -> pd.DataFrame:
    """Read and validate a shift-demand CSV.

    Parameters
    ----------
    path
        The CSV file.
    shift_types
        The centre's shift type names.

    Returns
    -------
    pandas.DataFrame
        Columns ``day`` (``mon`` .. ``sun`` or an ISO date, lower case), ``shift_type``,
        ``agents`` [agents] and ``line`` (line in the file).

    Raises
    ------
    InputError
        Missing column, empty cell, a day that is neither a weekday nor a date, an unknown
        shift type, a negative or non-numeric number of agents, or a day and shift type
        given twice (both lines named).
    """
    source = str(path)
    raw = read_raw_csv(path, source=source, text_columns=("day", "shift_type"))
    frame = validate_shift_demand_frame(raw, source=source, shift_types=shift_types)
    logger.info("%s: %d day and shift-type demands", source, len(frame))
    return frame


def validate_shift_demand_frame(
    frame: pd.DataFrame, source: str, shift_types: Sequence[str]
) -> pd.DataFrame:
    """Validate a raw shift-demand frame; see :func:`read_shift_demand`."""
    if not shift_types:
        raise InputError(
            "a shift-demand file needs the centre's shift types, and the centre file defines none",
            source=source,
            fix="add [[shift_types]] (name, start_from, start_until) to the centre file",
        )
    data, names = match_columns(frame, SHIFT_DEMAND_COLUMNS, source=source)
    check_not_empty(data, source, what="shift demand")
    day = parse_text(data["day"], source=source, column=names["day"]).str.strip().str.lower()
    valid_day = day.isin(WEEKDAYS).to_numpy() | day.map(_is_date).to_numpy(dtype=bool)
    raise_first(
        ~valid_day,
        data["day"],
        problem="not a weekday or a date",
        source=source,
        column=names["day"],
        fix="write a weekday mon..sun or a local date YYYY-MM-DD",
    )
    shift_type = parse_text(
        data["shift_type"], source=source, column=names["shift_type"]
    ).str.strip()
    check_known(
        shift_type,
        shift_types,
        data["shift_type"],
        problem="unknown shift type",
        source=source,
        column=names["shift_type"],
        fix=f"use one of the centre's shift types: {', '.join(shift_types)}",
    )
    agents = parse_numbers(data["agents"], source=source, column=names["agents"], minimum=0.0)
    result = pd.DataFrame(
        {
            "day": day.to_numpy(dtype=object),
            "shift_type": shift_type.to_numpy(dtype=object),
            "agents": agents.astype(float),
            "line": file_lines(data),
        }
    )
    check_unique(
        result,
        ["day", "shift_type"],
        source=source,
        file_names={"day": names["day"], "shift_type": names["shift_type"]},
        fix="keep one row per day and shift type",
    )
    return result


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def shift_demand_by_date(demand: pd.DataFrame, start_date: dt.date, n_days: int) -> pd.DataFrame:
    """The demand of each date of a horizon: weekday rows on each of their days, a date's own
    rows instead of its weekday's.

    Parameters
    ----------
    demand
        :func:`read_shift_demand`'s frame.
    start_date
        First local date of the horizon.
    n_days
        Days in the horizon [days].

    Returns
    -------
    pandas.DataFrame
        Columns ``day`` (index from ``start_date``), ``date``, ``shift_type``, ``agents``,
        ``line``, sorted by day and shift type; rows outside the horizon are left out.

    >>> frame = pd.DataFrame({"day": ["mon", "2025-06-09"], "shift_type": ["early"] * 2,
    ...                       "agents": [12.0, 3.0], "line": [2, 3]})
    >>> shift_demand_by_date(frame, dt.date(2025, 6, 2), 14)[["date", "agents"]].values.tolist()
    [[datetime.date(2025, 6, 2), 12.0], [datetime.date(2025, 6, 9), 3.0]]
    """
    rows = []
    dated = {
        (dt.date.fromisoformat(d), t): (a, line)
        for d, t, a, line in demand[["day", "shift_type", "agents", "line"]].itertuples(index=False)
        if d not in WEEKDAYS
    }
    weekly = demand[demand["day"].isin(WEEKDAYS)]
    for offset in range(n_days):
        date = start_date + dt.timedelta(days=offset)
        for d, t, a, line in weekly[["day", "shift_type", "agents", "line"]].itertuples(
            index=False
        ):
            if weekday_index(d) == date.weekday() and (date, t) not in dated:
                rows.append((offset, date, t, float(a), int(line)))
    for (date, t), (a, line) in dated.items():
        offset = (date - start_date).days
        if 0 <= offset < n_days:
            rows.append((offset, date, t, float(a), int(line)))
    frame = pd.DataFrame(rows, columns=["day", "date", "shift_type", "agents", "line"])
    return frame.sort_values(["day", "shift_type"], ignore_index=True).astype(
        {"day": np.int64, "agents": float, "line": np.int64}
    )


__all__ = [
    "SHIFT_DEMAND_COLUMNS",
    "read_shift_demand",
    "shift_demand_by_date",
    "validate_shift_demand_frame",
]
