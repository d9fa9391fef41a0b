"""The Rota builder page: its pure helpers, and the page through the app's entry point.

AppTest flows: an empty store ends in the info box; the planned store shows the solve
figures, the Gantt, coverage and service-level charts; a manual edit changes the coverage by
exactly the moved intervals and is saved to the store; "Publish rota" publishes; and one
"Generate rota" click solves the sample week into version 2 (the one slow test).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from helpers import centre_editing, state
from helpers import rota_charts as rc
from wfm.config import SchedulingSettings, load_centre
from wfm.data.schemas import Agent
from wfm.errors import ConfigError, InputError
from wfm.plan.workspace import Workspace
from wfm.scheduling import coverage_from_rota

PAGE = "views/rota_builder.py"
SAMPLE = load_centre(SAMPLE_CENTRE)


# --- pure helpers -------------------------------------------------------------------------------
def rule_tables(centre):
    return (
        centre_editing.shift_templates_table(centre),
        centre_editing.break_rules_table(centre),
        centre_editing.contracts_table(centre),
    )


def test_rule_tables_give_the_centre_back():
    rebuilt = rc.centre_with_rules(SAMPLE, *rule_tables(SAMPLE), {})
    assert rebuilt.shift_templates == SAMPLE.shift_templates
    assert rebuilt.break_rules == SAMPLE.break_rules
    assert rebuilt.contracts == SAMPLE.contracts
    assert rebuilt.scheduling == SAMPLE.scheduling


def test_solver_settings_are_applied_and_checked():
    changed = rc.centre_with_rules(
        SAMPLE, *rule_tables(SAMPLE), {"time_limit_seconds": 12.0, "seed": 7}
    )
    assert changed.scheduling.time_limit_seconds == 12.0 and changed.scheduling.seed == 7
    with pytest.raises(ConfigError, match="scheduling.relative_gap"):
        rc.centre_with_rules(SAMPLE, *rule_tables(SAMPLE), {"relative_gap": 1.5})


def test_a_bad_template_row_is_named():
    templates, breaks, contracts = rule_tables(SAMPLE)
    templates.loc[1, "lengths_minutes"] = "240, 365"  # not a multiple of 15 minutes
    with pytest.raises(
        ConfigError, match="shift template 'weekday part-time': length 365 min is not a multiple"
    ):
        rc.centre_with_rules(SAMPLE, templates, breaks, contracts, {})
    templates, breaks, contracts = rule_tables(SAMPLE)
    breaks.loc[0, "latest_start_after_minutes"] = 30  # before its earliest start
    with pytest.raises(ConfigError, match="key 'break_rules.0'"):
        rc.centre_with_rules(SAMPLE, templates, breaks, contracts, {})


def test_every_scheduling_setting_gets_a_field():
    fields = rc.setting_fields()
    assert [f.name for f in fields][:4] == list(rc.SOLVER_CONTROLS)
    assert {f.name for f in fields} == set(SchedulingSettings.model_fields)
    by_name = {f.name: f for f in fields}
    assert by_name["relative_gap"].kind == "percent"
    assert by_name["threads"].kind == "integer"
    assert rc.to_form(by_name["relative_gap"], 0.01) == pytest.approx(1.0)
    assert rc.from_form(by_name["relative_gap"], 2.5) == pytest.approx(0.025)
    if "objective" in by_name:
        assert (
            by_name["objective"].kind == "choice"
            and "cover_requirement" in by_name["objective"].options
        )


def test_agents_table_round_trip_and_exclusion():
    agents = [
        Agent("A1", "Ann", "Team A", "full_time", ("sales",)),
        Agent("A2", "Bo", "Team B", "part_time", ("sales", "support")),
    ]
    table = rc.agents_table(agents)
    assert table["queues"].tolist() == ["sales", "sales|support"]
    table.loc[1, "include"] = False
    table.loc[0, "contract"] = "part_time"
    every, included = rc.agents_from_table(table, SAMPLE)
    assert [a.agent_id for a in included] == ["A1"]
    assert every[0].contract == "part_time" and every[1].queues == ("sales", "support")
    table.loc[0, "queues"] = "sales|billing"
    with pytest.raises(InputError, match="unknown queue"):
        rc.agents_from_table(table, SAMPLE)


def test_solve_figures_and_status():
    summary = {
        "status": "optimal",
        "objective": 2101.94,
        "bound": 2099.9,
        "gap": 0.00097,
        "build_seconds": 1.26,
        "solve_seconds": 12.04,
    }
    figures = rc.solve_figures(summary)
    assert figures == {
        "Status": "within the gap target",
        "Objective": "2,102",  # compact: whole units above 1,000
        "Bound": "2,100",
        "Gap": "0.10 %",
        "Build time": "1.3 s",
        "Solve time": "12.0 s",
    }
    assert rc.status_label({**summary, "gap": 0.0}) == "optimal"
    assert rc.status_label({"status": "no_solution"}) == "no solution"
    assert rc.solve_figures({})["Status"] == "—"


def test_coverage_change_frame_keeps_only_changed_intervals():
    times = pd.date_range("2026-11-16 08:00", periods=4, freq="15min", tz="Europe/London")
    before = pd.DataFrame(
        {"interval_start": times, "queue": "sales", "agents_scheduled": [1.0, 1.0, 2.0, 2.0]}
    )
    after = before.assign(agents_scheduled=[0.0, 1.0, 3.0, 2.0])
    frame = rc.coverage_change_frame(before, after, "sales", 15)
    assert frame["change"].tolist() == [-1.0, 1.0]
    assert frame["direction"].tolist() == ["fewer agents", "more agents"]
    assert rc.coverage_change_chart(frame).to_dict()["mark"]["type"] == "bar"


def test_service_change_and_new_violations():
    before = pd.DataFrame(
        {
            "queue": ["sales", "all"],
            "service_level": [0.80, 0.75],
            "under_staffed_agent_hours": [10.0, 20.0],
        }
    )
    after = before.assign(service_level=[0.78, 0.74], under_staffed_agent_hours=[11.0, 21.0])
    change = rc.service_change(before, after)
    assert change["service_level_change"].tolist() == pytest.approx([-0.02, -0.01])
    assert change["under_staffed_change"].tolist() == pytest.approx([1.0, 1.0])
    old = pd.DataFrame({"message": ["A1: 8 h rest"], "agent_id": ["A1"]})
    new = pd.DataFrame({"message": ["A1: 8 h rest", "A2: 50 h"], "agent_id": ["A1", "A2"]})
    assert rc.new_violations(old, new)["agent_id"].tolist() == ["A2"]


def test_calendars_zip_has_one_calendar_per_agent_with_a_shift():
    import io
    import zipfile

    begin = pd.Timestamp("2026-11-16 09:00", tz="Europe/London")
    hours = [pd.Timedelta(hours=h) for h in (0, 2, 2.25, 4)]
    rota = pd.DataFrame(
        {
            "agent_id": ["A1", "A1", "A1"],
            "date": [begin.date()] * 3,
            "activity": ["work", "break", "work"],
            "start": [begin + hours[0], begin + hours[1], begin + hours[2]],
            "end": [begin + hours[1], begin + hours[2], begin + hours[3]],
        }
    )
    agents = [
        Agent("A1", "Ann", "Team A", "full_time", ("sales",)),
        Agent("A2", "Bo", "Team A", "full_time", ("sales",)),
    ]
    archive = zipfile.ZipFile(
        io.BytesIO(rc.calendars_zip(rota, agents, "Europe/London", ("lunch",)))
    )
    assert archive.namelist() == ["A1.ics"]
    text = archive.read("A1.ics").decode()
    assert text.startswith("BEGIN:VCALENDAR") and "DTSTART" in text


# --- the page -------------------------------------------------------------------------------------
def store(path) -> Workspace:
    return Workspace.open(f"sqlite:///{path}", actor="test")


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def test_empty_store_shows_the_info_box(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert "Staffing" in texts(app.info)
    assert not app.get("vega_lite_chart")


def test_planned_store_shows_the_rota_and_its_solve(planned_store):
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, texts(app.error)
    metrics = {metric.label: metric.value for metric in app.metric}
    summary = store(planned_store).rota(1).solve_summary
    assert metrics["Status"] == rc.status_label(summary)
    assert metrics["Gap"] == rc.solve_figures(summary)["Gap"]
    for label in (
        "Objective",
        "Bound",
        "Build time",
        "Solve time",
        "Scheduled agent-hours",
        "Short agent-hours",
    ):
        assert metrics[label] not in ("", None)
    assert len(app.get("vega_lite_chart")) >= 3  # Gantt, coverage, service level
    assert {"Generate rota", "Publish rota", "Save as centre settings"} <= {
        button.label for button in app.button
    }
    # Saving the rules as the centre settings stores the same rules.
    next(b for b in app.button if b.label == "Save as centre settings").click().run()
    assert_no_exception(app)
    saved = store(planned_store).centre()
    assert saved is not None and saved.shift_templates == SAMPLE.shift_templates
    # A bad solver setting: the page names it, and nothing can be generated or saved with it.
    app.number_input(key=state.ROTA_SETTING_PREFIX + "relative_gap").set_value(150.0).run()
    assert_no_exception(app)
    assert "scheduling.relative_gap" in texts(app.error)
    generate = next(b for b in app.button if b.label == "Generate rota")
    assert generate.disabled
    assert "Save as centre settings" not in {button.label for button in app.button}


def movable_shift(rota: pd.DataFrame, agents) -> tuple[str, dt.date, pd.Timestamp, pd.Timestamp]:
    """A single-skill agent's weekday shift that still fits opening hours (08:00-20:00) an hour later."""
    single = {a.agent_id for a in agents if len(a.queues) == 1}
    shifts = (
        rota.groupby(["agent_id", "date"])
        .agg(start=("start", "min"), end=("end", "max"))
        .reset_index()
    )
    for row in shifts.itertuples():
        late = row.end + pd.Timedelta(hours=1)
        if (
            row.agent_id in single
            and row.date.weekday() < 5
            and (late.hour, late.minute) <= (20, 0)
            and late.date() == row.date
        ):
            return row.agent_id, row.date, row.start, row.end
    raise AssertionError("no movable shift in the sample rota")


