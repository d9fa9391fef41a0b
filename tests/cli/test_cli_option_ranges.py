"""Every numeric option of every command: a value out of its range stops before any work with
a message that names the option, the value and the fix (wfm.cli.common.option_ranges).

Walks the real parser, so a numeric option added without a range fails here. Found by a sweep
of all 78 numeric options with -5 and 0: the library's own checks named a quantity
("patience_seconds must be more than 0", "column 'origins'") instead of the option, and
``--short-abandon-seconds -5``, ``--chat-slowdown -5``, ``--workers -5``, ``--aht-seconds 0``
were accepted; ``simulate --seed -5`` was an internal error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from wfm.cli import build_parser, main
from wfm.cli.common import number, option_ranges, whole_number
from wfm.limits import MAX_OPTION_MAGNITUDE

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
BANK_MAP = ["--map", "datetime=interval_start", "--map", "calls=offered"]


def numeric_options(parser=None, prefix=()):
    """(command words, action) of every numeric option, sub-commands included."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from numeric_options(sub, (*prefix, name))
        elif action.type in (number, whole_number):
            yield prefix, action, parser


def required_arguments(parser: argparse.ArgumentParser, tmp_path: Path) -> list[str]:
    """Stand-ins for a command's required arguments: paths that do not exist (nothing may be
    read before the options are checked)."""
    argv: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or not (
            action.required or not action.option_strings
        ):
            continue
        if action.option_strings:
            argv.append(action.option_strings[-1])
        if action.type in (number, whole_number):
            argv.append(option_ranges()[action.dest].example)
        else:
            argv.append(str(tmp_path / "missing" / action.dest))
    return argv


def outside(action) -> list[float]:
    """Values just outside the option's range (beyond 1e9 argparse's type refuses any option)."""
    allowed = option_ranges()[action.dest]
    values = []
    if allowed.lowest is not None:
        values.append(allowed.lowest - 1 if allowed.lowest_ok else allowed.lowest)
    if allowed.highest is not None:
        values.append(allowed.highest + 1 if allowed.highest_ok else allowed.highest)
    values = [v for v in values if abs(v) <= MAX_OPTION_MAGNITUDE]
    return [int(v) if action.type is whole_number else float(v) for v in values]


OPTIONS = [
    pytest.param(prefix, action, parser, id=" ".join(prefix) + " " + action.option_strings[-1])
    for prefix, action, parser in numeric_options()
    if action.dest != "interval_minutes"  # its own check: the lengths that divide a day
]


def test_every_numeric_option_has_a_range_its_default_is_in():
    missing = sorted(
        {a.option_strings[-1] for _, a, _ in numeric_options() if a.dest not in option_ranges()}
        - {"--interval-minutes"}
    )
    assert missing == []
    for dest, allowed in option_ranges().items():
        assert allowed.contains(float(allowed.example)), dest  # the fix's example is valid
    for prefix, action, _ in numeric_options():
        defaults = action.default if isinstance(action.default, list) else [action.default]
        for default in defaults:
            if default is not None and action.dest in option_ranges():
                assert option_ranges()[action.dest].contains(default), (prefix, action.dest)


@pytest.mark.parametrize(("prefix", "action", "parser"), OPTIONS)
def test_a_value_out_of_range_names_the_option_value_and_fix(
    prefix, action, parser, tmp_path, capsys
):
    option = action.option_strings[-1]
    for value in outside(action):
        argv = [*prefix, *required_arguments(parser, tmp_path), option, str(value)]
        code = main(argv)
        err = capsys.readouterr().err
        assert code == 2, (argv, err)
        assert f"option {option}:" in err, err
        assert f"(value: {value!r})" in err, err
        assert "Fix: give " in err and "Traceback" not in err
        assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", ["forecast", "init"])
@pytest.mark.parametrize("value", ["-5", "0", "nan", "sales=99999"])
def test_aht_seconds_names_the_option_not_a_column(command, value, tmp_path, capsys):
    history = ["--history", str(SAMPLE / "history.csv")] if command == "init" else []
    argv = [command, *history] if history else [command, str(SAMPLE / "history.csv")]
    argv += ["--timezone", "Europe/London", "--aht-seconds", value, "-o", str(tmp_path / "o")]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert "option --aht-seconds:" in err and f"(value: '{value}')" in err
    assert "column" not in err
    assert "Fix: give the average handle time in seconds, from 1 to 14400" in err
    assert not (tmp_path / "o").exists()


def test_bank_forecast_with_negative_aht_says_the_option(tmp_path, capsys):
    """The walk of the brief: the real US bank file, --aht-seconds -5."""
    bank = Path("/work/shared/data/us_bank_calls_5min_2003.csv")
    if not bank.exists():
        pytest.skip("the US bank file is not on this machine")
    argv = ["forecast", str(bank), *BANK_MAP, "--timezone", "America/New_York"]
    code = main([*argv, "--aht-seconds", "-5", "-o", str(tmp_path / "f.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().startswith("wfm forecast: error: option --aht-seconds:")
    assert "(value: '-5')" in err and "e.g. --aht-seconds 300" in err


def test_a_scenario_out_of_range_names_the_option(tmp_path, capsys):
    from wfm.cli.whatif import parse_scenario
    from wfm.errors import InputError

    with pytest.raises(InputError) as caught:
        parse_scenario("crash=volume:-2")
    assert caught.value.option == "--scenario" and caught.value.value == "crash=volume:-2"
    assert "relative changes above -1" in caught.value.fix


@pytest.mark.parametrize("text", ["training=-0.5", "training=1", "training=nan", "training"])
def test_a_shrinkage_component_out_of_range_names_the_option(text):
    from wfm.errors import InputError
    from wfm.staffing.shrinkage import parse_components

    with pytest.raises(InputError) as caught:
        parse_components([text])
    assert caught.value.option == "--shrinkage-component" and caught.value.value == text
    assert "--shrinkage-component holidays=0.1" in caught.value.fix
