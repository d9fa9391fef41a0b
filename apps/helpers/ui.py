"""Presentation helpers shared by the pages: number formatting, the queue picker, errors.

The library works in fractions, seconds and hours; percentages and rounding exist only
here. Formatting functions are pure and tested without Streamlit.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from helpers import state
from wfm.errors import WfmError

logger = logging.getLogger("wfm.app")

#: Shown in place of a value that does not exist (no rota, unknown bound).
MISSING = "—"
#: Shown for an unstable queue's ASA (fewer agents than offered load).
INFINITE = "∞"
#: Message for an error that is not one of wfm's own (a bug): no traceback in the app.
GENERIC_ERROR = (
    "Something went wrong that wfm did not expect. The details are in the server log; "
    "please report it with the centre file that caused it."
)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def percent(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.8123 -> '81.2 %'``."""
    if _missing(fraction):
        return MISSING
    if math.isinf(fraction):
        return INFINITE
    return f"{100 * fraction:.{digits}f} %"


def percentage_points(change: float | None, digits: int = 1) -> str:
    """A change of a fraction in percentage points: ``-0.031 -> '-3.1 pp'``."""
    if _missing(change):
        return MISSING
    return f"{100 * change:+.{digits}f} pp"


def seconds(value: float | None, digits: int = 1) -> str:
    """A duration [seconds]: ``7.84 -> '7.8 s'``; infinite for an unstable queue."""
    if _missing(value):
        return MISSING
    if math.isinf(value):
        return INFINITE
    return f"{value:,.{digits}f} s"


def hours(value: float | None, digits: int = 1) -> str:
    """Hours or agent-hours: ``1234.56 -> '1,234.6 h'``."""
    if _missing(value):
        return MISSING
    return f"{value:,.{digits}f} h"


def number(value: float | None, digits: int = 1) -> str:
    """A plain number with thousands separators."""
    if _missing(value):
        return MISSING
    if math.isinf(value):
        return INFINITE
    return f"{value:,.{digits}f}"


def change(before: float | None, after: float | None, show: Callable[[float], str]) -> str | None:
    """``after - before`` with its sign (``+3.0 h``); ``None`` when either is missing or
    infinite (an unstable queue's ASA), or when the change shows as zero, so that no delta
    (and no misleading arrow) is shown."""
    if _missing(before) or _missing(after) or math.isinf(before) or math.isinf(after):
        return None
    text = show(after - before)
    if not any(digit in "123456789" for digit in text):
        return None
    return text if text.startswith(("+", "-")) else "+" + text


def overloaded_note(intervals: int, contacts: float) -> str:
    """Why some intervals are left out of the ASA."""
    return (
        f"{intervals} queue-intervals ({number(contacts, 0)} contacts) have no more productive agents than "
        "the offered load, so the queue grows without bound there: those contacts count as not answered "
        "in time, and the ASA is over the other intervals."
    )


def queue_picker(queues: Sequence[str], *, label: str = "Queue") -> str:
    """The queue selector; the choice follows the user from page to page."""
    return st.selectbox(label, list(queues), key=state.QUEUE, persist_state="session")


def show_error(error: BaseException) -> None:
    """One box for an error: wfm's own message, or a friendly note for anything else."""
    if isinstance(error, WfmError):
        st.error(str(error), icon=":material/error:")
    else:
        logger.error("unexpected error in the app", exc_info=error)
        st.error(GENERIC_ERROR, icon=":material/error:")


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Run a page body; show any error as a message box (never a traceback) and stop.

    Streamlit's own control flow (``st.stop``, ``st.rerun``) derives from
    ``BaseException`` and passes through.
    """
    try:
        yield
    except Exception as error:  # noqa: BLE001 - the app must never show a traceback
        show_error(error)
        st.stop()


def when(utc_text: str | None) -> str:
    """A stored UTC ISO 8601 time as local-free text: ``'2026-11-22T13:05:09.1+00:00' -> '22 Nov 2026 13:05 UTC'``."""
    if not utc_text:
        return MISSING
    try:
        moment = pd.Timestamp(utc_text)
    except ValueError:
        return str(utc_text)
    return f"{moment:%d %b %Y %H:%M} UTC"


def hide_password(url: str) -> str:
    """A database URL with its password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL: show it as given
        return url
