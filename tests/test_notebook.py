"""The walkthrough notebook runs from top to bottom without errors.

This is also the README's ``jupyter execute notebooks/walkthrough.ipynb``, which
tests/test_readme_commands.py leaves to this test: ``jupyter execute`` is nbclient's command
and runs the notebook just so, with the notebook's folder as the working directory.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_walkthrough_notebook_executes():
    notebook = nbformat.read(REPO / "notebooks" / "walkthrough.ipynb", as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(REPO / "notebooks")}},
    )
    client.execute()
    outputs = [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for output in outputs
    )
    assert "gap" in text  # the solve summary was printed


def test_the_readme_runs_this_notebook_with_a_jupyter_execute_that_is_installed():
    assert "jupyter execute notebooks/walkthrough.ipynb" in (REPO / "README.md").read_text()
    jupyter = Path(sys.executable).parent / "jupyter"
    done = subprocess.run([str(jupyter), "execute", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--inplace" in done.stdout, done.stderr[-2000:]
