"""`wfm privacy`: retention purge of agent state events and pseudonymised exports."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, number, output_file, say
from wfm.cli.db import url_options


def register(commands) -> None:
    parser = commands.add_parser(
        "privacy",
        help="personal data: purge old state events, pseudonymised exports",
        description="Apply the retention period to agent state events and export data with pseudonymised agent ids. "
        "See docs/privacy.md.",
    )
    actions = parser.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)

    purge = actions.add_parser(
        "purge",
        parents=[url_options()],
        help="delete agent state events older than the retention",
        description="Delete agent state events that ended more than DAYS days ago (--older-than, else the centre file's "
        "retention); records a purge audit entry.",
    )
    purge.add_argument(
        "--older-than",
        type=number,
        metavar="DAYS",
        help="retention period [days] (default: the centre file's privacy.agent_state_retention_days, with --centre)",
    )
    purge.add_argument(
        "--centre", help="centre TOML whose [privacy] agent_state_retention_days is the retention"
    )
    purge.add_argument("--dry-run", action="store_true", help="count only; delete nothing")
    purge.add_argument("--actor", help="who purges (default: the OS user)")
    purge.set_defaults(handler=run_purge)

    rota = actions.add_parser(
        "export-rota",
        parents=[url_options()],
        help="export a stored rota version with pseudonymised agent ids",
        description="Write a stored rota version to CSV with agent ids replaced by per-install pseudonyms.",
    )
    rota.add_argument(
        "--rota-version", type=int, required=True, metavar="ID", help="rota version id"
    )
    rota.add_argument("-o", "--output", required=True, help="CSV file to write")
    rota.set_defaults(handler=run_export_rota)

    csv = actions.add_parser(
        "pseudonymise",
        parents=[url_options()],
        help="pseudonymise a CSV (e.g. adherence results)",
        description="Copy a CSV with its agent id column replaced by the store's per-install pseudonyms and "
        "any name column dropped (e.g. the output of `wfm adherence`).",
    )
    csv.add_argument("input", help="CSV with an agent_id column")
    csv.add_argument("-o", "--output", required=True, help="CSV file to write")
    csv.add_argument(
        "--column", action="append", help="id column(s) to pseudonymise (default agent_id)"
    )
    csv.set_defaults(handler=run_pseudonymise)


def run_purge(args: argparse.Namespace) -> int:
    from wfm.errors import InputError
    from wfm.store.privacy import purge_state_events, retention_days

    if args.older_than is not None:
        days = args.older_than
    elif args.centre:
        from wfm.config import load_centre

        days = retention_days(load_centre(args.centre))
    else:
        raise InputError(
            "no retention period given",
            option="--older-than",
            fix="give --older-than DAYS, or --centre centre.toml to use its [privacy] agent_state_retention_days",
        )
    result = purge_state_events(args.url, days, dry_run=args.dry_run, actor=args.actor)
    verb = "would delete" if result.dry_run else "deleted"
    say(
        f"{verb} {result.events_purged} of {result.events_before} agent state events ended before "
        f"{result.cutoff.isoformat(timespec='seconds')}; {result.events_after} kept"
    )
    return EXIT_OK


def run_export_rota(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.store.privacy import pseudonymised_rota

    frame = pseudonymised_rota(args.url, args.rota_version)
    path = output_file(args.output)
    write_files_atomic({path: frame})
    say(
        f"rota version {args.rota_version}: {len(frame)} rows, {frame['agent_id'].nunique()} pseudonymised agents -> {path}"
    )
    return EXIT_OK


def run_pseudonymise(args: argparse.Namespace) -> int:
    from wfm.data.io import read_raw_csv, write_files_atomic
    from wfm.errors import InputError
    from wfm.store.privacy import pseudonymise_frame, store_salt

    columns = tuple(args.column or ["agent_id"])
    frame = read_raw_csv(args.input, source=args.input, text_columns=columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            "column not found",
            source=args.input,
            column=missing[0],
            fix="name the id column with --column",
        )
    result = pseudonymise_frame(frame, store_salt(args.url), columns)
    path = output_file(args.output)
    write_files_atomic({path: result})
    say(f"{len(result)} rows with pseudonymised {', '.join(columns)} -> {path}")
    return EXIT_OK
