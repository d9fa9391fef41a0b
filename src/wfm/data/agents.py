"""The agents file: who can be rostered, on which contract, for which queues.

Contract (see ``docs/data-formats.md``): a CSV with ``agent_id``, ``name``, ``team``,
``contract`` and ``queues``; ``queues`` lists the agent's skills separated by ``|`` (or
``;``), e.g. ``sales|service``. Column names match case-insensitively. ``name`` and
``team`` may be left out of a pseudonymised file (the name then defaults to the id and
the team to ``default``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.config import Centre
from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import (
    check_known,
    check_not_empty,
    check_unique,
    clean_label,
    parse_text,
    reject_control_characters,
)
from wfm.data.row_errors import raise_first
from wfm.data.schemas import AGENT_COLUMNS, Agent

logger = logging.getLogger(__name__)

#: Separators between queue names in the ``queues`` column.
QUEUE_SEPARATORS = ("|", ";")

#: Team of agents in a file without a ``team`` column.
DEFAULT_TEAM = "default"

_SPLIT = re.compile("|".join(re.escape(separator) for separator in QUEUE_SEPARATORS))
_REQUIRED = ("agent_id", "contract", "queues")


def read_agents(
    path: str | Path,
    centre: Centre | None = None,
    *,
    sheet: str | None = None,
    sheet_option: str = "agents_sheet =",
) -> list[Agent]:
    """Read and validate an agents CSV.

    Parameters
    ----------
    path
        The CSV file. Every cell is read as text, so ids such as ``007`` keep their zeros.
    centre
        If given, every contract and queue must be defined in it.
    sheet, sheet_option
        The sheet of an ``.xlsx`` workbook to read (default the first) and how the user
        chooses it (the centre file's ``agents_sheet``), named when the first sheet has no
        data or not the agents columns.

    Returns
    -------
    list of Agent
        In file order.

    Raises
    ------
    InputError
        Missing column, empty or repeated ``agent_id``, empty ``queues``, or a contract or
        queue the centre does not define; the message names the line, value and the
        known names.
    """
    source = str(path)
    raw = read_raw_csv(
        path, source=source, text_columns=AGENT_COLUMNS, sheet=sheet, sheet_option=sheet_option
    )
    agents = validate_agents_frame(raw, source=source, centre=centre)
    logger.info("%s: %d agents", source, len(agents))
    return agents


def validate_agents_frame(
    frame: pd.DataFrame, source: str, centre: Centre | None = None
) -> list[Agent]:
    """Validate a raw agents frame (read from a CSV or uploaded) into :class:`Agent` objects.

    Row ``i`` of ``frame`` (by position) is taken to be line ``i + 2`` of the file; the
    frame is not modified. See :func:`read_agents`.
    """
    data, names = match_columns(frame, _REQUIRED, ("name", "team"), source=source)
    check_not_empty(data, source, what="agent")
    agent_id = parse_text(data["agent_id"], source=source, column=names["agent_id"])
    check_unique(
        pd.DataFrame({"agent_id": agent_id}),
        ["agent_id"],
        source=source,
        file_names=names,
        fix="give every agent a distinct agent_id",
    )
    contract = parse_text(
        data["contract"],
        source=source,
        column=names["contract"],
        fix="give every agent the name of a contract",
    )
    for column, values in (("agent_id", agent_id), ("contract", contract)):
        reject_control_characters(values, data[column], source=source, column=names[column])
    reject_control_characters(
        data["queues"].astype("str").where(data["queues"].notna(), ""),
        data["queues"],
        source=source,
        column=names["queues"],
    )
    name = _optional_text(data, "name", default=agent_id)
    team = _optional_text(data, "team", default=pd.Series(DEFAULT_TEAM, index=data.index))

    queue_text = data["queues"].astype("str").where(data["queues"].notna(), "")
    queue_lists = [
        tuple(dict.fromkeys(part.strip() for part in _SPLIT.split(text) if part.strip()))
        for text in queue_text
    ]
    raise_first(
        np.array([not queues for queues in queue_lists]),
        data["queues"],
        problem="the agent has no queues",
        source=source,
        column=names["queues"],
        fix=f"list the queues the agent handles, separated by '{QUEUE_SEPARATORS[0]}', e.g. sales|service",
    )

    if centre is not None:
        known_contracts = [item.name for item in centre.contracts]
        check_known(
            contract,
            known_contracts,
            data["contract"],
            problem="unknown contract",
            source=source,
            column=names["contract"],
            fix=f"use a contract defined in the centre file ({', '.join(known_contracts) or 'none defined: add [[contracts]]'})",
        )
        known_queues = [item.name for item in centre.queues]
        first_unknown = [
            next((queue for queue in queues if queue not in known_queues), None)
            for queues in queue_lists
        ]
        raise_first(
            np.array([queue is not None for queue in first_unknown]),
            np.array(first_unknown, dtype=object),
            problem="unknown queue",
            source=source,
            column=names["queues"],
            fix=f"use queues defined in the centre file ({', '.join(known_queues)})",
        )

    return [
        Agent(agent_id=a, name=n, team=t, contract=c, queues=q)
        for a, n, t, c, q in zip(agent_id, name, team, contract, queue_lists, strict=True)
    ]


def agent_and_kind(
    data: pd.DataFrame,
    names: Mapping[str, str],
    kinds: Sequence[str],
    agent_ids: Iterable[str] | None,
    *,
    source: str | None,
    what: str,
    kinds_fix: str | None = None,
) -> tuple[pd.Series, pd.Series]:
    """The ``agent_id`` and ``kind`` columns of a file of per-agent entries (availability,
    preferences), checked: at least one row of ``what``; both filled in (trimmed text); the
    kind, lower-cased, one of ``kinds`` (``kinds_fix``: the fix named when not, default
    ``use one of`` them); the agent one of ``agent_ids`` (the agents file's) when given.

    ``data`` and ``names`` are as :func:`~wfm.data.column_matching.match_columns` returns
    them (the columns found, and each one's name in the file for messages).
    """
    check_not_empty(data, source, what=what)
    agent_id = parse_text(data["agent_id"], source=source, column=names["agent_id"])
    kind = parse_text(data["kind"], source=source, column=names["kind"]).str.lower()
    check_known(
        kind,
        kinds,
        data["kind"],
        problem="unknown kind",
        source=source,
        column=names["kind"],
        fix=kinds_fix,
    )
    if agent_ids is not None:
        check_known(
            agent_id,
            agent_ids,
            data["agent_id"],
            problem="unknown agent",
            source=source,
            column=names["agent_id"],
            fix="use an agent_id from the agents file",
        )
    return agent_id, kind


def _optional_text(data: pd.DataFrame, column: str, default: pd.Series) -> pd.Series:
    """Text of an optional column as :func:`~wfm.data.parsing.clean_label` keeps it (control
    characters made spaces, trimmed); empty cells (or a missing column) take ``default``."""
    if column not in data:
        return default.astype("str")
    text = clean_label(data[column])
    empty = data[column].isna() | (text == "")
    return text.where(~empty, default.astype("str"))


__all__ = [
    "DEFAULT_TEAM",
    "QUEUE_SEPARATORS",
    "agent_and_kind",
    "read_agents",
    "validate_agents_frame",
]
