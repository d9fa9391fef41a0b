"""A rolled (rolling-horizon) rota of a centre with sites carries each site's working-time
check after the groups' rotas are merged (it carried none: ``merge_rotas`` dropped the
groups' checks), and the Rota builder's version stores them for the Overview.

Three sites: London and New York share ``shared_billing`` (one model on two clocks), Berlin
(country DE) is a group of its own. The centre has no break rules, so every shift longer than
six hours breaks the rest-break rule of the UK Regulations (London) and of the EU Directive
(Berlin); New York (US) has no law table, only its contracts. Independent check: the carried
checks equal :func:`check_rota_by_site` run afresh on the merged rota.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import SHARED_QUEUE, generate_multi_site_centre
from wfm.plan.groups import staffing_groups
from wfm.plan.site_compliance import check_rota_by_site
from wfm.plan.workspace import Workspace

START = dt.date(2026, 11, 16)
WEEKS = 2

pytestmark = pytest.mark.slow  # two rolled groups of three sites: about 5 s of CPU


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rolled_sites")
    path = generate_multi_site_centre(
        folder, sites=3, agents_per_site=3, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone="America/New_York", country="US")
    raw["sites"][2].update(country="DE")
    raw["break_rules"] = []  # shifts over 6 hours without a break: the law's rest break
    raw["scheduling"].update(relative_gap=0.05, rolling_horizon_above_pairs=0)  # always roll
    raw["planning"]["horizon_days"] = 7 * WEEKS
    out = folder / "three_sites.toml"
    out.write_text(tomli_w.dumps(raw))
    return load_centre(out)


def _requirements(centre) -> pd.DataFrame:
    """One agent on each site's sales queue while it is open, two on the shared queue while
    London or New York is, on a 15-minute UTC grid."""
    moments = pd.date_range(
        pd.Timestamp(START - dt.timedelta(days=1), tz="UTC"),
        pd.Timestamp(START + dt.timedelta(days=7 * WEEKS + 1), tz="UTC"),
        freq="15min",
        inclusive="left",
    )
    rows, shared = [], []
    for site in centre.sites:
        local = centre.site_centre(site.name)
        is_open = local.opening_hours_for(range(2026, 2028)).is_open(
            moments.tz_convert(local.timezone), 1
        )
        if SHARED_QUEUE in site.queues:
            shared.append(is_open)
        rows.append(
            pd.DataFrame({"interval_start": moments[is_open], "queue": f"{site.name}_sales"})
        )
    either = np.logical_or.reduce(shared)
    rows.append(pd.DataFrame({"interval_start": moments[either], "queue": SHARED_QUEUE}))
    frame = pd.concat(rows, ignore_index=True)
    frame["agents_scheduled_required"] = np.where(frame["queue"] == SHARED_QUEUE, 2.0, 1.0)
    frame["agents_required"] = frame["agents_scheduled_required"]
    return frame


def test_a_rolled_rota_of_sites_carries_each_sites_check(centre, tmp_path):
    ws = Workspace.open(f"sqlite:///{tmp_path / 'wfm.db'}", actor="test")
    version_id, made = ws.generate_rota(centre, _requirements(centre), START)
    assert "rolling horizon" in made.result.summary.termination  # the groups were rolled
    assert [g.sites for g in made.groups] == [("site01", "site02"), ("site03",)]
    agents = [agent for group in staffing_groups(centre) for agent in group.agents]
    afresh = check_rota_by_site(made.result.rota, centre, agents, week_start=START)
    assert made.checks == tuple(afresh)
    found = {check.site: len(check.violations) for check in made.checks}
    assert found["site01"] > 0 and found["site03"] > 0 and found["site02"] == 0
    assert {v.rule for c in made.checks for v in c.violations} == {"rest_break"}
    assert made.result.violations == tuple(v for c in afresh for v in c.violations)
    # the Rota builder's version keeps them, as the Overview reads them
    saved = ws.site_checks(version_id)
    assert saved is not None
    assert [c["violations"] for c in saved.checks] == [len(c.violations) for c in afresh]
    assert len(saved.violations) == sum(found.values())
