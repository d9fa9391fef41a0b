"""Privacy: retention purge of state events, pseudonymised exports."""

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import select

import wfm.store.repository as repository
from wfm.data.output_files import read_rota
from wfm.data.states import StateLog, StateLogReport
from wfm.errors import InputError
from wfm.store import audit_log, open_store
from wfm.store import schema as tables
from wfm.store.privacy import (
    pseudonym,
    pseudonymise_frame,
    pseudonymised_rota,
    purge_state_events,
    store_salt,
)

TIMEZONE = "Europe/London"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def state_log(ends_days_ago: list[float]) -> StateLog:
    """One 10-minute event per entry, ending that many days before NOW."""
    ends = pd.Series(
        [pd.Timestamp(NOW) - pd.Timedelta(days=d) for d in ends_days_ago]
    ).dt.tz_convert(TIMEZONE)
    frame = pd.DataFrame(
        {
            "agent_id": [f"A{i:03d}" for i in range(len(ends))],
            "state": "available",
            "start": ends - pd.Timedelta(minutes=10),
            "end": ends,
        }
    )
    return StateLog(frame, TIMEZONE, StateLogReport())


def stored_ends_days_ago(url: str) -> list[float]:
    with open_store(url).connect() as conn:
        ends = conn.execute(select(tables.agent_state_events.c.end_epoch_us)).scalars().all()
    now_us = pd.Timestamp(NOW).value // 1000
    return sorted(round((now_us - end) / 86_400e6, 6) for end in ends)


def test_purge_removes_exactly_the_events_older_than_the_cutoff(store_url):
    # 90-day retention: 4 events ended before the cutoff (>90 days), 4 on or after it.
    ages = [400, 120, 90.5, 90.0001, 90, 89.9999, 30, 0]
    repository.save_state_log(store_url, state_log(ages))
    assert repository.count_rows(store_url, "agent_state_events") == 8

    result = purge_state_events(store_url, 90, now=NOW, actor="dpo")

    assert (result.events_before, result.events_purged, result.events_after) == (8, 4, 4)
    assert repository.count_rows(store_url, "agent_state_events") == 4
    assert stored_ends_days_ago(store_url) == [0, 30, 89.9999, 90]  # the boundary event is kept
    entry = audit_log(store_url).iloc[-1]
    assert (entry["action"], entry["actor"], entry["object_type"]) == (
        "purge",
        "dpo",
        "agent_state_events",
    )
    details = json.loads(entry["details"])
    assert (details["events_before"], details["events_purged"], details["events_after"]) == (
        8,
        4,
        4,
    )

    again = purge_state_events(store_url, 90, now=NOW)  # nothing left to purge
    assert (again.events_before, again.events_purged) == (4, 0)


def test_purge_dry_run_deletes_nothing_and_writes_no_audit_entry(store_url):
    repository.save_state_log(store_url, state_log([200, 100, 1]))
    entries = len(audit_log(store_url))
    result = purge_state_events(store_url, 30, now=NOW, dry_run=True)
    assert (result.events_purged, result.events_after, result.dry_run) == (2, 3, True)
    assert repository.count_rows(store_url, "agent_state_events") == 3
    assert len(audit_log(store_url)) == entries


def test_purge_leaves_other_data_alone(store_url, sample_dir):
    rota = read_rota(sample_dir / "published_rota.csv", TIMEZONE)  # October 2026: > 30 days old
    repository.save_rota(store_url, rota, rota[["agent_id"]])
    repository.save_state_log(store_url, state_log([365]))
    purge_state_events(store_url, 30, now=NOW)
    assert repository.count_rows(store_url, "agent_state_events") == 0
    assert len(repository.load_rota(store_url, 1).rota) == len(rota)


@pytest.mark.parametrize("days", [0, -5])
def test_purge_needs_a_positive_retention(store_url, days):
    with pytest.raises(InputError, match="positive"):
        purge_state_events(store_url, days, now=NOW)


def test_pseudonyms_stable_within_an_install_and_different_across_salts(tmp_path, store_url):
    from wfm.store import init

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    init(other_url)
    salt, other_salt = store_salt(store_url), store_salt(other_url)
    assert salt == store_salt(store_url) and len(salt) == 32
    assert salt != other_salt

    ids = [f"A{i:03d}" for i in range(200)]
    names = [pseudonym(agent, salt) for agent in ids]
    assert names == [pseudonym(agent, salt) for agent in ids]  # stable
    assert len(set(names)) == len(ids)  # one-to-one on a centre's ids
    assert all(len(name) == 16 and int(name, 16) >= 0 for name in names)
    assert not set(names) & {pseudonym(agent, other_salt) for agent in ids}  # not linkable


def test_pseudonymised_rota_export(store_url, sample_dir):
    rota = read_rota(sample_dir / "published_rota.csv", TIMEZONE)
    rota["name"] = "Someone"
    version_id = repository.save_rota(store_url, rota, rota[["agent_id"]])
    exported = pseudonymised_rota(store_url, version_id)
    assert "name" not in exported.columns
    assert not set(exported["agent_id"]) & set(rota["agent_id"])
    salt = store_salt(store_url)
    assert exported["agent_id"].tolist() == [pseudonym(a, salt) for a in rota["agent_id"]]
    pd.testing.assert_frame_equal(
        exported.drop(columns="agent_id"),
        rota.drop(columns=["agent_id", "name"]).reset_index(drop=True),
    )
    assert pseudonymised_rota(store_url, version_id).equals(exported)  # same install, same export


def test_pseudonymise_frame_does_not_modify_its_input():
    frame = pd.DataFrame(
        {"agent_id": ["A1", "A2", "A1"], "name": ["x", "y", "x"], "adherence": [0.9, 0.8, 0.7]}
    )
    copy = frame.copy()
    result = pseudonymise_frame(frame, b"s")
    pd.testing.assert_frame_equal(frame, copy)
    assert result["agent_id"].iloc[0] == result["agent_id"].iloc[2] != result["agent_id"].iloc[1]
