"""`wfm schedule`: a rota of one or more weeks for the centre's agents from a requirements CSV."""

from __future__ import annotations

import argparse

import pandas as pd

from wfm.cli.common import (
    EXIT_OK,
    add_rota_start_option,
    executor_and_progress,
    rota_command,
    rota_command_files,
    rota_command_inputs,
    rota_start_date,
    say_projected_service,
)


def register(commands) -> None:
    parser = rota_command(
        commands,
        "schedule",
        help="build a rota of whole weeks for named agents (MILP, HiGHS)",
        description="Build a rota for the centre's agents covering a requirements CSV; writes rota, coverage and solve "
        "summary, and the rota as rota.xlsx (a sheet per team) and calendars/<agent_id>.ics.",
    )
    parser.add_argument(
        "requirements",
        nargs="?",
        help="requirements CSV (from `wfm staff`); may be left out when the demand is given per "
        "day and shift type (--shift-demand, or the centre file's shift_demand)",
    )
    parser.add_argument(
        "--shift-demand",
        help="CSV of agents wanted per day and shift type (day, shift_type, agents; see "
        "docs/data-formats.md), covered besides or instead of the requirements (default: the "
        "centre file's shift_demand); writes shift_cover.csv",
    )
    parser.add_argument(
        "--previous-rota",
        help="rota.csv worked before the start date (e.g. last week's published rota): its last "
        "days are fixed context, so the most and fewest working days in a row, the runs of days "
        "off and a rotation every N weeks hold across the boundary into the new rota",
    )
    add_rota_start_option(parser)
    parser.add_argument(
        "--weeks",
        type=int,
        default=None,
        help="weeks to schedule in one model (default: the centre's planning.horizon_days rounded up to whole weeks)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.plan.centre_rota import StreamedRota, schedule_centre

    out_dir, centre, requirements, groups = rota_command_inputs(
        args, args.requirements, shift_demand=args.shift_demand
    )
    start_date = rota_start_date(args, requirements)
    history = None
    if args.previous_rota is not None:
        from wfm.data.output_files import read_rota
        from wfm.scheduling.history import FrozenRota

        previous = read_rota(args.previous_rota, centre.timezone)
        first = min(pd.to_datetime(previous["date"]).dt.date, default=start_date)
        history = FrozenRota(previous, first)
    # each group's rota rows are written as they arrive, renamed into rota.csv at the end
    with StreamedRota(out_dir / "rota.csv", centre.timezone) as streamed_rota:
        with executor_and_progress(args, centre=centre) as (executor, progress):
            made = schedule_centre(
                centre,
                requirements,
                start_date,
                weeks=args.weeks,
                executor=executor,
                progress=progress,
                groups=groups,
                history=history,
                on_group=streamed_rota.add,
            )
        files, summary = rota_command_files(
            centre,
            groups,
            requirements,
            made.result,
            made.groups,
            start_date,
            out_dir,
            streamed_rota=streamed_rota,
            checks=made.checks,
        )
        write_files_atomic(files)
    say_projected_service(summary, out_dir)
    return EXIT_OK
