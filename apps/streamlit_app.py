"""wfm's planning app: ``streamlit run apps/streamlit_app.py``.

This file only builds the navigation; each page lives in ``apps/views/`` and calls the
library (see ``views/data.py`` for which centre is planned and how the plan is cached).
Environment: ``WFM_CENTRE`` (centre TOML file, default the sample centre) and
``WFM_APP_TIME_LIMIT_SECONDS`` (rota solver time limit).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Streamlit runs this file as a script, not as part of a package: make `views` importable.
APP_DIR = Path(__file__).resolve().parent
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))

st.set_page_config(page_title="wfm planner", page_icon=":material/support_agent:", layout="wide")

pages = {
    "Plan": [
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/upload.py", title="Data", icon=":material/upload_file:"),
        st.Page("views/forecast.py", title="Forecast", icon=":material/show_chart:"),
        st.Page("views/staffing.py", title="Staffing", icon=":material/grid_on:"),
        st.Page("views/rota_builder.py", title="Rota builder", icon=":material/calendar_month:"),
    ],
    "Check": [
        st.Page("views/whatif.py", title="What if", icon=":material/tune:"),
        st.Page("views/adherence.py", title="Adherence", icon=":material/fact_check:"),
        st.Page("views/review.py", title="Review", icon=":material/insights:"),
    ],
    "Workspace": [
        st.Page("views/settings.py", title="Settings", icon=":material/settings:"),
    ],
}
st.navigation(pages).run()
