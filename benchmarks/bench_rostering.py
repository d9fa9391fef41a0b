"""Benchmark: named rostering for 200 and 500 agents (issue 5, Targets).

Targets (2-core machine): one week of 15-minute intervals, breaks inside the model, every
contract rule: 200 agents reach a gap <= 1 % within 60 s; 500 agents a gap <= 2 % within
300 s; peak memory <= 2 GB.

The synthetic centres are the sample centre (``data/sample/centre.toml``: two queues,
opening hours, shift templates, a morning break, an unpaid lunch and an afternoon break
placed by the optimisation, full- and part-time contracts with min/max paid hours, min/max
days and 11 h rest) with more agents and more demand, and with wfm's default day rules
(at most 6 working days in a row, a run of 2 days off each week; ``--sample-day-rules``
keeps the sample's split days off):

- **demand**: the sample centre's true expected demand for the planning week (Monday
  2026-11-16, :func:`wfm.data.synthetic.expected_demand`) with the offered contacts of every
  interval multiplied by ``agents / 60`` (the sample has 60 agents), staffed to each
  queue's service target and shrinkage by :func:`wfm.staffing.compute_requirements`;
- **agents**: the sample's mix scaled to ``agents``: 2/3 full-time, 1/3 part-time;
  25/60 sales only, 20/60 support only, 15/60 both.

Each run is a fresh child process (``--worker``), so that model build, solve and reading
count, and its CPU time and peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``; HiGHS
runs inside the process through highspy) is that run's alone. The load average
(``os.getloadavg``) is recorded at the start and end of every run.

    python benchmarks/bench_rostering.py --agents 200 500 --repeats 1
    python benchmarks/bench_rostering.py --agents 200 --time-limit 60 --repeats 3

``--time-limit`` defaults to the target of each size (60 s for up to 200 agents, 300 s
above) and ``--relative-gap`` to the target gap (1 % and 2 %); the search stops as soon as
it proves a rota within the gap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from wfm.scheduling.site import rota_site

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CENTRE = REPO / "data" / "sample" / "centre.toml"
#: Agents in the committed sample centre.
SAMPLE_AGENTS = 60
#: The sample's planning week (the Monday after its history ends).
WEEK_START = dt.date(2026, 11, 16)


def default_time_limit_seconds(agents: int) -> float:
    """The issue's time limit for ``agents`` [seconds]."""
    return 60.0 if agents <= 200 else 300.0


def default_gap(agents: int) -> float:
    """The issue's target gap for ``agents`` [fraction]."""
    return 0.01 if agents <= 200 else 0.02


