"""Minimum rest between the end of one shift and the start of the next.

Setting (each ``[[contracts]]``): ``min_rest_hours`` [hours]. In the model, clique
inequalities over pairs of days (:func:`rest_cliques`), across week boundaries too; in a
rota, the rest from the end of one working day to the start of the next, reported only where
it is stricter than the daily rest of the working-time law that applies (which reports it).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.scheduling.rota_view import (
    Violation,
    contract_source,
    duration_text,
    number_text,
    seconds_of,
    span_text,
)
from wfm.scheduling.rules.base import (
    ModelContext,
    Rule,
    contract_settings,
    contracts_and_agents,
    who,
)

logger = logging.getLogger(__name__)

_NS_PER_MINUTE = 60 * 10**9


def rest_cliques(
    candidates: pd.DataFrame, min_rest_minutes: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Maximal sets of shifts on two days that pairwise break a minimum rest.

    Shift :math:`c` on day :math:`d` and shift :math:`c'` on a later day :math:`d'` conflict
    when :math:`\\text{start}(c') - \\text{end}(c) < R`. For a threshold :math:`s`, every shift
    of :math:`L(s) = \\{c: \\text{end}(c) + R > s\\}` conflicts with every shift of
    :math:`R(s) = \\{c': \\text{start}(c') \\le s\\}`; with at most one shift a day,
    :math:`\\sum_{L(s)} x + \\sum_{R(s)} x \\le 1` is a valid clique inequality, and the
    thresholds at the starts of day :math:`d'` give all maximal ones.

    Parameters
    ----------
    candidates
        The candidate table.
    min_rest_minutes
        Minimum rest between the end of one shift and the start of the next [minutes].

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        For each clique, the candidate ids on the earlier day and on the later day.
    """
    if min_rest_minutes <= 0 or candidates.empty:
        return []
    day = candidates["day"].to_numpy(dtype=np.int64)
    start = pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8
    ids = candidates["candidate"].to_numpy(dtype=np.int64)
    rest_ns = int(round(min_rest_minutes * _NS_PER_MINUTE))
    cliques: list[tuple[np.ndarray, np.ndarray]] = []
    days = np.unique(day)
    for earlier in days:
        in_earlier = day == earlier
        reach = end[in_earlier].max() + rest_ns  # later starts before this can conflict
        for later in days[days > earlier]:
            in_later = day == later
            if start[in_later].min() >= reach:
                break  # later days start later still
            previous_left: frozenset[int] | None = None
            thresholds = np.unique(start[in_later])
            kept: list[tuple[np.ndarray, np.ndarray]] = []
            for threshold in thresholds:
                left = ids[in_earlier & (end + rest_ns > threshold)]
                right = ids[in_later & (start <= threshold)]
                if len(left) == 0:
                    break
                key = frozenset(left.tolist())
                if kept and key == previous_left:
                    kept[-1] = (left, right)  # same left side, larger right side dominates
                else:
                    kept.append((left, right))
                previous_left = key
            cliques.extend(kept)
    return cliques


def add_rest_between_shifts(context: ModelContext) -> None:
    """Minimum rest (``contract.min_rest_hours``) between the end of one shift and the
    start of the next, as clique inequalities (see :func:`rest_cliques`); a pool of
    :math:`m` agents may take at most :math:`m` shifts of a clique:
    ``rest_between_shifts[unit_id, k]``."""
    model, instance, workforce = context.model, context.instance, context.workforce
    allowed_by_unit = {
        u: set(group["candidate"].tolist())
        for u, group in workforce.eligible.groupby("unit", sort=True)
    }
    cliques_by_rest: dict[float, list] = {}
    rows: dict[tuple[str, int], tuple[list[int], int]] = {}
    for u, unit in enumerate(workforce.units):
        rest = unit.contract.min_rest_hours * 60.0
        if rest not in cliques_by_rest:
            cliques_by_rest[rest] = rest_cliques(instance.candidates, rest)
        allowed = allowed_by_unit.get(u, set())
        seen: set[tuple[frozenset, frozenset]] = set()
        for left, right in cliques_by_rest[rest]:
            left_ok = [int(c) for c in left if c in allowed]
            right_ok = [int(c) for c in right if c in allowed]
            if not left_ok or not right_ok:
                continue
            key = (frozenset(left_ok), frozenset(right_ok))
            if key in seen:
                continue
            seen.add(key)
            rows[unit.unit_id, len(seen) - 1] = (left_ok + right_ok, unit.size)
    x = model.x
    model.add_upper_rows(
        "rest_between_shifts",
        {
            (unit_id, k): (
                [1.0] * len(candidates),
                [x[unit_id, c] for c in candidates],
                bound,
            )
            for (unit_id, k), (candidates, bound) in rows.items()
        },
        keep_empty=True,
    )
    logger.debug("%d rest inequalities", len(rows))


