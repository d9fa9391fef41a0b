"""Benchmark: `--model auto` on synthetic centres unlike the bank (issue 18).

Five seeded centres (``tests/forecast/forecast_centres.py``): (a) a 24-hour Sunday-to-Thursday
centre with Hebrew holidays and eves closing at sunset (IL); (b) a Saudi centre with a
Friday–Saturday weekend, multi-day Eids and a Ramadan month whose profile moves later (SA);
(c) a 7-day UK retailer with a festive period, Boxing Day, bank holidays, growth and DST
(GB); (d) eight weeks of history starting on a Wednesday at 13:00; (e) a +25 % level shift
three weeks before the end. Each is written to CSV and read back with the normal reader, and
forecast by ``forecast_history`` with the holiday calendar a user would pass
(``--country``), as ``wfm forecast`` would.

Scored day-ahead and week-ahead (the target day is the 1st / 7th day of the forecast) over
the last 20 open days, and separately over the dates with a planted holiday or festival
effect in the last year of history: WAPE of ``auto`` against the four-week same-slot mean
(computed here from the actuals, independently of wfm: the mean of the same weekday and
time of day over the four latest weeks that have it, at least 7 days before the target),
their ratio, and the P10–P90 coverage of ``auto``.

    python benchmarks/bench_forecast_centres.py
    python benchmarks/bench_forecast_centres.py --centres gulf,retail --days per-day.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "forecast"))

from forecast_centres import CENTRES, SyntheticCentre, same_slot_baseline  # noqa: E402

from wfm.data.history import read_history  # noqa: E402
from wfm.data.schemas import History  # noqa: E402
from wfm.forecast import forecast_history  # noqa: E402
from wfm.forecast.holiday_effects import HolidayCalendar  # noqa: E402

#: Ordinary test days: the last open days of each history.
TEST_DAYS = 20


def as_user_would(centre: SyntheticCentre, folder: Path) -> History:
    """The centre written to CSV (local times with their UTC offset) and read back."""
    path = folder / f"{centre.frame['queue'].iloc[0]}.csv"
    centre.frame.to_csv(path, index=False)
    return read_history(path, timezone=centre.timezone, interval_minutes=centre.interval_minutes)


def score_days(
    history: History, calendar: HolidayCalendar | None, targets: list[dt.date], horizon: int
) -> pd.DataFrame:
    """Per target day: actual, auto and baseline absolute errors, P10–P90 hits, model."""
    frame = history.frame
    local = frame["interval_start"].dt.tz_convert(history.timezone).dt.tz_localize(None)
    rows = []
    for target in targets:
        start = target - dt.timedelta(days=horizon - 1)
        result = forecast_history(
            history, start_date=start, horizon_days=horizon, holidays=calendar, workers=1
        )
        result = result[result["interval_start"].dt.tz_localize(None).dt.date == target]
        today = frame[local.dt.date == target][["interval_start", "queue", "offered"]]
        merged = today.merge(result, on=["interval_start", "queue"], suffixes=("_actual", ""))
        minute = merged["interval_start"].dt.hour * 60 + merged["interval_start"].dt.minute
        baseline = same_slot_baseline(frame, history.timezone, target)
        base = baseline.reindex(minute.to_numpy()).fillna(0.0).to_numpy()
        actual = merged["offered_actual"].to_numpy(float)
        missing = len(today) - len(merged)
        rows.append(
            {
                "target": target,
                "horizon": horizon,
                "actual": actual.sum(),
                "auto_error": np.abs(actual - merged["offered"].to_numpy(float)).sum()
                + today["offered"].to_numpy(float).sum()
                - actual.sum(),  # actual volume in intervals auto left closed
                "baseline_error": np.abs(actual - base).sum(),
                "auto_total": merged["offered"].sum(),
                "baseline_total": base.sum(),
                "inside": int(
                    (
                        (merged["offered_actual"] >= merged["offered_p10"])
                        & (merged["offered_actual"] <= merged["offered_p90"])
                    ).sum()
                ),
                "intervals": len(today),
                "unforecast_intervals": missing,
                "model": merged["model"].iloc[0] if len(merged) else "closed",
            }
        )
    return pd.DataFrame(rows)


def summary(days: pd.DataFrame) -> tuple[float, float, float, float]:
    """(auto WAPE, baseline WAPE, ratio, coverage) pooled over days."""
    actual = days["actual"].sum()
    auto, base = days["auto_error"].sum() / actual, days["baseline_error"].sum() / actual
    return auto, base, auto / base, days["inside"].sum() / days["intervals"].sum()


def run_centre(key: str, folder: Path, festival_days: int) -> pd.DataFrame:
    centre = CENTRES[key]()
    history = as_user_would(centre, folder)
    local = history.frame["interval_start"].dt.tz_convert(history.timezone).dt.tz_localize(None)
    open_dates = sorted(set(local.dt.date))
    last = open_dates[-1]
    calendar = (
        HolidayCalendar.from_country(centre.country, range(open_dates[0].year, last.year + 2))
        if centre.country
        else None
    )
    ordinary = open_dates[-TEST_DAYS:]
    window = last - dt.timedelta(days=festival_days)
    festival = [d for d in centre.festival_dates if window < d <= last]
    pieces = []
    for horizon in (1, 7):
        for kind, targets in (("last 20 days", ordinary), ("festival days", festival)):
            if targets:
                pieces.append(
                    score_days(history, calendar, targets, horizon).assign(centre=key, days=kind)
                )
    return pd.concat(pieces, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--centres", default=",".join(CENTRES), help="comma-separated keys")
    parser.add_argument(
        "--festival-days", type=int, default=365, help="festival days scored in this many last days"
    )
    parser.add_argument("--days", default="", help="CSV file for the per-day scores")
    args = parser.parse_args()
    cpu, began = time.process_time(), time.perf_counter()
    pieces = []
    print("| centre | days | n | lead | auto WAPE | 4-week same-slot WAPE | ratio | P10–P90 |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for key in args.centres.split(","):
            days = run_centre(key, Path(folder), args.festival_days)
            pieces.append(days)
            for (kind, horizon), group in days.groupby(["days", "horizon"], sort=False):
                auto, base, ratio, cover = summary(group)
                print(
                    f"| {key} | {kind} | {len(group)} | {horizon} d | {auto:.4f} | {base:.4f} | "
                    f"**{ratio:.3f}** | {cover:.3f} |",
                    flush=True,
                )
            print(f"# {key} done, {time.process_time() - cpu:.0f} CPU-s", file=sys.stderr)
            if args.days:
                pd.concat(pieces, ignore_index=True).to_csv(args.days, index=False)
    load = os.getloadavg()
    print(
        f"{time.process_time() - cpu:.0f} CPU-s, {time.perf_counter() - began:.0f} s; "
        f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )


if __name__ == "__main__":
    main()
