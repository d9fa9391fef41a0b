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
  would need another break) and the rest since the previous shift and before the next one
  allow, at most ``max_overtime_minutes`` per agent;
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

Each suggestion carries its own service-level gain (the day's projected service level with
that change alone, against none) and its cost; :func:`apply_changes` turns accepted ones
into a new rota.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from wfm.config import BreakRule, Centre
from wfm.data.schemas import OFF_PHONE_ACTIVITIES
from wfm.errors import SolveError
from wfm.intraday.service_value import ValueCurves, staffing_curves

logger = logging.getLogger(__name__)

#: Columns of :attr:`Replan.changes`. ``agent_id`` lists a session's attendees joined by "|".
CHANGE_COLUMNS = (
    "change_id",
    "agent_id",
    "kind",
    "activity",
    "old_start",
    "old_end",
    "new_start",
    "new_end",
    "agent_activities",
    "cost",
    "service_level_gain",
    "service_level_gain_in_plan",
)
#: Kinds of change.
CHANGE_KINDS = ("move", "postpone", "cancel", "overtime", "early_start", "call_in", "vto")
#: Separator of a session's attendees in ``agent_id``.
ATTENDEE_SEPARATOR = "|"


@dataclass(frozen=True)
class ReplanSettings:
    """Levers and prices of a re-plan.

    Parameters
    ----------
    notice_minutes
        Nothing starting within this many minutes of the as-of time changes [minutes].
    max_overtime_minutes
        Longest extension or early start offered to one agent [minutes]; 0 for none.
    max_vto_minutes
        Most a shift is shortened by voluntary time off [minutes]; 0 for no VTO.
    max_overtime_hours_per_day
        Cap on all overtime, early starts and call-ins of the day [hours].
    max_call_ins_per_day
        Cap on agents called in; 0 for none.
    call_in_lengths_minutes
        Lengths of the shifts a called-in agent is offered [minutes]; lengths that would need
        a break under the centre's break rules are left out.
    change_cost
        Cost of changing one agent's activity (the disturbance) [cost units].
    cancel_cost
        Cost of cancelling one agent's off-phone activity (on top of nothing else) [cost units].
    call_in_cost
        Cost of calling an agent in (the disturbance, on top of the pay) [cost units].
    overtime_premium
        Overtime pay as a multiple of the hourly pay.
    max_changes
        Most agent-activities changed in all (a session counts each attendee); ``None``: no
        cap.
    value_per_point
        Cost units one point (0.01) of the day's projected service level is worth (used by
        :func:`wfm.intraday.service_value.service_value_curves`); ``None``: the centre's
        under-staffing cost per agent-hour × :data:`POINT_VALUE_AGENT_HOURS`.
    """

    notice_minutes: int = 15
    max_overtime_minutes: int = 60
    max_vto_minutes: int = 120
    max_overtime_hours_per_day: float = 16.0
    max_call_ins_per_day: int = 4
    call_in_lengths_minutes: tuple[int, ...] = (120, 180)
    change_cost: float = 5.0
    cancel_cost: float = 10.0
    call_in_cost: float = 10.0
    overtime_premium: float = 1.5
    value_per_point: float | None = None
    max_changes: int | None = None


#: Default worth of one point of the day's service level, in agent-hours of under-staffing.
POINT_VALUE_AGENT_HOURS = 2.0


def point_value(settings: ReplanSettings, centre: Centre) -> float:
    """Cost units one point of the day's projected service level is worth."""
    if settings.value_per_point is not None:
        return settings.value_per_point
    return POINT_VALUE_AGENT_HOURS * centre.scheduling.under_staffing_cost_per_agent_hour


