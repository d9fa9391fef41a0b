"""The intraday update's prior takes the centre's stated closed dates (issue 18)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from test_forecast_after_closure import CLOSED, planted_history

from wfm.data.schemas import History
from wfm.forecast.after_closure import ClosureCalendar
from wfm.forecast.intraday_update import fit_update_parameters
from wfm.forecast.selection import select_model
from wfm.forecast.update_priors import learn_update_priors

#: A Wednesday the centre states closed; a skeleton service still took 3 % of the calls.
SHUT = dt.date(2024, 4, 17)
DAY = dt.date(2024, 4, 22)
FORECAST = pd.DataFrame({"queue": ["q"], "model": ["top_down"]})


def trickle_history() -> History:
    history = planted_history(CLOSED, last=np.datetime64("2024-04-19"))
    frame = history.frame.copy()
    on = frame["interval_start"].dt.date == SHUT
    frame.loc[on, "offered"] = np.round(frame.loc[on, "offered"] * 0.03)
    return History(frame, 15, "Europe/London", "trickle")


def test_a_stated_closed_date_does_not_enter_the_prior_as_a_miss() -> None:
    history = trickle_history()
    stated = ClosureCalendar(closed=np.array([SHUT], dtype="datetime64[D]"))
    prior = learn_update_priors(history, DAY, FORECAST, closures=stated)["q"]
    # independent: the prior fitted on the day-ahead backtest without that date at all
    frame = history.frame
    y = pd.Series(
        frame["offered"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(frame["interval_start"]),
        name="q",
    )
    detail = select_model(y, 15, candidates=["top_down"], horizon_days=1, closures=stated).detail
    day_ahead = detail[detail["horizon_days"] == 1]
    on_shut = day_ahead["target_date"] == SHUT
    assert on_shut.any() and (day_ahead.loc[on_shut, "forecast"] == 0).all()
    assert prior == fit_update_parameters(day_ahead[~on_shut])
    # not stated, the day is a 97 % miss the prior learns to chase
    unstated = learn_update_priors(history, DAY, FORECAST)["q"]
    assert unstated.level_sd > 2 * prior.level_sd
