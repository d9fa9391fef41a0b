"""Hostile-input sweep of the `wfm` CLI: seeded damage to the real inputs, every run classified.

Not part of the test suite: a release check. It builds small base inputs from the real files
(``data/sample/*`` reduced to seven weeks, the US bank file reduced to 15 days, Excel copies,
a generated per-contact export, special days and overrides), then for each case damages one
input (or one option) and runs ``python -m wfm.cli COMMAND ...`` in a subprocess with a time
limit. Each run is classified:

``ok``
    exit 0 (``check-rota``, ``place-activities``: also 3, findings written) and every output file clean: no cell a spreadsheet would run as a formula (starts
    with ``=``, ``+``, ``-``, ``@``, tab or CR and is not a number) and no ``nan``/``inf`` text.
``clear``
    exit 2, no traceback, a one-line message that names a file, line, column, option or key,
    and no output file left behind.
``note:inf``
    exit 0 with ``inf`` in an output: the documented infinite ASA of an overloaded queue.
``bug:*``
    anything else: ``bug:device-replaced`` (a device node given as a path left as a regular
    file, or a SQLite journal made beside it), ``bug:exit1`` (internal error), ``bug:traceback``, ``bug:hang`` (time limit),
    ``bug:formula`` / ``bug:nan`` (in an output of a successful run), ``bug:half-written``
    (output left after a failure), ``bug:vague`` (exit 2 naming nothing), ``bug:exitN``.

The damage is realistic, not random bytes only: truncation, UTF-16 / Latin-1 / BOM, ``;``
delimiters with decimal commas, shuffled / duplicated / missing / renamed columns, empty cells,
NaN / inf / huge / negative numbers, odd date formats, DST-gap and DST-overlap local times,
mixed offsets, duplicate rows, 0-byte files, binary junk, very long lines, formulas in text
cells, Excel copies, TOML with wrong types / unknown keys / out-of-range values, and hostile
option values. Every choice comes from ``random.Random(seed)`` per case, so a case is
reproduced by its id alone::

    python benchmarks/fuzz_cli.py --seed 2026 --cases-per-target 6 --jobs 2 --out /tmp/fuzz
    python benchmarks/fuzz_cli.py --seed 2026 --only forecast/history/17 --keep   # one case

The summary (cases per command, outcomes, CPU time of the children, load average) is printed
and written to ``OUT/summary.json``; every case to ``OUT/cases.jsonl`` with its command line.

The extended sweep (:func:`more_targets`, ``--targets extended``) adds every command the
first left out (``backtest``, ``simulate``, ``schedule``, ``select-shifts``, ``reoptimise``,
``db``, ``privacy``, ``intraday sample``/``replan``, ``init`` options), every other input file
(AHT and shrinkage profiles, shift catalogue, availability, previous rota, approved
exceptions, the forecast, requirements, coverage, actual staff and contacts of a review, the
plan folder's files, the store), damage of the kinds ``EXTRA_CSV_KINDS`` (year 0001, year
9999, 10^6-character cells, every formula start in one column, shuffled rows, duplicate keys,
1e308 everywhere), ``EXTRA_TOML_KINDS`` (100,000 levels of nesting, 10^6-element arrays,
2 MB strings, NUL bytes, 20,000 tables), ``PATH_KINDS`` (a folder, a missing path, a dangling
symlink, a symlink loop, a device node, a chmod-000 file: root reads it) and, for every
command's ``-o``, ``OUTPUT_KINDS`` (a missing parent, a folder where a file goes or a file
where a folder goes, a path inside a file, a device node like ``/dev/full``). Device nodes are
made inside the case folder: a sweep must never hand wfm ``/dev`` itself. Each run has its own
working folder and ``$XDG_DATA_HOME`` (the default store). The app's pages have their own
sweep, ``fuzz_app.py``. The third sweep (``--targets third``, :mod:`fuzz_third`) aims at the
newer code: backtest's and forecast's calendar options, two-site centres, vendor layouts,
Excel formulas and sheets, NaN/inf in TOML; output workbooks are checked for formula cells.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_third  # noqa: E402  (the third sweep's damage and targets, beside this file)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
BANK = Path("/work/shared/data/us_bank_calls_5min_2003.csv")
BANK_OPTIONS = [
    "--map",
    "datetime=interval_start",
    "--map",
    "calls=offered",
    "--timezone",
    "America/New_York",
    "--aht-seconds",
    "240",
]
SECONDS_ALLOWED = 60
#: Commands that solve a rota: their time limit is CPU time of a search that, on a loaded
#: shared machine, takes several times as long in wall time; a hang is still minutes more.
SOLVER_COMMANDS = ("schedule", "reoptimise", "plan", "select-shifts")
EXIT_FINDINGS = 3  # the command ran, wrote its output and found something to act on
FINDINGS_COMMANDS = ("check-rota", "place-activities")  # rules broken, sessions not placed
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
NAMES_SOMETHING = re.compile(
    r"(line \d|row \d|column|--[a-z]|\.csv|\.toml|\.xlsx|key|file|sheet|option|argument|"
    r"\[[a-z_]+\]|queue|agent|[a-z]+://)",  # a store URL names the store's file
    re.IGNORECASE,
)

# ---------------------------------------------------------------------------------------------
# base inputs


def build_contacts(path: Path) -> None:
    """A per-contact export of 1,500 seeded contacts over five weekdays of November 2026."""
    rng = random.Random(7)
    lines = ["contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds,agent_id"]
    for index in range(1500):
        day = 9 + index % 5
        seconds = rng.randrange(8 * 3600, 19 * 3600)
        arrival = f"2026-11-{day:02d}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}+00:00"
        outcome = "abandoned" if rng.random() < 0.08 else "answered"
        lines.append(
            f"C{index:05d},{arrival},{rng.choice(['sales', 'support'])},{outcome},"
            f"{rng.randrange(0, 120)},{rng.randrange(60, 900) if outcome == 'answered' else ''},"
            f"A{rng.randrange(1, 61):03d}"
        )
    path.write_text("\n".join(lines) + "\n")


def build_base(base: Path) -> None:
    """Small, valid inputs made from the real files (seven weeks of the sample centre)."""
    import pandas as pd

    base.mkdir(parents=True, exist_ok=True)
    history = pd.read_csv(SAMPLE / "history.csv", dtype=str)
    history = history[history["interval_start"] >= "2026-09-06"]
    history.to_csv(base / "history.csv", index=False)
    for name in ("agents.csv", "activities.csv", "capacity.toml"):
        shutil.copy(SAMPLE / name, base / name)
    rota = pd.read_csv(SAMPLE / "published_rota.csv", dtype=str)
    rota[rota["date"] >= "2026-11-09"].to_csv(base / "rota.csv", index=False)
    states = pd.read_csv(SAMPLE / "agent_states.csv", dtype=str)
    states[states["start"] >= "2026-11-09"].to_csv(base / "agent_states.csv", index=False)
    centre = (SAMPLE / "centre.toml").read_text()
    for key, name in (
        ("history", "history.csv"),
        ("agents", "agents.csv"),
        ("agent_states", "agent_states.csv"),
    ):
        centre = centre.replace(f'{key} = "{name}"', f'{key} = "{base / name}"')
    (base / "centre.toml").write_text(centre)
    (base / "special_days.csv").write_text(
        "start_date,end_date,kind,factor,open,close,reason\n"
        "2026-11-18,2026-11-18,uplift,1.3,,,billing run\n"
        "2026-11-20,2026-11-20,reduced_hours,,10:00,16:00,staff event\n"
        "2026-10-05,2026-10-05,outlier,,,,outage\n"
    )
    (base / "overrides.csv").write_text(
        "queue,start,end,multiplier,value,reason\n"
        "sales,2026-11-17T10:00,2026-11-17T12:00,1.5,,campaign\n"
        "support,2026-11-19T09:00,2026-11-19T10:00,,12,mailing\n"
    )
    build_contacts(base / "contacts.csv")
    bank = pd.read_csv(BANK, dtype=str)
    bank[bank["date"] >= "2003-10-13"].to_csv(base / "bank.csv", index=False)
    env = child_env()
    run = [sys.executable, "-m", "wfm.cli"]
    subprocess.run(
        [*run, "forecast", str(base / "history.csv"), "--centre", str(base / "centre.toml")]
        + ["--horizon-days", "7", "-q", "-o", str(base / "forecast.csv")],
        check=True,
        env=env,
    )
    subprocess.run(
        [
            *run,
            "intraday",
            "sample",
            "--centre",
            str(SAMPLE / "centre.toml"),
            "-o",
            str(base / "day"),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [*run, "plan", "--centre", str(base / "centre.toml"), "-q", "--time-limit-seconds", "20"]
        + ["-o", str(base / "plan")],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    for name in ("history", "bank", "contacts", "rota", "agent_states"):
        frame = pd.read_csv(base / f"{name}.csv", dtype=str, keep_default_na=False)
        frame.to_excel(base / f"{name}.xlsx", index=False)
    build_base_more(base)


def build_base_more(base: Path) -> None:
    """The inputs of the commands and options the first sweep left out: profiles, a shift
    catalogue, availability, approved exceptions, actual staff and a store."""
    import pandas as pd

    (base / "aht_profile.csv").write_text(
        "weekday,time,aht_seconds,queue\n"
        + "".join(f"{day},08:00,300,sales\n{day},14:00,280,sales\n" for day in range(7))
        + "".join(f"{day},08:00,420,\n" for day in range(7))
    )
    (base / "shrinkage_profile.csv").write_text(
        "weekday,time,shrinkage_fraction\n"
        + "".join(f"{day},08:00,0.3\n{day},12:00,0.35\n" for day in range(7))
    )
    lines = ["start,end,cost,name"]
    for day in range(16, 23):
        for hour in range(8, 13):
            lines.append(f"2026-11-{day}T{hour:02d}:00,2026-11-{day}T{hour + 8:02d}:00,8,day{hour}")
    (base / "catalogue.csv").write_text("\n".join(lines) + "\n")
    (base / "availability.csv").write_text(
        "agent_id,start,end,kind\n"
        "A001,2026-11-18 00:00,2026-11-19 00:00,unavailable\n"
        "A002,2026-11-16 08:00,2026-11-16 14:00,available_only\n"
    )
    (base / "exceptions.csv").write_text(
        "agent_id,start,end,reason\n"
        "A001,2026-11-10T09:00:00+00:00,2026-11-10T10:00:00+00:00,coaching\n"
        "A003,2026-11-11T12:00:00+00:00,2026-11-11T12:30:00+00:00,outage\n"
    )
    # the plan's files moved two weeks back, into the period `wfm review` reviews
    for name in ("forecast", "requirements", "coverage"):
        frame = pd.read_csv(base / "plan" / f"{name}.csv", dtype=str, keep_default_na=False)
        start = pd.to_datetime(frame["interval_start"]) - pd.Timedelta(days=14)
        frame["interval_start"] = start.map(lambda stamp: stamp.isoformat())
        frame.to_csv(base / f"past_{name}.csv", index=False)
    coverage = pd.read_csv(base / "past_coverage.csv")
    coverage.assign(agents_actual=coverage["agents_scheduled"])[
        ["interval_start", "queue", "agents_actual"]
    ].to_csv(base / "actual_staff.csv", index=False)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wfm.cli",
            "db",
            "init",
            "--store",
            f"sqlite:///{base / 'store.db'}",
        ],
        check=True,
        env=child_env(),
        stdout=subprocess.DEVNULL,
    )


#: The wfm sources the runs import (``--wfm-src``: e.g. an older commit's, for a before/after).
WFM_SRC = [REPO / "src"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(WFM_SRC[0]), str(REPO / "apps")])
    env["PYTHONHASHSEED"] = "0"
    return env


# ---------------------------------------------------------------------------------------------
# damage to CSV text


def read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def write_rows(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def numeric_columns(rows: list[list[str]]) -> list[int]:
    columns = []
    for index in range(len(rows[0])):
        cells = [row[index] for row in rows[1:50] if index < len(row) and row[index]]
        if cells and all(NUMBER.match(cell) for cell in cells):
            columns.append(index)
    return columns


def time_columns(rows: list[list[str]]) -> list[int]:
    return [
        index
        for index in range(len(rows[0]))
        if any(index < len(row) and re.match(r"\d{4}-\d\d-\d\d", row[index]) for row in rows[1:5])
    ]


def text_columns(rows: list[list[str]]) -> list[int]:
    numbers, times = set(numeric_columns(rows)), set(time_columns(rows))
    return [index for index in range(len(rows[0])) if index not in numbers | times] or [0]


def some_rows(rng: random.Random, rows: list[list[str]], count: int = 5) -> list[int]:
    body = range(1, len(rows))
    return rng.sample(body, min(count, len(body))) if len(body) else []


def damage_cells(rng, rows, columns, values, count=5):
    if not columns:
        columns = list(range(len(rows[0])))
    for index in some_rows(rng, rows, count):
        column = rng.choice(columns)
        if column < len(rows[index]):
            rows[index][column] = rng.choice(values)
    return rows


HUGE_OR_BAD = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "1e400",
    "-5",
    "-0.0",
    "99999999999999999999",
    "0x1F",
    "1,5",
    "12 calls",
    "∞",
    "None",
    "null",
    "#N/A",
    "#DIV/0!",
    "TRUE",
]
ODD_DATES = [
    "03/11/2026 08:00",
    "11/03/2026 8:00 AM",
    "2026-13-01T08:00:00",
    "2026-11-31T08:00",
    "1762243200",
    "46000.3333",
    "Nov 3 2026 08:00",
    "2026-11-03 25:00",
    "2026-11-03T08:00:00Z",
    "2026-11-03T08:00:00+14:00",
    "0000-00-00 00:00:00",
    "",
    "yesterday",
    "2026-11-03T08:00:00.123456789+00:00",
    "9999-12-31T23:59:59",
    "1900-01-01T00:00:00",
]
DST_TIMES = [
    "2026-03-29 01:30:00",
    "2026-10-25 01:30:00",
    "2003-04-06 02:30:00",
    "2003-10-26 01:30:00",
    "2026-03-29T01:15:00",
    "2026-10-25T01:15:00",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "=1+1",
    "\t=1",
    "\rcmd",
    "=cmd|' /C notepad'!'A1'",
    "@",
    "+",
    "-",
]
JUNK_TEXT = ["", " ", "é", "名前", "a" * 5000, "\x00", "x,y", '"', "'", "\\", "\u202e", "NULL"]


def mutate_csv(rng: random.Random, data: bytes, kind: str) -> bytes:
    text = data.decode("utf-8")
    rows = read_rows(text)
    header, body = rows[0], rows[1:]
    if kind == "truncate_bytes":
        return data[: rng.randrange(0, len(data))]
    if kind == "truncate_mid_row":
        cut = text.find("\n", len(text) // 2) + 1 + rng.randrange(1, 8)
        return text[:cut].encode()
    if kind == "header_only":
        return (",".join(header) + "\n").encode()
    if kind == "zero_bytes":
        return b""
    if kind == "only_newlines":
        return b"\n\n\n"
    if kind == "binary_junk":
        return bytes(rng.randrange(256) for _ in range(rng.choice([16, 4096, 70000])))
    if kind == "binary_inside":
        cut = rng.randrange(len(data) // 4, len(data) // 2)
        return data[:cut] + bytes(rng.randrange(256) for _ in range(64)) + data[cut:]
    if kind == "gzip_junk":
        import gzip

        return gzip.compress(data)
    if kind == "utf16":
        return text.encode("utf-16")
    if kind == "utf16_le_nobom":
        return text.encode("utf-16-le")
    if kind == "latin1":
        rows = damage_cells(rng, rows, text_columns(rows), ["Zoë", "Müller", "Señor", "café"], 10)
        return write_rows(rows).encode("latin-1", errors="replace")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "cr_only":
        return text.replace("\n", "\r").encode()
    if kind == "semicolon_decimal_comma":
        converted = [
            [cell.replace(".", ",") if NUMBER.match(cell) else cell for cell in row] for row in rows
        ]
        return write_rows(converted, ";").encode()
    if kind == "tab_delimited":
        return write_rows(rows, "\t").encode()
    if kind == "decimal_comma_in_commas":
        columns = numeric_columns(rows)
        for row in body:
            for column in columns:
                if column < len(row) and "." in row[column]:
                    row[column] = row[column].replace(".", ",")
        return write_rows(rows).encode()
    if kind == "shuffle_columns":
        order = list(range(len(header)))
        rng.shuffle(order)
        return write_rows(
            [[row[i] if i < len(row) else "" for i in order] for row in rows]
        ).encode()
    if kind == "drop_column":
        drop = rng.randrange(len(header))
        return write_rows([[c for i, c in enumerate(row) if i != drop] for row in rows]).encode()
    if kind == "duplicate_column":
        dup = rng.randrange(len(header))
        return write_rows([row + [row[dup] if dup < len(row) else ""] for row in rows]).encode()
    if kind == "duplicate_header_name":
        other = rng.randrange(len(header))
        name = header[rng.randrange(len(header))]
        header[other] = name
        return write_rows(rows).encode()
    if kind == "rename_header":
        header[rng.randrange(len(header))] = rng.choice(
            ["", " ", "Unnamed: 0", "=cmd", "col", "Interval Start ", "OFFERED"]
        )
        return write_rows(rows).encode()
    if kind == "no_header":
        return write_rows(body).encode()
    if kind == "header_twice":
        return write_rows(
            [header] + body[: len(body) // 2] + [header] + body[len(body) // 2 :]
        ).encode()
    if kind == "extra_cells":
        for index in some_rows(rng, rows, 5):
            rows[index] = rows[index] + ["extra", "7"]
        return write_rows(rows).encode()
    if kind == "short_rows":
        for index in some_rows(rng, rows, 5):
            rows[index] = rows[index][: rng.randrange(0, len(rows[index]))]
        return write_rows(rows).encode()
    if kind == "empty_cells":
        return write_rows(damage_cells(rng, rows, list(range(len(header))), [""], 20)).encode()
    if kind == "all_empty_column":
        column = rng.randrange(len(header))
        for row in body:
            if column < len(row):
                row[column] = ""
        return write_rows(rows).encode()
    if kind == "bad_numbers":
        return write_rows(damage_cells(rng, rows, numeric_columns(rows), HUGE_OR_BAD, 8)).encode()
    if kind == "all_nan_numbers":
        for row in body:
            for column in numeric_columns(rows):
                if column < len(row):
                    row[column] = "nan"
        return write_rows(rows).encode()
    if kind == "negative_numbers":
        columns = numeric_columns(rows)
        for row in body[: len(body) // 3]:
            for column in columns:
                if column < len(row) and row[column]:
                    row[column] = "-" + row[column].lstrip("-")
        return write_rows(rows).encode()
    if kind == "huge_numbers":
        return write_rows(
            damage_cells(
                rng,
                rows,
                numeric_columns(rows),
                ["1e300", "1e18", "123456789012345678901234567890"],
                20,
            )
        ).encode()
    if kind == "odd_dates":
        return write_rows(damage_cells(rng, rows, time_columns(rows), ODD_DATES, 6)).encode()
    if kind == "dates_all_dayfirst":
        columns = time_columns(rows)
        for row in body:
            for column in columns:
                match = (
                    re.match(r"(\d{4})-(\d\d)-(\d\d)(.*)", row[column])
                    if column < len(row)
                    else None
                )
                if match:
                    row[column] = (
                        f"{match[3]}/{match[2]}/{match[1]}{match[4][:6].replace('T', ' ')}"
                    )
        return write_rows(rows).encode()
    if kind == "dst_local_times":
        columns = time_columns(rows)
        for row in body:
            for column in columns:
                if column < len(row):
                    row[column] = re.sub(r"([+-]\d\d:\d\d|Z)$", "", row[column]).replace("T", " ")
        return write_rows(damage_cells(rng, rows, columns, DST_TIMES, 6)).encode()
    if kind == "mixed_offsets":
        columns = time_columns(rows)
        for index in some_rows(rng, rows, 30):
            for column in columns:
                if column < len(rows[index]):
                    cell = rows[index][column]
                    rows[index][column] = re.sub(
                        r"([+-]\d\d:\d\d|Z)$",
                        rng.choice(["-05:00", "+09:30", "Z", "", "+25:00"]),
                        cell,
                    )
        return write_rows(rows).encode()
    if kind == "duplicate_rows":
        extra = [list(body[i - 1]) for i in some_rows(rng, rows, 20)]
        return write_rows([header] + body + extra).encode()
    if kind == "reversed_rows":
        return write_rows([header] + body[::-1]).encode()
    if kind == "long_line":
        index = some_rows(rng, rows, 1)
        if index:
            rows[index[0]][-1] = "x" * rng.choice([100_000, 2_000_000])
        return write_rows(rows).encode()
    if kind == "formulas_in_text":
        return write_rows(damage_cells(rng, rows, text_columns(rows), FORMULAS, 10)).encode()
    if kind == "formula_everywhere_text":
        column = rng.choice(text_columns(rows))
        for row in body:
            if column < len(row):
                row[column] = rng.choice(FORMULAS)
        return write_rows(rows).encode()
    if kind == "junk_text":
        return write_rows(damage_cells(rng, rows, text_columns(rows), JUNK_TEXT, 10)).encode()
    if kind == "quote_unbalanced":
        lines = text.splitlines(keepends=True)
        at = rng.randrange(1, len(lines))
        lines[at] = '"' + lines[at]
        return "".join(lines).encode()
    if kind == "single_row":
        return write_rows([header, body[0]]).encode()
    if kind == "whitespace_cells":
        for row in body:
            for i, cell in enumerate(row):
                row[i] = f"  {cell} "
        return write_rows(rows).encode()
    return mutate_csv_more(rng, rows, kind)


def mutate_csv_more(rng: random.Random, rows: list[list[str]], kind: str) -> bytes:
    """The CSV damage of the extended sweep (``EXTRA_CSV_KINDS``)."""
    header, body = rows[0], rows[1:]
    if kind in ("year_0001", "far_future"):
        year = "0001" if kind == "year_0001" else rng.choice(["2999", "9999", "2201"])
        columns = time_columns(rows)
        for index in some_rows(rng, rows, rng.choice([1, 10, len(body)])):
            for column in columns:
                if column < len(rows[index]):
                    rows[index][column] = re.sub(r"^\d{4}", year, rows[index][column])
        return write_rows(rows).encode()
    if kind == "cell_1e6":
        for index in some_rows(rng, rows, 2):
            column = rng.randrange(len(rows[index])) if rows[index] else 0
            if rows[index]:
                rows[index][column] = rng.choice(["x", "9", "=", " "]) * 1_000_000
        return write_rows(rows).encode()
    if kind == "formula_leading_all":  # every text cell of one column, every formula start
        column = rng.choice(text_columns(rows))
        for number, row in enumerate(body):
            if column < len(row):
                row[column] = ["=1+2", "+1-", "-x", "@A1", "\tTAB", "\rCR"][number % 6] + row[
                    column
                ]
        return write_rows(rows).encode()
    if kind == "shuffled_rows":
        rng.shuffle(body)
        return write_rows([header] + body).encode()
    if kind == "duplicate_keys":  # every row twice, one with changed numbers
        extra = [[str(float(c) * 2) if NUMBER.match(c) else c for c in row] for row in body]
        return write_rows([header] + body + extra).encode()
    if kind == "inf_everywhere":
        for row in body:
            for column in numeric_columns(rows):
                if column < len(row):
                    row[column] = rng.choice(["1e308", "-1e308", "inf", "1.7976931348623157e308"])
        return write_rows(rows).encode()
    if kind == "header_of_junk":
        return ("\x7f\x01" + ",".join(h[::-1] for h in header) + "\n").encode() + write_rows(
            body
        ).encode()
    raise ValueError(kind)


CSV_KINDS = [
    "truncate_bytes", "truncate_mid_row", "header_only", "zero_bytes", "only_newlines", "binary_junk",
    "binary_inside", "gzip_junk", "utf16", "utf16_le_nobom", "latin1", "bom", "crlf", "cr_only",
    "semicolon_decimal_comma", "tab_delimited", "decimal_comma_in_commas", "shuffle_columns",
    "drop_column", "duplicate_column", "duplicate_header_name", "rename_header", "no_header",
    "header_twice", "extra_cells", "short_rows", "empty_cells", "all_empty_column", "bad_numbers",
    "all_nan_numbers", "negative_numbers", "huge_numbers", "odd_dates", "dates_all_dayfirst",
    "dst_local_times", "mixed_offsets", "duplicate_rows", "reversed_rows", "long_line",
    "formulas_in_text", "formula_everywhere_text", "junk_text", "quote_unbalanced", "single_row",
    "whitespace_cells",
]  # fmt: skip
XLSX_KINDS = [
    "xlsx_damaged_cells",
    "xlsx_formulas",
    "xlsx_truncated",
    "xlsx_renamed_csv",
    "xlsx_empty_sheet",
]


def mutate_xlsx(rng: random.Random, xlsx: Path, kind: str) -> bytes:
    import openpyxl

    data = xlsx.read_bytes()
    if kind == "xlsx_truncated":
        return data[: rng.randrange(0, len(data))]
    if kind == "xlsx_renamed_csv":
        return b"a,b\n1,2\n"
    book = openpyxl.load_workbook(xlsx)
    sheet = book.active
    if kind == "xlsx_empty_sheet":
        book.remove(sheet)
        book.create_sheet("Sheet1")
    else:
        values = (
            FORMULAS
            if kind == "xlsx_formulas"
            else HUGE_OR_BAD + ODD_DATES + [None, 1e308, -1, 45000.5]
        )
        for _ in range(10):
            row = rng.randrange(2, min(sheet.max_row, 400) + 1)
            column = rng.randrange(1, sheet.max_column + 1)
            sheet.cell(row=row, column=column, value=rng.choice(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# damage to TOML


def toml_paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from toml_paths(value, (*prefix, key))
    elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
        for index, item in enumerate(node):
            yield from toml_paths(item, (*prefix, index))
    else:
        yield prefix, node


def set_path(node, path, value):
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


DELETE = object()
WRONG_VALUES = [
    "",
    "abc",
    -1,
    0,
    10**12,
    1e308,
    -0.5,
    1.5,
    True,
    [],
    {},
    "=cmd|' /C calc'!A0",
    "25:99",
    "Mars/Olympus",
    [1, "a"],
    "nan",
]


def mutate_toml(rng: random.Random, text: str, kind: str) -> bytes:
    import tomli_w

    if kind == "toml_truncate":
        return text[: rng.randrange(0, len(text))].encode()
    if kind == "toml_junk":
        return bytes(rng.randrange(256) for _ in range(500))
    if kind == "toml_empty":
        return b""
    if kind == "toml_utf16":
        return text.encode("utf-16")
    document = tomllib.loads(text)
    leaves = [path for path, _ in toml_paths(document)]
    if kind == "toml_wrong_type":
        for _ in range(rng.randrange(1, 3)):
            set_path(document, rng.choice(leaves), rng.choice(WRONG_VALUES))
    elif kind == "toml_delete_key":
        path = rng.choice(leaves)
        set_path(document, path, DELETE)
    elif kind == "toml_unknown_key":
        path = rng.choice(leaves)
        set_path(document, (*path[:-1], "unknwon_" + str(path[-1])), 1)
    elif kind == "toml_out_of_range":
        numeric = [
            p
            for p, v in toml_paths(document)
            if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        set_path(
            document, rng.choice(numeric), rng.choice([-1, 0, 1e9, 10**15, -0.01, 1.01, 2.5, 1e-12])
        )
    elif kind == "toml_bad_times":
        times = [
            p for p, v in toml_paths(document) if isinstance(v, str) and re.search(r"\d\d:\d\d", v)
        ]
        if times:
            set_path(
                document,
                rng.choice(times),
                rng.choice(
                    [
                        "25:00-26:00",
                        "20:00-08:00",
                        "08:00",
                        "8-20",
                        "closed ",
                        "00:00-24:00",
                        "08:07-20:00",
                    ]
                ),
            )
    elif kind == "toml_duplicate_queue":
        if "queues" in document:
            document["queues"].append(dict(document["queues"][0]))
    elif kind == "toml_empty_tables":
        key = rng.choice([k for k in document if isinstance(document[k], (dict, list))])
        document[key] = [] if isinstance(document[key], list) else {}
    elif kind == "toml_bad_timezone":
        if "centre" in document:
            document["centre"]["timezone"] = rng.choice(
                ["Europe/Londn", "UTC+1", "", "GMT", "+01:00"]
            )
    elif kind == "toml_formula_names":
        for path, _value in list(toml_paths(document)):
            if path and path[-1] == "name":
                set_path(document, path, rng.choice(FORMULAS))
    return tomli_w.dumps(document).encode()


TOML_KINDS = [
    "toml_truncate", "toml_junk", "toml_empty", "toml_utf16", "toml_wrong_type", "toml_delete_key",
    "toml_unknown_key", "toml_out_of_range", "toml_bad_times", "toml_duplicate_queue",
    "toml_empty_tables", "toml_bad_timezone", "toml_formula_names",
]  # fmt: skip

#: The damage the extended sweep adds to every CSV input.
EXTRA_CSV_KINDS = [
    "year_0001", "far_future", "cell_1e6", "formula_leading_all", "shuffled_rows",
    "duplicate_keys", "inf_everywhere", "header_of_junk", "utf16", "bom", "zero_bytes",
    "header_only", "binary_junk", "semicolon_decimal_comma", "dst_local_times",
]  # fmt: skip
#: An input path that is not a readable file (root reads a chmod-000 file: then ``ok``).
PATH_KINDS = [
    "path_directory", "path_missing", "path_dangling_symlink", "path_symlink_loop",
    "path_dev_null", "path_unreadable",
]  # fmt: skip
# Not tried: a named pipe nobody writes to. wfm waits for a writer as `cat` does (reading
# `/dev/stdin` is the same kind of file), which is the pipe's meaning, not a hang of wfm's.
#: An output path that cannot be written as asked.
OUTPUT_KINDS = ["out_missing_parent", "out_is_other_kind", "out_inside_file", "out_dev_full"]
#: Damage to a TOML file the first sweep did not try: nesting, size, control bytes.
EXTRA_TOML_KINDS = [
    "toml_deep_nesting", "toml_huge_array", "toml_huge_string", "toml_nul", "toml_many_tables",
]  # fmt: skip
#: Damage to a SQLite store file.
STORE_KINDS = ["zero_bytes", "binary_junk", "truncate_bytes", "gzip_junk", "csv_as_store"]


def mutate_toml_more(rng: random.Random, text: str, kind: str) -> bytes:
    if kind == "toml_deep_nesting":
        depth = rng.choice([1_000, 100_000])
        return (text + "\nnested = " + "[" * depth + "]" * depth + "\n").encode()
    if kind == "toml_huge_array":
        return (text + "\nhuge = [" + ",".join(["1"] * 1_000_000) + "]\n").encode()
    if kind == "toml_huge_string":
        return text.replace('name = "', 'name = "' + "x" * 2_000_000, 1).encode()
    if kind == "toml_nul":
        return text.replace("\n", "\n\x00", 3).encode()
    if kind == "toml_many_tables":
        return (text + "".join(f'\n[[queues]]\nname = "q{i}"\n' for i in range(20_000))).encode()
    raise ValueError(kind)


def mutate_store(rng: random.Random, data: bytes, kind: str) -> bytes:
    if kind == "csv_as_store":
        return b"agent_id,name\nA001,=cmd\n"
    if kind == "truncate_bytes":
        return data[: rng.randrange(0, len(data))]
    return (
        mutate_csv(rng, b"a,b\n1,2\n", kind)
        if kind != "gzip_junk"
        else __import__("gzip").compress(data)
    )


def device_node(path: Path, minor: int) -> None:
    """A character device like ``/dev/null`` (minor 3) or ``/dev/full`` (7) at ``path``
    (root only; otherwise a named pipe, also not a regular file). A sweep that passed the
    real ``/dev/full`` found a writer that renamed its output over it, as root."""
    import stat

    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        os.mkfifo(path)


def make_path(folder: Path, name: str, kind: str, real: Path) -> str:
    """A path of kind ``kind`` where the input ``name`` would be."""
    path = folder / name
    path.unlink(missing_ok=True)
    if kind == "path_directory":
        path.mkdir()
        (path / "inside.csv").write_text("a,b\n1,2\n")
    elif kind == "path_missing":
        path = folder / "no such folder" / name
    elif kind == "path_dangling_symlink":
        path.symlink_to(folder / "gone" / name)
    elif kind == "path_symlink_loop":
        path.symlink_to(path)
    elif kind == "path_dev_null":  # a device node of our own: never point wfm at /dev itself
        device_node(path, 3)
    elif kind == "path_unreadable":
        shutil.copy(real, path)
        path.chmod(0)
    return str(path)


def damage_output(argv: list[str], folder: Path, kind: str) -> list[str]:
    """``argv`` with its ``-o`` value replaced by an output path of kind ``kind``."""
    argv = list(argv)
    at = next((i for i, part in enumerate(argv) if part in ("-o", "--output")), None)
    if at is None:
        return argv
    wanted = Path(argv[at + 1])
    is_file = wanted.suffix in (".csv", ".xlsx", ".md", ".json")
    if kind == "out_missing_parent":
        argv[at + 1] = str(wanted.parent / "no" / "such" / "folder" / wanted.name)
    elif kind == "out_is_other_kind":  # a folder where a file goes, a file where a folder goes
        other = folder / ("obstacle" + wanted.suffix)
        if is_file:
            other.mkdir()
        else:
            other.write_text("not a folder\n")
        argv[at + 1] = str(other)
    elif kind == "out_inside_file":
        (folder / "notes.txt").write_text("a file\n")
        argv[at + 1] = str(folder / "notes.txt" / wanted.name)
    elif kind == "out_dev_full":  # ENOSPC on every write; a node of our own, not /dev/full
        device_node(folder / "full", 7)
        argv[at + 1] = str(folder / "full")
    return argv


# ---------------------------------------------------------------------------------------------
# hostile option values

HOSTILE_OPTIONS = {
    "forecast": [
        ["--as-of", "junk"], ["--as-of", "2026-13-45T99:99"], ["--as-of", "2099-01-01T08:00"],
        ["--as-of", "2026-03-29T01:30"], ["--horizon-days", "-1"], ["--horizon-days", "0"],
        ["--horizon-days", str(10**9)], ["--horizon-days", "nan"], ["--country", "XX"],
        ["--country", "=cmd"], ["--interval-minutes", "7"], ["--interval-minutes", "0"],
        ["--interval-minutes", "-15"], ["--start-date", "2026-02-30"], ["--start-date", "1900-01-01"],
        ["--model", "nonexistent"], ["--model", "=HYPERLINK(1)"], ["--workers", "0"],
        ["--workers", "-3"], ["--timezone", "Mars/Olympus"], ["--aht-seconds", "-5"],
        ["--aht-seconds", "nan"], ["--aht-seconds", "sales=inf"], ["--map", "nonexistent=offered"],
        ["--map", "broken"], ["--date-format", "%Q"], ["--sheet", "nosuchsheet"],
        ["--queue", "=1+1"], ["--queue", ""], ["--special-days", "/nonexistent.csv"],
        ["-o", "/nonexistent_dir/x.csv"], ["-o", "/proc/version"],
    ],
    "staff": [
        ["--service-level", "1.5"], ["--service-level", "-0.1"], ["--service-level", "nan"],
        ["--answer-seconds", "-20"], ["--answer-seconds", "inf"], ["--max-occupancy", "0"],
        ["--max-occupancy", "2"], ["--shrinkage", "1"], ["--shrinkage", "1.2"], ["--shrinkage", "-0.3"],
        ["--shrinkage-component", "sick=0.9", "--shrinkage-component", "train=0.5"],
        ["--shrinkage-component", "junk"], ["--patience-seconds", "0"], ["--max-abandon", "2"],
        ["--chat-concurrency", "0"], ["--chat-concurrency", "1000"], ["--quantile", "1.5"],
        ["--quantile", "0"], ["--interval-minutes", "7"], ["--aht-seconds", "0"],
        ["--timezone", "Nowhere/City"], ["--asa-seconds", "-1"], ["--deferred-response-hours", "-2"],
        ["--sl-definition", "junk"], ["--history", "/nonexistent.csv"],
    ],
    "capacity": [
        ["--months", "0"], ["--months", "37"], ["--months", "-1"], ["--months", str(10**9)],
        ["--start-date", "junk"], ["--start-date", "2026-02-30"], ["--aht-seconds", "sales=-1"],
        ["--aht-seconds", "nosuchqueue=300"], ["--aht-seconds", "sales=nan"],
        ["--scenario", "x:volume=nan"], ["--scenario", "junk"], ["--scenario", "=cmd:volume_multiplier=2"],
        ["--scenario", "a:volume_multiplier=-1"], ["--scenario", "a:unknown=1"],
    ],
    "whatif": [
        ["--volume-change", "nan"], ["--volume-change", "-2"], ["--volume-change", "1e300"],
        ["--aht-change", "-1.5"], ["--service-level", "2"], ["--shrinkage", "1"],
        ["--absenteeism", "1.5"], ["--patience-seconds", "-1"], ["--scenario", "junk"],
        ["--scenario", "=cmd=volume:2"], ["--scenario", "a=volume:nan"], ["--scenario", "a=nokey:1"],
        ["--scenario", "a=volume:0.1,volume:0.2"], ["--plan", "/nonexistent"],
    ],
    "adherence": [
        ["--tolerance-minutes", "-5"], ["--tolerance-minutes", "nan"], ["--tolerance-minutes", str(10**9)],
        ["--activity-tolerance", "break=-1"], ["--activity-tolerance", "junk"], ["--state-map", "x"],
        ["--vendor", "nosuch"], ["--interval-minutes", "7"], ["--interval-minutes", "0"],
        ["--timezone", "Nowhere/City"], ["--exceptions", "/nonexistent.csv"],
    ],
    "intraday": [
        ["--as-of", "junk"], ["--as-of", "25:00"], ["--as-of", "07:00"], ["--as-of", "23:59"],
        ["--as-of", "2026-10-21T11:00"], ["--date", "2026-02-30"], ["--date", "1999-01-01"],
    ],
    "import-contacts": [
        ["--interval-minutes", "7"], ["--interval-minutes", "0"], ["--timezone", "Nowhere/City"],
        ["--answer-threshold-seconds", "-1"], ["--answer-threshold-seconds", "nan"],
        ["--map", "junk"], ["--outcome", "junk"], ["--outcome", "answered=nosuch"],
        ["--layout", "amazon-connect"], ["--layout", "genesys-cloud"], ["--layout", "twilio-taskrouter"],
    ],
    "check-rota": [["--week-start", "funday"], ["--week-start", "2026-02-30"], ["--timezone", "Nowhere/City"], ["--opted-out", "=cmd"]],
    "review": [["--from", "junk"], ["--to", "2026-02-30"], ["--from", "2026-11-14", "--to", "2026-11-01"], ["--fcr-days", "-1"], ["--sl-definition", "junk"], ["--timezone", "Nowhere/City"]],
    "plan": [["--time-limit-seconds", "-1"], ["--relative-gap", "-1"], ["--threads", "0"], ["--start-date", "junk"], ["--start-date", "2026-11-17"]],
}  # fmt: skip
HOSTILE_OPTIONS.update({
    "backtest": [
        ["--models", "nosuch"], ["--models", ""], ["--models", "=cmd,factor"], ["--horizons", "0"],
        ["--horizons", "-1"], ["--horizons", "1,,7"], ["--horizons", "nan"], ["--horizons", "100000"],
        ["--origins", "0"], ["--origins", "-2"], ["--origins", str(10**8)], ["--workers", "0"],
        ["--detail", "/nonexistent_dir/d.csv"], ["--interval-minutes", "7"], ["--country", "XX"],
        ["--aht-profile", "/nonexistent.csv"], ["--sheet", "nosuch"],
    ],
    "simulate": [
        ["--replications", "0"], ["--replications", "-5"], ["--replications", str(10**9)],
        ["--handle-time-cv", "-1"], ["--handle-time-cv", "1e9"], ["--patience-seconds", "-1"],
        ["--patience-seconds", "0"], ["--answer-seconds", "-20"], ["--answer-seconds", "1e9"],
        ["--short-abandon-seconds", "-5"], ["--sl-definition", "junk"], ["--seed", "-1"],
        ["--seed", str(2**70)], ["--agents-column", "nosuch"], ["--agents-column", "queue"],
        ["--interval-minutes", "7"], ["--timezone", "Mars/Olympus"],
    ],
    "schedule": [
        ["--time-limit-seconds", "0"], ["--time-limit-seconds", "-1"], ["--relative-gap", "-0.5"],
        ["--relative-gap", "5"], ["--threads", "0"], ["--threads", "-4"], ["--threads", "100000"],
        ["--seed", "-1"], ["--start-date", "2026-02-30"], ["--start-date", "0001-01-01"],
        ["--start-date", "9999-12-27"], ["--weeks", "0"], ["--weeks", "-1"], ["--weeks", "10000"],
        ["--shift-demand", "/nonexistent.csv"], ["--previous-rota", "/nonexistent.csv"],
        ["--cluster", "tcp://256.0.0.1:1"], ["--cluster", "local:0"], ["--cluster", "junk"],
    ],
    "select-shifts": [
        ["--shift-lengths-minutes", "0"], ["--shift-lengths-minutes", "-480"],
        ["--shift-lengths-minutes", "7"], ["--shift-lengths-minutes", "100000"],
        ["--start-step-minutes", "0"], ["--start-step-minutes", "7"], ["--start-step-minutes", "-15"],
        ["--under-staffing-cost-per-agent-hour", "-1"], ["--under-staffing-cost-per-agent-hour", "1e9"],
        ["--over-staffing-cost-per-agent-hour", "-5"], ["--time-limit-seconds", "0"],
        ["--agents-column", "nosuch"], ["--agents-column", "queue"], ["--timezone", "Nowhere/City"],
        ["--catalogue", "/nonexistent.csv"], ["--no-wrap"],
    ],
    "reoptimise": [
        ["--unavailable", "junk"], ["--unavailable", "A001:2026-02-30"], ["--unavailable", "NOSUCH:2026-11-17"],
        ["--unavailable", "A001:2026-11-20..2026-11-17"], ["--unavailable", "A001:0001-01-01..9999-12-31"],
        ["--unavailable", "=cmd:2026-11-17"], ["--change-cost", "-1"], ["--break-change-cost", "-1"],
        ["--change-cost", "1e9"], ["--start-date", "2026-11-18"], ["--start-date", "junk"],
        ["--availability", "/nonexistent.csv"], ["--time-limit-seconds", "-3"],
    ],
    "db": [["--store", "junk"], ["--store", "sqlite:////nonexistent_dir/x.db"], ["--store", "sqlite:///"],
           ["--store", "postgresql://nobody@256.0.0.1:1/x"], ["--store", "sqlite:////proc/version"],
           ["--store", "sqlite:////tmp"], ["--store", "mysql://x"], ["--store", ""]],
    "privacy": [["--older-than", "-1"], ["--older-than", "0"], ["--older-than", str(10**9)],
                ["--store", "sqlite:////nonexistent_dir/x.db"], ["--actor", "=cmd"], ["--store", "junk"]],
    "privacy-export": [["--rota-version", "0"], ["--rota-version", "-1"], ["--rota-version", "junk"],
                       ["--rota-version", str(10**12)], ["--store", "junk"]],
    "privacy-pseudonymise": [["--column", "nosuch"], ["--column", ""], ["--column", "=cmd"],
                             ["--store", "junk"]],
    "intraday-sample": [
        ["--date", "2026-02-30"], ["--date", "0001-01-01"], ["--date", "9999-12-31"], ["--as-of", "junk"],
        ["--as-of", "25:00"], ["--absent", "-1"], ["--absent", "100000"], ["--spike", "junk"],
        ["--spike", "nan"], ["--spike", "-5"], ["--date", "2026-03-29"], ["--date", "2026-10-25"],
    ],
    "intraday-replan": [
        ["--max-overtime-minutes", "-1"], ["--max-vto-minutes", "-5"], ["--max-call-ins", "-1"],
        ["--max-overtime-hours", "-1"], ["--max-changes", "-1"], ["--max-changes", "0"],
        ["--change-cost", "-1"], ["--value-per-point", "-1"], ["--value-per-point", "0"],
        ["--notice-minutes", "-15"], ["--notice-minutes", "100000"], ["--accept", "junk"],
        ["--accept", "99999"], ["--accept", "1,1,-2"], ["--as-of", "03:00"], ["--as-of", "23:59"],
        ["--rota-version", "junk"],
    ],
    "init": [["--timezone", "Mars/Olympus"], ["--name", "=HYPERLINK(1)"], ["--name", "x" * 100000],
             ["--interval-minutes", "7"], ["--country", "XX"], ["--queue", "=cmd"], ["--aht-seconds", "-1"],
             ["--map", "nosuch=offered"], ["--date-format", "%Q"]],
    "place-activities": [["--activities", "/nonexistent.csv"], ["--forecast", "/nonexistent.csv"]],
})  # fmt: skip

HOSTILE_OPTIONS.update(fuzz_third.HOSTILE_OPTIONS_3)

# ---------------------------------------------------------------------------------------------
# commands: base command line, and which inputs each case may damage


@dataclass
class Target:
    command: str
    slot: str  # the input damaged: a base file name, "options", or "centre.toml"
    argv: list[str]  # with {name} for base files, {out} for the output
    kinds: list[str]
    outputs: list[str] = field(default_factory=lambda: ["{out}/out.csv"])
    label: str = ""  # in the case id instead of the slot (several targets on one slot)
    options: str = ""  # the HOSTILE_OPTIONS key (default: the command)


def targets() -> list[Target]:
    csv_and_xlsx = CSV_KINDS + XLSX_KINDS
    forecast = [
        "forecast",
        "{history.csv}",
        "--centre",
        "{centre.toml}",
        "--horizon-days",
        "7",
        "-q",
        "-o",
        "{out}/out.csv",
    ]
    bank = [
        "forecast",
        "{bank.csv}",
        *BANK_OPTIONS,
        "--horizon-days",
        "3",
        "-q",
        "-o",
        "{out}/out.csv",
    ]
    staff = ["staff", "{forecast.csv}", "--centre", "{centre.toml}", "-o", "{out}/out.csv"]
    contacts = [
        "import-contacts",
        "{contacts.csv}",
        "--timezone",
        "Europe/London",
        "-q",
        "-o",
        "{out}/out.csv",
    ]
    adherence = [
        "adherence",
        "{rota.csv}",
        "{agent_states.csv}",
        "--centre",
        "{centre.toml}",
        "-o",
        "{out}/out.csv",
    ]
    check = ["check-rota", "{rota.csv}", "--centre", "{centre.toml}", "-o", "{out}/out.csv"]
    capacity = ["capacity", "--centre", "{centre.toml}", "--months", "3", "-q", "-o", "{out}/cap"]
    whatif = [
        "whatif",
        "--centre",
        "{centre.toml}",
        "--plan",
        "{plan}",
        "--no-sensitivity",
        "-o",
        "{out}/out.csv",
    ]
    intraday = [
        "intraday",
        "status",
        "--centre",
        "{centre.toml}",
        "--forecast",
        "{day/forecast.csv}",
        "--history-today",
        "{day/arrivals.csv}",
        "--states-today",
        "{day/states.csv}",
        "--rota",
        "{day/rota.csv}",
        "--as-of",
        "11:00",
        "-o",
        "{out}/day",
    ]
    review = [
        "review",
        "--history",
        "{history.csv}",
        "--centre",
        "{centre.toml}",
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-14",
        "-o",
        "{out}/review",
    ]
    init = ["init", "--history", "{history.csv}", "--timezone", "Europe/London", "-o", "{out}/init"]
    plan = [
        "plan",
        "--centre",
        "{centre.toml}",
        "-q",
        "--time-limit-seconds",
        "10",
        "-o",
        "{out}/plan",
    ]
    place = [
        "place-activities",
        "--centre",
        "{centre.toml}",
        "--rota",
        "{plan/rota.csv}",
        "--forecast",
        "{plan/forecast.csv}",
        "--activities",
        "{activities.csv}",
        "-q",
        "-o",
        "{out}/out.csv",
    ]
    first = [
        Target("forecast", "history.csv", forecast, csv_and_xlsx),
        Target("forecast", "bank.csv", bank, csv_and_xlsx),
        Target("forecast", "centre.toml", forecast, TOML_KINDS),
        Target("forecast", "special_days.csv", [*forecast, "--special-days", "{special_days.csv}"], CSV_KINDS),
        Target("forecast", "overrides.csv", [*forecast, "--overrides", "{overrides.csv}"], CSV_KINDS),
        Target("forecast", "options", forecast, ["option"]),
        Target("forecast", "options-bank", bank, ["option"]),
        Target("staff", "forecast.csv", staff, CSV_KINDS),
        Target("staff", "options", staff, ["option"]),
        Target("import-contacts", "contacts.csv", contacts, csv_and_xlsx),
        Target("import-contacts", "options", contacts, ["option"]),
        Target("adherence", "rota.csv", adherence, csv_and_xlsx),
        Target("adherence", "agent_states.csv", adherence, csv_and_xlsx),
        Target("adherence", "options", adherence, ["option"]),
        Target("check-rota", "rota.csv", check, csv_and_xlsx),
        Target("check-rota", "centre.toml", check, TOML_KINDS),
        Target("check-rota", "agents.csv", check, CSV_KINDS),
        Target("check-rota", "options", check, ["option"]),
        Target("capacity", "capacity.toml", capacity, TOML_KINDS),
        Target("capacity", "centre.toml", capacity, TOML_KINDS),
        Target("capacity", "options", capacity, ["option"]),
        Target("whatif", "options", whatif, ["option"]),
        Target("whatif", "centre.toml", whatif, TOML_KINDS),
        Target("intraday", "day/arrivals.csv", intraday, CSV_KINDS),
        Target("intraday", "day/states.csv", intraday, CSV_KINDS),
        Target("intraday", "day/forecast.csv", intraday, CSV_KINDS),
        Target("intraday", "options", intraday, ["option"]),
        Target("review", "history.csv", review, CSV_KINDS),
        Target("review", "options", review, ["option"]),
        Target("init", "history.csv", init, CSV_KINDS),
        Target("plan", "centre.toml", plan, TOML_KINDS),
        Target("plan", "options", plan, ["option"]),
        Target("place-activities", "activities.csv", place, CSV_KINDS),
    ]  # fmt: skip
    bases = dict(forecast=forecast, bank=bank, staff=staff, contacts=contacts, adherence=adherence,
                 check=check, capacity=capacity, whatif=whatif, intraday=intraday, review=review,
                 init=init, plan=plan, place=place)  # fmt: skip
    BASES.update(bases)
    from fuzz_third import third_targets

    return first + more_targets(bases) + third_targets(bases, Target)


BASES: dict[str, list[str]] = {}  # the first sweep's command lines, filled by targets()


def more_targets(bases: dict[str, list[str]]) -> list[Target]:
    """The extended sweep: the commands the first sweep left out, every other input file of
    every command, input paths that are not files and outputs that cannot be written."""
    csv_and_xlsx = CSV_KINDS + XLSX_KINDS
    more_csv = EXTRA_CSV_KINDS + PATH_KINDS
    store = "sqlite:///{store.db}"
    backtest = [
        "backtest",
        "{history.csv}",
        "--centre",
        "{centre.toml}",
        "--models",
        "seasonal_naive,same_slot_average",
        "--horizons",
        "1",
        "--origins",
        "2",
        "--workers",
        "1",
        "-q",
        "-o",
        "{out}/out.csv",
    ]
    simulate = [
        "simulate",
        "{plan/requirements.csv}",
        "--centre",
        "{centre.toml}",
        "--replications",
        "10",
        "-o",
        "{out}/out.csv",
    ]
    schedule = [
        "schedule",
        "{plan/requirements.csv}",
        "--centre",
        "{centre.toml}",
        "-q",
        "--time-limit-seconds",
        "3",
        "-o",
        "{out}/rota",
    ]
    select = [
        "select-shifts",
        "{plan/requirements.csv}",
        "--timezone",
        "Europe/London",
        "--time-limit-seconds",
        "10",
        "-o",
        "{out}/out.csv",
    ]
    reoptimise = [
        "reoptimise",
        "{plan/rota.csv}",
        "--requirements",
        "{plan/requirements.csv}",
        "--centre",
        "{centre.toml}",
        "--unavailable",
        "A001:2026-11-17",
        "-q",
        "--time-limit-seconds",
        "3",
        "-o",
        "{out}/rota",
    ]
    db_status = ["db", "status", "--store", store]
    db_upgrade = ["db", "upgrade", "--store", store]
    db_audit = ["db", "audit", "--store", store, "-o", "{out}/audit.csv"]
    purge = ["privacy", "purge", "--store", store, "--older-than", "30", "--dry-run"]
    export = [
        "privacy",
        "export-rota",
        "--store",
        store,
        "--rota-version",
        "1",
        "-o",
        "{out}/out.csv",
    ]
    pseudonymise = [
        "privacy",
        "pseudonymise",
        "{agents.csv}",
        "--store",
        store,
        "-o",
        "{out}/out.csv",
    ]
    sample = ["intraday", "sample", "--centre", "{centre.toml}", "-o", "{out}/day"]
    replan = ["intraday", "replan", *bases["intraday"][2:-2], "-o", "{out}/day"]
    staff, forecast, review = bases["staff"], bases["forecast"], bases["review"]
    review_all = [
        *review,
        "--forecast",
        "{past_forecast.csv}",
        "--requirements",
        "{past_requirements.csv}",
        "--coverage",
        "{past_coverage.csv}",
        "--actual-staff",
        "{actual_staff.csv}",
        "--contacts",
        "{contacts.csv}",
        "--store",
        store,
    ]
    out = OUTPUT_KINDS
    targets = [
        # the commands the first sweep left out
        Target("backtest", "history.csv", backtest, csv_and_xlsx + more_csv),
        Target("backtest", "centre.toml", backtest, TOML_KINDS + EXTRA_TOML_KINDS),
        Target("backtest", "options", backtest, ["option"]),
        Target("simulate", "plan/requirements.csv", simulate, CSV_KINDS + more_csv),
        Target("simulate", "options", simulate, ["option"]),
        Target("schedule", "plan/requirements.csv", schedule, CSV_KINDS + more_csv),
        Target("schedule", "centre.toml", schedule, TOML_KINDS + EXTRA_TOML_KINDS),
        Target("schedule", "agents.csv", schedule, CSV_KINDS + more_csv),
        Target("schedule", "availability.csv", [*schedule, "--start-date", "2026-11-16"], CSV_KINDS + more_csv, label="availability"),
        Target("schedule", "plan/rota.csv", [*schedule, "--previous-rota", "{plan/rota.csv}"], CSV_KINDS + more_csv, label="previous-rota"),
        Target("schedule", "options", schedule, ["option"]),
        Target("select-shifts", "plan/requirements.csv", select, CSV_KINDS + more_csv),
        Target("select-shifts", "catalogue.csv", [*select, "--catalogue", "{catalogue.csv}"], CSV_KINDS + more_csv),
        Target("select-shifts", "options", select, ["option"]),
        Target("reoptimise", "plan/rota.csv", reoptimise, CSV_KINDS + more_csv),
        Target("reoptimise", "plan/requirements.csv", reoptimise, CSV_KINDS + more_csv),
        Target("reoptimise", "availability.csv", [*reoptimise, "--availability", "{availability.csv}"], CSV_KINDS + more_csv),
        Target("reoptimise", "options", reoptimise, ["option"]),
        Target("db", "store.db", db_status, STORE_KINDS + PATH_KINDS, label="status"),
        Target("db", "store.db", db_upgrade, STORE_KINDS + PATH_KINDS, label="upgrade"),
        Target("db", "store.db", db_audit, STORE_KINDS + PATH_KINDS, label="audit"),
        Target("db", "options", db_status, ["option"]),
        Target("db", "output", db_audit, out, label="audit-output"),
        Target("privacy", "store.db", purge, STORE_KINDS + PATH_KINDS, label="purge"),
        Target("privacy", "options", purge, ["option"]),
        Target("privacy", "store.db", export, STORE_KINDS, label="export-rota"),
        Target("privacy", "options", export, ["option"], label="export-options", options="privacy-export"),
        Target("privacy", "agents.csv", pseudonymise, CSV_KINDS + more_csv, label="pseudonymise"),
        Target("privacy", "options", pseudonymise, ["option"], label="pseudonymise-options", options="privacy-pseudonymise"),
        Target("intraday", "options", sample, ["option"], label="sample-options", options="intraday-sample"),
        Target("intraday", "centre.toml", sample, TOML_KINDS + EXTRA_TOML_KINDS, label="sample-centre"),
        Target("intraday", "day/arrivals.csv", replan, CSV_KINDS + more_csv, label="replan-arrivals"),
        Target("intraday", "day/rota.csv", replan, CSV_KINDS + more_csv, label="replan-rota"),
        Target("intraday", "options", replan, ["option"], label="replan-options", options="intraday-replan"),
        Target("init", "options", bases["init"], ["option"]),
        # other input files of the covered commands
        Target("forecast", "aht_profile.csv", [*forecast, "--aht-profile", "{aht_profile.csv}"], CSV_KINDS + more_csv),
        Target("forecast", "history.csv", forecast, more_csv, label="history-more"),
        Target("forecast", "centre.toml", forecast, EXTRA_TOML_KINDS + PATH_KINDS, label="centre-more"),
        Target("staff", "shrinkage_profile.csv", [*staff, "--shrinkage-profile", "{shrinkage_profile.csv}"], CSV_KINDS + more_csv),
        Target("staff", "history.csv", [*staff, "--history", "{history.csv}"], more_csv),
        Target("staff", "forecast.csv", staff, more_csv, label="forecast-more"),
        Target("adherence", "exceptions.csv", [*bases["adherence"], "--exceptions", "{exceptions.csv}"], CSV_KINDS + more_csv),
        Target("adherence", "agent_states.csv", bases["adherence"], more_csv, label="states-more"),
        Target("check-rota", "rota.csv", bases["check"], more_csv, label="rota-more"),
        Target("import-contacts", "contacts.csv", bases["contacts"], more_csv, label="contacts-more"),
        Target("review", "past_forecast.csv", review_all, CSV_KINDS + more_csv),
        Target("review", "past_requirements.csv", review_all, CSV_KINDS + more_csv),
        Target("review", "past_coverage.csv", review_all, CSV_KINDS + more_csv),
        Target("review", "actual_staff.csv", review_all, CSV_KINDS + more_csv),
        Target("review", "contacts.csv", review_all, CSV_KINDS + more_csv),
        Target("whatif", "plan/forecast.csv", bases["whatif"], CSV_KINDS + more_csv),
        Target("whatif", "plan/coverage.csv", bases["whatif"], CSV_KINDS + more_csv),
        Target("capacity", "capacity.toml", bases["capacity"], EXTRA_TOML_KINDS + PATH_KINDS, label="capacity-more"),
        Target("place-activities", "plan/rota.csv", bases["place"], CSV_KINDS + more_csv),
        Target("place-activities", "plan/forecast.csv", bases["place"], CSV_KINDS + more_csv),
        Target("place-activities", "options", bases["place"], ["option"]),
        Target("init", "history.csv", bases["init"], more_csv, label="history-more"),
        Target("check-rota", "centre.toml", bases["check"], EXTRA_TOML_KINDS, label="centre-more"),
    ]  # fmt: skip
    # every command's output path
    for command, argv in [
        ("forecast", forecast), ("backtest", backtest), ("staff", staff), ("simulate", simulate),
        ("schedule", schedule), ("select-shifts", select), ("reoptimise", reoptimise),
        ("check-rota", bases["check"]), ("adherence", bases["adherence"]), ("plan", bases["plan"]),
        ("review", review), ("whatif", bases["whatif"]), ("capacity", bases["capacity"]),
        ("intraday", bases["intraday"]), ("place-activities", bases["place"]),
        ("privacy", pseudonymise), ("init", bases["init"]),
        ("import-contacts", bases["contacts"]),
    ]:  # fmt: skip
        targets.append(Target(command, "output", argv, out))
    return targets


# ---------------------------------------------------------------------------------------------
# one case


@dataclass
class Case:
    case_id: str
    command: str
    slot: str
    kind: str
    argv: list[str]
    folder: str = ""
    outcome: str = ""
    exit_code: int | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    message: str = ""
    problems: list[str] = field(default_factory=list)


def prepare(target: Target, index: int, seed: int, base: Path, work: Path) -> Case:
    case_id = f"{target.command}/{target.label or target.slot}/{index}"
    rng = random.Random(f"{seed}:{case_id}")
    kind = rng.choice(target.kinds)
    folder = work / case_id.replace("/", "_")
    if folder.exists():
        for path in folder.rglob("*"):  # a chmod-000 file of an earlier run
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = {p.relative_to(base).as_posix(): str(p) for p in base.rglob("*") if p.is_file()}
    files["plan"] = str(base / "plan")
    extra: list[str] = []
    slot = target.slot
    if any("{store.db}" in part for part in target.argv):  # commands may change the store
        shutil.copy(base / "store.db", folder / "store.db")
        files["store.db"] = str(folder / "store.db")
    into_plan = slot.startswith("plan/") and "{plan}" in target.argv
    if into_plan:  # the plan folder of the base, one file damaged
        shutil.copytree(base / "plan", folder / "plan")
        files["plan"] = str(folder / "plan")
        (folder / slot).unlink()
    where = folder / "plan" if into_plan else folder
    name = Path(slot).name
    if kind in fuzz_third.ALL_KINDS:  # the third sweep's damage (benchmarks/fuzz_third.py)
        data = fuzz_third.mutate(rng, base, slot, kind, folder)
        if kind.startswith("xlsx"):
            name = name.replace(".csv", ".xlsx")
        (where / name).write_bytes(data)
        files[slot] = str(where / name)
    elif kind == "option":
        options = HOSTILE_OPTIONS[target.options or target.command]
        extra = list(rng.choice(options))
        kind = "option " + " ".join(extra)
        if into_plan:
            shutil.copy(base / slot, folder / slot)
    elif kind in OUTPUT_KINDS:
        if into_plan:
            shutil.copy(base / slot, folder / slot)
    elif kind in PATH_KINDS:
        files[slot] = make_path(where, name, kind, base / slot)
    elif slot.endswith(".toml"):
        text = (base / slot).read_text()
        if kind in EXTRA_TOML_KINDS:
            data = mutate_toml_more(rng, text, kind)
        else:
            data = mutate_toml(rng, text, kind)
        if slot == "capacity.toml":  # read from beside the centre file
            shutil.copy(base / "centre.toml", folder / "centre.toml")
            files["centre.toml"] = str(folder / "centre.toml")
        (folder / name).write_bytes(data)
        files[slot] = str(folder / name)
    elif slot.endswith(".db"):
        files[slot] = str(folder / name)
        (folder / name).write_bytes(mutate_store(rng, (base / slot).read_bytes(), kind))
    else:
        if kind.startswith("xlsx"):
            data = mutate_xlsx(rng, base / slot.replace(".csv", ".xlsx"), kind)
            name = name.replace(".csv", ".xlsx")
        else:
            data = mutate_csv(rng, (base / slot).read_bytes(), kind)
        (where / name).write_bytes(data)
        files[slot] = str(where / name)
    centre_files = {"agents.csv": "agents", "availability.csv": "availability"}
    if slot in centre_files or (slot == "history.csv" and target.command == "check-rota"):
        centre = (base / "centre.toml").read_text()
        if slot == "availability.csv":
            centre = centre.replace("[centre]\n", f'[centre]\navailability = "{files[slot]}"\n', 1)
        else:
            centre = centre.replace(str(base / slot), files[slot])
        (folder / "centre.toml").write_text(centre)
        files["centre.toml"] = str(folder / "centre.toml")
    out = folder / "out"
    out.mkdir()

    def fill(part: str) -> str:
        part = part.replace("{out}", str(out))
        return re.sub(r"\{([^{}]+)\}", lambda m: files.get(m[1], m[0]), part)

    argv = [fill(part) for part in target.argv]
    # a hostile option replaces the base one of the same name (the last wins in argparse anyway)
    argv = argv + [fill(part) for part in extra]
    if kind in OUTPUT_KINDS:
        argv = damage_output(argv, folder, kind)
    return Case(case_id, target.command, slot, kind, argv, str(folder))


def scan_outputs(folder: Path) -> list[str]:
    problems = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            import openpyxl

            problems += fuzz_third.check_xlsx_formulas(path)

            rows = (
                [str(c) if c is not None else "" for c in row]
                for row in openpyxl.load_workbook(path, read_only=True).active.iter_rows(
                    values_only=True
                )
            )
        elif path.suffix in (".csv", ".txt", ".md", ".json"):
            text = path.read_text(errors="replace")
            rows = (
                csv.reader(io.StringIO(text))
                if path.suffix == ".csv"
                else ([line] for line in text.splitlines())
            )
        else:
            continue
        for line, row in enumerate(rows, 1):
            for cell in row:
                if (
                    path.suffix == ".csv"
                    and cell.startswith(FORMULA_START)
                    and not NUMBER.match(cell.strip())
                ):
                    problems.append(f"formula: {path.name} line {line}: {cell[:60]!r}")
                if path.suffix == ".csv" and cell.strip().lower() in ("nan", "-nan", "<na>", "nat"):
                    problems.append(f"nan: {path.name} line {line}: {cell!r}")
                if path.suffix == ".csv" and cell.strip().lower() in (
                    "inf",
                    "-inf",
                    "+inf",
                    "infinity",
                ):
                    problems.append(f"inf: {path.name} line {line}: {cell!r}")
            if len(problems) > 5:
                return problems
    return problems


def run_case(case: Case, keep: bool) -> Case:
    out_folder = Path(case.folder) / "out"
    started = time.perf_counter()
    before = os.times()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "wfm.cli", *case.argv],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=SECONDS_ALLOWED * (3 if case.command in SOLVER_COMMANDS else 1),
            env={**child_env(), "XDG_DATA_HOME": str(Path(case.folder) / "xdg")},
            cwd=case.folder,
            stdin=subprocess.DEVNULL,
        )
        case.exit_code = done.returncode
        stderr = done.stderr
    except subprocess.TimeoutExpired as expired:
        case.exit_code = None
        stderr = (
            (expired.stderr or b"").decode(errors="replace")
            if isinstance(expired.stderr, bytes)
            else (expired.stderr or "")
        )
    after = os.times()
    case.seconds = round(time.perf_counter() - started, 2)
    case.cpu_seconds = round(
        (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
        2,
    )
    errors = [
        line for line in stderr.splitlines() if "error" in line.lower() or "Traceback" in line
    ]
    case.message = (
        errors[-1] if errors else stderr.strip().splitlines()[-1] if stderr.strip() else ""
    )[:400]
    outputs = [p for p in out_folder.rglob("*") if p.is_file()]
    replaced = [  # a device node of the case that a writer renamed a file over
        str(path)
        for path in (Path(case.folder) / "full", Path(case.folder) / Path(case.slot).name)
        if case.kind in ("out_dev_full", "path_dev_null") and path.is_file()
    ]
    beside = [str(p) for p in Path(case.folder).glob("*-journal")]  # SQLite's, beside a device
    if case.exit_code is None:
        case.outcome = "bug:hang"
    elif "Traceback" in stderr:
        case.outcome = "bug:traceback"
    elif case.exit_code == 0 or (
        case.exit_code == EXIT_FINDINGS and case.command in FINDINGS_COMMANDS
    ):
        case.problems = scan_outputs(out_folder)
        kinds = sorted({problem.split(":")[0] for problem in case.problems})
        bugs = [kind for kind in kinds if kind != "inf"]
        # an infinite ASA (an overloaded queue) is documented in wfm.review.projection: a note
        case.outcome = "bug:" + "+".join(bugs) if bugs else "note:inf" if kinds else "ok"
    elif case.exit_code == 2:
        if outputs:
            case.outcome = "bug:half-written"
            case.problems = [str(p) for p in outputs[:5]]
        elif not NAMES_SOMETHING.search(case.message):
            case.outcome = "bug:vague"
        else:
            case.outcome = "clear"
    else:
        case.outcome = f"bug:exit{case.exit_code}"
    if replaced or beside:
        case.outcome, case.problems = "bug:device-replaced", replaced + beside
    if not keep and case.outcome in ("ok", "clear"):
        shutil.rmtree(out_folder.parent, ignore_errors=True)
    return case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cases-per-target", type=int, default=6)
    parser.add_argument(
        "--jobs", type=int, default=2, help="runs at once (the machine has 2 cores)"
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/wfm-fuzz"))
    parser.add_argument(
        "--only", action="append", default=[], help="case id, or a prefix (command or command/slot)"
    )
    parser.add_argument(
        "--targets",
        choices=("all", "first", "extended", "third"),
        default="all",
        help="the first sweep's targets, the extended sweep's (more_targets), the third's "
        "(fuzz_third.third_targets), or all",
    )
    parser.add_argument("--keep", action="store_true", help="keep the folders of passing cases too")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the base inputs")
    parser.add_argument(
        "--wfm-src",
        type=Path,
        default=REPO / "src",
        help="the src folder of the wfm to test, e.g. `git archive COMMIT src | tar -x -C DIR` "
        "for the sweep before a fix (default: this checkout's)",
    )
    args = parser.parse_args(argv)
    WFM_SRC[0] = args.wfm_src.resolve()
    base = args.out / "base"
    if args.rebuild or not (base / "plan").exists():
        shutil.rmtree(base, ignore_errors=True)
        build_base(base)
    elif not (base / "past_coverage.csv").exists():  # a base from before the extension
        build_base_more(base)
    if not (base / "sites" / "centre.toml").exists():  # a base from before the third sweep
        fuzz_third.build_base_third(base, child_env())
    work = args.out / "cases"
    cases = []
    chosen = targets()
    third_count = len(fuzz_third.third_targets(BASES, Target))
    first_count = len(chosen) - len(more_targets(BASES)) - third_count
    chosen = {
        "all": chosen,
        "first": chosen[:first_count],
        "extended": chosen[first_count:-third_count],
        "third": chosen[-third_count:],
    }[args.targets]
    for target in chosen:
        for index in range(args.cases_per_target):
            case_id = f"{target.command}/{target.label or target.slot}/{index}"
            if args.only and not any(
                case_id == o or case_id.startswith(o.rstrip("/") + "/") for o in args.only
            ):
                continue
            cases.append(prepare(target, index, args.seed, base, work))
    load_before = os.getloadavg()
    started = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        done = list(pool.map(lambda case: run_case(case, args.keep), cases))
    wall = time.perf_counter() - started
    load_after = os.getloadavg()
    with (args.out / "cases.jsonl").open("w") as log:
        for case in done:
            log.write(json.dumps(asdict(case)) + "\n")
    by_command: dict[str, dict[str, int]] = {}
    for case in done:
        counts = by_command.setdefault(case.command, {})
        counts[case.outcome] = counts.get(case.outcome, 0) + 1
    totals: dict[str, int] = {}
    for case in done:
        totals[case.outcome] = totals.get(case.outcome, 0) + 1
    summary = {
        "wfm_src": str(WFM_SRC[0]),
        "seed": args.seed,
        "cases": len(done),
        "by_command": by_command,
        "totals": totals,
        "wall_seconds": round(wall, 1),
        "child_cpu_seconds": round(sum(case.cpu_seconds for case in done), 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    for case in done:
        if case.outcome.startswith("bug"):
            print(
                f"{case.outcome:18} {case.case_id:40} {case.kind:28} {case.message[:160]} {case.problems[:2]}"
            )
    print(json.dumps(summary, indent=1))
    return 1 if any(case.outcome.startswith("bug") for case in done) else 0


if __name__ == "__main__":
    sys.exit(main())
