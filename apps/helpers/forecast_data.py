"""Helpers of the Forecast and Staffing pages: progress bars, saved-result captions, the backtest.

No domain logic: the work is done by ``wfm.plan.chain``, ``wfm.plan.steps`` and ``wfm.forecast``;
this module shows its progress and describes what is saved.
"""

from __future__ import annotations

import datetime as dt

from wfm.data.schemas import History
from wfm.forecast.backtest import DEFAULT_MODELS, BacktestResult
from wfm.plan.steps import backtest_models
from wfm.progress import ProgressCallback

#: Target days and horizons [days] of the Forecast page's backtest.
BACKTEST_ORIGINS = 4
BACKTEST_HORIZONS_DAYS = (1, 7)
#: Told next to every long run.
STOP_NOTE = "Stop (top right) ends the work at its next step; nothing is saved until it finishes."


def progress_bar(bar, what: str) -> ProgressCallback:
    """The library's ``progress(fraction_done, message)`` drawn on an ``st.progress`` bar.

    Streamlit stops a script (Stop button, another widget) by raising from the next ``st``
    call, here the bar's update: that exception is let through on purpose, so the work ends
    at its next progress report.
    """

    def report(fraction_done: float, message: str) -> None:
        bar.progress(min(max(float(fraction_done), 0.0), 1.0), text=f"{what}: {message}")

    return report


def saved_when(created_at: str | None) -> str:
    """A store timestamp (UTC ISO 8601 text) as ``'Sun 22 Nov 2026 13:01 UTC'``; the text itself
    if it cannot be read.

    >>> saved_when("2026-11-22T13:01:36.817457+00:00")
    'Sun 22 Nov 2026 13:01 UTC'
    """
    if not created_at:
        return "an unknown time"
    try:
        moment = dt.datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime("%a %d %b %Y %H:%M UTC")


def history_key(history: History) -> tuple:
    """What identifies a history for the session's backtest: source, rows and time span."""
    times = history.frame["interval_start"]
    return (history.source, len(history.frame), str(times.min()), str(times.max()))


def one_queue(history: History, queue: str) -> History:
    """The rows of one queue of a history."""
    rows = history.frame[history.frame["queue"] == queue].reset_index(drop=True)
    return History(rows, history.interval_minutes, history.timezone, history.source)


def run_backtest(history: History, queue: str, progress: ProgressCallback) -> BacktestResult:
    """The rolling-origin backtest of one queue, model by model (progress after each)."""
    return backtest_models(
        one_queue(history, queue),
        models=DEFAULT_MODELS,
        horizons_days=BACKTEST_HORIZONS_DAYS,
        origins=BACKTEST_ORIGINS,
        progress=progress,
    )


#: What a forecast run tells beside its rows (``attrs`` of
#: :func:`wfm.forecast.forecast_history`), kept in the saved forecast's metadata.
REPORT_KEYS = ("model_choice", "holiday_effects", "intraday_update")


def report_meta(frame) -> dict:
    """The run's model choice, holiday days and intraday update as JSON-ready records.

    >>> import pandas as pd, numpy as np
    >>> frame = pd.DataFrame()
    >>> frame.attrs["model_choice"] = [{"queue": "q", "wape": np.float64(0.07), "chosen": np.True_}]
    >>> report_meta(frame)
    {'model_choice': [{'queue': 'q', 'wape': 0.07, 'chosen': True}], 'holiday_effects': [], 'intraday_update': []}
    """
    import json

    import numpy as np

    def plain(value):
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
        return str(value)

    records = {key: list(frame.attrs.get(key, [])) for key in REPORT_KEYS}
    return json.loads(json.dumps(records, default=plain))


def of_queue(records, queue: str) -> list[dict]:
    """The records of one queue."""
    return [row for row in records or [] if str(row.get("queue")) == queue]
