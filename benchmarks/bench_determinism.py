"""Benchmark: the same outputs from the solver-backed commands on a quiet and a loaded machine.

Runs each command in a fresh process, first as the machine is, then beside ``--burners``
CPU-burning processes (``python -c 'while True: pass'``), on the same inputs:

- ``wfm plan`` on the sample centre (the rota search: work budgets, CPU-time safety net);
- ``wfm reoptimise`` of that plan's rota with agent A001 off on 2026-11-17;
- ``wfm intraday replan`` of the played sample day (``wfm intraday sample``) at 11:00 (the
  re-plan MILP: node limit, CPU-time safety net);
- ``wfm capacity`` with hiring (the hiring MILP: relative gap, CPU-time safety net).

For each run it prints the CPU time of the command (user + system of the child, from
``getrusage``), its wall time, the 1-minute load average at its start and end, the SHA-256
of its key file and of all its output files together, and whether every output file is
byte-identical between the two runs. Four kinds of bytes are not results and are left out
of the combined hash (the files whose raw bytes differ are listed): the ``DTSTAMP`` line of
an iCalendar file (RFC 5545: when the file was written), the ``docProps/core.xml`` member of
an ``.xlsx`` file (openpyxl's created/modified stamps), the ``*_seconds`` timings in
``solve_summary.json``, and in ``report.md`` the "Time taken" line, the rota search's
"built in … s, solved in … s, … s in all" and the wall time that ends a row of the staffing
groups' table.

``--tight`` instead runs the hiring optimiser and the re-plan with their safety limit cut
to ``--tight-factor`` times the CPU time their solve needs (measured first, in this tree),
as the machine is and beside the burners, and prints the optimiser's status and the result
hash. With ``--before-src DIR`` (e.g. an export of main's ``src``) it runs that tree the same
way, side by side, with the same limit given to its (wall) ``time_limit``.

``--threads`` measures why the clock is the calling thread's CPU time: one HiGHS solve (a
market split, node limit 3,000, ``threads = 1``) alone and beside a busy Python thread of the same
process, with the thread's and the process's CPU time of the solve.

    python benchmarks/bench_determinism.py                   # the four commands
    python benchmarks/bench_determinism.py --tight --before-src /tmp/main-src
    python benchmarks/bench_determinism.py --threads
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
CENTRE = str(SAMPLE / "centre.toml")

#: Bytes of an output that record when or how long, not what (see the module docstring).
STAMP_MEMBERS = ("docProps/core.xml",)
#: The wall times in report.md (module docstring).
REPORT_TIMINGS = re.compile(
    rb"(?m)^- Time taken: .*$"
    rb"|built in [0-9.]+ s, solved in [0-9.]+ s, [0-9.]+ s in all"
    rb"|(?<=\| )[0-9.]+ s \|$"
)


def normalised_bytes(path: Path) -> bytes:
    """The file's bytes without its stamps (module docstring); other files as they are."""
    data = path.read_bytes()
    if path.suffix == ".ics":
        return b"\r\n".join(
            line for line in data.split(b"\r\n") if not line.startswith(b"DTSTAMP:")
        )
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return b"".join(
                name.encode() + b"\0" + book.read(name)
                for name in sorted(book.namelist())
                if name not in STAMP_MEMBERS
            )
    if path.name == "solve_summary.json":
        return json.dumps(_without_timings(json.loads(data)), sort_keys=True).encode()
    if path.name == "report.md":  # "Time taken", "built in … s in all", the groups' "time"
        return re.sub(REPORT_TIMINGS, b"<wall time>", data)
    return data


def _without_timings(value):
    if isinstance(value, dict):
        return {
            key: _without_timings(item)
            for key, item in value.items()
            if not key.endswith("_seconds")
        }
    if isinstance(value, list):
        return [_without_timings(item) for item in value]
    return value


def output_hashes(out_dir: Path) -> dict[str, tuple[str, str]]:
    """{relative path: (raw sha256, normalised sha256)} of every file under ``out_dir``."""
    return {
        str(path.relative_to(out_dir)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            hashlib.sha256(normalised_bytes(path)).hexdigest(),
        )
        for path in sorted(out_dir.rglob("*"))
        if path.is_file()
    }


