"""Where fanned-out work runs: in this process, in local worker processes, or on a Dask cluster.

The places that fan out independent work (forecasting and backtesting per queue, what-if and
sensitivity grids) take an :class:`Executor`. Its :meth:`~Executor.map` runs
``function(*task)`` for every task and returns the results **in task order**, whatever order
the workers finish in; every task is deterministic, so the results are identical whichever
executor runs them.

- :class:`LocalExecutor` (the default): in this process, or a pool of local worker processes.
- :class:`DaskExecutor`: a `dask.distributed <https://distributed.dask.org>`_ cluster, through
  ``Client.map``. Tasks are plain module-level functions with their inputs, built and solved
  inside the worker; inputs every task shares are scattered once (``shared=``), not sent per
  task; results stream back as they finish (the progress callback moves per task). A worker
  that dies mid-run loses only its running tasks, which the scheduler runs again elsewhere
  (Dask's own recovery); a task that fails with an unexpected error is retried
  :data:`TASK_RETRIES` times, then the error names the task; wfm's own errors (bad input,
  no rota) come back at once, as they would fail the same way again.

:func:`executor_for` picks one from ``--cluster`` (or ``$WFM_DASK_SCHEDULER``, or the centre
file's ``cluster``): ``tcp://host:8786`` connects to a running scheduler, ``local:N`` starts a
``LocalCluster`` of N worker processes on this machine, and nothing means local.
See docs/scaling.md.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar

from wfm.errors import WfmError
from wfm.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Environment variable naming the Dask scheduler when ``--cluster`` is not given.
SCHEDULER_ENV = "WFM_DASK_SCHEDULER"
#: Times a task that raised is run again on the cluster before its error is reported.
TASK_RETRIES = 2
#: Seconds to wait for a scheduler to answer before saying it cannot be reached.
CONNECT_TIMEOUT_SECONDS = 10
#: Tasks submitted ahead per worker thread (the rest wait in this process, unbuilt).
TASKS_IN_FLIGHT_PER_THREAD = 4


#: Exceptions of a client that lost its scheduler mid-run (by name: Dask is optional).
_LOST_CONNECTION = ("FutureCancelledError", "CancelledError", "CommClosedError")


class ClusterError(WfmError):
    """The cluster cannot be used: unreachable, no workers, or workers without this wfm."""


class Executor:
    """Runs ``function(*task, *shared)`` for each task; results in task order.

    :meth:`map` is the one entry point; each kind of executor says how the tasks of one
    call run (:meth:`_run`, given the call as a :class:`MapCall`).
    """

    name: str = "executor"

    def map(
        self,
        function: Callable[..., T],
        tasks: Sequence[tuple],
        *,
        labels: Sequence[str] | None = None,
        shared: tuple = (),
        progress: ProgressCallback | None = None,
        what: str = "working",
        on_result: Callable[[int, T], None] | None = None,
    ) -> list[T]:
        """``[function(*task, *shared) for task in tasks]``.

        ``labels`` name the tasks in progress messages (default ``task 1``, ``task 2``, ...),
        ``what`` the work. With ``on_result``, each result is handed to
        ``on_result(task_number, result)`` as soon as its task finishes (in finishing order)
        and not kept: the list returned holds ``None`` for it, so results can be written as
        they arrive.
        """
        call = MapCall(
            function,
            tasks,
            _labels(labels, tasks),
            tuple(shared),
            progress or no_progress,
            what,
            on_result,
        )
        return self._run(call)

    def _run(self, call: MapCall) -> list:
        """Run every task of ``call``; results in task order (see :meth:`map`)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers the executor started (nothing for one it was given)."""
        return None


@dataclass(frozen=True)
class MapCall:
    """One call of :meth:`Executor.map`, its defaults filled in."""

    function: Callable
    tasks: Sequence[tuple]
    labels: list[str]
    shared: tuple
    report: ProgressCallback
    what: str
    on_result: Callable[[int, Any], None] | None

    def deliver(self, number: int, result):
        """``result``, or ``None`` once handed to ``on_result`` (which then owns it)."""
        return _deliver(self.on_result, number, result)


@dataclass
class LocalExecutor(Executor):
    """In this process (``workers=1``) or a pool of local worker processes.

    Parameters
    ----------
    workers : int
        Worker processes; 1 runs every task here, one after the other.
    """

    workers: int = 1
    name: str = "local"

    def _run(self, call: MapCall) -> list:
        count = len(call.tasks)
        if self.workers <= 1 or count < 2:
            results = []
            for number, task in enumerate(call.tasks):
                call.report(number / max(count, 1), f"{call.what} {call.labels[number]}")
                results.append(call.deliver(number, call.function(*task, *call.shared)))
            call.report(1.0, f"{call.what}: done")
            return results
        return run_in_processes(
            call.function,
            call.tasks,
            call.labels,
            self.workers,
            call.report,
            call.what,
            shared=call.shared,
            on_result=call.on_result,
        )


class DaskExecutor(Executor):
    """A Dask cluster, through a ``distributed.Client``.

    Parameters
    ----------
    client : distributed.Client
        A connected client.
    owns_cluster : object, optional
        A ``LocalCluster`` this executor started and closes with it.
    """

    def __init__(self, client, owns_cluster=None) -> None:
        self.client = client
        self._cluster = owns_cluster
        self.name = f"dask {client.scheduler.address}"

    def _run(self, call: MapCall) -> list:
        from distributed import as_completed as dask_completed

        function, tasks, labels, what = call.function, call.tasks, call.labels, call.what
        report = call.report
        count = len(tasks)
        if count == 0:
            return []
        run = uuid.uuid4().hex[:8]
        # Inputs every task shares go to the workers once, not with every task.
        # (a list of one, so that a dict or list is sent as one object, not element-wise)
        shared_futures = [self.client.scatter([value], broadcast=True)[0] for value in call.shared]
        # At most a window of tasks is submitted at a time (a few per worker thread, so no
        # worker waits): each task's inputs are built (``LazyTasks``) and held by this
        # process and the scheduler only while it is in flight, not all tasks' at once.
        window = max(2, TASKS_IN_FLIGHT_PER_THREAD * self._threads())
        waiting = iter(enumerate(tasks))
        index: dict[str, int] = {}
        in_flight: list = []

        def submit(number: int, task: tuple):
            future = self.client.submit(
                _returning_wfm_errors,
                function,
                *task,
                *shared_futures,
                key=f"wfm-{_slug(what)}-{number}-{run}",
                retries=TASK_RETRIES,
                pure=False,
            )
            index[future.key] = number
            in_flight.append(future)
            return future

        results: list = [None] * count
        done = 0
        report(0.0, f"{what}: {count} tasks on {self.name}")
        try:
            with self.client.as_current():  # as_completed looks for the current client
                finished = dask_completed(
                    [submit(number, task) for number, task in itertools.islice(waiting, window)]
                )
                for future in finished:
                    number = index.pop(future.key)
                    result = future.result()
                    if isinstance(result, _TaskError):  # wfm's own error: not worth a retry
                        raise result.error
                    results[number] = call.deliver(number, result)
                    future.release()  # the worker may drop it: it is here now
                    in_flight.remove(future)
                    done += 1
                    report(done / count, f"{what}: {labels[number]} done")
                    for next_number, task in itertools.islice(waiting, 1):
                        finished.add(submit(next_number, task))
        except WfmError:
            raise
        except Exception as error:  # noqa: BLE001 - a lost task becomes one clear message
            name = type(error).__name__
            if name == "KilledWorker":
                raise ClusterError(
                    f"{what}: a task was lost with every worker that ran it ({error}); its "
                    "workers died (out of memory?). Give the workers more memory, or run "
                    "without --cluster"
                ) from None
            if name in _LOST_CONNECTION or "connection" in str(error).lower():
                raise ClusterError(
                    f"{what}: lost the connection to the Dask scheduler "
                    f"({self.name.removeprefix('dask ')}) during the run ({name}: {error}); "
                    "nothing was written. Check that the scheduler is still running and "
                    "reachable, then run the command again"
                ) from None
            raise
        finally:
            for future in in_flight:
                future.cancel()
                future.release()
        return results

    def _threads(self) -> int:
        """Worker threads of the cluster now (at least 1)."""
        return max(1, sum(self.client.nthreads().values()))

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def run_in_processes(
    function: Callable[..., T],
    tasks: Sequence[tuple],
    labels: Sequence[str],
    workers: int,
    report: ProgressCallback,
    what: str,
    *,
    shared: tuple = (),
    on_result: Callable[[int, T], None] | None = None,
) -> list[T]:
    """Run the tasks in a pool of ``workers`` local processes; results in task order
    (or handed to ``on_result`` as they finish, see :meth:`Executor.map`).

    Workers start from a fork server (a small, clean process), not as forks of this one, so
    each holds only its own task's data rather than a copy of everything loaded here; and
    at most ``workers`` tasks are handed out at a time, so the inputs are not pickled all
    at once. Together these keep the memory of a large history near one copy
    (see docs/benchmarks.md).
    """
    count = len(tasks)
    workers = max(1, min(workers, count))
    results: list = [None] * count
    done = 0
    report(0.0, f"{what}: {count} tasks in {workers} processes")
    with ProcessPoolExecutor(max_workers=workers, mp_context=_worker_context()) as pool:
        waiting = iter(enumerate(tasks))
        running = {}
        for number, task in itertools.islice(waiting, workers):
            running[pool.submit(function, *task, *shared)] = number
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                number = running.pop(future)
                # re-raises a worker's error here
                results[number] = _deliver(on_result, number, future.result())
                done += 1
                report(done / count, f"{what}: {labels[number]} done")
                for next_number, task in itertools.islice(waiting, 1):
                    running[pool.submit(function, *task, *shared)] = next_number
    return results


@dataclass(frozen=True)
class _TaskError:
    """A :class:`~wfm.errors.WfmError` a task raised, sent back as its result."""

    error: WfmError


def _returning_wfm_errors(function, *args):
    """``function(*args)``; a WfmError (bad input, no rota) comes back as a value, so the
    cluster does not retry a task that would fail the same way (retries are for crashes)."""
    try:
        return function(*args)
    except WfmError as error:
        return _TaskError(error)


def _deliver(on_result, number: int, result):
    """``result``, or ``None`` once handed to ``on_result`` (which then owns it)."""
    if on_result is None:
        return result
    on_result(number, result)
    return None


def _worker_context():
    """The fork-server start method where the platform has it (Linux), else the default."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return None


