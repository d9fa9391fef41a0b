"""Shift types by start window (early, late, night): sequences that may not follow each other,
and the most shifts of a type per agent over the horizon.

The centre defines the types (``[[shift_types]]``: ``name``, ``start_from``, ``start_until``,
a local start window that may wrap midnight; a shift may be of several types); each contract
sets ``forbidden_shift_sequences`` (pairs ``[first, second]``: a shift of type ``first``
may not be followed the next day by one of type ``second``, e.g. a night then an early) and
``max_shifts_per_type`` (``{night = 3}``).

Model: for each unit, forbidden pair (A, B) and day :math:`d`,
:math:`\\sum_{c \\in A, d} x_{u,c} + \\sum_{c \\in B, d+1} x_{u,c} \\le m_u`
(``forbidden_shift_sequence[unit_id, k, d]``), exact with at most one shift a day; and
:math:`\\sum_{c \\in T} x_{u,c} \\le K_T m_u` (``max_shifts_per_type[unit_id, type]``). Both
sum over a pool's agents, so the pooled model stays a relaxation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from wfm.config import ShiftType
from wfm.scheduling.rota_view import Violation, contract_source, span_text
from wfm.scheduling.rules.base import (
    ModelContext,
    Rule,
    add_upper_rows,
    agent_text,
    contract_settings,
)
from wfm.timegrid import DAYS_PER_WEEK, parse_clock


def start_windows(shift_types: Sequence[ShiftType]) -> dict[str, tuple[int, int]]:
    """``{name: (first, last start minute)}`` of the centre's shift types."""
    return {t.name: (parse_clock(t.start_from), parse_clock(t.start_until)) for t in shift_types}


def in_window(start_minute: np.ndarray, window: tuple[int, int]) -> np.ndarray:
    """Which start minutes (after local midnight) fall in a start window (may wrap midnight).

    >>> in_window(np.array([60, 600, 1380]), (1320, 120)).tolist()
    [True, False, True]
    """
    first, last = window
    if first <= last:
        return (start_minute >= first) & (start_minute <= last)
    return (start_minute >= first) | (start_minute <= last)


def candidate_types(candidates: pd.DataFrame, windows: Mapping[str, tuple[int, int]]) -> dict:
    """``{type name: set of candidate ids of that type}``."""
    start = candidates["start_minute"].to_numpy(dtype=np.int64)
    ids = candidates["candidate"].to_numpy(dtype=np.int64)
    return {name: set(ids[in_window(start, window)].tolist()) for name, window in windows.items()}


def _shift_start_minutes(shifts: pd.DataFrame) -> np.ndarray:
    start = pd.DatetimeIndex(shifts["start"])
    return (start.hour * 60 + start.minute).to_numpy()


def _typed_shifts(view) -> tuple[pd.DataFrame, np.ndarray] | None:
    """What a shift-type check reads: the rota's shifts and the local minute of the day each
    starts at [minutes]; ``None`` when the rota has no shift or the centre no shift type."""
    shifts = view.shifts
    if shifts.empty or not view.shift_types:
        return None
    return shifts, _shift_start_minutes(shifts)


def _allowed_by_agent(instance) -> dict[int, set[int]]:
    from wfm.scheduling.instance import values_by_agent

    return {
        a: set(candidates)
        for a, candidates in values_by_agent(
            instance.eligible["agent"], instance.eligible["candidate"]
        ).items()
    }


def _agents_allowed_types(instance) -> tuple[dict[str, set[int]], list[tuple]]:
    """What a shift-type diagnosis reads: the candidate shifts of each shift type, and each
    agent with its contract and the set of candidate shifts it may take (empty: none)."""
    types = candidate_types(instance.candidates, start_windows(instance.shift_types))
    allowed = _allowed_by_agent(instance)
    agents = [
        (agent, contract, allowed.get(index, set()))
        for index, (agent, contract) in enumerate(
            zip(instance.agents, instance.contracts, strict=True)
        )
    ]
    return types, agents


def _only_type_text(agent, contract, type_name: str) -> str:
    """The start of a diagnosis of an agent whose every allowed shift is of one type."""
    return f"{agent_text(agent, contract)} may take only '{type_name}' shifts"


def _units_with_types(context: ModelContext, setting: str):
    """For a shift-type rule's model rows: each unit with its allowed shifts (rows of
    ``context.shifts``) and the candidate shifts of each shift type; nothing when no unit's
    contract sets ``setting``."""
    if not any(getattr(unit.contract, setting) for unit in context.workforce.units):
        return
    types = candidate_types(
        context.instance.candidates, start_windows(context.instance.shift_types)
    )
    for u, group in context.shifts.groupby("unit", sort=True):
        yield context.workforce.units[u], group, types


