"""`wfm intraday`: today's position and who is out of adherence now; a sample day to try it on."""

from __future__ import annotations

import argparse
from pathlib import Path

from wfm.cli.common import EXIT_OK, parse_date, say
from wfm.errors import InputError


def register(commands) -> None:
    parser = commands.add_parser(
        "intraday",
        help="today: position per interval and real-time adherence (status); a sample day (sample)",
        description="The day itself: forecast as planned and updated from the arrivals so far, "
        "agents required, scheduled and present, the day's projected service level, and who "
        "is out of adherence now.",
    )
    actions = parser.add_subparsers(dest="intraday_command", metavar="ACTION", required=True)
    status = actions.add_parser(
        "status",
        help="today's position and real-time adherence at --as-of",
        description="Today's position per queue and interval at --as-of, and the agents out of "
        "adherence at that moment. Writes position.csv, summary.csv, out_of_adherence.csv.",
    )
    status.add_argument("--centre", required=True, help="centre TOML")
    status.add_argument("--forecast", required=True, help="the planned forecast CSV covering today")
    status.add_argument("--rota", required=True, help="the published rota CSV")
    status.add_argument(
        "--history-today", required=True, help="today's interval history so far (arrivals)"
    )
    status.add_argument(
        "--states-today", required=True, help="today's agent states so far (open events allowed)"
    )
    status.add_argument("--as-of", required=True, help="time of day HH:MM (or an ISO timestamp)")
    status.add_argument("--date", help="the day, YYYY-MM-DD (default: the rota's first day)")
    status.add_argument("-o", "--output", required=True, help="folder for the output files")
    status.set_defaults(handler=run_status)
    replan = actions.add_parser(
        "replan",
        help="suggest the fewest changes for the rest of the day (breaks, overtime, VTO)",
        description="Re-plan the rest of the day from --as-of with the past frozen: move "
        "breaks and lunches within their windows, offer overtime and voluntary time off. "
        "Writes suggestions.csv (each change with its cost and its own service-level gain); "
        "with --accept, also rota.csv (the rota with the accepted changes) and changes.csv.",
    )
    for action in (replan,):
        for option in (
            "--centre",
            "--forecast",
            "--rota",
            "--history-today",
            "--states-today",
            "--as-of",
        ):
            action.add_argument(option, required=True)
        action.add_argument("--date", help="the day, YYYY-MM-DD (default: the rota's first day)")
        action.add_argument("-o", "--output", required=True, help="folder for the output files")
    replan.add_argument(
        "--accept", help="changes to accept: 'all' or their ids, e.g. 1,3,4 (default: none)"
    )
    replan.add_argument(
        "--max-overtime-minutes", type=int, default=60, help="overtime per agent [minutes]"
    )
    replan.add_argument("--max-vto-minutes", type=int, default=120, help="VTO per agent [minutes]")
    replan.set_defaults(handler=run_replan)
    sample = actions.add_parser(
        "sample",
        help="play a day of the sample centre up to --as-of (a spike, agents absent)",
        description="Write the files a telephony system would have delivered by --as-of on a "
        "day of the sample centre: forecast.csv, arrivals.csv (with a volume spike), "
        "states.csv (with agents absent) and rota.csv.",
    )
    sample.add_argument("--centre", default="data/sample/centre.toml", help="sample centre TOML")
    sample.add_argument("--date", default="2026-10-20", help="day to play, YYYY-MM-DD")
    sample.add_argument("--as-of", default="11:00", help="time of day HH:MM")
    sample.add_argument("--absent", type=int, default=2, help="agents who never log in")
    sample.add_argument(
        "--spike", type=float, default=1.35, help="volume × this between 10:00 and 12:00"
    )
    sample.add_argument("-o", "--output", required=True, help="folder for the files")
    sample.set_defaults(handler=run_sample)


