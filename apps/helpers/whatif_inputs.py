"""The What-if page's inputs: the rota tested, the forecast covering it, and the cached
scenario runs (:func:`wfm.review.scenarios.run_scenario`) every part of the page shares.

Cached per stored version (a slider move must not re-read the store); presentation only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from helpers import data, state, ui
from wfm.plan.chain import service_targets, shrinkage_by_queue
from wfm.plan.rota_choice import applying
from wfm.review.scenarios import (
    BasePlan,
    Scenario,
    ScenarioResult,
    projection_by_day,
    run_scenario,
    sensitivity,
)

BASE, WHAT_IF = "base", "what if"


@dataclasses.dataclass(frozen=True)
class Inputs:
    """What every scenario of the page is computed from (fixed while the sliders move)."""

    plan: BasePlan
    key: tuple
    rota_agents: int
    queues: list[str]
    timezone: str
    target_default: int
    shrinkage_default: int
    #: The rota version tested, the forecast it is tested on, and every rota offered.
    version_id: int
    forecast_id: int
    rota_ids: tuple[int, ...]


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
    return sensitivity(_inputs.plan, base=base, patience_seconds=patience)


@st.cache_data(show_spinner=False, max_entries=32)
def _run(_inputs: Inputs, key: tuple, scenario: Scenario, patience: float | None) -> ScenarioResult:
    """One scenario, computed once per stored forecast, rota, centre and patience."""
    return run_scenario(_inputs.plan, scenario, patience_seconds=patience)


@st.cache_data(show_spinner=False, max_entries=16)
def _by_day(_result: ScenarioResult, key: tuple, scenario: Scenario, patience, minutes: int):
    return projection_by_day(_result, minutes)


def span_label(row) -> str:
    """How a rota version reads in the picker."""
    dates = (
        f"{row['first_date']:%d %b} to {row['last_date']:%d %b %Y}"
        if row["first_date"] is not None
        else "no shifts"
    )
    return f"Version {int(row['id'])} ({row['status']}, “{row['name']}”), {dates}"


def result(inputs: Inputs, scenario: Scenario, patience: float | None) -> ScenarioResult:
    """One scenario on the page's inputs (cached)."""
    return _run(inputs, inputs.key, scenario, patience)


def by_day(inputs: Inputs, scenario: Scenario, patience: float | None) -> pd.DataFrame:
    """One scenario's projection per day and queue (cached)."""
    return _by_day(
        result(inputs, scenario, patience),
        inputs.key,
        scenario,
        patience,
        inputs.plan.interval_minutes,
    )


def sensitivity_of(inputs: Inputs, start: Scenario, patience: float | None) -> pd.DataFrame:
    """The tornado table: each input moved alone from ``start`` (cached)."""
    return _sensitivity(inputs, inputs.key, start, patience)


def load(ws, centre) -> Inputs:
    """Pick the rota (a selectbox at the top of the page) and the forecast covering its dates;
    the page stops with a note saying what to do when there is nothing to test."""
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
    labels = {int(row["id"]): span_label(row) for row in usable.to_dict("records")}
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
    return Inputs(
        plan=BasePlan(forecast, coverage, targets, shrinkage, centre.interval_minutes),
        key=(forecast_id, version_id, str(row["updated_at"]), centre.model_dump_json()),
        rota_agents=rota_agents,
        queues=queues,
        timezone=centre.timezone,
        target_default=round(
            100 * sum(targets[q].service_level_target or 0.0 for q in queues) / len(queues)
        ),
        shrinkage_default=round(100 * sum(shrinkage[q] for q in queues) / len(queues)),
        version_id=int(version_id),
        forecast_id=int(forecast_id),
        rota_ids=tuple(ids),
    )
