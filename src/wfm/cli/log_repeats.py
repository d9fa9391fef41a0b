"""Warnings said once per kind on the terminal: a short history makes the backtest warn for
every model at every cut-off (twenty lines for three weeks of data), which hides the rest.

A warning repeats an earlier one when it comes from the same logger with the same text
once its numbers are blanked (dates, day counts); repeats are counted and said at the end.
``--debug`` shows every one.
"""

from __future__ import annotations

import logging
import re

_NUMBER = re.compile(r"\d+")


class RepeatedWarnings(logging.Filter):
    """Let the first warning of each kind through and count the repeats.

    >>> repeats = RepeatedWarnings()
    >>> def record(text):
    ...     return logging.LogRecord("wfm.x", logging.WARNING, "", 0, text, (), None)
    >>> [repeats.filter(record(t)) for t in
    ...  ["model a skipped at cut-off 2003-10-10: 9 days", "model a skipped at cut-off 2003-10-13: 10 days",
    ...   "model b skipped at cut-off 2003-10-10: 9 days"]]
    [True, False, True]
    >>> repeats.repeats
    1
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str]] = set()
        self.repeats = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        key = (record.name, _NUMBER.sub("#", record.getMessage()))
        if key in self.seen:
            self.repeats += 1
            return False
        self.seen.add(key)
        return True


def said_once(root: logging.Logger | None = None) -> RepeatedWarnings | None:
    """Put a :class:`RepeatedWarnings` on the terminal handler of ``root`` (the root logger):
    the plain stream handler ``logging.basicConfig`` made; ``None`` when there is none (e.g.
    under pytest, whose capture handlers are left alone)."""
    root = root or logging.getLogger()
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:
            for old in [f for f in handler.filters if isinstance(f, RepeatedWarnings)]:
                handler.removeFilter(old)
            repeats = RepeatedWarnings()
            handler.addFilter(repeats)
            return repeats
    return None
