"""Run one function per queue, in worker processes when there is enough work.

Queues are independent, so fitting them is embarrassingly parallel. Results come back in
the order of the tasks whatever order the workers finish in, and every model is
deterministic, so the output does not depend on the number of workers. If the worker
processes cannot be started or die, the queues are run one by one in this process with a
warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from threadpoolctl import threadpool_limits

from wfm.execution import Executor, LocalExecutor, run_in_processes
from wfm.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)

#: Default number of worker processes (the development machine has two cores).
DEFAULT_WORKERS = 2

#: Fewest history rows (all queues together) worth starting worker processes for: below
#: this, starting the processes costs more than it saves.
MIN_ROWS_FOR_WORKERS = 100_000

T = TypeVar("T")


def one_blas_thread() -> threadpool_limits:
    """Context in which numpy's BLAS/LAPACK run on one thread.

    A queue's models work on small matrices (days × slots of the day); multi-threaded
    OpenBLAS spends more CPU starting and spinning its threads than on the arithmetic,
    most of all on a busy machine (an eigendecomposition of a 48 × 48 Gram matrix took
    6.3 ms of CPU with the default threads at load 20 against 0.2 ms on one). Queues run
    in parallel in worker processes instead.
    """
    return threadpool_limits(limits=1, user_api="blas")


def default_workers() -> int:
    """Workers to use: :data:`DEFAULT_WORKERS`, at most the number of CPUs."""
    return max(1, min(DEFAULT_WORKERS, os.cpu_count() or 1))


class LazyTasks(Sequence):
    """A sequence of task tuples built one at a time, when asked for.

    ``LazyTasks(build, count)[i]`` is ``build(i)``: a task's inputs (e.g. one queue's rows of
    a large history) exist only while it is handed out, rather than all tasks' inputs at once.
    """

    def __init__(self, build: Callable[[int], tuple], count: int) -> None:
        self._build, self._count = build, int(count)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._build(i) for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return self._build(index % self._count)


def map_queues(
    function: Callable[..., T],
    tasks: Sequence[tuple],
    *,
    labels: Sequence[str],
    workers: int | None = None,
    rows: int = 0,
    progress: ProgressCallback | None = None,
    what: str = "forecasting",
    executor: Executor | None = None,
    on_result: Callable[[int, T], None] | None = None,
) -> list[T]:
    """``[function(*task) for task in tasks]``, in parallel when worthwhile.

    Parameters
    ----------
    function
        A module-level (picklable) function.
    tasks
        Argument tuples, one per queue.
    labels
        Queue names, for progress messages.
    workers
        Worker processes; ``None`` for :func:`default_workers`, 1 to run in this process.
        Workers are used only with two or more tasks and at least
        :data:`MIN_ROWS_FOR_WORKERS` ``rows``.
    rows
        Size of the work (history rows), to decide whether workers pay off.
    progress
        ``progress(fraction_done, message)``, called as queues finish.
    executor
        Where to run the queues (:mod:`wfm.execution`): a cluster executor runs every queue
        as one task there; ``None`` or a local one uses the worker processes above.
    """
    if executor is not None and not isinstance(executor, LocalExecutor):
        return executor.map(
            function, tasks, labels=labels, progress=progress, what=what, on_result=on_result
        )
    report = progress or no_progress
    workers = default_workers() if workers is None else max(1, int(workers))
    count = len(tasks)
    if workers == 1 or count < 2 or rows < MIN_ROWS_FOR_WORKERS:
        results = []
        for number, task in enumerate(tasks):
            report(number / max(count, 1), f"{what} queue {labels[number]}")
            result = function(*task)
            if on_result is not None:
                on_result(number, result)
                result = None
            results.append(result)
        return results
    logger.info("%s %d queues in %d worker processes", what, count, min(workers, count))
    try:
        return run_in_processes(
            function,
            tasks,
            [f"queue {label}" for label in labels],
            min(workers, count),
            report,
            what,
            on_result=on_result,
        )
    except (BrokenProcessPool, OSError) as error:  # cannot start or lost workers: do it here
        logger.warning(
            "%s: worker processes failed (%s); running the queues one by one in this process "
            "(same results, slower). Worker processes start from a fresh interpreter that "
            "imports the main script again: a script needs its code under "
            '`if __name__ == "__main__":`, and code run from standard input or a notebook '
            "cell without a file cannot start them; pass workers=1 to skip them",
            what,
            error,
        )
        return map_queues(
            function,
            tasks,
            labels=labels,
            workers=1,
            progress=progress,
            what=what,
            on_result=on_result,
        )
