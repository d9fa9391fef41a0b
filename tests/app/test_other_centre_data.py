"""Pages on a store holding another centre's results (issue 16, item 1).

A planner who starts on the sample and moves to their own centre keeps the sample's
requirements, rota and agents in the store. Every page must say those are another centre's
and set them aside, never crash ("Something went wrong") or show an error box.
"""

from __future__ import annotations

import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from helpers import ui
from helpers.pages import PAGES
from wfm.config import load_centre
from wfm.plan.workspace import Workspace


def own_centre():
    """The sample's settings with one queue of another name: the planner's own centre."""
    sample = load_centre(SAMPLE_CENTRE)
    queue = sample.queues[0].model_copy(update={"name": "calls"})
    return sample.model_copy(update={"queues": (queue,)})


@pytest.fixture
def switched_store(planned_store):
    ws = Workspace(f"sqlite:///{planned_store}")
    ws.publish_rota(1)
    ws.save_centre(own_centre())
    return planned_store


#: Pages that read the history with the centre's queues and say so in an error box of their
#: own (a clear message, not a crash): the Capacity page, which another change owns.
NAMED_ERROR_PAGES = {"views/capacity.py"}


@pytest.mark.parametrize("page", [page.path for page in PAGES])
def test_no_page_crashes_on_another_centres_results(switched_store, page):
    app = open_page(page, WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    errors = [e.value for e in app.error]
    assert not any(ui.GENERIC_ERROR in text for text in errors), errors
    if page not in NAMED_ERROR_PAGES:
        assert not errors, errors


def test_the_pages_say_the_results_are_another_centres(switched_store):
    overview = open_page("views/overview.py")
    assert any("another centre" in box.value for box in overview.info)
    assert not overview.metric or "All queues" not in {m.label for m in overview.metric}
    staffing = open_page("views/staffing.py")
    assert any("another centre" in box.value for box in staffing.warning)
    rota = open_page("views/rota_builder.py", WORK_TIMEOUT_SECONDS)
    assert any("another centre" in box.value for box in rota.warning)
    whatif = open_page("views/whatif.py")
    assert any("another centre" in box.value for box in whatif.warning)


def test_overview_picks_the_rota_of_the_requirements_week_not_the_newest(planned_store):
    """The newest published rota may be for another week: the Overview reviews the rota whose
    dates the requirements cover."""
    ws = Workspace(f"sqlite:///{planned_store}")
    plan = ws.rota(1)
    week = plan.coverage.assign(
        interval_start=plan.coverage["interval_start"] + pd.Timedelta(days=28)
    )
    later = plan.rota.assign(
        start=plan.rota["start"] + pd.Timedelta(days=28),
        end=plan.rota["end"] + pd.Timedelta(days=28),
    )
    other = ws.save_rota(later, week, plan.solve_summary, name="a later week")
    ws.publish_rota(other)
    app = open_page("views/overview.py")
    assert_no_exception(app)
    assert any("rota version 1" in header.value for header in app.subheader)
