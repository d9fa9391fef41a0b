"""The Overview shows a two-zone plan's working-time checks by site, saved with the rota.

The two-zone centre (site01 London, site02 New York, a shared queue): ``wfm plan`` writes
its per-site checks (violations.csv, report.md); the app's "Plan everything" saves them
with the rota version and the Overview shows them from the store, also after reopening the
workspace. The expected counts are recomputed independently from the stored rota with
:func:`wfm.plan.site_compliance.check_rota_by_site`.
"""

from __future__ import annotations

import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from wfm.plan.site_agents import site_agents
from wfm.plan.site_compliance import check_rota_by_site
from wfm.plan.workspace import Workspace

PAGE = "views/overview.py"


def site_tables(app):
    return [f.value for f in app.dataframe if "Site (time zone)" in f.value.columns]


def expected_counts(ws: Workspace, version: int) -> dict[str, int]:
    centre = ws.centre()
    saved = ws.rota(version)
    agents = [a for _, members in site_agents(centre) for a in members]
    checks = check_rota_by_site(saved.rota, centre, agents, week_start=saved.start_date)
    return {check.label: len(check.violations) for check in checks}


@pytest.mark.slow  # plans the two-zone week again (about 5 s of CPU)
def test_plan_everything_shows_and_saves_each_sites_checks(two_zone_store):
    ws = Workspace.open(f"sqlite:///{two_zone_store}", actor="test")
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    headers = [h.value for h in app.subheader]
    assert "Working time at each site — rota version 1" in headers, headers
    (table,) = site_tables(app)
    assert list(table["Site (time zone)"]) == [
        "site01 (Europe/London)",
        "site02 (America/New_York)",
    ]
    assert list(table["Agents"]) == [5, 5]
    assert dict(zip(table["Site (time zone)"], table["Violations"], strict=True)) == (
        expected_counts(ws, 1)
    )

    button = next(b for b in app.button if b.label == "Plan everything")
    button.click().run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    newest = int(ws.rota_versions()["id"].max())
    assert newest == 2
    saved = ws.site_checks(newest)
    assert saved is not None
    assert {c["label"]: c["violations"] for c in saved.checks} == expected_counts(ws, newest)
    # reopening the workspace (a new session) shows the new plan's checks from the store
    again = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    assert_no_exception(again)
    assert f"Working time at each site — rota version {newest}" in [
        h.value for h in again.subheader
    ]
    (table,) = site_tables(again)
    assert list(table["Violations"]) == [c["violations"] for c in saved.checks]
