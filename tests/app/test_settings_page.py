"""The Settings page (apps/views/settings.py), its helpers (centre_editing, audit_view), and
retention: ``[privacy] agent_state_retention_days`` used by the purge (library, CLI, page).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, assert_no_exception, open_page

from helpers import audit_view, centre_editing
from wfm.config import load_centre, parse_centre
from wfm.config_toml import centre_toml
from wfm.data.states import StateLog, StateLogReport
from wfm.errors import ConfigError
from wfm.plan.workspace import Workspace
from wfm.store.privacy import purge_state_events, retention_days
from wfm.store.repository import count_rows, save_state_log

PAGE = "views/settings.py"
TIMEZONE = "Europe/London"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def sample():
    return load_centre(SAMPLE_CENTRE)


def state_log(ends_days_ago, now=NOW) -> StateLog:
    """One 10-minute event per entry, ending that many days before ``now``."""
    ends = pd.Series(
        [pd.Timestamp(now) - pd.Timedelta(days=d) for d in ends_days_ago]
    ).dt.tz_convert(TIMEZONE)
    frame = pd.DataFrame(
        {
            "agent_id": [f"A{i:03d}" for i in range(len(ends))],
            "state": "available",
            "start": ends - pd.Timedelta(minutes=10),
            "end": ends,
        }
    )
    return StateLog(frame, TIMEZONE, StateLogReport())


def with_retention(centre, days):
    privacy = centre.privacy.model_copy(update={"agent_state_retention_days": days})
    return centre.model_copy(update={"privacy": privacy})


# --- retention ---------------------------------------------------------------------------
def test_retention_defaults_to_90_days_and_is_validated():
    assert retention_days(sample()) == 90
    raw = {
        "centre": {"timezone": TIMEZONE},
        "queues": [{"name": "q"}],
        "privacy": {"agent_state_retention_days": 0},
    }
    with pytest.raises(ConfigError) as error:
        parse_centre(raw)
    assert error.value.column == "privacy.agent_state_retention_days"
    raw["privacy"] = {"agent_state_retention_days": 30}
    assert retention_days(parse_centre(raw)) == 30


def test_purge_by_the_configured_retention_removes_exactly_the_older_events(tmp_path):
    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    ws = Workspace.open(url)
    save_state_log(url, state_log([400, 31, 30.0001, 30, 29.9999, 1]))
    days = retention_days(with_retention(sample(), 30))
    result = purge_state_events(url, days, now=NOW, actor="dpo")
    assert (result.events_before, result.events_purged, result.events_after) == (6, 3, 3)
    assert result.cutoff == NOW - dt.timedelta(days=30)
    remaining = ws.agent_states(TIMEZONE).frame
    assert sorted(remaining["agent_id"]) == [
        "A003",
        "A004",
        "A005",
    ]  # ended 30 (at the cutoff), 29.9999 and 1 days ago
    entry = ws.audit().iloc[-1]
    assert entry["action"] == "purge" and entry["actor"] == "dpo"
    assert json.loads(entry["details"])["older_than_days"] == 30


def test_cli_purge_takes_the_retention_from_the_centre_file(tmp_path, capsys):
    from wfm.cli import main

    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    Workspace.open(url)
    now = dt.datetime.now(dt.UTC)
    save_state_log(url, state_log([100, 50, 10], now=now))
    centre_file = tmp_path / "centre.toml"
    centre_file.write_text(centre_toml(with_retention(sample(), 60)), encoding="utf-8")
    assert main(["privacy", "purge", "--url", url, "--centre", str(centre_file), "--dry-run"]) == 0
    assert count_rows(url, "agent_state_events") == 3
    assert main(["privacy", "purge", "--url", url, "--centre", str(centre_file)]) == 0
    assert count_rows(url, "agent_state_events") == 2
    assert (
        main(["privacy", "purge", "--url", url, "--centre", str(centre_file), "--older-than", "20"])
        == 0
    )
    assert count_rows(url, "agent_state_events") == 1  # --older-than wins over the centre file
    assert main(["privacy", "purge", "--url", url]) == 2  # neither: a clear error, not a traceback
    assert "--older-than" in capsys.readouterr().err


# --- centre <-> tables, TOML -------------------------------------------------------------
def test_toml_download_loads_back_to_the_same_centre(tmp_path):
    centre = sample()
    planning = centre.planning.model_copy(update={"start_date": dt.date(2026, 11, 16)})
    queues = (
        centre.queues[0].model_copy(
            update={"asa_target_seconds": 25.0, "shrinkage_fraction": 0.25}
        ),
        *centre.queues[1:],
    )
    centre = with_retention(
        centre.model_copy(update={"planning": planning, "queues": queues, "name": 'Quote "A" & Ü'}),
        45,
    )
    path = tmp_path / "elsewhere" / "centre.toml"
    path.parent.mkdir()
    path.write_text(centre_toml(centre), encoding="utf-8")
    loaded = load_centre(path)
    paths = set(centre_editing.PATH_FIELDS)
    assert loaded.model_dump(exclude=paths) == centre.model_dump(exclude=paths)
    for name in centre_editing.PATH_FIELDS:  # written in full, so they resolve from any folder
        assert (loaded.resolve(getattr(loaded, name)) is None) == (getattr(centre, name) is None)
        if getattr(centre, name) is not None:
            assert (
                loaded.resolve(getattr(loaded, name))
                == centre.resolve(getattr(centre, name)).resolve()
            )


def test_queue_without_cap_is_written_as_a_cap_that_never_binds(tmp_path):
    centre = sample()
    queues = (centre.queues[0].model_copy(update={"max_occupancy": None}), *centre.queues[1:])
    path = tmp_path / "centre.toml"
    path.write_text(centre_toml(centre.model_copy(update={"queues": queues})), encoding="utf-8")
    assert load_centre(path).queues[0].max_occupancy == 1.0


def test_tables_round_trip_to_the_same_centre():
    centre = sample()
    raw = centre_editing.raw_centre(
        centre,
        general=centre_editing.general_values(centre),
        opening_hours=centre_editing.opening_hours_from_table(
            centre_editing.opening_hours_table(centre)
        ),
        queues=centre_editing.queues_from_table(centre_editing.queues_table(centre)),
        shift_templates=centre_editing.shift_templates_from_table(
            centre_editing.shift_templates_table(centre)
        ),
        break_rules=centre_editing.break_rules_from_table(centre_editing.break_rules_table(centre)),
        contracts=centre_editing.contracts_from_table(centre_editing.contracts_table(centre)),
        sections={
            name: getattr(centre, name).model_dump()
            for name in ("planning", "scheduling", "privacy")
        },
    )
    assert parse_centre(raw, base_dir=centre.base_dir) == centre


def test_edited_tables_convert_percentages_empty_cells_and_lists():
    centre = sample()
    queues = centre_editing.queues_table(centre)
    assert (
        queues.loc[0, "service_level_target_percent"] == 80.0
        and queues.loc[0, "max_occupancy_percent"] == 85.0
    )
    queues.loc[0, "max_occupancy_percent"] = None  # empty: no cap
    queues.loc[1, "shrinkage_percent"] = 25.0
    queues.loc[2] = [None] * len(queues.columns)  # a row added and left blank
    shifts = centre_editing.shift_templates_table(centre)
    shifts.loc[0, "days"] = "Mon;tue , wed"
    shifts.loc[0, "lengths_minutes"] = "240,480"
    edited = parse_centre(
        centre_editing.raw_centre(
            centre,
            queues=centre_editing.queues_from_table(queues),
            shift_templates=centre_editing.shift_templates_from_table(shifts),
        ),
        base_dir=centre.base_dir,
    )
    assert len(edited.queues) == 2
    assert edited.queues[0].max_occupancy is None
    assert edited.queues[1].shrinkage_fraction == 0.25
    assert edited.shift_templates[0].days == ("mon", "tue", "wed")
    assert edited.shift_templates[0].lengths_minutes == (240, 480)


def test_invalid_table_edit_is_a_config_error_with_the_field_path():
    centre = sample()
    queues = centre_editing.queues_table(centre)
    queues.loc[1, "service_level_target_percent"] = 120.0
    with pytest.raises(ConfigError) as error:
        parse_centre(
            centre_editing.raw_centre(centre, queues=centre_editing.queues_from_table(queues)),
            source="Settings",
        )
    assert error.value.column == "queues.1.service_level_target"
    assert error.value.value == 1.2


# --- audit view --------------------------------------------------------------------------
def test_audit_table_filters_sorts_newest_first_and_spells_out_details():
    audit = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "at": pd.to_datetime(
                ["2026-11-20T08:00:00Z", "2026-11-21T09:30:00Z", "2026-11-22T10:00:00Z"], utc=True
            ),
            "actor": ["ann", "bob", "ann"],
            "action": ["import", "purge", "import"],
            "object_type": ["history", "agent_state_events", "agent_states"],
            "object_id": ["1", "all", "x"],
            "details": [
                '{"rows": 10}',
                '{"events_purged": 3, "older_than_days": 90.0}',
                "not json",
            ],
        }
    )
    table = audit_view.audit_table(audit)
    assert list(table["id"]) == [3, 2, 1]
    assert table.loc[1, "details"] == "events_purged: 3; older_than_days: 90"
    assert table.loc[0, "details"] == "not json"
    assert table.loc[2, "at"] == "2026-11-20 08:00:00 UTC"
    assert list(audit_view.audit_table(audit, actions=["import"], actors=["ann"])["id"]) == [3, 1]
    assert audit_view.audit_table(audit, actors=["nobody"]).empty
    # every column has a heading in words, none left in snake_case
    assert set(audit_view.AUDIT_TABLE_LABELS) == set(table.columns)
    assert all(label[0].isupper() for label in audit_view.AUDIT_TABLE_LABELS.values())


# --- the page ----------------------------------------------------------------------------
def test_empty_store_shows_the_centre_file_settings(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("nothing is saved in the workspace yet" in box.value for box in app.info)
    assert app.text_input[0].value == sample().name
    assert any("Nothing recorded yet" in box.value for box in app.info)
    assert {"Save settings", "Save retention", "Purge now"} <= {
        button.label for button in app.button
    }


def test_save_settings_saves_valid_edits_and_refuses_invalid_ones(app_env):
    app = open_page(PAGE)
    # Regression (issue 16, item 10): settings in words with units, fractions in percent.
    gap = app.number_input(key="settings_scheduling_relative_gap")
    assert gap.label == "Relative gap [%]"
    assert gap.value == pytest.approx(100 * sample().scheduling.relative_gap)
    assert "relative_gap" not in {widget.label for widget in app.number_input}
    app.number_input(key="settings_planning_horizon_days").set_value(0)
    next(b for b in app.button if b.label == "Save settings").click().run()
    assert_no_exception(app)
    assert "planning.horizon_days" in app.error[0].value
    ws = Workspace(f"sqlite:///{app_env}")
    assert ws.centre() is None  # nothing saved

    app.number_input(key="settings_planning_horizon_days").set_value(sample().planning.horizon_days)
    app.number_input(key="settings_scheduling_relative_gap").set_value(2.0)  # percent
    app.text_input[0].set_value("Edited centre")
    next(b for b in app.button if b.label == "Save settings").click().run()
    assert_no_exception(app)
    saved = ws.centre()
    assert saved.name == "Edited centre" and saved.scheduling.relative_gap == 0.02
    assert saved.queues == sample().queues  # the rest as it was
    assert "settings_saved" in set(ws.audit()["action"])
    assert any("Settings saved" in box.value for box in app.success)


def test_retention_is_saved_and_purge_now_removes_the_older_events(app_env):
    url = f"sqlite:///{app_env}"
    Workspace.open(url)
    save_state_log(url, state_log([400, 200, 45, 5], now=dt.datetime.now(dt.UTC)))
    app = open_page(PAGE)
    assert any("2 of 4 events ended before" in caption.value for caption in app.caption)  # 90 days
    next(n for n in app.number_input if n.label.startswith("Keep agent-state events")).set_value(
        30.0
    )
    next(b for b in app.button if b.label == "Save retention").click().run()
    assert_no_exception(app)
    ws = Workspace(url)
    assert ws.centre().privacy.agent_state_retention_days == 30
    next(b for b in app.button if b.label == "Purge now").click().run()
    assert_no_exception(app)
    assert count_rows(url, "agent_state_events") == 1  # only the event that ended 5 days ago
    assert any("Purged 3 agent-state events" in box.value for box in app.success)
    purge = ws.audit().iloc[-1]
    assert purge["action"] == "purge" and json.loads(purge["details"])["older_than_days"] == 30
    audit = next(frame.value for frame in app.dataframe if "details" in frame.value.columns)
    assert audit.loc[0, "action"] == "purge"  # newest first, on the page


def test_planned_store_shows_audit_trail_and_store_counts(planned_store):
    app = open_page(PAGE)
    assert_no_exception(app)
    tables = [frame.value for frame in app.dataframe]
    audit = next(
        table for table in tables if "action" in table.columns and "details" in table.columns
    )
    assert {"import", "agents_saved", "settings_saved"} <= set(audit["action"])
    counts = next(table for table in tables if list(table.columns) == ["table", "rows"]).set_index(
        "table"
    )["rows"]
    assert counts["rota_versions"] == 1 and counts["agents"] > 0
    assert any("Schema version" in element.value for element in app.markdown)
    assert all("password" not in element.value for element in app.markdown)
    assert Path(planned_store).exists()
