"""Benchmark: staffing a year of 15-minute intervals to 80/20 with an occupancy cap and shrinkage.

35,040 intervals, 1–2,000 contacts per interval, AHT 120–900 s (seeded). Prints the median
wall time of `compute_requirements` over several runs, and the CPU time of Erlang B and the
service level at the input limit of a billion agents (tests/staffing/test_erlang_many_agents.py
counts its recursion steps; the time is measured here, not asserted in a test).

    python benchmarks/bench_staffing.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from wfm.staffing import ServiceTarget, compute_requirements
from wfm.staffing.shrinkage import ShrinkageComponent, shrinkage_by_interval


def year_of_intervals(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-01", periods=35_040, freq="15min", tz="UTC")
    return pd.DataFrame(
        {
            "interval_start": starts,
            "queue": "q",
            "offered": rng.integers(1, 2_001, len(starts)).astype(float),
            "aht_seconds": rng.uniform(120, 900, len(starts)),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    forecast = year_of_intervals()
    target = ServiceTarget(0.8, 20, 0.85)
    times = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        table = compute_requirements(forecast, target, 0.3, 15)
        times.append(time.perf_counter() - began)
    print(
        f"compute_requirements, {len(forecast):,} intervals (max {table['agents_required'].max()} agents): "
        f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, {args.repeats} runs)"
    )
    # Shrinkage per interval from compounded components with a weekday x time-of-day profile.
    rng = np.random.default_rng(1)
    times_of_day = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 15, 30, 45)]
    meetings = pd.DataFrame(rng.uniform(0, 0.1, (7, 96)), index=range(7), columns=times_of_day)
    components = [
        ShrinkageComponent("holidays", 0.1),
        ShrinkageComponent("sickness", 0.05, planned=False),
        ShrinkageComponent("meetings", 0.0, weekday_time_profile=meetings),
    ]
    times = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        shrinkage = shrinkage_by_interval(forecast["interval_start"], components)
        compute_requirements(forecast, target, shrinkage, 15)
        times.append(time.perf_counter() - began)
    print(
        f"  with per-interval shrinkage from 3 components and a weekday x time-of-day profile: "
        f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"
    )
    billion_agents(args.repeats)


def billion_agents(repeats: int) -> None:
    """CPU time [s] of Erlang B for a billion agents (the input limit, once a billion
    recursion steps: minutes) and of the service level at that many agents."""
    from wfm.staffing import service_level
    from wfm.staffing.erlang import erlang_b

    times = []
    for _ in range(repeats):
        began = time.process_time()
        erlang_b(np.array([10**9, 10**9, 12]), np.array([5.0, 9e8, 10.0]))
        service_level(10**9, 40.0, 300.0, 20.0)
        times.append(time.process_time() - began)
    print(
        f"Erlang B and service level at 10^9 agents: median {statistics.median(times):.3f} CPU-s "
        f"(min {min(times):.3f}, max {max(times):.3f}, {repeats} runs)"
    )


if __name__ == "__main__":
    main()
