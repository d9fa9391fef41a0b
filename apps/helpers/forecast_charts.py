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


def choice_frame(records: list[dict]) -> pd.DataFrame:
    """``auto``'s leaderboard of one queue (:data:`~wfm.forecast.selection.SELECTION_COLUMNS`
    records) with a ``leads`` label per band (``day-ahead``, ``leads 2–7 days``)."""
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame
    first, last = frame["first_lead_days"].astype(int), frame["last_lead_days"].astype(int)
    leads = [
        "day-ahead" if a == b == 1 else (f"lead {a} day" if a == b else f"leads {a}–{b} days")
        for a, b in zip(first, last, strict=True)
    ]
    return frame.assign(leads=leads, chosen=frame["chosen"].astype(bool))


def choice_chart(frame: pd.DataFrame) -> alt.FacetChart:
    """Bars of backtest WAPE per candidate, one panel per lead band, best first in each; the
    model used is dark and every bar carries its WAPE (the top candidates differ by tenths
    of a percent, too little to see in the bars alone).

    ``frame``: :func:`choice_frame`.
    """
    y = alt.Y(
        "model:N",
        title=None,
        sort=alt.EncodingSortField(field="rank", op="min", order="ascending"),
        axis=alt.Axis(labelLimit=340, labelOverlap=False),
    )
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X(
                "wape:Q",
                title="Backtest WAPE (Σ|actual − forecast| / Σ actual)",
                axis=alt.Axis(format=".0%"),
            ),
            y=y,
            color=alt.Color(
                "used:N",
                title=None,
                scale=alt.Scale(
                    domain=["used", "not used"],
                    range=[charts.SERIES_COLOURS["forecast"], "#c9d6e3"],
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("leads:N", title="Leads"),
                alt.Tooltip("rank:O", title="Rank"),
                alt.Tooltip("wape:Q", title="WAPE", format=".2%"),
                alt.Tooltip("bias:Q", title="Bias", format="+.1%"),
                alt.Tooltip("origins:Q", title="Days scored"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=4, fontSize=11).encode(
        text=alt.Text("wape:Q", format=".2%"), color=alt.value("#333333")
    )
    data = frame.assign(used=frame["chosen"].map({True: "used", False: "not used"}))
    return (
        alt.layer(bars, labels, data=data)
        .properties(height=alt.Step(20))
        .facet(
            row=alt.Row(
                "leads:N",
                title=None,
                sort=["day-ahead"],
                header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold"),
            )
        )
        .resolve_scale(y="independent")
    )
