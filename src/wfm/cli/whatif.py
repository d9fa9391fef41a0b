"""`wfm whatif`: a plan's rota against changed volume, handle time, targets or absence."""

from __future__ import annotations

import argparse
from pathlib import Path

from wfm.cli.common import (
    EXIT_OK,
    check_queues_in_centre,
    cluster_options,
    number,
    open_executor,
    output_file,
    say,
)
from wfm.errors import InputError

#: Keys of a ``--scenario NAME=key:value,...`` option and the Scenario field each sets.
SCENARIO_KEYS = {
    "volume": "volume_factor",
    "aht": "aht_factor",
    "service_level": "service_level_target",
    "shrinkage": "shrinkage_fraction",
    "absenteeism": "absenteeism_fraction",
}


def register(commands) -> None:
    parser = commands.add_parser(
        "whatif",
        parents=[cluster_options()],
        help="what-if: the plan's rota against changed volume, AHT, target, shrinkage or absence",
        description="Read forecast.csv and coverage.csv from a `wfm plan` folder, apply the changes, and compare the "
        "base with the scenarios (service level, ASA, occupancy, abandonment, staff needed); print a sensitivity "
        "ranking of the inputs.",
    )
    parser.add_argument(
        "--centre", required=True, help="centre TOML (targets, shrinkage, time zone)"
    )
    parser.add_argument("--plan", required=True, help="folder written by `wfm plan`")
    parser.add_argument(
        "--volume-change",
        type=number,
        default=0.0,
        help="relative volume change, e.g. 0.1 for +10 %%",
    )
    parser.add_argument(
        "--aht-change",
        type=number,
        default=0.0,
        help="relative AHT change, e.g. -0.05 for 5 %% shorter",
    )
    parser.add_argument(
        "--service-level", type=number, help="service-level target for every queue (fraction)"
    )
    parser.add_argument("--shrinkage", type=number, help="shrinkage for every queue (fraction)")
    parser.add_argument(
        "--absenteeism", type=number, default=0.0, help="share of rostered agents absent (fraction)"
    )
    parser.add_argument(
        "--patience-seconds", type=number, help="mean caller patience [s]: abandonment by Erlang A"
    )
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME=KEY:VALUE,...",
        help="a named scenario, e.g. busy=volume:0.1,aht:0.05 (volume and aht are relative changes; "
        "service_level, shrinkage and absenteeism fractions); repeatable",
    )
    parser.add_argument(
        "--no-sensitivity", action="store_true", help="skip the sensitivity ranking"
    )
    parser.add_argument(
        "--daily", help="also write the service level per day, queue and scenario to this CSV"
    )
    parser.add_argument("-o", "--output", required=True, help="CSV of the comparison")
    parser.set_defaults(handler=run)


