"""Shift candidates and break options: every shift the rota may use in a planning week.

A *shift candidate* is one concrete shift a template allows: a local start date, a start
time and a length. A *break option* is one allowed start of one break rule inside one
candidate. Both are enumerated once per week as flat tables (one row each) so that the
model can be built from index arrays rather than nested loops.

Time is handled on the planning grid of :func:`wfm.timegrid.interval_grid`: interval starts
in local time, one every ``interval_minutes`` of *elapsed* time (the grid steps in UTC), so
a shift of ``length_minutes`` always covers ``length_minutes / interval_minutes``
consecutive grid positions, on daylight-saving days too. Shift starts and opening hours are
local wall-clock times.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import BreakRule, ShiftTemplate
from wfm.errors import ConfigError
from wfm.scheduling.site import RotaSite
from wfm.timegrid import OpeningHours, interval_grid

logger = logging.getLogger(__name__)

#: Columns of the candidate table returned by :func:`shift_candidates`.
CANDIDATE_COLUMNS = (
    "candidate",
    "template",
    "day",
    "date",
    "start_minute",
    "length_minutes",
    "paid_minutes",
    "start",
    "end",
    "first_interval",
    "n_intervals",
)

#: Columns of the break-window table returned by :func:`break_windows`.
BREAK_WINDOW_COLUMNS = (
    "candidate",
    "rule",
    "chain",
    "earliest_interval",
    "latest_interval",
    "n_intervals",
)

#: Columns of the break-option table returned by :func:`break_options`.
BREAK_OPTION_COLUMNS = (
    "option",
    "candidate",
    "rule",
    "offset_minutes",
    "first_interval",
    "n_intervals",
)


@dataclass(frozen=True)
class WeekGrid:
    """The interval grid of a planning horizon, with opening hours evaluated on it.

    Parameters
    ----------
    start_date
        First local date of the horizon.
    days
        Number of local days planned [days].
    interval_minutes
        Interval length [minutes].
    timezone
        IANA time zone of the centre.
    intervals
        Interval starts (tz-aware, local) of the horizon followed by a *spill-over* tail:
        the intervals after the horizon that a shift starting on the last day can still
        reach. Consecutive positions are ``interval_minutes`` apart in elapsed time.
    n_horizon
        Number of intervals that belong to the horizon itself (the rest is spill-over, which
        carries no requirement).
    is_open
        For each interval in ``intervals``: is the centre open for the whole interval?
    """

    start_date: dt.date
    days: int
    interval_minutes: int
    timezone: str
    intervals: pd.DatetimeIndex
    n_horizon: int
    is_open: np.ndarray

    @property
    def horizon(self) -> pd.DatetimeIndex:
        """Interval starts of the horizon proper (without the spill-over tail)."""
        return self.intervals[: self.n_horizon]

    @property
    def dates(self) -> list[dt.date]:
        """The local dates of the horizon, in order."""
        return [self.start_date + dt.timedelta(days=day) for day in range(self.days)]


def week_grid(
    site: RotaSite, start_date: dt.date, days: int = 7, spill_minutes: int | None = None
) -> WeekGrid:
    """The planning grid for ``days`` local days from ``start_date``, with opening hours.

    Parameters
    ----------
    site
        Time zone, interval length, opening hours and holidays, and the shift templates
        (for the default ``spill_minutes``).
    start_date
        First local date planned.
    days
        Horizon length [days].
    spill_minutes
        How far past the horizon end the grid extends [minutes]; default: the longest
        template length, so that a shift starting late on the last day fits.
    """
    if spill_minutes is None:
        lengths = [
            length for template in site.shift_templates for length in template.lengths_minutes
        ]
        spill_minutes = max(lengths, default=0)
    spill_days = math.ceil(spill_minutes / (24 * 60))
    horizon = interval_grid(start_date, days, site.interval_minutes, site.timezone)
    extended = interval_grid(start_date, days + spill_days, site.interval_minutes, site.timezone)
    n_spill = math.ceil(spill_minutes / site.interval_minutes)
    intervals = extended[: len(horizon) + n_spill]
    last_date = start_date + dt.timedelta(days=days + spill_days)
    opening: OpeningHours = site.opening_hours_for(range(start_date.year, last_date.year + 1))
    is_open = opening.is_open(intervals, site.interval_minutes)
    return WeekGrid(
        start_date=start_date,
        days=days,
        interval_minutes=site.interval_minutes,
        timezone=site.timezone,
        intervals=intervals,
        n_horizon=len(horizon),
        is_open=is_open,
    )


def applicable_break_rules(rules: Sequence[BreakRule], length_minutes: int) -> list[int]:
    """Indices of the break rules that apply to a shift of ``length_minutes`` [minutes].

    >>> from wfm.config import BreakRule
    >>> lunch = BreakRule(name="lunch", activity="lunch", duration_minutes=30, paid=False,
    ...                   min_shift_minutes=360, earliest_start_after_minutes=180,
    ...                   latest_start_after_minutes=300)
    >>> applicable_break_rules([lunch], 240), applicable_break_rules([lunch], 480)
    ([], [0])
    """
    return [index for index, rule in enumerate(rules) if length_minutes >= rule.min_shift_minutes]


def break_offsets_minutes(rule: BreakRule, length_minutes: int, interval_minutes: int) -> list[int]:
    """Allowed break starts [minutes after the shift start] of ``rule`` in a shift.

    Starts lie on the interval grid between ``earliest_start_after_minutes`` and
    ``latest_start_after_minutes`` (both inclusive), and the break must end before the shift
    ends (at least one interval of work follows it).

    >>> from wfm.config import BreakRule
    >>> rule = BreakRule(name="b", activity="break", duration_minutes=15, paid=True,
    ...                  earliest_start_after_minutes=60, latest_start_after_minutes=120)
    >>> break_offsets_minutes(rule, 150, 15)
    [60, 75, 90, 105, 120]
    >>> break_offsets_minutes(rule, 120, 15)
    [60, 75, 90]
    """
    first = math.ceil(rule.earliest_start_after_minutes / interval_minutes) * interval_minutes
    last = min(
        rule.latest_start_after_minutes, length_minutes - rule.duration_minutes - interval_minutes
    )
    return list(range(first, last + 1, interval_minutes))


def break_fit_problems(
    break_rules: Sequence[BreakRule],
    shift_templates: Sequence[ShiftTemplate],
    interval_minutes: int,
) -> list[tuple[str, int, str]]:
    """Break rules that cannot be placed in shifts long enough to need them.

    A rule applies to every shift at least ``min_shift_minutes`` long; it cannot be placed
    in a shift of length :math:`L` when no start on the interval grid between
    ``earliest_start_after_minutes`` and ``latest_start_after_minutes`` lets the break end
    at least one interval before the shift ends (:func:`break_offsets_minutes` is empty).

    Parameters
    ----------
    break_rules, shift_templates
        The centre's break rules and shift templates.
    interval_minutes
        Planning interval [minutes].

    Returns
    -------
    list of (str, int, str)
        ``(rule name, shift length [minutes], message)``, one per rule and length, the
        message naming the templates with shifts of that length.
    """
    problems = []
    for rule in break_rules:
        by_length: dict[int, list[str]] = {}
        for template in shift_templates:
            for length in template.lengths_minutes:
                if length >= rule.min_shift_minutes and not break_offsets_minutes(
                    rule, length, interval_minutes
                ):
                    by_length.setdefault(length, []).append(template.name)
        for length, templates in sorted(by_length.items()):
            names = ", ".join(f"'{name}'" for name in dict.fromkeys(templates))
            problems.append(
                (
                    rule.name,
                    length,
                    f"break rule '{rule.name}' applies to the {length}-minute shifts of template "
                    f"{names} (min_shift_minutes {rule.min_shift_minutes}) but has no start between "
                    f"{rule.earliest_start_after_minutes} and {rule.latest_start_after_minutes} minutes that "
                    f"ends before the shift ends, so no agent can work those shifts",
                )
            )
    return problems


def check_break_rules(
    break_rules: Sequence[BreakRule],
    shift_templates: Sequence[ShiftTemplate],
    interval_minutes: int,
    *,
    overlaps_only: bool = False,
) -> None:
    """Check that every template length can hold its breaks without overlap.

    For each shift length of each template, every applicable break rule must have at least
    one allowed start (see :func:`break_fit_problems`; skipped with ``overlaps_only``), and
    the windows of two applicable rules (from the earliest start to the latest start plus
    the duration) must not overlap: the foundation of the rota engine places breaks
    independently of one another, which is exact only then. Arguments as for
    :func:`break_fit_problems`.

    Raises
    ------
    ConfigError
        Naming the template, the length and the rules.
    """
    rules = break_rules
    if not overlaps_only:
        for _, _, message in break_fit_problems(break_rules, shift_templates, interval_minutes):
            raise ConfigError(
                message,
                column="break_rules",
                fix="raise min_shift_minutes or move the break window earlier",
            )
    for template in shift_templates:
        for length in template.lengths_minutes:
            applicable = applicable_break_rules(rules, length)
            windows = sorted(
                (
                    rules[index].earliest_start_after_minutes,
                    rules[index].latest_start_after_minutes + rules[index].duration_minutes,
                    rules[index].name,
                )
                for index in applicable
            )
            for (_, end_a, name_a), (start_b, _, name_b) in zip(windows, windows[1:], strict=False):
                if start_b < end_a:
                    raise ConfigError(
                        f"break rules '{name_a}' and '{name_b}' can overlap in the {length}-minute shifts of "
                        f"template '{template.name}': '{name_a}' may run until {end_a} minutes after the "
                        f"shift start but '{name_b}' may start at {start_b}",
                        column="break_rules",
                        fix="make the windows (earliest start to latest start plus duration) of breaks that "
                        "apply to the same shift disjoint",
                    )


def shift_candidates(
    shift_templates: Sequence[ShiftTemplate], break_rules: Sequence[BreakRule], grid: WeekGrid
) -> pd.DataFrame:
    """Every shift the centre's templates allow in the horizon of ``grid``.

    For each template, each horizon day whose weekday is in ``template.days``, each start in
    ``template.start_minutes()`` and each length in ``template.lengths_minutes``, a shift is a
    candidate when its start exists in local time and every interval it covers is open.
    A start that falls twice (the repeated hour when clocks go back) is taken at its first
    occurrence. Duplicates from overlapping templates are kept once (the first template).

    Parameters
    ----------
    shift_templates
        The centre's shift templates.
    break_rules
        The centre's break rules (unpaid breaks make ``paid_minutes``).
    grid
        The planning grid from :func:`week_grid`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CANDIDATE_COLUMNS`: ``candidate`` (0-based id, the row number),
        ``template`` (name), ``day`` (0-based day of the horizon), ``date`` (local date of
        the start), ``start_minute`` [minutes after local midnight], ``length_minutes`` and
        ``paid_minutes`` (length less unpaid applicable breaks) [minutes], ``start`` and
        ``end`` (tz-aware, local), ``first_interval`` (grid position of the start) and
        ``n_intervals`` (intervals covered).

    Raises
    ------
    ConfigError
        If a template starts off the interval grid.
    """
    interval = grid.interval_minutes
    rows: list[tuple] = []
    for template in shift_templates:
        weekdays = set(template.weekday_indices())
        starts = template.start_minutes()
        off_grid = [minute for minute in starts if minute % interval]
        if off_grid:
            raise ConfigError(
                f"shift template '{template.name}' starts at {off_grid[0] // 60:02d}:{off_grid[0] % 60:02d}, "
                f"which is not on the {interval}-minute interval grid",
                column="shift_templates",
                fix="choose earliest_start and start_step_minutes on the interval grid",
            )
        for day, date in enumerate(grid.dates):
            if date.weekday() not in weekdays:
                continue
            for start_minute in starts:
                for length in template.lengths_minutes:
                    rows.append((template.name, day, date, start_minute, length))
    frame = pd.DataFrame(
        rows, columns=["template", "day", "date", "start_minute", "length_minutes"]
    )
    if frame.empty:
        return _empty_candidates()
    frame = frame.drop_duplicates(["day", "start_minute", "length_minutes"], keep="first")

    naive = pd.to_datetime(frame["date"]) + pd.to_timedelta(frame["start_minute"], unit="min")
    # Wall-clock starts: skipped when the clock jumps over them, first occurrence when repeated.
    start = naive.dt.tz_localize(
        grid.timezone, nonexistent="NaT", ambiguous=np.ones(len(naive), dtype=bool)
    )
    exists = start.notna().to_numpy()
    grid_ns = grid.intervals.as_unit("ns").asi8
    start_ns = start.dt.as_unit("ns").astype("int64").to_numpy()
    first = np.searchsorted(grid_ns, start_ns)
    first = np.where(exists, first, -1)
    on_grid = (
        exists & (first < len(grid_ns)) & (grid_ns[np.clip(first, 0, len(grid_ns) - 1)] == start_ns)
    )
    n_intervals = (frame["length_minutes"].to_numpy() // interval).astype(np.int64)
    fits = on_grid & (first + n_intervals <= len(grid_ns))

    # A shift is allowed when every interval it covers is open: compare prefix sums.
    open_prefix = np.concatenate([[0], np.cumsum(grid.is_open.astype(np.int64))])
    safe_first = np.where(fits, first, 0)
    safe_end = np.where(fits, first + n_intervals, 0)
    all_open = fits & (open_prefix[safe_end] - open_prefix[safe_first] == n_intervals)

    frame = frame.assign(start=start, first_interval=first, n_intervals=n_intervals)[all_open]
    unpaid = {
        length: sum(
            break_rules[index].duration_minutes
            for index in applicable_break_rules(break_rules, length)
            if not break_rules[index].paid
        )
        for length in frame["length_minutes"].unique()
    }
    frame["paid_minutes"] = frame["length_minutes"] - frame["length_minutes"].map(unpaid).astype(
        np.int64
    )
    frame["end"] = frame["start"] + pd.to_timedelta(frame["length_minutes"], unit="min")
    frame["end"] = frame["end"].dt.tz_convert(grid.timezone)
    frame = frame.sort_values(["day", "start_minute", "length_minutes"], kind="stable").reset_index(
        drop=True
    )
    frame.insert(0, "candidate", np.arange(len(frame), dtype=np.int64))
    logger.debug("%d shift candidates over %d days", len(frame), grid.days)
    return frame[list(CANDIDATE_COLUMNS)]


def _empty_candidates() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=object) for column in CANDIDATE_COLUMNS})


def break_options(
    break_rules: Sequence[BreakRule], candidates: pd.DataFrame, interval_minutes: int
) -> pd.DataFrame:
    """Every allowed start of every applicable break rule in every candidate shift.

    Parameters
    ----------
    break_rules
        The centre's break rules.
    candidates
        The table from :func:`shift_candidates`.
    interval_minutes
        Planning interval [minutes].

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BREAK_OPTION_COLUMNS`: ``option`` (0-based id), ``candidate``,
        ``rule`` (index into ``break_rules``), ``offset_minutes`` (break start after
        the shift start [minutes]), ``first_interval`` (grid position of the break start)
        and ``n_intervals`` (intervals the break covers).
    """
    interval = interval_minutes
    per_length: list[tuple[int, int, int, int]] = []
    for length in sorted(candidates["length_minutes"].unique()):
        for index in applicable_break_rules(break_rules, int(length)):
            rule = break_rules[index]
            for offset in break_offsets_minutes(rule, int(length), interval):
                per_length.append((int(length), index, offset, rule.duration_minutes // interval))
    table = pd.DataFrame(
        per_length, columns=["length_minutes", "rule", "offset_minutes", "n_intervals"]
    )
    merged = candidates[["candidate", "length_minutes", "first_interval"]].merge(
        table, on="length_minutes"
    )
    merged = merged.sort_values(["candidate", "rule", "offset_minutes"], kind="stable").reset_index(
        drop=True
    )
    merged["first_interval"] = merged["first_interval"] + merged["offset_minutes"] // interval
    merged.insert(0, "option", np.arange(len(merged), dtype=np.int64))
    return merged[list(BREAK_OPTION_COLUMNS)].astype(
        {column: np.int64 for column in BREAK_OPTION_COLUMNS}
    )


def break_windows(break_options_table: pd.DataFrame) -> pd.DataFrame:
    """The window of each applicable break rule in each candidate, grouped into chains.

    A *chain* is a set of windows of one break rule with the same width, connected by
    overlaps. Within a chain the windows are translates of one another, so ordering them by
    their earliest start also orders their latest starts; this is the "no extraordinary
    overlap" condition under which the implicit break model of Bechtold and Jacobs (1990)
    is exact (see :func:`wfm.scheduling.model.add_break_placement`). Windows of different
    chains never share break variables.

    Parameters
    ----------
    break_options_table
        The table from :func:`break_options`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BREAK_WINDOW_COLUMNS`: ``candidate``, ``rule``, ``chain`` (0-based
        id), ``earliest_interval`` and ``latest_interval`` (grid positions of the earliest
        and latest allowed break start, inclusive) and ``n_intervals`` (break duration in
        intervals); sorted by chain and earliest start.
    """
    windows = (
        break_options_table.groupby(["candidate", "rule"], sort=True)
        .agg(
            earliest_interval=("first_interval", "min"),
            latest_interval=("first_interval", "max"),
            n_intervals=("n_intervals", "first"),
        )
        .reset_index()
    )
    if windows.empty:
        return pd.DataFrame({column: pd.Series(dtype=np.int64) for column in BREAK_WINDOW_COLUMNS})
    windows["width"] = windows["latest_interval"] - windows["earliest_interval"]
    windows = windows.sort_values(
        ["rule", "width", "earliest_interval", "candidate"], ignore_index=True
    )
    same_family = (windows["rule"].diff() == 0) & (windows["width"].diff() == 0)
    reach = windows.groupby(["rule", "width"])["latest_interval"].cummax().shift(1)
    new_chain = ~same_family | (windows["earliest_interval"] > reach)
    windows["chain"] = np.cumsum(new_chain.to_numpy()) - 1
    return (
        windows[list(BREAK_WINDOW_COLUMNS)]
        .astype(np.int64)
        .sort_values(["chain", "earliest_interval", "candidate"], ignore_index=True)
    )
