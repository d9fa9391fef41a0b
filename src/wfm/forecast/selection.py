"""Automatic model choice: the lowest rolling-origin WAPE at the requested horizon."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.forecast.backtest import DEFAULT_MODELS, backtest_series, leaderboard
from wfm.forecast.base import make_model

logger = logging.getLogger(__name__)

#: Target days scored per candidate when choosing a model.
SELECTION_ORIGINS = 5

#: Longest lead the choice is scored at [days]: beyond a week the same-slot models
#: repeat their last week, and a longer lead only needs more history.
MAX_SELECTION_LEAD_DAYS = 7

#: Model used when the history is too short for a backtest.
DEFAULT_MODEL = "same_slot_average"


@dataclass(frozen=True)
class ModelSelection:
    """The outcome of :func:`select_model`.

    Parameters
    ----------
    name
        Registry name of the chosen model.
    wape_by_model
        Backtest WAPE (fraction) of each candidate that could be scored; empty when the
        history was too short and :data:`DEFAULT_MODEL` was taken.
    lead_days
        Lead the candidates were scored at [days] (0 when no backtest was run).
    origins
        Target days scored (0 when no backtest was run).
    detail
        The backtest's per-interval frame (:data:`~wfm.forecast.backtest.DETAIL_COLUMNS`),
        used to calibrate the prediction quantiles; ``None`` without a backtest.
    """

    name: str
    wape_by_model: dict[str, float] = field(default_factory=dict)
    lead_days: int = 0
    origins: int = 0
    detail: pd.DataFrame | None = field(default=None, repr=False, compare=False)


def select_model(
    y: pd.Series,
    interval_minutes: int,
    candidates: Sequence[str] | None = None,
    horizon_days: int = 7,
    origins: int = SELECTION_ORIGINS,
) -> ModelSelection:
    """Pick the candidate with the lowest rolling-origin WAPE at the forecast's horizon.

    Each candidate forecasts each of the last ``origins`` observed days from the history
    that ends ``lead`` days before it, with ``lead = min(horizon_days, 7)``
    (:func:`~wfm.forecast.backtest.backtest_series`); errors are pooled over the days and
    the lowest WAPE wins (ties go to the earlier candidate). Without enough history for
    one such fit, :data:`DEFAULT_MODEL` is chosen.

    Parameters
    ----------
    y
        Offered contacts per interval of one queue (see :class:`~wfm.forecast.base.Forecaster`).
    interval_minutes
        Interval length [minutes].
    candidates
        Registry names to compare; default :data:`~wfm.forecast.backtest.DEFAULT_MODELS`.
    horizon_days
        Days the forecast will cover [days].
    origins
        Target days scored.

    Returns
    -------
    ModelSelection
    """
    candidates = list(DEFAULT_MODELS if candidates is None else candidates)
    for name in candidates:
        make_model(name)  # unknown names raise here, before any fitting
    queue = "?" if y.name is None else str(y.name)
    lead = int(max(1, min(horizon_days, MAX_SELECTION_LEAD_DAYS)))
    detail = backtest_series(
        y, interval_minutes, models=candidates, horizons_days=(lead,), origins=origins
    )
    board = leaderboard(detail)
    board = board[np.isfinite(board["wape"].to_numpy(dtype=float))] if not board.empty else board
    if board.empty:
        logger.info(
            "queue %s: too little history to compare models; using %s", queue, DEFAULT_MODEL
        )
        return ModelSelection(DEFAULT_MODEL)
    scores = dict(zip(board["model"], board["wape"].astype(float), strict=True))
    best = min((name for name in candidates if name in scores), key=scores.__getitem__)
    logger.info(
        "queue %s: WAPE %d day(s) ahead over the last %d days: %s; chose %s",
        queue,
        lead,
        int(board["days"].max()),
        ", ".join(f"{name} {scores[name]:.3f}" for name in candidates if name in scores),
        best,
    )
    return ModelSelection(
        best,
        {name: scores[name] for name in candidates if name in scores},
        lead,
        int(board["days"].max()),
        detail,
    )
