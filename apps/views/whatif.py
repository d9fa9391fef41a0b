"""What if (for managers): change volume, handle time, the service-level target, shrinkage,
absenteeism or headcount, and see what a rota would achieve.

The rota tested is picked at the top (default: the one that applies to the newest forecast's
dates, :meth:`wfm.plan.workspace.Workspace.rota_for_period`, so a draft for next week can be
tested before it is published); the forecast is the newest saved one covering the rota's
dates. Every slider move recomputes the requirements and the projected service with
:func:`wfm.review.scenarios.run_scenario` (a few hundredths of a second for a week); the rota
itself is not re-solved.

Live: the sliders, the headline figures and the per-interval chart are one fragment
(``st.fragment``), so a slider move reruns only them; the rest of the page (per day, staff
needed, scenarios side by side, sensitivity) follows in a full run started at the end of the
fragment. Named scenarios can be kept for the session, saved in the workspace (one per name),
listed and reopened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import streamlit as st

from helpers import data, state, ui, whatif_charts
from wfm.data.io import frame_to_csv_text
from wfm.errors import WfmError
from wfm.plan.chain import service_targets, shrinkage_by_queue
from wfm.plan.rota_choice import applying
from wfm.review.scenarios import (
    Scenario,
    ScenarioResult,
    compare_scenarios,
    projection_by_day,
    run_scenario,
    sensitivity,
)

BASE, WHAT_IF = "base", "what if"
#: Caller patience the page starts with [s] (Erlang A throughout; 0 = callers never abandon:
#: Erlang C).
DEFAULT_PATIENCE_SECONDS = 120
#: Share of the loaded intervals decided by the occupancy cap from which the page says the
#: service-level target hardly changes the requirement.
CAP_BINDS_SHARE = 0.9
#: Slider keys by the name of their :func:`helpers.whatif_charts.scenario_from_controls` argument.
CONTROL_KEYS = {
    "volume_change_percent": state.WHATIF_VOLUME_CHANGE_PERCENT,
    "aht_change_percent": state.WHATIF_AHT_CHANGE_PERCENT,
    "service_level_target_percent": state.WHATIF_SERVICE_LEVEL_TARGET_PERCENT,
    "shrinkage_percent": state.WHATIF_SHRINKAGE_PERCENT,
    "absenteeism_percent": state.WHATIF_ABSENTEEISM_PERCENT,
    "headcount_change_agents": state.WHATIF_HEADCOUNT_CHANGE_AGENTS,
}


@dataclasses.dataclass(frozen=True)
class Inputs:
    """What every scenario of the page is computed from (fixed while the sliders move)."""

    forecast: pd.DataFrame
    coverage: pd.DataFrame
    targets: dict
    shrinkage: dict
    interval_minutes: int
    key: tuple
    rota_agents: int
    queues: list[str]
    timezone: str
    target_default: int
    shrinkage_default: int


# --- data (cached per stored version: a slider move must not re-read the store) -----------
@st.cache_data(show_spinner=False, max_entries=8)
def _rota_inputs(_ws, url: str, version_id: int, updated_at: str) -> tuple[pd.DataFrame, int]:
    """Coverage and number of agents of a rota version."""
    version = _ws.rota(version_id)
    return version.coverage, int(version.rota["agent_id"].nunique())


@st.cache_data(show_spinner=False, max_entries=8)
def _covering_forecast(
    _ws, url: str, newest_forecast_id: int, first: dt.date, last: dt.date, timezone: str
):
    """The newest saved forecast overlapping the rota's dates: (id, created_at, frame) or None."""
    saved = _ws.covering("forecast", first, last, timezone)
    return None if saved is None else (saved.id, saved.created_at, saved.frame)


@st.cache_data(show_spinner="Ranking the inputs…", max_entries=16)
def _sensitivity(_inputs: Inputs, key: tuple, base: Scenario, patience: float | None):
    i = _inputs
    return sensitivity(
        i.forecast, i.coverage, i.targets, i.shrinkage, i.interval_minutes, base=base
    )


