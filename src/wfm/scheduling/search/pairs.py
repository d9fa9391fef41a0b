"""A rota as (agent, candidate) pairs, into an exact model (a MIP start) and out of one."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel

logger = logging.getLogger(__name__)


def start_values(
    model: LinearModel, instance: RotaInstance, keep: pd.DataFrame
) -> list[tuple[object, float]]:
    """MIP start for an exact model, as (column, value) pairs: ``x`` is 1 on the kept
    (agent, candidate) pairs the model has and 0 elsewhere; the solver completes the rest
    (breaks, coverage)."""
    kept = {
        (instance.agents[int(a)].agent_id, int(c))
        for a, c in zip(keep["agent"], keep["candidate"], strict=True)
    }
    return [
        (column, 1.0 if key in kept else 0.0)
        for key, column in zip(model.x.keys, model.x.columns.tolist(), strict=True)
    ]


def read_pairs(model: LinearModel, instance: RotaInstance) -> pd.DataFrame:
    """The (agent, candidate) pairs an exact model's solution works (columns ``agent`` and
    ``candidate``, indices)."""
    index = {agent.agent_id: a for a, agent in enumerate(instance.agents)}
    keys = model.x.keys
    pairs = [(index[keys[i][0]], int(keys[i][1])) for i in np.flatnonzero(model.x.solution() > 0.5)]
    return pd.DataFrame(pairs, columns=["agent", "candidate"], dtype="int64").sort_values(
        ["agent", "candidate"], ignore_index=True
    )


def pooled_break_start(
    model: LinearModel, pooled_model: LinearModel, instance: RotaInstance, pairs: pd.DataFrame
) -> list[tuple[object, float]]:
    """The rest of a MIP start for the exact ``model`` of a shared-out rota, beside
    :func:`start_values`, as (column, value) pairs: the group shift counts ``n`` of
    ``pairs`` [agents] and, for each (skill group, break chain) whose shift counts in
    ``pairs`` are those of the pooled solution held in ``pooled_model``, its pooled break
    starts ``y`` [agents].

    The break starts of a chain fit the exact model exactly when the chain's shift counts
    are the pooled ones (the break placement rows of
    :func:`~wfm.scheduling.model.add_break_placement` depend on nothing else), i.e. when the
    share-out moved none of its shifts; the chains of moved shifts are left to HiGHS. With
    every integer column given, HiGHS completes the start with the LP of the coverage alone
    instead of a sub-MIP over the breaks (docs/benchmarks.md, "Share-out and search").
    """
    shared = (
        pd.DataFrame(
            {
                "group": instance.agent_group[pairs["agent"].to_numpy(np.int64)],
                "candidate": pairs["candidate"].to_numpy(np.int64),
            }
        )
        .value_counts()
        .to_dict()
    )
    shared = {(int(g), int(c)): int(count) for (g, c), count in shared.items()}
    start: list[tuple[object, float]] = [
        (column, float(shared.get(key, 0)))
        for key, column in zip(model.n.keys, model.n.columns.tolist(), strict=True)
    ]
    pooled = {
        key: round(float(value))
        for key, value in zip(pooled_model.n.keys, pooled_model.n.solution(), strict=True)
        if value > 0.5
    }
    changed = {key for key in pooled.keys() | shared.keys() if pooled.get(key) != shared.get(key)}
    chains = instance.windows.groupby("candidate")["chain"].unique()
    moved_chains = {(g, int(k)) for g, c in changed if c in chains.index for k in chains.loc[c]}
    pooled_y = dict(zip(pooled_model.y.keys, pooled_model.y.solution().tolist(), strict=True))
    start += [
        (column, float(round(pooled_y.get(key, 0.0))))
        for key, column in zip(model.y.keys, model.y.columns.tolist(), strict=True)
        if (key[0], key[1]) not in moved_chains
    ]
    return start
