"""One workflow step at a time, from results saved earlier (layer 3).

:func:`wfm.plan.chain.run_plan` runs the whole chain at once. A planner working in the app (or a
notebook on a :class:`wfm.plan.workspace.Workspace`) runs the steps one by one instead, each
from the previous step's saved result: this module holds those single steps where they
are more than one library call.

- :func:`override_forecast`: a saved forecast with planner overrides applied and its
  prediction quantiles recomputed around the new mean.
- :func:`centre_requirements`: the requirements of a saved forecast with the centre's
  targets and shrinkage, optionally staffed to a quantile of the volume (P80, P90).
- :func:`backtest_models`: the rolling-origin backtest one model at a time, so that a
  progress bar moves (and can be stopped) between models.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from wfm.config import Centre
from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.forecast import quantile_forecast
from wfm.forecast.backtest import (
    DEFAULT_HORIZONS_DAYS,
    DEFAULT_MODELS,
    DEFAULT_ORIGINS,
    BacktestResult,
    backtest_history,
    leaderboard,
)
from wfm.forecast.overrides import apply_overrides
from wfm.forecast.quantiles import add_quantile_columns
from wfm.plan.chain import service_targets, shrinkage_by_queue
from wfm.progress import ProgressCallback, no_progress, scaled

#: Quantile levels a planner may staff to (fraction -> label).
STAFFING_QUANTILES = {0.5: "P50", 0.8: "P80", 0.9: "P90"}


def override_forecast(forecast: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """``forecast`` with the overrides applied, and its quantile columns recomputed.

    Parameters
    ----------
    forecast
        A forecast as :func:`wfm.forecast.forecast_history` returns it.
    overrides
        Rows ``queue, start, end, multiplier, value, reason`` (:mod:`wfm.forecast.overrides`).

    Returns
    -------
    pandas.DataFrame
        Same rows and columns; ``offered`` [contacts per interval] overridden (the modelled
        value kept in ``offered_before_override``, the reason in ``override``) and, when the
        forecast has a ``dispersion``, ``offered_p10/p50/p90`` recomputed from the new mean
        (as :func:`~wfm.forecast.forecast_history` does after its own overrides).
    """
    result = apply_overrides(forecast, overrides)
    if "dispersion" in result.columns:
        result = add_quantile_columns(result)
    return result[[*forecast.columns, *[c for c in result.columns if c not in forecast.columns]]]


def centre_requirements(
    centre: Centre, forecast: pd.DataFrame, *, quantile: float | None = None
) -> pd.DataFrame:
    """Agents required per interval for a forecast, with the centre's targets and shrinkage.

    Parameters
    ----------
    centre
        Service targets per queue and shrinkage (:func:`wfm.plan.chain.service_targets`,
        :func:`wfm.plan.chain.shrinkage_by_queue`) and the interval length.
    forecast
        A forecast (``interval_start, queue, offered, aht_seconds``, and ``dispersion`` for
        a quantile).
    quantile
        Staff to this quantile of the volume (fraction in (0, 1), e.g. 0.8 for P80, as
        ``wfm staff --quantile``); ``None`` staffs to the point forecast (the mean).

    Returns
    -------
    pandas.DataFrame
        :func:`wfm.staffing.compute_requirements`' frame (Erlang C); its ``offered`` is the
        volume staffed to.

    Raises
    ------
    InputError
        For a quantile outside (0, 1), or one asked of a forecast without ``dispersion``.
    """
    from wfm.staffing import compute_requirements

    if quantile is not None:
        if "dispersion" not in forecast.columns:
            raise InputError(
                "this forecast has no prediction band, so it cannot be staffed to a quantile",
                column="dispersion",
                value=quantile,
                fix="staff to the point forecast, or run the forecast again with wfm",
            )
        forecast = quantile_forecast(forecast, quantile)
    return compute_requirements(
        forecast,
        service_targets(centre),
        shrinkage_by_queue(centre),
        centre.interval_minutes,
        source="the saved forecast",
    )


def backtest_models(
    history: History,
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    horizons_days: Sequence[int] = DEFAULT_HORIZONS_DAYS,
    origins: int = DEFAULT_ORIGINS,
    progress: ProgressCallback | None = None,
) -> BacktestResult:
    """:func:`wfm.forecast.backtest_history` run one model at a time, in this process.

    Models are backtested independently, so the result is the same as one call with every
    model; running them one by one reports progress after each model (and lets a caller
    stop between models by raising from ``progress``).

    Parameters
    ----------
    history
        Validated interval history (all its queues are backtested).
    models, horizons_days, origins
        As :func:`~wfm.forecast.backtest_history`.
    progress
        ``progress(fraction_done, message)``.
    """
    report = progress or no_progress
    models = tuple(models)
    if not models:
        raise InputError("no forecast model to backtest", fix="name at least one model")
    details = []
    for number, model in enumerate(models):
        step = scaled(progress, number / len(models), (number + 1) / len(models))
        report(number / len(models), f"backtesting {model} ({number + 1} of {len(models)})")
        result = backtest_history(
            history,
            models=(model,),
            horizons_days=horizons_days,
            origins=origins,
            workers=1,
            progress=lambda fraction, message, step=step, model=model: step(
                fraction, f"{model}: {message}"
            ),
        )
        details.append(result.detail)
    report(1.0, "backtest done")
    detail = pd.concat(details, ignore_index=True)
    return BacktestResult(detail, leaderboard(detail))
