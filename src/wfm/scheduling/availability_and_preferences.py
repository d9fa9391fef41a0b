"""Agents' availability and preferences against the shift candidates of a rota instance.

Approved time off and availability windows (:mod:`wfm.data.availability`) are hard: the
shifts they rule out are removed from the agent's allowed (agent, candidate) pairs
(:func:`availability_mask`). Preferences (:mod:`wfm.data.preferences`) are soft: each
allowed pair gets the summed weight of the preferences it breaks
(:func:`preference_weights`, with the constant of the ``request_on`` requests from
:func:`requested_weight`), which the model prices in the objective.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wfm.config import ShiftType
from wfm.data.schemas import Agent
from wfm.errors import InputError


def availability_mask(
    candidates: pd.DataFrame, agents: Sequence[Agent], availability: pd.DataFrame | None
) -> np.ndarray:
    """Which candidates each agent may take given time off and availability windows.

    A shift :math:`[s, e)` is ruled out for an agent when it overlaps one of the agent's
    ``unavailable`` windows :math:`[a, b)` (:math:`s < b` and :math:`e > a`), or when its
    local start date has ``available_only`` windows and none of them holds it
    (:math:`a \\le s` and :math:`e \\le b`). The date of an ``available_only`` window is the
    local date of its start.

    Parameters
    ----------
    candidates
        The candidate table (``start``, ``end``, ``date``).
    agents
        The agents (row order of the result).
    availability
        Columns ``agent_id``, ``start``, ``end`` (tz-aware) and ``kind``; ``None`` for none.

    Returns
    -------
    numpy.ndarray
        Boolean, shape (agents, candidates): ``True`` where the shift is allowed.
    """
    allowed = np.ones((len(agents), len(candidates)), dtype=bool)
    if availability is None or availability.empty or candidates.empty:
        return allowed
    timezone = pd.DatetimeIndex(candidates["start"]).tz
    start = pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8
    date = pd.to_datetime(candidates["date"]).to_numpy(dtype="datetime64[D]")
    window_start = pd.DatetimeIndex(availability["start"]).tz_convert(timezone)
    frame = pd.DataFrame(
        {
            "agent_id": availability["agent_id"].astype(str).to_numpy(),
            "kind": availability["kind"].astype(str).to_numpy(),
            "start": window_start.as_unit("ns").asi8,
            "end": pd.DatetimeIndex(availability["end"]).as_unit("ns").asi8,
            "date": window_start.tz_localize(None).normalize().to_numpy(dtype="datetime64[D]"),
        }
    )
    index = {agent.agent_id: a for a, agent in enumerate(agents)}
    for agent_id, windows in frame.groupby("agent_id", sort=False):
        a = index.get(agent_id)
        if a is None:
            continue
        off = windows[windows["kind"] == "unavailable"]
        if len(off):
            overlaps = (start[:, None] < off["end"].to_numpy()[None, :]) & (
                end[:, None] > off["start"].to_numpy()[None, :]
            )
            allowed[a] &= ~overlaps.any(axis=1)
        only = windows[windows["kind"] == "available_only"]
        if len(only):
            inside = (
                (start[:, None] >= only["start"].to_numpy()[None, :])
                & (end[:, None] <= only["end"].to_numpy()[None, :])
                & (date[:, None] == only["date"].to_numpy()[None, :])
            ).any(axis=1)
            restricted = np.isin(date, only["date"].to_numpy())
            allowed[a] &= ~restricted | inside
    return allowed


def preference_weights(
    candidates: pd.DataFrame,
    agents: Sequence[Agent],
    eligible: pd.DataFrame,
    preferences: pd.DataFrame | None,
    *,
    shift_types: Sequence[ShiftType] = (),
) -> pd.DataFrame | None:
    """Summed weight of the preferences each allowed (agent, candidate) pair breaks.

    A shift breaks ``day_off`` ``w`` when it starts on weekday ``w``, ``start_after`` ``h``
    when it starts before local time ``h``, ``start_before`` ``h`` when it starts after
    ``h``, and ``request_off`` for a date (and shift type) when it starts on that date (and
    is of that type). A ``request_on`` of weight :math:`w` costs :math:`w` unless the agent
    works a shift it asks for, at most one a day: :math:`w (1 - \\sum_{c \\in R} x_c)`; the
    constant :math:`w` is :attr:`RotaInstance.requested_weight` and each shift of :math:`R`
    gets :math:`-w` here.

    Parameters
    ----------
    candidates
        The candidate table (``date``, ``start_minute``).
    agents
        The agents (``eligible["agent"]`` indexes them).
    eligible
        Allowed (agent, candidate) pairs.
    preferences
        As from :func:`wfm.data.preferences.read_preferences`; ``None`` for none.
    shift_types
        The centre's shift types, for requests that name one.

    Returns
    -------
    pandas.DataFrame or None
        Columns ``agent``, ``candidate`` and ``weight`` for the pairs with a non-zero
        weight; ``None`` without preferences.

    Raises
    ------
    InputError
        A request names a shift type the centre does not define.
    """
    if preferences is None or preferences.empty:
        return None
    from wfm.scheduling.rules.shift_types import in_window, start_windows

    windows = start_windows(shift_types)
    weekday = pd.to_datetime(candidates["date"]).dt.day_of_week.to_numpy()
    ordinal = np.array([day.toordinal() for day in pd.to_datetime(candidates["date"]).dt.date])
    start_minute = candidates["start_minute"].to_numpy(dtype=np.int64)
    index = {agent.agent_id: a for a, agent in enumerate(agents)}
    weight = np.zeros((len(agents), len(candidates)))
    kinds = preferences.get("shift_type", pd.Series([""] * len(preferences)))
    for agent_id, kind, value, w, shift_type in zip(
        preferences["agent_id"],
        preferences["kind"],
        preferences["value"],
        preferences["weight"],
        kinds,
        strict=True,
    ):
        a = index.get(str(agent_id))
        if a is None:
            continue
        if kind == "day_off":
            broken = weekday == int(value)
        elif kind == "start_after":
            broken = start_minute < int(value)
        elif kind == "start_before":
            broken = start_minute > int(value)
        else:
            matches = ordinal == int(value)
            if shift_type:
                if shift_type not in windows:
                    raise InputError(
                        f"a {kind} of agent '{agent_id}' names shift type '{shift_type}', which the "
                        "centre file does not define",
                        source="preferences",
                        column="value",
                        value=shift_type,
                        fix=f"use one of {sorted(windows)} or add a [[shift_types]] table for it",
                    )
                matches &= in_window(start_minute, windows[shift_type])
            weight[a] += (float(w) if kind == "request_off" else -float(w)) * matches
            continue
        weight[a] += float(w) * broken
    agent = eligible["agent"].to_numpy(dtype=np.int64)
    candidate = eligible["candidate"].to_numpy(dtype=np.int64)
    values = weight[agent, candidate]
    keep = values != 0
    return pd.DataFrame(
        {"agent": agent[keep], "candidate": candidate[keep], "weight": values[keep]}
    )


def requested_weight(
    preferences: pd.DataFrame | None, agents: Sequence[Agent], candidates: pd.DataFrame
) -> float:
    """Summed weight of the ``request_on`` requests of ``agents`` on a date of the horizon
    (the dates of ``candidates``) [weight units]."""
    if preferences is None or preferences.empty:
        return 0.0
    dates = {day.toordinal() for day in pd.to_datetime(candidates["date"]).dt.date}
    known = {agent.agent_id for agent in agents}
    on = preferences[
        (preferences["kind"] == "request_on")
        & preferences["agent_id"].astype(str).isin(known)
        & preferences["value"].isin(dates)
    ]
    return float(on["weight"].sum())
