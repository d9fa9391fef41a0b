"""Single workflow steps from saved results (wfm.plan.steps) and daily totals (wfm.review.daily_totals)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.forecast import backtest_history, poisson_gamma_quantile, quantile_forecast
from wfm.plan.chain import service_targets, shrinkage_by_queue
from wfm.plan.steps import backtest_models, centre_requirements, override_forecast
from wfm.review.daily_totals import forecast_daily_totals, requirements_daily_hours
from wfm.staffing import compute_requirements

TZ = "Europe/London"


def small_history(days: int = 28, seed: int = 1) -> History:
    """Two queues open 09:00–17:00 every day, 30-minute intervals, Poisson counts."""
    rng = np.random.default_rng(seed)
    stamps = [
        pd.Timestamp(dt.date(2025, 1, 6) + dt.timedelta(days=day))
        + pd.Timedelta(minutes=9 * 60 + 30 * slot)
        for day in range(days)
        for slot in range(16)
    ]
    times = pd.DatetimeIndex(stamps).tz_localize(TZ)
    frames = [
        pd.DataFrame(
            {
                "interval_start": times,
                "queue": queue,
                "offered": rng.poisson(level, len(times)).astype(float),
                "aht_seconds": 200.0,
            }
        )
        for queue, level in (("sales", 20.0), ("support", 8.0))
    ]
    return History(pd.concat(frames, ignore_index=True), 30, TZ, "synthetic")


def small_forecast() -> pd.DataFrame:
    times = pd.date_range("2025-02-03 09:00", periods=4, freq="30min", tz=TZ).append(
        pd.date_range("2025-02-04 09:00", periods=4, freq="30min", tz=TZ)
    )
    return pd.DataFrame(
        {
            "interval_start": times,
            "queue": "sales",
            "offered": [100.0, 80.0, 60.0, 40.0, 10.0, 20.0, 30.0, 0.0],
            "aht_seconds": [180.0, 180.0, 240.0, 240.0, 300.0, 300.0, 300.0, np.nan],
            "model": "test",
            "offered_p10": 0.0,
            "offered_p50": 0.0,
            "offered_p90": 0.0,
            "dispersion": 0.01,
        }
    )


# --- overrides --------------------------------------------------------------------------------
def test_override_recomputes_the_band_around_the_new_mean():
    forecast = small_forecast()
    overrides = pd.DataFrame(
        {
            "queue": ["sales"],
            "start": ["2025-02-03 09:00"],
            "end": ["2025-02-03 10:00"],
            "multiplier": [""],
            "value": ["100"],
            "reason": ["campaign"],
        }
    )
    result = override_forecast(forecast, overrides)
    assert list(result.columns[: len(forecast.columns)]) == list(forecast.columns)
    assert result["offered"].tolist()[:3] == [100.0, 100.0, 60.0]
    assert result["offered_before_override"].tolist()[:2] == [100.0, 80.0]
    assert result["override"].tolist()[:3] == ["campaign", "campaign", ""]
    # P90 (mid-quantile) of a Poisson–gamma count with mean 100 and dispersion 0.01 is
    # 118.44 (the doctest of wfm.forecast.quantiles.poisson_gamma_quantile)
    assert [round(value, 2) for value in result["offered_p90"].tolist()[:2]] == [118.44, 118.44]
    assert (
        result["offered_p10"].tolist()
        == poisson_gamma_quantile(result["offered"], 0.01, 0.1).tolist()
    )


# --- requirements -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def centre(sample_centre_path):
    return load_centre(sample_centre_path)


def test_centre_requirements_are_erlang_c_with_the_centres_targets(centre):
    forecast = small_forecast()
    got = centre_requirements(centre, forecast)
    expected = compute_requirements(
        forecast, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
    pd.testing.assert_frame_equal(got, expected)
    assert got["agents_required"].iloc[0] > got["agents_required"].iloc[3] > 0


def test_centre_requirements_at_a_quantile_staff_more(centre):
    forecast = small_forecast()
    p80 = centre_requirements(centre, forecast, quantile=0.8)
    expected = compute_requirements(
        quantile_forecast(forecast, 0.8),
        service_targets(centre),
        shrinkage_by_queue(centre),
        centre.interval_minutes,
    )
    pd.testing.assert_frame_equal(p80, expected)
    mean = centre_requirements(centre, forecast)
    assert (p80["offered"] >= mean["offered"]).all() and (p80["offered"] > mean["offered"]).any()
    assert (p80["agents_required"] >= mean["agents_required"]).all()


def test_a_quantile_of_a_forecast_without_band_is_refused(centre):
    with pytest.raises(InputError, match="no prediction band"):
        centre_requirements(centre, small_forecast().drop(columns="dispersion"), quantile=0.8)


# --- backtest model by model ------------------------------------------------------------------
def test_backtest_model_by_model_equals_one_backtest():
    history = small_history()
    models = ("seasonal_naive", "same_slot_average")
    reports = []
    one_by_one = backtest_models(
        history,
        models=models,
        horizons_days=(1,),
        origins=2,
        progress=lambda f, m: reports.append((f, m)),
    )
    together = backtest_history(history, models=models, horizons_days=(1,), origins=2, workers=1)
    pd.testing.assert_frame_equal(
        one_by_one.leaderboard.sort_values(["queue", "horizon_days", "model"], ignore_index=True),
        together.leaderboard.sort_values(["queue", "horizon_days", "model"], ignore_index=True),
    )
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("same_slot_average" in message for _, message in reports)
    assert 0 < fractions[len(fractions) // 2] < 1  # it moves between models


def test_backtest_of_no_model_is_refused():
    with pytest.raises(InputError):
        backtest_models(small_history(days=21), models=())


# --- daily totals -----------------------------------------------------------------------------
def test_forecast_daily_totals_by_hand():
    daily = forecast_daily_totals(small_forecast())
    assert daily["date"].tolist() == [dt.date(2025, 2, 3), dt.date(2025, 2, 4)]
    assert daily["offered"].tolist() == [280.0, 60.0]
    # contact-weighted AHT: (100*180 + 80*180 + 60*240 + 40*240) / 280
    assert daily["aht_seconds"].iloc[0] == pytest.approx((180 * 180 + 100 * 240) / 280)
    assert daily["aht_seconds"].iloc[1] == pytest.approx(300.0)  # the NaN AHT has no contacts
    assert daily["open_intervals"].tolist() == [4, 4]


def test_daily_totals_use_the_local_date_across_midnight_utc():
    # 23:30 and 00:30 in Sydney are one UTC day apart from their local dates
    times = pd.DatetimeIndex(["2025-02-03 23:30", "2025-02-04 00:30"]).tz_localize(
        "Australia/Sydney"
    )
    frame = pd.DataFrame(
        {"interval_start": times, "queue": "q", "offered": [1.0, 2.0], "aht_seconds": 60.0}
    )
    assert forecast_daily_totals(frame)["date"].tolist() == [
        dt.date(2025, 2, 3),
        dt.date(2025, 2, 4),
    ]


def test_requirements_daily_hours_match_the_intervals(centre):
    requirements = centre_requirements(centre, small_forecast())
    daily = requirements_daily_hours(requirements, 30)
    first = requirements.iloc[:4]
    assert daily["scheduled_agent_hours"].iloc[0] == pytest.approx(
        first["agents_scheduled_required"].sum() / 2
    )
    assert daily["productive_agent_hours"].iloc[0] == pytest.approx(
        first["agents_required"].sum() / 2
    )
    assert daily["peak_scheduled_agents"].iloc[0] == first["agents_scheduled_required"].max()
    assert daily["scheduled_agent_hours"].sum() == pytest.approx(
        requirements["agents_scheduled_required"].sum() * 0.5
    )
