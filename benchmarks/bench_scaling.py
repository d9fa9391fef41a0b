"""Benchmark: forecasting many queues on one Dask worker and on two, side by side.

A seeded history of ``--queues`` queues × 1 year of 15-minute intervals (open 08:00–20:00
every day, a daily and weekly shape, Poisson counts) is forecast 7 days ahead with
``--model`` (default ``auto``) on two ``LocalCluster``s started together: one of **one**
worker process and one of **two** (one thread each). The machine this runs on is shared, so
the two are measured **side by side**: the queues are cut into ``--rounds`` batches and each
batch runs on the 1-worker cluster and then on the 2-worker one (the order alternating from
batch to batch), so that a change in the machine's load falls on both alike. Prints the wall
time of each, the speed-up (1-worker wall ÷ 2-worker wall), the CPU time of every worker,
the CPU-bound speed-up (1-worker CPU ÷ the busier 2-worker CPU: what free cores would give),
the peak resident memory of each worker, the load average, and checks that both forecasts
are byte-identical.

Target (issue 20): 1,000 queues at ≥ 1.8× the speed of one worker, ≤ 2 GB per worker.

    python benchmarks/bench_scaling.py --queues 100            # a scaled run, ~6 min idle
    python benchmarks/bench_scaling.py --queues 1000 --rounds 10   # the target, a quiet machine
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


def _batch(history: History, queues: list[str]) -> History:
    frame = history.frame[history.frame["queue"].isin(queues)].reset_index(drop=True)
    return History(frame, history.interval_minutes, history.timezone, history.source)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--model", default="auto")
    parser.add_argument(
        "--rounds", type=int, default=5, help="batches run on one worker and two in turn"
    )
    args = parser.parse_args()
    history = make_history(args.queues)
    names = sorted(history.frame["queue"].unique())
    batches = [list(part) for part in np.array_split(names, max(1, min(args.rounds, len(names))))]
    load_before = os.getloadavg()
    started = time.perf_counter()
    one, two = connect("local:1"), connect("local:2")
    wall = {"one": 0.0, "two": 0.0}
    parts: dict[str, list[pd.DataFrame]] = {"one": [], "two": []}
    try:
        # warm-up, not timed: every worker imports the models once (a fixed cost per worker)
        for executor in (one, two):
            forecast_history(
                _batch(history, names[:2]), horizon_days=7, model=args.model, executor=executor
            )
        cpu_before = {key: ex.client.run(cpu_seconds) for key, ex in (("one", one), ("two", two))}
        client_cpu = cpu_seconds()
        for number, batch in enumerate(batches):
            order = (("one", one), ("two", two))
            for key, executor in order if number % 2 == 0 else order[::-1]:
                start = time.perf_counter()
                parts[key].append(
                    forecast_history(
                        _batch(history, batch), horizon_days=7, model=args.model, executor=executor
                    )
                )
                wall[key] += time.perf_counter() - start
            so_far = {  # CPU of each cluster's workers so far, so a cut-short run still tells
                key: sum(ex.client.run(cpu_seconds).values()) - sum(cpu_before[key].values())
                for key, ex in (("one", one), ("two", two))
            }
            print(
                f"  round {number + 1}/{len(batches)} ({len(batch)} queues): one worker "
                f"{wall['one']:.1f} s wall, {so_far['one']:.1f} s CPU; two workers "
                f"{wall['two']:.1f} s wall, {so_far['two']:.1f} s CPU (both workers) so far; "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        cpu = {
            key: {
                worker: value - cpu_before[key][worker]
                for worker, value in ex.client.run(cpu_seconds).items()
            }
            for key, ex in (("one", one), ("two", two))
        }
        client_cpu = cpu_seconds() - client_cpu
        memory = {key: ex.client.run(peak_rss_bytes) for key, ex in (("one", one), ("two", two))}
    finally:
        one.close()
        two.close()
    load_after = os.getloadavg()
    same = frame_to_csv_text(pd.concat(parts["one"], ignore_index=True)) == frame_to_csv_text(
        pd.concat(parts["two"], ignore_index=True)
    )
    one_cpu = sum(cpu["one"].values())
    busiest = max(cpu["two"].values())
    print(
        f"{args.queues} queues × 1 year of 15-minute history, model {args.model}, "
        f"{len(batches)} rounds side by side; load average "
        + " ".join(f"{v:.2f}" for v in load_before)
        + " before, "
        + " ".join(f"{v:.2f}" for v in load_after)
        + f" after; {time.perf_counter() - started:.0f} s in all"
    )
    print(
        f"  LocalCluster, 1 worker      {wall['one']:7.1f} s wall "
        f"({wall['one'] / args.queues:.2f} s a queue); CPU {one_cpu:.1f} s "
        f"({one_cpu / args.queues:.2f} s a queue)"
    )
    print(
        f"  LocalCluster, 2 workers     {wall['two']:7.1f} s wall; CPU "
        + " + ".join(f"{value:.1f} s" for value in cpu["two"].values())
        + f" (balance {min(cpu['two'].values()) / busiest:.2f})"
    )
    print(
        f"  speed-up, wall              {wall['one'] / wall['two']:.2f}×  (the machine's "
        f"other load shares the cores)"
    )
    print(
        f"  speed-up, CPU-bound         {one_cpu / busiest:.2f}×  (1-worker CPU ÷ busier "
        "2-worker CPU: the wall speed-up on two free cores, less scheduling overhead)"
    )
    per_queue_two = sum(cpu["two"].values()) / args.queues
    print(
        f"  1,000 queues at this CPU per queue: {one_cpu / args.queues * 1000 / 60:.1f} min on "
        f"one worker, {per_queue_two * 1000 / 2 / 60:.1f} min on 2 free cores"
    )
    print(
        "  peak memory per worker      "
        + ", ".join(
            f"{value / 2**20:,.0f} MiB" for key in ("one", "two") for value in memory[key].values()
        )
    )
    print(
        f"  this process (the client)   {client_cpu:.1f} s CPU for both runs; peak "
        f"{peak_rss_bytes() / 2**20:,.0f} MiB"
    )
    print(f"  forecasts byte-identical    {same}")


if __name__ == "__main__":
    main()
