"""Benchmark: the CPU time of each HiGHS call of the rota search, with and without the pooled
break starts in the MIP start of the share-out's completion (issue 17).

Stage 2 of the rota search (:mod:`wfm.scheduling.search.pooled_stage`) shares the pooled
counts out to named agents and completes that rota in the exact model (HiGHS places the
breaks and fills the coverage). Its MIP start used to hold only the shifts (``x``); it now
holds the group shift counts ``n`` and, where the share-out kept them, the pooled break
starts ``y`` as well (:func:`wfm.scheduling.search.pairs.pooled_break_start`). This runs
``wfm plan`` twice on one centre in fresh child processes, once as it is and once with the
break starts left out (``--shifts-only``), and prints for each the CPU time (user + system,
``time.process_time``) of every HiGHS call by stage, the search's CPU, the gap, the rota's
SHA-256 and the load average at start and end.

    python benchmarks/bench_share_out.py                      # the sample centre
    python benchmarks/bench_share_out.py --bank               # the US bank week, AHT 300 s
    python benchmarks/bench_share_out.py --bank --time-limit-seconds 900

``--bank`` is the centre of ``benchmarks/bench_bank_week.py`` (``wfm init`` on the bank
history, 800 full-time agents, 11 hours' rest) with ``--aht-seconds`` (default 300).
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
SAMPLE_CENTRE = REPO / "data" / "sample" / "centre.toml"


def load_text() -> str:
    """The 1-, 5- and 15-minute load averages, e.g. ``'2.10 1.85 1.40'``."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def worker(centre_file: Path, output: Path, shifts_only: bool, time_limit: float | None) -> dict:
    """``wfm plan`` in this process with every HiGHS call of the search timed; its figures."""
    from wfm.cli import main as wfm_main
    from wfm.scheduling.search import pooled_stage, staged

    calls: list[dict] = []
    run_highs = staged.run_highs

    def timed_run_highs(model, **options):
        # The stage is the ``stage`` argument of the search's ``solve`` (the caller).
        stage = sys._getframe(1).f_locals.get("stage", "?")
        cpu = time.process_time()
        run = run_highs(model, **options)
        calls.append(
            {
                "stage": stage,
                "cpu_seconds": round(time.process_time() - cpu, 3),
                "wall_seconds": round(run.seconds, 3),
                "outcome": run.highs_status or run.termination,
                "objective": run.objective,
                "warm_started": run.warm_started,
            }
        )
        return run

    staged.run_highs = timed_run_highs
    if shifts_only:
        pooled_stage.pooled_break_start = lambda *args: []
    load_before = load_text()
    cpu = time.process_time()
    command = ["plan", "--centre", str(centre_file), "-q", "-o", str(output)]
    if time_limit is not None:
        command += ["--time-limit-seconds", f"{time_limit:g}"]
    code = wfm_main(command)
    figures: dict = {
        "exit_code": code,
        "plan_cpu_seconds": round(time.process_time() - cpu, 2),
        "search_cpu_seconds": round(sum(call["cpu_seconds"] for call in calls), 2),
        "load_before": load_before,
        "load_after": load_text(),
        "calls": calls,
    }
    summary_file = output / "solve_summary.json"
    if summary_file.exists():
        summary = json.loads(summary_file.read_text())
        figures.update({key: summary.get(key) for key in ("gap", "objective", "bound")})
        figures["time_limit_reached"] = summary.get("time_limit_reached")
        figures["termination"] = summary.get("termination")
        figures["rota_sha256"] = hashlib.sha256((output / "rota.csv").read_bytes()).hexdigest()[:16]
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", action="store_true", help="the US bank week (bench_bank_week)")
    parser.add_argument("--agents", type=int, default=800)
    parser.add_argument("--aht-seconds", type=float, default=300.0)
    parser.add_argument("--min-rest-hours", type=float, default=11.0)
    parser.add_argument("--time-limit-seconds", type=float, default=None)
    parser.add_argument("--worker", nargs=2, metavar=("CENTRE", "OUTPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--shifts-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        figures = worker(
            Path(args.worker[0]), Path(args.worker[1]), args.shifts_only, args.time_limit_seconds
        )
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="bench_share_out_") as folder:
        folder = Path(folder)
        centre_file = SAMPLE_CENTRE
        if args.bank:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from bench_bank_week import propose_centre

            centre_file = propose_centre(
                folder / "centre", args.agents, args.min_rest_hours, args.aht_seconds
            )
        results = {}
        for label, flags in (("shifts only (before)", ["--shifts-only"]), ("with n and y", [])):
            command = [sys.executable, __file__, "--worker", str(centre_file)]
            command += [str(folder / label.split()[0]), *flags]
            if args.time_limit_seconds is not None:
                command += ["--time-limit-seconds", f"{args.time_limit_seconds:g}"]
            began = time.perf_counter()
            completed = subprocess.run(command, capture_output=True, text=True)
            if completed.returncode != 0:
                raise SystemExit(completed.stderr[-3000:])
            figures = json.loads(completed.stdout.strip().splitlines()[-1])
            figures["wall_seconds"] = round(time.perf_counter() - began, 1)
            results[label] = figures
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
