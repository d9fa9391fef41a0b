"""What changing a published rota costs, as extensions of the rota model.

Re-optimisation (:mod:`wfm.scheduling.reoptimise`) keeps published shifts and breaks where
it can: :class:`ChangePenalty` prices each published shift the new rota does not keep
(``change_cost_per_shift``), :class:`BreakChangePenalty` each published break it moves
(``change_cost_per_break``). :func:`published_breaks` finds the published breaks that can
still be kept, :func:`break_start_counts` counts them per break start, and
:func:`keep_published_breaks` puts them back into a rota read from the model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.rules.base import ModelContext

#: Columns of :func:`published_breaks`: agent index, shift candidate, break rule, its chain
#: and the grid position ``t`` of the break start.
BREAK_COLUMNS = ("agent", "candidate", "rule", "chain", "t")


@dataclass(frozen=True)
class ChangePenalty:
    """Model extension: ``cost_per_shift`` for each (agent, day) whose shift differs from
    ``published`` (see :mod:`wfm.scheduling.reoptimise`) [cost units].

    Parameters
    ----------
    published
        Published shifts: ``agent`` (index), ``candidate`` and ``day``, including shifts the
        change has ruled out (each a forced change).
    cost_per_shift
        ``change_cost_per_shift`` [cost units per changed shift].

    Units of a pooled workforce must hold agents with the same published shifts
    (:func:`wfm.scheduling.search.split_pools` does this); the penalty of a pool of
    :math:`m` agents is :math:`m - x_{u,c}` on a day with published shift :math:`c` and
    :math:`\\sum_c x_{u,c}` on a day off, exact because its agents are interchangeable.
    """

    published: pd.DataFrame
    cost_per_shift: float

    def __call__(self, context: ModelContext) -> object:
        model, workforce, shifts = context.model, context.workforce, context.shifts
        cost = self.cost_per_shift
        by_agent = {
            int(a): dict(zip(group["day"].tolist(), group["candidate"].tolist(), strict=True))
            for a, group in self.published.groupby("agent")
        }
        constant = 0.0
        coefs: list[float] = []
        variables: list = []
        days_by_unit = {int(u): group for u, group in shifts.groupby("unit", sort=True)}
        for u, unit in enumerate(workforce.units):
            published = by_agent.get(unit.agents[0], {})
            if any(by_agent.get(a, {}) != published for a in unit.agents[1:]):
                raise ValueError(
                    f"unit {unit.unit_id} mixes agents with different published shifts"
                )
            constant += (
                cost * unit.size * len(published)
            )  # every published shift, less those kept below
            group = days_by_unit.get(u)
            if group is None:
                continue
            for day, candidate, variable in zip(
                group["day"], group["candidate"], group["var"], strict=True
            ):
                kept = published.get(int(day))
                if kept is None:
                    coefs.append(cost)  # a shift on a published day off
                    variables.append(variable)
                elif int(candidate) == kept:
                    coefs.append(-cost)  # the published shift kept
                    variables.append(variable)
        return model.add_expression("shift_change_cost", variables, coefs, constant)


def _ns(values) -> np.ndarray:
    return pd.DatetimeIndex(values).as_unit("ns").asi8


def published_breaks(
    published_rota: pd.DataFrame, shifts: pd.DataFrame, instance: RotaInstance
) -> pd.DataFrame:
    """The published breaks and lunches of ``shifts`` (``agent``, ``candidate``) as break
    starts on the instance's grid (:data:`BREAK_COLUMNS`).

    A break row belongs to the shift of its agent that it starts inside; its rule is the
    rule whose window (on that shift) holds its start and whose activity it has. Rows that
    start off the interval grid or outside every window are left out (they cannot be kept).
    """
    empty = pd.DataFrame({column: [] for column in BREAK_COLUMNS}, dtype="int64")
    agent_index = {agent.agent_id: a for a, agent in enumerate(instance.agents)}
    rows = published_rota[
        (published_rota["activity"] != "work")
        & published_rota["agent_id"].astype(str).isin(agent_index)
    ]
    if rows.empty or shifts.empty:
        return empty
    candidates = instance.candidates.set_index("candidate")
    chosen = shifts[["agent", "candidate"]].astype("int64")
    shift_table = chosen.assign(
        shift_start_ns=_ns(candidates.loc[chosen["candidate"], "start"]),
        shift_end_ns=_ns(candidates.loc[chosen["candidate"], "end"]),
        first_interval=candidates.loc[chosen["candidate"], "first_interval"].to_numpy(np.int64),
    )
    breaks = pd.DataFrame(
        {
            "agent": rows["agent_id"].astype(str).map(agent_index).to_numpy(np.int64),
            "start_ns": _ns(rows["start"]),
            "activity": rows["activity"].astype(str).to_numpy(),
        }
    ).merge(shift_table, on="agent")
    breaks = breaks[
        (breaks["start_ns"] >= breaks["shift_start_ns"])
        & (breaks["start_ns"] < breaks["shift_end_ns"])
    ]
    interval_ns = instance.grid.interval_minutes * 60 * 10**9
    offset_ns = breaks["start_ns"] - breaks["shift_start_ns"]
    breaks = breaks[(offset_ns % interval_ns) == 0].assign(
        t=lambda frame: (
            frame["first_interval"] + (frame["start_ns"] - frame["shift_start_ns"]) // interval_ns
        )
    )
    windows = instance.windows[
        ["candidate", "rule", "chain", "earliest_interval", "latest_interval"]
    ]
    placed = breaks.merge(windows, on="candidate")
    activities = {r: rule.activity for r, rule in enumerate(instance.break_rules)}
    placed = placed[
        (placed["t"] >= placed["earliest_interval"])
        & (placed["t"] <= placed["latest_interval"])
        & (placed["activity"] == placed["rule"].map(activities))
    ]
    if placed.empty:
        return empty
    result = placed[list(BREAK_COLUMNS)].astype("int64")
    return result.drop_duplicates(["agent", "candidate", "rule"]).sort_values(
        list(BREAK_COLUMNS), ignore_index=True
    )


def break_start_counts(breaks: pd.DataFrame, instance: RotaInstance) -> pd.DataFrame:
    """Break starts per skill group, chain and grid position: ``group``, ``chain``, ``t``,
    ``count`` (the :math:`P_{g,k,t}` of :mod:`wfm.scheduling.reoptimise`)."""
    if breaks.empty:
        return pd.DataFrame({c: [] for c in ("group", "chain", "t", "count")}, dtype="int64")
    grouped = breaks.assign(group=instance.agent_group[breaks["agent"].to_numpy(np.int64)])
    return grouped.groupby(["group", "chain", "t"]).size().rename("count").reset_index()


@dataclass(frozen=True)
class BreakChangePenalty:
    """Model extension: ``cost_per_break`` for each published break start of a kept shift
    that the model's break counts cannot keep [cost units].

    Parameters
    ----------
    published
        :func:`break_start_counts` of the published breaks of kept shifts.
    cost_per_break
        ``change_cost_per_break`` [cost units per moved break].

    Adds ``break_moved[i] >= P_i - y[g, k, t]`` (``break_moved >= 0``) for each published
    start the model has a ``y`` for; published starts outside the model's break windows
    (shifts it cannot choose) are a constant.
    """

    published: pd.DataFrame
    cost_per_break: float

    def __call__(self, context: ModelContext) -> object:
        model = context.model
        index = model.y.position()
        keys: list[tuple[int, int, int]] = []
        counts: list[float] = []
        missing = 0.0
        for g, k, t, count in self.published[["group", "chain", "t", "count"]].itertuples(
            index=False
        ):
            key = (int(g), int(k), int(t))
            if key in index:
                keys.append(key)
                counts.append(float(count))
            else:
                missing += float(count)
        rows = list(range(len(keys)))
        moved = model.add_variables("break_moved", rows, lower=0.0)
        model.add_rows(
            "break_moved_count",
            {i: ([1.0, 1.0], [moved[i], model.y[keys[i]]]) for i in rows},
            lower=counts,
        )
        return model.add_expression(
            "break_move_cost",
            moved.columns,
            [self.cost_per_break] * len(keys),
            self.cost_per_break * missing,
        )


#: Cost of a pairing outside a break window in :func:`keep_published_breaks` (forbidden).
_OUTSIDE_WINDOW = 1e9


def keep_published_breaks(
    agent_breaks: pd.DataFrame, published: pd.DataFrame, instance: RotaInstance
) -> pd.DataFrame:
    """Give agents back their published break times where the new break starts allow.

    The model decides how many agents of a skill group start a break of a chain at each
    interval, not who; :func:`wfm.scheduling.rota.assign_breaks` hands them out in agent
    order. Here, for each group and chain, the same break starts are handed out again by a
    minimum-cost assignment (:func:`scipy.optimize.linear_sum_assignment`): cost 0 for an
    agent's published start on the same shift, 1 for another start inside the break's
    window, forbidden outside it. Coverage and cost are unchanged (the same starts, each
    inside its window); the number of moved breaks is the least those starts allow.

    Parameters
    ----------
    agent_breaks
        ``agent``, ``candidate``, ``rule``, ``offset_minutes`` (from ``assign_breaks``).
    published
        :func:`published_breaks` of the published rota.
    instance
        The instance solved.

    Returns
    -------
    pandas.DataFrame
        ``agent_breaks`` with ``offset_minutes`` re-paired.
    """
    if agent_breaks.empty or published.empty:
        return agent_breaks
    from scipy.optimize import linear_sum_assignment

    interval = instance.grid.interval_minutes
    first = instance.candidates.set_index("candidate")["first_interval"]
    windows = instance.windows[
        ["candidate", "rule", "chain", "earliest_interval", "latest_interval"]
    ]
    frame = agent_breaks.reset_index(drop=True).merge(
        windows, on=["candidate", "rule"], how="left", validate="many_to_one"
    )
    first_of_row = first.loc[frame["candidate"]].to_numpy(np.int64)
    t = first_of_row + frame["offset_minutes"].to_numpy(np.int64) // interval
    wanted_by_key = {
        (int(a), int(c), int(r)): int(w)
        for a, c, r, w in published[["agent", "candidate", "rule", "t"]].itertuples(index=False)
    }
    wanted = np.array(
        [
            wanted_by_key.get((int(a), int(c), int(r)), -1)
            for a, c, r in frame[["agent", "candidate", "rule"]].itertuples(index=False)
        ],
        dtype=np.int64,
    )
    group = instance.agent_group[frame["agent"].to_numpy(np.int64)]
    new_t = t.copy()
    keys = pd.DataFrame({"group": group, "chain": frame["chain"].to_numpy()})
    for rows in keys.groupby(["group", "chain"]).indices.values():
        want = wanted[rows]
        if not (want >= 0).any() or (want == t[rows]).all():
            continue
        slots = t[rows]
        lower = frame["earliest_interval"].to_numpy(np.int64)[rows]
        upper = frame["latest_interval"].to_numpy(np.int64)[rows]
        inside = (slots[None, :] >= lower[:, None]) & (slots[None, :] <= upper[:, None])
        cost = np.where(
            inside, np.where(slots[None, :] == want[:, None], 0.0, 1.0), _OUTSIDE_WINDOW
        )
        agent_rows, slot_columns = linear_sum_assignment(cost)
        if cost[agent_rows, slot_columns].max() >= _OUTSIDE_WINDOW:
            continue  # cannot happen for a valid matching; keep the solver's assignment
        new_t[rows[agent_rows]] = slots[slot_columns]
    result = agent_breaks.reset_index(drop=True).copy()
    result["offset_minutes"] = ((new_t - first_of_row) * interval).astype(np.int64)
    return result
