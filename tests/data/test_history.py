"""Tests for wfm.data.history: reading and validating interval history."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from wfm.data.history import (
    MAX_AHT_SECONDS,
    read_history,
    validate_history_frame,
)
from wfm.data.schemas import HISTORY_OPTIONAL, HISTORY_REQUIRED
from wfm.errors import InputError

BANK_MAP = {"datetime": "interval_start", "calls": "offered"}
UTC = dt.UTC


def write(tmp_path: Path, text: str, name: str = "history.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_text(
    rows: list[list[object]], header: str = "interval_start,queue,offered,aht_seconds"
) -> str:
    return header + "\n" + "".join(",".join(str(cell) for cell in row) + "\n" for row in rows)


def quarter_hours(
    count: int, start: str = "2026-03-02T08:00:00+00:00", queue: str = "sales"
) -> list[list[object]]:
    first = pd.Timestamp(start)
    return [
        [(first + pd.Timedelta(minutes=15 * i)).isoformat(), queue, 10 + i, 180 + i]
        for i in range(count)
    ]


def local_to_utc(year, month, day, hour, minute, timezone, fold=0) -> pd.Timestamp:
    """The UTC instant of a local wall-clock time, computed with zoneinfo (independent of pandas)."""
    local = dt.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(timezone), fold=fold)
    return pd.Timestamp(local.astimezone(UTC))


def assert_error(
    error: InputError, *, line: int | None = None, column: str | None = None, value=None
) -> None:
    text = str(error)
    if line is not None:
        assert error.row == line
        assert f"line {line}" in text
    if column is not None:
        assert error.column == column
        assert f"'{column}'" in text
    if value is not None:
        assert repr(value) in text or str(value) in text
    assert error.fix, "every input error proposes a fix"
    assert "Fix:" in text


# --- the real bank file ----------------------------------------------------------------
@pytest.fixture(scope="module")
def bank_rows(bank_calls_path) -> list[dict[str, str]]:
    """The bank file read with the csv module, independently of wfm."""
    with bank_calls_path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_bank_file_reads_with_mapping(bank_calls_path, bank_rows):
    history = read_history(bank_calls_path, column_map=BANK_MAP, timezone="America/New_York")
    frame = history.frame
    assert len(frame) == len(bank_rows) == 27_716
    assert history.interval_minutes == 5
    assert history.timezone == "America/New_York"
    assert (
        frame["interval_start"].dt.date.nunique() == len({row["date"] for row in bank_rows}) == 164
    )
    assert history.queues == ["default"]
    assert frame["aht_seconds"].isna().all(), "no AHT in the file and no default: unknown"
    assert frame["offered"].sum() == sum(int(row["calls"]) for row in bank_rows)
    assert list(frame.columns) == list(HISTORY_REQUIRED)


def test_bank_file_local_times_follow_new_york_daylight_saving(bank_calls_path, bank_rows):
    history = read_history(bank_calls_path, column_map=BANK_MAP, timezone="America/New_York")
    frame = history.frame
    # The file's own clock-time column agrees with the mapped timestamps in local time.
    clock = frame["interval_start"].dt.strftime("%H:%M")
    assert clock.tolist() == [row["interval_start"] for row in bank_rows]
    # Instants: EST before 2003-04-06, EDT after.
    in_utc = frame["interval_start"].dt.tz_convert("UTC")
    first = bank_rows[0]["datetime"]
    assert in_utc.iloc[0] == local_to_utc(
        *map(int, first[:10].split("-")), 7, 0, "America/New_York"
    )
    april = frame["interval_start"].dt.date == dt.date(2003, 4, 8)
    assert in_utc[april].iloc[0] == local_to_utc(2003, 4, 8, 7, 0, "America/New_York")
    assert in_utc[april].iloc[0].hour == in_utc.iloc[0].hour - 1


def test_bank_file_default_aht(bank_calls_path):
    history = read_history(
        bank_calls_path,
        column_map={"DateTime ": "interval_start", "CALLS": "Offered"},
        timezone="America/New_York",
        default_aht_seconds=300,
    )
    assert (history.frame["aht_seconds"] == 300).all()


def test_bank_file_without_timezone_asks_for_one(bank_calls_path):
    with pytest.raises(InputError) as caught:
        read_history(bank_calls_path, column_map=BANK_MAP)
    assert_error(caught.value, line=2, column="datetime")
    assert "--timezone" in str(caught.value)


def test_bank_file_without_mapping_names_the_columns_found(bank_calls_path):
    with pytest.raises(InputError) as caught:
        read_history(bank_calls_path, timezone="America/New_York")
    text = str(caught.value)
    assert "'offered'" in text and "'calls'" in text and "'datetime'" in text
    assert "--map" in text and "column_map" in text


# --- columns ------------------------------------------------------------------------------
def test_column_names_match_ignoring_case_and_spaces(tmp_path):
    rows = quarter_hours(3)
    path = write(tmp_path, csv_text(rows, header=" Interval_Start , QUEUE,Offered ,AHT_Seconds"))
    history = read_history(path)
    assert list(history.frame.columns) == list(HISTORY_REQUIRED)
    assert history.frame["offered"].tolist() == [row[2] for row in rows]


def test_semicolon_delimiter_and_byte_order_mark(tmp_path):
    rows = quarter_hours(3)
    text = "\ufeff" + csv_text(rows).replace(",", ";")
    history = read_history(write(tmp_path, text))
    assert history.frame["aht_seconds"].tolist() == [row[3] for row in rows]


def test_extra_columns_ignored_optional_columns_kept_in_order(tmp_path):
    header = "note,total_handle_seconds,interval_start,handled,queue,offered,aht_seconds,abandoned"
    rows = [["x", 1800, stamp, 9, q, off, aht, 1] for stamp, q, off, aht in quarter_hours(2)]
    history = read_history(write(tmp_path, csv_text(rows, header=header)))
    expected = list(HISTORY_REQUIRED) + [c for c in HISTORY_OPTIONAL if c in header.split(",")]
    assert list(history.frame.columns) == expected


def test_missing_required_column(tmp_path):
    path = write(tmp_path, "interval_start,queue,calls\n2026-03-02T08:00:00+00:00,sales,3\n")
    with pytest.raises(InputError) as caught:
        read_history(path)
    assert caught.value.column == "offered"
    assert "'calls'" in str(caught.value)
    assert str(path) in str(caught.value)


def test_column_map_to_unknown_wfm_column(tmp_path):
    path = write(tmp_path, csv_text(quarter_hours(2)))
    with pytest.raises(InputError, match="interval_begin"):
        read_history(path, column_map={"interval_start": "interval_begin"})


def test_column_map_naming_a_missing_file_column(tmp_path):
    path = write(tmp_path, csv_text(quarter_hours(2)))
    with pytest.raises(InputError) as caught:
        read_history(path, column_map={"calls": "offered"})
    assert caught.value.column == "calls"
    assert "'offered'" in str(caught.value)


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_history(write(tmp_path, ""))


def test_header_only(tmp_path):
    with pytest.raises(InputError, match="no interval rows"):
        read_history(write(tmp_path, "interval_start,queue,offered,aht_seconds\n"))


def test_file_not_found(tmp_path):
    with pytest.raises(InputError, match="not found") as caught:
        read_history(tmp_path / "nope.csv")
    assert "nope.csv" in str(caught.value)


# --- values -------------------------------------------------------------------------------
def test_unparseable_timestamp(tmp_path):
    rows = quarter_hours(4)
    rows[2][0] = "2026-03-02T08:3O:00+00:00"
    with pytest.raises(InputError) as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=4, column="interval_start", value=rows[2][0])


def test_empty_timestamp(tmp_path):
    rows = quarter_hours(4)
    rows[1][0] = ""
    with pytest.raises(InputError, match="empty") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=3, column="interval_start")


def test_non_numeric_count(tmp_path):
    rows = quarter_hours(5)
    rows[3][2] = "12 calls"
    with pytest.raises(InputError, match="not a number") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=5, column="offered", value="12 calls")


@pytest.mark.parametrize(
    "column",
    ["offered", "handled", "abandoned", "answered_within_threshold", "abandoned_within_threshold"],
)
def test_negative_count(tmp_path, column):
    header = "interval_start,queue,offered,aht_seconds,handled,abandoned,answered_within_threshold,abandoned_within_threshold"
    rows = [row + [5, 1, 4, 0] for row in quarter_hours(4)]
    position = header.split(",").index(column)
    rows[2][position] = -3
    with pytest.raises(InputError, match="negative") as caught:
        read_history(write(tmp_path, csv_text(rows, header=header)))
    assert_error(caught.value, line=4, column=column, value=-3)


def test_empty_offered_is_an_error(tmp_path):
    rows = quarter_hours(3)
    rows[1][2] = ""
    with pytest.raises(InputError, match="empty") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=3, column="offered")


def test_empty_aht_is_unknown(tmp_path):
    rows = quarter_hours(3)
    rows[1][3] = ""
    history = read_history(write(tmp_path, csv_text(rows)))
    assert np.isnan(history.frame["aht_seconds"].iloc[1])
    assert history.frame["aht_seconds"].notna().sum() == 2


def test_negative_aht(tmp_path):
    rows = quarter_hours(3)
    rows[2][3] = -120
    with pytest.raises(InputError, match="negative") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=4, column="aht_seconds", value=-120)


def test_absurd_aht(tmp_path):
    rows = quarter_hours(3)
    rows[0][3] = MAX_AHT_SECONDS * 50
    with pytest.raises(InputError, match="implausibly long") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=2, column="aht_seconds")


def test_aht_in_minutes(tmp_path):
    rows = quarter_hours(4)
    for row, minutes in zip(rows, [3.5, 4.0, 2.25, 5.0], strict=True):
        row[3] = minutes
    with pytest.raises(InputError, match="minutes") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert caught.value.column == "aht_seconds"
    assert "60" in caught.value.fix


def test_default_aht_in_minutes_is_rejected(tmp_path):
    with pytest.raises(InputError, match="minutes"):
        read_history(
            write(
                tmp_path,
                csv_text([r[:3] for r in quarter_hours(3)], header="interval_start,queue,offered"),
            ),
            default_aht_seconds=5,
        )


def test_queue_names_are_kept_as_text(tmp_path):
    rows = quarter_hours(2, queue="007") + quarter_hours(2, queue="NA")
    history = read_history(write(tmp_path, csv_text(rows)))
    assert history.queues == ["007", "NA"]


def test_empty_queue(tmp_path):
    rows = quarter_hours(3)
    rows[2][1] = ""
    with pytest.raises(InputError, match="queue is empty") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert_error(caught.value, line=4, column="queue")


def test_missing_queue_column_uses_default_queue(tmp_path):
    rows = [row[:1] + row[2:] for row in quarter_hours(3)]
    path = write(tmp_path, csv_text(rows, header="interval_start,offered,aht_seconds"))
    assert read_history(path).queues == ["default"]
    assert read_history(path, default_queue="inbound").queues == ["inbound"]


# --- handle time --------------------------------------------------------------------------
def test_aht_derived_from_total_handle_seconds(tmp_path):
    header = "interval_start,queue,offered,handled,total_handle_seconds"
    handled = [10, 0, 4]
    totals = [1800, 0, 1000]
    rows = [
        [stamp, q, off, h, t]
        for (stamp, q, off, _), h, t in zip(quarter_hours(3), handled, totals, strict=True)
    ]
    history = read_history(write(tmp_path, csv_text(rows, header=header)))
    aht = history.frame["aht_seconds"].to_numpy()
    assert aht[0] == pytest.approx(totals[0] / handled[0])
    assert np.isnan(aht[1]), "nothing handled: AHT unknown, not zero"
    assert aht[2] == pytest.approx(totals[2] / handled[2])
    assert history.frame["total_handle_seconds"].tolist() == totals


def test_aht_column_wins_over_totals(tmp_path):
    header = "interval_start,queue,offered,aht_seconds,handled,total_handle_seconds"
    rows = [row + [10, 5000] for row in quarter_hours(2)]
    history = read_history(write(tmp_path, csv_text(rows, header=header)))
    assert history.frame["aht_seconds"].tolist() == [row[3] for row in rows]


def test_no_aht_stays_unknown_and_is_noted_without_a_warning(tmp_path, caplog):
    # The AHT may still be given after reading (--aht-seconds, per queue, a profile, the
    # centre): reading notes it at INFO and whoever still lacks it asks (issue 14).
    rows = [row[:3] for row in quarter_hours(3)]
    with caplog.at_level(logging.INFO, logger="wfm.data.history"):
        history = read_history(
            write(tmp_path, csv_text(rows, header="interval_start,queue,offered"))
        )
    assert history.frame["aht_seconds"].isna().all()
    noted = [r for r in caplog.records if "aht_seconds" in r.getMessage()]
    assert noted and all(r.levelno == logging.INFO for r in noted)
    assert "--aht-seconds" not in caplog.text


def test_invalid_default_aht(tmp_path):
    rows = [row[:3] for row in quarter_hours(3)]
    with pytest.raises(InputError, match="default"):
        read_history(
            write(tmp_path, csv_text(rows, header="interval_start,queue,offered")),
            default_aht_seconds=-1,
        )


# --- time ---------------------------------------------------------------------------------
def test_one_offset_without_timezone_is_the_fixed_offset(tmp_path):
    # issue 14: every timestamp carries +01:00 and no zone is given -> that fixed offset
    rows = quarter_hours(3, start="2026-07-01T09:00:00+01:00")
    history = read_history(write(tmp_path, csv_text(rows)))
    assert history.timezone == "Etc/GMT-1"  # IANA's name for UTC+01:00
    first = history.frame["interval_start"].iloc[0]
    assert first == pd.Timestamp("2026-07-01T08:00:00Z") and (first.hour, first.minute) == (9, 0)


def test_several_offsets_without_timezone_stay_utc(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "interval_start,queue,offered,aht_seconds\n"
        "2026-03-28T09:00:00+00:00,q,1,100\n2026-03-30T09:00:00+01:00,q,1,100\n"
    )
    history = read_history(path, interval_minutes=15)
    assert history.timezone == "UTC"
    assert history.frame["interval_start"].iloc[1] == pd.Timestamp("2026-03-30T08:00:00Z")


def test_offsets_converted_to_timezone(tmp_path):
    rows = quarter_hours(3, start="2026-07-01T08:00:00Z")
    history = read_history(write(tmp_path, csv_text(rows)), timezone="Europe/London")
    assert history.timezone == "Europe/London"
    first = history.frame["interval_start"].iloc[0]
    assert (first.hour, first.minute) == (9, 0)
    assert first == pd.Timestamp("2026-07-01T08:00:00Z")


def test_naive_times_need_a_timezone(tmp_path):
    path = write(
        tmp_path,
        csv_text([["2026-03-02 08:00", "sales", 1, 200], ["2026-03-02 08:15", "sales", 1, 200]]),
    )
    with pytest.raises(InputError) as caught:
        read_history(path)
    assert "--timezone" in str(caught.value)


def test_unknown_timezone(tmp_path):
    path = write(tmp_path, csv_text(quarter_hours(2)))
    with pytest.raises(InputError, match="time zone"):
        read_history(path, timezone="Europe/Londn")


def test_mixed_offsets_and_naive(tmp_path):
    rows = quarter_hours(3)
    rows[1][0] = "2026-03-02 08:15"
    with pytest.raises(InputError, match="mixes") as caught:
        read_history(write(tmp_path, csv_text(rows)), timezone="Europe/London")
    assert_error(caught.value, line=3, column="interval_start")


def test_spring_forward_day_in_london(tmp_path):
    # 2025-03-30: local clocks jump from 01:00 to 02:00 in Europe/London.
    local = [(0, 0), (0, 30), (2, 0), (2, 30), (3, 0)]
    rows = [[f"2025-03-30 {h:02d}:{m:02d}", "sales", 5, 200] for h, m in local]
    history = read_history(write(tmp_path, csv_text(rows)), timezone="Europe/London")
    got = history.frame["interval_start"].dt.tz_convert("UTC").tolist()
    assert got == [local_to_utc(2025, 3, 30, h, m, "Europe/London") for h, m in local]
    # 00:30 local and 02:00 local are 30 minutes apart in real time.
    assert got[2] - got[1] == pd.Timedelta(minutes=30)
    assert history.interval_minutes == 30


def test_nonexistent_local_time_is_an_error(tmp_path):
    rows = [
        [f"2025-03-30 {clock}", "sales", 5, 200] for clock in ("00:00", "00:30", "01:30", "02:00")
    ]
    with pytest.raises(InputError, match="does not exist") as caught:
        read_history(write(tmp_path, csv_text(rows)), timezone="Europe/London")
    assert_error(caught.value, line=4, column="interval_start", value="2025-03-30 01:30")
    assert "Europe/London" in str(caught.value)


def test_fall_back_day_repeated_hour_per_queue(tmp_path):
    # 2025-10-26: local 01:00-01:59 happens twice in Europe/London. Two queues interleaved;
    # offered numbers the rows so that we can see which row got which instant.
    clocks = ["00:30", "01:00", "01:30", "01:00", "01:30", "02:00"]
    folds = [0, 0, 0, 1, 1, 0]  # first 01:00 is summer time (fold 0), the repeat winter time
    rows = []
    for position, clock in enumerate(clocks):
        for queue in ("sales", "support"):
            rows.append([f"2025-10-26 {clock}", queue, position, 200])
    history = read_history(write(tmp_path, csv_text(rows)), timezone="Europe/London")
    for queue in ("sales", "support"):
        got = history.frame.loc[history.frame["queue"] == queue]
        instants = got["interval_start"].dt.tz_convert("UTC").tolist()
        for instant, position in zip(instants, got["offered"].astype(int), strict=True):
            clock, fold = clocks[position], folds[position]
            assert instant == local_to_utc(
                2025, 10, 26, int(clock[:2]), int(clock[3:]), "Europe/London", fold=fold
            )
        assert len(set(instants)) == len(clocks)
    assert history.interval_minutes == 30


def test_duplicate_interval_names_both_lines(tmp_path):
    rows = quarter_hours(5)
    rows.append(list(rows[1]))
    with pytest.raises(InputError, match="repeats") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert caught.value.row == 7
    assert "line 3" in str(caught.value)


def test_duplicate_is_reported_before_the_interval_length(tmp_path):
    # Two identical rows: one distinct timestamp, so the length cannot be inferred either;
    # the repeat is the more useful message.
    rows = quarter_hours(1) * 2
    with pytest.raises(InputError, match="repeats") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert caught.value.row == 3 and "line 2" in str(caught.value)


def test_same_instant_with_different_offsets_is_a_duplicate(tmp_path):
    rows = quarter_hours(3)
    rows.append(["2026-03-02T09:00:00+01:00", "sales", 1, 100])  # = 08:00 UTC, line 2
    with pytest.raises(InputError, match="repeats") as caught:
        read_history(write(tmp_path, csv_text(rows)))
    assert caught.value.row == 5 and "line 2" in str(caught.value)


def test_same_interval_in_two_queues_is_fine(tmp_path):
    rows = quarter_hours(3, queue="a") + quarter_hours(3, queue="b")
    assert len(read_history(write(tmp_path, csv_text(rows))).frame) == 6


def test_off_grid_timestamp_is_named(tmp_path):
    rows = quarter_hours(8)
    rows[4][0] = "2026-03-02T09:07:00+00:00"
    path = write(tmp_path, csv_text(rows))
    with pytest.raises(InputError, match="grid") as caught:
        read_history(path)
    assert_error(caught.value, line=6, column="interval_start", value=rows[4][0])
    with pytest.raises(InputError, match="15-minute grid") as caught:
        read_history(path, interval_minutes=15)
    assert caught.value.row == 6


def test_a_finer_export_than_the_planning_interval_is_named_as_such(tmp_path):
    # The US bank's 5-minute file read for a 15-minute centre: the fix named only
    # --interval-minutes, which `wfm plan --centre` does not have.
    rows = [
        [f"2026-03-02T{9 + k // 12:02d}:{5 * (k % 12):02d}:00+00:00", "sales", 3, 200]
        for k in range(24)
    ]
    path = write(tmp_path, csv_text(rows))
    with pytest.raises(InputError, match="15-minute grid") as caught:
        read_history(path, interval_minutes=15)
    fix = caught.value.fix
    assert "the file has 5-minute intervals" in fix and "interval_minutes = 5" in fix
    assert "export the history in 15-minute intervals" in fix
    with pytest.raises(InputError, match="60-minute grid") as caught:
        read_history(path, interval_minutes=60)
    assert "the file has 5-minute intervals" in caught.value.fix
    # one stray row in a quarter-hour file is not a finer export
    stray = quarter_hours(8)
    stray[4][0] = "2026-03-02T09:05:00+00:00"
    with pytest.raises(InputError, match="15-minute grid") as caught:
        read_history(write(tmp_path, csv_text(stray)), interval_minutes=15)
    assert "the file has" not in caught.value.fix


def test_grid_is_checked_in_local_time(tmp_path):
    # 08:00 in Kolkata is 02:30 UTC: on the hourly grid locally, not in UTC.
    rows = [[f"2026-03-02T{h:02d}:30:00+00:00", "sales", 1, 200] for h in (2, 3, 4)]
    path = write(tmp_path, csv_text(rows))
    history = read_history(path, timezone="Asia/Kolkata", interval_minutes=60)
    assert history.frame["interval_start"].dt.minute.tolist() == [0, 0, 0]
    with pytest.raises(InputError, match="grid"):
        read_history(path, interval_minutes=60)


def test_unsupported_interval_length(tmp_path):
    with pytest.raises(InputError, match="not supported"):
        read_history(write(tmp_path, csv_text(quarter_hours(3))), interval_minutes=7)


def test_interval_inferred_across_gaps(tmp_path):
    rows = quarter_hours(3) + quarter_hours(3, start="2026-03-03T08:00:00+00:00")
    assert read_history(write(tmp_path, csv_text(rows))).interval_minutes == 15


# --- the result -----------------------------------------------------------------------------
def test_result_sorted_by_queue_then_time_with_fresh_index(tmp_path):
    rows = quarter_hours(3, queue="support")[::-1] + quarter_hours(3, queue="sales")
    history = read_history(write(tmp_path, csv_text(rows)))
    frame = history.frame
    assert frame.index.tolist() == list(range(6))
    assert frame["queue"].tolist() == ["sales"] * 3 + ["support"] * 3
    for _, group in frame.groupby("queue"):
        assert group["interval_start"].is_monotonic_increasing
    assert frame["offered"].dtype == np.float64
    assert frame["aht_seconds"].dtype == np.float64
    assert isinstance(frame["interval_start"].dtype, pd.DatetimeTZDtype)


def test_validate_frame_does_not_modify_input_and_accepts_datetimes():
    stamps = pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="Europe/London")
    raw = pd.DataFrame(
        {"Interval_Start": stamps, "Queue": "sales", "Offered": [1, 2, 3, 4], "AHT_seconds": 200.0}
    )
    before = raw.copy()
    history = validate_history_frame(raw, source="upload.csv")
    pd.testing.assert_frame_equal(raw, before)
    assert history.interval_minutes == 30
    assert history.timezone == "UTC"
    assert (history.frame["interval_start"] == stamps).all()
    naive = raw.assign(Interval_Start=stamps.tz_localize(None))
    localised = validate_history_frame(naive, source="upload.csv", timezone="Europe/London")
    assert (localised.frame["interval_start"] == stamps).all()


def test_validate_frame_reports_lines_by_position():
    raw = pd.DataFrame(
        {
            "interval_start": ["2026-03-02T08:00:00Z", "2026-03-02T08:15:00Z"],
            "offered": [1, -1],
            "aht_seconds": [1, 200],
        },
        index=[10, 20],
    )
    with pytest.raises(InputError) as caught:
        validate_history_frame(raw, source="upload.csv")
    assert_error(caught.value, line=3, column="offered", value=-1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_check_unique_names_the_first_repeat_like_pandas(seed):
    # check_unique sorts integer codes instead of hashing rows (memory, issue 15): the line it
    # names must be the first repeated row in file order, as pandas' duplicated finds it.
    from wfm.data.parsing import check_unique

    rng = np.random.default_rng(seed)
    n = 500
    frame = pd.DataFrame(
        {
            "interval_start": pd.Timestamp("2026-03-02", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 400, n) * 15, unit="min"),
            "queue": rng.choice(["a", "b", "c"], n),
        }
    )
    expected = int(np.argmax(frame.duplicated(keep="first").to_numpy()))
    first = int(
        np.argmax(
            (frame["interval_start"] == frame["interval_start"].iloc[expected])
            & (frame["queue"] == frame["queue"].iloc[expected])
        )
    )
    with pytest.raises(InputError) as error:
        check_unique(frame, ["interval_start", "queue"], source="h.csv")
    assert error.value.row == expected + 2
    assert f"of line {first + 2}" in str(error.value)
    unique = frame.drop_duplicates()
    check_unique(unique.reset_index(drop=True), ["interval_start", "queue"], source="h.csv")
