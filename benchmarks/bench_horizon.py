"""Benchmark: rotas over horizons of weeks to a quarter (issue 17, item 4).

Targets (2-core machine): 2,000 agents × 4 weeks ≤ 5 min wall, ≤ 2 GB, gap ≤ 1 %;
500 agents × 13 weeks ≤ 10 min; the US bank centre (open 07:00–21:05, 11 hours' rest)
with 800 agents gets a rota.

Synthetic centres (``--agents N --weeks W``) are those of ``benchmarks/bench_rostering.py``
(the sample centre with its demand scaled to ``N / 60``, wfm's default day rules: at most
6 working days in a row, 2 days off together each week, 11 h rest) over ``W`` weeks from
Monday 2026-11-16, open on public holidays. ``--bank`` plans ``W`` weeks from Monday 2003-09-01 of the US bank
history (``/work/shared/data/us_bank_calls_5min_2003.csv``, volume only, AHT 300 s) with
``N`` agents on the centre :func:`wfm.plan.proposal.propose_centre` proposes from it (5-minute
intervals, open 07:00–21:05 on weekdays, 8 h 30 and 4 h shifts starting 07:00–12:30 and
07:00–17:00, full-time 32–40 h and 4–5 days, 11 hours' rest), the weeks' own calls as the
forecast.

Each run is a fresh child process (``--worker``) so that its CPU time and peak resident
memory (``ru_maxrss``) are its own; the load average is recorded at its start and end.
Every rota is checked by :func:`wfm.scheduling.check_rota` (the ``wfm check-rota`` logic).

    python benchmarks/bench_horizon.py --agents 500 --weeks 4
    python benchmarks/bench_horizon.py --agents 2000 --weeks 4
    python benchmarks/bench_horizon.py --agents 500 --weeks 13 --time-limit 600
    python benchmarks/bench_horizon.py --agents 500 --weeks 4 --repeats 3  (medians)
    python benchmarks/bench_horizon.py --bank --agents 800 --weeks 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rostering import (  # noqa: E402
    SAMPLE_AGENTS,
    SAMPLE_CENTRE,
    WEEK_START,
    load_text,
    with_default_day_rules,
)

BANK_HISTORY = Path("/work/shared/data/us_bank_calls_5min_2003.csv")


def synthetic_horizon(agents: int, weeks: int):
    """The sample centre over ``weeks`` weeks with demand scaled to ``agents``."""
    from wfm.config import load_centre
    from wfm.data.schemas import Agent
    from wfm.data.synthetic import expected_demand
    from wfm.plan.chain import service_targets, shrinkage_by_queue
    from wfm.staffing import compute_requirements

    # Open on public holidays: with them closed, a quarter from 2026-11-16 has weeks (the
    # Christmas week) in which the full-time minimum of 32 hours cannot be met, which the
    # check before solving reports (correctly) for every full-time agent.
    centre = with_default_day_rules(load_centre(SAMPLE_CENTRE)).model_copy(
        update={"close_on_holidays": False}
    )
    demand = expected_demand(centre, WEEK_START, 7 * weeks)
    demand["offered"] = demand["offered"] * agents / SAMPLE_AGENTS
    requirements = compute_requirements(
        demand, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
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
    return centre, requirements, people, WEEK_START


def bank_horizon(agents: int, weeks: int):
    """The US bank centre over ``weeks`` weeks from Monday 2003-09-01: the centre proposed
    from its volume-only history (:func:`wfm.plan.proposal.propose_centre`, AHT 300 s, open
    07:00-21:05 on weekdays, 5-minute intervals, one full-time contract with 11 hours' rest),
    the weeks' own offered calls as the forecast, staffed to the proposal's service target,
    and ``agents`` agents."""
    import dataclasses

    from wfm.data.handle_time import AhtAssumption
    from wfm.data.history import read_history
    from wfm.plan.chain import service_targets, shrinkage_by_queue
    from wfm.plan.proposal import propose_centre
    from wfm.staffing import compute_requirements

    history = read_history(
        BANK_HISTORY,
        column_map={"datetime": "interval_start", "calls": "offered"},
        timezone="America/New_York",
        default_queue="retail",
    )
    proposal = propose_centre(history, aht=AhtAssumption(aht_seconds=300))
    centre = proposal.centre
    start = dt.date(2003, 9, 1)
    frame = proposal.history.frame
    local = frame["interval_start"].dt.tz_convert(centre.timezone)
    chosen = (local.dt.date >= start) & (local.dt.date < start + dt.timedelta(days=7 * weeks))
    demand = frame.loc[chosen].reset_index(drop=True)
    requirements = compute_requirements(
        demand, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
    template = proposal.agents[0]
    people = [
        dataclasses.replace(template, agent_id=f"K{i:04d}", name=f"Agent {i:04d}")
        for i in range(agents)
    ]
    return centre, requirements, people, start


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(
    agents: int,
    weeks: int,
    bank: bool,
    time_limit: float,
    gap: float,
    rolling_above_pairs: int | None = None,
) -> dict:
    """One run in this process; returns its figures."""
    load_before = load_text()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    from wfm.errors import SolveError
    from wfm.scheduling import check_rota, schedule_horizon
    from wfm.scheduling.site import rota_site

    centre, requirements, people, start = (
        bank_horizon(agents, weeks) if bank else synthetic_horizon(agents, weeks)
    )
    settings = centre.scheduling.model_copy(
        update={"time_limit_seconds": time_limit, "relative_gap": gap, "threads": 1, "seed": 0}
    )
    if rolling_above_pairs is not None:
        settings = settings.model_copy(update={"rolling_horizon_above_pairs": rolling_above_pairs})
    cpu_before = _cpu_seconds()
    began = time.perf_counter()
    figures: dict = {"agents": agents, "weeks": weeks, "bank": bank, "load_before": load_before}
    try:
        site = rota_site(centre)
        result = schedule_horizon(requirements, site, people, start, weeks=weeks, settings=settings)
    except SolveError as error:
        figures.update(status="no rota", termination=str(error))
    else:
        summary = result.summary
        # The rolling horizon checked its rota already (law and contracts): reuse that.
        problems = (
            result.violations
            if result.violations is not None
            else check_rota(result.rota, site=site, agents=people, week_start=start)
        )
        figures.update(
            status=summary.status.value,
            gap=summary.gap,
            objective=summary.objective,
            bound=summary.bound,
            termination=summary.termination,
            rule_breaches=int(len(problems)),
            shifts=int(len(result.rota.groupby(["agent_id", "date"]))),
            under_staffed_agent_hours=summary.under_staffed_agent_hours,
            time_limit_reached=summary.time_limit_reached,
        )
    figures.update(
        wall_seconds=time.perf_counter() - began,
        cpu_seconds=_cpu_seconds() - cpu_before,
        peak_memory_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        load_after=load_text(),
    )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--bank", action="store_true")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        help="the wall-clock safety net [s]; the search stops on its work budgets first",
    )
    parser.add_argument("--relative-gap", type=float, default=0.01)
    parser.add_argument("--repeats", type=int, default=1, help="runs, each a fresh process")
    parser.add_argument(
        "--rolling-above-pairs",
        type=int,
        default=None,
        help="scheduling.rolling_horizon_above_pairs (default the centre's; 0 always rolls)",
    )
    parser.add_argument("--worker", action="store_true")
    args = parser.parse_args(argv)
    if args.worker:
        figures = worker(
            args.agents,
            args.weeks,
            args.bank,
            args.time_limit,
            args.relative_gap,
            args.rolling_above_pairs,
        )
        print(json.dumps(figures))
        return
    passed = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--repeats"]
    passed = [
        a
        for i, a in enumerate(passed)
        if not (i > 0 and passed[i - 1] == "--repeats") and not a.startswith("--repeats=")
    ]
    command = [sys.executable, __file__, "--worker", *passed]
    runs = []
    for _ in range(args.repeats):
        completed = subprocess.run(command, capture_output=True, text=True)
        if completed.returncode != 0:
            raise SystemExit(completed.stderr[-3000:])
        runs.append(json.loads(completed.stdout.strip().splitlines()[-1]))
    if len(runs) == 1:
        print(json.dumps(runs[0], indent=1))
        return
    median = {
        key: statistics.median(run[key] for run in runs)
        for key in ("wall_seconds", "cpu_seconds", "peak_memory_mib")
        if all(key in run for run in runs)
    }
    same = len({json.dumps(run.get("objective")) for run in runs}) == 1
    print(json.dumps({"median": median, "same_objective": same, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
