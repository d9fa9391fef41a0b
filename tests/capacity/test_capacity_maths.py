"""Capacity planning maths against hand calculations and independent methods."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.capacity.demand import forecast_weekly_demand
from wfm.capacity.hiring import optimise_hiring
from wfm.capacity.profile import WeekProfile
from wfm.capacity.requirement import (
    average_traffic_agent_hours,
    interval_demand,
    paid_fte,
    staff_weeks,
    workload_agent_hours,
)
from wfm.capacity.settings import (
    AttritionSettings,
    CostSettings,
    HiringSettings,
    TenureBand,
    VolumeEvent,
    monthly_to_weekly_fraction,
)
from wfm.capacity.supply import hire_curve, movements_fte, retention_of_tenured
from wfm.data.schemas import History
from wfm.staffing.erlang import service_level
from wfm.staffing.targets import ServiceTarget

MONDAY = dt.date(2027, 1, 4)


def one_slot_profile(weekday: int = 0, hour: int = 9, interval_minutes: int = 60) -> WeekProfile:
    """All of a week's contacts in one interval."""
    slots = 7 * 24 * 60 // interval_minutes
    share = np.zeros(slots)
    share[weekday * (24 * 60 // interval_minutes) + hour * 60 // interval_minutes] = 1.0
    return WeekProfile("q", interval_minutes, share, np.ones(slots))


def brute_force_agents(traffic: float, aht: float, sl: float, threshold: float) -> int:
    """Smallest N > A with Erlang C service level ≥ target, by plain enumeration."""
    n = int(np.floor(traffic)) + 1
    while service_level(n, traffic, aht, threshold) < sl:
        n += 1
    return n


def test_fte_of_a_hand_computed_week():
    # DOMAIN.md: 100 calls in 30 min with a 180 s AHT (A = 10) need 14 agents for 80/20.
    # One such half hour a week, 30 % shrinkage, no paid breaks, 37.5-hour FTE:
    # 14 agents × 0.5 h = 7 productive hours → 7 / 0.7 = 10 paid hours → 10 / 37.5 FTE.
    profile = one_slot_profile(interval_minutes=30)
    offered, aht = interval_demand(
        "q", np.array([100.0]), np.array([180.0]), [MONDAY], profile, set()
    )
    weeks = staff_weeks("q", offered, aht, ServiceTarget(0.8, 20.0, None), 30)
    assert weeks.agents_required.max() == 14
    assert weeks.productive_agent_hours[0] == pytest.approx(7.0)
    fte = paid_fte(weeks.productive_agent_hours, np.array([0.3]), 0.0, 37.5)
    assert fte[0] == pytest.approx(10.0 / 37.5)
    # Paid breaks of 1/16 of paid time need 16/15 as many paid hours.
    with_breaks = paid_fte(weeks.productive_agent_hours, np.array([0.3]), 1 / 16, 37.5)
    assert with_breaks[0] == pytest.approx(10.0 / 37.5 * 16 / 15)


def test_interval_staffing_matches_an_independent_search_on_a_real_shape():
    rng = np.random.default_rng(7)
    slots = 7 * 24 * 4
    share = np.zeros(slots)
    share[[d * 96 + i for d in range(5) for i in range(32, 80)]] = rng.uniform(0.5, 2.0, 5 * 48)
    profile = WeekProfile("q", 15, share / share.sum(), np.ones(slots))
    offered, aht = interval_demand(
        "q", np.array([9000.0]), np.array([240.0]), [MONDAY], profile, set()
    )
    weeks = staff_weeks("q", offered, aht, ServiceTarget(0.8, 20.0, None), 15)
    busy = np.flatnonzero(offered[0] > 0)
    for slot in busy[:: max(len(busy) // 25, 1)]:
        traffic = offered[0, slot] * 240.0 / 900.0
        assert weeks.agents_required[0, slot] == brute_force_agents(traffic, 240.0, 0.8, 20.0)


def test_the_workload_method_always_understates_and_average_traffic_misplaces_hours():
    # A morning peak and a quiet afternoon: 40 and 4 Erlangs for an hour each.
    profile = WeekProfile(
        "q", 60, np.r_[np.zeros(9), [40 / 44, 4 / 44], np.zeros(7 * 24 - 11)], np.ones(7 * 24)
    )
    target = ServiceTarget(0.8, 20.0, 0.85)
    offered, aht = interval_demand(
        "q", np.array([44 * 20.0]), np.array([180.0]), [MONDAY], profile, set()
    )
    weeks = staff_weeks("q", offered, aht, target, 60)
    interval_hours = weeks.productive_agent_hours[0]
    n_peak = max(brute_force_agents(40.0, 180.0, 0.8, 20.0), int(np.ceil(40 / 0.85)))
    n_quiet = max(brute_force_agents(4.0, 180.0, 0.8, 20.0), int(np.ceil(4 / 0.85)))
    assert interval_hours == n_peak + n_quiet
    workload = workload_agent_hours(weeks, target)[0]
    assert workload == pytest.approx(44 / 0.85)
    assert workload < interval_hours  # always: N_i >= A_i / cap
    # Staffing the mean (22 Erlangs) for both hours: the total differs little, but the peak
    # hour gets too few agents to meet its target.
    n_mean = max(brute_force_agents(22.0, 180.0, 0.8, 20.0), int(np.ceil(22 / 0.85)))
    assert average_traffic_agent_hours(weeks, target)[0] == 2 * n_mean
    assert n_mean < n_peak
    assert service_level(n_mean, 40.0, 180.0, 20.0) < 0.8


def test_closed_holiday_moves_its_share_to_open_days_and_events_add_volume():
    slots = 7 * 24
    share = np.zeros(slots)
    share[[d * 24 + 10 for d in range(5)]] = 0.2  # 10:00 Monday to Friday, equal days
    profile = WeekProfile("q", 60, share, np.ones(slots))
    closed = {MONDAY}
    offered, _ = interval_demand(
        "q", np.array([1000.0]), np.array([200.0]), [MONDAY], profile, closed
    )
    assert offered[0, 10] == 0.0
    assert offered[0].sum() == pytest.approx(1000.0)
    assert offered[0, 24 + 10] == pytest.approx(250.0)
    event = VolumeEvent(
        name="launch",
        start=MONDAY + dt.timedelta(days=1),
        end=MONDAY + dt.timedelta(days=1),
        volume_multiplier=1.4,
    )
    with_event, _ = interval_demand(
        "q", np.array([1000.0]), np.array([200.0]), [MONDAY], profile, closed, [event]
    )
    assert with_event[0, 24 + 10] == pytest.approx(350.0)
    assert with_event[0].sum() == pytest.approx(1100.0)


def test_attrition_compounds_monthly_rates_by_the_week():
    weekly = monthly_to_weekly_fraction(0.03)
    assert (1 - weekly) ** (365.2425 / 7 / 12) == pytest.approx(0.97)
    retention = retention_of_tenured(105, AttritionSettings(monthly_fraction=0.03))
    # 365.2425 days later (52.18 weeks) exactly 0.97^12 remain; week 52 is a little earlier.
    assert retention[52] == pytest.approx(0.97 ** (52 / (365.2425 / 7 / 12)))
    assert retention[52] > 0.97**12


def test_hire_curve_by_hand():
    hiring = HiringSettings(
        training_weeks=4,
        training_attrition_fraction=0.2,
        ramp_up_monthly=(0.5, 0.75),
        hire_fte=0.8,
    )
    attrition = AttritionSettings(
        monthly_fraction=0.02, tenure_bands=(TenureBand(max_tenure_months=3, monthly_fraction=0.1),)
    )
    curve = hire_curve(30, hiring, attrition)
    # Training: 1, 0.95, 0.9, 0.85, 0.8 people per hire over weeks 0..4.
    assert curve.headcount[:5] == pytest.approx([1.0, 0.95, 0.9, 0.85, 0.8])
    # Week 5: 0.8 × (1 − weekly rate of a 4-week-old starter, band 10 %/month).
    starter_week = 1 - 0.9 ** (1 / (365.2425 / 7 / 12))
    assert curve.headcount[5] == pytest.approx(0.8 * (1 - starter_week))
    # No contacts in training; 50 % in the first month after, 75 % in the second, then 100 %.
    assert curve.productive_fte[:4] == pytest.approx([0, 0, 0, 0])
    assert curve.productive_fte[4] == pytest.approx(0.8 * 0.8 * 0.5)
    assert curve.productive_fte[10] / curve.paid_fte[10] == pytest.approx(0.75)
    assert curve.productive_fte[14] / curve.paid_fte[14] == pytest.approx(1.0)
    # Trainees are paid at their FTE.
    assert curve.paid_fte[0] == pytest.approx(0.8)


def test_movements_add_from_their_week_and_joiners_leave_like_everybody():
    attrition = AttritionSettings(monthly_fraction=0.0)
    from wfm.capacity.settings import Movement

    moved = movements_fte(
        [Movement(date=MONDAY + dt.timedelta(days=15), fte=3.0), Movement(date=MONDAY, fte=-1.0)],
        MONDAY,
        5,
        attrition,
    )
    assert moved.tolist() == [-1.0, -1.0, 2.0, 2.0, 2.0]


def small_hiring(**changes) -> HiringSettings:
    base = dict(
        training_weeks=4,
        training_attrition_fraction=0.0,
        ramp_up_monthly=(),
        recruitment_lead_weeks=2,
        min_class_size=1,
        max_class_size=10,
        cost_per_hire=100.0,
    )
    base.update(changes)
    return HiringSettings(**base)


def test_optimiser_starts_the_class_just_early_enough_for_the_peak():
    hiring = small_hiring()
    curve = hire_curve(12, hiring, AttritionSettings(monthly_fraction=0.0))
    need = np.array([10.0] * 8 + [15.0] * 4)
    plan = optimise_hiring(
        need, np.full(12, 10.0), curve, hiring, CostSettings(max_overtime_fraction=0.0), 1.0, 1.0
    )
    # Training ends after 4 weeks: week 4 is the last start that covers week 8; an earlier
    # one pays trainees for nothing. Cost 5 × (100 + 8 paid weeks) = 540.
    assert plan.class_sizes.tolist() == [0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]
    assert plan.objective == pytest.approx(540.0)
    assert plan.shortfall_fte.sum() == pytest.approx(0.0)


def test_optimiser_reports_the_weeks_no_class_can_reach():
    # A lead time of 6 weeks plus 4 of training: the peak from week 8 cannot be covered.
    hiring = small_hiring(recruitment_lead_weeks=6)
    curve = hire_curve(12, hiring, AttritionSettings(monthly_fraction=0.0))
    need = np.array([10.0] * 8 + [15.0] * 4)
    plan = optimise_hiring(
        need, np.full(12, 10.0), curve, hiring, CostSettings(max_overtime_fraction=0.0), 1.0, 1.0
    )
    assert plan.shortfall_fte[8:10] == pytest.approx([5.0, 5.0])
    assert plan.class_sizes[6] == 5  # the earliest class still covers weeks 10 and 11


def test_optimiser_uses_overtime_when_cheaper_and_respects_sizes_and_budget():
    hiring = small_hiring(min_class_size=4)
    curve = hire_curve(12, hiring, AttritionSettings(monthly_fraction=0.0))
    # One week 1 FTE short: overtime (cap 20 % of 10) is far cheaper than a class of 4.
    need = np.array([10.0] * 9 + [11.0] + [10.0] * 2)
    plan = optimise_hiring(
        need, np.full(12, 10.0), curve, hiring, CostSettings(max_overtime_fraction=0.2), 1.0, 1.0
    )
    assert plan.class_sizes.sum() == 0
    assert plan.overtime_fte[9] == pytest.approx(1.0)
    # Three FTE short for four weeks and overtime capped at 10 %: a class of at least 4.
    need = np.array([10.0] * 8 + [13.0] * 4)
    plan = optimise_hiring(
        need, np.full(12, 10.0), curve, hiring, CostSettings(max_overtime_fraction=0.1), 1.0, 1.0
    )
    assert plan.class_sizes.sum() == 4
    # A budget below one class of 4 (400) leaves the gap open and says so.
    tight = small_hiring(min_class_size=4, budget=300.0)
    plan = optimise_hiring(
        need, np.full(12, 10.0), curve, tight, CostSettings(max_overtime_fraction=0.1), 1.0, 1.0
    )
    assert plan.class_sizes.sum() == 0
    assert plan.shortfall_fte[8:] == pytest.approx([2.0] * 4)


def synthetic_history(
    weeks: int, trend_per_year: float, amplitude: float, seed: int = 3
) -> History:
    """Daily history of one queue, one interval a day, with a known trend and annual cycle."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-02", periods=weeks * 7, freq="D", tz="UTC")
    years = np.arange(len(days)) / 365.2425
    phase = (days.day_of_year.to_numpy() - 1) / 365.2425
    level = 1000.0 * (1 + trend_per_year) ** years * np.exp(amplitude * np.sin(2 * np.pi * phase))
    offered = rng.poisson(level)
    frame = pd.DataFrame(
        {
            "interval_start": days + pd.Timedelta(hours=9),
            "queue": "q",
            "offered": offered.astype(float),
            "aht_seconds": 300.0,
            "handled": offered.astype(float),
        }
    )
    return History(frame, 60, "UTC", "synthetic")


def test_long_range_forecast_recovers_a_planted_trend_and_season():
    history = synthetic_history(weeks=156, trend_per_year=0.10, amplitude=0.2)
    first = dt.date(2025, 12, 29)
    forecast = forecast_weekly_demand(history, first, 52)
    model = forecast.models[0]
    assert model.harmonics == 3
    assert model.volume_trend_per_year == pytest.approx(0.10, abs=0.02)
    weekly = forecast.weekly
    # The truth for each forecast week, from the same formula (no noise).
    truth = []
    for start in weekly["week_start"]:
        days = pd.date_range(start, periods=7, freq="D")
        years = (days - pd.Timestamp("2023-01-02")).days.to_numpy() / 365.2425
        phase = (days.day_of_year.to_numpy() - 1) / 365.2425
        truth.append((1000.0 * 1.10**years * np.exp(0.2 * np.sin(2 * np.pi * phase))).sum())
    truth = np.array(truth)
    error = np.abs(weekly["offered"].to_numpy() / truth - 1)
    assert error.mean() < 0.03
    inside = (weekly["offered_p10"] <= truth) & (truth <= weekly["offered_p90"])
    assert inside.mean() >= 0.6
    assert weekly["aht_seconds"].to_numpy() == pytest.approx(300.0, rel=1e-6)


def test_too_little_history_is_a_clear_error():
    from wfm.errors import InputError

    with pytest.raises(InputError, match="at least 8"):
        forecast_weekly_demand(
            synthetic_history(weeks=5, trend_per_year=0, amplitude=0), MONDAY, 10
        )
