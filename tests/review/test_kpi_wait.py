"""ASA from answer-wait totals: the history reader keeps ``total_wait_seconds`` and the KPI
review turns it into ASA = Σ waits of answered contacts / Σ answered (DOMAIN.md: ASA is the
mean wait of answered contacts)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.data.history import read_history, validate_history_frame
from wfm.errors import InputError
from wfm.plan.workspace import Workspace
from wfm.review.kpi import review_kpis

HEADER = "interval_start,queue,offered,aht_seconds,handled,abandoned,answered_within_threshold,total_wait_seconds\n"
# Day 1: 8 + 27 answered, waits 80 s and 270 s; day 2: 20 answered, 600 s of waiting.
ROWS = (
    "2026-11-09T08:00:00+00:00,sales,10,100,8,2,8,80\n"
    "2026-11-09T08:15:00+00:00,sales,30,200,27,3,18,270\n"
    "2026-11-10T08:00:00+00:00,sales,20,300,20,0,10,600\n"
)


def write(tmp_path, text: str, name: str = "history.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_keeps_the_wait_totals_as_seconds(tmp_path):
    history = read_history(write(tmp_path, HEADER + ROWS), timezone="Europe/London")
    assert "total_wait_seconds" in history.frame
    assert history.frame["total_wait_seconds"].dtype == np.float64
    assert history.frame["total_wait_seconds"].tolist() == [80.0, 270.0, 600.0]


def test_asa_is_total_wait_over_answered_per_day_and_period(tmp_path):
    history = read_history(write(tmp_path, HEADER + ROWS), timezone="Europe/London")
    review = review_kpis(history.frame, history.interval_minutes, "answered_only")
    by_day = review.by_day.set_index("date")["asa_seconds"]
    assert by_day.iloc[0] == pytest.approx(350 / 35)  # 10 s
    assert by_day.iloc[1] == pytest.approx(600 / 20)  # 30 s
    total = review.by_queue.set_index("queue").loc["all"]
    # (80 + 270 + 600) / 55 = 17.27 s; the mean of the interval ASAs would be (10 + 10 + 30) / 3 = 16.67 s.
    assert total["asa_seconds"] == pytest.approx(950 / 55)
    assert total["asa_seconds"] != pytest.approx(50 / 3)
    assert not any("ASA" in note for note in review.notes)


def test_asa_matches_the_mean_wait_of_simulated_answered_calls():
    rng = np.random.default_rng(7)
    starts = pd.date_range("2026-11-09 08:00", periods=8, freq="15min", tz="Europe/London")
    calls = pd.DataFrame(
        {"interval": rng.integers(0, len(starts), 500), "wait": rng.exponential(25.0, 500)}
    )
    per_interval = calls.groupby("interval").agg(
        handled=("wait", "size"), total_wait_seconds=("wait", "sum")
    )
    per_interval = per_interval.reindex(range(len(starts)), fill_value=0)
    frame = pd.DataFrame(
        {
            "interval_start": starts.astype(str),
            "queue": "support",
            "offered": per_interval["handled"].to_numpy(),
            "aht_seconds": 240.0,
            "handled": per_interval["handled"].to_numpy(),
            "answered_within_threshold": per_interval["handled"].to_numpy(),
            "total_wait_seconds": per_interval["total_wait_seconds"].round(6).to_numpy(),
        }
    )
    history = validate_history_frame(frame, source="simulated", timezone="Europe/London")
    review = review_kpis(history.frame, history.interval_minutes, "answered_only")
    total = review.by_queue.set_index("queue").loc["all"]
    assert total["asa_seconds"] == pytest.approx(calls["wait"].mean(), rel=1e-6)


def test_without_wait_totals_asa_is_not_available_and_said(tmp_path):
    text = "interval_start,queue,offered,aht_seconds,handled,abandoned,answered_within_threshold\n"
    text += "2026-11-09T08:00:00+00:00,sales,10,100,8,2,8\n"
    history = read_history(write(tmp_path, text), timezone="Europe/London", interval_minutes=15)
    assert "total_wait_seconds" not in history.frame
    review = review_kpis(history.frame, history.interval_minutes, "answered_only")
    assert np.isnan(review.by_queue.set_index("queue").loc["all", "asa_seconds"])
    assert any("total_wait_seconds" in note for note in review.notes)


def test_a_vendor_column_is_mapped_and_empty_cells_stay_empty(tmp_path):
    text = HEADER.replace("total_wait_seconds", "Total Wait (s)") + ROWS.replace(",270\n", ",\n")
    history = read_history(
        write(tmp_path, text),
        timezone="Europe/London",
        column_map={"Total Wait (s)": "total_wait_seconds"},
    )
    waits = history.frame["total_wait_seconds"]
    assert waits.isna().sum() == 1
    review = review_kpis(history.frame, history.interval_minutes, "answered_only")
    # The sum skips the empty cell but the answered count does not: the first day's ASA is
    # 80 / 35, so an empty cell is better left out of the file than left empty.
    assert review.by_day.iloc[0]["asa_seconds"] == pytest.approx(80 / 35)


def test_a_wait_without_answered_contacts_is_an_error_naming_the_line(tmp_path):
    bad = ROWS.replace(
        "2026-11-10T08:00:00+00:00,sales,20,300,20,0,10,600",
        "2026-11-10T08:00:00+00:00,sales,20,300,0,20,0,600",
    )
    with pytest.raises(InputError) as caught:
        read_history(write(tmp_path, HEADER + bad), timezone="Europe/London")
    message = str(caught.value)
    assert "total_wait_seconds" in message and "line 4" in message and "600" in message


def test_negative_wait_is_an_error(tmp_path):
    bad = ROWS.replace(",80\n", ",-80\n")
    with pytest.raises(InputError, match="total_wait_seconds"):
        read_history(write(tmp_path, HEADER + bad), timezone="Europe/London")


def test_wait_totals_survive_the_store(tmp_path):
    history = read_history(write(tmp_path, HEADER + ROWS), timezone="Europe/London")
    workspace = Workspace.open(f"sqlite:///{tmp_path / 'wfm.db'}", actor="test")
    workspace.save_history(history)
    stored = workspace.latest_history()
    assert stored.frame["total_wait_seconds"].tolist() == [80.0, 270.0, 600.0]
