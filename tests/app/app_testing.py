"""Helpers of the app tests (imported by ``conftest.py`` and the test files).

Pages are run through the entry point (:func:`open_page`), as the app runs them: a page file
run alone fails on ``st.page_link``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py"
if str(APP.parent) not in sys.path:
    sys.path.insert(0, str(APP.parent))

SAMPLE_CENTRE = APP.parents[1] / "data" / "sample" / "centre.toml"
#: Solver time limit for the app tests [seconds]: the sample solves in about 15 s; room for a busy machine.
SOLVER_TIME_LIMIT_SECONDS = 40
#: Solver time limit for building the planned template store [seconds]: the search stops at
#: the gap target (about 15 s on a quiet machine); the margin is for a loaded machine.
TEMPLATE_TIME_LIMIT_SECONDS = 150
#: Seconds for a page run that does not solve or forecast.
PAGE_TIMEOUT_SECONDS = 60
#: Seconds for a page run that forecasts or solves the sample centre.
WORK_TIMEOUT_SECONDS = 240


def open_page(page: str, timeout: float = PAGE_TIMEOUT_SECONDS) -> AppTest:
    """Run the app on ``page`` (e.g. ``"views/forecast.py"``) through the entry point."""
    app = AppTest.from_file(str(APP), default_timeout=timeout)
    app.run()
    app.switch_page(page)
    app.run()
    return app


def assert_no_exception(app: AppTest) -> None:
    """No traceback on the page (Streamlit's exception element)."""
    assert not app.exception, [e.value for e in app.exception]
