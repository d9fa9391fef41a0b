"""Benchmark: forecasting many queues on one Dask worker and on two, side by side.

A seeded history of ``--queues`` queues × 1 year of 15-minute intervals (open 08:00–20:00
every day, a daily and weekly shape, Poisson counts) is forecast 7 days ahead with
``--model`` (default ``auto``) on ``LocalCluster``s started together: by default one of
**one** worker process and one of **two** (one thread each; ``--workers 2`` runs only the
second). The machine this runs on is shared, so the clusters are measured **side by side**:
the queues are cut into ``--rounds`` batches and each batch runs on the 1-worker cluster and
then on the 2-worker one (the order alternating from batch to batch), so that a change in the
machine's load falls on both alike.

What it measures, per cluster (only while that cluster runs its batches):

- **wall** time, and the speed-up (1-worker wall ÷ 2-worker wall): the figure the target is
  about, meaningful only on a quiet machine;
- **CPU inside the tasks**: every queue's work is timed in the worker
  (``resource.getrusage(RUSAGE_THREAD)`` of the thread that runs it, user and system; minor
  page faults; the time in the garbage collector) and the figures come back with its result;
- **CPU of every process**: each worker process (what it spent outside its tasks is the
  worker's own overhead: heartbeats, (de)serialising, the event loop), and this process,
  which holds the client, the ``LocalCluster``'s scheduler and the nannies (its main thread,
  the client's own work, apart from its other threads, the event loops);
- the CPU-bound speed-up (1-worker CPU ÷ the busier 2-worker worker's CPU: what two free
  cores would give, less scheduling overhead); peak resident memory of each worker and of
  this process; the load average; and that the forecasts of both clusters are byte-identical.

So one run on a quiet machine gives the wall-clock answer, and a run on a busy one still
tells where the CPU goes. ``--json FILE`` writes every figure (and every task's) to a file.

Target (issue 20): 1,000 queues at ≥ 1.8× the speed of one worker, ≤ 2 GB per worker.

    python benchmarks/bench_scaling.py --queues 40 --rounds 4      # ~5 min of CPU in all
    python benchmarks/bench_scaling.py --queues 1000 --rounds 1 --workers 2   # the target's
    #   1,000 queues on 2 workers: wall, CPU per process, peak memory per worker (~12 min idle)
    python benchmarks/bench_scaling.py --queues 1000 --rounds 10   # and on 1 worker (~45 min)
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import resource
import statistics
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import psutil

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
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# --- CPU inside each task (runs in the worker) ---------------------------------------------


def timed_task(function, *args):
    """``(function(*args), figures)``: the CPU of the thread running it [s] (user, system),
    its wall time [s], minor page faults, and the garbage collector's CPU [s] and runs (in any
    thread of the worker while the task ran)."""
    collector = {"seconds": 0.0, "runs": 0, "started": 0.0}

    def on_gc(phase, info):
        if phase == "start":
            collector["started"] = time.thread_time()
        else:  # the collector holds the GIL: start and stop come from the same thread
            collector["seconds"] += time.thread_time() - collector["started"]
            collector["runs"] += 1

    gc.callbacks.append(on_gc)
    before = resource.getrusage(resource.RUSAGE_THREAD)
    wall = time.perf_counter()
    try:
        result = function(*args)
    finally:
        after = resource.getrusage(resource.RUSAGE_THREAD)
        gc.callbacks.remove(on_gc)
    return result, {
        "pid": os.getpid(),
        "user_seconds": after.ru_utime - before.ru_utime,
        "system_seconds": after.ru_stime - before.ru_stime,
        "wall_seconds": time.perf_counter() - wall,
        "minor_faults": after.ru_minflt - before.ru_minflt,
        "gc_seconds": collector["seconds"],
        "gc_runs": collector["runs"],
    }


class TimedExecutor:
    """An executor that runs each task through :func:`timed_task` and keeps its figures."""

    def __init__(self, inner, key: str) -> None:
        self.inner, self.key, self.name = inner, key, inner.name
        self.tasks: list[dict] = []

    def map(self, function, tasks, *, labels=None, on_result=None, **options):
        def keep(number, pair):
            result, figures = pair
            self.tasks.append({"queue": labels[number] if labels else number, **figures})
            if on_result is not None:
                on_result(number, result)
                return None
            return result

        results = self.inner.map(
            functools.partial(timed_task, function),
            tasks,
            labels=labels,
            on_result=keep if on_result is not None else None,
            **options,
        )
        if on_result is None:
            return [keep(number, pair) for number, pair in enumerate(results)]
        return results

    def close(self) -> None:
        self.inner.close()


# --- CPU of every process (read from this process, without waking the workers) -------------


@dataclass
class Processes:
    """CPU [s] of each process, read by psutil: the workers and this process."""

    workers: dict[str, list[psutil.Process]]  # cluster key → its worker processes
    main: psutil.Process = field(default_factory=psutil.Process)

    def snapshot(self) -> dict[str, float]:
        figures = {}
        for key, processes in self.workers.items():
            for number, process in enumerate(processes):
                times = process.cpu_times()
                figures[f"{key}/worker{number + 1}"] = times.user + times.system
        main_thread = next(t for t in self.main.threads() if t.id == self.main.pid)
        times = self.main.cpu_times()
        figures["main/all"] = times.user + times.system
        figures["main/main thread"] = main_thread.user_time + main_thread.system_time
        return figures


def difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before[name] for name in after}


def _batch(history: History, queues: list[str]) -> History:
    frame = history.frame[history.frame["queue"].isin(queues)].reset_index(drop=True)
    return History(frame, history.interval_minutes, history.timezone, history.source)


def _summary(key: str, runs: dict, wall: float, queues: int) -> dict:
    """One cluster's figures: its tasks' CPU, its processes' CPU while it ran and idle."""
    tasks = runs["tasks"]
    task_cpu = [t["user_seconds"] + t["system_seconds"] for t in tasks]
    own = runs["own"]  # CPU of every process during this cluster's batches
    workers = {name: value for name, value in own.items() if name.startswith(f"{key}/")}
    idle = {name: value for name, value in runs["other"].items() if name.startswith(f"{key}/")}
    per_worker_tasks = {}
    for task, cpu in zip(tasks, task_cpu, strict=True):
        per_worker_tasks[task["pid"]] = per_worker_tasks.get(task["pid"], 0.0) + cpu
    return {
        "wall_seconds": wall,
        "queues": queues,
        "task_cpu_seconds": sum(task_cpu),
        "task_cpu_seconds_per_queue": sum(task_cpu) / max(1, len(task_cpu)),
        "task_cpu_seconds_median": statistics.median(task_cpu) if task_cpu else 0.0,
        "task_user_seconds": sum(t["user_seconds"] for t in tasks),
        "task_system_seconds": sum(t["system_seconds"] for t in tasks),
        "task_wall_seconds": sum(t["wall_seconds"] for t in tasks),
        "task_minor_faults": sum(t["minor_faults"] for t in tasks),
        "task_gc_seconds": sum(t["gc_seconds"] for t in tasks),
        "task_cpu_seconds_per_worker": sorted(per_worker_tasks.values(), reverse=True),
        "worker_cpu_seconds": workers,
        "worker_cpu_outside_tasks_seconds": sum(workers.values()) - sum(task_cpu),
        "worker_cpu_while_other_cluster_ran_seconds": idle,
        "main_process_cpu_seconds": own["main/all"],
        "main_thread_cpu_seconds": own["main/main thread"],
        "all_processes_cpu_seconds": sum(workers.values()) + own["main/all"],
    }


