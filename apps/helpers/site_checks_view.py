"""A plan's working-time checks by site, as the Overview shows them (pure table + one view).

``wfm plan`` checks the rota of a centre with ``[[sites]]`` per site, each site's agents on
their own clock under their own law and contracts (:func:`wfm.plan.site_compliance.plan_checks`),
and writes ``violations.csv`` and a section of ``report.md``; the app's "Plan everything"
and the Rota builder's "Generate rota" save the same checks with the rota version
(:meth:`wfm.plan.workspace.Workspace.site_checks`) and the Overview shows them from the
store, so reopening the workspace shows them too.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from helpers.rota_charts import violations_table
from wfm.plan.site_compliance import checks_text
from wfm.plan.workspace import SavedSiteChecks

#: Column labels of the table of checks, one row per site.
CHECK_LABELS = {
    "label": "Site (time zone)",
    "agents": "Agents",
    "violations": "Violations",
    "agents_in_violation": "Agents in violation",
    "checked": "Checked",
}


def checks_table(saved: SavedSiteChecks) -> pd.DataFrame:
    """One row per site: its label, agents checked, violations, agents in violation and
    the rules checked (:meth:`wfm.plan.site_compliance.SiteCheck.summary`).

    >>> import pandas as pd
    >>> one = {"label": "york (America/New_York)", "agents": 3, "violations": 0,
    ...        "agents_in_violation": 0, "checked": "contract rules only"}
    >>> checks_table(SavedSiteChecks(1, (one,), pd.DataFrame(), "", ""))["Violations"].tolist()
    [0]
    """
    frame = pd.DataFrame(list(saved.checks), columns=list(CHECK_LABELS))
    return frame.rename(columns=CHECK_LABELS)


def show_site_checks(saved: SavedSiteChecks) -> None:
    """The checks' heading, one line counting each site's violations, the table per site and
    every violation (times in the site's zone)."""
    st.subheader(f"Working time at each site — rota version {saved.rota_version}")
    st.caption(
        "Each site's agents are checked on their own site's clock (their local days, weeks and "
        "night time) against their site's working-time law and contracts, as `wfm plan` checks "
        f"them (violations.csv, report.md): {checks_text(saved.checks)}. Saved with the rota "
        f"{saved.created_at[:16].replace('T', ' ')} UTC by {saved.created_by}."
    )
    st.dataframe(checks_table(saved), hide_index=True)
    if len(saved.violations):
        with st.expander(f"The {len(saved.violations)} violations", icon=":material/gavel:"):
            st.dataframe(violations_table(saved.violations), hide_index=True)
