"""Benchmark: the same rota from two runs of `wfm plan` on the sample centre, the second
beside a CPU-burning process (issue 17, item 5).

Runs the whole command twice in fresh processes; during the second run one process per core
spins in a busy loop. Prints, per run, the wall time, the load average, the gap, whether the
time limit (the safety net) fired, and the SHA-256 of rota.csv; then whether the rotas are
identical.

    python benchmarks/bench_determinism.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_plan(out_dir: Path) -> dict[str, object]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "wfm.cli", "plan", "--centre", str(REPO / "data/sample/centre.toml")]
        + ["-o", str(out_dir), "-q"],
        check=True,
        capture_output=True,
    )
    solve = json.loads((out_dir / "solve_summary.json").read_text())
    return {
        "wall_seconds": round(time.perf_counter() - started, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "gap": solve["gap"],
        "objective": solve["objective"],
        "time_limit_reached": solve.get("time_limit_reached"),
        "rota_sha256": hashlib.sha256((out_dir / "rota.csv").read_bytes()).hexdigest()[:16],
    }


def main() -> None:
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        runs.append(("as the machine is", run_plan(Path(tmp) / "a")))
        burners = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 1)
        ]
        try:
            runs.append(("beside CPU burners", run_plan(Path(tmp) / "b")))
        finally:
            for burner in burners:
                burner.kill()
                burner.wait()
    print("| run | " + " | ".join(runs[0][1]) + " |")
    print("|---" * (len(runs[0][1]) + 1) + "|")
    for label, run in runs:
        print(f"| {label} | " + " | ".join(str(value) for value in run.values()) + " |")
    same = runs[0][1]["rota_sha256"] == runs[1][1]["rota_sha256"]
    print(f"\nidentical rota.csv: {same}")


if __name__ == "__main__":
    main()
