"""HiGHS's banner never reaches standard output (file descriptor 1) through wfm's solvers.

highspy prints the banner once per process, so each case runs in a fresh Python process
whose standard output is this test's file descriptor 1, which ``capfd`` captures (a file,
so C's buffering is the one a pipe or a redirect gives).
"""

from __future__ import annotations

import subprocess
import sys

BANNER = "Running HiGHS"


def run_fresh(code: str) -> None:
    """Run ``code`` in a fresh interpreter writing to this process's own fd 1 and 2."""
    subprocess.run([sys.executable, "-c", code], timeout=120, check=True)


def test_a_bare_highs_object_prints_the_banner(capfd):
    """The defect the helper exists for (highspy 1.16): without it the banner shows."""
    run_fresh("import highspy; highspy.Highs(); print('result')")
    assert BANNER in capfd.readouterr().out


def test_new_highs_prints_no_banner_and_later_objects_none_either(capfd):
    run_fresh(
        "from wfm.highs_solver import new_highs; h = new_highs(); print('result'); "
        "import highspy; highspy.Highs(); print('after')"
    )
    captured = capfd.readouterr()
    assert captured.out == "result\nafter\n"
    assert BANNER not in captured.err


def test_a_solve_through_wfm_prints_nothing(capfd):
    """A whole solve through the array path (the rota models' and shift selection's)."""
    run_fresh(
        "import numpy as np, scipy.sparse as sp\n"
        "from wfm.scheduling.solve import MatrixModel, run_highs_matrix\n"
        "model = MatrixModel(matrix=sp.csr_matrix(np.ones((1, 2))), row_lower=np.array([1.0]),"
        " row_upper=np.array([np.inf]), cost=np.array([1.0, 2.0]),"
        " col_lower=np.zeros(2), col_upper=np.ones(2), integer=np.array([True, True]))\n"
        "run, values = run_highs_matrix(model, time_limit_seconds=10, relative_gap=0.0)\n"
        "print([round(float(v)) for v in values])\n"
    )
    assert capfd.readouterr().out == "[1, 0]\n"


def test_a_cli_command_that_solves_prints_no_banner(tmp_path, capfd):
    """``wfm select-shifts`` (a set-covering MILP): only the command's own lines."""
    requirements = tmp_path / "req.csv"
    requirements.write_text(
        "interval_start,queue,offered,aht_seconds,traffic_erlangs,agents_required,"
        "agents_scheduled_required,service_level,asa_seconds,occupancy\n"
        "2025-06-02 08:00,sales,10,180,1,2,2,0.8,10,0.8\n"
        "2025-06-02 09:00,sales,10,180,1,2,2,0.8,10,0.8\n"
    )
    catalogue = tmp_path / "shifts.csv"
    catalogue.write_text("name,start,end,cost\nmorning,2025-06-02 08:00,2025-06-02 10:00,5\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wfm.cli",
            "select-shifts",
            str(requirements),
            "--catalogue",
            str(catalogue),
            "--no-wrap",
            "-o",
            str(tmp_path / "counts.csv"),
        ],
        timeout=120,
        check=True,
    )
    out = capfd.readouterr().out
    assert "cost 10.00" in out
    assert BANNER not in out
