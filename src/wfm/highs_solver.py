"""One home for making a HiGHS solver object: quiet, banner included.

highspy 1.16 prints a two-line banner ("Running HiGHS 1.16.0 (git hash: …): Copyright …")
to the process's standard output (file descriptor 1, from C, not through ``sys.stdout``) the
first time a ``highspy.Highs`` object is constructed, before any option can be set; the
constructor takes no options, and no environment variable turns it off. HiGHS's maintainers
keep ``output_flag`` on by default and ask callers to set it off before any other call
(ERGO-Code/HiGHS issue 1702), which the constructor's banner now precedes. The banner is
printed once per process, so :func:`new_highs` makes the process's first object with file
descriptor 1 pointed at ``/dev/null`` for the moment (C's buffer flushed before it is
restored), and every object it returns has ``output_flag`` off. Every ``Highs`` object in
``src/`` is made here; pyomo's HiGHS interface captures the solver's output itself.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import highspy

_banner_lock = threading.Lock()
_banner_silenced = False


def _flush_c_stdout() -> None:
    """Flush C's ``stdout`` buffer (where a pipe or file keeps the banner until exit)."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C library to ask (not POSIX)
        pass


def silence_banner() -> None:
    """Make the process's first ``highspy.Highs`` object with its banner sent to ``/dev/null``.

    Idempotent and thread-safe; later objects print no banner (highspy prints it once per
    process). Output written to file descriptor 1 by another thread during the construction
    (a few milliseconds, once) is lost with it.
    """
    global _banner_silenced
    if _banner_silenced:
        return
    with _banner_lock:
        if _banner_silenced:
            return
        import highspy

        if sys.stdout is not None:
            sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no standard output to protect (a closed descriptor)
            highspy.Highs()
            _banner_silenced = True
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            highspy.Highs()
            _flush_c_stdout()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_silenced = True


def new_highs() -> highspy.Highs:
    """A new ``highspy.Highs`` object with ``output_flag`` off and no banner printed.

    Examples
    --------
    >>> new_highs().getOptionValue("output_flag")[1]
    False
    """
    import highspy

    silence_banner()
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs
