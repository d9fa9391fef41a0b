"""Working-time compliance of a rota: the UK Working Time Regulations and the centre's contracts.

:func:`check_rota` checks any rota (solved, edited by hand or uploaded) and returns one
:class:`Violation` per breach, each with the rule, its source, the offending span, the
measured value, the limit and a message in plain words; :func:`check_rota_frame` gives the
same as a table. The legal figures live in :class:`WorkingTimeRules`, each field with the
regulation it comes from, and the instance :data:`UK_WORKING_TIME_REGULATIONS` says when
they were checked (DOMAIN §10: the rules a tool checks should be visible and dated).

Terms
-----
shift
    A maximal run of back-to-back activities (work, break, lunch) of one agent.
working day
    The shifts of one agent starting on one local date; a shift crossing midnight belongs
    to the date it starts on. Gaps between the shifts of one working day are rest breaks.
working time
    Time in ``work`` activities. Breaks and lunches, paid or not, are rest (reg. 2 defines
    working time as time the worker is working and at the employer's disposal).
week
    Seven local days from ``week_start`` (by default the Monday on or before the first
    shift: reg. 11(8) starts a week at midnight between Sunday and Monday). The rota's
    period is the whole weeks from ``week_start`` that contain its shifts.

What is checked (limits from :class:`WorkingTimeRules`)
-------------------------------------------------------
``daily_rest`` (reg. 10(1))
    At least 11 consecutive hours without a shift in the 24 hours from the start of each
    working day (elapsed time, so across a clock change too). For one shift a day this is
    11 hours between the end of one working day and the start of the next; it also catches
    split shifts, and days longer than 13 hours. Time after the rota's last shift counts as
    rest.
``weekly_rest`` (reg. 11(1), 11(2))
    In each week the longest time without a shift is at least 24 hours; a week that fails
    passes if its 14-day period (weeks paired from ``week_start``) has two rests of 24
    hours or one of 48 hours. If the rota ends before the 14-day period does, the week is
    reported (the alternative cannot be checked).
``rest_break`` (reg. 12(1), 12(3))
    A working day longer than 6 hours (start to end, breaks included: the conservative
    reading; see :attr:`WorkingTimeRules.rest_break_day_measure`) has an uninterrupted rest
    break of at least 20 minutes (the longest time between two work pieces).
``average_weekly_hours`` (reg. 4(1), 4(3)(b))
    Working time averages at most 48 hours a week over any 17 weeks of the rota; over all
    of it if it is shorter than 17 weeks (reg. 4(4) is the nearest analogue), which the
    message says. Agents who opted out (reg. 4(1), 5) are not checked.
``night_work_hours`` (reg. 6(1), 6(5))
    Night workers (see :func:`night_workers`) work on average at most 8 hours in 24 over
    the same periods, averaged as in reg. 6(5): hours / (days − weekly rest days).
contract rules (centre and agents given)
    Per week: paid hours (work and paid breaks; the activities of unpaid break rules, such
    as lunch, are unpaid) between the contract's minimum and maximum, working days between
    its minimum and maximum; per shift: length at most ``max_shift_minutes``; between
    working days: rest at least ``min_rest_hours`` from the end of one working day to the
    start of the next (reported only where it is stricter than the daily rest of the
    Regulations); runs of working days (consecutive local dates with a shift) at most
    ``max_consecutive_working_days`` long; in each week a run of at least
    ``min_consecutive_days_off`` days off that starts in the week (it may continue into the
    next one; days after the rota's last week count as off, as they cannot be checked).
    Only agents present in the rota are checked.

Not checked: young workers (regs. 5A, 10(2), 11(3), 12(4)), night workers' 8-hour cap on
special hazards work (reg. 6(7)), annual leave, and agreements that move the reference
periods (reg. 23).

References
----------
.. [1] The Working Time Regulations 1998, SI 1998/1833, as amended.
   https://www.legislation.gov.uk/uksi/1998/1833
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from wfm.config import Centre, Contract
from wfm.data.schemas import Agent
from wfm.errors import InputError

logger = logging.getLogger(__name__)

#: Columns of :func:`check_rota_frame`.
VIOLATION_COLUMNS = (
    "agent_id",
    "rule",
    "regulation",
    "start",
    "end",
    "value",
    "limit",
    "unit",
    "message",
)

_WTR = "WTR 1998"
_SECONDS_PER_HOUR = 3600.0


def _clock_minutes(text: str) -> int:
    try:
        hours, minutes = (int(part) for part in text.split(":"))
    except ValueError:
        raise ValueError(f"not a clock time HH:MM: {text!r}") from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"not a clock time HH:MM: {text!r}")
    return hours * 60 + minutes


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

    def __post_init__(self) -> None:
        for name in ("night_start", "night_end"):
            _clock_minutes(getattr(self, name))
        if self.rest_break_day_measure not in ("span", "working"):
            raise ValueError("rest_break_day_measure must be 'span' or 'working'")
        if self.reference_period_weeks < 1:
            raise ValueError("reference_period_weeks must be at least 1")

    def regulation(self, name: str) -> str:
        """The regulation a field comes from, e.g. ``'WTR 1998 reg. 10(1)'``."""
        return f"{_WTR} {next(f for f in dataclasses.fields(self) if f.name == name).metadata['regulation']}"

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


@dataclass(frozen=True)
class Violation:
    """One breach of a rule by one agent.

    Parameters
    ----------
    agent_id
        The agent.
    rule
        Short id: ``daily_rest``, ``weekly_rest``, ``rest_break``, ``average_weekly_hours``,
        ``night_work_hours``, ``contract_min_paid_hours``, ``contract_max_paid_hours``,
        ``contract_min_days``, ``contract_max_days``, ``contract_max_shift``,
        ``contract_min_rest``, ``contract_max_consecutive_days`` or
        ``contract_consecutive_days_off``.
    regulation
        Where the rule comes from (a regulation, or the contract in the centre file).
    start, end
        The offending span (tz-aware, the rota's local time zone).
    value, limit
        What was measured and the limit it breaks, in ``unit``.
    unit
        ``hours``, ``minutes`` or ``days``.
    message
        The breach in plain words, times in local time.
    """

    agent_id: str
    rule: str
    regulation: str
    start: pd.Timestamp
    end: pd.Timestamp
    value: float
    limit: float
    unit: str
    message: str


# --- helpers ---------------------------------------------------------------------------------
def duration_text(seconds: float) -> str:
    """A duration in words, to the minute.

    >>> duration_text(39540), duration_text(39600), duration_text(900)
    ('10 h 59 min', '11 h', '15 min')
    """
    minutes = int(round(seconds / 60.0))
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    return f"{sign}{hours} h" if hours else f"{sign}{rest} min"


def _number_text(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _when(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M")


def _span_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``2025-03-04 06:00 and 14:00`` (the end's date only when it differs)."""
    end_text = end.strftime("%H:%M") if end.date() == start.date() else _when(end)
    return f"{_when(start)} and {end_text}"


def _seconds(delta: pd.Series | pd.TimedeltaIndex) -> np.ndarray:
    return np.asarray(
        pd.to_timedelta(delta).dt.total_seconds()
        if isinstance(delta, pd.Series)
        else delta.total_seconds()
    )


def _midnight(date: dt.date, timezone: str) -> pd.Timestamp:
    return pd.Timestamp(date).tz_localize(timezone, nonexistent="shift_forward", ambiguous=False)


def rota_timezone(rota: pd.DataFrame) -> str:
    """The time zone of the rota's ``start`` column (an error if it is not tz-aware)."""
    dtype = rota["start"].dtype
    if not isinstance(dtype, pd.DatetimeTZDtype):
        raise InputError(
            "the rota's start times have no time zone",
            source="rota",
            column="start",
            fix="read the rota with wfm.data.io.read_rota, or localise start and end",
        )
    return str(dtype.tz)


def _prepare(rota: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Rows sorted by agent and start, local times, with ``shift`` ids and ``day`` dates."""
    missing = [column for column in ("agent_id", "activity", "start", "end") if column not in rota]
    if missing:
        raise InputError(
            f"the rota has no column '{missing[0]}'", source="rota", fix="see docs/data-formats.md"
        )
    frame = rota[["agent_id", "activity", "start", "end"]].copy()
    frame["agent_id"] = frame["agent_id"].astype(str)
    frame["start"] = frame["start"].dt.tz_convert(timezone)
    frame["end"] = frame["end"].dt.tz_convert(timezone)
    frame = frame.sort_values(["agent_id", "start", "end"], kind="stable", ignore_index=True)
    previous_end = frame.groupby("agent_id")["end"].cummax().groupby(frame["agent_id"]).shift()
    new_shift = previous_end.isna() | (frame["start"] > previous_end)
    frame["shift"] = new_shift.cumsum() - 1
    shift_start = frame.groupby("shift")["start"].transform("min")
    frame["day"] = shift_start.dt.date
    frame["seconds"] = _seconds(frame["end"] - frame["start"])
    return frame


def label_shifts(rota: pd.DataFrame, timezone: str | None = None) -> pd.DataFrame:
    """The rota's rows with the shift each belongs to.

    Returns
    -------
    pandas.DataFrame
        ``agent_id``, ``activity``, ``start``, ``end`` (in ``timezone``, default the
        rota's), ``shift`` (id, from 0), ``day`` (local date the shift starts) and
        ``seconds`` (length [s]); sorted by agent and start.
    """
    return _prepare(rota, timezone or rota_timezone(rota))


def week_start_for(rota: pd.DataFrame, timezone: str | None = None) -> dt.date:
    """The Monday on or before the rota's first shift (local date)."""
    timezone = timezone or rota_timezone(rota)
    first = rota["start"].min().tz_convert(timezone).date()
    return first - dt.timedelta(days=first.weekday())


def shifts_table(rota: pd.DataFrame, timezone: str | None = None) -> pd.DataFrame:
    """The rota's shifts: maximal runs of back-to-back activities of one agent.

    Returns
    -------
    pandas.DataFrame
        ``agent_id``, ``shift`` (id), ``date`` (local date of the start), ``start``, ``end``
        (tz-aware, ``timezone``), ``span_seconds`` [s] and ``work_seconds`` [s], sorted by
        agent and start.
    """
    timezone = timezone or rota_timezone(rota)
    rows = _prepare(rota, timezone)
    return _shifts(rows)


def _shifts(rows: pd.DataFrame) -> pd.DataFrame:
    work = rows["seconds"].where(rows["activity"] == "work", 0.0)
    shifts = (
        rows.assign(work_seconds=work)
        .groupby("shift", sort=True)
        .agg(
            agent_id=("agent_id", "first"),
            date=("day", "first"),
            start=("start", "min"),
            end=("end", "max"),
            work_seconds=("work_seconds", "sum"),
        )
    )
    shifts["span_seconds"] = _seconds(shifts["end"] - shifts["start"])
    return shifts.reset_index()[
        ["agent_id", "shift", "date", "start", "end", "span_seconds", "work_seconds"]
    ]


def _days(rows: pd.DataFrame) -> pd.DataFrame:
    """Working days: ``agent_id``, ``day``, ``start``, ``end``, ``span_seconds``,
    ``work_seconds``, ``longest_break_seconds`` (longest time between two work pieces)."""
    work = rows[rows["activity"] == "work"]
    key = [work["agent_id"], work["day"]]
    reached = work.groupby(key)["end"].cummax().groupby(key).shift()
    gaps = (
        pd.Series(_seconds(work["start"] - reached), index=work.index).fillna(0.0).clip(lower=0.0)
    )
    longest = gaps.groupby(key).max()
    days = (
        rows.assign(work_seconds=rows["seconds"].where(rows["activity"] == "work", 0.0))
        .groupby(["agent_id", "day"], sort=True)
        .agg(start=("start", "min"), end=("end", "max"), work_seconds=("work_seconds", "sum"))
    )
    days["longest_break_seconds"] = longest.reindex(days.index).fillna(0.0).to_numpy()
    days["span_seconds"] = _seconds(days["end"] - days["start"])
    return days.reset_index()


def _night_seconds(rows: pd.DataFrame, rules: WorkingTimeRules, timezone: str) -> pd.Series:
    """Seconds of each row in night time (elapsed time, across clock changes)."""
    start_minute, end_minute = _clock_minutes(rules.night_start), _clock_minutes(rules.night_end)
    length_days = 1 if end_minute <= start_minute else 0
    local_day = pd.to_datetime(rows["start"].dt.date)
    longest = int(np.ceil(rows["seconds"].max() / 86400.0)) if len(rows) else 0
    starts = pd.DatetimeIndex(rows["start"]).as_unit("ns").asi8
    ends = pd.DatetimeIndex(rows["end"]).as_unit("ns").asi8
    total = np.zeros(len(rows))
    for offset in range(-1, longest + 1):
        night_day = local_day + pd.Timedelta(days=offset)
        opens = (night_day + pd.Timedelta(minutes=start_minute)).dt.tz_localize(
            timezone, nonexistent="shift_forward", ambiguous=False
        )
        closes = (night_day + pd.Timedelta(days=length_days, minutes=end_minute)).dt.tz_localize(
            timezone, nonexistent="shift_forward", ambiguous=False
        )
        lo = np.maximum(starts, pd.DatetimeIndex(opens).as_unit("ns").asi8)
        hi = np.minimum(ends, pd.DatetimeIndex(closes).as_unit("ns").asi8)
        total += np.clip(hi - lo, 0, None) / 1e9
    return pd.Series(total, index=rows.index)


def night_workers(
    rota: pd.DataFrame,
    rules: WorkingTimeRules = UK_WORKING_TIME_REGULATIONS,
    timezone: str | None = None,
) -> list[str]:
    """Agents who are night workers in the rota (reg. 2), by a simple documented test.

    A working day is a *night day* when at least ``rules.night_worker_min_hours`` of its
    working time falls in night time (``night_start`` to ``night_end``, local); an agent
    is a night worker when more than ``rules.night_worker_min_share`` of their working
    days are night days ("as a normal course ... on the majority of days").
    """
    timezone = timezone or rota_timezone(rota)
    rows = _prepare(rota, timezone)
    return _night_workers(rows, rules, timezone)


def _night_workers(rows: pd.DataFrame, rules: WorkingTimeRules, timezone: str) -> list[str]:
    work = rows[rows["activity"] == "work"]
    if work.empty:
        return []
    night = _night_seconds(work, rules, timezone).groupby([work["agent_id"], work["day"]]).sum()
    night_day = (night >= rules.night_worker_min_hours * _SECONDS_PER_HOUR).groupby(level=0).mean()
    return sorted(night_day[night_day > rules.night_worker_min_share].index)


def _free_spans(
    starts: np.ndarray, ends: np.ndarray, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the times in ``[lo, hi)`` outside every ``[start, end)``.

    All in nanoseconds since the epoch (int64); empty spans (length 0) are included.
    """
    inside = (ends > lo) & (starts < hi)
    order = np.argsort(starts[inside], kind="stable")
    s = np.clip(starts[inside][order], lo, hi)
    e = (
        np.maximum.accumulate(np.clip(ends[inside][order], lo, hi))
        if order.size
        else np.zeros(0, np.int64)
    )
    gap_from = np.concatenate([[lo], e])
    return gap_from, np.maximum(np.concatenate([s, [hi]]), gap_from)


def _gaps(starts: np.ndarray, ends: np.ndarray, lo: pd.Timestamp, hi: pd.Timestamp) -> np.ndarray:
    """Lengths [s] of the free spans in ``[lo, hi)`` (see :func:`_free_spans`), longest first."""
    gap_from, gap_to = _free_spans(starts, ends, lo.value, hi.value)
    return np.sort(gap_to - gap_from)[::-1] / 1e9


def _longest_gap(starts: np.ndarray, ends: np.ndarray, lo: int, hi: int) -> tuple[int, int]:
    """Start and end [ns] of the longest free span in ``[lo, hi)``."""
    gap_from, gap_to = _free_spans(starts, ends, lo, hi)
    best = int(np.argmax(gap_to - gap_from))
    return int(gap_from[best]), int(gap_to[best])


# --- the checks ------------------------------------------------------------------------------
def _daily_rest(
    shifts: pd.DataFrame, days: pd.DataFrame, rules: WorkingTimeRules
) -> list[Violation]:
    """Reg. 10(1): 11 consecutive hours' rest in the 24 hours from the start of each working day."""
    regulation = rules.regulation("daily_rest_hours")
    limit_ns = int(round(rules.daily_rest_hours * _SECONDS_PER_HOUR * 1e9))
    timezone = str(days["start"].dt.tz)
    out, seen = [], set()
    for agent, mine in shifts.groupby("agent_id", sort=True):
        starts = pd.DatetimeIndex(mine["start"]).as_unit("ns").asi8
        ends = pd.DatetimeIndex(mine["end"]).as_unit("ns").asi8
        for day_start in (
            pd.DatetimeIndex(days.loc[days["agent_id"] == agent, "start"]).as_unit("ns").asi8
        ):
            window_end = int(day_start) + 24 * 3600 * 10**9
            gap_from, gap_to = _longest_gap(starts, ends, int(day_start), window_end)
            if gap_to - gap_from >= limit_ns or (gap_from, gap_to) in seen:
                continue
            seen.add((gap_from, gap_to))
            begin, finish = (
                pd.Timestamp(value, tz="UTC").tz_convert(timezone) for value in (gap_from, gap_to)
            )
            period = pd.Timestamp(int(day_start), tz="UTC").tz_convert(timezone)
            seconds = (gap_to - gap_from) / 1e9
            out.append(
                Violation(
                    agent,
                    "daily_rest",
                    regulation,
                    begin,
                    finish,
                    seconds / _SECONDS_PER_HOUR,
                    rules.daily_rest_hours,
                    "hours",
                    f"{agent}: {duration_text(seconds)} rest between {_span_text(begin, finish)}, minimum "
                    f"{_number_text(rules.daily_rest_hours)} h in the 24 hours from {_when(period)} ({regulation})",
                )
            )
    return out


def _contract_rest(days: pd.DataFrame, contract: Contract, source: str) -> list[Violation]:
    """Contract rest: at least ``min_rest_hours`` from the end of one working day to the next."""
    out = []
    following = days.groupby("agent_id")["start"].shift(-1)
    rest = pd.Series(_seconds(following - days["end"]), index=days.index)
    bad = following.notna() & (rest < contract.min_rest_hours * _SECONDS_PER_HOUR)
    for i in days.index[bad]:
        agent, begin, finish = days.at[i, "agent_id"], days.at[i, "end"], following[i]
        out.append(
            Violation(
                agent,
                "contract_min_rest",
                source,
                begin,
                finish,
                float(rest[i] / _SECONDS_PER_HOUR),
                contract.min_rest_hours,
                "hours",
                f"{agent}: {duration_text(rest[i])} rest between {_span_text(begin, finish)}, "
                f"contract {contract.name} requires at least {_number_text(contract.min_rest_hours)} h",
            )
        )
    return out


def _rest_breaks(days: pd.DataFrame, rules: WorkingTimeRules) -> list[Violation]:
    regulation = rules.regulation("rest_break_minutes")
    measure = (
        days["span_seconds"] if rules.rest_break_day_measure == "span" else days["work_seconds"]
    )
    needs = measure > rules.rest_break_after_hours * _SECONDS_PER_HOUR
    bad = needs & (days["longest_break_seconds"] < rules.rest_break_minutes * 60.0)
    out = []
    for i in days.index[bad]:
        row = days.loc[i]
        longest = row["longest_break_seconds"]
        out.append(
            Violation(
                row["agent_id"],
                "rest_break",
                regulation,
                row["start"],
                row["end"],
                float(longest / 60.0),
                rules.rest_break_minutes,
                "minutes",
                f"{row['agent_id']}: working day between {_span_text(row['start'], row['end'])} lasts "
                f"{duration_text(measure[i])} with a longest uninterrupted break of {duration_text(longest)}, "
                f"minimum {_number_text(rules.rest_break_minutes)} min after {_number_text(rules.rest_break_after_hours)} h "
                f"({regulation})",
            )
        )
    return out


def _weekly_rest(
    shifts: pd.DataFrame, weeks: list[pd.Timestamp], rules: WorkingTimeRules
) -> list[Violation]:
    regulation = f"{_WTR} reg. 11(1), 11(2)"
    weekly, fortnightly = (
        rules.weekly_rest_hours * _SECONDS_PER_HOUR,
        rules.fortnightly_rest_hours * _SECONDS_PER_HOUR,
    )
    n_weeks = len(weeks) - 1
    out = []
    for agent, mine in shifts.groupby("agent_id", sort=True):
        starts = pd.DatetimeIndex(mine["start"]).as_unit("ns").asi8
        ends = pd.DatetimeIndex(mine["end"]).as_unit("ns").asi8
        for w in range(n_weeks):
            gaps = _gaps(starts, ends, weeks[w], weeks[w + 1])
            if gaps[0] >= weekly:
                continue
            first = w - w % 2
            if first + 2 <= n_weeks:
                pair = _gaps(starts, ends, weeks[first], weeks[first + 2])
                if pair[0] >= fortnightly or (len(pair) > 1 and pair[1] >= weekly):
                    continue
                why = (
                    f"and the 14-day period from {weeks[first].date()} has neither "
                    f"{_number_text(rules.fortnightly_rest_hours)} h nor two rests of "
                    f"{_number_text(rules.weekly_rest_hours)} h"
                )
            else:
                why = "and the rota ends before the 14-day alternative of reg. 11(2) can be checked"
            last_day = (weeks[w + 1] - pd.Timedelta(hours=1)).date()
            out.append(
                Violation(
                    agent,
                    "weekly_rest",
                    regulation,
                    weeks[w],
                    weeks[w + 1],
                    float(gaps[0] / _SECONDS_PER_HOUR),
                    rules.weekly_rest_hours,
                    "hours",
                    f"{agent}: longest uninterrupted rest in the week {weeks[w].date()} to {last_day} is "
                    f"{duration_text(gaps[0])}, minimum {_number_text(rules.weekly_rest_hours)} h, {why} ({regulation})",
                )
            )
    return out


def _reference_windows(n_weeks: int, period_weeks: int) -> list[tuple[int, int]]:
    """Week ranges ``[a, b)`` averaged over: every run of ``period_weeks`` weeks, or all."""
    if n_weeks <= period_weeks:
        return [(0, n_weeks)]
    return [(a, a + period_weeks) for a in range(n_weeks - period_weeks + 1)]


def _averages(
    days: pd.DataFrame,
    weeks: list[pd.Timestamp],
    week_of_day: pd.Series,
    rules: WorkingTimeRules,
    opted_out: Collection[str],
    night: Collection[str],
) -> list[Violation]:
    n_weeks = len(weeks) - 1
    weekly = (
        days.assign(week=week_of_day)
        .groupby(["agent_id", "week"])["work_seconds"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=range(n_weeks), fill_value=0.0)
    )
    windows = _reference_windows(n_weeks, rules.reference_period_weeks)
    short = n_weeks < rules.reference_period_weeks
    out = []
    checks = (
        # reg. 4(6): hours / weeks. reg. 6(5): hours / (days - weekly rest days), with the
        # 24 h of weekly rest of reg. 11(1) a week: 6 days per week.
        (
            "average_weekly_hours",
            rules.max_average_weekly_hours,
            f"{_WTR} reg. 4(1)",
            "a week",
            1.0,
        ),
        (
            "night_work_hours",
            rules.max_average_night_hours,
            f"{_WTR} reg. 6(1), 6(5)",
            "per 24 h",
            6.0,
        ),
    )
    for agent, hours in weekly.iterrows():
        seconds = hours.to_numpy()
        for rule, limit, regulation, per, units_per_week in checks:
            if rule == "average_weekly_hours" and agent in opted_out:
                continue
            if rule == "night_work_hours" and agent not in night:
                continue
            averages = [seconds[a:b].sum() / ((b - a) * units_per_week) for a, b in windows]
            worst = int(np.argmax(averages))
            value = averages[worst] / _SECONDS_PER_HOUR
            if value <= limit:
                continue
            a, b = windows[worst]
            weeks_text = "1 week" if b - a == 1 else f"{b - a} weeks"
            span = f"the rota's {weeks_text}" if short else f"the {weeks_text}"
            note = (
                f", shorter than the {rules.reference_period_weeks}-week reference period"
                if short
                else ""
            )
            who = f"{agent} (night worker)" if rule == "night_work_hours" else agent
            out.append(
                Violation(
                    agent,
                    rule,
                    regulation,
                    weeks[a],
                    weeks[b],
                    float(value),
                    limit,
                    "hours",
                    f"{who}: average {duration_text(value * _SECONDS_PER_HOUR)} working time {per} over {span} "
                    f"{weeks[a].date()} to {(weeks[b] - pd.Timedelta(hours=1)).date()}{note}, maximum "
                    f"{_number_text(limit)} h ({regulation})",
                )
            )
    return out


def _contract_checks(
    rows: pd.DataFrame,
    shifts: pd.DataFrame,
    days: pd.DataFrame,
    weeks: list[pd.Timestamp],
    week_of_day: pd.Series,
    centre: Centre,
    agents: Sequence[Agent],
    rules: WorkingTimeRules,
) -> list[Violation]:
    contract_of = {agent.agent_id: centre.contract(agent.contract) for agent in agents}
    unknown = sorted(set(rows["agent_id"]) - set(contract_of))
    if unknown:
        logger.warning(
            "contract rules not checked for %d agents missing from the agents file: %s",
            len(unknown),
            unknown[:5],
        )
    unpaid = {rule.activity for rule in centre.break_rules if not rule.paid}
    paid_seconds = rows["seconds"].where(~rows["activity"].isin(unpaid), 0.0)
    n_weeks = len(weeks) - 1
    day_week = pd.Series(
        week_of_day.to_numpy(), index=pd.MultiIndex.from_frame(days[["agent_id", "day"]])
    )
    row_week = day_week.reindex(pd.MultiIndex.from_frame(rows[["agent_id", "day"]])).to_numpy()
    paid = (
        pd.DataFrame({"agent_id": rows["agent_id"], "week": row_week, "paid": paid_seconds})
        .groupby(["agent_id", "week"])["paid"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=range(n_weeks), fill_value=0.0)
    )
    worked = (
        days.assign(week=week_of_day)
        .groupby(["agent_id", "week"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=range(n_weeks), fill_value=0)
    )
    out: list[Violation] = []
    for agent in sorted(set(rows["agent_id"]) & set(contract_of)):
        contract = contract_of[agent]
        source = f"contract {contract.name} (centre file)"
        for w in range(n_weeks):
            week_text = (
                f"the week {weeks[w].date()} to {(weeks[w + 1] - pd.Timedelta(hours=1)).date()}"
            )
            hours = paid.at[agent, w] / _SECONDS_PER_HOUR
            count = int(worked.at[agent, w])
            tests = (
                (
                    "contract_max_paid_hours",
                    hours > contract.max_hours_per_week + 1e-9,
                    hours,
                    contract.max_hours_per_week,
                    "hours",
                    f"{duration_text(hours * 3600)} paid",
                    "at most",
                    f"{_number_text(contract.max_hours_per_week)} h",
                ),
                (
                    "contract_min_paid_hours",
                    hours < contract.min_hours_per_week - 1e-9,
                    hours,
                    contract.min_hours_per_week,
                    "hours",
                    f"{duration_text(hours * 3600)} paid",
                    "at least",
                    f"{_number_text(contract.min_hours_per_week)} h",
                ),
                (
                    "contract_max_days",
                    count > contract.max_days_per_week,
                    count,
                    contract.max_days_per_week,
                    "days",
                    f"{count} working days",
                    "at most",
                    f"{contract.max_days_per_week}",
                ),
                (
                    "contract_min_days",
                    count < contract.min_days_per_week,
                    count,
                    contract.min_days_per_week,
                    "days",
                    f"{count} working days",
                    "at least",
                    f"{contract.min_days_per_week}",
                ),
            )
            for rule, failed, value, limit, unit, measured, bound, limit_text in tests:
                if failed:
                    out.append(
                        Violation(
                            agent,
                            rule,
                            source,
                            weeks[w],
                            weeks[w + 1],
                            float(float(value)),
                            float(limit),
                            unit,
                            f"{agent}: {measured} in {week_text}, contract {contract.name} allows {bound} {limit_text}",
                        )
                    )
        out.extend(_shift_length(shifts[shifts["agent_id"] == agent], contract, source))
        out.extend(_consecutive_days(days[days["agent_id"] == agent], weeks, contract, source))
        if contract.min_rest_hours > rules.daily_rest_hours:
            out.extend(_contract_rest(days[days["agent_id"] == agent], contract, source))
    return out


def _consecutive_days(
    days: pd.DataFrame, weeks: list[pd.Timestamp], contract: Contract, source: str
) -> list[Violation]:
    """Runs of working days longer than ``max_consecutive_working_days``, and weeks without a
    run of ``min_consecutive_days_off`` days off starting in them (days after the last week
    count as off)."""
    if days.empty:
        return []
    agent = str(days["agent_id"].iloc[0])
    ordinal = np.array([day.toordinal() for day in days["day"]], dtype=np.int64)
    order = np.argsort(ordinal, kind="stable")
    ordinal = ordinal[order]
    starts = days["start"].to_numpy()[order]
    ends = days["end"].to_numpy()[order]
    out: list[Violation] = []
    limit = contract.max_consecutive_working_days
    breaks = np.flatnonzero(np.diff(ordinal) != 1) + 1
    for first, last in zip(np.r_[0, breaks], np.r_[breaks, len(ordinal)] - 1, strict=True):
        length = int(last - first + 1)
        if length > limit:
            start, end = pd.Timestamp(starts[first]), pd.Timestamp(ends[last])
            out.append(
                Violation(
                    agent,
                    "contract_max_consecutive_days",
                    source,
                    start,
                    end,
                    float(length),
                    float(limit),
                    "days",
                    f"{agent}: {length} working days in a row from {dt.date.fromordinal(int(ordinal[first]))} to "
                    f"{dt.date.fromordinal(int(ordinal[last]))}, contract {contract.name} allows at most {limit}",
                )
            )
    run = contract.min_consecutive_days_off
    if run <= 0:
        return out
    worked = set(ordinal.tolist())
    for w in range(len(weeks) - 1):
        monday = weeks[w].date().toordinal()
        if not any(
            all(day + i not in worked for i in range(run)) for day in range(monday, monday + 7)
        ):
            week_text = (
                f"the week {weeks[w].date()} to {(weeks[w + 1] - pd.Timedelta(hours=1)).date()}"
            )
            out.append(
                Violation(
                    agent,
                    "contract_consecutive_days_off",
                    source,
                    weeks[w],
                    weeks[w + 1],
                    0.0,
                    float(run),
                    "days",
                    f"{agent}: no {run} days off in a row starting in {week_text}, contract {contract.name} "
                    f"requires {run} consecutive days off every week",
                )
            )
    return out


def _shift_length(shifts: pd.DataFrame, contract: Contract, source: str) -> list[Violation]:
    bad = shifts["span_seconds"] > contract.max_shift_minutes * 60.0
    return [
        Violation(
            row.agent_id,
            "contract_max_shift",
            source,
            row.start,
            row.end,
            float(row.span_seconds / 60.0),
            float(contract.max_shift_minutes),
            "minutes",
            f"{row.agent_id}: shift between {_span_text(row.start, row.end)} lasts {duration_text(row.span_seconds)}, "
            f"contract {contract.name} allows at most {duration_text(contract.max_shift_minutes * 60)}",
        )
        for row in shifts[bad].itertuples()
    ]


def check_rota(
    rota: pd.DataFrame,
    *,
    centre: Centre | None = None,
    agents: Sequence[Agent] | None = None,
    rules: WorkingTimeRules = UK_WORKING_TIME_REGULATIONS,
    opted_out: Collection[str] = (),
    week_start: dt.date | None = None,
) -> list[Violation]:
    """Check a rota against the working-time rules and, if given, the centre's contracts.

    Parameters
    ----------
    rota
        Columns ``agent_id``, ``activity`` (``work``, ``break``, ``lunch``), ``start`` and
        ``end`` (tz-aware), as from :func:`wfm.data.io.read_rota` or a
        :class:`~wfm.scheduling.RotaResult`; not modified.
    centre
        The centre: its time zone is used for local times, and with ``agents`` its
        contracts and break rules (which activities are unpaid) are checked too.
    agents
        The agents, for their contracts.
    rules
        The legal limits (default: the Working Time Regulations 1998).
    opted_out
        Agents who agreed in writing to work more than the 48-hour average (reg. 4(1), 5).
    week_start
        First local date of the rota's first week (a week runs 7 days from it); default the
        Monday on or before the first shift (reg. 11(8)).

    Returns
    -------
    list of Violation
        Sorted by agent, start and rule. Empty for a compliant rota. See the module
        docstring for each rule and how it is measured.

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.to_datetime(["2025-03-04 06:00", "2025-03-04 14:00", "2025-03-04 22:00",
    ...                         "2025-03-05 02:00"]).tz_localize("Europe/London")
    >>> rota = pd.DataFrame({"agent_id": ["A1", "A1"], "activity": ["work", "work"],
    ...                      "start": times[[0, 2]], "end": times[[1, 3]]})
    >>> [v.message for v in check_rota(rota)]  # a split shift: 8 h rest only
    ['A1: 8 h rest between 2025-03-04 14:00 and 22:00, minimum 11 h in the 24 hours from 2025-03-04 06:00 (WTR 1998 reg. 10(1))']

    References
    ----------
    .. [1] The Working Time Regulations 1998, SI 1998/1833, regs. 2, 4, 6, 10, 11, 12.
    """
    if rota.empty:
        return []
    rota_timezone(rota)  # an error for naive times, also when the centre names the zone
    timezone = centre.timezone if centre is not None else rota_timezone(rota)
    rows = _prepare(rota, timezone)
    shifts = _shifts(rows)
    days = _days(rows)
    first = week_start or week_start_for(rota, timezone)
    if days["day"].min() < first:
        raise InputError(
            f"the rota's first shift ({days['day'].min()}) is before the week start",
            value=str(first),
            fix="give a week start on or before the first shift, or none for the Monday before it",
        )
    week_of_day = pd.Series([(day - first).days // 7 for day in days["day"]], index=days.index)
    n_weeks = int(week_of_day.max()) + 1
    weeks = [_midnight(first + dt.timedelta(weeks=w), timezone) for w in range(n_weeks + 1)]
    night = _night_workers(rows, rules, timezone)

    violations = _daily_rest(shifts, days, rules)
    violations += _weekly_rest(shifts, weeks, rules)
    violations += _rest_breaks(days, rules)
    violations += _averages(days, weeks, week_of_day, rules, set(opted_out), set(night))
    if centre is not None and agents is not None:
        violations += _contract_checks(
            rows, shifts, days, weeks, week_of_day, centre, agents, rules
        )
    elif centre is not None:
        logger.info("no agents given: contract rules are not checked")
    violations.sort(key=lambda v: (v.agent_id, v.start, v.rule))
    logger.info("rota of %d agents: %d violations", rows["agent_id"].nunique(), len(violations))
    return violations


def violations_frame(violations: Sequence[Violation]) -> pd.DataFrame:
    """Violations as a table with columns :data:`VIOLATION_COLUMNS`."""
    frame = pd.DataFrame(
        [dataclasses.astuple(v) for v in violations], columns=list(VIOLATION_COLUMNS)
    )
    if frame.empty:
        frame = frame.astype({"value": float, "limit": float})
    return frame


def check_rota_frame(rota: pd.DataFrame, **options) -> pd.DataFrame:
    """:func:`check_rota` as a table (:data:`VIOLATION_COLUMNS`); ``options`` as there."""
    return violations_frame(check_rota(rota, **options))


__all__ = [
    "UK_WORKING_TIME_REGULATIONS",
    "VIOLATION_COLUMNS",
    "Violation",
    "WorkingTimeRules",
    "check_rota",
    "check_rota_frame",
    "duration_text",
    "label_shifts",
    "night_workers",
    "shifts_table",
    "violations_frame",
    "week_start_for",
]
