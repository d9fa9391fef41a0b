"""A live day to try the intraday tools on, played from the sample centre.

The sample centre (``wfm sample``) carries a published rota and agent states for four weeks
of its history. :func:`play_day` turns one of those days into what a telephony system would
have delivered by a chosen time: the planned forecast for the day (forecast from the
history before it), the arrivals so far with a **volume spike** (contacts × ``spike_factor``
between ``spike_start`` and ``spike_end``), and the agent states so far with **agents
absent** (their events removed, as if they never logged in). The files have the shapes a
real system exports, so ``wfm intraday status`` reads them like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.config import Centre
from wfm.data.history import read_history
from wfm.data.io import write_files_atomic
from wfm.data.output_files import read_rota
from wfm.data.schemas import History
from wfm.data.states import read_agent_states
from wfm.errors import InputError


@dataclass(frozen=True)
class PlayedDay:
    """The files of a played day (all tz-aware in the centre's zone); ``rota`` holds the days
    from a week before to a week after the day played (the rules need them)."""

    forecast: pd.DataFrame
    arrivals: pd.DataFrame
    states: pd.DataFrame
    rota: pd.DataFrame
    absent_agents: tuple[str, ...]


def play_day(
    centre: Centre,
    day: dt.date,
    as_of: pd.Timestamp,
    *,
    rota_path: Path,
    spike_factor: float = 1.35,
    spike_start: dt.time = dt.time(10, 0),
    spike_end: dt.time = dt.time(12, 0),
    absent: int = 2,
    seed: int = 0,
    forecast_model: str = "weighted_same_slot",
) -> PlayedDay:
    """Play ``day`` of the sample centre up to ``as_of`` (see the module docstring)."""
    from wfm.forecast import forecast_history

    history = read_history(
        centre.resolve(centre.history),
        timezone=centre.timezone,
        interval_minutes=centre.interval_minutes,
    )
    rota = read_rota(rota_path, centre.timezone)
    rota_today = rota[rota["date"] == day]
    if rota_today.empty:
        raise InputError(
            "the rota has no shift on the day to play",
            source=str(rota_path),
            value=str(day),
            fix=f"choose a day the rota covers ({rota['date'].min()} to {rota['date'].max()})",
        )
    frame = history.frame
    dates = frame["interval_start"].dt.date
    before = History(
        frame[dates < day].reset_index(drop=True),
        history.interval_minutes,
        history.timezone,
        history.source,
    )
    forecast = forecast_history(
        before,
        start_date=day,
        horizon_days=1,
        opening_hours=centre.opening_hours_for(range(day.year - 2, day.year + 1)),
        model=forecast_model,
        workers=1,
    )
    length = pd.Timedelta(minutes=history.interval_minutes)
    arrivals = frame[(dates == day) & (frame["interval_start"] + length <= as_of)].copy()
    clock = arrivals["interval_start"].dt.time
    spike = (clock >= spike_start) & (clock < spike_end)
    rng = np.random.default_rng(seed)
    extra = rng.poisson(arrivals.loc[spike, "offered"].to_numpy() * (spike_factor - 1.0))
    arrivals.loc[spike, "offered"] = arrivals.loc[spike, "offered"] + extra
    if "abandoned" in arrivals:
        arrivals.loc[spike, "abandoned"] = arrivals.loc[spike, "abandoned"] + extra
    states_path = centre.resolve(centre.agent_states)
    log = read_agent_states(states_path, timezone=centre.timezone)
    events = log.frame[["agent_id", "state", "start", "end"]].copy()
    events = events[(events["start"] < as_of) & (events["end"] > as_of - pd.Timedelta(hours=30))]
    events = events[events["start"].dt.date == day].copy()
    # The current event of each agent is still open: no end yet.
    running = events["end"] > as_of
    events["end"] = events["end"].where(~running, pd.NaT)
    working = sorted(rota_today[rota_today["activity"] == "work"]["agent_id"].unique())
    early = rota_today.groupby("agent_id")["start"].min()
    candidates = [a for a in working if early[a] < as_of]
    absent_agents = tuple(
        sorted(rng.choice(candidates, size=min(absent, len(candidates)), replace=False))
    )
    events = events[~events["agent_id"].isin(absent_agents)]
    # The rota file holds the week around the day, for the rest and weekly-hours rules.
    near = (rota["date"] >= day - dt.timedelta(days=6)) & (
        rota["date"] <= day + dt.timedelta(days=6)
    )
    return PlayedDay(forecast, arrivals, events, rota[near].reset_index(drop=True), absent_agents)


def write_played_day(played: PlayedDay, out_dir: str | Path) -> dict[str, Path]:
    """Write ``forecast.csv``, ``arrivals.csv``, ``states.csv`` and ``rota.csv`` together."""
    out = Path(out_dir)
    states = played.states.copy()
    states["start"] = states["start"].map(lambda t: t.isoformat())
    states["end"] = states["end"].map(lambda t: "" if pd.isna(t) else t.isoformat())
    files = {
        "forecast.csv": played.forecast,
        "arrivals.csv": played.arrivals,
        "states.csv": states[["agent_id", "state", "start", "end"]],
        "rota.csv": played.rota[["agent_id", "date", "activity", "start", "end"]],
    }
    paths = {name: out / name for name in files}
    write_files_atomic({paths[name]: content for name, content in files.items()})
    return paths
