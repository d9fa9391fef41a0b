"""The third hostile-input sweep (``fuzz_cli.py --targets third``): the code of the last
sessions, fuzzed least by the first two.

- ``wfm backtest --country/--special-days/--choice/--detail`` and ``wfm forecast --as-of``,
  ``--leaderboard`` with hostile values, on histories whose queue names are formulas (the
  choice, detail and leaderboard files must not hold a formula cell);
- special-days files with duplicate, overlapping, backwards, impossible, all-time and
  all-history rows (:data:`SPECIAL_DAY_KINDS`);
- centre files (the sample's and a two-site, two-zone centre's) with NaN/inf, 2**63 - 1 and
  1e308 numbers, BOMs, CRLF line ends, 1 MB lines, unicode and formula names, unknown
  countries and subdivisions, and sites with a bogus zone, an unknown queue, an agent in two
  sites or another country (:data:`TOML_KINDS_3`, :data:`SITE_KINDS`);
- Excel inputs with real formulas (no cached value), merged cells, dates as text, the data
  on the second sheet or after an empty one (:data:`XLSX_KINDS_3`);
- a vendor's per-contact export (Amazon Connect) for ``wfm import-contacts``'s layout
  guessing, damaged, with another layout's columns added, or read as another layout;
- histories with a local-time DST overlap repeated, one row, every timestamp in the future.

Every kind is deterministic given ``random.Random(f"{seed}:{case_id}")``, as in
``fuzz_cli``.
"""

from __future__ import annotations

import io
import math
import random
import re
import shutil
import tomllib
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

SPECIAL_DAY_KINDS = [
    "sd_duplicate", "sd_overlap", "sd_backwards", "sd_bad_date", "sd_all_time",
    "sd_all_history", "sd_formula_reason", "sd_same_day_kinds", "sd_huge_range",
    "sd_reduced_inverted", "sd_factor_inf",
]  # fmt: skip
TOML_KINDS_3 = [
    "toml_nan_inf", "toml_int_max", "toml_1e308", "toml_bom", "toml_crlf", "toml_long_line",
    "toml_unicode_names", "toml_bad_country", "toml_bad_subdivision", "toml_formula_queue",
    "toml_tab_indent",
]  # fmt: skip
SITE_KINDS = [
    "site_bad_zone", "site_unknown_queue", "site_agent_twice", "site_bad_country",
    "site_other_country", "site_missing_agents", "site_no_queues", "site_half_hour_zone",
]  # fmt: skip
XLSX_KINDS_3 = [
    "xlsx_real_formulas", "xlsx_merged", "xlsx_dates_text", "xlsx_second_sheet",
    "xlsx_empty_first_sheet", "xlsx_formula_text_names",
]  # fmt: skip
HISTORY_KINDS_3 = ["dst_repeat_overlap", "one_row", "all_future", "mixed_zone_names"]
CONTACT_KINDS_3 = [
    "contacts_other_layout_columns",
    "contacts_no_signature",
    "contacts_formula_queue",
]
ALL_KINDS = set(
    SPECIAL_DAY_KINDS + TOML_KINDS_3 + SITE_KINDS + XLSX_KINDS_3 + HISTORY_KINDS_3 + CONTACT_KINDS_3
)

HOSTILE_OPTIONS_3 = {
    "backtest-3": [
        ["--country", "XX"], ["--country", "GB-ENG"], ["--country", "us"], ["--country", ""],
        ["--country", "=cmd"], ["--country", "A" * 5000], ["--country", "GBR"],
        ["--special-days", "/nonexistent.csv"], ["--choice", "/nonexistent_dir/c.csv"],
        ["--choice", "{out}"], ["--choice", "{out}/out.csv"], ["--detail", "{out}/out.csv"],
        ["--horizons", "1,1,1"], ["--origins", "1"], ["--models", "auto"],
    ],
    "forecast-as-of": [
        ["--as-of", "2026-11-14T12:00+05:00"], ["--as-of", "2026-11-14"],
        ["--as-of", "2026-11-14T23:59"], ["--as-of", "2026-11-15T08:00"],
        ["--as-of", "2026-09-07T08:00"], ["--as-of", "2026-11-14T12:07"],
        ["--as-of", "1970-01-01T00:00"], ["--as-of", "2026-11-14T12:00Z"],
        ["--as-of", "2026-10-25T01:30"], ["--as-of", "2026-03-29T01:30"],
        ["--as-of", "2026-11-14T12:00", "--country", "XX"],
        ["--as-of", "2026-11-13T10:00", "--special-days", "{special_days.csv}"],
        ["--leaderboard", "{out}/out.csv"], ["--leaderboard", "/nonexistent_dir/l.csv"],
    ],
    "import-contacts-3": [
        ["--layout", "generic"], ["--layout", "genesys-cloud"], ["--layout", "twilio-taskrouter"],
        ["--layout", "nosuch"], ["--layout", ""], ["--timezone", "America/New_York"],
        ["--interval-minutes", "60"], ["--answer-threshold-seconds", "0"],
    ],
}  # fmt: skip


