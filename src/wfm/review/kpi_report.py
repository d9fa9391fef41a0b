"""A self-contained HTML review report (plan, do, check, act) from a :class:`~wfm.review.kpi.KpiReview`.

The report is one file: inline CSS and charts as inline SVG, no scripts and nothing fetched
from the network. Charts are altair specifications rendered to SVG by ``vl_convert`` when it
is installed; otherwise a plain SVG line chart drawn here is used, so the report never needs
a browser-side library.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from wfm.review.kpi import KpiReview

logger = logging.getLogger(__name__)

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
.miss{color:#b00020;font-weight:bold}.ok{color:#1b7f3b;font-weight:bold}.note{color:#555;font-size:.9em}
.chart{margin:.5em 0}
"""

_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


def _fraction(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1%}"


def _number(value: float, digits: int = 0) -> str:
    return "–" if pd.isna(value) else f"{value:,.{digits}f}"


def line_chart_svg(
    frame: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    title: str,
    *,
    y_format: str = "",
    rule: float | None = None,
    break_by_day: bool = False,
) -> str:
    """An SVG line chart of ``y`` against ``x`` with one line per value of ``series``.

    Uses altair + ``vl_convert`` when importable, else draws the SVG directly.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long data: one row per point.
    x, y, series : str
        Column names (``x`` is a date or time, ``y`` a number).
    title : str
    y_format : str
        d3 format for the y axis, e.g. ``".0%"``.
    rule : float, optional
        A horizontal reference line (e.g. the target).
    break_by_day : bool
        Draw each day as its own line piece, so closed nights are gaps, not slopes.

    Returns
    -------
    str
        ``<svg ...>`` markup.
    """
    data = frame[[x, y, series]].dropna(subset=[y]).copy()
    data[x] = pd.to_datetime(
        data[x].astype(str) if not pd.api.types.is_datetime64_any_dtype(data[x]) else data[x]
    )
    data["piece"] = data[x].dt.strftime("%Y-%m-%d") if break_by_day else ""
    try:
        import altair as alt
        import vl_convert

        data_json = data.assign(**{x: data[x].dt.strftime("%Y-%m-%dT%H:%M:%S")})
        axis = alt.Axis(format=y_format) if y_format else alt.Axis()
        chart = (
            alt.Chart(data_json)
            .mark_line(point=len(data_json) < 60)
            .encode(
                x=alt.X(f"{x}:T", title=None),
                y=alt.Y(f"{y}:Q", axis=axis, title=None),
                color=alt.Color(f"{series}:N", title=None),
                detail="piece:N",
            )
        )
        if rule is not None:
            chart = chart + alt.Chart(pd.DataFrame({"target": [rule]})).mark_rule(
                strokeDash=[4, 4], color="gray"
            ).encode(y="target:Q")
        chart = chart.properties(title=title, width=900, height=220)
        return vl_convert.vegalite_to_svg(chart.to_json())
    except ImportError:
        logger.debug("vl_convert not installed: drawing the chart as plain SVG")
        return _plain_svg(data, x, y, series, title, percent=y_format.endswith("%"), rule=rule)


