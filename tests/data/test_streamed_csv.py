"""Results written as they arrive: a streamed forecast file equals the whole-frame write,
and a run that fails part-way leaves no file (and no spill) behind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.data.io import write_csv_atomic
from wfm.data.schemas import History
from wfm.data.streamed import StreamedCsv
from wfm.execution import LocalExecutor
from wfm.forecast import forecast_history
from wfm.forecast.engine import FORECAST_RESULT_COLUMNS


def three_queues() -> History:
    rng = np.random.default_rng(5)
    starts = pd.date_range("2026-01-05 08:00", periods=35 * 24, freq="60min", tz="Europe/London")
    starts = starts[(starts.hour >= 8) & (starts.hour < 18)]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": name,
                    "offered": rng.poisson(10 + 5 * n, len(starts)).astype(float),
                    "aht_seconds": 200.0 + n,
                }
            )
            for n, name in enumerate(["gamma", "alpha", "beta"])
        ],
        ignore_index=True,
    )
    return History(frame, 60, "Europe/London", "synthetic")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_streamed_forecast_file_is_byte_identical_to_the_whole_frame(tmp_path, workers):
    history = three_queues()
    whole = forecast_history(history, horizon_days=3, model="weighted_same_slot", workers=1)
    write_csv_atomic(whole, tmp_path / "whole.csv")
    arrived = []
    with StreamedCsv(tmp_path / "streamed.csv", FORECAST_RESULT_COLUMNS) as sink:

        def write(number, piece):
            arrived.append(number)
            sink.add(number, piece)

        empty = forecast_history(
            history,
            horizon_days=3,
            model="weighted_same_slot",
            executor=LocalExecutor(workers),
            on_queue=write,
        )
    assert empty.empty and sorted(arrived) == [0, 1, 2]
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["streamed.csv", "whole.csv"]


def test_a_failure_part_way_leaves_no_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "forecast.csv"
    target.write_text("old\n")

    def fail_on_second(number, piece):
        if number == 1:
            raise RuntimeError("worker lost")
        sink.add(number, piece)

    with pytest.raises(RuntimeError, match="worker lost"):
        with StreamedCsv(target, FORECAST_RESULT_COLUMNS) as sink:
            forecast_history(
                three_queues(), horizon_days=2, model="weighted_same_slot", on_queue=fail_on_second
            )
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["forecast.csv"]  # no spill, no temporary


def test_executor_results_arrive_through_the_callback_and_are_not_kept():
    seen = {}
    results = LocalExecutor(2).map(pow, [(n, 2) for n in range(5)], on_result=seen.__setitem__)
    assert results == [None] * 5 and seen == {n: n * n for n in range(5)}


def test_a_failure_removes_the_folders_made_for_the_file(tmp_path):
    frame = pd.DataFrame({"queue": ["a"], "offered": [1.0]})
    with pytest.raises(RuntimeError):
        with StreamedCsv(tmp_path / "new" / "deeper" / "out.csv", ["queue", "offered"]) as sink:
            sink.add(0, frame)
            raise RuntimeError("lost")
    assert list(tmp_path.iterdir()) == []


def test_a_joined_file_is_renamed_with_the_other_files_or_not_at_all(tmp_path, monkeypatch):
    """StreamedCsv.join leaves the joined parts beside the target for write_files_atomic,
    which renames it with the other files; a failed rename removes it and restores the old
    files."""
    from wfm.data import io

    frame = pd.DataFrame({"queue": ["a", "b"], "offered": [1.0, 2.0]})
    sink = StreamedCsv(tmp_path / "out.csv", ["queue", "offered"])
    sink.add(1, frame.iloc[1:])
    sink.add(0, frame.iloc[:1])
    prepared = sink.join()
    assert prepared.temporary.parent == tmp_path and prepared.temporary.name.startswith(".")
    io.write_files_atomic({tmp_path / "out.csv": prepared, tmp_path / "note.txt": "one\n"})
    assert (tmp_path / "out.csv").read_text() == io.frame_to_csv_text(frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt", "out.csv"]

    sink = StreamedCsv(tmp_path / "out.csv", ["queue", "offered"])
    sink.add(0, frame.iloc[:1])
    prepared = sink.join()
    real_replace, calls = io.os.replace, []

    def second_rename_fails(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("disk gone")
        real_replace(source, target)

    monkeypatch.setattr(io.os, "replace", second_rename_fails)
    with pytest.raises(OSError, match="disk gone"):
        io.write_files_atomic({tmp_path / "out.csv": prepared, tmp_path / "note.txt": "two\n"})
    monkeypatch.undo()
    sink.abort()
    assert (tmp_path / "out.csv").read_text() == io.frame_to_csv_text(frame)  # the old one
    assert (tmp_path / "note.txt").read_text() == "one\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.txt", "out.csv"]
