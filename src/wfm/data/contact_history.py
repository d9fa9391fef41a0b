"""Per-contact records -> interval history and mean patience.

:func:`import_contacts` reads a contact export (:mod:`wfm.data.contacts`, in chunks) and
counts each offered contact in the interval of its **arrival at the queue** (local interval
grid, so a daylight-saving day has 23 or 25 hours of intervals), per queue:

- ``offered`` = answered + abandoned (contacts not offered to a queue are left out);
- ``handled`` = answered; ``abandoned``;
- ``answered_within_threshold`` = answered with wait <= T, ``abandoned_within_threshold``
  = abandoned with wait <= T, T the queue's answer threshold [s];
- ``total_handle_seconds`` = sum of talk + hold + wrap of the answered contacts;
  ``total_wait_seconds`` = sum of the waits of the answered contacts (ASA = total / handled);
- ``aht_seconds`` = total_handle_seconds / handled (empty where nothing was handled).

Between the first and the last contact of a day on a queue, an interval without contacts is
written with 0 (a quiet interval, not a missing one).

Mean patience for Erlang A (:func:`estimate_patience_seconds`): with exponential patience of
rate θ, the maximum-likelihood estimate from censored waits is θ̂ = abandonments / Σ waiting
time of all queued contacts (answered and abandoned), so the mean patience is
Σ waits / abandonments [s]. References: Garnett, Mandelbaum & Reiman (2002), "Designing a
call center with impatient customers", M&SOM 4(3); Brown et al. (2005), "Statistical analysis
of a telephone call center", JASA 100(469).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.chunked_csv import CHUNK_ROWS
from wfm.data.contact_schema import ABANDONED, ANSWERED, ContactArrays, ContactProblems
from wfm.data.contacts import read_contacts
from wfm.data.schemas import DEFAULT_QUEUE, HISTORY_COUNT_COLUMNS, History
from wfm.progress import ProgressCallback, scaled
from wfm.timegrid import check_interval_minutes

logger = logging.getLogger(__name__)

#: Answer threshold [s] of a queue the caller gives none for (the common 80/20 target's T).
DEFAULT_ANSWER_THRESHOLD_SECONDS = 20.0
#: Below this share of abandoned contacts the patience estimate is flagged as unreliable.
MIN_ABANDON_FRACTION_FOR_PATIENCE = 0.01

#: Column order of the history written from contacts.
CONTACT_HISTORY_COLUMNS = (
    ("interval_start", "queue")
    + HISTORY_COUNT_COLUMNS
    + ("total_handle_seconds", "total_wait_seconds", "aht_seconds")
)


@dataclass(frozen=True)
class ContactImport:
    """Result of :func:`import_contacts`.

    Attributes
    ----------
    history
        The interval history (columns :data:`CONTACT_HISTORY_COLUMNS`).
    patience
        One row per queue: ``queue, offered, abandoned, total_wait_seconds_all,
        patience_seconds, reliable`` (see :func:`estimate_patience_seconds`).
    problems
        Rows excluded, by kind, with examples.
    contacts_used
        Offered contacts counted [contacts].
    """

    history: History
    patience: pd.DataFrame
    problems: ContactProblems
    contacts_used: int

    def summary_lines(self) -> list[str]:
        """Plain-language summary: contacts used, left out and excluded; patience."""
        lines = [
            f"{self.contacts_used:,} offered contacts in {len(self.history.frame):,} intervals "
            f"of {self.history.interval_minutes} minutes, {len(self.history.queues)} queue(s)"
        ]
        if self.problems.not_counted:
            lines.append(
                f"{self.problems.not_counted:,} records not offered to a queue "
                "(IVR-only, outbound) left out"
            )
        for row in self.patience.itertuples():
            if np.isfinite(row.patience_seconds):
                note = "" if row.reliable else " (few abandons: unreliable)"
                lines.append(
                    f"queue {row.queue}: mean patience {row.patience_seconds:,.0f} s from "
                    f"{row.abandoned:,} abandons{note}"
                )
            else:
                lines.append(f"queue {row.queue}: no abandons, patience not estimable")
        return lines


def estimate_patience_seconds(abandoned: np.ndarray, total_wait_seconds: np.ndarray) -> np.ndarray:
    """Mean patience [s] of exponential patience from abandonments and total waiting time.

    Parameters
    ----------
    abandoned
        Abandoned contacts [contacts].
    total_wait_seconds
        Sum of the waits of all queued contacts, answered and abandoned [s].

    Returns
    -------
    numpy.ndarray
        Σ waits / abandonments [s]; NaN where nothing was abandoned.

    Notes
    -----
    Each queued contact is observed for its wait w; it abandons (an event) or is answered
    (censored). For exponential patience with rate θ the log-likelihood is
    ``A log θ − θ Σ w``, maximised at θ̂ = A / Σ w, so the mean patience is Σ w / A.

    >>> float(estimate_patience_seconds(np.array([4.0]), np.array([480.0]))[0])
    120.0
    """
    abandoned = np.asarray(abandoned, dtype=np.float64)
    total = np.asarray(total_wait_seconds, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(abandoned > 0, total / abandoned, np.nan)


def _interval_start_ms(arrival_ms: np.ndarray, timezone: str, interval_minutes: int) -> np.ndarray:
    """Start [ms UTC] of the local interval holding each arrival (DST-safe)."""
    utc = pd.DatetimeIndex(arrival_ms.astype("datetime64[ms]")).tz_localize("UTC")
    wall = utc.tz_convert(timezone).tz_localize(None).as_unit("ms")
    offset_ms = wall.asi8 - arrival_ms
    step = interval_minutes * 60_000
    return (arrival_ms + offset_ms) // step * step - offset_ms


def _fill_quiet_intervals(counts: pd.DataFrame, timezone: str, step_ms: int) -> pd.DataFrame:
    """Add 0 rows for the intervals without contacts between a day's first and last one."""
    local_day = (
        pd.DatetimeIndex(counts["start_ms"].to_numpy().astype("datetime64[ms]"))
        .tz_localize("UTC")
        .tz_convert(timezone)
        .normalize()
    )
    spans = (
        counts.assign(day=local_day.asi8)
        .groupby(["queue_code", "day"], sort=False)["start_ms"]
        .agg(["min", "max"])
    )
    lengths = ((spans["max"] - spans["min"]) // step_ms + 1).to_numpy()
    queue = np.repeat(spans.index.get_level_values("queue_code").to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    start = np.repeat(spans["min"].to_numpy(), lengths) + offsets * step_ms
    grid = pd.DataFrame({"queue_code": queue, "start_ms": start})
    return grid.merge(counts, on=["queue_code", "start_ms"], how="left").fillna(0.0)


def intervals_from_contacts(
    contacts: ContactArrays,
    *,
    interval_minutes: int,
    answer_threshold_seconds: float | Mapping[str, float] = DEFAULT_ANSWER_THRESHOLD_SECONDS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate good contacts into interval counts and per-queue patience inputs.

    Parameters
    ----------
    contacts
        From :func:`wfm.data.contacts.read_contacts`.
    interval_minutes
        Interval length [minutes].
    answer_threshold_seconds
        T [s], one value or per queue (queues not named get
        :data:`DEFAULT_ANSWER_THRESHOLD_SECONDS`). A wait of exactly T is within T.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The history frame (:data:`CONTACT_HISTORY_COLUMNS`, ``interval_start`` tz-aware in
        ``contacts.timezone``, sorted by queue then time) and the patience table.
    """
    interval_minutes = check_interval_minutes(interval_minutes, "contacts")
    step_ms = interval_minutes * 60_000
    queues = np.asarray(contacts.queues, dtype=object)
    if isinstance(answer_threshold_seconds, Mapping):
        by_queue = np.array(
            [
                float(answer_threshold_seconds.get(q, DEFAULT_ANSWER_THRESHOLD_SECONDS))
                for q in queues
            ]
        )
    else:
        by_queue = np.full(len(queues), float(answer_threshold_seconds))
    outcome = contacts.outcome
    answered = outcome == ANSWERED
    abandoned = outcome == ABANDONED
    wait = contacts.wait_seconds
    wait_known = not np.isnan(wait).any()
    if not wait_known:
        logger.warning(
            "%d contact(s) have no wait: service-level counts and waits are left out",
            int(np.isnan(wait).sum()),
        )
    threshold = by_queue[contacts.queue_code]
    with np.errstate(invalid="ignore"):
        within = wait <= threshold
    # One integer key per (queue, interval) and np.bincount per measure: no frame of
    # 10 million rows, so memory stays at a few arrays of one number per contact.
    start_ms = _interval_start_ms(contacts.arrival_ms, contacts.timezone, interval_minutes)
    first_ms = int(start_ms.min()) if len(start_ms) else 0
    slots = (start_ms - first_ms) // step_ms
    slot_count = int(slots.max()) + 1 if len(slots) else 1
    key = contacts.queue_code.astype(np.int64) * slot_count + slots
    present, key = np.unique(key, return_inverse=True)
    size = len(present)

    def total(weights=None) -> np.ndarray:
        return np.bincount(key, weights=weights, minlength=size).astype(np.float64)

    counts = pd.DataFrame(
        {
            "queue_code": (present // slot_count).astype(np.int64),
            "start_ms": first_ms + (present % slot_count) * step_ms,
            "offered": total(),
            "handled": total(answered),
            "abandoned": total(abandoned),
            "answered_within_threshold": total(answered & within),
            "abandoned_within_threshold": total(abandoned & within),
            "total_handle_seconds": total(np.where(answered, contacts.handle_seconds, 0.0)),
            "total_wait_seconds": total(np.where(answered, np.nan_to_num(wait), 0.0)),
            "wait_all": total(np.nan_to_num(wait)),
        }
    )
    patience = counts.groupby("queue_code")[["offered", "abandoned", "wait_all"]].sum()
    counts = _fill_quiet_intervals(counts.drop(columns="wait_all"), contacts.timezone, step_ms)
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(
            counts["handled"] > 0, counts["total_handle_seconds"] / counts["handled"], np.nan
        )
    frame = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex(
                counts["start_ms"].to_numpy().astype("datetime64[ms]")
            )
            .tz_localize("UTC")
            .tz_convert(contacts.timezone)
            .as_unit("ns"),
            "queue": pd.Series(queues[counts["queue_code"].to_numpy()], dtype="str").to_numpy(),
        }
    )
    for column in CONTACT_HISTORY_COLUMNS[2:-1]:
        frame[column] = counts[column].to_numpy(dtype=np.float64)
    frame["aht_seconds"] = aht
    if not wait_known:
        frame = frame.drop(
            columns=[
                "answered_within_threshold",
                "abandoned_within_threshold",
                "total_wait_seconds",
            ]
        )
    frame = frame.sort_values(["queue", "interval_start"], kind="stable", ignore_index=True)
    patience_seconds = estimate_patience_seconds(
        patience["abandoned"].to_numpy(), patience["wait_all"].to_numpy()
    )
    if not wait_known:
        patience_seconds[:] = np.nan
    table = pd.DataFrame(
        {
            "queue": queues[patience.index.to_numpy()].astype(str),
            "offered": patience["offered"].to_numpy().astype(np.int64),
            "abandoned": patience["abandoned"].to_numpy().astype(np.int64),
            "total_wait_seconds_all": patience["wait_all"].to_numpy(),
            "patience_seconds": patience_seconds,
            "reliable": (
                patience["abandoned"].to_numpy()
                >= MIN_ABANDON_FRACTION_FOR_PATIENCE * patience["offered"].to_numpy()
            )
            & np.isfinite(patience_seconds),
        }
    ).sort_values("queue", ignore_index=True)
    return frame, table


def import_contacts(
    path: str | Path,
    *,
    layout: str = "generic",
    column_map: Mapping[str, str] | None = None,
    timezone: str | None = None,
    interval_minutes: int = 15,
    answer_threshold_seconds: float | Mapping[str, float] = DEFAULT_ANSWER_THRESHOLD_SECONDS,
    default_queue: str = DEFAULT_QUEUE,
    outcome_map: Mapping[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: ProgressCallback | None = None,
    source: str | None = None,
) -> ContactImport:
    """Read a per-contact export and turn it into an interval history with patience.

    Parameters
    ----------
    path
        The CSV export, one row per contact.
    layout
        ``generic``, ``amazon-connect`` or ``genesys-cloud`` (:mod:`wfm.data.vendors`).
    column_map
        File column -> canonical contact column (:data:`wfm.data.contact_schema.CONTACT_COLUMNS`).
    timezone
        The centre's IANA zone: of naive timestamps, and of the local interval grid. Without
        it, timestamps must carry offsets and the grid is UTC.
    interval_minutes
        Interval length [minutes].
    answer_threshold_seconds
        T [s] for the within-threshold counts: one value or per queue.
    default_queue
        Queue when the file has none.
    outcome_map
        File outcome value -> ``answered``/``abandoned``/``not_counted``.
    chunk_rows
        Rows read at a time.
    progress
        ``progress(fraction_done, message)``.
    source
        The file's name in messages and in the history (default ``path``): an upload's own
        name, not the temporary copy read.

    Returns
    -------
    ContactImport
        History, patience per queue, excluded rows.

    Examples
    --------
    >>> result = import_contacts("contacts.csv", layout="amazon-connect",  # doctest: +SKIP
    ...                          timezone="Europe/London", interval_minutes=15)
    >>> result.history.frame.columns[:4].tolist()  # doctest: +SKIP
    ['interval_start', 'queue', 'offered', 'handled']
    """
    from wfm.data.vendors import contact_layout

    source = str(path) if source is None else source
    check_interval_minutes(interval_minutes, source)
    contacts, problems = read_contacts(
        path,
        contact_layout(layout),
        column_map=column_map,
        timezone=timezone,
        default_queue=default_queue,
        outcome_map=outcome_map,
        chunk_rows=chunk_rows,
        progress=scaled(progress, 0.0, 0.9),
        source=source,
    )
    frame, patience = intervals_from_contacts(
        contacts,
        interval_minutes=interval_minutes,
        answer_threshold_seconds=answer_threshold_seconds,
    )
    if progress is not None:
        progress(1.0, "intervals counted")
    history = History(
        frame=frame,
        interval_minutes=int(interval_minutes),
        timezone=contacts.timezone,
        source=source,
    )
    return ContactImport(history, patience, problems, int(len(contacts)))


__all__ = [
    "CONTACT_HISTORY_COLUMNS",
    "ContactImport",
    "estimate_patience_seconds",
    "import_contacts",
    "intervals_from_contacts",
]
