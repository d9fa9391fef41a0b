"""Benchmark: where the CPU time of `wfm plan` on the sample centre goes, stage by stage.

Runs ``wfm plan`` once in this process with the chain's steps wrapped, and prints the CPU
time (``time.process_time``, all threads of the process) and wall time of each step as a
Markdown table for docs/benchmarks.md ("Sample plan time"). Steps nest as indented; an
import is counted in the step that first needs it. CPU time is the figure to compare on a
shared machine; run it on two checkouts one after the other to compare them.

    python benchmarks/bench_plan_stages.py [--out OUT_DIR]
"""

from __future__ import annotations

import time

STARTED_CPU, STARTED_WALL = time.process_time(), time.perf_counter()

import argparse  # noqa: E402  (the clocks start before any import)
import functools  # noqa: E402
import importlib  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import wfm.cli  # noqa: E402

CLI_IMPORTED_CPU = time.process_time() - STARTED_CPU

REPO = Path(__file__).resolve().parents[1]

#: (module, function, label, depth): the steps timed, where the chain looks them up.
STEPS = (
    ("wfm.plan.chain", "run_plan", "run_plan", 0),
    ("wfm.plan.chain", "load_history", "read history", 1),
    ("wfm.plan.chain", "staffing_groups", "read agents, staffing groups", 1),
    ("wfm.plan.chain", "forecast_centre", "forecast", 1),
    ("wfm.forecast.engine", "select_model", "model choice (select_model)", 2),
    ("wfm.plan.chain", "compute_requirements", "staffing (Erlang C)", 1),
    ("wfm.plan.chain", "schedule_centre", "rota (schedule_centre)", 1),
    ("wfm.scheduling.service_target", "solve_rota", "rota search (solve_rota)", 2),
    ("wfm.scheduling.search.staged", "build_rota_model", "building the models", 3),
    ("wfm.scheduling.solve", "_run_linear_model", "HiGHS calls", 3),
    ("wfm.plan.chain", "review_rota", "review (projection)", 1),
    ("wfm.plan.chain", "write_plan", "write_plan", 0),
    ("wfm.plan.chain", "rota_export_files", "rota.xlsx and calendars", 1),
    ("wfm.scheduling.exports", "rota_excel_bytes", "rota.xlsx", 2),
    ("wfm.plan.chain", "plan_report", "report.md", 1),
    ("wfm.plan.chain", "write_files_atomic", "CSV text and disk", 1),
)


def wrap(module_name: str, name: str, totals: dict[str, list[float]], label: str) -> None:
    """Replace ``module.name`` by a wrapper adding its CPU and wall time to ``totals[label]``."""
    module = importlib.import_module(module_name)
    function = getattr(module, name)

    @functools.wraps(function)
    def timed(*args, **kwargs):
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            total = totals.setdefault(label, [0.0, 0.0, 0])
            total[0] += time.process_time() - cpu
            total[1] += time.perf_counter() - wall
            total[2] += 1

    setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output folder (default: a temporary one)")
    args = parser.parse_args()
    totals: dict[str, list[float]] = {}
    before_wrapping = time.process_time()
    for module_name, name, label, _ in STEPS:
        wrap(module_name, name, totals, label)
    modules_cpu = time.process_time() - before_wrapping
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or str(Path(scratch) / "plan")
        wfm.cli.main(["plan", "--centre", str(REPO / "data/sample/centre.toml"), "-o", out, "-q"])
    print("| step | CPU [s] | wall [s] | calls |")
    print("|---|---:|---:|---:|")
    print(f"| start and import wfm.cli | {CLI_IMPORTED_CPU:.2f} | | |")
    print(f"| the plan's modules (imported here to wrap them) | {modules_cpu:.2f} | | |")
    for _, _, label, depth in STEPS:
        if label in totals:
            cpu, wall, calls = totals[label]
            print(f"| {'&nbsp;' * 4 * depth}{label} | {cpu:.2f} | {wall:.2f} | {calls} |")
    cpu, wall = time.process_time() - STARTED_CPU, time.perf_counter() - STARTED_WALL
    print(f"| whole process | {cpu:.2f} | {wall:.2f} | |")


if __name__ == "__main__":
    main()
