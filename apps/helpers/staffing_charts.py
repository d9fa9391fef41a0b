"""Charts of the Staffing page beyond those of ``helpers/charts.py``: pure functions, no Streamlit.

- :func:`daily_hours_chart`: agent-hours required per day, one bar per queue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers import charts

#: Agent-hour measures of :func:`wfm.review.daily_totals.requirements_daily_hours`: column -> title.
DAILY_MEASURES = {
    "scheduled_agent_hours": "Scheduled agent-hours (after shrinkage)",
    "productive_agent_hours": "Productive agent-hours",
}


def daily_hours_chart(daily: pd.DataFrame, measure: str = "scheduled_agent_hours") -> alt.Chart:
    """Bars of agent-hours required per day, side by side per queue.

    ``daily`` is :func:`wfm.review.daily_totals.requirements_daily_hours`' frame; ``measure`` one of
    :data:`DAILY_MEASURES`.
    """
    return charts.daily_queue_bars(
        daily,
        measure,
        DAILY_MEASURES[measure],
        [alt.Tooltip("peak_scheduled_agents:Q", title="Peak scheduled agents", format=",d")],
    )
