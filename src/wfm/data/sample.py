"""Seeded generator of the sample contact centre ("Northwind Contact Centre (sample)").

The sample centre is realistic enough to plan with and small enough to commit: two queues
(sales and support) with two years of 15-minute interval history, about 60 named agents on
full-time and part-time contracts, a centre TOML file with shift templates, break rules and
contracts, a four-week synthetic rota and the agent state events that follow it. Every
file is a pure function of ``seed`` and ``end_date``: regenerating gives byte-identical
files.

How demand is made
------------------
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

Example
-------
>>> from wfm.data.sample import generate_sample_centre
>>> path = generate_sample_centre("/tmp/northwind", seed=2026)  # doctest: +SKIP
>>> path.name                                                    # doctest: +SKIP
'centre.toml'
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import tempfile
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.config import Centre, parse_centre
from wfm.data.states import STATES
from wfm.timegrid import interval_grid

logger = logging.getLogger(__name__)

#: Seed of the committed sample centre.
DEFAULT_SEED = 2026
#: Last local date of the committed history (a Sunday; the centre is closed on Sundays, so the
#: last interval is on Saturday 2026-11-14 and planning starts on Monday 2026-11-16).
DEFAULT_END_DATE = dt.date(2026, 11, 15)
#: Years of history in the committed sample.
DEFAULT_YEARS = 2
#: Weeks of rota and agent state events (the last full Monday-to-Sunday weeks of history).
STATE_WEEKS = 4

INTERVAL_MINUTES = 15
TIMEZONE = "Europe/London"

#: Mean wait of a contact answered within the threshold, as a share of the threshold.
WITHIN_WAIT_SHARE = 0.35
#: Mean wait beyond the threshold of a contact answered after it, at zero load [seconds].
LATE_EXCESS_WAIT_SECONDS = 40.0

#: States written to agent_states.csv: every wfm agent state.
AGENT_STATES = STATES


# --- the demand model --------------------------------------------------------------------
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
    start_date = _history_start(end_date, years)
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


def _history_start(end_date: dt.date, years: int) -> dt.date:
    """First local date of ``years`` years of history ending (inclusive) on ``end_date``."""
    try:
        same_day = end_date.replace(year=end_date.year - years)
    except ValueError:  # 29 February
        same_day = end_date.replace(year=end_date.year - years, day=28)
    return same_day + dt.timedelta(days=1)


# --- agents --------------------------------------------------------------------------------
_FIRST_NAMES = (
    "Aisha", "Alfie", "Amelia", "Arjun", "Beatrice", "Ben", "Bethany", "Callum", "Chloe",
    "Chidi", "Daniel", "Deborah", "Ellie", "Emeka", "Fatima", "Finn", "Freya", "Gareth",
    "Grace", "Hannah", "Harry", "Imran", "Isla", "Jack", "Jasmine", "Kai", "Kirsty", "Leah",
    "Liam", "Lucy", "Mared", "Marek", "Maya", "Mohammed", "Nadia", "Niamh", "Oliver", "Oluwaseun",
    "Owen", "Priya", "Rhys", "Rosa", "Ruby", "Sam", "Sana", "Siobhan", "Tariq", "Tom", "Wei",
    "Yusuf", "Zara", "Zofia",
)  # fmt: skip
_LAST_NAMES = (
    "Adeyemi", "Ahmed", "Bailey", "Begum", "Bennett", "Brown", "Campbell", "Chen", "Clarke",
    "Davies", "Doherty", "Evans", "Fletcher", "Green", "Hall", "Hughes", "Hussain", "Jones",
    "Kaur", "Kowalski", "Lewis", "Macdonald", "Mensah", "Mitchell", "Morgan", "Murphy", "Nowak",
    "Okafor", "Osei", "Patel", "Price", "Quinn", "Rahman", "Roberts", "Robinson", "Shah",
    "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward", "Williams", "Wilson",
    "Wright", "Young", "Zhang",
)  # fmt: skip
_TEAMS = ("Team Ada", "Team Brunel", "Team Curie", "Team Darwin")

#: (contract, number of agents).
_CONTRACT_COUNTS = (("full_time", 40), ("part_time", 20))
#: (queues as written in agents.csv, number of agents).
_SKILL_COUNTS = (("sales", 25), ("support", 20), ("sales|support", 15))


def agents_frame(rng: np.random.Generator) -> pd.DataFrame:
    """About 60 invented agents with a team, a contract and queue skills.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id`` (A001 ..), ``name``, ``team``, ``contract`` and ``queues``
        (``|``-separated).
    """
    contracts = np.repeat([name for name, _ in _CONTRACT_COUNTS], [n for _, n in _CONTRACT_COUNTS])
    count = len(contracts)
    skills = np.repeat([name for name, _ in _SKILL_COUNTS], [n for _, n in _SKILL_COUNTS])
    if len(skills) != count:
        raise AssertionError("contract and skill counts disagree")
    name_codes = rng.choice(len(_FIRST_NAMES) * len(_LAST_NAMES), size=count, replace=False)
    names = [
        f"{_FIRST_NAMES[code // len(_LAST_NAMES)]} {_LAST_NAMES[code % len(_LAST_NAMES)]}"
        for code in name_codes
    ]
    teams = np.resize(np.asarray(_TEAMS), count)
    return pd.DataFrame(
        {
            "agent_id": [f"A{number:03d}" for number in range(1, count + 1)],
            "name": names,
            "team": rng.permutation(teams),
            "contract": rng.permutation(contracts),
            "queues": rng.permutation(skills),
        }
    )


# --- rota ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Shift:
    agent_id: str
    date: dt.date
    start_minute: int
    length_minutes: int


def _rota_shifts(
    agents: pd.DataFrame,
    first_monday: dt.date,
    weeks: int,
    closed: set[dt.date],
    part_time_min_hours: float,
    rng: np.random.Generator,
) -> list[_Shift]:
    """A plausible synthetic rota that satisfies the sample centre's templates and contracts.

    Full-time agents work 8-hour paid shifts (510 min with lunch) Monday to Friday starting
    08:00-11:30 around a personal usual start; each week some of them work Saturday 09:00-17:00
    instead of one weekday. Part-time agents work 3-5 days of 4 or 6 hours. Bank holidays are
    not worked.
    """
    full_time = agents.loc[agents["contract"] == "full_time", "agent_id"].tolist()
    part_time = agents.loc[agents["contract"] == "part_time", "agent_id"].tolist()
    ft_starts = np.arange(8 * 60, 11 * 60 + 31, 30)
    usual_start = {agent: int(rng.choice(ft_starts)) for agent in full_time}
    # Part-time patterns: (weekly days, shift length [min]); each gives 16-22 paid hours.
    patterns = ((4, 240), (5, 240), (3, 360), (4, 360))
    pt_pattern = {agent: patterns[int(rng.integers(len(patterns)))] for agent in part_time}
    pt_start = {}
    for agent in part_time:
        latest = 16 * 60 if pt_pattern[agent][1] == 240 else 14 * 60
        pt_start[agent] = int(rng.choice(np.arange(8 * 60, latest + 1, 30)))

    shifts: list[_Shift] = []
    for week in range(weeks):
        monday = first_monday + dt.timedelta(weeks=week)
        saturday = monday + dt.timedelta(days=5)
        saturday_ft = set(rng.choice(full_time, size=16, replace=False).tolist())
        saturday_pt = set(rng.choice(part_time, size=10, replace=False).tolist())
        for agent in agents["agent_id"]:
            if agent in usual_start:
                start = int(
                    np.clip(usual_start[agent] + 30 * rng.integers(-1, 2), 8 * 60, 11 * 60 + 30)
                )
                weekdays = [0, 1, 2, 3, 4]
                if agent in saturday_ft:
                    weekdays.remove(int(rng.choice([1, 2, 3, 4])))  # Monday is busiest: keep it
                    if saturday not in closed:
                        shifts.append(_Shift(agent, saturday, 9 * 60, 480))
                shifts += [
                    _Shift(agent, monday + dt.timedelta(days=day), start, 510)
                    for day in weekdays
                    if monday + dt.timedelta(days=day) not in closed
                ]
            else:
                days, length = pt_pattern[agent]
                weekday_count = days - 1 if agent in saturday_pt else days
                # A Saturday (4 paid hours) in place of a longer weekday must keep the minimum.
                paid_hours = (length - (30 if length >= 360 else 0)) / 60
                while agent in saturday_pt and weekday_count * paid_hours + 4 < part_time_min_hours:
                    weekday_count += 1
                if agent in saturday_pt and saturday not in closed:
                    shifts.append(
                        _Shift(agent, saturday, int(rng.choice([9 * 60, 10 * 60, 13 * 60])), 240)
                    )
                weekdays = np.sort(rng.choice(5, size=weekday_count, replace=False))
                shifts += [
                    _Shift(agent, monday + dt.timedelta(days=int(day)), pt_start[agent], length)
                    for day in weekdays
                    if monday + dt.timedelta(days=int(day)) not in closed
                ]
    return sorted(shifts, key=lambda shift: (shift.agent_id, shift.date))


def _place_breaks(
    shift: _Shift, centre: Centre, rng: np.random.Generator
) -> list[tuple[str, int, int]]:
    """The shift as (activity, start minute, end minute) pieces: work around its breaks.

    Each of the centre's break rules that applies to the shift's length is placed at a random
    start on the interval grid inside its window.
    """
    rules = sorted(centre.break_rules, key=lambda rule: rule.earliest_start_after_minutes)
    pieces = []
    cursor = shift.start_minute
    for rule in rules:
        if shift.length_minutes < rule.min_shift_minutes:
            continue
        offsets = np.arange(
            rule.earliest_start_after_minutes,
            rule.latest_start_after_minutes + 1,
            centre.interval_minutes,
        )
        start = shift.start_minute + int(rng.choice(offsets))
        pieces.append(("work", cursor, start))
        pieces.append((rule.activity, start, start + rule.duration_minutes))
        cursor = start + rule.duration_minutes
    pieces.append(("work", cursor, shift.start_minute + shift.length_minutes))
    return pieces


def _local_times(
    dates: Sequence[dt.date], seconds: Sequence[float], timezone: str
) -> pd.DatetimeIndex:
    """Tz-aware local times from local dates and seconds after local midnight."""
    naive = pd.to_datetime(pd.Series(dates)) + pd.to_timedelta(
        np.asarray(seconds, dtype=np.int64), unit="s"
    )
    return pd.DatetimeIndex(naive).tz_localize(timezone)


def rota_frame(shifts: list[_Shift], centre: Centre, rng: np.random.Generator) -> pd.DataFrame:
    """The published rota: one row per work piece, break and lunch (schema ``ROTA_COLUMNS``)."""
    timezone = centre.timezone
    rows = []
    for shift in shifts:
        for activity, start, end in _place_breaks(shift, centre, rng):
            rows.append((shift.agent_id, shift.date, activity, start * 60, end * 60))
    agent_id, date, activity, start, end = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "agent_id": agent_id,
            "date": date,
            "activity": activity,
            "start": _local_times(date, start, timezone),
            "end": _local_times(date, end, timezone),
        }
    )


# --- agent states -----------------------------------------------------------------------------
def _work_states(
    begin: float, end: float, rng: np.random.Generator
) -> list[tuple[str, float, float]]:
    """Alternate available / on_contact / after_contact_work between two times [s].

    Runs are coarse: one ``on_contact`` run stands for several back-to-back contacts (drawn
    with a median of 28 minutes, about 24 once cut at breaks), so the file stays small; the agent is busy (on_contact or
    after_contact_work) about 86 % of the time.
    """
    states = []
    time = begin
    state = "available"
    while time < end:
        if state == "available":
            duration = 30 + rng.exponential(240)
            following = "on_contact"
        elif state == "on_contact":
            duration = rng.lognormal(np.log(28 * 60), 0.5)
            following = "after_contact_work" if rng.random() < 0.25 else "available"
        else:
            duration = 30 + rng.exponential(90)
            following = "available"
        stop = min(time + round(duration), end)
        states.append((state, time, stop))
        time, state = stop, following
    return states


def _day_states(
    pieces: list[tuple[str, int, int]], rng: np.random.Generator
) -> list[tuple[str, float, float | None]]:
    """Behaviour of one agent on one rota day: states as (state, start [s], end [s] or None)."""
    shift_start, shift_end = pieces[0][1] * 60, pieces[-1][2] * 60
    draw = rng.random()
    if draw < 0.30:
        lateness = -rng.uniform(0, 180)  # logs in up to 3 min early
    elif draw < 0.95:
        lateness = min(rng.exponential(180), 600)  # 0-10 min late
    else:
        lateness = rng.uniform(20 * 60, 40 * 60)  # badly late
    login = shift_start + round(lateness)

    # Breaks and lunches taken early or late, sometimes overrunning.
    taken = []
    previous_end = login
    for activity, start, end in pieces:
        if activity == "work":
            continue
        shift_seconds = rng.normal(0, 240) if rng.random() < 0.9 else rng.uniform(600, 1200)
        actual_start = max(start * 60 + round(shift_seconds), previous_end + 300)
        actual_end = actual_start + (end - start) * 60 + round(max(rng.normal(30, 60), 0))
        taken.append((activity, actual_start, actual_end))
        previous_end = actual_end

    if rng.random() < 0.04:
        logout = shift_end - round(rng.uniform(15 * 60, 45 * 60))  # leaves early
    else:
        logout = shift_end + round(np.clip(rng.normal(90, 150), -120, 600))
    logout = max(logout, previous_end + 300)

    # Work periods between breaks; now and then a meeting or a training session inside one.
    work_periods = []
    cursor = login
    for _activity, start, end in taken:
        work_periods.append((cursor, start))
        cursor = end
    work_periods.append((cursor, logout))
    extra = None
    draw = rng.random()
    if draw < 0.10:
        extra = ("meeting", 60 * int(rng.choice([30, 30, 45, 60])))
    elif draw < 0.15:
        extra = ("training", 60 * int(rng.choice([60, 90, 120])))

    states: list[tuple[str, float, float | None]] = []
    placed = extra is None
    for index, (begin, end) in enumerate(work_periods):
        if not placed and end - begin >= extra[1] + 1800:
            # Start on a quarter hour at least 15 minutes into the period.
            first = (begin // 900 + 1) * 900
            last = end - extra[1] - 900
            if last >= first:
                start = first + 900 * int(rng.integers(0, (last - first) // 900 + 1))
                states += _work_states(begin, start, rng)
                states.append((extra[0], start, start + extra[1]))
                begin = start + extra[1]
                placed = True
        states += _work_states(begin, end, rng)
        if index < len(taken):
            states.append(taken[index])
    states.append(("offline", logout, None))
    return states


def agent_states_frame(
    rota: pd.DataFrame, window_end: pd.Timestamp, timezone: str, rng: np.random.Generator
) -> pd.DataFrame:
    """Agent state events that follow the rota with human behaviour.

    Late and early log-ins, breaks taken early or late, an occasional absent day, some
    meetings and training, and coarse runs of available / on_contact / after_contact_work
    in between. Each day ends with an ``offline`` event without an end: it is closed by the
    agent's next event. The agent's last ``offline`` event ends at ``window_end``.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id``, ``state``, ``start``, ``end`` (tz-aware; ``end`` NaT on
        ``offline`` events closed by the next event).
    """
    minute = rota.assign(
        start_minute=(rota["start"].dt.hour * 60 + rota["start"].dt.minute),
        end_minute=(rota["end"].dt.hour * 60 + rota["end"].dt.minute),
    )
    agent_ids, dates, states, starts, ends = [], [], [], [], []
    for (agent_id, date), day in minute.groupby(["agent_id", "date"], sort=True):
        pieces = list(zip(day["activity"], day["start_minute"], day["end_minute"], strict=True))
        behaviour = _day_states(pieces, rng)
        if rng.random() < 0.04:
            continue  # absent: nothing logged that day
        for state, start, end in behaviour:
            agent_ids.append(agent_id)
            dates.append(date)
            states.append(state)
            starts.append(start)
            ends.append(-1 if end is None else end)
    ends_array = np.asarray(ends)
    frame = pd.DataFrame(
        {
            "agent_id": agent_ids,
            "state": states,
            "start": _local_times(dates, starts, timezone),
            "end": _local_times(dates, np.maximum(ends_array, 0), timezone),
        }
    )
    frame.loc[ends_array < 0, "end"] = pd.NaT
    last_event = ~frame["agent_id"].duplicated(keep="last")
    frame.loc[last_event, "end"] = window_end
    return frame


# --- the centre file ------------------------------------------------------------------------
def centre_toml_text(*, seed: int, end_date: dt.date, years: int) -> str:
    """The sample centre's TOML file, with units in comments."""
    start_date = _history_start(end_date, years)
    planning_start = end_date + dt.timedelta(days=7 - end_date.weekday())
    return f'''\
# Northwind Contact Centre: a synthetic sample centre, not real data (see README.md).
# Generated by `python -m wfm.data.sample OUT_DIR --seed {seed} --end-date {end_date.isoformat()} --years {years}`.
# Paths are relative to this file; clock times are local wall-clock times in `timezone`.

[centre]
name = "Northwind Contact Centre (sample)"
timezone = "{TIMEZONE}"             # IANA time zone; seasonality and opening hours are local
country = "GB"                          # national holidays from the `holidays` package
subdivision = "ENG"                     # England's bank holidays
interval_minutes = {INTERVAL_MINUTES}                   # planning interval [minutes]
close_on_holidays = true                # closed all day on bank holidays
history = "history.csv"                 # 15-minute history, {start_date.isoformat()} .. {end_date.isoformat()}
agents = "agents.csv"                   # agent_id, name, team, contract, queues
agent_states = "agent_states.csv"       # agent state events, the last {STATE_WEEKS} full weeks of history

# Local opening hours per weekday: "HH:MM-HH:MM" or "closed".
[opening_hours]
mon = "08:00-20:00"
tue = "08:00-20:00"
wed = "08:00-20:00"
thu = "08:00-20:00"
fri = "08:00-20:00"
sat = "09:00-17:00"
sun = "closed"

[[queues]]
name = "sales"
service_level_target = 0.8              # fraction answered within the threshold (0.8 = 80 %)
answer_threshold_seconds = 20           # the T of "80 % within T" [seconds]; not the ASA
max_occupancy = 0.85                    # cap on offered load / productive agents [fraction]

[[queues]]
name = "support"
service_level_target = 0.8              # [fraction]
answer_threshold_seconds = 30           # [seconds]
max_occupancy = 0.85                    # [fraction]

# Shift lengths run from start to end and include the unpaid lunch [minutes].
[[shift_templates]]
name = "weekday full"
days = ["mon", "tue", "wed", "thu", "fri"]
earliest_start = "08:00"                # local time
latest_start = "11:30"                  # an 11:30 start ends at 20:00, closing time
start_step_minutes = 30                 # [minutes]
lengths_minutes = [510]                 # 8 h paid + 30 min unpaid lunch [minutes]

[[shift_templates]]
name = "weekday part-time"
days = ["mon", "tue", "wed", "thu", "fri"]
earliest_start = "08:00"
latest_start = "16:00"                  # 4 h shifts fit up to 16:00, 6 h shifts up to 14:00
start_step_minutes = 30                 # [minutes]
lengths_minutes = [240, 360]            # 4 h; 6 h including a 30 min unpaid lunch [minutes]

[[shift_templates]]
name = "saturday"
days = ["sat"]
earliest_start = "09:00"
latest_start = "13:00"                  # 4 h shifts fit up to 13:00, 8 h shifts only at 09:00
start_step_minutes = 30                 # [minutes]
lengths_minutes = [240, 480]            # [minutes]

# Breaks are placed by the scheduler inside every shift at least min_shift_minutes long,
# starting between earliest_ and latest_start_after_minutes after the shift start. The
# windows of one shift do not overlap: each break ends before the next window opens.
[[break_rules]]
name = "morning break"
activity = "break"
duration_minutes = 15                   # [minutes]
paid = true
min_shift_minutes = 240                 # [minutes]
earliest_start_after_minutes = 90       # [minutes after shift start]
latest_start_after_minutes = 150        # ends by 165 min, before the lunch window

[[break_rules]]
name = "lunch"
activity = "lunch"
duration_minutes = 30                   # [minutes]
paid = false
min_shift_minutes = 360                 # [minutes]
earliest_start_after_minutes = 180      # [minutes after shift start]
latest_start_after_minutes = 300        # ends by 330 min, before the afternoon window

[[break_rules]]
name = "afternoon break"
activity = "break"
duration_minutes = 15                   # [minutes]
paid = true
min_shift_minutes = 480                 # [minutes]
earliest_start_after_minutes = 360      # [minutes after shift start]
latest_start_after_minutes = 420        # [minutes after shift start]

[[contracts]]
name = "full_time"
min_hours_per_week = 32                 # paid hours [hours]
max_hours_per_week = 40                 # [hours]
min_days_per_week = 4
max_days_per_week = 5
max_shift_minutes = 540                 # unpaid lunch included [minutes]
min_rest_hours = 11                     # between shifts [hours]
max_consecutive_working_days = 6
min_consecutive_days_off = 0            # split days off allowed (the default is 2 together)
cost_per_paid_hour = 1.0                # [cost units]

[[contracts]]
name = "part_time"
min_hours_per_week = 16                 # [hours]
max_hours_per_week = 30                 # [hours]
min_days_per_week = 3
max_days_per_week = 5
max_shift_minutes = 390                 # [minutes]
min_rest_hours = 11                     # [hours]
max_consecutive_working_days = 6
min_consecutive_days_off = 0            # split days off allowed
cost_per_paid_hour = 1.0                # [cost units]

[planning]
# start_date is not set: planning starts on the Monday after the history ends ({planning_start.isoformat()}).
horizon_days = 7                        # [days]
forecast_model = "auto"
shrinkage_fraction = 0.30               # absence, meetings, training [fraction]; breaks are in the rota

[scheduling]
time_limit_seconds = 180                # [seconds]: wall-clock safety net of the whole rota search
relative_gap = 0.01                     # stop at (objective - bound) / objective <= this [fraction]
threads = 1                             # 1 for a reproducible rota
seed = 0
under_staffing_cost_per_agent_hour = 10.0   # [cost units per agent-hour short]
over_staffing_cost_per_agent_hour = 0.5     # [cost units per agent-hour over]
'''