@st.cache_data(show_spinner=False, max_entries=32)
def _run(_inputs: Inputs, key: tuple, scenario: Scenario, patience: float | None) -> ScenarioResult:
    """One scenario, computed once per stored forecast, rota, centre and patience."""
    i = _inputs
    return run_scenario(
        i.forecast,
        i.coverage,
        i.targets,
        i.shrinkage,
        i.interval_minutes,
        scenario,
        patience_seconds=patience,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _by_day(_result: ScenarioResult, key: tuple, scenario: Scenario, patience, minutes: int):
    return projection_by_day(_result, minutes)


def _span_label(row) -> str:
    dates = (
        f"{row['first_date']:%d %b} to {row['last_date']:%d %b %Y}"
        if row["first_date"] is not None
        else "no shifts"
    )
    return f"Version {int(row['id'])} ({row['status']}, “{row['name']}”), {dates}"


def _controls(inputs: Inputs) -> tuple[Scenario, float | None]:
    """The sliders (their values survive page changes) and the scenario they make."""

    def percent_slider(label: str, low: int, high: int, default: int, key: str, text: str):
        return st.slider(
            label, low, high, default, step=1, key=key, help=text, persist_state="session"
        )

    left, middle, right = st.columns(3)
    with left:
        volume = percent_slider(
            "Volume change [%]",
            -50,
            100,
            0,
            state.WHATIF_VOLUME_CHANGE_PERCENT,
            "Contacts offered in every interval, relative to the forecast.",
        )
        aht = percent_slider(
            "Handle time change [%]",
            -50,
            100,
            0,
            state.WHATIF_AHT_CHANGE_PERCENT,
            "Average handle time in every interval, relative to the forecast.",
        )
    with middle:
        target = percent_slider(
            "Service-level target [%]",
            50,
            99,
            inputs.target_default,
            state.WHATIF_SERVICE_LEVEL_TARGET_PERCENT,
            "Share of contacts to answer within each queue's answer time, for every queue. "
            "Left at the start value, each queue keeps its own target.",
        )
        shrink = percent_slider(
            "Shrinkage [%]",
            0,
            60,
            inputs.shrinkage_default,
            state.WHATIF_SHRINKAGE_PERCENT,
            "Share of scheduled time not available for contacts (absence, training), for every "
            "queue. Left at the start value, each queue keeps its own.",
        )
    with right:
        absent = percent_slider(
            "Absenteeism [%]",
            0,
            50,
            0,
            state.WHATIF_ABSENTEEISM_PERCENT,
            "Share of the rota's agents absent on the day, beyond the planned shrinkage.",
        )
        agents = inputs.rota_agents
        headcount = st.slider(
            "Headcount change [agents]",
            -max(agents - 1, 0),
            max(agents, 10),
            0,
            step=1,
            key=state.WHATIF_HEADCOUNT_CHANGE_AGENTS,
            persist_state="session",
            help=f"Agents added to (or removed from) the rota's {agents}; every interval's "
            "scheduled agents change in proportion.",
        )
    patience = st.number_input(
        "Caller patience [s]",
        min_value=0,
        max_value=3600,
        value=DEFAULT_PATIENCE_SECONDS,
        step=10,
        key=state.WHATIF_PATIENCE_SECONDS,
        persist_state="session",
        help="Mean time a caller waits before hanging up. Above 0 every figure comes from "
        "Erlang A (callers abandon); 0 means nobody abandons (Erlang C).",
    )
    scenario = whatif_charts.scenario_from_controls(
        WHAT_IF,
        volume_change_percent=volume,
        aht_change_percent=aht,
        service_level_target_percent=None if target == inputs.target_default else target,
        shrinkage_percent=None if shrink == inputs.shrinkage_default else shrink,
        absenteeism_percent=absent,
        headcount_change_agents=headcount,
        rota_agents=agents,
    )
    return scenario, (float(patience) if patience > 0 else None)


def _headline(base: ScenarioResult, changed: ScenarioResult, scenario: Scenario) -> None:
    """The period's figures, what if against base, compact enough for 1280 px."""
    comparison = compare_scenarios([base, changed]).set_index("scenario")
    before, after = comparison.loc[BASE], comparison.loc[WHAT_IF]
    st.subheader("The period, all queues")
    st.caption(
        f"What if: {whatif_charts.describe_scenario(scenario)}. Every figure: {changed.model}."
    )
    figures = [
        ("Service level", "service_level", ui.percent, "normal"),
        ("ASA", "asa_seconds", ui.seconds, "inverse"),
        ("Occupancy", "occupancy", ui.percent, "off"),
        ("Abandoned", "abandonment_rate", ui.percent, "inverse"),
        ("Required agent-h", "required_agent_hours", ui.compact_hours, "inverse"),
        ("Short agent-h", "under_staffed_agent_hours", ui.compact_hours, "inverse"),
    ]
    figures = [f for f in figures if f[1] in comparison]
    for column, (label, field, show, colour) in zip(st.columns(len(figures)), figures, strict=True):
        if field == "asa_seconds":
            shown_after = ui.asa_text(after[field], after["asa_covered_share"])
            shown_before = ui.asa_text(before[field], before["asa_covered_share"])
            bounded = ui.UNBOUNDED not in (shown_after, shown_before)
            delta = ui.change(before[field], after[field], show) if bounded else None
        else:
            shown_after, shown_before = show(after[field]), show(before[field])
            points = field in ("service_level", "occupancy", "abandonment_rate")
            delta = ui.change(before[field], after[field], ui.percentage_points if points else show)
        exact = (
            f"{ui.hours(after[field])} (base {ui.hours(before[field])})"
            if field.endswith("hours")
            else None
        )
        with column:
            st.metric(label, shown_after, delta=delta, delta_color=colour, help=exact)
            st.caption(f"base: {shown_before}")
    note = ui.asa_note(
        after["asa_seconds"], after["asa_covered_share"], after["offered_in_unstable_intervals"]
    )
    if note:
        st.caption(note)


def _cap_note(base: ScenarioResult, changed: ScenarioResult, scenario: Scenario) -> None:
    """Say so when the occupancy cap, not the service-level target, decides the requirement."""
    share = float(changed.binding_share.get("occupancy", 0.0))
    if share < CAP_BINDS_SHARE:
        return
    totals = [
        r.summary.set_index("queue").loc["all", "required_agent_hours"] for r in (base, changed)
    ]
    unchanged = scenario.service_level_target is not None and abs(totals[1] - totals[0]) < 0.05
    st.info(
        f"The occupancy cap decides the agents required in {ui.percent(share, 0)} of the intervals: "
        "keeping occupancy under the cap takes more agents than meeting the service-level target. "
        + (
            "That is why moving the service-level target changes nothing here. "
            if unchanged
            else "Moving the service-level target changes little here. "
        )
        + "Raise the cap (Settings page, Queues: “Occupancy cap [%]”) to see the target matter.",
        icon=":material/speed:",
    )


@st.fragment
def live(inputs: Inputs) -> None:
    """Sliders, headline and per-interval chart: a slider move reruns only this part."""
    scenario, patience = _controls(inputs)
    base = _run(inputs, inputs.key, Scenario(name=BASE), patience)
    changed = _run(inputs, inputs.key, scenario, patience)
    _headline(base, changed, scenario)
    _cap_note(base, changed, scenario)

    st.subheader("Per interval")
    pick_queue, pick_measure = st.columns(2)
    with pick_queue:
        queue = ui.queue_picker(inputs.queues)
    measures = {
        k: v[0] for k, v in whatif_charts.PROJECTION_MEASURES.items() if k in changed.projected
    }
    with pick_measure:
        measure = st.selectbox(
            "Measure", list(measures), format_func=measures.get, key=state.WHATIF_MEASURE
        )
    drawn = {BASE: base.projected, WHAT_IF: changed.projected}
    for name, other in st.session_state.get(state.WHATIF_KEPT_SCENARIOS, {}).items():
        drawn[name] = _run(inputs, inputs.key, other, patience).projected
    frame = whatif_charts.projection_frame(drawn, queue, measure, inputs.interval_minutes)
    queue_target = float(changed.summary.set_index("queue").loc[queue, "service_level_target"])
    st.altair_chart(
        whatif_charts.projection_chart(
            frame, measure, queue_target if measure == "service_level" else None
        ),
        width="stretch",
    )
    st.caption(
        f"Local time ({inputs.timezone}); {changed.model}. Dashed line: the {WHAT_IF} target."
        + (" An ASA with no finite wait is not drawn." if patience is None else "")
    )
    drawn_with = (scenario, patience)
    if not st.session_state.get(state.WHATIF_FULL_RUN) and (
        st.session_state.get(state.WHATIF_DRAWN_WITH) != drawn_with
    ):
        # Only this fragment ran (a slider moved): the rest of the page follows.
        st.session_state[state.WHATIF_DRAWN_WITH] = drawn_with
        st.rerun()
    st.session_state[state.WHATIF_DRAWN_WITH] = drawn_with


def _reopen(controls: dict[str, int], patience: float | None, version_id: int | None) -> None:
    """Set the sliders to a saved scenario's values (a button callback, before the widgets)."""
    for name, value in controls.items():
        st.session_state[CONTROL_KEYS[name]] = int(value)
    st.session_state[state.WHATIF_PATIENCE_SECONDS] = int(patience or 0)
    if version_id is not None:
        st.session_state[state.WHATIF_ROTA_VERSION] = int(version_id)


st.title("What if")

message = st.session_state.pop(state.WHATIF_MESSAGE, None)
if message:
    st.success(message, icon=":material/check:")

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()
    forecasts = ws.forecasts()
    if forecasts.empty:
        data.require_step("forecast", "test scenarios on")
    spans = ws.rota_spans(centre.timezone)
    if spans.empty:
        data.require_step("rota", "test scenarios on")
    targets, shrinkage = service_targets(centre), shrinkage_by_queue(centre)
    usable = spans[spans["queues"].map(lambda found: bool(set(targets) & set(found)))]
    if usable.empty:
        data.stop_for_another_centre(
            "The saved rotas",
            {q for found in spans["queues"] for q in found},
            targets,
            "rota",
            "Generate a rota for this centre",
        )

    # --- which rota --------------------------------------------------------------------------
    newest_forecast = ws.frame(int(forecasts.iloc[-1]["id"]), "forecast").frame
    local = newest_forecast["interval_start"].dt.tz_convert(centre.timezone).dt.date
    fitting = applying(usable, local.min(), local.max(), queues=targets)
    default_id = int((fitting if not fitting.empty else usable).iloc[0]["id"])
    ids = [int(i) for i in usable["id"]]
    if st.session_state.get(state.WHATIF_ROTA_VERSION) not in ids:
        st.session_state[state.WHATIF_ROTA_VERSION] = default_id
    labels = {int(row["id"]): _span_label(row) for row in usable.to_dict("records")}
    version_id = st.selectbox(
        "Rota tested",
        ids,
        format_func=labels.get,
        key=state.WHATIF_ROTA_VERSION,
        help="Any saved rota of this centre, drafts too: test next week's draft before publishing "
        "it. It starts on the rota that covers the newest forecast's dates (published first).",
    )
    row = usable.set_index("id").loc[version_id]
    if len(usable) < len(spans):
        st.caption(
            f"{len(spans) - len(usable)} saved rota(s) for other queues (another centre) are not offered."
        )
    coverage, rota_agents = _rota_inputs(ws, ws.url, version_id, str(row["updated_at"]))
    first, last = row["first_date"], row["last_date"]
    found = _covering_forecast(
        ws, ws.url, int(forecasts.iloc[-1]["id"]), first, last, centre.timezone
    )
    if found is None:
        st.warning(
            f"No saved forecast covers the rota's dates ({first:%d %b %Y} to {last:%d %b %Y}), so "
            "there is nothing to test. Run a forecast for those dates on the Forecast page, or pick "
            "another rota.",
            icon=":material/event_busy:",
        )
        st.page_link(
            data.STEP_PAGES["forecast"][0], label="Go to Forecast", icon=":material/arrow_forward:"
        )
        st.stop()
    forecast_id, forecast_saved_at, full_forecast = found
    period_start = pd.Timestamp(first).tz_localize(centre.timezone)
    period_end = pd.Timestamp(last + dt.timedelta(days=1)).tz_localize(centre.timezone)
    times = full_forecast["interval_start"]
    forecast = full_forecast[
        (times >= period_start) & (times < period_end) & full_forecast["queue"].isin(targets)
    ].reset_index(drop=True)
    queues = sorted(forecast["queue"].unique())
    if not queues:
        st.warning(
            "The forecast covering the rota's dates has none of this centre's queues: run a forecast "
            "on the Forecast page.",
            icon=":material/event_busy:",
        )
        st.stop()
    st.caption(
        f"{rota_agents} agents, {first:%a %d %b} to {last:%a %d %b %Y}; forecast {forecast_id} saved "
        f"{ui.when(forecast_saved_at)}. The requirements are staffed again for the changed forecast "
        "and targets; the rota itself is not re-solved."
    )
    inputs = Inputs(
        forecast=forecast,
        coverage=coverage,
        targets=targets,
        shrinkage=shrinkage,
        interval_minutes=centre.interval_minutes,
        key=(forecast_id, version_id, str(row["updated_at"]), centre.model_dump_json()),
        rota_agents=rota_agents,
        queues=queues,
        timezone=centre.timezone,
        target_default=round(
            100 * sum(targets[q].service_level_target or 0.0 for q in queues) / len(queues)
        ),
        shrinkage_default=round(100 * sum(shrinkage[q] for q in queues) / len(queues)),
    )

# --- live part: sliders, headline, per interval --------------------------------------------
st.session_state[state.WHATIF_FULL_RUN] = True
try:
    with ui.friendly_errors():
        live(inputs)
finally:
    st.session_state[state.WHATIF_FULL_RUN] = False

with ui.friendly_errors():
    scenario, patience = st.session_state[state.WHATIF_DRAWN_WITH]
    key = inputs.key
    base = _run(inputs, key, Scenario(name=BASE), patience)
    changed = _run(inputs, key, scenario, patience)

    # --- per day --------------------------------------------------------------------------------
    st.subheader("Per day")
    daily = _by_day(changed, key, scenario, patience, centre.interval_minutes)
    base_daily = _by_day(base, key, Scenario(name=BASE), patience, centre.interval_minutes)
    shown = daily.merge(
        base_daily[["date", "queue", "service_level"]], on=["date", "queue"], suffixes=("", "_base")
    )
    covered = 1 - shown["offered_in_unstable_intervals"] / shown["offered"].where(
        shown["offered"] > 0
    )
    table = {
        "Date": shown["date"].map(lambda d: f"{d:%a %d %b}"),
        "Queue": shown["queue"],
        "Offered": shown["offered"].map(lambda v: ui.number(v, 0)),
        "Service level (base)": shown["service_level_base"].map(ui.percent),
        "Service level (what if)": shown["service_level"].map(ui.percent),
        "ASA (what if)": [
            ui.asa_text(a, c)
            for a, c in zip(shown["asa_seconds"], covered.fillna(1.0), strict=True)
        ],
        "Occupancy (what if)": shown["occupancy"].map(ui.percent),
    }
    if "abandonment_rate" in shown:
        table["Abandoned (what if)"] = shown["abandonment_rate"].map(ui.percent)
    table["Required agent-hours"] = shown["required_agent_hours"].map(ui.hours)
    table["Scheduled agent-hours"] = shown["scheduled_agent_hours"].map(ui.hours)
    table["Short agent-hours"] = shown["under_staffed_agent_hours"].map(ui.hours)
    st.dataframe(pd.DataFrame(table), hide_index=True)
    downloads = st.columns(2)
    downloads[0].download_button(
        "Download per day (CSV)",
        frame_to_csv_text(daily.assign(scenario=WHAT_IF)).encode("utf-8"),
        "whatif_by_day.csv",
        "text/csv",
        key="whatif_download_days",
        on_click="ignore",
    )
    downloads[1].download_button(
        "Download per interval (CSV)",
        lambda: frame_to_csv_text(
            pd.concat(
                [base.projected.assign(scenario=BASE), changed.projected.assign(scenario=WHAT_IF)]
            )
        ).encode("utf-8"),
        "whatif_by_interval.csv",
        "text/csv",
        key="whatif_download_intervals",
        on_click="ignore",
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
                "Short agent-hours": needed["under_staffed_agent_hours"].map(ui.hours),
                "Peak agents required": needed["queue"].map(peaks).map(lambda v: ui.number(v, 0)),
            }
        ),
        hide_index=True,
    )
    st.caption(
        "Required: scheduled agents needed to meet the targets (after shrinkage); present: the rota's "
        "agents after the headcount change and absenteeism. Peak: the largest requirement in one "
        "interval."
    )

    # --- named scenarios ------------------------------------------------------------------------
    st.subheader("Scenarios")
    kept: dict[str, Scenario] = st.session_state.setdefault(state.WHATIF_KEPT_SCENARIOS, {})
    saved_list = ws.scenarios()
    name_col, keep_col, save_col = st.columns([3, 1, 1], vertical_alignment="bottom")
    with name_col:
        name = st.text_input(
            "Scenario name",
            value=f"scenario {len(saved_list) + len(kept) + 1}",
            key=state.WHATIF_SCENARIO_NAME,
            max_chars=60,
            help="Keep the sliders' scenario for this session to compare it with others, or save it in "
            "the workspace to reopen it later.",
        )
    clean_name = name.strip()
    keep = keep_col.button(
        "Compare",
        key="whatif_keep",
        icon=":material/bookmark_add:",
        help="Keep the sliders' scenario for this session, to compare it side by side and on the chart.",
    )
    save = save_col.button(
        "Save scenario",
        key="whatif_save",
        icon=":material/save:",
        help="Store the sliders, the rota and the results in the workspace (recorded in the audit trail).",
    )
    replace = st.checkbox(
        "Replace the saved scenario of that name",
        key=state.WHATIF_REPLACE,
        disabled=clean_name not in set(saved_list["name"]),
        help="Saving under a name already used replaces that scenario in the list.",
    )
    if (keep or save) and (not clean_name or clean_name in (BASE, WHAT_IF)):
        st.warning(
            f"Give the scenario a name other than “{BASE}” or “{WHAT_IF}”.", icon=":material/edit:"
        )
    elif keep:
        kept[clean_name] = dataclasses.replace(scenario, name=clean_name)
        st.rerun()
    elif save:
        named = _run(inputs, key, dataclasses.replace(scenario, name=clean_name), patience)
        results = named.projected.assign(
            interval_start=named.projected["interval_start"].map(lambda t: t.isoformat())
        )
        controls = whatif_charts.controls_from_scenario(
            scenario,
            rota_agents=rota_agents,
            target_default=inputs.target_default,
            shrinkage_default=inputs.shrinkage_default,
        )
        meta = {
            "scenario": {k: v for k, v in dataclasses.asdict(scenario).items() if k != "name"},
            "controls": controls,
            "rota_version": int(version_id),
            "forecast_id": int(forecast_id),
            "patience_seconds": patience,
            "model": named.model,
            "summary": json.loads(named.summary.to_json(orient="records")),
        }
        try:
            dataset_id = ws.save_scenario(clean_name, results, meta, replace=replace)
        except WfmError as error:
            ui.show_error(error)
        else:
            st.session_state[state.WHATIF_MESSAGE] = (
                f"Saved scenario “{clean_name}” (dataset {dataset_id}); the audit trail records it."
            )
            st.rerun()

    if not saved_list.empty:
        pick_col, open_col = st.columns([4, 1], vertical_alignment="bottom")
        choices = {int(r["id"]): r for r in saved_list.to_dict("records")}
        if st.session_state.get(state.WHATIF_SAVED_PICK) not in choices:
            st.session_state.pop(state.WHATIF_SAVED_PICK, None)  # replaced since it was picked
        picked = pick_col.selectbox(
            "Saved scenarios (newest first)",
            list(choices),
            format_func=lambda i: (
                f"{choices[i]['name']} — saved {ui.when(choices[i]['created_at'])} "
                f"by {choices[i]['created_by']}"
            ),
            key=state.WHATIF_SAVED_PICK,
        )
        opened = ws.scenario(int(picked))
        stored = opened.meta.get("scenario", {})
        reopened = Scenario(name=choices[picked]["name"], **stored)
        controls = opened.meta.get("controls") or whatif_charts.controls_from_scenario(
            reopened,
            rota_agents=rota_agents,
            target_default=inputs.target_default,
            shrinkage_default=inputs.shrinkage_default,
        )
        rota_of_it = opened.meta.get("rota_version")
        open_col.button(
            "Reopen",
            key="whatif_reopen",
            icon=":material/open_in_browser:",
            on_click=_reopen,
            args=(
                controls,
                opened.meta.get("patience_seconds"),
                rota_of_it if rota_of_it in ids else None,
            ),
            help="Set the sliders, the patience and the rota to this scenario's.",
        )
        st.caption(
            f"“{choices[picked]['name']}”: {whatif_charts.describe_scenario(reopened)}; rota version "
            f"{rota_of_it}, {opened.meta.get('model', 'Erlang C')}."
            + (
                ""
                if rota_of_it in ids or rota_of_it is None
                else " That rota is no longer offered here."
            )
        )

    compared = [base, changed, *(_run(inputs, key, other, patience) for other in kept.values())]
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
        "under_staffed_agent_hours": "Short agent-h",
        "offered": "Offered",
    }
    coverage_shares = [
        float(r.summary.set_index("queue").loc["all", "asa_covered_share"]) for r in compared
    ]
    pretty = {"Scenario": side_by_side["scenario"]}
    for column, kind in whatif_charts.COMPARISON_FIGURES.items():
        if column not in side_by_side:
            continue
        if column == "asa_seconds":
            pretty[titles[column]] = [
                ui.asa_text(a, c)
                for a, c in zip(side_by_side[column], coverage_shares, strict=True)
            ]
            pretty[f"{titles[column]} vs base"] = [
                changes[kind](v) if c >= 1 - 1e-9 else ui.MISSING
                for v, c in zip(side_by_side[f"{column}_change"], coverage_shares, strict=True)
            ]
            continue
        pretty[titles[column]] = side_by_side[column].map(formats[kind])
        pretty[f"{titles[column]} vs base"] = side_by_side[f"{column}_change"].map(changes[kind])
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
        frame_to_csv_text(side_by_side).encode("utf-8"),
        "whatif_comparison.csv",
        "text/csv",
        key="whatif_download_comparison",
        on_click="ignore",
    )

    # --- sensitivity ------------------------------------------------------------------------------
    st.subheader("Which input moves the service level most")
    from_whatif = st.toggle(
        "Start from the what-if scenario",
        value=False,
        key=state.WHATIF_SENSITIVITY_FROM_SCENARIO,
        help="Off: the inputs move from the plan as it stands (computed once). On: from the sliders' "
        "scenario (about twenty recomputations at every slider move, so the page is slower).",
    )
    start = scenario if from_whatif else Scenario(name=BASE)
    tornado = _sensitivity(inputs, key, start, patience)
    st.altair_chart(
        whatif_charts.tornado_chart(whatif_charts.tornado_frame(tornado)), width="stretch"
    )
    st.caption(
        f"Each input moved alone by ±10 % from the {'what-if scenario' if from_whatif else 'plan as it stands'} "
        "(absenteeism: 10 % fewer or more agents present), Erlang C. "
        "The target changes the agents required, not the service the rota gives, so its bar is empty; "
        "its effect is in the required agent-hours of the CSV."
    )
    st.download_button(
        "Download the sensitivity table (CSV)",
        frame_to_csv_text(tornado).encode("utf-8"),
        "whatif_sensitivity.csv",
        "text/csv",
        key="whatif_download_sensitivity",
        on_click="ignore",
    )