def run_command(argv: list[str], env: dict | None = None) -> dict[str, object]:
    """Run ``python -m wfm.cli ARGV`` (or ``python -c`` when argv starts with ``-c``)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_start = os.getloadavg()[0]
    started = time.perf_counter()
    command = [sys.executable] + (argv if argv[0] == "-c" else ["-m", "wfm.cli"] + argv)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed ({done.returncode}):\n{done.stderr}")
    return {
        "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "wall_seconds": wall,
        "load": f"{load_start:.1f}→{os.getloadavg()[0]:.1f}",
        "stdout": done.stdout,
    }


def commands(work: Path, tag: str) -> list[tuple[str, list[str], Path, str]]:
    """(name, argv, output folder, key file) of each command; reoptimise reads the quiet
    run's plan (the same input for both runs)."""
    plan_in = work / "quiet" / "plan"
    today = work / "today"
    out = work / tag
    return [
        (
            "plan",
            ["plan", "-q", "--centre", CENTRE, "-o", str(out / "plan")],
            out / "plan",
            "rota.csv",
        ),
        (
            "reoptimise",
            ["reoptimise", "-q", str(plan_in / "rota.csv"), "--centre", CENTRE]
            + ["--requirements", str(plan_in / "requirements.csv")]
            + ["--unavailable", "A001:2026-11-17", "-o", str(out / "reoptimise")],
            out / "reoptimise",
            "rota.csv",
        ),
        (
            "intraday replan",
            ["intraday", "replan", "--centre", CENTRE, "--forecast", str(today / "forecast.csv")]
            + ["--rota", str(today / "rota.csv"), "--history-today", str(today / "arrivals.csv")]
            + ["--states-today", str(today / "states.csv"), "--as-of", "11:00"]
            + ["-o", str(out / "replan")],
            out / "replan",
            "suggestions.csv",
        ),
        (
            "capacity (hiring)",
            ["capacity", "-q", "--centre", CENTRE, "-o", str(out / "capacity")],
            out / "capacity",
            "classes.csv",
        ),
    ]


class Burners:
    """``count`` busy-looping processes while the block runs."""

    def __init__(self, count: int) -> None:
        self.count = count

    def __enter__(self) -> Burners:
        self.processes = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.count)
        ]
        time.sleep(5)  # let the load average feel them
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.kill()
            process.wait()


