"""Rota engine (layer 2): shifts and breaks for named agents, as a MILP solved by HiGHS.

The steps are separate and public: :func:`prepare_week` (inputs in index form),
:func:`check_contracts_reachable` (diagnosis of hard-rule conflicts, every one listed by
:func:`rule_problems`), :func:`build_rota_model` (one function per
family of constraints in :mod:`wfm.scheduling.model`, one plug-in per labour or contract rule
in :mod:`wfm.scheduling.rules`), :func:`run_highs` (the solver boundary,
:class:`SolveStatus`), :func:`solve_rota` (the LP-guided search of
:mod:`wfm.scheduling.search`) and the readers in :mod:`wfm.scheduling.rota`.
:func:`schedule_week` chains them. The engine reads the centre configuration in one place,
:func:`rota_site` (:mod:`wfm.scheduling.site`); the entry points call it at the top. :func:`check_rota` checks any rota against the
working-time law of the centre's country and the contracts (:mod:`wfm.scheduling.compliance`);
:mod:`wfm.scheduling.exports` writes it for planners (Excel, iCalendar).
"""

from wfm.scheduling.compliance import (
    check_rota,
    check_rota_frame,
    rule_set_text,
)
from wfm.scheduling.exports import rota_to_excel, rota_to_icalendar, write_rota_exports
from wfm.scheduling.instance import RotaInstance, prepare_week
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.precheck import check_contracts_reachable, rule_problems
from wfm.scheduling.rota import (
    AGENT_SUMMARY_COLUMNS,
    GROUP_COVERAGE_COLUMNS,
    ROTA_COVERAGE_COLUMNS,
    coverage_from_rota,
    skill_group_name,
)
from wfm.scheduling.rota_view import Violation
from wfm.scheduling.rules import RULES
from wfm.scheduling.search import SearchResult, solve_rota
from wfm.scheduling.site import QueueTarget, RotaSite, rota_site
from wfm.scheduling.solve import SolveStatus, SolveSummary, run_highs
from wfm.scheduling.week import RotaResult, schedule_horizon, schedule_week
from wfm.scheduling.workforce import StaffUnit, Workforce, agent_workforce, pooled_workforce
from wfm.scheduling.working_time_law import (
    EU_WORKING_TIME_DIRECTIVE,
    UK_WORKING_TIME_REGULATIONS,
    WorkingTimeRules,
    working_time_law_for,
)

__all__ = [
    "EU_WORKING_TIME_DIRECTIVE",
    "RULES",
    "UK_WORKING_TIME_REGULATIONS",
    "Violation",
    "WorkingTimeRules",
    "check_rota",
    "check_rota_frame",
    "rule_set_text",
    "working_time_law_for",
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
    "QueueTarget",
    "RotaSite",
    "rota_site",
]
