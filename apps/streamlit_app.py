"""wfm's planning app: ``streamlit run apps/streamlit_app.py``.

This file only builds the navigation; each page lives in ``apps/views/`` and calls the
library (see ``helpers/data.py`` for which centre is planned and how the plan is cached).
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

from helpers.pages import DEFAULT_PAGE, PAGES  # noqa: E402 (needs the path above)

sections: dict[str, list] = {}
for page in PAGES:
    sections.setdefault(page.section, []).append(
        st.Page(page.path, title=page.title, icon=page.icon, default=page.path == DEFAULT_PAGE)
    )
st.navigation(sections).run()
