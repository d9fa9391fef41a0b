"""Stages 1 and 3 of the rota search: the pools of interchangeable agents and the shifts
the pooled relaxation uses (its support), which narrow the exact model of stage 3."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd

from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.workforce import Workforce

#: A shift is in the relaxation's support when its value exceeds this [shifts].
SUPPORT_TOLERANCE = 1e-6

logger = logging.getLogger(__name__)


def relaxation_support(
    model: LinearModel, workforce: Workforce, instance: RotaInstance
) -> pd.DataFrame:
    """(agent, candidate) pairs allowed in stage 2: every shift the relaxed solution uses
    for any pool of the same contract and skill group, for each agent of those pools to
    whom it is allowed. Columns ``agent`` and ``candidate``.

    Pools of one contract and skill group differ only in availability or preferences; an
    agent with time off or a preference is often a pool of its own, whose relaxed
    solution uses few shifts, so sharing the support across those pools keeps stage 2
    from being too narrow. Without availability and preferences this is each pool's own
    support. Measured on the sample centre with five agents' time off and seven agents'
    preferences (one thread): each pool's own support gave 1.11 % after the full time
    limit (stage 2 stopped above the gap target); the shared support 0.83 % in 17.5 s.
    """
    used = shifts_used_by_group(model, workforce)
    wanted = pd.DataFrame(
        [
            (agent, candidate)
            for unit in workforce.units
            for agent in unit.agents
            for candidate in used.get((unit.contract.name, unit.group), ())
        ],
        columns=["agent", "candidate"],
        dtype="int64",
    )
    return wanted.merge(instance.eligible, on=["agent", "candidate"]).sort_values(
        ["agent", "candidate"], ignore_index=True
    )


def shifts_used_by_group(
    model: LinearModel, workforce: Workforce
) -> dict[tuple[str, int], set[int]]:
    """The candidates a pooled solution (or relaxation) in ``model`` uses, by (contract
    name, skill group) of the pools that use them."""
    units = {unit.unit_id: unit for unit in workforce.units}
    used: dict[tuple[str, int], set[int]] = {}
    values = model.x.solution()
    for i in np.flatnonzero(values > SUPPORT_TOLERANCE):
        unit_id, candidate = model.x.keys[i]
        unit = units[unit_id]
        used.setdefault((unit.contract.name, unit.group), set()).add(int(candidate))
    return used


def split_pools(workforce: Workforce, key_of_agent: Mapping[int, Hashable]) -> Workforce:
    """Split each unit of ``workforce`` so that its agents share the same key.

    Parameters
    ----------
    workforce
        Units, e.g. from :func:`~wfm.scheduling.workforce.pooled_workforce`.
    key_of_agent
        A key per agent index (e.g. the agent's kept shifts); agents missing share ``None``.

    Returns
    -------
    Workforce
        One unit per (unit, key); a unit left whole keeps its id, the parts of a split unit
        are named ``"<id> (1)"``, ``"<id> (2)"``, ... Each part has the unit's shifts.
    """
    units: list = []
    pairs: list[pd.DataFrame] = []
    allowed = {u: group["candidate"] for u, group in workforce.eligible.groupby("unit", sort=True)}
    for u, unit in enumerate(workforce.units):
        classes: dict[Hashable, list[int]] = {}
        for a in unit.agents:
            classes.setdefault(key_of_agent.get(a), []).append(a)
        for part, members in enumerate(classes.values(), start=1):
            unit_id = unit.unit_id if len(classes) == 1 else f"{unit.unit_id} ({part})"
            candidates = allowed.get(u, pd.Series([], dtype="int64"))
            pairs.append(
                pd.DataFrame({"unit": len(units), "candidate": candidates.to_numpy(dtype="int64")})
            )
            units.append(dataclasses.replace(unit, unit_id=unit_id, agents=tuple(members)))
    frame = (
        pd.concat(pairs, ignore_index=True)
        if pairs
        else pd.DataFrame({"unit": [], "candidate": []}, dtype="int64")
    )
    return Workforce(tuple(units), frame.sort_values(["unit", "candidate"], ignore_index=True))
