"""The sample centre's published rota: shifts that follow its templates, contracts and breaks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Centre


@dataclass(frozen=True)
class Shift:
    """One shift of the synthetic rota: local date, start [minutes after midnight], length [minutes]."""

    agent_id: str
    date: dt.date
    start_minute: int
    length_minutes: int


def rota_shifts(
    agents: pd.DataFrame,
    first_monday: dt.date,
    weeks: int,
    closed: set[dt.date],
    part_time_min_hours: float,
    rng: np.random.Generator,
) -> list[Shift]:
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

    shifts: list[Shift] = []
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
                        shifts.append(Shift(agent, saturday, 9 * 60, 480))
                shifts += [
                    Shift(agent, monday + dt.timedelta(days=day), start, 510)
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
                        Shift(agent, saturday, int(rng.choice([9 * 60, 10 * 60, 13 * 60])), 240)
                    )
                weekdays = np.sort(rng.choice(5, size=weekday_count, replace=False))
                shifts += [
                    Shift(agent, monday + dt.timedelta(days=int(day)), pt_start[agent], length)
                    for day in weekdays
                    if monday + dt.timedelta(days=int(day)) not in closed
                ]
    return sorted(shifts, key=lambda shift: (shift.agent_id, shift.date))


def _place_breaks(
    shift: Shift, centre: Centre, rng: np.random.Generator
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


def local_times(
    dates: Sequence[dt.date], seconds: Sequence[float], timezone: str
) -> pd.DatetimeIndex:
    """Tz-aware local times from local dates and seconds after local midnight."""
    naive = pd.to_datetime(pd.Series(dates)) + pd.to_timedelta(
        np.asarray(seconds, dtype=np.int64), unit="s"
    )
    return pd.DatetimeIndex(naive).tz_localize(timezone)


def rota_frame(shifts: list[Shift], centre: Centre, rng: np.random.Generator) -> pd.DataFrame:
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
            "start": local_times(date, start, timezone),
            "end": local_times(date, end, timezone),
        }
    )
