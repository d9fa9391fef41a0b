"""`wfm plan`'s result lines name the weeks planned (a 4-week rota said "week of")."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from wfm.cli import main


def fake_result(start_date: dt.date) -> SimpleNamespace:
    summary = pd.DataFrame(
        [
            {
                "queue": "all",
                "offered": 1000.0,
                "required_agent_hours": 10.0,
                "service_level": 0.8,
                "intervals_under_staffed": 0,
                "intervals": 4,
            }
        ]
    )
    rota = SimpleNamespace(summary=SimpleNamespace(describe=lambda: "optimal"))
    return SimpleNamespace(summary=summary, rota=rota, start_date=start_date, compliance=[])


@pytest.mark.parametrize(
    "horizon_days,period", [(7, "week of"), (10, "2 weeks from"), (28, "4 weeks from")]
)
def test_plan_says_how_many_weeks_it_planned(
    tmp_path, monkeypatch, capsys, sample_centre_path, horizon_days, period
):
    import wfm.plan.chain as chain

    text = sample_centre_path.read_text(encoding="utf-8")
    assert "horizon_days = 7" in text
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "centre"
    folder.mkdir()
    for path in sample_centre_path.parent.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    centre = folder / "centre.toml"
    centre.write_text(
        text.replace("horizon_days = 7", f"horizon_days = {horizon_days}"), encoding="utf-8"
    )
    start = dt.date(2026, 11, 16)
    monkeypatch.setattr(chain, "run_plan", lambda *args, **kwargs: fake_result(start))
    monkeypatch.setattr(chain, "write_plan", lambda *args, **kwargs: {})
    assert main(["plan", "--centre", str(centre), "-q", "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    weeks = -(-horizon_days // 7)
    assert f", {period} 2026-11-16" in out.splitlines()[0]
    over = "the week" if weeks == 1 else f"the {weeks} weeks"
    assert f"within threshold over {over}," in out
