"""The interval models MSTL and Holt-Winters: components, and falling back instead of failing."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_series, synthetic_frame

from wfm.forecast import make_model
from wfm.forecast.slots import wall_clock

FIRST_DATE = dt.date(2024, 1, 1)
TZ = "Europe/London"


def test_mstl_components_add_up_to_the_forecast() -> None:
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=56, seed=4))
    model = make_model("mstl").fit(y, 15)
    future = pd.date_range("2024-02-26 08:00", periods=40, freq="15min", tz=TZ).append(
        pd.date_range("2024-02-27 08:00", periods=40, freq="15min", tz=TZ)
    )
    components = model.predict_components(future)
    assert list(components.columns) == ["trend", "daily", "weekly"]
    np.testing.assert_allclose(np.expm1(components.sum(axis=1)), model.predict(future))
    assert components["trend"].nunique() == 1
    np.testing.assert_allclose(
        components["daily"].iloc[:40], components["daily"].iloc[40:]
    )  # one daily cycle
    _, minutes = wall_clock(future[:40])
    assert components["daily"].iloc[:40].idxmax().hour in range(9, 13)  # the late-morning peak


@pytest.mark.parametrize(
    "name,target",
    [
        ("mstl", "statsmodels.tsa.seasonal.MSTL"),  # imported where used
        ("holt_winters", "statsmodels.tsa.holtwinters.ExponentialSmoothing"),
    ],
)
def test_interval_models_fall_back_with_a_warning(name, target, monkeypatch, caplog) -> None:
    def broken(*args, **kwargs):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(target, broken)
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=42, queue="claims"))
    future = pd.date_range("2024-02-12 08:00", periods=40, freq="15min", tz=TZ)
    with caplog.at_level(logging.WARNING):
        model = make_model(name).fit(y, 15)
        values = model.predict(future)
    assert model.fallback_reason_ and "singular" in model.fallback_reason_
    assert any("claims" in record.message and name in record.message for record in caplog.records)
    np.testing.assert_allclose(values, make_model("same_slot_average").fit(y, 15).predict(future))
