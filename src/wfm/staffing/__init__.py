"""Staffing: queueing formulas and agents required per interval (layer 1–2).

- :mod:`~wfm.staffing.erlang`: Erlang B and C (M/M/N), vectorised over intervals.
- :mod:`~wfm.staffing.erlang_a`: Erlang A (M/M/N+M), callers who abandon.
- :mod:`~wfm.staffing.targets`: service targets, staffing to them, fractional requirements.
- :mod:`~wfm.staffing.requirements`: the requirement table, shrinkage ceiling.
- :mod:`~wfm.staffing.shrinkage`: shrinkage components compounded, per interval.
- :mod:`~wfm.staffing.chat`, :mod:`~wfm.staffing.deferred`: chat with concurrency, deferred work.
- :mod:`~wfm.staffing.service_level_definitions`: measured service level, counting variants.
- :mod:`~wfm.staffing.simulation`: discrete-event simulation of a day.
"""

from wfm.staffing.chat import ChatStaffing, chat_aht_seconds, staff_chat
from wfm.staffing.deferred import DeferredStaffing, staff_deferred_work
from wfm.staffing.erlang import (
    asa_seconds,
    erlang_b,
    erlang_b_direct,
    erlang_c,
    occupancy,
    service_level,
    service_level_fractional,
)
from wfm.staffing.erlang_a import ErlangAResult, erlang_a, staff_erlang_a
from wfm.staffing.requirements import compute_requirements, scheduled_agents
from wfm.staffing.service_level_definitions import ServiceLevelDefinition, measured_service_level
from wfm.staffing.shrinkage import ShrinkageComponent, compound_shrinkage, shrinkage_by_interval
from wfm.staffing.simulation import DayPlan, simulate_day, summarise_simulation
from wfm.staffing.targets import (
    ServiceTarget,
    Staffing,
    fractional_agents_required,
    staff_to_target,
    traffic_erlangs,
)

__all__ = [
    "ChatStaffing",
    "DayPlan",
    "DeferredStaffing",
    "ErlangAResult",
    "ServiceLevelDefinition",
    "ServiceTarget",
    "ShrinkageComponent",
    "Staffing",
    "asa_seconds",
    "chat_aht_seconds",
    "compound_shrinkage",
    "compute_requirements",
    "erlang_a",
    "erlang_b",
    "erlang_b_direct",
    "erlang_c",
    "fractional_agents_required",
    "measured_service_level",
    "occupancy",
    "scheduled_agents",
    "service_level",
    "service_level_fractional",
    "shrinkage_by_interval",
    "simulate_day",
    "staff_chat",
    "staff_deferred_work",
    "staff_erlang_a",
    "staff_to_target",
    "summarise_simulation",
    "traffic_erlangs",
]
