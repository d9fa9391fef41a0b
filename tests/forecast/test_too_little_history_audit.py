"""Too little history for a model: skipped with a warning naming queue and model, never a
crash and never a NaN in the output (issue 18, bad input).

Every model of the registry and ``auto``, through the library (``forecast_history``,
``backtest_history``) and the CLI (``wfm forecast``, ``wfm backtest``, ``wfm plan``), on
histories of 1 interval, 1 day, 3 days, 1 week, 2 weeks and 5 weeks, a queue of zeros, a
queue with a single contact, a history starting mid-week and mid-day, and one long queue
beside a short one. Allowed outcomes: a result without NaN or inf, or wfm's
``InputError`` naming the queue (CLI: exit 2, no traceback).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.forecast import backtest_history, forecast_history
from wfm.forecast.base import MODELS

TIMEZONE = "Europe/London"
INTERVAL_MINUTES = 15
SLOTS = 40  # 08:00-18:00
MONDAY = pd.Timestamp("2025-03-03")
ALL_MODELS = (*MODELS, "auto")
SAMPLE_CENTRE = Path(__file__).resolve().parents[2] / "data" / "sample" / "centre.toml"


def _queue(
    name: str, days: int, *, start: pd.Timestamp = MONDAY, first_slot: int = 0, volume="poisson"
):
    """Rows of one queue: ``days`` calendar days Mon-Fri from ``start``, 08:00-18:00."""
    rng = np.random.default_rng(len(name) * 100 + days)
    dates = pd.date_range(start.normalize(), periods=max(days, 1), freq="D")
    dates = dates[dates.day_of_week < 5] if days > 1 else dates
    starts = (
        dates.repeat(SLOTS)
        + pd.to_timedelta(np.tile(8 * 60 + INTERVAL_MINUTES * np.arange(SLOTS), len(dates)), "min")
    )[first_slot:]
    if volume == "zeros":
        offered = np.zeros(len(starts))
    elif volume == "single":
        offered = np.zeros(len(starts))
        offered[len(starts) // 2] = 1.0
    else:
        offered = rng.poisson(12.0, len(starts)).astype(float)
    return pd.DataFrame(
        {
            "interval_start": starts.tz_localize(TIMEZONE),
            "queue": name,
            "offered": offered,
            "aht_seconds": 300.0,
        }
    )


def _cases() -> dict[str, pd.DataFrame]:
    one_day = _queue("sales", 1)
    return {
        "one_interval": one_day.iloc[:1],
        "one_day": one_day,
        "three_days": _queue("sales", 3),
        "one_week": _queue("sales", 7),
        "two_weeks": _queue("sales", 14),
        "five_weeks": _queue("sales", 35),
        "all_zeros": _queue("sales", 35, volume="zeros"),
        "single_nonzero": _queue("sales", 35, volume="single"),
        "mid_week_mid_day": _queue("sales", 35, start=MONDAY + pd.Timedelta(days=2), first_slot=21),
        "long_and_short": pd.concat(
            # the sample centre's queues, so that `wfm plan` plans both
            [_queue("sales", 35), _queue("support", 3, start=MONDAY + pd.Timedelta(days=30))],
            ignore_index=True,
        ),
    }


CASES = _cases()


def history_of(case: str) -> History:
    frame = CASES[case].sort_values(["queue", "interval_start"]).reset_index(drop=True)
    return History(frame, INTERVAL_MINUTES, TIMEZONE, case)


def _queues(case: str) -> list[str]:
    return sorted(CASES[case]["queue"].unique())


def _finite(frame: pd.DataFrame, columns) -> None:
    for column in columns:
        values = frame[column].to_numpy(dtype=float)
        assert np.isfinite(values).all(), (
            f"{column} has {int((~np.isfinite(values)).sum())} NaN/inf"
        )


def _names_a_queue(message: str, case: str) -> bool:
    return any(re.search(rf"\b{re.escape(queue)}\b", message) for queue in _queues(case))


def _warned(caplog, queue: str, model: str) -> bool:
    return any(
        record.levelno >= logging.WARNING
        and re.search(rf"\b{re.escape(queue)}\b", record.getMessage())
        and model in record.getMessage()
        for record in caplog.records
    )


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("model", ALL_MODELS)
def test_forecast_with_too_little_history(case, model, caplog) -> None:
    caplog.set_level(logging.INFO)
    try:
        result = forecast_history(history_of(case), model=model, horizon_days=7, workers=1)
    except InputError as error:
        assert _names_a_queue(str(error), case), str(error)
        return
    _finite(result, ["offered", "aht_seconds", "offered_p10", "offered_p50", "offered_p90"])
    for queue, labels in result.groupby("queue")["model"]:
        for label in pd.unique(labels):
            if " -> " in label and model != "auto":  # the model asked for was not used
                assert _warned(caplog, queue, model), (queue, label)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("model", MODELS)
def test_backtest_with_too_little_history(case, model, caplog) -> None:
    caplog.set_level(logging.INFO)
    try:
        result = backtest_history(history_of(case), models=(model,), workers=1, choose=True)
    except InputError as error:
        assert _names_a_queue(str(error), case), str(error)
        return
    _finite(result.detail, ["actual", "forecast", "scale"])
    _finite(result.leaderboard, ["wape", "mase", "bias"])
    _finite(result.choice, ["wape", "bias"])
    scored = set(result.detail["queue"]) if not result.detail.empty else set()
    for queue in _queues(case):
        if queue not in scored:  # skipped for this queue: say so, naming queue and model
            assert _warned(caplog, queue, model), queue


# ---- the CLI: exit 0 or 2, never 1, never a traceback --------------------------------------


@pytest.fixture(scope="module")
def csv_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("histories")
    paths = {}
    for case, frame in CASES.items():
        path = folder / f"{case}.csv"
        frame.assign(interval_start=frame["interval_start"].map(lambda t: t.isoformat())).to_csv(
            path, index=False
        )
        paths[case] = path
    return paths


def _run(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def _check_cli(code: int, text: str, case: str) -> None:
    assert code in (0, 2), text
    assert "Traceback" not in text and "internal error" not in text, text
    if code == 2:  # bad input: the message names the queue, or the file when no queue is at fault
        assert _names_a_queue(text, case) or f"{case}.csv" in text, text


#: Every model through the CLI is slow (a process start's worth each); the fast loop runs
#: ``auto`` and the default set, and the library tests above run every model.
CLI_MODELS = [
    pytest.param(model, marks=() if model in ("auto", "top_down") else pytest.mark.slow)
    for model in ALL_MODELS
]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("model", CLI_MODELS)
def test_cli_forecast_with_too_little_history(case, model, csv_files, tmp_path, capsys) -> None:
    out = tmp_path / "forecast.csv"
    code, text = _run(
        [
            "forecast",
            str(csv_files[case]),
            "--timezone",
            TIMEZONE,
            "--interval-minutes",
            str(INTERVAL_MINUTES),
            "--model",
            model,
            "--workers",
            "1",
            "-o",
            str(out),
        ],
        capsys,
    )
    _check_cli(code, text, case)
    if code == 0:
        _finite(pd.read_csv(out), ["offered", "offered_p10", "offered_p50", "offered_p90"])
    else:
        assert not out.exists()


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("model", [m for m in CLI_MODELS if m.values[0] != "auto"])
def test_cli_backtest_with_too_little_history(case, model, csv_files, tmp_path, capsys) -> None:
    out, choice = tmp_path / "board.csv", tmp_path / "choice.csv"
    code, text = _run(
        [
            "backtest",
            str(csv_files[case]),
            "--timezone",
            TIMEZONE,
            "--interval-minutes",
            str(INTERVAL_MINUTES),
            "--models",
            model,
            "--workers",
            "1",
            "--choice",
            str(choice),
            "-o",
            str(out),
        ],
        capsys,
    )
    _check_cli(code, text, case)
    if code == 0:
        _finite(pd.read_csv(out), ["wape", "mase", "bias"])
        _finite(pd.read_csv(choice), ["wape", "bias"])
    else:
        assert not out.exists()


def _centre_for(history: Path, model: str, folder: Path) -> Path:
    """The sample centre with another history and forecast model."""
    text = SAMPLE_CENTRE.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^history = ".*"$', f'history = "{history.as_posix()}"', text)
    text = re.sub(r'(?m)^forecast_model = ".*"$', f'forecast_model = "{model}"', text)
    if "forecast_model" not in text:
        text = text.replace("[planning]", f'[planning]\nforecast_model = "{model}"', 1)
    centre = folder / "centre.toml"
    base = SAMPLE_CENTRE.parent.as_posix()
    # the other files the sample centre names stay where they are
    for key in ("agents", "agent_states"):
        text = re.sub(rf'(?m)^{key} = "(.*)"$', rf'{key} = "{base}/\1"', text)
    centre.write_text(text, encoding="utf-8")
    return centre


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("model", ALL_MODELS)
def test_cli_plan_with_too_little_history(case, model, csv_files, tmp_path, capsys) -> None:
    centre = _centre_for(csv_files[case], model, tmp_path)
    code, text = _run(
        [
            "plan",
            "--centre",
            str(centre),
            "--output",
            str(tmp_path / "plan"),
            "--time-limit-seconds",
            "5",
        ],
        capsys,
    )
    _check_cli(code, text, case)


def test_the_cases_are_what_they_say() -> None:
    assert len(CASES["one_interval"]) == 1
    assert CASES["one_day"]["interval_start"].dt.date.nunique() == 1
    start = CASES["mid_week_mid_day"]["interval_start"].iloc[0]
    assert start.day_of_week == 2 and start.hour == 13
    assert CASES["single_nonzero"]["offered"].sum() == 1
    assert CASES["all_zeros"]["offered"].sum() == 0
    sizes = (
        CASES["long_and_short"]
        .groupby("queue")["interval_start"]
        .agg(lambda s: (s.max() - s.min()).days + 1)
    )
    assert sizes["sales"] >= 30 and sizes["support"] <= 3