def build_base_third(base: Path, env: dict[str, str]) -> None:
    """The third sweep's own inputs: a two-site centre (London and New York), the Amazon
    Connect example, a history whose queue names are formulas."""
    import subprocess
    import sys

    import tomli_w

    sites = base / "sites"
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from wfm.data.synthetic.sites import generate_multi_site_centre as g; "
         "g(sys.argv[1], sites=2, agents_per_site=3, history_weeks=3, "
         "forecast_model='seasonal_naive')", str(sites)],
        check=True, env=env,
    )  # fmt: skip
    raw = tomllib.loads((sites / "centre.toml").read_text())
    raw["sites"][1].update(timezone="America/New_York", country="US")
    for site in raw["sites"]:  # absolute: a case's damaged copy lives in another folder
        site["agents"] = str(sites / site["agents"])
    raw["centre"]["history"] = str(sites / raw["centre"]["history"])
    (sites / "centre.toml").write_text(tomli_w.dumps(raw))
    shutil.copy(EXAMPLES / "amazon_connect_contacts.csv", base / "amazon.csv")
    text = (base / "history.csv").read_text()
    text = text.replace(",sales,", ',"=HYPERLINK(""http://x"",""y"")",').replace(
        ",support,", ",-support,"
    )
    (base / "formula_queues.csv").write_text(text)


def mutate_special_days(rng: random.Random, kind: str) -> bytes:
    header = "start_date,end_date,kind,factor,open,close,reason\n"
    rows = {
        "sd_duplicate": "2026-11-18,2026-11-18,uplift,1.3,,,a\n2026-11-18,2026-11-18,uplift,1.3,,,a\n",
        "sd_overlap": "2026-11-10,2026-11-20,closed,,,,a\n2026-11-15,2026-11-18,uplift,1.5,,,b\n",
        "sd_backwards": "2026-11-20,2026-11-10,closed,,,,backwards\n",
        "sd_bad_date": rng.choice(["2026-02-30", "2026-13-01", "18/11/2026", "", "0000-00-00"])
        + ",,closed,,,,bad\n",
        "sd_all_time": "0001-01-01,9999-12-31,closed,,,,all\n",
        "sd_all_history": "2026-09-01,2026-11-14,outlier,,,,all history\n",
        "sd_formula_reason": '2026-11-18,2026-11-18,uplift,1.3,,,"=HYPERLINK(""x"")"\n'
        "2026-11-19,2026-11-19,uplift,1.1,,,@SUM(A1)\n",
        "sd_same_day_kinds": "2026-11-18,2026-11-18,closed,,,,c\n2026-11-18,2026-11-18,"
        "reduced_hours,,10:00,12:00,r\n2026-11-18,2026-11-18,uplift,2,,,u\n",
        "sd_huge_range": "1900-01-01,2200-12-31,uplift,1.01,,,long\n",
        "sd_reduced_inverted": "2026-11-18,2026-11-18,reduced_hours,,16:00,10:00,inv\n",
        "sd_factor_inf": f"2026-11-18,2026-11-18,uplift,{rng.choice(['inf', 'nan', '1e308', '-1'])},,,x\n",
    }[kind]
    return (header + rows).encode()


