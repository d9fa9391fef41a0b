"""capacity.xlsx is the same bytes for the same plan: its creation time is SOURCE_DATE_EPOCH,
else midnight UTC of the first week planned, never the clock."""

import hashlib
import io
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.reproducible_files import SOURCE_DATE_EPOCH

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def capacity(out: Path) -> bytes:
    argv = ["capacity", "--centre", str(SAMPLE / "centre.toml"), "--months", "1", "-q"]
    assert main([*argv, "-o", str(out)]) == 0
    return (out / "capacity.xlsx").read_bytes()


def test_the_workbook_carries_the_first_week_not_the_clock(tmp_path, monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    workbook = capacity(tmp_path)
    week = pd.Timestamp(pd.read_csv(tmp_path / "weekly.csv")["week_start"].min())
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {
            (week.year, week.month, week.day, 0, 0, 0)
        }
    properties = openpyxl.load_workbook(io.BytesIO(workbook)).properties
    assert properties.created == properties.modified == week.to_pydatetime()


@pytest.mark.slow
def test_two_runs_write_the_same_workbook(tmp_path, monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    first = capacity(tmp_path / "one")
    second = capacity(tmp_path / "two")
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_a_malformed_source_date_epoch_stops_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "yesterday")
    argv = ["capacity", "--centre", str(SAMPLE / "centre.toml"), "--months", "1", "-q"]
    assert main([*argv, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "environment variable SOURCE_DATE_EPOCH" in err and "'yesterday'" in err
    assert not (tmp_path / "out" / "capacity.xlsx").exists()
