"""Paid hours and working days in each calendar week within the contract's range.

Settings (each ``[[contracts]]``): ``min_hours_per_week``, ``max_hours_per_week`` [hours],
``min_days_per_week``, ``max_days_per_week`` [days]. A week is 7 days from the rota's start
date; a shorter last week of a horizon gets only the maxima.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from wfm.config import Contract
from wfm.data.schemas import Agent
from wfm.scheduling.rota_view import (
    Violation,
    contract_source,
    duration_text,
    number_text,
)
from wfm.scheduling.rules.base import (
    ModelContext,
    Rule,
    agent_text,
    contract_settings,
    grouped_rows,
    is_whole_week,
)
from wfm.timegrid import DAYS_PER_WEEK


def whole_weeks(n_days: int) -> list[int]:
    """The calendar weeks (each 7 days from the start date) that lie wholly in a horizon of
    ``n_days`` days; a shorter last week has no minimum hours or days.

    >>> whole_weeks(7), whole_weeks(17)
    ([0], [0, 1])
    """
    return list(range(n_days // DAYS_PER_WEEK))


def in_week(text: str, start_date: dt.date, week: int) -> str:
    """``text`` with the week it is about, for horizons of more than one week."""
    first = start_date + dt.timedelta(days=DAYS_PER_WEEK * week)
    return f"week from {first.isoformat()}: {text}"


def add_weekly_contract_rows(
    context: ModelContext,
    name: str,
    coefs: np.ndarray,
    minimum: np.ndarray,
    maximum: np.ndarray,
    reachable: np.ndarray,
) -> None:
    """Add range rows ``name[unit_id, week]``: a weekly contract amount of each unit within
    its contract's minimum and maximum (times the unit size), per calendar week.

    Parameters
    ----------
    context
        The model being built.
    name
        Name of the row block.
    coefs
        The coefficient of each shift of ``context.shifts`` (e.g. its paid hours).
    minimum, maximum
        The contract's weekly minimum and maximum of each unit.
    reachable
        The most each unit can reach in each week, shape (units, weeks).

    Notes
    -----
    The minimum binds only in a whole week (a shorter last week gets only the maximum); a
    maximum at or above ``reachable`` cannot bind and is left out, and a week with neither
    bound gets no row. Rows go in (unit, week) order, a row's shifts in table order.
    """
    shifts, workforce, n_days = context.shifts, context.workforce, context.n_days
    frame = shifts[["unit"]].assign(week=shifts["day"].to_numpy() // DAYS_PER_WEEK)
    keys, group, order = grouped_rows(frame, ["unit", "week"])
    if keys.empty:
        return
    unit = keys["unit"].to_numpy(dtype=np.int64)
    week = keys["week"].to_numpy(dtype=np.int64)
    size = np.array([u.size for u in workforce.units], dtype=np.float64)[unit]
    whole = np.array([is_whole_week(n_days, int(w)) for w in range(int(week.max()) + 1)])
    lower = np.where((minimum[unit] > 0) & whole[week], minimum[unit] * size, np.nan)
    upper = np.where(maximum[unit] < reachable[unit, week], maximum[unit] * size, np.nan)
    kept = ~(np.isnan(lower) & np.isnan(upper))
    renumber = np.cumsum(kept) - 1
    entries = kept[group]
    context.model.add_rows_coo(
        name,
        [(workforce.units[u].unit_id, int(w)) for u, w in zip(unit[kept], week[kept], strict=True)],
        renumber[group[entries]],
        shifts["var"].to_numpy(dtype=np.int64)[order[entries]],
        np.asarray(coefs, dtype=np.float64)[order[entries]],
        lower=lower[kept],
        upper=upper[kept],
    )


def _contract_array(workforce, field: str) -> np.ndarray:
    return np.array([getattr(u.contract, field) for u in workforce.units], dtype=np.float64)


def _by_unit_and_week(context: ModelContext, totals: pd.Series) -> np.ndarray:
    """``totals`` indexed by (unit, calendar week) as an array [unit, week] over every unit
    and week of the horizon, 0 where it has no value."""
    n_weeks = (context.n_days + DAYS_PER_WEEK - 1) // DAYS_PER_WEEK
    out = np.zeros((len(context.workforce.units), n_weeks))
    out[
        totals.index.get_level_values(0).to_numpy(dtype=np.int64),
        totals.index.get_level_values(1).to_numpy(dtype=np.int64),
    ] = totals.to_numpy()
    return out


def add_contract_hours(context: ModelContext) -> None:
    """Paid hours in each calendar week within the contract's minimum and maximum (times
    the unit size): ``contract_hours[unit_id, week]``. A shorter last week gets only the
    maximum; a maximum that the unit's longest shifts on its most days cannot reach is
    left out."""
    shifts, workforce = context.shifts, context.workforce
    # The most paid hours a unit can reach in a week: its longest shift on each day, the
    # max-days largest of those.
    longest = (
        shifts.groupby(["unit", "day"], sort=True)["paid_hours"]
        .max()
        .reset_index()
        .assign(week=lambda f: f["day"] // DAYS_PER_WEEK)
        .sort_values(["unit", "week", "paid_hours"], ascending=[True, True, False], kind="stable")
    )
    most_days = _contract_array(workforce, "max_days_per_week")
    rank = longest.groupby(["unit", "week"]).cumcount().to_numpy()
    units = longest["unit"].to_numpy(dtype=np.int64)
    chosen = longest[rank < most_days[units]]
    reachable = _by_unit_and_week(
        context, chosen.groupby(["unit", "week"], sort=True)["paid_hours"].sum()
    )
    add_weekly_contract_rows(
        context,
        "contract_hours",
        shifts["paid_hours"].to_numpy(dtype=np.float64),
        _contract_array(workforce, "min_hours_per_week"),
        _contract_array(workforce, "max_hours_per_week"),
        reachable - 1e-9,
    )


def add_contract_days(context: ModelContext) -> None:
    """Working days in each calendar week within the contract's minimum and maximum (times
    the unit size): ``contract_days[unit_id, week]``. A shorter last week gets only the
    maximum."""
    shifts, workforce = context.shifts, context.workforce
    days = (
        shifts[["unit", "day"]]
        .drop_duplicates()
        .assign(week=lambda f: f["day"] // DAYS_PER_WEEK)
        .groupby(["unit", "week"], sort=True)
        .size()
    )
    add_weekly_contract_rows(
        context,
        "contract_days",
        np.ones(len(shifts)),
        _contract_array(workforce, "min_days_per_week"),
        _contract_array(workforce, "max_days_per_week"),
        _by_unit_and_week(context, days),
    )


def _agent_problems(
    agent: Agent, contract: Contract, per_day: pd.DataFrame, has_availability: bool
) -> list[str]:
    """The contract problems of one agent; ``per_day`` has the ``min`` and ``max`` paid
    minutes of the agent's allowed shifts on each day with any."""
    who = agent_text(agent, contract)
    n_days = len(per_day)
    days = f"{n_days} day{'s' if n_days != 1 else ''}"
    problems = []
    if contract.min_days_per_week > n_days:
        if has_availability:
            problems.append(
                f"{who}: available on only {days} with a shift they may take, but contract "
                f"'{contract.name}' needs at least {contract.min_days_per_week} working days"
            )
        else:
            problems.append(
                f"{who} must work at least {contract.min_days_per_week} days a week, but the shift "
                f"templates offer shifts they may take (at most {contract.max_shift_minutes} minutes "
                f"long) on only {days} of the week"
            )
    k = min(n_days, contract.max_days_per_week)
    longest = np.sort(per_day["max"].to_numpy(dtype=float))[::-1][:k].sum() / 60.0
    if contract.min_hours_per_week > longest + 1e-9:
        if has_availability:
            problems.append(
                f"{who}: available for {longest:.1f} h in the week but contract '{contract.name}' "
                f"needs at least {contract.min_hours_per_week:g} h"
            )
        else:
            problems.append(
                f"{who} must work at least {contract.min_hours_per_week:g} paid hours a week, but at "
                f"most {k} days of their longest allowed shifts give only {longest:g} paid hours"
            )
    shortest = (
        np.sort(per_day["min"].to_numpy(dtype=float))[: contract.min_days_per_week].sum() / 60.0
    )
    if shortest > contract.max_hours_per_week + 1e-9:
        problems.append(
            f"{who} must work at least {contract.min_days_per_week} days a week, but even the "
            f"shortest allowed shifts give {shortest:g} paid hours, more than the maximum of "
            f"{contract.max_hours_per_week:g}"
        )
    return problems


