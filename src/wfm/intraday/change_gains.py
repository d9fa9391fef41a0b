"""Each suggested change's own service-level gain, evaluated on the intervals it touches only.

Two gains per change (:func:`change_gains`): **alone** (the rota with this change only,
against none) and **in the plan** (all changes, against all but this one). Each is the change
in the day's projected service level of :class:`wfm.intraday.rota_projection.RotaProjection`
on the cells (interval, queue) of the agents the change touches, instead of a whole
projection of the day per change; ``tests/intraday/test_change_gains.py`` checks them against
whole projections (:func:`wfm.intraday.position.day_position`).
"""

from __future__ import annotations

import logging

import pandas as pd

from wfm.intraday.rota_changes import ATTENDEE_SEPARATOR, apply_changes
from wfm.intraday.rota_projection import RotaProjection

logger = logging.getLogger(__name__)


def _agents_of(names) -> list[str]:
    return str(names).split(ATTENDEE_SEPARATOR)


def change_gains(
    projection: RotaProjection, rota: pd.DataFrame, changes: pd.DataFrame
) -> pd.DataFrame:
    """Each change's ``service_level_gain`` (alone) and ``service_level_gain_in_plan``.

    Parameters
    ----------
    projection : RotaProjection
        Today's projection without changes (:meth:`RotaProjection.of`, from ``rota``).
    rota : pandas.DataFrame
        Today's rota the changes apply to.
    changes : pandas.DataFrame
        Rows of :data:`wfm.intraday.rota_changes.CHANGE_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        ``service_level_gain``, ``service_level_gain_in_plan`` [fraction of the day's service
        level], one row per change in its order.
    """
    if changes.empty:
        return pd.DataFrame({"service_level_gain": [], "service_level_gain_in_plan": []})
    agents_of = [_agents_of(names) for names in changes["agent_id"]]
    touched = sorted({a for names in agents_of for a in names})
    rows = rota[rota["agent_id"].isin(touched)]
    everything = apply_changes(rows, changes)
    all_change = projection.present_change(
        projection.work_by_agent(everything, touched) - projection.work_by_agent(rows, touched),
        touched,
    )
    present_all = projection.present + all_change
    alone, in_plan = [], []
    for k, own in enumerate(agents_of):
        own_rows = rows[rows["agent_id"].isin(own)]
        base = projection.work_by_agent(own_rows, own)
        with_k = apply_changes(own_rows, changes.iloc[[k]])
        alone.append(
            projection.gain(
                projection.present_change(projection.work_by_agent(with_k, own) - base, own)
            )
        )
        # All but this one: the other changes of the same agents, on their rows.
        mine = set(own)
        related = [j for j, names in enumerate(agents_of) if j != k and mine.intersection(names)]
        others = sorted({a for j in related for a in agents_of[j]} | mine)
        other_rows = rows[rows["agent_id"].isin(others)]
        without_k = apply_changes(other_rows, changes.iloc[related]) if related else other_rows
        removed = projection.present_change(
            projection.work_by_agent(everything, own) - projection.work_by_agent(without_k, own),
            own,
        )
        in_plan.append(projection.gain(removed, present_all - removed))
    return pd.DataFrame({"service_level_gain": alone, "service_level_gain_in_plan": in_plan})
