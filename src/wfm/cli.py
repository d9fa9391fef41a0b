"""The ``wfm`` command line.

Each command is a thin layer over the library: it parses options (units in their names),
calls one library function, writes files atomically and prints a short result. Errors the
user can fix are printed as one message without a traceback, with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from wfm import __version__
from wfm.errors import InputError, WfmError

logger = logging.getLogger("wfm")

EXIT_OK, EXIT_INTERNAL, EXIT_USER_ERROR = 0, 1, 2


# --- helpers -----------------------------------------------------------------------------
def _out(text: str = "") -> None:
    """Write a line of the command's result to standard output."""
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


@contextmanager
def _progress_bar(enabled: bool = True):
    """A tqdm bar on stderr driven by a ``progress(fraction, message)`` callback."""
    from tqdm import tqdm

    bar = tqdm(total=100, unit="%", bar_format="{l_bar}{bar}| {elapsed}", file=sys.stderr, disable=None if enabled else True)

    def update(fraction_done: float, message: str) -> None:
        target = round(100 * min(max(fraction_done, 0.0), 1.0))
        if target > bar.n:
            bar.update(target - bar.n)
        bar.set_description_str(message[:40].ljust(40))

    try:
        yield update
    finally:
        bar.close()


def _parse_column_map(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        if "=" not in pair:
            raise InputError("a --map option must be FILE_COLUMN=WFM_COLUMN", value=pair, fix="e.g. --map calls=offered")
        source, target = pair.split("=", 1)
        mapping[source.strip()] = target.strip()
    return mapping


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError("not a date", value=text, fix="write it as YYYY-MM-DD") from None


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    return value


def _check_output_file(path: Path) -> Path:
    if path.exists() and path.is_dir():
        raise InputError("the output path is a folder", source=str(path), fix="give a file name, e.g. -o forecast.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# --- commands ---------------------------------------------------------------------------
def cmd_forecast(args: argparse.Namespace) -> int:
    from wfm.data.history import read_history
    from wfm.data.io import write_csv_atomic
    from wfm.forecast import forecast_history
    from wfm.plan import default_start_date

    output = _check_output_file(Path(args.output))
    opening_hours = None
    timezone = args.timezone
    if args.centre:
        from wfm.config import load_centre

        centre = load_centre(args.centre)
        timezone = timezone or centre.timezone
    history = read_history(
        args.history,
        column_map=_parse_column_map(args.map),
        timezone=timezone,
        interval_minutes=args.interval_minutes,
        default_queue=args.queue,
        default_aht_seconds=args.aht_seconds,
    )
    start_date = _parse_date(args.start_date) or default_start_date(history)
    if args.centre:
        years = range(history.frame["interval_start"].min().year, (start_date + dt.timedelta(days=args.horizon_days)).year + 1)
        opening_hours = centre.opening_hours_for(years)
    elif args.country:
        import holidays

        from wfm.forecast import infer_opening_hours

        years = range(history.frame["interval_start"].min().year, (start_date + dt.timedelta(days=args.horizon_days)).year + 1)
        opening_hours = infer_opening_hours(history.frame, history.interval_minutes).with_closed_dates(
            holidays.country_holidays(args.country, years=list(years)).keys()
        )
    with _progress_bar(not args.quiet) as progress:
        forecast = forecast_history(
            history, start_date=start_date, horizon_days=args.horizon_days, opening_hours=opening_hours,
            model=args.model, progress=progress,
        )
    write_csv_atomic(forecast, output)
    models = ", ".join(f"{queue}: {model}" for queue, model in forecast.groupby("queue")["model"].first().items())
    _out(f"forecast: {len(forecast):,} intervals from {start_date} for {args.horizon_days} days ({models}) -> {output}")
    return EXIT_OK


def cmd_staff(args: argparse.Namespace) -> int:
    from wfm.data.io import read_forecast, write_csv_atomic
    from wfm.staffing import ServiceTarget, compute_requirements
    from wfm.timegrid import check_interval_minutes, infer_interval_minutes

    output = _check_output_file(Path(args.output))
    forecast = read_forecast(args.forecast, args.timezone)
    if args.aht_seconds is not None:
        forecast = forecast.assign(aht_seconds=forecast["aht_seconds"].fillna(args.aht_seconds))
    interval_minutes = (
        check_interval_minutes(args.interval_minutes) if args.interval_minutes
        else _infer_per_queue(forecast, infer_interval_minutes, str(args.forecast))
    )
    target = ServiceTarget(
        service_level_target=args.service_level,
        answer_threshold_seconds=args.answer_seconds,
        max_occupancy=args.max_occupancy if args.max_occupancy > 0 else None,
        asa_target_seconds=args.asa_seconds,
    )
    requirements = compute_requirements(forecast, target, args.shrinkage, interval_minutes, source=str(args.forecast))
    write_csv_atomic(requirements, output)
    peak = requirements["agents_scheduled_required"].max()
    hours = requirements["agents_scheduled_required"].sum() * interval_minutes / 60
    _out(
        f"requirements: {len(requirements):,} intervals, peak {peak} scheduled agents, "
        f"{hours:,.1f} scheduled agent-hours ({interval_minutes}-minute intervals) -> {output}"
    )
    return EXIT_OK


def _infer_per_queue(frame, infer, source: str) -> int:
    minutes = {infer(group["interval_start"], source=source) for _, group in frame.groupby("queue")}
    return min(minutes)


def cmd_schedule(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.data.io import read_requirements, write_files_atomic
    from wfm.plan import load_agents, service_targets
    from wfm.review import project_service, summarise_service
    from wfm.scheduling import schedule_week

    centre = load_centre(args.centre)
    settings = _scheduling_settings(centre, args)
    requirements = read_requirements(args.requirements, centre.timezone)
    if "shrinkage_fraction" not in requirements:
        requirements = requirements.assign(shrinkage_fraction=requirements["queue"].map(centre.shrinkage_for))
    agents = load_agents(centre)
    start_date = _parse_date(args.start_date) or requirements["interval_start"].min().date()
    with _progress_bar(not args.quiet) as progress:
        rota = schedule_week(requirements, centre, agents, start_date, progress=progress, settings=settings)
    targets = service_targets(centre)
    projected = project_service(requirements[requirements["queue"].isin(targets)], rota.coverage, targets)
    projected = projected[projected["interval_start"].isin(rota.coverage["interval_start"])]
    summary = summarise_service(projected, centre.interval_minutes, targets)
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    import json

    write_files_atomic(
        {
            out_dir / "rota.csv": rota.rota,
            out_dir / "coverage.csv": projected,
            out_dir / "agent_summary.csv": rota.agent_summary,
            out_dir / "service_summary.csv": summary,
            out_dir / "solve_summary.json": json.dumps(rota.summary.to_dict(), indent=2) + "\n",
        }
    )
    total = summary.set_index("queue").loc["all"]
    _out(f"rota: {rota.summary.describe()}")
    _out(f"projected service level {total['service_level']:.1%}, {total['under_staffed_agent_hours']:.1f} agent-hours short -> {out_dir}")
    return EXIT_OK


def _scheduling_settings(centre, args):
    changes = {
        key: value
        for key, value in {
            "time_limit_seconds": args.time_limit_seconds,
            "relative_gap": args.relative_gap,
            "threads": args.threads,
            "seed": args.seed,
        }.items()
        if value is not None
    }
    return centre.scheduling.model_copy(update=changes) if changes else centre.scheduling


def cmd_plan(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.plan import run_plan, write_plan

    centre = load_centre(args.centre)
    settings = _scheduling_settings(centre, args)
    if settings is not centre.scheduling:
        centre = centre.model_copy(update={"scheduling": settings})
    with _progress_bar(not args.quiet) as progress:
        result = run_plan(centre, start_date=_parse_date(args.start_date), progress=progress)
    paths = write_plan(result, args.output)
    total = result.summary.set_index("queue").loc["all"]
    _out(f"plan for {centre.name}, week of {result.start_date}")
    _out(f"  forecast      {total['offered']:,.0f} contacts")
    _out(f"  requirements  {total['required_agent_hours']:,.1f} scheduled agent-hours needed")
    _out(f"  rota          {result.rota.summary.describe()}")
    _out(
        f"  service       {total['service_level']:.1%} within threshold over the week, "
        f"{int(total['intervals_under_staffed'])} of {int(total['intervals'])} queue-intervals under-staffed"
    )
    _out(f"  files         {', '.join(path.name for path in paths.values())} in {Path(args.output)}")
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from wfm.data.sample import generate_sample_centre

    centre_path = generate_sample_centre(args.output, seed=args.seed)
    _out(f"sample centre written: {centre_path}")
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    app = Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py"
    if not app.exists():
        raise InputError("the app file is not found next to the package", source=str(app), fix="run from a source checkout")
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port)]
    if args.headless:
        command += ["--server.headless", "true"]
    return subprocess.call(command, env=os.environ.copy())


# --- parser -----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wfm",
        description="Workforce management for contact centres: forecast, staff, schedule and review.",
        epilog="Times are in seconds and minutes as named; fractions are 0..1 (0.8 = 80 %%). "
        "Run `wfm COMMAND --help` for each command's options.",
    )
    parser.add_argument("--version", action="version", version=f"wfm {__version__}")
    parser.add_argument("--debug", action="store_true", help="show log messages and full tracebacks")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    solver = argparse.ArgumentParser(add_help=False)
    solver.add_argument("--time-limit-seconds", type=float, help="solver time limit [s] (default: centre file, 45)")
    solver.add_argument("--relative-gap", type=_fraction, help="stop at this relative gap (default: centre file, 0.01)")
    solver.add_argument("--threads", type=int, help="solver threads (default: centre file, 1)")
    solver.add_argument("--seed", type=int, help="solver random seed (default: centre file, 0)")

    forecast = commands.add_parser(
        "forecast", parents=[quiet], help="forecast contacts and AHT per interval from history",
        description="Forecast offered contacts and AHT per interval and queue from an interval history CSV.",
    )
    forecast.add_argument("history", help="interval history CSV (see docs/data-formats.md)")
    forecast.add_argument("--horizon-days", type=int, default=7, help="days to forecast [days] (default 7)")
    forecast.add_argument("--start-date", help="first date to forecast, YYYY-MM-DD (default: the Monday after the history)")
    forecast.add_argument("--interval-minutes", type=int, help="interval length [minutes] (default: inferred)")
    forecast.add_argument("--model", default="auto", help="forecast model name or 'auto' (default auto: lowest holdout WAPE)")
    forecast.add_argument("--timezone", help="IANA time zone of naive timestamps, e.g. Europe/London")
    forecast.add_argument("--map", action="append", metavar="FILE_COLUMN=WFM_COLUMN", help="read a differently named column (repeatable)")
    forecast.add_argument("--queue", default="default", help="queue name when the file has no queue column (default 'default')")
    forecast.add_argument("--aht-seconds", type=float, help="AHT [s] to use when the file has no handle times")
    forecast.add_argument("--country", help="country code for national holidays (closed days), e.g. GB, US")
    forecast.add_argument("--centre", help="centre TOML: time zone, opening hours and holidays from it")
    forecast.add_argument("-o", "--output", required=True, help="forecast CSV to write")
    forecast.set_defaults(handler=cmd_forecast)

    staff = commands.add_parser(
        "staff", help="agents required per interval (Erlang C) from a forecast",
        description="Turn a forecast into productive and scheduled agents required per interval (Erlang C).",
    )
    staff.add_argument("forecast", help="forecast CSV: interval_start, queue, offered, aht_seconds")
    staff.add_argument("--service-level", type=_fraction, default=0.8, help="target fraction answered within the threshold (default 0.8)")
    staff.add_argument("--answer-seconds", type=float, default=20.0, help="answer threshold T [s] (default 20)")
    staff.add_argument("--max-occupancy", type=_fraction, default=0.85, help="occupancy cap, fraction; 0 for none (default 0.85)")
    staff.add_argument("--asa-seconds", type=float, help="ASA target [s] (default: none)")
    staff.add_argument("--shrinkage", type=_fraction, default=0.3, help="shrinkage fraction (default 0.3)")
    staff.add_argument("--interval-minutes", type=int, help="interval length [minutes] (default: inferred)")
    staff.add_argument("--aht-seconds", type=float, help="AHT [s] where the forecast has none")
    staff.add_argument("--timezone", default="UTC", help="time zone to write timestamps in (default UTC)")
    staff.add_argument("-o", "--output", required=True, help="requirements CSV to write")
    staff.set_defaults(handler=cmd_staff)

    schedule = commands.add_parser(
        "schedule", parents=[quiet, solver], help="build a one-week rota for named agents (MILP, HiGHS)",
        description="Build a rota for the centre's agents covering a requirements CSV; writes rota, coverage and solve summary.",
    )
    schedule.add_argument("requirements", help="requirements CSV (from `wfm staff`)")
    schedule.add_argument("--centre", required=True, help="centre TOML (agents, contracts, shifts, breaks)")
    schedule.add_argument("--start-date", help="first date of the week, YYYY-MM-DD (default: first date in the requirements)")
    schedule.add_argument("-o", "--output", required=True, help="folder for the output files")
    schedule.set_defaults(handler=cmd_schedule)

    plan = commands.add_parser(
        "plan", parents=[quiet, solver], help="the whole chain: forecast, staff, rota, review",
        description="Run forecast -> requirements -> rota -> review from the history the centre file names.",
    )
    plan.add_argument("--centre", required=True, help="centre TOML, e.g. data/sample/centre.toml")
    plan.add_argument("--start-date", help="first date planned, YYYY-MM-DD (default: the Monday after the history)")
    plan.add_argument("-o", "--output", required=True, help="folder for the output files")
    plan.set_defaults(handler=cmd_plan)

    sample = commands.add_parser("sample", help="write the sample centre", description="Write the seeded sample centre.")
    sample.add_argument("-o", "--output", required=True, help="folder to write into")
    sample.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    sample.set_defaults(handler=cmd_sample)

    app = commands.add_parser("app", help="open the Streamlit app", description="Start the wfm Streamlit app.")
    app.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    app.add_argument("--headless", action="store_true", help="do not open a browser")
    app.set_defaults(handler=cmd_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.handler(args)
    except WfmError as error:
        if args.debug:
            raise
        _err(f"wfm {args.command}: error: {error}")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        _err("interrupted; no output was written")
        return 130
    except Exception as error:  # a bug: say so briefly, keep the traceback for --debug
        if args.debug:
            raise
        _err(f"wfm {args.command}: internal error: {type(error).__name__}: {error}. Run with --debug for the traceback.")
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
