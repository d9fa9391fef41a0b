"""Benchmark: one `wfm plan` run on a multi-site centre, one rota model per staffing group.

Writes a seeded multi-site centre (:func:`wfm.data.synthetic.sites.generate_multi_site_centre`:
``--sites`` sites × ``--agents-per-site`` agents; the first two sites share a queue and form
one group, every other site is a group of its own), then runs ``wfm plan`` on it once (the
CLI, in this process) with the work on ``--cluster``:

- nothing: this process, one group after the other;
- ``local:N``: a ``LocalCluster`` of N worker processes that the command starts itself;
- ``address:N``: a ``dask scheduler`` and ``dask worker --nworkers N --nthreads 1`` that this
  benchmark starts **as separate processes** first, reached by ``--cluster tcp://127.0.0.1:PORT``
  (the by-address path of a real cluster);
- ``tcp://HOST:PORT``: a scheduler already running.

Prints the load average, the wall time of the command, the CPU time of this process and of
every process it started (workers, scheduler), the peak memory of this process and of the
largest of its children, and each group's agents, status, gap and solve time (from
``solve_summary.json``).

Target (issue 20): 5,000 agents in 20 sites scheduled for a week in one run in ≤ 10 minutes,
every group's gap ≤ 2 %:

    python benchmarks/bench_sites.py --sites 20 --agents-per-site 250 --cluster local:2
    python benchmarks/bench_sites.py --sites 20 --agents-per-site 250 --cluster address:2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import tomli_w

from wfm.cli import main as wfm
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.errors import WfmError
from wfm.execution import connect


def cpu_seconds(who: int) -> float:
    """CPU time (user + system) of ``RUSAGE_SELF`` or ``RUSAGE_CHILDREN`` [seconds]."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(workers: int) -> tuple[str, list[subprocess.Popen]]:
    """A ``dask scheduler`` and ``dask worker`` in processes of their own; their address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    # a starved scheduler is slow, not dead (docs/scaling.md, "A busy machine")
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(sys.path),
        DASK_DISTRIBUTED__COMM__TIMEOUTS__TCP="300s",
    )
    logs = Path(tempfile.gettempdir()) / f"bench_sites_dask_{port}"
    logs.mkdir(exist_ok=True)
    print(f"scheduler and worker logs in {logs}", flush=True)
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port)]
            + ["--dashboard-address", ":0", "--no-show"],
            stdout=subprocess.DEVNULL,
            stderr=(logs / "scheduler.log").open("w"),
            env=env,
        ),
        subprocess.Popen(
            [dask, "worker", address, "--nworkers", str(workers), "--nthreads", "1"]
            + ["--no-dashboard", "--memory-limit", "2GB"],
            stdout=subprocess.DEVNULL,
            stderr=(logs / "workers.log").open("w"),
            env=env,
        ),
    ]
    deadline = time.time() + 120
    while True:  # until the scheduler answers with every worker joined
        try:
            executor = connect(address, timeout_seconds=5)
            joined = len(executor.client.nthreads())
            executor.close()
            if joined >= workers:
                return address, processes
        except WfmError:
            pass
        if time.time() > deadline:
            stop(processes)
            raise SystemExit(f"the scheduler at {address} did not get {workers} workers in 120 s")
        time.sleep(1)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        process.terminate()
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--agents-per-site", type=int, default=25)
    parser.add_argument("--history-weeks", type=int, default=6)
    parser.add_argument("--model", default="weighted_same_slot")
    parser.add_argument(
        "--cluster", default=None, help="local:N, address:N (scheduler started here) or tcp://"
    )
    parser.add_argument(
        "--time-limit-seconds",
        type=float,
        default=600.0,
        help="scheduling.time_limit_seconds, the wall-clock safety net per group (the centre's "
        "is 180 s; a loaded machine needs more)",
    )
    args = parser.parse_args()
    processes: list[subprocess.Popen] = []
    cluster = args.cluster
    with tempfile.TemporaryDirectory() as folder:
        path = generate_multi_site_centre(
            Path(folder) / "centre",
            sites=args.sites,
            agents_per_site=args.agents_per_site,
            history_weeks=args.history_weeks,
            forecast_model=args.model,
        )
        raw = tomllib.loads(path.read_text())
        raw["scheduling"]["time_limit_seconds"] = args.time_limit_seconds
        path.write_text(tomli_w.dumps(raw))
        if cluster and cluster.startswith("address:"):
            cluster, processes = start_cluster(int(cluster.removeprefix("address:")))
        out = Path(folder) / "plan"
        command = ["plan", "--centre", str(path), "-o", str(out), "-q"]
        command += ["--cluster", cluster] if cluster else []
        load_before = os.getloadavg()
        children_before = cpu_seconds(resource.RUSAGE_CHILDREN)
        start, cpu_start = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF)
        code = wfm(command)
        wall = time.perf_counter() - start
        cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_start
        load_after = os.getloadavg()
        stop(processes)  # their CPU counts once they have ended
        children = cpu_seconds(resource.RUSAGE_CHILDREN) - children_before
        if code != 0:
            raise SystemExit(f"wfm plan exited {code}")
        solve = json.loads((out / "solve_summary.json").read_text())
    groups = solve.get("groups", [])
    agents = sum(group["agents"] for group in groups)
    print(
        f"{args.sites} sites × {args.agents_per_site} agents = {agents} agents, "
        f"{len(raw['queues'])} queues, {len(groups)} staffing groups, 1 week; forecast model "
        f"{args.model}; wfm plan --centre centre.toml -o plan -q {' '.join(command[6:])}"
    )
    print(f"executor: {args.cluster or 'this process'}" + (f" ({cluster})" if processes else ""))
    print(
        "load average before "
        + " ".join(f"{v:.2f}" for v in load_before)
        + ", after "
        + " ".join(f"{v:.2f}" for v in load_after)
    )
    print(
        f"wall {wall:.1f} s; CPU: this process {cpu:.1f} s, the processes it started "
        f"{children:.1f} s"
    )
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {peak_self:,.0f} MiB, largest child {peak_child:,.0f} MiB")
    print("group | agents | status | gap | build + solve wall")
    for group in groups:
        gap = "-" if group["gap"] is None else f"{100 * group['gap']:.2f} %"
        print(
            f"{group['group']} | {group['agents']} | {group['status']} | {gap} | "
            f"{group['build_seconds'] + group['solve_seconds']:.1f} s"
            + (" (time limit hit)" if group.get("time_limit_reached") else "")
        )
    worst = max((group["gap"] or 0.0) for group in groups) if groups else None
    print(
        f"whole rota: status {solve['status']}, cost {solve['objective']:.1f}, bound "
        f"{solve['bound']:.1f}; worst group gap "
        + ("-" if worst is None else f"{100 * worst:.2f} %")
    )


if __name__ == "__main__":
    main()