def _print_cluster(label: str, s: dict) -> None:
    workers = s["worker_cpu_seconds"]
    print(
        f"  {label}: {s['wall_seconds']:.1f} s wall ({s['wall_seconds'] / s['queues']:.2f} s a queue)"
    )
    print(
        f"    inside tasks   {s['task_cpu_seconds']:7.1f} s CPU ({s['task_cpu_seconds_per_queue']:.3f} s "
        f"a queue, median {s['task_cpu_seconds_median']:.3f} s; user {s['task_user_seconds']:.1f} s, "
        f"system {s['task_system_seconds']:.1f} s; gc {s['task_gc_seconds']:.1f} s; "
        f"{s['task_minor_faults']:,} minor faults); by worker "
        + " + ".join(f"{v:.1f} s" for v in s["task_cpu_seconds_per_worker"])
    )
    print(
        "    worker processes "
        + " + ".join(f"{v:.1f} s" for v in workers.values())
        + f" CPU; outside tasks {s['worker_cpu_outside_tasks_seconds']:.1f} s; while the other "
        "cluster ran "
        + " + ".join(f"{v:.1f} s" for v in s["worker_cpu_while_other_cluster_ran_seconds"].values())
    )
    print(
        f"    this process   {s['main_process_cpu_seconds']:.1f} s CPU (client's main thread "
        f"{s['main_thread_cpu_seconds']:.1f} s; scheduler, nannies and comms "
        f"{s['main_process_cpu_seconds'] - s['main_thread_cpu_seconds']:.1f} s)"
    )
    print(f"    all processes  {s['all_processes_cpu_seconds']:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=40)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--rounds", type=int, default=5, help="batches run on each cluster in turn")
    parser.add_argument(
        "--workers",
        default="1,2",
        help="cluster sizes to run, comma-separated (default 1,2; 2 for the 2-worker run only)",
    )
    parser.add_argument("--json", help="write every figure, and each task's, to this file")
    args = parser.parse_args()
    sizes = [int(size) for size in args.workers.split(",")]
    keys = [f"{size}w" for size in sizes]
    history = make_history(args.queues)
    names = sorted(history.frame["queue"].unique())
    batches = [list(part) for part in np.array_split(names, max(1, min(args.rounds, len(names))))]
    load_before = os.getloadavg()
    started = time.perf_counter()
    clusters = {key: connect(f"local:{size}") for key, size in zip(keys, sizes, strict=True)}
    timed = {key: TimedExecutor(ex, key) for key, ex in clusters.items()}
    wall = dict.fromkeys(keys, 0.0)
    parts: dict[str, list[pd.DataFrame]] = {key: [] for key in keys}
    runs = {key: {"own": {}, "other": {}, "tasks": []} for key in keys}
    load_samples = [load_before[0]]
    try:
        # warm-up, not timed: every worker imports the models once (a fixed cost per worker);
        # as many queues as workers, one each
        for executor in clusters.values():
            warm = names[: max(2, len(executor.client.nthreads()))]
            forecast_history(
                _batch(history, warm), horizon_days=7, model=args.model, executor=executor
            )
        processes = Processes(
            {
                key: [psutil.Process(pid) for pid in ex.client.run(os.getpid).values()]
                for key, ex in clusters.items()
            }
        )
        for number, batch in enumerate(batches):
            order = keys if number % 2 == 0 else keys[::-1]
            for key in order:
                rows = _batch(history, batch)  # built before the clock starts, for both alike
                before = processes.snapshot()
                start = time.perf_counter()
                parts[key].append(
                    forecast_history(rows, horizon_days=7, model=args.model, executor=timed[key])
                )
                wall[key] += time.perf_counter() - start
                spent = difference(processes.snapshot(), before)
                for name, value in spent.items():
                    # CPU during this cluster's batch counts as its own for its own workers
                    # and this process, and as idle for the other cluster's workers
                    bucket = (
                        "own" if name.startswith(f"{key}/") or name.startswith("main/") else "other"
                    )
                    target = (
                        runs[key][bucket] if bucket == "own" else runs[name.split("/")[0]]["other"]
                    )
                    target[name] = target.get(name, 0.0) + value
                del rows
            load_samples.append(os.getloadavg()[0])
            print(
                f"  round {number + 1}/{len(batches)} ({len(batch)} queues): "
                + "; ".join(
                    f"{key}: {wall[key]:.1f} s wall, "
                    f"{sum(t['user_seconds'] + t['system_seconds'] for t in timed[key].tasks):.1f} s "
                    "CPU in tasks"
                    for key in keys
                )
                + f" so far; load {load_samples[-1]:.1f}",
                flush=True,
            )
        for key in keys:
            runs[key]["tasks"] = timed[key].tasks
        memory = {key: ex.client.run(peak_rss_bytes) for key, ex in clusters.items()}
    finally:
        for executor in clusters.values():
            executor.close()
    load_after = os.getloadavg()
    summaries = {key: _summary(key, runs[key], wall[key], args.queues) for key in keys}
    texts = [frame_to_csv_text(pd.concat(parts[key], ignore_index=True)) for key in keys]
    same = all(text == texts[0] for text in texts)
    print(
        f"{args.queues} queues × 1 year of 15-minute history, model {args.model}, "
        f"{len(batches)} rounds; load average "
        + " ".join(f"{v:.2f}" for v in load_before)
        + " before, "
        + " ".join(f"{v:.2f}" for v in load_after)
        + f" after (1-minute load after each round: {min(load_samples):.1f}–{max(load_samples):.1f}); "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    for key in keys:
        _print_cluster(
            f"LocalCluster, {key[:-1]} worker{'s' if key != '1w' else ''}", summaries[key]
        )
    if "1w" in summaries and "2w" in summaries:
        one, two = summaries["1w"], summaries["2w"]
        busiest = max(two["worker_cpu_seconds"].values())
        print(f"  speed-up, wall              {one['wall_seconds'] / two['wall_seconds']:.2f}×")
        print(
            f"  speed-up, CPU-bound         {sum(one['worker_cpu_seconds'].values()) / busiest:.2f}×  "
            "(1-worker CPU ÷ busier 2-worker worker's CPU)"
        )
        print(
            f"  2 workers ÷ 1, CPU inside tasks {two['task_cpu_seconds'] / one['task_cpu_seconds']:.3f}; "
            f"worker processes {sum(two['worker_cpu_seconds'].values()) / sum(one['worker_cpu_seconds'].values()):.3f}; "
            f"all processes {two['all_processes_cpu_seconds'] / one['all_processes_cpu_seconds']:.3f}"
        )
    print(
        "  peak memory per worker      "
        + "; ".join(
            f"{key}: " + ", ".join(f"{v / 2**20:,.0f} MiB" for v in memory[key].values())
            for key in keys
        )
        + f"; this process {peak_rss_bytes() / 2**20:,.0f} MiB"
    )
    print(f"  forecasts byte-identical    {same}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "arguments": vars(args),
                    "load_before": load_before,
                    "load_after": load_after,
                    "load_after_rounds": load_samples,
                    "byte_identical": same,
                    "peak_rss_bytes": {key: list(v.values()) for key, v in memory.items()},
                    "clusters": summaries,
                    "tasks": {key: runs[key]["tasks"] for key in keys},
                },
                handle,
                indent=1,
            )


if __name__ == "__main__":
    main()
