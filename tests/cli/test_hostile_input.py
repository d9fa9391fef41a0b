"""Broken and hostile input (issue 15): every case a clear error, no hang, no formula, no leak.

Each case runs the real command through ``main([...])`` in a subprocess-free way and asserts:
exit 2 (bad input) or 0, never 1; no traceback; the message names the file/line/option;
nothing written on failure (no output file, no empty output folder); no formula in any
output. Hypothesis varies CSV cells and TOML values; a table holds hand-made hostile files.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hostile_helpers import deny_write_access
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wfm.cli import main
from wfm.data.safe_cells import (
    is_formula_like,
    neutralise_frame,
    neutralise_text,
    restore_text,
)

EXIT_OK, EXIT_INTERNAL, EXIT_USER_ERROR = 0, 1, 2

HOSTILE_NAMES = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]


def run(argv, capsys):
    """Run the CLI; return (exit code, stderr)."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as stop:  # argparse errors
        code = stop.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def history_text(days: int = 21, queue: str = "sales") -> str:
    starts = pd.date_range("2026-01-05 08:00", periods=days * 24, freq="h", tz="UTC")
    starts = starts[(starts.hour >= 8) & (starts.hour < 18)]
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "interval_start": starts.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "queue": queue,
            "offered": rng.poisson(40, len(starts)),
            "aht_seconds": 200.0,
        }
    )
    return frame.to_csv(index=False)


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def cells_of_outputs(folder: Path) -> list[str]:
    """Every text cell of every CSV and xlsx under ``folder`` (xlsx: formula cells marked)."""
    cells: list[str] = []
    for path in folder.rglob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, header=None)
        cells.extend(frame.to_numpy().ravel().tolist())
    for path in folder.rglob("*.xlsx"):
        with zipfile.ZipFile(path) as book:
            for name in book.namelist():
                if name.startswith("xl/worksheets/") and "<f>" in book.read(name).decode():
                    cells.append("=FORMULA IN " + name)
    return cells


def assert_no_formula(folder: Path) -> None:
    risky = [cell for cell in cells_of_outputs(folder) if is_formula_like(cell)]
    assert not risky, risky[:5]


# --- the neutralising function ------------------------------------------------------------
@given(st.text(max_size=30))
def test_neutralised_text_never_runs_and_round_trips(text):
    safe = neutralise_text(text)
    assert not is_formula_like(safe)
    assert restore_text(pd.Series([safe], dtype=object)).iloc[0] == text or text.startswith("'")


def test_negative_numbers_stay_numbers_and_text_is_quoted():
    frame = pd.DataFrame({"n": [-1.5, 2.0], "name": ["-east", "-5"], "ok": ["sales", "@x"]})
    safe = neutralise_frame(frame)
    assert safe["n"].tolist() == [-1.5, 2.0]  # numbers untouched
    assert safe["name"].tolist() == ["'-east", "-5"]  # "-5" is a number to a spreadsheet
    assert safe["ok"].tolist() == ["sales", "'@x"]
    assert frame["name"].tolist() == ["-east", "-5"]  # input not modified


# --- formula injection end to end: schedule with hostile agent and team names ---------------
@pytest.mark.slow
def test_schedule_writes_no_formula(tmp_path, capsys):
    code, _ = run(["sample", "-o", tmp_path / "c"], capsys)
    assert code == EXIT_OK
    agents = pd.read_csv(tmp_path / "c" / "agents.csv", dtype=str)
    for i, name in enumerate(HOSTILE_NAMES[:5]):  # tab and CR: see the unit tests
        agents.loc[i, "name"] = name
        agents.loc[i, "team"] = name
    agents.to_csv(tmp_path / "c" / "agents.csv", index=False)
    code, err = run(
        ["plan", "--centre", tmp_path / "c" / "centre.toml", "-q", "-o", tmp_path / "out"]
        + ["--time-limit-seconds", "20"],
        capsys,
    )
    assert code == EXIT_OK, err
    assert (tmp_path / "out" / "rota.xlsx").exists()
    assert_no_formula(tmp_path / "out")
    # The names are there, neutralised, not dropped.
    assert "'=cmd|' /C calc'!A0" in cells_of_outputs(tmp_path / "out")