def _plain_svg(
    data: pd.DataFrame,
    x: str,
    y: str,
    series: str,
    title: str,
    *,
    percent: bool,
    rule: float | None,
) -> str:
    width, height, left, top, bottom = 960, 260, 60, 30, 30
    times = data[x].astype("int64").to_numpy(dtype=float) if len(data) else np.zeros(1)
    values = data[y].to_numpy(dtype=float) if len(data) else np.zeros(1)
    low = min(0.0, float(values.min()))
    high = max(float(values.max()), rule or 0.0, 1e-9)
    t0, t1 = float(times.min()), max(float(times.max()), float(times.min()) + 1)

    def px(t: float) -> float:
        return left + (t - t0) / (t1 - t0) * (width - left - 20)

    def py(v: float) -> float:
        return top + (1 - (v - low) / (high - low)) * (height - top - bottom)

    label = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:,.0f}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
        f'<text x="{left}" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{py(low)}" x2="{width - 20}" y2="{py(low)}" stroke="#999"/>',
        f'<text x="{left - 5}" y="{py(high) + 4}" font-size="11" text-anchor="end">{label(high)}</text>',
        f'<text x="{left - 5}" y="{py(low) + 4}" font-size="11" text-anchor="end">{label(low)}</text>',
    ]
    if rule is not None:
        parts.append(
            f'<line x1="{left}" y1="{py(rule)}" x2="{width - 20}" y2="{py(rule)}" stroke="gray" stroke-dasharray="4 4"/>'
        )
    for number, (name, group) in enumerate(data.groupby(series, sort=True)):
        colour = _PALETTE[number % len(_PALETTE)]
        for _, piece in group.groupby("piece", sort=True):
            points = " ".join(
                f"{px(t):.1f},{py(v):.1f}"
                for t, v in zip(piece[x].astype("int64"), piece[y], strict=True)
            )
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{points}"/>'
            )
        parts.append(
            f'<text x="{width - 150}" y="{top + 14 * number}" font-size="12" fill="{colour}">{html.escape(str(name))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _table(frame: pd.DataFrame, formats: Mapping[str, str]) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            kind = formats.get(column)
            text = (
                _fraction(value)
                if kind == "%"
                else _number(value, int(kind))
                if kind
                else html.escape(str(value))
            )
            cells.append(f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def review_html(
    review: KpiReview,
    *,
    title: str,
    targets: Mapping[str, float] | None = None,
    period: str = "",
    actions: Sequence[str] = (),
) -> str:
    """The review as one self-contained HTML page.

    Parameters
    ----------
    review : KpiReview
    title : str
        Page title (e.g. the centre's name).
    targets : mapping of queue name to float, optional
        Service-level targets (fractions).
    period : str
        The period reviewed, for the heading.
    actions : sequence of str
        Suggested "act" items; derived from the figures when empty.

    Returns
    -------
    str
    """
    targets = dict(targets or {})
    queues = review.by_queue
    headline = queues.assign(service_level_target=queues["queue"].map(targets))
    rows = []
    for row in headline.itertuples():
        target = row.service_level_target
        status = (
            ""
            if pd.isna(target)
            else (
                '<span class="ok">met</span>'
                if row.service_level >= target
                else '<span class="miss">missed</span>'
            )
        )
        rows.append(
            f"<tr><td>{html.escape(str(row.queue))}</td><td>{_number(row.offered)}</td><td>{_fraction(row.service_level)}</td>"
            f"<td>{_fraction(target)} {status}</td><td>{_number(row.aht_seconds, 1)}</td><td>{_number(row.asa_seconds, 1)}</td>"
            f"<td>{_fraction(row.abandonment_rate)}</td><td>{_fraction(row.occupancy)}</td><td>{_fraction(row.wape)}</td>"
            f"<td>{_fraction(row.bias)}</td><td>{_number(row.required_agent_hours, 1)}</td><td>{_number(row.scheduled_agent_hours, 1)}</td></tr>"
        )
    headline_table = (
        "<table><tr><th>queue</th><th>offered</th><th>service level</th><th>target</th><th>AHT (s)</th><th>ASA (s)</th>"
        "<th>abandoned</th><th>occupancy</th><th>WAPE</th><th>bias</th><th>required agent-h</th><th>scheduled agent-h</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    day = review.by_day
    sl_target = (
        float(np.mean(list(targets.values())))
        if targets and len(set(targets.values())) == 1
        else None
    )
    charts = [
        "<h3>Service level per day</h3>",
        f'<div class="chart">{line_chart_svg(day, "date", "service_level", "queue", "Service level per day", y_format=".0%", rule=sl_target)}</div>',
    ]
    intervals = review.by_interval
    if intervals["forecast_offered"].notna().any():
        long = pd.concat(
            [
                intervals.assign(series=intervals["queue"] + " actual", value=intervals["offered"]),
                intervals.assign(
                    series=intervals["queue"] + " forecast", value=intervals["forecast_offered"]
                ),
            ]
        )
        all_row = queues.set_index("queue").loc["all"]
        charts += [
            f"<h3>Forecast vs actual offered (WAPE {_fraction(all_row['wape'])}, bias {_fraction(all_row['bias'])}, "
            f"MAPE {_fraction(all_row['mape'])})</h3>",
            f'<div class="chart">{line_chart_svg(long, "interval_start", "value", "series", "Offered contacts per interval", break_by_day=True)}</div>',
        ]
    if intervals["agents_required"].notna().any() or intervals["agents_scheduled"].notna().any():
        staff = [
            ("required", "agents_required"),
            ("scheduled", "agents_scheduled"),
            ("actual", "agents_actual"),
        ]
        long = pd.concat(
            [
                intervals.assign(series=intervals["queue"] + " " + label, value=intervals[column])
                for label, column in staff
                if intervals[column].notna().any()
            ]
        )
        charts += [
            "<h3>Required vs scheduled agents</h3>",
            f'<div class="chart">{line_chart_svg(long, "interval_start", "value", "series", "Agents per interval", break_by_day=True)}</div>',
        ]
    day_table = _table(
        day[
            [
                "date",
                "queue",
                "offered",
                "service_level",
                "aht_seconds",
                "abandonment_rate",
                "occupancy",
                "forecast_offered",
                "wape",
                "bias",
                "required_agent_hours",
                "scheduled_agent_hours",
            ]
        ],
        {
            "offered": "0",
            "service_level": "%",
            "aht_seconds": "1",
            "abandonment_rate": "%",
            "occupancy": "%",
            "forecast_offered": "0",
            "wape": "%",
            "bias": "%",
            "required_agent_hours": "1",
            "scheduled_agent_hours": "1",
        },
    )
    actions = list(actions) or _suggested_actions(review, targets)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in review.notes)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} — review</title>'
        f"<style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}: review {html.escape(period)}</h1>"
        + (
            f"<p>Service level counted as <b>{html.escape(review.definition.value)}</b> "
            "(the counting variant in use, DOMAIN §4); "
            if review.definition is not None
            else "<p>Service level not measured: the history has no answered counts; "
        )
        + f"{review.interval_minutes}-minute intervals. "
        "Every figure of a day or queue is recomputed from summed counts and totals.</p>"
        f"<h2>Plan</h2><p>{_plan_text(review)}</p>"
        f"<h2>Do</h2><p>{_do_text(review)}</p>"
        f"<h2>Check: headline KPIs against targets</h2>{headline_table}"
        + "".join(charts)
        + f"<h3>Per day</h3>{day_table}"
        + (f'<ul class="note">{notes}</ul>' if notes else "")
        + "<h2>Act</h2><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in actions)
        + "</ul>"
        "</body></html>\n"
    )


