"""`wfm capacity` end to end on the sample centre, and its bad input."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from wfm.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("capacity")
    code = main(
        [
            "capacity",
            "--centre",
            str(SAMPLE / "centre.toml"),
            "--months",
            "12",
            "--scenario",
            "growth:volume=10%",
            "-q",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    return out


@pytest.mark.slow
def test_the_sample_plan_writes_every_file_and_covers_the_horizon(sample_plan):
    for name in (
        "weekly.csv",
        "monthly.csv",
        "by_queue.csv",
        "classes.csv",
        "summary.json",
        "capacity.xlsx",
        "report.html",
        "scenarios.csv",
        "scenario-growth/weekly.csv",
    ):
        assert (sample_plan / name).is_file(), name
    weekly = pd.read_csv(sample_plan / "weekly.csv")
    assert len(weekly) == 53  # 12 average months = 52.2 weeks, rounded up
    assert (weekly["required_fte_p10"] <= weekly["required_fte"] + 1e-9).all()
    assert (weekly["required_fte"] <= weekly["required_fte_p90"] + 1e-9).all()
    # Supply = current + movements + classes; the gap is supply minus the requirement.
    supply = (
        weekly["current_agents_fte"]
        + weekly["movements_fte"]
        + weekly["planned_classes_fte"]
        + weekly["new_classes_fte"]
    )
    assert weekly["supply_fte"].to_numpy() == pytest.approx(supply.to_numpy())
    assert (weekly["gap_fte"] - (weekly["supply_fte"] - weekly["required_fte"])).abs().max() < 1e-9
    # Hiring, overtime and shortfall together cover every week.
    covered = weekly["supply_fte"] + weekly["overtime_fte"] + weekly["shortfall_fte"]
    assert (covered + 1e-6 >= weekly["required_fte"]).all()
    # The sample's spring launch (+15 % sales in March 2027) raises March's volume.
    scenarios = pd.read_csv(sample_plan / "scenarios.csv")
    assert scenarios["scenario"].tolist() == ["base", "growth"]
    assert scenarios.loc[1, "peak_required_fte"] > scenarios.loc[0, "peak_required_fte"]


@pytest.mark.slow
def test_the_report_and_workbook_are_readable_and_hold_no_formula(sample_plan):
    report = (sample_plan / "report.html").read_text()
    assert "<svg" in report and "Hiring classes" in report and "<script" not in report
    with zipfile.ZipFile(sample_plan / "capacity.xlsx") as book:
        sheets = [name for name in book.namelist() if name.startswith("xl/worksheets/")]
        assert len(sheets) == 7
        for name in sheets:
            assert "<f>" not in book.read(name).decode()
    frames = pd.read_excel(sample_plan / "capacity.xlsx", sheet_name=None)
    assert list(frames) == [
        "Summary",
        "Weekly",
        "Monthly",
        "By queue",
        "Hiring classes",
        "Scenarios",
        "Assumptions",
    ]


@pytest.mark.slow
def test_the_same_inputs_give_the_same_plan(sample_plan, tmp_path):
    assert (
        main(
            [
                "capacity",
                "--centre",
                str(SAMPLE / "centre.toml"),
                "--months",
                "12",
                "--scenario",
                "growth:volume=10%",
                "-q",
                "-o",
                str(tmp_path),
            ]
        )
        == 0
    )
    for name in ("weekly.csv", "classes.csv", "scenarios.csv"):
        assert (tmp_path / name).read_bytes() == (sample_plan / name).read_bytes(), name


def bad(args, capsys, tmp_path) -> str:
    out = tmp_path / "out"
    code = main(["capacity", "--centre", str(SAMPLE / "centre.toml"), "-q", "-o", str(out), *args])
    assert code == 2
    assert not out.exists(), "nothing is written on bad input"
    return capsys.readouterr().err


def write_capacity(tmp_path, text: str) -> str:
    path = tmp_path / "capacity.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("[attrition]\nmonthly_fraction = 1.0\n", "attrition.monthly_fraction"),
        ("[hiring]\nmin_class_size = 8\nmax_class_size = 5\n", "below min_class_size"),
        ("[[planned_classes]]\nstart = 2020-01-06\nsize = 8\n", "starts before the plan"),
        ("[[planned_classes]]\nstart = 2027-02-01\nsize = 2\n", "outside the class-size limits"),
        (
            "[[events]]\nname='x'\nstart=2027-03-01\nend=2027-02-01\nvolume_multiplier=1.2\n",
            "before start",
        ),
        ("[hiring\n", "not valid TOML"),
        ("[shrinkage_by_month]\n13 = 0.3\n", "month 13"),
    ],
)
def test_bad_capacity_settings_name_the_key_and_the_fix(toml, expected, capsys, tmp_path):
    err = bad(["--capacity", write_capacity(tmp_path, toml)], capsys, tmp_path)
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--months", "0"], "from 1 to 36"),
        (["--scenario", "growth"], "needs a name and at least one change"),
        (["--scenario", "x:headcount=3"], "unknown scenario change"),
        (["--scenario", "x:volume=lots"], "not a number"),
        (["--scenario", "x:attrition=1.5"], "between -1 and 1"),
        (["--scenario", "base:volume=0.1"], "same name"),
        (["--aht-seconds", "sales=-3"], "--aht-seconds"),
        (["--capacity", "/nonexistent/capacity.toml"], "capacity file not found"),
    ],
)
def test_bad_options_are_exit_2_with_the_fix(args, expected, capsys, tmp_path):
    assert expected in bad(args, capsys, tmp_path)


def test_a_scenario_that_pushes_attrition_to_100_percent_is_named(capsys, tmp_path):
    capacity = write_capacity(tmp_path, "[attrition]\nmonthly_fraction = 0.5\n")
    err = bad(["--capacity", capacity, "--scenario", "x:attrition=0.6"], capsys, tmp_path)
    assert "100 %" in err


@pytest.mark.slow
def test_a_volume_only_history_needs_an_aht(tmp_path, capsys):
    centre = tmp_path / "centre"
    shutil.copytree(SAMPLE, centre)
    history = pd.read_csv(centre / "history.csv")
    history[["interval_start", "queue", "offered"]].to_csv(centre / "history.csv", index=False)
    out = tmp_path / "out"
    code = main(
        ["capacity", "--centre", str(centre / "centre.toml"), "--months", "3", "-q", "-o", str(out)]
    )
    assert code == 2
    assert "--aht-seconds" in capsys.readouterr().err
    code = main(
        [
            "capacity",
            "--centre",
            str(centre / "centre.toml"),
            "--months",
            "3",
            "-q",
            "--aht-seconds",
            "sales=240",
            "--aht-seconds",
            "support=420",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    by_queue = pd.read_csv(out / "by_queue.csv")
    assert by_queue.groupby("queue")["aht_seconds"].mean().round(6).to_dict() == {
        "sales": 240.0,
        "support": 420.0,
    }


@pytest.mark.slow
def test_writing_is_all_or_nothing(tmp_path, monkeypatch):
    from wfm.capacity import report

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "capacity_html", broken)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        main(
            [
                "--debug",
                "capacity",
                "--centre",
                str(SAMPLE / "centre.toml"),
                "--months",
                "2",
                "-q",
                "-o",
                str(out),
            ]
        )
    assert not out.exists() or not any(out.rglob("*"))
