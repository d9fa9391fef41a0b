"""Helpers shared by the CLI commands: output, progress bar, option parsing."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import math
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from wfm.errors import InputError

EXIT_OK, EXIT_INTERNAL, EXIT_USER_ERROR = 0, 1, 2
#: Exit code of a command that ran and wrote its output but found something to act on (a rota
#: that breaks a rule, sessions that could not be placed); said in the command's epilog.
EXIT_FINDINGS = 3


def say(text: str = "") -> None:
    """Write a line of the command's result to standard output."""
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    """Write a line to standard error."""
    sys.stderr.write(text + "\n")


@contextmanager
def progress_bar(enabled: bool = True):
    """A tqdm bar on stderr driven by a ``progress(fraction_done, message)`` callback."""
    from tqdm import tqdm

    bar = tqdm(
        total=100,
        unit="%",
        bar_format="{l_bar}{bar}| {elapsed}",
        file=sys.stderr,
        disable=None if enabled else True,
    )

    def update(fraction_done: float, message: str) -> None:
        target = round(100 * min(max(fraction_done, 0.0), 1.0))
        if target > bar.n:
            bar.update(target - bar.n)
        bar.set_description_str(message[:40].ljust(40))

    try:
        yield update
    finally:
        bar.close()


def add_column_map_option(
    parser: argparse.ArgumentParser, help: str = "read a differently named column (repeatable)"
) -> None:
    """``--map FILE_COLUMN=WFM_COLUMN`` (repeatable), read by :func:`parse_column_map`."""
    parser.add_argument("--map", action="append", metavar="FILE_COLUMN=WFM_COLUMN", help=help)


def parse_column_map(pairs: Sequence[str] | None) -> dict[str, str] | None:
    """``["calls=offered", ...]`` -> ``{"calls": "offered", ...}``."""
    from wfm.data.column_matching import parse_name_pairs

    return parse_name_pairs(
        pairs, option="--map", form="FILE_COLUMN=WFM_COLUMN", example="calls=offered"
    )


def parse_date(text: str | None, option: str | None = None) -> dt.date | None:
    """An ISO date from an option (named in the error, e.g. ``--start-date``), or ``None``."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            "not a date", option=option, value=text, fix="write it as YYYY-MM-DD"
        ) from None


def number(text: str) -> float:
    """An argparse type for a plain, finite number of at most
    :data:`~wfm.limits.MAX_OPTION_MAGNITUDE` in size (fractions and the limits of each
    quantity are checked by the library)."""
    from wfm.limits import MAX_OPTION_MAGNITUDE

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number; give a plain number")
    if abs(value) > MAX_OPTION_MAGNITUDE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is beyond wfm's limit of {MAX_OPTION_MAGNITUDE:g} for any option"
        )
    return value


def whole_number(text: str) -> int:
    """An argparse type for a whole number of at most
    :data:`~wfm.limits.MAX_OPTION_MAGNITUDE` in size."""
    from wfm.limits import MAX_OPTION_MAGNITUDE

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if abs(value) > MAX_OPTION_MAGNITUDE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is beyond wfm's limit of {MAX_OPTION_MAGNITUDE:g} for any option"
        )
    return value


@dataclass(frozen=True)
class OptionRange:
    """The values a numeric option accepts: ``lowest`` to ``highest`` (``None``: no bound),
    each end included or not, and what the option is, for the fix of the message."""

    lowest: float | None
    highest: float | None
    what: str
    example: str
    lowest_ok: bool = True
    highest_ok: bool = True

    def contains(self, value: float) -> bool:
        """Whether ``value`` is in the range."""
        if self.lowest is not None and (
            value < self.lowest or (value == self.lowest and not self.lowest_ok)
        ):
            return False
        return self.highest is None or not (
            value > self.highest or (value == self.highest and not self.highest_ok)
        )

    def describe(self) -> str:
        """The range in words.

        >>> OptionRange(0, 1, "a fraction", "0.3", highest_ok=False).describe()
        'from 0 to below 1'
        >>> OptionRange(0, 1e9, "a whole number", "0").describe()
        'from 0 to 1,000,000,000'
        """
        low, high = self.lowest, self.highest
        if low is not None and high is not None:
            if self.lowest_ok:
                first = f"from {_plain(low)}"
                second = f"to {_plain(high)}" if self.highest_ok else f"to below {_plain(high)}"
            else:
                first = f"more than {_plain(low)}"
                second = (
                    f"and at most {_plain(high)}"
                    if self.highest_ok
                    else f"and below {_plain(high)}"
                )
            return f"{first} {second}"
        if low is not None:
            return f"at least {_plain(low)}" if self.lowest_ok else f"more than {_plain(low)}"
        return f"at most {_plain(high)}" if self.highest_ok else f"below {_plain(high)}"


def _plain(value: float) -> str:
    """A bound as a person writes it: ``1,000,000,000``, ``0.5``, ``-1``."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


