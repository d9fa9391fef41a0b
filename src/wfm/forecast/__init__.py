"""Forecast offered contacts and AHT per interval (layer 2).

The entry point is :func:`forecast_history`. Volume models share one contract
(:class:`Forecaster`: ``fit(y, interval_minutes)`` then ``predict(index)``) and are listed
by name in :data:`MODELS`; :func:`make_model` builds one by name.
"""

from wfm.forecast.aht import forecast_aht
from wfm.forecast.base import MODELS, Forecaster, NotFittedError, make_model, register
from wfm.forecast.baselines import SameSlotAverage, SeasonalNaive
from wfm.forecast.calendar import forecast_grid, infer_opening_hours
from wfm.forecast.engine import FORECAST_RESULT_COLUMNS, MIN_HISTORY_DAYS, forecast_history
from wfm.forecast.metrics import wape
from wfm.forecast.models import DailyTotalsETS
from wfm.forecast.selection import ModelSelection, select_model

__all__ = [
    "FORECAST_RESULT_COLUMNS",
    "MIN_HISTORY_DAYS",
    "MODELS",
    "DailyTotalsETS",
    "Forecaster",
    "ModelSelection",
    "NotFittedError",
    "SameSlotAverage",
    "SeasonalNaive",
    "forecast_aht",
    "forecast_grid",
    "forecast_history",
    "infer_opening_hours",
    "make_model",
    "register",
    "select_model",
    "wape",
]
