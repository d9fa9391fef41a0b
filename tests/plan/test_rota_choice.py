"""Which stored rota applies to a period (wfm.plan.rota_choice and the workspace's use of it)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.plan.rota_choice import applying, order_versions, rota_dates
from wfm.plan.workspace import Workspace

TZ = "Europe/London"


def coverage(first: str, days: int, queue: str = "sales") -> pd.DataFrame:
    starts = pd.date_range(f"{first} 08:00", periods=days, freq="1D", tz=TZ)
    return pd.DataFrame({"interval_start": starts, "queue": queue, "agents_scheduled": 2.0})


def rota_rows(first: str) -> pd.DataFrame:
    start = pd.Timestamp(f"{first} 08:00", tz=TZ)
    return pd.DataFrame(
        {
            "agent_id": ["A1"],
            "date": [start.date()],
            "activity": ["work"],
            "start": [start],
            "end": [start + pd.Timedelta(hours=8)],
        }
    )


def test_rota_dates_are_local_dates():
    late = pd.DataFrame(
        {"interval_start": [pd.Timestamp("2026-11-16 23:45", tz=TZ).tz_convert("UTC")]}
    )
    assert rota_dates(late, TZ) == (dt.date(2026, 11, 16), dt.date(2026, 11, 16))
    assert rota_dates(late.iloc[:0], TZ) is None


def test_published_before_draft_and_newest_first_among_those_that_overlap():
    spans = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "status": ["published", "draft", "published", "draft"],
            "first_date": [
                dt.date(2026, 11, 9),
                dt.date(2026, 11, 16),
                dt.date(2026, 11, 16),
                None,
            ],
            "last_date": [
                dt.date(2026, 11, 15),
                dt.date(2026, 11, 22),
                dt.date(2026, 11, 22),
                None,
            ],
            "queues": [("sales",), ("sales",), ("calls",), ()],
        }
    )
    assert order_versions(spans)["id"].tolist() == [3, 1, 4, 2]
    week = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert applying(spans, *week)["id"].tolist() == [3, 2]
    assert applying(spans, *week, queues={"sales"})["id"].tolist() == [2]  # 3: another centre
    assert applying(spans, dt.date(2026, 11, 15), dt.date(2026, 11, 16))["id"].tolist() == [3, 1, 2]
    assert applying(spans, dt.date(2027, 1, 1), dt.date(2027, 1, 7)).empty


def test_workspace_finds_the_rota_and_the_forecast_of_a_period(tmp_path):
    ws = Workspace.open(f"sqlite:///{tmp_path / 'w.db'}", actor="t")
    assert ws.rota_for_period(dt.date(2026, 11, 16), dt.date(2026, 11, 22), TZ) is None
    first = ws.save_rota(rota_rows("2026-11-09"), coverage("2026-11-09", 7))
    ws.publish_rota(first)
    draft = ws.save_rota(rota_rows("2026-11-16"), coverage("2026-11-16", 7))
    other = ws.save_rota(rota_rows("2026-11-16"), coverage("2026-11-16", 7, "calls"))
    ws.publish_rota(other)
    spans = ws.rota_spans(TZ)
    assert spans["id"].tolist() == [other, first, draft]
    found = ws.rota_for_period(dt.date(2026, 11, 17), dt.date(2026, 11, 18), TZ, ["sales"])
    assert found.id == draft  # the published rota of that week is another centre's
    assert ws.rota_for_period(dt.date(2026, 11, 17), dt.date(2026, 11, 18), TZ).id == other
    # a version stored without coverage (the Today page's played day) is listed, covering
    # nothing, and never chosen for a period
    bare = ws.save_rota(rota_rows("2026-11-16"), pd.DataFrame())
    ws.publish_rota(bare)
    listed = ws.rota_spans(TZ).set_index("id").loc[bare]
    assert listed["queues"] == () and listed["first_date"] is None
    assert ws.rota_for_period(dt.date(2026, 11, 17), dt.date(2026, 11, 18), TZ).id == other

    past = coverage("2026-11-09", 7).assign(offered=1.0, aht_seconds=100.0)
    future = coverage("2026-11-16", 7).assign(offered=2.0, aht_seconds=100.0)
    past_id = ws.save_forecast(past.drop(columns="agents_scheduled"))
    ws.save_forecast(future.drop(columns="agents_scheduled"))
    saved = ws.covering("forecast", dt.date(2026, 11, 10), dt.date(2026, 11, 11), TZ)
    assert saved.id == past_id  # not the newest: the one covering the period
    assert ws.covering("forecast", dt.date(2027, 1, 1), dt.date(2027, 1, 2), TZ) is None


def test_scenarios_are_one_per_name_and_a_second_save_needs_replace(tmp_path):
    ws = Workspace.open(f"sqlite:///{tmp_path / 'w.db'}", actor="t")
    results = pd.DataFrame({"x": [1.0]})
    first = ws.save_scenario("busy week", results, {"v": 1})
    with pytest.raises(InputError, match="already saved"):
        ws.save_scenario("busy week", results, {"v": 2})
    with pytest.raises(InputError, match="needs a name"):
        ws.save_scenario("  ", results)
    second = ws.save_scenario(" busy week ", results, {"v": 2}, replace=True)
    ws.save_scenario("quiet week", results, {"v": 3})
    listed = ws.scenarios()
    assert listed["name"].tolist() == ["quiet week", "busy week"]
    assert listed.set_index("name").loc["busy week", "id"] == second != first
    assert ws.scenario(second).meta == {"v": 2}
    with pytest.raises(InputError, match="no saved scenario"):
        ws.scenario(10_000)


def test_row_counts_count_every_table_but_the_schema_version(tmp_path):
    ws = Workspace.open(f"sqlite:///{tmp_path / 'w.db'}", actor="t")
    ws.save_scenario("a", pd.DataFrame({"x": [1.0, 2.0]}))
    counts = ws.row_counts()
    assert "schema_version" not in counts
    assert counts["datasets"] == 1 and counts["frame_rows"] == 2
    assert counts["rota_versions"] == 0
