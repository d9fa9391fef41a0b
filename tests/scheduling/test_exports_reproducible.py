"""The rota's .xlsx and .ics exports are the same bytes for the same rota: their creation
time is SOURCE_DATE_EPOCH, else midnight UTC of the rota's first day, never the clock."""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.output_files import read_rota
from wfm.data.reproducible_files import SOURCE_DATE_EPOCH
from wfm.plan.chain import load_agents
from wfm.scheduling.exports import rota_export_files

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    centre = load_centre(SAMPLE / "centre.toml")
    rota = read_rota(SAMPLE / "published_rota.csv", centre.timezone)
    three = sorted(rota["agent_id"].unique())[:3]  # enough for a workbook and calendars
    return load_agents(centre), rota[rota["agent_id"].isin(three)]


def digests(files) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()
        for path, data in files.items()
    }


def stamps(files) -> set[str]:
    return {
        stamp
        for path, text in files.items()
        if path.suffix == ".ics"
        for stamp in re.findall(r"DTSTAMP:(\S+)", text)
    }


def test_two_exports_of_one_rota_are_identical(sample, tmp_path, monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    agents, rota = sample
    first = rota_export_files(rota, agents, tmp_path)
    assert digests(rota_export_files(rota, agents, tmp_path)) == digests(first)
    # the time written is the rota's first local day, not the clock's
    day = rota["start"].min().date()
    assert stamps(first) == {f"{day:%Y%m%d}T000000Z"}
    workbook = first[tmp_path / "rota.xlsx"]
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {
            (day.year, day.month, day.day, 0, 0, 0)
        }
    properties = openpyxl.load_workbook(io.BytesIO(workbook)).properties
    assert properties.created == properties.modified == pd.Timestamp(day).to_pydatetime()


def test_source_date_epoch_sets_every_creation_time(sample, tmp_path, monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1700000000")  # 2023-11-14 22:13:20 UTC
    agents, rota = sample
    files = rota_export_files(rota, agents, tmp_path)
    assert stamps(files) == {"20231114T221320Z"}
    with zipfile.ZipFile(io.BytesIO(files[tmp_path / "rota.xlsx"])) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
