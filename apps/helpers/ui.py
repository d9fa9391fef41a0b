"""Presentation helpers shared by the pages: number formatting, the queue picker, errors.

The library works in fractions, seconds and hours; percentages and rounding exist only
here. Formatting functions are pure and tested without Streamlit.
"""

from __future__ import annotations

import logging
import math
import re
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
    "Something went wrong that wfm did not expect, and nothing was changed. Try the step again; "
    "if it happens again, tell your wfm administrator what you were doing (the details are in "
    "the server's log)."
)


def _missing(value: float | None) -> bool:
    """No value: ``None``, NaN, or pandas' ``NA``/``NaT`` (an empty nullable column, e.g. FCR
    of a period without contacts)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _finite_text(value: float | None, text: Callable[[float], str]) -> str:
    """``text(value)``, or :data:`MISSING` for no value and :data:`INFINITE` for an
    infinite one."""
    if _missing(value):
        return MISSING
    if math.isinf(value):
        return INFINITE
    return text(value)


def percent(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.8123 -> '81.2 %'``."""
    return _finite_text(fraction, lambda value: f"{100 * value:.{digits}f} %")


def percentage_points(change: float | None, digits: int = 1) -> str:
    """A change of a fraction in percentage points: ``-0.031 -> '-3.1 pp'``."""
    if _missing(change):
        return MISSING
    return f"{100 * change:+.{digits}f} pp"


def seconds(value: float | None, digits: int = 1) -> str:
    """A duration [seconds]: ``7.84 -> '7.8 s'``; infinite for an unstable queue."""
    return _finite_text(value, lambda value: f"{value:,.{digits}f} s")


def hours(value: float | None, digits: int = 1) -> str:
    """Hours or agent-hours: ``1234.56 -> '1,234.6 h'``."""
    if _missing(value):
        return MISSING
    return f"{value:,.{digits}f} h"


def number(value: float | None, digits: int = 1) -> str:
    """A plain number with thousands separators."""
    return _finite_text(value, lambda value: f"{value:,.{digits}f}")


#: Shown for an ASA over a period where some intervals have no finite wait (Erlang C).
UNBOUNDED = "unbounded"


def compact(value: float | None, unit: str = "", digits: int = 1) -> str:
    """A figure short enough for a metric tile at 1280 px: ``23290.4, "h" -> '23.3k h'``,
    ``1580.04, "h" -> '1,580 h'``, ``2.5e6 -> '2.5M'``, ``20.84, "h" -> '20.8 h'``."""
    return _finite_text(value, lambda value: _compact_text(value, unit, digits))


def _compact_text(value: float, unit: str, digits: int) -> str:
    size = abs(value)
    suffix = f" {unit}" if unit else ""
    for limit, letter, unit_size in ((1e9, "G", 1e9), (1e6, "M", 1e6), (1e4, "k", 1e3)):
        if size >= limit:
            return f"{value / unit_size:,.{digits}f}{letter}{suffix}"
    if size >= 1000:
        return f"{value:,.0f}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def compact_hours(value: float | None) -> str:
    """Agent-hours for a metric tile: ``23290.4 -> '23.3k h'``, ``812.25 -> '812.3 h'``."""
    return compact(value, "h")


def asa_text(asa: float | None, covered_share: float | None = 1.0) -> str:
    """A period's ASA, honest about intervals with no finite wait.

    When some of the period's contacts fall in intervals with no more productive agents
    than Erlangs (Erlang C: the queue grows without bound), the period's ASA is unbounded;
    an average over the other intervals alone would move the wrong way as agents are added
    (they bring intervals back into the average). ``covered_share`` is the share of the
    contacts in intervals with a finite wait (``asa_covered_share``).
    """
    if covered_share is not None and not _missing(covered_share) and covered_share < 1 - 1e-9:
        return UNBOUNDED
    return seconds(asa)