@functools.cache
def option_ranges() -> dict[str, OptionRange]:
    """Every numeric option of every command, by its ``dest``, with the values it accepts
    (:class:`OptionRange`). An option has one meaning in every command that has it.

    :func:`check_bounded_options` checks them before a command runs, so that the message
    names the option (the library's own check, which follows, names the quantity only);
    ``--interval-minutes`` is checked against the lengths wfm supports instead.
    ``tests/cli/test_cli_option_ranges.py`` fails for a numeric option missing here. Built on
    first use, from light modules only (every command checks its options, and statsmodels,
    which the capacity modules import, would add seconds to each).
    """
    from wfm.data.handle_time import MAX_AHT_SECONDS, MIN_AHT_SECONDS
    from wfm.limits import (
        MAX_CAPACITY_MONTHS,
        MAX_COST_UNITS,
        MAX_HORIZON_DAYS,
        MAX_OPTION_MAGNITUDE,
        MAX_VOLUME_MULTIPLIER,
        MAX_WAIT_SECONDS,
    )

    # a seed below HiGHS's largest (2**31 - 1) and numpy's; every option is at most 1e9
    day_minutes, seed_max = 24 * 60, int(MAX_OPTION_MAGNITUDE)
    wait = MAX_WAIT_SECONDS
    R = OptionRange
    return {
        # service targets and queueing
        "service_level": R(0, 1, "a fraction", "0.8", False, False),
        "answer_seconds": R(0, wait, "the answer threshold [s]", "20"),
        "answer_threshold_seconds": R(0, wait, "the answer threshold [s]", "20"),
        "asa_seconds": R(0, wait, "the ASA target [s]", "30", lowest_ok=False),
        "max_occupancy": R(0, 1, "a fraction (0 for no cap)", "0.85"),
        "patience_seconds": R(0, wait, "the mean caller patience [s]", "120", lowest_ok=False),
        "max_abandon": R(0, 1, "a fraction of callers", "0.05", False, False),
        "short_abandon_seconds": R(0, wait, "seconds", "5"),
        "aht_seconds": R(MIN_AHT_SECONDS, MAX_AHT_SECONDS, "the average handle time [s]", "240"),
        "quantile": R(0, 1, "a fraction", "0.8", False, False),
        "chat_concurrency": R(1, 100, "a whole number of chats", "3"),
        "chat_slowdown": R(0, 1, "a fraction per extra chat", "0.25"),
        "deferred_response_hours": R(0, 24 * MAX_HORIZON_DAYS, "hours", "24", lowest_ok=False),
        # shrinkage and absence
        "shrinkage": R(0, 1, "a fraction", "0.3", highest_ok=False),
        "absenteeism": R(0, 1, "a fraction", "0.05", highest_ok=False),
        # what-if changes: a factor 1 + change that stays above 0
        "volume_change": R(-1, MAX_VOLUME_MULTIPLIER - 1, "a relative change", "0.1", False),
        "aht_change": R(-1, MAX_VOLUME_MULTIPLIER - 1, "a relative change", "-0.05", False),
        # horizons and counts
        "horizon_days": R(1, MAX_HORIZON_DAYS, "a number of days", "7"),
        "origins": R(1, MAX_HORIZON_DAYS, "a number of days", "8"),
        "months": R(1, MAX_CAPACITY_MONTHS, "a number of months", "18"),
        "weeks": R(1, MAX_HORIZON_DAYS // 7, "a number of weeks", "4"),
        "workers": R(1, 1024, "a number of processes", "2"),
        "threads": R(1, 1024, "a number of solver threads", "1"),
        "replications": R(1, 1_000_000, "a number of simulated days", "200"),
        "handle_time_cv": R(0, 100, "a coefficient of variation", "1", lowest_ok=False),
        "seed": R(0, seed_max, "a whole number", "0"),
        "rota_version": R(1, None, "a rota version id", "3"),
        "last": R(1, None, "a number of entries", "20"),
        "absent": R(0, None, "a number of agents", "2"),
        "port": R(1, 65535, "a TCP port", "8501"),
        # solver
        "time_limit_seconds": R(0, None, "CPU seconds", "60", lowest_ok=False),
        "relative_gap": R(0, 1, "a fraction", "0.01", highest_ok=False),
        # costs [cost units]
        "change_cost": R(0, 1e6, "cost units", "4"),
        "break_change_cost": R(0, 1e6, "cost units", "1"),
        "value_per_point": R(0, MAX_COST_UNITS, "cost units", "50"),
        "under_staffing_cost_per_agent_hour": R(0, MAX_COST_UNITS, "cost units", "10"),
        "over_staffing_cost_per_agent_hour": R(0, MAX_COST_UNITS, "cost units", "0.5"),
        # times of day and durations
        "shift_lengths_minutes": R(1, day_minutes, "minutes", "480"),
        "start_step_minutes": R(1, day_minutes, "minutes", "30"),
        "tolerance_minutes": R(0, day_minutes, "minutes", "3"),
        # intraday re-planning: a working day at most, per agent; the day's totals
        "max_overtime_minutes": R(0, 480, "minutes per agent", "60"),
        "max_vto_minutes": R(0, 480, "minutes per agent", "120"),
        "notice_minutes": R(0, 480, "minutes", "15"),
        "max_overtime_hours": R(0, 5000, "hours", "16"),
        "max_call_ins": R(0, 500, "a number of agents", "4"),
        "max_changes": R(0, 10_000, "a number of changes", "20"),
        "spike": R(0, MAX_VOLUME_MULTIPLIER, "a volume multiplier", "1.35", lowest_ok=False),
        "fcr_days": R(0, MAX_HORIZON_DAYS, "days", "7", lowest_ok=False),
        "older_than": R(0, None, "days", "90", lowest_ok=False),
    }


def check_bounded_options(args: argparse.Namespace) -> None:
    """:class:`InputError` naming the option for a value of :func:`option_ranges` out of its
    range, or an ``--interval-minutes`` wfm does not support (one that divides no day).

    >>> check_bounded_options(argparse.Namespace(service_level=0.8, interval_minutes=15))
    >>> check_bounded_options(argparse.Namespace(patience_seconds=-5.0))
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: option --patience-seconds: out of range (value: -5.0). Fix: give the mean caller patience [s], more than 0 and at most 86,400, e.g. --patience-seconds 120
    """
    from wfm.timegrid import ALLOWED_INTERVAL_MINUTES

    for dest, allowed in option_ranges().items():
        given = getattr(args, dest, None)
        for value in given if isinstance(given, list) else [given]:
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if allowed.contains(value):
                continue
            option = "--" + dest.replace("_", "-")
            percentage = allowed.highest == 1 and 5 <= value <= 100
            raise InputError(
                "out of range"
                + (" (it looks like a percentage: divide by 100)" if percentage else ""),
                option=option,
                value=value,
                fix=f"give {allowed.what}, {allowed.describe()}, e.g. {option} {allowed.example}",
            )
    interval = getattr(args, "interval_minutes", None)
    if isinstance(interval, int) and interval not in ALLOWED_INTERVAL_MINUTES:
        raise InputError(
            "interval length not supported",
            option="--interval-minutes",
            value=interval,
            fix=f"use one of {', '.join(map(str, ALLOWED_INTERVAL_MINUTES))} minutes, "
            "each of which divides a day",
        )


def check_numeric_options(parser: argparse.ArgumentParser) -> None:
    """Make every ``float`` or ``int`` option of ``parser`` and its sub-commands finite and
    bounded: the one place where numeric options are checked, whatever a command declares
    (the ranges of :func:`option_ranges`: :func:`check_bounded_options`)."""
    for action in parser._actions:
        if action.type in (float, number):
            action.type = number
        elif action.type is int:
            action.type = whole_number
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                check_numeric_options(sub)


def output_file(path: str, option: str = "-o") -> Path:
    """An output file path that can be written: not a folder, not inside a file, in a
    writable folder. Checked before any work starts; nothing is created."""
    from wfm.data.output_paths import check_output_file

    return check_output_file(path, option=option)


def output_folder(path: str, subfolders: Sequence[str] = (), option: str = "-o") -> Path:
    """An output folder that can be written (see
    :func:`wfm.data.output_paths.check_output_folder`); created only when the files are
    written, so a failed run leaves no empty folder behind."""
    from wfm.data.output_paths import check_output_folder

    return check_output_folder(path, subfolders=subfolders, option=option)


def add_output_folder_option(parser: argparse.ArgumentParser) -> None:
    """The required ``-o/--output`` of a command that writes a folder of files."""
    parser.add_argument("-o", "--output", required=True, help="folder for the output files")


def add_interval_minutes_option(parser: argparse.ArgumentParser) -> None:
    """``--interval-minutes`` [minutes] of a command that otherwise infers the interval length
    from its input's timestamps (see :func:`interval_minutes_of`)."""
    parser.add_argument(
        "--interval-minutes", type=int, help="interval length [minutes] (default: inferred)"
    )


def interval_minutes_of(args: argparse.Namespace, frame, source: str, centre=None) -> int:
    """The interval length [minutes] of a command's per-queue input ``frame``.

    ``--interval-minutes`` when given (checked), else the centre's when ``centre`` is given,
    else the finest spacing of any queue's ``interval_start`` timestamps
    (:func:`wfm.timegrid.infer_interval_minutes`; ``source`` names the file in its errors).
    """
    from wfm.timegrid import check_interval_minutes, infer_interval_minutes

    if args.interval_minutes:
        return check_interval_minutes(args.interval_minutes)
    if centre is not None:
        return centre.interval_minutes
    return min(
        infer_interval_minutes(group["interval_start"], source=source)
        for _, group in frame.groupby("queue")
    )


def add_rota_start_option(parser: argparse.ArgumentParser) -> None:
    """``--start-date`` of a command that builds a rota from a requirements CSV (see
    :func:`rota_start_date`)."""
    parser.add_argument(
        "--start-date",
        help="first date of the week, YYYY-MM-DD (default: first date in the requirements)",
    )


def rota_start_date(args: argparse.Namespace, requirements) -> dt.date:
    """The first date of a rota: ``--start-date``, else the requirements' first date."""
    start = parse_date(args.start_date, "--start-date")
    if start is None and requirements.empty:
        raise InputError(
            "no first date for the rota: there are no interval requirements to take it from",
            option="--start-date",
            fix="give --start-date YYYY-MM-DD (a Monday, usually)",
        )
    return start or requirements["interval_start"].min().date()


def quiet_options() -> argparse.ArgumentParser:
    """Parent parser with ``-q/--quiet``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def solver_options() -> argparse.ArgumentParser:
    """Parent parser with the solver controls of the rota commands."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--time-limit-seconds",
        type=float,
        help="CPU-time limit of the whole rota search, model building included [s] (this "
        "search's CPU time, not wall time); a safety net: the search stops on deterministic "
        "work budgets first, so a rerun gives the same rota, and the summary says when this "
        "limit fired (default: centre file, 45)",
    )
    parser.add_argument(
        "--relative-gap", type=number, help="stop at this relative gap (default: centre file, 0.01)"
    )
    parser.add_argument("--threads", type=int, help="solver threads (default: centre file, 1)")
    parser.add_argument("--seed", type=int, help="solver random seed (default: centre file, 0)")
    parser.add_argument(
        "--objective",
        choices=("cover_requirement", "weekly_service_level"),
        help="cover each interval's requirement, or meet each queue's weekly service-level target "
        "at least paid cost (default: centre file, cover_requirement; see docs/scheduling-modes.md)",
    )
    return parser


