"""Benchmark: `wfm plan` on the sample centre (2 queues, ~60 agents, one week of 15-minute intervals).

Target (issue 2): under 60 s wall time, model building included, on the 2-core machine.
Runs the whole command in a fresh process several times (so imports and file reading count),
and prints the median of each figure as a Markdown table for docs/benchmarks.md.

    python benchmarks/bench_plan.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_once(out_dir: Path) -> dict[str, float]:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wfm.cli",
            "plan",
            "--centre",
            str(REPO / "data/sample/centre.toml"),
            "-o",
            str(out_dir),
            "-q",
        ],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    solve = json.loads((out_dir / "solve_summary.json").read_text())
    return {
        "wall_seconds": wall,
        "model_build_seconds": solve["build_seconds"],
        "solve_seconds": solve["solve_seconds"],
        "gap": solve["gap"] if solve["gap"] is not None else float("nan"),
        "objective": solve["objective"],
        "bound": solve["bound"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = []
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(run_once(Path(tmp)))
        sys.stderr.write(f"run {repeat + 1}: {runs[-1]}\n")
    print(f"`wfm plan` on the sample centre, {args.repeats} runs, medians:\n")
    print("| figure | median | min | max |")
    print("|---|---:|---:|---:|")
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(
            f"| {key} | {statistics.median(values):.4g} | {min(values):.4g} | {max(values):.4g} |"
        )


if __name__ == "__main__":
    main()
