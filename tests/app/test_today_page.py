"""The Today page: a played sample day, its position and who is out of adherence now."""

from __future__ import annotations

import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

PAGE = "views/today.py"


def test_the_page_asks_for_a_feed_first(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("feed folder" in info.value for info in app.info)


def test_a_folder_without_the_feed_files_says_which_are_missing(app_env, tmp_path):
    app = open_page(PAGE)
    app.text_input(key="today_folder").set_value(str(tmp_path)).run()
    assert_no_exception(app)
    assert any("arrivals.csv" in error.value for error in app.error)


@pytest.mark.slow
def test_the_played_sample_day(app_env):
    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if "sample day" in b.label).click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    labels = {m.label: m.value for m in app.metric}
    assert set(labels) >= {"Contacts so far", "Service level so far", "Out of adherence now"}
    assert int(labels["Out of adherence now"]) >= 2  # the two absent agents at least
    assert len(app.get("vega_lite_chart")) == 2


@pytest.mark.slow
def test_a_replan_is_accepted_and_published_as_a_new_version(app_env):
    from wfm.plan.workspace import Workspace

    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if "sample day" in b.label).click().run()
    next(b for b in app.button if "Re-plan now" in b.label).click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    labels = {m.label: m.value for m in app.metric}
    assert {"Day's service level now", "With every suggestion", "Shortfall recovered"} <= set(
        labels
    )
    next(b for b in app.button if b.label == "Accept all").click().run()
    assert_no_exception(app)
    assert any("Published rota version" in s.value for s in app.success)
    assert any("Published version" in h.value for h in app.subheader)
    # In the store: the sample's week published, then the version with the changes.
    versions = Workspace.open(f"sqlite:///{app_env}").rota_versions()
    assert versions["status"].tolist() == ["published", "published"]
    assert "intraday 2026-10-20" in versions["name"].iloc[1]