def rota_command(commands, name: str, *, help: str, description: str) -> argparse.ArgumentParser:
    """The parser of a command that builds a rota from a centre's agents (``wfm schedule``,
    ``wfm reoptimise``): quiet, solver and cluster options and a required ``--centre``."""
    parser = commands.add_parser(
        name,
        parents=[quiet_options(), solver_options(), cluster_options()],
        help=help,
        description=description,
    )
    parser.add_argument(
        "--centre", required=True, help="centre TOML (agents, contracts, shifts, breaks)"
    )
    add_output_folder_option(parser)
    return parser


def rota_command_inputs(
    args: argparse.Namespace, requirements_path: str | None, *, shift_demand: str | None = None
):
    """What a rota command starts from: the output folder (checked first), the centre with
    the solver options applied to its scheduling settings, the requirements read for a rota
    (:func:`wfm.plan.chain.rota_requirements`; every queue in the centre file,
    :func:`check_queues_in_centre`) and the centre's staffing groups
    (:func:`wfm.plan.groups.staffing_groups`: the agents, read and checked before any work)."""
    from wfm.config import load_centre
    from wfm.data.output_files import read_requirements
    from wfm.plan.centre_rota import with_settings
    from wfm.plan.chain import load_shift_demand, rota_requirements
    from wfm.plan.groups import staffing_groups

    out_dir = output_folder(args.output, subfolders=("calendars",))
    centre = load_centre(args.centre)
    if shift_demand is not None:  # from the command line, in place of the centre file's
        centre = centre.model_copy(update={"shift_demand": Path(shift_demand).resolve()})
    if requirements_path is None and centre.shift_demand is None:
        raise InputError(
            "no demand to schedule for",
            column="requirements",
            fix="give a requirements CSV (from `wfm staff`), or a demand per day and shift type "
            "with --shift-demand FILE (or shift_demand in the centre file)",
        )
    if centre.shift_demand is not None:
        load_shift_demand(centre)  # a bad file stops here, before any solve
    centre = with_settings(centre, scheduling_settings(centre, args))
    read = (
        None if requirements_path is None else read_requirements(requirements_path, centre.timezone)
    )
    if read is not None:  # a queue the centre lacks would drop out of the projected service
        check_queues_in_centre(read["queue"].unique(), centre, args.centre, requirements_path)
    requirements = rota_requirements(read, centre)
    return out_dir, centre, requirements, staffing_groups(centre)