# --- writing ---------------------------------------------------------------------------------
def _iso(times: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """ISO 8601 with the UTC offset, e.g. ``2026-03-02T08:00:00+00:00``; empty for NaT."""
    series = pd.Series(times)
    text = series.dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    text = text.str[:-2] + ":" + text.str[-2:]
    return text.where(series.notna(), "")


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; the sample is meant to be shared
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _csv_text(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def generate_sample_centre(
    out_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    end_date: dt.date = DEFAULT_END_DATE,
    years: int = DEFAULT_YEARS,
) -> Path:
    """Write the sample centre into ``out_dir`` and return the path of its ``centre.toml``.

    Writes ``centre.toml``, ``history.csv``, ``agents.csv``, ``published_rota.csv`` and
    ``agent_states.csv``; each file is replaced atomically. The output is a pure function of
    the arguments: the same arguments give byte-identical files.

    Parameters
    ----------
    out_dir
        Folder to write into; created if missing.
    seed
        Seed of all random draws.
    end_date
        Last local date of the history (inclusive). The default is a Sunday, when the centre
        is closed, so the history ends on Saturday 2026-11-14.
    years
        Years of history (whole years ending on ``end_date``).

    Returns
    -------
    pathlib.Path
        The centre file.
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    history_rng, agents_rng, rota_rng, states_rng = (
        np.random.default_rng(stream) for stream in np.random.SeedSequence(seed).spawn(4)
    )

    toml_text = centre_toml_text(seed=seed, end_date=end_date, years=years)
    centre = parse_centre(tomllib.loads(toml_text), source="sample centre", base_dir=out_dir)

    history = history_frame(centre, end_date=end_date, years=years, rng=history_rng)
    history_text = history.assign(
        interval_start=_iso(history["interval_start"]),
        aht_seconds=history["aht_seconds"].map(
            lambda value: "" if np.isnan(value) else f"{value:.1f}"
        ),
    )

    agents = agents_frame(agents_rng)

    # The last STATE_WEEKS full Monday-to-Sunday weeks up to end_date.
    last_sunday = end_date - dt.timedelta(days=(end_date.weekday() + 1) % 7)
    first_monday = last_sunday - dt.timedelta(days=7 * STATE_WEEKS - 1)
    holidays = set(centre.holiday_dates(range(first_monday.year, last_sunday.year + 1)))
    part_time_min_hours = centre.contract("part_time").min_hours_per_week
    shifts = _rota_shifts(
        agents, first_monday, STATE_WEEKS, holidays, part_time_min_hours, rota_rng
    )
    rota = rota_frame(shifts, centre, rota_rng)
    window_end = pd.Timestamp(last_sunday + dt.timedelta(days=1)).tz_localize(centre.timezone)
    states = agent_states_frame(rota, window_end, centre.timezone, states_rng)

    rota_text = rota.assign(
        date=rota["date"].map(dt.date.isoformat), start=_iso(rota["start"]), end=_iso(rota["end"])
    )
    states_text = states.assign(start=_iso(states["start"]), end=_iso(states["end"]))

    files = {
        "history.csv": _csv_text(history_text),
        "agents.csv": _csv_text(agents),
        "published_rota.csv": _csv_text(rota_text),
        "agent_states.csv": _csv_text(states_text),
        "centre.toml": toml_text,  # last, so a complete folder has its centre file
    }
    for name, text in files.items():
        _write_atomic(out_dir / name, text)
        logger.info("wrote %s (%d bytes)", out_dir / name, len(text.encode("utf-8")))
    return out_dir / "centre.toml"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m wfm.data.sample OUT_DIR [--seed N] [--end-date YYYY-MM-DD] [--years N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m wfm.data.sample", description="Write the sample contact centre."
    )
    parser.add_argument("out_dir", type=Path, help="folder to write into")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--end-date",
        type=dt.date.fromisoformat,
        default=DEFAULT_END_DATE,
        help=f"last local date of the history (default {DEFAULT_END_DATE.isoformat()})",
    )
    parser.add_argument(
        "--years",
        type=int,
        default=DEFAULT_YEARS,
        help=f"years of history (default {DEFAULT_YEARS})",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate_sample_centre(args.out_dir, seed=args.seed, end_date=args.end_date, years=args.years)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
