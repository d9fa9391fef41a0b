"""Today for a centre: the position of the day and who is out of adherence now.

:func:`wfm.intraday.position.day_position` takes plain values (:class:`DayOptions`); the
CLI (``wfm intraday status``), the Today page, the re-plan and the benchmarks all read those
values from the centre file and the agents file the same way, here. :func:`day_now` is
what the CLI and the Today page show: the position, the agents out of adherence at the
as-of time (longest first, with the minutes they have been out) and their count per team.
The rest of the day is re-forecast by the intraday update of ``wfm forecast --as-of``,
with each queue's prior learnt from the centre's history as that command learns it
(:func:`day_update_priors`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from wfm.config import Centre
from wfm.data.schemas import Agent
from wfm.data.states import StateLog
from wfm.forecast.intraday_update import UpdateParameters
from wfm.intraday.adherence_now import count_by_team, out_of_adherence_now
from wfm.intraday.position import DayOptions, DayPosition, day_position
from wfm.plan.chain import service_targets, shrinkage_by_queue

logger = logging.getLogger(__name__)


def position_options(
    centre: Centre,
    agents: Sequence[Agent],
    update_by_queue: Mapping[str, UpdateParameters] | None = None,
) -> DayOptions:
    """The :class:`~wfm.intraday.position.DayOptions` of ``centre`` and its ``agents``.

    Parameters
    ----------
    centre, agents
        The centre file and its agents (skills).
    update_by_queue
        Prior of the intraday update per queue (:func:`day_update_priors`); default
        none learnt (each queue gets the default prior).

    Returns
    -------
    DayOptions
        Each agent's skills, each queue's service target and shrinkage [fraction, 0-1],
        the interval length [minutes] and the priors.
    """
    return DayOptions(
        queues_by_agent={a.agent_id: a.queues for a in agents},
        targets=service_targets(centre),
        shrinkage_by_queue=shrinkage_by_queue(centre),
        interval_minutes=centre.interval_minutes,
        update_by_queue=dict(update_by_queue or {}),
    )


def day_update_priors(
    centre: Centre, day: dt.date, forecast: pd.DataFrame, *, source: str = "the forecast"
) -> dict[str, UpdateParameters]:
    """Each queue's intraday-update prior for ``day`` from the centre's history file.

    :func:`wfm.forecast.update_priors.learn_update_priors` on the history before ``day``
    with the model the planned ``forecast`` names per queue, the holiday calendar it
    records per queue (its ``holidays`` column,
    :func:`~wfm.forecast.calendar_record.recorded_calendars`: a forecast made with the
    centre's or ``--country`` holidays gives a prior learnt without them in the backtest,
    as ``wfm forecast --as-of`` learns it; one made without, or a file without the column,
    a prior learnt on every day) and the centre's stated closed dates (its opening
    hours'); empty (default priors) when the centre names no history file or it does not
    exist. ``source``: the forecast file, for messages.

    Raises
    ------
    InputError
        When the forecast's ``holidays`` record is malformed or names a country the
        ``holidays`` package does not know (the message names ``source``).
    """
    from wfm.data.history import read_history
    from wfm.forecast.after_closure import ClosureCalendar
    from wfm.forecast.calendar_record import calendar_record, recorded_calendars
    from wfm.forecast.update_priors import learn_update_priors

    path = centre.resolve(centre.history) if centre.history else None
    if path is None or not path.is_file():
        logger.warning("no history file: the intraday update uses its default prior")
        return {}
    history = read_history(path, timezone=centre.timezone, interval_minutes=centre.interval_minutes)
    years = range(history.frame["interval_start"].min().year, day.year + 1)
    calendars = recorded_calendars(forecast, years, source=source)
    closures = ClosureCalendar.from_settings(centre.opening_hours_for(years).closed_dates)
    # the queues that share a calendar learn together (one pass over the history)
    by_record: dict[str, list[str]] = {}
    for queue, calendar in calendars.items():
        by_record.setdefault(calendar_record(calendar), []).append(queue)
    priors: dict[str, UpdateParameters] = {}
    for queues in by_record.values():
        mine = forecast[forecast["queue"].astype(str).isin(queues)]
        priors.update(
            learn_update_priors(
                history, day, mine, closures=closures, holidays=calendars[queues[0]]
            )
        )
    return dict(sorted(priors.items()))


@dataclass(frozen=True)
class DayNow:
    """Today at the as-of time: the position and who is out of adherence.

    Attributes
    ----------
    position : DayPosition
    out_of_adherence : pandas.DataFrame
        :data:`~wfm.intraday.adherence_now.NOW_COLUMNS`, longest first.
    out_of_adherence_by_team : pandas.DataFrame
        ``team``, ``agents``, ``out_of_adherence``.
    """

    position: DayPosition
    out_of_adherence: pd.DataFrame
    out_of_adherence_by_team: pd.DataFrame

    @property
    def totals(self) -> pd.Series:
        """The position's summary over all queues."""
        return self.position.summary.set_index("queue").loc["all"]


def day_now(
    centre: Centre,
    agents: Sequence[Agent],
    *,
    forecast: pd.DataFrame,
    rota_day: pd.DataFrame,
    states: StateLog,
    arrivals: pd.DataFrame,
    as_of: pd.Timestamp,
    update_by_queue: Mapping[str, UpdateParameters] | None = None,
) -> DayNow:
    """The position of today at ``as_of`` and the agents out of adherence then.

    Parameters
    ----------
    centre, agents
        The centre file and its agents (skills and teams).
    forecast, rota_day, states, arrivals, as_of
        As :func:`~wfm.intraday.position.day_position` (``rota_day``: today's rota rows).
    update_by_queue
        Prior of the intraday update per queue (:func:`day_update_priors`); default the
        default prior for every queue.
    """
    options = position_options(centre, agents, update_by_queue)
    position = day_position(forecast, rota_day, states, arrivals, as_of, options)
    teams = {a.agent_id: a.team for a in agents}
    out = out_of_adherence_now(rota_day, states, as_of, teams=teams)
    return DayNow(position, out, count_by_team(out, teams))


def projected_day_service_level(position: DayPosition) -> float:
    """The day's projected service level over all queues [fraction, 0-1] (what has happened
    so far plus the projection of the rest of the day)."""
    summary = position.summary.set_index("queue")
    return float(summary.loc["all", "service_level_day_projected"])
