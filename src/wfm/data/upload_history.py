"""An uploaded interval history, as a planner brings it: column guesses from the file's
content, a preview of the file and of the mapped result, a queue name when the file has
none, and the AHT when it has no handle time (:mod:`wfm.data.handle_time`).

The app's Data page calls these; the CLI's equivalents are ``--map``, ``--queue`` and
``--aht-seconds``. Nothing here is saved: the page saves the :class:`~wfm.data.schemas.History`
that :func:`read_history_upload_with` returns, and only when it is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from wfm.data.column_matching import normalise_name
from wfm.data.handle_time import AhtAssumption, fill_missing_aht, queues_without_aht
from wfm.data.mapping import read_history_upload, read_upload, wfm_columns
from wfm.data.schemas import DEFAULT_QUEUE, History

#: Rows shown in the previews.
PREVIEW_ROWS = 5

#: Other names vendors and spreadsheets use for wfm's history columns (normalised).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "interval_start": (
        "datetime",
        "date_time",
        "timestamp",
        "interval",
        "interval start",
        "interval start utc date",
        "start",
        "start time",
        "period start",
    ),
    "queue": ("queue name", "queuename", "skill", "split", "service"),
    "offered": (
        "calls",
        "contacts",
        "volume",
        "incoming",
        "incomingcalls",
        "incomingcontactvolume",
        "calls offered",
        "contacts offered",
    ),
    "aht_seconds": ("aht", "averagehandletime", "average handle time"),
    "handled": ("answered", "answeredcalls", "contactshandled", "interactions handled"),
    "abandoned": ("abandons", "abandoned calls"),
    "total_handle_seconds": ("total handle time (seconds)", "total handle"),
}

_CLOCK_ONLY = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*$")
_HAS_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


def file_preview(data: bytes, name: str, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of an uploaded CSV, as text, for the page to show."""
    return read_upload(data, name).head(rows).astype("str")


def timestamp_kind(values: pd.Series) -> str:
    """``"datetime"`` (date and time), ``"clock"`` (a clock time only), ``"date"`` or ``"other"``
    for a column's sample values (the majority of its non-empty cells)."""
    text = values.dropna().astype("str").str.strip()
    text = text[text != ""]
    if text.empty:
        return "other"
    clock = text.str.match(_CLOCK_ONLY).mean()
    dated = text.str.contains(_HAS_DATE).to_numpy()
    timed = text.str.contains(_HAS_TIME).to_numpy()
    if clock > 0.5:
        return "clock"
    if (dated & timed).mean() > 0.5:
        return "datetime"
    if dated.mean() > 0.5:
        return "date"
    return "other"


def suggest_history_columns(sample: pd.DataFrame) -> dict[str, str | None]:
    """wfm history column -> file column, guessed from the names *and* the content.

    Names match ignoring case and spaces, then through :data:`SYNONYMS`. For
    ``interval_start`` a column with a full date and time wins over one holding only a
    clock time (the bank data's ``datetime`` over its clock-only ``interval_start``).

    Examples
    --------
    >>> sample = pd.DataFrame({"datetime": ["2003-01-06 07:00"], "interval_start": ["07:00"],
    ...                        "calls": ["12"]})
    >>> guess = suggest_history_columns(sample)
    >>> guess["interval_start"], guess["offered"]
    ('datetime', 'calls')
    """
    required, optional = wfm_columns("history")
    by_name: dict[str, str] = {}
    for column in sample.columns:
        by_name.setdefault(normalise_name(column), str(column))
    result: dict[str, str | None] = {}
    taken: set[str] = set()
    for target in (*required, *optional):
        candidates = [by_name[key] for key in (target, *SYNONYMS.get(target, ())) if key in by_name]
        candidates = [c for c in candidates if c not in taken]
        if target == "interval_start":
            full = [c for c in sample.columns if timestamp_kind(sample[c]) == "datetime"]
            ordered = [c for c in candidates if c in full] + [
                c for c in full if c not in candidates
            ]
            if ordered:
                candidates = ordered
        choice = candidates[0] if candidates else None
        if choice is not None:
            taken.add(choice)
        result[target] = choice
    return result


def read_history_upload_with(
    data: bytes,
    name: str,
    *,
    timezone: str,
    column_map: Mapping[str, str] | None = None,
    queue: str = DEFAULT_QUEUE,
    aht: AhtAssumption | None = None,
    interval_minutes: int | None = None,
    date_format: str | None = None,
) -> History:
    """Validate an uploaded history with a queue name for a file without a queue column and
    the user's AHT for queues without handle time (see :func:`~wfm.data.mapping.read_history_upload`)."""
    history = read_history_upload(
        data,
        name,
        timezone=timezone,
        column_map=column_map,
        interval_minutes=interval_minutes,
        default_queue=queue,
        date_format=date_format,
    )
    if aht is not None and not aht.empty:
        history = fill_missing_aht(history, aht)
    return history


def mapped_preview(history: History, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first rows of a validated history as wfm will store it (times as ISO 8601)."""
    head = history.frame.head(rows).copy()
    head["interval_start"] = head["interval_start"].map(lambda t: t.isoformat())
    return head


def needs_aht(history: History) -> list[str]:
    """Queues the user must give an AHT for before the history is saved."""
    return queues_without_aht(history)


def centre_for_history(centre, queues: Sequence[str], aht: AhtAssumption | None = None):
    """The centre with a queue added for each history queue it lacks (default targets) and the
    AHT given stored as the queues' ``aht_seconds`` (one value or per queue), so that the
    forecast and staffing find them; the centre itself when nothing changes."""
    from wfm.config import QueueConfig

    known = {q.name for q in centre.queues}
    result = list(centre.queues) + [QueueConfig(name=q) for q in queues if q not in known]
    if aht is not None:
        result = [
            q.model_copy(update={"aht_seconds": aht.by_queue.get(q.name, aht.aht_seconds)})
            if q.name in queues and aht.by_queue.get(q.name, aht.aht_seconds) is not None
            else q
            for q in result
        ]
    if result == list(centre.queues):
        return centre
    return centre.model_copy(update={"queues": tuple(result)})


def queue_choices(centre_queues: Sequence[str]) -> list[str]:
    """Queue names to offer for a file without a queue column: first the neutral
    :data:`~wfm.data.schemas.DEFAULT_QUEUE` (the CLI's default too, never one of the
    centre's queues picked for the user), then the centre's.

    >>> queue_choices(["sales", "support"])
    ['default', 'sales', 'support']
    """
    return [DEFAULT_QUEUE, *(q for q in centre_queues if q != DEFAULT_QUEUE)]


__all__ = [
    "PREVIEW_ROWS",
    "SYNONYMS",
    "centre_for_history",
    "file_preview",
    "mapped_preview",
    "needs_aht",
    "queue_choices",
    "read_history_upload_with",
    "suggest_history_columns",
    "timestamp_kind",
]
