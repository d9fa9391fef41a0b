"""Re-plan the rest of the day with the fewest changes: move breaks, offer overtime and
voluntary time off, the past frozen.

From the as-of time t plus a notice period, a small MILP (arrays into HiGHS) chooses:

- a new start for each break or lunch that has not begun, within its break rule's window
  (minutes after the shift start), on the interval grid;
- **overtime**: extend a shift at its end by 1..K intervals, only where the contract's
  longest shift and the rest before the agent's next shift allow, at most
  ``max_overtime_minutes`` per agent;
- **voluntary time off (VTO)**: end a shift 1..K intervals early where the centre is
  over-staffed (an offer the agent may decline).

Coverage of interval i is the agents on shift and not on a break; productive agents are
coverage × (1 − shrinkage) and are set against the day's updated requirement (summed over
queues: agents are pooled). The objective prices under- and over-staffing per agent-hour
(the centre's scheduling costs), each change (:attr:`ReplanSettings.change_cost`), overtime
pay at a premium, and credits the pay VTO saves. Nothing before t + notice changes.

Each suggestion carries its own service-level gain (the day's projected service level with
that change alone, against none) and its cost; :func:`apply_changes` turns accepted ones
into a new rota.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from wfm.config import BreakRule, Centre
from wfm.errors import SolveError

#: Columns of :attr:`Replan.changes`.
CHANGE_COLUMNS = (
    "change_id",
    "agent_id",
    "kind",
    "activity",
    "old_start",
    "old_end",
    "new_start",
    "new_end",
    "cost",
    "service_level_gain",
)


@dataclass(frozen=True)
class ReplanSettings:
    """Levers and prices of a re-plan.

    Parameters
    ----------
    notice_minutes
        Nothing starting within this many minutes of the as-of time changes [minutes].
    max_overtime_minutes
        Longest extension offered to one agent [minutes]; 0 for no overtime.
    max_vto_minutes
        Most a shift is shortened by voluntary time off [minutes]; 0 for no VTO.
    change_cost
        Cost of changing one agent's activity (the disturbance) [cost units].
    overtime_premium
        Overtime pay as a multiple of the hourly pay.
    """

    notice_minutes: int = 15
    max_overtime_minutes: int = 60
    max_vto_minutes: int = 120
    change_cost: float = 5.0
    overtime_premium: float = 1.5


@dataclass(frozen=True)
class Replan:
    """Suggested changes and the rota with all of them applied."""

    changes: pd.DataFrame
    rota: pd.DataFrame
    objective: float
    status: str


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
) -> Replan:
    """Suggest the fewest changes that best cover the rest of the day.

    Parameters
    ----------
    rota : pandas.DataFrame
        Today's rota (``agent_id``, ``date``, ``activity``, ``start``, ``end``).
    required_agents : pandas.Series
        Productive agents required per interval start (tz-aware index), all queues summed,
        from the day's updated requirement (:func:`wfm.intraday.position.day_position`).
    as_of : pandas.Timestamp
    centre : Centre
        Break rules, contracts, interval length, under/over-staffing prices, shrinkage.
    contract_of : mapping
        Agent → contract name.
    next_shift_start : mapping, optional
        Agent → start of their next shift (tomorrow), for the rest rule on overtime.
    settings : ReplanSettings, optional
    shrinkage_fraction : float, optional
        Default the centre's planning shrinkage.
    service_level_of : callable, optional
        ``rota -> the day's projected service level``; with it each change gets its own
        ``service_level_gain`` (the change alone, against no change).
    """
    settings = settings or ReplanSettings()
    step = pd.Timedelta(minutes=centre.interval_minutes)
    step_h = centre.interval_minutes / 60.0
    frozen_until = as_of + pd.Timedelta(minutes=settings.notice_minutes)
    shrink = (
        centre.planning.shrinkage_fraction if shrinkage_fraction is None else shrinkage_fraction
    )
    grid = pd.DatetimeIndex(required_agents.index)
    future = grid >= frozen_until
    grid_f = grid[future]
    need = required_agents.to_numpy(dtype=float)[future]
    n_t = len(grid_f)
    if n_t == 0:
        empty = pd.DataFrame(columns=list(CHANGE_COLUMNS))
        return Replan(empty, rota.copy(), 0.0, "nothing left to plan")
    slot = {stamp: k for k, stamp in enumerate(grid_f)}
    shifts = _shifts(rota)
    pay = {c.name: c.cost_per_paid_hour for c in centre.contracts}
    max_shift = {c.name: c.max_shift_minutes for c in centre.contracts}
    min_rest = {c.name: c.min_rest_hours for c in centre.contracts}
    base = np.zeros(n_t)
    columns: list[dict] = []  # one per decision variable
    groups: list[
        list[int]
    ] = []  # choose-one groups (a break's positions; an agent's extension/VTO)

    def span(start, end) -> np.ndarray:
        vector = np.zeros(n_t)
        for stamp in pd.date_range(start, end - step, freq=step):
            if stamp in slot:
                vector[slot[stamp]] = 1.0
        return vector

    for agent, shift in shifts.iterrows():
        own = rota[rota["agent_id"] == agent].sort_values("start")
        base += span(shift["start"], shift["end"])
        length_min = (shift["end"] - shift["start"]).total_seconds() / 60
        taken: set = set()
        for _, piece in own[own["activity"] != "work"].iterrows():
            rule = _matching_rule(centre.break_rules, piece["activity"], length_min, taken)
            duration = piece["end"] - piece["start"]
            if rule is None or piece["start"] < frozen_until:
                base -= span(piece["start"], piece["end"])
                continue
            taken.add(rule.name)
            first = max(
                shift["start"] + pd.Timedelta(minutes=rule.earliest_start_after_minutes),
                frozen_until,
            )
            last = min(
                shift["start"] + pd.Timedelta(minutes=rule.latest_start_after_minutes),
                shift["end"] - duration,
            )
            options = [s for s in pd.date_range(first.ceil(step), last, freq=step)]
            if piece["start"] not in options:
                options.append(piece["start"])
            group = []
            for start in sorted(set(options)):
                moved = start != piece["start"]
                group.append(len(columns))
                columns.append(
                    {
                        "agent_id": agent,
                        "kind": "move" if moved else "keep",
                        "activity": piece["activity"],
                        "old_start": piece["start"],
                        "old_end": piece["end"],
                        "new_start": start,
                        "new_end": start + duration,
                        "cover": -span(start, start + duration),
                        "cost": settings.change_cost if moved else 0.0,
                    }
                )
            groups.append(group)
        contract = contract_of.get(agent)
        hourly = pay.get(contract, 1.0)
        group = []
        if shift["end"] > frozen_until and settings.max_overtime_minutes > 0:
            limit = max_shift.get(contract, 600) - length_min
            rest_limit = np.inf
            if next_shift_start and agent in next_shift_start and contract in min_rest:
                rest_limit = (
                    next_shift_start[agent] - shift["end"] - pd.Timedelta(hours=min_rest[contract])
                ).total_seconds() / 60
            most = min(settings.max_overtime_minutes, limit, rest_limit)
            for k in range(1, int(most // centre.interval_minutes) + 1):
                group.append(len(columns))
                columns.append(
                    {
                        "agent_id": agent,
                        "kind": "overtime",
                        "activity": "work",
                        "old_start": shift["end"],
                        "old_end": shift["end"],
                        "new_start": shift["end"],
                        "new_end": shift["end"] + k * step,
                        "cover": span(shift["end"], shift["end"] + k * step),
                        "cost": settings.change_cost
                        + k * step_h * hourly * settings.overtime_premium,
                    }
                )
        if settings.max_vto_minutes > 0:
            last_work = own[own["activity"] == "work"].iloc[-1]
            for k in range(1, settings.max_vto_minutes // centre.interval_minutes + 1):
                new_end = shift["end"] - k * step
                if new_end < max(frozen_until, last_work["start"] + step):
                    break
                group.append(len(columns))
                columns.append(
                    {
                        "agent_id": agent,
                        "kind": "vto",
                        "activity": "work",
                        "old_start": new_end,
                        "old_end": shift["end"],
                        "new_start": new_end,
                        "new_end": new_end,
                        "cover": -span(new_end, shift["end"]),
                        "cost": settings.change_cost - k * step_h * hourly,
                    }
                )
        if group:
            groups.append([-1 - g for g in group])  # at most one: marked by sign
    n_x = len(columns)
    under_cost = centre.scheduling.under_staffing_cost_per_agent_hour * step_h
    over_cost = centre.scheduling.over_staffing_cost_per_agent_hour * step_h
    # Columns: x (n_x), under (n_t), over (n_t).
    n_col = n_x + 2 * n_t
    cost = np.concatenate(
        [[c["cost"] for c in columns], np.full(n_t, under_cost), np.full(n_t, over_cost)]
    )
    cover = np.array([c["cover"] for c in columns]).T if n_x else np.zeros((n_t, 0))
    productive = 1.0 - shrink
    blocks, lo, hi = [], [], []
    eye = sparse.identity(n_t, format="csr")
    # under_t >= need_t - productive (base_t + C x)  ->  productive C x + under >= need - productive base
    blocks.append(
        sparse.hstack([sparse.csr_matrix(productive * cover), eye, sparse.csr_matrix((n_t, n_t))])
    )
    lo.append(need - productive * base)
    hi.append(np.full(n_t, highspy.kHighsInf))
    # over_t >= productive (base + C x) - need  ->  -productive C x + over >= productive base - need
    blocks.append(
        sparse.hstack([sparse.csr_matrix(-productive * cover), sparse.csr_matrix((n_t, n_t)), eye])
    )
    lo.append(productive * base - need)
    hi.append(np.full(n_t, highspy.kHighsInf))
    for group in groups:
        row = np.zeros((1, n_col))
        if group and group[0] < 0:
            row[0, [-1 - g for g in group]] = 1.0
            lo.append(np.array([-highspy.kHighsInf]))
        else:
            row[0, group] = 1.0
            lo.append(np.array([1.0]))
        hi.append(np.array([1.0]))
        blocks.append(sparse.csr_matrix(row))
    matrix = sparse.vstack(blocks, format="csc")
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.concatenate([np.ones(n_x), np.full(2 * n_t, highspy.kHighsInf)])
    lp.row_lower_, lp.row_upper_ = np.concatenate(lo), np.concatenate(hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = (
        matrix.indptr,
        matrix.indices,
        matrix.data,
    )
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [highspy.HighsVarType.kContinuous] * (
        2 * n_t
    )
    solver = highspy.Highs()
    for name, value in (
        ("output_flag", False),
        ("threads", 1),
        ("random_seed", 0),
        ("mip_rel_gap", 1e-4),
        ("time_limit", 60.0),
    ):
        solver.setOptionValue(name, value)
    solver.passModel(lp)
    solver.run()
    status = solver.getModelStatus()
    values = np.asarray(solver.getSolution().col_value)
    if values.size != n_col:
        raise SolveError(f"the re-plan found no solution ({solver.modelStatusToString(status)})")
    chosen = [
        c for c, v in zip(columns, values[:n_x], strict=True) if v > 0.5 and c["kind"] != "keep"
    ]
    changes = pd.DataFrame(
        [{k: c[k] for k in CHANGE_COLUMNS if k in c} for c in chosen],
        columns=[c for c in CHANGE_COLUMNS if c not in ("change_id", "service_level_gain")],
    )
    changes.insert(0, "change_id", range(1, len(changes) + 1))
    changes["service_level_gain"] = np.nan
    changes["cost"] = changes["cost"].astype(float).round(2)
    new_rota = apply_changes(rota, changes)
    if service_level_of is not None and len(changes):
        before = service_level_of(rota)
        changes["service_level_gain"] = [
            service_level_of(apply_changes(rota, changes.iloc[[k]])) - before
            for k in range(len(changes))
        ]
    text = (
        "optimal"
        if status == highspy.HighsModelStatus.kOptimal
        else solver.modelStatusToString(status)
    )
    return Replan(changes, new_rota, float(solver.getInfo().objective_function_value), text)


def apply_changes(rota: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The rota with ``changes`` (rows of :attr:`Replan.changes`) applied.

    A moved break is cut out of the work around its new place and the work closes over its
    old place; overtime extends the last work piece; VTO cuts the shift's end.
    """
    rows = rota.copy()
    for change in changes.itertuples(index=False):
        own = rows["agent_id"] == change.agent_id
        if change.kind == "move":
            piece = (
                own & (rows["activity"] == change.activity) & (rows["start"] == change.old_start)
            )
            rows = rows[~piece]
            rows = _set_activity(rows, change.agent_id, change.old_start, change.old_end, "work")
            rows = _set_activity(
                rows, change.agent_id, change.new_start, change.new_end, change.activity
            )
        elif change.kind == "overtime":
            rows = _set_activity(rows, change.agent_id, change.old_end, change.new_end, "work")
        elif change.kind == "vto":
            rows = _cut(rows, change.agent_id, change.new_start, change.old_end)
    return _merge_work(rows).sort_values(["agent_id", "start"], ignore_index=True)


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
