"""The forecaster contract and the registry of models.

Every volume model follows one contract (as in sktime and statsforecast):

- the constructor only stores its parameters, under their own names;
- ``fit(y, interval_minutes)`` learns from history and stores what it learnt in attributes
  whose names end in ``_``; it returns the model;
- ``predict(index)`` returns one non-negative, finite forecast per requested interval.

``y`` is the offered count per interval [contacts] of one queue, indexed by tz-aware
interval starts in the centre's local time zone. It holds open intervals only and may have
gaps: closed nights and weekends, holidays, missing days. ``y.name`` is the queue name
(used in log messages). ``index`` holds arbitrary future (or past) interval starts, usually
the open intervals of :func:`wfm.forecast.calendar.forecast_grid`.

New models subclass :class:`Forecaster`, implement ``_fit`` and ``_predict``, and register
under a name with :func:`register`; the contract test then runs against them too.
"""

from __future__ import annotations

import inspect
import logging
from typing import ClassVar, Self

import numpy as np
import pandas as pd

from wfm.errors import InputError, WfmError
from wfm.timegrid import check_interval_minutes

logger = logging.getLogger(__name__)

#: Forecast models by name; filled by :func:`register`.
MODELS: dict[str, type[Forecaster]] = {}


class NotFittedError(WfmError, RuntimeError):
    """``predict`` was called before ``fit``."""


class Forecaster:
    """Base class of the interval volume forecasters.

    Subclasses set the class attribute ``name`` and implement :meth:`_fit` and
    :meth:`_predict`; :meth:`fit` and :meth:`predict` check inputs and outputs once for all.
    """

    #: Registry name of the model.
    name: ClassVar[str] = ""

    # --- the contract -----------------------------------------------------------------
    def fit(self, y: pd.Series, interval_minutes: int) -> Self:
        """Learn from the history ``y`` of one queue.

        Parameters
        ----------
        y
            Offered contacts per interval [contacts], indexed by tz-aware local interval
            start; open intervals only, gaps allowed; ``y.name`` is the queue name. Not
            modified.
        interval_minutes
            Interval length [minutes].

        Returns
        -------
        Forecaster
            ``self``, fitted.
        """
        y = _check_history(y)
        self.interval_minutes_ = check_interval_minutes(interval_minutes)
        self.timezone_ = y.index.tz
        self.queue_ = "?" if y.name is None else str(y.name)
        self._fit(y)
        return self

    def _record_fallback(self, reason: str, problem: str = "failed") -> None:
        """Log that the model cannot forecast this queue and keep ``reason`` in
        ``fallback_reason_``.

        Subclasses that can fail (``problem`` "failed") or need more history than they were
        given ("has too little history") call this and then forecast as ``same_slot_average``.
        """
        logger.warning(
            "queue %s: model %s %s (%s); using same_slot_average instead",
            self.queue_,
            self.name,
            problem,
            reason,
        )
        self.fallback_reason_ = reason

    def _fill_from_backup(self, values: np.ndarray, index: pd.DatetimeIndex) -> np.ndarray:
        """``values`` [contacts] with every non-finite entry forecast by the subclass's
        ``backup_`` (its fitted ``same_slot_average``): the slots the model has no shape for.
        ``values`` is filled in place and returned."""
        missing = ~np.isfinite(values)
        if missing.any():
            values[missing] = self.backup_.predict(index[missing])
        return values

    def predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Forecast offered contacts for each interval start in ``index``.

        Parameters
        ----------
        index
            Tz-aware interval starts (any time zone; converted to the history's).

        Returns
        -------
        numpy.ndarray
            Offered contacts per interval [contacts], non-negative and finite, one per
            entry of ``index``.
        """
        if not hasattr(self, "interval_minutes_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted; call fit(y, interval_minutes) first"
            )
        index = pd.DatetimeIndex(index)
        if index.tz is None:
            raise InputError(
                "forecast interval starts have no time zone",
                fix="pass tz-aware interval starts, e.g. from forecast_grid(...)",
            )
        index = index.tz_convert(self.timezone_)
        if len(index) == 0:
            return np.zeros(0)
        values = np.asarray(self._predict(index), dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():  # a model bug, not a user error: never hand NaN to staffing
            logger.warning(
                "queue %s: model %s gave %d non-finite forecasts; set to 0",
                self.queue_,
                self.name,
                bad.sum(),
            )
            values = np.where(bad, 0.0, values)
        return np.maximum(values, 0.0)

    # --- for subclasses ---------------------------------------------------------------
    def _fit(self, y: pd.Series) -> None:
        raise NotImplementedError

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        raise NotImplementedError

    # --- parameters -------------------------------------------------------------------
    def reusable_params(self) -> dict[str, object]:
        """Constructor parameters learnt by this fit that a fit on a little more or less
        history may reuse instead of estimating them again (e.g. smoothing constants).

        A rolling-origin backtest fits such a model once with full estimation and passes
        these to the fits at its other origins. Empty (the default): nothing to reuse.
        """
        return {}

    def get_params(self) -> dict[str, object]:
        """The constructor parameters and their current values."""
        names = [
            parameter.name
            for parameter in inspect.signature(type(self).__init__).parameters.values()
            if parameter.name != "self" and parameter.kind is not parameter.VAR_KEYWORD
        ]
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in self.get_params().items())
        return f"{type(self).__name__}({params})"


def register(cls: type[Forecaster]) -> type[Forecaster]:
    """Class decorator: add a forecaster to :data:`MODELS` under its ``name``."""
    if not cls.name or cls.name in MODELS or cls.name == "auto":
        raise ValueError(f"forecaster {cls.__name__} needs a unique name, got {cls.name!r}")
    MODELS[cls.name] = cls
    return cls


def make_model(name: str, **params: object) -> Forecaster:
    """A new, unfitted forecaster by registry name.

    Parameters
    ----------
    name
        A key of :data:`MODELS`, e.g. ``"same_slot_average"``.
    **params
        Constructor parameters of that model.

    Raises
    ------
    InputError
        When ``name`` is unknown (the message lists the known names) or a parameter is
        not accepted by the model.
    """
    try:
        cls = MODELS[name]
    except KeyError:
        raise InputError(
            "unknown forecast model",
            option="--model (centre file: planning.forecast_model)",
            value=name,
            fix=f"use 'auto' or one of {', '.join(sorted(MODELS))}",
        ) from None
    try:
        return cls(**params)
    except TypeError as error:
        raise InputError(
            f"bad parameters for forecast model '{name}': {error}", value=params
        ) from None


def _check_history(y: pd.Series) -> pd.Series:
    """Check the history series; return it with NaN counts dropped (a new object)."""
    if not isinstance(y, pd.Series):
        raise InputError(
            "forecast history must be a pandas Series of offered contacts", value=type(y).__name__
        )
    if not isinstance(y.index, pd.DatetimeIndex) or y.index.tz is None:
        raise InputError(
            f"history of queue {y.name!r} is not indexed by tz-aware interval starts",
            column="interval_start",
            fix="index the series by interval_start localised to the centre's time zone",
        )
    values = y.to_numpy(dtype=float)
    if (values[np.isfinite(values)] < 0).any():
        raise InputError(
            f"history of queue {y.name!r} has negative offered counts", column="offered"
        )
    if not np.isfinite(values).any():
        raise InputError(f"history of queue {y.name!r} has no offered counts", column="offered")
    return y[np.isfinite(values)]
