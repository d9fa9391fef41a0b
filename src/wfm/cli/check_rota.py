"""`wfm check-rota`: check a rota against the working-time law of the centre's country and the contracts."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    centre_and_timezone,
    output_file,
    parse_date,
    say,
)


def register(commands) -> None:
    parser = commands.add_parser(
        "check-rota",
        help="check a rota against the working-time law of the centre's country and its contracts",
        description="Check a rota CSV (agent_id, date, activity, start, end) against working-time law: the UK "
        "Working Time Regulations 1998 (for a centre in GB, or without --centre) with 11 h daily rest (reg. 10), 24 h "
        "weekly rest or 48 h a fortnight (reg. 11), a 20-min break in a day over 6 h (reg. 12), a 48-h average week "
        "over 17 weeks or the rota if shorter (reg. 4), night workers' 8 h average in 24 (reg. 6); the EU Working "
        "Time Directive 2003/88/EC for a centre in the EU or EEA; for another country (e.g. US) no law table, the "
        "contracts only, as the output notes. With --centre also each agent's contract rules (see the rule table "
        "in docs/scheduling.md). A centre with [[sites]] has each site's agents checked on the site's clock under its "
        "own country's law and contracts (times in the site's zone; the CSV gets a site column). Prints the rule "
        "set checked, then one line per violation.",
        epilog="Exit codes: 0 no violations, 3 violations found, 2 bad input, 1 internal error.",
    )
    parser.add_argument("rota", help="rota CSV (from `wfm schedule`, or uploaded)")
    parser.add_argument("--centre", help="centre TOML: time zone, contracts and the agents file")
    parser.add_argument(
        "--timezone",
        help="IANA time zone of the rota (default: the centre's; required without --centre)",
    )
    parser.add_argument(
        "--week-start",
        help="first date of the rota's weeks, YYYY-MM-DD (default: the Monday on or before the first shift)",
    )
    parser.add_argument(
        "--opted-out",
        action="append",
        default=[],
        metavar="AGENT_ID",
        help="agent who opted out of the 48-h average week (reg. 4); repeat for several",
    )
    parser.add_argument("-o", "--output", help="write the violations to this CSV")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import write_csv_atomic
    from wfm.data.output_files import read_rota
    from wfm.scheduling.compliance import check_rota, rule_set_text
    from wfm.scheduling.rota_view import violations_frame
    from wfm.scheduling.site import rota_site
    from wfm.scheduling.working_time_law import working_time_law_for

    centre, timezone = centre_and_timezone(args, args.rota, "start")
    if centre is not None and centre.sites:
        return _run_by_site(args, centre, timezone)
    agents = None
    if centre is not None and centre.agents is not None:
        from wfm.plan.chain import load_agents

        agents = load_agents(centre)
    output = output_file(args.output) if args.output else None
    rota = read_rota(args.rota, timezone)
    country = centre.country if centre is not None else None
    law = working_time_law_for(country)
    say(
        f"rules: {rule_set_text(law, country)}"
        + (" and the contracts" if agents is not None else "")
    )
    violations = check_rota(
        rota,
        site=rota_site(centre) if centre is not None else None,
        agents=agents,
        opted_out=args.opted_out,
        week_start=parse_date(args.week_start, "--week-start"),
    )
    for violation in violations:
        say(violation.message)
    if output is not None:
        write_csv_atomic(violations_frame(violations), output)
    checked = ("working-time rules" if law is not None else "rules") + (
        " and contracts" if agents is not None else ""
    )
    return _verdict(violations, checked, rota["agent_id"].nunique())


def _agents_text(count: int) -> str:
    return "1 agent" if count == 1 else f"{count} agents"


def _verdict(violations, checked: str, agent_count: int) -> int:
    agents_text = _agents_text(agent_count)
    if violations:
        affected = len({violation.agent_id for violation in violations})
        found = "1 violation" if len(violations) == 1 else f"{len(violations)} violations"
        say(f"{found} of the {checked} for {affected} of {agents_text}")
        return EXIT_FINDINGS  # the rota breaks a rule
    say(f"no violations of the {checked} ({agents_text})")
    return EXIT_OK


def _run_by_site(args: argparse.Namespace, centre, timezone: str) -> int:
    """A centre with ``[[sites]]``: each site's agents on its own clock, under its own law
    and contracts (:func:`wfm.plan.site_compliance.check_rota_by_site`), times in its zone."""
    from wfm.data.io import write_csv_atomic
    from wfm.data.output_files import read_rota
    from wfm.plan.site_agents import site_agents
    from wfm.plan.site_compliance import check_rota_by_site, site_violations_frame

    sites = site_agents(centre)
    output = output_file(args.output) if args.output else None
    rota = read_rota(args.rota, timezone)
    checks = check_rota_by_site(
        rota,
        centre,
        [agent for _, agents in sites for agent in agents],
        site_of={agent.agent_id: place.name for place, agents in sites for agent in agents},
        opted_out=args.opted_out,
        week_start=parse_date(args.week_start, "--week-start"),
    )
    for check in checks:
        say(
            f"rules of {check.label}, {_agents_text(len(check.agent_ids))}: {check.rule_set()}"
            + (" and the site's contracts" if check.law is not None else "")
        )
    violations = [violation for check in checks for violation in check.violations]
    for violation in violations:
        say(violation.message)
    if output is not None:
        write_csv_atomic(site_violations_frame(checks), output)
    return _verdict(violations, "rules and contracts of each site", rota["agent_id"].nunique())
