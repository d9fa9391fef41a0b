"""A volume-only history (the US bank data: datetime, calls) to a rota in the app, with no
file edited: upload, columns guessed, queue and AHT given on the page, a centre proposed,
then Forecast, Staffing and the Rota builder."""

from __future__ import annotations

import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from helpers import state
from wfm.plan.workspace import Workspace

pytestmark = pytest.mark.slow


def errors(app) -> list[str]:
    return [element.value for element in app.error]


def test_bank_data_to_a_rota_in_the_app(app_env, bank_calls_path):
    ws = Workspace(f"sqlite:///{app_env}")
    app = open_page("views/upload.py", WORK_TIMEOUT_SECONDS)
    app.selectbox(key=state.DATA_TIMEZONE).select("America/New_York").run()
    upload = next(w for w in app.file_uploader if w.label == "History CSV")
    upload.set_value(("us_bank_calls_5min_2003.csv", bank_calls_path.read_bytes(), "text/csv"))
    app.run()
    assert_no_exception(app)
    assert app.selectbox(key="upload_history_map_interval_start").value == "datetime"
    assert app.selectbox(key="upload_history_map_offered").value == "calls"
    # No queue column: a queue name is asked for; no handle time: the AHT is asked for.
    # the neutral queue of the CLI's rule, not the sample centre's first queue, and said so
    assert app.selectbox(key="upload_history_queue").value == "default"
    assert any("no queue column" in box.value for box in app.info)
    assert any("no handle time" in box.value for box in app.warning)
    assert not any("Saved" in box.value for box in app.success)
    app.number_input(key="upload_history_aht_value").set_value(240.0).run()
    assert_no_exception(app)
    app.button(key="save_history").click().run()
    assert_no_exception(app)
    assert not errors(app), errors(app)
    history = ws.latest_history()
    assert history.queues == ["default"] and history.frame["aht_seconds"].eq(240).all()

    app.button(key="propose_centre").click().run()
    assert_no_exception(app)
    assert any("07:00-21:05" in block.value for block in app.markdown)
    app.number_input(key="proposal_team").set_value(500).run()
    app.button(key="use_proposal").click().run()
    assert_no_exception(app)
    assert not errors(app), errors(app)
    centre = ws.centre()
    assert [q.name for q in centre.queues] == ["default"] and centre.interval_minutes == 5
    assert len(ws.agents()) == 500

    app.switch_page("views/forecast.py").run(timeout=WORK_TIMEOUT_SECONDS)
    app.selectbox(key=state.FORECAST_MODEL).set_value("same_slot_average")
    app.button(key=state.FORECAST_RUN).click().run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not errors(app), errors(app)
    forecast = ws.latest_forecast().frame
    assert len(forecast) > 0 and forecast["aht_seconds"].eq(240).all()

    app.switch_page("views/staffing.py").run(timeout=WORK_TIMEOUT_SECONDS)
    app.button(key=state.STAFFING_COMPUTE).click().run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not errors(app), errors(app)
    requirements = ws.latest_requirements().frame
    assert requirements["agents_scheduled_required"].max() > 0

    app.switch_page("views/rota_builder.py").run(timeout=WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if b.label == "Generate rota").click().run(
        timeout=2 * WORK_TIMEOUT_SECONDS
    )
    assert_no_exception(app)
    assert not errors(app), errors(app)
    rota = ws.latest_rota()
    assert rota is not None and rota.rota["agent_id"].nunique() > 100
