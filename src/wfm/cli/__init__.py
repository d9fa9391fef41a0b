"""The ``wfm`` command line.

Each command is a thin module here (one per command, listed in :data:`COMMAND_MODULES`) with a
``register(commands)`` that adds its sub-parser and a handler that calls one library function,
writes files atomically and prints a short result. Errors the user can fix are printed as one
message without a traceback, with exit code 2.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from wfm import __version__
from wfm.cli import (
    adherence,
    backtest,
    capacity,
    check_rota,
    db,
    forecast,
    import_contacts,
    init,
    intraday,
    place_activities,
    plan,
    privacy,
    reoptimise,
    review,
    schedule,
    select_shifts,
    simulate,
    staff,
    tools,
    whatif,
)
from wfm.cli.common import (
    EXIT_INTERNAL,
    EXIT_USER_ERROR,
    check_bounded_options,
    check_numeric_options,
    warn,
)
from wfm.cli.log_repeats import said_once
from wfm.errors import InputError, WfmError
from wfm.highs_solver import silence_banner

#: Command modules in the order `wfm --help` lists them.
COMMAND_MODULES = (
    import_contacts,
    forecast,
    backtest,
    staff,
    simulate,
    schedule,
    select_shifts,
    reoptimise,
    check_rota,
    adherence,
    plan,
    review,
    whatif,
    capacity,
    intraday,
    place_activities,
    db,
    privacy,
    init,
    tools,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wfm",
        description="Workforce management for contact centres: forecast, staff, schedule and review.",
        epilog="Times are in seconds and minutes as named; fractions are 0..1 (0.8 = 80 %). "
        "Run `wfm COMMAND --help` for each command's options.",
    )
    parser.add_argument("--version", action="version", version=f"wfm {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show wfm's own log messages (including each solver run's summary) and full "
        "tracebacks; other libraries' logs stay at warnings",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    check_numeric_options(parser)
    return parser


#: Loggers of libraries wfm uses that are kept at warnings even with ``--debug`` (pyomo alone
#: writes hundreds of thousands of debug lines while building a rota model).
QUIET_LOGGERS = ("pyomo", "highspy", "numba", "matplotlib", "PIL", "urllib3", "asyncio", "fsspec")


def configure_logging(debug: bool) -> None:
    """Log warnings to stderr; with ``debug``, also every message of wfm's own loggers.

    Only the ``wfm`` logger tree is lowered to DEBUG, so other libraries' debug output
    (pyomo, ...) stays out; :data:`QUIET_LOGGERS` are pinned at WARNING in case a library
    sets its own level.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("wfm").setLevel(logging.DEBUG if debug else logging.NOTSET)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def check_common_options(args) -> None:
    """Options several commands share, checked once before any file is read, so that the
    message names the option: an unknown ``--timezone`` or ``--country`` is the option's
    fault, not that of the file read in it; a value out of its range
    (:func:`check_bounded_options`); a malformed ``SOURCE_DATE_EPOCH`` (before numpy's f2py,
    imported with scipy, trips on it).
    """
    from wfm.data.reproducible_files import source_date_epoch

    source_date_epoch()
    check_bounded_options(args)
    definition = getattr(args, "sl_definition", None)
    if isinstance(definition, str):
        from wfm.staffing.service_level_definitions import parse_definition

        try:
            parse_definition(definition)
        except InputError as error:
            raise InputError(
                error.problem, value=error.value, fix=error.fix, option="--sl-definition"
            ) from None
    country = getattr(args, "country", None)
    if isinstance(country, str) and country.strip():
        from wfm.holiday_countries import check_holiday_country

        try:
            check_holiday_country(country)
        except InputError as error:
            raise InputError(
                error.problem, value=error.value, fix=error.fix, option="--country"
            ) from None
    timezone = getattr(args, "timezone", None)
    if isinstance(timezone, str):
        from wfm.data.timestamps import check_timezone

        try:
            check_timezone(timezone)
        except InputError as error:
            raise InputError(
                error.problem, value=error.value, fix=error.fix, option="--timezone"
            ) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(debug=args.debug)
    repeats = None if args.debug else said_once()
    silence_banner()
    try:
        check_common_options(args)
        return args.handler(args)
    except WfmError as error:
        if args.debug:
            raise
        warn(f"wfm {args.command}: error: {error}")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        warn("interrupted; no output was written")
        return 130
    except Exception as error:  # a bug: say so briefly, keep the traceback for --debug
        if args.debug:
            raise
        warn(
            f"wfm {args.command}: internal error: {type(error).__name__}: {error}. Run with --debug for the traceback."
        )
        return EXIT_INTERNAL
    finally:
        if repeats is not None and repeats.repeats:
            warn(
                f"({repeats.repeats} more warning(s) like those above not repeated; "
                "--debug shows every one)"
            )
