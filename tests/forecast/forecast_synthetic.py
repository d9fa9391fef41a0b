"""Synthetic interval histories with a known expected volume, shared by the forecast tests."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.schemas import History
from wfm.timegrid import interval_grid

#: The real bank call counts (see /work/shared/data/README.md); tests using it skip without it.
BANK_CSV = Path(os.environ.get("WFM_BANK_CSV", "/work/shared/data/us_bank_calls_5min_2003.csv"))

#: Relative volume by weekday, Monday first (Monday busiest, weekend quiet).
WEEKLY_SHAPE = (1.25, 1.05, 1.0, 0.95, 0.9, 0.5, 0.35)


def intraday_shape(minutes: np.ndarray) -> np.ndarray:
    """A smooth two-peak day (late morning and early afternoon), strictly positive."""
    hours = minutes / 60.0
    return (
        0.3 + np.exp(-(((hours - 10.5) / 1.8) ** 2)) + 0.7 * np.exp(-(((hours - 14.5) / 2.0) ** 2))
    )


def expected_volume(
    index: pd.DatetimeIndex,
    *,
    first_date: dt.date,
    daily_volume: float,
    trend_per_day: float = 0.0,
) -> np.ndarray:
    """The Poisson mean [contacts per interval] the synthetic generator draws from."""
    local = index.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    days = (local.normalize() - pd.Timestamp(first_date)).days.to_numpy()
    weekday = local.day_of_week.to_numpy()
    level = daily_volume * (1.0 + trend_per_day * days) * np.asarray(WEEKLY_SHAPE)[weekday]
    shape = intraday_shape(minutes.astype(float))
    return level * shape / shape.mean() / (len(np.unique(minutes)) or 1)


def synthetic_frame(
    *,
    first_date: dt.date = dt.date(2024, 1, 1),
    days: int = 70,
    interval_minutes: int = 15,
    timezone: str = "Europe/London",
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
    open_minute: int = 8 * 60,
    close_minute: int = 18 * 60,
    daily_volume: float = 2000.0,
    trend_per_day: float = 0.0,
    noise: bool = True,
    seed: int = 0,
    missing_dates: tuple[dt.date, ...] = (),
    missing_interval_fraction: float = 0.0,
    queue: str = "sales",
) -> pd.DataFrame:
    """One queue's history frame: open intervals only, Poisson counts around a known mean."""
    rng = np.random.default_rng(seed)
    grid = interval_grid(first_date, days, interval_minutes, timezone)
    local = grid.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    is_open = (
        np.isin(local.day_of_week.to_numpy(), weekdays)
        & (minutes >= open_minute)
        & (minutes + interval_minutes <= close_minute)
        & ~np.isin(local.normalize().date, list(missing_dates))
    )
    grid = grid[is_open]
    if missing_interval_fraction:
        grid = grid[rng.random(len(grid)) >= missing_interval_fraction]
    mean = expected_volume(
        grid, first_date=first_date, daily_volume=daily_volume, trend_per_day=trend_per_day
    )
    offered = rng.poisson(mean).astype(float) if noise else mean
    return pd.DataFrame(
        {
            "interval_start": grid,
            "queue": queue,
            "offered": offered,
            "aht_seconds": rng.normal(300.0, 20.0, len(grid)),
        }
    )


def as_history(
    frame: pd.DataFrame, interval_minutes: int = 15, timezone: str = "Europe/London"
) -> History:
    frame = frame.sort_values(["queue", "interval_start"], ignore_index=True)
    return History(
        frame=frame, interval_minutes=interval_minutes, timezone=timezone, source="synthetic"
    )


def as_series(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(
        frame["offered"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(frame["interval_start"]),
        name=frame["queue"].iloc[0],
    )


#: Relative volume by weekday of the Sunday-to-Thursday centre, Monday first
#: (Friday short, Saturday closed).
SUN_THU_WEEKLY_SHAPE = (1.0, 0.95, 0.95, 0.9, 0.45, 0.0, 1.15)

#: Planted effects of the synthetic Sunday-to-Thursday centre's holidays: name → ratio
#: of an ordinary day's volume (0: closed).
PLANTED_HOLIDAY_RATIOS = {
    "Rosh Hashanah": 0.0,
    "Yom Kippur": 0.0,
    "Sukkot": 0.5,
    "Simchat Torah / Shemini Atzeret": 0.5,
    "Pesach": 0.5,
    "Seventh day of Pesach": 0.5,
    "Shavuot": 0.5,
    "Independence Day": 0.3,
}

#: Eves of the synthetic centre's holidays: the volume after EVE_CLOSE_HOUR is this share.
EVE_EVENING_RATIO = 0.15
EVE_CLOSE_HOUR = 14


def sun_thu_centre(
    first_date: dt.date = dt.date(2023, 1, 1),
    last_date: dt.date = dt.date(2024, 10, 31),
    daily_volume: float = 3000.0,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict]:
    """A centre unlike the bank: 24 hours, a Sunday-to-Thursday week, moving holidays.

    15-minute intervals in Asia/Jerusalem, open around the clock Sunday to Thursday,
    Friday until 14:00, closed Saturday; a night trough and a day peak; Israeli holidays
    from the ``holidays`` package (Hebrew calendar, so they move against the civil
    calendar) with the :data:`PLANTED_HOLIDAY_RATIOS` effects, and eves whose evening
    drops to :data:`EVE_EVENING_RATIO` (the holiday begins at sunset). Day levels vary
    with a gamma factor (sd 5 %). Returns the history frame and the holiday names.
    """
    import holidays

    rng = np.random.default_rng(seed)
    names = holidays.country_holidays("IL", years=range(first_date.year, last_date.year + 2))
    names = {day: name.replace(" (observed)", "") for day, name in names.items()}
    days = (last_date - first_date).days + 1
    grid = interval_grid(first_date, days, 15, "Asia/Jerusalem")
    local = grid.tz_localize(None)
    hours = (local.hour + local.minute / 60).to_numpy()
    weekday = local.day_of_week.to_numpy()
    date = local.normalize().date
    open_ = (weekday != 5) & ~((weekday == 4) & (hours >= 14))
    shape = 0.15 + np.exp(-(((hours - 11) / 3.0) ** 2)) + 0.6 * np.exp(-(((hours - 19) / 2.5) ** 2))
    level = daily_volume * np.asarray(SUN_THU_WEEKLY_SHAPE)[weekday] / 96
    unique = sorted(set(date))
    day_level = dict(zip(unique, rng.gamma(400.0, 1 / 400.0, len(unique)), strict=True))
    factor = np.array([day_level[d] for d in date])
    holiday = np.array([PLANTED_HOLIDAY_RATIOS.get(names.get(d, ""), 1.0) for d in date])
    eve = np.array([(d + dt.timedelta(days=1)) in names for d in date]) & (hours >= EVE_CLOSE_HOUR)
    mean = level * shape / shape.mean() * factor * holiday * np.where(eve, EVE_EVENING_RATIO, 1.0)
    keep = open_ & (holiday > 0)
    frame = pd.DataFrame(
        {
            "interval_start": grid[keep],
            "queue": "support",
            "offered": rng.poisson(mean[keep]).astype(float),
            "aht_seconds": 240.0,
        }
    )
    return frame, names
