"""Rota engine (layer 2): shifts and breaks for named agents, as a MILP solved by HiGHS.

The steps are separate and public: :func:`prepare_week` (inputs in index form),
:func:`check_contracts_reachable` (diagnosis of hard-rule conflicts, every one listed by
:func:`rule_problems`), :func:`build_rota_model` (one function per
family of rules in :mod:`wfm.scheduling.model`), :func:`run_highs` (the solver boundary,
:class:`SolveStatus`), :func:`solve_rota` (the LP-guided search of
:mod:`wfm.scheduling.search`) and the readers in :mod:`wfm.scheduling.rota`.
:func:`schedule_week` chains them. :func:`check_rota` checks any rota against the Working
Time Regulations and the contracts (:mod:`wfm.scheduling.compliance`);
:mod:`wfm.scheduling.exports` writes it for planners (Excel, iCalendar).
"""

from wfm.scheduling.compliance import (
    UK_WORKING_TIME_REGULATIONS,
    Violation,
    WorkingTimeRules,
    check_rota,
    check_rota_frame,
)
from wfm.scheduling.exports import rota_to_excel, rota_to_icalendar, write_rota_exports
from wfm.scheduling.instance import (
    RotaInstance,
    StaffUnit,
    Workforce,
    agent_workforce,
    pooled_workforce,
    prepare_week,
)
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.precheck import check_contracts_reachable, rule_problems
from wfm.scheduling.rota import (
    AGENT_SUMMARY_COLUMNS,
    GROUP_COVERAGE_COLUMNS,
    ROTA_COVERAGE_COLUMNS,
    coverage_from_rota,
    skill_group_name,
)
from wfm.scheduling.search import SearchResult, solve_rota
from wfm.scheduling.solve import SolveStatus, SolveSummary, run_highs
from wfm.scheduling.week import RotaResult, schedule_horizon, schedule_week

__all__ = [
    "UK_WORKING_TIME_REGULATIONS",
    "Violation",
    "WorkingTimeRules",
    "check_rota",
    "check_rota_frame",
    "rota_to_excel",
    "rota_to_icalendar",
    "write_rota_exports",
    "AGENT_SUMMARY_COLUMNS",
    "GROUP_COVERAGE_COLUMNS",
    "ROTA_COVERAGE_COLUMNS",
    "RotaInstance",
    "RotaResult",
    "StaffUnit",
    "Workforce",
    "agent_workforce",
    "pooled_workforce",
    "SolveStatus",
    "SolveSummary",
    "build_rota_model",
    "check_contracts_reachable",
    "rule_problems",
    "coverage_from_rota",
    "prepare_week",
    "schedule_horizon",
    "schedule_week",
    "skill_group_name",
    "run_highs",
    "solve_rota",
    "SearchResult",
]
