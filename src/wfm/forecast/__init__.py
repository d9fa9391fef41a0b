"""Forecast offered contacts and AHT per interval (layer 2).

The entry point is :func:`forecast_history`; :func:`backtest_history` scores the models
by rolling origin, :func:`quantile_forecast` turns a forecast into one at a quantile
(e.g. P80 for staffing), :func:`update_rest_of_day_state` re-forecasts the rest of a day from its arrivals so far
(with the prior :func:`learn_update_priors` learns as the forecast does), and
:class:`HolidayCalendar` holidays are day types whose effect
:func:`learn_holiday_effects` learns from the history. Volume models share one contract
(:class:`Forecaster`: ``fit(y, interval_minutes)`` then ``predict(index)``) and are listed
by name in :data:`MODELS`; :func:`make_model` builds one by name.
"""

from wfm.forecast.aht import forecast_aht
from wfm.forecast.backtest import BacktestResult, backtest_history, backtest_series, leaderboard
from wfm.forecast.base import MODELS, Forecaster, NotFittedError, make_model, register
from wfm.forecast.baselines import SameSlotAverage, SeasonalNaive
from wfm.forecast.calendar import forecast_grid, infer_opening_hours
from wfm.forecast.combination import BacktestWeightedCombination, EqualWeightCombination
from wfm.forecast.engine import FORECAST_RESULT_COLUMNS, MIN_HISTORY_DAYS, forecast_history
from wfm.forecast.factor import FactorModel
from wfm.forecast.holiday_effects import HolidayCalendar, learn_holiday_effects
from wfm.forecast.intraday import HoltWintersIntraday, MSTLModel
from wfm.forecast.intraday_update import (
    UpdateParameters,
    day_factor,
    fit_update_parameters,
    update_rest_of_day_state,
)
from wfm.forecast.metrics import bias, mape, mase, wape
from wfm.forecast.models import DailyTotalsETS
from wfm.forecast.overrides import apply_overrides, read_overrides
from wfm.forecast.quantiles import (
    calibrate_dispersion,
    dispersion_by_lead,
    fit_dispersion,
    poisson_gamma_quantile,
    quantile_forecast,
)
from wfm.forecast.root_profile import RootProfileModel
from wfm.forecast.selection import ModelSelection, select_model
from wfm.forecast.special_days import SpecialDay, apply_special_days, read_special_days
from wfm.forecast.topdown import TopDownCalendar, WeightedSameSlotAverage
from wfm.forecast.update_priors import learn_update_priors

__all__ = [
    "BacktestResult",
    "HolidayCalendar",
    "HoltWintersIntraday",
    "MSTLModel",
    "SpecialDay",
    "apply_overrides",
    "apply_special_days",
    "backtest_history",
    "day_factor",
    "learn_holiday_effects",
    "learn_update_priors",
    "update_rest_of_day_state",
    "UpdateParameters",
    "fit_update_parameters",
    "backtest_series",
    "bias",
    "calibrate_dispersion",
    "dispersion_by_lead",
    "fit_dispersion",
    "leaderboard",
    "mape",
    "mase",
    "poisson_gamma_quantile",
    "quantile_forecast",
    "read_overrides",
    "read_special_days",
    "FORECAST_RESULT_COLUMNS",
    "MIN_HISTORY_DAYS",
    "MODELS",
    "BacktestWeightedCombination",
    "DailyTotalsETS",
    "EqualWeightCombination",
    "FactorModel",
    "Forecaster",
    "ModelSelection",
    "NotFittedError",
    "RootProfileModel",
    "SameSlotAverage",
    "SeasonalNaive",
    "TopDownCalendar",
    "WeightedSameSlotAverage",
    "forecast_aht",
    "forecast_grid",
    "forecast_history",
    "infer_opening_hours",
    "make_model",
    "register",
    "select_model",
    "wape",
]
