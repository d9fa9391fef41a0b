"""`wfm simulate` and the rota commands stop (exit 2) on a queue the centre file does not define,
as `wfm staff` does: its targets would otherwise be defaults (simulate) or it would drop out of the
projected service (schedule, reoptimise) without a word."""

import pandas as pd
import pytest

from wfm.cli import main


def write_requirements(path, queues=("sales", "billing")):
    """A day of 30-minute requirements for ``queues`` (made by `wfm staff` without a centre)."""
    starts = pd.date_range("2026-11-16 09:00", periods=4, freq="30min", tz="Europe/London")
    rows = [(s.isoformat(), queue, 60.0, 180.0) for queue in queues for s in starts]
    forecast = path.with_name("forecast.csv")
    pd.DataFrame(rows, columns=["interval_start", "queue", "offered", "aht_seconds"]).to_csv(
        forecast, index=False
    )
    assert main(["staff", str(forecast), "--timezone", "Europe/London", "-o", str(path)]) == 0


def assert_names_the_queue(err, requirements, centre_path):
    assert "Traceback" not in err
    assert str(centre_path) in err and str(requirements) in err
    assert "queue 'billing'" in err and "'sales', 'support'" in err  # the queues it has
    assert 'add a [[queues]] entry with name = "billing"' in err  # the fix


def test_simulate_stops_on_a_queue_the_centre_lacks(tmp_path, sample_centre_path, capsys):
    write_requirements(tmp_path / "r.csv")
    capsys.readouterr()
    argv = ["simulate", str(tmp_path / "r.csv"), "--centre", str(sample_centre_path)]
    code = main([*argv, "--replications", "2", "-o", str(tmp_path / "s.csv")])
    assert code == 2
    assert_names_the_queue(capsys.readouterr().err, tmp_path / "r.csv", sample_centre_path)
    assert not (tmp_path / "s.csv").exists()


def test_simulate_without_a_centre_keeps_the_default_threshold(tmp_path):
    write_requirements(tmp_path / "r.csv")
    argv = ["simulate", str(tmp_path / "r.csv"), "--replications", "2"]
    assert main([*argv, "-o", str(tmp_path / "s.csv")]) == 0
    assert set(pd.read_csv(tmp_path / "s.csv")["queue"]) == {"sales", "billing"}


@pytest.mark.parametrize("command", ["schedule", "reoptimise"])
def test_rota_commands_stop_on_a_queue_the_centre_lacks(
    tmp_path, sample_centre_path, capsys, command
):
    write_requirements(tmp_path / "r.csv")
    capsys.readouterr()
    centre = ["--centre", str(sample_centre_path), "-o", str(tmp_path / "out")]
    if command == "schedule":
        argv = ["schedule", str(tmp_path / "r.csv"), *centre]
    else:
        rota = sample_centre_path.parent / "published_rota.csv"
        argv = ["reoptimise", str(rota), "--requirements", str(tmp_path / "r.csv"), *centre]
        argv += ["--unavailable", "A001:2026-11-17"]
    assert main(argv) == 2
    assert_names_the_queue(capsys.readouterr().err, tmp_path / "r.csv", sample_centre_path)
    assert not (tmp_path / "out" / "rota.csv").exists()
