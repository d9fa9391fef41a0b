"""Accepted changes round-trip through the store and the audit trail; bad accept input is
refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.io import write_csv_atomic
from wfm.data.output_files import read_rota
from wfm.errors import InputError
from wfm.intraday.accept import StaleSuggestionsError, publish_changes, read_suggestions
from wfm.plan.workspace import Workspace

CENTRE = load_centre("data/sample/centre.toml")
TZ = CENTRE.timezone
DAY = dt.date(2026, 10, 20)
QUEUES = {"A003": ("sales",), "A009": ("sales", "support"), "A001": ("sales",)}


@pytest.fixture()
def store(tmp_path):
    """A store with the sample's published rota for the week of 20 Oct 2026."""
    ws = Workspace.open(f"sqlite:///{tmp_path / 'wfm.db'}", actor="planner")
    rota = read_rota("data/sample/published_rota.csv", TZ)
    week = rota[(rota["date"] >= dt.date(2026, 10, 19)) & (rota["date"] <= dt.date(2026, 10, 25))]
    version = ws.save_rota(week.reset_index(drop=True), pd.DataFrame(), name="week 43")
    ws.publish_rota(version)
    return ws, version, week


def t(hm: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-10-20 {hm}", tz=TZ)


def overtime_and_call_in(week) -> pd.DataFrame:
    a009 = week[(week["agent_id"] == "A009") & (week["date"] == DAY)]
    end = a009["end"].max()
    return pd.DataFrame(
        [
            {
                "change_id": 1,
                "agent_id": "A009",
                "kind": "overtime",
                "activity": "work",
                "old_start": end,
                "old_end": end,
                "new_start": end,
                "new_end": end + pd.Timedelta(hours=1),
                "agent_activities": 1,
                "cost": 6.5,
            },
            {
                "change_id": 2,
                "agent_id": "A001",
                "kind": "call_in",
                "activity": "work",
                "old_start": t("17:00"),
                "old_end": t("17:00"),
                "new_start": t("17:00"),
                "new_end": t("20:00"),
                "agent_activities": 1,
                "cost": 14.5,
            },
        ]
    )


def test_accepted_changes_become_a_new_published_version_with_the_audit_trail(store):
    ws, base, week = store
    changes = overtime_and_call_in(week)
    published = publish_changes(
        ws.url, base, DAY, changes, timezone=TZ, queues_by_agent=QUEUES, interval_minutes=15
    )
    versions = ws.rota_versions().set_index("id")
    assert versions.loc[published.version_id, "status"] == "published"
    assert versions.loc[base, "status"] == "published"  # the old one stays, unchanged
    new = ws.rota(published.version_id).rota
    old = ws.rota(base).rota

    # Other days and other agents are untouched; A009 ends an hour later; A001 works 17-20.
    def day_rows(rota, agent):
        own = rota[(rota["agent_id"] == agent)]
        return own[[pd.Timestamp(d).date() == DAY for d in own["date"]]]

    assert len(new) == len(old) + 1
    assert day_rows(new, "A009")["end"].max() == day_rows(old, "A009")["end"].max() + pd.Timedelta(
        hours=1
    )
    assert day_rows(new, "A001")[["activity", "start", "end"]].values.tolist() == [
        ["work", t("17:00"), t("20:00")]
    ]
    untouched = ~new["agent_id"].isin(["A001", "A009"])
    pd.testing.assert_frame_equal(
        new[untouched].reset_index(drop=True),
        old[~old["agent_id"].isin(["A001", "A009"])].reset_index(drop=True),
        check_dtype=False,
    )
    audit = ws.audit()
    mine = audit[audit["object_id"] == str(published.version_id)]
    assert mine["action"].tolist() == ["rota_generated", "rota_edited", "rota_published"]
    details = json.loads(mine.iloc[1]["details"])
    assert details["base_version"] == base and details["day"] == "2026-10-20"
    assert "A009 overtime" in details["note"] and "A001 call in 17:00-20:00" in details["note"]
    assert [c["agent_id"] for c in details["changes"]] == ["A009", "A001"]


def test_stale_suggestions_and_unknown_agents_are_refused_and_nothing_is_stored(store):
    ws, base, week = store
    changes = overtime_and_call_in(week)
    first = publish_changes(
        ws.url,
        base,
        DAY,
        changes.iloc[[0]],
        timezone=TZ,
        queues_by_agent=QUEUES,
        interval_minutes=15,
    )
    before = (len(ws.rota_versions()), len(ws.audit()))
    with pytest.raises(StaleSuggestionsError, match=f"now version {first.version_id}"):
        publish_changes(
            ws.url, base, DAY, changes, timezone=TZ, queues_by_agent=QUEUES, interval_minutes=15
        )
    ghost = changes.iloc[[1]].assign(agent_id="Z999")
    with pytest.raises(Exception, match="Z999"):
        publish_changes(
            ws.url,
            first.version_id,
            DAY,
            ghost,
            timezone=TZ,
            queues_by_agent=QUEUES,
            interval_minutes=15,
        )

    # A file written inside the transaction that fails leaves nothing stored either.
    def fail(_):
        raise OSError("disk full")

    with pytest.raises(OSError):
        publish_changes(
            ws.url,
            first.version_id,
            DAY,
            changes.iloc[[1]],
            timezone=TZ,
            queues_by_agent=QUEUES,
            interval_minutes=15,
            before_commit=fail,
        )
    assert (len(ws.rota_versions()), len(ws.audit())) == before


def test_cli_accept_publishes_a_suggestions_file_and_refuses_bad_ones(store, tmp_path, capsys):
    ws, base, week = store
    suggestions = overtime_and_call_in(week).assign(rota_version=base)
    path = tmp_path / "suggestions.csv"
    suggestions.to_csv(path, index=False)
    common = ["intraday", "accept", "--centre", "data/sample/centre.toml", "--store", ws.url]
    # An unknown agent: exit 2, nothing written, nothing stored.
    bad = tmp_path / "bad.csv"
    suggestions.assign(agent_id=["A009", "NOBODY"]).to_csv(bad, index=False)
    assert main([*common, "--suggestions", str(bad), "-o", str(tmp_path / "o1")]) == 2
    assert "NOBODY" in capsys.readouterr().err
    assert not (tmp_path / "o1").exists() and len(ws.rota_versions()) == 1
    # A bad timestamp names its line and column.
    broken = tmp_path / "broken.csv"
    suggestions.astype({"new_end": str}).assign(new_end=["soon", "later"]).to_csv(
        broken, index=False
    )
    assert main([*common, "--suggestions", str(broken), "-o", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err
    assert "new_end" in err and "soon" in err and "line 2" in err
    # Accept change 1 only.
    assert (
        main([*common, "--suggestions", str(path), "--accept", "1", "-o", str(tmp_path / "ok")])
        == 0
    )
    changes = read_suggestions(tmp_path / "ok" / "changes.csv", TZ)
    assert changes["agent_id"].tolist() == ["A009"]
    assert len(ws.rota_versions()) == 2
    # The same file again is stale now: exit 2, nothing written.
    assert main([*common, "--suggestions", str(path), "-o", str(tmp_path / "o3")]) == 2
    assert "re-run" in capsys.readouterr().err
    assert not (tmp_path / "o3").exists() and len(ws.rota_versions()) == 2


def test_read_suggestions_goes_through_the_csv_readers(store, tmp_path):
    _, _, week = store
    suggestions = overtime_and_call_in(week).assign(cost=[6.5, -12.0])
    # wfm's writer quotes a text cell that starts like a formula; the reader undoes it.
    suggestions.loc[1, "activity"] = "=work"
    good = tmp_path / "good.csv"
    write_csv_atomic(suggestions, good)
    assert "'=work" in good.read_text()
    read = read_suggestions(good, TZ)
    assert read["activity"].tolist() == ["work", "=work"]
    assert read["cost"].tolist() == [6.5, -12.0]  # VTO saves pay: a cost may be negative
    pd.testing.assert_series_equal(
        read["new_end"], suggestions["new_end"].dt.tz_convert(TZ), check_names=False
    )
    # Semicolons, as a spreadsheet in a decimal-comma locale saves them: the same rows.
    semi = tmp_path / "semi.csv"
    semi.write_text(good.read_text().replace(",", ";"))
    pd.testing.assert_frame_equal(read_suggestions(semi, TZ), read)
    # A row with more cells than the header names its line.
    lines = good.read_text().splitlines()
    extra = tmp_path / "extra.csv"
    extra.write_text("\n".join([lines[0], lines[1] + ",surplus", lines[2]]) + "\n")
    with pytest.raises(InputError, match="line 2"):
        read_suggestions(extra, TZ)
    # A cost that is not a number names its line, column and value.
    text = good.read_text().splitlines()
    text[2] = text[2].replace("-12.0", "lots")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(InputError) as caught:
        read_suggestions(bad, TZ)
    message = str(caught.value)
    assert "line 3" in message and "cost" in message and "lots" in message
