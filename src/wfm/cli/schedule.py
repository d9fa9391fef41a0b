"""`wfm schedule`: a rota of one or more weeks for the centre's agents from a requirements CSV."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    output_folder,
    parse_date,
    progress_bar,
    quiet_options,
    say,
    scheduling_settings,
    solver_options,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "schedule",
        parents=[quiet_options(), solver_options()],
        help="build a rota of whole weeks for named agents (MILP, HiGHS)",
        description="Build a rota for the centre's agents covering a requirements CSV; writes rota, coverage and solve "
        "summary, and the rota as rota.xlsx (a sheet per team) and calendars/<agent_id>.ics.",
    )
    parser.add_argument("requirements", help="requirements CSV (from `wfm staff`)")
    parser.add_argument(
        "--centre", required=True, help="centre TOML (agents, contracts, shifts, breaks)"
    )
    parser.add_argument(
        "--start-date",
        help="first date of the week, YYYY-MM-DD (default: first date in the requirements)",
    )
    parser.add_argument(
        "--weeks",
        type=int,
        default=None,
        help="weeks to schedule in one model (default: the centre's planning.horizon_days rounded up to whole weeks)",
    )
    parser.add_argument("-o", "--output", required=True, help="folder for the output files")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.data.io import write_files_atomic
    from wfm.data.output_files import read_requirements
    from wfm.plan.chain import load_agents, review_rota, rota_files, schedule_rota

    out_dir = output_folder(args.output, subfolders=("calendars",))
    centre = load_centre(args.centre)
    settings = scheduling_settings(centre, args)
    requirements = read_requirements(args.requirements, centre.timezone)
    if "shrinkage_fraction" not in requirements:
        requirements = requirements.assign(
            shrinkage_fraction=requirements["queue"].map(centre.shrinkage_for)
        )
    agents = load_agents(centre)
    start_date = parse_date(args.start_date) or requirements["interval_start"].min().date()
    with progress_bar(not args.quiet) as progress:
        rota = schedule_rota(
            centre,
            requirements,
            agents,
            start_date,
            settings=settings,
            progress=progress,
            weeks=args.weeks,
        )
    projected, summary = review_rota(centre, requirements, rota, start_date)
    write_files_atomic(rota_files(centre, agents, rota, projected, summary, out_dir))
    total = summary.set_index("queue").loc["all"]
    say(f"rota: {rota.summary.describe()}")
    say(
        f"projected service level {total['service_level']:.1%}, {total['under_staffed_agent_hours']:.1f} agent-hours short -> {out_dir}"
    )
    return EXIT_OK
