"""`wfm schedule --shift-demand`: demand per day and shift type instead of a requirements CSV
(issue 17), with what was covered in shift_cover.csv, and bad input as exit 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import (
    Centre,
    Contract,
    QueueConfig,
    SchedulingSettings,
    ShiftTemplate,
    ShiftType,
)
from wfm.config_toml import centre_toml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def write_centre(tmp_path) -> str:
    templates = tuple(
        ShiftTemplate(
            name=name, days=DAYS, earliest_start=start, latest_start=start, lengths_minutes=(480,)
        )
        for name, start in (("early", "06:00"), ("late", "14:00"))
    )
    centre = Centre(
        name="shift demand centre",
        timezone="Europe/London",
        interval_minutes=30,
        opening_hours=dict.fromkeys(DAYS, "06:00-22:00"),
        close_on_holidays=False,
        queues=(QueueConfig(name="sales"),),
        shift_templates=templates,
        contracts=(
            Contract(
                name="c",
                max_days_per_week=7,
                max_hours_per_week=60,
                min_consecutive_days_off=0,
                max_consecutive_working_days=14,
                min_rest_hours=0,
            ),
        ),
        shift_types=(
            ShiftType(name="early", start_from="05:00", start_until="09:00"),
            ShiftType(name="late", start_from="13:00", start_until="18:00"),
        ),
        scheduling=SchedulingSettings(time_limit_seconds=300, relative_gap=0.0),
        agents=tmp_path / "agents.csv",
    )
    (tmp_path / "agents.csv").write_text(
        "agent_id,name,team,contract,queues\nA1,Ann,t,c,sales\nA2,Bo,t,c,sales\n", encoding="utf-8"
    )
    path = tmp_path / "centre.toml"
    path.write_text(centre_toml(centre), encoding="utf-8")
    return str(path)


def test_schedule_covers_a_demand_per_day_and_shift_type(tmp_path, capsys):
    # Two agents. Monday wants 2 early and 1 late (one short: 80), Tuesday 1 late: 3 shifts
    # of 8 paid hours (24) + 80 = 104.
    centre = write_centre(tmp_path)
    demand = tmp_path / "demand.csv"
    demand.write_text("day,shift_type,agents\nmon,early,2\nmon,late,1\ntue,late,1\n", "utf-8")
    out = tmp_path / "out"
    code = main(
        ["schedule", "--centre", centre, "--shift-demand", str(demand), "--start-date",
         "2025-06-02", "-o", str(out), "-q"]
    )  # fmt: skip
    assert code == 0
    cover = pd.read_csv(out / "shift_cover.csv")
    assert cover[["date", "shift_type", "agents_wanted", "agents_scheduled"]].values.tolist() == [
        ["2025-06-02", "early", 2.0, 2],
        ["2025-06-02", "late", 1.0, 0],
        ["2025-06-03", "late", 1.0, 1],
    ]
    summary = pd.read_json(out / "solve_summary.json", typ="series")
    assert summary["objective"] == pytest.approx(104.0)
    assert "3 of 4 agents covered, 1 short" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "extra", "words"),
    [
        ("day,shift_type,agents\nmon,evening,2\n", ["--start-date", "2025-06-02"], "evening"),
        (
            "day,shift_type,agents\nmon,early,2\nmon,early,3\n",
            ["--start-date", "2025-06-02"],
            "line 3",
        ),
        ("day,shift_type,agents\nmon,early,2\n", [], "--start-date"),
    ],
)
def test_bad_shift_demand_exits_2_with_the_file_line_and_fix(tmp_path, capsys, text, extra, words):
    centre = write_centre(tmp_path)
    demand = tmp_path / "demand.csv"
    demand.write_text(text, "utf-8")
    out = tmp_path / "out"
    code = main(
        [
            "schedule",
            "--centre",
            centre,
            "--shift-demand",
            str(demand),
            "-o",
            str(out),
            "-q",
            *extra,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (out / "rota.csv").exists()


def test_schedule_without_any_demand_is_exit_2(tmp_path, capsys):
    centre = write_centre(tmp_path)
    code = main(["schedule", "--centre", centre, "-o", str(tmp_path / "out"), "-q"])
    assert code == 2
    assert "--shift-demand" in capsys.readouterr().err


def test_plan_refuses_a_shift_demand_before_the_long_run(tmp_path, capsys):
    # The sample centre defines no shift types: the file cannot be read, exit 2 at once.
    demand = tmp_path / "demand.csv"
    demand.write_text("day,shift_type,agents\nmon,early,2\n", "utf-8")
    sample = Path(__file__).resolve().parents[2] / "data" / "sample" / "centre.toml"
    code = main(
        ["plan", "--centre", str(sample), "--shift-demand", str(demand), "-o",
         str(tmp_path / "out"), "-q"]
    )  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "shift types" in err and "[[shift_types]]" in err
    assert not (tmp_path / "out" / "rota.csv").exists()


def test_schedule_continues_the_runs_of_the_previous_rota(tmp_path):
    # At most 3 working days in a row. Last week's rota has both agents on Fri, Sat and Sun;
    # this week wants 1 early agent on Monday. With --previous-rota neither may work Monday
    # (a fourth day in a row): the agent goes short, 80 (without it one shift, 8).
    centre_path = write_centre(tmp_path)
    text = (tmp_path / "centre.toml").read_text(encoding="utf-8")
    text = text.replace("max_consecutive_working_days = 14", "max_consecutive_working_days = 3")
    (tmp_path / "centre.toml").write_text(text, encoding="utf-8")
    previous = tmp_path / "previous.csv"
    rows = ["agent_id,date,activity,start,end"]
    for agent in ("A1", "A2"):
        for date in ("2025-05-30", "2025-05-31", "2025-06-01"):
            rows.append(f"{agent},{date},work,{date}T06:00:00+01:00,{date}T14:00:00+01:00")
    previous.write_text("\n".join(rows) + "\n", encoding="utf-8")
    demand = tmp_path / "demand.csv"
    demand.write_text("day,shift_type,agents\nmon,early,1\n", "utf-8")
    out = tmp_path / "out"
    code = main(
        ["schedule", "--centre", centre_path, "--shift-demand", str(demand), "--start-date",
         "2025-06-02", "--previous-rota", str(previous), "-o", str(out), "-q"]
    )  # fmt: skip
    assert code == 0
    assert pd.read_csv(out / "rota.csv").empty
    summary = pd.read_json(out / "solve_summary.json", typ="series")
    assert summary["objective"] == pytest.approx(80.0)
