"""The app's workspace, centre and solver settings: the one module pages load data through.

This is the only module that reads the app's environment variables:

``WFM_CENTRE``
    Path of the centre TOML file; default ``data/sample/centre.toml`` in the repository.
    Used until the planner saves settings of their own (Settings page).
``WFM_APP_TIME_LIMIT_SECONDS``
    Solver time limit for the rota [seconds]; default the centre's
    ``scheduling.time_limit_seconds``. Tests set it.
``WFM_DB_URL``
    The store the app keeps its workspace in (SQLAlchemy URL); default the same store as the
    CLI's, ``wfm.db`` in the user data folder (:func:`wfm.store.default_store_path`), so a
    planner finds tomorrow what they left today and ``wfm plan --store`` saves where the app
    looks.

Every step's result (centre settings, history, forecast, requirements, rota versions) is
saved in the store through :class:`wfm.plan.workspace.Workspace`: :func:`workspace` is the one
object pages use (one per store, shared by the server's sessions: the store serialises
writes), and :func:`require_step` ends a page politely when an earlier step is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from helpers import ui
from helpers.pages import page_path
from helpers.site_zones import SiteZones
from wfm.config import Centre, load_centre
from wfm.errors import ConfigError
from wfm.plan.chain import load_agents, review_coverage
from wfm.plan.site_agents import agent_sites, site_agents
from wfm.plan.workspace import Workspace
from wfm.store.audit import default_actor
from wfm.store.engine import URL_ENV, resolve_url
from wfm.store.repository import RotaVersion

CENTRE_ENV = "WFM_CENTRE"
STORE_ENV = URL_ENV
TIME_LIMIT_ENV = "WFM_APP_TIME_LIMIT_SECONDS"
#: The sample centre committed with the repository (``python -m wfm.data.synthetic data/sample``).
DEFAULT_CENTRE = Path(__file__).resolve().parents[2] / "data" / "sample" / "centre.toml"
#: Plans kept in memory at once (one per centre file and solver settings).
MAX_CACHED_PLANS = 4


def centre_path() -> Path:
    """The centre file the app plans: ``$WFM_CENTRE`` or the sample centre."""
    override = os.environ.get(CENTRE_ENV, "").strip()
    return Path(override).expanduser().resolve() if override else DEFAULT_CENTRE


def time_limit_seconds() -> float | None:
    """The solver time limit from ``$WFM_APP_TIME_LIMIT_SECONDS`` [seconds], if set."""
    text = os.environ.get(TIME_LIMIT_ENV, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise ConfigError(
            "the solver time limit must be a number of seconds above 0",
            source=f"environment variable {TIME_LIMIT_ENV}",
            value=text,
            fix=f"set {TIME_LIMIT_ENV}=30, or unset it to use the centre file's time limit",
        )
    return value


def store_url() -> str:
    """The app's store: ``$WFM_DB_URL``, else the CLI's default store (one rule for both)."""
    return resolve_url()


@st.cache_resource(show_spinner=False)
def _workspace(url: str) -> Workspace:
    return Workspace.open(url, actor=default_actor())


def workspace() -> Workspace:
    """The app's workspace (created on first use)."""
    return _workspace(store_url())


#: Pages that produce each workflow step (where :func:`require_step` sends the user).
STEP_PAGES = {
    "centre": (page_path("Data"), "Data"),
    "history": (page_path("Data"), "Data"),
    "forecast": (page_path("Forecast"), "Forecast"),
    "requirements": (page_path("Staffing"), "Staffing"),
    "rota": (page_path("Rota builder"), "Rota builder"),
}


def require_step(step: str, what: str):
    """The saved result of ``step``, or an info box pointing to the page that makes it and the end of the page.

    Parameters
    ----------
    step
        ``"history"``, ``"forecast"``, ``"requirements"`` or ``"rota"``.
    what
        What the page needs it for, e.g. "draw the forecast".
    """
    ws = workspace()
    loaders = {
        "history": ws.latest_history,
        "forecast": ws.latest_forecast,
        "requirements": ws.latest_requirements,
        "rota": ws.latest_rota,
    }
    try:
        value = loaders[step]()
    except Exception as error:  # noqa: BLE001 - the app must never show a traceback
        ui.show_error(error)
        st.stop()
    if value is None:
        page, title = STEP_PAGES[step]
        st.info(
            f"There is no {step} yet to {what}. Make one on the {title} page first.",
            icon=":material/info:",
        )
        st.page_link(page, label=f"Go to {title}", icon=":material/arrow_forward:")
        st.stop()
    return value


