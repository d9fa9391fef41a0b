"""Hostile uploads to the Streamlit app's pages, every run classified (the app's half of
``fuzz_cli.py``).

Not part of the test suite: a release check. Each case opens one page through the app's
entry point with :class:`streamlit.testing.v1.AppTest` (as ``tests/app`` does), on a fresh
store (an empty one for the Data page, a copy of a planned sample week for the pages that
need a plan), gives one file uploader a damaged file, reruns, clicks every ``save_*`` button
the page then shows and reruns again. The damage is ``fuzz_cli``'s (CSV, Excel, TOML, the
extended kinds) plus hostile upload *names* (``../../x.csv``, a 300-character name, a
formula). A case is

``ok``
    no exception element on the page (an error box is the expected answer to a bad file);
``bug:exception``
    Streamlit shows an exception (a traceback to the user);
``bug:internal``
    the page shows the app's safety net, "Something went wrong that wfm did not expect"
    (:data:`UNEXPECTED`): an exception that is not a wfm error reached the page, the app's
    equivalent of the CLI's exit 1;
``bug:hang``
    the run did not finish within the time limit.

Every choice comes from ``random.Random(f"{seed}:{case_id}")``::

    python benchmarks/fuzz_app.py --seed 2026 --cases-per-target 6 --out /tmp/wfm-fuzz-app
    python benchmarks/fuzz_app.py --only upload/history/3      # one case
    WFM_FUZZ_TREE=/tmp/old python benchmarks/fuzz_app.py       # an older commit's app

The summary (cases per uploader, outcomes, CPU time of this process, load average) is
printed and written to ``OUT/summary.json``; every case to ``OUT/cases.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The app and library under test: ``$WFM_FUZZ_TREE`` holding ``apps/`` and ``src/`` (e.g.
#: ``git archive COMMIT src apps | tar -x -C DIR``, for the sweep before a fix), else this
#: checkout.
TREE = Path(os.environ.get("WFM_FUZZ_TREE", REPO)).resolve()
APP = TREE / "apps" / "streamlit_app.py"
SAMPLE = REPO / "data" / "sample"
sys.path[:0] = [str(REPO / "benchmarks"), str(TREE / "apps"), str(TREE / "src")]

import fuzz_cli  # noqa: E402  (benchmarks/ is on the path above)
import fuzz_third  # noqa: E402

SECONDS_ALLOWED = 120
UNEXPECTED = "did not expect"  # in the app's message for an unexpected exception (helpers.ui)
#: Hostile upload names. Not tried: a name without an allowed suffix, which Streamlit's own
#: uploader refuses with its exception before the page sees the file (the browser's picker
#: and drop zone do not offer such files).
NAME_KINDS = ["name_traversal", "name_slash", "name_long", "name_formula"]


@dataclass
class Uploader:
    """One file uploader: its page, label, a valid file to damage and the damage kinds."""

    name: str
    page: str
    label: str
    file: str  # a file of the base folder
    kinds: list[str]
    planned: bool  # the page needs a planned sample week in the store


def uploaders() -> list[Uploader]:
    csv_kinds = fuzz_cli.CSV_KINDS + fuzz_cli.EXTRA_CSV_KINDS + NAME_KINDS
    toml_kinds = fuzz_cli.TOML_KINDS + fuzz_cli.EXTRA_TOML_KINDS + ["toml_utf16", "binary"]
    return [
        Uploader("upload/history", "views/upload.py", "History CSV", "history_short.csv",
                 csv_kinds + fuzz_cli.XLSX_KINDS, False),
        Uploader("upload/contacts", "views/upload.py", "Contacts CSV (one row per contact)",
                 "contacts.csv", csv_kinds, False),
        Uploader("upload/agents", "views/upload.py", "Agents CSV", "agents.csv", csv_kinds,
                 False),
        Uploader("upload/agent_states", "views/upload.py", "Agent states CSV",
                 "agent_states.csv", csv_kinds, False),
        Uploader("capacity/settings", "views/capacity.py", "Use another capacity file (TOML)",
                 "capacity.toml", toml_kinds, True),
        Uploader("review/contacts", "views/review.py", "Contacts CSV for quality of service",
                 "contacts.csv", csv_kinds, True),
        # the third sweep (fuzz_third): Excel formulas and sheets, DST and future histories,
        # a vendor's export for the layout guess, NaN/inf and BOM/CRLF TOML
        Uploader("upload/history-3", "views/upload.py", "History CSV", "history_short.csv",
                 fuzz_third.XLSX_KINDS_3 + fuzz_third.HISTORY_KINDS_3, False),
        Uploader("upload/amazon-contacts", "views/upload.py", "Contacts CSV (one row per contact)",
                 "amazon.csv", fuzz_third.CONTACT_KINDS_3 + fuzz_cli.CSV_KINDS, False),
        Uploader("capacity/settings-3", "views/capacity.py", "Use another capacity file (TOML)",
                 "capacity.toml", fuzz_third.TOML_KINDS_3, True),
    ]  # fmt: skip


@dataclass
class Case:
    case_id: str
    kind: str
    file_name: str
    outcome: str = ""
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the page's error boxes (expected ones)


def damaged_upload(rng: random.Random, base: Path, uploader: Uploader, kind: str):
    """(file name, bytes) of the upload for ``kind``."""
    source = base / uploader.file
    name = Path(uploader.file).name
    if kind in NAME_KINDS:
        data = source.read_bytes()
        name = {
            "name_traversal": "../../" + name,
            "name_slash": "folder/" + name,
            "name_long": "x" * 300 + ".csv",
            "name_formula": "=HYPERLINK(1).csv",
        }[kind]
        return name, data
    if kind in fuzz_third.ALL_KINDS:
        if kind in fuzz_third.XLSX_KINDS_3:
            xlsx = base / (Path(uploader.file).stem + ".xlsx")
            return name.replace(".csv", ".xlsx"), fuzz_third.mutate_xlsx_3(rng, xlsx, kind)
        if kind in fuzz_third.HISTORY_KINDS_3:
            return name, fuzz_third.mutate_history_3(rng, source.read_bytes(), kind)
        if kind in fuzz_third.CONTACT_KINDS_3:
            return name, fuzz_third.mutate_contacts_3(rng, source.read_bytes(), kind)
        return name, fuzz_third.mutate_toml_3(rng, source.read_text(), kind)
    if kind.startswith("xlsx"):
        xlsx = base / (Path(uploader.file).stem + ".xlsx")
        return name.replace(".csv", ".xlsx"), fuzz_cli.mutate_xlsx(rng, xlsx, kind)
    if uploader.file.endswith(".toml"):
        text = source.read_text()
        if kind == "binary":
            return name, bytes(rng.randrange(256) for _ in range(2000))
        if kind in fuzz_cli.EXTRA_TOML_KINDS:
            return name, fuzz_cli.mutate_toml_more(rng, text, kind)
        return name, fuzz_cli.mutate_toml(rng, text, kind)
    if kind in fuzz_cli.EXTRA_CSV_KINDS and kind not in fuzz_cli.CSV_KINDS:
        return name, fuzz_cli.mutate_csv_more(rng, fuzz_cli.read_rows(source.read_text()), kind)
    return name, fuzz_cli.mutate_csv(rng, source.read_bytes(), kind)


def build_base(base: Path) -> None:
    """Valid upload files and a store holding a planned sample week (a solve of about a
    minute, once)."""
    import pandas as pd

    from wfm.config import load_centre
    from wfm.plan.chain import run_plan
    from wfm.plan.workspace import Workspace

    base.mkdir(parents=True, exist_ok=True)
    history = pd.read_csv(SAMPLE / "history.csv", dtype=str)
    short = history[history["interval_start"] >= "2026-11-02"]
    short.to_csv(base / "history_short.csv", index=False)
    short.to_excel(base / "history_short.xlsx", index=False)
    for name in ("agents.csv", "capacity.toml"):
        shutil.copy(SAMPLE / name, base / name)
    states = pd.read_csv(SAMPLE / "agent_states.csv", dtype=str)
    states[states["start"] >= "2026-11-09"].to_csv(base / "agent_states.csv", index=False)
    fuzz_cli.build_contacts(base / "contacts.csv")  # the CLI sweep's per-contact export
    shutil.copy(fuzz_third.EXAMPLES / "amazon_connect_contacts.csv", base / "amazon.csv")
    centre = load_centre(SAMPLE / "centre.toml")
    scheduling = centre.scheduling.model_copy(update={"time_limit_seconds": 60})
    centre = centre.model_copy(update={"scheduling": scheduling})
    store = base / "planned.db"
    Workspace.open(f"sqlite:///{store}", actor="fuzz").save_plan(run_plan(centre))


class _LastException(logging.Handler):
    """Keeps the exception the app logged (``wfm.app``) behind its safety-net message."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            self.seen.append(f"{type(error).__name__}: {str(error)[:200]}")


