"""`wfm intraday`: today's position and who is out of adherence now; a sample day to try it on."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, check_queues_in_centre, output_folder, parse_date, say
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
    status = _action(
        actions,
        "status",
        run_status,
        "today's position and real-time adherence at --as-of",
        "Today's position per queue and interval at --as-of (the rest of the day re-forecast "
        "from the arrivals so far as `wfm forecast --as-of` does, its prior learnt from the "
        "centre's history), and the agents out of adherence at that moment. Writes "
        "position.csv, summary.csv, out_of_adherence.csv, out_of_adherence_by_team.csv.",
    )
    _day_options(status, "the day, YYYY-MM-DD (default: the arrivals' day, else the rota's first)")
    status.add_argument("--rota", required=True, help="the published rota CSV")
    replan = _action(
        actions,
        "replan",
        run_replan,
        "suggest the fewest changes for the rest of the day; accept them into the store",
        "Re-plan the rest of the day from --as-of with the past frozen: move "
        "breaks, lunches and off-phone activities within their windows, postpone or cancel "
        "activities, offer overtime, early starts and call-ins where the rules allow, and "
        "voluntary time off. Writes suggestions.csv (each change with its cost and its own "
        "service-level gain); with --accept, also rota.csv (the day with the accepted changes) "
        "and changes.csv, and with --store publishes them as a new rota version.",
    )
    _day_options(replan, "the day, YYYY-MM-DD (default: the arrivals' day)")
    replan.add_argument("--rota", help="the published rota CSV (or take it from --store)")
    _store_options(replan)
    replan.add_argument(
        "--accept", help="changes to accept: 'all' or their ids, e.g. 1,3,4 (default: none)"
    )
    replan.add_argument(
        "--max-overtime-minutes", type=int, default=60, help="overtime per agent [minutes]"
    )
    replan.add_argument("--max-vto-minutes", type=int, default=120, help="VTO per agent [minutes]")
    replan.add_argument(
        "--max-call-ins", type=int, default=4, help="agents called in today at most (0: none)"
    )
    replan.add_argument(
        "--max-overtime-hours",
        type=float,
        default=16.0,
        help="overtime, early starts and call-ins today at most [hours]",
    )
    replan.add_argument(
        "--max-changes", type=int, help="agent-activities changed at most (default: no cap)"
    )
    replan.add_argument(
        "--change-cost", type=float, default=5.0, help="cost of one changed agent-activity"
    )
    replan.add_argument(
        "--value-per-point",
        type=float,
        help="cost units one point of the day's service level is worth "
        "(default: the under-staffing cost of 1 %% of the day's workload, so it grows with "
        "the centre's volume; see docs/intraday.md)",
    )
    replan.add_argument(
        "--notice-minutes", type=int, default=15, help="nothing changes this soon [minutes]"
    )
    accept = _action(
        actions,
        "accept",
        run_accept,
        "publish accepted suggestions as a new rota version in the store",
        "Read a suggestions.csv written by `wfm intraday replan --store`, check "
        "that it was made on the rota version still published for its day, apply the accepted "
        "changes and publish the result as a new version (audit trail: rota_generated, "
        "rota_edited with the changes, rota_published). Writes rota.csv and changes.csv.",
    )
    accept.add_argument("--centre", required=True, help="centre TOML")
    accept.add_argument("--suggestions", required=True, help="suggestions.csv of a re-plan")
    accept.add_argument("--accept", default="all", help="'all' (default) or change ids, e.g. 1,3,4")
    accept.add_argument("--note", default="", help="note for the audit trail")
    accept.add_argument("-o", "--output", required=True, help="folder for the output files")
    _store_options(accept, required=True)
    sample = _action(
        actions,
        "sample",
        run_sample,
        "play a day of the sample centre up to --as-of (a spike, agents absent)",
        "Write the files a telephony system would have delivered by --as-of on a "
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


def _action(actions, name: str, handler, summary: str, description: str):
    """The sub-command ``name`` of ``wfm intraday``, run by ``handler``."""
    parser = actions.add_parser(name, help=summary, description=description)
    parser.set_defaults(handler=handler)
    return parser


def _day_options(parser, date_help: str) -> None:
    """The day's files and time, shared by ``status`` and ``replan``."""
    parser.add_argument("--centre", required=True, help="centre TOML")
    parser.add_argument("--forecast", required=True, help="the planned forecast CSV covering today")
    parser.add_argument(
        "--history-today", required=True, help="today's interval history so far (arrivals)"
    )
    parser.add_argument(
        "--states-today", required=True, help="today's agent states so far (open events allowed)"
    )
    parser.add_argument("--as-of", required=True, help="time of day HH:MM (or an ISO timestamp)")
    parser.add_argument("--date", help=date_help)
    parser.add_argument("-o", "--output", required=True, help="folder for the output files")


