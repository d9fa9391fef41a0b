"""Benchmark: wfm's rota engine side by side with pyworkforce's MinHoursRoster, same demand.

The centre, demand and agents are those of ``bench_rostering.py`` (the sample centre scaled
to ``--agents``). wfm runs :func:`wfm.scheduling.schedule_week` in a fresh process
(breaks inside, every contract rule, skills per queue). pyworkforce 0.5.1 has no
interval-level rostering model, so its own two-step pipeline is used, as its README does:

1. ``MinRequiredResources`` (CP-SAT) chooses how many shifts of each (start, length) to
   open, **one day at a time** (its model has no link between days), with that day's
   shifts from the centre's templates and cost = paid quarter-hours, covering the summed
   requirement of both queues (it has no skills) with **no breaks** (it cannot place them,
   so its coverage counts breaks and lunches as working time);
2. ``MinHoursRoster`` (CP-SAT) gives those shifts to the named agents: at most one shift
   a day, at least ``7 - max_resting`` working days and ``min_working_hours`` for **every**
   agent (one value for all: the part-time minimum of 3 days and 16 h), shifts banned per
   agent and day (the other days' shifts, 8.5 h shifts for part-timers); no maximum hours
   or days, no rest rule (no shift pair of this centre breaks 11 h anyway).

The peer runs twice: with part-timers barred from the 8.5-hour shifts (as their contract
says) and without that bar (its two steps cannot tell how many agents may work each
length; its rota is then checked for the shifts that are too long).

Both get the same time limit (pyworkforce per step; its ``num_search_workers`` argument is
set on the solver object rather than its parameters, so CP-SAT runs its default parallel
portfolio on both cores while HiGHS runs one thread). The peer's rota is then checked
against the centre's contracts and the requirement (with no breaks taken).

pyworkforce is never a dependency of wfm: it runs in its own virtual environment, in a
child process of this script (which runs with the project's Python)::

    python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install pyworkforce
    python benchmarks/bench_rostering_peer.py --agents 200 --peer-python /tmp/bench-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from wfm.scheduling.site import rota_site

HERE = Path(__file__).resolve().parent
PERIOD_MINUTES = 15
PERIODS_PER_DAY = 24 * 60 // PERIOD_MINUTES


# --- the peer, run inside the benchmark venv (imports only pyworkforce and numpy) -------


def peer_worker(problem: dict) -> dict:
    """Run pyworkforce's two steps on ``problem`` (see :func:`peer_problem`)."""
    from pyworkforce.rostering.binary_programming import MinHoursRoster
    from pyworkforce.scheduling import MinRequiredResources

    load_before = " ".join(f"{v:.2f}" for v in os.getloadavg())
    limit = problem["time_limit_seconds"]
    shift_names = problem["shift_names"]
    started = time.perf_counter()
    required_per_shift = {name: [0] * 7 for name in shift_names}
    selection_status = []
    for day in range(7):
        names = problem["day_shifts"][day]
        demand = problem["required"][day]
        if not names or max(demand) == 0:
            selection_status.append("closed")
            continue
        scheduler = MinRequiredResources(
            num_days=1,
            periods=PERIODS_PER_DAY,
            shifts_coverage={name: problem["coverage"][name] for name in names},
            required_resources=[demand],
            max_period_concurrency=10 * problem["agents"],
            max_shift_concurrency=problem["agents"],
            cost_dict={name: problem["paid_quarter_hours"][name] for name in names},
            max_search_time=limit / 7,
            num_search_workers=1,
        )
        solution = scheduler.solve()
        selection_status.append(solution["status"])
        for row in solution["resources_shifts"]:
            if row["resources"] > 0:
                required_per_shift[row["shift"]][day] = int(row["resources"])
    selection_seconds = time.perf_counter() - started

    began = time.perf_counter()
    roster = MinHoursRoster(
        num_days=7,
        resources=problem["resources"],
        shifts=shift_names,
        shifts_hours=[problem["paid_quarter_hours"][name] for name in shift_names],
        min_working_hours=problem["min_quarter_hours"],
        banned_shifts=problem["banned"],
        max_resting=problem["max_resting_days"],
        required_resources=required_per_shift,
        max_search_time=limit,
        num_search_workers=1,
    )
    solution = roster.solve()
    roster_seconds = time.perf_counter() - began
    return {
        "selection_status": selection_status,
        "selection_seconds": selection_seconds,
        "roster_status": solution["status"],
        "roster_seconds": roster_seconds,
        "shifts_opened": sum(sum(days) for days in required_per_shift.values()),
        "shifts_a_day": [
            sum(required_per_shift[name][day] for name in shift_names) for day in range(7)
        ],
        "most_shifts_of_length": {
            length: max(
                sum(
                    required_per_shift[name][day]
                    for name in shift_names
                    if name.endswith(f"+{length}")
                )
                for day in range(7)
            )
            for length in sorted({name.split("+")[1] for name in shift_names})
        },
        "assignments": [
            (row["resource"], row["day"], row["shift"]) for row in solution["resource_shifts"]
        ],
        "peak_memory_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": f"{load_before} / {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
    }


