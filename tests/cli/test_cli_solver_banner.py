"""HiGHS's one-off banner never reaches a command's standard output."""

from __future__ import annotations

import subprocess
import sys


def run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    ).stdout


def test_the_banner_is_printed_without_the_guard_and_not_with_it():
    bare = run("import highspy; highspy.Highs(); print('result')")
    assert "HiGHS" in bare  # the defect the guard exists for (highspy 1.16)
    guarded = run(
        "from wfm.cli.common import silence_solver_banner; silence_solver_banner(); "
        "import highspy; highspy.Highs(); print('result')"
    )
    assert guarded == "result\n"