def test_manual_edit_moves_coverage_by_exactly_the_moved_intervals_and_saves(planned_store):
    ws = store(planned_store)
    saved = ws.rota(1)
    agents = ws.agents()
    agent_id, day, start, end = movable_shift(saved.rota, agents)
    queue = next(a.queues[0] for a in agents if a.agent_id == agent_id)

    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    app.selectbox(key=state.ROTA_EDIT_AGENT).set_value(agent_id)
    app.selectbox(key=state.ROTA_EDIT_DAY).set_value(day)
    app.run()
    assert_no_exception(app)
    # Bad input first: a shift from 19:00 runs past closing time (20:00); the page says so.
    app.time_input[0].set_value(dt.time(19, 0))
    next(b for b in app.button if b.label == "Apply edit").click().run()
    assert_no_exception(app)
    assert "outside opening hours" in texts(app.error)
    assert state.ROTA_PENDING not in app.session_state

    new_start = (start + pd.Timedelta(hours=1)).time()
    app.time_input[0].set_value(new_start)
    next(b for b in app.button if b.label == "Apply edit").click().run()
    assert_no_exception(app)
    assert not app.error, texts(app.error)
    assert "unsaved edit" in texts(app.warning)
    next(b for b in app.button if b.label == "Save edit").click().run()
    assert_no_exception(app)

    after = ws.rota(1)
    assert after.status == "draft"
    mine_before = saved.rota[(saved.rota["agent_id"] == agent_id) & (saved.rota["date"] == day)]
    mine_after = after.rota[(after.rota["agent_id"] == agent_id) & (after.rota["date"] == day)]
    hour = pd.Timedelta(hours=1)
    assert (mine_after["start"].to_numpy() == (mine_before["start"] + hour).to_numpy()).all()
    assert (mine_after["end"].to_numpy() == (mine_before["end"] + hour).to_numpy()).all()
    others = saved.rota[~saved.rota.index.isin(mine_before.index)].reset_index(drop=True)
    rest = after.rota[~after.rota.index.isin(mine_after.index)].reset_index(drop=True)
    assert len(others) == len(rest)

    # Coverage: only the agent's queue changes, by the change in the agent's working intervals.
    grid = pd.DatetimeIndex(saved.coverage["interval_start"].drop_duplicates().sort_values())
    worked_before = coverage_from_rota(mine_before, {agent_id: (queue,)}, grid, 15)[
        "agents_working"
    ].to_numpy()
    worked_after = coverage_from_rota(mine_after, {agent_id: (queue,)}, grid, 15)[
        "agents_working"
    ].to_numpy()
    expected = worked_after - worked_before
    assert (expected != 0).sum() > 0 and expected.sum() == 0
    keys = ["interval_start", "queue"]
    merged = saved.coverage.merge(after.coverage, on=keys, suffixes=("_before", "_after"))
    change = merged["agents_scheduled_after"] - merged["agents_scheduled_before"]
    assert (change[merged["queue"] != queue] == 0).all()
    mine = merged["queue"] == queue
    got = change[mine].to_numpy()
    assert got == pytest.approx(expected)
    audit = ws.audit()
    assert "rota_edited" in set(audit["action"])


