"""A capacity plan's files: CSV tables, an Excel workbook for finance, an HTML report.

The HTML report is one self-contained file (inline CSS and SVG, no scripts, nothing fetched):
the headline answer (hire how many, starting when, at what cost, and where the plan is still
short), a fan chart of the required FTE (P10–P90 band, median) with the supply line, the
hiring classes with the date each must be recruited by, the weekly table, the scenarios side
by side and the assumptions. The workbook holds the same tables, one sheet each, every text
cell written as text (never a formula).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.capacity.inputs import CapacityInputs
from wfm.capacity.planner import CapacityPlan, monthly_view
from wfm.data.infinite_cells import spreadsheet_values
from wfm.data.io import write_files_atomic
from wfm.data.reproducible_files import creation_time, workbook_bytes

#: Columns of the scenarios compared side by side (the report and the app's Capacity page).
COMPARISON_COLUMNS = (
    "scenario",
    "peak_required_fte",
    "hires",
    "proposed_classes",
    "total_cost",
    "overtime_hours",
    "weeks_short",
)

_CSS = """
body{font-family:system-ui,sans-serif;max-width:1150px;margin:2em auto;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:right;white-space:nowrap}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}.miss{color:#b00020;font-weight:bold}
.ok{color:#1b7f3b;font-weight:bold}.note{color:#555;font-size:.9em}
"""


def _number(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def fan_chart_svg(
    weekly: pd.DataFrame,
    *,
    width: int = 1000,
    height: int = 320,
    title: str = "Required FTE (P10–P90 band, median) and supply",
) -> str:
    """An SVG fan chart: the required-FTE band and median against the supply line.

    Parameters
    ----------
    weekly : pandas.DataFrame
        A plan's weekly table (``week_start``, ``required_fte``, ``required_fte_p10``,
        ``required_fte_p90``, ``supply_fte``, ``current_agents_fte``).
    """
    left, right, top, bottom = 56, 190, 30, 36
    n = len(weekly)
    low = weekly["required_fte_p10"].to_numpy()
    high = weekly["required_fte_p90"].to_numpy()
    median = weekly["required_fte"].to_numpy()
    supply = (weekly["supply_fte"] + weekly.get("overtime_fte", 0.0)).to_numpy()
    no_hiring = weekly["current_agents_fte"].to_numpy()
    y_max = float(max(high.max(), supply.max(), no_hiring.max())) * 1.08 or 1.0
    y_min = float(min(low.min(), no_hiring.min(), supply.min())) * 0.9

    def px(i: float) -> float:
        return left + (width - left - right) * (i / max(n - 1, 1))

    def py(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - y_min) / max(y_max - y_min, 1e-9))

    def path(values: np.ndarray) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values)
        )

    band = (
        path(high)
        + " "
        + " ".join(f"L{px(i):.1f},{py(v):.1f}" for i, v in reversed(list(enumerate(low))))
        + " Z"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    for k in range(5):
        value = y_min + (y_max - y_min) * k / 4
        y = py(value)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{value:.0f}</text>'
        )
    months_seen = set()
    for i, start in enumerate(weekly["week_start"]):
        label = f"{start:%b %Y}"
        if start.day <= 7 and label not in months_seen and (start.month % 3 == 1 or n <= 30):
            months_seen.add(label)
            parts.append(
                f'<text x="{px(i):.1f}" y="{height - 12}" font-size="11" text-anchor="middle">{label}</text>'
            )
    parts.append(f'<path d="{band}" fill="#1f77b4" fill-opacity="0.18" stroke="none"/>')
    parts.append(f'<path d="{path(median)}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
    parts.append(
        f'<path d="{path(no_hiring)}" fill="none" stroke="#d62728" stroke-width="1.5" stroke-dasharray="5,4"/>'
    )
    parts.append(f'<path d="{path(supply)}" fill="none" stroke="#2ca02c" stroke-width="2.2"/>')
    legend = (
        ("#1f77b4", "required (median)", ""),
        ("#1f77b4", "required P10–P90", "band"),
        ("#2ca02c", "supply with the plan", ""),
        ("#d62728", "supply without hiring", "5,4"),
    )
    for k, (colour, text, style) in enumerate(legend):
        y = top + 14 + 20 * k
        x = width - right + 12
        if style == "band":
            parts.append(
                f'<rect x="{x}" y="{y - 6}" width="22" height="10" fill="{colour}" fill-opacity="0.18"/>'
            )
        else:
            dash = f' stroke-dasharray="{style}"' if style else ""
            parts.append(
                f'<line x1="{x}" x2="{x + 22}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        parts.append(f'<text x="{x + 28}" y="{y + 4}" font-size="11">{html.escape(text)}</text>')
    parts.append(
        f'<text x="14" y="{(top + height - bottom) / 2:.0f}" font-size="11" '
        f'transform="rotate(-90 14 {(top + height - bottom) / 2:.0f})" text-anchor="middle">FTE</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for value in row:
            if isinstance(value, float):
                text = _number(value, 2 if abs(value) < 10 else 1)
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def headline(plan: CapacityPlan) -> list[str]:
    """The plan in a few plain sentences (what to do, what it costs, what remains short)."""
    s = plan.summary
    lines = []
    proposed = plan.classes[plan.classes["source"] == "proposed"]
    if len(proposed):
        first = proposed.iloc[0]
        lines.append(
            f"Hire {int(proposed['size'].sum())} people in {len(proposed)} class"
            f"{'es' if len(proposed) != 1 else ''}; the first, of {int(first['size'])}, starts "
            f"{first['start']:%d %b %Y} and must be recruited by {first['recruit_by']:%d %b %Y}."
        )
    else:
        lines.append("No new hiring class is needed over the horizon.")
    lines.append(
        f"Peak requirement {s['peak_required_fte']:.1f} FTE in the week of {s['peak_week']}; "
        f"today {s['current_agents']} agents hold {s['current_fte']:.1f} FTE."
    )
    lines.append(
        f"Cost of the plan: {_number(s['total_cost'])} cost units (recruitment and training "
        f"{_number(s['hiring_cost'])}, pay of the new hires {_number(s['hires_pay'])}, "
        f"overtime {_number(s['overtime_cost'])} for {_number(s['overtime_hours'])} hours)."
    )
    if s["weeks_short"]:
        first_short = plan.weekly.loc[plan.weekly["shortfall_fte"] > 1e-6, "week_start"].iloc[0]
        lines.append(
            f"Still short in {s['weeks_short']} weeks (from {first_short}), "
            f"{s['shortfall_fte_weeks']:.1f} FTE-weeks in all: no class can be trained in time "
            "within the lead time, class sizes or budget. Shorten the lead time, allow more "
            "overtime, or accept the lower service level these weeks show."
        )
    else:
        lines.append("Every week is covered (hires and overtime within its cap).")
    under = s["workload_method_understatement"]
    if under >= 0.01:
        lines.append(
            f"Sizing from weekly workload ÷ occupancy would understate the need by {under:.0%}; "
            f"Erlang C on each week's average traffic gives "
            f"{s['average_traffic_method_difference']:+.1%} in total but puts the hours in the "
            "wrong intervals."
        )
    else:
        lines.append(
            "At these volumes the occupancy cap decides almost every interval, so workload ÷ "
            f"occupancy comes within {abs(under):.1%} of the interval method; it still cannot "
            "say where in the week the hours are needed."
        )
    return lines


def capacity_html(
    inputs: CapacityInputs,
    plan: CapacityPlan,
    comparison: pd.DataFrame | None = None,
) -> str:
    """The self-contained HTML report of a capacity plan."""
    s = plan.summary
    weekly = plan.weekly
    short = s["weeks_short"] > 0
    status = (
        '<p class="miss">The plan leaves weeks short.</p>'
        if short
        else '<p class="ok">The plan covers every week.</p>'
    )
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>Capacity plan: {html.escape(inputs.centre_name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Capacity plan: {html.escape(inputs.centre_name)}</h1>",
        f"<p class='note'>Scenario '{html.escape(plan.scenario.name)}', {s['weeks']} weeks from "
        f"{s['first_week']}. FTE are paid full-time equivalents of {s['paid_hours_per_fte_week']:g} "
        "hours a week. Costs are in the centre's cost unit.</p>",
        status,
        "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in headline(plan)) + "</ul>",
        "<h2>Requirement and supply</h2>",
        fan_chart_svg(weekly),
        "<p class='note'>Required FTE come from Erlang C on every interval of each week (the "
        "recent weeks' shape scaled to the week's forecast), then shrinkage by month, paid "
        "breaks and FTE hours. The band is the forecast's P10–P90. Supply counts hires by their "
        "ramp-up; overtime is added to the green line.</p>",
        "<h2>Hiring classes</h2>",
        _table(
            plan.classes.assign(
                start=plan.classes["start"].astype(str),
                productive_from=plan.classes["productive_from"].astype(str),
                recruit_by=plan.classes["recruit_by"].astype(str),
            )
        )
        if len(plan.classes)
        else "<p>None.</p>",
    ]
    if comparison is not None and len(comparison) > 1:
        parts += [
            "<h2>Scenarios side by side</h2>",
            _table(comparison[list(COMPARISON_COLUMNS)]),
        ]
    monthly = monthly_view(weekly)
    parts += [
        "<h2>By month</h2>",
        _table(monthly.round(3)),
        "<h2>By week</h2>",
        _table(
            weekly[
                [
                    "week_start",
                    "offered",
                    "required_fte",
                    "supply_fte",
                    "overtime_hours",
                    "shortfall_fte",
                    "class_starts",
                    "service_level_no_hiring",
                    "service_level_planned",
                ]
            ].assign(week_start=weekly["week_start"].astype(str))
        ),
        "<h2>Demand model per queue</h2>",
        _table(
            pd.DataFrame(
                [
                    {
                        "queue": m.queue,
                        "weeks fitted": m.weeks_fitted,
                        "annual harmonics": m.harmonics,
                        "trend a year": f"{m.volume_trend_per_year:+.1%}",
                        "per holiday day": f"{m.holiday_effect:+.1%}",
                        "residual sd (log)": round(m.residual_sd_log, 3),
                    }
                    for m in inputs.forecast.models
                ]
            )
        ),
        "<h2>Assumptions</h2>",
        f"<pre>{html.escape(json.dumps(assumptions(inputs), indent=2, default=str))}</pre>",
        "</body></html>",
    ]
    return "\n".join(parts)


def assumptions(inputs: CapacityInputs) -> dict:
    """The inputs a reader needs to trust the plan, as plain values."""
    settings = inputs.settings.model_dump(mode="json")
    return {
        "centre": inputs.centre_name,
        "agents_by_contract": dict(inputs.agents_by_contract),
        "agents_by_queues": dict(inputs.agents_by_queues),
        "fte_per_agent_by_contract": {k: round(v, 3) for k, v in inputs.fte_per_agent.items()},
        "pay_per_hour": inputs.pay_per_hour,
        "paid_break_fraction": round(inputs.paid_break_fraction, 4),
        "shrinkage_by_queue": dict(inputs.shrinkage_fraction),
        "service_targets": {
            q: {
                "service_level": t.service_level_target,
                "answer_threshold_seconds": t.answer_threshold_seconds,
                "max_occupancy": t.max_occupancy,
            }
            for q, t in inputs.targets.items()
        },
        "settings": settings,
    }


def capacity_workbook_bytes(
    inputs: CapacityInputs,
    plan: CapacityPlan,
    comparison: pd.DataFrame | None = None,
) -> bytes:
    """An Excel workbook: Summary, Weekly, Monthly, By queue, Hiring classes, Scenarios,
    Assumptions. Text cells are written as text, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)

    def sheet(name: str, frame: pd.DataFrame) -> None:
        frame = spreadsheet_values(frame)  # an infinite number: empty, with a flag column
        ws = book.create_sheet(name)
        ws.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([_cell(value) for value in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(frame.columns, start=1):
            width = (
                max(len(str(column)), *(len(str(v)) for v in frame[column].head(200)))
                if len(frame)
                else len(str(column))
            )
            ws.column_dimensions[get_column_letter(index)].width = min(max(10, width + 2), 40)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        ws.freeze_panes = "B2"

    summary = pd.DataFrame(
        {"figure": list(plan.summary), "value": [str(v) for v in plan.summary.values()]}
    )
    summary = pd.concat(
        [
            summary,
            pd.DataFrame({"figure": ["answer"] * len(headline(plan)), "value": headline(plan)}),
        ],
        ignore_index=True,
    )
    sheet("Summary", summary)
    sheet("Weekly", plan.weekly)
    sheet("Monthly", monthly_view(plan.weekly))
    sheet("By queue", plan.by_queue)
    sheet("Hiring classes", plan.classes)
    if comparison is not None:
        sheet("Scenarios", comparison)
    flat = pd.json_normalize(assumptions(inputs), sep=".").T.reset_index()
    flat.columns = ["assumption", "value"]
    flat["value"] = flat["value"].map(
        lambda v: json.dumps(v, default=str) if not isinstance(v, str) else v
    )
    sheet("Assumptions", flat)
    # SOURCE_DATE_EPOCH, else the first week planned: the same plan gives the same bytes
    return workbook_bytes(book, creation_time(pd.Timestamp(inputs.first_week, tz="UTC")))


def _cell(value):
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        # NaN (and inf, which spreadsheet_values has blanked) would be an invalid <v/> cell
        return float(value) if np.isfinite(value) else None
    if value is None or isinstance(value, int | bool):
        return value
    return str(value)


def write_capacity(
    inputs: CapacityInputs,
    plans: Sequence[CapacityPlan],
    comparison: pd.DataFrame | None,
    out_dir: str | Path,
) -> dict[str, Path]:
    """Write the first plan's files (and the scenario comparison) into ``out_dir``, all or
    nothing.

    Files: ``weekly.csv``, ``monthly.csv``, ``by_queue.csv``, ``classes.csv``,
    ``scenarios.csv`` (with more than one scenario), ``summary.json``, ``capacity.xlsx``,
    ``report.html``.
    """
    out = Path(out_dir)
    plan = plans[0]
    files: dict[str, object] = {
        "weekly.csv": plan.weekly,
        "monthly.csv": monthly_view(plan.weekly),
        "by_queue.csv": plan.by_queue,
        "classes.csv": plan.classes,
        "summary.json": json.dumps(plan.summary, indent=2, default=str) + "\n",
        "capacity.xlsx": capacity_workbook_bytes(inputs, plan, comparison),
        "report.html": capacity_html(inputs, plan, comparison),
    }
    if comparison is not None and len(plans) > 1:
        files["scenarios.csv"] = comparison
        for other in plans[1:]:
            files[f"scenario-{_slug(other.scenario.name)}/weekly.csv"] = other.weekly
            files[f"scenario-{_slug(other.scenario.name)}/classes.csv"] = other.classes
    paths = {name: out / name for name in files}
    write_files_atomic({paths[name]: content for name, content in files.items()})
    return paths


def _slug(name: str) -> str:
    text = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name.strip().lower())
    return text.strip("-") or "scenario"