def rota_command_files(
    centre,
    groups,
    requirements,
    rota,
    solves,
    start_date,
    out_dir: Path,
    streamed_rota=None,
    checks=None,
):
    """The files of a rota command's rota (:func:`wfm.plan.chain.rota_files`, reviewed per
    staffing group; ``streamed_rota``: its rows written as the groups arrived; a centre with
    sites adds ``violations.csv``, each site checked on its own clock: ``checks``, the
    checks that came with the rota (:attr:`wfm.plan.centre_rota.CentreRota.checks`), else
    :func:`wfm.plan.site_compliance.plan_checks`) and its service summary; says the rota's
    and each group's solve."""
    from wfm.plan.centre_rota import review_centre
    from wfm.plan.chain import rota_files
    from wfm.plan.groups import agent_site_timezones
    from wfm.plan.site_compliance import checks_text, plan_checks

    projected, summary = review_centre(centre, requirements, rota.coverage, start_date, groups)
    agents = [agent for group in groups for agent in group.agents]
    say(f"rota: {rota.summary.describe()}")
    for group in solves:
        say(f"  {group.name}: {group.agent_count} agents, {group.summary.describe()}")
    compliance = plan_checks(centre, rota.rota, agents, start_date) if checks is None else checks
    if compliance:  # a centre with sites: each site's agents on their own clock
        say(f"working time: {checks_text(compliance)} (violations.csv)")
    files = rota_files(
        centre,
        agents,
        rota,
        projected,
        summary,
        out_dir,
        solves,
        start_date,
        streamed_rota,
        agent_timezones=agent_site_timezones(groups),
        compliance=compliance,
    )
    cover = files.get(out_dir / "shift_cover.csv")
    if cover is not None:
        covered = int(cover["agents_scheduled"].clip(upper=cover["agents_wanted"]).sum())
        say(
            f"shift-type demand: {covered} of {cover['agents_wanted'].sum():g} agents covered, "
            f"{cover['agents_short'].sum():g} short"
        )
    return files, summary


