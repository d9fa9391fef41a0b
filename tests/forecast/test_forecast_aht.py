"""AHT forecast: volume-weighted slot profile, shrunk towards the queue mean at low volume."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.forecast import forecast_aht

TZ = "Europe/London"
MONDAYS = pd.date_range("2024-01-01", periods=8, freq="7D")  # eight Mondays


def history_two_slots(busy_aht: float = 300.0, quiet_aht: float = 600.0) -> pd.DataFrame:
    """Eight Mondays with a busy 10:00 slot (100 calls) and a quiet 10:15 slot (1 call)."""
    rows = []
    for monday in MONDAYS:
        rows.append((monday + pd.Timedelta(hours=10), 100.0, busy_aht))
        rows.append((monday + pd.Timedelta(hours=10, minutes=15), 1.0, quiet_aht))
    frame = pd.DataFrame(rows, columns=["interval_start", "offered", "aht_seconds"])
    frame["interval_start"] = frame["interval_start"].dt.tz_localize(TZ)
    frame["queue"] = "sales"
    return frame


def next_monday(clock: str) -> pd.Timestamp:
    return pd.Timestamp(f"2024-02-26 {clock}").tz_localize(TZ)


def test_low_volume_slot_is_pulled_towards_the_queue_mean() -> None:
    history = history_two_slots()
    queue_mean = (800 * 300.0 + 8 * 600.0) / 808  # volume-weighted
    targets = pd.DatetimeIndex([next_monday("10:00"), next_monday("10:15")])

    busy, quiet = forecast_aht(history, targets, prior_contacts=30.0)
    assert busy == pytest.approx(300.0, rel=0.01)  # 800 contacts: keeps its own value
    assert queue_mean < quiet < 600.0
    assert quiet - queue_mean < 600.0 - quiet  # 8 contacts against a prior of 30: mostly the mean

    # The weight of the slot's own value is n / (n + k).
    n, k = 8.0, 30.0
    assert quiet == pytest.approx(n / (n + k) * 600.0 + k / (n + k) * queue_mean)


def test_shrinkage_grows_with_the_prior_and_vanishes_without_it() -> None:
    history = history_two_slots()
    target = pd.DatetimeIndex([next_monday("10:15")])
    values = [forecast_aht(history, target, prior_contacts=k)[0] for k in (0.0, 5.0, 30.0, 300.0)]
    assert values[0] == pytest.approx(600.0)
    assert np.all(np.diff(values) < 0)  # towards the mean (about 302 s) as k grows


def test_handled_is_the_weight_when_present() -> None:
    history = history_two_slots()
    history["handled"] = 10.0  # equal weights for both slots
    target = pd.DatetimeIndex([next_monday("11:00")])  # unseen slot: the queue mean
    assert forecast_aht(history, target)[0] == pytest.approx(450.0)
    history["handled"] = np.nan  # unknown handled counts fall back to offered
    assert forecast_aht(history, target)[0] == pytest.approx((800 * 300.0 + 8 * 600.0) / 808)


def test_only_the_last_weeks_count() -> None:
    history = history_two_slots()
    old = history.assign(
        interval_start=history["interval_start"] - pd.Timedelta(days=70), aht_seconds=1000.0
    )
    combined = pd.concat([old, history], ignore_index=True)
    target = pd.DatetimeIndex([next_monday("10:00")])
    assert forecast_aht(combined, target, weeks=8)[0] == pytest.approx(
        forecast_aht(history, target)[0]
    )
    assert forecast_aht(combined, target, weeks=30)[0] > 400.0


def test_missing_aht_is_ignored_and_all_missing_gives_nan() -> None:
    history = history_two_slots()
    history.loc[0, "aht_seconds"] = np.nan
    target = pd.DatetimeIndex([next_monday("10:00"), next_monday("10:15")])
    assert np.isfinite(forecast_aht(history, target)).all()
    history["aht_seconds"] = np.nan
    assert np.isnan(forecast_aht(history, target)).all()


def test_weekday_matters() -> None:
    history = history_two_slots()
    tuesday = history.assign(
        interval_start=history["interval_start"] + pd.Timedelta(days=1), aht_seconds=200.0
    )
    combined = pd.concat([history, tuesday], ignore_index=True)
    monday_value, tuesday_value = forecast_aht(
        combined,
        pd.DatetimeIndex([next_monday("10:00"), next_monday("10:00") + dt.timedelta(days=1)]),
    )
    assert monday_value == pytest.approx(300.0, rel=0.05)
    assert tuesday_value == pytest.approx(200.0, rel=0.05)


def test_input_not_modified_and_bad_parameters() -> None:
    history = history_two_slots()
    original = history.copy()
    forecast_aht(history, pd.DatetimeIndex([next_monday("10:00")]))
    pd.testing.assert_frame_equal(history, original)
    with pytest.raises(InputError):
        forecast_aht(history, pd.DatetimeIndex([next_monday("10:00")]), prior_contacts=-1)