class ForbiddenShiftSequences(Rule):
    """Shift types that may not follow each other."""

    name = "forbidden_shift_sequences"
    title = "Forbidden shift sequences"
    description = (
        "A shift of the first type of a pair in forbidden_shift_sequences is not followed on "
        "the next day by one of the second type (e.g. a night then an early); types are the "
        "centre's [[shift_types]] by start window."
    )
    settings = contract_settings(forbidden_shift_sequences="shift types")

    def diagnose(self, instance) -> list[str]:
        """Agents whose only shifts are of a type that may not follow itself, on a contract
        needing 4 or more days every week (a week read as repeating then holds at most 3)."""
        problems = []
        types, agents = _agents_allowed_types(instance)
        for agent, contract, mine in agents:
            for first, second in contract.forbidden_shift_sequences:
                if (
                    first == second
                    and mine
                    and mine <= types[first]
                    and contract.min_days_per_week >= 4
                ):
                    problems.append(
                        f"{_only_type_text(agent, contract, first)}, which may not follow "
                        f"each other "
                        f"(forbidden_shift_sequences), so they cannot work two days in a row nor the "
                        f"contract's {contract.min_days_per_week} days a week"
                    )
        return problems

    def add_constraints(self, context: ModelContext) -> None:
        rows = {}
        for unit, group, types in _units_with_types(context, "forbidden_shift_sequences"):
            for k, (first, second) in enumerate(unit.contract.forbidden_shift_sequences):
                is_first = group["candidate"].isin(types[first])
                is_second = group["candidate"].isin(types[second])
                by_day_first = {d: list(g["var"]) for d, g in group[is_first].groupby("day")}
                by_day_second = {d: list(g["var"]) for d, g in group[is_second].groupby("day")}
                for d, earlier in by_day_first.items():
                    later = by_day_second.get(d + 1)
                    if later:
                        variables = earlier + later
                        rows[unit.unit_id, k, int(d)] = (
                            [1.0] * len(variables),
                            variables,
                            unit.size,
                        )
        add_upper_rows(context.model, "forbidden_shift_sequence", rows)

    def check(self, view) -> list[Violation]:
        out = []
        typed = _typed_shifts(view)
        if typed is None:
            return out
        shifts, start_minute = typed
        kinds = {name: in_window(start_minute, w) for name, w in view.shift_types.items()}
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            if not contract.forbidden_shift_sequences:
                continue
            mine = np.flatnonzero((shifts["agent_id"] == agent).to_numpy())
            by_date: dict[dt.date, list[int]] = {}
            for i in mine:
                by_date.setdefault(shifts["date"].iat[i], []).append(i)
            for first, second in contract.forbidden_shift_sequences:
                for date, rows in sorted(by_date.items()):
                    following = by_date.get(date + dt.timedelta(days=1), [])
                    for i in rows:
                        if not kinds[first][i]:
                            continue
                        for j in following:
                            if kinds[second][j]:
                                a, b = shifts.iloc[i], shifts.iloc[j]
                                out.append(
                                    Violation(
                                        agent,
                                        "contract_shift_sequence",
                                        contract_source(contract),
                                        a["start"],
                                        b["end"],
                                        1.0,
                                        0.0,
                                        "shifts",
                                        f"{agent}: a '{first}' shift between "
                                        f"{span_text(a['start'], a['end'])} followed by a '{second}' "
                                        f"shift between {span_text(b['start'], b['end'])}, contract "
                                        f"{contract.name} forbids '{first}' then '{second}'",
                                    )
                                )
        return out


class MaxShiftsPerType(Rule):
    """Most shifts of a type over the horizon."""

    name = "max_shifts_per_type"
    title = "Most shifts of a type"
    description = (
        "An agent works at most the number given in max_shifts_per_type of each shift type "
        "over the horizon (e.g. at most 3 nights); types are the centre's [[shift_types]]."
    )
    settings = contract_settings(max_shifts_per_type="shifts")

    def diagnose(self, instance) -> list[str]:
        """Agents whose every allowed shift is of a limited type, on a contract whose minimum
        days over the horizon's whole weeks exceed the limit."""
        problems = []
        types, agents = _agents_allowed_types(instance)
        weeks = int(instance.grid.days) // DAYS_PER_WEEK
        for agent, contract, mine in agents:
            needed = contract.min_days_per_week * weeks
            for name, limit in contract.shift_type_limits().items():
                if mine and mine <= types[name] and needed > limit:
                    problems.append(
                        f"{_only_type_text(agent, contract, name)}, at most {limit} of them "
                        f"(max_shifts_per_type), but "
                        f"the contract needs at least {needed} working days over the horizon"
                    )
        return problems

    def add_constraints(self, context: ModelContext) -> None:
        rows = {}
        for unit, group, types in _units_with_types(context, "max_shifts_per_type"):
            for name, limit in unit.contract.shift_type_limits().items():
                chosen = group[group["candidate"].isin(types[name])]
                if len(chosen) > limit:
                    rows[unit.unit_id, name] = (
                        [1.0] * len(chosen),
                        list(chosen["var"]),
                        limit * unit.size,
                    )
        add_upper_rows(context.model, "max_shifts_per_type", rows)

    def check(self, view) -> list[Violation]:
        out = []
        typed = _typed_shifts(view)
        if typed is None:
            return out
        shifts, start_minute = typed
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            mine = (shifts["agent_id"] == agent).to_numpy()
            for name, limit in contract.shift_type_limits().items():
                chosen = shifts[mine & in_window(start_minute, view.shift_types[name])]
                if len(chosen) <= limit:
                    continue
                out.append(
                    Violation(
                        agent,
                        "contract_max_shifts_per_type",
                        contract_source(contract),
                        chosen["start"].min(),
                        chosen["end"].max(),
                        float(len(chosen)),
                        float(limit),
                        "shifts",
                        f"{agent}: {len(chosen)} '{name}' shifts from {chosen['date'].min()} to "
                        f"{chosen['date'].max()}, contract {contract.name} allows at most {limit}",
                    )
                )
        return out


SEQUENCES = ForbiddenShiftSequences()
LIMITS = MaxShiftsPerType()
