"""`wfm capacity`: how many people to hire, and when, for the months ahead."""

from __future__ import annotations

import argparse
from pathlib import Path

from wfm.cli.common import (
    EXIT_OK,
    add_output_folder_option,
    output_folder,
    parse_date,
    progress_bar,
    quiet_options,
    say,
)
from wfm.errors import InputError

#: Scenario keys on the command line → :class:`wfm.capacity.planner.Scenario` fields.
SCENARIO_KEYS = {
    "volume": "volume_change",
    "aht": "aht_change",
    "attrition": "attrition_change",
    "shrinkage": "shrinkage_change",
}


def register(commands) -> None:
    parser = commands.add_parser(
        "capacity",
        parents=[quiet_options()],
        help="long-term capacity: required FTE, supply, hiring plan for 1-36 months",
        description="Forecast weekly volume and AHT for the months ahead, size each week with "
        "Erlang C on its interval pattern, project today's agents with attrition and hiring "
        "classes, and choose the classes (start and size) that cover the requirement at least "
        "cost. Writes CSV tables, capacity.xlsx and report.html.",
    )
    parser.add_argument("--centre", required=True, help="centre TOML, e.g. data/sample/centre.toml")
    parser.add_argument(
        "--capacity",
        help="capacity TOML (attrition, hiring, costs, events; see docs/capacity.md); "
        "default: capacity.toml beside the centre file if there is one, else the defaults",
    )
    parser.add_argument(
        "--months", type=int, default=18, help="horizon [months], 1 to 36 (default 18)"
    )
    parser.add_argument(
        "--start-date",
        help="first week planned, YYYY-MM-DD (moved to its Monday; default: the Monday after "
        "the history)",
    )
    parser.add_argument(
        "--aht-seconds",
        action="append",
        metavar="QUEUE=SECONDS",
        help="AHT of a queue whose history has no handle time (repeatable)",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME:KEY=VALUE,...",
        help="another scenario beside the base, e.g. 'growth:volume=0.1,attrition=0.01'; keys: "
        "volume, aht (fractions multiplying), attrition, shrinkage (fractions added); repeatable",
    )
    parser.add_argument(
        "--no-hiring",
        action="store_true",
        help="do not propose new classes: show what today's agents and the planned classes give",
    )
    add_output_folder_option(parser)
    parser.set_defaults(handler=run)


def parse_scenario(text: str):
    """``"growth:volume=0.1,attrition=0.01"`` → a :class:`~wfm.capacity.planner.Scenario`."""
    from wfm.capacity.planner import Scenario

    name, _, spec = text.partition(":")
    name = name.strip()
    if not name or not spec.strip():
        raise InputError(
            "a --scenario needs a name and at least one change",
            option="--scenario",
            value=text,
            fix="e.g. --scenario 'growth:volume=0.1,attrition=0.01'",
        )
    changes = {}
    for item in spec.split(","):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in SCENARIO_KEYS:
            raise InputError(
                f"unknown scenario change '{item.strip()}'",
                option="--scenario",
                value=text,
                fix=f"use KEY=VALUE with KEY one of {', '.join(SCENARIO_KEYS)}",
            )
        try:
            changes[SCENARIO_KEYS[key]] = float(value.strip().rstrip("%")) / (
                100.0 if value.strip().endswith("%") else 1.0
            )
        except ValueError:
            raise InputError(
                f"scenario change '{key}' is not a number",
                option="--scenario",
                value=value.strip(),
                fix="write a fraction (0.1) or a percentage (10%)",
            ) from None
    return Scenario(name=name, **changes)


def parse_aht(pairs) -> dict[str, float] | None:
    """``["sales=300"]`` → ``{"sales": 300.0}``."""
    if not pairs:
        return None
    result = {}
    for pair in pairs:
        queue, sep, value = pair.partition("=")
        try:
            seconds = float(value)
        except ValueError:
            seconds = float("nan")
        if not sep or not queue.strip() or not 0 < seconds <= 4 * 3600:
            raise InputError(
                "an --aht-seconds option must be QUEUE=SECONDS with 0 < SECONDS <= 14400",
                option="--aht-seconds",
                value=pair,
                fix="e.g. --aht-seconds sales=300",
            )
        result[queue.strip()] = seconds
    return result


def run(args: argparse.Namespace) -> int:
    from wfm.capacity.inputs import check_months, prepare_capacity
    from wfm.capacity.planner import Scenario, compare_scenarios
    from wfm.capacity.report import headline, write_capacity
    from wfm.capacity.settings import load_capacity_settings
    from wfm.config import load_centre
    from wfm.plan.chain import load_history
    from wfm.plan.site_agents import centre_agents

    # Everything the user typed is checked before the long work starts.
    scenarios = [Scenario()] + [parse_scenario(text) for text in args.scenario or ()]
    names = [scenario.name for scenario in scenarios]
    if len(set(names)) != len(names):
        raise InputError(
            "two scenarios have the same name",
            option="--scenario",
            value=", ".join(names),
            fix="give each scenario its own name ('base' is taken)",
        )
    aht = parse_aht(args.aht_seconds)
    check_months(args.months)
    first_week = parse_date(args.start_date, "--start-date")
    output = output_folder(args.output)  # a file there, or no write access: a clear error now
    centre = load_centre(args.centre)
    capacity_path = args.capacity
    if capacity_path is None:
        beside = Path(args.centre).parent / "capacity.toml"
        capacity_path = beside if beside.is_file() else None
    settings = load_capacity_settings(capacity_path)
    history = load_history(centre)
    agents = centre_agents(centre)  # a centre with sites: each site's agents file
    with progress_bar(not args.quiet) as progress:
        inputs = prepare_capacity(
            centre,
            history,
            agents,
            settings,
            months=args.months,
            first_week=first_week,
            default_aht_seconds=aht,
            progress=lambda f, m: progress(0.5 * f, m),
        )
        if args.no_hiring:
            from wfm.capacity.planner import plan_capacity

            plans = [plan_capacity(inputs, scenario, optimise=False) for scenario in scenarios]
            import pandas as pd

            comparison = pd.DataFrame([plan.summary for plan in plans])
        else:
            plans, comparison = compare_scenarios(
                inputs, scenarios, progress=lambda f, m: progress(0.5 + 0.5 * f, m)
            )
    paths = write_capacity(inputs, plans, comparison, output)
    base = plans[0]
    say(f"capacity plan for {centre.name}: {inputs.weeks} weeks from {inputs.first_week}")
    for line in headline(base):
        say(f"  {line}")
    if len(plans) > 1:
        for plan in plans[1:]:
            s = plan.summary
            say(
                f"  scenario '{plan.scenario.name}': peak {s['peak_required_fte']:.1f} FTE, "
                f"{s['hires']} hires, cost {s['total_cost']:,.0f}, {s['weeks_short']} weeks short"
            )
    say(
        f"  files: {', '.join(sorted({p.relative_to(output).parts[0] for p in paths.values()}))} in {output}"
    )
    return EXIT_OK
