"""Working-time law as data: the limits each country's rules set, with their sources.

:class:`WorkingTimeRules` holds the legal figures, each field with the article or regulation
it comes from; :data:`UK_WORKING_TIME_REGULATIONS` and :data:`EU_WORKING_TIME_DIRECTIVE` are
the tables wfm has, and :func:`working_time_law_for` picks the one that applies to a
centre's country (``None`` where wfm has no table: the contract rules alone are checked).
The checks themselves are in :mod:`wfm.scheduling.compliance` (DOMAIN §10, §14: the rules a
tool checks should be visible and dated).

References
----------
.. [1] The Working Time Regulations 1998, SI 1998/1833, as amended.
   https://www.legislation.gov.uk/uksi/1998/1833
.. [2] Directive 2003/88/EC of the European Parliament and of the Council of 4 November 2003
   concerning certain aspects of the organisation of working time.
   https://eur-lex.europa.eu/eli/dir/2003/88/oj
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from wfm.timegrid import parse_clock

#: What the checks that cite several regulations cite, in the UK Regulations.
_UK_CHECK_CITATIONS = {
    "weekly_rest": "reg. 11(1), 11(2)",
    "average_weekly_hours": "reg. 4(1)",
    "night_work_hours": "reg. 6(1), 6(5)",
}


@dataclass(frozen=True)
class WorkingTimeRules:
    """Limits of the working-time rules, each field with the regulation it comes from.

    ``dataclasses.fields(rules)[i].metadata["regulation"]`` names the source of each
    figure; :meth:`table` lists them with ``checked_on``.

    Parameters
    ----------
    daily_rest_hours
        Minimum consecutive rest between working days [hours]. Reg. 10(1).
    weekly_rest_hours
        Minimum uninterrupted rest in each 7-day period [hours]. Reg. 11(1).
    fortnightly_rest_hours
        Alternative: one uninterrupted rest in each 14-day period [hours] (or two of
        ``weekly_rest_hours``). Reg. 11(2).
    rest_break_after_hours
        A working day longer than this needs a rest break [hours]. Reg. 12(1).
    rest_break_minutes
        Minimum uninterrupted rest break [minutes]. Reg. 12(3).
    rest_break_day_measure
        How the length of the day is measured for the rest-break rule: ``"span"`` (first
        start to last end, breaks included; conservative) or ``"working"`` (working time
        only).
    max_average_weekly_hours
        Maximum average working time per 7 days [hours], unless opted out. Reg. 4(1).
    reference_period_weeks
        Reference period for the averages [weeks]. Reg. 4(3)(b), 6(3).
    night_start, night_end
        Night time, local clock ``HH:MM`` (the default where no agreement sets it). Reg. 2.
    night_worker_min_hours
        Working time in night time on a day that makes it a night day [hours]. Reg. 2
        ("night worker", (a)).
    night_worker_min_share
        An agent is a night worker when the share of their working days that are night
        days is above this (fraction; "the majority of days"). Reg. 2.
    max_average_night_hours
        Night workers' maximum average working time per 24 hours [hours]. Reg. 6(1).
    source
        The legal text the figures come from.
    checked_on
        ISO date on which the figures were last checked against ``source``.
    name, short_name
        The rule set's name in full (``UK Working Time Regulations 1998``) and as cited in
        messages (``WTR 1998``).
    citations
        ``(field or check, citation)`` pairs that replace the UK regulation numbers of the
        field metadata for another rule set; the checks ``weekly_rest``,
        ``average_weekly_hours`` and ``night_work_hours`` cite several provisions.
    """

    daily_rest_hours: float = field(default=11.0, metadata={"regulation": "reg. 10(1)"})
    weekly_rest_hours: float = field(default=24.0, metadata={"regulation": "reg. 11(1)"})
    fortnightly_rest_hours: float = field(default=48.0, metadata={"regulation": "reg. 11(2)"})
    rest_break_after_hours: float = field(default=6.0, metadata={"regulation": "reg. 12(1)"})
    rest_break_minutes: float = field(default=20.0, metadata={"regulation": "reg. 12(3)"})
    rest_break_day_measure: Literal["span", "working"] = field(
        default="span", metadata={"regulation": "reg. 12(1)"}
    )
    max_average_weekly_hours: float = field(default=48.0, metadata={"regulation": "reg. 4(1)"})
    reference_period_weeks: int = field(default=17, metadata={"regulation": "reg. 4(3)(b), 6(3)"})
    night_start: str = field(default="23:00", metadata={"regulation": "reg. 2 (night time)"})
    night_end: str = field(default="06:00", metadata={"regulation": "reg. 2 (night time)"})
    night_worker_min_hours: float = field(
        default=3.0, metadata={"regulation": "reg. 2 (night worker)"}
    )
    night_worker_min_share: float = field(
        default=0.5, metadata={"regulation": "reg. 2 (night worker)"}
    )
    max_average_night_hours: float = field(default=8.0, metadata={"regulation": "reg. 6(1)"})
    source: str = field(
        default="The Working Time Regulations 1998 (SI 1998/1833), as amended; "
        "https://www.legislation.gov.uk/uksi/1998/1833",
        metadata={"regulation": ""},
    )
    checked_on: str = field(default="2026-11-22", metadata={"regulation": ""})
    name: str = field(default="UK Working Time Regulations 1998", metadata={"regulation": ""})
    short_name: str = field(default="WTR 1998", metadata={"regulation": ""})
    citations: tuple[tuple[str, str], ...] = field(default=(), metadata={"regulation": ""})

    def __post_init__(self) -> None:
        for name in ("night_start", "night_end"):
            parse_clock(getattr(self, name), name)
        if self.rest_break_day_measure not in ("span", "working"):
            raise ValueError("rest_break_day_measure must be 'span' or 'working'")
        if self.reference_period_weeks < 1:
            raise ValueError("reference_period_weeks must be at least 1")

    def regulation(self, name: str) -> str:
        """The provision a field or check comes from, e.g. ``'WTR 1998 reg. 10(1)'``."""
        own = dict(self.citations)
        if name in own:
            return f"{self.short_name} {own[name]}"
        if name in _UK_CHECK_CITATIONS:
            return f"{self.short_name} {_UK_CHECK_CITATIONS[name]}"
        metadata = next(f for f in dataclasses.fields(self) if f.name == name).metadata
        return f"{self.short_name} {metadata['regulation']}"

    def table(self) -> pd.DataFrame:
        """The rules as a table: ``rule``, ``value``, ``regulation``, ``checked_on``."""
        rows = [
            (f.name, getattr(self, f.name), self.regulation(f.name), self.checked_on)
            for f in dataclasses.fields(self)
            if f.metadata.get("regulation")
        ]
        return pd.DataFrame(rows, columns=["rule", "value", "regulation", "checked_on"])


#: The rules of the Working Time Regulations 1998 for adult workers.
UK_WORKING_TIME_REGULATIONS = WorkingTimeRules()


#: The EU Working Time Directive 2003/88/EC for adult workers, as minimum requirements
#: (national law may be stricter; the break length is set nationally).
EU_WORKING_TIME_DIRECTIVE = WorkingTimeRules(
    daily_rest_hours=11.0,
    # Art. 5: 24 hours' uninterrupted rest plus the 11 hours' daily rest of Art. 3.
    weekly_rest_hours=35.0,
    # Art. 16(a): a reference period of up to 14 days for Art. 5, read as two such rests.
    fortnightly_rest_hours=70.0,
    rest_break_after_hours=6.0,
    # Art. 4 leaves the length to national law; 15 minutes is the shortest national minimum
    # in common use (e.g. Spain, Germany's 15-minute blocks), a floor, not a national figure.
    rest_break_minutes=15.0,
    max_average_weekly_hours=48.0,
    # Art. 16(b): a reference period not exceeding four months (17 weeks).
    reference_period_weeks=17,
    night_start="23:00",
    night_end="06:00",
    night_worker_min_hours=3.0,
    night_worker_min_share=0.5,
    max_average_night_hours=8.0,
    source="Directive 2003/88/EC concerning certain aspects of the organisation of working time; "
    "https://eur-lex.europa.eu/eli/dir/2003/88/oj",
    checked_on="2026-12-06",
    name="EU Working Time Directive 2003/88/EC",
    short_name="Directive 2003/88/EC",
    citations=(
        ("daily_rest_hours", "Art. 3"),
        ("weekly_rest_hours", "Art. 5"),
        ("fortnightly_rest_hours", "Art. 5, 16(a)"),
        ("rest_break_after_hours", "Art. 4"),
        ("rest_break_minutes", "Art. 4 (length set nationally)"),
        ("rest_break_day_measure", "Art. 4"),
        ("max_average_weekly_hours", "Art. 6(b)"),
        ("reference_period_weeks", "Art. 16(b), 16(c)"),
        ("night_start", "Art. 2(3)"),
        ("night_end", "Art. 2(3)"),
        ("night_worker_min_hours", "Art. 2(4)"),
        ("night_worker_min_share", "Art. 2(4)"),
        ("max_average_night_hours", "Art. 8(a)"),
        ("weekly_rest", "Art. 5, 16(a)"),
        ("average_weekly_hours", "Art. 6(b), 16(b)"),
        ("night_work_hours", "Art. 8(a), 16(c)"),
    ),
)

#: ISO 3166-1 alpha-2 codes of the EU member states (the Directive applies), and of the EEA
#: states that apply it through the EEA Agreement.
EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)

#: Countries whose law is the UK Regulations (Great Britain; Northern Ireland has its own
#: Working Time Regulations (Northern Ireland) 2016 with the same limits).
UK_COUNTRIES = frozenset({"GB", "UK"})


def working_time_law_for(country: str | None) -> WorkingTimeRules | None:
    """The working-time law wfm checks for a centre in ``country`` (ISO 3166-1 alpha-2).

    The UK Regulations for ``GB`` (and ``UK``) and for a centre with no country (the
    default before countries were known); the EU Directive for the EU and EEA states;
    ``None`` for any other country (for example ``US``, where federal law sets no rest or
    break minimums for adults: DOMAIN §14): the contract rules alone are then checked.

    >>> working_time_law_for("GB").short_name, working_time_law_for("de").short_name
    ('WTR 1998', 'Directive 2003/88/EC')
    >>> working_time_law_for("US") is None
    True
    """
    if country is None:
        return UK_WORKING_TIME_REGULATIONS
    code = country.strip().upper()
    if code in UK_COUNTRIES:
        return UK_WORKING_TIME_REGULATIONS
    if code in EU_COUNTRIES:
        return EU_WORKING_TIME_DIRECTIVE
    return None


def no_law_note(country: str | None) -> str:
    """The plain note shown when wfm has no working-time table for ``country``."""
    return (
        f"wfm has no working-time law table for country {country!r}: only the contract rules of the "
        "centre file are checked (rest, breaks and weekly-hours law are not); check the local law yourself"
    )
