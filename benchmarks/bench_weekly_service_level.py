"""Benchmark: paid hours of the covering objective against the weekly service-level mode.

On the sample centre (data/sample/centre.toml: 2 queues, 60 agents, one week of 15-minute
intervals, forecast and Erlang C requirements from wfm.plan.chain), builds three rotas:

1. ``cover_requirement``: cover each interval's requirement (the default objective);
2. ``weekly_service_level`` at each queue's own target (80 %), with the configured floor;
3. ``weekly_service_level`` at the weekly service level rota 1 actually reaches per queue
   (a like-for-like comparison: same weekly service, fewer hours?).

Every rota is judged by the same exact review (:func:`wfm.plan.chain.review_rota`: Erlang C on the
rota's on-queue agents after shrinkage), not by the model's own estimate. Prints a Markdown
table for docs/scheduling-modes.md.

    python benchmarks/bench_weekly_service_level.py [--time-limit 90] [--floor 0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from wfm.config import load_centre
from wfm.plan.chain import (
    default_start_date,
    forecast_centre,
    load_agents,
    load_history,
    review_rota,
    schedule_rota,
    service_targets,
    shrinkage_by_queue,
)
from wfm.staffing import compute_requirements

REPO = Path(__file__).resolve().parents[1]


def measure(
    label, centre, review_centre, requirements, agents, start_date, settings
) -> dict[str, object]:
    started = time.perf_counter()
    rota = schedule_rota(centre, requirements, agents, start_date, settings=settings)
    seconds = time.perf_counter() - started
    projected, summary = review_rota(review_centre, requirements, rota, start_date)
    busy = projected[projected["offered"] > 0]
    by_queue = summary.set_index("queue")
    row: dict[str, object] = {
        "rota": label,
        "paid_hours": rota.summary.paid_hours,
        "weekly_sl_all": float(by_queue.loc["all", "service_level"]),
        "worst_interval_sl": float(busy["service_level"].min()),
        "intervals_below_target": int(
            (
                busy["service_level"]
                < busy["queue"].map(lambda q: review_centre.queue(q).service_level_target) - 1e-12
            ).sum()
        ),
        "gap": rota.summary.gap,
        "status": rota.summary.status_label,
        "seconds": seconds,
    }
    for queue in sorted(q for q in by_queue.index if q != "all"):
        row[f"weekly_sl_{queue}"] = float(by_queue.loc[queue, "service_level"])
    sys.stderr.write(f"{label}: {rota.summary.describe()}\n")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--centre", default=str(REPO / "data/sample/centre.toml"))
    parser.add_argument(
        "--time-limit", type=float, default=90.0, help="solver time limit per rota [seconds]"
    )
    parser.add_argument(
        "--floor", type=float, default=0.5, help="per-interval service-level floor [fraction]"
    )
    args = parser.parse_args()

    centre = load_centre(args.centre)
    history = load_history(centre)
    agents = load_agents(centre)
    start_date = centre.planning.start_date or default_start_date(history)
    forecast = forecast_centre(centre, history, start_date)
    requirements = compute_requirements(
        forecast, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
    base = centre.scheduling.model_copy(update={"time_limit_seconds": args.time_limit})
    weekly = base.model_copy(
        update={
            "objective": "weekly_service_level",
            "weekly_service_level_floor_fraction": args.floor,
        }
    )
    rows = [
        measure(
            "cover each interval's requirement",
            centre,
            centre,
            requirements,
            agents,
            start_date,
            base,
        )
    ]
    rows.append(
        measure(
            "weekly service level, queue targets",
            centre,
            centre,
            requirements,
            agents,
            start_date,
            weekly,
        )
    )
    queues = tuple(
        queue.model_copy(
            update={"service_level_target": min(float(rows[0][f"weekly_sl_{queue.name}"]), 0.999)}
        )
        for queue in centre.queues
    )
    matched = centre.model_copy(update={"queues": queues})
    rows.append(
        measure(
            "weekly service level, covering rota's weekly level",
            matched,
            centre,
            requirements,
            agents,
            start_date,
            weekly,
        )
    )

    queue_names = sorted(queue.name for queue in centre.queues)
    print(
        f"Sample centre, week of {start_date}, {len(agents)} agents, floor {args.floor:.0%}, time limit "
        f"{args.time_limit:g} s per rota, exact Erlang C review:\n"
    )
    header = [
        "rota",
        "paid hours",
        "saved vs covering",
        *[f"weekly SL {q}" for q in queue_names],
        "weekly SL all",
        "worst interval SL",
        "intervals below target",
        "gap",
        "time (s)",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    covering_hours = float(rows[0]["paid_hours"])
    for row in rows:
        saved = covering_hours - float(row["paid_hours"])
        gap = row["gap"]
        cells = [
            str(row["rota"]),
            f"{row['paid_hours']:.1f}",
            f"{saved:.1f} h ({saved / covering_hours:.1%})",
            *[f"{row[f'weekly_sl_{q}']:.1%}" for q in queue_names],
            f"{row['weekly_sl_all']:.1%}",
            f"{row['worst_interval_sl']:.1%}",
            str(row["intervals_below_target"]),
            "unknown" if gap is None or not np.isfinite(gap) else f"{gap:.2%}",
            f"{row['seconds']:.0f}",
        ]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