# --- the comparison, run with the project's Python ---------------------------------------


def peer_problem(
    agents: int, time_limit_seconds: float, *, ban_long_shifts: bool = True
) -> tuple[dict, dict]:
    """The peer's inputs from the same centre, demand and agents, and what is needed to
    check its rota (candidates per shift name). Without ``ban_long_shifts`` part-timers
    may take shifts longer than their contract allows (the check then counts them)."""
    from bench_rostering import WEEK_START, synthetic_centre

    from wfm.scheduling.shifts import shift_candidates, week_grid

    centre, requirements, people = synthetic_centre(agents)
    grid = week_grid(rota_site(centre), WEEK_START, 7)
    candidates = shift_candidates(centre.shift_templates, centre.break_rules, grid)
    candidates["name"] = [
        f"{m // 60:02d}:{m % 60:02d}+{length}"
        for m, length in zip(candidates["start_minute"], candidates["length_minutes"], strict=True)
    ]
    shift_names = sorted(candidates["name"].unique())
    coverage, paid = {}, {}
    for name, group in candidates.groupby("name"):
        first = int(group["start_minute"].iloc[0]) // PERIOD_MINUTES
        length = int(group["length_minutes"].iloc[0]) // PERIOD_MINUTES
        coverage[name] = [1 if first <= p < first + length else 0 for p in range(PERIODS_PER_DAY)]
        paid[name] = int(group["paid_minutes"].max()) // PERIOD_MINUTES
    local = requirements["interval_start"].dt.tz_convert(centre.timezone)
    day = (local.dt.normalize().dt.date - WEEK_START).map(lambda d: d.days)
    period = (local.dt.hour * 60 + local.dt.minute) // PERIOD_MINUTES
    required = [[0] * PERIODS_PER_DAY for _ in range(7)]
    for d, p, r in zip(day, period, requirements["agents_scheduled_required"], strict=True):
        required[int(d)][int(p)] += int(r)
    day_shifts = [sorted(candidates.loc[candidates["day"] == d, "name"].unique()) for d in range(7)]
    contracts = {contract.name: contract for contract in centre.contracts}
    banned = []
    for person in people:
        contract = contracts[person.contract]
        for d in range(7):
            allowed = set(day_shifts[d])
            for name in shift_names:
                too_long = ban_long_shifts and int(name.split("+")[1]) > contract.max_shift_minutes
                if name not in allowed or too_long:
                    banned.append({"resource": person.agent_id, "shift": name, "day": d})
    problem = {
        "agents": agents,
        "time_limit_seconds": time_limit_seconds,
        "resources": [person.agent_id for person in people],
        "shift_names": shift_names,
        "day_shifts": day_shifts,
        "coverage": coverage,
        "paid_quarter_hours": paid,
        "required": required,
        "min_quarter_hours": int(
            min(c.min_hours_per_week for c in contracts.values()) * 60 // PERIOD_MINUTES
        ),
        "max_resting_days": 7 - min(c.min_days_per_week for c in contracts.values()),
        "banned": banned,
    }
    check = {
        "people": people,
        "contracts": contracts,
        "required": required,
        "coverage": coverage,
        "paid": paid,
    }
    return problem, check


def check_peer_rota(result: dict, check: dict) -> dict:
    """Paid hours, coverage against the requirement (no breaks taken) and contract
    violations of the peer's rota."""
    import numpy as np

    if result["roster_status"] not in ("OPTIMAL", "FEASIBLE"):
        return {"paid_hours": None, "under": None, "over": None, "violations": None}
    on = np.zeros((7, PERIODS_PER_DAY))
    paid_quarters: dict[str, int] = {}
    days: dict[str, int] = {}
    too_long: set[str] = set()
    max_shift = {
        person.agent_id: check["contracts"][person.contract].max_shift_minutes
        for person in check["people"]
    }
    for resource_id, day, name in result["assignments"]:
        on[day] += np.array(check["coverage"][name])
        if int(name.split("+")[1]) > max_shift[resource_id]:
            too_long.add(resource_id)
        paid_quarters[resource_id] = paid_quarters.get(resource_id, 0) + check["paid"][name]
        days[resource_id] = days.get(resource_id, 0) + 1
    required = np.array(check["required"], dtype=float)
    hours = PERIOD_MINUTES / 60
    violations: dict[str, int] = {}
    for person in check["people"]:
        contract = check["contracts"][person.contract]
        worked = paid_quarters.get(person.agent_id, 0) * hours
        n_days = days.get(person.agent_id, 0)
        for rule, broken in (
            ("min hours", worked < contract.min_hours_per_week - 1e-9),
            ("max hours", worked > contract.max_hours_per_week + 1e-9),
            ("min days", n_days < contract.min_days_per_week),
            ("max days", n_days > contract.max_days_per_week),
        ):
            if broken:
                violations[rule] = violations.get(rule, 0) + 1
    if too_long:
        violations["max shift length"] = len(too_long)
    return {
        "paid_hours": sum(paid_quarters.values()) * hours,
        "under": float(np.clip(required - on, 0, None).sum() * hours),
        "over": float(np.clip(on - required, 0, None).sum() * hours),
        "violations": violations,
    }


