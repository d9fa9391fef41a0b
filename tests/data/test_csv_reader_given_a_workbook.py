"""A workbook or an archive given where a CSV file is read (found by the third hostile-input
sweep, fuzz3): ``wfm import-contacts contacts.xlsx`` said "the file is not UTF-8 text. Fix:
save it as CSV UTF-8", naming neither what the file is nor the line, and the interval
readers said the same of a gzip file. Both CSV readers (whole-file and chunked) now share one
message, saying what the file is, and the chunked reader names the line of a Latin-1 byte."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.chunked_csv import read_header
from wfm.data.io import read_raw_csv
from wfm.errors import InputError

ROWS = "contact_id,arrival_time,queue,outcome\nC1,2026-11-09T08:00:00+00:00,sales,answered\n"


def workbook(path):
    pd.read_csv(pd.io.common.StringIO(ROWS)).to_excel(path, index=False)
    return path


@pytest.mark.parametrize("reader", [read_raw_csv, lambda path, source: read_header(path, source)])
@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda tmp: workbook(tmp / "contacts.csv"), "Excel workbook"),
        (
            lambda tmp: (tmp / "c.csv").write_bytes(gzip.compress(ROWS.encode())) and tmp / "c.csv",
            "gzip",
        ),
    ],
)
def test_both_readers_say_what_the_file_is(tmp_path, reader, make, what):
    path = make(tmp_path)
    with pytest.raises(InputError, match=f"{what}.*not CSV text") as caught:
        reader(path, source=str(path))
    assert caught.value.source == str(path) and "CSV UTF-8" in caught.value.fix


def test_the_chunked_reader_names_the_line_of_a_latin1_byte(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"queue,offered\n" + "café,1\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 4 of the line\)") as caught:
        read_header(path, str(path))
    assert caught.value.row == 2


def test_import_contacts_of_a_workbook_exits_2_saying_so(tmp_path, capsys):
    path = workbook(tmp_path / "contacts.xlsx")
    out = tmp_path / "history.csv"
    assert main(["import-contacts", str(path), "-q", "-o", str(out)]) == 2
    assert "is an Excel workbook" in capsys.readouterr().err
    assert not out.exists()
