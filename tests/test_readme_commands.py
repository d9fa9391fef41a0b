"""Every command in README.md runs as written, in order, in a fresh copy of the repository.

The commands are read from README.md itself (``bash`` blocks, ``python`` blocks and the
example column of the command table), so the README cannot drift from what works. A few
parts are not run, each for a stated reason (:func:`skip_reason`): creating and activating
the virtual environment and ``pip install`` (the test runs inside the installed
environment), ``pytest`` (the test runs inside pytest), the app (a server that does not end),
the benchmark (it times the Quick start's ``wfm plan`` three times) and the notebook
(``tests/test_notebook.py`` executes it with nbclient from its own folder, which is what
``jupyter execute`` does; here it would solve the sample week a second time). Commands
reading ``../shared/data`` run when that folder is beside the repository.

The store goes to a temporary ``WFM_DB_URL``; the user's own data folder is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
#: The walkthrough notebook, as the README names it; tests/test_notebook.py runs it.
NOTEBOOK = "notebooks/walkthrough.ipynb"

#: Each README command may take this long on a busy 2-core machine [seconds].
COMMAND_TIMEOUT_SECONDS = 1800


@dataclass(frozen=True)
class Command:
    """One README command: its text, language (``bash`` or ``python``) and README line."""

    text: str
    language: str
    line: int


def readme_commands(text: str) -> list[Command]:
    """The README's commands in reading order: each ``bash`` line (``\\`` continuations
    joined, comments dropped), each ``python`` block whole, and the example cell of each row
    of the command table (the last backticked cell of a row whose first cell is a `wfm`
    command)."""
    commands: list[Command] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = re.match(r"^\s*```(\w+)\s*$", line)
        if fence:
            language = fence.group(1)
            body: list[tuple[int, str]] = []
            index += 1
            while not re.match(r"^\s*```\s*$", lines[index]):
                body.append((index + 1, lines[index]))
                index += 1
            if language == "python":
                source = "\n".join(text for _, text in body)
                commands.append(Command(_dedent(source), "python", body[0][0]))
            elif language == "bash":
                pending, start = "", None
                for number, text_line in body:
                    stripped = re.sub(r"\s+#.*$", "", text_line.strip())
                    if not stripped or stripped.startswith("#"):
                        continue
                    start = start or number
                    if stripped.endswith("\\"):
                        pending += stripped[:-1].strip() + " "
                        continue
                    commands.append(Command(pending + stripped, "bash", start))
                    pending, start = "", None
        elif line.startswith("| `wfm "):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            example = re.fullmatch(r"`([^`]+)`", cells[-1])
            if example:
                commands.append(Command(example.group(1), "bash", index + 1))
        index += 1
    return commands


def _dedent(source: str) -> str:
    import textwrap

    return textwrap.dedent(source)


def skip_reason(part: str) -> str | None:
    """Why one ``&&``-separated part of a bash command is not run, or ``None`` to run it."""
    words = part.split()
    if words[:3] == ["python3", "-m", "venv"] or part in (". .venv/bin/activate",):
        return "the test runs inside the installed environment"
    if words[:2] == ["pip", "install"]:
        return "the package is installed already"
    if words[:1] == ["pytest"]:
        return "the test runs inside pytest"
    if words[:2] == ["wfm", "app"] or words[:2] == ["streamlit", "run"]:
        return "the app is a server that does not end (tests/app and tests/browser test it)"
    if words[:2] == ["python", "benchmarks/bench_plan.py"]:
        return "a benchmark: it times the Quick start's `wfm plan` three times"
    if words[:2] == ["jupyter", "execute"] and words[2:] == [NOTEBOOK]:
        return "tests/test_notebook.py executes the notebook as `jupyter execute` does"
    return None


def runnable_parts(command: Command) -> tuple[list[str], list[tuple[str, str]]]:
    """The parts of a bash command to run, and the skipped ones with their reasons."""
    run, skipped = [], []
    for part in (piece.strip() for piece in command.text.split("&&")):
        reason = skip_reason(part)
        (skipped.append((part, reason)) if reason else run.append(part))
    return run, skipped


def test_the_readme_extracts_the_commands_a_reader_sees():
    commands = readme_commands((REPO / "README.md").read_text())
    texts = [command.text for command in commands]
    quick_start = texts[0]
    assert "wfm plan --centre data/sample/centre.toml -o out/sample-plan" in quick_start
    assert texts[1].endswith("&& pytest")
    table = [text for text in texts if text.startswith("wfm ")]
    assert {text.split()[1] for text in table} >= {
        "forecast", "backtest", "staff", "simulate", "schedule", "reoptimise", "check-rota",
        "adherence", "plan", "review", "whatif", "db", "privacy", "sample", "app",
    }  # fmt: skip
    assert any(c.language == "python" and "run_plan" in c.text for c in commands)
    bank = [text for text in texts if "../shared/data" in text]
    assert bank and "\\" not in bank[0]  # continuation lines joined into one command


def test_rows_read_only_what_earlier_rows_wrote():
    """Each `out/...` folder or file a command reads is written by an earlier command."""
    commands = readme_commands((REPO / "README.md").read_text())
    written: set[str] = set()
    for command in commands:
        outputs = re.findall(r"(?:-o|--output)\s+(\S+)", command.text)
        reads = set(re.findall(r"(?<![-\w/])(out/[\w.-]+)", command.text))
        produced = {path.rstrip("/").split("/")[1] for path in outputs if path.startswith("out/")}
        if command.language == "python":  # write_plan(result, "out/plan")
            produced |= set(re.findall(r'write_plan\(\w+, "out/([\w.-]+)"\)', command.text))
        for path in reads:
            folder = path.split("/")[1]
            assert folder in written | produced, f"README line {command.line} reads {path} first"
        written |= produced


@pytest.mark.slow
def test_every_readme_command_runs_in_order_in_a_fresh_copy(tmp_path):
    copy = tmp_path / "repo"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.split(b"\0")
    if not any(tracked):
        pytest.skip("not a git checkout: cannot tell a fresh clone's files")
    for name in filter(None, tracked):
        source = REPO / name.decode()
        if source.is_file():
            target = copy / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    environment = {
        **os.environ,
        "WFM_DB_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "PYTHONPATH": os.pathsep.join(
            [str(copy / "src"), str(copy / "apps"), os.environ.get("PYTHONPATH", "")]
        ),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "MPLBACKEND": "Agg",
    }
    ran, skipped = [], []
    for command in readme_commands((copy / "README.md").read_text()):
        if command.language == "python":
            argv = [sys.executable, "-c", command.text]
        else:
            parts, skips = runnable_parts(command)
            skipped += skips
            if not parts:
                continue
            if "../shared/" in command.text and not SHARED.is_dir():
                skipped.append((command.text, "../shared/data is not beside the repository"))
                continue
            argv = ["bash", "-euo", "pipefail", "-c", " && ".join(parts)]
        done = subprocess.run(
            argv,
            cwd=copy,
            env=environment,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )
        assert done.returncode == 0, (
            f"README line {command.line}: {command.text}\nexit {done.returncode}\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        ran.append(command.text)
    # What the rows promise is there: the Quick start's plan, the reviewed past week, the
    # re-optimised rota with its changes.
    for path in (
        "out/sample-plan/report.md",
        "out/sample-plan/rota.csv",
        "out/reopt/changes.csv",
        "out/last-week/coverage.csv",
        "out/review/review.html",
        "out/plan/rota.csv",
    ):
        assert (copy / path).is_file(), path
    report = (copy / "out/sample-plan/report.md").read_text()
    assert "Does the plan meet its targets?" in report
    assert len(ran) >= 18, ran
    assert all(reason for _, reason in skipped)
