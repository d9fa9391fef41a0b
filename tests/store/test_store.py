"""Store: migrations, round trips, transactional writes, concurrent writers, audit trail."""

import datetime as dt
import getpass
import inspect
import json
import threading

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

import wfm.store.audit as audit_module
import wfm.store.repository as repository
from wfm.data.agents import read_agents
from wfm.data.history import read_history
from wfm.data.output_files import read_rota
from wfm.data.states import read_agent_states
from wfm.store import SCHEMA_VERSION, audit_log, init, open_store, status, upgrade, write_audit_csv
from wfm.store import schema as tables
from wfm.store.migrations import MIGRATIONS, SchemaError

TIMEZONE = "Europe/London"


def interval_frame(n: int = 8, offset: int = 0) -> pd.DataFrame:
    """Crosses the spring DST change in London, with NaN, ints, bools, text and dates."""
    starts = pd.date_range("2026-03-29 00:00", periods=n, freq="30min", tz=TIMEZONE)
    return pd.DataFrame(
        {
            "interval_start": starts,
            "queue": ["sales", "service"] * (n // 2),
            "offered": np.arange(n, dtype="int64") + offset,
            "aht_seconds": [np.nan] + [300.5 + i for i in range(n - 1)],
            "open": [True, False] * (n // 2),
            "date": [t.date() for t in starts],
        }
    )


# --- migrations --------------------------------------------------------------------------
def test_empty_database_migrates_to_current_version(empty_store_url):
    url = empty_store_url
    before = status(url)
    assert before.version == 0 and before.current == SCHEMA_VERSION == len(MIGRATIONS)
    assert len(before.pending) == len(MIGRATIONS) and not before.up_to_date

    after = init(url)
    assert after.version == SCHEMA_VERSION and after.pending == () and after.up_to_date
    assert status(url).version == SCHEMA_VERSION
    with open_store(url).connect() as conn:
        versions = conn.execute(select(tables.schema_version.c.version)).scalars().all()
    assert sorted(versions) == [n for n, _, _ in MIGRATIONS]
    assert upgrade(url).version == SCHEMA_VERSION  # idempotent: nothing applied twice


def test_partial_database_gets_only_pending_migrations(empty_store_url):
    url = empty_store_url
    engine = open_store(url)
    with engine.begin() as conn:  # a store left at version 1
        tables.metadata.create_all(conn, tables=[tables.schema_version])
        MIGRATIONS[0][2](conn)
        conn.execute(
            tables.schema_version.insert().values(
                version=1, description="x", applied_at="2026-01-01"
            )
        )
    assert status(url).version == 1 and len(status(url).pending) == len(MIGRATIONS) - 1
    assert upgrade(url).version == SCHEMA_VERSION


def test_writes_need_a_current_schema(empty_store_url):
    with pytest.raises(SchemaError, match="wfm db init"):
        repository.save_dataset(empty_store_url, "forecast", "forecast", interval_frame())


# --- round trips -------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["forecast", "requirements"])
def test_interval_frames_round_trip_with_time_zones(store_url, kind):
    frame = interval_frame()
    dataset_id = repository.save_dataset(store_url, kind, kind, frame, actor="ana")
    loaded, _ = repository.load_dataset(store_url, dataset_id, kind)
    pd.testing.assert_frame_equal(loaded, frame)
    assert str(loaded["interval_start"].dt.tz) == TIMEZONE
    assert loaded["interval_start"].dt.strftime("%z").tolist()[:3] == ["+0000", "+0000", "+0100"]
    assert loaded["interval_start"].dt.strftime("%z").iloc[-1] == "+0100"  # after the change


def test_scenario_round_trip_keeps_settings(store_url):
    frame = interval_frame()
    settings = {"aht_change_fraction": 0.1, "queues": ["sales"]}
    dataset_id = repository.save_dataset(store_url, "scenario", "aht+10%", frame, settings)
    loaded, meta = repository.load_dataset(store_url, dataset_id, "scenario")
    pd.testing.assert_frame_equal(loaded, frame)
    assert meta == settings
    with pytest.raises(Exception, match="no forecast with id"):
        repository.load_dataset(store_url, dataset_id, "forecast")[
            0
        ]  # a scenario is not a forecast


def test_history_round_trip(store_url, sample_dir):
    history = read_history(sample_dir / "history.csv", timezone=TIMEZONE)
    loaded = repository.load_history(store_url, repository.save_history(store_url, history))
    pd.testing.assert_frame_equal(
        loaded.frame.reset_index(drop=True), history.frame.reset_index(drop=True)
    )
    assert (loaded.interval_minutes, loaded.timezone, loaded.source) == (
        history.interval_minutes,
        history.timezone,
        history.source,
    )


def test_agents_round_trip(store_url, sample_dir):
    agents = read_agents(sample_dir / "agents.csv")
    assert repository.save_agents(store_url, agents) == len(agents)
    assert repository.load_agents(store_url) == tuple(sorted(agents, key=lambda a: a.agent_id))
    repository.save_agents(store_url, agents[:2])  # the list is replaced, not appended to
    assert len(repository.load_agents(store_url)) == 2


def test_state_log_round_trip(store_url, sample_dir):
    log = read_agent_states(sample_dir / "agent_states.csv", timezone=TIMEZONE)
    assert repository.save_state_log(store_url, log) == len(log.frame)
    loaded = repository.load_state_log(store_url, TIMEZONE)
    columns = ["agent_id", "state", "start", "end"]
    expected = log.frame[columns].sort_values(["agent_id", "start"]).reset_index(drop=True)
    for column in ("start", "end"):
        expected[column] = expected[column].dt.as_unit("us")
        loaded.frame[column] = loaded.frame[column].dt.as_unit("us")
    pd.testing.assert_frame_equal(loaded.frame[columns], expected)


def rota_and_coverage(sample_dir):
    rota = read_rota(sample_dir / "published_rota.csv", TIMEZONE)
    coverage = (
        interval_frame()
        .drop(columns=["open", "date"])
        .rename(columns={"offered": "agents_scheduled"})
    )
    return rota, coverage


def test_rota_version_round_trip(store_url, sample_dir):
    rota, coverage = rota_and_coverage(sample_dir)
    summary = {"status": "optimal", "objective": 12.5, "gap": None}
    version_id = repository.save_rota(
        store_url, rota, coverage, summary, name="week 43", start_date=dt.date(2026, 10, 19)
    )
    version = repository.load_rota(store_url, version_id)
    pd.testing.assert_frame_equal(version.rota, rota.reset_index(drop=True))
    pd.testing.assert_frame_equal(version.coverage, coverage)
    assert version.solve_summary == summary
    assert (version.status, version.name, version.start_date) == (
        "draft",
        "week 43",
        dt.date(2026, 10, 19),
    )


def test_rota_lifecycle_draft_edit_publish_delete(store_url, sample_dir):
    rota, coverage = rota_and_coverage(sample_dir)
    version_id = repository.save_rota(store_url, rota, coverage, actor="ana")
    edited = rota.iloc[:10].reset_index(drop=True)
    repository.edit_rota(store_url, version_id, edited, note="swap", actor="ben")
    pd.testing.assert_frame_equal(repository.load_rota(store_url, version_id).rota, edited)
    repository.publish_rota(store_url, version_id, actor="cy")
    assert repository.load_rota(store_url, version_id).status == "published"
    with pytest.raises(Exception, match="cannot be edited"):
        repository.edit_rota(store_url, version_id, rota)
    frames_before = repository.count_rows(store_url, "frames")
    repository.delete_rota(store_url, version_id, actor="cy")
    assert repository.list_rota_versions(store_url).empty
    assert repository.count_rows(store_url, "frames") == frames_before - 2
    log = audit_log(store_url)
    assert log["action"].tolist() == [
        "rota_generated",
        "rota_edited",
        "rota_published",
        "rota_deleted",
    ]
    assert log["actor"].tolist() == ["ana", "ben", "cy", "cy"]
    assert set(log["object_id"]) == {str(version_id)}


# --- transactional writes ----------------------------------------------------------------
def test_failed_edit_leaves_previous_version_and_no_audit_entry(store_url, sample_dir, monkeypatch):
    rota, coverage = rota_and_coverage(sample_dir)
    version_id = repository.save_rota(store_url, rota, coverage)
    counts = {t: repository.count_rows(store_url, t) for t in ("frames", "frame_rows", "audit_log")}

    real_save_frame = repository.save_frame

    def save_then_die(conn, frame):  # the new rows are written, then the process "dies"
        real_save_frame(conn, frame)
        raise RuntimeError("killed halfway")

    monkeypatch.setattr(repository, "save_frame", save_then_die)
    with pytest.raises(RuntimeError, match="killed halfway"):
        repository.edit_rota(store_url, version_id, rota.iloc[:3])
    monkeypatch.undo()

    version = repository.load_rota(store_url, version_id)
    pd.testing.assert_frame_equal(version.rota, rota.reset_index(drop=True))
    assert {t: repository.count_rows(store_url, t) for t in counts} == counts


def test_failed_audit_write_rolls_back_the_change(store_url, monkeypatch):
    first = repository.save_dataset(store_url, "forecast", "forecast", interval_frame())

    def die(*args, **kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(repository, "record", die)
    with pytest.raises(RuntimeError):
        repository.save_dataset(store_url, "forecast", "forecast", interval_frame(offset=100))
    monkeypatch.undo()
    assert repository.list_datasets(store_url)["id"].tolist() == [first]
    assert len(audit_log(store_url)) == 1
    assert repository.count_rows(store_url, "frames") == 1


KILLED_WRITER_SCRIPT = """
import sys
import time

import pandas as pd

import wfm.store.repository as repository


def stall(*args, **kwargs):  # the frame rows are written; the audit entry never is
    print("written", flush=True)
    time.sleep(600)


repository.record = stall
frame = pd.DataFrame({"queue": ["q"] * 500, "offered": range(500)})
repository.save_dataset(sys.argv[1], "forecast", "killed", frame)
"""


def test_a_writer_killed_halfway_through_its_transaction_leaves_nothing(store_url):
    """SIGKILL in the middle of a write: its rows vanish, and the store stays writable."""
    import signal
    import subprocess
    import sys

    first = repository.save_dataset(store_url, "forecast", "forecast", interval_frame())
    counts = {t: repository.count_rows(store_url, t) for t in ("frames", "frame_rows", "audit_log")}
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER_SCRIPT, store_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, writer.kill)  # never hang the suite
    watchdog.start()
    try:
        line = writer.stdout.readline()
        assert line.strip() == "written", writer.stderr.read()
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
    finally:
        watchdog.cancel()
        writer.kill()
        writer.stdout.close()
        writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL

    assert {t: repository.count_rows(store_url, t) for t in counts} == counts
    second = repository.save_dataset(
        store_url, "forecast", "forecast", interval_frame(offset=1)
    )  # not locked out
    assert repository.list_datasets(store_url)["id"].tolist() == [first, second]
    assert audit_log(store_url)["action"].tolist() == ["forecast_run", "forecast_run"]


# --- concurrency -------------------------------------------------------------------------
def test_two_concurrent_writers_lose_nothing(store_url):
    errors = []
    start = threading.Barrier(2)

    def writer(name: str) -> None:
        engine = open_store(store_url)  # each writer its own engine and connections
        start.wait()
        try:
            for i in range(50):
                repository.save_dataset(
                    engine, "forecast", name, interval_frame(4, offset=i), actor=name
                )
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    datasets = repository.list_datasets(store_url)
    assert datasets.groupby("name").size().to_dict() == {"w1": 50, "w2": 50}
    assert datasets["rows"].sum() == 400
    log = audit_log(store_url)
    assert len(log) == 100 and log["id"].is_unique
    if store_url.startswith("sqlite"):
        with open_store(store_url).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


WRITER_SCRIPT = """
import sys
import pandas as pd
from wfm.store.repository import save_dataset

url, name = sys.argv[1], sys.argv[2]
for i in range(50):
    frame = pd.DataFrame({"queue": [name], "offered": [i]})
    save_dataset(url, "forecast", name, frame, actor=name)
"""


@pytest.mark.slow
def test_two_concurrent_writer_processes_lose_nothing(store_url):
    import subprocess
    import sys

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, store_url, name],
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("p1", "p2")
    ]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    datasets = repository.list_datasets(store_url)
    assert datasets.groupby("name").size().to_dict() == {"p1": 50, "p2": 50}
    assert len(audit_log(store_url)) == 100


