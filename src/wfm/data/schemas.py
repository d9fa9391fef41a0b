"""Column contracts of the files wfm reads and writes, and the in-memory containers.

See ``docs/data-formats.md`` for the prose version of each contract. Timestamps in frames
are tz-aware in the centre's time zone; in files they are ISO 8601 with the UTC offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# --- interval history ------------------------------------------------------------------
HISTORY_REQUIRED = ("interval_start", "queue", "offered", "aht_seconds")
HISTORY_OPTIONAL = (
    "handled",
    "abandoned",
    "answered_within_threshold",
    "abandoned_within_threshold",
    "total_handle_seconds",
    # Sum of the waits (arrival to answer) of the contacts answered in the interval [s]:
    # ASA = sum of total_wait_seconds / sum of handled (wfm.review.kpi). Totals, not an average,
    # because averages do not aggregate over intervals.
    "total_wait_seconds",
)
#: Columns that hold counts (non-negative integers).
HISTORY_COUNT_COLUMNS = (
    "offered",
    "handled",
    "abandoned",
    "answered_within_threshold",
    "abandoned_within_threshold",
)

# --- forecast, requirements, rota, coverage --------------------------------------------
FORECAST_COLUMNS = ("interval_start", "queue", "offered", "aht_seconds")
REQUIREMENTS_COLUMNS = (
    "interval_start",
    "queue",
    "offered",
    "aht_seconds",
    "traffic_erlangs",
    "agents_required",
    "agents_scheduled_required",
    "service_level",
    "asa_seconds",
    "occupancy",
)
ROTA_COLUMNS = ("agent_id", "date", "activity", "start", "end")
#: Off-phone activities a rota can place (coaching sessions, team meetings, training): paid,
#: not on the phones, attended by named agents.
OFF_PHONE_ACTIVITIES = ("coaching", "meeting", "training")
ROTA_ACTIVITIES = ("work", "break", "lunch", *OFF_PHONE_ACTIVITIES)
COVERAGE_COLUMNS = (
    "interval_start",
    "queue",
    "agents_required",
    "agents_scheduled_required",
    "agents_scheduled",
    "agents_productive",
    "service_level",
)
AGENT_COLUMNS = ("agent_id", "name", "team", "contract", "queues")
AGENT_STATE_COLUMNS = ("agent_id", "state", "start", "end")
AVAILABILITY_COLUMNS = ("agent_id", "start", "end", "kind")
#: Kinds of availability window: time off, and the only times an agent may work on a date.
AVAILABILITY_KINDS = ("unavailable", "available_only")
PREFERENCE_COLUMNS = ("agent_id", "kind", "value")
PREFERENCE_OPTIONAL = ("weight",)
#: Kinds of preference: a weekday off (mon..sun), earliest and latest preferred start (HH:MM),
#: and requests to work or be off on a date (``YYYY-MM-DD``, optionally followed by a space
#: and a shift type name: ``2025-06-03 night``).
PREFERENCE_KINDS = ("day_off", "start_after", "start_before", "request_on", "request_off")


@dataclass(frozen=True)
class Agent:
    """A named agent.

    Parameters
    ----------
    agent_id
        Stable identifier (used in rotas and state logs).
    name
        Display name.
    team
        Team name (rota exports are grouped by team).
    contract
        Name of a contract in the centre file.
    queues
        Queues the agent is skilled for.
    """

    agent_id: str
    name: str
    team: str
    contract: str
    queues: tuple[str, ...]


#: Queue name of every row of a history file without a ``queue`` column when none is given:
#: the one rule of the CLI (``--queue``) and the app's Data page, said to the user by
#: :func:`wfm.data.history.no_queue_column_note`.
DEFAULT_QUEUE = "default"


@dataclass(frozen=True)
class History:
    """Validated interval history of one or more queues.

    Parameters
    ----------
    frame
        One row per interval and queue, sorted by queue then ``interval_start``; columns
        :data:`HISTORY_REQUIRED` plus any of :data:`HISTORY_OPTIONAL`. ``interval_start`` is
        tz-aware in ``timezone``; ``aht_seconds`` may be NaN where nothing was handled.
    interval_minutes
        Interval length [minutes].
    timezone
        IANA time zone the timestamps are expressed in (the centre's).
    source
        Where the history was read from (a path), for messages.
    default_queue
        The queue every row was put in because the file has no queue column (see
        :func:`wfm.data.history.no_queue_column_note`); ``None`` when the file names its
        queues.
    """

    frame: pd.DataFrame
    interval_minutes: int
    timezone: str
    source: str = "history"
    default_queue: str | None = None

    @property
    def queues(self) -> list[str]:
        """Queue names in the history, sorted."""
        return sorted(self.frame["queue"].unique())
