"""Daily totals per queue of a forecast and of staffing requirements.

A planner reads a week at a glance by day: contacts forecast per day, and agent-hours
required per day. Days are local dates of ``interval_start`` (the centre's time zone, which
the frames carry), so a day is the site's day whatever the server's zone.

Agent-hours: an interval of ``interval_minutes`` staffed by ``N`` agents is
``N × interval_minutes / 60`` agent-hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns of :func:`forecast_daily_totals`.
FORECAST_DAILY_COLUMNS = ("date", "queue", "offered", "aht_seconds", "open_intervals")
#: Columns of :func:`requirements_daily_hours`.
REQUIREMENTS_DAILY_COLUMNS = (
    "date",
    "queue",
    "offered",
    "productive_agent_hours",
    "scheduled_agent_hours",
    "peak_scheduled_agents",
)


def _local_dates(times: pd.Series) -> pd.Series:
    """Local calendar dates of timestamps (tz-aware: in their own zone)."""
    return pd.to_datetime(times).dt.date


def forecast_daily_totals(forecast: pd.DataFrame) -> pd.DataFrame:
    """Contacts forecast per local date and queue.

    Parameters
    ----------
    forecast
        ``interval_start`` (tz-aware, local zone), ``queue``, ``offered`` [contacts per
        interval], ``aht_seconds`` [seconds].

    Returns
    -------
    pandas.DataFrame
        :data:`FORECAST_DAILY_COLUMNS`: ``offered`` [contacts per day], ``aht_seconds`` the
        contact-weighted mean AHT [seconds] (NaN on a day without contacts or AHT),
        ``open_intervals`` (rows of the day); sorted by date then queue.

    Examples
    --------
    >>> times = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 09:30", "2025-01-07 09:00"]).tz_localize("Europe/London")
    >>> frame = pd.DataFrame({"interval_start": times, "queue": "sales", "offered": [10.0, 30.0, 5.0],
    ...                       "aht_seconds": [100.0, 200.0, 300.0]})
    >>> forecast_daily_totals(frame)[["offered", "aht_seconds"]].values.tolist()
    [[40.0, 175.0], [5.0, 300.0]]
    """
    offered = forecast["offered"].to_numpy(dtype=float)
    aht = forecast["aht_seconds"].to_numpy(dtype=float)
    weighted = np.where(np.isfinite(aht), offered * np.nan_to_num(aht), 0.0)
    weights = np.where(np.isfinite(aht), offered, 0.0)
    work = pd.DataFrame(
        {
            "date": _local_dates(forecast["interval_start"]).to_numpy(),
            "queue": forecast["queue"].astype(str).to_numpy(),
            "offered": offered,
            "weighted": weighted,
            "weights": weights,
        }
    )
    days = work.groupby(["date", "queue"], sort=True).agg(
        offered=("offered", "sum"),
        weighted=("weighted", "sum"),
        weights=("weights", "sum"),
        open_intervals=("offered", "size"),
    )
    days["aht_seconds"] = (days["weighted"] / days["weights"]).where(days["weights"] > 0)
    return days.reset_index()[list(FORECAST_DAILY_COLUMNS)]


def requirements_daily_hours(requirements: pd.DataFrame, interval_minutes: int) -> pd.DataFrame:
    """Agent-hours required per local date and queue.

    Parameters
    ----------
    requirements
        :func:`wfm.staffing.compute_requirements`' frame: ``interval_start``, ``queue``,
        ``offered``, ``agents_required`` (productive) and ``agents_scheduled_required``
        (after shrinkage) per interval.
    interval_minutes
        Interval length [minutes].

    Returns
    -------
    pandas.DataFrame
        :data:`REQUIREMENTS_DAILY_COLUMNS`: ``offered`` [contacts per day],
        ``productive_agent_hours`` and ``scheduled_agent_hours`` [agent-hours per day],
        ``peak_scheduled_agents`` [agents]; sorted by date then queue.

    Examples
    --------
    >>> times = pd.to_datetime(["2025-01-06 09:00", "2025-01-06 09:30"]).tz_localize("Europe/London")
    >>> frame = pd.DataFrame({"interval_start": times, "queue": "sales", "offered": [10.0, 30.0],
    ...                       "agents_required": [3, 7], "agents_scheduled_required": [5, 10]})
    >>> requirements_daily_hours(frame, 30)[["productive_agent_hours", "scheduled_agent_hours"]].values.tolist()
    [[5.0, 7.5]]
    """
    hours_per_interval = interval_minutes / 60.0
    work = pd.DataFrame(
        {
            "date": _local_dates(requirements["interval_start"]).to_numpy(),
            "queue": requirements["queue"].astype(str).to_numpy(),
            "offered": requirements["offered"].to_numpy(dtype=float),
            "productive_agent_hours": requirements["agents_required"].to_numpy(dtype=float)
            * hours_per_interval,
            "scheduled_agent_hours": requirements["agents_scheduled_required"].to_numpy(dtype=float)
            * hours_per_interval,
            "peak_scheduled_agents": requirements["agents_scheduled_required"].to_numpy(
                dtype=float
            ),
        }
    )
    days = work.groupby(["date", "queue"], sort=True).agg(
        offered=("offered", "sum"),
        productive_agent_hours=("productive_agent_hours", "sum"),
        scheduled_agent_hours=("scheduled_agent_hours", "sum"),
        peak_scheduled_agents=("peak_scheduled_agents", "max"),
    )
    days["peak_scheduled_agents"] = days["peak_scheduled_agents"].astype(int)
    return days.reset_index()[list(REQUIREMENTS_DAILY_COLUMNS)]
