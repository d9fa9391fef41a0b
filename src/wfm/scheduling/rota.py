"""Reading a solved rota model back: the rota, its coverage and per-agent totals.

The model decides shifts per agent but breaks only as counts per skill group and shift
(implicit break placement); :func:`assign_breaks` gives those breaks to individual agents.
:func:`coverage_from_rota` recomputes coverage from any rota frame (a solved one, a manually
edited one or an uploaded one), independently of the model.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from wfm.data.schemas import ROTA_COLUMNS
from wfm.errors import InputError
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel

logger = logging.getLogger(__name__)

#: Columns of the coverage frame of a rota result.
ROTA_COVERAGE_COLUMNS = (
    "interval_start",
    "queue",
    "agents_required",
    "agents_scheduled_required",
    "agents_scheduled",
    "under_staffed",
    "over_staffed",
)

#: Columns of the per-agent summary of a rota result.
AGENT_SUMMARY_COLUMNS = (
    "agent_id",
    "name",
    "team",
    "contract",
    "days_worked",
    "paid_hours",
    "weekend_days",
    "late_shifts",
)

#: Columns of :func:`coverage_from_rota`.
GROUP_COVERAGE_COLUMNS = ("interval_start", "skill_group", "agents_working")

#: Digits kept when reading continuous solver values (removes 1e-10 noise).
_DECIMALS = 6


def skill_group_name(queues: Sequence[str]) -> str:
    """The name of a skill group: its queues, sorted, joined by ``+``.

    >>> skill_group_name(["sales", "billing"])
    'billing+sales'
    """
    return "+".join(sorted(set(queues)))


def read_assignments(model: LinearModel, instance: RotaInstance) -> pd.DataFrame:
    """Shifts chosen by the solved model: columns ``agent`` (index) and ``candidate``."""
    index = {agent.agent_id: a for a, agent in enumerate(instance.agents)}
    keys = model.x.keys
    chosen = [(index[keys[i][0]], keys[i][1]) for i in np.flatnonzero(model.x.solution() > 0.5)]
    return pd.DataFrame(chosen, columns=["agent", "candidate"], dtype=np.int64).sort_values(
        ["agent", "candidate"], ignore_index=True
    )


def read_break_starts(model: LinearModel) -> pd.DataFrame:
    """Breaks chosen by the solved model: columns ``group``, ``chain``, ``t`` (grid
    position of the break start) and ``count`` (agents)."""
    counts = [
        (g, k, t, int(round(value)))
        for (g, k, t), value in zip(model.y.keys, model.y.solution().tolist(), strict=True)
    ]
    frame = pd.DataFrame(counts, columns=["group", "chain", "t", "count"], dtype=np.int64)
    return frame[frame["count"] > 0].reset_index(drop=True)


def match_breaks(
    shift_counts: dict[int, int], windows: pd.DataFrame, starts: dict[int, int]
) -> dict[int, list[int]]:
    """Match break starts to shifts of one chain, earliest deadline first.

    Parameters
    ----------
    shift_counts
        Agents on each candidate of the chain, by candidate id.
    windows
        The chain's rows of the break-window table (``candidate``, ``earliest_interval``,
        ``latest_interval``).
    starts
        Breaks starting at each grid position, by position.

    Returns
    -------
    dict
        Break start positions given to each candidate (one per agent on it). Sweeping the
        positions in time order and giving each break to the open window that closes first
        is optimal for intervals (Glover 1967), so it succeeds whenever the forward and
        backward conditions of :func:`wfm.scheduling.model.add_break_placement` hold.
    """
    import heapq

    order = windows.sort_values(["earliest_interval", "latest_interval", "candidate"])
    pending = [
        (int(a), int(b), int(c))
        for c, a, b in zip(
            order["candidate"], order["earliest_interval"], order["latest_interval"], strict=True
        )
        if shift_counts.get(int(c), 0) > 0
    ]
    remaining = {c: shift_counts[c] for _, _, c in pending}
    given: dict[int, list[int]] = {c: [] for _, _, c in pending}
    heap: list[tuple[int, int]] = []
    next_shift = 0
    for t in sorted(starts):
        while next_shift < len(pending) and pending[next_shift][0] <= t:
            _, latest, c = pending[next_shift]
            heapq.heappush(heap, (latest, c))
            next_shift += 1
        for _ in range(starts[t]):
            while heap and (heap[0][0] < t or remaining[heap[0][1]] == 0):
                heapq.heappop(heap)
            if not heap:
                break
            c = heap[0][1]
            given[c].append(t)
            remaining[c] -= 1
    return given


def assign_breaks(
    assignments: pd.DataFrame, break_starts: pd.DataFrame, instance: RotaInstance
) -> pd.DataFrame:
    """Give the breaks the model placed per skill group to the group's agents.

    For each group and chain, :func:`match_breaks` gives break starts to shifts; the agents
    of the group on a shift (in ``agent_id`` order) then take them in time order. Because
    the break windows of one shift do not overlap, any such split is valid. Should the
    matching leave a shift short (solver tolerances), the missing breaks go to the start of
    the window, with a warning.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent``, ``candidate``, ``rule`` and ``offset_minutes``.
    """
    interval = instance.grid.interval_minutes
    first_interval = instance.candidates.set_index("candidate")["first_interval"]
    frame = assignments.assign(group=instance.agent_group[assignments["agent"].to_numpy()])
    agents_on = {
        (int(g), int(c)): sorted(group["agent"].tolist())
        for (g, c), group in frame.groupby(["group", "candidate"])
    }
    starts_by_chain = {
        (int(g), int(k)): dict(zip(group["t"].tolist(), group["count"].tolist(), strict=True))
        for (g, k), group in break_starts.groupby(["group", "chain"])
    }
    windows = instance.windows
    rows: list[tuple[int, int, int, int]] = []
    for g in sorted({g for g, _ in agents_on}):
        mine = windows[windows["candidate"].isin([c for gg, c in agents_on if gg == g])]
        for k, chain in mine.groupby("chain", sort=True):
            counts = {int(c): len(agents_on[g, int(c)]) for c in chain["candidate"]}
            given = match_breaks(counts, chain, starts_by_chain.get((g, int(k)), {}))
            for c, rule, earliest in zip(
                chain["candidate"], chain["rule"], chain["earliest_interval"], strict=True
            ):
                agents = agents_on[g, int(c)]
                times = sorted(given.get(int(c), []))
                if len(times) != len(agents):
                    logger.warning(
                        "break matching left %d of %d agents on shift %d without break rule %d; placing them "
                        "at the window start",
                        len(agents) - len(times),
                        len(agents),
                        int(c),
                        int(rule),
                    )
                    times = (times + [int(earliest)] * len(agents))[: len(agents)]
                offsets = [(t - int(first_interval[int(c)])) * interval for t in times]
                rows.extend((a, int(c), int(rule), o) for a, o in zip(agents, offsets, strict=True))
    return pd.DataFrame(
        rows, columns=["agent", "candidate", "rule", "offset_minutes"], dtype=np.int64
    )


def rota_frame(
    assignments: pd.DataFrame, agent_breaks: pd.DataFrame, instance: RotaInstance
) -> pd.DataFrame:
    """The rota: one row per activity, the activities of a shift partitioning it.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`wfm.data.schemas.ROTA_COLUMNS`: ``agent_id``, ``date`` (local date of
        the shift start), ``activity`` (``work``, ``break`` or ``lunch``), ``start`` and
        ``end`` (tz-aware, centre time zone); sorted by agent and start.
    """
    timezone = instance.grid.timezone
    candidates = instance.candidates
    index = dict(zip(candidates["candidate"].tolist(), range(len(candidates)), strict=True))
    starts = candidates["start"].tolist()
    dates = candidates["date"].tolist()
    lengths = candidates["length_minutes"].tolist()
    rules = instance.break_rules
    # Each shift's breaks by start offset (then rule), as one sorted pass over the table.
    breaks_by_shift: dict[tuple[int, int], list[tuple[int, int]]] = {}
    ordered = agent_breaks.sort_values(
        ["agent", "candidate", "offset_minutes", "rule"], kind="stable"
    )
    for a, c, offset, b in zip(
        ordered["agent"].tolist(),
        ordered["candidate"].tolist(),
        ordered["offset_minutes"].tolist(),
        ordered["rule"].tolist(),
        strict=True,
    ):
        breaks_by_shift.setdefault((a, c), []).append((offset, b))
    rows: list[tuple] = []
    for a, c in zip(assignments["agent"].tolist(), assignments["candidate"].tolist(), strict=True):
        i = index[c]
        date, start, length = dates[i], starts[i], lengths[i]
        agent_id = instance.agents[a].agent_id
        cursor = 0
        for offset, b in breaks_by_shift.get((a, c), []):
            rule = rules[b]
            if offset > cursor:
                rows.append((agent_id, date, "work", cursor, offset, start))
            rows.append(
                (agent_id, date, rule.activity, offset, offset + rule.duration_minutes, start)
            )
            cursor = offset + rule.duration_minutes
        if cursor < length:
            rows.append((agent_id, date, "work", cursor, int(length), start))
    if not rows:
        return pd.DataFrame(
            {
                "agent_id": pd.Series(dtype=object),
                "date": pd.Series(dtype=object),
                "activity": pd.Series(dtype=object),
                "start": pd.Series(dtype=f"datetime64[ns, {timezone}]"),
                "end": pd.Series(dtype=f"datetime64[ns, {timezone}]"),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["agent_id", "date", "activity", "from_minute", "to_minute", "shift_start"]
    )
    shift_start = pd.DatetimeIndex(frame["shift_start"]).tz_convert(timezone)
    frame["start"] = (
        shift_start + pd.to_timedelta(frame["from_minute"].to_numpy(), unit="min")
    ).tz_convert(timezone)
    frame["end"] = (
        shift_start + pd.to_timedelta(frame["to_minute"].to_numpy(), unit="min")
    ).tz_convert(timezone)
    frame = frame.sort_values(["agent_id", "start"], kind="stable", ignore_index=True)
    return frame[list(ROTA_COLUMNS)]


def scheduled_by_queue(model: LinearModel, instance: RotaInstance) -> np.ndarray:
    """Agents the model allocated to each queue [agents], shape (horizon intervals, queues)."""
    queue_index = {q: j for j, q in enumerate(instance.queues)}
    scheduled = np.zeros((instance.grid.n_horizon, len(instance.queues)))
    for (t, _g, q), value in zip(model.z.keys, model.z.solution().tolist(), strict=True):
        scheduled[t, queue_index[q]] += value
    return np.round(scheduled, _DECIMALS)


def coverage_frame(scheduled: np.ndarray, instance: RotaInstance) -> pd.DataFrame:
    """Coverage per (interval, queue) over every interval of the horizon.

    Parameters
    ----------
    scheduled
        Agents on each queue [agents], shape (horizon intervals, queues), e.g. from
        :func:`scheduled_by_queue`.
    instance
        The instance (grid, queues and requirements).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ROTA_COVERAGE_COLUMNS`; ``under_staffed`` and ``over_staffed`` are
        :math:`\\max(r - s, 0)` and :math:`\\max(s - r, 0)` against the scheduled
        requirement [agents].
    """
    n_t, n_q = scheduled.shape
    required = instance.scheduled_required
    frame = pd.DataFrame(
        {
            "interval_start": np.repeat(instance.grid.horizon, n_q),
            "queue": np.tile(np.array(instance.queues, dtype=object), n_t),
            "agents_required": instance.required.reshape(-1),
            "agents_scheduled_required": required.reshape(-1),
            "agents_scheduled": scheduled.reshape(-1),
            "under_staffed": np.maximum(required - scheduled, 0.0).reshape(-1),
            "over_staffed": np.maximum(scheduled - required, 0.0).reshape(-1),
        }
    )
    frame["interval_start"] = pd.DatetimeIndex(frame["interval_start"]).tz_convert(
        instance.grid.timezone
    )
    return frame[list(ROTA_COVERAGE_COLUMNS)]


def agent_summary(
    assignments: pd.DataFrame, instance: RotaInstance, *, late_shift_end: str
) -> pd.DataFrame:
    """Days worked, paid hours, weekend days and late shifts per agent (every agent, also
    without shifts).

    Parameters
    ----------
    late_shift_end
        A shift is late when it ends at or after this local time (``"HH:MM"``) or on a
        later date than it starts (``scheduling.late_shift_end``, the fairness rule's
        reading, :func:`wfm.scheduling.model.late_and_weekend_shifts`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AGENT_SUMMARY_COLUMNS`; ``paid_hours`` [hours]; ``weekend_days``
        counts shifts starting on a Saturday or Sunday, ``late_shifts`` late shifts.
    """
    from wfm.scheduling.model import late_and_weekend_shifts

    kinds = late_and_weekend_shifts(instance.candidates, late_shift_end)
    shifts = assignments.merge(
        instance.candidates[["candidate", "date", "paid_minutes"]], on="candidate"
    ).merge(kinds, on="candidate")
    totals = shifts.groupby("agent").agg(
        days_worked=("date", "nunique"),
        paid_minutes=("paid_minutes", "sum"),
        weekend_days=("weekend", "sum"),
        late_shifts=("late", "sum"),
    )
    totals = totals.reindex(range(len(instance.agents)), fill_value=0)
    return pd.DataFrame(
        {
            "agent_id": [agent.agent_id for agent in instance.agents],
            "name": [agent.name for agent in instance.agents],
            "team": [agent.team for agent in instance.agents],
            "contract": [agent.contract for agent in instance.agents],
            "days_worked": totals["days_worked"].to_numpy(dtype=np.int64),
            "paid_hours": totals["paid_minutes"].to_numpy(dtype=float) / 60.0,
            "weekend_days": totals["weekend_days"].to_numpy(dtype=np.int64),
            "late_shifts": totals["late_shifts"].to_numpy(dtype=np.int64),
        }
    )


def _ramp_sums(points: np.ndarray, at: np.ndarray) -> np.ndarray:
    """:math:`\\sum_p \\max(y - p, 0)` for each ``y`` in ``at`` (sort and prefix sums)."""
    ordered = np.sort(points)
    prefix = np.concatenate([[0.0], np.cumsum(ordered)])
    count = np.searchsorted(ordered, at, side="right")
    return count * at - prefix[count]


def coverage_from_rota(
    rota: pd.DataFrame,
    queues_by_agent: Mapping[str, Sequence[str]],
    grid: pd.DatetimeIndex,
    interval_minutes: int,
) -> pd.DataFrame:
    """Agents working (on shift and not on a break or lunch) per interval and skill group.

    Each ``work`` row of the rota contributes the fraction of each interval it covers, so
    activities off the interval grid (manual edits, uploaded rotas) count pro rata; on-grid
    rotas give whole numbers. Agents are grouped by their set of queues; how a multi-skilled
    group is split between its queues is a decision (the model's allocation, or a later
    routing assumption), not a property of the rota.

    With :math:`F` mapping a time to the (fractional) number of intervals elapsed since the
    grid start, a piece :math:`[s, e)` covers :math:`|[F(s), F(e)) \\cap [i, i+1)|` of
    interval :math:`i`; summed over pieces this is :math:`H(i+1) - H(i)` with
    :math:`H(y) = \\sum_p \\max(y - F(s_p), 0) - \\max(y - F(e_p), 0)`, computed with sorted
    prefix sums in :math:`O((P + T) \\log P)`.

    Parameters
    ----------
    rota
        Columns :data:`wfm.data.schemas.ROTA_COLUMNS`; ``start`` and ``end`` tz-aware.
    queues_by_agent
        Queues each agent of the rota is skilled for, by ``agent_id``.
    grid
        Interval starts (tz-aware), consecutive and ``interval_minutes`` apart.
    interval_minutes
        Interval length [minutes].

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GROUP_COVERAGE_COLUMNS`: ``interval_start``, ``skill_group`` (see
        :func:`skill_group_name`) and ``agents_working`` [agents], one row per interval
        and skill group present in ``queues_by_agent``, sorted by group then interval.

    Raises
    ------
    InputError
        If the rota names an agent missing from ``queues_by_agent``.

    Examples
    --------
    >>> import pandas as pd
    >>> grid = pd.date_range("2025-01-06 08:00", periods=4, freq="15min", tz="Europe/London")
    >>> rota = pd.DataFrame({"agent_id": ["a"], "date": [grid[0].date()], "activity": ["work"],
    ...                      "start": [grid[0] + pd.Timedelta(minutes=5)], "end": [grid[2]]})
    >>> coverage_from_rota(rota, {"a": ["sales"]}, grid, 15)["agents_working"].round(3).tolist()
    [0.667, 1.0, 0.0, 0.0]
    """
    missing = sorted(set(rota["agent_id"]) - set(queues_by_agent))
    if missing:
        raise InputError(
            f"the rota has agent '{missing[0]}', whose queues are unknown",
            source="rota",
            column="agent_id",
            value=missing[0],
            fix="add the agent to the agents file",
        )
    grid = pd.DatetimeIndex(grid)
    edges = np.concatenate(
        [grid.as_unit("ns").asi8, [grid.as_unit("ns").asi8[-1] + interval_minutes * 60 * 10**9]]
    )
    edges = edges.astype(float) if len(grid) else np.zeros(1)
    positions = np.arange(len(edges), dtype=float)
    groups = sorted({skill_group_name(queues) for queues in queues_by_agent.values()})
    work = rota[rota["activity"] == "work"]
    group_of_row = np.array(
        [skill_group_name(queues_by_agent[a]) for a in work["agent_id"]], dtype=object
    )
    starts = np.interp(
        pd.DatetimeIndex(work["start"]).as_unit("ns").asi8.astype(float), edges, positions
    )
    ends = np.interp(
        pd.DatetimeIndex(work["end"]).as_unit("ns").asi8.astype(float), edges, positions
    )
    parts = []
    for group in groups:
        mine = group_of_row == group
        cumulative = _ramp_sums(starts[mine], positions) - _ramp_sums(ends[mine], positions)
        parts.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "skill_group": group,
                    "agents_working": np.round(np.diff(cumulative), 9),
                }
            )
        )
    if not parts:
        return pd.DataFrame({column: [] for column in GROUP_COVERAGE_COLUMNS})
    return pd.concat(parts, ignore_index=True)[list(GROUP_COVERAGE_COLUMNS)]