def _labels(labels: Sequence[str] | None, tasks: Sequence[tuple]) -> list[str]:
    return list(labels) if labels is not None else [f"task {n + 1}" for n in range(len(tasks))]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-") or "task"


def worker_wfm_version() -> str:
    """The wfm version a worker imports (run on each worker by :func:`connect`)."""
    import wfm

    return wfm.__version__


def check_worker_versions(versions: Mapping[str, Any], local_version: str, address: str) -> None:
    """Every worker must import the same wfm as this process.

    Parameters
    ----------
    versions : mapping
        Worker address → the version it reported (or the error it raised importing wfm).
    """
    if not versions:
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers",
        )
    wrong = {worker: v for worker, v in versions.items() if v != local_version}
    if wrong:
        shown = ", ".join(f"{worker}: {v}" for worker, v in sorted(wrong.items())[:5])
        raise ClusterError(
            f"workers of the Dask cluster at {address} do not run wfm {local_version} "
            f"({shown}). Install the same wfm on every worker (pip install wfm=={local_version})"
        )


def connect(address: str, *, timeout_seconds: float | None = None) -> DaskExecutor:
    """A :class:`DaskExecutor` on the scheduler at ``address``, or on a new ``LocalCluster``
    for ``local:N``; checked to have workers that import this wfm.

    Raises
    ------
    ClusterError
        When Dask is not installed, the scheduler cannot be reached, or its workers lack wfm
        or run another version of it.
    """
    import wfm

    timeout_seconds = timeout_seconds or CONNECT_TIMEOUT_SECONDS
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError(f'--cluster {address} needs Dask: pip install "wfm[dask]"') from None
    _patient_comms()
    cluster = None
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise ClusterError(
                f"--cluster {address}: write local:N with N worker processes, e.g. local:2"
            )
        with dask.config.set(QUIET_WORKERS):  # the nannies pass it on to their workers
            cluster = LocalCluster(
                n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None
            )
        target = cluster
    else:
        if "://" not in address:
            raise ClusterError(
                f"--cluster {address!r} is not a scheduler address: write tcp://HOST:8786, or "
                "local:N for N worker processes on this machine"
            )
        target = address
    try:
        client = Client(target, timeout=f"{timeout_seconds}s", set_as_default=False)
    except ValueError as error:  # an address Dask cannot parse (http://, a stray bracket)
        if cluster is not None:
            cluster.close()
        raise ClusterError(
            f"--cluster {address} is not a Dask scheduler address ({error}); write "
            "tcp://HOST:8786, or local:N for N worker processes on this machine"
        ) from None
    except (OSError, TimeoutError) as error:
        if cluster is not None:
            cluster.close()
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({type(error).__name__}: {error}). "
            "Start it (dask scheduler; dask worker tcp://HOST:8786, see docs/scaling.md), check "
            "the address and port, or leave --cluster out to run on this machine"
        ) from None
    try:
        if cluster is None:
            client.wait_for_workers(1, timeout=timeout_seconds)
        versions = client.run(worker_wfm_version, on_error="return")
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError(
            f"the Dask scheduler at {address} has no workers (none joined within "
            f"{timeout_seconds:g} s). Start some: dask worker {address}"
        ) from None
    versions = {
        worker: (value if isinstance(value, str) else f"cannot import wfm ({value!r})")
        for worker, value in versions.items()
    }
    try:
        check_worker_versions(versions, wfm.__version__, address)
    except ClusterError:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    logger.info("connected to %s: %d workers", address, len(versions))
    return DaskExecutor(client, owns_cluster=cluster)


