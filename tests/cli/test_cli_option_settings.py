"""Solver and seed options are checked as strictly as the centre file's settings: found by the
hostile-input sweep, where `wfm reoptimise --change-cost -1` ran a search that rewarded
changes (no answer within minutes), `--threads 0` and `--relative-gap 5` went to the solver
unchecked (pydantic's model_copy does not validate) and `wfm simulate --seed -1` was an
internal error (exit 1). Now each is exit 2 naming the option, before any work."""

from __future__ import annotations

import pytest
from hostile_helpers import time_limit

from wfm.cli import main

SAMPLE_CENTRE = "data/sample/centre.toml"


@pytest.mark.parametrize(
    ("options", "option"),
    [
        (["--change-cost", "-1"], "--change-cost"),
        (["--break-change-cost", "-0.5"], "--break-change-cost"),
        (["--threads", "0"], "--threads"),
        (["--threads", "100000"], "--threads"),  # HiGHS started them all: no answer
        (["--relative-gap", "5"], "--relative-gap"),
        (["--time-limit-seconds", "0"], "--time-limit-seconds"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_reoptimise_options_out_of_range_name_the_option(tmp_path, capsys, options, option):
    out = tmp_path / "out"
    argv = ["reoptimise", "rota.csv", "--requirements", "req.csv", "--centre", SAMPLE_CENTRE]
    with time_limit():
        assert main([*argv, *options, "-o", str(out)]) == 2
    assert f"option {option}" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("command", ["schedule", "plan"])
def test_rota_commands_check_solver_options_against_the_settings(tmp_path, capsys, command):
    demand = ["requirements.csv"] if command == "schedule" else []  # checked after the options
    argv = [command, *demand, "--centre", SAMPLE_CENTRE, "--threads", "0", "-o", str(tmp_path)]
    with time_limit():
        assert main(argv) == 2
    assert "option --threads" in capsys.readouterr().err


def test_a_negative_seed_is_exit_2_not_an_internal_error(tmp_path, capsys):
    requirements = tmp_path / "requirements.csv"
    requirements.write_text(
        "interval_start,queue,offered,aht_seconds,agents_required\n"
        "2026-03-02T08:00:00+00:00,sales,5,200,3\n"
    )
    argv = ["simulate", str(requirements), "--seed", "-1", "-o", str(tmp_path / "sim.csv")]
    assert main(argv) == 2
    assert "option --seed" in capsys.readouterr().err
