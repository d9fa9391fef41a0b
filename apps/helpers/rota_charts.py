"""Charts and tables of the Rota builder page (pure functions, tested without Streamlit).

The page (``views/rota_builder.py``) edits the centre's rules in tables and draws a rota
version; everything here converts between the library's objects and what the page shows:

* rule tables: shift templates, break rules and contracts as rows for ``st.data_editor``
  and back into a centre checked by :func:`wfm.config.parse_centre`;
* the agents table (include or exclude an agent, change its contract or queues) and back
  into :class:`wfm.data.schemas.Agent` objects checked by
  :func:`wfm.data.agents.validate_agents_frame`;
* the solver settings as form fields, generically from
  :class:`wfm.config.SchedulingSettings`, so new objective settings appear on their own;
* the solve figures of a stored rota version, and charts of what a manual edit changes.
"""

from __future__ import annotations

import io
import typing
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from helpers import centre_editing, charts, ui
from wfm.config import Centre, SchedulingSettings, parse_centre
from wfm.data.agents import validate_agents_frame
from wfm.data.schemas import Agent
from wfm.scheduling.exports import rota_export_files
from wfm.scheduling.working_time_law import working_time_law_for

#: Where errors in the page's rule tables come from.
RULES_SOURCE = "the rota builder's rules"
AGENTS_SOURCE = "the agents table"
#: Columns of :func:`agents_table`.
AGENT_TABLE_COLUMNS = ("include", "agent_id", "name", "team", "contract", "queues")
#: Queue separator in the agents table (as in the agents CSV).
QUEUE_SEPARATOR = "|"


# --- rule tables ------------------------------------------------------------------------------
def centre_with_rules(
    centre: Centre,
    templates: pd.DataFrame,
    break_rules: pd.DataFrame,
    contracts: pd.DataFrame,
    scheduling: Mapping[str, object],
) -> Centre:
    """``centre`` with the page's rule tables (as made by :mod:`helpers.centre_editing`) and
    solver settings, validated by :func:`wfm.config.parse_centre`.

    Raises
    ------
    ConfigError
        Naming the table and row (key ``shift_templates.0.lengths_minutes``: the first row
        is 0), the value and the fix, as for a centre file.
    """
    raw = centre_editing.raw_centre(
        centre,
        shift_templates=centre_editing.shift_templates_from_table(templates),
        break_rules=centre_editing.break_rules_from_table(break_rules),
        contracts=centre_editing.contracts_from_table(contracts),
        sections={"scheduling": {**centre.scheduling.model_dump(), **dict(scheduling)}},
    )
    return parse_centre(raw, source=RULES_SOURCE, base_dir=centre.base_dir)


# --- solver settings as form fields -------------------------------------------------------------
@dataclass(frozen=True)
class SettingField:
    """One field of :class:`wfm.config.SchedulingSettings` as the page shows it.

    ``kind`` is ``"integer"``, ``"number"``, ``"percent"`` (a fraction shown in percent),
    ``"choice"`` (``options``), ``"text"`` or ``"switch"``.
    """

    name: str
    label: str
    kind: str
    help: str
    options: tuple = ()


#: Fields shown first, as the solver controls (the others are objective settings).
SOLVER_CONTROLS = ("time_limit_seconds", "relative_gap", "threads", "seed")


def setting_label(name: str) -> str:
    """A setting's name in a planner's words with its unit: ``relative_gap -> 'Relative gap [%]'``."""
    words = name.replace("_per_", " per ").replace("_", " ")
    for unit, short in ((" seconds", " [s]"), (" minutes", " [min]"), (" fraction", " [%]")):
        if words.endswith(unit):
            words = words[: -len(unit)] + short
    if name == "relative_gap":
        words += " [%]"
    return words[0].upper() + words[1:]


def is_fraction_setting(name: str) -> bool:
    """Whether a setting is a fraction, shown in percent (``relative_gap``, ``*_fraction``)."""
    return name.endswith("_fraction") or name == "relative_gap"


