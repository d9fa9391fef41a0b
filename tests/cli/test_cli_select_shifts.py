"""`wfm select-shifts`: a requirement and a shift catalogue in, shift counts out."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.cli import main

HEADER = (
    "interval_start,queue,offered,aht_seconds,traffic_erlangs,agents_required,"
    "agents_scheduled_required,service_level,asa_seconds,occupancy\n"
)


def write_requirements(path, agents_by_hour):
    rows = [
        f"2025-06-02 {8 + hour:02d}:00,sales,10,180,1,{agents},{agents},0.8,10,0.8\n"
        for hour, agents in enumerate(agents_by_hour)
    ]
    path.write_text(HEADER + "".join(rows))
    return path


def test_a_catalogue_with_priced_under_staffing(tmp_path, capsys):
    # Hours 08-12 need 2, 2, 0, 0 agents; one shift 08:00-10:00 at cost 5. At 3 per
    # agent-hour under, two shifts (10) beat 4 agent-hours uncovered (12): cost 10.
    requirements = write_requirements(tmp_path / "req.csv", [2, 2, 0, 0])
    catalogue = tmp_path / "shifts.csv"
    catalogue.write_text("name,start,end,cost\nmorning,2025-06-02 08:00,2025-06-02 10:00,5\n")
    out = tmp_path / "counts.csv"
    code = main(
        [
            "select-shifts",
            str(requirements),
            "--catalogue",
            str(catalogue),
            "--under-staffing-cost-per-agent-hour",
            "3",
            "--no-wrap",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    counts = pd.read_csv(out)
    assert counts[["shift_type", "length_minutes", "count"]].values.tolist() == [
        ["morning", 120, 2]
    ]
    assert counts["start"].iloc[0].startswith("2025-06-02T08:00")
    assert "cost 10.00" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("m,2025-06-02 10:00,2025-06-02 09:00,5", "ends at or before its start"),
        ("m,2025-06-02 08:00,2025-06-02 10:00,-5", "line 2, column 'cost'"),
        ("m,2025-06-02 08:30,2025-06-02 10:30,5", "grid"),
        (
            "m,2025-06-02 08:00,2025-06-02 10:00,5\nn,2025-06-02 08:00,2025-06-02 10:00,4",
            "line 3: repeats the start and end of line 2",
        ),
    ],
)
def test_a_bad_catalogue_exits_2_and_names_the_problem(tmp_path, capsys, line, expected):
    requirements = write_requirements(tmp_path / "req.csv", [1, 1, 1, 1])
    catalogue = tmp_path / "shifts.csv"
    catalogue.write_text("name,start,end,cost\n" + line + "\n")
    out = tmp_path / "counts.csv"
    code = main(["select-shifts", str(requirements), "--catalogue", str(catalogue), "-o", str(out)])
    assert code == 2
    assert expected in capsys.readouterr().err
    assert not out.exists()
