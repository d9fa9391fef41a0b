"""Warnings said once per kind on the terminal (wfm.cli.log_repeats)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pandas as pd
import pytest

from wfm.cli.log_repeats import said_once


def test_a_warning_repeated_with_other_numbers_is_said_once_and_counted():
    logger = logging.Logger("walk18-test")
    stream = io.StringIO()
    logger.addHandler(logging.StreamHandler(stream))
    repeats = said_once(logger)
    for cut, days in [("2003-10-10", 10), ("2003-10-13", 11), ("2003-10-15", 12)]:
        logger.warning("queue q: model factor skipped at cut-off %s: %d open days", cut, days)
    logger.warning("queue q: model root_profile skipped at cut-off 2003-10-10: 10 open days")
    logger.error("queue q: an error is always said")
    logger.error("queue q: an error is always said")
    lines = stream.getvalue().splitlines()
    assert lines == [
        "queue q: model factor skipped at cut-off 2003-10-10: 10 open days",
        "queue q: model root_profile skipped at cut-off 2003-10-10: 10 open days",
        "queue q: an error is always said",
        "queue q: an error is always said",
    ]
    assert repeats.repeats == 2
    assert said_once(logger) is not repeats  # a new run counts afresh, one filter only
    assert len(logger.handlers[0].filters) == 1


def test_no_terminal_handler_no_filter():
    assert said_once(logging.Logger("walk18-empty")) is None


@pytest.mark.slow  # a forecast in a new process (about 5 s of CPU)
def test_a_short_history_warns_once_per_model_and_counts_the_rest(bank_calls_path, tmp_path):
    raw = pd.read_csv(bank_calls_path)
    short = tmp_path / "short.csv"
    raw[raw["date"] >= "2003-09-26"].to_csv(short, index=False)
    options = ["--map", "datetime=interval_start", "--map", "calls=offered"]
    command = [sys.executable, "-m", "wfm.cli", "forecast", str(short), *options,
               "--timezone", "America/New_York", "--aht-seconds", "240", "-q",
               "-o", str(tmp_path / "f.csv")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    skipped = [line for line in warnings if "skipped at cut-off" in line]
    models = [line.split("model ")[1].split(" ")[0] for line in skipped]
    assert skipped and len(models) == len(set(models))  # each model's skip said once
    assert "not repeated; --debug shows every one" in done.stderr.splitlines()[-1]
