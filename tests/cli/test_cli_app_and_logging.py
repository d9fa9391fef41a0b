"""`wfm app` listens on this computer only unless told; `--debug` shows wfm's logs, not pyomo's."""

import logging
import subprocess

import pyomo.environ as pyo
import pytest

from wfm.cli import QUIET_LOGGERS, configure_logging, main
from wfm.scheduling.solve import run_highs


@pytest.fixture
def started_commands(monkeypatch):
    commands = []

    def fake_call(command, env=None):
        commands.append(command)
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    return commands


def option(command, name):
    return command[command.index(name) + 1]


def test_app_binds_to_this_computer_by_default(started_commands):
    assert main(["app", "--headless"]) == 0
    (command,) = started_commands
    assert option(command, "--server.address") == "127.0.0.1"
    assert option(command, "--server.port") == "8501"


def test_app_is_exposed_only_on_purpose(started_commands):
    assert main(["app", "--address", "0.0.0.0", "--port", "8512"]) == 0
    (command,) = started_commands
    assert option(command, "--server.address") == "0.0.0.0"
    assert option(command, "--server.port") == "8512"


@pytest.fixture
def restore_logging():
    names = ["", "wfm", *QUIET_LOGGERS, "pyomo.core"]
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def tiny_model():
    model = pyo.ConcreteModel()
    model.x = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    model.y = pyo.Var(domain=pyo.NonNegativeReals)
    model.c = pyo.Constraint(expr=2 * model.x + model.y >= 7)
    model.objective = pyo.Objective(expr=3 * model.x + 2 * model.y)
    return model


def test_debug_shows_wfm_lines_and_the_solver_summary_but_not_pyomo(restore_logging, caplog):
    configure_logging(debug=True)
    run = run_highs(tiny_model(), time_limit_seconds=10, threads=1, seed=0)
    assert run.objective == pytest.approx(11.0)  # x = 3, y = 1: 9 + 2 (x = 4 costs 12; x = 0, 14)
    names = {record.name for record in caplog.records}
    summaries = [r.getMessage() for r in caplog.records if r.name == "wfm.scheduling.solve"]
    assert any(message.startswith("HiGHS MIP: optimal") for message in summaries)
    assert not [name for name in names if not name.startswith("wfm")], names
    assert not logging.getLogger("pyomo.core").isEnabledFor(logging.INFO)


def test_without_debug_only_warnings(restore_logging, caplog):
    configure_logging(debug=False)
    run_highs(tiny_model(), time_limit_seconds=10, threads=1, seed=0)
    assert not [r for r in caplog.records if r.levelno < logging.WARNING]