def stop_for_another_centre(what: str, found, own, step: str, action: str):
    """A warning that saved results are another centre's (they staff queues this centre does
    not have), a link to the page that makes them anew, and the end of the page.

    Parameters
    ----------
    what
        The results, e.g. "The saved rotas".
    found, own
        Their queues and the centre's.
    step
        The workflow step that makes them (a key of :data:`STEP_PAGES`).
    action
        What to do there, e.g. "Generate a rota for this centre".
    """
    page, title = STEP_PAGES[step]
    st.warning(
        f"{what} are for queues {', '.join(sorted(found)) or 'none'}, which this centre "
        f"({', '.join(sorted(own))}) does not have: they are from another centre, so they are set "
        f"aside. {action} on the {title} page.",
        icon=":material/swap_horiz:",
    )
    st.page_link(page, label=f"Go to {title}", icon=":material/arrow_forward:")
    st.stop()


def rota_service_summary(
    centre: Centre, requirements: pd.DataFrame, rota: RotaVersion
) -> pd.DataFrame:
    """Projected service level per queue of a stored rota version (:func:`wfm.plan.chain.review_coverage`)."""
    start = (
        rota.start_date or rota.coverage["interval_start"].min().tz_convert(centre.timezone).date()
    )
    return review_coverage(centre, requirements, rota.coverage, start)[1]


def file_centre() -> Centre:
    """The centre file (``$WFM_CENTRE`` or the sample), with the app's solver time limit applied."""
    return _with_time_limit(load_centre(centre_path()))


def app_centre() -> Centre:
    """The centre the app plans: the one saved in the workspace (Settings), else the centre file.

    The app's solver time limit (``$WFM_APP_TIME_LIMIT_SECONDS``) is applied to either.
    """
    saved = workspace().centre()
    return _with_time_limit(saved) if saved is not None else file_centre()


def centre_agents(centre: Centre) -> list:
    """The centre's agents from its files: the agents file, or every site's of a centre with
    ``[[sites]]`` (pages use the workspace's saved agents first)."""
    if centre.sites:
        return [
            agent for _, agents in _site_agents(_centre_key(centre), centre) for agent in agents
        ]
    return load_agents(centre)


def centre_sites(centre: Centre) -> list:
    """The centre's sites with their agents (:func:`wfm.plan.site_agents.site_agents`, read
    once per centre); empty for a centre without ``[[sites]]``."""
    if not centre.sites:
        return []
    return _site_agents(_centre_key(centre), centre)


def site_zones(centre: Centre) -> SiteZones:
    """Each agent's site and zone (:class:`helpers.site_zones.SiteZones`); no sites for a
    centre without ``[[sites]]``. The sites' agents files are read once per centre."""
    if not centre.sites:
        return SiteZones(centre.timezone)
    return SiteZones(centre.timezone, agent_sites(_site_agents(_centre_key(centre), centre)))


def _centre_key(centre: Centre) -> str:
    """The centre's settings, folder and its sites' agents files' times (a cache key)."""
    files = [centre.resolve(site.agents) for site in centre.sites]
    stamps = [f"{path}@{path.stat().st_mtime_ns if path.is_file() else None}" for path in files]
    return "|".join([centre.model_dump_json(), str(centre.base_dir), *stamps])


@st.cache_data(show_spinner=False, max_entries=8)
def _site_agents(centre_key: str, _centre: Centre):
    return site_agents(_centre)


def _with_time_limit(centre: Centre) -> Centre:
    limit = time_limit_seconds()
    if limit is not None:
        scheduling = centre.scheduling.model_copy(update={"time_limit_seconds": limit})
        centre = centre.model_copy(update={"scheduling": scheduling})
    return centre


def update_priors(centre: Centre, day, forecast: pd.DataFrame, forecast_file: str) -> dict:
    """Each queue's intraday-update prior for ``day`` learnt from the centre's history, as
    ``wfm forecast --as-of`` learns it, with the holiday calendar the forecast file records
    (:func:`wfm.intraday.centre_day.day_update_priors`);
    cached per centre history, day and forecast file (the learning runs a backtest)."""
    history = centre.resolve(centre.history) if centre.history else None
    stamp = history.stat().st_mtime if history is not None and history.is_file() else None
    forecast_path = Path(forecast_file)
    forecast_stamp = forecast_path.stat().st_mtime if forecast_path.is_file() else None
    return _update_priors(
        centre,
        f"{history}@{stamp}",
        day,
        forecast,
        f"{forecast_file}@{forecast_stamp}",
        forecast_file,
    )


@st.cache_data(show_spinner="Learning the intraday update from the history…", max_entries=8)
def _update_priors(
    _centre: Centre, history_key: str, day, _forecast, forecast_key: str, forecast_file: str
) -> dict:
    from wfm.intraday.centre_day import day_update_priors

    return day_update_priors(_centre, day, _forecast, source=forecast_file)
