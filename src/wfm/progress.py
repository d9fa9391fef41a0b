"""Progress reporting for long work.

Library functions that take a while accept ``progress: ProgressCallback | None``. The CLI
shows it as a tqdm bar and the app as ``st.progress``; the library never prints.
"""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(fraction_done, message)`` with ``fraction_done`` in [0, 1].
ProgressCallback = Callable[[float, str], None]


def no_progress(fraction_done: float, message: str) -> None:
    """A progress callback that ignores its arguments."""


def scaled(progress: ProgressCallback | None, start: float, end: float) -> ProgressCallback:
    """A callback that maps a sub-task's [0, 1] onto [start, end] of ``progress``."""
    target = progress or no_progress

    def report(fraction_done: float, message: str) -> None:
        target(start + (end - start) * min(max(fraction_done, 0.0), 1.0), message)

    return report
