"""Diagnosis before solving: hard rules that no rota can meet, named in plain words.

The rota model has hard rules (contract hours and days, shift lengths and templates, rest,
consecutive days, break windows, availability and time off). When they conflict, a MILP
solver only says "infeasible". Each rule plug-in (:mod:`wfm.scheduling.rules`) looks at its
own settings one contract or agent at a time and names the rule, the agents, the dates and
the numbers instead (:meth:`wfm.scheduling.rules.base.Rule.diagnose`); the break rules add
windows that cannot fit inside the shifts long enough to need them
(:func:`wfm.scheduling.shifts.break_fit_problems`).

:func:`check_contracts_reachable` raises one :class:`~wfm.errors.SolveError` listing every
problem found, one per line. The checks are necessary conditions, not sufficient ones:
rules that only clash together over several days can still make a contract unreachable; the
solve then reports ``infeasible``.
"""

from __future__ import annotations

import logging

from wfm.errors import SolveError
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.rules import RULES
from wfm.scheduling.shifts import break_fit_problems

logger = logging.getLogger(__name__)


def break_rule_problems(instance: RotaInstance) -> list[str]:
    """Break rules that cannot be placed in shifts of the templates that need them."""
    problems = break_fit_problems(
        instance.break_rules, instance.shift_templates, instance.grid.interval_minutes
    )
    return [message for _, _, message in problems]


def rule_problems(instance: RotaInstance) -> list[str]:
    """Every hard-rule conflict found before solving, one plain-language line each: break
    rules, then each registered rule's diagnosis in registry order (shift lengths and
    templates, each agent's contract week against the shifts they may take, rest, the
    rules on consecutive days, then the further rules)."""
    problems = break_rule_problems(instance)
    for rule in RULES:
        problems.extend(rule.diagnose(instance))
    return problems


#: How the message of :func:`check_contracts_reachable` begins (the rolling horizon names
#: the check as the stage that failed when it sees it).
PRECHECK_FAILED = "no rota can meet every hard rule"


def check_contracts_reachable(instance: RotaInstance) -> None:
    """Raise :class:`~wfm.errors.SolveError` if the hard rules conflict before solving.

    The message lists every problem of :func:`rule_problems`, one per line, then the fixes.
    """
    problems = rule_problems(instance)
    if not problems:
        return
    text = (
        f"{PRECHECK_FAILED} ({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n"
        + "\n".join(f"- {problem}" for problem in problems)
        + "\nFix: lower the contract's minimum hours or days, allow longer shifts (max_shift_minutes) or more "
        "templates (shift_templates), add shift templates on more days, move break windows that cannot fit, "
        "relax the consecutive-day rules (min_consecutive_days_off, max_consecutive_working_days), or check "
        "the agent's time off"
    )
    logger.warning(text)
    raise SolveError(text)
