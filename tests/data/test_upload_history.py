"""Uploaded histories: column guesses from content, queue value, AHT, centre queues."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from wfm.config import load_centre
from wfm.data.contact_ids import id_hashes
from wfm.data.handle_time import AhtAssumption
from wfm.data.upload_history import (
    centre_for_history,
    read_history_upload_with,
    suggest_history_columns,
    timestamp_kind,
)


def test_bank_data_guess_prefers_the_full_timestamp(bank_calls_path):
    sample = pd.read_csv(bank_calls_path, nrows=50, dtype=str)
    guess = suggest_history_columns(sample)
    assert guess["interval_start"] == "datetime"  # not the clock-only interval_start column
    assert guess["offered"] == "calls"
    assert guess["queue"] is None and guess["aht_seconds"] is None
    assert timestamp_kind(sample["interval_start"]) == "clock"
    assert timestamp_kind(sample["date"]) == "date"


def test_bank_upload_with_queue_and_aht(bank_calls_path):
    content = bank_calls_path.read_bytes()
    history = read_history_upload_with(
        content,
        "bank.csv",
        timezone="America/New_York",
        column_map={"datetime": "interval_start", "calls": "offered"},
        queue="retail",
        aht=AhtAssumption(aht_seconds=240),
    )
    assert history.queues == ["retail"] and history.interval_minutes == 5
    assert history.frame["aht_seconds"].eq(240).all()
    raw = pd.read_csv(bank_calls_path)
    assert history.frame["offered"].sum() == raw["calls"].sum()


def test_centre_gains_the_history_queues_and_their_aht(sample_centre_path):
    centre = load_centre(sample_centre_path)
    updated = centre_for_history(
        centre, ["sales", "retail"], AhtAssumption(by_queue={"retail": 300})
    )
    assert [q.name for q in updated.queues] == ["sales", "support", "retail"]
    assert updated.queue("retail").aht_seconds == 300
    assert updated.queue("sales").aht_seconds is None
    assert centre_for_history(centre, ["sales"]) is centre


def test_id_hashes_equal_for_equal_ids_and_distinct_otherwise():
    ids = pa.array(["C1", "C2", "C1", None, "", "c1", "C10", "1C"]).slice(0)
    hashes = id_hashes(ids)
    assert hashes[0] == hashes[2]
    assert hashes[3] == 0 and hashes[4] == 0
    assert len({int(h) for h in hashes[[0, 1, 5, 6, 7]]}) == 5
    many = pa.array([f"C{i:09d}" for i in range(200_000)])
    assert len(np.unique(id_hashes(many))) == 200_000
    # a slice (non-zero offset) hashes like the same values on their own
    assert np.array_equal(
        id_hashes(many.slice(10, 5)), id_hashes(pa.array(many.slice(10, 5).to_pylist()))
    )
