"""`wfm check-rota` through `main([...])`: exit codes, messages and the violations CSV."""

from pathlib import Path

import pandas as pd
import pytest

from wfm.cli import main
from wfm.scheduling.rota_view import VIOLATION_COLUMNS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def write_rota(path: Path, rows) -> Path:
    pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"]).to_csv(
        path, index=False
    )
    return path


BAD_ROWS = [
    ("A1", "2025-03-04", "work", "2025-03-04T08:00:00+00:00", "2025-03-04T14:00:00+00:00"),
    ("A1", "2025-03-05", "work", "2025-03-05T00:59:00+00:00", "2025-03-05T04:00:00+00:00"),
]


def test_sample_rota_is_clean_and_exits_0(capsys):
    code = main(
        ["check-rota", str(SAMPLE / "published_rota.csv"), "--centre", str(SAMPLE / "centre.toml")]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip().splitlines() == [
        "rules: UK Working Time Regulations 1998 and the contracts",
        "no violations of the working-time rules and contracts (60 agents)",
    ]


def test_violations_exit_3_with_one_line_each_and_a_csv(tmp_path, capsys):
    rota = write_rota(tmp_path / "rota.csv", BAD_ROWS)
    out_csv = tmp_path / "out" / "violations.csv"
    code = main(["check-rota", str(rota), "--timezone", "Europe/London", "-o", str(out_csv)])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 3
    assert lines == [
        "rules: UK Working Time Regulations 1998",
        "A1: 10 h 59 min rest between 2025-03-04 14:00 and 2025-03-05 00:59, minimum 11 h in the 24 hours from "
        "2025-03-04 08:00 (WTR 1998 reg. 10(1))",
        "1 violation of the working-time rules for 1 of 1 agent",
    ]
    written = pd.read_csv(out_csv)
    assert tuple(written.columns) == VIOLATION_COLUMNS
    assert written["rule"].tolist() == ["daily_rest"] and written["start"].tolist() == [
        "2025-03-04T14:00:00+00:00"
    ]


def test_clean_rota_writes_an_empty_csv(tmp_path, capsys):
    rota = write_rota(tmp_path / "rota.csv", BAD_ROWS[:1])
    code = main(["check-rota", str(rota), "--timezone", "UTC", "-o", str(tmp_path / "v.csv")])
    assert code == 0
    assert pd.read_csv(tmp_path / "v.csv").empty
    assert "no violations of the working-time rules (1 agent)" in capsys.readouterr().out


def test_opted_out_agent_is_not_held_to_the_48_hour_average(tmp_path):
    rows = [
        (
            "A1",
            f"2025-03-0{d}",
            "work",
            f"2025-03-0{d}T08:00:00+00:00",
            f"2025-03-0{d}T18:00:00+00:00",
        )
        for d in range(3, 8)
    ]
    rows += [
        (
            "A1",
            f"2025-03-0{d}",
            "break",
            f"2025-03-0{d}T18:00:00+00:00",
            f"2025-03-0{d}T18:30:00+00:00",
        )
        for d in range(3, 8)
    ]
    rota = write_rota(tmp_path / "rota.csv", rows)
    assert (
        main(["check-rota", str(rota), "--timezone", "UTC"]) == 3
    )  # 50 h, and no break in 10-h days
    assert (
        main(
            [
                "check-rota",
                str(rota),
                "--timezone",
                "UTC",
                "--opted-out",
                "A1",
                "-o",
                str(tmp_path / "v.csv"),
            ]
        )
        == 3
    )
    assert "average_weekly_hours" not in set(pd.read_csv(tmp_path / "v.csv")["rule"])


def test_without_time_zone_or_centre_the_one_offset_is_used(tmp_path, capsys, caplog):
    rota = write_rota(tmp_path / "rota.csv", BAD_ROWS)  # every timestamp carries +00:00
    assert main(["check-rota", str(rota)]) == 3  # checked, violations found
    assert "carries UTC+00:00" in caplog.text and "Traceback" not in capsys.readouterr().err


def test_bad_rota_file_exits_2_and_writes_nothing(tmp_path, capsys):
    rota = write_rota(
        tmp_path / "rota.csv",
        [("A1", "2025-03-04", "nap", "2025-03-04T06:00:00+00:00", "2025-03-04T14:00:00+00:00")],
    )
    assert main(["check-rota", str(rota), "--timezone", "UTC", "-o", str(tmp_path / "v.csv")]) == 2
    assert "unknown activity" in capsys.readouterr().err
    assert not (tmp_path / "v.csv").exists()


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["check-rota", "--help"])
    text = capsys.readouterr().out
    assert "usage: wfm check-rota" in text and "3 violations found" in text and "reg. 10" in text


def test_a_centre_without_a_law_table_is_checked_against_its_contracts_with_a_note(
    tmp_path, capsys
):
    # A US centre (DOMAIN §14): no federal rest or break minimum, so the 10 h 59 min rest is
    # no legal violation; the contract's 11 h rest still applies and is reported.
    text = (SAMPLE / "centre.toml").read_text(encoding="utf-8")
    assert 'country = "GB"' in text
    centre = tmp_path / "centre.toml"
    centre.write_text(
        text.replace('country = "GB"', 'country = "US"')
        .replace('subdivision = "ENG"', "")
        .replace('agents = "agents.csv"', f'agents = "{(SAMPLE / "agents.csv").as_posix()}"'),
        encoding="utf-8",
    )
    agent = pd.read_csv(SAMPLE / "agents.csv")["agent_id"].iloc[0]
    rows = [(agent, *row[1:]) for row in BAD_ROWS]
    code = main(
        ["check-rota", str(write_rota(tmp_path / "rota.csv", rows)), "--centre", str(centre)]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 3
    assert lines[0].startswith(
        "rules: wfm has no working-time law table for country 'US': only the contract"
    )
    assert "WTR" not in "\n".join(lines)
    assert any("contract" in line and "requires at least 11 h" in line for line in lines[1:])
