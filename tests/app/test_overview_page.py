"""The Overview page: workflow status from the store, the rota's projected service, recent changes."""

from __future__ import annotations

import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from wfm.plan.workspace import Workspace


def _texts(app) -> str:
    return " ".join(
        [str(m.value) for m in app.markdown]
        + [str(c.value) for c in app.caption]
        + [str(i.value) for i in app.info]
    )


def test_an_empty_workspace_points_to_the_data_page(app_env):
    app = open_page("views/overview.py")
    assert_no_exception(app)
    assert any("Data" in str(info.value) for info in app.info)
    assert "not done yet" in _texts(app)
    assert not app.metric  # no rota, no service level


def test_a_planned_workspace_shows_the_rota_service_level_and_the_audit_trail(planned_store):
    app = open_page("views/overview.py")
    assert_no_exception(app)
    labels = [metric.label for metric in app.metric]
    assert "All queues" in labels and "sales" in labels
    shown = next(metric.value for metric in app.metric if metric.label == "All queues")
    assert shown.endswith("%") and 0 < float(shown.split()[0]) <= 100
    audit = app.dataframe[0].value
    assert {"rota_generated", "forecast_run", "import"} <= set(audit["action"])


@pytest.mark.slow
def test_plan_everything_saves_each_step(app_env):
    from app_testing import SAMPLE_CENTRE

    from wfm.config import load_centre
    from wfm.plan.chain import load_agents, load_history

    centre = load_centre(SAMPLE_CENTRE)
    ws = Workspace.open(f"sqlite:///{app_env}", actor="test")
    ws.save_centre(centre)
    ws.save_history(load_history(centre))
    ws.save_agents(load_agents(centre))

    app = open_page("views/overview.py", timeout=WORK_TIMEOUT_SECONDS)
    app.button[0].click().run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [element.value for element in app.error]
    steps = ws.steps().set_index("step")["done"]
    assert steps[["forecast", "requirements", "rota"]].all()
    assert not steps["published"]
