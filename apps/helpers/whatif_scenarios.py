"""The What-if page's named scenarios: keep one for the session, save it in the workspace
(one per name), list and reopen saved ones, and compare them side by side with the base.

Presentation only: the figures are :func:`wfm.review.scenarios.compare_scenarios`'.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import streamlit as st

from helpers import state, ui, whatif_charts, whatif_controls, whatif_inputs
from helpers.whatif_inputs import BASE, WHAT_IF, Inputs
from wfm.errors import WfmError
from wfm.review.scenarios import Scenario, ScenarioResult, compare_scenarios


def scenarios_section(
    ws,
    inputs: Inputs,
    scenario: Scenario,
    patience: float | None,
    base: ScenarioResult,
    changed: ScenarioResult,
) -> None:
    """Keep, save, list, reopen and compare named scenarios."""
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
        named = whatif_inputs.result(
            inputs, dataclasses.replace(scenario, name=clean_name), patience
        )
        results = named.projected.assign(
            interval_start=named.projected["interval_start"].map(lambda t: t.isoformat())
        )
        controls = whatif_charts.controls_from_scenario(
            scenario,
            rota_agents=inputs.rota_agents,
            target_default=inputs.target_default,
            shrinkage_default=inputs.shrinkage_default,
        )
        meta = {
            "scenario": {k: v for k, v in dataclasses.asdict(scenario).items() if k != "name"},
            "controls": controls,
            "rota_version": inputs.version_id,
            "forecast_id": inputs.forecast_id,
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
            rota_agents=inputs.rota_agents,
            target_default=inputs.target_default,
            shrinkage_default=inputs.shrinkage_default,
        )
        rota_of_it = opened.meta.get("rota_version")
        open_col.button(
            "Reopen",
            key="whatif_reopen",
            icon=":material/open_in_browser:",
            on_click=whatif_controls.reopen,
            args=(
                controls,
                opened.meta.get("patience_seconds"),
                rota_of_it if rota_of_it in inputs.rota_ids else None,
            ),
            help="Set the sliders, the patience and the rota to this scenario's.",
        )
        st.caption(
            f"“{choices[picked]['name']}”: {whatif_charts.describe_scenario(reopened)}; rota version "
            f"{rota_of_it}, {opened.meta.get('model', 'Erlang C')}."
            + (
                ""
                if rota_of_it in inputs.rota_ids or rota_of_it is None
                else " That rota is no longer offered here."
            )
        )

    compared = [
        base,
        changed,
        *(whatif_inputs.result(inputs, other, patience) for other in kept.values()),
    ]
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
    ui.csv_download(
        "Download the comparison (CSV)",
        side_by_side,
        "whatif_comparison.csv",
        key="whatif_download_comparison",
    )
