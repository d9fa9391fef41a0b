"""Benchmark: reading and validating a one-million-row interval history CSV.

Four queues × 250,000 15-minute intervals. Prints the median of several runs.

    python benchmarks/bench_read_history.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.history import read_history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    starts = pd.date_range("2020-01-01", periods=250_000, freq="15min", tz="UTC")
    frame = pd.DataFrame(
        {
            "interval_start": np.tile(starts.strftime("%Y-%m-%dT%H:%M:%S%z"), 4),
            "queue": np.repeat(["a", "b", "c", "d"], len(starts)),
            "offered": np.arange(1_000_000) % 97,
            "aht_seconds": 180.5,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.csv"
        frame.to_csv(path, index=False)
        times = []
        for _ in range(args.repeats):
            began = time.perf_counter()
            history = read_history(path, timezone="Europe/London")
            times.append(time.perf_counter() - began)
        assert len(history.frame) == 1_000_000
    print(
        f"read_history, 1,000,000 rows: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {args.repeats} runs)"
    )


if __name__ == "__main__":
    main()