def compare_commands(burners: int, selected: set[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run_command(["intraday", "sample", "-o", str(work / "today")])
        runs: dict[str, dict[str, dict]] = {}
        for tag in ("quiet", "loaded"):
            context = Burners(burners) if tag == "loaded" else _Nothing()
            with context:
                for name, argv, out_dir, key in commands(work, tag):
                    if name not in selected and not (name == "plan" and "reoptimise" in selected):
                        continue
                    run = run_command(argv)
                    run["hashes"] = output_hashes(out_dir)
                    run["key"] = key
                    runs.setdefault(name, {})[tag] = run
        print(
            "| command | run | load (1 min) | CPU s | wall s | key file sha256 | all outputs sha256 (stamps out) |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, pair in runs.items():
            for tag, run in pair.items():
                label = "as the machine is" if tag == "quiet" else f"+{burners} CPU burners"
                combined = hashlib.sha256(
                    "".join(
                        f"{path}:{norm}\n" for path, (_, norm) in run["hashes"].items()
                    ).encode()
                ).hexdigest()
                print(
                    f"| {name} | {label} | {run['load']} | {run['cpu_seconds']:.1f} | "
                    f"{run['wall_seconds']:.1f} | {run['key']} {run['hashes'][run['key']][0][:12]} | "
                    f"{combined[:12]} ({len(run['hashes'])} files) |"
                )
        print()
        for name, pair in runs.items():
            if len(pair) < 2:
                continue
            quiet, loaded = pair["quiet"]["hashes"], pair["loaded"]["hashes"]
            same_files = quiet.keys() == loaded.keys()
            differ = [
                path for path in quiet if path in loaded and quiet[path][1] != loaded[path][1]
            ]
            stamped = [
                path for path in quiet if path in loaded and quiet[path][0] != loaded[path][0]
            ]
            print(
                f"{name}: same files {same_files}; identical outside stamps: {not differ and same_files}"
                f" (differing: {differ or 'none'}); files whose raw bytes differ: {len(stamped)}"
                + (f" ({_kinds(stamped)})" if stamped else "")
            )


def _kinds(paths: list[str]) -> str:
    kinds: dict[str, int] = {}
    for path in paths:
        kind = "*.ics" if path.endswith(".ics") else path
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{kind} ×{count}" for kind, count in kinds.items())


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


#: Child program for --tight: runs the hiring optimiser or the re-plan of the sample with
#: the safety limit cut to LIMIT seconds (the CPU limit in this tree, the wall
#: ``time_limit`` in a tree from before it), prints the solve's CPU time and wall time, its
#: status and a hash of its result.
TIGHT_RUNNER = r"""
import hashlib, json, sys, time
which, limit, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
import wfm.capacity.hiring as hiring
import wfm.intraday.replan_milp as replan_milp
import wfm.highs_solver as highs_solver
for module, name in ((hiring, "SAFETY_CPU_SECONDS"), (replan_milp, "SAFETY_CPU_SECONDS"),
                     (hiring, "SAFETY_TIME_LIMIT_SECONDS")):
    if hasattr(module, name):
        setattr(module, name, limit)
if not hasattr(replan_milp, "SAFETY_CPU_SECONDS"):  # before: a literal wall time_limit of 600 s
    def tight_highs(make=replan_milp.new_highs):
        highs = make()
        set_option = highs.setOptionValue
        highs.setOptionValue = lambda key, value: set_option(
            key, limit if key == "time_limit" else value)
        return highs
    replan_milp.new_highs = tight_highs
timing = {}
def timed(module, name):
    function = getattr(module, name)
    def wrapper(*args, **kwargs):
        cpu, wall = time.thread_time(), time.perf_counter()
        result = function(*args, **kwargs)
        timing.update(cpu=time.thread_time() - cpu, wall=time.perf_counter() - wall)
        return result
    setattr(module, name, wrapper)
    return wrapper
if which == "hiring":
    import wfm.capacity.planner as planner
    planner.optimise_hiring = timed(hiring, "optimise_hiring")
    from wfm.cli import main
    main(["capacity", "-q", "--centre", sys.argv[4], "-o", out])
    summary = json.load(open(out + "/summary.json"))
    status = f"{summary['optimiser_status']} (gap {summary['optimiser_gap']})"
    result = open(out + "/classes.csv", "rb").read()
else:
    import wfm.intraday.replan as replan
    replan.solve_replan = timed(replan_milp, "solve_replan")
    from wfm.cli import main
    today = sys.argv[4]
    main(["intraday", "replan", "--centre", sys.argv[5], "--forecast", today + "/forecast.csv",
          "--rota", today + "/rota.csv", "--history-today", today + "/arrivals.csv",
          "--states-today", today + "/states.csv", "--as-of", "11:00", "-o", out])
    result = open(out + "/suggestions.csv", "rb").read()
    status = "see stdout"
print(json.dumps({"solve_cpu": timing["cpu"], "solve_wall": timing["wall"], "status": status,
                  "sha256": hashlib.sha256(result).hexdigest()[:12]}))
"""


def tight(burners: int, factor: float, before_src: Path | None) -> None:
    trees = [("this tree", REPO / "src")] + ([("before", before_src)] if before_src else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run_command(["intraday", "sample", "-o", str(work / "today")])
        rows = []
        for which in ("hiring", "replan"):
            extra = [CENTRE] if which == "hiring" else [str(work / "today"), CENTRE]
            # the solve's CPU time with the default limit, in this tree, as the machine is
            probe = _tight_run(REPO / "src", which, 1e6, work / f"{which}-probe", extra)
            limit = round(factor * probe["solve_cpu"], 2)
            for tag in ("quiet", "loaded"):
                context = Burners(burners) if tag == "loaded" else _Nothing()
                with context:
                    for tree, src in trees:
                        out = work / f"{which}-{tag}-{tree.replace(' ', '-')}"
                        run = _tight_run(src, which, limit, out, extra)
                        rows.append((which, limit, tree, tag, run))
        print(
            "| solve | limit s | tree | run | load (1 min) | solve CPU s | solve wall s | status | result sha256 |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for which, limit, tree, tag, run in rows:
            label = "as the machine is" if tag == "quiet" else f"+{burners} CPU burners"
            print(
                f"| {which} | {limit:g} | {tree} | {label} | {run['load']} | {run['solve_cpu']:.2f} | "
                f"{run['solve_wall']:.2f} | {run['status']} | {run['sha256']} |"
            )


def _tight_run(src: Path, which: str, limit: float, out: Path, extra: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(REPO / "apps")])}
    run = run_command(["-c", TIGHT_RUNNER, which, str(limit), str(out), *extra], env=env)
    lines = run["stdout"].strip().splitlines()
    result = json.loads(lines[-1])
    if which == "replan":
        result["status"] = next(
            (line.split("(")[-1].rstrip(")") for line in lines if "suggested changes" in line), "?"
        )
    return {**result, "load": run["load"]}


def thread_clock() -> None:
    import threading

    import numpy as np

    from wfm.scheduling.solve import MatrixModel, run_highs_matrix

    def solve() -> tuple[float, float, float, str]:
        rng = np.random.default_rng(3)
        a = rng.integers(0, 100, size=(4, 36)).astype(float)  # a market split (4 x 36)
        target = np.floor(a.sum(axis=1) / 2)
        model = MatrixModel(
            cost=np.r_[np.zeros(36), np.ones(8)],
            matrix=np.hstack([a, np.eye(4), -np.eye(4)]),
            row_lower=target,
            row_upper=target,
            col_lower=np.zeros(44),
            col_upper=np.r_[np.ones(36), np.full(8, np.inf)],
            integer=np.r_[np.ones(36, bool), np.zeros(8, bool)],
        )
        thread, process, wall = time.thread_time(), time.process_time(), time.perf_counter()
        run, _ = run_highs_matrix(model, time_limit_seconds=1e6, threads=1, node_limit=3000)
        return (
            time.thread_time() - thread,
            time.process_time() - process,
            time.perf_counter() - wall,
            run.termination,
        )

    print("| solve | load (1 min) | thread CPU s | process CPU s | wall s | stopped by |")
    print("|---|---|---|---|---|---|")
    load = os.getloadavg()[0]
    print("| alone | {:.1f} | {:.2f} | {:.2f} | {:.2f} | {} |".format(load, *solve()))
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            pass

    neighbour = threading.Thread(target=busy)
    neighbour.start()
    try:
        load = os.getloadavg()[0]
        print(
            "| beside a busy thread | {:.1f} | {:.2f} | {:.2f} | {:.2f} | {} |".format(
                load, *solve()
            )
        )
    finally:
        stop.set()
        neighbour.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--burners", type=int, default=6, help="CPU-burning processes")
    parser.add_argument(
        "--only",
        default="plan,reoptimise,intraday replan,capacity (hiring)",
        help="commands to compare, comma-separated",
    )
    parser.add_argument("--tight", action="store_true", help="the tight-limit comparison")
    parser.add_argument("--tight-factor", type=float, default=2.0)
    parser.add_argument("--before-src", type=Path, help="another tree's src, for --tight")
    parser.add_argument("--threads", action="store_true", help="thread against process CPU")
    args = parser.parse_args()
    if args.threads:
        thread_clock()
    elif args.tight:
        tight(args.burners, args.tight_factor, args.before_src)
    else:
        compare_commands(args.burners, set(args.only.split(",")))


if __name__ == "__main__":
    main()
