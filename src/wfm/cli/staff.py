"""`wfm staff`: agents required per interval from a forecast (Erlang C, Erlang A, chat, deferred)."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    add_interval_minutes_option,
    centre_and_timezone,
    check_queues_in_centre,
    cluster_options,
    interval_minutes_of,
    number,
    open_executor,
    output_file,
    say,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "staff",
        parents=[cluster_options()],
        help="agents required per interval (Erlang C/A, chat, deferred work) from a forecast",
        description="Turn a forecast into productive and scheduled agents required per interval. Voice by "
        "Erlang C, or Erlang A with --patience-seconds; chat with --chat-concurrency; email and back office "
        "with --deferred-response-hours.",
    )
    parser.add_argument(
        "forecast", help="forecast CSV: interval_start, queue, offered, aht_seconds"
    )
    parser.add_argument(
        "--centre",
        help="centre TOML: each queue's own target, threshold and occupancy cap, the "
        "shrinkage, interval and time zone (options given below override it for every queue)",
    )
    parser.add_argument(
        "--service-level",
        type=number,
        help="target fraction answered within the threshold (default: each queue's in "
        "--centre, else 0.8)",
    )
    parser.add_argument(
        "--answer-seconds",
        type=float,
        help="answer threshold T [s] (default: each queue's in --centre, else 20)",
    )
    parser.add_argument(
        "--max-occupancy",
        type=number,
        help="occupancy cap, fraction; 0 for none (default: each queue's in --centre, else 0.85)",
    )
    parser.add_argument(
        "--asa-seconds", type=float, help="ASA target [s] (default: each queue's, else none)"
    )
    parser.add_argument(
        "--shrinkage",
        type=number,
        help="shrinkage fraction (default: the centre's planning.shrinkage_fraction per "
        "queue, else 0.3)",
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
    add_interval_minutes_option(parser)
    parser.add_argument("--aht-seconds", type=float, help="AHT [s] where the forecast has none")
    parser.add_argument(
        "--quantile",
        type=number,
        help="staff to this quantile of the forecast volume, e.g. 0.8 for P80 (fraction; default: the point forecast)",
    )
    parser.add_argument(
        "--timezone",
        help="IANA time zone timestamps are written in (default: the centre's; required "
        "without --centre)",
    )
    parser.add_argument("-o", "--output", required=True, help="requirements CSV to write")
    parser.set_defaults(handler=run)


#: Targets used without ``--centre`` for options not given.
DEFAULT_TARGET_OPTIONS = {
    "service_level_target": 0.8,
    "answer_threshold_seconds": 20.0,
    "max_occupancy": 0.85,
    "asa_target_seconds": None,
}
#: Shrinkage used without ``--centre`` or ``--shrinkage`` [fraction].
DEFAULT_SHRINKAGE_FRACTION = 0.3


def _target_overrides(args: argparse.Namespace) -> dict:
    """Target fields given on the command line (``--max-occupancy 0`` means no cap)."""
    given = {
        "service_level_target": args.service_level,
        "answer_threshold_seconds": args.answer_seconds,
        "max_occupancy": args.max_occupancy,
        "asa_target_seconds": args.asa_seconds,
    }
    overrides = {name: value for name, value in given.items() if value is not None}
    if overrides.get("max_occupancy") == 0:
        overrides["max_occupancy"] = None
    return overrides


def service_targets_for(args: argparse.Namespace, centre, queues):
    """One :class:`~wfm.staffing.ServiceTarget` per queue of the forecast: the centre's
    queue targets with the options given on the command line replacing their fields, or
    the options and the defaults without a centre."""
    import dataclasses

    from wfm.plan.chain import service_targets
    from wfm.staffing import ServiceTarget

    overrides = _target_overrides(args)
    if centre is None:
        target = ServiceTarget(**{**DEFAULT_TARGET_OPTIONS, **overrides})
        return dict.fromkeys(queues, target)
    check_queues_in_centre(queues, centre, args.centre, args.forecast)
    by_queue = service_targets(centre)
    return {queue: dataclasses.replace(by_queue[queue], **overrides) for queue in queues}


def _shrinkage(args: argparse.Namespace, forecast, centre):
    """The shrinkage argument for the library: a fraction, one per queue from the centre, or
    one per row from components."""
    if not args.shrinkage_component and not args.shrinkage_profile:
        if args.shrinkage is not None:
            return args.shrinkage
        if centre is not None:
            from wfm.plan.chain import shrinkage_by_queue

            return shrinkage_by_queue(centre)
        return DEFAULT_SHRINKAGE_FRACTION
    from wfm.data.weekday_profiles import read_shrinkage_profile
    from wfm.staffing.shrinkage import ShrinkageComponent, parse_components, shrinkage_by_interval

    components = parse_components(args.shrinkage_component or [])
    if args.shrinkage_profile:
        profile = read_shrinkage_profile(args.shrinkage_profile)
        components.append(ShrinkageComponent("profile", 0.0, weekday_time_profile=profile))
    return shrinkage_by_interval(forecast["interval_start"], components)


def _per_row(values, forecast):
    """A per-queue mapping as one value per forecast row (for chat and deferred work)."""
    if isinstance(values, dict):
        return forecast["queue"].map(values).to_numpy(dtype=float)
    return values


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import write_csv_atomic
    from wfm.data.output_files import read_forecast
    from wfm.plan.report import target_text
    from wfm.staffing.requirements_tasks import compute_requirements_on
    from wfm.staffing.service_level_definitions import parse_definition

    centre, timezone = centre_and_timezone(args, args.forecast, unreadable_file_ok=True)
    output = output_file(args.output)
    definition = parse_definition(args.sl_definition)
    forecast = read_forecast(args.forecast, timezone)
    if args.quantile is not None:
        from wfm.forecast import quantile_forecast

        forecast = quantile_forecast(forecast, args.quantile)
    if args.aht_seconds is not None:
        forecast = forecast.assign(aht_seconds=forecast["aht_seconds"].fillna(args.aht_seconds))
    interval_minutes = interval_minutes_of(args, forecast, str(args.forecast), centre)
    shrinkage = _shrinkage(args, forecast, centre)
    source = str(args.forecast)
    targets = None
    if args.deferred_response_hours is not None:
        from wfm.staffing.deferred import compute_deferred_requirements

        requirements = compute_deferred_requirements(
            forecast,
            _per_row(shrinkage, forecast),
            interval_minutes,
            args.deferred_response_hours,
            source=source,
        )
        method = f"deferred work within {args.deferred_response_hours:g} h (level staffing)"
    else:
        import pandas as pd

        targets = service_targets_for(args, centre, sorted(forecast["queue"].unique()))
        if args.chat_concurrency is not None:
            import numpy as np

            from wfm.staffing.chat import compute_chat_requirements

            rows_shrinkage = np.broadcast_to(
                np.asarray(_per_row(shrinkage, forecast), dtype=float), (len(forecast),)
            )
            parts = []
            for queue, target in targets.items():
                mask = (forecast["queue"] == queue).to_numpy()
                parts.append(
                    compute_chat_requirements(
                        forecast[mask],
                        target,
                        rows_shrinkage[mask],
                        interval_minutes,
                        args.chat_concurrency,
                        slowdown_per_extra_chat=args.chat_slowdown,
                        source=source,
                    )
                )
            requirements = pd.concat(parts, ignore_index=True)
            method = f"chat, {args.chat_concurrency} at once, {args.chat_slowdown:g} slowdown per extra chat"
        else:
            with open_executor(args, centre=centre) as executor:
                requirements = compute_requirements_on(
                    executor,
                    forecast,
                    targets,
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
        f"{hours:,.1f} scheduled agent-hours ({interval_minutes}-minute intervals"
        f"{'' if args.interval_minutes else ' inferred from the forecast'}) -> {output}"
    )
    for queue, target in (targets or {}).items():
        say(f"  {queue}: {target_text(target, with_occupancy=True)}")
    if args.history:
        from wfm.data.history import read_history
        from wfm.staffing.service_level_definitions import measured_service_level

        history = read_history(args.history, timezone=timezone)
        measured = measured_service_level(
            history.frame, definition, by="queue", source=str(args.history)
        )
        for queue, value in measured.items():
            say(f"measured service level ({definition.value}) {queue}: {100 * value:.1f} %")
    return EXIT_OK
