"""Hostile input against the commands added since ``test_hostile_input.py`` (issue 15, third
round): import-contacts layouts, intraday accept/replan, select-shifts and its catalogue,
capacity, staff --cluster, [[sites]] centre files, init --history.

Each row runs the real command through ``main([...])`` under a time limit and asserts exit 2,
no traceback or "internal error", the words that name the file/line/column/option and the
value, and that nothing was written. Rows marked "was" were defects before this round.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import deny_write_access, time_limit

from wfm.cli import main
from wfm.cli.common import EXIT_USER_ERROR

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"
SECONDS_ALLOWED = 120  # generous for a loaded machine; a hang is many minutes

REQUIREMENTS_HEADER = (
    "interval_start,queue,offered,aht_seconds,traffic_erlangs,agents_required,"
    "agents_scheduled_required,service_level,asa_seconds,occupancy\n"
)
CONTACTS_HEADER = "arrival_time,queue,outcome,wait_seconds,handle_seconds\n"
CATALOGUE_HEADER = "name,start,end,cost\n"
FORECAST = (
    "interval_start,queue,offered,aht_seconds\n"
    "2026-11-16T08:00:00+00:00,sales,10,180\n2026-11-16T08:15:00+00:00,sales,12,180\n"
)
SUGGESTIONS_HEADER = "change_id,kind,agent_id,activity,old_start,old_end,new_start,new_end\n"


def write(path: Path, text: str | bytes, encoding: str = "utf-8") -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding, newline="")
    return path


def requirements(tmp: Path, agents: str = "2") -> Path:
    rows = "".join(
        f"2025-06-02 {8 + hour:02d}:00,sales,10,180,1,{agents},{agents},0.8,10,0.8\n"
        for hour in range(4)
    )
    return write(tmp / "req.csv", REQUIREMENTS_HEADER + rows)


def catalogue_case(row: str):
    def build(tmp: Path, out: Path):
        catalogue = write(tmp / "shifts.csv", CATALOGUE_HEADER + row)
        argv = ["select-shifts", requirements(tmp), "--catalogue", catalogue, "--no-wrap"]
        return argv + ["--under-staffing-cost-per-agent-hour", "3", "-o", out / "counts.csv"]

    return build


def contacts_case(text: str | bytes, *extra: str, encoding: str = "utf-8"):
    def build(tmp: Path, out: Path):
        path = write(tmp / "contacts.csv", text, encoding)
        return ["import-contacts", path, "-q", *extra, "-o", out / "history.csv"]

    return build


def sites_case(site: str):
    def build(tmp: Path, out: Path):
        text = (SAMPLE / "centre.toml").read_text().replace('agents = "agents.csv"\n', "")
        centre = write(tmp / "centre.toml", text + "\n[[sites]]\n" + site)
        forecast = write(tmp / "forecast.csv", "interval_start,queue,offered,aht_seconds\n")
        return ["staff", forecast, "--centre", centre, "-o", out / "req.csv"]

    return build


AMAZON = (EXAMPLES / "amazon_connect_contacts.csv").read_text().splitlines()
INTRADAY_DUMMIES = ["--forecast", "f.csv", "--history-today", "a.csv", "--states-today", "s.csv"]

#: name -> (builder(tmp, out) -> argv, words every message must hold)
CASES = {
    # --- defects before this round -------------------------------------------------------
    "was: accept suggestions is a folder (exit 1)": (
        lambda tmp, out: [
            "intraday",
            "accept",
            "--centre",
            SAMPLE / "centre.toml",
            "--suggestions",
            tmp,
            "--store",
            f"sqlite:///{tmp}/store.db",
            "-o",
            out,
        ],
        ["is a folder", "give the path"],
    ),
    "was: accept suggestions in latin-1 (no line)": (
        lambda tmp, out: [
            "intraday",
            "accept",
            "--centre",
            SAMPLE / "centre.toml",
            "--suggestions",
            write(tmp / "s.csv", SUGGESTIONS_HEADER + "1,overtime,A\xe9,work,,,,\n", "latin-1"),
            "--store",
            f"sqlite:///{tmp}/store.db",
            "-o",
            out,
        ],
        ["s.csv", "line 2", "UTF-8"],
    ),
    "was: replan --accept typo checked after the re-plan": (
        lambda tmp, out: [
            "intraday",
            "replan",
            "--centre",
            SAMPLE / "centre.toml",
            *INTRADAY_DUMMIES,
            "--as-of",
            "11:00",
            "--accept",
            "=1+1",
            "-o",
            out,
        ],
        ["option --accept", "'=1+1'", "Fix:"],
    ),
    "was: replan limit without a fix": (
        lambda tmp, out: [
            "intraday",
            "replan",
            "--centre",
            SAMPLE / "centre.toml",
            *INTRADAY_DUMMIES,
            "--as-of",
            "11:00",
            "--max-overtime-minutes",
            "-5",
            "-o",
            out,
        ],
        ["option --max-overtime-minutes", "-5", "from 0 to 480"],
    ),
    "was: init -o names a file (exit 1, after the work)": (
        lambda tmp, out: [
            "init",
            "--history",
            SAMPLE / "history.csv",
            "--timezone",
            "Europe/London",
            "-o",
            write(tmp / "notes.txt", "keep me"),
        ],
        ["notes.txt", "option -o", "is a file"],
    ),
    "was: requirement of 1e300 agents overflowed silently": (
        lambda tmp, out: ["select-shifts", requirements(tmp, "1e300"), "-o", out / "c.csv"],
        ["req.csv", "line 2", "'agents_required'", "1e+09"],
    ),
    "was: catalogue cost 1e308 taken as infinite by the solver": (
        catalogue_case("m,2025-06-02 08:00,2025-06-02 10:00,1e308\n"),
        ["shifts.csv", "line 2", "'cost'", "1e+308", "Fix:"],
    ),
    "was: --cluster address dask cannot parse (exit 1)": (
        lambda tmp, out: [
            "staff",
            write(tmp / "f.csv", FORECAST),
            "--centre",
            SAMPLE / "centre.toml",
            "--cluster",
            "http://[::1",
            "-o",
            out / "req.csv",
        ],
        ["--cluster http://[::1", "tcp://HOST:8786"],
    ),
    "was: capacity --months 0 checked after the forecast, no fix": (
        lambda tmp, out: [
            "capacity",
            "--centre",
            SAMPLE / "centre.toml",
            "-q",
            "--months",
            "0",
            "-o",
            out,
        ],
        ["option --months", "(value: 0)", "from 1 to 36, e.g. --months 18"],
    ),
    "was: --start-date typo named no option": (
        lambda tmp, out: [
            "capacity",
            "--centre",
            SAMPLE / "centre.toml",
            "-q",
            "--start-date",
            "2026-13-45",
            "-o",
            out,
        ],
        ["option --start-date", "'2026-13-45'", "YYYY-MM-DD"],
    ),
    # --- already clear errors, kept so that they stay so ---------------------------------
    "contacts: empty file": (contacts_case(""), ["contacts.csv", "empty"]),
    "contacts: amazon header only": (
        contacts_case(AMAZON[0] + "\n", "--layout", "amazon-connect"),
        ["contacts.csv", "no contact rows"],
    ),
    "contacts: amazon negative duration": (
        contacts_case(
            "\n".join([AMAZON[0], AMAZON[1].replace(",300,", ",-300,", 1)]) + "\n",
            "--layout",
            "amazon-connect",
        ),
        ["line 2", "'Agent.AgentInteractionDuration'", "negative"],
    ),
    "contacts: handle time inf": (
        contacts_case(CONTACTS_HEADER + "2026-03-02T08:00:00Z,sales,answered,1,inf\n"),
        ["line 2", "'handle_seconds'", "'inf'"],
    ),
    "contacts: generic file given as twilio": (
        contacts_case(
            CONTACTS_HEADER + "2026-03-02T08:00:00Z,sales,answered,4,100\n",
            "--layout",
            "twilio-taskrouter",
        ),
        ["not a Twilio TaskRouter events export", "--l"],
    ),
    "contacts: latin-1 queue": (
        contacts_case(
            "\n".join(AMAZON).replace("Sales", "Sal\xe9s", 1) + "\n",
            "--layout",
            "amazon-connect",
            encoding="latin-1",
        ),
        ["contacts.csv", "UTF-8"],
    ),
    "contacts: binary": (contacts_case(b"\x00\x01PK\x03\x04" * 50), ["NUL byte"]),
    "catalogue: header only": (catalogue_case(""), ["shifts.csv", "no data rows"]),
    "catalogue: cost inf": (
        catalogue_case("m,2025-06-02 08:00,2025-06-02 10:00,inf\n"),
        ["line 2", "'cost'", "infinite"],
    ),
    "catalogue: words for times and cost": (
        catalogue_case("m,tomorrow,later,cheap\n"),
        ["line 2", "'cost'", "'cheap'"],
    ),
    "catalogue: year 9999": (
        catalogue_case("m,9999-06-02 08:00,9999-06-02 10:00,5\n"),
        ["line 2", "'start'", "9999"],
    ),
    "capacity: file in latin-1": (
        lambda tmp, out: [
            "capacity",
            "--centre",
            SAMPLE / "centre.toml",
            "-q",
            "--capacity",
            write(tmp / "cap.toml", "# caf\xe9\n", "latin-1"),
            "-o",
            out,
        ],
        ["cap.toml", "UTF-8"],
    ),
    "capacity: scenario NaN": (
        lambda tmp, out: [
            "capacity",
            "--centre",
            SAMPLE / "centre.toml",
            "-q",
            "--aht-seconds",
            "sales=nan",
            "-o",
            out,
        ],
        ["--aht-seconds", "'sales=nan'"],
    ),
    "sites: two sites with one name": (
        sites_case(
            f'name = "a"\nqueues = ["sales"]\nagents = "{SAMPLE}/agents.csv"\n'
            f'[[sites]]\nname = "a"\nqueues = ["support"]\nagents = "{SAMPLE}/agents.csv"\n'
        ),
        ["centre.toml", "site names must be unique"],
    ),
    "sites: opening hours nan": (
        sites_case(
            f'name = "a"\nqueues = ["sales"]\nagents = "{SAMPLE}/agents.csv"\n'
            'opening_hours = {mon = "nan"}\n'
        ),
        ["site 'a'", "'nan'", "HH:MM-HH:MM"],
    ),
    "sites: empty table": (sites_case(""), ["sites.0.name"]),
    "init: header only": (
        lambda tmp, out: [
            "init",
            "--history",
            write(tmp / "h.csv", "interval_start,queue,offered\n"),
            "--timezone",
            "Europe/London",
            "-o",
            out,
        ],
        ["h.csv", "no interval rows"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_newer_commands_give_one_clear_error_and_write_nothing(case, tmp_path, capsys):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    build, words = CASES[case]
    argv = [str(part) for part in build(inputs, out)]
    before = sorted(str(path) for path in tmp_path.rglob("*"))
    with time_limit(SECONDS_ALLOWED):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse
            code = stop.code
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "Traceback" not in err and "internal error" not in err
    for word in words:
        assert word in err, (word, err)
    after = sorted(str(path) for path in tmp_path.rglob("*") if not path.name.startswith("store"))
    assert after == [p for p in before if not Path(p).name.startswith("store")]
    assert not out.exists()


def test_was_a_preference_weight_of_1e308_accepted(tmp_path):
    """A weight is a cost in the rota model: beyond MAX_COST_UNITS it is a typo (HiGHS would
    read it as infinite), an error naming the line, the column and the value."""
    from wfm.data.preferences import read_preferences
    from wfm.errors import InputError

    path = write(tmp_path / "prefs.csv", "agent_id,kind,value,weight\nA001,day_off,sat,1e308\n")
    with pytest.raises(InputError, match=r"line 2, column 'weight'.*1e\+308"):
        read_preferences(path)


def test_was_a_twilio_timestamp_of_1e300_a_numpy_warning(tmp_path, capsys):
    """An event time outside the years wfm reads is unreadable like text, without a numpy
    RuntimeWarning (an invalid cast) printed to the user."""
    import warnings

    header = "EventType,Timestamp,TaskSid,TaskQueueName,WorkerName"
    events = [
        "task.created,1772438400,WT01,,",
        "task-queue.entered,1e300,WT01,Sales,",
        "reservation.accepted,1772438425,WT01,Sales,alice",
        "task.completed,1772438725,WT01,Sales,alice",
    ]
    path = write(tmp_path / "events.csv", "\n".join([header, *events]) + "\n")
    out = tmp_path / "history.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        code = main(
            ["import-contacts", str(path), "--layout", "twilio-taskrouter", "-q", "-o", str(out)]
        )
    err = capsys.readouterr().err
    assert code in (0, 2) and "RuntimeWarning" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["capacity", "--centre", SAMPLE / "centre.toml", "-q"],
        ["init", "--history", SAMPLE / "history.csv", "--timezone", "Europe/London"],
        ["intraday", "sample", "--centre", SAMPLE / "centre.toml", "--as-of", "11:00"],
        [
            "intraday",
            "accept",
            "--centre",
            SAMPLE / "centre.toml",
            "--suggestions",
            "suggestions.csv",
            "--store",
            "sqlite:///:memory:",
        ],
    ],
    ids=lambda argv: " ".join(map(str, argv[:2])),
)
def test_read_only_output_folder_fails_before_any_work(command, tmp_path, capsys, monkeypatch):
    """(was: capacity and intraday checked only that -o was not a file, so a folder without
    write access failed after the work). No write access is simulated: tests may run as root."""
    folder = tmp_path / "ro"
    folder.mkdir()
    deny_write_access(monkeypatch, folder)
    with time_limit(SECONDS_ALLOWED):
        code = main([str(part) for part in command] + ["-o", str(folder / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "permission denied" in err and "option -o" in err
    assert list(folder.iterdir()) == []