def _set_numbers(rng: random.Random, document, value) -> None:
    from fuzz_cli import set_path, toml_paths

    numbers = [
        path
        for path, leaf in toml_paths(document)
        if isinstance(leaf, (int, float)) and not isinstance(leaf, bool)
    ]
    for path in rng.sample(numbers, min(3, len(numbers))):
        set_path(document, path, value)


def mutate_toml_3(rng: random.Random, text: str, kind: str) -> bytes:
    import tomli_w

    if kind == "toml_bom":
        return b"\xef\xbb\xbf" + text.encode()
    if kind == "toml_crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "toml_tab_indent":
        return re.sub(r"^(\w)", "\t\\1", text, flags=re.MULTILINE).encode()
    if kind == "toml_long_line":
        return (text + "\n# " + "x" * 1_000_000 + "\n").encode()
    document = tomllib.loads(text)
    centre = document.setdefault("centre", {})
    if kind == "toml_nan_inf":
        _set_numbers(rng, document, rng.choice([math.nan, math.inf, -math.inf]))
    elif kind == "toml_int_max":
        _set_numbers(rng, document, 2**63 - 1)
    elif kind == "toml_1e308":
        _set_numbers(rng, document, 1e308)
    elif kind == "toml_unicode_names":
        centre["name"] = "Zentrale Müller 名前 \u202e ☎"
        for queue in document.get("queues", []):
            queue["name"] = queue["name"] + "é"
    elif kind == "toml_bad_country":
        centre["country"] = rng.choice(["XX", "GB-ENG", "123", "=cmd", " ", "GBR"])
    elif kind == "toml_bad_subdivision":
        centre["subdivision"] = rng.choice(["ZZ", "eng", "England", "", "=cmd"])
    elif kind == "toml_formula_queue":
        for queue in document.get("queues", []):
            queue["name"] = "=HYPERLINK(1)" + queue["name"]
    return tomli_w.dumps(document).encode()


def mutate_sites(rng: random.Random, text: str, kind: str, folder: Path, sites: Path) -> bytes:
    """A damaged two-site centre; its agents files are copied into ``folder`` (the case's)."""
    import tomli_w

    document = tomllib.loads(text)
    first, second = document["sites"][0], document["sites"][1]
    if kind == "site_bad_zone":
        second["timezone"] = rng.choice(["America/Nowhere", "UTC+5", "", "EST5EDT "])
    elif kind == "site_unknown_queue":
        second["queues"] = [*second["queues"], "nosuch_queue"]
    elif kind == "site_agent_twice":
        second["agents"] = first["agents"]
    elif kind == "site_bad_country":
        second["country"] = rng.choice(["XX", "US-XX", "=cmd"])
    elif kind == "site_other_country":
        second.update(country="IL", timezone="Asia/Jerusalem")
    elif kind == "site_missing_agents":
        second["agents"] = str(folder / "no_such_agents.csv")
    elif kind == "site_no_queues":
        second["queues"] = []
    elif kind == "site_half_hour_zone":
        second.update(timezone="Asia/Kolkata", country="IN")
    return tomli_w.dumps(document).encode()