def asa_note(asa: float | None, covered_share: float, contacts_left_out: float) -> str | None:
    """What an unbounded ASA means, with the ASA over the part of the period that has one."""
    if _missing(covered_share) or covered_share >= 1 - 1e-9:
        return None
    return (
        f"ASA unbounded: {number(contacts_left_out, 0)} contacts ({percent(1 - covered_share)}) fall in "
        "intervals with no more productive agents than the offered load, where the queue grows without "
        f"bound (Erlang C) and they count as not answered in time. Over the other {percent(covered_share)} "
        f"of contacts the ASA is {seconds(asa)}. Set a caller patience to use Erlang A, where callers "
        "abandon and every wait is finite."
    )


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


#: The library's words for the command line and the files, and the app's for the same thing.
_PLANNER_WORDS = (
    (re.compile(r"\s*\((?:see )?docs/[\w./-]+[^)]*\)"), ""),
    (re.compile(r";?\s*see docs/[\w./-]+(?: for [^.;]*)?"), ""),
    (re.compile(r"\s*\(--[\w-]+[^)]*\)"), ""),
    # "(e.g. --map 'Start Time=arrival_time', column_map={...})": the whole example goes.
    (re.compile(r"\s*\(e\.g\. --[\w-]+[^)]*\)"), ""),
    (re.compile(r",?\s*e\.g\. --[\w-]+(?: [^\s,;.]+)?"), ""),
    # "add it to / define it in the centre file": in the app, that is the Settings page.
    (re.compile(r"\b(to|in) the centre file\b"), r"\1 the centre settings (Settings page)"),
)


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A download button for ``frame`` as CSV (formulas neutralised by
    :func:`wfm.data.io.frame_to_csv_text`); clicking it does not rerun the page."""
    from wfm.data.io import frame_to_csv_text

    st.download_button(
        label,
        frame_to_csv_text(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def go_to_data(message: str, icon: str = ":material/info:") -> None:
    """Say what is missing, with a link to the Data page where it is loaded."""
    st.info(message, icon=icon)
    st.page_link("views/upload.py", label="Go to Data", icon=":material/arrow_forward:")


def daily_table(frame: pd.DataFrame, **columns) -> None:
    """A table of one row per day and queue: the date, the queue and its contacts headed in
    words, with ``columns`` configuring the page's own columns."""
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "date": st.column_config.DateColumn("Date", format="ddd DD MMM YYYY"),
            "queue": "Queue",
            "offered": st.column_config.NumberColumn("Contacts", format="%.0f"),
        }
        | columns,
    )


def table_editor(table: pd.DataFrame, key: str, **columns) -> pd.DataFrame:
    """An editable table of the centre's settings (rows may be added and removed), every
    column headed in words (:func:`helpers.centre_editing.column_labels`); ``columns`` are
    explicit column configs. Returns the edited table."""
    from helpers.centre_editing import column_labels

    return st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=key,
        width="stretch",
        column_config=column_labels(table, **columns),
    )


def table_with_download(
    title: str, frame: pd.DataFrame, label: str, file_name: str, key: str | None = None
) -> None:
    """The whole table in a closed expander, and its CSV download below it."""
    with st.expander(title):
        st.dataframe(frame, hide_index=True)
    csv_download(label, frame, file_name, key)


def planner_words(message: str) -> str:
    """An error message of the library as a planner reads it in the app: the centre file is
    the Settings page; references to docs/ and to command-line options are left out.

    >>> planner_words("unknown queue. Fix: add the queue to the centre file (see docs/data-formats.md)")
    'unknown queue. Fix: add the queue to the centre settings (Settings page)'
    """
    for pattern, words in _PLANNER_WORDS:
        message = pattern.sub(words, message)
    return message.strip()


def show_error(error: BaseException) -> None:
    """One box for an error: wfm's own message (in the app's words), or a friendly note for
    anything else."""
    if isinstance(error, WfmError):
        st.error(planner_words(str(error)), icon=":material/error:")
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
