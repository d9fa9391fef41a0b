"""A new centre proposed from its own history: what a planner edits instead of writing TOML.

:func:`propose_centre` reads an interval history and proposes

- the **queues** found in it, each with the stated default service target
  (:data:`DEFAULT_SERVICE_LEVEL_TARGET` within :data:`DEFAULT_ANSWER_THRESHOLD_SECONDS`,
  occupancy cap :data:`DEFAULT_MAX_OCCUPANCY`) and the AHT the user gave for a volume-only
  history;
- the **interval length** of the history;
- **opening hours** per weekday from where contacts arrive in the last weeks
  (:func:`wfm.forecast.infer_opening_hours`);
- the **time zone** the user gave (asked, never guessed);
- **shrinkage** :data:`DEFAULT_SHRINKAGE_FRACTION` (absence, training, meetings; breaks are
  placed in the rota);
- **shift templates** that fit each day's opening hours (a full day of 8 paid hours plus an
  unpaid lunch, and a 4-hour shift), standard breaks, a full-time contract;
- a **placeholder team** of N full-time agents skilled for every queue, with
  N = max(peak, ⌈FTE × (1 + m)⌉): the peak of the scheduled agents required in any interval
  of a typical week (Erlang C at the targets, on the mean volume and AHT of each weekday and
  time of day over the last weeks, divided by 1 − shrinkage), or the required FTE (scheduled
  agent-hours of that week / :data:`FULL_TIME_PAID_HOURS_PER_WEEK`) with a margin
  m = :data:`SHIFT_FIT_MARGIN_FRACTION` for shifts that cannot follow demand exactly,
  whichever is larger.

Every default is listed in :attr:`CentreProposal.notes` so the planner sees what was assumed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.config import Centre, parse_centre
from wfm.data.handle_time import (
    AhtAssumption,
    fill_missing_aht,
    missing_aht_question,
    queues_without_aht,
)
from wfm.data.schemas import Agent, History
from wfm.data.standard_breaks import standard_break_rules
from wfm.errors import InputError
from wfm.timegrid import WEEKDAYS

logger = logging.getLogger(__name__)

DEFAULT_SERVICE_LEVEL_TARGET = 0.8
DEFAULT_ANSWER_THRESHOLD_SECONDS = 20.0
DEFAULT_MAX_OCCUPANCY = 0.85
DEFAULT_SHRINKAGE_FRACTION = 0.3
#: Paid hours of a full-time agent in a week [hours] (5 days of 8 hours at most 40).
FULL_TIME_PAID_HOURS_PER_WEEK = 37.5
#: Extra agents over the required FTE for shifts that cannot follow demand exactly (fixed
#: lengths and starts, days off, breaks) [fraction]: without it the rota has no slack.
SHIFT_FIT_MARGIN_FRACTION = 0.15
#: Weeks of history the typical week is averaged over [weeks].
PROFILE_WEEKS = 4


@dataclass(frozen=True)
class CentreProposal:
    """A proposed centre, its placeholder agents and the assumptions made.

    Attributes
    ----------
    centre
        The centre (``history = "history.csv"``, ``agents = "agents.csv"``).
    agents
        N full-time agents skilled for every queue.
    history
        The history it was proposed from (AHT filled in where the user gave it).
    peak_agents_scheduled
        Peak scheduled agents required in an interval of the typical week [agents].
    required_fte
        Scheduled agent-hours of the typical week / full-time paid hours [FTE].
    notes
        One line per default or inference, for the planner.
    """

    centre: Centre
    agents: tuple[Agent, ...]
    history: History
    peak_agents_scheduled: int
    required_fte: float
    notes: tuple[str, ...]


def _clock(minute: int) -> str:
    minute = int(minute) % (24 * 60)
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _round_up(minutes: int, interval_minutes: int) -> int:
    return int(math.ceil(minutes / interval_minutes) * interval_minutes)


def typical_week(history: History, weeks: int = PROFILE_WEEKS) -> pd.DataFrame:
    """Mean offered and volume-weighted AHT per queue, weekday and local minute of the day,
    over the last ``weeks`` weeks (a weekday's mean counts the weeks in which it appears)."""
    frame = history.frame
    local = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    dates = local.normalize()
    cutoff = dates.max() - pd.Timedelta(days=7 * weeks)
    recent = np.asarray(dates > cutoff)
    rows = pd.DataFrame(
        {
            "queue": frame["queue"].to_numpy()[recent],
            "weekday": local.day_of_week.to_numpy()[recent],
            "minute": (local.hour * 60 + local.minute).to_numpy()[recent],
            "date": dates.to_numpy()[recent],
            "offered": frame["offered"].to_numpy()[recent],
            "handle": (frame["offered"] * frame["aht_seconds"].fillna(0)).to_numpy()[recent],
        }
    )
    days = rows.groupby(["queue", "weekday"])["date"].nunique().rename("days")
    sums = rows.groupby(["queue", "weekday", "minute"])[["offered", "handle"]].sum()
    sums = sums.join(days, on=["queue", "weekday"])
    result = pd.DataFrame(
        {
            "offered": sums["offered"] / sums["days"],
            "aht_seconds": np.where(sums["offered"] > 0, sums["handle"] / sums["offered"], np.nan),
        }
    ).reset_index()
    return result


def _requirements(profile: pd.DataFrame, interval_minutes: int, shrinkage: float) -> pd.DataFrame:
    from wfm.staffing.requirements import scheduled_agents
    from wfm.staffing.targets import ServiceTarget, staff_to_target, traffic_erlangs

    aht = profile["aht_seconds"].fillna(0).to_numpy(dtype=float)
    offered = profile["offered"].to_numpy(dtype=float)
    traffic = traffic_erlangs(offered, np.where(aht > 0, aht, 1.0), interval_minutes)
    traffic = np.where(aht > 0, traffic, 0.0)
    target = ServiceTarget(
        DEFAULT_SERVICE_LEVEL_TARGET, DEFAULT_ANSWER_THRESHOLD_SECONDS, DEFAULT_MAX_OCCUPANCY
    )
    staffing = staff_to_target(traffic, np.where(aht > 0, aht, 1.0), target)
    agents = np.where(traffic > 0, staffing.agents_required, 0)
    return profile.assign(agents_scheduled=scheduled_agents(agents, shrinkage))


def _shift_templates(opening: dict[int, tuple[int, int]], interval_minutes: int, lunch: int):
    """A full day (8 paid hours + lunch) and a 4-hour shift for each group of weekdays with
    the same hours, starting every 30 minutes (or every interval if longer)."""
    step = max(30, interval_minutes)
    groups: dict[tuple[int, int], list[str]] = {}
    for day, hours in sorted(opening.items()):
        groups.setdefault(hours, []).append(WEEKDAYS[day])
    templates, notes = [], []
    for (open_minute, close_minute), days in groups.items():
        close = close_minute if close_minute > open_minute else close_minute + 24 * 60
        span = close - open_minute
        lengths = [length for length in (480 + lunch, 240) if length <= span]
        if not lengths:
            lengths = [max((span // interval_minutes) * interval_minutes, interval_minutes)]
        label = "-".join(days) if len(days) <= 2 else f"{days[0]}-{days[-1]}"
        closing = []
        for length in lengths:
            latest = open_minute + ((span - length) // step) * step
            name = f"{label} {length // 60}h{length % 60:02d}".replace("h00", "h")
            templates.append(
                {
                    "name": name,
                    "days": days,
                    "earliest_start": _clock(open_minute),
                    "latest_start": _clock(latest),
                    "start_step_minutes": step,
                    "lengths_minutes": [length],
                }
            )
            if latest + length < close:
                # The step grid stops short of closing time (07:00-21:05 in 30-minute
                # steps ends at 21:00): one more start that ends at closing, or the last
                # open intervals could never be staffed.
                templates.append(
                    {
                        "name": f"{name} to close",
                        "days": days,
                        "earliest_start": _clock(close - length),
                        "latest_start": _clock(close - length),
                        "start_step_minutes": step,
                        "lengths_minutes": [length],
                    }
                )
                closing.append(f"{length} min at {_clock(close - length)}")
        notes.append(
            f"shifts on {', '.join(days)}: {' and '.join(f'{x} min' for x in lengths)} "
            f"starting {_clock(open_minute)} to {_clock(open_minute + ((span - min(lengths)) // step) * step)}"
            + (f", and {' and '.join(closing)} to end at closing time" if closing else "")
        )
    return templates, notes


def propose_centre(
    history: History,
    *,
    timezone: str | None = None,
    name: str = "My contact centre",
    aht: AhtAssumption | None = None,
    country: str | None = None,
    shrinkage_fraction: float = DEFAULT_SHRINKAGE_FRACTION,
) -> CentreProposal:
    """Propose a centre from its interval history (see the module docstring).

    Parameters
    ----------
    history
        The centre's history (any queues and interval length).
    timezone
        The centre's IANA time zone (the history's if ``None``; say which when asking).
    name
        Display name.
    aht
        AHT for queues whose history has no handle time; without it such queues are an
        :class:`~wfm.errors.InputError` asking for it.
    country
        Country code for national holidays (none by default: the history shows whether the
        centre opens on them).
    shrinkage_fraction
        Shrinkage [fraction].

    Returns
    -------
    CentreProposal
    """
    timezone = timezone or history.timezone
    if aht is not None:
        history = fill_missing_aht(history, aht)
    missing = queues_without_aht(history)
    if missing:
        raise InputError(missing_aht_question(missing), source=history.source, column="aht_seconds")
    if history.timezone != timezone:
        frame = history.frame.assign(
            interval_start=history.frame["interval_start"].dt.tz_convert(timezone)
        )
        history = History(frame, history.interval_minutes, timezone, history.source)
    from wfm.forecast import infer_opening_hours

    interval = history.interval_minutes
    opening = dict(infer_opening_hours(history.frame, interval).minutes_by_weekday)
    if not opening:
        raise InputError(
            "no contacts in the history: opening hours cannot be seen",
            source=history.source,
            fix="give a history with contacts",
        )
    opening_hours = {
        day: (
            f"{_clock(opening[i][0])}-{'24:00' if opening[i][1] % 1440 == 0 else _clock(opening[i][1])}"
            if i in opening
            else "closed"
        )
        for i, day in enumerate(WEEKDAYS)
    }
    break_minutes, lunch_minutes = _round_up(15, interval), _round_up(30, interval)
    templates, template_notes = _shift_templates(opening, interval, lunch_minutes)
    profile = _requirements(typical_week(history), interval, shrinkage_fraction)
    per_slot = profile.groupby(["weekday", "minute"])["agents_scheduled"].sum()
    peak = int(per_slot.max()) if len(per_slot) else 0
    agent_hours = float(per_slot.sum()) * interval / 60.0
    fte = agent_hours / FULL_TIME_PAID_HOURS_PER_WEEK
    team_size = max(peak, math.ceil(round(fte * (1 + SHIFT_FIT_MARGIN_FRACTION), 9)), 1)
    queues = [
        {
            "name": queue,
            "service_level_target": DEFAULT_SERVICE_LEVEL_TARGET,
            "answer_threshold_seconds": DEFAULT_ANSWER_THRESHOLD_SECONDS,
            "max_occupancy": DEFAULT_MAX_OCCUPANCY,
        }
        | (
            {"aht_seconds": float(aht.by_queue.get(queue, aht.aht_seconds))}
            if aht is not None and aht.by_queue.get(queue, aht.aht_seconds) is not None
            else {}
        )
        for queue in history.queues
    ]
    raw = {
        "centre": {
            "name": name,
            "timezone": timezone,
            "interval_minutes": interval,
            "history": "history.csv",
            "agents": "agents.csv",
            "close_on_holidays": False,
        }
        | ({"country": country} if country else {}),
        "opening_hours": opening_hours,
        "queues": queues,
        "shift_templates": templates,
        "break_rules": standard_break_rules(break_minutes, lunch_minutes),
        "contracts": [
            {
                "name": "full_time",
                "min_hours_per_week": 32,
                "max_hours_per_week": 40,
                "min_days_per_week": 4,
                "max_days_per_week": 5,
                "max_shift_minutes": 480 + lunch_minutes + 60,
                "min_rest_hours": 11,
                "max_consecutive_working_days": 6,
                "min_consecutive_days_off": 0,
            }
        ],
        "planning": {"horizon_days": 7, "shrinkage_fraction": shrinkage_fraction},
    }
    centre = parse_centre(raw, source="proposed centre")
    agents = tuple(
        Agent(f"A{i:03d}", f"Agent {i}", "Team 1", "full_time", tuple(history.queues))
        for i in range(1, team_size + 1)
    )
    notes = (
        f"queues found in the history: {', '.join(history.queues)}",
        f"interval length: {interval} minutes (the history's)",
        f"time zone: {timezone} (as given)",
        "opening hours from where contacts arrive in the last 8 weeks: "
        + ", ".join(f"{d} {h}" for d, h in opening_hours.items()),
        f"service target (default): {DEFAULT_SERVICE_LEVEL_TARGET:.0%} answered within "
        f"{DEFAULT_ANSWER_THRESHOLD_SECONDS:g} s, occupancy at most {DEFAULT_MAX_OCCUPANCY:.0%}",
        f"shrinkage (default): {shrinkage_fraction:.0%} (absence, training, meetings; breaks are in the rota)",
        *template_notes,
        f"breaks: {break_minutes} min paid (after 1.5-2.5 h and 6-7 h), {lunch_minutes} min unpaid "
        "lunch (after 3-5 h)",
        f"team: {team_size} full-time agents (32-40 paid hours, 4-5 days), skilled for every queue "
        f"= max(peak {peak} scheduled agents in an interval, {fte:.1f} FTE of scheduled hours in a "
        f"typical week of the last {PROFILE_WEEKS} weeks / {FULL_TIME_PAID_HOURS_PER_WEEK:g} h, "
        f"+ {SHIFT_FIT_MARGIN_FRACTION:.0%} for shift fit); edit it or upload the real agents",
    )
    return CentreProposal(centre, agents, history, peak, fte, notes)


def with_team_size(proposal: CentreProposal, team_size: int) -> CentreProposal:
    """The proposal with ``team_size`` placeholder agents instead (at least 1)."""
    from dataclasses import replace

    template = proposal.agents[0]
    agents = tuple(
        Agent(f"A{i:03d}", f"Agent {i}", template.team, template.contract, template.queues)
        for i in range(1, max(int(team_size), 1) + 1)
    )
    return replace(proposal, agents=agents)


def proposal_files(proposal: CentreProposal) -> dict[str, pd.DataFrame | str]:
    """The proposal as files: ``centre.toml``, ``history.csv`` and ``agents.csv``."""
    from wfm.config_toml import centre_toml
    from wfm.data.mapping import agents_table

    return {
        "centre.toml": centre_toml(proposal.centre, absolute_paths=False),
        "history.csv": proposal.history.frame,
        "agents.csv": agents_table(proposal.agents),
    }


def write_proposal(proposal: CentreProposal, folder: str | Path) -> list[Path]:
    """Write the proposal's files into ``folder`` (all or none)."""
    from wfm.data.io import write_files_atomic

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_files_atomic(
        {folder / name: content for name, content in proposal_files(proposal).items()}
    )


__all__ = [
    "CentreProposal",
    "DEFAULT_ANSWER_THRESHOLD_SECONDS",
    "DEFAULT_MAX_OCCUPANCY",
    "DEFAULT_SERVICE_LEVEL_TARGET",
    "DEFAULT_SHRINKAGE_FRACTION",
    "FULL_TIME_PAID_HOURS_PER_WEEK",
    "SHIFT_FIT_MARGIN_FRACTION",
    "propose_centre",
    "proposal_files",
    "typical_week",
    "with_team_size",
    "write_proposal",
]
