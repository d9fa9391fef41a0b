"""Erlang requirements in tasks of whole queues: the same table as one call."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.execution import LocalExecutor
from wfm.staffing import ServiceTarget, compute_requirements
from wfm.staffing.requirements_tasks import compute_requirements_on, queue_chunks


def many_queues(queues: int = 9, days: int = 2, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-03-02 08:00", periods=days * 48, freq="30min", tz="Europe/Paris")
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": f"q{n}",
                    "offered": rng.poisson(5 + 4 * n, len(starts)).astype(float),
                    "aht_seconds": 200.0 + 10 * n,
                }
            )
            for n in range(queues)
        ],
        ignore_index=True,
    )
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)  # rows interleaved


def test_chunks_hold_whole_queues_and_every_row_once():
    forecast = many_queues()
    chunks = queue_chunks(forecast["queue"], 200)
    assert sorted(np.concatenate(chunks)) == list(range(len(forecast)))
    assert all(len(chunk) >= 200 for chunk in chunks[:-1])
    owners = [set(forecast["queue"].iloc[chunk]) for chunk in chunks]
    assert all(not (a & b) for n, a in enumerate(owners) for b in owners[n + 1 :])


@pytest.mark.parametrize("patience_seconds", [None, 90.0])
def test_requirements_in_tasks_equal_one_call(patience_seconds):
    forecast = many_queues()
    targets = {f"q{n}": ServiceTarget(0.8, 20 + n) for n in range(9)}
    shrinkage = np.linspace(0.2, 0.4, len(forecast))  # per row: cut with the rows
    one = compute_requirements(forecast, targets, shrinkage, 30, patience_seconds=patience_seconds)
    tasks = compute_requirements_on(
        LocalExecutor(1),
        forecast,
        targets,
        shrinkage,
        30,
        rows_per_task=150,
        patience_seconds=patience_seconds,
    )
    pd.testing.assert_frame_equal(tasks, one)


def test_requirements_in_worker_processes_equal_one_call():
    forecast = many_queues(queues=4)
    target = ServiceTarget(0.9, 15)
    one = compute_requirements(forecast, target, 0.3, 30)
    processes = compute_requirements_on(
        LocalExecutor(2), forecast, target, 0.3, 30, rows_per_task=100
    )
    pd.testing.assert_frame_equal(processes, one)
