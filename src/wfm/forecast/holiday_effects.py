r"""Holidays as day types whose effect is learned from the history.

A national holiday does not close every contact centre: a bank may close, a utility's
emergency line is busier, a retailer's lines are half as busy and close early. So a
holiday is not a closed day by default; it is a *day type* whose effect is estimated from
the centre's own past holidays:

- the holiday itself, and each day of a multi-day festival separately (its k-th date,
  counted across a weekend before an observed day, e.g. the days of Eid al-Fitr);
- its *eve* (the day before) and the *day after*: holidays of the Hebrew and Islamic
  calendars begin at sunset, so the eve's evening is quiet (or closed) while its morning
  is normal; the intraday profile of past eves carries that.

The effect of a day type is a ratio per minute of the day: the counts observed on its
past occurrences over the counts *expected* there, the mean of the same weekday and
minute over the ``window_weeks`` surrounding weeks that are ordinary days (no holiday,
eve or day after). Sums are pooled over the occurrences, smoothed over neighbouring
slots, and shrunk towards the day's overall ratio where volumes are small:

.. math:: r_m = \frac{\tilde O_m + c\, R}{\tilde E_m + c}, \qquad R = \frac{\sum_m O_m}{\sum_m E_m}

(:math:`\tilde{}` a moving sum over ``2 * smooth_intervals + 1`` slots, :math:`c` =
:data:`SHRINK_CONTACTS`). A past holiday absent from the history on a weekday that is
otherwise open counts as closed (observed 0): a day is closed only when the history shows
it closed (or the centre's calendar or special days say so).

A day type the history has never seen *borrows* (stated in :attr:`HolidayEffect.source`):
first from the same holiday's other days, then from the past *open* days of the same kind
(holiday, eve, day after); a closure is never borrowed from other holidays (a day forecast
closed gets no staff; the centre's file or a special day says a known closure), and
without an open past example it is treated as an ordinary day, with a warning.

A country whose calendar has Christmas Day on 25 December also has its festive *seasons*
(:func:`festive_seasons`): the four weeks before Christmas Eve, one day type a week, and
the days between Christmas and New Year. A season is learned like a period (all its past
days together) but is the lowest layer: a holiday, an eve or a day after within it keeps
its own day type, and a season has no eve or day after. A season the history has never
seen borrows nothing (a retailer's run-up is not a bank's): it is an ordinary day, with a
warning naming the queue and the season.

Holiday dates come from the ``holidays`` package (:meth:`HolidayCalendar.from_country`),
which computes Hebrew and Islamic calendar holidays for the countries that keep them
(e.g. IL, SA, AE, EG). Every forecast path (``wfm forecast``, ``wfm backtest``, the plan
chain and the app, the intraday prior) builds its calendar with
:meth:`HolidayCalendar.for_centre`, so a centre file's country and ``--country`` give the
same day types.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.forecast.slots import DAYS_PER_WEEK, slot_table, wall_clock

if TYPE_CHECKING:
    from wfm.config import Centre

logger = logging.getLogger(__name__)

#: Surrounding weeks on each side whose same weekday gives the expected counts [weeks].
WINDOW_WEEKS = 4

#: Half-width of the moving sums across slots [intervals].
SMOOTH_INTERVALS = 2

#: Prior worth of the day's overall ratio in each slot [contacts].
SHRINK_CONTACTS = 5.0

#: A day type whose volume is below this share of an ordinary day's counts as closed.
CLOSED_RATIO = 0.05

#: Name of the fasting month added before each Eid al-Fitr (:func:`with_fasting_month`).
FASTING_MONTH = "Ramadan"

#: Days of the fasting month marked before the first day of Eid al-Fitr [days]: the
#: shorter of the Islamic month's 29 or 30 days.
FASTING_MONTH_DAYS = 29

#: Holiday names that are Eid al-Fitr in the ``holidays`` package's English names.
EID_AL_FITR = re.compile(r"eid (al|el|ul)[- ]fitr|ramadan feast|hari raya puasa|idul fitri", re.I)

#: Days without the festival between two of its days that keep them one run (a weekend
#: before an observed day) [days]; see :func:`_holiday_keys`.
MAX_RUN_GAP_DAYS = 2

#: Name of the festive season's weeks before Christmas Eve (:func:`festive_seasons`).
CHRISTMAS_RUN_UP = "Christmas run-up"

#: Weeks before Christmas Eve marked as the run-up, one day type a week [weeks]: Advent's
#: four Sundays, and the shopping season that starts after Black Friday (22–28 November);
#: see :func:`festive_seasons`.
RUN_UP_WEEKS = 4

#: Name of the season from 26 to 31 December (:func:`festive_seasons`).
BETWEEN_CHRISTMAS_AND_NEW_YEAR = "between Christmas and New Year"

#: Kinds of holiday day type and their offset from the holiday [days].
KIND_OFFSETS = {"eve": -1, "holiday": 0, "after": 1}


@dataclass(frozen=True)
class HolidayCalendar:
    """Holiday dates (local, civil) and their names.

    Parameters
    ----------
    names
        Holiday name per date.
    source
        Where the dates come from (for messages), e.g. ``"holidays package, country IL"``.
    periods
        Names whose consecutive days are one day type, learned from all their past days
        together (a month such as Ramadan), not numbered day by day as a festival's are.
    seasons
        Season name per date (:func:`festive_seasons`): the day type of a date that is no
        holiday, eve or day after; learned from all its past days together, with no eve or
        day after of its own.
    country, subdivision
        The ISO country code (upper case) and subdivision the dates are of, when they come
        from :meth:`from_country`; ``""`` and ``None`` for dates given directly. A forecast
        records them (:mod:`wfm.forecast.calendar_record`) so that the calendar can be built
        again for the day's intraday prior.
    """

    names: Mapping[dt.date, str] = field(default_factory=dict)
    source: str = "holidays"
    periods: frozenset[str] = frozenset()
    seasons: Mapping[dt.date, str] = field(default_factory=dict)
    country: str = ""
    subdivision: str | None = None

    @classmethod
    def from_country(
        cls, country: str, years: Iterable[int], subdivision: str | None = None
    ) -> HolidayCalendar:
        """Public holidays of a country (and subdivision) from the ``holidays`` package.

        Raises
        ------
        InputError
            For a country code the package does not know.
        """
        import holidays

        from wfm.holiday_countries import check_holiday_country

        try:
            country = check_holiday_country(country, subdivision)
        except InputError as error:  # the centre file and --country are checked when read
            raise InputError(
                error.problem,
                column="subdivision" if "subdivision" in error.problem else "country",
                value=error.value,
                fix=error.fix,
            ) from None
        table = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
        names = {date: _base_name(name) for date, name in sorted(table.items())}
        names, periods = with_fasting_month(names)
        where = f"{country}" + (f"-{subdivision}" if subdivision else "")
        return cls(
            names,
            f"holidays package, country {where}",
            periods,
            festive_seasons(names),
            country=country.strip().upper(),
            subdivision=subdivision or None,
        )

    @classmethod
    def for_centre(
        cls, centre: Centre | None, years: Iterable[int], country: str | None = None
    ) -> HolidayCalendar | None:
        """The holiday calendar of a forecast: the one builder every path uses (``wfm
        forecast``, ``wfm backtest``, the plan chain and the app's pages, the intraday
        update's prior), so a centre file's country and ``--country`` give the same day
        types for the same dates.

        Parameters
        ----------
        centre
            The centre (its ``country`` and ``subdivision``), or ``None``.
        years
            Calendar years to cover.
        country
            ``None``: the centre's country; an ISO code (any case): that country's
            holidays instead (with the centre's subdivision when it is the centre's
            country); ``""``: no holidays.

        Returns
        -------
        HolidayCalendar or None
            :meth:`from_country` (names without ``(observed)``, the fasting month of a
            country keeping Eid al-Fitr, the festive seasons of a country keeping
            Christmas Day); ``None`` without a country.
        """
        own = (centre.country or "").strip().upper() if centre is not None else ""
        chosen = own if country is None else country.strip().upper()
        if not chosen:
            return None
        subdivision = centre.subdivision if centre is not None and chosen == own else None
        return cls.from_country(chosen, years, subdivision)

    def day_types(self, dates: np.ndarray) -> np.ndarray:
        """Day-type key per local date (datetime64[D]); ``""`` for an ordinary day.

        The holiday itself wins over an eve or a day after, and both over a season; the
        k-th consecutive day of a holiday with the same name is ``"<name> (day k)"`` for
        k ≥ 2.
        """
        keys = _holiday_keys(self.names, self.periods)
        lookup = {np.datetime64(date, "D"): key for date, key in keys.items()}
        seasons = {np.datetime64(date, "D"): name for date, name in self.seasons.items()}
        # each distinct date once (a history has one per interval: 96 a day)
        days, position_of = np.unique(np.asarray(dates, dtype="datetime64[D]"), return_inverse=True)
        result = np.array([seasons.get(date, "") for date in days], dtype=object)
        for kind, prefix in (("after", "after "), ("eve", "eve of "), ("holiday", "")):
            offset = np.timedelta64(KIND_OFFSETS[kind], "D")  # later kinds take precedence
            for position, date in enumerate(days):
                key = lookup.get(date - offset)
                if key is not None:
                    result[position] = prefix + key
        return result[position_of.reshape(-1)]


@dataclass(frozen=True)
class HolidayEffect:
    """The learned (or borrowed) effect of one day type.

    Parameters
    ----------
    key
        Day-type key (see :meth:`HolidayCalendar.day_types`).
    ratio_by_minute
        Multiplier of the ordinary-day forecast per minute of the day.
    day_ratio
        Observed over expected volume of the whole day, :math:`R`.
    occurrences
        Past occurrences it was learned from (0 when borrowed).
    source
        ``"learned from N days"``, ``"borrowed from ..."`` or ``"ordinary day (...)"``.
    """

    key: str
    ratio_by_minute: pd.Series
    day_ratio: float
    occurrences: int
    source: str

    def ratios(self, minutes: np.ndarray) -> np.ndarray:
        """Multiplier per minute of the day; the day ratio for minutes never seen."""
        values = self.ratio_by_minute.reindex(minutes).to_numpy(dtype=float)
        return np.where(np.isfinite(values), values, self.day_ratio)


#: A qualifier after a festival's name naming one of its days (see :func:`festival_names`).
_QUALIFIER = re.compile(
    r"(\s*\([^)]*\)|\s+(holiday|holidays|(first|second|third|fourth|fifth) day))$", re.I
)


def _base_name(name: str) -> str:
    """A holiday name without the package's ``(observed)``/``(estimated)`` notes."""
    name = re.sub(r"\s*\((observed|estimated)[^)]*\)", "", name, flags=re.IGNORECASE)
    return re.sub(r"^\s*\*\s*", "", name).strip()


def with_fasting_month(names: Mapping[dt.date, str]) -> tuple[dict[dt.date, str], frozenset[str]]:
    """``names`` with :data:`FASTING_MONTH` on the days before each Eid al-Fitr, and the
    period names (:attr:`HolidayCalendar.periods`).

    A country whose calendar keeps Eid al-Fitr (a name matching :data:`EID_AL_FITR`) has
    its Ramadan on the :data:`FASTING_MONTH_DAYS` days before the Eid's first day: Ramadan
    has 29 or 30 days, so the shorter count never marks a day outside it (a 30th, first
    day falls on the month's eve, a day type of its own). Contact centres there see
    lower volumes and a later day (the evening after the fast is broken); the effect is
    learned from the past Ramadans in the history like a holiday's, one effect for the
    whole month. Holidays already named keep their names. Without an Eid, ``names`` is
    returned as it is.

    >>> eid = {dt.date(2025, 3, 30): "Eid al-Fitr Holiday"}
    >>> names, periods = with_fasting_month(eid)
    >>> sorted(periods), min(names), names[dt.date(2025, 3, 29)]
    (['Ramadan'], datetime.date(2025, 3, 1), 'Ramadan')
    """
    names = dict(names)
    eid = {date for date, name in names.items() if EID_AL_FITR.search(name)}
    # a festival's first day: no day of it in the days before (an observed day after a
    # weekend continues the festival, :data:`MAX_RUN_GAP_DAYS`; its gap is not Ramadan)
    firsts = [
        date
        for date in sorted(eid)
        if not any(date - dt.timedelta(days=k) in eid for k in range(1, MAX_RUN_GAP_DAYS + 2))
    ]
    if not firsts:
        return names, frozenset()
    for first in firsts:
        for back in range(1, FASTING_MONTH_DAYS + 1):
            names.setdefault(first - dt.timedelta(days=back), FASTING_MONTH)
    return dict(sorted(names.items())), frozenset({FASTING_MONTH})


def festive_seasons(names: Mapping[dt.date, str]) -> dict[dt.date, str]:
    """The festive seasons around each Christmas Day (a holiday on 25 December) of ``names``.

    - :data:`CHRISTMAS_RUN_UP`: the :data:`RUN_UP_WEEKS` weeks before Christmas Eve, one
      day type a week (``"Christmas run-up, week -1"`` is the 7 days before the eve,
      ``week -4`` starts 26 November): demand grows as Christmas nears (last posting
      days, the last shopping weekends), and a whole week holds each weekday once, so its
      ratio is not one weekday's;
    - :data:`BETWEEN_CHRISTMAS_AND_NEW_YEAR`: 26 to 31 December (Boxing Day sales, the
      days many offices close).

    Chosen from the calendar, not from any one centre: four weeks is Advent and the
    season that starts after Black Friday (22–28 November); the days between are those
    the trade names (UK "Twixmas", German "zwischen den Jahren"). A season is the lowest
    layer (:meth:`HolidayCalendar.day_types`): Boxing Day, the day after Christmas and
    the eve of New Year keep their own day types, so the season is what is left of the
    six days. A calendar without a holiday on 25 December (Israel, Saudi Arabia, the
    Orthodox Christmas of 7 January) has no seasons.

    >>> seasons = festive_seasons({dt.date(2024, 12, 25): "Christmas Day"})
    >>> seasons[dt.date(2024, 11, 26)], seasons[dt.date(2024, 12, 23)], len(seasons)
    ('Christmas run-up, week -4', 'Christmas run-up, week -1', 34)
    """
    seasons: dict[dt.date, str] = {}
    for year in sorted({date.year for date in names if (date.month, date.day) == (12, 25)}):
        eve = dt.date(year, 12, 24)
        for back in range(1, DAYS_PER_WEEK * RUN_UP_WEEKS + 1):
            week = (back - 1) // DAYS_PER_WEEK + 1
            seasons[eve - dt.timedelta(days=back)] = f"{CHRISTMAS_RUN_UP}, week -{week}"
        for day in range(26, 32):
            seasons[dt.date(year, 12, day)] = BETWEEN_CHRISTMAS_AND_NEW_YEAR
    return dict(sorted(seasons.items()))


def is_season(key: str) -> bool:
    """Whether a day-type key is a festive season's (:func:`festive_seasons`)."""
    return key == BETWEEN_CHRISTMAS_AND_NEW_YEAR or key.startswith(CHRISTMAS_RUN_UP + ",")


def _holiday_keys(
    names: Mapping[dt.date, str], periods: frozenset[str] = frozenset()
) -> dict[dt.date, str]:
    """Date → key, numbering the days of a multi-day holiday (day 2, day 3, ...); every day
    of a period (``periods``) has the period's name.

    A day continues a holiday's run when a day of the same festival (:func:`festival_names`)
    lies at most :data:`MAX_RUN_GAP_DAYS` + 1 days before it, so a festival's observed day
    after a weekend is its next day, not a new first day (Saudi Arabia's Eid al-Fitr 2024:
    9-12 April and, after the weekend, 14 April observed, days 1 to 5). The day number
    counts the festival's dates, not the calendar days between.

    >>> names = {dt.date(2024, 4, d): "Eid al-Fitr Holiday" for d in (9, 10, 11, 12)}
    >>> names[dt.date(2024, 4, 14)] = "Eid al-Fitr Holiday (observed)"
    >>> list(_holiday_keys(names).values())[-2:]
    ['Eid al-Fitr Holiday (day 4)', 'Eid al-Fitr Holiday (day 5)']
    """
    festivals = festival_names(names)
    keys: dict[dt.date, str] = {}
    last_day: dict[str, tuple[dt.date, int]] = {}  # festival -> (its latest date, day number)
    for date in sorted(names):
        choices = festivals[date]
        if choices[0] in periods:
            keys[date] = choices[0]
            continue
        gap = dt.timedelta(days=MAX_RUN_GAP_DAYS + 1)
        running = [name for name in choices if name in last_day and date - last_day[name][0] <= gap]
        name = running[0] if running else choices[0]
        run = last_day[name][1] + 1 if running else 1
        last_day[name] = (date, run)
        keys[date] = name if run == 1 else f"{name} (day {run})"
    return keys


def festival_names(names: Mapping[dt.date, str]) -> dict[dt.date, tuple[str, ...]]:
    """The festival (or festivals) each date's holiday belongs to, first the main one.

    The ``holidays`` package names the days of one festival in several ways: ``"Eid
    al-Fitr Holiday (observed)"``, ``"Eid al-Fitr (Second Day)"``, ``"Eid al-Fitr
    Holiday"`` beside ``"Eid al-Fitr"`` (UAE), two holidays on one date as ``"Eid al-Adha;
    June 30 Revolution Day"`` (Egypt). A name loses the package's notes
    (:func:`_base_name`), is split at ``;``, and a part that is another name of the
    calendar followed by a qualifier (``" Holiday"``, ``" Second Day"``, a bracketed note)
    becomes that name. A name whose shorter form is nowhere in the calendar keeps its
    qualifier (``"Spring Bank Holiday"``).

    >>> days = {dt.date(2024, 4, 10): "Eid al-Fitr", dt.date(2024, 4, 11): "Eid al-Fitr Holiday"}
    >>> festival_names(days)[dt.date(2024, 4, 11)]
    ('Eid al-Fitr',)
    """
    parts = {
        date: tuple(part.strip() for part in _base_name(name).split(";") if part.strip())
        or (_base_name(name),)
        for date, name in names.items()
    }
    known = {part for values in parts.values() for part in values}

    def festival(part: str) -> str:
        shorter = _QUALIFIER.sub("", part).strip()
        return shorter if shorter != part and shorter in known else part

    return {
        date: tuple(dict.fromkeys(festival(p) for p in values)) for date, values in parts.items()
    }


def _kind(key: str) -> str:
    return (
        "eve" if key.startswith("eve of ") else "after" if key.startswith("after ") else "holiday"
    )


def _holiday_of(key: str) -> str:
    """The holiday name a key belongs to, without the day number or the eve/after prefix."""
    key = re.sub(r"^(eve of|after) ", "", key)
    return re.sub(r" \(day \d+\)$", "", key)


def learn_holiday_effects(
    y: pd.Series,
    calendar: HolidayCalendar,
    window_weeks: int = WINDOW_WEEKS,
    smooth_intervals: int = SMOOTH_INTERVALS,
    closed_after: np.ndarray | None = None,
) -> dict[str, HolidayEffect]:
    """Effects of the day types that occur in the history ``y`` (module docstring).

    Parameters
    ----------
    y
        Offered contacts per interval of one queue, tz-aware local index (open intervals).
    calendar
        Holiday dates.
    window_weeks
        Surrounding weeks on each side giving the expected counts [weeks].
    smooth_intervals
        Half-width of the moving sums across slots [intervals].
    closed_after
        Dates after the end of ``y`` known closed (datetime64[D]; the days between the
        history and the forecast start read as a closure,
        :func:`~wfm.forecast.delivered.closed_before_start`): the history is taken to run
        to the last of them, closed on them.

    Returns
    -------
    dict
        Day-type key → :class:`HolidayEffect`, for the types with at least one past
        occurrence whose expectation could be formed.
    """
    table = slot_table(y)
    if table.empty or not calendar.names:
        return {}
    shut = np.asarray(() if closed_after is None else closed_after, dtype="datetime64[D]")
    shut = shut[shut > table.index[-1].to_datetime64().astype("datetime64[D]")]
    if len(shut):  # rows of NaN through the last of them, as a closed day inside y has
        table = table.reindex(pd.date_range(table.index[0], pd.Timestamp(shut.max()), freq="D"))
    dates = table.index.to_numpy().astype("datetime64[D]")
    types = calendar.day_types(dates)
    values = table.to_numpy(dtype=float)
    ordinary = types == ""
    weekday_open = _open_weekdays(table, ordinary)
    observed_sums: dict[str, np.ndarray] = {}
    expected_sums: dict[str, np.ndarray] = {}
    covered: dict[str, np.ndarray] = {}
    counts: dict[str, int] = {}
    for row in np.flatnonzero(~ordinary):
        neighbours = [
            row + DAYS_PER_WEEK * k
            for k in range(-window_weeks, window_weeks + 1)
            if k and 0 <= row + DAYS_PER_WEEK * k < len(dates) and ordinary[row + DAYS_PER_WEEK * k]
        ]
        if not neighbours:
            continue
        block = values[neighbours]
        seen = np.isfinite(block).sum(axis=0)
        expected = np.where(seen > 0, np.nansum(block, axis=0) / np.maximum(seen, 1), np.nan)
        if not np.isfinite(expected).any() or np.nansum(expected) <= 0:
            continue
        observed = values[row]
        if not np.isfinite(observed).any():
            if not weekday_open[table.index[row].day_of_week] and dates[row] not in shut:
                continue
            observed = np.where(np.isfinite(expected), 0.0, np.nan)  # absent: closed that day
        both = np.isfinite(observed) & np.isfinite(expected)
        key = types[row]
        observed_sums.setdefault(key, np.zeros(values.shape[1]))
        expected_sums.setdefault(key, np.zeros(values.shape[1]))
        observed_sums[key] += np.where(both, observed, 0.0)
        expected_sums[key] += np.where(both, expected, 0.0)
        covered[key] = covered.get(key, np.zeros(values.shape[1], dtype=bool)) | both
        counts[key] = counts.get(key, 0) + 1
    minutes = np.asarray(table.columns, dtype=np.int64)
    return {
        key: _effect(
            key,
            observed_sums[key],
            expected_sums[key],
            minutes,
            smooth_intervals,
            counts[key],
            f"learned from {counts[key]} day(s)",
            covered[key],
        )
        for key in observed_sums
    }


def _open_weekdays(table: pd.DataFrame, ordinary: np.ndarray) -> np.ndarray:
    """Whether each weekday usually has volume (on most of its ordinary dates)."""
    has_volume = (table.fillna(0).sum(axis=1) > 0).to_numpy()
    weekday = table.index.day_of_week.to_numpy()
    share = np.zeros(DAYS_PER_WEEK)
    for day in range(DAYS_PER_WEEK):
        rows = ordinary & (weekday == day)
        share[day] = has_volume[rows].mean() if rows.any() else 0.0
    return share >= 0.5


def _effect(key, observed, expected, minutes, smooth_intervals, occurrences, source, seen):
    """The effect from pooled sums; NaN at the minutes no occurrence had (``seen`` false):
    an eve that fell on a short Friday says nothing of a weekday's evening
    (:func:`complete_effect` fills them)."""
    total_expected = float(expected.sum())
    day_ratio = float(observed.sum() / total_expected) if total_expected > 0 else 1.0
    width = 2 * smooth_intervals + 1
    kernel = np.ones(width)
    smooth_observed = np.convolve(observed, kernel, mode="same")
    smooth_expected = np.convolve(expected, kernel, mode="same")
    ratio = (smooth_observed + SHRINK_CONTACTS * day_ratio) / (smooth_expected + SHRINK_CONTACTS)
    ratio = np.where(seen, ratio, np.nan)
    return HolidayEffect(key, pd.Series(ratio, index=minutes), day_ratio, occurrences, source)


def complete_effect(
    effect: HolidayEffect, effects: Mapping[str, HolidayEffect], queue: str = "?"
) -> HolidayEffect:
    """A learned effect whose past occurrences missed some minutes of the day, with those
    minutes from the effect it would borrow (:func:`borrow_effect` without it).

    A moving holiday's eve falls on another weekday each year: learned from an eve on a
    short Friday, it knows nothing of a Wednesday evening, where the other eves say the
    holiday begins at sunset. The borrowed effect gives the *shape* of the unseen minutes,
    the effect's own minutes its *level*: the borrowed ratios are scaled by the mean of
    the effect's own ratios over the minutes it saw against the borrowed ones there (an
    eve of New Year seen quiet all day on a short Sunday stays quiet in a weekday's
    evening, though other eves are ordinary days). An effect seen at every minute, or
    with nothing to borrow, is returned as it is.
    """
    own = effect.ratio_by_minute
    unseen = own.isna()
    if not unseen.any():
        return effect
    others = {k: e for k, e in effects.items() if k != effect.key}
    donor = borrow_effect(effect.key, others, queue, warn=False)
    borrowed = donor.ratio_by_minute.reindex(own.index)
    both = ~unseen & borrowed.notna()
    if not both.any() or borrowed[both].mean() <= CLOSED_RATIO:
        return effect
    level = float(own[both].mean() / borrowed[both].mean())
    filled = own.fillna(borrowed * level)
    if filled.equals(own):
        return effect
    return HolidayEffect(
        effect.key,
        filled,
        effect.day_ratio,
        effect.occurrences,
        f"{effect.source}; {int((unseen & filled.notna()).sum())} unseen minute(s) from "
        f"{donor.source}, x{level:.2f}",
    )


def complete_effects(effects: Mapping[str, HolidayEffect]) -> dict[str, HolidayEffect]:
    """Every effect of ``effects`` through :func:`complete_effect` (donors: the others as
    learnt, not as completed)."""
    return {key: complete_effect(effect, effects) for key, effect in effects.items()}


def holiday_factors(
    index: pd.DatetimeIndex,
    calendar: HolidayCalendar,
    effects: Mapping[str, HolidayEffect],
    queue: str = "?",
) -> tuple[np.ndarray, np.ndarray]:
    """Multiplier and label per interval start for the holiday day types in ``index``.

    Parameters
    ----------
    index
        Tz-aware local interval starts of a forecast.
    calendar
        Holiday dates.
    effects
        Learned effects (:func:`learn_holiday_effects`).
    queue
        Queue name for messages.

    Returns
    -------
    factor : numpy.ndarray
        1 on ordinary days.
    label : numpy.ndarray of str
        ``""`` on ordinary days, else ``"<day type>: x<ratio> (<source>)"``.
    """
    dates, minutes = wall_clock(index)
    types = calendar.day_types(dates)
    factor = np.ones(len(index))
    label = np.full(len(index), "", dtype=object)
    for key in pd.unique(types[types != ""]):
        rows = types == key
        effect = effects.get(key) or borrow_effect(key, effects, queue)
        factor[rows] = effect.ratios(minutes[rows])
        label[rows] = f"{key}: x{effect.day_ratio:.2f} ({effect.source})"
        logger.info("queue %s: %s x%.2f (%s)", queue, key, effect.day_ratio, effect.source)
    return factor, label


def borrow_effect(
    key: str, effects: Mapping[str, HolidayEffect], queue: str = "?", warn: bool = True
) -> HolidayEffect:
    """The effect of a day type never seen: from the same holiday, else its kind, else none.

    1. other days of the same holiday and kind (e.g. day 1 of a festival for day 3),
       closed when they were;
    2. the learned *open* day types of the same kind (holiday, eve, after): their
       occurrence-weighted mean effect. A closure is never borrowed from other holidays: a
       centre that closed on its past holidays may open on a new one (the US bank data
       shows it open on Columbus Day 2003 after closing on Memorial Day, 4 July and Labor
       Day), and a day forecast closed gets no staff. A closure the centre knows of is
       said in its file (``close_on_holidays``) or as a special day; the warning says so.
       An eve or day after borrows only from the eves or days after of holidays with the
       same status (open or closed) as its own holiday: the backlog after a closed
       holiday is not the day after an open one;
    3. an ordinary day (ratio 1), with a warning.

    A festive season (:func:`is_season`) is neither lender nor borrower: unseen, it is an
    ordinary day, with a warning naming the queue and the season.

    ``warn=False`` logs nothing (for a status looked up on the way).
    """
    if is_season(key):
        if warn:
            logger.warning(
                "queue %s: the season %r is not in the history (too little history): "
                "forecast as an ordinary day, no effect",
                queue,
                key,
            )
        return HolidayEffect(
            key, pd.Series(dtype=float), 1.0, 0, "ordinary day: season not in the history"
        )
    kind, name = _kind(key), _holiday_of(key)
    same = [e for k, e in effects.items() if _kind(k) == kind and _holiday_of(k) == name]
    if same:
        return _pool(key, same, f"borrowed from {', '.join(e.key for e in same)}")
    similar = {k: e for k, e in effects.items() if _kind(k) == kind and not is_season(k)}
    if kind != "holiday":
        own = effects.get(name) or borrow_effect(name, effects, queue, warn=False)
        holiday_closed = _closed(own)
        similar = {
            k: e
            for k, e in similar.items()
            if _holiday_of(k) in effects and _closed(effects[_holiday_of(k)]) == holiday_closed
        }
    open_ = [e for e in similar.values() if not _closed(e)]
    closed = [e for e in similar.values() if _closed(e)]
    if closed and kind == "holiday" and warn:
        logger.warning(
            "queue %s: %s is not in the history; the centre closed on %d past holiday(s) "
            "(%s) but a closure is not borrowed: forecast %s (set close_on_holidays in the "
            "centre file, or add a closed special day, if the centre closes on it)",
            queue,
            key,
            len(closed),
            ", ".join(e.key for e in closed),
            "as the mean of the open ones" if open_ else "as an ordinary day",
        )
    if open_:
        return _pool(key, open_, f"borrowed: mean of {len(open_)} past open {kind} day type(s)")
    if closed and kind == "holiday":
        return HolidayEffect(
            key,
            pd.Series(dtype=float),
            1.0,
            0,
            f"ordinary day: not seen, closure of {len(closed)} past holiday day type(s) not borrowed",
        )
    if kind == "holiday" and warn:
        logger.warning(
            "queue %s: %s is not in the history and no other holiday is; forecast as an "
            "ordinary day (add a special day if the centre closes)",
            queue,
            key,
        )
    return HolidayEffect(key, pd.Series(dtype=float), 1.0, 0, "ordinary day: no past example")


def _closed(effect: HolidayEffect) -> bool:
    """Whether a day type's volume is so low it is a closure (:data:`CLOSED_RATIO`)."""
    return effect.day_ratio < CLOSED_RATIO


def _pool(key: str, pool: list[HolidayEffect], source: str) -> HolidayEffect:
    weights = np.array([max(e.occurrences, 1) for e in pool], dtype=float)
    frame = pd.concat([e.ratio_by_minute for e in pool], axis=1)
    ratio = (frame * weights).sum(axis=1, min_count=1) / (frame.notna() * weights).sum(axis=1)
    day_ratio = float(np.average([e.day_ratio for e in pool], weights=weights))
    return HolidayEffect(key, ratio, day_ratio, 0, source)


def holiday_dates_mask(index: pd.DatetimeIndex, calendar: HolidayCalendar) -> np.ndarray:
    """``True`` for intervals on a holiday, eve or day after (left out of model training)."""
    dates, _ = wall_clock(index)
    return calendar.day_types(dates) != ""
