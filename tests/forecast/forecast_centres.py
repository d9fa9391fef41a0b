"""Synthetic centres unlike the bank, for the tests and ``benchmarks/bench_forecast_centres.py``.

Each generator draws Poisson counts around a known mean, seeded, and says which dates carry
a planted holiday or festival effect (scored apart from ordinary days). The holidays come
from the ``holidays`` package, as the calendar a user passes (``--country``) would; effects
the package does not name (Ramadan, the retail festive period) are planted too, so a
forecaster that only knows the package's dates is tested on what it cannot see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from forecast_synthetic import sun_thu_centre

from wfm.forecast.holiday_effects import _base_name
from wfm.timegrid import interval_grid


@dataclass(frozen=True)
class SyntheticCentre:
    """One synthetic centre as a user would feed it.

    Parameters
    ----------
    name
        Short label.
    frame
        History rows: ``interval_start`` (tz-aware, ``timezone``), ``queue``, ``offered``,
        ``aht_seconds``; open intervals only.
    timezone, interval_minutes
        As ``wfm forecast --timezone`` and the file's interval [minutes].
    country
        Holiday calendar a user would pass (``--country``), or ``""``.
    festival_dates
        Dates with a planted holiday or festival effect (scored apart).
    """

    name: str
    frame: pd.DataFrame
    timezone: str
    interval_minutes: int
    country: str
    festival_dates: tuple[dt.date, ...]


def _package_names(country: str, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    import holidays

    table = holidays.country_holidays(country, years=range(first.year, last.year + 2))
    return {day: _base_name(name) for day, name in sorted(table.items())}


def _frame(grid, mean, keep, rng, queue) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": grid[keep],
            "queue": queue,
            "offered": rng.poisson(mean[keep]).astype(float),
            "aht_seconds": 240.0,
        }
    )


def _day_noise(dates: np.ndarray, rng, sd: float = 0.05) -> np.ndarray:
    """A gamma day-level factor (mean 1, sd ``sd``) per interval's date."""
    unique, position = np.unique(dates, return_inverse=True)
    shape = 1.0 / sd**2
    return rng.gamma(shape, 1.0 / shape, len(unique))[position]


def israel_sun_thu(seed: int = 0) -> SyntheticCentre:
    """(a) The 24-hour Sunday-to-Thursday centre of ``forecast_synthetic.sun_thu_centre``."""
    frame, names = sun_thu_centre(seed=seed)
    dates = set(frame["interval_start"].dt.tz_localize(None).dt.date)
    marked = {d + dt.timedelta(days=k) for d in names for k in (-1, 0)}
    return SyntheticCentre(
        "IL Sun-Thu 24 h", frame, "Asia/Jerusalem", 15, "IL", tuple(sorted(marked & dates))
    )


#: Planted effects of the Gulf centre's holidays (names of the ``holidays`` package, SA).
GULF_HOLIDAY_RATIOS = {
    "Eid al-Fitr Holiday": 0.3,
    "Day of Arafah": 0.6,
    "Eid al-Adha Holiday": 0.35,
    "National Day Holiday": 0.5,
    "Founding Day Holiday": 0.6,
}

#: Ramadan: volume share, and how far the day's profile moves later [hours].
RAMADAN_RATIO = 0.75
RAMADAN_SHIFT_HOURS = 4.0

#: Days of Ramadan before the first day of Eid al-Fitr.
RAMADAN_DAYS = 30


def ramadan_dates(names: dict[dt.date, str]) -> set[dt.date]:
    """The :data:`RAMADAN_DAYS` days before each first day of Eid al-Fitr in ``names``.

    A first day has no Eid day in the week before it (an observed Eid day after the
    weekend, Saudi Arabia 14 April 2024, continues the Eid: its weekend is no Ramadan).
    """
    eid = sorted(d for d, n in names.items() if n.startswith("Eid al-Fitr"))
    first_days = [d for d in eid if not any(0 < (d - e).days <= 7 for e in eid)]
    return {f - dt.timedelta(days=k) for f in first_days for k in range(1, RAMADAN_DAYS + 1)}


