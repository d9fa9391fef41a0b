"""Benchmark: `wfm plan` on a multi-site centre, one rota model per staffing group.

Writes a seeded multi-site centre (:func:`wfm.data.synthetic.sites.generate_multi_site_centre`:
``--sites`` sites × ``--agents-per-site`` agents; the first two sites share a queue and form
one group, every other site is a group of its own), then runs the whole planning chain with
the groups on ``--cluster`` (default: this process, one group after the other). Prints the
load average, each step's wall time, each group's agents, status, gap and solve time, the
CPU time of this process and its workers, and the peak memory.

Target (issue 20): 5,000 agents in 20 sites scheduled for a week in one run in ≤ 10 minutes,
every group's gap ≤ 2 %.

    python benchmarks/bench_sites.py [--sites 4] [--agents-per-site 25] [--cluster local:2]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.execution import LocalExecutor, connect
from wfm.plan.chain import run_plan


def cpu_seconds() -> float:
    """CPU time (user + system) of the calling process [seconds]."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--agents-per-site", type=int, default=25)
    parser.add_argument("--history-weeks", type=int, default=6)
    parser.add_argument("--model", default="weighted_same_slot")
    parser.add_argument("--cluster", default=None, help="local:N or tcp://HOST:8786")
    parser.add_argument(
        "--time-limit-seconds",
        type=float,
        default=600.0,
        help="scheduling.time_limit_seconds, the wall-clock safety net per group (the centre's "
        "is 180 s; a loaded machine needs more)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = generate_multi_site_centre(
            Path(folder),
            sites=args.sites,
            agents_per_site=args.agents_per_site,
            history_weeks=args.history_weeks,
            forecast_model=args.model,
        )
        centre = load_centre(path)
        centre = centre.model_copy(
            update={
                "scheduling": centre.scheduling.model_copy(
                    update={"time_limit_seconds": args.time_limit_seconds}
                )
            }
        )
        executor = connect(args.cluster) if args.cluster else LocalExecutor(1)
        try:
            workers_before = executor.client.run(cpu_seconds) if hasattr(executor, "client") else {}
            load_before = os.getloadavg()
            start, cpu_start = time.perf_counter(), cpu_seconds()
            result = run_plan(centre, executor=executor)
            wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
            load_after = os.getloadavg()
            workers = (
                {
                    worker: value - workers_before[worker]
                    for worker, value in executor.client.run(cpu_seconds).items()
                }
                if hasattr(executor, "client")
                else {}
            )
            memory = executor.client.run(peak_rss_mib) if hasattr(executor, "client") else {}
        finally:
            executor.close()
    agents = len(result.agents)
    print(
        f"{args.sites} sites × {args.agents_per_site} agents = {agents} agents, "
        f"{len(centre.queues)} queues, {len(result.groups)} staffing groups, 1 week; "
        f"forecast model {args.model}; executor {args.cluster or 'this process'}"
    )
    print(
        "load average before "
        + " ".join(f"{v:.2f}" for v in load_before)
        + ", after "
        + " ".join(f"{v:.2f}" for v in load_after)
    )
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings_seconds.items())
    print(f"wall {wall:.1f} s ({steps}); CPU of this process {cpu:.1f} s")
    if workers:
        print("CPU per worker: " + ", ".join(f"{v:.1f} s" for v in workers.values()))
        print("peak memory per worker: " + ", ".join(f"{v:,.0f} MiB" for v in memory.values()))
    print(f"peak memory of this process: {peak_rss_mib():,.0f} MiB")
    print("group | agents | status | gap | solve wall")
    for group in result.groups:
        s = group.summary
        gap = "-" if s.gap is None else f"{100 * s.gap:.2f} %"
        print(
            f"{group.name} | {group.agent_count} | {s.status_label} | {gap} | "
            f"{s.wall_seconds:.1f} s{' (time limit hit)' if s.time_limit_reached else ''}"
        )
    print(f"whole rota: {result.rota.summary.describe()}")


if __name__ == "__main__":
    main()
