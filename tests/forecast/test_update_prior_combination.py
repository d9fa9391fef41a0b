"""The intraday update's prior learns with ``auto``'s combinations too (issue 18)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from test_forecast_after_closure import planted_history

from wfm.forecast.intraday_update import DEFAULT_UPDATE, fit_update_parameters
from wfm.forecast.selection import AUTO_COMBINATIONS, select_model
from wfm.forecast.update_priors import learn_update_priors

COMBO = "combination(factor+root_profile)"
DAY = dt.date(2024, 4, 22)


@pytest.mark.parametrize("suffix", ["", " + intraday update x1.043"])
def test_a_combination_in_the_model_column_gets_its_own_learnt_prior(suffix: str) -> None:
    assert COMBO in AUTO_COMBINATIONS  # the label auto writes on the bank data
    history = planted_history(last=np.datetime64("2024-04-19"))
    forecast = pd.DataFrame({"queue": ["q"], "model": [COMBO + suffix]})
    priors = learn_update_priors(history, DAY, forecast)
    assert set(priors) == {"q"}
    # independent: the day-ahead backtest of that combination, fitted directly
    frame = history.frame
    y = pd.Series(
        frame["offered"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(frame["interval_start"]),
        name="q",
    )
    detail = select_model(y, 15, candidates=[COMBO], horizon_days=1).detail
    rows = detail[(detail["model"] == COMBO) & (detail["horizon_days"] == 1)]
    assert len(rows) > 0
    expected = fit_update_parameters(rows)
    assert priors["q"] == expected
    assert priors["q"] != DEFAULT_UPDATE