class WeeklyHoursAndDays(Rule):
    """Contract hours and days per calendar week."""

    name = "weekly_hours_and_days"
    title = "Paid hours and working days a week"
    description = (
        "In each calendar week (7 days from the rota's start date) an agent's paid hours lie "
        "between min_hours_per_week and max_hours_per_week and their working days between "
        "min_days_per_week and max_days_per_week; a shorter last week gets only the maxima."
    )
    settings = contract_settings(
        min_hours_per_week="hours",
        max_hours_per_week="hours",
        min_days_per_week="days",
        max_days_per_week="days",
    )

    def add_constraints(self, context: ModelContext) -> None:
        add_contract_hours(context)
        add_contract_days(context)

    def diagnose(self, instance) -> list[str]:
        """For each agent, let :math:`D` be the days on which the agent may take some shift
        (templates, the contract's shift rules, availability and time off), and
        :math:`p^{max}_d`, :math:`p^{min}_d` the longest and shortest paid time of those
        shifts on day :math:`d`. With :math:`k = \\min(|D|, \\text{max days})`, a week is
        out of reach when min days > :math:`|D|`, min hours > the sum of the :math:`k`
        largest :math:`p^{max}_d`, or max hours < the sum of the min-days smallest
        :math:`p^{min}_d`. Agents whose contract allows no shift at all are left to
        :mod:`~wfm.scheduling.rules.allowed_shifts`."""
        from wfm.scheduling.rules.allowed_shifts import unusable_contracts

        skip = unusable_contracts(instance)
        per_day = (
            instance.eligible.merge(
                instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate"
            )
            .groupby(["agent", "day"])["paid_minutes"]
            .agg(["min", "max"])
            .reset_index()
        )
        per_day["week"] = per_day["day"] // DAYS_PER_WEEK
        by_agent = {
            (int(agent), int(week)): frame
            for (agent, week), frame in per_day.groupby(["agent", "week"])
        }
        restricted = set()  # agents with a window in the horizon: their shortfall is "availability"
        if instance.availability is not None and not instance.availability.empty:
            grid = instance.grid
            horizon_end = grid.horizon[-1] + pd.Timedelta(minutes=grid.interval_minutes)
            windows = instance.availability
            in_horizon = (windows["end"] > grid.horizon[0]) & (windows["start"] < horizon_end)
            restricted = set(windows.loc[in_horizon, "agent_id"].astype(str))
        problems: list[str] = []
        empty = pd.DataFrame({"min": [], "max": []})
        weeks = whole_weeks(instance.grid.days)
        for index, (agent, contract) in enumerate(
            zip(instance.agents, instance.contracts, strict=True)
        ):
            if contract.name in skip:
                continue
            for week in weeks:
                frame = by_agent.get((index, week), empty)
                found = _agent_problems(agent, contract, frame, agent.agent_id in restricted)
                problems.extend(
                    found
                    if len(weeks) == 1
                    else [in_week(text, instance.grid.start_date, week) for text in found]
                )
        return problems

    def check(self, view) -> list[Violation]:
        paid = view.paid_seconds_by_week()
        worked = view.working_days_by_week()
        out: list[Violation] = []
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            source = contract_source(contract)
            for w in range(view.n_weeks):
                week_text = view.week_text(w)
                hours = paid.at[agent, w] / 3600.0
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
                        f"{number_text(contract.max_hours_per_week)} h",
                    ),
                    (
                        "contract_min_paid_hours",
                        hours < contract.min_hours_per_week - 1e-9,
                        hours,
                        contract.min_hours_per_week,
                        "hours",
                        f"{duration_text(hours * 3600)} paid",
                        "at least",
                        f"{number_text(contract.min_hours_per_week)} h",
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
                                view.weeks[w],
                                view.weeks[w + 1],
                                float(value),
                                float(limit),
                                unit,
                                f"{agent}: {measured} in {week_text}, contract {contract.name} "
                                f"allows {bound} {limit_text}",
                            )
                        )
        return out


RULE = WeeklyHoursAndDays()
