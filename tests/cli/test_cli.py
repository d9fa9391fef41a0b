"""The command line through `main([...])`: help, results, and bad input without tracebacks."""

import pandas as pd
import pytest

from wfm.cli import build_parser, main

COMMANDS = [
    "import-contacts",
    "init",
    "forecast",
    "backtest",
    "staff",
    "simulate",
    "schedule",
    "select-shifts",
    "check-rota",
    "adherence",
    "plan",
    "review",
    "whatif",
    "reoptimise",
    "db",
    "privacy",
    "sample",
    "app",
]


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for command in COMMANDS:
        assert command in text


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_states_units(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "usage: wfm " + command in text
    if command in ("forecast", "staff", "schedule", "plan"):
        assert "[" in text and ("minutes" in text or "[s]" in text or "days" in text)


def write_forecast(path, offered=100.0, aht=180.0):
    starts = pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="Europe/London")
    pd.DataFrame(
        {
            "interval_start": [s.isoformat() for s in starts],
            "queue": "sales",
            "offered": offered,
            "aht_seconds": aht,
        }
    ).to_csv(path, index=False)


def test_staff_matches_the_published_vector(tmp_path, capsys):
    write_forecast(tmp_path / "f.csv")
    code = main(
        [
            "staff",
            str(tmp_path / "f.csv"),
            "--service-level",
            "0.8",
            "--answer-seconds",
            "20",
            "--max-occupancy",
            "0",
            "--shrinkage",
            "0.3",
            "-o",
            str(tmp_path / "r.csv"),
        ]
    )
    assert code == 0
    requirements = pd.read_csv(tmp_path / "r.csv")
    assert requirements["agents_required"].tolist() == [14] * 4
    assert requirements["agents_scheduled_required"].tolist() == [20] * 4
    assert "30-minute intervals" in capsys.readouterr().out


def test_staff_bad_value_exits_2_without_traceback_or_output(tmp_path, capsys):
    write_forecast(tmp_path / "f.csv", aht=3.0)
    code = main(["staff", str(tmp_path / "f.csv"), "-o", str(tmp_path / "r.csv")])
    captured = capsys.readouterr()
    assert code == 2
    assert "looks like minutes" in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "r.csv").exists()


def test_staff_percentage_target_is_explained(tmp_path, capsys):
    write_forecast(tmp_path / "f.csv")
    code = main(
        ["staff", str(tmp_path / "f.csv"), "--service-level", "80", "-o", str(tmp_path / "r.csv")]
    )
    assert code == 2
    assert "percentage" in capsys.readouterr().err


@pytest.mark.parametrize(
    "content,expected",
    [
        ("interval_start,queue,aht_seconds\n2026-03-02T08:00:00+00:00,s,200\n", "offered"),
        (
            "interval_start,queue,offered,aht_seconds\n2026-03-02T08:00:00+00:00,s,5,200\nnot a time,s,5,200\n",
            "line 3",
        ),
        (
            "interval_start,queue,offered,aht_seconds\n2026-03-02T08:00:00+00:00,s,5,200\n2026-03-02T08:15:00+00:00,s,-5,200\n",
            "line 3",
        ),
        (
            "interval_start,queue,offered,aht_seconds\n2026-03-02T08:00:00+00:00,s,5,200\n2026-03-02T08:00:00+00:00,s,5,200\n",
            "line 3",
        ),
    ],
    ids=["missing column", "bad timestamp", "negative volume", "duplicate interval"],
)
def test_forecast_bad_history_is_one_clear_message(tmp_path, capsys, content, expected):
    history = tmp_path / "history.csv"
    history.write_text(content)
    out = tmp_path / "forecast.csv"
    code = main(["forecast", str(history), "--horizon-days", "1", "-o", str(out), "-q"])
    captured = capsys.readouterr()
    assert code == 2
    assert "history.csv" in captured.err and expected in captured.err
    assert "Traceback" not in captured.err
    assert not out.exists()


def test_forecast_reads_the_bank_data_with_a_column_map(tmp_path, bank_calls_path):
    out = tmp_path / "forecast.csv"
    code = main(
        [
            "forecast",
            str(bank_calls_path),
            "--map",
            "datetime=interval_start",
            "--map",
            "calls=offered",
            "--timezone",
            "America/New_York",
            "--aht-seconds",
            "300",
            "--horizon-days",
            "5",
            "--model",
            "same_slot_average",
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    forecast = pd.read_csv(out)
    # Weekdays 07:00-21:05 in 5-minute intervals: 169 a day, no weekend rows.
    starts = pd.to_datetime(forecast["interval_start"], utc=True).dt.tz_convert("America/New_York")
    assert set(starts.dt.day_of_week) <= {0, 1, 2, 3, 4}
    assert forecast.groupby(starts.dt.date).size().eq(169).all()
    assert forecast["aht_seconds"].eq(300).all()


def test_missing_centre_file_is_a_user_error(tmp_path, capsys):
    code = main(["plan", "--centre", str(tmp_path / "missing.toml"), "-o", str(tmp_path / "out")])
    assert code == 2
    assert "not found" in capsys.readouterr().err


def test_parser_builds():
    assert build_parser().prog == "wfm"


def test_staff_at_a_forecast_quantile_needs_at_least_the_point_forecast(tmp_path):
    write_forecast(tmp_path / "f.csv")
    point, p90 = tmp_path / "point.csv", tmp_path / "p90.csv"
    assert main(["staff", str(tmp_path / "f.csv"), "-o", str(point)]) == 0
    assert main(["staff", str(tmp_path / "f.csv"), "--quantile", "0.9", "-o", str(p90)]) == 0
    point_agents = pd.read_csv(point)["agents_required"]
    p90_agents = pd.read_csv(p90)["agents_required"]
    assert (p90_agents >= point_agents).all() and (p90_agents > point_agents).any()
    assert (pd.read_csv(p90)["offered"] > 100).all()  # P90 of a Poisson with mean 100