# --- audit trail -------------------------------------------------------------------------
def test_audit_log_is_append_only_and_ordered(store_url, tmp_path):
    repository.save_dataset(store_url, "forecast", "forecast", interval_frame())
    repository.save_dataset(
        store_url, "requirements", "requirements", interval_frame(), actor="ana"
    )
    repository.save_agents(store_url, [])
    log = audit_log(store_url)
    assert log["action"].tolist() == ["forecast_run", "requirements_saved", "agents_saved"]
    assert log["id"].is_monotonic_increasing and log["at"].is_monotonic_increasing
    assert str(log["at"].dt.tz) == "UTC"
    assert log["actor"].tolist() == [getpass.getuser(), "ana", getpass.getuser()]
    assert json.loads(log["details"].iloc[0]) == {"name": "forecast", "rows": 8}

    # No API changes an entry: nothing in the store's modules updates or deletes audit rows.
    for module in (audit_module, repository):
        source = inspect.getsource(module)
        assert "update(schema.audit_log" not in source and "delete(schema.audit_log" not in source
    public = [name for name in dir(audit_module) if not name.startswith("_")]
    assert not [
        name for name in public if any(w in name for w in ("update", "delete", "remove", "edit"))
    ]

    path = tmp_path / "audit.csv"
    assert write_audit_csv(store_url, path) == 3
    exported = pd.read_csv(path)
    assert exported["action"].tolist() == log["action"].tolist()
    assert exported["at"].str.endswith("+00:00").all()


def test_unknown_audit_action_is_refused(store_url):
    with (
        open_store(store_url).begin() as conn,
        pytest.raises(ValueError, match="unknown audit action"),
    ):
        audit_module.record(conn, "rewrite_history", "x", 1)


# --- servers -----------------------------------------------------------------------------
def test_a_server_that_is_not_there_is_a_user_error_without_the_password():
    pytest.importorskip("psycopg")
    from wfm.errors import InputError

    url = "postgresql+psycopg://wfm:secret@127.0.0.1:1/wfm"  # port 1: nothing listens
    with pytest.raises(InputError, match="cannot connect to the database") as caught:
        status(url)
    assert "secret" not in str(caught.value) and "wfm:***@127.0.0.1:1" in str(caught.value)
