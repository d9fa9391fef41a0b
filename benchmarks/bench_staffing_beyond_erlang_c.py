"""Benchmark: Erlang A staffing of a year of intervals, and the day simulator.

- ``staff_erlang_a`` on the 35,040 intervals of ``bench_staffing.py`` (80/20, mean patience
  120 s), and ``erlang_a`` with the ASA at the answer;
- ``simulate_day`` of a day of ~10,000 calls (96 quarter-hours, staffed to 80/20 by
  Erlang C) × 100 replications, exponential handle times and 120 s patience.

    python benchmarks/bench_staffing_beyond_erlang_c.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_staffing import year_of_intervals  # noqa: E402

from wfm.staffing import (  # noqa: E402
    DayPlan,
    ServiceTarget,
    erlang_a,
    simulate_day,
    staff_erlang_a,
    staff_to_target,
)


def timed(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    forecast = year_of_intervals()
    aht = forecast["aht_seconds"].to_numpy()
    traffic = forecast["offered"].to_numpy() * aht / 900.0
    seconds, agents = timed(lambda: staff_erlang_a(traffic, aht, 120.0), args.repeats)
    print(
        f"staff_erlang_a, {traffic.size:,} intervals, 80/20, patience 120 s: median {seconds:.3f} s "
        f"({(agents < traffic).mean():.0%} of intervals below the offered load)"
    )
    seconds, _ = timed(lambda: erlang_a(agents, traffic, aht, 120.0, 20.0), args.repeats)
    print(f"erlang_a with ASA at those agents: median {seconds:.3f} s")

    slot = np.arange(96)
    offered = 5 + 295 * np.exp(-(((slot - 50) / 18) ** 2))
    day_aht = np.full(96, 240.0)
    day_agents = staff_to_target(
        offered * day_aht / 900.0, day_aht, ServiceTarget(0.8, 20.0, None)
    ).agents_required
    plan = DayPlan(slot * 900.0, 15, offered, day_aht, day_agents)
    seconds, counts = timed(
        lambda: simulate_day(plan, 20.0, patience_seconds=120.0, replications=100, seed=1),
        args.repeats,
    )
    calls = counts[:, :, 0].sum()
    print(
        f"simulate_day, {offered.sum():,.0f} expected calls x 100 replications ({calls:,.0f} simulated): median {seconds:.2f} s "
        f"({calls / seconds / 1e6:.2f} M calls/s)"
    )


if __name__ == "__main__":
    main()
