"""Documented limits on input values: what wfm treats as absurd rather than large.

Every number that enters wfm from a file or an option must be finite and inside these
limits; values outside are input errors naming the value and the limit, never a search that
runs for ever or an overflow deep inside a model. The limits are far beyond any real contact
centre, so they only catch typos and hostile input. They are listed in
``docs/data-formats.md`` ("Limits").
"""

from __future__ import annotations

import math

from wfm.errors import InputError

#: Most contacts offered to one queue in one interval [contacts].
MAX_CONTACTS_PER_INTERVAL = 1_000_000

#: Most agents in one count of a file (required, scheduled, shift counts) [agents]; a count
#: beyond it is a typo, and would overflow the whole-number column it is stored in.
MAX_AGENTS_COUNT = 1_000_000_000

#: Largest cost in a file [cost units], e.g. one shift's in a shift catalogue: as large as
#: any numeric option; beyond it a solver takes the cost for infinite.
MAX_COST_UNITS = 1e9

#: Largest volume multiplier in a file (a special day's factor, an override's multiplier):
#: a thousandfold is already no forecast but a typo.
MAX_VOLUME_MULTIPLIER = 1_000.0

#: Longest forecast horizon [days] (ten years); a longer one is a typo, and its interval
#: grid would not fit in memory.
MAX_HORIZON_DAYS = 3_660

#: Longest average handle time [seconds] (one day).
MAX_AHT_SECONDS = 86_400.0

#: Longest answer threshold, ASA target or patience [seconds] (one day).
MAX_WAIT_SECONDS = 86_400.0

#: Longest capacity plan [months] (three years).
MAX_CAPACITY_MONTHS = 36
#: Largest magnitude of any numeric command-line option.
MAX_OPTION_MAGNITUDE = 1e9

#: Most columns in an input CSV file's header (a longer header is not a table wfm reads).
MAX_COLUMNS = 1_000

#: Longest text cell in an input CSV file [characters] (names, queues, timestamps are short).
MAX_CELL_CHARACTERS = 10_000

#: Earliest and latest calendar year of a timestamp in an input file.
MIN_YEAR, MAX_YEAR = 1900, 2200


def check_finite(value: float, *, name: str, fix: str | None = None) -> float:
    """``value`` as a float if it is a finite number, else :class:`InputError` naming ``name``.

    >>> check_finite(2, name="--answer-seconds")
    2.0
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} is not a number", value=value, fix=fix) from None
    if not math.isfinite(number):
        raise InputError(
            f"{name} must be a finite number", value=value, fix=fix or "give a plain number"
        )
    return number


def check_range(
    value: float,
    *,
    name: str,
    minimum: float | None = None,
    maximum: float | None = None,
    fix: str | None = None,
) -> float:
    """``value`` if it is finite and within ``[minimum, maximum]``, else :class:`InputError`."""
    number = check_finite(value, name=name, fix=fix)
    if minimum is not None and number < minimum:
        raise InputError(
            f"{name} must be at least {minimum:g}",
            value=value,
            fix=fix or f"use {minimum:g} or more",
        )
    if maximum is not None and number > maximum:
        raise InputError(
            f"{name} must be at most {maximum:g}",
            value=value,
            fix=fix or f"use {maximum:g} or less",
        )
    return number


__all__ = [
    "MAX_CAPACITY_MONTHS",
    "MAX_AHT_SECONDS",
    "MAX_CELL_CHARACTERS",
    "MAX_COLUMNS",
    "MAX_CONTACTS_PER_INTERVAL",
    "MAX_HORIZON_DAYS",
    "MAX_OPTION_MAGNITUDE",
    "MAX_VOLUME_MULTIPLIER",
    "MAX_WAIT_SECONDS",
    "MAX_YEAR",
    "MIN_YEAR",
    "check_finite",
    "check_range",
]
