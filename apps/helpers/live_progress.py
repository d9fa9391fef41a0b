"""Long library work with a progress bar that never freezes.

The rota search reports progress between its stages only, and one stage may run for tens
of seconds inside HiGHS. Run in the script's thread, the bar and its elapsed-time counter
stood still that long. :func:`run_with_progress` runs the work in a worker thread and
redraws the bar from the script's thread twice a second: the elapsed time moves, every
stage reached so far stays listed under the bar with the best rota found at that point, and
Streamlit's Stop (which interrupts the script's thread) asks the work to end at its next
report.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")
#: Seconds between redraws of the bar.
REDRAW_SECONDS = 0.5


class WorkStopped(Exception):
    """Raised inside the work's progress callback once the page has been stopped."""


def elapsed_text(elapsed_seconds: float, limit_seconds: float | None) -> str:
    """``'12 s of the 30 s limit'``; past the limit, what the page is waiting for."""
    if limit_seconds is None:
        return f"{elapsed_seconds:.0f} s"
    if elapsed_seconds <= limit_seconds:
        return f"{elapsed_seconds:.0f} s of the {limit_seconds:.0f} s limit"
    return (
        f"{elapsed_seconds:.0f} s: past the {limit_seconds:.0f} s limit, the solver is ending the "
        "stage it is in and the rota is being read"
    )


def run_with_progress(
    work: Callable[[Callable[[float, str], None]], T],
    *,
    label: str,
    limit_seconds: float | None = None,
) -> tuple[T, float, list[str]]:
    """Run ``work(progress)`` with a live progress bar; return (its result, seconds, stages).

    Parameters
    ----------
    work
        The work; it calls ``progress(fraction_done, message)`` (:mod:`wfm.progress`).
    label
        Start of the bar's text, e.g. ``"Generating the rota"``.
    limit_seconds
        The time limit the work was given [s], to show the elapsed time against.

    Raises
    ------
    Exception
        Whatever the work raised (re-raised in the script's thread).
    """
    shared: dict = {"fraction": 0.0, "message": "starting", "stages": [], "stop": False}
    lock = threading.Lock()

    def progress(fraction_done: float, message: str) -> None:
        with lock:
            if shared["stop"]:
                raise WorkStopped("stopped from the page")
            shared["fraction"] = min(max(float(fraction_done), 0.0), 1.0)
            shared["message"] = message
            if not shared["stages"] or shared["stages"][-1] != message:
                shared["stages"].append(message)

    outcome: dict = {}

    def target() -> None:
        try:
            outcome["result"] = work(progress)
        except BaseException as error:  # noqa: BLE001 - handed to the script's thread
            outcome["error"] = error

    worker = threading.Thread(target=target, name="wfm-work", daemon=True)
    bar = st.progress(0.0, text=f"{label}: starting")
    stages_box = st.empty()
    started = time.perf_counter()
    worker.start()
    try:
        while worker.is_alive():
            worker.join(REDRAW_SECONDS)
            with lock:
                fraction, message, stages = (
                    shared["fraction"],
                    shared["message"],
                    list(shared["stages"]),
                )
            elapsed = time.perf_counter() - started
            bar.progress(
                fraction, text=f"{label}: {message} ({elapsed_text(elapsed, limit_seconds)})"
            )
            if len(stages) > 1:
                stages_box.caption("Stages so far: " + " → ".join(stages[:-1]))
    finally:
        with lock:
            shared["stop"] = worker.is_alive()  # stopped from the page: end at the next report
    bar.empty()
    stages_box.empty()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], time.perf_counter() - started, list(shared["stages"])
