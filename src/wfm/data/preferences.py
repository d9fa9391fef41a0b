"""The preferences file: soft wishes of agents about their shifts.

Contract (see ``docs/data-formats.md``): a CSV with ``agent_id``, ``kind``, ``value`` and
an optional ``weight`` (default 1), one row per preference:

- ``day_off`` with a weekday ``mon`` .. ``sun``: no shift starting on that weekday;
- ``start_after`` with a local time ``HH:MM``: shifts start at or after it;
- ``start_before`` with a local time ``HH:MM``: shifts start at or before it.

Each shift that breaks a preference costs ``weight`` times
``scheduling.preference_cost`` in the rota objective
(:func:`wfm.scheduling.model.add_preference_penalty`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.io import (
    check_not_empty,
    match_columns,
    parse_numbers,
    parse_text,
    raise_first,
    read_raw_csv,
)
from wfm.data.schemas import PREFERENCE_COLUMNS, PREFERENCE_KINDS, PREFERENCE_OPTIONAL
from wfm.errors import InputError
from wfm.timegrid import parse_clock, weekday_index

logger = logging.getLogger(__name__)

#: Weight of a preference without one.
DEFAULT_WEIGHT = 1.0


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
        ``day_off``, minutes after local midnight otherwise) and ``weight`` [≥ 0].

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
    check_not_empty(data, source, what="preference")
    agent_id = parse_text(data["agent_id"], source=source, column=names["agent_id"])
    kind = parse_text(data["kind"], source=source, column=names["kind"]).str.lower()
    raise_first(
        ~kind.isin(PREFERENCE_KINDS).to_numpy(),
        data["kind"],
        problem="unknown kind",
        source=source,
        column=names["kind"],
        fix=f"use one of {', '.join(PREFERENCE_KINDS)}",
    )
    if agent_ids is not None:
        raise_first(
            ~agent_id.isin(set(agent_ids)).to_numpy(),
            data["agent_id"],
            problem="unknown agent",
            source=source,
            column=names["agent_id"],
            fix="use an agent_id from the agents file",
        )
    text = parse_text(data["value"], source=source, column=names["value"])
    values = []
    for position, (k, v) in enumerate(zip(kind, text, strict=True)):
        try:
            values.append(weekday_index(v) if k == "day_off" else parse_clock(v, what="value"))
        except InputError:
            fix = (
                "use a weekday mon..sun"
                if k == "day_off"
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
            data["weight"], source=source, column=names["weight"], allow_missing=True, minimum=0.0
        )
        weight = np.where(np.isnan(weight), DEFAULT_WEIGHT, weight)
    else:
        weight = np.full(len(data), DEFAULT_WEIGHT)
    return pd.DataFrame(
        {
            "agent_id": agent_id.to_numpy(dtype=object),
            "kind": kind.to_numpy(dtype=object),
            "value": np.array(values, dtype=np.int64),
            "weight": weight.astype(float),
        }
    )


__all__ = ["DEFAULT_WEIGHT", "read_preferences", "validate_preferences_frame"]