def gulf_centre(
    first_date: dt.date = dt.date(2023, 1, 1),
    last_date: dt.date = dt.date(2025, 7, 31),
    daily_volume: float = 4000.0,
    seed: int = 1,
) -> SyntheticCentre:
    """(b) A Saudi centre: Friday–Saturday weekend, Islamic holidays, Ramadan.

    Asia/Riyadh, 15-minute intervals, open 07:00–24:00 Sunday to Thursday and Saturday
    (Saturday at 45 %), closed Friday. The holidays of the ``holidays`` package (SA) at
    :data:`GULF_HOLIDAY_RATIOS` of an ordinary day (every day of a multi-day Eid,
    including the package's observed days). During Ramadan (the :data:`RAMADAN_DAYS`
    before Eid al-Fitr) volume is :data:`RAMADAN_RATIO` and the day's profile moves
    :data:`RAMADAN_SHIFT_HOURS` later (the evening after iftar is busy).
    """
    rng = np.random.default_rng(seed)
    names = _package_names("SA", first_date, last_date)
    ramadan = ramadan_dates(names)
    grid = interval_grid(first_date, (last_date - first_date).days + 1, 15, "Asia/Riyadh")
    local = grid.tz_localize(None)
    hours = (local.hour + local.minute / 60).to_numpy()
    weekday = local.day_of_week.to_numpy()
    date = np.asarray(local.normalize().date)
    in_ramadan = np.array([d in ramadan for d in date])
    centre = np.where(in_ramadan, RAMADAN_SHIFT_HOURS, 0.0)

    def profile(shift):
        return (
            0.1
            + np.exp(-(((hours - 10.5 - shift) / 2.5) ** 2))
            + 0.7 * np.exp(-(((hours - 16.5 - shift) / 2.5) ** 2))
        )

    plain = profile(0.0)
    shape = profile(centre) / plain[hours >= 7].mean()
    weekly = np.array([1.05, 1.0, 1.0, 0.95, 0.0, 0.45, 1.15])[weekday]
    holiday = np.array([GULF_HOLIDAY_RATIOS.get(names.get(d, ""), 1.0) for d in date])
    mean = (
        daily_volume
        / 68
        * weekly
        * shape
        * holiday
        * np.where(in_ramadan, RAMADAN_RATIO, 1.0)
        * _day_noise(date, rng)
    )
    keep = (hours >= 7) & (weekly > 0)
    marked = {d for d in names if names[d] in GULF_HOLIDAY_RATIOS} | ramadan
    dates = set(date[keep])
    return SyntheticCentre(
        "SA Fri-Sat weekend, Eids, Ramadan",
        _frame(grid, mean, keep, rng, "care"),
        "Asia/Riyadh",
        15,
        "SA",
        tuple(sorted(marked & dates)),
    )


def festive_ratio(day: dt.date) -> float:
    """The retail centre's festive period, by calendar date (1 outside it)."""
    month, dom = day.month, day.day
    if month == 12 and 1 <= dom <= 23:
        return 1.0 + 0.4 * dom / 23  # the run-up to Christmas
    return {
        (12, 24): 0.6,
        (12, 25): 0.0,
        (12, 26): 1.4,  # Boxing Day sales
        (12, 27): 1.2,
        (12, 28): 1.15,
        (12, 29): 1.1,
        (12, 30): 1.05,
        (12, 31): 0.6,
        (1, 1): 0.4,
        (1, 2): 1.3,  # returns
        (1, 3): 1.25,
        (1, 4): 1.2,
        (1, 5): 1.1,
    }.get((month, dom), 1.0)


#: UK bank holidays (package, GB) at the retail centre, except Christmas and Boxing Day.
RETAIL_BANK_HOLIDAY_RATIO = 0.6


def retail_centre(
    first_date: dt.date = dt.date(2023, 1, 2),
    last_date: dt.date = dt.date(2025, 2, 2),
    daily_volume: float = 2500.0,
    growth_per_year: float = 0.15,
    seed: int = 2,
) -> SyntheticCentre:
    """(c) A 7-day UK retailer: festive period, Boxing Day, bank holidays, growth, DST.

    Europe/London (two DST changes a year), 15-minute intervals, 08:00–22:00 Monday to
    Saturday and 10:00–18:00 Sunday; volume grows ``growth_per_year``; the festive period
    of :func:`festive_ratio`; other bank holidays of the ``holidays`` package (GB) at
    :data:`RETAIL_BANK_HOLIDAY_RATIO`.
    """
    rng = np.random.default_rng(seed)
    names = _package_names("GB", first_date, last_date)
    grid = interval_grid(first_date, (last_date - first_date).days + 1, 15, "Europe/London")
    local = grid.tz_localize(None)
    hours = (local.hour + local.minute / 60).to_numpy()
    weekday = local.day_of_week.to_numpy()
    date = np.asarray(local.normalize().date)
    days = np.array([(d - first_date).days for d in date])
    shape = (
        0.3 + np.exp(-(((hours - 12.5) / 2.5) ** 2)) + 0.8 * np.exp(-(((hours - 19.5) / 1.8) ** 2))
    )
    weekly = np.array([1.1, 1.0, 0.95, 0.95, 1.0, 1.2, 0.7])[weekday]
    festive = np.array([festive_ratio(d) for d in date])
    bank = np.array(
        [RETAIL_BANK_HOLIDAY_RATIO if d in names and festive_ratio(d) == 1.0 else 1.0 for d in date]
    )
    growth = (1 + growth_per_year) ** (days / 365.25)
    mean = daily_volume / 56 * weekly * shape * festive * bank * growth * _day_noise(date, rng)
    sunday = weekday == 6
    keep = np.where(sunday, (hours >= 10) & (hours < 18), (hours >= 8) & (hours < 22))
    keep &= mean > 0
    marked = {d for d in set(date) if festive_ratio(d) != 1.0} | set(names)
    return SyntheticCentre(
        "GB 7-day retail, festive, DST",
        _frame(grid, mean, keep, rng, "orders"),
        "Europe/London",
        15,
        "GB",
        tuple(sorted(marked & set(date[keep]))),
    )


