"""Re-plan the rest of the day with the fewest changes, the past frozen.

From the as-of time t plus a notice period, a MILP (arrays into HiGHS) chooses among these
levers, each priced by :class:`ReplanSettings`:

- **move** a break or lunch that has not begun within its break rule's window (minutes after
  the shift start), on the interval grid;
- **move, postpone or cancel an off-phone activity** (coaching, meeting, training;
  :data:`wfm.data.schemas.OFF_PHONE_ACTIVITIES`) within its window: the rota's optional
  ``window_start``/``window_end`` columns, else the agent's shift. A session several agents
  attend (same activity, start and end) moves or is cancelled as a whole;
- **overtime**: extend a shift at its end, or **start early**, by whole intervals, only
  where the contract's longest shift and weekly paid hours, the break rules (a longer shift
  would need another break), the rest since the previous shift and before the next one and
  the agent's availability (time off, available-only windows) allow, at most
  ``max_overtime_minutes`` per agent;
- **call in** an agent not working today for a short shift (no break needed), only where
  their availability, the rest rules and the contract's weekly hours and days allow;
- **voluntary time off (VTO)**: end a shift early (an offer the agent may decline).

Caps per day: ``max_overtime_hours_per_day`` over overtime, early starts and call-ins, and
``max_call_ins_per_day``. An agent has at most one change to their shift's length, and at
any moment at most one non-work activity.

The value of a change is the day's projected service level it buys
(:func:`wfm.intraday.service_value.service_value_curves`: a concave envelope of Erlang C per
interval, ``value_per_point`` cost units per point); without curves, the centre's linear
under- and over-staffing prices per agent-hour against ``required_agents``. The costs are
``change_cost`` per changed agent-activity (the disturbance), ``cancel_cost`` per cancelled
attendance, ``call_in_cost`` per call-in, overtime pay at ``overtime_premium`` × the hourly
pay, less the pay VTO saves. Nothing before t + notice changes.

Each suggestion carries its own service-level gains (alone and in the plan,
:mod:`wfm.intraday.change_gains`) and its cost;
:func:`wfm.intraday.rota_changes.apply_changes` turns accepted ones into a new rota.

This module builds the levers as columns; the model and its solve are in
:mod:`wfm.intraday.replan_milp`, the settings and the value of a point in
:mod:`wfm.intraday.replan_settings`, the rest and weekly limits in
:mod:`wfm.intraday.working_time`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import BreakRule, Centre
from wfm.data.schemas import OFF_PHONE_ACTIVITIES
from wfm.intraday.replan_milp import ReplanColumns, SolvedReplan, solve_replan
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.rota_changes import (
    ATTENDEE_SEPARATOR,
    CHANGE_COLUMNS,
    apply_changes,
    day_shifts,
)
from wfm.intraday.service_value import ValueCurves
from wfm.intraday.working_time import WorkingTimeContext, free_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Replan:
    """Suggested changes and the rota with all of them applied."""

    changes: pd.DataFrame
    rota: pd.DataFrame
    objective: float
    status: str


def _matching_rule(
    rules: Sequence[BreakRule], activity: str, shift_minutes: float, taken: set
) -> BreakRule | None:
    for rule in rules:
        if (
            rule.activity == activity
            and shift_minutes >= rule.min_shift_minutes
            and rule.name not in taken
        ):
            return rule
    return None


def _longest_without_new_break(rules: Sequence[BreakRule], length_minutes: float) -> float:
    """Longest shift [minutes] that needs no break rule beyond those a shift of
    ``length_minutes`` already needs."""
    above = [r.min_shift_minutes for r in rules if r.min_shift_minutes > length_minutes]
    return min(above) - 1 if above else np.inf


def replan_day(
    rota: pd.DataFrame,
    required_agents: pd.Series,
    as_of: pd.Timestamp,
    centre: Centre,
    *,
    contract_of: Mapping[str, str],
    next_shift_start: Mapping[str, pd.Timestamp] | None = None,
    settings: ReplanSettings | None = None,
    shrinkage_fraction: float | None = None,
    gains_of: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None,
    value_curves: ValueCurves | None = None,
    context: WorkingTimeContext | None = None,
    absent_agents: Sequence[str] = (),
    queues_by_agent: Mapping[str, Sequence[str]] | None = None,
    rules_of: Mapping[str, Centre] | None = None,
) -> Replan:
    """Suggest the fewest changes that best cover the rest of the day.

    Parameters
    ----------
    rota : pandas.DataFrame
        Today's rota (``agent_id``, ``date``, ``activity``, ``start``, ``end``; optional
        ``window_start``, ``window_end`` for off-phone activities).
    required_agents : pandas.Series
        Productive agents required per interval start (tz-aware index), all queues summed,
        from the day's updated requirement (:func:`wfm.intraday.position.day_position`);
        it fixes the grid, and prices changes when ``value_curves`` is not given.
    as_of : pandas.Timestamp
    centre : Centre
        Break rules and contracts (of agents not in ``rules_of``), interval length,
        under/over-staffing prices, shrinkage.
    contract_of : mapping
        Agent → contract name, for every agent who may be changed or called in (agents in it
        but not on today's rota are the call-in candidates).
    next_shift_start : mapping, optional
        Agent → start of their next shift; overrides ``context``'s.
    settings : ReplanSettings, optional
    shrinkage_fraction : float, optional
        Default the centre's planning shrinkage.
    gains_of : callable, optional
        ``(rota, changes) -> frame`` of ``service_level_gain`` (each change alone, against no
        change) and ``service_level_gain_in_plan`` (all changes against all but this one),
        one row per change (:func:`wfm.intraday.change_gains.change_gains`).
    value_curves : ValueCurves, optional
        Value of extra productive agents per interval
        (:func:`wfm.intraday.service_value.service_value_curves`).
    context : WorkingTimeContext, optional
        Rest, weekly hours and availability (:func:`working_time_context`); without it no
        agent is called in and only ``next_shift_start`` limits overtime.
    absent_agents : sequence of str
        Agents absent today: never changed, never called in.
    queues_by_agent : mapping, optional
        Agent → queues, for value curves per queue: an agent's change counts on their own
        queues, split in proportion to the queues' required agents (the position's routing
        assumption).
    rules_of : mapping, optional
        Agent → the centre whose break rules and contracts bind them: for a centre with
        ``[[sites]]``, each agent's site's (:func:`wfm.plan.site_agents.agent_rule_centres`),
        so that a site's own break windows, longest shift, rest and weekly hours are kept;
        agents not in it (and every agent by default) are under ``centre``'s.
    """
    settings = settings or ReplanSettings()
    step = pd.Timedelta(minutes=centre.interval_minutes)
    step_h = centre.interval_minutes / 60.0
    frozen_until = (as_of + pd.Timedelta(minutes=settings.notice_minutes)).ceil(step)
    shrink = (
        centre.planning.shrinkage_fraction if shrinkage_fraction is None else shrinkage_fraction
    )
    productive = 1.0 - shrink
    grid = pd.DatetimeIndex(required_agents.index)
    future = grid >= frozen_until
    grid_f = grid[future]
    n_t = len(grid_f)
    if n_t == 0:
        empty = pd.DataFrame(columns=list(CHANGE_COLUMNS))
        return Replan(empty, rota.copy(), 0.0, "nothing left to plan")
    close = grid_f[-1] + step
    absent = set(absent_agents)
    nexts = dict(context.next_shift_start) if context else {}
    nexts.update(next_shift_start or {})
    prevs = dict(context.previous_shift_end) if context else {}
    rules_of = rules_of or {}

    def break_rules(agent: str) -> Sequence[BreakRule]:
        return rules_of.get(agent, centre).break_rules

    def contract_for(agent: str):
        """The agent's contract, looked up by name among its own site's contracts."""
        name = contract_of.get(agent, "")
        return next((c for c in rules_of.get(agent, centre).contracts if c.name == name), None)

    cols = ReplanColumns(grid_f, step)
    base = np.zeros(n_t)  # agents on shift and not in a fixed non-work piece
    ot_minutes: dict[int, float] = {}  # column -> overtime minutes it buys
    call_ins: list[int] = []

    def hourly(agent: str) -> float:
        contract = contract_for(agent)
        return contract.cost_per_paid_hour if contract else 1.0

    present_rota = rota[~rota["agent_id"].isin(absent)]
    shifts = day_shifts(present_rota)
    pieces = present_rota[present_rota["activity"] != "work"].sort_values(["agent_id", "start"])
    fixed: dict[str, list[tuple]] = {}
    movable_breaks: list[tuple] = []
    sessions: dict[tuple, list] = {}
    for agent, own in pieces.groupby("agent_id", sort=True):
        shift = shifts.loc[agent]
        length_min = (shift["end"] - shift["start"]).total_seconds() / 60
        taken: set = set()
        for piece in own.itertuples(index=False):
            if piece.start < frozen_until:
                fixed.setdefault(agent, []).append((piece.start, piece.end))
                continue
            if piece.activity in OFF_PHONE_ACTIVITIES:
                sessions.setdefault((piece.activity, piece.start, piece.end), []).append(piece)
                continue
            rule = _matching_rule(break_rules(agent), piece.activity, length_min, taken)
            if rule is None:
                fixed.setdefault(agent, []).append((piece.start, piece.end))
                continue
            taken.add(rule.name)
            movable_breaks.append((agent, piece, rule, shift))
    for agent, shift in shifts.iterrows():
        base += cols.span(shift["start"], shift["end"])
        for start, end in fixed.get(agent, []):
            base -= cols.span(start, end)

    def clashes(agent: str, start, end) -> bool:
        return any(s < end and e > start for s, e in fixed.get(agent, []))

    # Breaks and lunches: exactly one position each.
    for agent, piece, rule, shift in movable_breaks:
        duration = piece.end - piece.start
        first = max(
            shift["start"] + pd.Timedelta(minutes=rule.earliest_start_after_minutes),
            frozen_until,
        )
        last = min(
            shift["start"] + pd.Timedelta(minutes=rule.latest_start_after_minutes),
            shift["end"] - duration,
        )
        options = set(pd.date_range(first.ceil(step), last, freq=step)) | {piece.start}
        group = []
        for start in sorted(options):
            if start != piece.start and clashes(agent, start, start + duration):
                continue
            moved = start != piece.start
            group.append(
                cols.add(
                    {
                        "agent_id": agent,
                        "kind": "move" if moved else "keep",
                        "activity": piece.activity,
                        "old_start": piece.start,
                        "old_end": piece.end,
                        "new_start": start,
                        "new_end": start + duration,
                        "agent_activities": 1,
                        "cost": settings.change_cost if moved else 0.0,
                    },
                    cover=[(agent, start, start + duration, -1.0)],
                    busy=[(agent, start, start + duration)],
                )
            )
        cols.exactly_one.append(group)

    # Off-phone sessions: keep, move or postpone within the window, or cancel.
    for (activity, old_start, old_end), attendees in sorted(sessions.items()):
        names = sorted({p.agent_id for p in attendees})
        duration = old_end - old_start
        lo = max([frozen_until] + [shifts.loc[a, "start"] for a in names])
        hi = min(shifts.loc[a, "end"] for a in names)
        for p in attendees:
            w0, w1 = getattr(p, "window_start", pd.NaT), getattr(p, "window_end", pd.NaT)
            lo = max(lo, w0) if pd.notna(w0) else lo
            hi = min(hi, w1) if pd.notna(w1) else hi
        options = set(pd.date_range(lo.ceil(step), hi - duration, freq=step)) | {old_start}
        n = len(names)
        group = []
        for start in sorted(options):
            if start != old_start and any(clashes(a, start, start + duration) for a in names):
                continue
            kind = "keep" if start == old_start else ("postpone" if start > old_start else "move")
            group.append(
                cols.add(
                    {
                        "agent_id": ATTENDEE_SEPARATOR.join(names),
                        "kind": kind,
                        "activity": activity,
                        "old_start": old_start,
                        "old_end": old_end,
                        "new_start": start,
                        "new_end": start + duration,
                        "agent_activities": n,
                        "cost": 0.0 if kind == "keep" else settings.change_cost * n,
                    },
                    cover=[(a, start, start + duration, -1.0) for a in names],
                    busy=[(a, start, start + duration) for a in names],
                )
            )
        group.append(
            cols.add(
                {
                    "agent_id": ATTENDEE_SEPARATOR.join(names),
                    "kind": "cancel",
                    "activity": activity,
                    "old_start": old_start,
                    "old_end": old_end,
                    "new_start": old_start,
                    "new_end": old_start,
                    "agent_activities": n,
                    "cost": settings.cancel_cost * n,
                }
            )
        )
        cols.exactly_one.append(group)

    # Shift length: overtime at the end, an early start, or VTO; at most one per agent.
    for agent, shift in shifts.iterrows():
        contract = contract_for(agent)
        length_min = (shift["end"] - shift["start"]).total_seconds() / 60
        pay = hourly(agent)
        group = []
        if contract is not None and settings.max_overtime_minutes > 0:
            longest = min(
                contract.max_shift_minutes,
                _longest_without_new_break(break_rules(agent), length_min),
            )
            room = min(settings.max_overtime_minutes, longest - length_min)
            if context is not None:
                # The contract's weekly paid hours: the rest of the week plus today's.
                own = present_rota[present_rota["agent_id"] == agent]
                unpaid = own["activity"].isin(
                    [r.activity for r in break_rules(agent) if not r.paid]
                )
                today_paid = (own["end"] - own["start"])[~unpaid].dt.total_seconds().sum() / 60
                room = min(
                    room,
                    contract.max_hours_per_week * 60
                    - context.week_paid_minutes.get(agent, 0.0)
                    - today_paid,
                )
            rest = pd.Timedelta(hours=contract.min_rest_hours)
            after = (
                (nexts[agent] - rest - shift["end"]).total_seconds() / 60
                if agent in nexts
                else np.inf
            )
            for k in range(
                1,
                int(
                    min(room, after, (close - shift["end"]) / pd.Timedelta(minutes=1))
                    // centre.interval_minutes
                )
                + 1,
            ):
                if shift["end"] < frozen_until:
                    break
                new_end = shift["end"] + k * step
                if context is not None and not free_of(
                    context.unavailable, agent, shift["end"], new_end
                ):
                    break  # time off (or an available-only window) is hard, as in the plan
                column = cols.add(
                    {
                        "agent_id": agent,
                        "kind": "overtime",
                        "activity": "work",
                        "old_start": shift["end"],
                        "old_end": shift["end"],
                        "new_start": shift["end"],
                        "new_end": new_end,
                        "agent_activities": 1,
                        "cost": settings.change_cost + k * step_h * pay * settings.overtime_premium,
                    },
                    cover=[(agent, shift["end"], new_end, 1.0)],
                )
                ot_minutes[column] = k * centre.interval_minutes
                group.append(column)
            before = (
                (shift["start"] - rest - prevs[agent]).total_seconds() / 60
                if agent in prevs
                else np.inf
            )
            for k in range(1, int(min(room, before) // centre.interval_minutes) + 1):
                new_start = shift["start"] - k * step
                if new_start < frozen_until or (
                    context is not None
                    and not free_of(context.unavailable, agent, new_start, shift["start"])
                ):
                    break
                column = cols.add(
                    {
                        "agent_id": agent,
                        "kind": "early_start",
                        "activity": "work",
                        "old_start": shift["start"],
                        "old_end": shift["start"],
                        "new_start": new_start,
                        "new_end": shift["start"],
                        "agent_activities": 1,
                        "cost": settings.change_cost + k * step_h * pay * settings.overtime_premium,
                    },
                    cover=[(agent, new_start, shift["start"], 1.0)],
                )
                ot_minutes[column] = k * centre.interval_minutes
                group.append(column)
        if settings.max_vto_minutes > 0:
            own = present_rota[present_rota["agent_id"] == agent]
            last_work = own[own["activity"] == "work"]["start"].max()
            for k in range(1, settings.max_vto_minutes // centre.interval_minutes + 1):
                new_end = shift["end"] - k * step
                if new_end < max(frozen_until, last_work + step) or clashes(
                    agent, new_end, shift["end"]
                ):
                    break
                group.append(
                    cols.add(
                        {
                            "agent_id": agent,
                            "kind": "vto",
                            "activity": "work",
                            "old_start": new_end,
                            "old_end": shift["end"],
                            "new_start": new_end,
                            "new_end": new_end,
                            "agent_activities": 1,
                            "cost": settings.change_cost - k * step_h * pay,
                        },
                        cover=[(agent, new_end, shift["end"], -1.0)],
                        busy=[(agent, new_end, shift["end"])],
                    )
                )
        if group:
            cols.at_most_one.append(group)

    # Call-ins: agents not on today's rota, a short shift with no break needed.
    if context is not None and settings.max_call_ins_per_day > 0:
        on_rota = set(rota["agent_id"])
        for agent in sorted(set(contract_of) - on_rota - absent):
            contract = contract_for(agent)
            if contract is None:
                continue
            shortest_rule = min((r.min_shift_minutes for r in break_rules(agent)), default=np.inf)
            rest = pd.Timedelta(hours=contract.min_rest_hours)
            week_minutes = context.week_paid_minutes.get(agent, 0.0)
            if context.week_days.get(agent, 0) >= contract.max_days_per_week:
                continue
            group = []
            for length in settings.call_in_lengths_minutes:
                if (
                    length >= shortest_rule
                    or length > contract.max_shift_minutes
                    or week_minutes + length > contract.max_hours_per_week * 60
                ):
                    continue
                duration = pd.Timedelta(minutes=length)
                for start in pd.date_range(frozen_until, close - duration, freq=step):
                    end = start + duration
                    if agent in prevs and start < prevs[agent] + rest:
                        continue
                    if agent in nexts and end + rest > nexts[agent]:
                        continue
                    if not free_of(context.unavailable, agent, start, end):
                        continue
                    column = cols.add(
                        {
                            "agent_id": agent,
                            "kind": "call_in",
                            "activity": "work",
                            "old_start": start,
                            "old_end": start,
                            "new_start": start,
                            "new_end": end,
                            "agent_activities": 1,
                            "cost": settings.call_in_cost
                            + length / 60 * hourly(agent) * settings.overtime_premium,
                        },
                        cover=[(agent, start, end, 1.0)],
                    )
                    ot_minutes[column] = length
                    call_ins.append(column)
                    group.append(column)
            if group:
                cols.at_most_one.append(group)

    solved = solve_replan(
        cols,
        required_agents[future],
        base,
        productive,
        centre,
        settings,
        value_curves,
        ot_minutes,
        call_ins,
        queues_by_agent or {},
    )
    return _replan_of(rota, solved, gains_of)


def _replan_of(rota: pd.DataFrame, solved: SolvedReplan, gains_of) -> Replan:
    """The chosen changes as a table, the rota with all of them, and each change's gains."""
    gains = ("service_level_gain", "service_level_gain_in_plan")
    names = [c for c in CHANGE_COLUMNS if c != "change_id" and c not in gains]
    changes = pd.DataFrame([{k: c[k] for k in names} for c in solved.chosen], columns=names)
    if len(changes):
        changes = changes.sort_values(["new_start", "agent_id"]).reset_index(drop=True)
    changes.insert(0, "change_id", range(1, len(changes) + 1))
    changes["service_level_gain"] = np.nan
    changes["service_level_gain_in_plan"] = np.nan
    changes["cost"] = changes["cost"].astype(float).round(2)
    new_rota = apply_changes(rota, changes)
    if gains_of is not None and len(changes):
        # Alone: the change against none. In the plan: every change against all but this one
        # (changes that only pay together, e.g. several agents lifting an interval out of an
        # unstable queue, gain little alone).
        measured = gains_of(rota, changes)
        for column in gains:
            changes[column] = measured[column].to_numpy(dtype=float)
    return Replan(changes, new_rota, solved.objective, solved.status)
