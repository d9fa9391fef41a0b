"""Special days (closures, reduced hours, uplifts, outliers) and planner overrides."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import (
    SpecialDay,
    apply_overrides,
    forecast_history,
    read_overrides,
    read_special_days,
)

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday; 8 weeks of history end on Sunday 25 Feb
MONDAY = dt.date(2024, 2, 26)


@pytest.fixture(scope="module")
def history():
    return as_history(synthetic_frame(first_date=FIRST_DATE, days=56, seed=7))


@pytest.fixture(scope="module")
def plain(history):
    return forecast_history(history, model="same_slot_average", horizon_days=7)


def _local(frame):
    return frame["interval_start"].dt.tz_localize(None)


def test_special_days_close_shorten_and_uplift(history, plain, tmp_path) -> None:
    path = tmp_path / "special.csv"
    path.write_text(
        "start_date,end_date,kind,factor,open,close,reason\n"
        "2024-02-26,,closed,,,,staff day\n"
        "2024-02-27,2024-02-27,reduced_hours,,10:00,12:00,training\n"
        "2024-02-28,2024-02-29,uplift,1.5,,,mailing\n"
    )
    result = forecast_history(
        history, model="same_slot_average", horizon_days=7, special_days=read_special_days(path)
    )
    local = _local(result)
    assert dt.date(2024, 2, 26) not in set(local.dt.date)
    tuesday = result[local.dt.date == dt.date(2024, 2, 27)]
    assert len(tuesday) == 8 and (tuesday["special_day"] == "training").all()
    merged = result.merge(plain, on=["interval_start", "queue"], suffixes=("", "_plain"))
    uplift = merged[merged["special_day"] == "mailing"]
    assert len(uplift) == 2 * 40
    np.testing.assert_allclose(uplift["offered"], 1.5 * uplift["offered_plain"])
    assert (uplift["offered_p90"] >= uplift["offered_p90_plain"]).all()
    friday = merged[merged["interval_start"].dt.tz_localize(None).dt.date == dt.date(2024, 3, 1)]
    np.testing.assert_allclose(friday["offered"], friday["offered_plain"])
    assert (friday["special_day"] == "").all()


def test_special_days_in_the_history_are_not_trained_on(history) -> None:
    frame = history.frame.copy()
    outage = frame["interval_start"].dt.tz_localize(None).dt.date == dt.date(
        2024, 2, 19
    )  # the last Monday
    frame.loc[outage, "offered"] *= 10
    spiked = as_history(frame)
    outlier = (SpecialDay(dt.date(2024, 2, 19), dt.date(2024, 2, 19), "outlier", reason="outage"),)
    clean = forecast_history(history, model="seasonal_naive", start_date=MONDAY, horizon_days=1)
    ignored = forecast_history(
        spiked, model="seasonal_naive", start_date=MONDAY, horizon_days=1, special_days=outlier
    )
    naive = forecast_history(spiked, model="seasonal_naive", start_date=MONDAY, horizon_days=1)
    assert naive["offered"].sum() > 5 * clean["offered"].sum()  # the outage would be copied...
    # ...but left out, seasonal naive goes back to the Monday before.
    earlier = history.frame[
        history.frame["interval_start"].dt.tz_localize(None).dt.date == dt.date(2024, 2, 12)
    ]
    np.testing.assert_allclose(ignored["offered"], earlier["offered"])


@pytest.mark.parametrize(
    "content,expected",
    [
        ("start_date,kind\n2024-02-26,holiday\n", "kind"),
        ("start_date,end_date,kind\n2024-02-26,2024-02-20,closed\n", "ends before"),
        ("start_date,kind,open,close\n2024-02-26,reduced_hours,12:00,10:00\n", "close after open"),
        ("start_date,kind,factor\nsoon,uplift,2\n", "line 2"),
        ("kind\nclosed\n", "start_date"),
    ],
)
def test_bad_special_days_are_clear_errors(tmp_path, content, expected) -> None:
    path = tmp_path / "special.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=expected):
        read_special_days(path)


def test_overrides_multiply_or_replace_and_are_recorded(plain, tmp_path) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text(
        "queue,start,end,multiplier,value,reason\n"
        "sales,2024-02-26 08:00,2024-02-26 09:00,2,,campaign\n"
        "*,2024-02-27,2024-02-27,,7,system test\n"
    )
    result = apply_overrides(plain, read_overrides(path))
    local = _local(result)
    campaign = (local >= pd.Timestamp("2024-02-26 08:00")) & (
        local < pd.Timestamp("2024-02-26 09:00")
    )
    assert campaign.sum() == 4
    np.testing.assert_allclose(result.loc[campaign, "offered"], 2 * plain.loc[campaign, "offered"])
    assert (result.loc[campaign, "override"] == "campaign").all()
    tuesday = local.dt.date == dt.date(2024, 2, 27)
    assert (result.loc[tuesday, "offered"] == 7).all() and tuesday.sum() == 40
    untouched = ~campaign & ~tuesday
    pd.testing.assert_series_equal(
        result.loc[untouched, "offered"], plain.loc[untouched, "offered"]
    )
    assert (result.loc[untouched, "override"] == "").all()
    np.testing.assert_allclose(result["offered_before_override"], plain["offered"])


def test_overrides_through_forecast_history_update_the_quantiles(history, plain) -> None:
    overrides = pd.DataFrame(
        {
            "queue": ["sales"],
            "start": ["2024-02-26"],
            "end": ["2024-02-26"],
            "multiplier": ["3"],
            "value": [""],
            "reason": ["promo"],
        }
    )
    result = forecast_history(
        history, model="same_slot_average", horizon_days=7, overrides=overrides
    )
    monday = _local(result).dt.date == dt.date(2024, 2, 26)
    assert (result.loc[monday, "offered_p90"] > plain.loc[monday, "offered_p90"]).all()
    assert (result.loc[monday, "override"] == "promo").all()


@pytest.mark.parametrize(
    "content,expected",
    [
        (
            "queue,start,end,multiplier,value,reason\nsales,2024-02-26,2024-02-26,2,5,both\n",
            "exactly one",
        ),
        (
            "queue,start,end,multiplier,reason\nsales,2024-02-26 10:00,2024-02-26 09:00,2,x\n",
            "ends before",
        ),
        ("queue,start,end,multiplier,reason\nsales,later,2024-02-26,2,x\n", "line 2"),
        ("queue,start,end,multiplier,reason\nsales,2024-02-26,2024-02-26,-1,x\n", "0 or more"),
        ("queue,start,reason\nsales,2024-02-26,x\n", "start, end"),
    ],
)
def test_bad_overrides_are_clear_errors(tmp_path, content, expected) -> None:
    path = tmp_path / "overrides.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=expected):
        read_overrides(path)
