"""`wfm staff`: agents required per interval (Erlang C) from a forecast."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, number, output_file, say


def register(commands) -> None:
    parser = commands.add_parser(
        "staff", help="agents required per interval (Erlang C) from a forecast",
        description="Turn a forecast into productive and scheduled agents required per interval (Erlang C).",
    )
    parser.add_argument("forecast", help="forecast CSV: interval_start, queue, offered, aht_seconds")
    parser.add_argument("--service-level", type=number, default=0.8, help="target fraction answered within the threshold (default 0.8)")
    parser.add_argument("--answer-seconds", type=float, default=20.0, help="answer threshold T [s] (default 20)")
    parser.add_argument("--max-occupancy", type=number, default=0.85, help="occupancy cap, fraction; 0 for none (default 0.85)")
    parser.add_argument("--asa-seconds", type=float, help="ASA target [s] (default: none)")
    parser.add_argument("--shrinkage", type=number, default=0.3, help="shrinkage fraction (default 0.3)")
    parser.add_argument("--interval-minutes", type=int, help="interval length [minutes] (default: inferred)")
    parser.add_argument("--aht-seconds", type=float, help="AHT [s] where the forecast has none")
    parser.add_argument("--timezone", default="UTC", help="time zone to write timestamps in (default UTC)")
    parser.add_argument("-o", "--output", required=True, help="requirements CSV to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import read_forecast, write_csv_atomic
    from wfm.staffing import ServiceTarget, compute_requirements
    from wfm.timegrid import check_interval_minutes, infer_interval_minutes

    output = output_file(args.output)
    forecast = read_forecast(args.forecast, args.timezone)
    if args.aht_seconds is not None:
        forecast = forecast.assign(aht_seconds=forecast["aht_seconds"].fillna(args.aht_seconds))
    if args.interval_minutes:
        interval_minutes = check_interval_minutes(args.interval_minutes)
    else:  # the finest spacing of any queue's timestamps
        interval_minutes = min(
            infer_interval_minutes(group["interval_start"], source=str(args.forecast))
            for _, group in forecast.groupby("queue")
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
    say(
        f"requirements: {len(requirements):,} intervals, peak {peak} scheduled agents, "
        f"{hours:,.1f} scheduled agent-hours ({interval_minutes}-minute intervals) -> {output}"
    )
    return EXIT_OK
