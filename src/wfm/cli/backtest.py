"""`wfm backtest`: rolling-origin accuracy of the forecast models, as a leaderboard per queue."""

from __future__ import annotations

import argparse

from wfm.cli.common import (
    EXIT_OK,
    cluster_options,
    executor_and_progress,
    output_file,
    quiet_options,
    say,
)
from wfm.cli.forecast import history_options, read_history_args
from wfm.errors import InputError


def _horizons(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError(
            "--horizons must be whole numbers of days separated by commas",
            value=text,
            fix="e.g. --horizons 1,7,28",
        ) from None
    return values


def register(commands) -> None:
    """Add the `backtest` command."""
    parser = commands.add_parser(
        "backtest",
        parents=[history_options(), quiet_options(), cluster_options()],
        help="compare forecast models by rolling-origin backtest",
        description="Fit every model on the history before each of the last ORIGINS days and score the forecast "
        "of that day wfm would have delivered at each horizon (holiday effects, backlog after a closure, the "
        "centre's closed dates and special days applied as `wfm forecast` applies them): WAPE, MAPE (non-zero "
        "intervals), MASE and bias per queue, horizon and model; then the model `auto` would choose now, "
        "with every candidate's WAPE per lead band.",
    )
    parser.add_argument(
        "--models",
        help="comma-separated model names (default: the standard set; see `wfm forecast --help`)",
    )
    parser.add_argument(
        "--horizons",
        default="1,7",
        help="horizons [days] ahead, comma-separated (default 1,7: day- and week-ahead)",
    )
    parser.add_argument(
        "--origins",
        type=int,
        default=8,
        help="target days per queue: the last ORIGINS days with volume (default 8)",
    )
    parser.add_argument(
        "--special-days",
        help="special-days CSV, as `wfm forecast --special-days` (left out of the history; closed ones "
        "known ahead)",
    )
    parser.add_argument(
        "--choice",
        help="also write auto's model choice to this CSV: per queue and lead band, every candidate's "
        "rolling-origin WAPE and bias, and which auto would choose",
    )
    parser.add_argument(
        "--workers", type=int, help="worker processes for several queues (default 2)"
    )
    parser.add_argument(
        "--detail", help="also write the per-interval actuals and forecasts to this CSV"
    )
    parser.add_argument("-o", "--output", required=True, help="leaderboard CSV to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.cli.forecast import holiday_calendar_args, opening_hours_args
    from wfm.data.io import write_files_atomic
    from wfm.forecast import read_special_days
    from wfm.forecast.backtest import backtest_history
    from wfm.forecast.explain import model_choice_lines
    from wfm.forecast.selection import DEFAULT_MODEL

    output = output_file(args.output)
    detail_path = output_file(args.detail) if args.detail else None
    choice_path = output_file(args.choice) if args.choice else None
    horizons = _horizons(args.horizons)
    special_days = read_special_days(args.special_days) if args.special_days else ()
    history, centre = read_history_args(args)
    last_date = history.frame["interval_start"].max().date()
    hours = opening_hours_args(args, history, centre, last_date)
    holidays = holiday_calendar_args(args, history, centre, last_date)
    models = (
        [name.strip() for name in args.models.split(",") if name.strip()] if args.models else None
    )
    with executor_and_progress(args, centre=centre) as (executor, progress):
        result = backtest_history(
            history,
            models=models,
            horizons_days=horizons,
            origins=args.origins,
            workers=args.workers,
            executor=executor,
            progress=progress,
            closed_dates=hours.closed_dates if hours is not None else (),
            special_days=special_days,
            holidays=holidays,
            choose=True,
        )
    if result.leaderboard.empty:
        raise _too_short(history, special_days, horizons, args.special_days)
    files = {output: result.leaderboard.round(5)}
    if detail_path is not None:
        files[detail_path] = result.detail
    if choice_path is not None:
        files[choice_path] = result.choice.round(5)
    write_files_atomic(files)
    for (queue, horizon), rows in result.leaderboard.groupby(["queue", "horizon_days"]):
        best = rows.iloc[0]
        say(
            f"{queue}, {horizon} day(s) ahead: best {best['model']} WAPE {best['wape']:.3f} over {best['days']} days; "
            + ", ".join(f"{row.model} {row.wape:.3f}" for row in rows.iloc[1:].itertuples())
        )
    for line in model_choice_lines(result.choice.to_dict("records")):
        say(f"auto would choose: {line}")
    chosen = set(result.choice["queue"].astype(str))
    for queue in history.queues:
        if str(queue) not in chosen:
            say(
                f"auto would choose: queue {queue}: {DEFAULT_MODEL} (too little history to compare models)"
            )
    say(f"leaderboard -> {output}")
    if choice_path is not None:
        say(f"auto's choice per lead band -> {choice_path}")
    return EXIT_OK


def _too_short(history, special_days, horizons: tuple[int, ...], special_days_path) -> InputError:
    """The error when no queue could be backtested: the history's days, and how many of them
    the special days left out (they are not fitted on: :func:`wfm.forecast.backtest_history`)
    and how many of the rest had contacts, so a history closed by its special days does not
    read as merely too short."""
    import pandas as pd

    from wfm.forecast.backtest import MIN_TRAINING_DAYS
    from wfm.forecast.special_days import training_mask

    frame = history.frame
    starts = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    local = pd.Series(starts.date)
    days = (local.max() - local.min()).days + 1
    keep = training_mask(starts, tuple(special_days))
    left = local[keep]
    busy = left[frame["offered"].to_numpy(dtype=float)[keep] > 0]
    removed = local.nunique() - left.nunique()
    problem = f"no queue could be backtested: the history has {days} day(s), {local.min()} to {local.max()}"
    need = f"each fit needs at least {MIN_TRAINING_DAYS} days of history before its cut-off"
    enough = (
        f"at least {MIN_TRAINING_DAYS + min(horizons)} days of history with contacts "
        f"({MIN_TRAINING_DAYS + max(horizons)} to score {max(horizons)} day(s) ahead)"
    )
    if removed:
        return InputError(
            f"{problem}, but the special days of {special_days_path} leave out {removed} of its {local.nunique()} "
            f"dates with data (they are not fitted on), leaving {left.nunique()}, "
            f"{busy.nunique()} with contacts; {need}",
            source=history.source,
            option="--special-days",
            fix="give special days only for the dates they concern (a closure or a campaign, "
            f"not the whole history), or leave --special-days out of the backtest; it needs {enough}",
        )
    return InputError(
        f"{problem}; {need}, and the target days need contacts",
        source=history.source,
        fix=f"supply {enough}",
    )
