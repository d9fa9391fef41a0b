"""Workbooks whose data is on another sheet (issue 15): the error names the file, the sheet
read, the workbook's other sheets and the option that chooses one; choosing it reads the data."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.agents import read_agents
from wfm.data.history import read_history
from wfm.errors import InputError

HISTORY_HEADER = ["interval_start", "queue", "offered", "aht_seconds"]


def history_rows(days: int = 15) -> list[list]:
    starts = pd.date_range("2026-01-05 08:00", periods=days * 24, freq="h", tz="UTC")
    starts = starts[(starts.hour >= 8) & (starts.hour < 18)]
    return [[f"{start:%Y-%m-%dT%H:%M:%S+00:00}", "sales", 40, 200.0] for start in starts]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_history_on_the_second_sheet_is_named_with_the_option(tmp_path):
    path = workbook(
        tmp_path / "export.xlsx",
        {"Read me": [["Exported by the ACD"], ["see sheet Data"]], "Data": [HISTORY_HEADER]},
    )
    with pytest.raises(InputError) as caught:
        read_history(path)
    message = str(caught.value)
    assert str(path) in message
    assert "'Read me'" in message and "'Data'" in message
    assert "--sheet 'Data'" in message


def test_choosing_the_sheet_reads_it(tmp_path):
    rows = history_rows()
    path = workbook(tmp_path / "export.xlsx", {"Notes": [], "Data": [HISTORY_HEADER, *rows]})
    history = read_history(path, sheet="Data")
    assert len(history.frame) == len(rows) == 150
    assert history.frame["offered"].sum() == 40 * 150


def test_empty_first_sheet_names_the_others(tmp_path):
    path = workbook(tmp_path / "export.xlsx", {"Sheet1": [], "Calls": [HISTORY_HEADER]})
    with pytest.raises(InputError, match=r"empty: the first sheet, 'Sheet1'.*'Calls'") as caught:
        read_history(path)
    assert "--sheet 'Calls'" in str(caught.value)


def test_header_only_first_sheet_names_the_others(tmp_path):
    path = workbook(
        tmp_path / "export.xlsx",
        {"Template": [HISTORY_HEADER], "2026": [HISTORY_HEADER, *history_rows()]},
    )
    with pytest.raises(InputError, match="no interval rows") as caught:
        read_history(path)
    assert "--sheet '2026'" in str(caught.value)


def test_one_sheet_workbook_keeps_the_plain_message(tmp_path):
    path = workbook(tmp_path / "export.xlsx", {"Only": [["when", "calls"], ["x", 1]]})
    with pytest.raises(InputError) as caught:
        read_history(path)
    assert "--sheet" not in str(caught.value)
    assert "'interval_start'" in str(caught.value)


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = workbook(tmp_path / "export.xlsx", {"A": [HISTORY_HEADER], "B": [HISTORY_HEADER]})
    with pytest.raises(InputError, match="no such sheet") as caught:
        read_history(path, sheet="Summary")
    assert "'Summary'" in str(caught.value) and "'A', 'B'" in str(caught.value)


def test_sheet_given_for_a_csv_is_an_error(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(",".join(HISTORY_HEADER) + "\n")
    with pytest.raises(InputError, match="not an Excel workbook"):
        read_history(path, sheet="Data")


def test_agents_workbook_points_to_the_centre_key(tmp_path):
    agents = [["agent_id", "name", "team", "contract", "queues"], ["a1", "Ann", "t", "ft", "sales"]]
    path = workbook(tmp_path / "staff.xlsx", {"Cover": [["Team list 2026"]], "Agents": agents})
    with pytest.raises(InputError) as caught:
        read_agents(path)
    assert "agents_sheet = 'Agents'" in str(caught.value)
    assert [agent.agent_id for agent in read_agents(path, sheet="Agents")] == ["a1"]


def test_cli_forecast_sheet_option(tmp_path, capsys):
    path = workbook(
        tmp_path / "export.xlsx",
        {"Notes": [["nothing here"]], "Data": [HISTORY_HEADER, *history_rows()]},
    )
    out = tmp_path / "forecast.csv"
    assert main(["forecast", str(path), "-q", "--model", "seasonal_naive", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--sheet 'Data'" in err and "Traceback" not in err
    assert not out.exists()
    code = main(
        [
            "forecast",
            str(path),
            "--sheet",
            "Data",
            "-q",
            "--model",
            "seasonal_naive",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert len(pd.read_csv(out)) == 7 * 10  # a week of 10 open hours


def test_uploaded_workbook_says_what_to_upload(tmp_path):
    """The app has no --sheet: an upload's message says which sheet to upload instead."""
    from wfm.data.column_matching import match_columns
    from wfm.data.mapping import read_upload

    path = workbook(
        tmp_path / "export.xlsx",
        {"Notes": [["nothing here"]], "Data": [HISTORY_HEADER, *history_rows(1)]},
    )
    frame = read_upload(path.read_bytes(), "export.xlsx")
    with pytest.raises(InputError) as caught:
        match_columns(frame, ["interval_start", "offered"], source="export.xlsx")
    message = str(caught.value)
    assert "save sheet 'Data' as CSV UTF-8" in message and "--sheet" not in message
