"""Which centre the app plans, with which solver settings, and the cached plan run.

This is the only module that reads the app's environment variables:

``WFM_CENTRE``
    Path of the centre TOML file; default ``data/sample/centre.toml`` in the repository.
``WFM_APP_TIME_LIMIT_SECONDS``
    Solver time limit for the rota [seconds]; default the centre file's
    ``scheduling.time_limit_seconds``. Tests set it small.

The plan (forecast, requirements, rota, review) takes tens of seconds, so one result per
centre file and solver settings is kept for every session of the server
(``st.cache_resource``). The cached object is a *slot* that the plan is run into, rather
than the plan itself: the run happens outside the cached function, so it can drive an
``st.progress`` bar through the library's progress callback (elements created inside a
cached function would be replayed on every later cache hit), and the slot's lock makes a
second session wait for the first run instead of starting another.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from views import ui
from wfm.config import Centre, load_centre
from wfm.errors import ConfigError, WfmError
from wfm.plan import ROTA_DAYS, PlanResult, run_plan, service_targets, shrinkage_by_queue
from wfm.scenarios import Scenario, ScenarioResult, run_scenario

CENTRE_ENV = "WFM_CENTRE"
TIME_LIMIT_ENV = "WFM_APP_TIME_LIMIT_SECONDS"
#: The sample centre committed with the repository (``python -m wfm.data.sample data/sample``).
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


def app_centre() -> Centre:
    """The centre file, with the app's solver time limit applied."""
    centre = load_centre(centre_path())
    limit = time_limit_seconds()
    if limit is not None:
        scheduling = centre.scheduling.model_copy(update={"time_limit_seconds": limit})
        centre = centre.model_copy(update={"scheduling": scheduling})
    return centre


@dataclass(eq=False)
class PlanSlot:
    """Holds one plan run (or the error that stopped it) for every session."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    result: PlanResult | None = None
    error: WfmError | None = None


@st.cache_resource(show_spinner=False, max_entries=MAX_CACHED_PLANS)
def _plan_slot(centre_file: str, modified_ns: int, solver_settings: tuple) -> PlanSlot:
    """The slot for a centre file (as last modified) and solver settings."""
    return PlanSlot()


def _solver_settings(centre: Centre) -> tuple:
    return tuple(sorted(centre.scheduling.model_dump().items()))


class _PlanProgress:
    """The library's ``progress(fraction_done, message)`` shown on an ``st.progress`` bar.

    Streamlit interrupts a script when the user clicks elsewhere, by raising a control
    exception (a ``BaseException``) from the next ``st`` call, here the bar's update.
    Letting it through would abandon a plan that is tens of seconds along, and the next
    page would start it again; so the interruption is held until the plan is done and
    cached, then raised (:meth:`resume`) so that Streamlit still goes where the user asked.
    """

    def __init__(self, bar) -> None:
        self.bar = bar
        self.interruption: BaseException | None = None

    def __call__(self, fraction_done: float, message: str) -> None:
        if self.interruption is not None:
            return
        try:
            self.bar.progress(min(max(fraction_done, 0.0), 1.0), text=f"Planning: {message}")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as interruption:  # Streamlit's stop or rerun request
            self.interruption = interruption

    def finish(self) -> None:
        """Remove the bar, or raise the interruption held back while planning."""
        if self.interruption is not None:
            raise self.interruption
        self.bar.empty()


def get_plan() -> PlanResult:
    """The plan for the app's centre, run once per centre file and solver settings.

    Raises
    ------
    WfmError
        When the centre file or its data cannot be used, or no rota can be found.
    """
    centre = app_centre()
    path = centre_path()
    slot = _plan_slot(str(path), path.stat().st_mtime_ns, _solver_settings(centre))
    with slot.lock:
        if slot.result is None and slot.error is None:
            progress = _PlanProgress(st.progress(0.0, text="Planning: starting"))
            try:
                slot.result = run_plan(centre, progress=progress)
            except WfmError as error:
                # Remembered, so that every page shows it without planning again;
                # "Re-run plan" clears it.
                slot.error = error
            finally:
                progress.finish()
    if slot.error is not None:
        raise slot.error
    return slot.result


def plan_or_stop(*, offer_rerun: bool = True) -> PlanResult:
    """The plan; or an error box (with a button to plan again) and the end of the page."""
    try:
        return get_plan()
    except Exception as error:  # noqa: BLE001 - the app must never show a traceback
        ui.show_error(error)
        if offer_rerun and st.button("Re-run plan", key="rerun_plan_after_error", icon=":material/refresh:"):
            forget_plans()
            st.rerun()
        st.stop()


def forget_plans() -> None:
    """Drop every cached plan, so that the next page run plans again."""
    _plan_slot.clear()


# --- selections of the plan's frames (no domain logic: which rows to show) ---------------
def rota_week_bounds(result: PlanResult) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start (inclusive) and end (exclusive) of the rota's week, tz-aware local time."""
    start = pd.Timestamp(result.start_date).tz_localize(result.centre.timezone)
    end = pd.Timestamp(result.start_date + dt.timedelta(days=ROTA_DAYS)).tz_localize(result.centre.timezone)
    return start, end


def in_rota_week(result: PlanResult, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``frame`` whose ``interval_start`` falls in the rota's week."""
    start, end = rota_week_bounds(result)
    times = frame["interval_start"]
    return frame[(times >= start) & (times < end)].reset_index(drop=True)


def run_whatif(result: PlanResult, scenario: Scenario) -> ScenarioResult:
    """The scenario on the rota's week of the plan's forecast, against the plan's rota."""
    return run_scenario(
        in_rota_week(result, result.forecast),
        result.rota.coverage,
        service_targets(result.centre),
        shrinkage_by_queue(result.centre),
        result.centre.interval_minutes,
        scenario,
    )


# --- forecast backtest (cached: a rolling-origin backtest takes seconds per queue) --------
#: Target days and horizons [days] of the forecast page's backtest.
BACKTEST_ORIGINS = 4
BACKTEST_HORIZONS_DAYS = (1, 7)


@st.cache_data(show_spinner="Backtesting the forecast models…", max_entries=16)
def backtest_leaderboard(_result: PlanResult, centre_file: str, history_rows: int, queue: str) -> pd.DataFrame:
    """The backtest leaderboard of one queue of the plan's history (cached per centre and queue)."""
    from wfm.data.schemas import History
    from wfm.forecast import backtest_history

    history = _result.history
    rows = history.frame[history.frame["queue"] == queue].reset_index(drop=True)
    one_queue = History(rows, history.interval_minutes, history.timezone, history.source)
    result = backtest_history(
        one_queue, horizons_days=BACKTEST_HORIZONS_DAYS, origins=BACKTEST_ORIGINS, workers=1
    )
    return result.leaderboard
