"""Infinite and missing numbers in outputs: an empty cell, explained by a flag column, in every
CSV and workbook wfm writes (wfm.data.infinite_cells); never the text ``inf`` or ``nan``,
which a spreadsheet reads as text."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm.data.infinite_cells import infinite_flag_name, restore_infinite, spreadsheet_values
from wfm.data.io import frame_to_csv_text, write_csv_atomic
from wfm.data.output_files import read_requirements
from wfm.plan.chain import coverage_table
from wfm.review.projection import project_service
from wfm.staffing import ServiceTarget, compute_requirements
from wfm.staffing.erlang import asa_seconds

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"sales": ServiceTarget(0.8, 20, None)}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_infinite_asa_is_an_empty_cell_with_queue_unstable_beside_it():
    frame = pd.DataFrame(
        {"queue": ["a", "b", "c"], "asa_seconds": [7.84, np.inf, np.nan], "occupancy": 0.5}
    )
    text = frame_to_csv_text(frame)
    assert "inf" not in text and "nan" not in text.lower()
    assert text.splitlines()[0] == "queue,asa_seconds,queue_unstable,occupancy"
    table = rows(text)
    assert [r["asa_seconds"] for r in table] == ["7.84", "", ""]
    # empty because unbounded (True) or because there is nothing to show (False)
    assert [r["queue_unstable"] for r in table] == ["False", "True", "False"]


def test_a_column_without_a_listed_meaning_gets_its_own_flag_and_minus_inf_too():
    frame = pd.DataFrame({"wape": [0.1, -np.inf], "bias": [np.inf, 0.0]})
    result = spreadsheet_values(frame)
    assert list(result.columns) == ["wape", "wape_infinite", "bias", "bias_infinite"]
    assert result["wape_infinite"].tolist() == [False, True]
    assert result["bias_infinite"].tolist() == [True, False]
    assert result[["wape", "bias"]].isna().to_numpy().tolist() == [[False, True], [True, False]]
    assert frame["bias"].iloc[0] == np.inf  # the input is not modified


def test_an_existing_flag_column_is_kept_and_set_where_the_value_is_infinite():
    frame = pd.DataFrame({"queue_unstable": [False, False], "asa_seconds": [np.inf, 3.0]})
    result = spreadsheet_values(frame)
    assert list(result.columns) == ["queue_unstable", "asa_seconds"]
    assert result["queue_unstable"].tolist() == [True, False]


def test_a_frame_without_infinity_is_written_as_before():
    frame = pd.DataFrame({"asa_seconds": [1.5, np.nan], "queue": ["x", "y"]})
    assert spreadsheet_values(frame) is frame
    assert frame_to_csv_text(frame) == "asa_seconds,queue\n1.5,x\n,y\n"


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=20))
def test_no_written_number_is_text_a_spreadsheet_cannot_read(values):
    text = frame_to_csv_text(pd.DataFrame({"asa_seconds": values, "service_level": values}))
    for row in rows(text):
        for column in ("asa_seconds", "service_level"):
            cell = row[column]
            assert cell == "" or np.isfinite(float(cell)), cell
    infinite = [bool(np.isinf(v)) for v in values]
    flags = [row.get("queue_unstable") == "True" for row in rows(text)]
    assert flags == infinite
    assert ("queue_unstable" in text) == any(infinite)  # no flag column without infinity


def projected_with_an_overloaded_interval() -> pd.DataFrame:
    starts = pd.date_range("2026-03-02 08:00", periods=3, freq="30min", tz="Europe/London")
    forecast = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": 100.0, "aht_seconds": 180.0}
    )
    requirements = compute_requirements(forecast, TARGETS, {"sales": 0.0}, 30)
    # A = 100 x 180 s / 1800 s = 10 Erlang: 14 agents are stable, 7 and 10 are not (N <= A).
    coverage = forecast[["interval_start", "queue"]].assign(agents_scheduled=[14.0, 7.0, 10.0])
    return project_service(requirements, coverage, TARGETS)


def test_coverage_csv_has_no_inf_and_says_which_queue_intervals_are_unstable(tmp_path):
    projected = projected_with_an_overloaded_interval()
    assert projected["queue_unstable"].tolist() == [False, True, True]
    path = write_csv_atomic(coverage_table(projected), tmp_path / "coverage.csv")
    text = path.read_text()
    assert not re.search(r"\binf\b", text)
    table = rows(text)
    assert [r["queue_unstable"] for r in table] == ["False", "True", "True"]
    assert [r["asa_seconds"] == "" for r in table] == [False, True, True]
    # the stable interval's ASA is Erlang C's: 14 agents, 10 Erlang, AHT 180 s (7.84 s)
    expected = float(asa_seconds(np.array([14]), np.array([10.0]), np.array([180.0]))[0])
    assert float(table[0]["asa_seconds"]) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(7.84, abs=5e-3)


def test_an_infinite_asa_round_trips_through_a_requirements_file(tmp_path):
    projected = projected_with_an_overloaded_interval()
    path = write_csv_atomic(projected, tmp_path / "requirements.csv")
    read = read_requirements(path, "Europe/London")
    assert np.isinf(read["asa_seconds"]).tolist() == [False, True, True]
    assert read["asa_seconds"].iloc[0] == pytest.approx(projected["asa_seconds"].iloc[0])


def test_restore_leaves_an_empty_cell_without_the_flag_missing():
    read = pd.DataFrame({"asa_seconds": [np.nan], "queue_unstable": [False]})
    assert restore_infinite(read, "asa_seconds")["asa_seconds"].isna().all()
    assert infinite_flag_name("asa_seconds") == "queue_unstable"


def test_workbooks_blank_infinity_and_flag_it():
    from wfm.capacity.report import _cell
    from wfm.scheduling.exports import _write_sheet

    book = openpyxl.Workbook(write_only=True)
    _write_sheet(book, "t", pd.DataFrame({"asa_seconds": [2.5, np.inf, np.nan]}))
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = openpyxl.load_workbook(buffer).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == ["asa_seconds", "queue_unstable"]
    assert [row[1] for row in cells[1:]] == [False, True, False]
    assert cells[1][0] == 2.5 and cells[2][0] in (None, "") and cells[3][0] in (None, "")
    # the capacity workbook's cells: a missing number is an empty cell, not an invalid <v/>
    assert _cell(np.float64(np.nan)) is None and _cell(np.float64(1.5)) == 1.5


# Files allowed to turn a table into spreadsheet text or cells themselves: the CSV writer and
# the two workbook writers, each of which passes its tables through spreadsheet_values.
WRITERS = {
    "src/wfm/data/io.py": "spreadsheet_values(",
    "src/wfm/scheduling/exports.py": "spreadsheet_values(",
    "src/wfm/capacity/report.py": "spreadsheet_values(",
}
# Files that only save a workbook one of those writers built (``ExcelWriter``), writing no cell.
SAVERS = {"src/wfm/data/reproducible_files.py"}


def test_every_table_writer_goes_through_the_one_policy():
    """A new ``to_csv``/``to_excel``/openpyxl writer elsewhere would bypass the policy."""
    pattern = re.compile(r"\.to_csv\(|\.to_excel\(|ExcelWriter\(|Workbook\(")
    offenders = []
    for folder in ("src", "apps"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            code = [
                line
                for line in path.read_text(encoding="utf-8").splitlines()
                if not line.lstrip().startswith(("#", ">>>", "..."))
            ]
            if any(pattern.search(line) for line in code) and relative not in {*WRITERS, *SAVERS}:
                offenders.append(relative)
    assert offenders == []
    for relative, call in WRITERS.items():
        assert call in (ROOT / relative).read_text(encoding="utf-8"), relative
    for relative in SAVERS:
        text = (ROOT / relative).read_text(encoding="utf-8")
        assert ".append(" not in text and ".cell(" not in text, relative
