"""Benchmark: forecasting many queues in this process and on a 2-worker Dask LocalCluster.

A seeded history of ``--queues`` queues × 1 year of 15-minute intervals (open 08:00–20:00
every day, a daily and weekly shape, Poisson counts) is forecast 7 days ahead with
``--model`` (default ``auto``) twice: in this process (one worker), and on
``LocalCluster(n_workers=2, threads_per_worker=1)`` through :mod:`wfm.execution`. Prints the
wall time of each, the speed-up, the peak resident memory of each Dask worker, and checks
that the two forecasts are byte-identical.

Target (issue 20): 1,000 queues at ≥ 1.8× the speed of one worker, ≤ 2 GB per worker.

    python benchmarks/bench_scaling.py [--queues 40] [--model auto]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from wfm.data.io import frame_to_csv_text
from wfm.data.schemas import History
from wfm.execution import connect
from wfm.forecast import forecast_history


def make_history(queues: int, seed: int = 20) -> History:
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2025-11-17", periods=365 * 96, freq="15min", tz="Europe/London")
    starts = starts[(starts.hour >= 8) & (starts.hour < 20)]
    hours = starts.hour.to_numpy() + starts.minute.to_numpy() / 60
    weekday = starts.day_of_week.to_numpy()
    shape = (1 + 0.6 * np.sin((hours - 8) / 12 * np.pi)) * np.where(weekday >= 5, 0.6, 1.0)
    frames = []
    for number in range(queues):
        level = (5 + 20 * rng.random()) * shape
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": f"queue-{number:04d}",
                    "offered": rng.poisson(level).astype(float),
                    "aht_seconds": 200.0 + 2 * number % 100,
                }
            )
        )
    return History(pd.concat(frames, ignore_index=True), 15, "Europe/London", "synthetic")


def peak_rss_bytes() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds() -> float:
    """CPU time (user + system) of the calling process [seconds]."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--model", default="auto")
    args = parser.parse_args()
    history = make_history(args.queues)
    load_before = os.getloadavg()[0]
    start, cpu_start = time.perf_counter(), cpu_seconds()
    local = forecast_history(history, horizon_days=7, model=args.model, workers=1)
    local_s, local_cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    executor = connect("local:2")
    try:
        worker_cpu_before = executor.client.run(cpu_seconds)
        start = time.perf_counter()
        remote = forecast_history(history, horizon_days=7, model=args.model, executor=executor)
        remote_s = time.perf_counter() - start
        worker_cpu = {
            worker: cpu - worker_cpu_before[worker]
            for worker, cpu in executor.client.run(cpu_seconds).items()
        }
        memory = executor.client.run(peak_rss_bytes)
    finally:
        executor.close()
    load_after = os.getloadavg()[0]
    same = frame_to_csv_text(local) == frame_to_csv_text(remote)
    print(
        f"{args.queues} queues × 1 year of 15-minute history, model {args.model}; load average "
        f"{load_before:.2f} before, {load_after:.2f} after"
    )
    print(
        f"  one worker (this process)   {local_s:7.1f} s  ({local_s / args.queues:.2f} s a queue)"
    )
    print(f"  LocalCluster, 2 workers     {remote_s:7.1f} s  speed-up {local_s / remote_s:.2f}×")
    busiest = max(worker_cpu.values())
    print(
        f"  CPU: one worker {local_cpu:.1f} s; per Dask worker "
        + ", ".join(f"{value:.1f} s" for value in worker_cpu.values())
        + f" (balance {min(worker_cpu.values()) / busiest:.2f}; CPU-bound speed-up on free "
        f"cores, local CPU / busiest worker's CPU: {local_cpu / busiest:.2f}×)"
    )
    print(
        f"  1,000 queues at this CPU per queue: {local_cpu / args.queues * 1000 / 3600:.2f} h on "
        f"one core, {sum(worker_cpu.values()) / args.queues * 1000 / 3600 / 2:.2f} h on 2 free cores"
    )
    print(
        "  peak memory per worker      "
        + ", ".join(f"{value / 2**20:,.0f} MiB" for value in memory.values())
    )
    print(f"  forecasts byte-identical    {same}")


if __name__ == "__main__":
    main()
