"""The Data page (apps/views/upload.py) and the upload helpers it uses (wfm.data.mapping).

AppTest flows: an empty store, the sample button (saves centre, history, agents and agent
states, checked by reading the store), uploads with a column mapping, broken uploads (error
shown, nothing saved) and a planned store. Unit tests of the mapping and summaries check
against hand-counted values.
"""

from __future__ import annotations

import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, assert_no_exception, open_page

from wfm.data import mapping
from wfm.errors import InputError
from wfm.plan.workspace import Workspace
from wfm.store.repository import count_rows

PAGE = "views/upload.py"
TIMEZONE = "Europe/London"


def store(path) -> Workspace:
    return Workspace(f"sqlite:///{path}")


def vendor_history_csv(days: int = 2) -> tuple[bytes, float]:
    """A vendor export (other column names, ';', naive local times): 09:00-17:00 every 15 minutes.

    Returns the file's bytes and the total offered [contacts].
    """
    lines = ["Datum;Calls;Skill;AHT"]
    total = 0.0
    for day in range(days):
        for step in range(32):
            time = pd.Timestamp("2026-11-02 09:00") + pd.Timedelta(days=day, minutes=15 * step)
            calls = 5 + step % 7
            total += calls
            lines.append(f"{time:%Y-%m-%d %H:%M};{calls};sales;{180 + step}")
    return ("\n".join(lines) + "\n").encode("utf-8"), total


def uploader(app, label):
    return next(widget for widget in app.file_uploader if widget.label == label)


def errors(app) -> list[str]:
    return [element.value for element in app.error]


# --- pure helpers ------------------------------------------------------------------------
def test_suggested_mapping_matches_names_ignoring_case_and_spaces():
    suggested = mapping.suggest_column_map([" Interval_Start ", "OFFERED", "Skill"], "history")
    assert suggested["interval_start"] == " Interval_Start "
    assert suggested["offered"] == "OFFERED"
    assert suggested["queue"] is None
    assert list(suggested)[:2] == ["interval_start", "offered"]  # required first


def test_choices_become_the_readers_column_map_and_bad_choices_are_named():
    choices = {"interval_start": "Datum", "offered": "Calls", "queue": None}
    assert mapping.column_map_from_choices(choices, "history") == {
        "Datum": "interval_start",
        "Calls": "offered",
    }
    with pytest.raises(InputError) as missing:
        mapping.column_map_from_choices(
            {"interval_start": "Datum", "offered": None}, "history", source="f.csv"
        )
    assert missing.value.column == "offered"
    with pytest.raises(InputError) as twice:
        mapping.column_map_from_choices({"interval_start": "Datum", "offered": "Datum"}, "history")
    assert twice.value.column == "Datum"


def test_mapped_vendor_history_reads_with_the_right_values():
    content, total = vendor_history_csv(days=2)
    column_map = {
        "Datum": "interval_start",
        "Calls": "offered",
        "Skill": "queue",
        "AHT": "aht_seconds",
    }
    history = mapping.read_history_upload(
        content, "vendor.csv", timezone=TIMEZONE, column_map=column_map
    )
    assert len(history.frame) == 64
    assert history.frame["offered"].sum() == total
    assert history.interval_minutes == 15
    first = history.frame["interval_start"].min()
    assert first == pd.Timestamp(
        "2026-11-02 09:00", tz=TIMEZONE
    )  # naive times are local London times
    summary = mapping.history_summary(history, expected_interval_minutes=15)
    assert summary.rows == 64
    # 2 days of 32 intervals; 09:00 on day 1 to 16:45 on day 2 spans 31.75 h = 127 steps, so 128 intervals.
    assert (
        summary.facts["intervals of 'sales'"]
        == "64 of 128 between its first and last (64 absent: closed hours or gaps)"
    )
    assert summary.warnings == ()
    other = mapping.history_summary(history, expected_interval_minutes=30)
    assert any("15-minute intervals" in warning for warning in other.warnings)


def test_summary_warns_only_about_rows_with_contacts_and_no_aht():
    """An interval where nothing was handled has no AHT to miss; one with contacts does."""
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range(
                "2026-11-02 09:00", periods=4, freq="15min", tz=TIMEZONE
            ),
            "queue": "sales",
            "offered": [0.0, 1.0, 5.0, 4.0],
            "handled": [0.0, 0.0, 5.0, 4.0],
            "aht_seconds": [float("nan"), float("nan"), float("nan"), 300.0],
        }
    )
    from wfm.data.schemas import History

    summary = mapping.history_summary(History(frame, interval_minutes=15, timezone=TIMEZONE))
    # rows 1 and 2 handled nothing (one abandoned contact): only row 3 lacks an AHT
    assert summary.warnings == (
        "1 rows with contacts have no AHT: enough to forecast volume, but staffing needs an AHT",
    )
    volume_only = frame.drop(columns="handled")
    summary = mapping.history_summary(History(volume_only, interval_minutes=15, timezone=TIMEZONE))
    assert summary.warnings[0].startswith("2 rows with contacts have no AHT")