def test_excel_cells_are_strings(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from wfm.data.schemas import Agent
    from wfm.scheduling.exports import rota_excel_bytes

    start = pd.Timestamp("2026-03-02 09:00", tz="Europe/London")
    rota = pd.DataFrame(
        {
            "agent_id": ["A1"],
            "date": [start.date()],
            "activity": ["work"],
            "start": [start],
            "end": [start + pd.Timedelta(hours=4)],
        }
    )
    agents = [Agent("A1", "=cmd|' /C calc'!A0", '=HYPERLINK("x")', "full_time", ("sales",))]
    book = openpyxl.load_workbook(io.BytesIO(rota_excel_bytes(rota, agents)))
    values = [c for s in book.worksheets for row in s.iter_rows() for c in row]
    assert any(str(c.value).startswith("=cmd") for c in values)  # the name is kept as written
    assert all(c.data_type != "f" for c in values)


# --- hand-made hostile files ---------------------------------------------------------------
def _blank_lines(tmp: Path) -> tuple[list, str]:
    lines = history_text().splitlines()
    text = "\n".join(lines[:5] + ["", ""] + lines[5:10] + ["2026-01-05T08:00:00+00:00,x,y,1"])
    return ["forecast", write(tmp / "h.csv", text + "\n")], "line 13"


def _unclosed_quote(tmp: Path) -> tuple[list, str]:
    lines = history_text().splitlines()
    text = "\n".join(lines[:6] + ['2026-01-05T09:00:00+00:00,"sales,7,1'] + lines[7:12])
    return ["forecast", write(tmp / "h.csv", text + "\n")], "line 7"


def _latin1(tmp: Path) -> tuple[list, str]:
    lines = history_text().splitlines()
    data = ("\n".join(lines[:8]) + "\n").encode() + "2026-01-06T08:00:00+00:00,café,7,1\n".encode(
        "latin-1"
    )
    return ["forecast", write(tmp / "h.csv", data)], "line 9"


def _year_3026(tmp: Path) -> tuple[list, str]:
    text = history_text().replace("2026-01-06T09:00", "3026-01-06T09:00", 1)
    return ["forecast", write(tmp / "h.csv", text)], "3026"


def _absurd_count(tmp: Path) -> tuple[list, str]:
    frame = pd.read_csv(io.StringIO(history_text()))
    frame.loc[40, "offered"] = 1e15
    return ["forecast", write(tmp / "h.csv", frame.to_csv(index=False))], "line 42"


def _secrets_as_agents(tmp: Path) -> tuple[list, str]:
    secret = write(tmp / "secrets.env", "API_KEY=sk_live_abcdef123456\nPASSWORD=hunter2\n")
    return ["check-rota", secret, "--timezone", "UTC"], "secrets.env"


def _centre_folder(tmp: Path) -> tuple[list, str]:
    return ["forecast", write(tmp / "h.csv", history_text()), "--centre", tmp], "folder"


def _centre_latin1(tmp: Path) -> tuple[list, str]:
    centre = write(
        tmp / "c.toml",
        '[centre]\nname = "Café"\ntimezone = "UTC"\n[[queues]]\nname = "s"\n'.encode("latin-1"),
    )
    return ["forecast", write(tmp / "h.csv", history_text()), "--centre", centre], "UTF-8"


def _overlapping_rota(tmp: Path) -> tuple[list, str]:
    text = (
        "agent_id,date,activity,start,end\n"
        "A1,2026-03-02,work,2026-03-02T09:00:00+00:00,2026-03-02T13:00:00+00:00\n"
        "A1,2026-03-02,work,2026-03-02T12:00:00+00:00,2026-03-02T17:00:00+00:00\n"
    )
    return ["check-rota", write(tmp / "rota.csv", text), "--timezone", "UTC"], "line 2"


def _empty_file(tmp: Path) -> tuple[list, str]:
    return ["forecast", write(tmp / "h.csv", "")], "empty"


def _binary_file(tmp: Path) -> tuple[list, str]:
    return ["forecast", write(tmp / "h.csv", bytes(range(256)) * 4)], "h.csv"


def _nan_answer(tmp: Path) -> tuple[list, str]:
    return ["staff", write(tmp / "f.csv", "x"), "--answer-seconds", "nan"], "--answer-seconds"


def _nan_shrinkage(tmp: Path) -> tuple[list, str]:
    return ["staff", write(tmp / "f.csv", "x"), "--shrinkage", "nan"], "--shrinkage"


def _output_in_a_file(tmp: Path) -> tuple[list, str]:
    write(tmp / "notes.txt", "notes")
    return ["forecast", write(tmp / "h.csv", history_text())], "notes.txt"


HOSTILE_FILES = {
    "blank lines": _blank_lines,
    "unclosed quote": _unclosed_quote,
    "latin-1 byte": _latin1,
    "year 3026": _year_3026,
    "absurd count": _absurd_count,
    "secrets file as rota": _secrets_as_agents,
    "centre is a folder": _centre_folder,
    "centre in latin-1": _centre_latin1,
    "overlapping rota": _overlapping_rota,
    "empty file": _empty_file,
    "binary file": _binary_file,
    "answer seconds nan": _nan_answer,
    "shrinkage nan": _nan_shrinkage,
    "output inside a file": _output_in_a_file,
}


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_file_is_a_clear_error_and_writes_nothing(case, tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    argv, expected = HOSTILE_FILES[case](inputs)
    if case == "output inside a file":
        out = inputs / "notes.txt" / "x.csv"
    else:
        out = tmp_path / "out" / "result.csv"
    if argv[0] == "check-rota":
        argv += ["-o", out]
    else:
        argv += ["-q", "-o", out] if argv[0] == "forecast" else ["-o", out]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code, err = run(argv, capsys)
    assert code == EXIT_USER_ERROR, err
    assert expected in err
    assert "sk_live" not in err and "hunter2" not in err
    assert "np.float64" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing written, no folder


# --- hypothesis over CSV cells and TOML values ------------------------------------------
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-1", "", '"', "=1+1", "3026-01-01", "\x00"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@pytest.mark.slow  # over 3 s of CPU (the fast loop's limit, pyproject.toml)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(column=st.sampled_from(["interval_start", "queue", "offered", "aht_seconds"]), cell=CELL)
def test_any_history_cell_gives_exit_0_or_2(tmp_path, capsys, column, cell):
    frame = pd.read_csv(io.StringIO(history_text(days=15)), dtype=str)
    frame.loc[17, column] = cell
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / "h.csv"
    frame.to_csv(path, index=False)
    out = folder / "out" / "f.csv"
    code, err = run(["forecast", path, "-q", "--horizon-days", "1", "-o", out], capsys)
    assert code in (EXIT_OK, EXIT_USER_ERROR), err
    if code == EXIT_USER_ERROR:
        assert not (folder / "out").exists()
    else:
        assert_no_formula(folder / "out")


TOML_VALUE = st.one_of(
    st.sampled_from(['"nan"', "nan", "inf", "-1", "1e308", '"=1+1"', "[]", "{}", '"\\u0000"']),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: repr(x).replace("inf", "inf")),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8).map(
        lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ),
)
TOML_KEY = st.sampled_from(
    [
        ("centre", "interval_minutes"),
        ("centre", "timezone"),
        ("planning", "shrinkage_fraction"),
        ("planning", "horizon_days"),
        ("opening_hours", "mon"),
        ("scheduling", "time_limit_seconds"),
    ]
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(key=TOML_KEY, value=TOML_VALUE)
def test_any_centre_value_gives_exit_0_or_2(tmp_path, capsys, key, value):
    table, name = key
    base = {
        "centre": {"name": '"c"', "timezone": '"UTC"', "interval_minutes": "60"},
        "planning": {},
        "scheduling": {},
        "opening_hours": {"mon": '"08:00-18:00"'},
    }
    base[table][name] = value
    text = "".join(
        f"[{section}]\n" + "".join(f"{k} = {v}\n" for k, v in entries.items())
        for section, entries in base.items()
    )
    text += '[[queues]]\nname = "sales"\n'
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    centre = write(folder / "centre.toml", text)
    history = write(folder / "h.csv", history_text(days=15))
    out = folder / "out" / "f.csv"
    code, err = run(
        ["forecast", history, "--centre", centre, "-q", "--horizon-days", "1", "-o", out], capsys
    )
    assert code in (EXIT_OK, EXIT_USER_ERROR), err
    if code == EXIT_USER_ERROR:
        assert not (folder / "out").exists()
        assert "centre.toml" in err or "h.csv" in err or "-o" in err


# --- output locations and the store ---------------------------------------------------------
def test_output_folder_blocked_by_a_calendars_file_fails_before_work(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    write(out / "calendars", "not a folder")
    code, err = run(
        ["schedule", tmp_path / "missing.csv", "--centre", tmp_path / "c.toml", "-o", out], capsys
    )
    assert code == EXIT_USER_ERROR
    assert "calendars" in err  # named before the (missing) inputs are even read


def test_read_only_output_folder_is_a_clear_error(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    deny_write_access(monkeypatch, folder)
    code, err = run(["staff", tmp_path / "f.csv", "-o", folder / "x.csv"], capsys)
    assert code == EXIT_USER_ERROR
    assert "permission denied" in err and "option -o" in err


def test_failed_write_leaves_no_empty_folder(tmp_path, monkeypatch):
    from wfm.data import io as data_io
    from wfm.errors import InputError

    def fail(path, data):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(data_io, "_write_temporary", fail)
    with pytest.raises(InputError, match="permission denied"):
        data_io.write_files_atomic({tmp_path / "a" / "b" / "x.csv": "text"})
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", None),  # an empty file is a new SQLite database: no error
        (b"SQLite format 3\x00" + b"\x01" * 200, "damaged"),
        (os.urandom(4096), "damaged"),
    ],
)
def test_store_file_problems_are_clear_errors(tmp_path, capsys, content, words):
    path = write(tmp_path / "w.db", content)
    code, err = run(["db", "status", "--url", f"sqlite:///{path}"], capsys)
    if words is None:
        assert code == EXIT_OK
    else:
        assert code == EXIT_USER_ERROR and words in err and "wfm db init" in err


def test_store_url_naming_a_folder(tmp_path, capsys):
    code, err = run(["db", "init", "--url", f"sqlite:///{tmp_path}"], capsys)
    assert code == EXIT_USER_ERROR and "folder" in err and "wfm.db" in err


def test_read_only_store_can_be_read_not_written(tmp_path, capsys, monkeypatch):
    import wfm.store.engine as engine
    from wfm.errors import InputError
    from wfm.store import migrations, repository

    url = f"sqlite:///{tmp_path / 'w.db'}"
    assert run(["db", "init", "--url", url], capsys)[0] == EXIT_OK
    monkeypatch.setattr(engine, "_read_only_reason", lambda path: "the store file is read-only")
    assert migrations.status(url).up_to_date  # reading works
    with pytest.raises(InputError, match="read-only"):
        repository.save_dataset(url, "forecast", "x", pd.DataFrame({"a": [1]}))


# --- silent wrong inference, messages, limits -----------------------------------------------
def _hourly_with_stray_offsets() -> str:
    starts = pd.date_range("2026-01-05 08:00", periods=24 * 28, freq="h", tz="UTC")
    text = pd.Series(starts.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    for i in (100, 101, 102, 103):  # four rows from a site half an hour off
        text.iloc[i] = (
            (starts[i] + pd.Timedelta(minutes=30))
            .tz_convert("Asia/Kolkata")
            .strftime("%Y-%m-%dT%H:%M:%S+05:30")
        )
    return pd.DataFrame({"interval_start": text, "offered": 50, "aht_seconds": 200.0}).to_csv(
        index=False
    )


def test_stray_utc_offsets_are_an_error_naming_the_row(tmp_path, capsys):
    path = write(tmp_path / "h.csv", _hourly_with_stray_offsets())
    code, err = run(["forecast", path, "-q", "-o", tmp_path / "out" / "f.csv"], capsys)
    assert code == EXIT_USER_ERROR
    assert "line 102" in err and "offset" in err  # row 100 of the data is on line 102
    assert not (tmp_path / "out").exists()


def test_stray_utc_offsets_at_the_start_of_the_file_are_an_error(tmp_path, capsys):
    """Rows from another zone before the file's usual offset begins: no stretch of another
    offset surrounds them, but +05:30 beside +00:00 is no daylight-saving change."""
    starts = pd.date_range("2026-01-05 08:00", periods=24 * 28, freq="h", tz="UTC")
    text = pd.Series(starts.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    for i in (0, 1, 2):
        text.iloc[i] = starts[i].tz_convert("Asia/Kolkata").strftime("%Y-%m-%dT%H:%M:%S+05:30")
    frame = pd.DataFrame({"interval_start": text, "offered": 50, "aht_seconds": 200.0})
    path = write(tmp_path / "h.csv", frame.to_csv(index=False))
    code, err = run(["forecast", path, "-q", "-o", tmp_path / "out" / "f.csv"], capsys)
    assert code == EXIT_USER_ERROR
    assert "line 2" in err and "5.5 hours apart" in err and "3 row(s)" in err
    assert not (tmp_path / "out").exists()


def test_stray_offset_beside_daylight_saving_names_the_stray_row_not_the_summer_rows():
    """A London year (+00:00 and +01:00) with one +05:30 row late in the file: the +01:00
    summer rows are daylight saving, the +05:30 row is the one named."""
    from wfm.data.timestamps import parse_timestamps
    from wfm.errors import InputError

    starts = pd.date_range("2026-01-05", "2026-10-20", freq="h", tz="Europe/London")
    text = pd.Series(starts.strftime("%Y-%m-%dT%H:%M:%S%z")).str.replace(
        r"(\d{2})(\d{2})$", r"\1:\2", regex=True
    )
    stray = len(text) - 10
    text.iloc[stray] = starts[stray].tz_convert("Asia/Kolkata").strftime("%Y-%m-%dT%H:%M:%S+05:30")
    with pytest.raises(InputError) as caught:
        parse_timestamps(text, source="f", column="c", timezone="Europe/London")
    assert caught.value.row == stray + 2  # header on line 1
    assert "1 row(s)" in str(caught.value) and "4.5 hours apart" in str(caught.value)


def test_daylight_saving_offsets_are_accepted():
    from wfm.data.timestamps import parse_timestamps

    starts = pd.date_range("2026-03-01", "2026-11-30", freq="h", tz="Europe/London")
    text = pd.Series(starts.strftime("%Y-%m-%dT%H:%M:%S%z")).str.replace(
        r"(\d{2})(\d{2})$", r"\1:\2", regex=True
    )
    parsed, _ = parse_timestamps(text, source="f", column="c", timezone="Europe/London")
    assert parsed.is_monotonic_increasing and len(parsed) == len(starts)


def test_inferred_interval_is_stated(tmp_path, capsys):
    path = write(tmp_path / "h.csv", history_text())
    code = main(["forecast", str(path), "-q", "--horizon-days", "1", "-o", str(tmp_path / "f.csv")])
    assert code == EXIT_OK
    assert "60-minute intervals inferred" in capsys.readouterr().out


def test_day_first_date_is_not_reported_as_mixed_offsets():
    from wfm.data.timestamps import parse_timestamps
    from wfm.errors import InputError

    values = pd.Series(["2026-01-05T08:00:00+00:00", "13/01/2026 08:00"])
    with pytest.raises(InputError) as caught:
        parse_timestamps(values, source="f", column="c", timezone="UTC")
    assert "day/month/year" in str(caught.value) and "mixes" not in str(caught.value)
    assert caught.value.row == 3


def test_unknown_model_is_named_as_an_option(tmp_path, capsys):
    path = write(tmp_path / "h.csv", history_text())
    code, err = run(
        ["forecast", path, "--model", "nonsense", "-q", "-o", tmp_path / "f.csv"], capsys
    )
    assert code == EXIT_USER_ERROR
    assert "option --model" in err and "column" not in err


def test_values_are_quoted_as_written():
    from wfm.errors import InputError

    error = InputError("bad", value=np.float64(0.0))
    assert "(value: 0.0)" in str(error) and "np." not in str(error)
    long = InputError("bad", value="k" * 500)
    assert len(str(long)) < 120


@pytest.mark.parametrize(
    "offered, aht, words",
    [(1e308, 180.0, "1,000,000"), (10.0, float("inf"), "infinite"), (10.0, 1e7, "86400")],
)
def test_staffing_rejects_absurd_forecasts_quickly(offered, aht, words):
    from wfm.errors import InputError
    from wfm.staffing import ServiceTarget, compute_requirements

    forecast = pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-03-02 08:00", periods=2, freq="15min", tz="UTC"),
            "queue": "sales",
            "offered": [offered, 5.0],
            "aht_seconds": [aht, 180.0],
        }
    )
    with pytest.raises(InputError, match=words):
        compute_requirements(forecast, ServiceTarget(), 0.3, 15, source="f.csv")


@pytest.mark.parametrize("field", ["answer_threshold_seconds", "asa_target_seconds"])
def test_service_target_rejects_nan(field):
    from wfm.errors import InputError
    from wfm.staffing import ServiceTarget

    with pytest.raises(InputError, match="finite"):
        ServiceTarget(**{field: float("nan")})


def test_staffing_search_is_bounded_for_the_largest_allowed_volume():
    from wfm.staffing import ServiceTarget
    from wfm.staffing.targets import staff_to_target

    traffic = np.array([1_000_000 * 300 / 900.0])  # 10^6 contacts of 300 s in 15 minutes
    result = staff_to_target(traffic, np.array([300.0]), ServiceTarget(0.8, 20.0, None))
    # Square-root staffing: N ≈ A + β·sqrt(A) with β < 3 at 80/20 (Halfin–Whitt).
    assert traffic[0] < result.agents_required[0] < traffic[0] + 3 * np.sqrt(traffic[0])
