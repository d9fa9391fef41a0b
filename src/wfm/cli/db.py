"""`wfm db`: create, inspect and upgrade the store; export its audit trail."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, output_file, say


def url_options() -> argparse.ArgumentParser:
    """Parent parser with ``--store URL`` (``--url`` is its older spelling)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--store",
        "--url",
        dest="url",
        metavar="URL",
        help="the store, a SQLAlchemy database URL (default: $WFM_DB_URL, else wfm.db in the "
        "user data folder, e.g. ~/.local/share/wfm/wfm.db; see docs/privacy.md)",
    )
    return parser


def register(commands) -> None:
    parser = commands.add_parser(
        "db",
        help="the store: init, status, upgrade, audit",
        description="Create, inspect and upgrade the wfm store (a SQLite file by default) and export its audit trail.",
    )
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, text in (
        ("init", "create the store (or bring it up to date)"),
        ("status", "show the schema version and pending migrations"),
        ("upgrade", "apply pending migrations"),
    ):
        action = actions.add_parser(
            name, parents=[url_options()], help=text, description=text[0].upper() + text[1:] + "."
        )
        action.set_defaults(handler=run_schema, db_action=name)
    audit = actions.add_parser(
        "audit",
        parents=[url_options()],
        help="show or export the audit trail",
        description="Print the audit trail (oldest first) or export it to a CSV.",
    )
    audit.add_argument("-o", "--output", help="CSV file to write (default: print the last entries)")
    audit.add_argument(
        "--last", type=int, default=20, help="entries printed without -o (default 20)"
    )
    audit.set_defaults(handler=run_audit)


def run_schema(args: argparse.Namespace) -> int:
    from wfm.store import init, status, upgrade

    function = {"init": init, "status": status, "upgrade": upgrade}[args.db_action]
    result = function(args.url)
    say(f"store   {result.url}")
    say(
        f"schema  version {result.version} of {result.current}"
        + ("" if result.up_to_date else " (upgrade needed)")
    )
    for line in result.pending:
        say(f"  pending migration {line}")
    return EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    from wfm.store import audit_log, write_audit_csv
    from wfm.store.engine import connected
    from wfm.store.repository import check_store

    check_store(args.url)  # a clear message when the store is missing or out of date
    with connected(args.url) as engine:
        if args.output:
            path = output_file(args.output)
            count = write_audit_csv(engine, path)
            say(f"{count} audit entries written to {path}")
            return EXIT_OK
        frame = audit_log(engine)
    for row in frame.tail(max(args.last, 0)).itertuples(index=False):
        say(
            f"{row.id:>6}  {row.at.isoformat(timespec='seconds')}  {row.actor:<12} {row.action:<15} {row.object_type} {row.object_id}  {row.details}"
        )
    say(f"{len(frame)} audit entries")
    return EXIT_OK