BROKEN = {
    "missing column": (b"interval_start,queue\n2026-11-02 09:00,sales\n", None, "offered"),
    "bad number in row 3": (
        b"interval_start,queue,offered\n2026-11-02 09:00,sales,3\n2026-11-02 09:15,sales,4\n2026-11-02 09:30,sales,x\n",
        4,
        "offered",
    ),
    "empty file": (b"", None, None),
    "not UTF-8": (
        "interval_start,queue,offered\n2026-11-02 09:00,caf\u00e9,3\n".encode("latin-1"),
        2,  # the line with the Latin-1 byte
        None,
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_history_files_raise_input_errors_naming_the_place(case):
    content, line, column = BROKEN[case]
    with pytest.raises(InputError) as error:
        mapping.read_history_upload(content, "broken.csv", timezone=TIMEZONE)
    assert error.value.source == "broken.csv"
    assert error.value.fix
    assert error.value.row == line
    if column:
        assert error.value.column == column
    if case == "bad number in row 3":
        assert error.value.value == "x"


def test_agent_states_in_a_vendor_layout_are_mapped_to_wfm_states():
    content = (
        b"User;Status;Start;End\n"
        b"A001;Available;2026-11-02 09:00:00;2026-11-02 09:10:00\n"
        b"A001;Lunch;2026-11-02 09:10:00;2026-11-02 09:40:00\n"
    )
    log = mapping.read_states_upload(content, "injixo.csv", timezone=TIMEZONE, vendor="injixo")
    assert list(log.frame["state"]) == ["available", "lunch"]
    summary = mapping.states_summary(log)
    assert summary.rows == 2 and summary.facts["agents"] == "1"
    assert summary.facts["first start"] == "2026-11-02T09:00:00+00:00"


# --- the page ----------------------------------------------------------------------------
def test_empty_store_offers_the_sample_and_uploads(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert [button.label for button in app.button] == ["Use the sample centre"]
    assert {widget.label for widget in app.file_uploader} == {
        "History CSV",
        "Contacts CSV (one row per contact)",
        "Agents CSV",
        "Agent states CSV",
    }
    assert any("No history saved yet" in box.value for box in app.info)


@pytest.mark.slow
def test_sample_button_saves_the_centre_and_its_inputs(app_env):
    from wfm.config import load_centre
    from wfm.plan.chain import load_agents, load_history

    app = open_page(PAGE)
    app.button[0].click().run()
    assert_no_exception(app)
    ws = store(app_env)
    centre = load_centre(SAMPLE_CENTRE)
    assert ws.centre().name == centre.name
    history = ws.latest_history()
    expected = load_history(centre)
    assert len(history.frame) == len(expected.frame)
    assert history.frame["offered"].sum() == pytest.approx(expected.frame["offered"].sum())
    assert len(ws.agents()) == len(load_agents(centre))
    events = count_rows(ws.url, "agent_state_events")
    assert events == len(
        pd.read_csv(centre.resolve(centre.agent_states))
    )  # the sample's events are all clean
    assert {"settings_saved", "import", "agents_saved"} <= set(ws.audit()["action"])
    assert "Saved into the workspace" in app.success[0].value
    # Clicking again adds a history version but does not duplicate the agent states.
    app.button[0].click().run()
    assert count_rows(ws.url, "agent_state_events") == events
    assert any("not added again" in box.value for box in app.success)


def test_uploads_with_a_column_mapping_and_broken_files(app_env):
    app = open_page(PAGE)
    history_upload = uploader(app, "History CSV")

    # Broken files: the error names the place, nothing is saved, no traceback.
    for case, (content, _line, _column) in BROKEN.items():
        history_upload.set_value((f"{case}.csv", content, "text/csv"))
        app.run()
        assert_no_exception(app)
        assert errors(app), case
        assert f"{case}.csv" in errors(app)[0]
        history_upload = uploader(app, "History CSV")
    history_upload.set_value(
        ("bad number in row 3.csv", BROKEN["bad number in row 3"][0], "text/csv")
    )
    app.run()
    assert "line 4, column 'offered'" in errors(app)[0]
    assert store(app_env).latest_history() is None

    # A vendor file: the columns are guessed from names and content (Datum holds dates and
    # times), shown with the file's first rows and the mapped result, saved on request.
    content, total = vendor_history_csv(days=2)
    uploader(app, "History CSV").set_value(("vendor.csv", content, "text/csv"))
    app.run()
    assert_no_exception(app)
    assert not errors(app)
    assert app.selectbox(key="upload_history_map_interval_start").value == "Datum"
    assert app.selectbox(key="upload_history_map_offered").value == "Calls"
    assert app.selectbox(key="upload_history_map_queue").value == "Skill"
    assert app.selectbox(key="upload_history_map_aht_seconds").value is None or (
        app.selectbox(key="upload_history_map_aht_seconds").value == "AHT"
    )
    app.selectbox(key="upload_history_map_aht_seconds").select("AHT")
    app.run()
    assert_no_exception(app)
    assert store(app_env).latest_history() is None  # nothing saved before the user saves
    previews = [frame.value for frame in app.dataframe]
    assert any("Datum" in frame.columns for frame in previews)  # the file's first rows
    assert any("interval_start" in frame.columns for frame in previews)  # the mapped result
    app.button(key="save_history").click().run()
    assert_no_exception(app)
    assert not errors(app)
    assert any("Saved 64 history rows" in box.value for box in app.success)
    history = store(app_env).latest_history()
    assert len(history.frame) == 64 and history.frame["offered"].sum() == total
    assert list(history.queues) == ["sales"]


def test_planned_store_lists_the_saved_inputs(planned_store):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not any("No history saved yet" in box.value for box in app.info)
    headers = [element.value for element in app.subheader]
    assert "Agents" in headers
    steps = app.dataframe[0].value
    assert steps.set_index("step").loc["rota", "done"]


def test_a_history_without_a_queue_column_gets_the_neutral_queue_and_is_told(app_env):
    """Not the sample centre's first queue ('sales', a leftover of the sample): the CLI's
    rule, DEFAULT_QUEUE, and a note saying so (wfm.data.history.no_queue_column_note)."""
    from wfm.data.schemas import DEFAULT_QUEUE

    content, total = vendor_history_csv(days=1)
    text = content.decode().replace(";Skill", "").replace(";sales", "")
    app = open_page(PAGE)
    uploader(app, "History CSV").set_value(("calls.csv", text.encode(), "text/csv"))
    app.run()
    assert_no_exception(app)
    assert not errors(app), errors(app)
    choice = app.selectbox(key="upload_history_queue")
    assert choice.value == DEFAULT_QUEUE == "default"
    assert choice.options[0] == DEFAULT_QUEUE and "sales" in choice.options  # still offered
    told = [box.value for box in app.info if "no queue column" in box.value]
    assert told == [
        f"calls.csv has no queue column: every row is in queue '{DEFAULT_QUEUE}'. "
        "Choose another queue above to put them elsewhere."
    ]
    app.button(key="save_history").click().run()
    assert_no_exception(app)
    history = store(app_env).latest_history()
    assert history.queues == [DEFAULT_QUEUE] and history.frame["offered"].sum() == total


def test_a_proposed_centre_clears_the_interval_warning_in_the_same_run(app_env, bank_calls_path):
    # The bank's 5-minute file against the sample's 15-minute centre is warned about; once
    # "Use this centre" saves the proposed 5-minute centre, the Saved inputs section must
    # check the history against it, not the centre read at the top of the run.
    from helpers import state

    lines = bank_calls_path.read_text(encoding="utf-8").splitlines()
    content = "\n".join(lines[:1] + lines[-169 * 10 :]).encode()  # the last 10 days
    app = open_page(PAGE)
    app.selectbox(key=state.DATA_TIMEZONE).select("America/New_York").run()
    uploader(app, "History CSV").set_value(("bank.csv", content, "text/csv"))
    app.run()
    app.number_input(key="upload_history_aht_value").set_value(240.0).run()
    app.button(key="save_history").click().run()
    assert_no_exception(app)
    mismatch = "but the centre plans in 15-minute intervals"
    # once for the file in the uploader, once for the saved import under Saved inputs
    assert sum(mismatch in box.value for box in app.warning) == 2
    app.button(key="propose_centre").click().run()
    app.number_input(key="proposal_team").set_value(20).run()
    app.button(key="use_proposal").click().run()
    assert_no_exception(app)
    assert store(app_env).centre().interval_minutes == 5
    # Saved inputs no longer warns (it did, against the centre read before the save); the
    # uploader's preview above the button was drawn before the save in this run
    assert sum(mismatch in box.value for box in app.warning) == 1, [b.value for b in app.warning]
