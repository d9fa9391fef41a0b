"""Reviewing a rota's coverage: the requirements are cut to the whole weeks the coverage spans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from wfm.config import load_centre
from wfm.plan.chain import coverage_days, review_coverage, service_targets, shrinkage_by_queue
from wfm.staffing import compute_requirements

CENTRE = Path(__file__).resolve().parents[2] / "data" / "sample" / "centre.toml"
TZ = "Europe/London"
MONDAY = dt.date(2026, 11, 16)


def _rows(days: int, queue: str = "sales") -> pd.DataFrame:
    """08:00-08:30 on each of ``days`` days from MONDAY: two 15-minute intervals a day."""
    starts = [
        pd.Timestamp(f"{MONDAY + dt.timedelta(days=d)} 08:00", tz=TZ) + pd.Timedelta(minutes=15 * i)
        for d in range(days)
        for i in range(2)
    ]
    return pd.DataFrame({"interval_start": starts, "queue": queue})


def test_coverage_days_are_whole_weeks_and_one_week_at_least():
    assert coverage_days(_rows(0), MONDAY, TZ) == 7
    assert coverage_days(_rows(3), MONDAY, TZ) == 7
    assert coverage_days(_rows(7), MONDAY, TZ) == 7
    assert coverage_days(_rows(9), MONDAY, TZ) == 14  # a second week, even partly covered


def test_review_keeps_only_the_requirements_of_the_rotas_weeks():
    centre = load_centre(CENTRE)
    forecast = _rows(21).assign(offered=20.0, aht_seconds=180.0)
    requirements = compute_requirements(
        forecast, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
    coverage = _rows(9).assign(agents_scheduled=3.0)
    projected, summary = review_coverage(centre, requirements, coverage, MONDAY)
    assert len(projected) == 14 * 2  # two weeks of the three, two intervals a day
    assert projected["interval_start"].max() < pd.Timestamp(
        f"{MONDAY + dt.timedelta(days=14)}", tz=TZ
    )
    # Days 10-14 have requirements but no coverage: nobody is scheduled there.
    uncovered = projected[
        projected["interval_start"] >= pd.Timestamp(f"{MONDAY + dt.timedelta(days=9)}", tz=TZ)
    ]
    assert (uncovered["agents_scheduled"] == 0).all() and len(uncovered) == 5 * 2
    assert set(summary["queue"]) >= {"sales"}


def test_review_of_another_centres_rota_sets_its_queues_aside_and_does_not_crash():
    """Regression (issue 16, item 1): a rota and requirements kept from the sample (queue
    'sales') reviewed against the planner's own centre (queue 'calls') raised a TypeError."""
    sample = load_centre(CENTRE)
    forecast = _rows(7).assign(offered=20.0, aht_seconds=180.0)
    requirements = compute_requirements(
        forecast, service_targets(sample), shrinkage_by_queue(sample), sample.interval_minutes
    )
    coverage = _rows(7).assign(agents_scheduled=5.0)
    own = sample.model_copy(
        update={"queues": [sample.queues[0].model_copy(update={"name": "calls"})]}
    )
    projected, summary = review_coverage(own, requirements, coverage, MONDAY)
    assert projected.empty
    assert summary["queue"].tolist() == ["all"]
    assert summary["offered"].tolist() == [0.0]
    # The same rota against the sample is reviewed: the queue is kept.
    _, kept = review_coverage(sample, requirements, coverage, MONDAY)
    assert kept.set_index("queue").loc["sales", "offered"] == 20.0 * 14
