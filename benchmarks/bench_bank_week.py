"""Benchmark: the US bank centre's week planned as a user plans it (issue 17, item 4).

The case of issue 17: the US bank centre (open 07:00-21:05 on weekdays) with 800 agents and
11 hours' rest, which found no rota at any time limit because the share-out of the pooled
counts put a 21:00 finish before a 07:00 start (10 h), while 10 hours' rest solved. The
steps are a user's:

1. ``wfm init`` on ``/work/shared/data/us_bank_calls_5min_2003.csv`` (volume only) with
   ``--map datetime=interval_start --map calls=offered --timezone America/New_York
   --aht-seconds 240``: the proposed centre (hours from the history, 8 h 30 and 4 h shifts,
   one full-time contract of 32-40 hours and 4-5 days, 11 hours' rest);
2. ``agents.csv`` rewritten with ``--agents`` full-time agents (teams of 100), and
   ``min_rest_hours`` set to ``--min-rest-hours`` in the contract;
3. ``wfm --debug plan --centre centre.toml`` in a fresh child process (the week after the
   history, 2003-10-27: forecast, requirements, rota, review), whose CPU time (user +
   system) and peak resident memory (``ru_maxrss``) are its own; the load average is
   recorded at its start and end.

The rota is then checked independently: :func:`wfm.scheduling.check_rota` (the
``wfm check-rota`` logic, contracts included) and the shortest rest between one agent's
consecutive shifts, read from ``rota.csv``. Which stage gave the rota is read from the
search's own account (``solve_summary.json``'s ``termination``).

    python benchmarks/bench_bank_week.py
    python benchmarks/bench_bank_week.py --min-rest-hours 10
    python benchmarks/bench_bank_week.py --agents 800 --time-limit-seconds 300
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BANK_HISTORY = Path("/work/shared/data/us_bank_calls_5min_2003.csv")
INIT_OPTIONS = (
    "--map",
    "datetime=interval_start",
    "--map",
    "calls=offered",
    "--timezone",
    "America/New_York",
)


def load_text() -> str:
    """The 1-, 5- and 15-minute load averages, e.g. ``'2.10 1.85 1.40'``."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def propose_centre(folder: Path, agents: int, min_rest_hours: float, aht_seconds: float) -> Path:
    """``wfm init`` into ``folder``, then ``agents`` agents and the rest rule; the centre file."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wfm.cli",
            "init",
            "--history",
            str(BANK_HISTORY),
            *INIT_OPTIONS,
            "--aht-seconds",
            f"{aht_seconds:g}",
            "-o",
            str(folder),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = ["agent_id,name,team,contract,queues"] + [
        f"A{i:04d},Agent {i},Team {(i - 1) // 100 + 1},full_time,default"
        for i in range(1, agents + 1)
    ]
    (folder / "agents.csv").write_text("\n".join(lines) + "\n")
    centre_file = folder / "centre.toml"
    text, count = re.subn(
        r"(?m)^min_rest_hours = .*$",
        f"min_rest_hours = {min_rest_hours:g}",
        centre_file.read_text(),
    )
    if count != 1:
        raise SystemExit(f"{centre_file}: expected one contract with min_rest_hours, found {count}")
    centre_file.write_text(text)
    return centre_file


def shortest_rest_hours(rota) -> float | None:
    """The shortest time between the end of one agent's day and the start of their next [h]."""
    import pandas as pd

    days = rota.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max"))
    days = days.reset_index().sort_values(["agent_id", "start"])
    rest = days["start"] - days.groupby("agent_id")["end"].shift()
    rest = rest.dropna()
    return None if rest.empty else float(rest.min() / pd.Timedelta(hours=1))


def worker(centre_file: Path, output: Path, time_limit_seconds: float | None) -> dict:
    """``wfm plan`` in this process; its figures, the stage and the rota's checks."""
    from wfm.cli import main as wfm_main

    load_before = load_text()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    began = time.perf_counter()
    command = ["--debug", "plan", "--centre", str(centre_file), "-q", "-o", str(output)]
    if time_limit_seconds is not None:
        command += ["--time-limit-seconds", f"{time_limit_seconds:g}"]
    log = io.StringIO()
    with contextlib.redirect_stderr(log):  # the CLI's log and error lines, kept
        code = wfm_main(command)
    wall = time.perf_counter() - began
    sys.stderr.write(log.getvalue())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures: dict = {
        "exit_code": code,
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_before,
        "peak_memory_mib": usage.ru_maxrss / 1024,
        "load_before": load_before,
        "load_after": load_text(),
    }
    summary_file = output / "solve_summary.json"
    if code != 0 or not summary_file.exists():
        errors = [line for line in log.getvalue().splitlines() if "error:" in line]
        figures.update(status="no rota", message=errors[-1] if errors else None)
        return figures
    summary = json.loads(summary_file.read_text())
    figures.update(
        {key: summary.get(key) for key in ("status", "gap", "objective", "bound", "termination")}
    )
    figures["time_limit_reached"] = summary.get("time_limit_reached")
    figures["rota_search_wall_seconds"] = summary.get("wall_seconds")

    from wfm.config import load_centre
    from wfm.data.agents import read_agents
    from wfm.data.output_files import read_rota
    from wfm.scheduling import check_rota
    from wfm.scheduling.site import rota_site

    centre = load_centre(centre_file)
    people = read_agents(centre_file.parent / "agents.csv", centre)
    rota = read_rota(output / "rota.csv", centre.timezone)
    figures["rule_breaches"] = len(check_rota(rota, site=rota_site(centre), agents=people))
    figures["shortest_rest_hours"] = shortest_rest_hours(rota)
    local_end = rota.groupby(["agent_id", "date"])["end"].max().dt.tz_convert(centre.timezone)
    figures["days_ending_21_00"] = int((local_end.dt.strftime("%H:%M") == "21:00").sum())
    figures["working_days"] = int(len(local_end))
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=800)
    parser.add_argument("--min-rest-hours", type=float, default=11.0)
    parser.add_argument("--aht-seconds", type=float, default=240.0)
    parser.add_argument(
        "--time-limit-seconds",
        type=float,
        default=None,
        help="wfm plan's safety net [s] (default the centre file's, 45)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("CENTRE", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        figures = worker(Path(args.worker[0]), Path(args.worker[1]), args.time_limit_seconds)
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="bench_bank_week_") as folder:
        folder = Path(folder)
        centre_file = propose_centre(
            folder / "centre", args.agents, args.min_rest_hours, args.aht_seconds
        )
        command = [sys.executable, __file__, "--worker", str(centre_file), str(folder / "plan")]
        if args.time_limit_seconds is not None:
            command += ["--time-limit-seconds", f"{args.time_limit_seconds:g}"]
        completed = subprocess.run(command, capture_output=True, text=True)
        sys.stderr.write(completed.stderr)  # wfm's own log (--debug): each stage and solve
        if completed.returncode != 0:
            raise SystemExit(completed.stderr[-3000:])
        figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures = {
        "agents": args.agents,
        "min_rest_hours": args.min_rest_hours,
        "aht_seconds": args.aht_seconds,
        **figures,
    }
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