def short_history_centre(seed: int = 3) -> SyntheticCentre:
    """(d) Eight weeks of history starting on a Wednesday at 13:00 (Europe/Berlin).

    7 days a week 07:00–23:00, weekend quieter, 15-minute intervals.
    """
    rng = np.random.default_rng(seed)
    first = dt.date(2024, 4, 10)  # a Wednesday
    grid = interval_grid(first, 56, 15, "Europe/Berlin")
    local = grid.tz_localize(None)
    hours = (local.hour + local.minute / 60).to_numpy()
    weekday = local.day_of_week.to_numpy()
    date = np.asarray(local.normalize().date)
    shape = 0.4 + np.exp(-(((hours - 11) / 2.2) ** 2)) + 0.5 * np.exp(-(((hours - 18) / 2.0) ** 2))
    weekly = np.array([1.2, 1.05, 1.0, 1.0, 0.95, 0.6, 0.5])[weekday]
    mean = 1500.0 / 64 * weekly * shape * _day_noise(date, rng)
    keep = (hours >= 7) & (hours < 23) & ~((date == first) & (hours < 13))
    return SyntheticCentre(
        "DE short history (8 weeks)",
        _frame(grid, mean, keep, rng, "help"),
        "Europe/Berlin",
        15,
        "",
        (),
    )


#: The level shift of :func:`level_shift_centre`: factor, and its start before the end [days].
LEVEL_SHIFT = 1.25
LEVEL_SHIFT_DAYS_BEFORE_END = 21


def level_shift_centre(seed: int = 4) -> SyntheticCentre:
    """(e) Monday–Saturday, America/Chicago, a +25 % step three weeks before the end.

    One year of 15-minute intervals 08:00–20:00 (Saturday 09:00–15:00).
    """
    rng = np.random.default_rng(seed)
    first, days = dt.date(2024, 3, 4), 364
    last = first + dt.timedelta(days=days - 1)
    step = last - dt.timedelta(days=LEVEL_SHIFT_DAYS_BEFORE_END - 1)
    grid = interval_grid(first, days, 15, "America/Chicago")
    local = grid.tz_localize(None)
    hours = (local.hour + local.minute / 60).to_numpy()
    weekday = local.day_of_week.to_numpy()
    date = np.asarray(local.normalize().date)
    shape = (
        0.4 + np.exp(-(((hours - 10.5) / 1.8) ** 2)) + 0.7 * np.exp(-(((hours - 14.5) / 2.0) ** 2))
    )
    weekly = np.array([1.2, 1.05, 1.0, 0.95, 0.9, 0.5, 0.0])[weekday]
    mean = 1800.0 / 48 * weekly * shape * np.where(date >= step, LEVEL_SHIFT, 1.0)
    mean = mean * _day_noise(date, rng)
    saturday = weekday == 5
    keep = np.where(saturday, (hours >= 9) & (hours < 15), (hours >= 8) & (hours < 20))
    keep &= weekly > 0
    return SyntheticCentre(
        "US Mon-Sat, +25 % step 3 weeks before the end",
        _frame(grid, mean, keep, rng, "billing"),
        "America/Chicago",
        15,
        "",
        (),
    )


#: Same-weekday weeks the baseline averages [weeks].
BASELINE_WEEKS = 4


def same_slot_baseline(frame: pd.DataFrame, timezone: str, target: dt.date) -> pd.Series:
    """Four-week same-slot mean for ``target``, per wall-clock minute (independent of wfm).

    The mean over the :data:`BASELINE_WEEKS` latest dates ``target - 7k`` (k ≥ 1) on which
    the slot was observed; missing weeks are skipped.
    """
    local = frame["interval_start"].dt.tz_convert(timezone).dt.tz_localize(None)
    dates = local.dt.date
    minutes = local.dt.hour * 60 + local.dt.minute
    earlier = [target - dt.timedelta(days=7 * k) for k in range(1, 4 * BASELINE_WEEKS + 1)]
    rows = frame[dates.isin(earlier)]
    table = (
        pd.DataFrame(
            {"date": dates[rows.index], "minute": minutes[rows.index], "y": rows["offered"]}
        )
        .pivot_table(index="date", columns="minute", values="y", aggfunc="sum")
        .sort_index(ascending=False)
    )
    ranks = table.notna().cumsum()
    return table.where(ranks <= BASELINE_WEEKS).mean()


#: Every synthetic centre of the benchmark, by key.
CENTRES = {
    "il": israel_sun_thu,
    "gulf": gulf_centre,
    "retail": retail_centre,
    "short": short_history_centre,
    "shift": level_shift_centre,
}
