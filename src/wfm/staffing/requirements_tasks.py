"""Erlang requirements of a large forecast as executor tasks (whole queues per task).

:func:`wfm.staffing.compute_requirements` is vectorised: about 4 µs per interval-row with
Erlang C and about 20 µs with Erlang A on this project's machine, so one queue-week
(~700 rows) is far below the ~100 ms a cluster task should last. For many queues the
forecast is cut into tasks of whole queues holding at least :data:`ROWS_PER_TASK` rows
each, run on an executor (:mod:`wfm.execution`), and put back in the forecast's row
order: the table is identical to one call's, whichever executor runs it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.execution import Executor
from wfm.progress import ProgressCallback

logger = logging.getLogger(__name__)

#: Forecast rows per task at least: ~0.2 s of Erlang C, ~1 s of Erlang A.
ROWS_PER_TASK = 50_000


def queue_chunks(queues: pd.Series, rows_per_task: int) -> list[np.ndarray]:
    """Row positions of whole queues, grouped in first-appearance order into chunks of at
    least ``rows_per_task`` rows (the last chunk may be smaller).

    >>> [c.tolist() for c in queue_chunks(pd.Series(["a", "b", "a", "c"]), 2)]
    [[0, 2], [1, 3]]
    """
    positions = pd.Series(np.arange(len(queues))).groupby(queues.to_numpy(), sort=False)
    chunks, current = [], []
    for _, rows in positions:
        current.append(rows.to_numpy())
        if sum(len(part) for part in current) >= rows_per_task:
            chunks.append(np.sort(np.concatenate(current)))
            current = []
    if current:
        chunks.append(np.sort(np.concatenate(current)))
    return chunks


def _requirements_task(forecast, shrinkage, targets, interval_minutes, options):
    from wfm.staffing.requirements import compute_requirements

    return compute_requirements(forecast, targets, shrinkage, interval_minutes, **options)


def compute_requirements_on(
    executor: Executor | None,
    forecast: pd.DataFrame,
    targets,
    shrinkage_fraction,
    interval_minutes: int,
    *,
    rows_per_task: int = ROWS_PER_TASK,
    progress: ProgressCallback | None = None,
    **options,
) -> pd.DataFrame:
    """:func:`wfm.staffing.compute_requirements` in tasks of whole queues on ``executor``.

    Parameters
    ----------
    executor
        Where the tasks run; ``None`` or a forecast of one task runs one call here.
    forecast, targets, shrinkage_fraction, interval_minutes, **options
        As for :func:`~wfm.staffing.compute_requirements` (``source``, ``patience_seconds``,
        ``include_fractional``, ``max_abandon_probability``); a per-row shrinkage is cut
        with the rows.
    rows_per_task
        Forecast rows per task at least [rows].

    Returns
    -------
    pandas.DataFrame
        The same table as one call, in the forecast's row order.
    """
    forecast = forecast.reset_index(drop=True)
    chunks = queue_chunks(forecast["queue"], rows_per_task)
    per_row = not isinstance(shrinkage_fraction, int | float | Mapping)
    if executor is None or len(chunks) <= 1:
        return _requirements_task(forecast, shrinkage_fraction, targets, interval_minutes, options)
    shrinkage = np.asarray(shrinkage_fraction, dtype=float) if per_row else shrinkage_fraction
    tasks = [(forecast.iloc[rows], shrinkage[rows] if per_row else shrinkage) for rows in chunks]
    logger.info("requirements: %d rows in %d tasks", len(forecast), len(tasks))
    parts = executor.map(
        _requirements_task,
        tasks,
        labels=[f"queues of rows {rows[0]}-{rows[-1]}" for rows in chunks],
        shared=(
            dict(targets) if isinstance(targets, Mapping) else targets,
            interval_minutes,
            options,
        ),
        progress=progress,
        what="requirements",
    )
    order = np.argsort(np.concatenate(chunks), kind="stable")
    return pd.concat(parts, ignore_index=True).iloc[order].reset_index(drop=True)
