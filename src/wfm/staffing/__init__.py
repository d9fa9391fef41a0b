"""Staffing: Erlang B/C queueing formulas and agents required per interval (layer 1–2)."""

from wfm.staffing.erlang import (
    asa_seconds,
    erlang_b,
    erlang_c,
    occupancy,
    service_level,
    service_level_fractional,
)
from wfm.staffing.requirements import (
    ServiceTarget,
    Staffing,
    compute_requirements,
    scheduled_agents,
    staff_to_target,
    traffic_erlangs,
)

__all__ = [
    "ServiceTarget",
    "Staffing",
    "asa_seconds",
    "compute_requirements",
    "erlang_b",
    "erlang_c",
    "occupancy",
    "scheduled_agents",
    "service_level",
    "service_level_fractional",
    "staff_to_target",
    "traffic_erlangs",
]
