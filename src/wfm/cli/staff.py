"""`wfm staff`: agents required per interval from a forecast (Erlang C, Erlang A, chat, deferred)."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, number, output_file, say


def register(commands) -> None:
    parser = commands.add_parser(
        "staff",
        help="agents required per interval (Erlang C/A, chat, deferred work) from a forecast",
        description="Turn a forecast into productive and scheduled agents required per interval. Voice by "
        "Erlang C, or Erlang A with --patience-seconds; chat with --chat-concurrency; email and back office "
        "with --deferred-response-hours.",
    )
    parser.add_argument(
        "forecast", help="forecast CSV: interval_start, queue, offered, aht_seconds"
    )
    parser.add_argument(
        "--service-level",
        type=number,
        default=0.8,
        help="target fraction answered within the threshold (default 0.8)",
    )
    parser.add_argument(
        "--answer-seconds", type=float, default=20.0, help="answer threshold T [s] (default 20)"
    )
    parser.add_argument(
        "--max-occupancy",
        type=number,
        default=0.85,
        help="occupancy cap, fraction; 0 for none (default 0.85)",
    )
    parser.add_argument("--asa-seconds", type=float, help="ASA target [s] (default: none)")
    parser.add_argument(
        "--shrinkage", type=number, default=0.3, help="shrinkage fraction (default 0.3)"
    )
    parser.add_argument(
        "--shrinkage-component",
        action="append",
        metavar="NAME=FRACTION",
        help="a shrinkage component, repeatable (e.g. holidays=0.1); they compound as 1 - prod(1 - s_i) "
        "and replace --shrinkage",
    )
    parser.add_argument(
        "--shrinkage-profile",
        metavar="CSV",
        help="extra shrinkage by weekday and time of day: columns weekday (0=Monday), time (HH:MM or 'all'), "
        "shrinkage_fraction; compounds with the components",
    )
    parser.add_argument(
        "--fractional",
        action="store_true",
        help="add agents_required_fractional (real-valued requirement, Erlang C)",
    )
    channel = parser.add_mutually_exclusive_group()
    channel.add_argument(
        "--patience-seconds",
        type=float,
        help="mean caller patience [s]: staff with Erlang A (abandonment)",
    )
    parser.add_argument(
        "--max-abandon",
        type=number,
        help="cap on the fraction of callers who abandon (with --patience-seconds)",
    )
    channel.add_argument(
        "--chat-concurrency",
        type=int,
        help="chats an agent works at once: staff chat slots, then divide",
    )
    channel.add_argument(
        "--deferred-response-hours",
        type=float,
        help="response-time target [hours]: staff deferred work (email) level",
    )
    parser.add_argument(
        "--chat-slowdown",
        type=number,
        default=0.25,
        help="relative slowdown of every chat per extra concurrent chat (default 0.25)",
    )
    parser.add_argument(
        "--history", help="history CSV: also print the measured service level per queue"
    )
    parser.add_argument(
        "--sl-definition",
        default="all_abandons_against",
        help="how abandons count in the measured service level (default all_abandons_against; "
        "see wfm.staffing.service_level_definitions)",
    )
    parser.add_argument(
        "--interval-minutes", type=int, help="interval length [minutes] (default: inferred)"
    )
    parser.add_argument("--aht-seconds", type=float, help="AHT [s] where the forecast has none")
    parser.add_argument(
        "--quantile",
        type=number,
        help="staff to this quantile of the forecast volume, e.g. 0.8 for P80 (fraction; default: the point forecast)",
    )
    parser.add_argument(
        "--timezone", default="UTC", help="time zone to write timestamps in (default UTC)"
    )
    parser.add_argument("-o", "--output", required=True, help="requirements CSV to write")
    parser.set_defaults(handler=run)


def _shrinkage(args: argparse.Namespace, forecast):
    """The shrinkage argument for the library: a fraction, or one per row from components."""
    if not args.shrinkage_component and not args.shrinkage_profile:
        return args.shrinkage
    import pandas as pd

    from wfm.data.io import read_raw_csv
    from wfm.staffing.shrinkage import ShrinkageComponent, parse_components, shrinkage_by_interval

    components = parse_components(args.shrinkage_component or [])
    if args.shrinkage_profile:
        raw = read_raw_csv(
            args.shrinkage_profile, source=args.shrinkage_profile, text_columns=("time",)
        )
        table = raw.assign(
            weekday=pd.to_numeric(raw["weekday"]),
            shrinkage_fraction=pd.to_numeric(raw["shrinkage_fraction"]),
        )
        profile = table.pivot_table(
            index="weekday", columns="time", values="shrinkage_fraction", aggfunc="first"
        )
        components.append(ShrinkageComponent("profile", 0.0, weekday_time_profile=profile))
    return shrinkage_by_interval(forecast["interval_start"], components)


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import read_forecast, write_csv_atomic
    from wfm.staffing import ServiceTarget, compute_requirements
    from wfm.staffing.service_level_definitions import parse_definition
    from wfm.timegrid import check_interval_minutes, infer_interval_minutes

    output = output_file(args.output)
    definition = parse_definition(args.sl_definition)
    forecast = read_forecast(args.forecast, args.timezone)
    if args.quantile is not None:
        from wfm.forecast import quantile_forecast

        forecast = quantile_forecast(forecast, args.quantile)
    if args.aht_seconds is not None:
        forecast = forecast.assign(aht_seconds=forecast["aht_seconds"].fillna(args.aht_seconds))
    if args.interval_minutes:
        interval_minutes = check_interval_minutes(args.interval_minutes)
    else:  # the finest spacing of any queue's timestamps
        interval_minutes = min(
            infer_interval_minutes(group["interval_start"], source=str(args.forecast))
            for _, group in forecast.groupby("queue")
        )
    shrinkage = _shrinkage(args, forecast)
    source = str(args.forecast)
    if args.deferred_response_hours is not None:
        from wfm.staffing.deferred import compute_deferred_requirements

        requirements = compute_deferred_requirements(
            forecast, shrinkage, interval_minutes, args.deferred_response_hours, source=source
        )
        method = f"deferred work within {args.deferred_response_hours:g} h (level staffing)"
    else:
        target = ServiceTarget(
            service_level_target=args.service_level,
            answer_threshold_seconds=args.answer_seconds,
            max_occupancy=args.max_occupancy if args.max_occupancy > 0 else None,
            asa_target_seconds=args.asa_seconds,
        )
        if args.chat_concurrency is not None:
            from wfm.staffing.chat import compute_chat_requirements

            requirements = compute_chat_requirements(
                forecast,
                target,
                shrinkage,
                interval_minutes,
                args.chat_concurrency,
                slowdown_per_extra_chat=args.chat_slowdown,
                source=source,
            )
            method = f"chat, {args.chat_concurrency} at once, {args.chat_slowdown:g} slowdown per extra chat"
        else:
            requirements = compute_requirements(
                forecast,
                target,
                shrinkage,
                interval_minutes,
                source=source,
                include_fractional=args.fractional,
                patience_seconds=args.patience_seconds,
                max_abandon_probability=args.max_abandon,
            )
            method = (
                "Erlang C"
                if args.patience_seconds is None
                else f"Erlang A, patience {args.patience_seconds:g} s"
            )
    write_csv_atomic(requirements, output)
    peak = requirements["agents_scheduled_required"].max()
    hours = requirements["agents_scheduled_required"].sum() * interval_minutes / 60
    say(
        f"requirements ({method}): {len(requirements):,} intervals, peak {peak} scheduled agents, "
        f"{hours:,.1f} scheduled agent-hours ({interval_minutes}-minute intervals) -> {output}"
    )
    if args.history:
        from wfm.data.history import read_history
        from wfm.staffing.service_level_definitions import measured_service_level

        history = read_history(args.history, timezone=args.timezone)
        measured = measured_service_level(
            history.frame, definition, by="queue", source=str(args.history)
        )
        for queue, value in measured.items():
            say(f"measured service level ({definition.value}) {queue}: {100 * value:.1f} %")
    return EXIT_OK
