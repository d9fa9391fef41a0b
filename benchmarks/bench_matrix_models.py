"""Benchmark: the rota models built as arrays against the pyomo build, side by side (issue 17, item 6).

Two workloads, each run once per source tree in a fresh child process (``PYTHONPATH`` set
to the tree), alternating trees so that both see the same machine load:

- ``plan``: ``wfm plan --centre data/sample/centre.toml`` (forecast, staffing, rota,
  review); wall and CPU time of the child, and a hash of the ``rota.csv`` it writes (the
  same hash means the same rota);
- ``agents N``: one week of ``benchmarks/bench_rostering.py``'s synthetic centre scaled to
  ``N`` agents (its default day rules, gap target and time limit), through
  ``schedule_week``; wall and CPU time of that call, the time spent inside HiGHS
  (``highspy.Highs.run``, wrapped here: wall and CPU), the rest (Python: preparing,
  building, passing to HiGHS, reading back, sharing out) and its share, objective, gap and
  a hash of the rota.

    python benchmarks/bench_matrix_models.py --tree before=/tmp/orig/src --tree after=src \\
        --workload 8000 --workload plan --plan-time-limit 1500

A tree is a ``src`` directory; ``before`` is typically ``git archive`` of the commit before
the change. Figures go to stdout as a Markdown table (one row per run) with the load
average at each run's start.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _cpu() -> float:
    usage = os.times()
    return usage.user + usage.system


def agents_worker(agents: int) -> dict:
    """One week for ``agents`` agents in this process (``PYTHONPATH`` picks the tree)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import bench_rostering as rostering
    import highspy

    from wfm.scheduling import schedule_week

    inside = {"wall": 0.0, "cpu": 0.0, "calls": 0}
    run = highspy.Highs.run

    def timed_run(self, *args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return run(self, *args, **kwargs)
        finally:
            inside["wall"] += time.perf_counter() - wall
            inside["cpu"] += time.process_time() - cpu
            inside["calls"] += 1

    highspy.Highs.run = timed_run
    parts = _timed_parts()
    centre, requirements, people = rostering.synthetic_centre(agents)
    centre = rostering.with_default_day_rules(centre)
    settings = centre.scheduling.model_copy(
        update={
            "time_limit_seconds": rostering.default_time_limit_seconds(agents),
            "relative_gap": rostering.default_gap(agents),
            "threads": 1,
            "seed": 0,
        }
    )
    wall, cpu = time.perf_counter(), time.process_time()
    result = schedule_week(
        requirements, rostering.rota_site(centre), people, rostering.WEEK_START, settings=settings
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rota = result.rota.sort_values(["agent_id", "start"]).to_csv(index=False)
    summary = result.summary
    return {
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "highs_wall_seconds": inside["wall"],
        "highs_cpu_seconds": inside["cpu"],
        "highs_calls": inside["calls"],
        "objective": summary.objective,
        "bound": summary.bound,
        "gap": summary.gap,
        "time_limit_reached": summary.time_limit_reached,
        "rota_hash": hashlib.sha256(rota.encode()).hexdigest()[:12],
        "parts_cpu_seconds": parts,
    }


def _timed_parts() -> dict[str, float]:
    """Wrap the steps around HiGHS to add up their CPU time [s]: ``build`` (the search's
    model builds), ``pass`` (handing a model to HiGHS: ``LinearModel.highs`` of the array
    build, pyomo's ``set_instance`` of the pyomo one), ``read`` (reading the rota back from
    the model) and ``diagnose`` (the rules' pre-solve diagnosis)."""
    import wfm.scheduling.precheck as precheck
    import wfm.scheduling.search.staged as search  # where solve_rota builds its models
    import wfm.scheduling.week as week

    parts = {"build": 0.0, "pass": 0.0, "read": 0.0, "diagnose": 0.0}

    def wrap(owner, name: str, part: str) -> None:
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            cpu = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                parts[part] += time.process_time() - cpu

        setattr(owner, name, timed)

    wrap(search, "build_rota_model", "build")
    wrap(week, "read_rota_result", "read")
    wrap(precheck, "rule_problems", "diagnose")
    try:
        from wfm.scheduling.linear_model import LinearModel

        inner_highs = LinearModel.highs

        def timed_highs(self):
            cpu = time.process_time()
            try:
                return inner_highs(self)
            finally:
                parts["pass"] += time.process_time() - cpu

        LinearModel.highs = timed_highs
    except ImportError:  # the pyomo build
        from pyomo.contrib.solver.solvers.highs import Highs

        wrap(Highs, "set_instance", "pass")
    return parts


def run_agents(tree: str, agents: int) -> dict:
    env = {**os.environ, "PYTHONPATH": tree}
    load = _load()
    done = subprocess.run(
        [sys.executable, __file__, "--worker", str(agents)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load"] = load
    return figures


def run_plan(tree: str, time_limit_seconds: float | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": tree}
    limit = [] if time_limit_seconds is None else ["--time-limit-seconds", str(time_limit_seconds)]
    load = _load()
    with tempfile.TemporaryDirectory() as out:
        before = os.times()
        wall = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "wfm.cli", "plan", "--centre", "data/sample/centre.toml"]
            + ["-o", out]
            + limit,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        wall = time.perf_counter() - wall
        after = os.times()
        rota = (Path(out) / "rota.csv").read_bytes()
        summary = json.loads((Path(out) / "solve_summary.json").read_text())
    return {
        "wall_seconds": wall,
        "cpu_seconds": (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        "objective": summary["objective"],
        "bound": summary["bound"],
        "gap": summary["gap"],
        "rota_hash": hashlib.sha256(rota).hexdigest()[:12],
        "load": load,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", default=[], help="NAME=path/to/src")
    parser.add_argument("--workload", action="append", default=[], help="plan or a number")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--plan-time-limit",
        type=float,
        default=None,
        help="wfm plan --time-limit-seconds (a safety net; raise it on a loaded machine so that "
        "the work budgets, not the clock, end the search)",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(agents_worker(args.worker)))
        return
    trees = dict(item.split("=", 1) for item in args.tree)
    print(
        "| workload | tree | wall [s] | CPU [s] | HiGHS wall / CPU [s] | outside HiGHS "
        "(wall share) | objective / bound (gap) | rota hash | load at start |"
    )
    print("|---|---|---:|---:|---:|---:|---|---|---|")
    for workload in args.workload:
        for _ in range(args.repeats):
            for name, tree in trees.items():
                tree = str(Path(tree).resolve())
                if workload == "plan":
                    f = run_plan(tree, args.plan_time_limit)
                    inside, outside = "", ""
                else:
                    f = run_agents(tree, int(workload))
                    rest = f["wall_seconds"] - f["highs_wall_seconds"]
                    inside = f"{f['highs_wall_seconds']:.1f} / {f['highs_cpu_seconds']:.1f}"
                    parts = ", ".join(f"{k} {v:.1f}" for k, v in f["parts_cpu_seconds"].items())
                    print(f"<!-- {workload} {name}: CPU [s] {parts} -->", flush=True)
                    outside = f"{rest:.1f} s ({100 * rest / f['wall_seconds']:.0f} %)"
                gap = "none" if f["gap"] is None else f"{100 * f['gap']:.2f} %"
                print(
                    f"| {workload} | {name} | {f['wall_seconds']:.1f} | {f['cpu_seconds']:.1f} | "
                    f"{inside} | {outside} | {f['objective']:.2f} / {f['bound']:.2f} ({gap}) | "
                    f"{f['rota_hash']} | {f['load']} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
