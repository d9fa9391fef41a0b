"""Automatic model choice by a holdout test on the most recent history."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.forecast.base import MODELS, make_model
from wfm.forecast.metrics import wape
from wfm.forecast.slots import wall_clock

logger = logging.getLogger(__name__)

#: Days held out at the end of the history to score the candidate models [days].
HOLDOUT_DAYS = 14

#: Fewest days of history left to fit on after the holdout [days].
MIN_TRAINING_DAYS = 14

#: Model used when the history is too short to hold any out.
DEFAULT_MODEL = "same_slot_average"


@dataclass(frozen=True)
class ModelSelection:
    """The outcome of :func:`select_model`.

    Parameters
    ----------
    name
        Registry name of the chosen model.
    wape_by_model
        Holdout WAPE (fraction) of each candidate, ``inf`` for one that failed; empty when
        the history was too short to hold out and :data:`DEFAULT_MODEL` was taken.
    holdout_days
        Days held out [days] (0 when no test was run).
    """

    name: str
    wape_by_model: dict[str, float] = field(default_factory=dict)
    holdout_days: int = 0


def select_model(
    y: pd.Series,
    interval_minutes: int,
    candidates: Sequence[str] | None = None,
    holdout_days: int = HOLDOUT_DAYS,
) -> ModelSelection:
    """Pick the candidate with the lowest WAPE on the last ``holdout_days`` of history.

    Every candidate is fitted on the history before the holdout (calendar days, local
    time) and forecasts the holdout's intervals; the lowest WAPE wins (ties go to the
    earlier candidate). The holdout forecasts look up to ``holdout_days`` ahead, which
    matches a plan made for the next one or two weeks. When fewer than
    :data:`MIN_TRAINING_DAYS` days would be left to fit on, no test is run and
    :data:`DEFAULT_MODEL` is chosen.

    Parameters
    ----------
    y
        Offered contacts per interval of one queue (see :class:`~wfm.forecast.base.Forecaster`).
    interval_minutes
        Interval length [minutes].
    candidates
        Registry names to compare; default all of :data:`~wfm.forecast.base.MODELS`.
    holdout_days
        Length of the holdout [days].

    Returns
    -------
    ModelSelection
    """
    candidates = list(MODELS) if candidates is None else list(candidates)
    for name in candidates:
        make_model(name)  # unknown names raise here, before any fitting
    queue = "?" if y.name is None else str(y.name)
    dates, _ = wall_clock(y.index)
    cut = dates.max() - np.timedelta64(holdout_days, "D")
    train, test = y[dates <= cut], y[dates > cut]
    train_days = int((cut - dates.min()).astype(np.int64)) + 1 if len(train) else 0
    if train_days < MIN_TRAINING_DAYS or test.sum() <= 0:
        logger.info(
            "queue %s: too little history to compare models (%d days before the %d-day holdout); using %s",
            queue,
            max(train_days, 0),
            holdout_days,
            DEFAULT_MODEL,
        )
        return ModelSelection(DEFAULT_MODEL)

    scores: dict[str, float] = {}
    for name in candidates:
        try:
            forecast = make_model(name).fit(train, interval_minutes).predict(test.index)
            scores[name] = wape(test.to_numpy(dtype=float), forecast)
        except Exception as error:  # a candidate that breaks is skipped, not fatal
            logger.warning("queue %s: model %s failed in the holdout test (%s)", queue, name, error)
            scores[name] = float("inf")
    best = min(scores, key=scores.__getitem__)  # first of equal scores wins
    logger.info(
        "queue %s: holdout WAPE over the last %d days: %s; chose %s",
        queue,
        holdout_days,
        ", ".join(f"{name} {score:.3f}" for name, score in scores.items()),
        best,
    )
    return ModelSelection(best, scores, holdout_days)
