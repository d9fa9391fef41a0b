"""The sample centre's demand: expected contacts and handle times, and the noisy history.

For queue q the expected number of contacts offered in the interval starting at local time
t on local date d is

.. math::

    \\lambda_q(t) = D_q \\cdot (1 + g_q)^{(d - d_{end}) / 365.25} \\cdot S_q(d) \\cdot W_q(d)
                  \\cdot U_q(d) \\cdot s_q(t)

with ``D_q`` contacts on an average weekday at ``end_date``, ``g_q`` the yearly trend,
``S_q`` the annual seasonality, ``W_q`` the weekday factor, ``U_q`` the uplift on the first
open day after a bank holiday, and ``s_q`` the intraday shape of that weekday normalised to
sum to one over the open intervals of the day. The history multiplies each day by gamma
noise (coefficient of variation 5 %), adds three to five "outage" spikes a year on support
(two to four hours at two to three times the volume) and draws the offered contacts from a
Poisson distribution. Handle times are drawn per handled contact from a lognormal
distribution around an interval mean that varies by queue, weekday, time of day and year;
``aht_seconds`` is their mean. Abandonment and answering within the threshold are simple
binomial models whose probabilities worsen with volume (and much more during outages).

This is not a queueing simulation: abandons and answer times do not come from the staff on
duty, and no routing between queues is modelled. See ``data/sample/README.md``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Centre
from wfm.data.synthetic.defaults import DEFAULT_END_DATE
from wfm.timegrid import interval_grid

logger = logging.getLogger(__name__)

#: Mean wait of a contact answered within the threshold, as a share of the threshold.
WITHIN_WAIT_SHARE = 0.35
#: Mean wait beyond the threshold of a contact answered after it, at zero load [seconds].
LATE_EXCESS_WAIT_SECONDS = 40.0


@dataclass(frozen=True)
class QueueProfile:
    """Parameters of one queue's synthetic demand.

    Parameters
    ----------
    name
        Queue name.
    weekday_offered
        Expected contacts on an average Monday-to-Friday day at ``end_date``, before annual
        seasonality [contacts/day].
    trend_per_year
        Relative growth of volume per year (0.08 = +8 %/year).
    weekday_factors
        Daily volume factor Monday .. Saturday (Sunday closed).
    annual_bumps
        ``(day_of_year, width_days, amplitude)`` Gaussian bumps (on a circular year) added
        to 1 to give the annual seasonality factor.
    after_holiday_uplift
        Volume factor on the first open day after a bank holiday.
    aht_seconds
        Mean handle time at ``end_date`` on an average weekday [seconds].
    aht_cv
        Coefficient of variation of one contact's handle time (lognormal).
    aht_trend_per_year
        Relative change of the mean handle time per year.
    aht_weekday_factors
        Mean handle time factor Monday .. Saturday.
    aht_slope_per_hour
        Relative change of the mean handle time per hour after 14:00 (negative: mornings
        are longer).
    """

    name: str
    weekday_offered: float
    trend_per_year: float
    weekday_factors: tuple[float, float, float, float, float, float]
    annual_bumps: tuple[tuple[float, float, float], ...]
    after_holiday_uplift: float
    aht_seconds: float
    aht_cv: float
    aht_trend_per_year: float
    aht_weekday_factors: tuple[float, float, float, float, float, float]
    aht_slope_per_hour: float


SALES = QueueProfile(
    name="sales",
    weekday_offered=670.0,
    trend_per_year=0.08,
    weekday_factors=(1.12, 1.04, 1.00, 0.98, 0.86, 0.50),
    # January sales, late-November (Black Friday) peak, summer lull.
    annual_bumps=((10.0, 16.0, 0.22), (331.0, 8.0, 0.35), (222.0, 25.0, -0.12)),
    after_holiday_uplift=1.12,
    aht_seconds=330.0,
    aht_cv=0.8,
    aht_trend_per_year=-0.01,
    aht_weekday_factors=(1.0, 1.0, 1.0, 1.0, 1.0, 1.05),
    aht_slope_per_hour=0.012,
)

SUPPORT = QueueProfile(
    name="support",
    weekday_offered=620.0,
    trend_per_year=0.04,
    weekday_factors=(1.16, 1.06, 1.00, 0.96, 0.84, 0.42),
    # Post-Christmas product problems in January, August holiday dip.
    annual_bumps=((12.0, 20.0, 0.15), (225.0, 18.0, -0.18)),
    after_holiday_uplift=1.25,
    aht_seconds=480.0,
    aht_cv=0.9,
    aht_trend_per_year=-0.02,
    aht_weekday_factors=(1.05, 1.0, 1.0, 1.0, 1.0, 0.97),
    aht_slope_per_hour=-0.008,
)

PROFILES: tuple[QueueProfile, ...] = (SALES, SUPPORT)

#: Day-level multiplicative noise: gamma with this shape has mean 1 and CV 1/sqrt(shape) = 5 %.
DAY_NOISE_SHAPE = 400.0


def _bump(hours: np.ndarray, centre_hour: float, width_hours: float) -> np.ndarray:
    return np.exp(-0.5 * ((hours - centre_hour) / width_hours) ** 2)


def intraday_weight(queue: str, weekday: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """Unnormalised intraday shape of a queue.

    Parameters
    ----------
    queue
        ``"sales"`` or ``"support"``.
    weekday
        Weekday index 0 (Monday) .. 5 (Saturday) of each interval.
    hour
        Local time of the middle of each interval [hours after midnight].

    Returns
    -------
    numpy.ndarray
        A positive weight per interval; only ratios within one day matter.

    Notes
    -----
    Support on weekdays has a double hump (10:00-12:00 and 14:00-16:00), heavier in the
    morning on Mondays and lighter in the afternoon on Fridays. Sales peaks late morning and
    again in the early evening (people call after work), less so on Fridays. Saturdays have
    one late-morning peak for both queues.
    """
    weekday = np.asarray(weekday)
    hour = np.asarray(hour, dtype=float)
    monday, friday, saturday = weekday == 0, weekday == 4, weekday == 5
    if queue == "support":
        morning = np.where(monday, 1.15, 1.0) * _bump(hour, 10.9, 1.1)
        afternoon = np.where(friday, 0.6, 0.85) * _bump(hour, 14.9, 1.2)
        weekday_shape = 0.30 + morning + afternoon
        saturday_shape = 0.35 + 1.0 * _bump(hour, 11.0, 1.8)
    elif queue == "sales":
        evening = np.where(friday, 0.45, 0.75) * _bump(hour, 18.0, 1.3)
        weekday_shape = (
            0.35 + 0.75 * _bump(hour, 11.25, 1.3) + 0.45 * _bump(hour, 14.5, 1.0) + evening
        )
        saturday_shape = 0.40 + 1.0 * _bump(hour, 11.75, 1.9)
    else:
        raise ValueError(f"no intraday shape for queue {queue!r}")
    return np.where(saturday, saturday_shape, weekday_shape)


def annual_factor(profile: QueueProfile, day_of_year: np.ndarray) -> np.ndarray:
    """Annual seasonality factor for each day of the year (1 = average)."""
    day_of_year = np.asarray(day_of_year, dtype=float)
    factor = np.ones_like(day_of_year)
    for centre_day, width_days, amplitude in profile.annual_bumps:
        distance = np.abs(day_of_year - centre_day)
        distance = np.minimum(distance, 365.25 - distance)
        factor += amplitude * np.exp(-0.5 * (distance / width_days) ** 2)
    return factor


def _after_holiday_dates(centre: Centre, start_date: dt.date, end_date: dt.date) -> set[dt.date]:
    """First open day after each bank holiday (or run of holidays) within the dates."""
    years = range(start_date.year - 1, end_date.year + 2)
    holidays = sorted(centre.holiday_dates(years))
    open_weekdays = centre.opening_hours_for().minutes_by_weekday
    holiday_set = set(holidays)
    result: set[dt.date] = set()
    for holiday in holidays:
        day = holiday + dt.timedelta(days=1)
        while day.weekday() not in open_weekdays or day in holiday_set:
            day += dt.timedelta(days=1)
        if start_date <= day <= end_date:
            result.add(day)
    return result


def expected_demand(
    centre: Centre,
    start_date: dt.date,
    days: int,
    *,
    end_date: dt.date = DEFAULT_END_DATE,
) -> pd.DataFrame:
    """The sample centre's true expected demand per open interval, before noise.

    This is what a perfect forecaster would predict: it leaves out the day-level noise, the
    outage spikes and the Poisson noise of the history. Useful to check forecasts and to
    calibrate the sample against the agents' capacity.

    Parameters
    ----------
    centre
        The sample centre (for time zone, opening hours and holidays).
    start_date, days
        First local date and number of local days.
    end_date
        The ``end_date`` the history was generated with (the trend is 1 there).

    Returns
    -------
    pandas.DataFrame
        Columns ``interval_start`` (tz-aware, local), ``queue``, ``offered`` (expected
        contacts, float) and ``aht_seconds`` (expected mean handle time [seconds]), one row
        per open interval and queue, sorted by queue then time.
    """
    grid = interval_grid(start_date, days, centre.interval_minutes, centre.timezone)
    last_date = start_date + dt.timedelta(days=days - 1)
    hours = centre.opening_hours_for(range(start_date.year - 1, last_date.year + 2))
    grid = grid[hours.is_open(grid, centre.interval_minutes)]
    local = grid.tz_localize(None)
    day = local.normalize()
    weekday = local.day_of_week.to_numpy()
    hour = (local.hour + local.minute / 60 + centre.interval_minutes / 120).to_numpy()
    years_from_end = ((day - pd.Timestamp(end_date)).days.to_numpy()) / 365.25
    after_holiday = np.isin(local.date, sorted(_after_holiday_dates(centre, start_date, last_date)))
    _, day_index = np.unique(day.asi8, return_inverse=True)

    frames = []
    for profile in PROFILES:
        weight = intraday_weight(profile.name, weekday, hour)
        shape = weight / np.bincount(day_index, weight)[day_index]
        daily = (
            profile.weekday_offered
            * (1 + profile.trend_per_year) ** years_from_end
            * annual_factor(profile, local.day_of_year.to_numpy())
            * np.asarray(profile.weekday_factors)[weekday]
            * np.where(after_holiday, profile.after_holiday_uplift, 1.0)
        )
        aht = (
            profile.aht_seconds
            * (1 + profile.aht_trend_per_year) ** years_from_end
            * np.asarray(profile.aht_weekday_factors)[weekday]
            * (1 + profile.aht_slope_per_hour * (hour - 14.0))
        )
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "queue": profile.name,
                    "offered": daily * shape,
                    "aht_seconds": aht,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _outage_multiplier(
    frame: pd.DataFrame, start_date: dt.date, years: int, rng: np.random.Generator
) -> np.ndarray:
    """Multiplier per support interval: 3-5 outages a year of 2-4 hours at 2-3x volume."""
    multiplier = np.ones(len(frame))
    local = frame["interval_start"].dt.tz_localize(None)
    dates = local.dt.normalize()
    minute = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    weekday_dates = np.unique(dates[local.dt.day_of_week.to_numpy() < 5].to_numpy())
    for year in range(years):
        low = np.datetime64(pd.Timestamp(start_date) + pd.Timedelta(days=365 * year))
        high = np.datetime64(pd.Timestamp(start_date) + pd.Timedelta(days=365 * (year + 1)))
        candidates = weekday_dates[(weekday_dates >= low) & (weekday_dates < high)]
        count = int(rng.integers(3, 6))
        chosen = np.sort(rng.choice(candidates, size=count, replace=False))
        for day in chosen:
            start_minute = int(rng.integers(36, 65)) * 15  # 09:00 .. 16:00
            length_minutes = int(rng.integers(8, 17)) * 15  # 2 .. 4 hours
            factor = float(rng.uniform(2.0, 3.0))
            hit = (
                (dates.to_numpy() == day)
                & (minute >= start_minute)
                & (minute < start_minute + length_minutes)
            )
            multiplier[hit] = factor
            logger.info(
                "support outage on %s from %02d:%02d for %d min at %.1fx volume",
                pd.Timestamp(day).date(),
                start_minute // 60,
                start_minute % 60,
                length_minutes,
                factor,
            )
    return multiplier


def history_frame(
    centre: Centre,
    *,
    end_date: dt.date,
    years: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Simulate the interval history of both queues (open intervals only).

    Returns
    -------
    pandas.DataFrame
        Columns ``interval_start`` (tz-aware, local), ``queue``, ``offered``,
        ``aht_seconds`` (NaN where nothing was handled), ``handled``, ``abandoned``,
        ``answered_within_threshold`` and ``total_wait_seconds``; sorted by queue, then time.

    Notes
    -----
    ``total_wait_seconds`` is modelled, not simulated, so that adding it left every random
    draw (and so every other column) unchanged: contacts answered within the threshold
    :math:`T` wait :math:`0.35 T` on average, later ones :math:`T + 40 (1 + load)`
    seconds.
    """
    thresholds = {queue.name: queue.answer_threshold_seconds for queue in centre.queues}
    start_date = history_start(end_date, years)
    days = (end_date - start_date).days + 1
    demand = expected_demand(centre, start_date, days, end_date=end_date)
    local_day = demand["interval_start"].dt.tz_localize(None).dt.normalize().to_numpy()
    _, day_index = np.unique(local_day, return_inverse=True)
    n_days = int(day_index.max()) + 1

    frames = []
    for profile in PROFILES:
        rows = demand[demand["queue"] == profile.name].reset_index(drop=True)
        queue_day = day_index[(demand["queue"] == profile.name).to_numpy()]
        day_noise = rng.gamma(DAY_NOISE_SHAPE, 1 / DAY_NOISE_SHAPE, size=n_days)[queue_day]
        rate = rows["offered"].to_numpy() * day_noise
        outage = (
            _outage_multiplier(rows, start_date, years, rng)
            if profile.name == "support"
            else np.ones(len(rows))
        )
        rate = rate * outage
        in_outage = outage > 1
        offered = rng.poisson(rate)

        # Service gets worse as volume rises: load is the rate relative to a busy interval.
        load = np.minimum(rate / np.quantile(rows["offered"], 0.95), 1.5)
        abandon_probability = np.clip(
            0.02 + 0.05 * load**2 + rng.normal(0, 0.005, len(rows)), 0.005, 0.12
        )
        abandon_probability[in_outage] = rng.uniform(0.15, 0.30, int(in_outage.sum()))
        abandoned = rng.binomial(offered, abandon_probability)
        handled = offered - abandoned

        within_share = np.clip(0.90 - 0.17 * load**2 + rng.normal(0, 0.03, len(rows)), 0.55, 0.97)
        within_share[in_outage] = rng.uniform(0.20, 0.45, int(in_outage.sum()))
        answered_within = rng.binomial(handled, within_share)

        # One lognormal handle time per handled contact around the interval's mean.
        mean_aht = rows["aht_seconds"].to_numpy() * np.where(in_outage, 0.85, 1.0)
        sigma = np.sqrt(np.log1p(profile.aht_cv**2))
        mu = np.log(mean_aht) - sigma**2 / 2
        contact_interval = np.repeat(np.arange(len(rows)), handled)
        handle_seconds = rng.lognormal(mu[contact_interval], sigma)
        total_handle = np.bincount(contact_interval, handle_seconds, minlength=len(rows))
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(handled > 0, np.round(total_handle / np.maximum(handled, 1), 1), np.nan)

        frames.append(
            pd.DataFrame(
                {
                    "interval_start": rows["interval_start"],
                    "queue": profile.name,
                    "offered": offered.astype(np.int64),
                    "aht_seconds": aht,
                    "handled": handled.astype(np.int64),
                    "abandoned": abandoned.astype(np.int64),
                    "answered_within_threshold": answered_within.astype(np.int64),
                    "total_wait_seconds": _total_wait_seconds(
                        answered_within, handled - answered_within, thresholds[profile.name], load
                    ),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _total_wait_seconds(
    answered_within: np.ndarray,
    answered_later: np.ndarray,
    threshold_seconds: float,
    load: np.ndarray,
) -> np.ndarray:
    """Summed waits of the answered contacts of each interval [seconds] (see :func:`history_frame`)."""
    within = answered_within * WITHIN_WAIT_SHARE * threshold_seconds
    later = answered_later * (threshold_seconds + LATE_EXCESS_WAIT_SECONDS * (1.0 + load))
    return np.round(within + later, 1)


def history_start(end_date: dt.date, years: int) -> dt.date:
    """First local date of ``years`` years of history ending (inclusive) on ``end_date``."""
    try:
        same_day = end_date.replace(year=end_date.year - years)
    except ValueError:  # 29 February
        same_day = end_date.replace(year=end_date.year - years, day=28)
    return same_day + dt.timedelta(days=1)
