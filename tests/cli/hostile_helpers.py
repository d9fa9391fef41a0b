"""What the hostile-input tests share: a time limit that turns a hang into a failure, and a
folder without write access simulated (the tests may run as root, who ignores permissions)."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path

SECONDS_ALLOWED = 60  # generous for a loaded machine; a hang is minutes


@contextmanager
def time_limit(seconds: int = SECONDS_ALLOWED):
    def stop(signum, frame):
        raise AssertionError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def deny_write_access(monkeypatch, folder: Path) -> None:
    """Make wfm's output checks see ``folder`` as not writable."""
    import wfm.data.output_paths as output_paths

    real_access = os.access
    monkeypatch.setattr(
        output_paths.os,
        "access",
        lambda path, mode: False if Path(path) == folder else real_access(path, mode),
    )
