"""Which stored rota applies to a period: one rule for the What-if, Review and Adherence pages.

A store may hold rota versions for several weeks and, after the planner moves from the sample
to their own data, for another centre. A rota applies to a period when its dates overlap the
period and it staffs at least one of the centre's queues. Among those, a published version
comes before a draft and a newer version before an older one (:func:`order_versions`).

Example
-------
>>> import datetime as dt
>>> import pandas as pd
>>> spans = pd.DataFrame({
...     "id": [1, 2, 3], "status": ["published", "draft", "published"],
...     "first_date": [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 8)],
...     "last_date": [dt.date(2024, 1, 7), dt.date(2024, 1, 14), dt.date(2024, 1, 14)],
...     "queues": [("sales",), ("sales",), ("calls",)],
... })
>>> applying(spans, dt.date(2024, 1, 9), dt.date(2024, 1, 10), queues={"sales"})["id"].tolist()
[2]
>>> order_versions(spans)["id"].tolist()
[3, 1, 2]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

#: Columns of a frame of rota spans (see :meth:`wfm.plan.workspace.Workspace.rota_spans`).
SPAN_COLUMNS = ("id", "status", "first_date", "last_date", "queues")


def rota_dates(coverage: pd.DataFrame, timezone: str) -> tuple[dt.date, dt.date] | None:
    """First and last local date a rota's coverage spans, or ``None`` for an empty coverage.

    Parameters
    ----------
    coverage
        A rota's coverage (``interval_start`` tz-aware, ``queue``, ...).
    timezone
        The centre's IANA time zone: dates are local dates.
    """
    if coverage.empty:
        return None
    times = pd.to_datetime(coverage["interval_start"]).dt.tz_convert(timezone)
    return times.min().date(), times.max().date()


def order_versions(spans: pd.DataFrame) -> pd.DataFrame:
    """Rota versions in the order they are offered: published first, newest first within each."""
    if spans.empty:
        return spans
    published = spans["status"] == "published"
    return (
        spans.assign(_published=published)
        .sort_values(["_published", "id"], ascending=False)
        .drop(columns="_published")
        .reset_index(drop=True)
    )


def applying(
    spans: pd.DataFrame,
    first: dt.date,
    last: dt.date,
    *,
    queues: Collection[str] | None = None,
) -> pd.DataFrame:
    """The versions whose dates overlap ``first`` to ``last`` (inclusive), best first.

    Parameters
    ----------
    spans
        One row per version with :data:`SPAN_COLUMNS`; ``first_date``/``last_date`` may be
        missing (``None``) for a version without coverage, which then never applies.
    first, last
        The period's first and last local date.
    queues
        The centre's queues: a version staffing none of them (another centre's rota) is set
        aside. ``None`` keeps every version.
    """
    if spans.empty:
        return spans
    known = spans["first_date"].notna() & spans["last_date"].notna()
    overlap = known & spans["first_date"].le(last) & spans["last_date"].ge(first)
    if queues is not None:
        wanted = set(queues)
        overlap &= spans["queues"].map(lambda found: bool(wanted.intersection(found)))
    return order_versions(spans[overlap])


def foreign_queues(queues_found: Collection[str], centre_queues: Collection[str]) -> list[str]:
    """Queues of a stored result that the centre does not have (sorted)."""
    return sorted(set(queues_found) - set(centre_queues))
