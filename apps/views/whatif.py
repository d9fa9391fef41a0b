"""What if (for managers): change volume, handle time, the service-level target, shrinkage,
absenteeism or headcount, and see what the rota in hand would achieve.

The rota tested is the latest published version, else the latest draft; the forecast is the
latest saved one, over the rota's dates. Every slider move recomputes the requirements and
the projected service with :func:`wfm.review.scenarios.run_scenario` (a few hundredths of a second
for a week); the rota itself is not re-solved. Named scenarios are kept for the session and
compared side by side; "Save scenario" stores one (with an audit entry).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import streamlit as st

from helpers import data, state, ui, whatif_charts
from wfm.data.io import frame_to_csv_text
from wfm.plan.chain import service_targets, shrinkage_by_queue
from wfm.review.scenarios import (
    Scenario,
    ScenarioResult,
    compare_scenarios,
    projection_by_day,
    run_scenario,
    sensitivity,
)
from wfm.store import repository

BASE, WHAT_IF = "base", "what if"
#: Caller patience the page starts with [s] (Erlang A abandonment; 0 = none drawn).
DEFAULT_PATIENCE_SECONDS = 120


# --- data (cached per stored version: a slider move must not re-read the store) -----------
@st.cache_data(show_spinner=False, max_entries=8)
def _forecast(url: str, forecast_id: int) -> pd.DataFrame:
    return repository.load_forecast(url, forecast_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _rota_inputs(
    url: str, version_id: int, updated_at: str
) -> tuple[pd.DataFrame, int, dt.date | None, str, str]:
    """Coverage, number of agents, start date, status and name of a rota version."""
    version = repository.load_rota(url, version_id)
    return (
        version.coverage,
        int(version.rota["agent_id"].nunique()),
        version.start_date,
        version.status,
        version.name,
    )


@st.cache_data(show_spinner="Ranking the inputs…", max_entries=16)
def _sensitivity(
    _forecast_frame,
    _coverage,
    _targets,
    _shrinkage,
    interval_minutes: int,
    key: tuple,
    base: Scenario,
) -> pd.DataFrame:
    return sensitivity(
        _forecast_frame, _coverage, _targets, _shrinkage, interval_minutes, base=base
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _run_cached(
    _forecast_frame,
    _coverage,
    _targets,
    _shrinkage,
    interval_minutes: int,
    key: tuple,
    scenario: Scenario,
    patience_seconds: float | None,
) -> ScenarioResult:
    """The base scenario, computed once per stored forecast, rota, centre and patience."""
    return run_scenario(
        _forecast_frame,
        _coverage,
        _targets,
        _shrinkage,
        interval_minutes,
        scenario,
        patience_seconds=patience_seconds,
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _base_daily(
    _base: ScenarioResult, key: tuple, patience_seconds: float | None, interval_minutes: int
) -> pd.DataFrame:
    return projection_by_day(_base, interval_minutes)


def _pick_rota(ws) -> pd.Series:
    """The rota version to test: the newest published one, else the newest draft."""
    versions = ws.rota_versions()
    if versions.empty:
        data.require_step("rota", "test scenarios on")  # the info box, and the end of the page
    published = versions[versions["status"] == "published"]
    chosen = published if not published.empty else versions
    return chosen.sort_values("id").iloc[-1]


def _period(
    coverage: pd.DataFrame, start_date: dt.date | None, timezone: str
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start (inclusive) and end (exclusive) of the rota's dates, tz-aware."""
    dates = coverage["interval_start"].dt.date
    first = start_date or dates.min()
    last = max(dates.max(), first)
    return (
        pd.Timestamp(first).tz_localize(timezone),
        pd.Timestamp(last + dt.timedelta(days=1)).tz_localize(timezone),
    )


def _percent_slider(label: str, low: int, high: int, default: int, key: str, help_text: str) -> int:
    return st.slider(
        label, low, high, default, step=1, key=key, help=help_text, persist_state="session"
    )


st.title("What if")