def run_peer(peer_python: str, problem: dict, check: dict) -> dict:
    """The peer in its own interpreter; its figures and the check of its rota."""
    began = time.perf_counter()
    completed = subprocess.run(
        [peer_python, __file__, "--peer-worker"],
        input=json.dumps(problem),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - began
    if completed.returncode != 0:
        sys.exit(f"the peer failed:\n{completed.stderr[-3000:]}")
    peer = json.loads(completed.stdout.strip().splitlines()[-1])
    peer["wall_seconds"] = wall
    peer.update(check_peer_rota(peer, check))
    sys.stderr.write(
        f"pyworkforce: {json.dumps({k: v for k, v in peer.items() if k != 'assignments'})}\n"
    )
    return peer


def _number(value, fmt: str) -> str:
    return "n/a" if value is None or value != value else format(value, fmt)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=200, help="centre size [agents]")
    parser.add_argument("--repeats", type=int, default=1, help="runs of wfm (the peer runs once)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="[seconds]; default 60 up to 200 agents, else 300",
    )
    parser.add_argument(
        "--peer-python", default="/tmp/bench-venv/bin/python", help="interpreter with pyworkforce"
    )
    parser.add_argument("--peer-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peer_worker:
        print(json.dumps(peer_worker(json.loads(sys.stdin.read()))))
        return

    sys.path.insert(0, str(HERE))
    from bench_rostering import default_gap, default_time_limit_seconds, run_child

    limit = args.time_limit or default_time_limit_seconds(args.agents)
    ours = [run_child(args.agents, limit, default_gap(args.agents), 1) for _ in range(args.repeats)]
    for run in ours:
        sys.stderr.write(f"wfm: {json.dumps(run)}\n")
    # The peer as the contracts say (part-timers banned from 8.5-hour shifts) and, since its
    # two steps do not know how many agents may work each length, without that ban.
    peers = {}
    for label, ban in (("contract shift lengths", True), ("no shift-length ban", False)):
        problem, check = peer_problem(args.agents, limit, ban_long_shifts=ban)
        peers[label] = run_peer(args.peer_python, problem, check)

    def med(key: str) -> float:
        values = [run[key] for run in ours if run[key] is not None]
        return statistics.median(values) if values else float("nan")

    required_hours = ours[0]["required_agent_hours"]
    columns = list(peers.values())
    print(
        f"{args.agents} agents, one week, same demand ({required_hours:.0f} required agent-hours), time limit {limit:g} s:\n"
    )
    print(
        "| | wfm `schedule_week` | "
        + " | ".join(f"pyworkforce 0.5.1, {label}" for label in peers)
        + " |"
    )
    print("|---|---|" + "---|" * len(peers))

    def row(label: str, ours_text: str, peer_text) -> None:
        print(
            f"| {label} | {ours_text} | " + " | ".join(peer_text(peer) for peer in columns) + " |"
        )

    row("runs", f"{len(ours)} (median)", lambda p: "1")
    row(
        "status",
        ", ".join(r["status"] for r in ours),
        lambda p: (
            f"selection (per day) {'/'.join(sorted(set(p['selection_status'])))}; roster {p['roster_status']}"
        ),
    )
    row("gap", f"{_number(100 * med('gap'), '.2f')} % (proven)", lambda p: "not reported")
    row(
        "wall time [s]",
        _number(med("schedule_week_seconds"), ".1f"),
        lambda p: (
            f"{p['wall_seconds']:.1f} (selection {p['selection_seconds']:.1f}, roster {p['roster_seconds']:.1f})"
        ),
    )
    row(
        "peak memory [MiB]",
        _number(med("peak_memory_mib"), ".0f"),
        lambda p: f"{p['peak_memory_mib']:.0f}",
    )
    row(
        "shifts opened by the selection step (a day, Mon..Sun)",
        "",
        lambda p: f"{p['shifts_opened']} (" + ", ".join(str(n) for n in p["shifts_a_day"]) + ")",
    )
    row("paid hours", _number(med("paid_hours"), ".0f"), lambda p: _number(p["paid_hours"], ".0f"))
    row(
        "under- / over-staffed agent-hours",
        f"{_number(med('under_staffed_agent_hours'), '.1f')} / {_number(med('over_staffed_agent_hours'), '.1f')} (breaks taken)",
        lambda p: f"{_number(p['under'], '.1f')} / {_number(p['over'], '.1f')} (no breaks taken)",
    )
    row(
        "contract rules broken",
        "none (hard constraints)",
        lambda p: (
            "n/a"
            if p["violations"] is None
            else (
                ", ".join(f"{k}: {v} agents" for k, v in sorted(p["violations"].items())) or "none"
            )
        ),
    )
    row("breaks and lunches", "placed by the model (count in coverage)", lambda p: "none")
    row("skills", "per queue", lambda p: "none (queues summed)")
    row(
        "load average before / after",
        "; ".join(r["load_before"] + " / " + r["load_after"] for r in ours),
        lambda p: p["load"],
    )


if __name__ == "__main__":
    main()
