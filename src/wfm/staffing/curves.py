"""Service curves: service level, ASA, occupancy (and abandonment) against agents, one interval.

What a planner checks a requirement against: how the service changes agent by agent around
the number the search chose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.staffing.erlang import asa_seconds, occupancy, service_level
from wfm.staffing.erlang_a import erlang_a


def service_curve(
    traffic_erlangs: float,
    aht_seconds: float,
    answer_threshold_seconds: float,
    agents: np.ndarray,
    *,
    patience_seconds: float | None = None,
) -> pd.DataFrame:
    """Service of one interval for each number of agents.

    Parameters
    ----------
    traffic_erlangs : float
        Offered load A [Erlang].
    aht_seconds : float
        Average handle time [seconds].
    answer_threshold_seconds : float
        Answer threshold T [seconds].
    agents : numpy.ndarray of int
        Agent counts to evaluate.
    patience_seconds : float, optional
        Mean patience [seconds]: Erlang A instead of Erlang C.

    Returns
    -------
    pandas.DataFrame
        ``agents, service_level, asa_seconds`` (∞ where Erlang C is unstable),
        ``occupancy`` and ``abandon_probability`` (0 for Erlang C).

    Examples
    --------
    >>> curve = service_curve(10.0, 180.0, 20.0, np.array([13, 14]))
    >>> curve["service_level"].round(3).tolist()
    [0.796, 0.888]
    """
    counts = np.asarray(agents, dtype=np.int64)
    if (counts < 0).any():
        raise InputError("agents must be zero or more", value=int(counts[counts < 0][0]))
    if not aht_seconds > 0:
        raise InputError(
            "aht_seconds must be more than 0",
            value=aht_seconds,
            fix="give the handle time in seconds",
        )
    if patience_seconds is None:
        return pd.DataFrame(
            {
                "agents": counts,
                "service_level": service_level(
                    counts, traffic_erlangs, aht_seconds, answer_threshold_seconds
                ),
                "asa_seconds": asa_seconds(counts, traffic_erlangs, aht_seconds),
                "occupancy": occupancy(counts, traffic_erlangs),
                "abandon_probability": 0.0,
            }
        )
    result = erlang_a(
        counts, traffic_erlangs, aht_seconds, patience_seconds, answer_threshold_seconds
    )
    return pd.DataFrame(
        {
            "agents": counts,
            "service_level": result.service_level,
            "asa_seconds": result.asa_seconds,
            "occupancy": result.occupancy,
            "abandon_probability": result.abandon_probability,
        }
    )