def _plan_text(review: KpiReview) -> str:
    total = review.by_queue.set_index("queue").loc["all"]
    parts = []
    if not pd.isna(total["forecast_offered"]):
        parts.append(f"forecast {total['forecast_offered']:,.0f} contacts")
    if not pd.isna(total["required_agent_hours"]):
        parts.append(f"{total['required_agent_hours']:,.1f} agent-hours required")
    if not pd.isna(total["scheduled_agent_hours"]):
        parts.append(f"{total['scheduled_agent_hours']:,.1f} agent-hours scheduled on the queues")
    return (
        ("Planned for the period: " + ", ".join(parts) + ".")
        if parts
        else "No forecast, requirements or rota given."
    )


def _do_text(review: KpiReview) -> str:
    total = review.by_queue.set_index("queue").loc["all"]
    text = (
        f"Actual: {total['offered']:,.0f} contacts offered, {total['handled']:,.0f} handled, "
        f"{total['abandoned']:,.0f} abandoned; {total['handled'] * total['aht_seconds'] / 3600:,.1f} hours of handling"
    )
    if not pd.isna(total["actual_agent_hours"]):
        text += f"; {total['actual_agent_hours']:,.1f} agent-hours actually on the queues"
    return html.escape(text + ".")


def _suggested_actions(review: KpiReview, targets: Mapping[str, float]) -> list[str]:
    actions = []
    for row in review.by_queue.itertuples():
        if row.queue == "all":
            continue
        target = targets.get(row.queue)
        if target is not None and row.service_level < target:
            actions.append(
                f"{row.queue}: service level {row.service_level:.1%} below the {target:.0%} target — check the days below target and the staffing gaps."
            )
        if not pd.isna(row.bias) and abs(row.bias) > 0.05:
            direction = "over" if row.bias > 0 else "under"
            actions.append(
                f"{row.queue}: the forecast was {direction} by {abs(row.bias):.1%} — review the forecast model or special days."
            )
        if (
            not pd.isna(row.required_agent_hours)
            and not pd.isna(row.scheduled_agent_hours)
            and row.scheduled_agent_hours < row.required_agent_hours
        ):
            actions.append(
                f"{row.queue}: {row.required_agent_hours - row.scheduled_agent_hours:,.1f} agent-hours fewer scheduled than required."
            )
    return actions or ["No KPI outside its target: keep the plan."]
