"""The sample centre's agent state events: the rota followed with human behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.data.states import STATES
from wfm.data.synthetic.rota import local_times

#: States written to agent_states.csv: every wfm agent state.
AGENT_STATES = STATES


def _work_states(
    begin: float, end: float, rng: np.random.Generator
) -> list[tuple[str, float, float]]:
    """Alternate available / on_contact / after_contact_work between two times [s].

    Runs are coarse: one ``on_contact`` run stands for several back-to-back contacts (drawn
    with a median of 28 minutes, about 24 once cut at breaks), so the file stays small; the agent is busy (on_contact or
    after_contact_work) about 86 % of the time.
    """
    states = []
    time = begin
    state = "available"
    while time < end:
        if state == "available":
            duration = 30 + rng.exponential(240)
            following = "on_contact"
        elif state == "on_contact":
            duration = rng.lognormal(np.log(28 * 60), 0.5)
            following = "after_contact_work" if rng.random() < 0.25 else "available"
        else:
            duration = 30 + rng.exponential(90)
            following = "available"
        stop = min(time + round(duration), end)
        states.append((state, time, stop))
        time, state = stop, following
    return states


def _day_states(
    pieces: list[tuple[str, int, int]], rng: np.random.Generator
) -> list[tuple[str, float, float | None]]:
    """Behaviour of one agent on one rota day: states as (state, start [s], end [s] or None)."""
    shift_start, shift_end = pieces[0][1] * 60, pieces[-1][2] * 60
    draw = rng.random()
    if draw < 0.30:
        lateness = -rng.uniform(0, 180)  # logs in up to 3 min early
    elif draw < 0.95:
        lateness = min(rng.exponential(180), 600)  # 0-10 min late
    else:
        lateness = rng.uniform(20 * 60, 40 * 60)  # badly late
    login = shift_start + round(lateness)

    # Breaks and lunches taken early or late, sometimes overrunning.
    taken = []
    previous_end = login
    for activity, start, end in pieces:
        if activity == "work":
            continue
        shift_seconds = rng.normal(0, 240) if rng.random() < 0.9 else rng.uniform(600, 1200)
        actual_start = max(start * 60 + round(shift_seconds), previous_end + 300)
        actual_end = actual_start + (end - start) * 60 + round(max(rng.normal(30, 60), 0))
        taken.append((activity, actual_start, actual_end))
        previous_end = actual_end

    if rng.random() < 0.04:
        logout = shift_end - round(rng.uniform(15 * 60, 45 * 60))  # leaves early
    else:
        logout = shift_end + round(np.clip(rng.normal(90, 150), -120, 600))
    logout = max(logout, previous_end + 300)

    # Work periods between breaks; now and then a meeting or a training session inside one.
    work_periods = []
    cursor = login
    for _activity, start, end in taken:
        work_periods.append((cursor, start))
        cursor = end
    work_periods.append((cursor, logout))
    extra = None
    draw = rng.random()
    if draw < 0.10:
        extra = ("meeting", 60 * int(rng.choice([30, 30, 45, 60])))
    elif draw < 0.15:
        extra = ("training", 60 * int(rng.choice([60, 90, 120])))

    states: list[tuple[str, float, float | None]] = []
    placed = extra is None
    for index, (begin, end) in enumerate(work_periods):
        if not placed and end - begin >= extra[1] + 1800:
            # Start on a quarter hour at least 15 minutes into the period.
            first = (begin // 900 + 1) * 900
            last = end - extra[1] - 900
            if last >= first:
                start = first + 900 * int(rng.integers(0, (last - first) // 900 + 1))
                states += _work_states(begin, start, rng)
                states.append((extra[0], start, start + extra[1]))
                begin = start + extra[1]
                placed = True
        states += _work_states(begin, end, rng)
        if index < len(taken):
            states.append(taken[index])
    states.append(("offline", logout, None))
    return states


def agent_states_frame(
    rota: pd.DataFrame, window_end: pd.Timestamp, timezone: str, rng: np.random.Generator
) -> pd.DataFrame:
    """Agent state events that follow the rota with human behaviour.

    Late and early log-ins, breaks taken early or late, an occasional absent day, some
    meetings and training, and coarse runs of available / on_contact / after_contact_work
    in between. Each day ends with an ``offline`` event without an end: it is closed by the
    agent's next event. The agent's last ``offline`` event ends at ``window_end``.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id``, ``state``, ``start``, ``end`` (tz-aware; ``end`` NaT on
        ``offline`` events closed by the next event).
    """
    minute = rota.assign(
        start_minute=(rota["start"].dt.hour * 60 + rota["start"].dt.minute),
        end_minute=(rota["end"].dt.hour * 60 + rota["end"].dt.minute),
    )
    agent_ids, dates, states, starts, ends = [], [], [], [], []
    for (agent_id, date), day in minute.groupby(["agent_id", "date"], sort=True):
        pieces = list(zip(day["activity"], day["start_minute"], day["end_minute"], strict=True))
        behaviour = _day_states(pieces, rng)
        if rng.random() < 0.04:
            continue  # absent: nothing logged that day
        for state, start, end in behaviour:
            agent_ids.append(agent_id)
            dates.append(date)
            states.append(state)
            starts.append(start)
            ends.append(-1 if end is None else end)
    ends_array = np.asarray(ends)
    frame = pd.DataFrame(
        {
            "agent_id": agent_ids,
            "state": states,
            "start": local_times(dates, starts, timezone),
            "end": local_times(dates, np.maximum(ends_array, 0), timezone),
        }
    )
    frame.loc[ends_array < 0, "end"] = pd.NaT
    last_event = ~frame["agent_id"].duplicated(keep="last")
    frame.loc[last_event, "end"] = window_end
    return frame