def synthetic_centre(agents: int):
    """The sample centre, its scaled requirements and ``agents`` agents.

    Returns
    -------
    (Centre, pandas.DataFrame, list of Agent)
        Requirements have ``interval_start``, ``queue``, ``agents_required`` and
        ``agents_scheduled_required`` [agents].
    """
    from wfm.config import load_centre
    from wfm.data.schemas import Agent
    from wfm.data.synthetic import expected_demand
    from wfm.plan.chain import service_targets, shrinkage_by_queue
    from wfm.staffing import compute_requirements

    centre = load_centre(SAMPLE_CENTRE)
    demand = expected_demand(centre, WEEK_START, 7)
    demand["offered"] = demand["offered"] * agents / SAMPLE_AGENTS
    requirements = compute_requirements(
        demand, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
    # 25 : 20 : 15 = 5 : 4 : 3 (sales, support, both); contracts 2 : 1 independently of skills.
    skill_cycle = [("sales",)] * 5 + [("support",)] * 4 + [("sales", "support")] * 3
    people = [
        Agent(
            agent_id=f"B{i:04d}",
            name=f"Agent {i:04d}",
            team=f"Team {i % 8 + 1}",
            contract="part_time" if i % 3 == 2 else "full_time",
            queues=skill_cycle[(i // 3) % len(skill_cycle)],
        )
        for i in range(agents)
    ]
    return centre, requirements, people


def load_text() -> str:
    """The 1-, 5- and 15-minute load averages, e.g. ``'2.10 1.85 1.40'``."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def with_default_day_rules(centre):
    """The centre with wfm's default day rules in every contract: at most 6 working days in
    a row and a run of 2 days off each week (the sample centre allows split days off)."""
    from wfm.config import Contract

    defaults = Contract(name="defaults")
    contracts = tuple(
        contract.model_copy(
            update={
                "min_consecutive_days_off": defaults.min_consecutive_days_off,
                "max_consecutive_working_days": defaults.max_consecutive_working_days,
            }
        )
        for contract in centre.contracts
    )
    return centre.model_copy(update={"contracts": contracts})


def without_day_rules(centre):
    """The centre with the day-pattern rules off (no minimum run of days off, up to 7 working
    days in a row): a diagnostic of what those rules cost in solve time."""
    contracts = tuple(
        contract.model_copy(
            update={"min_consecutive_days_off": 0, "max_consecutive_working_days": 7}
        )
        for contract in centre.contracts
    )
    return centre.model_copy(update={"contracts": contracts})


def _cpu_seconds() -> float:
    """CPU time of this process so far (user + system) [seconds]; HiGHS runs in-process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(
    agents: int,
    time_limit_seconds: float,
    relative_gap: float,
    threads: int,
    day_rules: bool = True,
    sample_day_rules: bool = False,
) -> dict:
    """One rostering run in this process; returns its figures."""
    load_before = load_text()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    started = time.perf_counter()
    from wfm.errors import SolveError
    from wfm.scheduling import schedule_week

    centre, requirements, people = synthetic_centre(agents)
    if not day_rules:
        centre = without_day_rules(centre)
    elif not sample_day_rules:
        centre = with_default_day_rules(centre)
    settings = centre.scheduling.model_copy(
        update={
            "time_limit_seconds": time_limit_seconds,
            "relative_gap": relative_gap,
            "threads": threads,
            "seed": 0,
        }
    )
    setup = time.perf_counter() - started
    required_hours = (
        float(requirements["agents_scheduled_required"].sum()) * centre.interval_minutes / 60
    )
    began = time.perf_counter()
    try:
        result = schedule_week(
            requirements, rota_site(centre), people, WEEK_START, settings=settings
        )
    except SolveError as error:
        return {
            "agents": agents,
            "time_limit_seconds": time_limit_seconds,
            "relative_gap_target": relative_gap,
            "status": "no rota",
            "gap": None,
            "objective": None,
            "bound": None,
            "schedule_week_seconds": time.perf_counter() - began,
            "setup_seconds": setup,
            "build_seconds": None,
            "solve_seconds": None,
            "n_variables": 0,
            "n_integer_variables": 0,
            "n_constraints": 0,
            "paid_hours": None,
            "required_agent_hours": required_hours,
            "under_staffed_agent_hours": None,
            "over_staffed_agent_hours": None,
            "termination": str(error),
            "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "cpu_seconds": _cpu_seconds(),
            "load_before": load_before,
            "load_after": load_text(),
        }
    wall = time.perf_counter() - began
    summary = result.summary
    return {
        "agents": agents,
        "time_limit_seconds": time_limit_seconds,
        "relative_gap_target": relative_gap,
        "status": summary.status.value,
        "gap": summary.gap,
        "objective": summary.objective,
        "bound": summary.bound,
        "schedule_week_seconds": wall,
        "setup_seconds": setup,
        "build_seconds": summary.build_seconds,
        "solve_seconds": summary.solve_seconds,
        "n_variables": summary.n_variables,
        "n_integer_variables": summary.n_integer_variables,
        "n_constraints": summary.n_constraints,
        "paid_hours": summary.paid_hours,
        "required_agent_hours": required_hours,
        "under_staffed_agent_hours": summary.under_staffed_agent_hours,
        "over_staffed_agent_hours": summary.over_staffed_agent_hours,
        "termination": summary.termination,
        "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_seconds": _cpu_seconds(),
        "load_before": load_before,
        "load_after": load_text(),
    }


def run_child(
    agents: int,
    time_limit_seconds: float,
    relative_gap: float,
    threads: int,
    day_rules: bool = True,
    sample_day_rules: bool = False,
) -> dict:
    """One run in a fresh interpreter (so its peak memory is its own)."""
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            "--agents",
            str(agents),
            "--time-limit",
            str(time_limit_seconds),
            "--relative-gap",
            str(relative_gap),
            "--threads",
            str(threads),
            *([] if day_rules else ["--without-day-rules"]),
            *(["--sample-day-rules"] if sample_day_rules else []),
        ],
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the run of {agents} agents failed:\n{completed.stderr[-3000:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    # The solver stages, from the INFO log of wfm.scheduling (LP bound, restricted MIP, full MIP).
    figures["stages"] = [
        line.split("HiGHS ", 1)[1]
        for line in completed.stderr.splitlines()
        if "HiGHS MIP" in line or "HiGHS LP relaxation" in line
    ]
    return figures


def _median(runs: list[dict], key: str) -> float:
    values = [run[key] for run in runs if run[key] is not None]
    return statistics.median(values) if values else float("nan")


def markdown_table(results: dict[int, list[dict]]) -> str:
    """Medians per size, one column per size."""
    sizes = sorted(results)
    lines = [
        "| figure | " + " | ".join(f"{size} agents" for size in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(results[size]) for size in sizes) + " |")

    row("runs", lambda runs: str(len(runs)))
    row(
        "time limit / gap target",
        lambda runs: (
            f"{runs[0]['time_limit_seconds']:g} s / {100 * runs[0]['relative_gap_target']:g} %"
        ),
    )
    row("status (each run)", lambda runs: ", ".join(run["status"] for run in runs))
    row(
        "gap (median; each run)",
        lambda runs: (
            f"{100 * _median(runs, 'gap'):.2f} %; "
            + ", ".join(
                "none" if run["gap"] is None else f"{100 * run['gap']:.2f} %" for run in runs
            )
        ),
    )
    row(
        "schedule_week wall time [s] (median; each run)",
        lambda runs: (
            f"{_median(runs, 'schedule_week_seconds'):.1f}; "
            + ", ".join(f"{run['schedule_week_seconds']:.1f}" for run in runs)
        ),
    )
    row("  of which prepare + build [s]", lambda runs: f"{_median(runs, 'build_seconds'):.1f}")
    row("  of which HiGHS [s]", lambda runs: f"{_median(runs, 'solve_seconds'):.1f}")
    row(
        "CPU time of the process [s] (each run)",
        lambda runs: ", ".join(f"{run.get('cpu_seconds', float('nan')):.1f}" for run in runs),
    )
    row(
        "peak memory of the process [MiB]",
        lambda runs: (
            f"{_median(runs, 'peak_memory_mib'):.0f} (max {max(r['peak_memory_mib'] for r in runs):.0f})"
        ),
    )
    row(
        "objective / bound [cost units]",
        lambda runs: f"{_median(runs, 'objective'):.1f} / {_median(runs, 'bound'):.1f}",
    )
    row(
        "paid hours / required agent-hours",
        lambda runs: f"{_median(runs, 'paid_hours'):.0f} / {runs[0]['required_agent_hours']:.0f}",
    )
    row(
        "under- / over-staffed agent-hours",
        lambda runs: (
            f"{_median(runs, 'under_staffed_agent_hours'):.1f} / {_median(runs, 'over_staffed_agent_hours'):.1f}"
        ),
    )
    row(
        "final model: variables (integer) / constraints",
        lambda runs: (
            f"{runs[0]['n_variables']:,} ({runs[0]['n_integer_variables']:,}) / {runs[0]['n_constraints']:,}"
        ),
    )
    row(
        "solver stages (first run)",
        lambda runs: "; ".join(runs[0].get("stages", [])).replace("|", "/"),
    )
    row(
        "load average before / after (1, 5, 15 min)",
        lambda runs: "; ".join(f"{r['load_before']} / {r['load_after']}" for r in runs),
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--agents", type=int, nargs="+", default=[200, 500], help="centre sizes [agents]"
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs per size (medians are reported)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="[seconds]; default 60 up to 200 agents, else 300",
    )
    parser.add_argument(
        "--relative-gap",
        type=float,
        default=None,
        help="[fraction]; default 0.01 up to 200 agents, else 0.02",
    )
    parser.add_argument("--threads", type=int, default=1, help="HiGHS threads (1: reproducible)")
    parser.add_argument(
        "--without-day-rules",
        action="store_true",
        help="diagnostic: turn off the consecutive-days-off and consecutive-working-days rules",
    )
    parser.add_argument(
        "--sample-day-rules",
        action="store_true",
        help="keep the sample's day rules (split days off allowed) instead of wfm's defaults",
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write every run's figures here"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        agents = args.agents[0]
        figures = worker(
            agents,
            args.time_limit or default_time_limit_seconds(agents),
            default_gap(agents) if args.relative_gap is None else args.relative_gap,
            args.threads,
            day_rules=not args.without_day_rules,
            sample_day_rules=args.sample_day_rules,
        )
        print(json.dumps(figures))
        return
    results: dict[int, list[dict]] = {}
    for agents in args.agents:
        limit = args.time_limit or default_time_limit_seconds(agents)
        gap = default_gap(agents) if args.relative_gap is None else args.relative_gap
        for repeat in range(args.repeats):
            run = run_child(
                agents,
                limit,
                gap,
                args.threads,
                day_rules=not args.without_day_rules,
                sample_day_rules=args.sample_day_rules,
            )
            results.setdefault(agents, []).append(run)
            sys.stderr.write(f"{agents} agents, run {repeat + 1}: {json.dumps(run)}\n")
            sys.stderr.flush()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    rules = (
        " (consecutive-day rules off)"
        if args.without_day_rules
        else " (the sample's day rules: split days off)"
        if args.sample_day_rules
        else " (wfm's default day rules: 2 days off together, at most 6 in a row)"
    )
    print(
        f"Named rostering, `schedule_week`, sample centre scaled{rules}, {dt.date.today()}; medians:\n"
    )
    print(markdown_table(results))


if __name__ == "__main__":
    main()
