"""Builders of small centres, agents and requirements for the rota-engine tests, and a
synthetic generator of the 60-agent performance instance."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.config import (
    BreakRule,
    Centre,
    Contract,
    QueueConfig,
    SchedulingSettings,
    ShiftTemplate,
    ShiftType,
)
from wfm.data.schemas import Agent
from wfm.timegrid import interval_grid

TIMEZONE = "Europe/London"
#: Time limit of the solves in the tests [seconds]: only a safety net, far above what the
#: searches need, so that they stop on their deterministic work budgets and give the same
#: result on an idle and on a loaded machine.
SAFETY_NET_SECONDS = 900.0

#: A Monday outside daylight-saving changes and UK holidays.
MONDAY = dt.date(2025, 6, 2)

LUNCH = BreakRule(
    name="lunch",
    activity="lunch",
    duration_minutes=30,
    paid=False,
    min_shift_minutes=360,
    earliest_start_after_minutes=180,
    latest_start_after_minutes=300,
)
MORNING_BREAK = BreakRule(
    name="morning break",
    activity="break",
    duration_minutes=15,
    paid=True,
    min_shift_minutes=240,
    earliest_start_after_minutes=60,
    latest_start_after_minutes=150,
)
AFTERNOON_BREAK = BreakRule(
    name="afternoon break",
    activity="break",
    duration_minutes=15,
    paid=True,
    min_shift_minutes=480,
    earliest_start_after_minutes=360,
    latest_start_after_minutes=450,
)


#: Contract settings with every day rule off, so that only the rule under test binds (contract
#: "c"; the rule tests add the rule's own setting).
ONLY_THE_RULE = dict(
    name="c",
    max_days_per_week=7,
    max_hours_per_week=60,
    max_consecutive_working_days=14,
    min_consecutive_days_off=0,
    min_rest_hours=0,
)
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def one_start_template(name: str, start: str, minutes: int = 480, days=ALL_DAYS) -> ShiftTemplate:
    """A template with one start time and one length [minutes]."""
    return ShiftTemplate(
        name=name, days=days, earliest_start=start, latest_start=start, lengths_minutes=(minutes,)
    )


def rule_centre(scheduling: SchedulingSettings | None = None, **contract) -> Centre:
    """Open 06:00-22:00 every day, one 08:00-16:00 shift a day, one contract "c" with only
    ``contract``'s rules on (:data:`ONLY_THE_RULE`)."""
    return make_centre(
        opening_hours=dict.fromkeys(ALL_DAYS, "06:00-22:00"),
        templates=(one_start_template("day", "08:00"),),
        contracts=(Contract(**{**ONLY_THE_RULE, **contract}),),
        scheduling=scheduling,
    )


