"""`wfm import-contacts`: an interval history from a per-contact export."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    add_column_map_option,
    output_file,
    parse_column_map,
    progress_bar,
    quiet_options,
    say,
    warn,
)
from wfm.data.schemas import DEFAULT_QUEUE


def register(commands) -> None:
    from wfm.data.vendors import contact_layouts

    layouts = contact_layouts()
    parser = commands.add_parser(
        "import-contacts",
        parents=[quiet_options()],
        help="interval history from a per-contact export (one row per contact)",
        description="Count contacts per interval and queue (in the interval of their arrival at "
        "the queue) into the interval-history contract, with answered/abandoned within the answer "
        "threshold, handle and wait totals, and the mean patience per queue for Erlang A. Rows "
        "that cannot be used are excluded and reported with examples. Layouts: "
        + "; ".join(f"{name}: {layout.description}" for name, layout in layouts.items()),
    )
    parser.add_argument("contacts", help="per-contact CSV export")
    parser.add_argument(
        "--layout",
        default="generic",
        choices=sorted(layouts),
        help="export layout (default generic)",
    )
    add_column_map_option(
        parser,
        help="read a differently named column as a canonical contact column, e.g. "
        "'Start=arrival_time' (repeatable; see docs/data-formats.md)",
    )
    parser.add_argument(
        "--outcome",
        action="append",
        metavar="VALUE=OUTCOME",
        help="read an outcome value as answered, abandoned or not_counted (repeatable)",
    )
    parser.add_argument(
        "--interval-minutes", type=int, help="interval length [minutes] (default: centre, or 15)"
    )
    parser.add_argument(
        "--timezone", help="centre's IANA time zone: of naive timestamps and of the interval grid"
    )
    parser.add_argument(
        "--centre", help="centre TOML: time zone, interval length and answer thresholds from it"
    )
    parser.add_argument(
        "--answer-threshold-seconds",
        type=float,
        help="T of the service level [s] for the within-threshold counts (default: centre, or 20)",
    )
    parser.add_argument(
        "--queue",
        default=DEFAULT_QUEUE,
        help=f"queue name when the file has no queue column (default '{DEFAULT_QUEUE}')",
    )
    parser.add_argument(
        "--patience-output", help="CSV to write the mean patience per queue to (Erlang A)"
    )
    parser.add_argument(
        "--problems-output",
        help="CSV to write the excluded-row examples to (problem, line, column, value, fix)",
    )
    parser.add_argument("-o", "--output", required=True, help="interval history CSV to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.contact_history import import_contacts
    from wfm.data.io import write_files_atomic
    from wfm.errors import InputError

    output = output_file(args.output)
    timezone, interval_minutes, threshold = args.timezone, args.interval_minutes, 20.0
    if args.centre:
        from wfm.config import load_centre

        centre = load_centre(args.centre)
        timezone = timezone or centre.timezone
        interval_minutes = interval_minutes or centre.interval_minutes
        threshold = {queue.name: queue.answer_threshold_seconds for queue in centre.queues}
    if args.answer_threshold_seconds is not None:
        if args.answer_threshold_seconds < 0:
            raise InputError(
                "the answer threshold is negative",
                option="--answer-threshold-seconds",
                value=args.answer_threshold_seconds,
                fix="give seconds, e.g. 20",
            )
        threshold = args.answer_threshold_seconds
    outcome_map = parse_column_map(args.outcome)
    with progress_bar(not args.quiet) as progress:
        result = import_contacts(
            args.contacts,
            layout=args.layout,
            column_map=parse_column_map(args.map),
            timezone=timezone,
            interval_minutes=interval_minutes or 15,
            answer_threshold_seconds=threshold,
            default_queue=args.queue,
            outcome_map=outcome_map,
            progress=progress,
        )
    files = {output: result.history.frame}
    if args.patience_output:
        files[output_file(args.patience_output)] = result.patience
    if args.problems_output:
        files[output_file(args.problems_output)] = result.problems.table()
    write_files_atomic(files)
    for line in result.problems.lines():
        warn(line)
    if result.problems.total:
        warn(f"{result.problems.total:,} row(s) excluded in all")
    for line in result.summary_lines():
        say(line)
    say(f"history -> {output}")
    return EXIT_OK
