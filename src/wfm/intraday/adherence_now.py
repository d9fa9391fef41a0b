"""Real-time adherence: who is out of adherence at this moment, since when, against what.

At the as-of time t, an agent scheduled for activity a (``work``, ``break`` or ``lunch``; no
activity = off shift) is *out of adherence* when their current state is not adherent to a
(:data:`wfm.review.adherence.ADHERENT_STATES`; off shift, only ``offline`` is adherent) and
the mismatch has lasted at least the activity's threshold. The mismatch started at the later
of the state's start and the scheduled activity's start, so an agent who stayed on a break
past its end is out since the break ended, not since it began. An agent scheduled now with
no event at all today is ``no_event`` (absent), out since the activity started.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from wfm.data.states import StateLog
from wfm.review.adherence import ADHERENT_STATES, NO_EVENT

#: Minutes a mismatch may last before an agent shows as out of adherence, per activity.
DEFAULT_THRESHOLD_MINUTES: dict[str, float] = {
    "work": 3.0,
    "break": 2.0,
    "lunch": 5.0,
    "coaching": 5.0,
    "meeting": 5.0,
    "training": 5.0,
    "off": 5.0,
}
#: States adherent to being off shift.
OFF_SHIFT_STATES = ("offline",)
#: Columns of :func:`out_of_adherence_now`.
NOW_COLUMNS = (
    "agent_id",
    "team",
    "scheduled_activity",
    "actual_state",
    "since",
    "minutes",
)


def out_of_adherence_now(
    rota: pd.DataFrame,
    states: StateLog,
    as_of: pd.Timestamp,
    *,
    teams: Mapping[str, str] | None = None,
    threshold_minutes: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Agents out of adherence at ``as_of``, longest first.

    Parameters
    ----------
    rota : pandas.DataFrame
        Today's rota (``agent_id``, ``activity``, ``start``, ``end``; tz-aware).
    states : StateLog
        Today's states, open events closed at ``as_of`` (:func:`read_states_today`).
    as_of : pandas.Timestamp
    teams : mapping, optional
        Agent → team.
    threshold_minutes : mapping, optional
        Per-activity thresholds [minutes] over :data:`DEFAULT_THRESHOLD_MINUTES`.

    Returns
    -------
    pandas.DataFrame
        :data:`NOW_COLUMNS`, one row per agent out of adherence, sorted by ``minutes``
        (longest first).

    Examples
    --------
    >>> import pandas as pd
    >>> from wfm.data.states import StateLog, StateLogReport
    >>> t = lambda hm: pd.Timestamp(f"2026-11-16 {hm}", tz="Europe/London")
    >>> rota = pd.DataFrame({"agent_id": ["a", "a", "a", "b"],
    ...     "activity": ["work", "break", "work", "work"],
    ...     "start": [t("09:00"), t("10:00"), t("10:15"), t("09:00")],
    ...     "end": [t("10:00"), t("10:15"), t("13:00"), t("17:00")]})
    >>> states = StateLog(pd.DataFrame({"agent_id": ["a", "a", "b"],
    ...     "state": ["available", "break", "lunch"],
    ...     "start": [t("09:00"), t("10:00"), t("10:20")], "end": [t("10:00"), t("10:30"), t("10:30")]}),
    ...     "Europe/London", StateLogReport())
    >>> out_of_adherence_now(rota, states, t("10:30"))[["agent_id", "scheduled_activity", "actual_state", "minutes"]]
      agent_id scheduled_activity actual_state  minutes
    0        a               work        break     15.0
    1        b               work        lunch     10.0
    """
    thresholds = DEFAULT_THRESHOLD_MINUTES | dict(threshold_minutes or {})
    teams = teams or {}
    now_rota = rota[(rota["start"] <= as_of) & (rota["end"] > as_of)]
    events = states.frame
    current = events[(events["start"] <= as_of) & (events["end"] >= as_of)]
    current = current.sort_values("start").groupby("agent_id").last()
    scheduled_today = set(rota["agent_id"])
    rows = []
    agents = sorted(scheduled_today | set(current.index))
    for agent in agents:
        piece = now_rota[now_rota["agent_id"] == agent]
        activity = str(piece["activity"].iloc[0]) if len(piece) else "off"
        activity_start = piece["start"].iloc[0] if len(piece) else None
        if agent in current.index:
            state = str(current.loc[agent, "state"])
            state_start = current.loc[agent, "start"]
        elif activity == "off":
            continue
        else:
            state, state_start = NO_EVENT, activity_start
        adherent = OFF_SHIFT_STATES if activity == "off" else ADHERENT_STATES.get(activity, ())
        if state in adherent:
            continue
        if activity == "off":
            # Off shift since the agent's last scheduled piece ended (or all day).
            ended = rota[(rota["agent_id"] == agent) & (rota["end"] <= as_of)]["end"]
            since = max(state_start, ended.max()) if len(ended) else state_start
        else:
            since = max(state_start, activity_start)
        minutes = (as_of - since).total_seconds() / 60.0
        if minutes < thresholds.get(activity, 0.0):
            continue
        rows.append((agent, teams.get(agent, ""), activity, state, since, round(minutes, 1)))
    frame = pd.DataFrame(rows, columns=list(NOW_COLUMNS))
    return frame.sort_values(["minutes", "agent_id"], ascending=[False, True], ignore_index=True)


def count_by_team(now: pd.DataFrame, teams: Mapping[str, str]) -> pd.DataFrame:
    """Agents out of adherence now per team, beside the team's size."""
    sizes = pd.Series(teams).value_counts().rename("agents")
    out = now.groupby("team").size().rename("out_of_adherence")
    table = pd.concat([sizes, out], axis=1).fillna(0).astype(int)
    table.index.name = "team"
    return table.reset_index().sort_values(
        ["out_of_adherence", "team"], ascending=[False, True], ignore_index=True
    )
