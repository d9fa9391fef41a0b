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