def setting_fields(settings_type: type = SchedulingSettings) -> list[SettingField]:
    """Every field of the settings model, solver controls first; fractions in percent."""
    fields = []
    for name, info in settings_type.model_fields.items():
        annotation = info.annotation
        origin = typing.get_origin(annotation)
        if origin is typing.Literal:
            kind, options = "choice", tuple(typing.get_args(annotation))
        elif annotation is bool:
            kind, options = "switch", ()
        elif annotation is int:
            kind, options = "integer", ()
        elif annotation is float:
            kind = "percent" if is_fraction_setting(name) else "number"
            options = ()
        else:
            kind, options = "text", ()
        fields.append(
            SettingField(name, setting_label(name), kind, info.description or "", options)
        )
    order = {name: i for i, name in enumerate(SOLVER_CONTROLS)}
    return sorted(fields, key=lambda field: order.get(field.name, len(order)))


def to_form(field: SettingField, value):
    """The value shown in the form (percent for fractions)."""
    return 100.0 * float(value) if field.kind == "percent" else value


def from_form(field: SettingField, value):
    """The setting's value from the form's."""
    if field.kind == "percent":
        return float(value) / 100.0
    if field.kind == "integer":
        return int(value)
    if field.kind == "number":
        return float(value)
    return value


# --- agents -------------------------------------------------------------------------------------
def agents_table(agents: Sequence[Agent], included: set[str] | None = None) -> pd.DataFrame:
    """Agents as rows: ``include`` (bool), ``agent_id``, ``name``, ``team``, ``contract``,
    ``queues`` (separated by ``|``)."""
    return pd.DataFrame(
        {
            "include": [included is None or agent.agent_id in included for agent in agents],
            "agent_id": [agent.agent_id for agent in agents],
            "name": [agent.name for agent in agents],
            "team": [agent.team for agent in agents],
            "contract": [agent.contract for agent in agents],
            "queues": [QUEUE_SEPARATOR.join(agent.queues) for agent in agents],
        },
        columns=list(AGENT_TABLE_COLUMNS),
    )


def agents_from_table(frame: pd.DataFrame, centre: Centre) -> tuple[list[Agent], list[Agent]]:
    """(every agent of the table, the included ones), checked against ``centre``'s contracts
    and queues (:func:`wfm.data.agents.validate_agents_frame`; a row ``i`` of the table is
    reported as line ``i + 2``, as in a CSV with a header)."""
    raw = (
        frame.drop(columns=["include"])
        .astype(object)
        .where(frame.drop(columns=["include"]).notna(), None)
    )
    raw = raw.astype(str).where(raw.notna(), "")
    agents = validate_agents_frame(raw.reset_index(drop=True), source=AGENTS_SOURCE, centre=centre)
    include = frame["include"].fillna(False).astype(bool).to_numpy()
    return agents, [agent for agent, keep in zip(agents, include, strict=True) if keep]


# --- versions and solve figures --------------------------------------------------------------
def version_label(row: Mapping) -> str:
    """``3 · draft · plan · 2026-11-22 13:40 by planner``."""
    when = str(row.get("updated_at") or row.get("created_at") or "")[:16].replace("T", " ")
    return f"{row['id']} · {row['status']} · {row['name']} · {when} UTC by {row['created_by']}"


def status_label(summary: Mapping) -> str:
    """The solve status in words, as :attr:`wfm.scheduling.SolveSummary.status_label`."""
    status = summary.get("status")
    if status is None:
        return ui.MISSING
    gap = summary.get("gap")
    if status == "optimal" and gap is not None and gap > 1e-6:
        return "within the gap target"
    return str(status).replace("_", " ")