def run_sample(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.intraday.feed import parse_as_of
    from wfm.intraday.sample_day import play_day, write_played_day

    centre = load_centre(args.centre)
    day = parse_date(args.date)
    as_of = parse_as_of(args.as_of, day, centre.timezone)
    if not 1.0 <= args.spike <= 5.0 or not 0 <= args.absent <= 50:
        raise InputError(
            "--spike must be 1 to 5 and --absent 0 to 50",
            column="--spike/--absent",
            value=f"{args.spike}/{args.absent}",
        )
    rota_path = centre.base_dir / "published_rota.csv"
    played = play_day(
        centre, day, as_of, rota_path=rota_path, spike_factor=args.spike, absent=args.absent
    )
    paths = write_played_day(played, args.output)
    say(
        f"played {day} of {centre.name} up to {as_of:%H:%M}: absent {', '.join(played.absent_agents)}"
    )
    say(f"  files: {', '.join(p.name for p in paths.values())} in {Path(args.output)}")
    return EXIT_OK


def _load_day(args: argparse.Namespace):
    """Centre, today's rota, as-of time, forecast, arrivals, states and agents from the options."""
    from wfm.config import load_centre
    from wfm.data.agents import read_agents
    from wfm.data.history import read_history
    from wfm.data.output_files import read_forecast, read_rota
    from wfm.intraday.feed import parse_as_of, read_states_today

    centre = load_centre(args.centre)
    output = Path(args.output)
    if output.exists() and not output.is_dir():
        raise InputError("the output path is a file, not a folder", source=str(output))
    rota = read_rota(args.rota, centre.timezone)
    day = parse_date(args.date) or min(rota["date"])
    rota = rota[rota["date"] == day]
    if rota.empty:
        raise InputError(
            "the rota has no shift on the day", source=args.rota, value=str(day), fix="give --date"
        )
    as_of = parse_as_of(args.as_of, day, centre.timezone)
    forecast = read_forecast(args.forecast, centre.timezone)
    arrivals = read_history(
        args.history_today, timezone=centre.timezone, interval_minutes=centre.interval_minutes
    ).frame
    states = read_states_today(args.states_today, timezone=centre.timezone, as_of=as_of)
    agents = read_agents(centre.resolve(centre.agents), centre)
    return centre, output, day, rota, as_of, forecast, arrivals, states, agents


def run_replan(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.intraday.position import day_position
    from wfm.intraday.replan import ReplanSettings, apply_changes, replan_day
    from wfm.plan.chain import service_targets, shrinkage_by_queue

    centre, output, day, rota, as_of, forecast, arrivals, states, agents = _load_day(args)
    for option, value in (
        ("--max-overtime-minutes", args.max_overtime_minutes),
        ("--max-vto-minutes", args.max_vto_minutes),
    ):
        if not 0 <= value <= 480:
            raise InputError("must be 0 to 480 minutes", column=option, value=value)
    options = dict(
        queues_by_agent={a.agent_id: a.queues for a in agents},
        targets=service_targets(centre),
        shrinkage_by_queue=shrinkage_by_queue(centre),
        interval_minutes=centre.interval_minutes,
    )
    position = day_position(forecast, rota, states, arrivals, as_of, **options)

    def day_service_level(candidate) -> float:
        summary = day_position(forecast, candidate, states, arrivals, as_of, **options).summary
        return float(summary.set_index("queue").loc["all", "service_level_day_projected"])

    required = position.intervals.groupby("interval_start")["agents_required"].sum()
    result = replan_day(
        rota,
        required,
        as_of,
        centre,
        contract_of={a.agent_id: a.contract for a in agents},
        settings=ReplanSettings(
            max_overtime_minutes=args.max_overtime_minutes, max_vto_minutes=args.max_vto_minutes
        ),
        service_level_of=day_service_level,
    )
    files = {output / "suggestions.csv": result.changes}
    before = day_service_level(rota)
    say(f"{centre.name}, {day} at {as_of:%H:%M}: {len(result.changes)} suggested changes")
    say(
        f"  day's projected service level now {before:.1%}; with every suggestion {day_service_level(result.rota):.1%}"
    )
    for change in result.changes.itertuples(index=False):
        say(
            f"  {change.change_id:3d}. {change.agent_id} {change.kind} {change.activity} "
            f"{change.old_start:%H:%M}-{change.old_end:%H:%M} -> {change.new_start:%H:%M}-{change.new_end:%H:%M}"
            f"  cost {change.cost:+.2f}, service level {change.service_level_gain:+.2%}"
        )
    if args.accept:
        if args.accept.strip().lower() == "all":
            accepted = result.changes
        else:
            try:
                ids = {int(part) for part in args.accept.split(",") if part.strip()}
            except ValueError:
                raise InputError(
                    "--accept takes 'all' or change ids",
                    column="--accept",
                    value=args.accept,
                    fix="e.g. --accept 1,3",
                ) from None
            unknown = ids - set(result.changes["change_id"])
            if unknown:
                raise InputError(
                    "no suggested change has these ids",
                    column="--accept",
                    value=", ".join(map(str, sorted(unknown))),
                    fix=f"use ids 1 to {len(result.changes)} from suggestions.csv",
                )
            accepted = result.changes[result.changes["change_id"].isin(ids)]
        new_rota = apply_changes(rota, accepted)
        files[output / "rota.csv"] = new_rota[["agent_id", "date", "activity", "start", "end"]]
        files[output / "changes.csv"] = accepted
        say(
            f"  accepted {len(accepted)}: day's projected service level {day_service_level(new_rota):.1%}"
        )
    write_files_atomic(files)
    say(f"  files in {output}")
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.intraday.adherence_now import count_by_team, out_of_adherence_now
    from wfm.intraday.position import day_position
    from wfm.plan.chain import service_targets, shrinkage_by_queue

    centre, output, day, rota, as_of, forecast, arrivals, states, agents = _load_day(args)
    position = day_position(
        forecast,
        rota,
        states,
        arrivals,
        as_of,
        queues_by_agent={a.agent_id: a.queues for a in agents},
        targets=service_targets(centre),
        shrinkage_by_queue=shrinkage_by_queue(centre),
        interval_minutes=centre.interval_minutes,
    )
    teams = {a.agent_id: a.team for a in agents}
    now = out_of_adherence_now(rota, states, as_of, teams=teams)
    write_files_atomic(
        {
            output / "position.csv": position.intervals,
            output / "summary.csv": position.summary,
            output / "out_of_adherence.csv": now,
            output / "out_of_adherence_by_team.csv": count_by_team(now, teams),
        }
    )
    total = position.summary.set_index("queue").loc["all"]
    say(f"{centre.name}, {day} at {as_of:%H:%M} ({position.feed.describe()})")
    say(
        f"  contacts so far {total['offered_so_far']:,.0f} against {total['forecast_so_far']:,.0f} "
        f"forecast; day now expected {total['offered_day_updated']:,.0f} (planned "
        f"{total['offered_day_planned']:,.0f})"
    )
    say(
        f"  service level so far {total['service_level_so_far']:.1%}, rest of day projected "
        f"{total['service_level_rest_projected']:.1%}, whole day {total['service_level_day_projected']:.1%}"
    )
    say(f"  absent: {', '.join(position.absent_agents) or 'nobody'}")
    say(
        f"  out of adherence now: {len(now)} agents"
        + (
            f" (longest {now.iloc[0]['agent_id']}, {now.iloc[0]['minutes']:.0f} min, {now.iloc[0]['actual_state']} "
            f"instead of {now.iloc[0]['scheduled_activity']})"
            if len(now)
            else ""
        )
    )
    say(f"  files in {output}")
    return EXIT_OK
