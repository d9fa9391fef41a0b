"""Today's feeds: agent states up to now, and their health.

A real-time state feed differs from yesterday's log in one way that matters: each agent's
last event is still going on. :func:`read_states_today` closes those open events at the
as-of time (instead of dropping them, as a finished day's log does), and
:func:`feed_status` says how fresh the feed is, so that a feed that stopped updating is
shown as stale with its age, never silently used as the present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.io import read_raw_csv
from wfm.data.schemas import AGENT_STATE_COLUMNS
from wfm.data.states import StateLog, validate_agent_states_frame
from wfm.data.timestamps import local_instant
from wfm.errors import InputError

#: A feed whose newest event is older than this at the as-of time is stale [minutes].
STALE_AFTER_MINUTES = 10.0


@dataclass(frozen=True)
class FeedStatus:
    """How fresh the agent-state feed is at the as-of time.

    Attributes
    ----------
    last_event : pandas.Timestamp or None
        Start of the newest event in the feed.
    age_minutes : float
        Minutes from that event to the as-of time (inf with no events).
    stale : bool
        Older than :data:`STALE_AFTER_MINUTES`.
    agents_not_on_rota : tuple of str
        Agents in the feed who have no shift today (their states are not used).
    """

    last_event: pd.Timestamp | None
    age_minutes: float
    stale: bool
    agents_not_on_rota: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for people: fresh, or stale with its age."""
        if self.last_event is None:
            return "no agent states yet today"
        text = f"last agent event {self.age_minutes:.0f} min ago"
        if self.stale:
            text = f"STALE: {text}; the feed may have stopped: figures after that are guesses"
        if self.agents_not_on_rota:
            shown = ", ".join(self.agents_not_on_rota[:5])
            text += f"; {len(self.agents_not_on_rota)} agents in the feed are not on today's rota ({shown})"
        return text


def day_of_arrivals(arrivals: pd.DataFrame, timezone: str) -> dt.date | None:
    """Today: the local day of the latest arrivals so far (``None`` before the first)."""
    if arrivals.empty:
        return None
    return pd.Timestamp(arrivals["interval_start"].max()).tz_convert(timezone).date()


def parse_as_of(text: str, day: dt.date, timezone: str) -> pd.Timestamp:
    """``"HH:MM"`` on ``day``, or a full ISO timestamp, as a tz-aware time in ``timezone``."""
    text = str(text).strip()
    try:
        if len(text) <= 5 and ":" in text:
            hour, minute = (int(part) for part in text.split(":"))
            if not (0 <= hour <= 23 and 0 <= minute <= 59):
                raise ValueError
            return pd.Timestamp(dt.datetime.combine(day, dt.time(hour, minute))).tz_localize(
                timezone, ambiguous=False, nonexistent="shift_forward"
            )
        stamp = pd.Timestamp(text)
        if pd.isna(stamp):
            raise ValueError
        stamp = local_instant(text, timezone)
    except InputError as error:  # a time the clocks skip or repeat
        raise InputError(error.problem, option="--as-of", value=text, fix=error.fix) from None
    except (ValueError, TypeError, OverflowError):
        raise InputError(
            "not a time of day (or not one that exists on the clocks of the centre)",
            option="--as-of",
            value=text,
            fix="write HH:MM, e.g. 10:30",
        ) from None
    if stamp.date() != day:
        raise InputError(
            f"the time is not on the day played ({day})",
            option="--as-of",
            value=text,
            fix="write HH:MM, or give --date the same day",
        )
    return stamp


def read_states_today(
    path: str | Path,
    *,
    timezone: str,
    as_of: pd.Timestamp,
    state_map: Mapping[str, str] | None = None,
) -> StateLog:
    """Read today's agent states with each agent's still-open last event closed at ``as_of``.

    Raises
    ------
    InputError
        As :func:`wfm.data.states.validate_agent_states_frame`; also when an event starts
        after the as-of time (a clock earlier than the last event).
    """
    source = str(path)
    raw = read_raw_csv(path, source=source, text_columns=AGENT_STATE_COLUMNS)
    frame = raw.copy()
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if "start" in columns and "agent_id" in columns:
        start_col, agent_col = columns["start"], columns["agent_id"]
        starts = pd.to_datetime(frame[start_col], utc=True, errors="coerce", format="ISO8601")
        if starts.isna().any() and not starts.isna().all():
            # only the cells not read with an offset: the others may be naive local times
            # (or junk, which the state validation below names with its line)
            missing = starts.isna()
            try:
                naive = pd.to_datetime(
                    frame.loc[missing, start_col], errors="coerce", format="ISO8601"
                )
                local = naive.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
                starts = starts.fillna(local.dt.tz_convert("UTC"))
            except (TypeError, ValueError):  # aware and naive mixed in the rest: left to it
                pass
        late = starts > as_of.tz_convert("UTC")
        if late.any():
            line = int(np.flatnonzero(late.to_numpy())[0]) + 2
            raise InputError(
                "an agent state starts after the as-of time (the clock is earlier than the "
                "feed's last event)",
                source=source,
                row=line,
                column=str(start_col),
                value=str(frame[start_col].iloc[line - 2]),
                fix="give the current time with --as-of, or check the feed's clock",
            )
        end_col = columns.get("end")
        if end_col is None:
            end_col = "end"
            frame[end_col] = ""
        ends = frame[end_col].fillna("").astype(str).str.strip()
        order = starts.sort_values(kind="stable").index
        last_of_agent = ~frame.loc[order, agent_col].duplicated(keep="last")
        last_rows = order[last_of_agent.to_numpy()]
        open_last = frame.index.isin(last_rows) & (ends == "").to_numpy()
        frame.loc[open_last, end_col] = as_of.isoformat()
    return validate_agent_states_frame(frame, timezone=timezone, source=source, state_map=state_map)


def feed_status(
    log: StateLog, as_of: pd.Timestamp, agents_on_rota: set[str] | None = None
) -> FeedStatus:
    """How fresh ``log`` is at ``as_of`` (:class:`FeedStatus`)."""
    events = log.frame
    not_on_rota: tuple[str, ...] = ()
    if agents_on_rota is not None and not events.empty:
        not_on_rota = tuple(sorted(set(events["agent_id"]) - set(agents_on_rota)))
    if events.empty:
        return FeedStatus(None, float("inf"), True, not_on_rota)
    last = events["start"].max()
    age = (as_of - last).total_seconds() / 60.0
    return FeedStatus(last, age, age > STALE_AFTER_MINUTES, not_on_rota)
