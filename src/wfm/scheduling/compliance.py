"""Working-time compliance of a rota: the working-time law of the centre's country and its contracts.

:func:`check_rota` checks any rota (solved, edited by hand or uploaded) and returns one
:class:`Violation` per breach, each with the rule, its source, the offending span, the
measured value, the limit and a message in plain words; :func:`check_rota_frame` gives the
same as a table. The legal figures live in :mod:`wfm.scheduling.working_time_law` (each
field with the provision it comes from, and when it was checked: DOMAIN §10): the UK Working
Time Regulations for GB, the EU Working Time Directive for EU and EEA countries, and for any
other country (e.g. the US, DOMAIN §14) no law table: the contract rules alone are checked,
and :func:`rule_set_text` says so plainly. The contract rules are the registered rule
plug-ins (:mod:`wfm.scheduling.rules`), each checking its own settings.

The law's checks are described below with the UK regulation numbers; the EU Directive's
figures and articles differ where its table says (35 hours' weekly rest including the daily
11, Art. 5; a break length set nationally, 15 minutes as the floor used).

Terms
-----
Shift and working day as in :mod:`wfm.scheduling.rota_view`, and:

rest break
    A gap between the shifts of one working day.
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
contract rules (site and agents given)
    Each registered rule's :meth:`~wfm.scheduling.rules.base.Rule.check` (see the rule table
    in ``docs/scheduling.md``): per week paid hours (work and paid breaks; the activities of
    unpaid break rules, such as lunch, are unpaid) and working days; per shift its length;
    rest between working days (reported only where it is stricter than the law's daily
    rest); runs of working days and of days off; working weekends; hours over the horizon;
    shift-type sequences and counts. Only agents present in the rota are checked.

Not checked: young workers (regs. 5A, 10(2), 11(3), 12(4)), night workers' 8-hour cap on
special hazards work (reg. 6(7)), annual leave, and agreements that move the reference
periods (reg. 23).

References
----------
.. [1] The Working Time Regulations 1998, SI 1998/1833, as amended.
   https://www.legislation.gov.uk/uksi/1998/1833
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from wfm.data.schemas import Agent
from wfm.scheduling.rota_view import (
    RotaView,
    Violation,
    _prepare,
    duration_text,
    number_text,
    read_rota_view,
    rota_timezone,
    span_text,
    violations_frame,
    when_text,
)
from wfm.scheduling.rules import RULES
from wfm.scheduling.rules.shift_types import start_windows
from wfm.scheduling.site import RotaSite
from wfm.scheduling.working_time_law import (
    UK_WORKING_TIME_REGULATIONS,
    WorkingTimeRules,
    no_law_note,
    working_time_law_for,
)
from wfm.timegrid import parse_clock

logger = logging.getLogger(__name__)

_SECONDS_PER_HOUR = 3600.0

#: Marks the default of ``check_rota(law=...)``: the law of the centre's country.
_COUNTRY_LAW = object()


def _night_seconds(rows: pd.DataFrame, rules: WorkingTimeRules, timezone: str) -> pd.Series:
    """Seconds of each row in night time (elapsed time, across clock changes)."""
    start_minute, end_minute = parse_clock(rules.night_start), parse_clock(rules.night_end)
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
                    f"{agent}: {duration_text(seconds)} rest between {span_text(begin, finish)}, minimum "
                    f"{number_text(rules.daily_rest_hours)} h in the 24 hours from {when_text(period)} ({regulation})",
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
                f"{row['agent_id']}: working day between {span_text(row['start'], row['end'])} lasts "
                f"{duration_text(measure[i])} with a longest uninterrupted break of {duration_text(longest)}, "
                f"minimum {number_text(rules.rest_break_minutes)} min after {number_text(rules.rest_break_after_hours)} h "
                f"({regulation})",
            )
        )
    return out


def _weekly_rest(
    shifts: pd.DataFrame, weeks: list[pd.Timestamp], rules: WorkingTimeRules
) -> list[Violation]:
    regulation = rules.regulation("weekly_rest")
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
                    f"{number_text(rules.fortnightly_rest_hours)} h nor two rests of "
                    f"{number_text(rules.weekly_rest_hours)} h"
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
                    f"{duration_text(gaps[0])}, minimum {number_text(rules.weekly_rest_hours)} h, {why} ({regulation})",
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
            rules.regulation("average_weekly_hours"),
            "a week",
            1.0,
        ),
        (
            "night_work_hours",
            rules.max_average_night_hours,
            rules.regulation("night_work_hours"),
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
                    f"{number_text(limit)} h ({regulation})",
                )
            )
    return out


def rule_set_text(law: WorkingTimeRules | None, country: str | None = None) -> str:
    """What a check covers, in plain words, e.g. ``'UK Working Time Regulations 1998'``, or
    the note that only the contract rules are checked."""
    return law.name if law is not None else no_law_note(country)


def check_rota(
    rota: pd.DataFrame,
    *,
    site: RotaSite | None = None,
    agents: Sequence[Agent] | None = None,
    rules: WorkingTimeRules | None | object = _COUNTRY_LAW,
    opted_out: Collection[str] = (),
    week_start: dt.date | None = None,
) -> list[Violation]:
    """Check a rota against the working-time law and, if given, the centre's contracts.

    Parameters
    ----------
    rota
        Columns ``agent_id``, ``activity`` (``work``, ``break``, ``lunch``), ``start`` and
        ``end`` (tz-aware), as from :func:`wfm.data.output_files.read_rota` or a
        :class:`~wfm.scheduling.RotaResult`; not modified.
    site
        What the engine uses of the centre (:func:`wfm.scheduling.site.rota_site`): its
        time zone is used for local times, its country picks the law, and
        with ``agents`` its contracts and break rules (which activities are unpaid) are
        checked too, one registered rule at a time (:data:`wfm.scheduling.rules.RULES`).
    agents
        The agents, for their contracts.
    rules
        The legal limits. Default: the law of the centre's country
        (:func:`~wfm.scheduling.working_time_law.working_time_law_for`: the UK Working Time Regulations 1998 for GB or no country,
        the EU Working Time Directive for EU and EEA countries); ``None`` checks the contract
        rules only (a country wfm has no table for, such as the US, gets ``None`` by default).
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
    .. [2] Directive 2003/88/EC, arts. 3-8, 16.
    """
    if rota.empty:
        return []
    country = site.country if site is not None else None
    law = working_time_law_for(country) if rules is _COUNTRY_LAW else rules
    rota_timezone(rota)  # an error for naive times, also when the centre names the zone
    timezone = site.timezone if site is not None else rota_timezone(rota)
    contract_of = {}
    if site is not None and agents is not None:
        contract_of = {agent.agent_id: site.contract(agent.contract) for agent in agents}
    view = read_rota_view(
        rota,
        timezone,
        week_start=week_start,
        contract_of=contract_of,
        unpaid_activities=frozenset(rule.activity for rule in site.break_rules if not rule.paid)
        if site is not None
        else frozenset(),
        daily_rest_hours=law.daily_rest_hours if law is not None else None,
        shift_types=start_windows(site.shift_types) if site is not None else {},
    )
    violations: list[Violation] = []
    if law is not None:
        violations += law_violations(view, law, timezone, opted_out)
    else:
        logger.info("%s", rule_set_text(None, country))
    if contract_of:
        unknown = sorted(set(view.rows["agent_id"]) - set(contract_of))
        if unknown:
            logger.warning(
                "contract rules not checked for %d agents missing from the agents file: %s",
                len(unknown),
                unknown[:5],
            )
        for rule in RULES:
            violations += rule.check(view)
    elif site is not None:
        logger.info("no agents given: contract rules are not checked")
    violations.sort(key=lambda v: (v.agent_id, v.start, v.rule))
    logger.info(
        "rota of %d agents: %d violations", view.rows["agent_id"].nunique(), len(violations)
    )
    return violations


#: The ``rule`` of each breach :func:`law_violations` reports; every other breach
#: :func:`check_rota` reports is of a contract rule (:data:`wfm.scheduling.rules.RULES`).
LAW_RULES = frozenset(
    {"daily_rest", "weekly_rest", "rest_break", "average_weekly_hours", "night_work_hours"}
)


def contract_violations(violations: Sequence[Violation]) -> list[Violation]:
    """The breaches of contract rules among ``violations`` (those of the law left out).

    >>> from wfm.scheduling.rota_view import Violation
    >>> found = [Violation("A1", "rest_break", "", None, None, 0.0, 20.0, "minutes", ""),
    ...          Violation("A1", "min_rest", "", None, None, 10.0, 12.0, "hours", "")]
    >>> [v.rule for v in contract_violations(found)]
    ['min_rest']
    """
    return [violation for violation in violations if violation.rule not in LAW_RULES]


def law_violations(
    view: RotaView, law: WorkingTimeRules, timezone: str, opted_out: Collection[str] = ()
) -> list[Violation]:
    """The breaches of the working-time law ``law`` in the rota ``view``."""
    night = _night_workers(view.rows, law, timezone)
    violations = _daily_rest(view.shifts, view.days, law)
    violations += _weekly_rest(view.shifts, view.weeks, law)
    violations += _rest_breaks(view.days, law)
    violations += _averages(
        view.days, view.weeks, view.week_of_day, law, set(opted_out), set(night)
    )
    return violations


def check_rota_frame(rota: pd.DataFrame, **options) -> pd.DataFrame:
    """:func:`check_rota` as a table (:data:`VIOLATION_COLUMNS`); ``options`` as there."""
    return violations_frame(check_rota(rota, **options))


__all__ = [
    "LAW_RULES",
    "check_rota",
    "check_rota_frame",
    "contract_violations",
    "law_violations",
    "night_workers",
    "rule_set_text",
]
