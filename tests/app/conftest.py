"""Fixtures for the app tests: a store per test, empty or holding a planned sample week.

The app keeps every step's result in a store (``$WFM_DB_URL``, see ``apps/helpers/data.py``).
Planning the sample centre takes tens of seconds, so it runs once per test session (once for
all pytest-xdist workers) into a template store (:func:`planned_template`); each test that
needs a plan gets its own copy of that file (:func:`planned_store`), so tests cannot see each
other's edits. Streamlit's caches live for the whole pytest process and are cleared for every
test.

Helpers and constants the tests import are in ``app_testing.py``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
import streamlit as st
from app_testing import (  # noqa: F401 - re-exported: import them from app_testing in test files
    PAGE_TIMEOUT_SECONDS,
    SAMPLE_CENTRE,
    SOLVER_TIME_LIMIT_SECONDS,
    TEMPLATE_TIME_LIMIT_SECONDS,
    WORK_TIMEOUT_SECONDS,
    assert_no_exception,
    open_page,
)


def pytest_collection_modifyitems(items) -> None:
    """Tests on the planned sample week are ``slow``: the week is a solve of tens of seconds.

    The plan runs once per session (:func:`planned_template`), but a fast loop
    (``pytest -m "not slow"``) that used it would pay for all of it.
    """
    for item in items:
        if "planned_template" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture(scope="session")
def planned_template(tmp_path_factory) -> Path:
    """A store file holding the sample centre's settings, history, agents, forecast, requirements and a rota draft."""
    from wfm.config import load_centre
    from wfm.plan.chain import run_plan
    from wfm.plan.workspace import Workspace

    centre = load_centre(SAMPLE_CENTRE)
    scheduling = centre.scheduling.model_copy(
        update={"time_limit_seconds": TEMPLATE_TIME_LIMIT_SECONDS}
    )
    centre = centre.model_copy(update={"scheduling": scheduling})
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        path = tmp_path_factory.mktemp("planned") / "template.db"
        Workspace.open(f"sqlite:///{path}", actor="test-planner").save_plan(run_plan(centre))
        return path
    # Under pytest-xdist the workers share one template: the first to take the lock plans it
    # into the run's common temporary folder, the others wait for it and read the same file.
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / "planned-template.db"
    with (shared / "planned-template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            draft = shared / f"planned-template-{worker}.db"
            Workspace.open(f"sqlite:///{draft}", actor="test-planner").save_plan(run_plan(centre))
            os.replace(draft, path)
    return path


@pytest.fixture
def app_env(monkeypatch, tmp_path) -> Path:
    """A fresh, empty store for the app; returns the database file's path."""
    path = tmp_path / "app.db"
    monkeypatch.setenv("WFM_DB_URL", f"sqlite:///{path}")
    monkeypatch.setenv("WFM_APP_TIME_LIMIT_SECONDS", str(SOLVER_TIME_LIMIT_SECONDS))
    monkeypatch.delenv("WFM_CENTRE", raising=False)
    _clear_streamlit_caches()
    yield path
    _clear_streamlit_caches()


@pytest.fixture
def planned_store(app_env: Path, planned_template: Path) -> Path:
    """The app's store holding a copy of the planned sample week; returns the file's path."""
    shutil.copyfile(planned_template, app_env)
    return app_env


@pytest.fixture(scope="session")
def two_zone_template(tmp_path_factory) -> Path:
    """A store holding the planned week of a centre whose sites are in two zones sharing a
    queue: the synthetic two-site centre with site02 moved to New York (country US), the
    rota stored on London's clock (settings, agents, rota). About 5 s of CPU, once per
    session (per pytest-xdist worker)."""
    import tomllib

    import tomli_w

    from wfm.config import load_centre
    from wfm.data.synthetic.sites import generate_multi_site_centre
    from wfm.plan.chain import run_plan
    from wfm.plan.workspace import Workspace

    folder = tmp_path_factory.mktemp("two_zone_app")
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=5, history_weeks=3, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone="America/New_York", country="US")
    raw["scheduling"].update(relative_gap=0.05, time_limit_seconds=120)
    centre_file = folder / "centre_two_zones.toml"
    centre_file.write_text(tomli_w.dumps(raw))
    store = folder / "template.db"
    Workspace.open(f"sqlite:///{store}", actor="test-planner").save_plan(
        run_plan(load_centre(centre_file))
    )
    return store


@pytest.fixture
def two_zone_store(app_env: Path, two_zone_template: Path) -> Path:
    """The app's store holding a copy of the two-zone centre's planned week."""
    shutil.copyfile(two_zone_template, app_env)
    return app_env
