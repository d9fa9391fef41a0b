"""The forecaster contract, run against every registered model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_series, expected_volume, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import MODELS, Forecaster, NotFittedError, forecast_grid, make_model
from wfm.timegrid import OpeningHours

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
HISTORY_DAYS = 84  # twelve weeks
HOLIDAYS = (
    dt.date(2024, 1, 17),
    dt.date(2024, 2, 14),
    dt.date(2024, 3, 20),
)  # Wednesdays, one in the last week
WEEKDAYS_8_TO_18 = OpeningHours.from_strings(
    {day: "08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")}
)


@pytest.fixture(scope="module")
def history() -> pd.Series:
    """Weekdays 08:00–18:00, three missing days and 3 % of intervals missing."""
    frame = synthetic_frame(
        first_date=FIRST_DATE,
        days=HISTORY_DAYS,
        missing_dates=HOLIDAYS,
        missing_interval_fraction=0.03,
        seed=11,
    )
    return as_series(frame)


@pytest.fixture(scope="module")
def future() -> pd.DatetimeIndex:
    """Two weeks of open intervals after the history."""
    start = FIRST_DATE + dt.timedelta(days=HISTORY_DAYS)
    return forecast_grid(start, 14, 15, "Europe/London", WEEKDAYS_8_TO_18)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_contract(name: str, history: pd.Series, future: pd.DatetimeIndex) -> None:
    original = history.copy()
    model = make_model(name)
    assert isinstance(model, Forecaster)
    assert model.name == name
    assert not [key for key in vars(model) if key.endswith("_")], (
        "the constructor must only store parameters"
    )
    assert type(model)(**model.get_params()).get_params() == model.get_params()

    assert model.fit(history, 15) is model
    assert [key for key in vars(model) if key.endswith("_")], (
        "fit must store state in attributes ending in _"
    )
    forecast = model.predict(future)

    assert isinstance(forecast, np.ndarray)
    assert forecast.shape == (len(future),)
    assert np.isfinite(forecast).all()
    assert (forecast >= 0).all()
    pd.testing.assert_series_equal(history, original)  # input not mutated

    again = make_model(name).fit(history, 15).predict(future)
    np.testing.assert_array_equal(forecast, again)  # deterministic

    # The time zone of the requested index does not matter, only the instants.
    np.testing.assert_allclose(model.predict(future.tz_convert("UTC")), forecast)

    # Roughly right: the two weeks' volume within 15 % of the generating mean.
    truth = expected_volume(future, first_date=FIRST_DATE, daily_volume=2000.0)
    assert forecast.sum() == pytest.approx(truth.sum(), rel=0.15)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_contract_unseen_slots_and_empty_index(name: str, history: pd.Series) -> None:
    model = make_model(name).fit(history, 15)
    # A Saturday and an early-morning slot never seen in the history.
    unseen = pd.DatetimeIndex(["2024-03-30 12:00", "2024-03-26 06:00"]).tz_localize("Europe/London")
    values = model.predict(unseen)
    assert values.shape == (2,)
    assert np.isfinite(values).all() and (values >= 0).all()
    assert model.predict(pd.DatetimeIndex([], tz="Europe/London")).shape == (0,)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_contract_predict_before_fit_raises(name: str, future: pd.DatetimeIndex) -> None:
    with pytest.raises(NotFittedError):
        make_model(name).predict(future)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_contract_rejects_bad_history(name: str, history: pd.Series) -> None:
    with pytest.raises(InputError, match="tz-aware"):
        make_model(name).fit(history.tz_localize(None), 15)
    negative = history.copy()
    negative.iloc[3] = -1.0
    with pytest.raises(InputError, match="negative"):
        make_model(name).fit(negative, 15)
    with pytest.raises(InputError, match="interval length"):
        make_model(name).fit(history, 7)
    with pytest.raises(InputError, match="time zone"):
        make_model(name).fit(history, 15).predict(pd.DatetimeIndex(["2024-04-01 09:00"]))


def test_make_model_unknown_name_lists_known_models() -> None:
    with pytest.raises(InputError) as error:
        make_model("prophet")
    message = str(error.value)
    assert "prophet" in message
    for name in MODELS:
        assert name in message


def test_make_model_bad_parameter() -> None:
    with pytest.raises(InputError, match="same_slot_average"):
        make_model("same_slot_average", window=3)


def test_registry_holds_the_required_models() -> None:
    assert {"seasonal_naive", "same_slot_average", "daily_totals_ets"} <= set(MODELS)
