"""A workbook written by a script and never opened in Excel holds its formulas without computed
values; openpyxl reads such a cell as empty ("queue is empty" at that line). It is refused
naming the file, sheet and cell and the fix; a formula Excel has calculated reads as its
value, and a formula whose computed value is the empty text reads as empty."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.excel import read_excel_raw, uncalculated_formula_cells
from wfm.data.history import read_history
from wfm.errors import InputError

HEADER = ["interval_start", "queue", "offered", "aht_seconds"]


def history_rows(days: int = 15) -> list[list]:
    starts = pd.date_range("2026-01-05 08:00", periods=days * 10, freq="h", tz="UTC")
    return [[f"{start:%Y-%m-%dT%H:%M:%S+00:00}", "sales", 40, 200.0] for start in starts]


def scripted_workbook(path: Path, formulas: dict[str, str]) -> Path:
    """A history workbook saved by openpyxl with ``formulas`` (cell -> formula): openpyxl
    saves a formula without a computed value (``<f>..</f><v />``)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Calls"
    for row in [HEADER, *history_rows()]:
        sheet.append(row)
    for cell, formula in formulas.items():
        sheet[cell] = formula
    book.save(path)
    return path


def calculated(path: Path, value: str, attributes: str = "") -> Path:
    """``path`` as Excel would save it after calculating: every empty ``<v />`` after a
    formula given ``value`` (and the cell ``attributes``, e.g. ``t="str"`` for text)."""
    out = path.with_name("calculated.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                assert "<v />" in text  # what openpyxl writes for a formula it cannot compute
                text = text.replace("<v />", f"<v>{value}</v>")
                if attributes:
                    for cell in ("B3", "C5"):
                        text = text.replace(f'<c r="{cell}">', f'<c r="{cell}" {attributes}>')
                data = text.encode()
            target.writestr(item, data)
    return out


def test_a_formula_without_a_value_names_file_sheet_cell_and_fix(tmp_path):
    path = scripted_workbook(tmp_path / "history.xlsx", {"B3": '="sa"&"les"', "C5": "=20*2"})
    with pytest.raises(InputError) as caught:
        read_history(path)
    message = str(caught.value)
    assert str(path) in message and "sheet 'Calls'" in message
    assert "cell B3" in message and "(and 1 more cell)" in message and "line 3" in message
    assert "open the file in Excel" in message and "export the sheet as CSV" in message
    assert "is empty" not in message.split("would read")[0]


def test_the_cli_exits_2_without_a_traceback(tmp_path, capsys):
    path = scripted_workbook(tmp_path / "history.xlsx", {"B3": "=A1"})
    code = main(["backtest", str(path), "--timezone", "UTC", "-q", "-o", str(tmp_path / "b.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "cell B3 of sheet 'Calls'" in err and "Traceback" not in err
    assert not (tmp_path / "b.csv").exists()


def test_a_calculated_formula_reads_as_its_value(tmp_path):
    path = scripted_workbook(tmp_path / "history.xlsx", {"B3": "=1+1", "C5": "=20*2"})
    frame = read_excel_raw(calculated(path, "40"))
    assert frame.loc[1, "queue"] == "40" and frame.loc[3, "offered"] == "40"  # rows 3 and 5


def test_a_formula_computed_to_empty_text_reads_as_empty(tmp_path):
    path = scripted_workbook(tmp_path / "history.xlsx", {"B3": '=""', "C5": '=""'})
    frame = read_excel_raw(calculated(path, "", 't="str"'))
    assert frame.loc[1, "queue"] is None and frame.loc[3, "offered"] is None


def test_empty_cells_without_formulas_are_not_formulas(tmp_path):
    path = scripted_workbook(tmp_path / "history.xlsx", {})
    book = openpyxl.load_workbook(path)
    book.active["C4"] = None
    book.save(path)
    assert read_excel_raw(path).loc[2, "offered"] is None


@pytest.mark.parametrize(
    ("xml", "cells"),
    [
        (b'<c r="A1"><f>1</f></c>', [("A", 1)]),  # no <v> at all
        (b'<x:c r="AB12" s="1"><x:f>1</x:f><x:v></x:v></x:c>', [("AB", 12)]),  # prefixed
        (b'<c r="D4"><f t="shared" ref="D4:D9" si="0"/><v/></c>', [("D", 4)]),  # shared
        (b'<c r="D5"><f t="shared" si="0"/><v>3</v></c>', []),
        (b'<c r="E2" t="str"><f>""</f><v></v></c>', []),  # computed empty text
        (b'<c r="E3" t="inlineStr"><is><t>f</t></is></c><c r="E4"/>', []),
    ],
)
def test_uncalculated_cells_in_sheet_xml(xml, cells):
    assert uncalculated_formula_cells(b"<sheetData><row>" + xml + b"</row></sheetData>") == cells