def solve_figures(summary: Mapping) -> dict[str, str]:
    """Status, objective, bound, gap and times of a stored solve summary, formatted."""
    build = summary.get("build_seconds")
    solve = summary.get("solve_seconds")
    return {
        "Status": status_label(summary),
        "Objective": ui.compact(summary.get("objective")),
        "Bound": ui.compact(summary.get("bound")),
        "Gap": ui.percent(summary.get("gap"), 2),
        "Build time": ui.seconds(build),
        "Solve time": ui.seconds(solve),
    }


def group_table(summary: Mapping) -> pd.DataFrame | None:
    """One row per staffing group of a stored solve summary (``groups``), formatted; ``None``
    for a rota solved as one model."""
    groups = summary.get("groups") or []
    if not groups:
        return None
    return pd.DataFrame(
        {
            "Staffing group": [group.get("group") for group in groups],
            "Agents": [ui.number(group.get("agents"), 0) for group in groups],
            "Queues": [", ".join(group.get("queues") or []) for group in groups],
            "Status": [status_label(group) for group in groups],
            "Gap": [ui.percent(group.get("gap"), 2) for group in groups],
            "Solve time": [ui.seconds(group.get("solve_seconds")) for group in groups],
        }
    )


def groups_note(groups) -> str:
    """The staffing groups of a new rota in words ("" for one model)."""
    if not groups:
        return ""
    return f" {len(groups)} staffing groups, each solved as its own model: " + "; ".join(
        f"{group.name} ({group.agent_count} agents, gap {ui.percent(group.summary.gap, 2)})"
        for group in groups
    )


# --- service and coverage -------------------------------------------------------------------
def service_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The weekly figures per queue of :func:`wfm.review.projection.summarise_service`, formatted."""
    return pd.DataFrame(
        {
            "Queue": summary["queue"],
            "Contacts": [ui.number(v, 0) for v in summary["offered"]],
            "Service level": [ui.percent(v) for v in summary["service_level"]],
            "Target": [
                ui.percent(v, 0) if v else ui.MISSING for v in summary["service_level_target"]
            ],
            "ASA": [ui.seconds(v) for v in summary["asa_seconds"]],
            "Intervals under-staffed": [
                f"{int(a)} of {int(b)}"
                for a, b in zip(
                    summary["intervals_under_staffed"], summary["intervals"], strict=True
                )
            ],
            "Short agent-hours": [ui.hours(v) for v in summary["under_staffed_agent_hours"]],
            "Scheduled agent-hours": [ui.hours(v) for v in summary["scheduled_agent_hours"]],
        }
    )


def service_change(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Per queue: service level and short agent-hours before and after an edit (numbers)."""
    columns = ["queue", "service_level", "under_staffed_agent_hours"]
    frame = before[columns].merge(after[columns], on="queue", suffixes=("_saved", "_edited"))
    frame["service_level_change"] = frame["service_level_edited"] - frame["service_level_saved"]
    frame["under_staffed_change"] = (
        frame["under_staffed_agent_hours_edited"] - frame["under_staffed_agent_hours_saved"]
    )
    return frame


def coverage_change_frame(
    before: pd.DataFrame, after: pd.DataFrame, queue: str, interval_minutes: int
) -> pd.DataFrame:
    """Intervals of ``queue`` whose scheduled agents an edit changes.

    Returns
    -------
    pandas.DataFrame
        ``time`` (naive local), ``when`` (text), ``end``, ``change`` [agents] (after minus
        before), ``direction`` (``more agents`` / ``fewer agents``); only changed intervals.
    """
    keys = ["interval_start", "queue"]
    merged = before[keys + ["agents_scheduled"]].merge(
        after[keys + ["agents_scheduled"]], on=keys, suffixes=("_before", "_after")
    )
    merged = merged[merged["queue"] == queue]
    change = merged["agents_scheduled_after"] - merged["agents_scheduled_before"]
    merged = merged.assign(change=change)[change.abs() > 1e-9]
    time = charts.wall_clock(merged["interval_start"])
    return pd.DataFrame(
        {
            "time": time.to_numpy(),
            "end": (time + pd.Timedelta(minutes=interval_minutes)).to_numpy(),
            "when": time.dt.strftime(charts.WHEN_FORMAT).to_numpy(),
            "change": merged["change"].to_numpy(dtype=float),
            "direction": np.where(merged["change"].to_numpy() > 0, "more agents", "fewer agents"),
        }
    )