def test_publish_marks_the_version_published_and_it_becomes_read_only(planned_store):
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if b.label == "Publish rota").click().run()
    assert_no_exception(app)
    ws = store(planned_store)
    assert ws.rota(1).status == "published"
    assert "published" in set(ws.rota_versions()["status"])
    labels = {button.label for button in app.button}
    assert "Publish rota" not in labels and "Copy to a new draft" in labels
    assert "read-only" in texts(app.info)
    next(b for b in app.button if b.label == "Copy to a new draft").click().run()
    assert_no_exception(app)
    versions = ws.rota_versions()
    assert versions["status"].tolist() == ["published", "draft"]
    pd.testing.assert_frame_equal(ws.rota(2).rota, ws.rota(1).rota)


@pytest.mark.slow
def test_generate_rota_saves_version_2(planned_store):
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if b.label == "Generate rota").click().run(
        timeout=WORK_TIMEOUT_SECONDS
    )
    assert_no_exception(app)
    assert not app.error, texts(app.error)
    ws = store(planned_store)
    versions = ws.rota_versions()
    assert versions["id"].tolist() == [1, 2]
    new = ws.rota(2)
    assert new.status == "draft" and not new.rota.empty
    assert new.solve_summary["status"] in ("optimal", "feasible")
    assert "Saved rota version 2 as a draft" in texts(app.success)
    assert {metric.label: metric.value for metric in app.metric}["Status"] == rc.status_label(
        new.solve_summary
    )


