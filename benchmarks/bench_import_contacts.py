"""Benchmark: `wfm import-contacts` on 10 million contacts (a year of a 300-seat centre).

Generates (once, seeded) a generic-layout contact file: contact id, arrival time in UTC with
an offset, 4 queues, outcome, wait, talk, hold and wrap seconds, agent and customer ids,
arrivals spread over a year in opening hours; then runs the import in a fresh process per
repeat and reports the wall time, the CPU time (user + system: what the work costs whatever
else runs on the machine) and the peak resident memory (``ru_maxrss`` of the child).

    python benchmarks/bench_import_contacts.py [--contacts 10000000] [--repeats 3] [--path FILE]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv


def generate(path: Path, contacts: int, seed: int = 0) -> None:
    """Write ``contacts`` rows in blocks of a million (memory stays small)."""
    rng = np.random.default_rng(seed)
    year_start = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    block = 1_000_000
    options = pa_csv.WriteOptions(include_header=True)
    with pa_csv.CSVWriter(str(path), _schema(), write_options=options) as writer:
        for start in range(0, contacts, block):
            n = min(block, contacts - start)
            day = rng.integers(0, 365, n)
            second = rng.integers(8 * 3600, 20 * 3600, n)
            arrival = np.sort(year_start + day * 86400 + second)
            abandoned = rng.random(n) < 0.06
            wait = rng.exponential(30.0, n).round()
            talk = np.where(abandoned, np.nan, rng.gamma(4.0, 60.0, n).round())
            table = pa.table(
                {
                    "contact_id": pa.array([f"C{start + i:09d}" for i in range(n)]),
                    "arrival_time": pa.array(
                        arrival.astype("datetime64[s]"), pa.timestamp("s", tz="UTC")
                    ),
                    "queue": pa.array(
                        np.array(["sales", "service", "billing", "tech"])[rng.integers(0, 4, n)]
                    ),
                    "outcome": pa.array(np.where(abandoned, "abandoned", "answered")),
                    "wait_seconds": pa.array(wait),
                    "talk_seconds": pa.array(talk, from_pandas=True),
                    "hold_seconds": pa.array(
                        np.where(abandoned, np.nan, rng.integers(0, 60, n)), from_pandas=True
                    ),
                    "wrap_seconds": pa.array(
                        np.where(abandoned, np.nan, rng.integers(0, 90, n)), from_pandas=True
                    ),
                    "agent_id": pa.array(np.char.add("A", rng.integers(0, 400, n).astype(str))),
                    "customer_id": pa.array(
                        np.char.add("CU", rng.integers(0, 2_000_000, n).astype(str))
                    ),
                },
                schema=_schema(),
            )
            writer.write_table(table)


def _schema() -> pa.Schema:
    return pa.schema(
        [
            ("contact_id", pa.string()),
            ("arrival_time", pa.timestamp("s", tz="UTC")),
            ("queue", pa.string()),
            ("outcome", pa.string()),
            ("wait_seconds", pa.float64()),
            ("talk_seconds", pa.float64()),
            ("hold_seconds", pa.float64()),
            ("wrap_seconds", pa.float64()),
            ("agent_id", pa.string()),
            ("customer_id", pa.string()),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--path", default="/tmp/wfm-bench-contacts.csv")
    args = parser.parse_args()
    path = Path(args.path)
    if not path.exists():
        began = time.perf_counter()
        generate(path, args.contacts)
        print(
            f"generated {args.contacts:,} contacts ({path.stat().st_size / 1e9:.2f} GB) "
            f"in {time.perf_counter() - began:.0f} s"
        )
    times, peaks, cpu = [], [], []
    for _ in range(args.repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "wfm.cli",
                "import-contacts",
                str(path),
                "-q",
                "--timezone",
                "Europe/London",
                "-o",
                str(path.with_suffix(".history.csv")),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - began)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        peaks.append(after.ru_maxrss / 1024)
    print(
        f"import-contacts: {args.contacts:,} contacts, median {statistics.median(times):.1f} s "
        f"(runs {', '.join(f'{t:.1f}' for t in times)}), CPU time (user + system) median "
        f"{statistics.median(cpu):.1f} s (runs {', '.join(f'{t:.1f}' for t in cpu)}), "
        f"peak RSS {max(peaks):,.0f} MB"
    )


if __name__ == "__main__":
    main()