def make_centre(
    *,
    opening_hours: dict[str, str] | None = None,
    templates: tuple[ShiftTemplate, ...] = (),
    break_rules: tuple[BreakRule, ...] = (),
    contracts: tuple[Contract, ...] = (Contract(name="flex", max_days_per_week=7),),
    queues: tuple[str, ...] = ("sales",),
    interval_minutes: int = 15,
    scheduling: SchedulingSettings | None = None,
    timezone: str = TIMEZONE,
    shift_types: tuple[ShiftType, ...] = (),
) -> Centre:
    """A centre without holidays; every day closed unless ``opening_hours`` opens it."""
    hours = {day: "closed" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    hours.update(opening_hours or {})
    return Centre(
        name="test centre",
        timezone=timezone,
        interval_minutes=interval_minutes,
        opening_hours=hours,
        close_on_holidays=False,
        queues=tuple(QueueConfig(name=name) for name in queues),
        shift_templates=templates,
        break_rules=break_rules,
        contracts=contracts,
        scheduling=scheduling
        or SchedulingSettings(time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.0),
        shift_types=shift_types,
    )


def make_agents(
    n: int, *, contract: str = "flex", queues: tuple[str, ...] = ("sales",), prefix: str = "A"
) -> list[Agent]:
    """``n`` agents with ids ``A01``, ``A02``, ..."""
    return [
        Agent(
            agent_id=f"{prefix}{i:02d}",
            name=f"Agent {prefix}{i:02d}",
            team="team 1",
            contract=contract,
            queues=queues,
        )
        for i in range(1, n + 1)
    ]


def requirements_frame(
    centre: Centre,
    start_date: dt.date,
    demand: dict[str, dict[tuple[str, str], float]],
    days: int = 7,
) -> pd.DataFrame:
    """Requirements from ``{queue: {(local "YYYY-MM-DD HH:MM" from, to): agents}}``: every
    interval in each [from, to) gets that many scheduled agents (and 70 % of it required)."""
    grid = interval_grid(start_date, days, centre.interval_minutes, centre.timezone)
    rows = []
    for queue, spans in demand.items():
        for (first, last), agents in spans.items():
            begin = pd.Timestamp(first).tz_localize(centre.timezone)
            end = pd.Timestamp(last).tz_localize(centre.timezone)
            for start in grid[(grid >= begin) & (grid < end)]:
                rows.append((start, queue, agents))
    frame = pd.DataFrame(rows, columns=["interval_start", "queue", "agents_scheduled_required"])
    frame["agents_required"] = np.floor(frame["agents_scheduled_required"] * 0.7)
    return frame


# --- the performance instance ------------------------------------------------------------


def synthetic_centre(
    *, time_limit_seconds: float = SAFETY_NET_SECONDS, relative_gap: float = 0.01
) -> Centre:
    """Mon-Fri 08:00-20:00 and Sat 09:00-17:00, two queues, starts every 30 minutes,
    lengths 510/360/240 minutes, a lunch and up to two paid breaks."""
    weekday = ("mon", "tue", "wed", "thu", "fri")
    templates = (
        ShiftTemplate(
            name="full",
            days=weekday,
            earliest_start="08:00",
            latest_start="11:30",
            lengths_minutes=(510,),
        ),
        ShiftTemplate(
            name="part",
            days=weekday,
            earliest_start="08:00",
            latest_start="14:00",
            lengths_minutes=(360,),
        ),
        ShiftTemplate(
            name="short",
            days=weekday,
            earliest_start="08:00",
            latest_start="16:00",
            lengths_minutes=(240,),
        ),
        ShiftTemplate(
            name="saturday",
            days=("sat",),
            earliest_start="09:00",
            latest_start="13:00",
            lengths_minutes=(480, 360, 240),
        ),
    )
    contracts = (
        Contract(
            name="full-time",
            min_hours_per_week=35,
            max_hours_per_week=40,
            min_days_per_week=5,
            max_days_per_week=5,
            cost_per_paid_hour=1.0,
        ),
        Contract(
            name="part-time",
            min_hours_per_week=16,
            max_hours_per_week=30,
            min_days_per_week=3,
            max_days_per_week=5,
            max_shift_minutes=360,
            cost_per_paid_hour=1.0,
        ),
        Contract(
            name="student",
            min_hours_per_week=8,
            max_hours_per_week=20,
            min_days_per_week=2,
            max_days_per_week=4,
            max_shift_minutes=240,
            cost_per_paid_hour=0.9,
        ),
    )
    return make_centre(
        opening_hours={day: "08:00-20:00" for day in weekday} | {"sat": "09:00-17:00"},
        templates=templates,
        break_rules=(MORNING_BREAK, LUNCH, AFTERNOON_BREAK),
        contracts=contracts,
        queues=("sales", "service"),
        scheduling=SchedulingSettings(
            time_limit_seconds=time_limit_seconds, relative_gap=relative_gap, threads=1, seed=0
        ),
    )


def synthetic_agents(n: int = 60, seed: int = 0) -> list[Agent]:
    """``n`` agents: 60 % full-time, 30 % part-time, 10 % students; 45 % sales only,
    35 % service only, 20 % both."""
    rng = np.random.default_rng(seed)
    contracts = rng.choice(["full-time", "part-time", "student"], size=n, p=[0.6, 0.3, 0.1])
    skills = rng.choice(3, size=n, p=[0.45, 0.35, 0.2])
    queue_sets = [("sales",), ("service",), ("sales", "service")]
    return [
        Agent(
            agent_id=f"S{i:03d}",
            name=f"Agent {i:03d}",
            team=f"team {i % 4 + 1}",
            contract=str(contract),
            queues=queue_sets[skill],
        )
        for i, (contract, skill) in enumerate(zip(contracts, skills, strict=True), start=1)
    ]


def synthetic_requirements(
    centre: Centre, start_date: dt.date, peak_agents: float = 14.0, seed: int = 0
) -> pd.DataFrame:
    """A double-peaked (late morning, early afternoon) day shape per queue with Poisson
    noise, Friday busier and Saturday quieter; only open intervals."""
    rng = np.random.default_rng(seed)
    grid = interval_grid(start_date, 7, centre.interval_minutes, centre.timezone)
    hours = centre.opening_hours_for([start_date.year])
    open_grid = grid[hours.is_open(grid, centre.interval_minutes)]
    hour = open_grid.hour + open_grid.minute / 60.0
    shape = 0.35 + np.exp(-((hour - 11.0) ** 2) / 4.0) + 0.8 * np.exp(-((hour - 15.0) ** 2) / 5.0)
    day_factor = np.array([1.0, 0.95, 0.9, 0.95, 1.1, 0.6, 0.0])[open_grid.day_of_week]
    frames = []
    for queue, scale in (("sales", 1.0), ("service", 0.8)):
        mean = peak_agents * scale * day_factor * shape / shape.max()
        scheduled = rng.poisson(mean).astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": open_grid,
                    "queue": queue,
                    "agents_scheduled_required": scheduled,
                    "agents_required": np.floor(scheduled * 0.7),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