def test_the_audit_note_lists_every_edit_a_shift_move_then_a_break_move(planned_store):
    """Regression (issue 16, item 3): the note kept the first edit's text only."""
    ws = store(planned_store)
    saved = ws.rota(1)
    agent_id, day, start, _ = movable_shift(saved.rota, ws.agents())
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    app.selectbox(key=state.ROTA_EDIT_AGENT).set_value(agent_id)
    app.selectbox(key=state.ROTA_EDIT_DAY).set_value(day)
    app.run()
    app.time_input[0].set_value((start + pd.Timedelta(hours=1)).time())
    next(b for b in app.button if b.label == "Apply edit").click().run()
    assert_no_exception(app)
    assert not app.error, texts(app.error)

    app.selectbox(key=state.ROTA_EDIT_ACTION).set_value("Move a break").run()
    moved = False
    for minutes in (15, -15, 30, -30):
        picker = app.time_input[0]
        current = dt.datetime.combine(day, picker.value)
        picker.set_value((current + dt.timedelta(minutes=minutes)).time())
        next(b for b in app.button if b.label == "Apply edit").click().run()
        assert_no_exception(app)
        if not app.error:
            moved = True
            break
    assert moved, texts(app.error)
    note_box = next(t for t in app.text_input if t.label == "Note saved with the edit")
    assert "shift" in note_box.value and re.search("break|lunch", note_box.value), note_box.value
    next(b for b in app.button if b.label == "Save edit").click().run()
    assert_no_exception(app)
    entry = ws.audit().query("action == 'rota_edited'").iloc[-1]
    note = json.loads(entry["details"])["note"]
    assert f"moved {agent_id}'s shift" in note
    assert re.search(rf"moved {agent_id}'s (break|lunch)", note), note


def test_the_gantt_of_a_big_centre_is_paged_and_searchable():
    """Regression (issue 16, item 11): 650 agents made a Gantt about 9,000 px tall."""
    from helpers import gantt_charts

    day = pd.Timestamp("2026-11-16 08:00", tz="Europe/London")
    rota = pd.DataFrame(
        {
            "agent_id": [f"A{i:03d}" for i in range(650)],
            "date": dt.date(2026, 11, 16),
            "activity": "work",
            "start": day,
            "end": day + pd.Timedelta(hours=8),
        }
    )
    people = pd.DataFrame(
        {
            "agent_id": rota["agent_id"],
            "name": [f"Agent {i}" for i in range(650)],
            "team": ["North" if i < 400 else "South" for i in range(650)],
        }
    )
    frame = gantt_charts.gantt_frame(rota, people)
    page, matching, pages = gantt_charts.gantt_page(frame)
    assert (matching, pages) == (650, 13)
    assert page["agent"].nunique() == gantt_charts.GANTT_PAGE_AGENTS
    chart = gantt_charts.gantt_chart(page).to_dict()
    assert chart["height"] <= 24 * gantt_charts.GANTT_PAGE_AGENTS
    last, _, _ = gantt_charts.gantt_page(frame, page=99)  # clipped to the last page
    assert last["agent"].nunique() == 650 - 12 * gantt_charts.GANTT_PAGE_AGENTS
    found, matching, pages = gantt_charts.gantt_page(frame, search="a0 4")
    assert matching == 0 and pages == 1 and found.empty
    found, matching, _ = gantt_charts.gantt_page(frame, search="(A64")
    assert matching == 10  # A640 ... A649
    south, matching, _ = gantt_charts.gantt_page(frame, search="south")
    assert matching == 250 and south["team"].eq("South").all()


def test_every_rota_activity_has_its_own_gantt_colour():
    """A new activity type (e.g. an off-phone session) must not fall back to a shared colour."""
    from helpers import gantt_charts
    from wfm.data.schemas import ROTA_ACTIVITIES

    assert set(gantt_charts.ACTIVITY_COLOURS) == set(ROTA_ACTIVITIES)
    assert len(set(gantt_charts.ACTIVITY_COLOURS.values())) == len(ROTA_ACTIVITIES)
