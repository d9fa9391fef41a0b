"""A file named .xlsx that is not a workbook (a CSV renamed, a truncated download) is an
input error naming the file, never openpyxl's BadZipFile (found by benchmarks/fuzz_cli.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.data.excel import read_excel_raw
from wfm.errors import InputError


def workbook_bytes(tmp_path) -> bytes:
    path = tmp_path / "good.xlsx"
    pd.DataFrame(
        {"interval_start": ["2026-03-02T08:00:00+00:00"] * 50, "offered": range(50)}
    ).to_excel(path, index=False)
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["csv_renamed", "truncated_half", "truncated_tail"])
def test_damaged_workbook_is_an_input_error(tmp_path, damage):
    data = workbook_bytes(tmp_path)
    path = tmp_path / "history.xlsx"
    if damage == "csv_renamed":
        path.write_bytes(b"a,b\n1,2\n")
    elif damage == "truncated_half":
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(data[:-30])
    with pytest.raises(InputError) as caught:
        read_excel_raw(path)
    assert str(path) in str(caught.value)
    assert "workbook" in str(caught.value)