#: Seconds a connection may stay silent before Dask drops it (Dask's default is 30 s). wfm's
#: tasks are long and CPU-bound: on a busy machine a starved scheduler or worker can be
#: silent longer than 30 s without being dead (seen: 38 s at load average 30 on 2 cores).
PATIENT_TCP_TIMEOUT = "300s"


#: Settings of the ``local:N`` workers wfm starts. Dask's statistical profiler samples the
#: running task's stack every 10 ms on the worker's event loop and keeps a profile per
#: second of the worker's life: wfm's tasks are long and CPU-bound, so it only costs CPU and
#: memory (measured on 10 queues of a year on 2 workers: 4.1-4.3 s of worker CPU outside
#: the tasks with it, 2.1-2.8 s without; peak 315 MiB a worker against 257 MiB; and the
#: collector's passes over the growing profile inside the tasks: docs/benchmarks.md, "Dask:
#: where the CPU goes"). Start a cluster of your own the same way:
#: ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False dask worker ...``.
QUIET_WORKERS = {"distributed.worker.profile.enabled": False}


def _patient_comms() -> None:
    """Give this process's Dask connections (and the LocalCluster workers it starts)
    :data:`PATIENT_TCP_TIMEOUT`, unless the user configured another timeout."""
    import dask

    if dask.config.get("distributed.comm.timeouts.tcp", "30s") == "30s":
        dask.config.set({"distributed.comm.timeouts.tcp": PATIENT_TCP_TIMEOUT})


def executor_for(
    cluster: str | None = None, *, workers: int = 1, centre_cluster: str | None = None
) -> Executor:
    """The executor for ``--cluster`` (else ``$WFM_DASK_SCHEDULER``, else the centre file's
    ``cluster``), or local with ``workers`` processes."""
    address = cluster or os.environ.get(SCHEDULER_ENV) or centre_cluster
    if not address:
        return LocalExecutor(workers=max(1, workers))
    return connect(address.strip())
