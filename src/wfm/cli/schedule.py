"""`wfm schedule`: a one-week rota for the centre's agents from a requirements CSV."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from wfm.cli.common import (
    EXIT_OK,
    parse_date,
    progress_bar,
    quiet_options,
    say,
    scheduling_settings,
    solver_options,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "schedule", parents=[quiet_options(), solver_options()], help="build a one-week rota for named agents (MILP, HiGHS)",
        description="Build a rota for the centre's agents covering a requirements CSV; writes rota, coverage and solve "
        "summary, and the rota as rota.xlsx (a sheet per team) and calendars/<agent_id>.ics.",
    )
    parser.add_argument("requirements", help="requirements CSV (from `wfm staff`)")
    parser.add_argument("--centre", required=True, help="centre TOML (agents, contracts, shifts, breaks)")
    parser.add_argument("--start-date", help="first date of the week, YYYY-MM-DD (default: first date in the requirements)")
    parser.add_argument("-o", "--output", required=True, help="folder for the output files")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.data.io import read_requirements, write_files_atomic
    from wfm.plan import load_agents, load_availability, load_preferences, service_targets
    from wfm.review import project_service, summarise_service
    from wfm.scheduling import schedule_week
    from wfm.scheduling.exports import rota_export_files, unpaid_activities_of

    centre = load_centre(args.centre)
    settings = scheduling_settings(centre, args)
    requirements = read_requirements(args.requirements, centre.timezone)
    if "shrinkage_fraction" not in requirements:
        requirements = requirements.assign(shrinkage_fraction=requirements["queue"].map(centre.shrinkage_for))
    agents = load_agents(centre)
    start_date = parse_date(args.start_date) or requirements["interval_start"].min().date()
    with progress_bar(not args.quiet) as progress:
        rota = schedule_week(
            requirements,
            centre,
            agents,
            start_date,
            progress=progress,
            settings=settings,
            availability=load_availability(centre, agents),
            preferences=load_preferences(centre, agents),
        )
    targets = service_targets(centre)
    week = requirements[requirements["queue"].isin(targets) & requirements["interval_start"].isin(rota.coverage["interval_start"])]
    projected = project_service(week, rota.coverage, targets)
    summary = summarise_service(projected, centre.interval_minutes, targets)
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    exports = rota_export_files(
        rota.rota, agents, out_dir, timezone=centre.timezone, summary=rota.agent_summary,
        unpaid_activities=unpaid_activities_of(centre),
    )
    write_files_atomic(
        {
            out_dir / "rota.csv": rota.rota,
            out_dir / "coverage.csv": projected,
            out_dir / "agent_summary.csv": rota.agent_summary,
            out_dir / "service_summary.csv": summary,
            out_dir / "solve_summary.json": json.dumps(rota.summary.to_dict(), indent=2) + "\n",
            **exports,
        }
    )
    total = summary.set_index("queue").loc["all"]
    say(f"rota: {rota.summary.describe()}")
    say(f"projected service level {total['service_level']:.1%}, {total['under_staffed_agent_hours']:.1f} agent-hours short -> {out_dir}")
    return EXIT_OK
