"""Hostile files against every CSV reader (issue 15, second round): each a clear error.

Each case runs the real command through ``main([...])`` under a time limit and asserts exit 2,
no traceback, the file line or column named, no file content echoed, and nothing written.
Beside it, agent names with control characters survive a write -> read round trip, and a
row with more cells than the header is never read as an index (shifting columns).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hostile_helpers import time_limit

from wfm.cli import main
from wfm.data.agents import read_agents
from wfm.data.io import frame_to_csv_text, write_csv_atomic
from wfm.data.mapping import agents_table
from wfm.errors import InputError


def history_text(days: int = 21) -> str:
    starts = pd.date_range("2026-01-05 08:00", periods=days * 24, freq="h", tz="UTC")
    starts = starts[(starts.hour >= 8) & (starts.hour < 18)]
    return pd.DataFrame(
        {
            "interval_start": starts.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "queue": "sales",
            "offered": 40,
            "aht_seconds": 200.0,
        }
    ).to_csv(index=False)


HISTORY = history_text()
LINES = HISTORY.splitlines()
CONTACTS = (
    "arrival_time,queue,outcome,wait_seconds,handle_seconds\n"
    "2026-03-02T08:00:00Z,sales,answered,10,100\n"
    "2026-03-02T08:01:00Z,sales,abandoned,30,\n"
)
ROTA = (
    "agent_id,date,activity,start,end\n"
    "A1,2026-03-02,work,2026-03-02T09:00:00+00:00,2026-03-02T13:00:00+00:00\n"
)
SECRET = "SECRETVALUE42"

# case -> (command, file content, words the message must contain)
CASES = {
    "history: extra cell on the first row": (
        "forecast",
        "\n".join([LINES[0], LINES[1] + "," + SECRET, *LINES[2:]]) + "\n",
        ["line 2", "5 cells", "header has 4"],
    ),
    "history: extra cell further down": (
        "forecast",
        "\n".join([*LINES[:9], LINES[9] + "," + SECRET, *LINES[10:]]) + "\n",
        ["line 10", "5 cells", "header has 4"],
    ),
    "history: duplicate column": (
        "forecast",
        HISTORY.replace("aht_seconds", "Offered", 1),
        ["line 1", "'Offered' twice", "columns 3 and 4"],
    ),
    "history: NUL byte": (
        "forecast",
        HISTORY.replace("sales", "sa\x00les", 3),
        ["line 2", "NUL byte"],
    ),
    "history: UTF-16": ("forecast", HISTORY.encode("utf-16"), ["line 1", "not UTF-8"]),
    "history: header only": ("forecast", LINES[0] + "\n", ["no interval rows"]),
    "history: a 20-million-character cell": (
        "forecast",
        HISTORY + "2026-03-02T08:00:00+00:00," + "x" * 20_000_000 + ",1,1\n",
        ["line 212", "20,000,000 characters", "column 'queue'"],
    ),
    "history: a header of two million columns": (
        "forecast",
        LINES[0] + "," * 2_000_000 + "\n" + "\n".join(LINES[1:]) + "\n",
        ["line 1", "2,000,004 columns"],
    ),
    "history: year 99999": (
        "forecast",
        HISTORY.replace("2026-01-06T09:00", "99999-01-06T09:00", 1),
        ["line 13", "ISO 8601"],
    ),
    "history: year 1": (
        "forecast",
        HISTORY.replace("2026-01-06T09:00", "0001-01-06T09:00", 1),
        ["line 13", "1900..2200"],
    ),
    "contacts: extra cell": (
        "import-contacts",
        CONTACTS + "2026-03-02T08:02:00Z,sales,answered,5,60," + SECRET + "\n",
        ["line 4", "6 cells", "header has 5"],
    ),
    "contacts: duplicate column": (
        "import-contacts",
        CONTACTS.replace("handle_seconds", "wait_seconds"),
        ["line 1", "'wait_seconds' twice"],
    ),
    "contacts: NUL byte": ("import-contacts", CONTACTS.replace("sales", "s\x00"), ["NUL byte"]),
    "contacts: header only": (
        "import-contacts",
        CONTACTS.splitlines()[0] + "\n",
        ["no contact rows"],
    ),
    "contacts: two million columns": (
        "import-contacts",
        "arrival_time" + ",x" * 2_000_000 + "\n",
        ["line 1", "columns"],
    ),
    "rota: extra cell": (
        "check-rota",
        ROTA.rstrip("\n") + "," + SECRET + "\n",
        ["line 2", "6 cells", "header has 5"],
    ),
    "rota: duplicate column": ("check-rota", ROTA.replace("end", "start", 1), ["'start' twice"]),
    "special days: extra cell": (
        "forecast --special-days",
        "start_date,kind\n2026-01-19,closed," + SECRET + "\n",
        ["line 2", "3 cells", "header has 2"],
    ),
    "overrides: binary": ("forecast --overrides", bytes(range(256)) * 8, ["UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_reader_input_is_a_clear_error(case, tmp_path, capsys):
    command, content, words = CASES[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    bad = inputs / "bad.csv"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    out = tmp_path / "out" / "result.csv"
    if command.startswith("forecast --"):
        history = inputs / "history.csv"
        history.write_text(HISTORY)
        argv = ["forecast", history, command.split()[1], bad, "-q", "--model", "seasonal_naive"]
    elif command == "forecast":
        argv = ["forecast", bad, "-q", "--model", "seasonal_naive"]
    elif command == "check-rota":
        argv = ["check-rota", bad, "--timezone", "UTC"]
    else:
        argv = [command, bad]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with time_limit():
        try:
            code = main([str(a) for a in argv] + ["-o", str(out)])
        except SystemExit as stop:
            code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err[:500]
    assert SECRET not in err
    assert len(err) < 2_000  # a message, never a cell or a file
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written


NAMES = ["Ann\rLee", "Bob\tSmith", "\tTabbed", "Cat\r\nDog", "Eve\nNewline", "Fay\x1bEsc"]
EXPECTED = ["Ann Lee", "Bob Smith", "Tabbed", "Cat Dog", "Eve Newline", "Fay Esc"]


def agents_file(path: Path, names, ids=None) -> Path:
    frame = pd.DataFrame(
        {
            "agent_id": ids or [f"A{i}" for i in range(len(names))],
            "name": names,
            "team": ["north\tteam"] * len(names),
            "contract": "full_time",
            "queues": "sales",
        }
    )
    write_csv_atomic(frame, path)
    return path


def test_agent_names_with_control_characters_round_trip(tmp_path):
    # read: control characters become one space (documented); write -> read is then exact
    first = read_agents(agents_file(tmp_path / "agents.csv", NAMES))
    assert [agent.name for agent in first] == EXPECTED
    assert {agent.team for agent in first} == {"north team"}
    write_csv_atomic(agents_table(first), tmp_path / "again.csv")
    assert read_agents(tmp_path / "again.csv") == first


def test_agent_name_with_a_nul_byte_is_rejected_with_its_line(tmp_path):
    path = agents_file(tmp_path / "agents.csv", ["Ann", "Nul\x00Byte"])
    with pytest.raises(InputError) as error:
        read_agents(path)
    assert "line 3" in str(error.value) and "NUL byte" in str(error.value)


def test_agent_id_with_a_control_character_is_rejected(tmp_path):
    path = agents_file(tmp_path / "agents.csv", ["a", "b"], ids=["A1", "A\t2"])
    with pytest.raises(InputError) as error:
        read_agents(path)
    message = str(error.value)
    assert "line 3" in message and "agent_id" in message and "control character" in message


def test_a_bare_carriage_return_is_quoted_when_written():
    frame = pd.DataFrame({"name": ["Ann\rLee", "plain"], "n": [1, 2]})
    text = frame_to_csv_text(frame)
    assert '"Ann\rLee"' in text
    back = pd.read_csv(__import__("io").StringIO(text))
    assert back["name"].tolist() == ["Ann\rLee", "plain"] and back["n"].tolist() == [1, 2]
    assert frame_to_csv_text(frame.iloc[1:]) == "name,n\nplain,2\n"  # unchanged otherwise


def test_agents_file_with_an_extra_cell_is_not_read_as_an_index(tmp_path):
    path = tmp_path / "agents.csv"
    path.write_text(
        "agent_id,name,team,contract,queues\nA1,Ann,north,full_time,sales,extra\n"
        "A2,Bob,north,full_time,sales,extra\n"
    )
    with pytest.raises(InputError) as error:
        read_agents(path)
    assert "line 2" in str(error.value) and "6 cells" in str(error.value)


def _workbook(path: Path, *, extra_cell=False, formula=False, notes_sheet_first=False) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if notes_sheet_first:
        sheet.title = "Notes"
        sheet.append(["read me"])
        sheet = book.create_sheet("Data")
    sheet.append(["interval_start", "queue", "offered", "aht_seconds"])
    for number, line in enumerate(LINES[1:]):
        start, queue, offered, aht = line.split(",")
        row = [start, queue, "=1+1" if formula and number == 3 else int(offered), float(aht)]
        sheet.append(row + ([SECRET] if extra_cell and number == 5 else []))
    book.save(path)
    return path


def _zip_bomb(path: Path) -> Path:
    """A valid workbook whose sheet unpacks to ~190 MB from half a megabyte."""
    import zipfile

    source = _workbook(path.with_name("plain.xlsx"))
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>'
    )
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(source) as plain, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in plain.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                z.writestr(item.filename, head + row * 4_000_000 + b"</sheetData></worksheet>")
            else:
                z.writestr(item, plain.read(item.filename))
    source.unlink()
    return path


WORKBOOKS = {
    "a value right of the header": (
        lambda p: _workbook(p, extra_cell=True),
        ["line 7", "column 5", "header's 4 columns"],
    ),
    "a formula without a saved value": (lambda p: _workbook(p, formula=True), ["line 5"]),
    "the data on the second sheet": (
        lambda p: _workbook(p, notes_sheet_first=True),
        ["'interval_start'", "not found"],
    ),
    "a zip bomb": (_zip_bomb, ["unpacks to", "CSV UTF-8"]),
}


@pytest.mark.parametrize("case", sorted(WORKBOOKS))
def test_hostile_workbook_is_a_clear_error(case, tmp_path, capsys):
    make, words = WORKBOOKS[case]
    inputs = tmp_path / "in"
    inputs.mkdir()
    book = make(inputs / "history.xlsx")
    out = tmp_path / "out" / "forecast.csv"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with time_limit():
        code = main(["forecast", str(book), "-q", "--model", "seasonal_naive", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and SECRET not in err
    for word in words:
        assert word in err, err[:500]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
