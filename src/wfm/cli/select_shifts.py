"""`wfm select-shifts`: how many shifts to start at each time to cover a requirement."""

from __future__ import annotations

import argparse

from wfm.cli.common import EXIT_OK, number, output_file, say


def register(commands) -> None:
    parser = commands.add_parser(
        "select-shifts",
        help="how many shifts to start at each time (anonymous, no breaks), from a requirement",
        description="Choose integer numbers of shifts per start time that cover the agents required in "
        "every interval at least cost (set covering, HiGHS), or, with --under-staffing-cost-per-agent-hour, "
        "that balance the shifts' cost against priced under- and over-staffing. The shifts are every start "
        "of the given lengths, or an explicit catalogue (--catalogue). See docs/scheduling.md.",
    )
    parser.add_argument(
        "requirements",
        help="requirements CSV (from `wfm staff`); the agents column is summed over queues per interval",
    )
    parser.add_argument(
        "--agents-column",
        default="agents_scheduled_required",
        help="column with the agents required per interval (default agents_scheduled_required)",
    )
    parser.add_argument(
        "--catalogue",
        help="CSV of the shifts that may be worked: start, end (local times) and cost (empty: its "
        "length in hours), optional name; replaces --shift-lengths-minutes and --start-step-minutes",
    )
    parser.add_argument(
        "--shift-lengths-minutes",
        type=int,
        nargs="+",
        default=[480, 360, 240],
        help="shift lengths [minutes] started at every step (default 480 360 240; cost: hours)",
    )
    parser.add_argument(
        "--start-step-minutes",
        type=int,
        default=30,
        help="shifts start every this many minutes from the first interval (default 30)",
    )
    parser.add_argument(
        "--under-staffing-cost-per-agent-hour",
        type=number,
        help="price each agent-hour below the requirement instead of requiring full cover",
    )
    parser.add_argument(
        "--over-staffing-cost-per-agent-hour",
        type=number,
        default=0.0,
        help="price of each agent-hour above the requirement (with the option above; default 0)",
    )
    parser.add_argument(
        "--no-wrap",
        action="store_true",
        help="shifts must end by the end of the last day (default: a horizon of whole weeks wraps "
        "round, Sunday night into Monday morning; any other horizon does not)",
    )
    parser.add_argument(
        "--time-limit-seconds", type=float, default=60.0, help="solver time limit [s] (default 60)"
    )
    parser.add_argument(
        "--timezone", default="UTC", help="time zone of the files' local times (default UTC)"
    )
    parser.add_argument("-o", "--output", required=True, help="CSV to write: one row per start")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from wfm.data.io import write_csv_atomic
    from wfm.data.output_files import read_requirements, read_shift_catalogue
    from wfm.errors import InputError
    from wfm.scheduling.selection import select_shifts
    from wfm.scheduling.selection_columns import CatalogueShift, ShiftType
    from wfm.timegrid import infer_interval_minutes

    output = output_file(args.output)
    requirements = read_requirements(args.requirements, args.timezone)
    if args.agents_column not in requirements.columns:
        raise InputError(
            "the requirements have no such column",
            source=str(args.requirements),
            column=args.agents_column,
            fix="name one of its columns with --agents-column",
        )
    interval_minutes = infer_interval_minutes(
        requirements["interval_start"], source=str(args.requirements)
    )
    # Whole local days from the first interval's midnight: shifts may start before the first
    # interval that needs agents, and a horizon of whole weeks wraps round.
    first = requirements["interval_start"].min().normalize()
    end = requirements["interval_start"].max().normalize() + pd.Timedelta(days=1)
    grid = pd.date_range(first, end, freq=pd.Timedelta(minutes=interval_minutes), inclusive="left")
    whole_weeks = (end - first) % pd.Timedelta(days=7) == pd.Timedelta(0)
    demand = (
        requirements.groupby("interval_start")[args.agents_column]
        .sum()
        .reindex(grid, fill_value=0.0)
        .to_numpy(dtype=float)
    )
    catalogue = None
    if args.catalogue:
        shifts = read_shift_catalogue(args.catalogue, args.timezone)
        catalogue = [
            CatalogueShift(
                start_minute=int((start - first).total_seconds() // 60),
                length_minutes=int((end - start).total_seconds() // 60),
                cost=None if pd.isna(cost) else float(cost),
                name=str(name) if isinstance(name, str) and name else None,
            )
            for start, end, cost, name in zip(
                shifts["start"],
                shifts["end"],
                shifts["cost"],
                shifts["name"] if "name" in shifts else [None] * len(shifts),
                strict=True,
            )
        ]
    selection = select_shifts(
        demand,
        interval_minutes,
        [ShiftType(minutes) for minutes in args.shift_lengths_minutes],
        args.start_step_minutes,
        catalogue=catalogue,
        under_staffing_cost_per_agent_hour=args.under_staffing_cost_per_agent_hour,
        over_staffing_cost_per_agent_hour=args.over_staffing_cost_per_agent_hour,
        cyclic=whole_weeks and not args.no_wrap,
        time_limit_seconds=args.time_limit_seconds,
    )
    if selection.objective is None:
        from wfm.errors import SolveError

        raise SolveError(
            f"no shift selection found ({selection.status.value}). Fix: raise --time-limit-seconds"
        )
    counts = selection.counts.copy()
    counts.insert(
        0, "start", first + pd.to_timedelta(counts["start_minute"].to_numpy(), unit="min")
    )
    write_csv_atomic(counts.drop(columns=["start_interval", "start_minute"]), output)
    say(
        f"{int(counts['count'].sum())} shifts at {len(counts)} start times, cost {selection.objective:.2f} "
        f"({'proven optimal' if selection.proven_optimal else f'bound {selection.bound}'}); "
        f"{selection.under_staffed_agent_hours:.1f} agent-hours under and "
        f"{selection.over_staffed_agent_hours:.1f} over the requirement -> {output}"
    )
    return EXIT_OK
