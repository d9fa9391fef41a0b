"""Labour and contract rules of the rota engine, one module per rule, and their registry.

Each module holds one :class:`~wfm.scheduling.rules.base.Rule`: its settings, its diagnosis
before solving, its rows in the rota models, its check of any rota and its description.
:data:`RULES` lists them in the order the models add them (which fixes the row order HiGHS
sees, so keep new rules at the end); :func:`rule_table` is the docs' rule table
(``docs/scheduling.md``, checked by a test).
"""

from __future__ import annotations

from wfm.scheduling.rules import (
    allowed_shifts,
    consecutive_days_off,
    horizon_paid_hours,
    max_consecutive_working_days,
    max_working_weekends,
    min_consecutive_working_days,
    min_days_off_run,
    min_rest,
    rotation,
    same_start_time,
    shift_demand,
    shift_types,
    weekly_hours_and_days,
)
from wfm.scheduling.rules.base import ModelContext, Rule, Setting

#: Every registered rule, in the order the models add their rows.
RULES: tuple[Rule, ...] = (
    allowed_shifts.RULE,
    weekly_hours_and_days.RULE,
    min_rest.RULE,
    max_consecutive_working_days.RULE,
    consecutive_days_off.RULE,
    horizon_paid_hours.RULE,
    max_working_weekends.RULE,
    min_consecutive_working_days.RULE,
    min_days_off_run.RULE,
    shift_types.SEQUENCES,
    shift_types.LIMITS,
    same_start_time.RULE,
    rotation.RULE,
    shift_demand.RULE,
)


def rule_named(name: str) -> Rule:
    """The registered rule called ``name``."""
    for rule in RULES:
        if rule.name == name:
            return rule
    raise KeyError(f"no rule named {name!r}; rules: {[rule.name for rule in RULES]}")


def rule_table() -> str:
    """The rules as a Markdown table (rule, what it requires, settings with unit and
    default), for the docs and the app."""
    lines = [
        "| rule | what it requires | settings (table: name [unit] = default) |",
        "|---|---|---|",
    ]
    for rule in RULES:
        settings = "<br>".join(
            f"`{s.table}.{s.name}` [{s.unit}] = `{_default_text(s.default)}`" for s in rule.settings
        )
        lines.append(f"| `{rule.name}`: {rule.title} | {rule.description} | {settings} |")
    return "\n".join(lines) + "\n"


def _default_text(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, (tuple, list, dict)) and not value:
        return "[]" if not isinstance(value, dict) else "{}"
    return str(value)


__all__ = ["RULES", "ModelContext", "Rule", "Setting", "rule_named", "rule_table"]
