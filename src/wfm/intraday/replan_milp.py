"""The re-plan's MILP: its levers as columns, their value against the cost, solved by HiGHS.

:class:`ReplanColumns` holds one binary column per lever (keep, move, postpone or cancel a
piece, overtime, early start, call-in, VTO) with the agents and intervals it covers or keeps
busy and its exclusive groups; :func:`solve_replan` builds the model as sparse arrays straight
into HiGHS and returns the chosen columns. The value side is a piecewise-linear curve per
interval (and queue) of the change in productive agents
(:mod:`wfm.intraday.service_value`), modelled with ordered segments where it is not concave.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from wfm.config import Centre
from wfm.errors import SolveError
from wfm.highs_cpu_limit import cpu_limit
from wfm.highs_solver import new_highs
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.service_value import ValueCurves, staffing_curves

logger = logging.getLogger(__name__)

#: The re-plan's work limit: HiGHS's branch-and-bound nodes (deterministic: one thread and
#: a fixed seed explore the same nodes on any machine, whatever its load) [nodes].
MAX_NODES = 5000
#: Safety net on one re-plan solve [CPU seconds of the calling thread, not wall seconds:
#: :func:`wfm.highs_cpu_limit.cpu_limit`], so that the machine's load cannot
#: decide where it fires; HiGHS's wall limit is only a far backstop (20 times this).
SAFETY_CPU_SECONDS = 600.0


@dataclass(frozen=True)
class SolvedReplan:
    """The chosen changing columns (their item dicts), the objective and the solver status."""

    chosen: list[dict]
    objective: float
    status: str


class ReplanColumns:
    """Decision variables of the re-plan (one per lever), their coverage and their groups."""

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


def cover_rows(
    cols: ReplanColumns, curves: ValueCurves, queues_by_agent: Mapping[str, Sequence[str]]
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


def solve_replan(
    cols: ReplanColumns,
    required: pd.Series,
    base: np.ndarray,
    productive: float,
    centre: Centre,
    settings: ReplanSettings,
    value_curves: ValueCurves | None,
    ot_minutes: Mapping[int, float],
    call_ins: Sequence[int],
    queues_by_agent: Mapping[str, Sequence[str]],
) -> SolvedReplan:
    """Choose the columns of ``cols`` that best trade the value of agents against the cost.

    Parameters
    ----------
    cols : ReplanColumns
        The levers (one column each) with their coverage and groups.
    required : pandas.Series
        Productive agents required per interval of the rest of the day.
    base : numpy.ndarray
        Agents on shift and not in a fixed non-work piece per interval (before shrinkage).
    productive : float
        1 − shrinkage [fraction].
    centre, settings
        Interval length, staffing prices; the caps of the day.
    value_curves : ValueCurves, optional
        The service-level value of productive agents; ``None``: the linear staffing prices.
    ot_minutes : mapping
        Column → overtime minutes it buys (the day's overtime cap).
    call_ins : sequence of int
        Call-in columns (the day's call-in cap).
    queues_by_agent : mapping
        Agent → queues (curves per queue).
    """
    n_x, n_t = len(cols.items), cols.n_t
    step_h = centre.interval_minutes / 60.0
    keep = np.array([1.0 if c["kind"] == "keep" else 0.0 for c in cols.items])
    if value_curves is None:
        pooled = ValueCurves(pd.DatetimeIndex(required.index), ())
        status_quo = base + cover_rows(cols, pooled, {}) @ keep  # agents on shift now
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
    cover = cover_rows(cols, value_curves, queues_by_agent)
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
    solver = new_highs()
    for name, value in (
        ("threads", 1),
        ("random_seed", 0),
        ("mip_rel_gap", 1e-4),
        # A deterministic node budget ends the search; the CPU-time limit is only a safety
        # net (its firing is reported in the status).
        ("mip_max_nodes", MAX_NODES),
    ):
        solver.setOptionValue(name, value)
    solver.passModel(lp)
    with cpu_limit(solver, SAFETY_CPU_SECONDS) as interrupt:
        solver.run()
    status = interrupt.model_status()  # the CPU-time limit firing reads as kTimeLimit
    values = np.asarray(solver.getSolution().col_value)
    if values.size != n_col or not np.isfinite(values).all():
        raise SolveError(f"the re-plan found no solution ({solver.modelStatusToString(status)})")
    chosen = [
        c for c, v in zip(cols.items, values[:n_x], strict=True) if v > 0.5 and c["kind"] != "keep"
    ]
    text = (
        "optimal"
        if status == highspy.HighsModelStatus.kOptimal
        else solver.modelStatusToString(status)
    )
    logger.info(
        "re-plan: %d columns, %d rows, %s, %d changes", n_col, matrix.shape[0], text, len(chosen)
    )
    return SolvedReplan(chosen, float(solver.getInfo().objective_function_value), text)
