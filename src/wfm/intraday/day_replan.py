"""The re-plan of today from the day's files: position, value of agents, rules, suggestions.

One call chains what the CLI (``wfm intraday replan``), the Today page and the benchmarks
need: today's position (:func:`wfm.intraday.position.day_position`), the service-level value
of agents per interval (:func:`wfm.intraday.service_value.service_value_curves`), the
working-time context from the whole rota and the availability file
(:func:`wfm.intraday.working_time.working_time_context`), and the re-plan itself
(:func:`wfm.intraday.replan.replan_day`), with the day's projected service level before and
after and the share of the shortfall recovered.
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
from wfm.intraday.centre_day import position_options, projected_day_service_level
from wfm.intraday.change_gains import change_gains
from wfm.intraday.position import DayPosition, day_position
from wfm.intraday.replan import Replan, replan_day
from wfm.intraday.replan_settings import ReplanSettings, point_value
from wfm.intraday.rota_projection import RotaProjection
from wfm.intraday.service_value import day_target, recovered_share, service_value_curves
from wfm.intraday.working_time import working_time_context
from wfm.plan.site_agents import agent_rule_centres
from wfm.scheduling.exports import unpaid_activities_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DayReplan:
    """A re-plan of today with its measures.

    Attributes
    ----------
    replan
        The suggestions and the rota with all of them.
    position
        Today's position without changes.
    service_level_before, service_level_after
        The day's projected service level without changes and with every suggestion.
    service_level_target
        The day's target (the queues' targets weighted by their contacts).
    recovered
        Share of the shortfall (target − before) the suggestions win back.
    """

    replan: Replan
    position: DayPosition
    service_level_before: float
    service_level_after: float
    service_level_target: float
    recovered: float

    @property
    def agent_activities_changed(self) -> int:
        """Agent-activities the suggestions change (a session counts each attendee)."""
        return int(self.replan.changes["agent_activities"].sum())


def replan_today(
    centre: Centre,
    *,
    forecast: pd.DataFrame,
    rota_day: pd.DataFrame,
    whole_rota: pd.DataFrame,
    states: StateLog,
    arrivals: pd.DataFrame,
    as_of: pd.Timestamp,
    agents: Sequence[Agent],
    day: dt.date,
    settings: ReplanSettings | None = None,
    unavailable: pd.DataFrame | None = None,
    measure_each: bool = True,
    update_by_queue: Mapping[str, UpdateParameters] | None = None,
    rules_of: Mapping[str, Centre] | None = None,
) -> DayReplan:
    """Re-plan the rest of ``day`` from ``as_of`` (see the module docstring).

    Parameters
    ----------
    centre : Centre
    forecast, rota_day, states, arrivals, as_of
        As :func:`wfm.intraday.position.day_position` (``rota_day``: today's rows).
    whole_rota : pandas.DataFrame
        The rota with the days around today (rest and weekly limits); may equal ``rota_day``.
    agents : sequence of Agent
        Everyone who may be changed or called in.
    day : datetime.date
    settings : ReplanSettings, optional
    unavailable : pandas.DataFrame, optional
        The availability file (:func:`wfm.data.availability.read_availability`).
    measure_each : bool
        Measure each suggestion's own service-level gains, alone and in the plan
        (:func:`wfm.intraday.change_gains.change_gains`, on the intervals each touches).
    update_by_queue : mapping, optional
        Prior of the intraday update per queue
        (:func:`wfm.intraday.centre_day.day_update_priors`).
    rules_of : mapping, optional
        Agent → the centre whose break rules and contracts bind them; for a centre with
        ``[[sites]]`` each agent's site's, read from the sites' agents files by default
        (:func:`wfm.plan.site_agents.agent_rule_centres`); a centre without sites: its own.
    """
    settings = settings or ReplanSettings()
    options = position_options(centre, agents, update_by_queue)
    targets = options.targets
    position = day_position(forecast, rota_day, states, arrivals, as_of, options)
    projection = RotaProjection.of(position, options)

    def day_service_level(candidate: pd.DataFrame) -> float:
        return projected_day_service_level(
            day_position(forecast, candidate, states, arrivals, as_of, options)
        )

    if rules_of is None:
        rules_of = agent_rule_centres(centre)
    context = working_time_context(
        whole_rota,
        day,
        unpaid_activities=unpaid_activities_of(centre),
        unavailable=unavailable,
        unpaid_by_agent={agent: unpaid_activities_of(own) for agent, own in rules_of.items()},
    )
    curves = service_value_curves(
        position.intervals,
        targets,
        interval_minutes=centre.interval_minutes,
        value_per_point=point_value(settings, centre, position.intervals),
        from_time=as_of,
    )
    result = replan_day(
        rota_day,
        position.intervals.groupby("interval_start")["agents_required"].sum(),
        as_of,
        centre,
        contract_of={a.agent_id: a.contract for a in agents},
        settings=settings,
        gains_of=(lambda rota, changes: change_gains(projection, rota, changes))
        if measure_each
        else None,
        value_curves=curves,
        context=context,
        absent_agents=position.absent_agents,
        queues_by_agent=options.queues_by_agent,
        rules_of=rules_of,
    )
    summary = position.summary.set_index("queue").loc["all"]
    before = float(summary["service_level_day_projected"])
    after = day_service_level(result.rota) if len(result.changes) else before
    target = day_target(position.intervals, targets)
    logger.info("re-plan of %s at %s: %.4f -> %.4f", day, as_of, before, after)
    return DayReplan(
        result, position, before, after, target, recovered_share(before, after, target)
    )
