"""A rota read for checking: shifts, working days, weeks, and the :class:`Violation` record.

:func:`read_rota_view` turns any rota frame (solved, edited or uploaded) into a
:class:`RotaView` that the working-time law (:mod:`wfm.scheduling.compliance`) and each rule
plug-in (:mod:`wfm.scheduling.rules`) check; a breach is one :class:`Violation`.

Terms
-----
shift
    A maximal run of back-to-back activities (work, break, lunch) of one agent.
working day
    The shifts of one agent starting on one local date; a shift crossing midnight belongs
    to the date it starts on.
week
    Seven local days from ``week_start`` (by default the Monday on or before the first
    shift).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.errors import InputError

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

_SECONDS_PER_HOUR = 3600.0


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


def number_text(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def when_text(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M")


def span_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``2025-03-04 06:00 and 14:00`` (the end's date only when it differs)."""
    end_text = end.strftime("%H:%M") if end.date() == start.date() else when_text(end)
    return f"{when_text(start)} and {end_text}"


def seconds_of(delta: pd.Series | pd.TimedeltaIndex) -> np.ndarray:
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
            fix="read the rota with wfm.data.output_files.read_rota, or localise start and end",
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
    frame["seconds"] = seconds_of(frame["end"] - frame["start"])
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
    shifts["span_seconds"] = seconds_of(shifts["end"] - shifts["start"])
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
        pd.Series(seconds_of(work["start"] - reached), index=work.index).fillna(0.0).clip(lower=0.0)
    )
    longest = gaps.groupby(key).max()
    days = (
        rows.assign(work_seconds=rows["seconds"].where(rows["activity"] == "work", 0.0))
        .groupby(["agent_id", "day"], sort=True)
        .agg(start=("start", "min"), end=("end", "max"), work_seconds=("work_seconds", "sum"))
    )
    days["longest_break_seconds"] = longest.reindex(days.index).fillna(0.0).to_numpy()
    days["span_seconds"] = seconds_of(days["end"] - days["start"])
    return days.reset_index()


@dataclass(frozen=True)
class RotaView:
    """A rota prepared for the checks.

    Parameters
    ----------
    rows
        The activities with ``shift`` and ``day`` (see :func:`label_shifts`).
    shifts
        :func:`shifts_table` of the rota.
    days
        Working days: ``agent_id``, ``day``, ``start``, ``end``, ``span_seconds``,
        ``work_seconds``, ``longest_break_seconds``.
    weeks
        Midnights starting each week, and the one after the last [tz-aware]; ``len(weeks) - 1``
        weeks.
    week_of_day
        The week of each row of ``days``.
    contract_of
        Each agent's contract (agents missing from it are not checked against contracts).
    unpaid_activities
        Activities that are not paid (the unpaid break rules, e.g. lunch).
    daily_rest_hours
        The law's daily rest [hours], or ``None`` when no law applies: a contract rule that
        only repeats the law is not reported twice.
    shift_types
        The centre's shift types (name to start window), for the rules on shift types.
    """

    rows: pd.DataFrame
    shifts: pd.DataFrame
    days: pd.DataFrame
    weeks: list[pd.Timestamp]
    week_of_day: pd.Series
    contract_of: Mapping[str, Contract] = field(default_factory=dict)
    unpaid_activities: frozenset[str] = frozenset()
    daily_rest_hours: float | None = None
    shift_types: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    _contracted: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _days_by_agent: dict[str, pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def n_weeks(self) -> int:
        """Weeks checked."""
        return len(self.weeks) - 1

    def week_text(self, week: int) -> str:
        """``the week 2025-03-03 to 2025-03-09``."""
        last = (self.weeks[week + 1] - pd.Timedelta(hours=1)).date()
        return f"the week {self.weeks[week].date()} to {last}"

    def contracted_agents(self) -> list[str]:
        """Agents in the rota that have a contract, sorted (worked out once and kept)."""
        if self._contracted is None:
            found = sorted(set(self.rows["agent_id"].unique()) & set(self.contract_of))
            object.__setattr__(self, "_contracted", found)
        return list(self._contracted)

    def paid_seconds_by_week(self) -> pd.DataFrame:
        """Paid seconds (every activity but the unpaid ones) per agent (rows) and week
        (columns ``0 .. n_weeks - 1``) [s]."""
        rows, days = self.rows, self.days
        paid_seconds = rows["seconds"].where(~rows["activity"].isin(self.unpaid_activities), 0.0)
        day_week = pd.Series(
            self.week_of_day.to_numpy(), index=pd.MultiIndex.from_frame(days[["agent_id", "day"]])
        )
        row_week = day_week.reindex(pd.MultiIndex.from_frame(rows[["agent_id", "day"]])).to_numpy()
        return (
            pd.DataFrame({"agent_id": rows["agent_id"], "week": row_week, "paid": paid_seconds})
            .groupby(["agent_id", "week"])["paid"]
            .sum()
            .unstack(fill_value=0.0)
            .reindex(columns=range(self.n_weeks), fill_value=0.0)
        )

    def working_days_by_week(self) -> pd.DataFrame:
        """Working days per agent (rows) and week (columns ``0 .. n_weeks - 1``)."""
        return (
            self.days.assign(week=self.week_of_day)
            .groupby(["agent_id", "week"])
            .size()
            .unstack(fill_value=0)
            .reindex(columns=range(self.n_weeks), fill_value=0)
        )

    def days_of(self, agent: str) -> pd.DataFrame:
        """The working days of one agent: the rows of :attr:`days` with its ``agent_id``, in
        their order and with their index (empty for an agent with none). Do not modify it.

        The days are grouped by agent once, on the first call, and kept: filtering the whole
        table per agent and rule cost ~40 % of a check at 2,000 agents (issue 17).
        """
        if not self._days_by_agent and not self.days.empty:
            self._days_by_agent.update(iter(self.days.groupby("agent_id", sort=False)))
        found = self._days_by_agent.get(agent)
        return found if found is not None else self.days.iloc[:0]


def contract_source(contract: Contract) -> str:
    """Where a contract rule comes from, for :attr:`Violation.regulation`."""
    return f"contract {contract.name} (centre file)"


def read_rota_view(
    rota: pd.DataFrame,
    timezone: str,
    *,
    week_start: dt.date | None = None,
    contract_of: Mapping[str, Contract] | None = None,
    unpaid_activities: frozenset[str] = frozenset(),
    daily_rest_hours: float | None = None,
    shift_types: Mapping[str, tuple[int, int]] | None = None,
) -> RotaView:
    """Read ``rota`` (non-empty, tz-aware) into a :class:`RotaView` in ``timezone``.

    Raises
    ------
    InputError
        When a column is missing or ``week_start`` is after the first shift.
    """
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
    return RotaView(
        rows,
        shifts,
        days,
        weeks,
        week_of_day,
        dict(contract_of or {}),
        frozenset(unpaid_activities),
        daily_rest_hours,
        dict(shift_types or {}),
    )


def violations_frame(violations: Sequence[Violation]) -> pd.DataFrame:
    """Violations as a table with columns :data:`VIOLATION_COLUMNS`."""
    frame = pd.DataFrame(
        [dataclasses.astuple(v) for v in violations], columns=list(VIOLATION_COLUMNS)
    )
    if frame.empty:
        frame = frame.astype({"value": float, "limit": float})
    return frame
