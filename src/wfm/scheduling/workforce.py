"""Decision units of the rota models: one agent each (exact model) or pools of
interchangeable agents (pooled relaxation).

:func:`agent_workforce` makes every agent its own :class:`StaffUnit`;
:func:`pooled_workforce` groups agents with the same contract, skill group, allowed shifts
and carried history into one unit whose variables count agents. Both return a
:class:`Workforce` (the units and their allowed (unit, candidate) pairs) over a
:class:`~wfm.scheduling.instance.RotaInstance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.scheduling.history import history_depth
from wfm.scheduling.instance import RotaInstance, values_by_agent


@dataclass(frozen=True)
class StaffUnit:
    """Agents the model treats as one decision unit.

    In the exact model every agent is its own unit. In the *pooled* relaxation the agents
    of one unit are interchangeable (same contract, skill group and allowed shifts), and the
    unit decides how many of them work each shift.

    Parameters
    ----------
    unit_id
        Name of the unit in the model (the agent id for a single agent).
    agents
        Indices into :attr:`RotaInstance.agents`.
    contract
        The contract all of them have.
    group
        Their skill group (index into :attr:`RotaInstance.groups`).
    """

    unit_id: str
    agents: tuple[int, ...]
    contract: Contract
    group: int

    @property
    def size(self) -> int:
        """Number of agents in the unit."""
        return len(self.agents)


@dataclass(frozen=True)
class Workforce:
    """The decision units of a model and the shifts each may take.

    Parameters
    ----------
    units
        The units; position is the unit index.
    eligible
        Allowed (unit, candidate) pairs: columns ``unit`` and ``candidate`` (indices),
        sorted.
    """

    units: tuple[StaffUnit, ...]
    eligible: pd.DataFrame

    @property
    def pooled(self) -> bool:
        """Whether some unit holds more than one agent."""
        return any(unit.size > 1 for unit in self.units)


def agent_workforce(instance: RotaInstance, eligible: pd.DataFrame | None = None) -> Workforce:
    """One unit per agent (the exact model).

    Parameters
    ----------
    instance
        The instance.
    eligible
        Allowed (agent, candidate) pairs; default ``instance.eligible``. A subset restricts
        the model (see :func:`wfm.scheduling.week.schedule_week`).
    """
    pairs = instance.eligible if eligible is None else eligible
    units = tuple(
        StaffUnit(agent.agent_id, (a,), contract, int(group))
        for a, (agent, contract, group) in enumerate(
            zip(instance.agents, instance.contracts, instance.agent_group, strict=True)
        )
    )
    frame = pd.DataFrame(
        {
            "unit": pairs["agent"].to_numpy(dtype=np.int64),
            "candidate": pairs["candidate"].to_numpy(dtype=np.int64),
        }
    )
    return Workforce(units, frame.sort_values(["unit", "candidate"], ignore_index=True))


def pooled_workforce(instance: RotaInstance) -> Workforce:
    """One unit per class of interchangeable agents: same contract, skill group, allowed
    shifts (so the same availability) and preference weights on them.

    The pooled model is a relaxation of the exact one (a unit of :math:`m` agents may work
    at most :math:`m` shifts a day, between :math:`m` times the contract's minimum and
    maximum hours and days, ...), so its optimum is a lower bound on the exact optimum, and
    it has no symmetry between interchangeable agents.
    """
    allowed = {
        a: tuple(candidates)
        for a, candidates in values_by_agent(
            instance.eligible["agent"], instance.eligible["candidate"]
        ).items()
    }
    weights: dict[int, tuple] = {}
    if instance.preference_weight is not None and not instance.preference_weight.empty:
        weights = {
            int(a): tuple(zip(group["candidate"].tolist(), group["weight"].tolist(), strict=True))
            for a, group in instance.preference_weight.groupby("agent", sort=True)
        }
    classes: dict[tuple, list[int]] = {}
    for a, (contract, group) in enumerate(
        zip(instance.contracts, instance.agent_group, strict=True)
    ):
        key = (contract.name, int(group), allowed.get(a, ()), weights.get(a, ()))
        if instance.history is not None:
            key += (
                instance.history.signature(
                    a, history_depth(contract), shifts=contract.rotation_weeks is not None
                ),
            )
        classes.setdefault(key, []).append(a)
    units = []
    pairs = []
    for index, ((contract_name, group, candidates, *_), members) in enumerate(classes.items()):
        name = f"pool {index + 1}: {contract_name}, {'+'.join(instance.groups[group])}"
        units.append(StaffUnit(name, tuple(members), instance.contracts[members[0]], group))
        pairs.extend((index, c) for c in candidates)
    frame = pd.DataFrame(pairs, columns=["unit", "candidate"], dtype=np.int64)
    return Workforce(tuple(units), frame.sort_values(["unit", "candidate"], ignore_index=True))
