"""The centre file: queues and service targets, opening hours, shifts, breaks, contracts.

A centre is described in one TOML file (see ``docs/data-formats.md`` and
``data/sample/centre.toml``). It is parsed at the edge into frozen, validated models; every
field has a unit in its name and a documented default. Paths in the file are relative to
the file itself.

Why one module of over 800 lines: it is one schema, the centre file, table by table
(queues, breaks, shift templates and types, contracts, planning, scheduling and privacy
settings, ``[[sites]]``, the centre itself) with its loader. Every model is a validated description of
one TOML table, and the centre's checks tie the tables together (a contract names shift
templates and types, a break lasts whole intervals); splitting it would scatter one file
format over several modules and make ``docs/data-formats.md`` harder to keep in step with
it. The rota engine reads only the part it needs (:mod:`wfm.scheduling.site`).

Example
-------
>>> centre = load_centre("data/sample/centre.toml")  # doctest: +SKIP
>>> centre.queue("sales").service_level_target        # doctest: +SKIP
0.8
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from wfm.errors import ConfigError, InputError, show_value
from wfm.limits import MAX_OPTION_MAGNITUDE
from wfm.timegrid import (
    ALLOWED_INTERVAL_MINUTES,
    WEEKDAYS,
    OpeningHours,
    parse_clock,
    weekday_index,
)

#: Largest magnitude of any number in the centre file, as of any command-line option
#: (:data:`wfm.limits.MAX_OPTION_MAGNITUDE`): beyond it a cost is infinite to a solver and a
#: time overflows a timestamp.
MAX_CENTRE_NUMBER = MAX_OPTION_MAGNITUDE


def _clock_hhmm(minute: int) -> str:
    """``HH:MM`` of ``minute`` minutes after local midnight (1440 is ``24:00``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


class _Frozen(BaseModel):
    # NaN and infinity are refused in every number of the file (TOML has `nan` and `inf`;
    # an infinite rest was an OverflowError deep in the rota model, an infinite cost a
    # solver failure)
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*")
    @classmethod
    def _finite_magnitude(cls, value: object) -> object:
        """Every number (and every number in a list) at most :data:`MAX_CENTRE_NUMBER` in
        magnitude: the one bound of the centre file's numbers; fields have their own below."""
        for number in value if isinstance(value, tuple) else (value,):
            if (
                isinstance(number, (int, float))
                and not isinstance(number, bool)
                and abs(number) > MAX_CENTRE_NUMBER
            ):
                raise ValueError(
                    f"{number!r} is beyond any real centre: numbers in the centre file are at "
                    f"most {MAX_CENTRE_NUMBER:,.0f} in magnitude"
                )
        return value


class QueueConfig(_Frozen):
    """A queue (skill) with its service targets."""

    name: str = Field(description="Queue name as it appears in the history's `queue` column.")
    service_level_target: float = Field(
        0.8,
        gt=0,
        lt=1,
        description="Target fraction of contacts answered within the answer threshold (0.8 = 80 %).",
    )
    answer_threshold_seconds: float = Field(
        20.0, ge=0, description="The T of 'X % within T seconds' [seconds]. Not the ASA."
    )
    max_occupancy: float | None = Field(
        0.85,
        gt=0,
        le=1,
        description="Occupancy cap: offered load / productive agents at most this (fraction); none for no cap.",
    )
    asa_target_seconds: float | None = Field(
        None, gt=0, description="Optional average-speed-of-answer target [seconds]."
    )
    shrinkage_fraction: float | None = Field(
        None,
        ge=0,
        lt=1,
        description="Shrinkage for this queue; defaults to `planning.shrinkage_fraction`.",
    )
    aht_seconds: float | None = Field(
        None,
        ge=1,
        le=14400,
        description="Average handle time [seconds] to use when the history has no handle time for this queue (volume-only exports).",
    )


class BreakRule(_Frozen):
    """A break or lunch placed by the scheduler inside every shift long enough to need it.

    The scheduler chooses the break start (on the interval grid) between
    ``earliest_start_after_minutes`` and ``latest_start_after_minutes`` after the shift start,
    so break placement is part of the optimisation and coverage counts it.
    """

    name: str = Field(description="Name of the rule, e.g. 'lunch'.")
    activity: Literal["break", "lunch"] = Field(description="Rota activity written for it.")
    duration_minutes: int = Field(
        gt=0, description="Length of the break [minutes]; a multiple of the interval length."
    )
    paid: bool = Field(
        description="Whether the break counts towards paid hours (lunches usually do not)."
    )
    min_shift_minutes: int = Field(
        0, ge=0, description="The break is placed in every shift at least this long [minutes]."
    )
    earliest_start_after_minutes: int = Field(
        ge=0, description="Earliest break start after the shift start [minutes]."
    )
    latest_start_after_minutes: int = Field(
        ge=0, description="Latest break start after the shift start [minutes]."
    )

    @model_validator(mode="after")
    def _window(self) -> BreakRule:
        if self.latest_start_after_minutes < self.earliest_start_after_minutes:
            raise ValueError(
                f"break rule '{self.name}': latest_start_after_minutes ({self.latest_start_after_minutes}) "
                f"is before earliest_start_after_minutes ({self.earliest_start_after_minutes})"
            )
        return self


class ShiftTemplate(_Frozen):
    """Which shifts may be worked: days, start window, start step and lengths."""

    name: str = Field(description="Name of the template, e.g. 'early'.")
    days: tuple[str, ...] = Field(
        ("mon", "tue", "wed", "thu", "fri"),
        description="Weekdays on which the shift may start (mon..sun).",
    )
    earliest_start: str = Field(description="Earliest start, local time HH:MM.")
    latest_start: str = Field(
        description="Latest start, local time HH:MM (may be before the earliest for a window over midnight)."
    )
    start_step_minutes: int = Field(
        30, gt=0, description="Starts every this many minutes [minutes]."
    )
    lengths_minutes: tuple[int, ...] = Field(
        description="Shift lengths from start to end, unpaid lunch included [minutes]."
    )

    @field_validator("days")
    @classmethod
    def _days(cls, days: tuple[str, ...]) -> tuple[str, ...]:
        for day in days:
            weekday_index(day)
        return days

    @field_validator("earliest_start", "latest_start")
    @classmethod
    def _clock(cls, text: str) -> str:
        parse_clock(text)
        return text

    @field_validator("lengths_minutes")
    @classmethod
    def _lengths(cls, lengths: tuple[int, ...]) -> tuple[int, ...]:
        if not lengths or any(length <= 0 or length > 16 * 60 for length in lengths):
            raise ValueError("shift lengths must be between 1 and 960 minutes")
        return lengths

    def start_minutes(self) -> list[int]:
        """Allowed start times [minutes after local midnight], in order from the earliest."""
        earliest, latest = parse_clock(self.earliest_start), parse_clock(self.latest_start)
        span = (latest - earliest) % (24 * 60)
        return [
            (earliest + step) % (24 * 60) for step in range(0, span + 1, self.start_step_minutes)
        ]

    def weekday_indices(self) -> list[int]:
        """Weekday indices 0 (Monday) .. 6 (Sunday) on which the shift may start."""
        return sorted({weekday_index(day) for day in self.days})


class ShiftType(_Frozen):
    """A kind of shift by its start time (early, late, night), for the rules on shift types."""

    name: str = Field(description="Name of the shift type, e.g. 'night'.")
    start_from: str = Field(description="Earliest local start time HH:MM of a shift of this type.")
    start_until: str = Field(
        description="Latest local start time HH:MM (may be before start_from for a window over midnight)."
    )

    @field_validator("start_from", "start_until")
    @classmethod
    def _clock(cls, text: str) -> str:
        parse_clock(text)
        return text

    def includes(self, start_minute: int) -> bool:
        """Whether a shift starting ``start_minute`` minutes after local midnight is of this type.

        >>> ShiftType(name="night", start_from="21:00", start_until="03:00").includes(22 * 60)
        True
        """
        first, last = parse_clock(self.start_from), parse_clock(self.start_until)
        if first <= last:
            return first <= start_minute <= last
        return start_minute >= first or start_minute <= last


#: Hours in a week: the most a contract's weekly hours or rest can be [hours].
HOURS_PER_WEEK = 168


class Contract(_Frozen):
    """Hours and days an agent on this contract works in a week."""

    name: str = Field(description="Contract name, referenced from the agents CSV.")
    min_hours_per_week: float = Field(
        0.0, ge=0, le=HOURS_PER_WEEK, description="Minimum paid hours in the week [hours]."
    )
    max_hours_per_week: float = Field(
        48.0, gt=0, le=HOURS_PER_WEEK, description="Maximum paid hours in the week [hours]."
    )
    min_days_per_week: int = Field(0, ge=0, le=7, description="Minimum working days in the week.")
    max_days_per_week: int = Field(5, ge=0, le=7, description="Maximum working days in the week.")
    max_shift_minutes: int = Field(
        600, gt=0, description="Longest shift, unpaid lunch included [minutes]."
    )
    min_rest_hours: float = Field(
        11.0,
        ge=0,
        le=HOURS_PER_WEEK,
        description="Minimum rest between the end of one shift and the next [hours].",
    )
    cost_per_paid_hour: float = Field(
        1.0, ge=0, description="Cost of one paid hour, in the centre's cost unit."
    )
    max_consecutive_working_days: int = Field(
        6,
        ge=1,
        description="Most working days in a row [days], also across the week boundary; 6 gives one day off in every "
        "seven, within the Working Time Regulations' 24 hours' weekly rest.",
    )
    min_consecutive_days_off: int = Field(
        2,
        ge=0,
        le=7,
        description="Every week (each 7 days from the start date) has a run of at least this many days off in a row "
        "[days], which may continue into the next week; 0 turns the rule off.",
    )

    shift_templates: tuple[str, ...] = Field(
        (),
        description="Names of the shift templates this contract's agents may work; empty (the default) allows "
        "every template. E.g. ['early', 'late'] keeps full-time agents off the part-time templates.",
    )
    shift_lengths_minutes: tuple[int, ...] = Field(
        (),
        description="Shift lengths this contract's agents may work [minutes], start to end, unpaid lunch "
        "included; empty (the default) allows every length of the allowed templates.",
    )
    max_working_weekends: int | None = Field(
        None,
        ge=0,
        description="Most weekends (a Saturday and the Sunday after it) with a shift starting on either day over "
        "the horizon [weekends], hard; none (the default) for no limit.",
    )
    min_hours_per_horizon: float | None = Field(
        None,
        ge=0,
        description="Minimum paid hours over the whole horizon [hours], besides the weekly minimum; none for none.",
    )
    max_hours_per_horizon: float | None = Field(
        None,
        gt=0,
        description="Maximum paid hours over the whole horizon [hours], besides the weekly maximum; none for none.",
    )
    min_consecutive_working_days: int = Field(
        1,
        ge=1,
        le=7,
        description="Every run of working days is at least this long [days] (the horizon read as a repeating "
        "pattern, as for max_consecutive_working_days); 1 turns the rule off.",
    )
    min_days_off_run_length: int = Field(
        1,
        ge=1,
        le=7,
        description="Every run of days off between two working days is at least this long [days] (no single "
        "day off when 2), besides the weekly run of min_consecutive_days_off; 1 turns the rule off.",
    )
    max_shifts_per_type: tuple[tuple[str, int], ...] = Field(
        (),
        description="Most shifts of each shift type over the horizon [shifts], e.g. {night = 3}; the types are "
        "the centre's [[shift_types]].",
    )
    forbidden_shift_sequences: tuple[tuple[str, str], ...] = Field(
        (),
        description="Pairs of shift types that may not be worked on consecutive days, first then second, e.g. "
        "[['night', 'early']]; the types are the centre's [[shift_types]].",
    )

    max_start_times_per_week: int | None = Field(
        None,
        ge=1,
        description="Most different local start times (HH:MM) of an agent's shifts in each calendar week, hard; 1 "
        "keeps an agent's start time the same all week. None (the default) for no limit.",
    )
    extra_start_time_cost: float = Field(
        0.0,
        ge=0,
        description="Soft version: cost of each different start time beyond the first in an agent's week (cost "
        "units); 0 (the default) turns it off.",
    )

    rotation_weeks: int | None = Field(
        None,
        ge=1,
        le=52,
        description="A rotation repeating every N weeks [weeks], hard: each agent's week k is the same as week "
        "k + N (the same shifts on the same weekdays), so over a longer horizon the team works a fixed rotating "
        "pattern; the pattern itself is chosen by the optimisation. None (the default) for no rotation.",
    )

    @field_validator("max_shifts_per_type", mode="before")
    @classmethod
    def _type_limits(cls, value):
        # A TOML table {night = 3} becomes sorted (name, count) pairs: a contract stays hashable.
        return tuple(sorted(value.items())) if isinstance(value, dict) else value

    def shift_type_limits(self) -> dict[str, int]:
        """``max_shifts_per_type`` as ``{type name: most shifts}``."""
        return dict(self.max_shifts_per_type)

    @model_validator(mode="after")
    def _ranges(self) -> Contract:
        if self.max_hours_per_week < self.min_hours_per_week:
            raise ValueError(
                f"contract '{self.name}': max_hours_per_week is below min_hours_per_week"
            )
        if self.max_days_per_week < self.min_days_per_week:
            raise ValueError(
                f"contract '{self.name}': max_days_per_week is below min_days_per_week"
            )
        if (
            self.min_hours_per_horizon is not None
            and self.max_hours_per_horizon is not None
            and self.max_hours_per_horizon < self.min_hours_per_horizon
        ):
            raise ValueError(
                f"contract '{self.name}': max_hours_per_horizon is below min_hours_per_horizon"
            )
        if any(count < 0 for _, count in self.max_shifts_per_type):
            raise ValueError(f"contract '{self.name}': max_shifts_per_type must be 0 or more")
        return self


class PlanningSettings(_Frozen):
    """What to plan: horizon, forecast model and shrinkage."""

    start_date: dt.date | None = Field(
        None, description="First local date planned; default: the Monday after the history ends."
    )
    horizon_days: int = Field(7, ge=1, le=366, description="Days to forecast and schedule [days].")
    forecast_model: str = Field(
        "auto", description="Forecast model name (see `wfm forecast --help`), or 'auto'."
    )
    shrinkage_fraction: float = Field(
        0.30,
        ge=0,
        lt=1,
        description="Share of scheduled time not available for contacts and not placed in the rota "
        "(absence, training, meetings; breaks and lunches are placed by the scheduler and are not part of it).",
    )


#: Most solver threads a rota may use: more than any machine wfm runs on has cores; HiGHS
#: starts every thread it is given, and 100,000 of them never finished (the --threads
#: option has the same range, wfm.cli.common.option_ranges).
MAX_SOLVER_THREADS = 1024


class SchedulingSettings(_Frozen):
    """Objective weights and solver controls for the rota."""

    under_staffing_cost_per_agent_hour: float = Field(
        10.0, ge=0, description="Penalty for each agent-hour below the requirement (cost units)."
    )
    over_staffing_cost_per_agent_hour: float = Field(
        0.5,
        ge=0,
        description="Penalty for each agent-hour above the requirement, on top of paid-hour cost (cost units).",
    )
    time_limit_seconds: float = Field(
        45.0,
        gt=0,
        description="CPU-time limit of the whole rota search, model building included [seconds of "
        "the searching thread's CPU time, not wall time]: a safety net (the search stops on deterministic "
        "work budgets first, so a rerun gives the same rota); when it fires, the summary says so "
        "and the rota depends on the limit and the machine's speed, not on its load.",
    )
    relative_gap: float = Field(
        0.01,
        ge=0,
        lt=1,
        description="Stop when (objective - bound) / objective is at most this (fraction).",
    )
    threads: int = Field(
        1,
        ge=1,
        le=MAX_SOLVER_THREADS,
        description="Solver threads, 1 to 1024; 1 makes a rota reproducible.",
    )
    rolling_horizon_above_pairs: int = Field(
        250_000,
        ge=0,
        description="A rota of several weeks whose one model would have more agent-shift pairs than this "
        "(agents x allowed shifts over the horizon) is solved week by week, each agent's rest, working days "
        "in a row and horizon budgets carried over (docs/scheduling.md, 'Long horizons: the rolling "
        "horizon'); 0 always rolls.",
    )
    seed: int = Field(0, ge=0, description="Solver random seed, for a reproducible rota.")
    preference_cost: float = Field(
        2.0,
        ge=0,
        description="Penalty for each shift that breaks an agent's preference, times its weight (cost units).",
    )
    fairness_cost: float = Field(
        0.0,
        ge=0,
        description="Penalty per weekend day and per late shift of the agent who has the most of them in the horizon "
        "(cost units per shift); spreads weekends and late shifts evenly. 0 (the default) turns it off.",
    )
    late_shift_end: str = Field(
        "20:00",
        description="A shift is late when it ends at or after this local time HH:MM, or on a later day than it starts.",
    )
    objective: Literal["cover_requirement", "weekly_service_level"] = Field(
        "cover_requirement",
        description="What the rota aims at: 'cover_requirement' prices agents below and above each interval's requirement; "
        "'weekly_service_level' meets each queue's service-level target over the week, with a floor in every interval, "
        "at the least paid-hour cost (see docs/scheduling-modes.md).",
    )
    weekly_service_level_floor_fraction: float = Field(
        0.5,
        ge=0,
        lt=1,
        description="With objective 'weekly_service_level': service level every interval with contacts must reach "
        "(fraction; 0.5 = 50 % answered within the threshold).",
    )
    service_level_shortfall_cost_per_contact: float = Field(
        1000.0,
        gt=0,
        description="With objective 'weekly_service_level': penalty for each contact below the weekly target or an "
        "interval's floor that is not answered within the threshold (cost units per contact).",
    )
    change_cost_per_shift: float = Field(
        4.0,
        ge=0,
        description="Re-optimisation (`wfm reoptimise`): penalty for each agent and day whose shift differs from the "
        "published rota, added, removed or moved (cost units per changed shift).",
    )
    change_cost_per_break: float = Field(
        1.0,
        ge=0,
        description="Re-optimisation (`wfm reoptimise`): penalty for each published break or lunch of a kept shift "
        "that moves to another time (cost units per moved break).",
    )

    @field_validator("late_shift_end")
    @classmethod
    def _late_clock(cls, text: str) -> str:
        parse_clock(text)
        return text


class PrivacySettings(_Frozen):
    """How long personal data is kept in the store (see ``docs/privacy.md``)."""

    agent_state_retention_days: float = Field(
        90.0,
        gt=0,
        le=36_600,  # a hundred years; a timestamp that far back overflows
        description="Agent state events are kept this many days after they end [days]; `wfm privacy purge --centre` "
        "and the app's 'Purge now' delete older ones.",
    )


class Site(_Frozen):
    """A site of a multi-site centre: its own time zone, opening hours, agents and contracts.

    A centre with ``[[sites]]`` is planned as staffing groups (:mod:`wfm.plan.groups`): agents
    who share no queue are scheduled in separate models, and sites whose agents share a queue
    (a virtual queue served from several sites) are scheduled together. Every field left out
    is the centre's.
    """

    name: str = Field(description="Site name, e.g. 'leeds'; unique in the centre.")
    timezone: str | None = Field(
        None, description="IANA time zone of the site; default: the centre's `timezone`."
    )
    country: str | None = Field(
        None, description="Country code for the site's national holidays; default: the centre's."
    )
    subdivision: str | None = Field(
        None,
        description="Holiday subdivision of the site; default: the centre's for a site in the "
        "centre's country, none for a site in another.",
    )
    opening_hours: dict[str, str] | None = Field(
        None,
        description="Local opening hours of the site per weekday ('HH:MM-HH:MM' or 'closed'); "
        "default: the centre's.",
    )
    close_on_holidays: bool | None = Field(
        None, description="Whether the site closes on its national holidays; default: the centre's."
    )
    queues: tuple[str, ...] = Field(
        min_length=1,
        description="Names of the centre's queues this site serves; a queue named by several "
        "sites is a virtual queue, planned with all of them together.",
    )
    agents: Path = Field(
        description="The site's agents CSV (agent_id, name, team, contract, queues), relative to "
        "the centre file; agent ids are unique across sites."
    )
    agents_sheet: str | None = Field(
        None, description="Sheet of an .xlsx agents file to read; the first sheet if none."
    )
    availability: Path | None = Field(
        None, description="The site's availability and time off CSV; none for none."
    )
    preferences: Path | None = Field(
        None, description="The site's shift preferences CSV; none for none."
    )
    contracts: tuple[Contract, ...] = Field(
        (), description="The site's contracts; empty (the default) for the centre's."
    )
    shift_templates: tuple[ShiftTemplate, ...] = Field(
        (), description="The site's shift templates (local time); empty for the centre's."
    )
    break_rules: tuple[BreakRule, ...] = Field(
        (), description="The site's break and lunch rules; empty for the centre's."
    )


_PER_SITE_KEYS = (
    ("agents", "agents", " and every command that reads the centre's agents", ""),
    (
        "availability",
        "availability",
        " and the day's re-plan",
        " (times without an offset are the site's local time)",
    ),
    ("preferences", "shift preferences", "", ""),
)
"""The files a centre with ``[[sites]]`` names per site (:class:`Site`) instead of once:
key, what the file holds, which commands besides ``wfm plan`` would ignore the centre's,
and a note for the fix. The centre's own is refused: each site's replaces it, silently."""


def _holiday_code(country: str | None, subdivision: str | None) -> str | None:
    """``country`` unchanged if the holidays package has its calendar (and ``subdivision``'s);
    a ``ValueError`` pydantic turns into the file and key otherwise. Empty: no holidays."""
    if not country or not country.strip():
        return country
    from wfm.holiday_countries import check_holiday_country

    try:
        check_holiday_country(country, subdivision)
    except InputError as error:
        raise ValueError(f"{error.problem}; {error.fix}") from None
    return country


def _same_country(site_country: str | None, centre_country: str | None) -> bool:
    """Whether a site's ``country`` (``None``: the centre's) is the centre's own."""
    if site_country is None:
        return True
    return site_country.strip().upper() == (centre_country or "").strip().upper()


def _named(items, name: str, what: str, column: str):
    """The item of ``items`` whose ``name`` is ``name``; a ConfigError listing the names if none."""
    for item in items:
        if item.name == name:
            return item
    raise ConfigError(
        f"no {what} named '{name}'", column=column, fix=f"use one of {[i.name for i in items]}"
    )


class Centre(_Frozen):
    """A contact centre: everything needed to plan it, read from the centre TOML file."""

    name: str = Field("Contact centre", description="Display name.")
    timezone: str = Field(description="IANA time zone of the site, e.g. 'Europe/London'.")
    country: str | None = Field(
        None,
        description="Country code for national holidays from the `holidays` package (e.g. 'GB'); none for no holidays.",
    )
    subdivision: str | None = Field(
        None, description="Holiday subdivision, e.g. 'ENG' for England."
    )
    interval_minutes: int = Field(
        15, description="Planning interval [minutes]: 5, 6, 10, 15, 20, 30 or 60."
    )
    history: Path | None = Field(
        None, description="Interval history CSV, relative to the centre file."
    )
    history_sheet: str | None = Field(
        None, description="Sheet of an .xlsx history to read; the first sheet if none."
    )
    aht_profile: Path | None = Field(
        None,
        description="AHT profile CSV (weekday, time, aht_seconds[, queue]) for queues whose history has no handle time, relative to the centre file.",
    )
    agents: Path | None = Field(
        None,
        description="Agents CSV (agent_id, name, team, contract, queues), relative to the centre file.",
    )
    agents_sheet: str | None = Field(
        None, description="Sheet of an .xlsx agents file to read; the first sheet if none."
    )
    agent_states: Path | None = Field(
        None, description="Agent state events CSV, relative to the centre file."
    )
    availability: Path | None = Field(
        None,
        description="Agent availability and time off CSV (agent_id, start, end, kind), relative to the centre file; "
        "a centre with [[sites]] names it in each site instead.",
    )
    preferences: Path | None = Field(
        None,
        description="Agent shift preferences CSV (agent_id, kind, value, weight), relative to the centre file.",
    )
    shift_demand: Path | None = Field(
        None,
        description="Agents wanted per day and shift type CSV (day, shift_type, agents), relative to the "
        "centre file: the rota covers it, priced like under-cover, besides (or instead of) the interval "
        "requirements; none for none.",
    )
    opening_hours: dict[str, str] = Field(
        default_factory=lambda: {
            day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
        description="Local opening hours per weekday: 'HH:MM-HH:MM' or 'closed'; a missing day is closed. "
        "Opening and closing times on the interval grid (an interval is open only when all of it is).",
    )
    close_on_holidays: bool = Field(
        True, description="Whether the centre is closed on national holidays."
    )
    queues: tuple[QueueConfig, ...] = Field(
        min_length=1, description="Queues with their service targets."
    )
    shift_templates: tuple[ShiftTemplate, ...] = Field(
        default=(), description="Shifts the scheduler may use."
    )
    break_rules: tuple[BreakRule, ...] = Field(
        default=(), description="Breaks and lunches placed inside shifts."
    )
    contracts: tuple[Contract, ...] = Field(
        default=(), description="Contracts referenced by agents."
    )
    shift_types: tuple[ShiftType, ...] = Field(
        default=(),
        description="Kinds of shift by start window (early, late, night), for the contracts' "
        "max_shifts_per_type and forbidden_shift_sequences.",
    )
    planning: PlanningSettings = Field(default_factory=PlanningSettings)
    scheduling: SchedulingSettings = Field(default_factory=SchedulingSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    cluster: str | None = Field(
        None,
        description="Dask scheduler for fanned-out work (tcp://HOST:8786, or local:N); "
        "--cluster and $WFM_DASK_SCHEDULER come first; none runs on this machine "
        "(docs/scaling.md).",
    )
    sites: tuple[Site, ...] = Field(
        default=(),
        description="Sites of a multi-site centre, each with its own time zone, opening hours, "
        "queues, agents and contracts (docs/data-formats.md, 'Sites'); empty for one site.",
    )
    base_dir: Path = Field(
        Path("."), exclude=True, description="Folder the centre file's paths are relative to."
    )

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {name!r}; use an IANA name such as 'Europe/London'"
            ) from None
        return name

    @field_validator("country")
    @classmethod
    def _country(cls, country: str | None) -> str | None:
        return _holiday_code(country, None)

    @field_validator("subdivision")
    @classmethod
    def _subdivision(cls, subdivision: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")
        if country and subdivision is not None:
            _holiday_code(country, subdivision)
        return subdivision

    @field_validator("interval_minutes")
    @classmethod
    def _interval(cls, minutes: int) -> int:
        if minutes not in ALLOWED_INTERVAL_MINUTES:
            raise ValueError(f"interval_minutes must be one of {ALLOWED_INTERVAL_MINUTES}")
        return minutes

    @field_validator("opening_hours")
    @classmethod
    def _opening(cls, spec: dict[str, str]) -> dict[str, str]:
        try:
            OpeningHours.from_strings(spec)
        except InputError as error:  # pydantic then names the file and the key
            value = f" (value: {show_value(error.value)})" if error.value is not None else ""
            raise ValueError(f"{error.problem}{value}; {error.fix or ''}".rstrip("; ")) from None
        return spec

    @model_validator(mode="after")
    def _references(self) -> Centre:
        names = [queue.name for queue in self.queues]
        if len(set(names)) != len(names):
            raise ValueError(f"queue names must be unique, got {names}")
        contract_names = [contract.name for contract in self.contracts]
        if len(set(contract_names)) != len(contract_names):
            raise ValueError(f"contract names must be unique, got {contract_names}")
        for rule in self.break_rules:
            if rule.duration_minutes % self.interval_minutes:
                raise ValueError(
                    f"break rule '{rule.name}': duration_minutes {rule.duration_minutes} is not a multiple of "
                    f"interval_minutes {self.interval_minutes}"
                )
        template_names = {template.name for template in self.shift_templates}
        type_names = {shift_type.name for shift_type in self.shift_types}
        for contract in self.contracts:
            unknown = sorted(set(contract.shift_templates) - template_names)
            if unknown:
                raise ValueError(
                    f"contract '{contract.name}': shift_templates names {unknown}, which are not shift templates "
                    f"of the centre; use some of {sorted(template_names)}"
                )
            named = set(contract.shift_type_limits()) | {
                name for pair in contract.forbidden_shift_sequences for name in pair
            }
            unknown = sorted(named - type_names)
            if unknown:
                raise ValueError(
                    f"contract '{contract.name}': shift type {unknown} is not among the centre's shift_types "
                    f"{sorted(type_names)}; add [[shift_types]] with a start window for it"
                )
        self._check_sites()
        # a site is checked as its own centre (_check_sites), with its own opening hours
        self._check_hours_on_grid("opening_hours", self.opening_hours)
        for template in self.shift_templates:
            for length in template.lengths_minutes:
                if length % self.interval_minutes:
                    raise ValueError(
                        f"shift template '{template.name}': length {length} min is not a multiple of "
                        f"interval_minutes {self.interval_minutes}"
                    )
        return self

    def _check_hours_on_grid(self, where: str, spec: dict[str, str]) -> None:
        """Opening and closing times on the interval grid: an interval is open only when all of
        it is (:meth:`OpeningHours.is_open`), so a close at 21:05 on a 15-minute grid would
        silently drop the 21:00 interval and its contacts."""
        step = self.interval_minutes
        hours = OpeningHours.from_strings(spec).minutes_by_weekday
        for day, (open_minute, close_minute) in sorted(hours.items()):
            for what, minute in (("opening", open_minute), ("closing", close_minute)):
                if minute % step:
                    before, after = minute - minute % step, minute - minute % step + step
                    raise ValueError(
                        f"{where}: {what} time {_clock_hhmm(minute)} on {WEEKDAYS[day]} is not on "
                        f"the {step}-minute interval grid (interval_minutes {step}): an interval is "
                        f"open only when all of it is, so {_clock_hhmm(before)}-{_clock_hhmm(after)} "
                        f"would be planned as closed and its contacts left out; write "
                        f"{_clock_hhmm(before)} or {_clock_hhmm(after)}, or plan in intervals that "
                        "divide it"
                    )

    def _check_sites(self) -> None:
        site_names = [site.name for site in self.sites]
        if len(set(site_names)) != len(site_names):
            raise ValueError(f"site names must be unique, got {site_names}")
        for key, what, also, note in _PER_SITE_KEYS:
            value = getattr(self, key)
            if self.sites and value is not None:
                raise ValueError(
                    f"a centre with [[sites]] names its {what} per site: the centre's "
                    f'`{key} = "{value}"` would be ignored by `wfm plan`{also}; move '
                    f"`{key}` into each [[sites]] entry{note}"
                )
        for site in self.sites:
            try:
                self.site_centre(site.name)
            except ConfigError as error:
                raise ValueError(f"site '{site.name}': {error.problem}") from None
            except ValidationError as error:
                first = error.errors()[0]
                key = ".".join(str(part) for part in first["loc"])
                message = str(first["msg"]).removeprefix("Value error, ")
                where = f"{key}: " if key else ""  # a whole-model check has no key
                raise ValueError(f"site '{site.name}': {where}{message}") from None

    def site(self, name: str) -> Site:
        """The site called ``name``."""
        return _named(self.sites, name, "site", "sites")

    def site_centre(self, name: str) -> Centre:
        """One site as a centre of its own: the site's time zone, opening hours, holidays,
        queues, agents and contracts, and the centre's targets and settings for the rest."""
        site = self.site(name)
        queues = tuple(self.queue(queue) for queue in site.queues)
        data = self.model_dump(exclude={"sites", "base_dir"})
        data.update(
            name=f"{self.name} / {site.name}",
            queues=[queue.model_dump() for queue in queues],
            agents=site.agents,
            agents_sheet=site.agents_sheet,
            availability=site.availability,
            preferences=site.preferences,
        )
        for key in ("timezone", "country", "subdivision", "opening_hours", "close_on_holidays"):
            if getattr(site, key) is not None:
                data[key] = getattr(site, key)
        if site.subdivision is None and not _same_country(site.country, self.country):
            # the centre's subdivision is one of the centre's country (England of GB): a
            # site in another country does not inherit it
            data["subdivision"] = None
        for key in ("contracts", "shift_templates", "break_rules"):
            if getattr(site, key):
                data[key] = [item.model_dump() for item in getattr(site, key)]
        return Centre.model_validate({**data, "base_dir": self.base_dir})

    # --- convenience -------------------------------------------------------------------
    def queue(self, name: str) -> QueueConfig:
        """The queue called ``name``."""
        return _named(self.queues, name, "queue", "queues")

    def contract(self, name: str) -> Contract:
        """The contract called ``name``."""
        return _named(self.contracts, name, "contract", "contracts")

    def shrinkage_for(self, queue_name: str) -> float:
        """Shrinkage fraction for a queue (its own, else the planning default)."""
        own = self.queue(queue_name).shrinkage_fraction
        return self.planning.shrinkage_fraction if own is None else own

    def resolve(self, path: Path | None) -> Path | None:
        """A path from the centre file, made absolute against the file's folder."""
        if path is None:
            return None
        return path if path.is_absolute() else (self.base_dir / path)

    def holiday_dates(self, years) -> dict[dt.date, str]:
        """National holidays {local date: name} for ``years`` (empty without a country)."""
        if not self.country:
            return {}
        import holidays

        calendar = holidays.country_holidays(
            self.country, subdiv=self.subdivision, years=list(years)
        )
        return dict(calendar.items())

    def opening_hours_for(self, years=()) -> OpeningHours:
        """Opening hours, closed on national holidays when ``close_on_holidays`` is set."""
        hours = OpeningHours.from_strings(self.opening_hours)
        if self.close_on_holidays and years:
            hours = hours.with_closed_dates(self.holiday_dates(years))
        return hours


def load_centre(path: str | Path) -> Centre:
    """Read and validate a centre TOML file.

    Raises
    ------
    ConfigError
        When the file is missing, is not TOML, or a field is missing or out of range; the
        message names the file, the key path and the fix.
    """
    from wfm.toml_files import read_toml_file

    path = Path(path)
    raw = read_toml_file(
        path,
        what="centre file",
        missing_fix="check the path, or run `wfm sample -o DIR` for an example",
    )
    return parse_centre(raw, source=str(path), base_dir=path.parent)


def parse_centre(raw: dict, source: str = "centre file", base_dir: Path = Path(".")) -> Centre:
    """Validate a centre given as a dict (as parsed from TOML or built in the app)."""
    data = dict(raw.get("centre", {}))
    for key, value in raw.items():
        if key != "centre":
            data[key] = value
    data["base_dir"] = base_dir
    try:
        return Centre.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(
            message,
            source=source,
            column=key,
            value=first.get("input") if not isinstance(first.get("input"), dict) else None,
            fix="see docs/data-formats.md for every field with its unit and default",
        ) from None
