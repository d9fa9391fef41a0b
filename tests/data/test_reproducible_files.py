"""Reproducible output files: SOURCE_DATE_EPOCH, else a time the inputs fix, never the clock."""

import hashlib
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from wfm.data.reproducible_files import (
    SOURCE_DATE_EPOCH,
    ZIP_EPOCH,
    creation_time,
    first_day,
    workbook_bytes,
)
from wfm.errors import InputError

MONDAY = pd.Timestamp("2026-11-16", tz="UTC")


def zip_times(data: bytes) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {entry.date_time for entry in archive.infolist()}


def a_workbook(write_only: bool):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("Rota") if write_only else book.active
    sheet.append(["agent_id", "paid_hours"])
    sheet.append(["A001", 7.5])
    return book


@pytest.mark.parametrize("write_only", [True, False])
def test_a_workbook_carries_the_time_given_and_no_clock(write_only, monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    data = workbook_bytes(a_workbook(write_only), MONDAY)
    assert zip_times(data) == {(2026, 11, 16, 0, 0, 0)}
    properties = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert properties.created == properties.modified == MONDAY.tz_localize(None).to_pydatetime()
    again = workbook_bytes(a_workbook(write_only), MONDAY)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(data).hexdigest()


def test_source_date_epoch_wins_over_the_inputs(monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, "1700000000")  # 2023-11-14 22:13:20 UTC
    assert creation_time(MONDAY) == pd.Timestamp("2023-11-14 22:13:20", tz="UTC")
    data = workbook_bytes(a_workbook(True), creation_time(MONDAY))
    assert zip_times(data) == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.parametrize("value", ["soon", "-5", "1.5", "", "²"])
def test_a_malformed_source_date_epoch_is_named(value, monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_EPOCH, value)
    with pytest.raises(InputError, match=SOURCE_DATE_EPOCH) as raised:
        creation_time(MONDAY)
    assert raised.value.value == value and "unset" in raised.value.fix


def test_without_inputs_or_epoch_the_time_is_the_zip_epoch(monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_EPOCH, raising=False)
    assert creation_time(None) == ZIP_EPOCH
    assert first_day(pd.Series([], dtype="datetime64[ns, UTC]")) is None
    # a zip entry cannot be older than 1980: 1970 is written as 1980-01-01
    assert zip_times(workbook_bytes(a_workbook(True), pd.Timestamp(0, tz="UTC"))) == {
        (1980, 1, 1, 0, 0, 0)
    }


def test_the_first_day_is_the_local_date_of_the_earliest_time():
    # 2026-11-16 08:00 in Auckland (UTC+13) is 2026-11-15 19:00 UTC: the local date counts
    starts = pd.Series(pd.to_datetime(["2026-11-16 09:00", "2026-11-16 08:00"]))
    assert first_day(starts.dt.tz_localize("Pacific/Auckland")) == MONDAY
