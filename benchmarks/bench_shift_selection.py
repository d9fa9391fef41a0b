"""Benchmark: shift selection for a cyclic week (issue 5, Targets).

Target (2-core machine): for a week of 30-minute demand (20-150 agents), shifts of 8, 6
and 4 hours starting every half hour, cyclic week, a proven optimum in <= 1 s including
model build; at 15-minute resolution <= 3 s.

Demand is synthetic and seeded: a 24/7 centre with a night floor, a late-morning and an
afternoon peak and a smaller evening one, busier Mondays and quiet weekends, Poisson noise
capped at ``--peaks`` agents (the busiest interval needs exactly that many). Each instance is solved
``--repeats`` times by :func:`wfm.scheduling.selection.select_shifts` (one HiGHS thread,
relative gap 0: the optimum is proven) in this process, after one warm-up solve that is
not counted (imports and pyomo's first-use costs). Times are medians of wall time (build,
solve and reading the counts) and of this process's CPU time (HiGHS runs in-process, so
the CPU time hardly depends on other jobs on the machine); the load average
(``os.getloadavg``) is recorded before and after each instance.

    python benchmarks/bench_shift_selection.py --repeats 7
    python benchmarks/bench_shift_selection.py --peaks 20 150 --repeats 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

import numpy as np

from wfm.scheduling.selection import select_shifts
from wfm.scheduling.selection_columns import DEFAULT_SHIFT_TYPES

#: (label, interval [minutes], start step [minutes]) of the benchmarked resolutions.
RESOLUTIONS = (
    ("30-min demand, starts every 30 min", 30, 30),
    ("15-min demand, starts every 30 min", 15, 30),
    ("15-min demand, starts every 15 min", 15, 15),
)


def week_demand(peak_agents: float, interval_minutes: int, seed: int = 0) -> np.ndarray:
    """Agents required in each interval of a week from Monday 00:00 [agents]."""
    rng = np.random.default_rng(seed)
    n = 7 * 24 * 60 // interval_minutes
    minutes = np.arange(n) * interval_minutes + interval_minutes / 2
    hour = (minutes / 60) % 24
    day = (minutes // (24 * 60)).astype(int)
    shape = (
        0.08
        + np.exp(-((hour - 11.0) ** 2) / 5.0)
        + 0.85 * np.exp(-((hour - 15.0) ** 2) / 6.0)
        + 0.35 * np.exp(-((hour - 19.5) ** 2) / 3.0)
    )
    day_factor = np.array([1.1, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45])[day]
    mean = peak_agents * shape * day_factor / (shape * day_factor).max()
    return np.minimum(rng.poisson(mean), round(peak_agents)).astype(float)


def load_text() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(peak_agents: float, interval_minutes: int, step_minutes: int, repeats: int) -> dict:
    """Solve one instance ``repeats`` times; medians and the solution's figures."""
    demand = week_demand(peak_agents, interval_minutes)
    load_before = load_text()
    runs = []
    cpus: list[float] = []
    for _ in range(repeats):
        began, began_cpu = time.perf_counter(), time.process_time()
        selection = select_shifts(demand, interval_minutes, DEFAULT_SHIFT_TYPES, step_minutes)
        wall, cpu = time.perf_counter() - began, time.process_time() - began_cpu
        runs.append((wall, selection))
        cpus.append(cpu)
    last = runs[-1][1]
    return {
        "peak_agents": int(demand.max()),
        "demand_agent_hours": float(demand.sum() * interval_minutes / 60),
        "variables": last.n_variables,
        "constraints": last.n_constraints,
        "objective": last.objective,
        "bound": last.bound,
        "proven": all(selection.proven_optimal for _, selection in runs),
        "shifts": int(last.counts["count"].sum()),
        "total_seconds": statistics.median(wall for wall, _ in runs),
        "max_seconds": max(wall for wall, _ in runs),
        "cpu_seconds": statistics.median(cpus),
        "build_seconds": statistics.median(selection.build_seconds for _, selection in runs),
        "solve_seconds": statistics.median(selection.solve_seconds for _, selection in runs),
        "load": f"{load_before} / {load_text()}",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--peaks",
        type=float,
        nargs="+",
        default=[20, 50, 100, 150],
        help="peak agents of each instance",
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="solves per instance (medians are reported)"
    )
    args = parser.parse_args(argv)
    select_shifts(week_demand(20, 30), 30)  # warm-up, not counted
    print(
        f"Shift selection, cyclic week, 8/6/4-hour shifts, {dt.date.today()}; medians of {args.repeats} solves:\n"
    )
    print(
        "| demand | peak [agents] | demand [agent-h] | variables / constraints | optimum [agent-h] | "
        "proven | shifts | build [s] | solve [s] | total [s] (max) | CPU [s] | load before / after |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    for label, interval_minutes, step_minutes in RESOLUTIONS:
        for peak in args.peaks:
            r = measure(peak, interval_minutes, step_minutes, args.repeats)
            print(
                f"| {label} | {r['peak_agents']} | {r['demand_agent_hours']:.0f} | {r['variables']:,} / "
                f"{r['constraints']:,} | {r['objective']:.1f} (bound {r['bound']:.1f}) | "
                f"{'yes' if r['proven'] else 'no'} | {r['shifts']} | {r['build_seconds']:.3f} | "
                f"{r['solve_seconds']:.3f} | {r['total_seconds']:.3f} ({r['max_seconds']:.3f}) | {r['cpu_seconds']:.3f} | {r['load']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
