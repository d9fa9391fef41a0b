"""The execution seam: the same results locally and on a Dask cluster, a killed worker, a
scheduler reached by address, and a cluster that cannot be used."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.io import frame_to_csv_text
from wfm.data.schemas import History
from wfm.execution import (
    ClusterError,
    LocalExecutor,
    check_worker_versions,
    connect,
    executor_for,
)
from wfm.forecast import forecast_history

pytest.importorskip("distributed")

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"


def queue_history(queues: int = 6, days: int = 42, seed: int = 11) -> History:
    """Hourly history of several queues with a daily shape (08:00-20:00)."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-05 08:00", periods=days * 24, freq="60min", tz="Europe/London")
    starts = starts[(starts.hour >= 8) & (starts.hour < 20)]
    frames = []
    for number in range(queues):
        level = 20 + 5 * number + 10 * np.sin((starts.hour.to_numpy() - 8) / 12 * np.pi)
        offered = rng.poisson(level).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": f"q{number}",
                    "offered": offered,
                    "aht_seconds": 240.0 + number,
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    return History(frame, 60, "Europe/London", "synthetic")


def square_after(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value * value


@pytest.fixture(scope="module")
def local_cluster():
    executor = connect("local:2")
    yield executor
    executor.close()


def test_local_executor_keeps_task_order_in_process_and_in_processes():
    tasks = [(n, 0.0) for n in range(7)]
    assert LocalExecutor(1).map(square_after, tasks) == [n * n for n in range(7)]
    assert LocalExecutor(2).map(square_after, tasks) == [n * n for n in range(7)]


@pytest.mark.slow
def test_a_forecast_on_a_local_cluster_is_byte_identical_to_the_local_one(local_cluster):
    history = queue_history()
    local = forecast_history(history, horizon_days=7, model="weighted_same_slot", workers=1)
    steps = []
    remote = forecast_history(
        history,
        horizon_days=7,
        model="weighted_same_slot",
        executor=local_cluster,
        progress=lambda done, message: steps.append(done),
    )
    assert frame_to_csv_text(remote) == frame_to_csv_text(local)
    assert len(steps) >= 6 and steps[-1] == pytest.approx(1.0)  # one step per queue


def sample_week_inputs(staffed: float) -> tuple:
    """Forecast, coverage (``staffed`` × the requirement), targets, shrinkage and interval of
    two days of the sample centre's queues, for the scenario grids."""
    from wfm.config import load_centre
    from wfm.plan.chain import service_targets, shrinkage_by_queue
    from wfm.staffing import compute_requirements

    centre = load_centre(SAMPLE / "centre.toml")
    history = queue_history(queues=2)
    history.frame["queue"] = history.frame["queue"].map({"q0": "sales", "q1": "support"})
    forecast = forecast_history(history, horizon_days=2, model="weighted_same_slot", workers=1)
    targets, shrinkage = service_targets(centre), shrinkage_by_queue(centre)
    requirements = compute_requirements(forecast, targets, shrinkage, 60)
    coverage = requirements[["interval_start", "queue"]].assign(
        agents_scheduled=requirements["agents_scheduled_required"] * staffed
    )
    return forecast, coverage, targets, shrinkage, 60


@pytest.mark.slow
def test_the_local_workers_run_one_thread_without_the_profiler(local_cluster):
    """wfm's tasks are long and CPU-bound: one thread and one BLAS thread per worker, and no
    Dask profiler sampling them (wfm.execution.QUIET_WORKERS)."""

    def settings():
        import dask

        return (
            dask.config.get("distributed.worker.profile.enabled"),
            os.environ.get("OPENBLAS_NUM_THREADS"),
            os.environ.get("OMP_NUM_THREADS"),
        )

    assert set(local_cluster.client.nthreads().values()) == {1}
    assert set(local_cluster.client.run(settings).values()) == {(False, "1", "1")}


@pytest.mark.slow
def test_a_sensitivity_grid_on_a_local_cluster_equals_the_local_one(local_cluster):
    from wfm.review.scenarios import BasePlan, sensitivity

    plan = BasePlan(*sample_week_inputs(staffed=0.95))
    local = sensitivity(plan)
    remote = sensitivity(plan, executor=local_cluster)
    pd.testing.assert_frame_equal(remote, local)


@pytest.mark.slow
def test_a_multi_site_plan_on_a_local_cluster_writes_the_same_files(local_cluster, tmp_path):
    """Forecast per queue and one rota model per staffing group on 2 worker processes give
    byte-identical outputs to the in-process run."""
    from wfm.config import load_centre
    from wfm.data.synthetic.sites import generate_multi_site_centre
    from wfm.plan.chain import run_plan, write_plan

    path = generate_multi_site_centre(
        tmp_path / "centre",
        sites=3,
        agents_per_site=4,
        history_weeks=3,
        forecast_model="seasonal_naive",
    )
    centre = load_centre(path)
    local = run_plan(centre)
    remote = run_plan(centre, executor=local_cluster)
    assert len(remote.groups) == 2
    write_plan(local, tmp_path / "local")
    write_plan(remote, tmp_path / "remote")
    for name in (
        "forecast.csv",
        "requirements.csv",
        "rota.csv",
        "coverage.csv",
        "agent_summary.csv",
        "service_summary.csv",
    ):
        assert (tmp_path / "remote" / name).read_bytes() == (
            tmp_path / "local" / name
        ).read_bytes(), name
    assert [g.summary.objective for g in remote.groups] == [
        g.summary.objective for g in local.groups
    ]


@pytest.mark.slow
def test_schedule_and_reoptimise_by_group_on_a_local_cluster_equal_the_local_ones(
    local_cluster, tmp_path
):
    """`wfm schedule` and `wfm reoptimise` (wfm.plan.centre_rota) split a multi-site centre
    into the same groups on the cluster as here and give the same rota and changes."""
    from wfm.config import load_centre
    from wfm.data.synthetic.sites import generate_multi_site_centre
    from wfm.plan.centre_rota import reoptimise_centre, schedule_centre
    from wfm.plan.chain import run_plan

    path = generate_multi_site_centre(
        tmp_path / "centre",
        sites=3,
        agents_per_site=4,
        history_weeks=3,
        forecast_model="seasonal_naive",
    )
    centre = load_centre(path)
    plan = run_plan(centre)
    local = schedule_centre(centre, plan.requirements, plan.start_date)
    remote = schedule_centre(centre, plan.requirements, plan.start_date, executor=local_cluster)
    assert len(remote.groups) == 2
    pd.testing.assert_frame_equal(remote.result.rota, local.result.rota)
    pd.testing.assert_frame_equal(remote.result.coverage, local.result.coverage)

    def solves(made):
        return [
            (g.name, g.summary.status, g.summary.objective, g.summary.bound) for g in made.groups
        ]

    assert solves(remote) == solves(local)
    agent = plan.rota.rota["agent_id"].iloc[0]
    day = plan.start_date
    args = (centre, plan.rota.rota, plan.requirements, plan.start_date)
    here, _ = reoptimise_centre(*args, unavailable=[(agent, day)])
    there, _ = reoptimise_centre(*args, unavailable=[(agent, day)], executor=local_cluster)
    pd.testing.assert_frame_equal(there.result.rota, here.result.rota)
    pd.testing.assert_frame_equal(there.changes, here.changes)


@pytest.mark.slow
def test_a_what_if_grid_on_a_local_cluster_equals_the_local_one(local_cluster):
    from wfm.review.scenarios import BasePlan, Scenario, compare_scenarios, run_scenarios

    grid = [Scenario("base")] + [
        Scenario(f"volume {factor}", volume_factor=factor) for factor in (0.9, 1.1, 1.2)
    ]
    plan = BasePlan(*sample_week_inputs(staffed=1.0))
    local = compare_scenarios(run_scenarios(plan, grid, patience_seconds=120.0))
    remote = compare_scenarios(
        run_scenarios(plan, grid, patience_seconds=120.0, executor=local_cluster)
    )
    pd.testing.assert_frame_equal(remote, local)
    base, lower, higher, highest = local["service_level"]  # more volume, same staff: worse
    assert lower > base > higher > highest


@pytest.mark.slow
def test_a_worker_killed_mid_run_still_gives_every_result(local_cluster):
    client = local_cluster.client
    pids = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    tasks = [(n, 0.4) for n in range(12)]
    done = []

    def kill_after_first(fraction, message):
        done.append(fraction)
        if len(done) == 2:  # the first task finished: kill a worker while others run
            os.kill(victim, signal.SIGKILL)

    results = local_cluster.map(square_after, tasks, progress=kill_after_first)
    assert results == [n * n for n in range(12)]
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_the_cli_by_address_against_a_scheduler_in_another_process(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    scheduler = subprocess.Popen(
        [
            str(bin_dir / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dashboard-address",
            ":0",
            "--no-show",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [
            str(bin_dir / "dask"),
            "worker",
            address,
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--no-dashboard",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        history = SAMPLE / "history.csv"
        common = [
            "forecast",
            str(history),
            "--timezone",
            "Europe/London",
            "--horizon-days",
            "3",
            "--model",
            "weighted_same_slot",
            "-q",
        ]
        assert main([*common, "--workers", "1", "-o", str(tmp_path / "local.csv")]) == 0
        deadline = time.time() + 60
        while True:  # wait until the scheduler answers and the worker has joined
            try:
                executor = connect(address, timeout_seconds=5)
                executor.close()
                break
            except ClusterError:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        assert main([*common, "--cluster", address, "-o", str(tmp_path / "remote.csv")]) == 0
        assert (tmp_path / "remote.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.slow
def test_a_scheduler_lost_mid_run_is_one_clear_error(tmp_path):
    """The scheduler process dies while tasks run: a ClusterError naming its address, not an
    internal error."""
    import threading

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).parent / "dask")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [
            dask,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-show",
            "--dashboard-address",
            ":0",
        ],
        **quiet,
    )
    worker = subprocess.Popen(
        [dask, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
        **quiet,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                executor = connect(address, timeout_seconds=5)
                break
            except ClusterError:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        threading.Timer(3.0, scheduler.kill).start()
        with pytest.raises(
            ClusterError, match=f"lost the connection to the Dask scheduler.*{port}"
        ):
            executor.map(square_after, [(n, 2.0) for n in range(20)], what="forecasting")
        executor.close()
    finally:
        for process in (worker, scheduler):
            process.kill()
            process.wait(timeout=30)


def test_an_unreachable_scheduler_is_one_clear_error_and_nothing_is_written(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr("wfm.execution.CONNECT_TIMEOUT_SECONDS", 2)
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(SAMPLE / "history.csv"),
            "--timezone",
            "Europe/London",
            "--horizon-days",
            "1",
            "-q",
            "--cluster",
            f"tcp://127.0.0.1:{free_port()}",
            "-o",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot reach the Dask scheduler" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("address", ["scheduler:8786", "local:zero", "local:0"])
def test_a_malformed_address_says_how_to_write_one(address):
    with pytest.raises(ClusterError, match="tcp://HOST:8786|local:N"):
        connect(address)


def test_workers_with_another_wfm_are_refused_naming_them():
    check_worker_versions({"tcp://a:1": "0.1.0"}, "0.1.0", "tcp://s:8786")
    with pytest.raises(ClusterError, match=r"tcp://b:2: 0\.0\.9"):
        check_worker_versions({"tcp://a:1": "0.1.0", "tcp://b:2": "0.0.9"}, "0.1.0", "tcp://s")
    with pytest.raises(ClusterError, match="no workers"):
        check_worker_versions({}, "0.1.0", "tcp://s")


def test_the_environment_and_centre_choose_the_cluster_after_the_option(monkeypatch):
    monkeypatch.delenv("WFM_DASK_SCHEDULER", raising=False)
    assert isinstance(executor_for(None), LocalExecutor)
    monkeypatch.setenv("WFM_DASK_SCHEDULER", "nonsense")
    with pytest.raises(ClusterError, match="not a scheduler address"):
        executor_for(None)
    monkeypatch.delenv("WFM_DASK_SCHEDULER")
    with pytest.raises(ClusterError, match="not a scheduler address"):
        executor_for(None, centre_cluster="also-nonsense")


def fail_with_input_error(calls_file: str) -> None:
    from wfm.errors import InputError

    with open(calls_file, "a") as handle:
        handle.write("call\n")
    raise InputError("no rota for this group", fix="give it more agents")


@pytest.mark.slow
def test_a_wfm_error_in_a_task_comes_back_once_without_retries(local_cluster, tmp_path):
    from wfm.errors import InputError

    calls = tmp_path / "calls.txt"
    with pytest.raises(InputError, match="no rota for this group"):
        local_cluster.map(fail_with_input_error, [(str(calls),)])
    assert calls.read_text().count("call") == 1  # not retried: it would fail the same way