LOGGED = _LastException()
logging.getLogger("wfm.app").addHandler(LOGGED)


def run_case(uploader: Uploader, case: Case, data: bytes, base: Path, folder: Path) -> None:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    LOGGED.seen.clear()

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    store = folder / "app.db"
    if uploader.planned:
        shutil.copy(base / "planned.db", store)
    os.environ["WFM_DB_URL"] = f"sqlite:///{store}"
    os.environ["WFM_APP_TIME_LIMIT_SECONDS"] = "20"
    os.environ.pop("WFM_CENTRE", None)
    st.cache_data.clear()
    st.cache_resource.clear()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        app = AppTest.from_file(str(APP), default_timeout=SECONDS_ALLOWED)
        app.run()
        app.switch_page(uploader.page)
        app.run()
        widgets = [w for w in app.file_uploader if w.label == uploader.label]
        if not widgets:
            case.outcome = "skip:no-uploader"
            case.problems = [e.value for e in app.error][:2] + [i.value for i in app.info][:2]
            return
        widgets[0].set_value((case.file_name, data, "application/octet-stream"))
        app.run()

        def problems_now() -> tuple[list[str], list[str]]:
            unexpected = [str(e.value)[:200] for e in app.error if UNEXPECTED in str(e.value)]
            return [str(e.value)[:300] for e in app.exception], unexpected

        exceptions, unexpected = problems_now()
        if not exceptions and not unexpected:
            for button in [b for b in app.button if str(b.key or "").startswith("save_")]:
                button.click().run()
                exceptions, unexpected = problems_now()
                if exceptions or unexpected:
                    break
        case.problems = exceptions or [*unexpected[:1], *LOGGED.seen[-1:]]
        case.errors = [str(e.value)[:200] for e in app.error][:3]
        case.outcome = "bug:exception" if exceptions else "bug:internal" if unexpected else "ok"
    except RuntimeError as error:  # AppTest's time limit
        case.outcome = "bug:hang" if "timed out" in str(error).lower() else "bug:runner"
        case.problems = [str(error)[:300]]
    finally:
        case.seconds = round(time.perf_counter() - started, 2)
        case.cpu_seconds = round(time.process_time() - cpu, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cases-per-target", type=int, default=6)
    parser.add_argument("--out", type=Path, default=Path("/tmp/wfm-fuzz-app"))
    parser.add_argument("--only", action="append", default=[], help="case id or a prefix")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--uploaders",
        choices=("all", "third"),
        default="all",
        help="every uploader, or the third sweep's (fuzz_third)",
    )
    args = parser.parse_args(argv)
    base = args.out / "base"
    if args.rebuild or not (base / "planned.db").exists():
        shutil.rmtree(base, ignore_errors=True)
        build_base(base)
    if not (base / "amazon.csv").exists():  # a base from before the third sweep
        shutil.copy(fuzz_third.EXAMPLES / "amazon_connect_contacts.csv", base / "amazon.csv")
    load_before, started, cpu = os.getloadavg(), time.perf_counter(), time.process_time()
    done = []
    chosen = [
        u
        for u in uploaders()
        if args.uploaders == "all" or u.name.endswith("-3") or u.name == "upload/amazon-contacts"
    ]
    for uploader in chosen:
        for index in range(args.cases_per_target):
            case_id = f"{uploader.name}/{index}"
            if args.only and not any(
                case_id == o or case_id.startswith(o.rstrip("/") + "/") for o in args.only
            ):
                continue
            rng = random.Random(f"{args.seed}:{case_id}")
            kind = rng.choice(uploader.kinds)
            name, data = damaged_upload(rng, base, uploader, kind)
            case = Case(case_id, kind, name)
            run_case(uploader, case, data, base, args.out / "cases" / case_id.replace("/", "_"))
            done.append(case)
            print(
                f"{case.outcome:16} {case_id:24} {kind:26} {case.seconds:6.1f}s {case.problems[:1]}"
            )
    summary = {
        "tree": str(TREE),
        "seed": args.seed,
        "cases": len(done),
        "totals": {
            outcome: sum(c.outcome == outcome for c in done)
            for outcome in {c.outcome for c in done}
        },
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    with (args.out / "cases.jsonl").open("w") as log:
        for case in done:
            log.write(json.dumps(asdict(case)) + "\n")
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps(summary, indent=1))
    return 1 if any(c.outcome.startswith("bug") for c in done) else 0


if __name__ == "__main__":
    sys.exit(main())
