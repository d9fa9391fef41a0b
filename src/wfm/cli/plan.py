"""`wfm plan`: the whole chain from the history the centre file names."""

from __future__ import annotations

import argparse
from pathlib import Path

from wfm.cli.common import (
    EXIT_OK,
    add_output_folder_option,
    cluster_options,
    executor_and_progress,
    output_folder,
    parse_date,
    quiet_options,
    say,
    scheduling_settings,
    solver_options,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "plan",
        parents=[quiet_options(), solver_options(), cluster_options()],
        help="the whole chain: forecast, staff, rota, review",
        description="Run forecast -> requirements -> rota -> review from the history the centre file names.",
    )
    parser.add_argument("--centre", required=True, help="centre TOML, e.g. data/sample/centre.toml")
    parser.add_argument(
        "--start-date",
        help="first date planned, YYYY-MM-DD (default: the Monday after the history)",
    )
    add_output_folder_option(parser)
    parser.add_argument(
        "--shift-demand",
        help="CSV of agents wanted per day and shift type (day, shift_type, agents; see "
        "docs/data-formats.md), covered besides the forecast's requirements (default: the "
        "centre file's shift_demand); writes shift_cover.csv",
    )
    parser.add_argument(
        "--store",
        nargs="?",
        const="",
        metavar="URL",
        help="also save forecast, requirements and rota (as a draft) in the store "
        "(URL default: $WFM_DB_URL, else wfm.db in the user data folder, as for `wfm db`)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.plan.centre_rota import StreamedRota, rota_weeks
    from wfm.plan.chain import run_plan, write_plan

    output_folder(args.output, subfolders=("calendars",))
    centre = load_centre(args.centre)
    if args.shift_demand is not None:
        from wfm.plan.chain import load_shift_demand

        centre = centre.model_copy(update={"shift_demand": Path(args.shift_demand).resolve()})
        load_shift_demand(centre)  # a bad file stops here, before the long run
    if args.store is not None:  # fail before the long run, not after it
        from wfm.store.repository import check_store

        check_store(args.store or None)
    settings = scheduling_settings(centre, args)
    if settings is not centre.scheduling:
        centre = centre.model_copy(update={"scheduling": settings})
    # each staffing group's rota rows are written as the group's result arrives (a hidden
    # spill in the output folder), and renamed into rota.csv with the other files at the end
    with StreamedRota(Path(args.output) / "rota.csv", centre.timezone) as streamed_rota:
        with executor_and_progress(args, centre=centre) as (executor, progress):
            result = run_plan(
                centre,
                start_date=parse_date(args.start_date, "--start-date"),
                progress=progress,
                executor=executor,
                on_group=streamed_rota.add,
            )
        paths = write_plan(result, args.output, streamed_rota=streamed_rota)
    total = result.summary.set_index("queue").loc["all"]
    weeks = rota_weeks(centre)  # the days the chain forecast, staffed and scheduled
    period = "week" if weeks == 1 else f"{weeks} weeks"
    start = f"week of {result.start_date}" if weeks == 1 else f"{period} from {result.start_date}"
    say(f"plan for {centre.name}, {start}")
    say(f"  forecast      {total['offered']:,.0f} contacts")
    say(f"  requirements  {total['required_agent_hours']:,.1f} scheduled agent-hours needed")
    say(f"  rota          {result.rota.summary.describe()}")
    say(
        f"  service       {total['service_level']:.1%} within threshold over the {period}, "
        f"{int(total['intervals_under_staffed'])} of {int(total['intervals'])} queue-intervals under-staffed"
    )
    if result.compliance:  # a centre with sites: each site's agents on their own clock
        from wfm.plan.site_compliance import checks_text

        say(f"  working time  {checks_text(result.compliance)} (violations.csv)")
    say(f"  files         {', '.join(path.name for path in paths.values())} in {Path(args.output)}")
    if args.store is not None:
        from wfm.store.repository import save_plan

        rota = result.rota
        ids = save_plan(
            args.store or None,
            result.forecast,
            result.requirements,
            rota.rota,
            rota.coverage,
            rota.summary,
            name=f"{centre.name} {result.start_date}",
            start_date=result.start_date,
            meta={"timezone": centre.timezone, "centre": str(args.centre)},
        )
        say(
            f"  store         forecast {ids['forecast']}, requirements {ids['requirements']}, "
            f"rota version {ids['rota_version']} (draft)"
        )
    return EXIT_OK
