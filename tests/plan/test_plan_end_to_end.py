"""`wfm plan` end to end on the sample centre: files, schemas, contracts, breaks, service."""

import json

import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.schemas import COVERAGE_COLUMNS, FORECAST_COLUMNS, REQUIREMENTS_COLUMNS, ROTA_COLUMNS
from wfm.timegrid import parse_clock

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plan_dir(sample_cli_plan):
    """The sample planned by ``wfm plan`` with the centre's own time limit (shared with the
    store tests, see tests/conftest.py): the search stops on its deterministic work budgets
    before that safety net, so the same requirements give the same rota."""
    assert sample_cli_plan.exit_code == 0, sample_cli_plan.stdout
    return sample_cli_plan.out


@pytest.fixture(scope="module")
def centre(sample_centre_path):
    return load_centre(sample_centre_path)


def read(plan_dir, name):
    return pd.read_csv(plan_dir / name)


def test_all_files_written_with_their_columns(plan_dir):
    assert set(FORECAST_COLUMNS) <= set(read(plan_dir, "forecast.csv").columns)
    assert set(REQUIREMENTS_COLUMNS) <= set(read(plan_dir, "requirements.csv").columns)
    assert set(ROTA_COLUMNS) <= set(read(plan_dir, "rota.csv").columns)
    assert set(COVERAGE_COLUMNS) <= set(read(plan_dir, "coverage.csv").columns)
    solve = json.loads((plan_dir / "solve_summary.json").read_text())
    for key in ("status", "objective", "bound", "gap", "wall_seconds"):
        assert key in solve
    assert solve["gap"] is None or solve["gap"] >= 0
    report = (plan_dir / "report.md").read_text()
    assert "service level" in report and "gap" in report


def test_timestamps_carry_offsets(plan_dir):
    rota = read(plan_dir, "rota.csv")
    assert rota["start"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$").all()


def test_requirements_are_integers_and_consistent(plan_dir):
    requirements = read(plan_dir, "requirements.csv")
    assert (requirements["agents_required"] == requirements["agents_required"].round()).all()
    assert (requirements["agents_scheduled_required"] >= requirements["agents_required"]).all()


def test_rota_honours_contracts(plan_dir, centre):
    summary = read(plan_dir, "agent_summary.csv")
    for row in summary.itertuples():
        contract = centre.contract(row.contract)
        assert (
            contract.min_hours_per_week - 1e-6
            <= row.paid_hours
            <= contract.max_hours_per_week + 1e-6
        ), row
        assert contract.min_days_per_week <= row.days_worked <= contract.max_days_per_week, row


def test_rota_paid_hours_match_activities(plan_dir, centre):
    rota = read(plan_dir, "rota.csv")
    rota["minutes"] = (
        pd.to_datetime(rota["end"], utc=True) - pd.to_datetime(rota["start"], utc=True)
    ).dt.total_seconds() / 60
    unpaid = {rule.activity for rule in centre.break_rules if not rule.paid}
    paid = rota[~rota["activity"].isin(unpaid)].groupby("agent_id")["minutes"].sum() / 60
    summary = read(plan_dir, "agent_summary.csv").set_index("agent_id")["paid_hours"]
    pd.testing.assert_series_equal(
        paid.sort_index(), summary[summary > 0].sort_index(), check_names=False, atol=1e-6
    )


def test_every_long_shift_has_its_breaks_inside_their_windows(plan_dir, centre):
    rota = read(plan_dir, "rota.csv")
    rota["start"] = pd.to_datetime(rota["start"], utc=True)
    rota["end"] = pd.to_datetime(rota["end"], utc=True)
    for (agent, date), shift in rota.groupby(["agent_id", "date"]):
        shift_start, shift_end = shift["start"].min(), shift["end"].max()
        length = (shift_end - shift_start).total_seconds() / 60
        for rule in centre.break_rules:
            if length < rule.min_shift_minutes:
                continue
            taken = shift[shift["activity"] == rule.activity]
            offsets = ((taken["start"] - shift_start).dt.total_seconds() / 60).tolist()
            inside = [
                o
                for o in offsets
                if rule.earliest_start_after_minutes <= o <= rule.latest_start_after_minutes
            ]
            assert inside, f"{agent} {date}: no {rule.name} in its window (offsets {offsets})"


def test_shifts_lie_inside_opening_hours(plan_dir, centre):
    rota = read(plan_dir, "rota.csv")
    starts = pd.to_datetime(rota["start"], utc=True).dt.tz_convert(centre.timezone)
    ends = pd.to_datetime(rota["end"], utc=True).dt.tz_convert(centre.timezone)
    for start, end in zip(starts, ends, strict=True):
        hours = centre.opening_hours[start.strftime("%a").lower()]
        assert hours != "closed"
        open_text, close_text = hours.split("-")
        assert start.hour * 60 + start.minute >= parse_clock(open_text)
        end_minutes = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
        assert end_minutes <= parse_clock(close_text)


def test_service_is_reported_for_every_queue(plan_dir, centre):
    summary = read(plan_dir, "service_summary.csv").set_index("queue")
    for queue in centre.queues:
        assert 0.0 <= summary.loc[queue.name, "service_level"] <= 1.0
    coverage = read(plan_dir, "coverage.csv")
    assert coverage["agents_scheduled"].ge(0).all()


def test_schedule_command_rebuilds_the_same_rota_from_the_requirements(
    plan_dir, sample_centre_path, tmp_path
):
    out = tmp_path / "schedule"
    code = main(
        [
            "schedule",
            str(plan_dir / "requirements.csv"),
            "--centre",
            str(sample_centre_path),
            "-o",
            str(out),
            "-q",
        ]
    )
    # The centre's time limit, as the plan had: the search stops on its deterministic work
    # budgets before that safety net, so the same requirements give the same rota.
    assert code == 0
    plan_solve = json.loads((plan_dir / "solve_summary.json").read_text())
    schedule_solve = json.loads((out / "solve_summary.json").read_text())
    assert schedule_solve["objective"] == pytest.approx(plan_solve["objective"], rel=1e-6)
    assert list(read(out, "coverage.csv").columns) == list(read(plan_dir, "coverage.csv").columns)
    assert (out / "rota.xlsx").exists() and any((out / "calendars").glob("*.ics"))