def coverage_change_chart(frame: pd.DataFrame, time_title: str = "Local time") -> alt.Chart:
    """Bars of the change in scheduled agents per interval (above zero: more agents)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=charts.time_x("time", title=time_title),
            x2="end:T",
            y=alt.Y("change:Q", title="Change [agents]", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "direction:N",
                title=None,
                scale=alt.Scale(
                    domain=["more agents", "fewer agents"], range=["#54a24b", "#e45756"]
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("when:N", title="Interval"),
                alt.Tooltip("change:Q", title="Change [agents]", format="+.2f"),
            ],
        )
        .properties(height=260)
    )


def violations_table(violations: pd.DataFrame) -> pd.DataFrame:
    """Violations of :func:`wfm.scheduling.check_rota_frame` for display: agent, rule,
    regulation and the message; and the agent's site and zone when checked per site
    (:func:`wfm.plan.site_compliance.site_violations_frame`)."""
    columns = ["agent_id", "site", "rule", "regulation", "message"]
    return violations[[c for c in columns if c in violations.columns]].rename(
        columns={
            "agent_id": "Agent",
            "site": "Site (time zone)",
            "rule": "Rule",
            "regulation": "Source",
            "message": "What",
        }
    )


def site_rule_sets(centre: Centre) -> list[tuple[str, str, bool]]:
    """Per site of ``centre``: its label ``"site (zone)"``, what its agents are checked
    against in plain words, and whether wfm has a working-time law table for its country."""
    out = []
    for site in centre.sites:
        local = centre.site_centre(site.name)
        law = working_time_law_for(local.country)
        rules = (
            f"{law.name} and the site's contracts"
            if law is not None
            else f"the site's contracts only (no working-time law table for country {local.country!r})"
        )
        out.append((f"{site.name} ({local.timezone})", rules, law is not None))
    return out


def new_violations(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``after`` whose message is not in ``before`` (violations an edit adds)."""
    return after[~after["message"].isin(set(before["message"]))].reset_index(drop=True)


# --- exports -----------------------------------------------------------------------------------
def calendars_zip(
    rota: pd.DataFrame,
    agents: Sequence[Agent],
    timezone: str,
    unpaid_activities: Sequence[str],
    agent_timezones: Mapping[str, str] | None = None,
) -> bytes:
    """A zip of one iCalendar file per agent with a shift
    (:func:`wfm.scheduling.exports.rota_export_files`), named ``<agent_id>.ics``;
    ``agent_timezones`` (agent id -> zone) for the local times the events' texts name."""
    files = rota_export_files(
        rota,
        agents,
        "calendars",
        timezone=timezone,
        excel=False,
        unpaid_activities=unpaid_activities,
        agent_timezones=agent_timezones,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            archive.writestr(path.name, content)
    return buffer.getvalue()


def time_limit_note(took_seconds: float, limit_seconds: float | None, summary) -> str:
    """Why a solve took longer than its time limit, or nothing when it kept it.

    The limit is the solver's (HiGHS's time across the search's stages); building the model
    and reading the rota come on top, and a stage ends at its own next check.
    """
    if limit_seconds is None or took_seconds <= limit_seconds + 1.0:
        return ""
    build = float(getattr(summary, "build_seconds", 0.0) or 0.0)
    solve = float(getattr(summary, "solve_seconds", 0.0) or 0.0)
    return (
        f" It took {took_seconds:.0f} s against the {limit_seconds:.0f} s limit: the limit is the "
        f"solver's ({solve:.0f} s), building the model took {build:.0f} s and reading and saving the "
        f"rota the other {max(took_seconds - solve - build, 0.0):.0f} s."
    )
