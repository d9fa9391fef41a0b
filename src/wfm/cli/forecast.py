"""`wfm forecast`: contacts and AHT per interval from an interval history.

Also holds the history-reading options shared with `wfm backtest`
(:func:`history_options`, :func:`read_history_args`, :func:`opening_hours_args`).
"""

from __future__ import annotations

import argparse
import datetime as dt

from wfm.cli.common import (
    EXIT_OK,
    add_column_map_option,
    cluster_options,
    executor_and_progress,
    output_file,
    parse_column_map,
    parse_date,
    quiet_options,
    say,
    warn,
)
from wfm.data.schemas import DEFAULT_QUEUE


def history_options() -> argparse.ArgumentParser:
    """Parent parser: the history file and the options that say how to read it and its calendar."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("history", help="interval history CSV (see docs/data-formats.md)")
    parser.add_argument(
        "--interval-minutes", type=int, help="interval length [minutes] (default: inferred)"
    )
    parser.add_argument("--timezone", help="IANA time zone of naive timestamps, e.g. Europe/London")
    parser.add_argument(
        "--date-format",
        help="format of non-ISO dates, e.g. '%%d/%%m/%%Y %%H:%%M' (default: day or month first "
        "as the data shows; asked when every date fits both)",
    )
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
        help="AHT [s] for a history without handle times: one value, or QUEUE=SECONDS per queue "
        "(repeatable; default: the centre's queues' aht_seconds)",
    )
    parser.add_argument(
        "--aht-profile",
        metavar="CSV",
        help="AHT by weekday and time of day for a history without handle times: "
        "weekday, time, aht_seconds[, queue] (see docs/data-formats.md)",
    )
    parser.add_argument(
        "--country",
        help="country code for national holidays, e.g. GB, US, IL: holidays, their eves and the "
        "days after (and, where 25 December is a holiday, the four weeks before Christmas Eve "
        "and 26-31 December) are day types whose effect is learned from the history (closed "
        "only where the history shows it closed)",
    )
    parser.add_argument(
        "--centre", help="centre TOML: time zone, opening hours and holidays from it"
    )
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help="sheet of an .xlsx history to read (default: the first sheet)",
    )
    return parser


def read_history_args(args: argparse.Namespace):
    """``(history, centre or None)`` as the options of :func:`history_options` say."""
    from wfm.data.handle_time import aht_assumption, fill_missing_aht
    from wfm.data.history import no_queue_column_note, read_history

    centre = None
    timezone = args.timezone
    if args.centre:
        from wfm.config import load_centre

        centre = load_centre(args.centre)
        timezone = timezone or centre.timezone
    # the options first: a bad --aht-seconds is said before a long history is read
    assumption = aht_assumption(centre, values=args.aht_seconds, profile_path=args.aht_profile)
    history = read_history(
        args.history,
        column_map=parse_column_map(args.map),
        timezone=timezone,
        interval_minutes=args.interval_minutes or (centre.interval_minutes if centre else None),
        default_queue=args.queue,
        date_format=args.date_format,
        sheet=args.sheet,
    )
    note = no_queue_column_note(history)
    if note:
        warn(f"note: {note} (name it with --queue NAME)")
    return fill_missing_aht(history, assumption), centre


def opening_hours_args(args: argparse.Namespace, history, centre, last_date: dt.date):
    """Opening hours from the centre file; else ``None`` (inferred per queue from the history).

    ``--country`` holidays do not close the centre: see :func:`holiday_calendar_args`.
    """
    years = range(history.frame["interval_start"].min().year, last_date.year + 1)
    if centre is not None:
        return centre.opening_hours_for(years)
    return None


def holiday_calendar_args(args: argparse.Namespace, history, centre, last_date: dt.date):
    """The holiday calendar of ``--country`` or the centre's country; ``None`` without one."""
    from wfm.forecast.holiday_effects import HolidayCalendar

    years = range(history.frame["interval_start"].min().year, last_date.year + 1)
    return HolidayCalendar.for_centre(centre, years, getattr(args, "country", None) or None)


