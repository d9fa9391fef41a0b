"""Rolling-origin backtest, leaderboard, accuracy metrics and the parallel queue runner."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, as_series, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import (
    backtest_history,
    backtest_series,
    bias,
    forecast_history,
    leaderboard,
    mape,
    mase,
)
from wfm.forecast.backtest import DETAIL_COLUMNS, LEADERBOARD_COLUMNS
from wfm.forecast.metrics import seasonal_naive_scale

FIRST_DATE = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def history():
    frames = [
        synthetic_frame(first_date=FIRST_DATE, days=63, seed=seed, queue=queue, daily_volume=volume)
        for seed, (queue, volume) in enumerate([("sales", 2000.0), ("service", 600.0)])
    ]
    return as_history(pd.concat(frames, ignore_index=True))


def test_metrics_by_hand() -> None:
    actual, forecast = np.array([10.0, 0.0, 20.0]), np.array([12.0, 2.0, 18.0])
    assert mape(actual, forecast) == pytest.approx((0.2 + 0.1) / 2)  # the zero interval is left out
    assert bias(actual, forecast) == pytest.approx(2.0 / 30.0)
    assert mase(actual, forecast, np.array([2.0, 2.0, np.nan])) == pytest.approx(1.0)
    assert np.isnan(bias([0.0], [1.0])) and np.isnan(mape([0.0], [1.0]))
    with pytest.raises(ValueError):
        mape([1.0, 2.0], [1.0])


def test_seasonal_naive_scale_is_the_weekly_mae() -> None:
    table = pd.DataFrame({600: [1.0] * 7 + [3.0] * 7})
    assert seasonal_naive_scale(table) == pytest.approx(2.0)
    assert np.isnan(seasonal_naive_scale(table.iloc[:7]))


def test_each_fit_sees_only_history_before_its_cut_off(history) -> None:
    y = as_series(history.frame[history.frame["queue"] == "sales"])
    detail = backtest_series(y, 15, models=("seasonal_naive",), horizons_days=(1, 7), origins=3)
    assert tuple(detail.columns) == DETAIL_COLUMNS
    targets = sorted(detail["target_date"].unique())
    assert len(targets) == 3  # the last three weekdays with volume
    for (target, _horizon), rows in detail.groupby(["target_date", "horizon_days"]):
        # Seasonal naive reads the same slot a week before the target, which every cut-off allows...
        earlier = y[
            y.index.tz_localize(None).normalize() == pd.Timestamp(target) - pd.Timedelta(days=7)
        ]
        np.testing.assert_array_equal(rows["forecast"].to_numpy(), earlier.to_numpy())
        np.testing.assert_array_equal(
            rows["actual"].to_numpy(),
            y[y.index.tz_localize(None).normalize() == pd.Timestamp(target)].to_numpy(),
        )
    # ...and a model that sees the target day would forecast it exactly: the baseline does not.
    assert (detail["forecast"] != detail["actual"]).any()


def test_leaderboard_ranks_by_wape_per_queue_and_horizon(history) -> None:
    result = backtest_history(
        history, models=("seasonal_naive", "same_slot_average", "top_down"), origins=4, workers=1
    )
    board = result.leaderboard
    assert tuple(board.columns) == LEADERBOARD_COLUMNS
    assert len(board) == 2 * 2 * 3  # queues x horizons x models
    for _, rows in board.groupby(["queue", "horizon_days"]):
        assert rows["rank"].tolist() == [1, 2, 3]
        assert rows["wape"].is_monotonic_increasing
        assert (rows["days"] == 4).all()
    # Stationary Poisson data: averaging beats repeating one noisy week.
    sales = board[(board["queue"] == "sales") & (board["horizon_days"] == 1)].set_index("model")[
        "wape"
    ]
    assert sales["same_slot_average"] < sales["seasonal_naive"]
    assert (
        result.best_model("sales", 1)
        == board.loc[
            (board["queue"] == "sales") & (board["horizon_days"] == 1) & (board["rank"] == 1),
            "model",
        ].item()
    )
    # The pooled detail gives the same WAPE as the leaderboard.
    rows = result.detail[
        (result.detail["queue"] == "sales")
        & (result.detail["horizon_days"] == 1)
        & (result.detail["model"] == "seasonal_naive")
    ]
    assert np.abs(rows["actual"] - rows["forecast"]).sum() / rows["actual"].sum() == pytest.approx(
        sales["seasonal_naive"]
    )


def test_too_short_history_gives_an_empty_backtest() -> None:
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=12))
    detail = backtest_series(y, 15, models=("seasonal_naive",), horizons_days=(1,), origins=2)
    assert detail.empty and leaderboard(detail).empty


@pytest.mark.parametrize(
    "options", [{"models": ("nope",)}, {"horizons_days": (0,)}, {"origins": 0}, {"models": ()}]
)
def test_bad_backtest_options_are_refused(history, options) -> None:
    with pytest.raises(InputError):
        backtest_history(history, **options)


def test_workers_do_not_change_the_results(history, monkeypatch) -> None:
    monkeypatch.setattr("wfm.forecast.parallel.MIN_ROWS_FOR_WORKERS", 0)
    serial = forecast_history(history, model="top_down", workers=1)
    calls = []
    parallel = forecast_history(
        history, model="top_down", workers=2, progress=lambda done, message: calls.append(done)
    )
    pd.testing.assert_frame_equal(serial, parallel)
    assert calls[-1] == 1.0 and calls == sorted(calls)
    board_serial = backtest_history(history, models=("top_down",), origins=2, workers=1).leaderboard
    board_parallel = backtest_history(
        history, models=("top_down",), origins=2, workers=2
    ).leaderboard
    pd.testing.assert_frame_equal(board_serial, board_parallel)


def test_workers_that_cannot_start_fall_back_to_one_process(history, monkeypatch, caplog) -> None:
    def broken(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr("wfm.forecast.parallel.MIN_ROWS_FOR_WORKERS", 0)
    monkeypatch.setattr("wfm.execution.ProcessPoolExecutor", broken)
    with caplog.at_level("WARNING"):
        result = forecast_history(history, model="seasonal_naive", workers=2)
    pd.testing.assert_frame_equal(
        result, forecast_history(history, model="seasonal_naive", workers=1)
    )
    assert any("one by one" in record.message for record in caplog.records)
