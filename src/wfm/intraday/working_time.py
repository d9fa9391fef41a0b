"""What the working-time rules of a re-plan need to know beyond today.

Rest since the previous shift and before the next, the week's paid hours and days so far
(the contract's weekly limits) and the availability file's windows, read from the rota with
the days around today (:func:`working_time_context`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class WorkingTimeContext:
    """What the rules need to know beyond today.

    Parameters
    ----------
    previous_shift_end, next_shift_start
        Agent → end of their last shift before today / start of their next shift after
        today (for the rest rule).
    week_paid_minutes, week_days
        Agent → paid minutes and working days in today's week so far in the rota (for the
        contract's weekly limits on call-ins).
    unavailable
        ``agent_id, start, end, kind`` windows of the availability file.
    """

    previous_shift_end: Mapping[str, pd.Timestamp]
    next_shift_start: Mapping[str, pd.Timestamp]
    week_paid_minutes: Mapping[str, float]
    week_days: Mapping[str, int]
    unavailable: pd.DataFrame | None = None


def working_time_context(
    rota: pd.DataFrame,
    day,
    *,
    unpaid_activities: Sequence[str] = ("lunch",),
    unavailable: pd.DataFrame | None = None,
    unpaid_by_agent: Mapping[str, Sequence[str]] | None = None,
) -> WorkingTimeContext:
    """The rest and weekly-hours context of ``day`` from a rota holding other days too.

    The week is the ISO week (Monday to Sunday) of ``day`` in the rota's ``date`` column
    (each shift's local date, on its agent's own site clock); days after ``day`` count too
    (they are already planned). ``unpaid_activities`` are not paid time;
    ``unpaid_by_agent`` overrides them per agent (a site's own unpaid break rules,
    :func:`wfm.plan.site_agents.agent_rule_centres`).
    """
    pieces = rota[rota["date"] != day]
    shifts = pieces.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max"))
    shifts = shifts.reset_index()
    before = shifts[shifts["date"] < day].groupby("agent_id")["end"].max()
    after = shifts[shifts["date"] > day].groupby("agent_id")["start"].min()
    week = pd.Timestamp(day).isocalendar()[:2]
    in_week = pieces[
        np.array([pd.Timestamp(d).isocalendar()[:2] == week for d in pieces["date"]], dtype=bool)
    ]
    unpaid = in_week["activity"].isin(unpaid_activities).to_numpy()
    if unpaid_by_agent:
        unpaid = np.array(
            [
                activity in unpaid_by_agent.get(agent, unpaid_activities)
                for agent, activity in zip(in_week["agent_id"], in_week["activity"], strict=True)
            ],
            dtype=bool,
        )
    paid = in_week[~unpaid]
    minutes = (paid["end"] - paid["start"]).dt.total_seconds() / 60
    return WorkingTimeContext(
        previous_shift_end=before.to_dict(),
        next_shift_start=after.to_dict(),
        week_paid_minutes=minutes.groupby(paid["agent_id"]).sum().to_dict(),
        week_days=in_week.groupby("agent_id")["date"].nunique().to_dict(),
        unavailable=unavailable,
    )


def free_of(
    unavailable: pd.DataFrame | None, agent: str, start: pd.Timestamp, end: pd.Timestamp
) -> bool:
    """No ``unavailable`` window overlaps [start, end), and an ``available_only`` window on
    the day (if any) holds it."""
    if unavailable is None or unavailable.empty:
        return True
    own = unavailable[unavailable["agent_id"] == agent]
    if own.empty:
        return True
    off = own[own["kind"] == "unavailable"]
    if ((off["start"] < end) & (off["end"] > start)).any():
        return False
    only = own[(own["kind"] == "available_only") & (own["start"].dt.date == start.date())]
    return only.empty or ((only["start"] <= start) & (only["end"] >= end)).any()
