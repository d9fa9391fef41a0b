"""Tests for wfm.data.io: column matching, atomic writers, readers of wfm's own files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import wfm.data.io as wio
from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv, to_iso, write_csv_atomic, write_files_atomic
from wfm.data.output_files import read_forecast, read_requirements, read_rota
from wfm.data.schemas import FORECAST_COLUMNS, REQUIREMENTS_COLUMNS, ROTA_COLUMNS
from wfm.errors import InputError

LONDON = "Europe/London"


def listing(folder: Path) -> list[str]:
    """Every file in a folder, hidden ones included (temporary files would show up here)."""
    return sorted(os.listdir(folder))


def forecast_frame(periods: int = 4, timezone: str = LONDON) -> pd.DataFrame:
    starts = pd.date_range("2026-03-28 23:00", periods=periods, freq="15min", tz=timezone)
    return pd.DataFrame(
        {
            "interval_start": starts,
            "queue": "sales",
            "offered": np.linspace(10.5, 20.25, periods),
            "aht_seconds": 240.0,
            "model": "seasonal_naive",
        }
    )


# --- to_iso ---------------------------------------------------------------------------------
def test_to_iso_writes_offsets_with_a_colon():
    stamps = pd.Series(pd.to_datetime(["2026-03-02 08:00", "2026-07-01 08:00"])).dt.tz_localize(
        LONDON
    )
    assert to_iso(stamps).tolist() == ["2026-03-02T08:00:00+00:00", "2026-07-01T08:00:00+01:00"]
    kolkata = stamps.dt.tz_convert("Asia/Kolkata")
    assert to_iso(kolkata).iloc[0] == "2026-03-02T13:30:00+05:30"
    new_york = stamps.dt.tz_convert("America/New_York")
    assert to_iso(new_york).iloc[0] == "2026-03-02T03:00:00-05:00"


def test_to_iso_round_trips_to_the_same_instants():
    stamps = pd.Series(
        pd.date_range("2025-10-25 22:00", periods=20, freq="15min", tz="UTC")
    ).dt.tz_convert(LONDON)
    text = to_iso(stamps)
    assert (pd.to_datetime(text, utc=True) == stamps).all()
    assert text.str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$").all()


def test_to_iso_keeps_index_and_handles_nat_and_fractions():
    stamps = pd.Series(
        [
            pd.Timestamp("2026-03-02 08:00:00.5", tz="UTC"),
            pd.NaT,
            pd.Timestamp("2026-03-02 08:00", tz="UTC"),
        ],
        index=[7, 8, 9],
        dtype="datetime64[ns, UTC]",
    )
    text = to_iso(stamps)
    assert text.index.tolist() == [7, 8, 9]
    assert text.iloc[0] == "2026-03-02T08:00:00.500000+00:00"
    assert text.iloc[1] is None
    assert text.iloc[2] == "2026-03-02T08:00:00.000000+00:00"


def test_to_iso_refuses_naive_timestamps():
    with pytest.raises(ValueError, match="tz-aware"):
        to_iso(pd.Series(pd.to_datetime(["2026-03-02 08:00"])))


# --- atomic writes ----------------------------------------------------------------------------
def test_write_csv_atomic_round_trip(tmp_path):
    frame = forecast_frame()
    path = write_csv_atomic(frame, tmp_path / "out" / "forecast.csv")
    assert listing(tmp_path / "out") == ["forecast.csv"]
    text = path.read_text()
    assert "2026-03-28T23:00:00+00:00" in text
    back = read_forecast(path, LONDON)
    assert (back["interval_start"] == frame["interval_start"]).all()
    assert back["offered"].tolist() == frame["offered"].tolist()
    assert back["model"].tolist() == frame["model"].tolist()


def test_write_csv_atomic_has_ordinary_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = write_csv_atomic(forecast_frame(), tmp_path / "f.csv")
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_write_csv_atomic_failure_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "forecast.csv"
    path.write_text("old content\n")

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(wio.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_csv_atomic(forecast_frame(), path)
    assert path.read_text() == "old content\n"
    assert listing(tmp_path) == ["forecast.csv"]


def test_write_files_atomic_failure_after_first_rename_restores_everything(tmp_path, monkeypatch):
    first, second = tmp_path / "rota.csv", tmp_path / "coverage.csv"
    first.write_text("old rota\n")
    second.write_text("old coverage\n")
    real_replace = os.replace
    calls = []

    def replace_failing_on_second(source, target):
        calls.append(Path(target).name)
        if len(calls) == 2:
            raise OSError("simulated failure")
        real_replace(source, target)

    monkeypatch.setattr(wio.os, "replace", replace_failing_on_second)
    with pytest.raises(OSError, match="simulated"):
        write_files_atomic({first: forecast_frame(), second: "new coverage\n"})
    assert calls[0] == "rota.csv", "the first file was really replaced before the failure"
    assert first.read_text() == "old rota\n"
    assert second.read_text() == "old coverage\n"
    assert listing(tmp_path) == ["coverage.csv", "rota.csv"]


def test_write_files_atomic_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    old = tmp_path / "a.csv"
    old.write_text("old a\n")
    real_fsync = os.fsync
    calls = []

    def fsync_failing_on_second(descriptor):
        calls.append(descriptor)
        if len(calls) == 2:
            raise OSError("I/O error")
        real_fsync(descriptor)

    monkeypatch.setattr(wio.os, "fsync", fsync_failing_on_second)
    with pytest.raises(OSError, match="I/O error"):
        write_files_atomic(
            {old: "new a\n", tmp_path / "b.csv": "new b\n", tmp_path / "c.json": "{}"}
        )
    assert old.read_text() == "old a\n"
    assert listing(tmp_path) == ["a.csv"]


def test_write_files_atomic_new_files_removed_on_failure(tmp_path, monkeypatch):
    real_replace = os.replace
    calls = []

    def replace_failing_on_second(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("simulated failure")
        real_replace(source, target)

    monkeypatch.setattr(wio.os, "replace", replace_failing_on_second)
    with pytest.raises(OSError):
        write_files_atomic({tmp_path / "x.csv": "x\n", tmp_path / "y.csv": "y\n"})
    assert listing(tmp_path) == []


def test_write_files_atomic_rejects_unknown_content_before_writing(tmp_path):
    with pytest.raises(TypeError, match="DataFrame, str or bytes"):
        write_files_atomic({tmp_path / "a.txt": "fine", tmp_path / "b.txt": 42})
    assert listing(tmp_path) == []


def test_write_files_atomic_writes_text_bytes_and_frames(tmp_path):
    written = write_files_atomic(
        {
            tmp_path / "a.txt": "héllo\n",
            tmp_path / "b.bin": b"\x00\x01",
            str(tmp_path / "c.csv"): forecast_frame(2),
        }
    )
    assert [p.name for p in written] == ["a.txt", "b.bin", "c.csv"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "héllo\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "c.csv").read_text().splitlines()[
        0
    ] == "interval_start,queue,offered,aht_seconds,model"


# --- column matching ---------------------------------------------------------------------------
def test_match_columns_mapped_column_wins_over_same_named_one():
    raw = pd.DataFrame({"datetime": ["x"], "interval_start": ["07:00"], "Calls": [3], "other": [1]})
    frame, names = match_columns(
        raw,
        ["interval_start", "offered"],
        source="f.csv",
        column_map={"DateTime": "interval_start", "calls": "offered"},
    )
    assert list(frame.columns) == ["interval_start", "offered"]
    assert frame["interval_start"].tolist() == ["x"]
    assert names == {"interval_start": "datetime", "offered": "Calls"}


def test_match_columns_keep_extra():
    raw = pd.DataFrame({"Queue": ["a"], "model": ["m"]})
    frame, _ = match_columns(raw, ["queue"], source="f.csv", keep_extra=True)
    assert list(frame.columns) == ["queue", "model"]


def test_match_columns_two_columns_with_the_same_name():
    raw = pd.DataFrame([[1, 2]], columns=["Queue", " queue"])
    with pytest.raises(InputError, match="both match"):
        match_columns(raw, ["queue"], source="f.csv")


def test_match_columns_two_columns_mapped_to_one():
    raw = pd.DataFrame([[1, 2]], columns=["a", "b"])
    with pytest.raises(InputError, match="both mapped"):
        match_columns(raw, ["queue"], source="f.csv", column_map={"a": "queue", "b": "queue"})


def test_read_raw_csv_malformed_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(InputError, match="line 3") as caught:
        read_raw_csv(path)
    assert caught.value.fix


def test_read_raw_csv_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("queue,offered\nvente\xe9,1\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_raw_csv(path)


# --- forecast -----------------------------------------------------------------------------------
def test_read_forecast_case_insensitive_and_converted(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text(
        "Interval_Start,QUEUE,Offered,AHT_Seconds\n"
        "2026-07-01T08:00:00+00:00,sales,10.5,200\n"
        "2026-07-01T08:15:00+00:00,sales,11.25,\n"
    )
    frame = read_forecast(path, LONDON)
    assert list(frame.columns) == list(FORECAST_COLUMNS)
    assert str(frame["interval_start"].dt.tz) == LONDON
    assert frame["interval_start"].iloc[0].hour == 9
    assert frame["offered"].tolist() == [10.5, 11.25]
    assert np.isnan(frame["aht_seconds"].iloc[1])


def test_read_forecast_missing_column(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text("interval_start,queue,aht_seconds\n2026-07-01T08:00:00+00:00,sales,200\n")
    with pytest.raises(InputError) as caught:
        read_forecast(path, LONDON)
    assert caught.value.column == "offered"
    assert "'aht_seconds'" in str(caught.value)


def test_read_forecast_negative_offered(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text(
        "interval_start,queue,offered,aht_seconds\n"
        "2026-07-01T08:00:00+00:00,sales,1,200\n"
        "2026-07-01T08:15:00+00:00,sales,-2.5,200\n"
    )
    with pytest.raises(InputError, match="negative") as caught:
        read_forecast(path, LONDON)
    assert caught.value.row == 3 and caught.value.column == "offered" and caught.value.value == -2.5


def test_read_forecast_duplicate(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text(
        "interval_start,queue,offered,aht_seconds\n"
        "2026-07-01T08:00:00+00:00,sales,1,200\n"
        "2026-07-01T08:00:00+00:00,support,1,200\n"
        "2026-07-01T09:00:00+01:00,sales,1,200\n"
    )
    with pytest.raises(InputError, match="line 2") as caught:
        read_forecast(path, LONDON)
    assert caught.value.row == 4


def test_read_forecast_unknown_timezone(tmp_path):
    path = write_csv_atomic(forecast_frame(), tmp_path / "f.csv")
    with pytest.raises(InputError, match="time zone"):
        read_forecast(path, "Mars/Olympus")


# --- requirements ---------------------------------------------------------------------------------
def requirements_frame() -> pd.DataFrame:
    frame = forecast_frame(3).drop(columns="model")
    return frame.assign(
        traffic_erlangs=[2.0, 2.5, 3.0],
        agents_required=[4, 5, 5],
        agents_scheduled_required=[6, 8, 8],
        service_level=[0.85, 0.82, np.nan],
        asa_seconds=[5.0, np.inf, np.nan],
        occupancy=[0.5, 0.5, 0.6],
        binding_target="service_level",
    )


def test_read_requirements_round_trip(tmp_path):
    frame = requirements_frame()
    path = write_csv_atomic(frame, tmp_path / "requirements.csv")
    back = read_requirements(path, LONDON)
    assert list(back.columns)[: len(REQUIREMENTS_COLUMNS)] == list(REQUIREMENTS_COLUMNS)
    assert back["agents_required"].dtype == np.int64
    assert back["agents_scheduled_required"].tolist() == frame["agents_scheduled_required"].tolist()
    assert np.isinf(back["asa_seconds"].iloc[1]) and np.isnan(back["asa_seconds"].iloc[2])
    assert back["binding_target"].tolist() == frame["binding_target"].tolist()


def test_read_requirements_fractional_agents(tmp_path):
    frame = requirements_frame().astype({"agents_required": float})
    frame.loc[1, "agents_required"] = 4.5
    path = write_csv_atomic(frame, tmp_path / "requirements.csv")
    with pytest.raises(InputError, match="whole number") as caught:
        read_requirements(path, LONDON)
    assert caught.value.row == 3 and caught.value.column == "agents_required"


# --- rota ------------------------------------------------------------------------------------------
def rota_frame() -> pd.DataFrame:
    start = pd.Timestamp("2026-03-02 22:00", tz=LONDON)
    minutes = [(0, 180, "work"), (180, 210, "lunch"), (210, 480, "work")]
    return pd.DataFrame(
        {
            "agent_id": "007",
            "date": dt.date(2026, 3, 2),
            "activity": [activity for *_, activity in minutes],
            "start": [start + pd.Timedelta(minutes=a) for a, _, _ in minutes],
            "end": [start + pd.Timedelta(minutes=b) for _, b, _ in minutes],
        }
    )


def test_read_rota_round_trip(tmp_path):
    frame = rota_frame()
    path = write_csv_atomic(frame, tmp_path / "rota.csv")
    back = read_rota(path, LONDON)
    assert list(back.columns) == list(ROTA_COLUMNS)
    assert back["agent_id"].tolist() == ["007"] * 3
    assert back["date"].tolist() == frame["date"].tolist()
    assert (back["start"] == frame["start"]).all() and (back["end"] == frame["end"]).all()


def test_read_rota_unknown_activity(tmp_path):
    frame = rota_frame()
    frame.loc[1, "activity"] = "nap"
    path = write_csv_atomic(frame, tmp_path / "rota.csv")
    with pytest.raises(InputError, match="unknown activity") as caught:
        read_rota(path, LONDON)
    assert caught.value.row == 3 and caught.value.value == "nap" and "lunch" in caught.value.fix


def test_read_rota_end_before_start(tmp_path):
    frame = rota_frame()
    frame.loc[2, "end"] = frame.loc[2, "start"] - pd.Timedelta(minutes=15)
    path = write_csv_atomic(frame, tmp_path / "rota.csv")
    with pytest.raises(InputError, match="not after start") as caught:
        read_rota(path, LONDON)
    assert caught.value.row == 4 and caught.value.column == "end"


def test_read_rota_bad_date(tmp_path):
    path = tmp_path / "rota.csv"
    write_csv_atomic(rota_frame(), path)
    path.write_text(path.read_text().replace("2026-03-02,lunch", "02/03/2026,lunch"))
    with pytest.raises(InputError, match="not a date") as caught:
        read_rota(path, LONDON)
    assert caught.value.row == 3 and caught.value.value == "02/03/2026"
