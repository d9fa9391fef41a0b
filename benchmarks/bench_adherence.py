"""Benchmark: adherence of 500 agents over 4 weeks (about one million state events).

Each agent works 20 weekdays of 8.5 h (09:00-17:30 local, Europe/London, across the
end of summer time) with a 15-min break, a 30-min lunch and a second 15-min break. The
state log has about 100 events per agent-day: productive states mostly, breaks and lunch
taken 0-6 min late, and now and then a meeting or an offline spell. Seeded.

Times the validation of the log (from a typed frame), :func:`compute_adherence` and the
per-agent-day and per-interval summaries; prints the median of several runs.

    python benchmarks/bench_adherence.py [--repeats 3] [--agents 500]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from wfm.data.states import validate_agent_states_frame
from wfm.review.adherence import compute_adherence, summarise_adherence

TIMEZONE = "Europe/London"
#: Rota pieces of a day: (activity, start minute, end minute) after the shift start.
DAY = (
    ("work", 0, 120),
    ("break", 120, 135),
    ("work", 135, 240),
    ("lunch", 240, 270),
    ("work", 270, 390),
    ("break", 390, 405),
    ("work", 405, 510),
)
EVENTS_PER_DAY = 100


def make_data(agents: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A rota and a state frame (typed, tz-aware) for ``agents`` agents × 20 weekdays."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2026-10-05", periods=20)
    ids = np.array([f"A{i:04d}" for i in range(agents)])
    day_start = pd.DatetimeIndex(dates + pd.Timedelta(hours=9)).tz_localize(TIMEZONE)
    starts_s = day_start.as_unit("s").asi8  # shift starts [s since epoch]
    agent_days = len(ids) * len(dates)
    agent_of = np.repeat(np.arange(len(ids)), len(dates))
    shift_start = np.tile(starts_s, len(ids))

    pieces = len(DAY)
    rota = pd.DataFrame(
        {
            "agent_id": np.repeat(ids[agent_of], pieces),
            "date": np.repeat(np.tile(dates.date, len(ids)), pieces),
            "activity": np.tile([p[0] for p in DAY], agent_days),
            "start": np.repeat(shift_start, pieces) + np.tile([p[1] * 60 for p in DAY], agent_days),
            "end": np.repeat(shift_start, pieces) + np.tile([p[2] * 60 for p in DAY], agent_days),
        }
    )
    for column in ("start", "end"):
        rota[column] = pd.to_datetime(rota[column], unit="s", utc=True).dt.tz_convert(TIMEZONE)

    # Event boundaries: login -1..+8 min, logout -2..+5 min, EVENTS_PER_DAY - 1 cut points.
    login = shift_start + rng.integers(-60, 480, agent_days)
    logout = shift_start + 510 * 60 + rng.integers(-120, 300, agent_days)
    cuts = np.sort(rng.uniform(0, 1, (agent_days, EVENTS_PER_DAY - 1)), axis=1)
    bounds = np.concatenate([np.zeros((agent_days, 1)), cuts, np.ones((agent_days, 1))], axis=1)
    times = (login[:, None] + bounds * (logout - login)[:, None]).round().astype(np.int64)
    ev_start, ev_end = times[:, :-1], times[:, 1:]
    # State: the scheduled activity at the event's middle, breaks taken 0-6 min late.
    delay = rng.integers(0, 360, agent_days)[:, None]
    minute = ((ev_start + ev_end) / 2 - shift_start[:, None] - delay) / 60
    state = np.full(minute.shape, "available", dtype=object)
    busy = rng.random(minute.shape) < 0.8
    state[busy] = np.where(rng.random(busy.sum()) < 0.85, "on_contact", "after_contact_work")
    for activity, begin, end in DAY:
        if activity != "work":
            state[(minute >= begin) & (minute < end)] = activity
    odd = rng.random(minute.shape)
    state[odd < 0.01] = "meeting"
    state[(odd >= 0.01) & (odd < 0.015)] = "offline"
    keep = ev_end > ev_start
    states = pd.DataFrame(
        {
            "agent_id": np.repeat(ids[agent_of], EVENTS_PER_DAY)[keep.ravel()],
            "state": state.ravel()[keep.ravel()],
            "start": pd.to_datetime(ev_start.ravel()[keep.ravel()], unit="s", utc=True).tz_convert(
                TIMEZONE
            ),
            "end": pd.to_datetime(ev_end.ravel()[keep.ravel()], unit="s", utc=True).tz_convert(
                TIMEZONE
            ),
        }
    )
    return rota, states


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--agents", type=int, default=500)
    args = parser.parse_args()
    rota, frame = make_data(args.agents)
    timings: dict[str, list[float]] = {
        "validate": [],
        "compute": [],
        "by agent": [],
        "by interval": [],
    }
    for _ in range(args.repeats):
        began = time.perf_counter()
        log = validate_agent_states_frame(frame, timezone=TIMEZONE, source="bench")
        timings["validate"].append(time.perf_counter() - began)
        began = time.perf_counter()
        result = compute_adherence(rota, log, tolerance_seconds=180)
        timings["compute"].append(time.perf_counter() - began)
        began = time.perf_counter()
        daily = summarise_adherence(result, "agent")
        timings["by agent"].append(time.perf_counter() - began)
        began = time.perf_counter()
        summarise_adherence(result, "interval")
        timings["by interval"].append(time.perf_counter() - began)
    total = sum(statistics.median(values) for values in timings.values())
    adherence = daily["adherent_seconds"].sum() / daily["scheduled_seconds"].sum()
    print(
        f"{args.agents} agents x 20 days: {len(frame):,} events, {len(rota):,} rota pieces, "
        f"{len(result.events):,} out-of-adherence events, adherence {adherence:.3f}"
    )
    for name, values in timings.items():
        print(
            f"  {name:<12} median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"
        )
    print(f"  total        {total:.2f} s (medians of {args.repeats} runs)")


if __name__ == "__main__":
    main()
