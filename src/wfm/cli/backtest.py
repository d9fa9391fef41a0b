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
        description="Fit every model on the history before each of the last ORIGINS days and score its forecast "
        "of that day at each horizon: WAPE, MAPE (non-zero intervals), MASE and bias per queue, horizon and model.",
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
        "--workers", type=int, help="worker processes for several queues (default 2)"
    )
    parser.add_argument(
        "--detail", help="also write the per-interval actuals and forecasts to this CSV"
    )
    parser.add_argument("-o", "--output", required=True, help="leaderboard CSV to write")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wfm.data.io import write_files_atomic
    from wfm.forecast.backtest import backtest_history

    output = output_file(args.output)
    detail_path = output_file(args.detail) if args.detail else None
    history, _ = read_history_args(args)
    models = (
        [name.strip() for name in args.models.split(",") if name.strip()] if args.models else None
    )
    with executor_and_progress(args) as (executor, progress):
        result = backtest_history(
            history,
            models=models,
            horizons_days=_horizons(args.horizons),
            origins=args.origins,
            workers=args.workers,
            executor=executor,
            progress=progress,
        )
    if result.leaderboard.empty:
        raise InputError(
            "no queue could be backtested: every fit needs at least 14 days of history before its cut-off "
            "and the target days need contacts",
            source=history.source,
            fix="supply more history, or use shorter --horizons",
        )
    files = {output: result.leaderboard.round(5)}
    if detail_path is not None:
        files[detail_path] = result.detail
    write_files_atomic(files)
    for (queue, horizon), rows in result.leaderboard.groupby(["queue", "horizon_days"]):
        best = rows.iloc[0]
        say(
            f"{queue}, {horizon} day(s) ahead: best {best['model']} WAPE {best['wape']:.3f} over {best['days']} days; "
            + ", ".join(f"{row.model} {row.wape:.3f}" for row in rows.iloc[1:].itertuples())
        )
    say(f"leaderboard -> {output}")
    return EXIT_OK
