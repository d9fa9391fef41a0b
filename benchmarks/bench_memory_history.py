"""Benchmark: peak memory of reading a large history, as a multiple of the file's size.

Writes a generated history into a temporary folder (20 queues × 195,000 15-minute
intervals = 3,900,000 rows, about 226 MB, every optional column), then reads it with
:func:`wfm.data.history.read_history` in a fresh process and reports that process's peak
resident memory (``ru_maxrss``). The file is deleted afterwards. Issue 15's target is under
5× the file. With ``--command`` the whole ``wfm forecast`` (seasonal_naive, two worker
processes) is measured instead, summing the memory of the command and every process under
it (fork server, resource tracker, workers) every 0.1 s: the resident set size, pages shared
between processes counted in each, which the target is checked on; and the proportional set
size, which divides shared pages among them. Exits 1 if the target is missed.

    python benchmarks/bench_memory_history.py [--queues 20] [--command]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

#: Issue 15's limit: peak memory under this multiple of the file's size.
TARGET_MULTIPLE = 5.0

READ = (
    "import resource, sys; from wfm.data.history import read_history; "
    "read_history(sys.argv[1]); "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
)


def write_history(path: Path, queues: int, intervals: int = 195_000) -> None:
    rng = np.random.default_rng(0)
    starts = pd.date_range("2020-01-01", periods=intervals, freq="15min", tz="UTC")
    text = starts.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    with path.open("w") as handle:
        handle.write(
            "interval_start,queue,offered,aht_seconds,handled,abandoned,"
            "answered_within_threshold,total_wait_seconds\n"
        )
        for queue in range(queues):
            offered = rng.poisson(30, intervals)
            abandoned = rng.binomial(offered, 0.05)
            handled = offered - abandoned
            pd.DataFrame(
                {
                    "interval_start": text,
                    "queue": f"queue_{queue:02d}",
                    "offered": offered,
                    "aht_seconds": np.round(rng.normal(240, 20, intervals), 1),
                    "handled": handled,
                    "abandoned": abandoned,
                    "answered_within_threshold": rng.binomial(handled, 0.8),
                    "total_wait_seconds": np.round(handled * 15.0, 1),
                }
            ).to_csv(handle, header=False, index=False)


def tree_rss_mb(root: int, field: str = "VmRSS:", proc_file: str = "status") -> float:
    """Resident memory of ``root`` and all its descendants [MB] (``field`` of
    ``/proc/PID/proc_file``: ``VmRSS:`` of ``status``, or ``Pss:`` of ``smaps_rollup`` for the
    proportional set size, which shares pages common to several processes among them)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            for line in Path(f"/proc/{pid}/{proc_file}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            pass
        stack.extend(children.get(pid, []))
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queues", type=int, default=20)
    parser.add_argument("--command", action="store_true", help="measure `wfm forecast` too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.csv"
        write_history(path, args.queues)
        size_mb = path.stat().st_size / 2**20
        start = time.perf_counter()
        if args.command:
            command = [sys.executable, "-m", "wfm.cli", "forecast", str(path), "-q"]
            command += ["--horizon-days", "1", "--model", "seasonal_naive", "--workers", "2"]
            command += ["-o", str(Path(folder) / "f.csv")]
            process = subprocess.Popen(command)
            peak_mb = peak_pss_mb = 0.0
            while process.poll() is None:
                peak_mb = max(peak_mb, tree_rss_mb(process.pid))
                peak_pss_mb = max(peak_pss_mb, tree_rss_mb(process.pid, "Pss:", "smaps_rollup"))
                time.sleep(0.1)
            what = "wfm forecast, process tree"
        else:
            out = subprocess.run(
                [sys.executable, "-c", READ, str(path)], check=True, capture_output=True, text=True
            )
            peak_mb = float(out.stdout.strip())
            what = "read_history"
        seconds = time.perf_counter() - start
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average {load} (1, 5, 15 min) on {os.cpu_count()} cores")
    label = "summed resident set size" if args.command else "peak resident memory"
    print(
        f"{what}: file {size_mb:,.0f} MB, {label} {peak_mb:,.0f} MB = "
        f"{peak_mb / size_mb:.1f}x the file, {seconds:.0f} s"
    )
    if args.command:
        print(
            f"proportional set size (shared pages divided among the processes): peak "
            f"{peak_pss_mb:,.0f} MB = {peak_pss_mb / size_mb:.1f}x the file"
        )
    met = peak_mb < TARGET_MULTIPLE * size_mb
    print(f"target: under {TARGET_MULTIPLE:g}x the file ({label}): {'met' if met else 'NOT met'}")
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
