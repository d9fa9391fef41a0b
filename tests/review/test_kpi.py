"""KPI review: formulas on hand-computed counts."""

import numpy as np
import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.review.kpi import PlanFigures, review_kpis

T0 = pd.Timestamp("2026-11-09 08:00", tz="Europe/London")


def history(**extra):
    """Two intervals of one day and one interval of the next, queue 'sales'."""
    starts = [T0, T0 + pd.Timedelta(minutes=15), T0 + pd.Timedelta(days=1)]
    frame = pd.DataFrame(
        {
            "interval_start": starts,
            "queue": "sales",
            "offered": [10, 30, 20],
            "handled": [8, 27, 20],
            "abandoned": [2, 3, 0],
            "answered_within_threshold": [8, 18, 10],
            "abandoned_within_threshold": [1, 1, 0],
            "aht_seconds": [100.0, 200.0, 300.0],
        }
    )
    return frame.assign(**extra)


def test_service_level_per_day_sums_counts_under_the_chosen_definition():
    # day 1: answered within 26, answered 35, abandoned 5, abandoned within 2
    review = review_kpis(history(), 15, "all_abandons_against")
    day1 = review.by_day.iloc[0]
    assert day1["service_level"] == pytest.approx(26 / 40)
    review = review_kpis(history(), 15, "answered_and_abandoned_within")
    assert review.by_day.iloc[0]["service_level"] == pytest.approx(28 / 40)
    review = review_kpis(history(), 15, "answered_only")
    assert review.by_day.iloc[0]["service_level"] == pytest.approx(26 / 35)
    assert review.definition.value == "answered_only"
    # not the mean of the interval service levels (8/8 and 18/27)
    assert review.by_day.iloc[0]["service_level"] != pytest.approx((1 + 18 / 27) / 2)


def test_aht_is_total_handle_seconds_over_handled_not_a_mean_of_means():
    review = review_kpis(history(), 15)
    # day 1: (8 x 100 + 27 x 200) / 35 = 6200 / 35; the mean of the AHTs would be 150
    assert review.by_day.iloc[0]["aht_seconds"] == pytest.approx(6200 / 35)
    total = review.by_queue.set_index("queue").loc["all"]
    assert total["aht_seconds"] == pytest.approx((800 + 5400 + 6000) / 55)


def test_total_handle_seconds_wins_over_aht_and_wait_totals_give_the_asa():
    frame = history(
        total_handle_seconds=[1000.0, 5000.0, 4000.0], total_wait_seconds=[80.0, 270.0, 0.0]
    )
    review = review_kpis(frame, 15)
    total = review.by_queue.set_index("queue").loc["all"]
    assert total["aht_seconds"] == pytest.approx(10000 / 55)
    assert total["asa_seconds"] == pytest.approx(350 / 55)
    assert not any("ASA" in note for note in review.notes)


def test_asa_is_left_out_and_said_without_wait_totals():
    review = review_kpis(history(), 15)
    assert review.by_interval["asa_seconds"].isna().all()
    assert any("ASA" in note for note in review.notes)


def test_abandonment_rate_and_occupancy_from_totals():
    coverage = pd.DataFrame(
        {
            "interval_start": history()["interval_start"],
            "queue": "sales",
            "agents_scheduled": [2.0, 10.0, 4.0],
            "agents_productive": [1.0, 8.0, 4.0],
        }
    )
    review = review_kpis(history(), 15, plan=PlanFigures(coverage=coverage))
    day1 = review.by_day.iloc[0]
    assert day1["abandonment_rate"] == pytest.approx(5 / 40)
    # handle 6200 s over (1 + 8) productive agents x 900 s
    assert day1["occupancy"] == pytest.approx(6200 / (9 * 900))
    assert day1["scheduled_agent_hours"] == pytest.approx(12 * 0.25)
    first = review.by_interval.iloc[0]
    assert first["traffic_erlangs"] == pytest.approx(800 / 900)
    assert first["occupancy"] == pytest.approx(800 / 900)


def test_forecast_accuracy_on_a_tiny_known_case():
    frame = history()
    forecast = frame[["interval_start", "queue"]].assign(offered=[12.0, 24.0, 20.0])
    review = review_kpis(frame, 15, plan=PlanFigures(forecast=forecast))
    total = review.by_queue.set_index("queue").loc["all"]
    # actual 10, 30, 20; forecast 12, 24, 20: |errors| 2 + 6 + 0 = 8 over 60
    assert total["wape"] == pytest.approx(8 / 60)
    assert total["bias"] == pytest.approx((2 - 6 + 0) / 60)
    assert total["mape"] == pytest.approx((0.2 + 0.2 + 0.0) / 3)
    assert review.by_day.iloc[0]["wape"] == pytest.approx(8 / 40)


def test_required_scheduled_and_actual_staff_per_interval():
    frame = history()
    keys = frame[["interval_start", "queue"]]
    requirements = keys.assign(agents_scheduled_required=[3, 12, 5])
    coverage = keys.iloc[:2].assign(agents_scheduled=[2.0, 12.0])
    actual = keys.assign(agents_actual=[2.0, 11.0, 5.0])
    plan = PlanFigures(requirements=requirements, coverage=coverage, actual_staff=actual)
    review = review_kpis(frame, 15, plan=plan)
    assert review.by_interval["agents_required"].tolist() == [3, 12, 5]
    assert review.by_interval["agents_scheduled"].iloc[:2].tolist() == [2.0, 12.0]
    assert np.isnan(review.by_interval["agents_scheduled"].iloc[2])
    total = review.by_queue.set_index("queue").loc["all"]
    assert total["required_agent_hours"] == pytest.approx(20 * 0.25)
    assert total["actual_agent_hours"] == pytest.approx(18 * 0.25)


def test_per_queue_rows_and_all():
    frame = pd.concat(
        [history(), history(queue="support", handled=[10, 30, 20], abandoned=[0, 0, 0])]
    )
    review = review_kpis(frame, 15, "answered_only")
    table = review.by_queue.set_index("queue")
    assert list(table.index) == ["sales", "support", "all"]
    assert table.loc["support", "service_level"] == pytest.approx(36 / 60)
    assert table.loc["all", "service_level"] == pytest.approx((36 + 36) / (55 + 60))


def test_missing_counts_for_the_definition_are_an_input_error():
    frame = history().drop(columns=["abandoned_within_threshold"])
    with pytest.raises(InputError, match="abandoned_within_threshold"):
        review_kpis(frame, 15, "answered_and_abandoned_within")
    with pytest.raises(InputError):
        review_kpis(history(), 15, "no_such_definition")
