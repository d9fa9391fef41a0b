"""`wfm simulate`: the distribution of the service level for a staffing plan, by simulation."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    add_interval_minutes_option,
    centre_and_timezone,
    check_queues_in_centre,
    interval_minutes_of,
    number,
    output_file,
    say,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "simulate",
        help="simulate days of a requirements plan: service-level quantiles vs. the formula",
        description="Simulate each day of each queue of a requirements CSV many times (Poisson arrivals at the "
        "interval rates, FCFS, exponential or lognormal handle times, optional exponential patience) and write "
        "the P10/P50/P90 service level per interval and per day beside the Erlang value.",
    )
    parser.add_argument(
        "requirements",
        help="requirements CSV (from `wfm staff`): interval_start, queue, offered, aht_seconds, agents",
    )
    parser.add_argument(
        "--agents-column",
        default="agents_required",
        help="column with the productive agents per interval (default agents_required; fractions are rounded)",
    )
    parser.add_argument(
        "--replications",
        type=int,
        default=200,
        help="simulated days per day of the plan (default 200)",
    )
    parser.add_argument(
        "--handle-time-distribution",
        choices=("exponential", "lognormal"),
        default="exponential",
        help="handle times around the interval's AHT (default exponential)",
    )
    parser.add_argument(
        "--handle-time-cv",
        type=number,
        default=1.0,
        help="coefficient of variation of lognormal handle times (default 1)",
    )
    parser.add_argument(
        "--patience-seconds",
        type=float,
        help="mean caller patience [s] (default: callers never abandon)",
    )
    parser.add_argument(
        "--centre",
        help="centre TOML: each queue's own answer threshold and the time zone",
    )
    parser.add_argument(
        "--answer-seconds",
        type=float,
        help="answer threshold T [s] for every queue (default: each queue's in --centre, else 20)",
    )
    parser.add_argument(
        "--short-abandon-seconds",
        type=float,
        default=5.0,
        help="abandons sooner than this [s] are short abandons (default 5)",
    )
    parser.add_argument(
        "--sl-definition",
        default="all_abandons_against",
        help="how abandons count in the simulated service level (default all_abandons_against)",
    )
    add_interval_minutes_option(parser)
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--timezone",
        help="IANA time zone: days are split at its midnight and timestamps written in it "
        "(default: the centre's; required without --centre)",
    )
    parser.add_argument(
        "-o", "--output", required=True, help="CSV to write: one row per interval, then one per day"
    )
    parser.set_defaults(handler=run)


#: Answer threshold without ``--centre`` or ``--answer-seconds`` [seconds].
DEFAULT_ANSWER_SECONDS = 20.0


def answer_thresholds(answer_seconds, centre, queues) -> dict[str, float]:
    """Answer threshold per queue [seconds]: ``--answer-seconds`` for all, else each queue's
    from the centre (which must name every queue: :func:`check_queues_in_centre`), else the
    default."""
    if answer_seconds is not None:
        return {str(queue): float(answer_seconds) for queue in queues}
    if centre is None:
        return {str(queue): DEFAULT_ANSWER_SECONDS for queue in queues}
    by_queue = {queue.name: float(queue.answer_threshold_seconds) for queue in centre.queues}
    return {str(queue): by_queue[str(queue)] for queue in queues}


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from wfm.data.io import write_csv_atomic
    from wfm.data.output_files import read_requirements
    from wfm.staffing.service_level_definitions import parse_definition
    from wfm.staffing.simulation import simulate_requirements

    centre, timezone = centre_and_timezone(args, args.requirements, unreadable_file_ok=True)
    output = output_file(args.output)
    definition = parse_definition(args.sl_definition)
    requirements = read_requirements(args.requirements, timezone)
    if centre is not None:  # each queue's threshold comes from the centre file
        check_queues_in_centre(
            requirements["queue"].unique(), centre, args.centre, args.requirements
        )
    thresholds = answer_thresholds(args.answer_seconds, centre, requirements["queue"].unique())
    interval_minutes = interval_minutes_of(args, requirements, str(args.requirements))
    parts = []
    for threshold in sorted(set(thresholds.values())):  # one run per threshold: one seed each
        queues = [queue for queue, seconds in thresholds.items() if seconds == threshold]
        parts.append(
            simulate_requirements(
                requirements[requirements["queue"].isin(queues)],
                interval_minutes,
                threshold,
                agents_column=args.agents_column,
                patience_seconds=args.patience_seconds,
                handle_time_distribution=args.handle_time_distribution,
                handle_time_cv=args.handle_time_cv,
                short_abandon_seconds=args.short_abandon_seconds,
                definition=definition,
                replications=args.replications,
                seed=args.seed,
                source=str(args.requirements),
            )
        )
    table = pd.concat(parts, ignore_index=True).sort_values(
        "level", key=lambda level: level.ne("interval"), kind="stable", ignore_index=True
    )  # every interval row, then every day row
    write_csv_atomic(table, output)
    days = table[table["level"] == "day"]
    say(
        f"simulated {len(days)} queue-day(s) x {args.replications} replications ({definition.value}) -> {output}"
    )
    for _, row in days.iterrows():
        say(
            f"  {row['queue']} {row['date']}: service level P10 {100 * row['service_level_p10']:.1f} %, "
            f"P50 {100 * row['service_level_p50']:.1f} %, P90 {100 * row['service_level_p90']:.1f} % "
            f"(formula {100 * row['service_level_formula']:.1f} %)"
        )
    return EXIT_OK
