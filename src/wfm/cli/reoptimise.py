"""`wfm reoptimise`: re-solve a published rota after a change, keeping published shifts
where it can (fewest changes)."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    add_rota_start_option,
    executor_and_progress,
    rota_command,
    rota_command_files,
    rota_command_inputs,
    rota_start_date,
    say,
    say_projected_service,
)


def register(commands) -> None:
    parser = rota_command(
        commands,
        "reoptimise",
        help="re-solve a published rota after a change (sick agents), keeping published shifts where it can",
        description="Re-optimise a published rota after agents become unavailable: every (agent, day) whose shift "
        "differs from the published rota costs scheduling.change_cost_per_shift, every published break or lunch "
        "of a kept shift that moves costs scheduling.change_cost_per_break, and the published rota less the lost "
        "shifts is the starting point (the result never costs more). Writes the new rota with its coverage and "
        "summaries (as `wfm schedule` does) and changes.csv (agent_id, date, activity, old_time, new_time, "
        "change), one row per changed shift, break or lunch.",
    )
    parser.add_argument("rota", help="the published rota CSV (from `wfm schedule` or `wfm plan`)")
    parser.add_argument("--requirements", required=True, help="requirements CSV (from `wfm staff`)")
    parser.add_argument(
        "--unavailable",
        action="append",
        default=[],
        metavar="AGENT:DATE[..DATE]",
        help="an agent off for whole local days, e.g. A07:2026-11-17 or A07:2026-11-17..2026-11-18 (repeatable)",
    )
    parser.add_argument(
        "--availability", help="availability CSV with further changes (agent_id, start, end, kind)"
    )
    add_rota_start_option(parser)
    parser.add_argument(
        "--change-cost",
        type=float,
        help="cost of each changed shift [cost units] (default: centre file, 4)",
    )
    parser.add_argument(
        "--break-change-cost",
        type=float,
        help="cost of each moved break or lunch [cost units] (default: centre file, 1)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.data.output_files import read_rota
    from wfm.plan.centre_rota import reoptimise_centre
    from wfm.scheduling.reoptimise import parse_unavailable

    out_dir, centre, requirements, groups = rota_command_inputs(args, args.requirements)
    settings = centre.scheduling  # with the options applied and checked
    published = read_rota(args.rota, centre.timezone)
    entries = [entry for text in args.unavailable for entry in parse_unavailable(text)]
    start_date = rota_start_date(args, requirements)
    with executor_and_progress(args, centre=centre) as (executor, progress):
        outcome, solves = reoptimise_centre(
            centre,
            published,
            requirements,
            start_date,
            unavailable=entries,
            availability_file=args.availability,
            settings=settings,
            executor=executor,
            progress=progress,
            groups=groups,
        )
    files, summary = rota_command_files(
        centre, groups, requirements, outcome.result, solves, start_date, out_dir
    )
    files[out_dir / "changes.csv"] = outcome.changes
    write_files_atomic(files)
    published_cost = (
        "unknown" if outcome.published_cost is None else f"{outcome.published_cost:.1f}"
    )
    kinds = outcome.changes["activity"].value_counts()
    shifts = int(kinds.get("shift", 0))
    say(
        f"published rota less the lost shifts: cost {published_cost}; {len(outcome.changes)} changes "
        f"({shifts} shifts, {len(outcome.changes) - shifts} breaks and lunches) in changes.csv"
    )
    if not outcome.unmatched.empty:
        say(
            f"{len(outcome.unmatched)} published shifts match no shift template and could not be kept"
        )
    say_projected_service(summary, out_dir)
    return EXIT_OK