def parse_scenario(text: str):
    """``NAME=volume:0.1,aht:0.05`` -> a :class:`~wfm.review.scenarios.Scenario`."""
    from wfm.review.scenarios import Scenario

    fix = (
        "write NAME=KEY:VALUE,..., e.g. busy=volume:0.1,absenteeism:0.05 with KEY one of "
        + ", ".join(SCENARIO_KEYS)
    )
    if "=" not in text:
        raise InputError("a scenario needs a name", option="--scenario", value=text, fix=fix)
    name, body = text.split("=", 1)
    changes = {}
    for item in filter(None, (part.strip() for part in body.split(","))):
        key, _, value = item.partition(":")
        if key.strip() not in SCENARIO_KEYS:
            raise InputError("unknown scenario key", option="--scenario", value=key, fix=fix)
        try:
            amount = float(value)
        except ValueError:
            raise InputError(
                "a scenario value is not a number", option="--scenario", value=item, fix=fix
            ) from None
        field = SCENARIO_KEYS[key.strip()]
        changes[field] = 1.0 + amount if field in ("volume_factor", "aht_factor") else amount
    try:
        return Scenario(name=name.strip() or "scenario", **changes)
    except InputError as error:  # the library names the quantity; the user wrote the option
        raise InputError(
            error.problem,
            option="--scenario",
            value=text,
            fix=f"{error.fix}; volume and aht are relative changes above -1 (0.1 is +10 %), "
            "service_level, shrinkage and absenteeism fractions below 1"
            if error.fix
            else "volume and aht are relative changes above -1 (0.1 is +10 %), "
            "service_level, shrinkage and absenteeism fractions below 1",
        ) from None


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from wfm.config import load_centre
    from wfm.data.io import write_csv_atomic, write_files_atomic
    from wfm.data.output_files import read_coverage, read_forecast
    from wfm.plan.chain import service_targets, shrinkage_by_queue
    from wfm.review.scenarios import (
        BasePlan,
        Scenario,
        compare_scenarios,
        run_scenarios,
        sensitivity,
        service_by_day,
    )

    centre = load_centre(args.centre)
    plan = Path(args.plan)
    for name in ("forecast.csv", "coverage.csv"):
        if not (plan / name).is_file():
            raise InputError(
                f"no {name} in the plan folder",
                source=str(plan),
                fix="give the folder written by `wfm plan -o`",
            )
    output = output_file(args.output)
    forecast = read_forecast(plan / "forecast.csv", centre.timezone)
    coverage = read_coverage(plan / "coverage.csv", centre.timezone)
    for name, frame in (("forecast.csv", forecast), ("coverage.csv", coverage)):
        check_queues_in_centre(frame["queue"].unique(), centre, args.centre, plan / name)
    base_plan = BasePlan(
        forecast,
        coverage,
        service_targets(centre),
        shrinkage_by_queue(centre),
        centre.interval_minutes,
    )
    scenarios = [Scenario("base")]
    changed = Scenario(
        "change",
        volume_factor=1.0 + args.volume_change,
        aht_factor=1.0 + args.aht_change,
        service_level_target=args.service_level,
        shrinkage_fraction=args.shrinkage,
        absenteeism_fraction=args.absenteeism,
    )
    if changed != Scenario("change"):
        scenarios.append(changed)
    scenarios += [parse_scenario(text) for text in args.scenario]
    with open_executor(args, centre=centre) as executor:
        results = run_scenarios(
            base_plan, scenarios, patience_seconds=args.patience_seconds, executor=executor
        )
        tornado = None
        if not args.no_sensitivity:
            tornado = sensitivity(
                base_plan, patience_seconds=args.patience_seconds, executor=executor
            )
    table = compare_scenarios(results)
    if args.daily:
        daily = pd.concat(
            [service_by_day(r).assign(scenario=r.scenario.name) for r in results], ignore_index=True
        )
        daily = daily[["scenario", *[c for c in daily.columns if c != "scenario"]]]
        write_files_atomic({output: table, output_file(args.daily): daily})
    else:
        write_csv_atomic(table, output)
    say(
        f"what-if for {centre.name}, plan in {plan} ({forecast['interval_start'].dt.date.min()} to "
        f"{forecast['interval_start'].dt.date.max()})"
    )
    shown = table.set_index("scenario")
    columns = [
        c
        for c in (
            "service_level",
            "service_level_change",
            "asa_seconds",
            "occupancy",
            "abandonment_rate",
            "required_agent_hours",
            "scheduled_agent_hours",
            "offered_in_unstable_intervals",
        )
        if c in shown
    ]
    say(shown[columns].to_string(float_format=lambda v: f"{v:,.3f}"))
    say(
        "ASA is over the intervals with a finite wait; offered_in_unstable_intervals counts the contacts left out."
    )
    if tornado is not None:
        ranking = tornado.groupby("input", sort=False).agg(
            swing=("swing", "first"),
            at_minus_10=("service_level_change", "first"),
            at_plus_10=("service_level_change", "last"),
            required_hours_at_plus_10=("required_agent_hours_change", "last"),
        )
        say(
            "sensitivity of the weekly service level to each input at -10 % / +10 % (largest swing first):"
        )
        say(ranking.to_string(float_format=lambda v: f"{v:+,.3f}"))
    say(f"comparison -> {output}" + (f", per day -> {args.daily}" if args.daily else ""))
    return EXIT_OK
