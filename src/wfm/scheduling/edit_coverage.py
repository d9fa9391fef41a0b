"""What a manual rota edit changes: coverage per queue after the edit, and the edit summary.

:func:`coverage_after_edit` updates a rota's coverage per queue by the change an edit
(:mod:`wfm.scheduling.edits`) makes, so intervals the edit does not touch keep their
coverage exactly; a changed agent's time is shared between its queues by water filling
(:func:`fill_levels`). :func:`edit_summary` lists the shifts that differ between two rotas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from wfm.scheduling.rota import coverage_from_rota, skill_group_name
from wfm.scheduling.rota_shifts import shift_dates

#: Tolerance when comparing coverage changes [agents].
_AGENT_TOLERANCE = 1e-9


def _changed_agents(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """Agents whose rows differ between two rotas."""

    def rows(frame: pd.DataFrame) -> dict[str, list[tuple]]:
        keyed: dict[str, list[tuple]] = {}
        for agent, activity, start, end in zip(
            frame["agent_id"], frame["activity"], frame["start"], frame["end"], strict=True
        ):
            keyed.setdefault(agent, []).append((activity, pd.Timestamp(start), pd.Timestamp(end)))
        return {agent: sorted(items, key=lambda item: item[1]) for agent, items in keyed.items()}

    old, new = rows(before), rows(after)
    return sorted(agent for agent in set(old) | set(new) if old.get(agent) != new.get(agent))


def fill_levels(surplus: np.ndarray, change: float, floor: np.ndarray | None = None) -> np.ndarray:
    """Split ``change`` agents between queues so that the lowest surplus rises first.

    Water filling: adding agents (``change > 0``) raises the queues with the lowest
    ``surplus`` (scheduled minus required agents) to a common level :math:`L` with
    :math:`\\sum_q \\max(L - s_q, 0) = \\text{change}`; removing agents lowers the queues with
    the highest surplus to a level :math:`L` with :math:`\\sum_q \\min(\\max(s_q - L, 0), f_q)
    = -\\text{change}`, taking at most ``floor`` [agents] from each queue. This is how a
    skills-based router sends a multi-skilled agent to the queue that needs them most.

    Parameters
    ----------
    surplus
        Scheduled minus required agents per queue [agents].
    change
        Agents added (positive) or removed (negative) [agents].
    floor
        Most agents that can be taken from each queue (default unlimited).

    Returns
    -------
    numpy.ndarray
        The change per queue [agents], summing to ``change`` (to what the floors allow).

    Examples
    --------
    >>> np.round(fill_levels(np.array([-2.0, 0.0]), 3.0), 6).tolist()
    [2.5, 0.5]
    >>> np.round(fill_levels(np.array([-2.0, 1.0]), -1.0), 6).tolist()
    [0.0, -1.0]
    """
    surplus = np.asarray(surplus, dtype=float)
    if len(surplus) == 1:
        taken = change if floor is None or change >= 0 else max(change, -float(floor[0]))
        return np.array([taken])
    if change >= 0:

        def given(level: float) -> np.ndarray:
            return np.maximum(level - surplus, 0.0)

        low, high = surplus.min(), surplus.max() + change
    else:
        cap = np.full(len(surplus), np.inf) if floor is None else np.asarray(floor, dtype=float)

        def given(level: float) -> np.ndarray:
            return 0.0 - np.minimum(np.maximum(surplus - level, 0.0), cap)

        if floor is not None and cap.sum() <= -change:
            return -cap
        reach = float(cap[np.isfinite(cap)].sum())
        low, high = surplus.min() + change - reach, surplus.max()
    target = abs(change)
    for _ in range(200):
        middle = (low + high) / 2.0
        amount = np.abs(given(middle)).sum()
        if (amount < target) == (change >= 0):
            low = middle
        else:
            high = middle
    split = given((low + high) / 2.0)
    total = split.sum()
    return split * (change / total) if total else split


def coverage_after_edit(
    coverage: pd.DataFrame,
    before: pd.DataFrame,
    after: pd.DataFrame,
    queues_by_agent: Mapping[str, Sequence[str]],
    interval_minutes: int,
) -> pd.DataFrame:
    """A rota's coverage per queue, updated by the change from rota ``before`` to ``after``.

    The change in agents working per skill group and interval comes from
    :func:`~wfm.scheduling.rota.coverage_from_rota` on the agents whose rows differ (pro
    rata for activities off the interval grid). A single-skill group's change goes to its
    queue; a multi-skilled group's change is split between its queues by
    :func:`fill_levels` (added agents to the queue shortest of its requirement, removed ones
    from the queue with the most surplus), since the rota says who works, not which queue a
    multi-skilled agent answers. Intervals whose agents working do not change keep their
    coverage exactly.

    Parameters
    ----------
    coverage
        Coverage of ``before`` per interval and queue: ``interval_start``, ``queue``,
        ``agents_scheduled_required``, ``agents_scheduled`` [agents] (and optionally
        ``agents_required``), over consecutive intervals ``interval_minutes`` apart, e.g.
        :attr:`wfm.scheduling.RotaResult.coverage`.
    before, after
        The rota before and after the edit.
    queues_by_agent
        Queues of each agent in either rota, by ``agent_id``.
    interval_minutes
        Interval length [minutes].

    Returns
    -------
    pandas.DataFrame
        ``coverage`` with ``agents_scheduled`` updated and ``under_staffed`` and
        ``over_staffed`` recomputed against ``agents_scheduled_required`` [agents]. Time
        outside the coverage's intervals is not counted.
    """
    result = coverage.copy().reset_index(drop=True)
    changed = _changed_agents(before, after)
    if not changed or result.empty:
        return result
    queues = {agent: tuple(queues_by_agent[agent]) for agent in changed if agent in queues_by_agent}
    grid = pd.DatetimeIndex(pd.Series(result["interval_start"]).drop_duplicates().sort_values())
    old = coverage_from_rota(
        before[before["agent_id"].isin(changed)], queues, grid, interval_minutes
    )
    new = coverage_from_rota(after[after["agent_id"].isin(changed)], queues, grid, interval_minutes)
    delta = new.assign(change=new["agents_working"].to_numpy() - old["agents_working"].to_numpy())
    delta = delta[delta["change"].abs() > _AGENT_TOLERANCE]
    if delta.empty:
        return result
    position = {
        key: i for i, key in enumerate(zip(result["interval_start"], result["queue"], strict=True))
    }
    scheduled = result["agents_scheduled"].to_numpy(dtype=float).copy()
    required = result["agents_scheduled_required"].to_numpy(dtype=float)
    group_queues = {skill_group_name(qs): sorted(set(qs)) for qs in queues.values()}
    for when, group, change in zip(
        delta["interval_start"], delta["skill_group"], delta["change"], strict=True
    ):
        rows = np.array(
            [position[(when, queue)] for queue in group_queues[group] if (when, queue) in position]
        )
        if len(rows) == 0:
            continue
        split = fill_levels(scheduled[rows] - required[rows], float(change), floor=scheduled[rows])
        scheduled[rows] = scheduled[rows] + split
    scheduled = np.round(np.maximum(scheduled, 0.0), 9)
    result["agents_scheduled"] = scheduled
    result["under_staffed"] = np.maximum(required - scheduled, 0.0)
    result["over_staffed"] = np.maximum(scheduled - required, 0.0)
    return result


def edit_summary(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Shifts added, removed or changed between two rotas, one row per agent and date.

    Returns
    -------
    pandas.DataFrame
        ``agent_id, date, before, after`` (``HH:MM–HH:MM`` local times of the shift, or
        empty text when there was or is none), for the shifts whose rows differ.
    """

    def keyed(frame: pd.DataFrame) -> dict[tuple, tuple]:
        out: dict[tuple, list] = {}
        dates = shift_dates(frame) if len(frame) else []
        for agent, date, activity, start, end in zip(
            frame["agent_id"], dates, frame["activity"], frame["start"], frame["end"], strict=True
        ):
            out.setdefault((agent, date), []).append(
                (activity, pd.Timestamp(start), pd.Timestamp(end))
            )
        return {key: tuple(sorted(rows, key=lambda row: row[1])) for key, rows in out.items()}

    def text(rows: tuple | None) -> str:
        if not rows:
            return ""
        pauses = ", ".join(f"{a} {s:%H:%M}" for a, s, _ in rows if a != "work")
        return f"{rows[0][1]:%H:%M}–{rows[-1][2]:%H:%M}" + (f" ({pauses})" if pauses else "")

    old, new = keyed(before), keyed(after)
    keys = sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))
    return pd.DataFrame(
        {
            "agent_id": [key[0] for key in keys],
            "date": [key[1] for key in keys],
            "before": [text(old.get(key)) for key in keys],
            "after": [text(new.get(key)) for key in keys],
        }
    )


__all__ = [
    "coverage_after_edit",
    "edit_summary",
    "fill_levels",
]
