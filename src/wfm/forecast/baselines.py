"""The two baselines every contact-centre forecast has to beat.

Both work slot by slot (local weekday × time of day, see :mod:`wfm.forecast.slots`) and
repeat the latest weeks for horizons beyond one week. Slots never seen in the history
(new opening hours, a weekday with no history) fall back to the same time of day on any
weekday, then to the overall mean of the last weeks.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.base import Forecaster, register
from wfm.forecast.slots import (
    fill_from_coarser,
    lookup,
    same_weekday_source,
    slot_table,
    trailing_slot_mean,
    wall_clock,
)

logger = logging.getLogger(__name__)


class _SameSlotBaseline(Forecaster):
    """Shared machinery: a trailing mean of ``weeks`` same-slot observations, read one week back."""

    def _weeks(self) -> int:
        raise NotImplementedError

    def _fit(self, y: pd.Series) -> None:
        self.table_ = slot_table(y)
        self.state_ = trailing_slot_mean(self.table_, self._weeks())
        self.last_date_ = self.table_.index[-1].to_datetime64().astype("datetime64[D]")

    def _predict(self, index: pd.DatetimeIndex) -> np.ndarray:
        dates, minutes = wall_clock(index)
        sources = same_weekday_source(dates, self.last_date_)
        values = lookup(self.state_, sources, minutes)
        return fill_from_coarser(values, minutes, self.table_)


@register
class SeasonalNaive(_SameSlotBaseline):
    r"""Seasonal naive: the same slot one week earlier.

    .. math:: \hat y_{d,m} = y_{d-7,m}

    for local date :math:`d` and minute of the day :math:`m`. When the slot a week earlier
    is missing from the history (holiday, gap), the most recent earlier observation of the
    same weekday and minute is used; beyond one week ahead the latest observed week is
    repeated.

    References
    ----------
    .. [1] R. J. Hyndman and G. Athanasopoulos (2021), *Forecasting: Principles and
       Practice*, 3rd ed., §5.2 "Some simple forecasting methods". https://otexts.com/fpp3/
    """

    name = "seasonal_naive"

    def __init__(self) -> None:
        pass

    def _weeks(self) -> int:
        return 1


@register
class SameSlotAverage(_SameSlotBaseline):
    r"""Mean of the same weekday-and-time slot over the last ``weeks`` weeks that have it.

    .. math:: \hat y_{d,m} = \frac{1}{n}\sum_{k=1}^{n} y_{d_k, m}

    where :math:`d_1 > d_2 > \dots > d_n` are the :math:`n = \text{weeks}` most recent dates
    on or before :math:`d - 7` with the same weekday as :math:`d` on which slot :math:`m` was
    observed (missing weeks are skipped, not counted as zero). Beyond one week ahead the
    latest window is repeated.

    Taylor (2008) found this simple average hard to beat beyond two to three days ahead
    on intraday call-centre arrivals.

    Parameters
    ----------
    weeks
        Number of weeks averaged [weeks], at least 1.

    References
    ----------
    .. [1] J. W. Taylor (2008), "A comparison of univariate time series methods for
       forecasting intraday arrivals at a call center", Management Science 54(2), 253–265.
    """

    name = "same_slot_average"

    def __init__(self, weeks: int = 4) -> None:
        self.weeks = weeks

    def _weeks(self) -> int:
        if int(self.weeks) != self.weeks or self.weeks < 1:
            raise InputError("same_slot_average needs weeks >= 1", column="weeks", value=self.weeks)
        return int(self.weeks)