def parse_as_of(text: str | None) -> dt.datetime | None:
    """The ``--as-of`` local date and time, or ``None``."""
    from wfm.errors import InputError

    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            "not a date and time", option="--as-of", value=text, fix="write it as 2003-10-20T10:00"
        ) from None


def register(commands) -> None:
    parser = commands.add_parser(
        "forecast",
        parents=[history_options(), quiet_options(), cluster_options()],
        help="forecast contacts and AHT per interval from history",
        description="Forecast offered contacts and AHT per interval and queue from an interval history CSV.",
    )
    parser.add_argument(
        "--horizon-days", type=int, default=7, help="days to forecast [days] (default 7)"
    )
    parser.add_argument(
        "--start-date",
        help="first date to forecast, YYYY-MM-DD (default: right after the last history interval: "
        "the rest of that day if the centre is still open, else the next day)",
    )
    parser.add_argument(
        "--model",
        default="auto",
        help="forecast model name or 'auto' (default auto: lowest backtest WAPE at the horizon)",
    )
    parser.add_argument(
        "--special-days",
        help="special-days CSV: start_date,end_date,kind,factor,open,close,reason "
        "(kind closed, reduced_hours, uplift or outlier; outliers and past special days are not trained on)",
    )
    parser.add_argument(
        "--overrides",
        help="overrides CSV: queue,start,end,multiplier,value,reason (applied after modelling)",
    )
    parser.add_argument(
        "--as-of",
        metavar="YYYY-MM-DDTHH:MM",
        help="intraday update: re-forecast the rest of that day from the arrivals in the "
        "history up to this local time (shrunk day factor); the forecast starts that day",
    )
    parser.add_argument(
        "--leaderboard",
        help="CSV to write the model choice to: per queue and lead band, every candidate's "
        "rolling-origin WAPE and bias, and which was chosen",
    )
    parser.add_argument(
        "--workers", type=int, help="worker processes for several queues (default 2)"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        help="forecast CSV to write (offered with P10/P50/P90 [contacts])",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.handle_time import missing_aht_question, queues_without_aht
    from wfm.data.io import write_csv_atomic
    from wfm.data.streamed import StreamedCsv
    from wfm.forecast import forecast_history, read_overrides, read_special_days
    from wfm.forecast.calendar import start_after_history
    from wfm.forecast.engine import FORECAST_RESULT_COLUMNS

    output = output_file(args.output)
    leaderboard = output_file(args.leaderboard) if args.leaderboard else None
    special_days = read_special_days(args.special_days) if args.special_days else ()
    overrides = read_overrides(args.overrides) if args.overrides else None
    history, centre = read_history_args(args)
    last_date = history.frame["interval_start"].max().date()
    as_of = parse_as_of(args.as_of)
    if as_of is not None:  # on the history's clock: a time the clocks skip or repeat is refused
        from wfm.data.timestamps import local_instant
        from wfm.errors import InputError

        try:
            local_instant(as_of, history.timezone)
        except InputError as error:
            raise InputError(
                error.problem, option="--as-of", value=args.as_of, fix=error.fix
            ) from None
    opening_hours = opening_hours_args(
        args, history, centre, last_date + dt.timedelta(days=args.horizon_days + 1)
    )
    start_date, already_history = parse_date(args.start_date, "--start-date"), None
    if start_date is None and as_of is not None:
        start_date = as_of.date()  # the whole as-of day, updated from its arrivals so far
    elif start_date is None:
        start_date, already_history = start_after_history(history, opening_hours)
    holidays = holiday_calendar_args(
        args, history, centre, start_date + dt.timedelta(days=args.horizon_days)
    )
    models: dict[str, str] = {}

    def write_queue(number, piece) -> None:
        """Each queue's forecast goes to the output's spill folder as soon as it arrives."""
        if already_history is not None:  # the rest of the history's last day only
            piece = piece.loc[piece["interval_start"] > already_history].reset_index(drop=True)
        if len(piece):  # the model, without what the day adds (holiday, update, closure)
            models[str(piece["queue"].iloc[0])] = str(piece["model"].iloc[0]).split(" + ")[0]
        sink.add(number, piece)

    with (
        StreamedCsv(output, FORECAST_RESULT_COLUMNS) as sink,
        executor_and_progress(args, centre=centre) as (executor, progress),
    ):
        forecast = forecast_history(
            history,
            start_date=start_date,
            horizon_days=args.horizon_days,
            opening_hours=opening_hours,
            model=args.model,
            progress=progress,
            workers=args.workers,
            executor=executor,
            special_days=special_days,
            overrides=overrides,
            as_of=as_of,
            holidays=holidays,
            on_queue=write_queue,
        )
        if sink.rows == 0:  # raised inside: the streamed parts are dropped, nothing written
            from wfm.errors import InputError

            end = start_date + dt.timedelta(days=args.horizon_days - 1)
            if as_of is not None and args.horizon_days == 1:
                raise InputError(
                    f"the centre is closed on {start_date:%A %Y-%m-%d}, the --as-of day: "
                    "there is no rest of the day to update",
                    source=str(args.centre or args.history),
                    option="--as-of",
                    value=args.as_of,
                    fix="give a time on an open day, or forecast more days (--horizon-days)",
                )
            raise InputError(
                f"no open interval to forecast from {start_date} to {end}: the centre is closed "
                "on all of those days",
                source=str(args.centre or args.history),
                option="--horizon-days",
                value=args.horizon_days,
                fix="forecast more days (--horizon-days), or choose another --start-date",
            )
    without_aht = queues_without_aht(history)
    if without_aht:
        warn(f"note: {missing_aht_question(without_aht)}; the forecast's aht_seconds is empty")
    _report(args, forecast, holidays, history)
    if leaderboard is not None:
        import pandas as pd

        from wfm.forecast.selection import SELECTION_COLUMNS

        choice = pd.DataFrame(forecast.attrs.get("model_choice", []), columns=SELECTION_COLUMNS)
        write_csv_atomic(choice, leaderboard)
    rows = sink.rows
    models = ", ".join(f"{queue}: {model}" for queue, model in sorted(models.items()))
    inferred = not (args.interval_minutes or (centre and centre.interval_minutes))
    grid = f"{history.interval_minutes}-minute intervals" + (
        " inferred from the timestamps; --interval-minutes to set" if inferred else ""
    )
    say(
        f"forecast: {rows:,} intervals from {start_date} for {args.horizon_days} days ({models}; "
        f"{grid}) -> {output}"
    )
    if leaderboard is not None:
        say(f"model choice: every candidate's backtest WAPE and bias -> {leaderboard}")
    return EXIT_OK


def _report(args: argparse.Namespace, forecast, holidays, history) -> None:
    """Say how each queue's model was chosen, what its holidays apply and what the
    intraday update saw (:mod:`wfm.forecast.explain`)."""
    from wfm.forecast.explain import (
        holiday_lines,
        intraday_lines,
        local_clock,
        model_choice_lines,
    )

    for line in model_choice_lines(forecast.attrs.get("model_choice", [])):
        say(f"model choice: {line}")
    if not args.leaderboard and len(forecast.attrs.get("model_choice", [])) > 2:
        say("model choice: --leaderboard FILE saves every candidate's score")
    source = holidays.source if holidays is not None else "holidays"
    for line in holiday_lines(forecast.attrs.get("holiday_effects", []), source):
        say(line)
    if args.as_of is not None:
        asked = parse_as_of(args.as_of)
        if asked.tzinfo is not None:
            say(
                f"--as-of {args.as_of} is {local_clock(asked, history.timezone)} on the centre's clock"
            )
        lines, warnings = intraday_lines(
            forecast.attrs.get("intraday_update", []), history.timezone
        )
        for line in lines:
            say(line)
        for line in warnings:
            warn(f"warning: {line}")
