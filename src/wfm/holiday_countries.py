"""Which country and subdivision codes name a holiday calendar: the one check for the centre
file's ``country``/``subdivision`` (also per site), ``--country`` and the holiday builder.

The ``holidays`` package knows a country by its ISO 3166 code (any case, some alpha-3 codes
and aliases too) and a subdivision by the country's own list (``GB``: ``ENG``, ``NIR``,
``SCT``, ``WLS``). A code it does not know was a ``NotImplementedError`` wherever the
calendar was first built (exit 1 in ``wfm forecast``, ``backtest``, ``capacity``); it is now
refused where the code is read, naming the key or option, the value and the codes that work.
"""

from __future__ import annotations

from wfm.errors import InputError

#: Example country codes for messages.
EXAMPLE_COUNTRIES = "US, GB, IL, SA"


def check_holiday_country(country: str, subdivision: str | None = None) -> str:
    """``country`` upper-cased and stripped, if the ``holidays`` package has a calendar for
    it (and for ``subdivision``, when given); else :class:`InputError` with the value and the
    fix (no key or option: the caller names where the code came from).

    >>> check_holiday_country(" gb ", "ENG")
    'GB'
    >>> check_holiday_country("XX")
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: unknown country for holidays (value: 'XX'). Fix: use an ISO 3166 code the holidays package supports, e.g. US, GB, IL, SA
    >>> check_holiday_country("GB", "ZZ")
    Traceback (most recent call last):
    ...
    wfm.errors.InputError: unknown holiday subdivision of GB (value: 'ZZ'). Fix: use one of ENG, NIR, SCT, WLS, or leave the subdivision out
    """
    import holidays

    code = country.strip().upper()
    try:
        holidays.country_holidays(code, years=[])
    except (NotImplementedError, KeyError, ValueError):
        raise InputError(
            "unknown country for holidays",
            value=country,
            fix=f"use an ISO 3166 code the holidays package supports, e.g. {EXAMPLE_COUNTRIES}",
        ) from None
    if subdivision is None:
        return code
    try:
        holidays.country_holidays(code, subdiv=subdivision, years=[])
    except (NotImplementedError, KeyError, ValueError):
        known = _subdivisions(code)
        raise InputError(
            f"unknown holiday subdivision of {code}",
            value=subdivision,
            fix=(f"use one of {', '.join(known)}, or leave the subdivision out")
            if known
            else f"{code} has no subdivisions in the holidays package: leave it out",
        ) from None
    return code


def _subdivisions(code: str) -> list[str]:
    """The subdivision codes of country ``code`` (its aliases' too), e.g. ``GB``'s four."""
    import holidays

    supported = holidays.list_supported_countries(include_aliases=True)
    return list(supported.get(code, []))