@dataclass(frozen=True)
class WorkingTimeContext:
    """What the rules need to know beyond today.

    Parameters
    ----------
    previous_shift_end, next_shift_start
        Agent → end of their last shift before today / start of their next shift after
        today (for the rest rule).
    week_paid_minutes, week_days
        Agent → paid minutes and working days in today's week so far in the rota (for the
        contract's weekly limits on call-ins).
    unavailable
        ``agent_id, start, end, kind`` windows of the availability file.
    """

    previous_shift_end: Mapping[str, pd.Timestamp]
    next_shift_start: Mapping[str, pd.Timestamp]
    week_paid_minutes: Mapping[str, float]
    week_days: Mapping[str, int]
    unavailable: pd.DataFrame | None = None


@dataclass(frozen=True)
class Replan:
    """Suggested changes and the rota with all of them applied."""

    changes: pd.DataFrame
    rota: pd.DataFrame
    objective: float
    status: str


def working_time_context(
    rota: pd.DataFrame,
    day,
    *,
    unpaid_activities: Sequence[str] = ("lunch",),
    unavailable: pd.DataFrame | None = None,
) -> WorkingTimeContext:
    """The rest and weekly-hours context of ``day`` from a rota holding other days too.

    The week is the ISO week (Monday to Sunday) of ``day``; days after ``day`` count too (they
    are already planned).
    """
    pieces = rota[rota["date"] != day]
    shifts = pieces.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max"))
    shifts = shifts.reset_index()
    before = shifts[shifts["date"] < day].groupby("agent_id")["end"].max()
    after = shifts[shifts["date"] > day].groupby("agent_id")["start"].min()
    week = pd.Timestamp(day).isocalendar()[:2]
    in_week = pieces[
        np.array([pd.Timestamp(d).isocalendar()[:2] == week for d in pieces["date"]], dtype=bool)
    ]
    paid = in_week[~in_week["activity"].isin(unpaid_activities)]
    minutes = (paid["end"] - paid["start"]).dt.total_seconds() / 60
    return WorkingTimeContext(
        previous_shift_end=before.to_dict(),
        next_shift_start=after.to_dict(),
        week_paid_minutes=minutes.groupby(paid["agent_id"]).sum().to_dict(),
        week_days=in_week.groupby("agent_id")["date"].nunique().to_dict(),
        unavailable=unavailable,
    )


def _shifts(rota: pd.DataFrame) -> pd.DataFrame:
    grouped = rota.groupby("agent_id")
    return pd.DataFrame({"start": grouped["start"].min(), "end": grouped["end"].max()})


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


def _free_of(
    unavailable: pd.DataFrame | None, agent: str, start: pd.Timestamp, end: pd.Timestamp
) -> bool:
    """No ``unavailable`` window overlaps [start, end), and an ``available_only`` window on
    the day (if any) holds it."""
    if unavailable is None or unavailable.empty:
        return True
    own = unavailable[unavailable["agent_id"] == agent]
    if own.empty:
        return True
    off = own[own["kind"] == "unavailable"]
    if ((off["start"] < end) & (off["end"] > start)).any():
        return False
    only = own[(own["kind"] == "available_only") & (own["start"].dt.date == start.date())]
    return only.empty or ((only["start"] <= start) & (only["end"] >= end)).any()