def say_projected_service(summary, out_dir: Path) -> None:
    """The last line of a rota command: the projected service over all queues and where the
    files went (``summary``: :func:`wfm.review.projection.summarise_service`)."""
    total = summary.set_index("queue").loc["all"]
    say(
        f"projected service level {total['service_level']:.1%}, "
        f"{total['under_staffed_agent_hours']:.1f} agent-hours short -> {out_dir}"
    )


def scheduling_settings(centre, args: argparse.Namespace):
    """The centre's scheduling settings with the command-line solver controls applied."""
    changes = {
        key: value
        for key, value in {
            "time_limit_seconds": args.time_limit_seconds,
            "relative_gap": args.relative_gap,
            "threads": args.threads,
            "seed": args.seed,
            "objective": getattr(args, "objective", None),
            "change_cost_per_shift": getattr(args, "change_cost", None),  # wfm reoptimise
            "change_cost_per_break": getattr(args, "break_change_cost", None),
        }.items()
        if value is not None
    }
    return settings_with_options(centre.scheduling, changes)


#: The command-line option that sets each scheduling setting (for messages).
SCHEDULING_OPTIONS = {
    "time_limit_seconds": "--time-limit-seconds",
    "relative_gap": "--relative-gap",
    "threads": "--threads",
    "seed": "--seed",
    "objective": "--objective",
    "change_cost_per_shift": "--change-cost",
    "change_cost_per_break": "--break-change-cost",
}


