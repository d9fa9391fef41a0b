"""Charts of the Forecast page beyond those of ``helpers/charts.py``: pure functions, no Streamlit.

- :func:`band_frame`: one queue's prediction band between any two quantile columns (the
  band of ``charts.forecast_band_frame`` is fixed to P10–P90), in the same shape, so that
  ``charts.forecast_band_chart`` draws it.
- :func:`daily_totals_chart`: contacts forecast per day, one bar per queue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers import charts
from helpers.charts import WHEN_FORMAT, segments, wall_clock

#: Bands the page offers: label -> (low quantile, high quantile) as fractions; None draws no band.
BANDS: dict[str, tuple[float, float] | None] = {
    "P10–P90 (80 % band)": (0.1, 0.9),
    "P5–P95 (90 % band)": (0.05, 0.95),
    "P25–P75 (50 % band)": (0.25, 0.75),
    "No band": None,
}
BAND_COLUMNS = ["time", "when", "low", "high", "segment"]


def quantile_column(q: float) -> str:
    """Name of a quantile column: ``0.1 -> 'offered_p10'``, ``0.05 -> 'offered_p05'``."""
    return f"offered_p{round(100 * q):02d}"


def band_frame(
    forecast: pd.DataFrame, queue: str, low: str, high: str, interval_minutes: int
) -> pd.DataFrame:
    """One queue's band between columns ``low`` and ``high``: ``time`` (naive local), ``when``,
    ``low``, ``high`` [contacts per interval], ``segment`` (runs of open intervals).

    Empty when the forecast lacks either column (no band to draw).
    """
    rows = forecast[forecast["queue"] == queue].sort_values("interval_start")
    if low not in rows.columns or high not in rows.columns:
        return pd.DataFrame(columns=BAND_COLUMNS)
    time = wall_clock(rows["interval_start"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "time": time,
            "when": time.dt.strftime(WHEN_FORMAT),
            "low": rows[low].to_numpy(dtype=float),
            "high": rows[high].to_numpy(dtype=float),
            "segment": "band-" + segments(time, interval_minutes).astype(str),
        }
    )


def daily_totals_chart(daily: pd.DataFrame) -> alt.Chart:
    """Bars of contacts forecast per day, side by side per queue.

    ``daily`` is :func:`wfm.review.daily_totals.forecast_daily_totals`' frame (``date``, ``queue``,
    ``offered`` [contacts per day], ``aht_seconds``).
    """
    return charts.daily_queue_bars(
        daily,
        "offered",
        "Contacts forecast per day",
        [alt.Tooltip("aht_seconds:Q", title="AHT [s]", format=",.0f")],
    )