class MinRest(Rule):
    """Rest between shifts."""

    name = "min_rest"
    title = "Rest between shifts"
    description = (
        "At least min_rest_hours from the end of one shift to the start of the next, across "
        "week boundaries too; a rota check reports it where it is stricter than the law's "
        "daily rest."
    )
    settings = contract_settings(min_rest_hours="hours")

    def diagnose(self, instance) -> list[str]:
        """Contracts whose rest leaves no way to work two days in a row, yet need 4 or more
        working days every week: with a day off after each working day, a week read as
        repeating holds at most 3 (4 would need both Monday and Sunday, which are next to
        each other across the week boundary)."""
        problems = []
        candidates = instance.candidates
        if candidates.empty:
            return problems
        start = pd.DatetimeIndex(candidates["start"])
        end = pd.DatetimeIndex(candidates["end"])
        start_clock = (start.hour * 60 + start.minute).to_numpy()
        end_after_start_day = (
            (end.tz_localize(None) - start.tz_localize(None).normalize()).total_seconds() / 60.0
        ).to_numpy()
        for contract, names in contracts_and_agents(instance):
            if contract.min_days_per_week < 4:
                continue
            # Latest start (next day) minus the earliest end of any shift, in minutes.
            best_gap = 24 * 60 + start_clock.max() - end_after_start_day.min()
            if best_gap < contract.min_rest_hours * 60.0 - 1e-9:
                problems.append(
                    f"contract '{contract.name}' needs {contract.min_rest_hours:g} h rest between "
                    f"shifts, but the earliest end and the latest start of the shift templates leave "
                    f"at most {duration_text(best_gap * 60)} between two days, so its agents cannot "
                    f"work two days in a row, nor the contract's {contract.min_days_per_week} days a "
                    f"week, for its {who(names)}"
                )
        return problems

    def add_constraints(self, context: ModelContext) -> None:
        add_rest_between_shifts(context)

    def check(self, view) -> list[Violation]:
        """Rests shorter than the contract's, between the working days of each agent (the law's
        daily rest, when stricter or equal, is reported by the law alone)."""
        limit_of = {
            agent: contract.min_rest_hours * 3600.0
            for agent, contract in ((a, view.contract_of[a]) for a in view.contracted_agents())
            if view.daily_rest_hours is None or contract.min_rest_hours > view.daily_rest_hours
        }
        days = view.days
        if not limit_of or days.empty:
            return []
        # All agents at once; the breaches in the order of the per-agent check this replaces:
        # agent by agent (sorted), each agent's days in order.
        following = days.groupby("agent_id", sort=False)["start"].shift(-1)
        rest = seconds_of(following - days["end"])
        limit = days["agent_id"].map(limit_of).to_numpy(dtype=float, na_value=np.nan)
        bad = np.flatnonzero(following.notna().to_numpy() & (rest < limit))
        rank_of = {agent: rank for rank, agent in enumerate(limit_of)}
        rank = days["agent_id"].map(rank_of).to_numpy(dtype=float, na_value=np.nan)
        out = []
        for p in bad[np.lexsort((bad, rank[bad]))]:
            agent = days["agent_id"].iat[p]
            contract = view.contract_of[agent]
            begin, finish = days["end"].iat[p], following.iat[p]
            out.append(
                Violation(
                    agent,
                    "contract_min_rest",
                    contract_source(contract),
                    begin,
                    finish,
                    float(rest[p] / 3600.0),
                    contract.min_rest_hours,
                    "hours",
                    f"{agent}: {duration_text(rest[p])} rest between {span_text(begin, finish)}, "
                    f"contract {contract.name} requires at least "
                    f"{number_text(contract.min_rest_hours)} h",
                )
            )
        return out


RULE = MinRest()