class _Columns:
    """Decision variables of the re-plan, their coverage and their groups."""

    def __init__(self, grid: pd.DatetimeIndex, step: pd.Timedelta) -> None:
        self.origin, self.step, self.n_t = grid[0], step, len(grid)
        self.items: list[dict] = []
        self.cover: list[tuple[int, str, int, int, float]] = []  # (column, agent, lo, hi, sign)
        self.busy: list[tuple[int, str, int, int]] = []  # (column, agent, lo, hi)
        self.exactly_one: list[list[int]] = []
        self.at_most_one: list[list[int]] = []

    def slot(self, stamp: pd.Timestamp) -> int:
        k = (stamp - self.origin) // self.step
        return int(min(max(k, 0), self.n_t))

    def add(self, item: dict, cover=(), busy=()) -> int:
        column = len(self.items)
        self.items.append(item)
        for agent, start, end, sign in cover:
            self.cover.append((column, agent, self.slot(start), self.slot(end), sign))
        for agent, start, end in busy:
            self.busy.append((column, agent, self.slot(start), self.slot(end)))
        return column

    def span(self, start, end) -> np.ndarray:
        vector = np.zeros(self.n_t)
        vector[self.slot(start) : self.slot(end)] = 1.0
        return vector


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
    service_level_of: Callable[[pd.DataFrame], float] | None = None,
    value_curves: ValueCurves | None = None,
    context: WorkingTimeContext | None = None,
    absent_agents: Sequence[str] = (),
    queues_by_agent: Mapping[str, Sequence[str]] | None = None,
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
        Break rules, contracts, interval length, under/over-staffing prices, shrinkage.
    contract_of : mapping
        Agent → contract name, for every agent who may be changed or called in (agents in it
        but not on today's rota are the call-in candidates).
    next_shift_start : mapping, optional
        Agent → start of their next shift; overrides ``context``'s.
    settings : ReplanSettings, optional
    shrinkage_fraction : float, optional
        Default the centre's planning shrinkage.
    service_level_of : callable, optional
        ``rota -> the day's projected service level``; with it each change gets its own
        ``service_level_gain`` (the change alone, against no change).
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
    contracts = {c.name: c for c in centre.contracts}
    cols = _Columns(grid_f, step)
    base = np.zeros(n_t)  # agents on shift and not in a fixed non-work piece
    ot_minutes: dict[int, float] = {}  # column -> overtime minutes it buys
    call_ins: list[int] = []

    def hourly(agent: str) -> float:
        contract = contracts.get(contract_of.get(agent, ""))
        return contract.cost_per_paid_hour if contract else 1.0

    present_rota = rota[~rota["agent_id"].isin(absent)]
    shifts = _shifts(present_rota)
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
            rule = _matching_rule(centre.break_rules, piece.activity, length_min, taken)
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
        contract = contracts.get(contract_of.get(agent, ""))
        length_min = (shift["end"] - shift["start"]).total_seconds() / 60
        pay = hourly(agent)
        group = []
        if contract is not None and settings.max_overtime_minutes > 0:
            longest = min(
                contract.max_shift_minutes,
                _longest_without_new_break(centre.break_rules, length_min),
            )
            room = min(settings.max_overtime_minutes, longest - length_min)
            if context is not None:
                # The contract's weekly paid hours: the rest of the week plus today's.
                own = present_rota[present_rota["agent_id"] == agent]
                unpaid = own["activity"].isin(
                    [r.activity for r in centre.break_rules if not r.paid]
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
                if new_start < frozen_until:
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
        shortest_rule = min((r.min_shift_minutes for r in centre.break_rules), default=np.inf)
        on_rota = set(rota["agent_id"])
        for agent in sorted(set(contract_of) - on_rota - absent):
            contract = contracts.get(contract_of[agent])
            if contract is None:
                continue
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
                    if not _free_of(context.unavailable, agent, start, end):
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

    return _solve(
        cols,
        rota,
        required_agents[future],
        base,
        productive,
        centre,
        settings,
        value_curves,
        ot_minutes,
        call_ins,
        service_level_of,
        queues_by_agent or {},
    )


def _cover_rows(
    cols: _Columns, curves: ValueCurves, queues_by_agent: Mapping[str, Sequence[str]]
) -> sparse.csr_matrix:
    """Change in productive agents (before shrinkage) of each curve row per column.

    A row is an interval, or an interval and a queue; an agent's change is split between the
    rows of their queues in proportion to the rows' required agents (equally when none is
    required).
    """
    slots = pd.date_range(cols.origin, periods=cols.n_t, freq=cols.step)
    slot_of = {stamp: k for k, stamp in enumerate(slots)}
    rows_at: dict[int, list[int]] = {}
    for r, stamp in enumerate(curves.grid):
        rows_at.setdefault(slot_of[stamp], []).append(r)
    weights = curves.weights if curves.weights is not None else np.ones(len(curves.grid))
    r_idx, c_idx, vals = [], [], []
    share_cache: dict[tuple, list[tuple[int, float]]] = {}
    for column, agent, lo, hi, sign in cols.cover:
        own = tuple(queues_by_agent.get(agent, ()))
        for t in range(lo, hi):
            key = (t, own)
            if key not in share_cache:
                rows = rows_at.get(t, [])
                if curves.queues is not None:
                    mine = [r for r in rows if curves.queues[r] in own] or rows
                else:
                    mine = rows
                total = sum(weights[r] for r in mine)
                share_cache[key] = [
                    (r, weights[r] / total if total > 0 else 1.0 / len(mine)) for r in mine
                ]
            for r, share in share_cache[key]:
                r_idx.append(r)
                c_idx.append(column)
                vals.append(sign * share)
    return sparse.csr_matrix((vals, (r_idx, c_idx)), shape=(len(curves.grid), len(cols.items)))


def _solve(
    cols: _Columns,
    rota: pd.DataFrame,
    required: pd.Series,
    base: np.ndarray,
    productive: float,
    centre: Centre,
    settings: ReplanSettings,
    value_curves: ValueCurves | None,
    ot_minutes: Mapping[int, float],
    call_ins: Sequence[int],
    service_level_of,
    queues_by_agent: Mapping[str, Sequence[str]],
) -> Replan:
    n_x, n_t = len(cols.items), cols.n_t
    step_h = centre.interval_minutes / 60.0
    keep = np.array([1.0 if c["kind"] == "keep" else 0.0 for c in cols.items])
    if value_curves is None:
        pooled = ValueCurves(pd.DatetimeIndex(required.index), ())
        status_quo = base + _cover_rows(cols, pooled, {}) @ keep  # agents on shift now
        value_curves = staffing_curves(
            required,
            productive * status_quo,
            centre.scheduling.under_staffing_cost_per_agent_hour * step_h,
            centre.scheduling.over_staffing_cost_per_agent_hour * step_h,
        )
    else:
        try:
            value_curves = value_curves.take(pd.DatetimeIndex(required.index))
        except ValueError:
            raise SolveError(
                "the value curves do not cover the rest of the day's intervals"
            ) from None
    cover = _cover_rows(cols, value_curves, queues_by_agent)
    n_rows = len(value_curves.grid)  # one per interval, or per interval and queue
    # Columns: x (n_x binaries), then per interval its curve's segments s (continuous, filled
    # from the lowest point up: Δ_t = x_0 + Σ s), then ordering binaries z where the curve is
    # not concave (the incremental formulation of a piecewise-linear function).
    seg_cost, seg_upper, seg_of = [], [], []
    order_pairs = []  # (segment j, segment j+1): j full before j+1 starts
    offsets, floors = np.zeros(n_rows), np.zeros(n_rows)
    # The change in productive agents each interval can reach, to trim the curves.
    keep_cover = cover @ keep
    # At most one column of a group is chosen: its reach is its most extreme column's.
    reach_low, reach_high = -keep_cover.copy(), -keep_cover.copy()
    grouped = np.zeros(n_x, dtype=bool)
    csc = cover.tocsc()
    for group in cols.exactly_one + cols.at_most_one:
        part = csc[:, group].toarray()
        reach_low += np.minimum(part.min(axis=1), 0.0)
        reach_high += np.maximum(part.max(axis=1), 0.0)
        grouped[group] = True
    free = csc[:, np.flatnonzero(~grouped)]
    reach_low += free.minimum(0).sum(axis=1).A1
    reach_high += free.maximum(0).sum(axis=1).A1
    reach_low, reach_high = productive * reach_low, productive * reach_high
    for t, (x, f) in enumerate(value_curves.points):
        inside = (x >= np.floor(reach_low[t]) - 1) & (x <= np.ceil(reach_high[t]) + 1)
        inside |= x == 0.0
        x, f = x[inside], f[inside]
        offsets[t], floors[t] = x[0], f[0]
        widths = np.diff(x)
        slopes = np.diff(f) / widths if len(x) > 1 else np.zeros(0)
        # Where the curve is not concave, every segment must be full before the next starts
        # (otherwise the solver would skip flat stretches for steeper ones beyond them).
        concave = bool(np.all(np.diff(slopes) <= 1e-9))
        first = len(seg_cost)
        for j, (width, slope) in enumerate(zip(widths, slopes, strict=True)):
            seg_cost.append(-slope)
            seg_upper.append(width)
            seg_of.append(t)
            if not concave and j + 1 < len(widths):
                order_pairs.append((first + j, first + j + 1))
        seg_cost.append(0.0)  # flat beyond the last point
        seg_upper.append(highspy.kHighsInf)
        seg_of.append(t)
    n_s, n_z = len(seg_cost), len(order_pairs)
    n_col = n_x + n_s + n_z
    cost = np.concatenate([[c["cost"] for c in cols.items], seg_cost, np.zeros(n_z)])
    blocks, lo, hi = [], [], []
    # Σ s_t - p (C x)_t = -x0_t - p (C keep)_t: the segments add up to the change in agents.
    seg_sum = sparse.csr_matrix((np.ones(n_s), (seg_of, np.arange(n_s))), shape=(n_rows, n_s))
    blocks.append(sparse.hstack([-productive * cover, seg_sum, sparse.csr_matrix((n_rows, n_z))]))
    rhs = -offsets - productive * keep_cover
    lo.append(rhs)
    hi.append(rhs)
    # Ordering where the slope rises: s_{j+1} <= w_{j+1} z and s_j >= w_j z.
    if n_z:
        pairs = np.array(order_pairs)
        z = n_x + n_s + np.arange(n_z)
        upper = np.asarray(seg_upper)
        rows = np.repeat(np.arange(n_z), 2)
        blocks.append(
            sparse.csr_matrix(
                (
                    np.column_stack([np.ones(n_z), -upper[pairs[:, 1]]]).ravel(),
                    (rows, np.column_stack([n_x + pairs[:, 1], z]).ravel()),
                ),
                shape=(n_z, n_col),
            )
        )
        lo.append(np.full(n_z, -highspy.kHighsInf))
        hi.append(np.zeros(n_z))
        blocks.append(
            sparse.csr_matrix(
                (
                    np.column_stack([np.ones(n_z), -upper[pairs[:, 0]]]).ravel(),
                    (rows, np.column_stack([n_x + pairs[:, 0], z]).ravel()),
                ),
                shape=(n_z, n_col),
            )
        )
        lo.append(np.zeros(n_z))
        hi.append(np.full(n_z, highspy.kHighsInf))
    for group, equal in [(g, True) for g in cols.exactly_one] + [
        (g, False) for g in cols.at_most_one
    ]:
        row = sparse.csr_matrix((np.ones(len(group)), ([0] * len(group), group)), shape=(1, n_col))
        blocks.append(row)
        lo.append(np.array([1.0 if equal else -highspy.kHighsInf]))
        hi.append(np.array([1.0]))
    # One non-work activity at a time per agent and interval.
    agents = sorted({agent for _, agent, _, _ in cols.busy})
    index = {agent: k for k, agent in enumerate(agents)}
    r, c = [], []
    for column, agent, a, b in cols.busy:
        r.extend(index[agent] * n_t + t for t in range(a, b))
        c.extend([column] * (b - a))
    if r:
        busy = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(agents) * n_t, n_col))
        busy = busy[np.unique(r)]
        busy = busy[np.asarray((busy > 0).sum(axis=1)).ravel() > 1]
        if busy.shape[0]:
            blocks.append(busy)
            lo.append(np.full(busy.shape[0], -highspy.kHighsInf))
            hi.append(np.ones(busy.shape[0]))
    # Caps of the day.
    if ot_minutes:
        keys = sorted(ot_minutes)
        blocks.append(
            sparse.csr_matrix(
                ([ot_minutes[k] for k in keys], ([0] * len(keys), keys)), shape=(1, n_col)
            )
        )
        lo.append(np.array([-highspy.kHighsInf]))
        hi.append(np.array([settings.max_overtime_hours_per_day * 60.0]))
    if settings.max_changes is not None:
        changing = [k for k, c in enumerate(cols.items) if c["kind"] != "keep"]
        blocks.append(
            sparse.csr_matrix(
                (
                    [float(cols.items[k]["agent_activities"]) for k in changing],
                    ([0] * len(changing), changing),
                ),
                shape=(1, n_col),
            )
        )
        lo.append(np.array([-highspy.kHighsInf]))
        hi.append(np.array([float(settings.max_changes)]))
    if call_ins:
        blocks.append(
            sparse.csr_matrix(
                (np.ones(len(call_ins)), ([0] * len(call_ins), list(call_ins))), shape=(1, n_col)
            )
        )
        lo.append(np.array([-highspy.kHighsInf]))
        hi.append(np.array([float(settings.max_call_ins_per_day)]))
    matrix = sparse.vstack(blocks, format="csc")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.concatenate([np.ones(n_x), seg_upper, np.ones(n_z)])
    lp.row_lower_, lp.row_upper_ = np.concatenate(lo), np.concatenate(hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = (
        matrix.indptr,
        matrix.indices,
        matrix.data,
    )
    lp.integrality_ = (
        [highspy.HighsVarType.kInteger] * n_x
        + [highspy.HighsVarType.kContinuous] * n_s
        + [highspy.HighsVarType.kInteger] * n_z
    )
    solver = highspy.Highs()
    for name, value in (
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", 0),
        ("mip_rel_gap", 1e-4),
        # A deterministic node budget ends the search; the wall clock is only a safety net
        # (its firing is reported in the status).
        ("mip_max_nodes", 5000),
        ("time_limit", 600.0),
    ):
        solver.setOptionValue(name, value)
    solver.passModel(lp)
    solver.run()
    status = solver.getModelStatus()
    values = np.asarray(solver.getSolution().col_value)
    if values.size != n_col or not np.isfinite(values).all():
        raise SolveError(f"the re-plan found no solution ({solver.modelStatusToString(status)})")
    chosen = [
        c for c, v in zip(cols.items, values[:n_x], strict=True) if v > 0.5 and c["kind"] != "keep"
    ]
    gains = ("service_level_gain", "service_level_gain_in_plan")
    names = [c for c in CHANGE_COLUMNS if c != "change_id" and c not in gains]
    changes = pd.DataFrame([{k: c[k] for k in names} for c in chosen], columns=names)
    if len(changes):
        changes = changes.sort_values(["new_start", "agent_id"]).reset_index(drop=True)
    changes.insert(0, "change_id", range(1, len(changes) + 1))
    changes["service_level_gain"] = np.nan
    changes["service_level_gain_in_plan"] = np.nan
    changes["cost"] = changes["cost"].astype(float).round(2)
    new_rota = apply_changes(rota, changes)
    if service_level_of is not None and len(changes):
        # Alone: the change against none. In the plan: every change against all but this one
        # (changes that only pay together, e.g. several agents lifting an interval out of an
        # unstable queue, gain little alone).
        before, after = service_level_of(rota), service_level_of(new_rota)
        everything = range(len(changes))
        changes["service_level_gain"] = [
            service_level_of(apply_changes(rota, changes.iloc[[k]])) - before for k in everything
        ]
        changes["service_level_gain_in_plan"] = [
            after - service_level_of(apply_changes(rota, changes.drop(index=k))) for k in everything
        ]
    text = (
        "optimal"
        if status == highspy.HighsModelStatus.kOptimal
        else solver.modelStatusToString(status)
    )
    logger.info(
        "re-plan: %d columns, %d rows, %s, %d changes", n_col, matrix.shape[0], text, len(changes)
    )
    return Replan(changes, new_rota, float(solver.getInfo().objective_function_value), text)


def apply_changes(rota: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The rota with ``changes`` (rows of :attr:`Replan.changes`) applied.

    A moved (or postponed) break or activity is cut out of the work around its new place and
    the work closes over its old place; a cancelled activity becomes work; overtime extends
    the shift's end, an early start its start; a call-in adds a shift of work; VTO cuts the
    shift's end.
    """
    rows = rota.copy()
    for change in changes.itertuples(index=False):
        for agent in str(change.agent_id).split(ATTENDEE_SEPARATOR):
            rows = _apply_one(rows, agent, change)
    return _merge_work(rows).sort_values(["agent_id", "start"], ignore_index=True)


def _apply_one(rows: pd.DataFrame, agent: str, change) -> pd.DataFrame:
    if change.kind in ("move", "postpone", "cancel"):
        own = rows["agent_id"] == agent
        piece = own & (rows["activity"] == change.activity) & (rows["start"] == change.old_start)
        rows = rows[~piece]
        rows = _set_activity(rows, agent, change.old_start, change.old_end, "work")
        if change.kind != "cancel":
            rows = _set_activity(rows, agent, change.new_start, change.new_end, change.activity)
    elif change.kind in ("overtime", "early_start", "call_in"):
        rows = _set_activity(rows, agent, change.new_start, change.new_end, "work")
    elif change.kind == "vto":
        rows = _cut(rows, agent, change.new_start, change.old_end)
    return rows


def _cut(rows: pd.DataFrame, agent: str, start, end) -> pd.DataFrame:
    """Remove [start, end) from an agent's pieces."""
    out = []
    for row in rows.itertuples(index=False):
        piece = row._asdict()
        if piece["agent_id"] != agent or piece["end"] <= start or piece["start"] >= end:
            out.append(piece)
            continue
        if piece["start"] < start:
            out.append(dict(piece, end=start))
        if piece["end"] > end:
            out.append(dict(piece, start=end))
    return pd.DataFrame(out, columns=rows.columns)


def _set_activity(rows: pd.DataFrame, agent: str, start, end, activity: str) -> pd.DataFrame:
    rows = _cut(rows, agent, start, end)
    own = rows[rows["agent_id"] == agent]
    date = own["date"].iloc[0] if len(own) and "date" in rows else start.date()
    extra = {
        c: own[c].iloc[0]
        for c in rows.columns
        if c not in ("agent_id", "date", "activity", "start", "end") and len(own)
    }
    piece = {
        "agent_id": agent,
        "date": date,
        "activity": activity,
        "start": start,
        "end": end,
    } | extra
    return pd.concat([rows, pd.DataFrame([piece])], ignore_index=True)


def _merge_work(rows: pd.DataFrame) -> pd.DataFrame:
    """Join touching work pieces of an agent into one."""
    rows = rows.sort_values(["agent_id", "start"], ignore_index=True)
    merged = []
    for piece in rows.to_dict("records"):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last["agent_id"] == piece["agent_id"]
            and last["activity"] == "work" == piece["activity"]
            and last["end"] == piece["start"]
        ):
            last["end"] = piece["end"]
        else:
            merged.append(piece)
    return pd.DataFrame(merged, columns=rows.columns)


def shift_minutes(rota: pd.DataFrame) -> pd.Series:
    """Length of each agent's shift today [minutes] (for checks)."""
    shifts = _shifts(rota)
    return (shifts["end"] - shifts["start"]).dt.total_seconds() / 60
