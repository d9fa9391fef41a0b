"""The canonical per-contact record: its columns, outcomes and limits, the tally of rows a
contact import excludes (:class:`ContactProblems`) and the good contacts it keeps
(:class:`ContactArrays`).

Vendor layouts (:mod:`wfm.data.vendors`) map an export onto these columns,
:mod:`wfm.data.contact_checks` checks them row by row, :mod:`wfm.data.contacts` reads a
file in chunks and :mod:`wfm.data.contact_history` counts the contacts into the interval
history.

Canonical contact (the generic layout's column names):

==========================  ==========  ====================================================
column                      unit        meaning
==========================  ==========  ====================================================
``arrival_time``            ISO 8601    arrival at the queue (after any IVR); required
``queue``                   text        queue name (default: ``--queue``)
``outcome``                 text        answered / abandoned / not counted (mappable values)
``contact_id``              text        unique id; repeats are excluded
``wait_seconds``            s           queue entry to answer (or to abandon)
``answer_time``             ISO 8601    answer instant (wait = answer - arrival)
``end_time``                ISO 8601    end of the conversation (talk = end - answer)
``talk_seconds``            s           talk time
``hold_seconds``            s           hold time
``wrap_seconds``            s           after-contact work
``handle_seconds``          s           talk + hold + wrap, when given as one number
``agent_id`` ...            text        optional: agent, customer, satisfaction, category,
                                        channel (kept for quality-of-service analyses)
==========================  ==========  ====================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.data.chunked_csv import line_at
from wfm.data.column_matching import normalise_name
from wfm.errors import InputError

#: Canonical contact columns (see the module docstring).
CONTACT_COLUMNS = (
    "arrival_time",
    "queue",
    "outcome",
    "contact_id",
    "wait_seconds",
    "answer_time",
    "end_time",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "handle_seconds",
    "agent_id",
    "customer_id",
    "satisfaction_score",
    "category",
    "channel",
)
#: Optional per-contact details, read only for quality-of-service analyses.
EXTRA_COLUMNS = ("agent_id", "customer_id", "satisfaction_score", "category", "channel")
#: Timestamp columns of the canonical contact.
TIME_COLUMNS = ("arrival_time", "answer_time", "end_time")
#: Duration columns of the canonical contact [s].
DURATION_COLUMNS = (
    "wait_seconds",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "handle_seconds",
)

#: Outcome codes kept per contact.
ANSWERED, ABANDONED, NOT_COUNTED = 0, 1, 2
OUTCOMES = {"answered": ANSWERED, "abandoned": ABANDONED, "not_counted": NOT_COUNTED}

#: Outcome values understood without a mapping (compared trimmed and lower-cased).
DEFAULT_OUTCOME_VALUES = {
    "answered": "answered",
    "handled": "answered",
    "completed": "answered",
    "connected": "answered",
    "answer": "answered",
    "abandoned": "abandoned",
    "abandon": "abandoned",
    "abandoned in queue": "abandoned",
    "queue abandon": "abandoned",
    "not_counted": "not_counted",
    "not counted": "not_counted",
    "ivr": "not_counted",
    "ivr only": "not_counted",
    "outbound": "not_counted",
    "short abandon": "not_counted",
}

#: Longest plausible handle time [s] (8 hours).
MAX_HANDLE_SECONDS = 8 * 3600.0
#: Examples kept per kind of problem.
EXAMPLES_PER_PROBLEM = 3


@dataclass
class ContactProblems:
    """Rows excluded from a contact import, by kind, with a few examples each.

    ``counts[kind]`` is the number of rows excluded for that kind (a row is counted under its
    first problem only); ``examples[kind]`` holds up to :data:`EXAMPLES_PER_PROBLEM` dicts
    with ``line`` (1-based, header = 1), ``column`` (as in the file), ``value`` and ``fix``.
    """

    source: str
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    fixes: dict[str, str] = field(default_factory=dict)
    #: Good rows that are not offered contacts (IVR-only, outbound): left out, not a problem.
    not_counted: int = 0

    @property
    def total(self) -> int:
        """Rows excluded [contacts]."""
        return sum(self.counts.values())

    def add(
        self,
        kind: str,
        mask: np.ndarray,
        *,
        first_line: int | np.ndarray,
        column: str,
        values: pd.Series | np.ndarray,
        fix: str,
    ) -> None:
        """Record the rows of one chunk where ``mask`` is true (0-based positions in the chunk)."""
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        self.counts[kind] = self.counts.get(kind, 0) + count
        self.fixes.setdefault(kind, fix)
        examples = self.examples.setdefault(kind, [])
        for position in np.flatnonzero(mask)[: max(EXAMPLES_PER_PROBLEM - len(examples), 0)]:
            value = values.iloc[position] if isinstance(values, pd.Series) else values[position]
            if isinstance(value, np.generic):
                value = value.item()
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                value = ""
            if isinstance(value, str) and len(value) > 80:  # a short excerpt, never a whole cell
                value = value[:77] + "..."
            examples.append(
                {
                    "line": line_at(first_line, position),
                    "column": column,
                    "value": value,
                    "fix": fix,
                }
            )

    def lines(self) -> list[str]:
        """One line per kind of problem: count, examples and fix."""
        result = []
        for kind, count in sorted(self.counts.items(), key=lambda item: -item[1]):
            shown = "; ".join(
                f"line {example['line']}, column '{example['column']}', value {example['value']!r}"
                for example in self.examples.get(kind, ())
            )
            result.append(
                f"{self.source}: {count:,} row(s) excluded: {kind} (e.g. {shown}). "
                f"Fix: {self.fixes[kind]}"
            )
        return result

    def table(self) -> pd.DataFrame:
        """One row per example: ``problem, rows_excluded, line, column, value, fix``."""
        rows = [
            {"problem": kind, "rows_excluded": self.counts[kind]} | example
            for kind in self.counts
            for example in self.examples.get(kind, ())
        ]
        return pd.DataFrame(
            rows, columns=["problem", "rows_excluded", "line", "column", "value", "fix"]
        )


@dataclass
class ContactArrays:
    """The good contacts of a file, one entry each, in file order (numpy arrays).

    Attributes
    ----------
    arrival_ms
        Arrival at the queue [ms since 1970-01-01 UTC].
    queue_code
        Index into ``queues``.
    outcome
        :data:`ANSWERED`, :data:`ABANDONED` or :data:`NOT_COUNTED`.
    wait_seconds
        Queue entry to answer (answered) or to hang-up (abandoned) [s]; NaN if unknown.
    handle_seconds
        Talk + hold + wrap [s] of answered contacts; NaN otherwise.
    line
        File line of each contact (header = 1).
    """

    arrival_ms: np.ndarray
    queue_code: np.ndarray
    outcome: np.ndarray
    wait_seconds: np.ndarray
    handle_seconds: np.ndarray
    line: np.ndarray
    queues: list[str]
    timezone: str
    extras: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.arrival_ms)


def outcome_values(outcome_map: Mapping[str, str] | None) -> dict[str, str]:
    """The outcome vocabulary: :data:`DEFAULT_OUTCOME_VALUES` with ``outcome_map`` on top.

    ``outcome_map`` maps a file value to ``answered``, ``abandoned`` or ``not_counted``
    (``--outcome VALUE=answered``); an unknown target is an :class:`InputError`.
    """
    result = dict(DEFAULT_OUTCOME_VALUES)
    for value, target in (outcome_map or {}).items():
        key = normalise_name(target).replace(" ", "_")
        if key not in OUTCOMES:
            raise InputError(
                "an outcome mapping names an unknown outcome",
                option="--outcome",
                value=f"{value}={target}",
                fix="map file values to answered, abandoned or not_counted, e.g. --outcome TIMEOUT=abandoned",
            )
        result[normalise_name(value)] = key
    return result


__all__ = [
    "ABANDONED",
    "ANSWERED",
    "CONTACT_COLUMNS",
    "DEFAULT_OUTCOME_VALUES",
    "DURATION_COLUMNS",
    "EXAMPLES_PER_PROBLEM",
    "EXTRA_COLUMNS",
    "MAX_HANDLE_SECONDS",
    "NOT_COUNTED",
    "OUTCOMES",
    "TIME_COLUMNS",
    "ContactArrays",
    "ContactProblems",
    "outcome_values",
]