with ui.friendly_errors():
    ws = data.workspace()
    forecasts = repository.list_datasets(ws.url, "forecast")
    if forecasts.empty:
        data.require_step("forecast", "test scenarios on")
    forecast_row = forecasts.iloc[-1]
    rota_row = _pick_rota(ws)
    centre = data.app_centre()
    coverage, rota_agents, start_date, status, rota_name = _rota_inputs(
        ws.url, int(rota_row["id"]), str(rota_row["updated_at"])
    )
    targets, shrinkage = service_targets(centre), shrinkage_by_queue(centre)
    period_start, period_end = _period(coverage, start_date, centre.timezone)
    full_forecast = _forecast(ws.url, int(forecast_row["id"]))
    times = full_forecast["interval_start"]
    forecast = full_forecast[
        (times >= period_start) & (times < period_end) & full_forecast["queue"].isin(targets)
    ]
    forecast = forecast.reset_index(drop=True)
    if forecast.empty:
        st.warning(
            f"The saved forecast ({times.min():%d %b %Y} to {times.max():%d %b %Y}) does not cover the rota's dates "
            f"({period_start:%d %b %Y} to {period_end - pd.Timedelta(days=1):%d %b %Y}), so there is nothing to test. "
            "Run a forecast for the rota's week on the Forecast page, or generate a rota for the forecast's week.",
            icon=":material/event_busy:",
        )
        st.page_link("views/forecast.py", label="Go to Forecast", icon=":material/arrow_forward:")
        st.stop()
    queues = sorted(forecast["queue"].unique())
    st.caption(
        f"Rota version {int(rota_row['id'])} ({status}, “{rota_name}”, {rota_agents} agents), "
        f"{period_start:%a %d %b} to {period_end - pd.Timedelta(days=1):%a %d %b %Y}; forecast saved "
        f"{str(forecast_row['created_at'])[:16].replace('T', ' ')} UTC. The requirements are staffed again for the "
        "changed forecast and targets; the rota itself is not re-solved."
    )

    # --- controls -------------------------------------------------------------------------
    target_default = round(
        100 * sum(targets[q].service_level_target or 0.0 for q in queues) / len(queues)
    )
    shrinkage_default = round(100 * sum(shrinkage[q] for q in queues) / len(queues))
    left, middle, right = st.columns(3)
    with left:
        volume = _percent_slider(
            "Volume change [%]",
            -50,
            100,
            0,
            state.WHATIF_VOLUME_CHANGE_PERCENT,
            "Contacts offered in every interval, relative to the forecast.",
        )
        aht = _percent_slider(
            "Handle time change [%]",
            -50,
            100,
            0,
            state.WHATIF_AHT_CHANGE_PERCENT,
            "Average handle time in every interval, relative to the forecast.",
        )
    with middle:
        target = _percent_slider(
            "Service-level target [%]",
            50,
            99,
            target_default,
            state.WHATIF_SERVICE_LEVEL_TARGET_PERCENT,
            "Share of contacts to answer within each queue's answer threshold, for every queue. "
            "Left at the start value, each queue keeps its own target.",
        )
        shrink = _percent_slider(
            "Shrinkage [%]",
            0,
            60,
            shrinkage_default,
            state.WHATIF_SHRINKAGE_PERCENT,
            "Share of scheduled time not available for contacts (absence, training), for every queue. "
            "Left at the start value, each queue keeps its own.",
        )
    with right:
        absent = _percent_slider(
            "Absenteeism [%]",
            0,
            50,
            0,
            state.WHATIF_ABSENTEEISM_PERCENT,
            "Share of the rota's agents absent on the day, beyond the planned shrinkage.",
        )
        headcount = st.slider(
            "Headcount change [agents]",
            -max(rota_agents - 1, 0),
            max(rota_agents, 10),
            0,
            step=1,
            key=state.WHATIF_HEADCOUNT_CHANGE_AGENTS,
            persist_state="session",
            help=f"Agents added to (or removed from) the rota's {rota_agents}; every interval's scheduled agents "
            "change in proportion.",
        )
    patience = st.number_input(
        "Caller patience [s]",
        min_value=0,
        max_value=3600,
        value=DEFAULT_PATIENCE_SECONDS,
        step=10,
        key=state.WHATIF_PATIENCE_SECONDS,
        persist_state="session",
        help="Mean time a caller waits before hanging up, for the abandonment (Erlang A). 0 leaves abandonment out.",
    )
    scenario = whatif_charts.scenario_from_controls(
        WHAT_IF,
        volume_change_percent=volume,
        aht_change_percent=aht,
        service_level_target_percent=None if target == target_default else target,
        shrinkage_percent=None if shrink == shrinkage_default else shrink,
        absenteeism_percent=absent,
        headcount_change_agents=headcount,
        rota_agents=rota_agents,
    )
    patience_seconds = float(patience) if patience > 0 else None

    def run(one: Scenario) -> ScenarioResult:
        return run_scenario(
            forecast,
            coverage,
            targets,
            shrinkage,
            centre.interval_minutes,
            one,
            patience_seconds=patience_seconds,
        )

    kept: dict[str, Scenario] = st.session_state.setdefault(state.WHATIF_KEPT_SCENARIOS, {})
    key = (
        int(forecast_row["id"]),
        int(rota_row["id"]),
        str(rota_row["updated_at"]),
        centre.model_dump_json(),
    )
    base = _run_cached(
        forecast,
        coverage,
        targets,
        shrinkage,
        centre.interval_minutes,
        key,
        Scenario(name=BASE),
        patience_seconds,
    )
    changed = run(scenario)

    def run_kept(one: Scenario) -> ScenarioResult:
        """A kept scenario, computed once (it does not change with the sliders)."""
        return _run_cached(
            forecast,
            coverage,
            targets,
            shrinkage,
            centre.interval_minutes,
            key,
            one,
            patience_seconds,
        )

    comparison = compare_scenarios([base, changed]).set_index("scenario")
    before, after = comparison.loc[BASE], comparison.loc[WHAT_IF]

    # --- headline ---------------------------------------------------------------------------
    st.subheader("The period, all queues")
    st.caption(f"What if: {whatif_charts.describe_scenario(scenario)}.")
    figures = [
        ("Service level", "service_level", ui.percent, "normal"),
        ("ASA", "asa_seconds", ui.seconds, "inverse"),
        ("Occupancy", "occupancy", ui.percent, "off"),
        ("Abandoned", "abandonment_rate", ui.percent, "inverse"),
        ("Required agent-hours", "required_agent_hours", ui.hours, "inverse"),
        ("Under-staffed agent-hours", "under_staffed_agent_hours", ui.hours, "inverse"),
    ]
    figures = [f for f in figures if f[1] in comparison]
    for column, (label, field, show, colour) in zip(st.columns(len(figures)), figures, strict=True):
        with column:
            st.metric(f"{label} ({BASE})", show(before[field]))
            points = field in ("service_level", "occupancy", "abandonment_rate")
            delta = ui.change(before[field], after[field], ui.percentage_points if points else show)
            st.metric(f"{label} ({WHAT_IF})", show(after[field]), delta=delta, delta_color=colour)
    total = changed.summary.set_index("queue").loc["all"]
    if total["intervals_unstable"]:
        st.caption(
            ui.overloaded_note(
                int(total["intervals_unstable"]), float(total["offered_in_unstable_intervals"])
            )
        )

    # --- per interval -------------------------------------------------------------------------
    st.subheader("Per interval")
    pick_queue, pick_measure = st.columns(2)
    with pick_queue:
        queue = ui.queue_picker(queues)
    measures = {
        k: v[0] for k, v in whatif_charts.PROJECTION_MEASURES.items() if k in changed.projected
    }
    with pick_measure:
        measure = st.selectbox(
            "Measure", list(measures), format_func=measures.get, key=state.WHATIF_MEASURE
        )
    drawn = {BASE: base.projected, WHAT_IF: changed.projected}
    for name, other in kept.items():
        drawn[name] = run_kept(other).projected
    frame = whatif_charts.projection_frame(drawn, queue, measure, centre.interval_minutes)
    queue_target = float(changed.summary.set_index("queue").loc[queue, "service_level_target"])
    st.altair_chart(
        whatif_charts.projection_chart(
            frame, measure, queue_target if measure == "service_level" else None
        ),
        width="stretch",
    )
    st.caption(
        f"Local time ({centre.timezone}). Dashed line: the {WHAT_IF} target. An ASA with no finite wait is not drawn."
    )
    interval_table = pd.concat(
        [base.projected.assign(scenario=BASE), changed.projected.assign(scenario=WHAT_IF)]
    )
    interval_table = interval_table.assign(
        interval_start=interval_table["interval_start"].map(lambda t: t.isoformat())
    )
    st.download_button(
        "Download per interval (CSV)",
        frame_to_csv_text(interval_table),
        "whatif_by_interval.csv",
        "text/csv",
        key="whatif_download_intervals",
    )

    # --- per day --------------------------------------------------------------------------------
    st.subheader("Per day")
    daily = projection_by_day(changed, centre.interval_minutes)
    base_daily = _base_daily(base, key, patience_seconds, centre.interval_minutes)
    shown = daily.merge(
        base_daily[["date", "queue", "service_level"]], on=["date", "queue"], suffixes=("", "_base")
    )
    table = {
        "Date": shown["date"].map(lambda d: f"{d:%a %d %b}"),
        "Queue": shown["queue"],
        "Offered": shown["offered"].map(lambda v: ui.number(v, 0)),
        "Service level (base)": shown["service_level_base"].map(ui.percent),
        "Service level (what if)": shown["service_level"].map(ui.percent),
        "ASA (what if)": shown["asa_seconds"].map(ui.seconds),
        "Occupancy (what if)": shown["occupancy"].map(ui.percent),
    }
    if "abandonment_rate" in shown:
        table["Abandoned (what if)"] = shown["abandonment_rate"].map(ui.percent)
    table["Required agent-hours"] = shown["required_agent_hours"].map(ui.hours)
    table["Scheduled agent-hours"] = shown["scheduled_agent_hours"].map(ui.hours)
    table["Under-staffed agent-hours"] = shown["under_staffed_agent_hours"].map(ui.hours)
    st.dataframe(pd.DataFrame(table), hide_index=True)
    st.download_button(
        "Download per day (CSV)",
        frame_to_csv_text(daily.assign(scenario=WHAT_IF)),
        "whatif_by_day.csv",
        "text/csv",
        key="whatif_download_days",
    )

    # --- staff needed ---------------------------------------------------------------------------
    st.subheader("Staff needed")
    needed = changed.summary[
        ["queue", "required_agent_hours", "scheduled_agent_hours", "under_staffed_agent_hours"]
    ].copy()
    peaks = changed.projected.groupby("queue")["agents_scheduled_required"].max()
    st.dataframe(
        pd.DataFrame(
            {
                "Queue": needed["queue"],
                "Required agent-hours": needed["required_agent_hours"].map(ui.hours),
                "Scheduled agent-hours (present)": needed["scheduled_agent_hours"].map(ui.hours),
                "Under-staffed agent-hours": needed["under_staffed_agent_hours"].map(ui.hours),
                "Peak agents required": needed["queue"].map(peaks).map(lambda v: ui.number(v, 0)),
            }
        ),
        hide_index=True,
    )
    st.caption(
        "Required: scheduled agents needed to meet the targets (after shrinkage); present: the rota's agents "
        "after the headcount change and absenteeism. Peak: the largest requirement in one interval."
    )

    # --- named scenarios ------------------------------------------------------------------------
    st.subheader("Scenarios side by side")
    keep_name, keep_button, save_button = st.columns([3, 1, 1], vertical_alignment="bottom")
    with keep_name:
        name = st.text_input(
            "Scenario name",
            value=f"scenario {len(kept) + 1}",
            key=state.WHATIF_SCENARIO_NAME,
            max_chars=60,
            help="Keep the sliders' scenario under this name to compare it with others.",
        )
    clean_name = name.strip()
    with keep_button:
        keep = st.button("Keep scenario", key="whatif_keep", icon=":material/bookmark_add:")
    with save_button:
        save = st.button(
            "Save scenario",
            key="whatif_save",
            icon=":material/save:",
            help="Store this scenario's results in the workspace (recorded in the audit trail).",
        )
    if (keep or save) and (not clean_name or clean_name in (BASE, WHAT_IF)):
        st.warning(
            f"Give the scenario a name other than “{BASE}” or “{WHAT_IF}”.", icon=":material/edit:"
        )
    elif keep:
        kept[clean_name] = dataclasses.replace(scenario, name=clean_name)
        st.rerun()
    elif save:
        named = run(dataclasses.replace(scenario, name=clean_name))
        results = named.projected.assign(
            interval_start=named.projected["interval_start"].map(lambda t: t.isoformat())
        )
        meta = {
            "scenario": {k: v for k, v in dataclasses.asdict(scenario).items() if k != "name"},
            "rota_version": int(rota_row["id"]),
            "forecast_id": int(forecast_row["id"]),
            "patience_seconds": patience_seconds,
            "summary": json.loads(named.summary.to_json(orient="records")),
        }
        dataset_id = ws.save_scenario(clean_name, results, meta)
        st.success(
            f"Saved scenario “{clean_name}” (dataset {dataset_id}); the audit trail records it.",
            icon=":material/check:",
        )

    compared = [base, changed, *(run_kept(other) for other in kept.values())]
    side_by_side = whatif_charts.comparison_with_differences(compare_scenarios(compared))
    formats = {
        "fraction": ui.percent,
        "seconds": ui.seconds,
        "hours": ui.hours,
        "contacts": lambda v: ui.number(v, 0),
    }
    changes = {
        "fraction": ui.percentage_points,
        "seconds": lambda v: ui.change(0.0, v, ui.seconds) or ui.MISSING,
        "hours": lambda v: ui.change(0.0, v, ui.hours) or ui.MISSING,
        "contacts": lambda v: ui.change(0.0, v, ui.number) or ui.MISSING,
    }
    titles = {
        "service_level": "Service level",
        "asa_seconds": "ASA",
        "occupancy": "Occupancy",
        "abandonment_rate": "Abandoned",
        "required_agent_hours": "Required agent-h",
        "scheduled_agent_hours": "Present agent-h",
        "under_staffed_agent_hours": "Under-staffed agent-h",
        "offered": "Offered",
    }
    pretty = {"Scenario": side_by_side["scenario"]}
    for column, kind in whatif_charts.COMPARISON_FIGURES.items():
        if column in side_by_side:
            pretty[titles[column]] = side_by_side[column].map(formats[kind])
            pretty[f"{titles[column]} vs base"] = side_by_side[f"{column}_change"].map(
                changes[kind]
            )
    st.dataframe(pd.DataFrame(pretty), hide_index=True)
    if kept:
        st.caption(
            "Kept: "
            + "; ".join(f"{n}: {whatif_charts.describe_scenario(s)}" for n, s in kept.items())
        )
        if st.button(
            "Forget the kept scenarios", key="whatif_forget", icon=":material/delete_sweep:"
        ):
            kept.clear()
            st.rerun()
    st.download_button(
        "Download the comparison (CSV)",
        frame_to_csv_text(side_by_side),
        "whatif_comparison.csv",
        "text/csv",
        key="whatif_download_comparison",
    )

    # --- sensitivity ------------------------------------------------------------------------------
    st.subheader("Which input moves the service level most")
    from_whatif = st.toggle(
        "Start from the what-if scenario",
        value=False,
        key=state.WHATIF_SENSITIVITY_FROM_SCENARIO,
        help="Off: the inputs move from the plan as it stands (computed once). On: from the sliders' scenario "
        "(about twenty recomputations at every slider move, so the page is slower).",
    )
    start = scenario if from_whatif else Scenario(name=BASE)
    tornado = _sensitivity(
        forecast, coverage, targets, shrinkage, centre.interval_minutes, key, start
    )
    st.altair_chart(
        whatif_charts.tornado_chart(whatif_charts.tornado_frame(tornado)), width="stretch"
    )
    st.caption(
        f"Each input moved alone by ±10 % from the {'what-if scenario' if from_whatif else 'plan as it stands'} "
        "(absenteeism: 10 % fewer or more agents present). "
        "The target changes the agents required, not the service the rota gives, so its bar is empty; "
        "its effect is in the required agent-hours of the CSV."
    )
    st.download_button(
        "Download the sensitivity table (CSV)",
        frame_to_csv_text(tornado),
        "whatif_sensitivity.csv",
        "text/csv",
        key="whatif_download_sensitivity",
    )