def run_sample(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.intraday.feed import parse_as_of
    from wfm.intraday.sample_day import play_day, write_played_day

    output = output_folder(args.output)
    centre = load_centre(args.centre)
    day = parse_date(args.date, "--date")
    as_of = parse_as_of(args.as_of, day, centre.timezone)
    if not 1.0 <= args.spike <= 5.0 or not 0 <= args.absent <= 50:
        raise InputError(
            "--spike must be 1 to 5 and --absent 0 to 50",
            option="--spike/--absent",
            value=f"{args.spike}/{args.absent}",
        )
    rota_path = centre.base_dir / "published_rota.csv"
    played = play_day(
        centre, day, as_of, rota_path=rota_path, spike_factor=args.spike, absent=args.absent
    )
    paths = write_played_day(played, output)
    say(
        f"played {day} of {centre.name} up to {as_of:%H:%M}: absent {', '.join(played.absent_agents)}"
    )
    say(f"  files: {', '.join(p.name for p in paths.values())} in {output}")
    return EXIT_OK


def _store_options(parser, required: bool = False) -> None:
    parser.add_argument(
        "--store",
        nargs="?",
        const="",
        default="" if required else None,
        metavar="URL",
        help="the store: the rota is its published version for the day, and accepted changes "
        "are published as a new version (URL default: $WFM_DB_URL, else wfm.db in the user "
        "data folder, as for `wfm db`)",
    )
    parser.add_argument(
        "--rota-version", type=int, help="the rota version to re-plan (default: the published one)"
    )


def _load_day(args: argparse.Namespace):
    """Centre, the day, today's rota (and the whole rota), as-of time, forecast, arrivals,
    states, agents and the store's base version from the options."""
    from wfm.config import load_centre
    from wfm.data.history import read_history
    from wfm.data.output_files import read_forecast, read_rota
    from wfm.intraday.feed import parse_as_of, read_states_today
    from wfm.plan.site_agents import centre_agents

    centre = load_centre(args.centre)
    output = output_folder(args.output)  # a file there, or no write access: a clear error now
    arrivals = read_history(
        args.history_today, timezone=centre.timezone, interval_minutes=centre.interval_minutes
    ).frame
    store = getattr(args, "store", None)
    base_version = None
    if store is not None:
        rota, base_version = _rota_from_store(args, centre, arrivals)
        source = f"rota version {base_version}"
    elif args.rota:
        rota, source = read_rota(args.rota, centre.timezone), args.rota
    else:
        raise InputError("give the rota", option="--rota", fix="give --rota FILE or --store")
    day = (
        parse_date(args.date, "--date")
        or _arrivals_day(arrivals, centre.timezone)
        or min(rota["date"])
    )
    rota_day = rota[rota["date"] == day]
    if rota_day.empty:
        raise InputError(
            "the rota has no shift on the day", source=source, value=str(day), fix="give --date"
        )
    as_of = parse_as_of(args.as_of, day, centre.timezone)
    forecast = read_forecast(args.forecast, centre.timezone)
    check_queues_in_centre(forecast["queue"].unique(), centre, args.centre, args.forecast)
    states = read_states_today(args.states_today, timezone=centre.timezone, as_of=as_of)
    agents = centre_agents(centre)  # a centre with sites: each site's agents file
    return (
        centre,
        output,
        day,
        rota_day,
        as_of,
        forecast,
        arrivals,
        states,
        agents,
        rota,
        base_version,
    )


def _arrivals_day(arrivals, timezone: str):
    from wfm.intraday.feed import day_of_arrivals

    return day_of_arrivals(arrivals, timezone)


def _rota_from_store(args, centre, arrivals):
    """The whole rota of the store's published version for the day, and its id."""
    import pandas as pd

    from wfm.intraday.accept import published_version_for
    from wfm.store import repository

    url = args.store or None
    day = parse_date(args.date, "--date") or _arrivals_day(arrivals, centre.timezone)
    if args.rota_version is not None:
        version_id = args.rota_version
    else:
        with repository.reading(url) as conn:
            version_id = published_version_for(conn, day, centre.timezone) if day else None
        if version_id is None:
            raise InputError(
                f"the store has no published rota for {day}",
                option="--store",
                fix="publish the rota first (Rota builder or `wfm db`), or give --rota FILE",
            )
    version = repository.load_rota(url, version_id)
    rota = version.rota.copy()
    for column in ("start", "end"):
        rota[column] = rota[column].dt.tz_convert(centre.timezone)
    rota["date"] = [pd.Timestamp(d).date() for d in rota["date"]]
    return rota, version_id


def run_replan(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.intraday.accept import (
        BASE_VERSION_COLUMN,
        parse_change_ids,
        publish_changes,
        select_changes,
    )
    from wfm.intraday.centre_day import day_now, day_update_priors, projected_day_service_level
    from wfm.intraday.day_replan import replan_today
    from wfm.intraday.replan_settings import ReplanSettings
    from wfm.intraday.rota_changes import apply_changes
    from wfm.plan.site_agents import centre_availability

    # the limits of --max-overtime-minutes and the others: wfm.cli.common.option_ranges
    if args.accept:
        parse_change_ids(args.accept)  # a typo fails now, not after the re-plan
    (centre, output, day, rota, as_of, forecast, arrivals, states, agents, whole, base_version) = (
        _load_day(args)
    )
    settings = ReplanSettings(
        notice_minutes=args.notice_minutes,
        max_overtime_minutes=args.max_overtime_minutes,
        max_vto_minutes=args.max_vto_minutes,
        max_call_ins_per_day=args.max_call_ins,
        max_overtime_hours_per_day=args.max_overtime_hours,
        change_cost=args.change_cost,
        value_per_point=args.value_per_point,
        max_changes=args.max_changes,
    )
    # the sites' own files for a centre with sites, as wfm plan reads them
    unavailable = centre_availability(centre)
    priors = day_update_priors(centre, day, forecast, source=args.forecast)
    done = replan_today(
        centre,
        forecast=forecast,
        rota_day=rota,
        whole_rota=whole,
        states=states,
        arrivals=arrivals,
        as_of=as_of,
        agents=agents,
        day=day,
        settings=settings,
        unavailable=unavailable,
        update_by_queue=priors,
    )
    result, before, after = done.replan, done.service_level_before, done.service_level_after
    target = done.service_level_target

    def day_service_level(candidate) -> float:
        return projected_day_service_level(
            day_now(
                centre,
                agents,
                forecast=forecast,
                rota_day=candidate,
                states=states,
                arrivals=arrivals,
                as_of=as_of,
                update_by_queue=priors,
            ).position
        )

    suggestions = result.changes.copy()
    if base_version is not None:
        suggestions[BASE_VERSION_COLUMN] = base_version
    files = {output / "suggestions.csv": suggestions}
    say(
        f"{centre.name}, {day} at {as_of:%H:%M}: {len(result.changes)} suggested changes "
        f"({result.status})"
    )
    say(
        f"  day's projected service level now {before:.1%} against a target of {target:.1%}; "
        f"with every suggestion {after:.1%} ({result.changes['agent_activities'].sum()} "
        f"agent-activities changed, {done.recovered:.0%} of the "
        "shortfall recovered)"
    )
    for change in result.changes.itertuples(index=False):
        say(
            f"  {change.change_id:3d}. {describe_change(change)}"
            f"  cost {change.cost:+.2f}, service level {change.service_level_gain:+.2%}"
        )
    accepted = None
    if args.accept:
        accepted = select_changes(result.changes, args.accept)
        new_rota = apply_changes(rota, accepted)
        files[output / "rota.csv"] = new_rota[["agent_id", "date", "activity", "start", "end"]]
        files[output / "changes.csv"] = accepted
        say(
            f"  accepted {len(accepted)}: day's projected service level "
            f"{day_service_level(new_rota):.1%}"
        )
    if accepted is not None and base_version is not None:
        published = publish_changes(
            args.store or None,
            base_version,
            day,
            accepted,
            timezone=centre.timezone,
            queues_by_agent={a.agent_id: a.queues for a in agents},
            interval_minutes=centre.interval_minutes,
            source="--accept",
            before_commit=lambda _: write_files_atomic(files),
        )
        say(f"  published rota version {published.version_id} (from {base_version})")
    else:
        write_files_atomic(files)
    say(f"  files in {output}")
    return EXIT_OK


def describe_change(change) -> str:
    from wfm.intraday.accept import describe

    return describe(change)


def run_accept(args: argparse.Namespace) -> int:
    from wfm.config import load_centre
    from wfm.data.io import write_files_atomic
    from wfm.intraday.accept import (
        BASE_VERSION_COLUMN,
        publish_changes,
        read_suggestions,
        select_changes,
    )
    from wfm.plan.site_agents import centre_agents

    centre = load_centre(args.centre)
    output = output_folder(args.output)  # a file there, or no write access: a clear error now
    suggestions = read_suggestions(args.suggestions, centre.timezone)
    if suggestions.empty:
        raise InputError("the suggestions file lists no change", source=args.suggestions)
    if BASE_VERSION_COLUMN not in suggestions:
        raise InputError(
            f"the suggestions file has no {BASE_VERSION_COLUMN} column (made without a store)",
            source=args.suggestions,
            fix="re-run `wfm intraday replan --store` to make suggestions you can publish",
        )
    bases = suggestions[BASE_VERSION_COLUMN].unique()
    if len(bases) != 1:
        raise InputError(
            "the suggestions were made on several rota versions",
            source=args.suggestions,
            column=BASE_VERSION_COLUMN,
            value=", ".join(map(str, bases)),
        )
    if args.rota_version is not None and args.rota_version != bases[0]:
        raise InputError(
            "the suggestions were made on another rota version",
            option="--rota-version",
            value=args.rota_version,
            fix=f"the file says {bases[0]}",
        )
    accepted = select_changes(suggestions, args.accept)
    accepted = accepted.drop(columns=[BASE_VERSION_COLUMN])
    day = accepted["new_start"].min().date()
    agents = centre_agents(centre)  # a centre with sites: each site's agents file
    published = publish_changes(
        args.store or None,
        int(bases[0]),
        day,
        accepted,
        timezone=centre.timezone,
        queues_by_agent={a.agent_id: a.queues for a in agents},
        interval_minutes=centre.interval_minutes,
        note=args.note,
        source=args.suggestions,
        before_commit=lambda result: write_files_atomic(
            {
                output / "rota.csv": result.rota_day[
                    ["agent_id", "date", "activity", "start", "end"]
                ],
                output / "changes.csv": accepted,
            }
        ),
    )
    say(
        f"published rota version {published.version_id} for {day}: {len(accepted)} changes "
        f"on version {published.base_version_id}"
    )
    for change in accepted.itertuples(index=False):
        say(f"  {change.change_id:3d}. {describe_change(change)}")
    say(f"  files in {output}")
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.intraday.centre_day import day_now, day_update_priors

    centre, output, day, rota, as_of, forecast, arrivals, states, agents, *_ = _load_day(args)
    now = day_now(
        centre,
        agents,
        forecast=forecast,
        rota_day=rota,
        states=states,
        arrivals=arrivals,
        as_of=as_of,
        update_by_queue=day_update_priors(centre, day, forecast, source=args.forecast),
    )
    out = now.out_of_adherence
    write_files_atomic(
        {
            output / "position.csv": now.position.intervals,
            output / "summary.csv": now.position.summary,
            output / "out_of_adherence.csv": out,
            output / "out_of_adherence_by_team.csv": now.out_of_adherence_by_team,
        }
    )
    total = now.totals
    say(f"{centre.name}, {day} at {as_of:%H:%M} ({now.position.feed.describe()})")
    say(
        f"  contacts so far {total['offered_so_far']:,.0f} against {total['forecast_so_far']:,.0f} "
        f"forecast; day now expected {total['offered_day_updated']:,.0f} (planned "
        f"{total['offered_day_planned']:,.0f})"
    )
    say(
        f"  service level so far {total['service_level_so_far']:.1%}, rest of day projected "
        f"{total['service_level_rest_projected']:.1%}, whole day {total['service_level_day_projected']:.1%}"
    )
    say(f"  absent: {', '.join(now.position.absent_agents) or 'nobody'}")
    say(
        f"  out of adherence now: {len(out)} agents"
        + (
            f" (longest {out.iloc[0]['agent_id']}, {out.iloc[0]['minutes']:.0f} min, {out.iloc[0]['actual_state']} "
            f"instead of {out.iloc[0]['scheduled_activity']})"
            if len(out)
            else ""
        )
    )
    say(f"  files in {output}")
    return EXIT_OK
