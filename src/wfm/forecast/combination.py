r"""Forecast combinations: a weighted mean of member models' forecasts.

Averaging forecasts of different models is one of the most reliable ways to lower the
error (Bates & Granger 1969; the M4 competition's best entries were combinations). Two
weightings are offered:

- *equal weights* (:class:`EqualWeightCombination`), hard to beat when the members are
  about equally good (the "forecast combination puzzle", Smith & Wallis 2009);
- *backtest weights* (:class:`BacktestWeightedCombination`): weights proportional to the
  inverse mean squared error of each member over a rolling-origin backtest on the
  history, :math:`w_i \propto 1/\mathrm{MSE}_i` (Bates & Granger 1969).

The model choice (:func:`~wfm.forecast.selection.select_model`) scores combinations from
the backtest of their members, without refitting, and builds the chosen one with
:func:`combination_weights`.

References
----------
.. [1] J. M. Bates and C. W. J. Granger (1969), "The combination of forecasts", Operational
   Research Quarterly 20(4), 451–468.
.. [2] J. Smith and K. F. Wallis (2009), "A simple explanation of the forecast combination
   puzzle", Oxford Bulletin of Economics and Statistics 71(3), 331–355.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.base import MODELS, Forecaster, make_model, register

logger = logging.getLogger(__name__)

#: Members of the default combinations: the calendar top-down model and the factor model.
DEFAULT_MEMBERS = ("top_down", "factor")

#: Target days of the inner backtest that weights :class:`BacktestWeightedCombination`.
WEIGHT_ORIGINS = 5


def combination_weights(actual: np.ndarray, forecasts: np.ndarray) -> np.ndarray:
    r"""Inverse-MSE weights of member forecasts, summing to one.

    Parameters
    ----------
    actual
        Observed counts, shape ``(n,)`` [contacts].
    forecasts
        Member forecasts, shape ``(members, n)`` [contacts].

    Returns
    -------
    numpy.ndarray
        :math:`w_i = \mathrm{MSE}_i^{-1} / \sum_j \mathrm{MSE}_j^{-1}`; equal weights when
        there is nothing to score.

    Examples
    --------
    >>> combination_weights(np.array([10.0, 10.0]), np.array([[9.0, 11.0], [8.0, 12.0]])).round(2).tolist()
    [0.8, 0.2]
    """
    forecasts = np.atleast_2d(np.asarray(forecasts, dtype=float))
    actual = np.asarray(actual, dtype=float)
    if actual.size == 0:
        return np.full(len(forecasts), 1.0 / len(forecasts))
    mse = ((forecasts - actual[None, :]) ** 2).mean(axis=1)
    mse = np.maximum(mse, 1e-12)
    inverse = 1.0 / mse
    return inverse / inverse.sum()


class _Combination(Forecaster):
    """Fits each member on the same history; the forecast is the weighted mean."""

    def _check_members(self) -> tuple[str, ...]:
        members = tuple(self.members)
        unknown = [name for name in members if name not in MODELS or name in _COMBINATIONS]
        if len(members) < 2 or unknown:
            raise InputError(
                f"{self.name}: members must be two or more single models",
                column="members",
                value=list(members),
                fix=f"use names from {', '.join(sorted(set(MODELS) - set(_COMBINATIONS)))}",
            )
        return members

    def _fit_members(self, y: pd.Series) -> None:
        self.models_ = [make_model(name).fit(y, self.interval_minutes_) for name in self.members_]

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        forecasts = np.vstack([model.predict(index) for model in self.models_])
        return self.weights_ @ forecasts


@register
class EqualWeightCombination(_Combination):
    r"""Equal-weight mean of the member models' forecasts.

    .. math:: \hat y = \frac{1}{M}\sum_{i=1}^{M} \hat y^{(i)}

    Parameters
    ----------
    members
        Registry names of two or more single models.
    """

    name = "combination"

    def __init__(self, members: Sequence[str] = DEFAULT_MEMBERS) -> None:
        self.members = tuple(members)

    def _fit(self, y: pd.Series) -> None:
        self.members_ = self._check_members()
        self._fit_members(y)
        self.weights_ = np.full(len(self.members_), 1.0 / len(self.members_))


@register
class BacktestWeightedCombination(_Combination):
    r"""Member forecasts weighted by their inverse MSE in a rolling-origin backtest.

    The members forecast each of the last ``origins`` observed days of the history
    ``lead_days`` days ahead (:func:`~wfm.forecast.backtest.backtest_series`); the weights
    are :func:`combination_weights` of those forecasts. Without enough history for the
    inner backtest the weights are equal (logged).

    Parameters
    ----------
    members
        Registry names of two or more single models.
    origins
        Target days of the inner backtest.
    lead_days
        Lead of the inner backtest [days].
    weights
        Fixed weights (one per member, non-negative); when given no inner backtest is run
        (the model choice passes the weights it measured).
    """

    name = "combination_weighted"

    def __init__(
        self,
        members: Sequence[str] = DEFAULT_MEMBERS,
        origins: int = WEIGHT_ORIGINS,
        lead_days: int = 1,
        weights: Sequence[float] | None = None,
    ) -> None:
        self.members = tuple(members)
        self.origins = origins
        self.lead_days = lead_days
        self.weights = None if weights is None else tuple(float(w) for w in weights)

    def _fit(self, y: pd.Series) -> None:
        self.members_ = self._check_members()
        if self.weights is not None:
            weights = np.asarray(self.weights, dtype=float)
            if len(weights) != len(self.members_) or (weights < 0).any() or weights.sum() <= 0:
                raise InputError(
                    f"{self.name}: one non-negative weight per member, not all zero",
                    column="weights",
                    value=list(self.weights),
                )
            self.weights_ = weights / weights.sum()
        else:
            self.weights_ = self._backtest_weights(y)
        self._fit_members(y)

    def _backtest_weights(self, y: pd.Series) -> np.ndarray:
        from wfm.forecast.backtest import backtest_series  # backtest imports the registry

        detail = backtest_series(
            y,
            self.interval_minutes_,
            models=self.members_,
            horizons_days=(int(self.lead_days),),
            origins=int(self.origins),
        )
        if detail.empty or set(detail["model"]) != set(self.members_):
            logger.info(
                "queue %s: %s: too little history to weight the members; equal weights",
                self.queue_,
                self.name,
            )
            return np.full(len(self.members_), 1.0 / len(self.members_))
        pivot = detail.pivot_table(
            index="interval_start", columns="model", values="forecast", aggfunc="first"
        )
        actual = detail.groupby("interval_start")["actual"].first().reindex(pivot.index)
        pivot = pivot.dropna()
        forecasts = pivot[list(self.members_)].to_numpy(dtype=float).T
        weights = combination_weights(actual.reindex(pivot.index).to_numpy(dtype=float), forecasts)
        logger.info(
            "queue %s: %s weights %s",
            self.queue_,
            self.name,
            ", ".join(f"{name} {w:.2f}" for name, w in zip(self.members_, weights, strict=True)),
        )
        return weights


#: Registry names of the combination models (members of a combination must be single models).
_COMBINATIONS = (EqualWeightCombination.name, BacktestWeightedCombination.name)
