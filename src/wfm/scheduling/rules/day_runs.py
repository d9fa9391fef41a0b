"""Shared arithmetic of runs of working days and days off, for the rules on runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def runs(dates: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Maximal runs of consecutive dates, as (first, last), in order.

    >>> d = dt.date(2025, 3, 3)
    >>> runs([d, d + dt.timedelta(1), d + dt.timedelta(3)])
    [(datetime.date(2025, 3, 3), datetime.date(2025, 3, 4)), (datetime.date(2025, 3, 6), datetime.date(2025, 3, 6))]
    """
    ordered = sorted(set(dates))
    out: list[tuple[dt.date, dt.date]] = []
    for day in ordered:
        if out and (day - out[-1][1]).days == 1:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def gaps(dates: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Runs of days off strictly between working dates, as (first day off, last day off).

    >>> d = dt.date(2025, 3, 3)
    >>> gaps([d, d + dt.timedelta(2), d + dt.timedelta(3)])
    [(datetime.date(2025, 3, 4), datetime.date(2025, 3, 4))]
    """
    worked = runs(dates)
    return [
        (a[1] + dt.timedelta(days=1), b[0] - dt.timedelta(days=1))
        for a, b in zip(worked, worked[1:], strict=False)
    ]
