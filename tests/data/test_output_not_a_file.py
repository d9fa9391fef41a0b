"""Outputs never replace a device, pipe or socket: found by the hostile-input sweep, where
`-o /dev/full` run as root left a regular file in place of the device (wfm writes a new file
and renames it over the target). A named pipe stands in for a device here: it is not a
regular file either, and any user can make one."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from wfm.data.io import write_csv_atomic, write_files_atomic
from wfm.data.output_paths import check_output_file
from wfm.errors import InputError


@pytest.fixture
def pipe(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


def still_a_pipe(path) -> bool:
    return stat.S_ISFIFO(os.stat(path).st_mode)


def test_check_names_the_option_and_the_path(pipe):
    with pytest.raises(InputError, match="device, pipe or socket") as caught:
        check_output_file(pipe, option="--events-out")
    assert caught.value.option == "--events-out" and caught.value.source == str(pipe)


def test_the_writers_refuse_and_leave_the_pipe_and_the_folder_as_they_were(pipe):
    before = sorted(pipe.parent.iterdir())
    with pytest.raises(InputError, match="device, pipe or socket"):
        write_csv_atomic(pd.DataFrame({"a": [1]}), pipe)
    with pytest.raises(InputError, match="device, pipe or socket"):
        write_files_atomic({pipe.parent / "ok.csv": "a\n1\n", pipe: "a\n1\n"})
    assert still_a_pipe(pipe)
    assert sorted(pipe.parent.iterdir()) == before  # no ok.csv, no temporary file


def test_a_cli_output_into_a_pipe_is_exit_2(pipe, tmp_path, capsys):
    from wfm.cli import main

    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "interval_start,queue,offered,aht_seconds\n2026-03-02T08:00:00+00:00,sales,5,200\n"
    )
    assert main(["staff", str(forecast), "--interval-minutes", "15", "-o", str(pipe)]) == 2
    assert "option -o: the output path is a device" in capsys.readouterr().err
    assert still_a_pipe(pipe)
