"""Benchmark: one what-if recomputation for a week of 15-minute intervals and 3 queues.

A seeded forecast (7 days × 96 intervals × 3 queues, open 08:00-20:00 local, closed
intervals at zero volume) and a coverage frame near the requirement; times
:func:`wfm.review.scenarios.run_scenario` for a +10 % volume scenario (requirements again, the
rota projected against them) with and without Erlang A abandonment, and the whole
sensitivity table (5 inputs × 4 steps + base = 21 recomputations). Prints medians.

Target (issue 6): ≤ 0.3 s per what-if recomputation.

    python benchmarks/bench_whatif.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from wfm.review.scenarios import BasePlan, Scenario, run_scenario, sensitivity
from wfm.staffing import ServiceTarget, compute_requirements

QUEUES = ("sales", "support", "billing")
TARGETS = {q: ServiceTarget(0.8, 20.0) for q in QUEUES}
SHRINKAGE = {q: 0.3 for q in QUEUES}


def make_inputs(seed: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A forecast and a coverage frame for one week of 15-minute intervals, 3 queues."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-11-16", periods=7 * 96, freq="15min", tz="Europe/London")
    open_ = (starts.hour >= 8) & (starts.hour < 20)
    frames = []
    for number, queue in enumerate(QUEUES):
        level = (40, 25, 10)[number] * (1 + 0.4 * np.sin(np.arange(len(starts)) / 96 * 2 * np.pi))
        offered = np.where(open_, rng.poisson(level), 0).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": queue,
                    "offered": offered,
                    "aht_seconds": 240.0 + 60 * number,
                }
            )
        )
    forecast = pd.concat(frames, ignore_index=True)
    requirements = compute_requirements(forecast, TARGETS, SHRINKAGE, 15)
    noise = rng.normal(0, 1.5, len(requirements))
    coverage = requirements[["interval_start", "queue"]].assign(
        agents_scheduled=np.maximum(requirements["agents_scheduled_required"] + noise, 0.0)
    )
    return forecast, coverage


def timed(function, repeats: int) -> list[float]:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        runs.append(time.perf_counter() - start)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    forecast, coverage = make_inputs()
    plan = BasePlan(forecast, coverage, TARGETS, SHRINKAGE, 15)
    scenario = Scenario("busy", volume_factor=1.1)
    run_scenario(plan, scenario)  # warm up imports and caches
    cases = {
        "run_scenario (+10 % volume)": lambda: run_scenario(plan, scenario),
        "run_scenario with patience 120 s (Erlang A)": lambda: run_scenario(
            plan, scenario, patience_seconds=120.0
        ),
        "sensitivity (21 recomputations)": lambda: sensitivity(plan),
    }
    print(
        f"{len(forecast):,} queue-intervals ({len(QUEUES)} queues × 7 days × 96); medians of {args.repeats} runs"
    )
    for label, function in cases.items():
        runs = timed(
            function, args.repeats if "sensitivity" not in label else max(3, args.repeats // 2)
        )
        print(
            f"{label:45s} median {statistics.median(runs):.3f} s (min {min(runs):.3f}, max {max(runs):.3f})"
        )


if __name__ == "__main__":
    main()