def settings_with_options(settings, changes: dict):
    """``settings`` (a pydantic model) with the option values ``changes`` applied and checked
    by the model's own field rules, which ``model_copy(update=...)`` skips: a value the
    centre file could not hold (a negative cost, 0 threads) is an :class:`InputError`
    naming the option (:data:`SCHEDULING_OPTIONS`), not a solve that misbehaves."""
    from pydantic import ValidationError

    if not changes:
        return settings
    try:
        return type(settings).model_validate({**settings.model_dump(), **changes})
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        raise InputError(
            first["msg"].lower(),
            option=SCHEDULING_OPTIONS.get(name, "--" + name.replace("_", "-")),
            value=changes.get(name),
            fix="give a value the centre file's [scheduling] "
            f"{name} accepts (docs/data-formats.md)",
        ) from None


def cluster_options() -> argparse.ArgumentParser:
    """Parent parser with ``--cluster`` (where fanned-out work runs; docs/scaling.md)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the per-queue (or per-scenario) work on a Dask cluster: tcp://HOST:8786 for a "
        "running scheduler, local:N for N worker processes here (default: $WFM_DASK_SCHEDULER, "
        "else the centre file's cluster, else this machine); results are the same",
    )
    return parser


@contextmanager
def open_executor(args: argparse.Namespace, *, workers: int = 1, centre=None):
    """The executor ``--cluster`` asks for (see :func:`wfm.execution.executor_for`), closed
    after the command; a cluster that cannot be used is an error before any work starts."""
    from wfm.execution import executor_for

    executor = executor_for(
        getattr(args, "cluster", None),
        workers=workers,
        centre_cluster=getattr(centre, "cluster", None),
    )
    try:
        yield executor
    finally:
        executor.close()


@contextmanager
def executor_and_progress(args: argparse.Namespace, *, centre=None):
    """What a command's long work runs with: the executor ``--cluster`` asks for
    (:func:`open_executor`) and a progress bar unless ``-q`` (:func:`progress_bar`)."""
    with open_executor(args, centre=centre) as executor, progress_bar(not args.quiet) as progress:
        yield executor, progress


def centre_and_timezone(
    args: argparse.Namespace,
    path: str,
    column: str = "interval_start",
    *,
    unreadable_file_ok: bool = False,
):
    """The centre of an optional ``--centre`` (``None`` without it) and the time zone of the
    input file ``path``: ``--timezone``, else the centre's, else the one whole-hour UTC offset
    every ``column`` timestamp carries (:func:`wfm.data.offsets.zone_from_file`, which asks
    for ``--timezone`` or ``--centre`` when there is none).

    Every wfm output carries local time of the centre with its UTC offset
    (docs/data-formats.md, "Timestamps"). A file that cannot be read, or lacks ``column``, is
    an error, unless ``unreadable_file_ok``: then the zone is ``UTC`` and the command's own
    reader, which follows, names the problem.
    """
    from wfm.config import load_centre

    centre = load_centre(args.centre) if args.centre else None
    timezone = args.timezone or (centre.timezone if centre else None)
    if timezone is None:
        from wfm.data.offsets import zone_from_file

        timezone = zone_from_file(
            path, column, unreadable_zone="UTC" if unreadable_file_ok else None
        )
    return centre, timezone


def check_queues_in_centre(queues, centre, centre_path: str | Path, file: str | Path) -> None:
    """:class:`InputError` when ``file`` has queues the centre file does not define.

    The one check of every command that reads a file of queues (a forecast, a plan's
    coverage) against ``--centre``: the queue's targets and shrinkage come from the centre
    file, so the message names both files, the queues and the fix.

    >>> from types import SimpleNamespace
    >>> centre = SimpleNamespace(queues=[SimpleNamespace(name="sales")])
    >>> check_queues_in_centre(["sales"], centre, "centre.toml", "forecast.csv")
    >>> check_queues_in_centre(["sales", "support"], centre, "centre.toml", "plan/forecast.csv")
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: centre.toml: queue 'support' of plan/forecast.csv is not in the centre file, which has 'sales' (value: 'support'). Fix: add a [[queues]] entry with name = "support" (its targets and shrinkage) to centre.toml, or give --centre the centre file the file was made with
    """
    known = [queue.name for queue in centre.queues]
    missing = sorted(set(map(str, queues)) - set(known))
    if not missing:
        return
    names = ", ".join(f"'{name}'" for name in missing)
    has = ", ".join(f"'{name}'" for name in known) or "no queues"
    plural = len(missing) > 1
    raise InputError(
        f"queue{'s' if plural else ''} {names} of {file} {'are' if plural else 'is'} not in "
        f"the centre file, which has {has}",
        source=str(centre_path),
        value=", ".join(missing),
        fix=f'add a [[queues]] entry with name = "{missing[0]}" (its targets and shrinkage)'
        + (" for each" if plural else "")
        + f" to {centre_path}, or give --centre the centre file the file was made with",
    )
