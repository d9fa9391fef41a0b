"""`wfm init`: a new centre proposed from its own history (centre.toml, agents.csv, history.csv)."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    add_column_map_option,
    add_interval_minutes_option,
    output_folder,
    parse_column_map,
    say,
)
from wfm.data.schemas import DEFAULT_QUEUE


def register(commands) -> None:
    parser = commands.add_parser(
        "init",
        help="propose a centre from its history: queues, hours, shifts, a placeholder team",
        description="Read an interval history and write a proposed centre into a folder: "
        "centre.toml (queues found in the file, interval length, opening hours per weekday from "
        "where contacts arrive, the time zone given, default service targets and shrinkage, "
        "shift templates that fit the hours, standard breaks, a full-time contract), agents.csv "
        "(N full-time agents, N from the peak requirement) and history.csv. Every default is "
        "printed; edit the files, then run `wfm plan --centre DIR/centre.toml`.",
    )
    parser.add_argument("--history", required=True, help="interval history CSV")
    parser.add_argument(
        "--timezone",
        required=True,
        help="the centre's IANA time zone, e.g. America/New_York (asked, never guessed)",
    )
    parser.add_argument("--name", default="My contact centre", help="display name")
    parser.add_argument("--date-format", help="format of non-ISO dates, e.g. '%%d/%%m/%%Y %%H:%%M'")
    add_column_map_option(parser)
    parser.add_argument(
        "--queue",
        default=DEFAULT_QUEUE,
        help=f"queue name when the file has no queue column (default '{DEFAULT_QUEUE}')",
    )
    parser.add_argument(
        "--aht-seconds",
        action="append",
        metavar="[QUEUE=]SECONDS",
        help="AHT [s] for a history without handle times: one value, or QUEUE=SECONDS",
    )
    parser.add_argument(
        "--aht-profile",
        metavar="CSV",
        help="AHT by weekday and time of day (weekday, time, aht_seconds[, queue])",
    )
    add_interval_minutes_option(parser)
    parser.add_argument(
        "--country", help="country code for national holidays (default none: the history decides)"
    )
    parser.add_argument("-o", "--output", required=True, help="folder to write the centre into")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.handle_time import aht_assumption
    from wfm.data.history import no_queue_column_note, read_history
    from wfm.plan.proposal import propose_centre, write_proposal

    output = output_folder(args.output)  # before any work: a file there is a clear error
    aht = aht_assumption(values=args.aht_seconds, profile_path=args.aht_profile)
    history = read_history(
        args.history,
        column_map=parse_column_map(args.map),
        timezone=args.timezone,
        interval_minutes=args.interval_minutes,
        default_queue=args.queue,
        date_format=args.date_format,
    )
    note = no_queue_column_note(history)
    if note:
        say(f"note: {note} (name it with --queue NAME)")
    proposal = propose_centre(
        history,
        timezone=args.timezone,
        name=args.name,
        aht=aht,
        country=args.country,
    )
    paths = write_proposal(proposal, output)
    say(f"proposed centre '{proposal.centre.name}':")
    for note in proposal.notes:
        say(f"  - {note}")
    say("wrote " + ", ".join(str(path) for path in paths))
    return EXIT_OK