def mutate_xlsx_3(rng: random.Random, xlsx: Path, kind: str) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(xlsx)
    sheet = book.active
    rows = min(sheet.max_row, 400)
    if kind == "xlsx_real_formulas":  # no cached value: a reader sees None or the formula
        for _ in range(10):
            row = rng.randrange(3, rows + 1)
            column = rng.randrange(1, sheet.max_column + 1)
            letter = openpyxl.utils.get_column_letter(column)
            sheet.cell(row=row, column=column, value=f"={letter}{row - 1}")
    elif kind == "xlsx_merged":
        row = rng.randrange(2, rows - 3)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row + 2, end_column=2)
    elif kind == "xlsx_dates_text":
        for row in range(2, rows + 1):
            cell = sheet.cell(row=row, column=1)
            if cell.value is not None:
                cell.value = str(cell.value)
                cell.number_format = "@"
    elif kind == "xlsx_second_sheet":
        notes = book.create_sheet("Notes", 0)
        notes["A1"] = "exported by the telephony system"
        book.active = 0
    elif kind == "xlsx_empty_first_sheet":
        book.create_sheet("Empty", 0)
        book.active = 0
    elif kind == "xlsx_formula_text_names":
        for row in range(2, rows + 1):
            for column in range(1, sheet.max_column + 1):
                cell = sheet.cell(row=row, column=column)
                if isinstance(cell.value, str) and not re.match(r"\d", cell.value):
                    cell.value = "=" + cell.value
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def mutate_history_3(rng: random.Random, data: bytes, kind: str) -> bytes:
    from fuzz_cli import read_rows, time_columns, write_rows

    rows = read_rows(data.decode())
    header, body = rows[0], rows[1:]
    column = (time_columns(rows) or [0])[0]
    if kind == "one_row":
        return write_rows([header, body[len(body) // 2]]).encode()
    if kind == "all_future":
        for row in body:
            row[column] = re.sub(r"^\d{4}", "2031", row[column])
        return write_rows(rows).encode()
    if kind == "dst_repeat_overlap":  # the October hour twice as local times, no offsets
        extra = []
        for row in body:
            row[column] = re.sub(r"([+-]\d\d:\d\d|Z)$", "", row[column])
        for minute in ("00", "15", "30", "45"):
            for _copy in range(2):
                line = list(body[0])
                line[column] = f"2026-10-25T01:{minute}:00"
                extra.append(line)
        return write_rows([header] + extra + body).encode()
    if kind == "mixed_zone_names":
        for index in rng.sample(range(len(body)), min(20, len(body))):
            body[index][column] = body[index][column][:19] + rng.choice(
                [" Europe/London", " BST", " GMT", " EST"]
            )
        return write_rows(rows).encode()
    raise ValueError(kind)


def mutate_contacts_3(rng: random.Random, data: bytes, kind: str) -> bytes:
    from fuzz_cli import read_rows, write_rows

    rows = read_rows(data.decode())
    header = rows[0]
    if kind == "contacts_other_layout_columns":  # a generic export's columns added
        for row in rows:
            row += ["arrival_time", "outcome"] if row is header else ["", "answered"]
    elif kind == "contacts_no_signature":  # the vendor's key column renamed
        header[header.index("InitiationTimestamp")] = "Initiation Timestamp (UTC)"
    elif kind == "contacts_formula_queue":
        at = header.index("Queue.Name")
        for row in rows[1:]:
            row[at] = rng.choice(["=HYPERLINK(1)", "@SUM(A1)", "+cmd", "-east"])
    return write_rows(rows).encode()


def mutate(rng: random.Random, base: Path, slot: str, kind: str, folder: Path) -> bytes:
    """The damaged bytes of input ``slot`` for a third-sweep ``kind``."""
    if kind in SPECIAL_DAY_KINDS:
        return mutate_special_days(rng, kind)
    if kind in SITE_KINDS:
        return mutate_sites(rng, (base / slot).read_text(), kind, folder, base / "sites")
    if kind in TOML_KINDS_3:
        return mutate_toml_3(rng, (base / slot).read_text(), kind)
    if kind in XLSX_KINDS_3:
        return mutate_xlsx_3(rng, base / slot.replace(".csv", ".xlsx"), kind)
    if kind in HISTORY_KINDS_3:
        return mutate_history_3(rng, (base / slot).read_bytes(), kind)
    if kind in CONTACT_KINDS_3:
        return mutate_contacts_3(rng, (base / slot).read_bytes(), kind)
    raise ValueError(kind)


def third_targets(bases: dict[str, list[str]], target) -> list:
    """The third sweep's targets (``target`` is ``fuzz_cli.Target``)."""
    from fuzz_cli import CSV_KINDS, EXTRA_CSV_KINDS, TOML_KINDS, XLSX_KINDS

    forecast, bank = bases["forecast"], bases["bank"]
    backtest = [
        "backtest", "{history.csv}", "--centre", "{centre.toml}", "--models",
        "seasonal_naive,same_slot_average", "--horizons", "1", "--origins", "2", "--workers",
        "1", "-q", "--choice", "{out}/choice.csv", "--detail", "{out}/detail.csv", "-o",
        "{out}/out.csv",
    ]  # fmt: skip
    formula_backtest = [
        "backtest", "{formula_queues.csv}", "--timezone", "Europe/London", "--models",
        "seasonal_naive", "--horizons", "1", "--origins", "2", "--workers", "1", "-q",
        "--choice", "{out}/choice.csv", "--detail", "{out}/detail.csv", "-o", "{out}/out.csv",
    ]  # fmt: skip
    formula_forecast = [
        "forecast", "{formula_queues.csv}", "--timezone", "Europe/London", "--horizon-days",
        "2", "-q", "--leaderboard", "{out}/board.csv", "-o", "{out}/out.csv",
    ]  # fmt: skip
    sites_forecast = [
        "forecast", "{sites/history.csv}", "--centre", "{sites/centre.toml}", "--horizon-days",
        "3", "-q", "-o", "{out}/out.csv",
    ]  # fmt: skip
    amazon = ["import-contacts", "{amazon.csv}", "-q", "-o", "{out}/out.csv"]
    with_days = [*backtest, "--special-days", "{special_days.csv}"]
    return [
        target("backtest", "special_days.csv", with_days, SPECIAL_DAY_KINDS + CSV_KINDS, label="special-days-3"),
        target("backtest", "options", backtest, ["option"], label="options-3", options="backtest-3"),
        target("backtest", "formula_queues.csv", formula_backtest, ["option"], label="formula-queues", options="backtest-3"),
        target("backtest", "history.csv", backtest, HISTORY_KINDS_3 + XLSX_KINDS_3, label="history-3"),
        target("backtest", "centre.toml", backtest, TOML_KINDS_3, label="centre-3"),
        target("forecast", "special_days.csv", [*forecast, "--special-days", "{special_days.csv}"], SPECIAL_DAY_KINDS, label="special-days-3"),
        target("forecast", "options", forecast, ["option"], label="as-of", options="forecast-as-of"),
        target("forecast", "formula_queues.csv", formula_forecast, ["option"], label="formula-queues", options="forecast-as-of"),
        target("forecast", "history.csv", forecast, HISTORY_KINDS_3 + XLSX_KINDS_3, label="history-3"),
        target("forecast", "bank.csv", bank, HISTORY_KINDS_3 + XLSX_KINDS_3, label="bank-3"),
        target("forecast", "centre.toml", forecast, TOML_KINDS_3, label="centre-3"),
        target("forecast", "sites/centre.toml", sites_forecast, SITE_KINDS + TOML_KINDS_3 + TOML_KINDS, label="sites"),
        target("check-rota", "centre.toml", bases["check"], TOML_KINDS_3, label="centre-3"),
        target("capacity", "centre.toml", bases["capacity"], ["toml_bad_country", "toml_bad_subdivision", "toml_nan_inf"], label="centre-3"),
        target("import-contacts", "amazon.csv", amazon, CONTACT_KINDS_3 + CSV_KINDS + EXTRA_CSV_KINDS, label="amazon"),
        target("import-contacts", "options", amazon, ["option"], label="amazon-options", options="import-contacts-3"),
        target("import-contacts", "contacts.csv", bases["contacts"], XLSX_KINDS_3 + XLSX_KINDS, label="contacts-xlsx-3"),
        target("intraday", "centre.toml", bases["intraday"], TOML_KINDS_3, label="status-centre-3"),
        target("intraday", "day/states.csv", bases["intraday"], HISTORY_KINDS_3[1:], label="status-states-3"),
        target("plan", "centre.toml", bases["plan"], ["toml_nan_inf", "toml_1e308", "toml_int_max"], label="centre-3"),
        target("whatif", "centre.toml", bases["whatif"], TOML_KINDS_3, label="centre-3"),
    ]  # fmt: skip


XLSX_SLOTS = ("history.csv", "contacts.csv", "bank.csv")  # slots with an .xlsx copy


def check_xlsx_formulas(path: Path) -> list[str]:
    """Cells of an output workbook a spreadsheet would evaluate (openpyxl's formula cells)."""
    import openpyxl

    problems = []
    book = openpyxl.load_workbook(path, read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    problems.append(f"formula: {path.name} {sheet.title}: {str(cell.value)[:60]!r}")
                    if len(problems) > 5:
                        return problems
    return problems
