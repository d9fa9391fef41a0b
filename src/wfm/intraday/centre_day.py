"""Today's position for a centre: the centre's targets and shrinkage and its agents' skills.

:func:`wfm.intraday.position.day_position` takes plain values; the CLI (``wfm intraday
status``), the Today page, the re-plan and the benchmarks all read those values from the
centre file and the agents file the same way, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from wfm.config import Centre
from wfm.data.schemas import Agent
from wfm.data.states import StateLog
from wfm.intraday.position import DayPosition, day_position
from wfm.plan.chain import service_targets, shrinkage_by_queue


def position_options(centre: Centre, agents: Sequence[Agent]) -> dict[str, Any]:
    """Keyword arguments of :func:`~wfm.intraday.position.day_position` for ``centre``.

    Returns
    -------
    dict
        ``queues_by_agent`` (each agent's skills), ``targets`` (each queue's service target),
        ``shrinkage_by_queue`` [fraction, 0-1] and ``interval_minutes`` [minutes].
    """
    return {
        "queues_by_agent": {a.agent_id: a.queues for a in agents},
        "targets": service_targets(centre),
        "shrinkage_by_queue": shrinkage_by_queue(centre),
        "interval_minutes": centre.interval_minutes,
    }


def centre_day_position(
    centre: Centre,
    agents: Sequence[Agent],
    *,
    forecast: pd.DataFrame,
    rota_day: pd.DataFrame,
    states: StateLog,
    arrivals: pd.DataFrame,
    as_of: pd.Timestamp,
) -> DayPosition:
    """Today's position per queue and interval for ``centre`` (see :func:`day_position`).

    Parameters
    ----------
    centre, agents
        The centre file and its agents (skills).
    forecast, rota_day, states, arrivals, as_of
        As :func:`~wfm.intraday.position.day_position` (``rota_day``: today's rota rows).
    """
    return day_position(
        forecast, rota_day, states, arrivals, as_of, **position_options(centre, agents)
    )


def projected_day_service_level(position: DayPosition) -> float:
    """The day's projected service level over all queues [fraction, 0-1] (what has happened
    so far plus the projection of the rest of the day)."""
    summary = position.summary.set_index("queue")
    return float(summary.loc["all", "service_level_day_projected"])
