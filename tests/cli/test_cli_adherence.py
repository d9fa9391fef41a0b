"""`wfm adherence` through `main([...])`: outputs, summary, options and bad input."""

from pathlib import Path

import pandas as pd
import pytest

from wfm.cli import main
from wfm.review.adherence import EVENT_COLUMNS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
ROTA = str(SAMPLE / "published_rota.csv")
STATES = str(SAMPLE / "agent_states.csv")
CENTRE = str(SAMPLE / "centre.toml")
OUTPUT_COLUMNS = [
    "agent_id",
    "date",
    "scheduled_seconds",
    "adherent_seconds",
    "adherence",
    "conformance",
]


def test_sample_by_agent_with_events(tmp_path, capsys):
    out, events = tmp_path / "adherence.csv", tmp_path / "events.csv"
    code = main(
        ["adherence", ROTA, STATES, "--centre", CENTRE, "-o", str(out), "--events-out", str(events)]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[0].startswith("adherence 89.3% and conformance 93.1% over 60 agents")
    assert lines[1].startswith("10 agents below 85%: ")
    table = pd.read_csv(out)
    assert list(table.columns[:6]) == OUTPUT_COLUMNS
    assert table["adherence"].between(0, 1).all()
    listed = pd.read_csv(events)
    assert list(listed.columns) == list(EVENT_COLUMNS)
    assert (listed["seconds"] > 0).all()


@pytest.mark.parametrize(
    ("by", "key"), [("team", "team"), ("day", "date"), ("interval", "interval_start")]
)
def test_other_levels(tmp_path, by, key):
    out = tmp_path / f"{by}.csv"
    assert main(["adherence", ROTA, STATES, "--centre", CENTRE, "--by", by, "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert table.columns[0] == key
    if by == "team":
        assert set(table["team"]) == {"Team Ada", "Team Brunel", "Team Curie", "Team Darwin"}


def test_tolerance_changes_the_result(tmp_path, capsys):
    out = tmp_path / "a.csv"
    main(
        [
            "adherence",
            ROTA,
            STATES,
            "--timezone",
            "Europe/London",
            "--tolerance-minutes",
            "0",
            "-o",
            str(out),
        ]
    )
    strict = capsys.readouterr().out
    main(
        [
            "adherence",
            ROTA,
            STATES,
            "--timezone",
            "Europe/London",
            "--tolerance-minutes",
            "10",
            "--activity-tolerance",
            "lunch=15",
            "-o",
            str(out),
        ]
    )
    lenient = capsys.readouterr().out
    value = lambda text: float(text.split()[1].rstrip("%"))  # noqa: E731
    assert value(strict) < 89.3 < value(lenient)


def test_vendor_export_and_state_map(tmp_path, capsys):
    text = """User;Status;Start;End
A001;Available;2026-10-19 09:30:00;2026-10-19 12:00:00
A001;Pause;2026-10-19 12:00:00;2026-10-19 12:15:00
A001;On Call;2026-10-19 12:15:00;2026-10-19 13:30:00
"""
    path = tmp_path / "injixo.csv"
    path.write_text(text)
    out = tmp_path / "a.csv"
    code = main(
        [
            "adherence",
            ROTA,
            str(path),
            "--timezone",
            "Europe/London",
            "--vendor",
            "injixo",
            "--state-map",
            "Pause=break",
            "-o",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    table = pd.read_csv(out)
    day = table[(table["agent_id"] == "A001") & (table["date"] == "2026-10-19")].iloc[0]
    assert day["adherence"] == 1.0
    assert "rota_agent_without_states: 59" in captured.err


def test_exceptions_option(tmp_path):
    exceptions = tmp_path / "x.csv"
    exceptions.write_text(
        "agent_id,start,end,reason\nA001,2026-10-19T09:30:00+01:00,2026-10-19T13:30:00+01:00,sick\n"
    )
    out = tmp_path / "a.csv"
    assert (
        main(
            [
                "adherence",
                ROTA,
                STATES,
                "--centre",
                CENTRE,
                "--exceptions",
                str(exceptions),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    table = pd.read_csv(out)
    day = table[(table["agent_id"] == "A001") & (table["date"] == "2026-10-19")].iloc[0]
    # The whole shift is excepted: nothing scheduled, adherence undefined; on-queue time still shown.
    assert (
        day["scheduled_seconds"] == 0 and pd.isna(day["adherence"]) and day["on_queue_seconds"] > 0
    )


def test_bad_input_is_one_message_with_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("agent_id,state,start\nA001,available,not a time\n")
    code = main(
        ["adherence", ROTA, str(bad), "--timezone", "Europe/London", "-o", str(tmp_path / "a.csv")]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.csv, line 2, column 'start'" in err and "Fix:" in err
    assert not (tmp_path / "a.csv").exists()
    assert main(["adherence", ROTA, STATES, "-o", str(tmp_path / "a.csv")]) == 2
    assert "time zone" in capsys.readouterr().err
