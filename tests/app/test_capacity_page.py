"""The Capacity page: a plan from the saved history and agents, live scenario sliders."""

from __future__ import annotations

import pytest
from app_testing import SAMPLE_CENTRE, WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

PAGE = "views/capacity.py"


@pytest.fixture
def sample_saved(app_env):
    """A store holding the sample centre's settings, history and agents (no plan)."""
    from wfm.config import load_centre
    from wfm.plan.chain import load_agents, load_history
    from wfm.plan.workspace import Workspace

    centre = load_centre(SAMPLE_CENTRE)
    ws = Workspace.open(f"sqlite:///{app_env}", actor="test-manager")
    ws.save_centre(centre)
    ws.save_history(load_history(centre))
    ws.save_agents(load_agents(centre))
    return app_env


def metric(app, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_the_page_asks_for_history_first(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("no history" in info.value for info in app.info)


@pytest.mark.slow
def test_a_plan_and_live_scenarios_from_the_saved_sample(sample_saved):
    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    base_peak = float(metric(app, "Peak requirement").split()[0])
    assert metric(app, "Today").endswith("FTE")
    assert int(metric(app, "Hires")) > 0
    assert len(app.get("vega_lite_chart")) == 2
    # +20 % volume with the base hiring plan: a higher peak, and the page says which plan.
    app.slider(key="capacity_volume_change_percent").set_value(20).run()
    assert_no_exception(app)
    assert float(metric(app, "Peak requirement").split()[0]) > base_peak * 1.15
    assert any("base case's hiring plan" in c.value for c in app.caption)
    hires_before = int(metric(app, "Hires"))
    app.button[0].click().run()  # optimise hiring for this scenario
    assert_no_exception(app)
    assert any("optimised for this scenario" in c.value for c in app.caption)
    assert int(metric(app, "Hires")) >= hires_before
    keep = next(b for b in app.button if "Keep this scenario" in b.label)
    keep.click().run()
    assert_no_exception(app)
    assert any("Scenarios side by side" in h.value for h in app.subheader)
