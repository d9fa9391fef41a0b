"""`wfm adherence`: schedule adherence and conformance of agent states against a rota."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, centre_and_timezone, number, output_file, say, warn

#: Agents whose adherence over the period is below this fraction are listed (DOMAIN §8).
WARNING_ADHERENCE = 0.85


def register(commands) -> None:
    parser = commands.add_parser(
        "adherence",
        help="adherence and conformance of agent states against a rota",
        description="Compare agent state events (agent_id, state, start, end, or a vendor export) with a rota "
        "(agent_id, date, activity, start, end). Adherence = time in the scheduled activity at the scheduled "
        "time / scheduled time; conformance = time on queue / time scheduled on queue, whenever worked (can "
        "exceed 1). Deviations shorter than the tolerance at the start or end of a scheduled piece are "
        "forgiven; longer ones count in full.",
        epilog="Fractions are 0..1. Exit codes: 0 ok, 2 bad input, 1 internal error.",
    )
    parser.add_argument("rota", help="rota CSV (published rota)")
    parser.add_argument("states", help="agent state CSV, or a vendor export with --vendor")
    parser.add_argument(
        "--centre", help="centre TOML: time zone, interval length and the agents file (teams)"
    )
    parser.add_argument(
        "--timezone", help="IANA time zone (default: the centre's; required without --centre)"
    )
    parser.add_argument(
        "--tolerance-minutes",
        type=number,
        default=3.0,
        help="tolerance at the start and end of each scheduled piece [minutes] (default 3)",
    )
    parser.add_argument(
        "--activity-tolerance",
        action="append",
        default=[],
        metavar="ACTIVITY=MINUTES",
        help="tolerance for one activity (work, break, lunch) [minutes]; repeat for several",
    )
    parser.add_argument(
        "--exceptions", help="approved exceptions CSV: agent_id, start, end, reason"
    )
    parser.add_argument(
        "--state-map",
        action="append",
        default=[],
        metavar="VENDOR_STATE=WFM_STATE",
        help="map a state name to a wfm state, e.g. 'Lunch Break=lunch'; repeat for several",
    )
    parser.add_argument(
        "--vendor", help="vendor layout of the states file: amazon-connect or injixo"
    )
    parser.add_argument(
        "--offline-at-lunch",
        action="store_true",
        help="count offline as adherent during a scheduled lunch (default: only lunch)",
    )
    parser.add_argument(
        "--by",
        choices=("agent", "team", "day", "interval"),
        default="agent",
        help="rows of the output: agent and date (default), team and date, date, or interval",
    )
    parser.add_argument(
        "--interval-minutes",
        type=int,
        help="interval length for --by interval (default: centre's, 15)",
    )
    parser.add_argument("-o", "--output", required=True, help="output CSV")
    parser.add_argument("--events-out", help="write the out-of-adherence events to this CSV")
    parser.set_defaults(handler=run)


def _activity_tolerances(pairs: list[str]) -> dict[str, float]:
    from wfm.errors import InputError

    result = {}
    for pair in pairs:
        name, _, minutes = pair.partition("=")
        try:
            result[name.strip().lower()] = float(minutes) * 60
        except ValueError:
            raise InputError(
                "an --activity-tolerance must be ACTIVITY=MINUTES",
                value=pair,
                fix="e.g. --activity-tolerance lunch=5",
            ) from None
    return result


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.data.output_files import read_rota
    from wfm.data.states import parse_state_map, read_adherence_exceptions, read_agent_states
    from wfm.errors import InputError
    from wfm.review.adherence import (
        ADHERENT_STATES,
        agent_totals,
        compute_adherence,
        summarise_adherence,
    )

    centre, timezone = centre_and_timezone(args, args.rota, "start")
    output = output_file(args.output)
    events_out = output_file(args.events_out) if args.events_out else None
    teams = None
    if centre is not None and (centre.agents is not None or centre.sites):
        from wfm.plan.site_agents import centre_agents  # with sites: each site's agents file

        teams = {agent.agent_id: agent.team for agent in centre_agents(centre)}
    if args.by == "team" and teams is None:
        raise InputError(
            "--by team needs the agents file for the teams",
            fix='give --centre centre.toml with agents = "agents.csv" (or [[sites]] naming theirs)',
        )
    rota = read_rota(args.rota, timezone)
    log = read_agent_states(
        args.states,
        timezone=timezone,
        state_map=parse_state_map(args.state_map),
        vendor=args.vendor,
    )
    exceptions = (
        read_adherence_exceptions(args.exceptions, timezone=timezone) if args.exceptions else None
    )
    adherent = {"lunch": (*ADHERENT_STATES["lunch"], "offline")} if args.offline_at_lunch else None
    result = compute_adherence(
        rota,
        log,
        tolerance_seconds=args.tolerance_minutes * 60,
        activity_tolerance_seconds=_activity_tolerances(args.activity_tolerance),
        exceptions=exceptions,
        adherent_states=adherent,
    )
    interval = args.interval_minutes or (centre.interval_minutes if centre else 15)
    table = summarise_adherence(result, args.by, teams=teams, interval_minutes=interval)
    files = {output: table}
    if events_out is not None:
        files[events_out] = result.events
    write_files_atomic(files)

    for line in result.report.lines():
        warn(f"warning: {line}")
    totals = agent_totals(result)
    scheduled = totals["scheduled_seconds"].sum()
    overall = totals["adherent_seconds"].sum() / scheduled if scheduled else float("nan")
    queue = totals["scheduled_on_queue_seconds"].sum()
    conformance = totals["on_queue_seconds"].sum() / queue if queue else float("nan")
    low = totals[totals["adherence"] < WARNING_ADHERENCE].sort_values("adherence")
    say(
        f"adherence {overall:.1%} and conformance {conformance:.1%} over {len(totals)} agents "
        f"(mean of agents {totals['adherence'].mean():.1%}; tolerance {args.tolerance_minutes:g} min)"
    )
    if len(low):
        listed = ", ".join(
            f"{row.agent_id} {row.adherence:.1%}" for row in low.head(10).itertuples()
        )
        more = f" and {len(low) - 10} more" if len(low) > 10 else ""
        say(f"{len(low)} agents below {WARNING_ADHERENCE:.0%}: {listed}{more}")
    else:
        say(f"no agent below {WARNING_ADHERENCE:.0%}")
    say(
        f"wrote {output} ({len(table)} rows, by {args.by})"
        + (f" and {events_out} ({len(result.events)} events)" if events_out else "")
    )
    return EXIT_OK
