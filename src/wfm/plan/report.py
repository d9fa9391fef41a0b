"""The plan's ``report.md``: whether the plan meets its targets, in words a planner reads.

:func:`plan_report` writes, in this order: a verdict (each queue's projected service level
against its target "80 % within 20 s", and whether the rota search reached its gap target),
the targets and what decides the staffing of each queue (the service-level target, the
occupancy cap or the ASA target, see :func:`binding_shares`), the cost with its unit and
where it comes from, a view by day, the worst intervals, and a glossary. Technical solver
figures (model size, timings) come last.

The numbers are those of :func:`wfm.review.projection.summarise_service`: the service level of
a period is the offered-weighted mean of its intervals' projected service levels, i.e. the
share of the period's contacts answered within the threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wfm.config import Centre
from wfm.review.projection import summarise_service
from wfm.scheduling.solve import SolveSummary
from wfm.staffing import ServiceTarget
from wfm.staffing.targets import BINDING_ASA, BINDING_OCCUPANCY, BINDING_SERVICE_LEVEL

if TYPE_CHECKING:
    from wfm.plan.chain import PlanResult
    from wfm.plan.groups import GroupSolve
    from wfm.plan.site_compliance import SiteCheck

#: Intervals listed under "Worst intervals".
WORST_INTERVALS = 10

#: What decides the staffing, in words, by ``binding_target``.
BINDING_WORDS = {
    BINDING_SERVICE_LEVEL: "the service-level target",
    BINDING_OCCUPANCY: "the occupancy cap",
    BINDING_ASA: "the ASA target",
}

GLOSSARY = (
    "- **Service level**: the share of contacts answered within the threshold (the T of "
    '"80 % within T seconds"), projected with Erlang C from the agents the rota puts on '
    "each queue after shrinkage.",
    "- **ASA** (average speed of answer): the mean wait of answered contacts, in seconds.",
    "- **Occupancy cap**: the most a queue's agents may be busy with contacts (85 % means "
    "each agent is idle 15 % of the time at least); above it agents burn out.",
    "- **Shrinkage**: paid time not available for contacts beyond the breaks in the rota "
    "(absence, meetings, training); scheduled agents = productive agents / (1 - shrinkage).",
    "- **Agent-hours short / over**: agents below or above the scheduled requirement, times "
    "the hours of the intervals concerned.",
    "- **Queue-interval**: one queue in one planning interval.",
    "- **Cost units**: the unit of the centre file's costs (`cost_per_paid_hour` of each "
    "contract, `under_staffing_cost_per_agent_hour`, `over_staffing_cost_per_agent_hour`); "
    "with a cost of 1 per paid hour, one cost unit is one paid hour.",
    "- **Bound and gap**: the rota search proves that no rota can cost less than the bound; "
    "the gap, (cost - bound) / cost, is how much cheaper the best possible rota could at "
    "most be. The search stops at the centre's gap target or its time limit.",
)


def plan_report(result: PlanResult) -> str:
    """``report.md`` of a plan (see the module docstring)."""
    from wfm.plan.chain import rota_weeks, service_targets, shift_cover

    text = planner_report(
        centre=result.centre,
        start_date=result.start_date,
        weeks=rota_weeks(result.centre),
        n_agents=len(result.agents),
        targets=service_targets(result.centre),
        requirements=result.requirements,
        projected=result.projected,
        summary=result.summary,
        solve=result.rota.summary,
        agent_summary=result.rota.agent_summary,
        forecast_models=result.forecast.groupby("queue")["model"].first().to_dict(),
        timings_seconds=result.timings_seconds,
        groups=result.groups,
        compliance=result.compliance,
    )
    cover = shift_cover(result.centre, result.rota, result.start_date)
    return text if cover is None else text + "\n" + "\n".join(shift_cover_lines(cover)) + "\n"


def shift_cover_lines(cover: pd.DataFrame) -> list[str]:
    """The report's section on the demand per day and shift type
    (:func:`wfm.plan.chain.shift_cover`): totals, then each date and type left short.

    >>> import datetime as dt
    >>> frame = pd.DataFrame({"date": [dt.date(2025, 6, 2)] * 2, "shift_type": ["early", "late"],
    ...     "agents_wanted": [3.0, 1.0], "agents_scheduled": [2, 1], "agents_short": [1.0, 0.0]})
    >>> print("\\n".join(shift_cover_lines(frame)))
    ## Demand per day and shift type
    <BLANKLINE>
    - 3 of 4 agents wanted are on a shift of the type asked for; 1 short.
    - 2025-06-02 early: 2 of 3 agents.
    """
    covered = cover["agents_scheduled"].clip(upper=cover["agents_wanted"]).sum()
    lines = [
        "## Demand per day and shift type",
        "",
        f"- {covered:g} of {cover['agents_wanted'].sum():g} agents wanted are on a shift of the "
        f"type asked for; {cover['agents_short'].sum():g} short.",
    ]
    for row in cover[cover["agents_short"] > 0].itertuples(index=False):
        lines.append(
            f"- {row.date} {row.shift_type}: {row.agents_scheduled:g} of {row.agents_wanted:g} agents."
        )
    return lines


#: Violations quoted per site in the report (all of them are in ``violations.csv``).
QUOTED_VIOLATIONS = 5


def compliance_lines(checks: Sequence[SiteCheck]) -> list[str]:
    """The report's section on working time: per site, the rules checked (its country's law
    and its contracts, on its own clock) and its violations, the first
    :data:`QUOTED_VIOLATIONS` quoted (times in the site's zone); empty without checks."""
    if not checks:
        return []
    lines = [
        "## Working time at each site",
        "",
        "Each site's agents are checked on their own site's clock (their local days, weeks "
        "and night time) against their site's working-time law and contracts; every "
        "violation is in `violations.csv`, its times in the site's zone.",
        "",
    ]
    for check in checks:
        found = len(check.violations)
        agents = len({violation.agent_id for violation in check.violations})
        verdict = (
            "no violations"
            if not found
            else f"{found} violation{'s' * (found != 1)} ({agents} agent{'s' * (agents != 1)})"
        )
        lines.append(
            f"- **{check.label}**, {len(check.agent_ids)} agents: {verdict}. "
            f"Checked: {check.rules_checked()}."
        )
        lines.extend(f"  - {v.message}" for v in check.violations[:QUOTED_VIOLATIONS])
        if found > QUOTED_VIOLATIONS:
            lines.append(f"  - ... and {found - QUOTED_VIOLATIONS} more.")
    return [*lines, ""]


def group_lines(groups: Sequence[GroupSolve]) -> list[str]:
    """The staffing groups' solve summaries as a Markdown table (empty for one model).

    Objective and bound in cost units, gap in per cent, time in seconds of wall clock.
    """
    if not groups:
        return []
    lines = [
        "## Staffing groups",
        "",
        "Agents who share no queue cannot cover for each other, so each group below was "
        "scheduled as a model of its own (sites sharing a queue together); the rota above is "
        "their union.",
        "",
        "| group | sites | queues | agents | status | cost | bound | gap | time |",
        "|---|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for group in groups:
        solve = group.summary
        cost = "-" if solve.objective is None else f"{solve.objective:,.1f}"
        bound = "-" if solve.bound is None else f"{solve.bound:,.1f}"
        gap = "-" if solve.gap is None else _percent(solve.gap, 2)
        lines.append(
            f"| {group.name} | {', '.join(group.sites) or '-'} | {', '.join(group.queues)} | "
            f"{group.agent_count} | {solve.status_label} | {cost} | {bound} | {gap} | "
            f"{solve.wall_seconds:.1f} s |"
        )
    return [*lines, ""]


def planner_report(
    *,
    centre: Centre,
    start_date: dt.date,
    weeks: int,
    n_agents: int,
    targets: Mapping[str, ServiceTarget],
    requirements: pd.DataFrame,
    projected: pd.DataFrame,
    summary: pd.DataFrame,
    solve: SolveSummary,
    agent_summary: pd.DataFrame,
    forecast_models: Mapping[str, str] | None = None,
    timings_seconds: Mapping[str, float] | None = None,
    groups: Sequence[GroupSolve] = (),
    compliance: Sequence[SiteCheck] = (),
) -> str:
    """The report's Markdown from its parts.

    Parameters
    ----------
    centre
        The centre (name, time zone, interval, costs, gap target).
    start_date, weeks, n_agents
        First local date, rota weeks [weeks], agents in the rota.
    targets
        Service target per queue.
    requirements
        Requirements with ``binding_target`` (:func:`wfm.staffing.compute_requirements`).
    projected, summary
        :func:`wfm.review.projection.project_service` for the rota's weeks and its
        :func:`~wfm.review.projection.summarise_service`.
    solve
        The rota search's summary.
    agent_summary
        Per agent: ``contract``, ``paid_hours``, ``days_worked``.
    forecast_models, timings_seconds
        Forecast model per queue; time per step [seconds] (technical details).
    groups
        Solve summaries per staffing group (:mod:`wfm.plan.groups`), when several.
    compliance
        The rota's working-time checks by site (:func:`wfm.plan.site_compliance.plan_checks`),
        for a centre with sites; none leaves the section out.
    """
    period = "Week" if weeks == 1 else f"{weeks} weeks"
    daily = daily_service(projected, centre.interval_minutes, targets, centre.timezone)
    lines = [
        f"# Plan for {centre.name}",
        "",
        f"{period} starting {start_date:%A %d %B %Y} ({centre.timezone} local time), "
        f"{centre.interval_minutes}-minute intervals, {n_agents} agents.",
        "",
        "## Does the plan meet its targets?",
        "",
        *verdict_lines(
            summary,
            targets,
            solve,
            centre.scheduling.relative_gap,
            missed_days_lines(daily, targets),
        ),
        "",
        "## Targets and what decides the staffing",
        "",
        *target_lines(summary, targets, requirements, projected),
        "",
        "## Cost",
        "",
        *cost_lines(centre, solve, agent_summary),
        "",
        "## By day",
        "",
        *day_lines(daily, targets),
        "",
        f"## The {WORST_INTERVALS} worst intervals",
        "",
        *worst_interval_lines(projected, centre.timezone),
        "",
        *group_lines(groups),
        *compliance_lines(compliance),
        "## Words used here",
        "",
        *GLOSSARY,
        "",
        "## Technical details",
        "",
        f"- Rota search: {solve.describe()}; the search stopped because: {solve.termination}",
    ]
    if forecast_models:
        models = ", ".join(f"{queue}: {model}" for queue, model in forecast_models.items())
        lines.append(f"- Forecast model per queue: {models}")
    if timings_seconds:
        steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings_seconds.items())
        lines.append(f"- Time taken: {steps}")
    return "\n".join(lines) + "\n"


def target_text(target: ServiceTarget, *, with_occupancy: bool = False) -> str:
    """``80 % within 20 s`` (and the ASA target, and the occupancy cap if asked).

    >>> target_text(ServiceTarget(0.8, 20, 0.85))
    '80 % within 20 s'
    >>> target_text(ServiceTarget(0.8, 30, 0.85), with_occupancy=True)
    '80 % within 30 s, occupancy at most 85 %'
    """
    parts = []
    if target.service_level_target is not None:
        parts.append(
            f"{100 * target.service_level_target:g} % within {target.answer_threshold_seconds:g} s"
        )
    if target.asa_target_seconds is not None:
        parts.append(f"ASA at most {target.asa_target_seconds:g} s")
    if with_occupancy and target.max_occupancy is not None:
        parts.append(f"occupancy at most {100 * target.max_occupancy:g} %")
    return ", ".join(parts) or "no service target"


def _percent(value: float, decimals: int = 1) -> str:
    return f"{100 * value:.{decimals}f} %"


def verdict_lines(
    summary: pd.DataFrame,
    targets: Mapping[str, ServiceTarget],
    solve: SolveSummary,
    gap_target: float,
    day_notes: Sequence[str] = (),
) -> list[str]:
    """Plain sentences: each queue meets or misses its target (then ``day_notes``, the days
    below target); the search meets or misses its gap target."""
    lines = []
    by_queue = summary.set_index("queue")
    misses = 0
    for queue, target in targets.items():
        if queue not in by_queue.index:
            continue
        row = by_queue.loc[queue]
        level = float(row["service_level"])
        if target.service_level_target is None:
            lines.append(f"- **{queue}**: no service-level target; projected {_percent(level)}.")
            continue
        threshold = f"{target.answer_threshold_seconds:g} s"
        if level + 1e-12 >= target.service_level_target:
            verdict = "**meets its target**"
        else:
            misses += 1
            shortfall = 100 * (target.service_level_target - level)
            verdict = f"**misses its target** by {shortfall:.1f} percentage points"
        short = float(row["under_staffed_agent_hours"])
        lines.append(
            f"- **{queue}** {verdict} of {target_text(target)}: {_percent(level)} of its "
            f"{float(row['offered']):,.0f} contacts are projected to be answered within "
            f"{threshold}. In {int(row['intervals_under_staffed'])} of its "
            f"{int(row['intervals'])} intervals the rota has fewer agents than needed "
            f"({short:,.1f} agent-hours short in all)."
        )
        if int(row.get("intervals_unstable", 0)):
            lines.append(
                f"  - In {int(row['intervals_unstable'])} intervals "
                f"({float(row['offered_in_unstable_intervals']):,.0f} contacts) the queue cannot "
                "keep up at all (no more agents than the workload needs): those contacts are "
                "counted as not answered in time, and the ASA leaves them out."
            )
    lines.extend(day_notes)
    if solve.objective is None:
        lines.append(
            f"- **The rota search found no rota** ({solve.status_label}: {solve.termination})."
        )
    elif solve.gap is None:
        lines.append(
            "- The rota search did not prove how far its rota is from the best possible (no bound)."
        )
    elif solve.gap <= gap_target + 1e-9:
        lines.append(
            f"- The rota search **reached its gap target**: the best possible rota costs at most "
            f"{_percent(solve.gap, 2)} less (target {_percent(gap_target, 2)})."
        )
    else:
        lines.append(
            f"- The rota search **missed its gap target**: the best possible rota may cost up to "
            f"{_percent(solve.gap, 2)} less, against a target of {_percent(gap_target, 2)}. "
            + (
                "It stopped at its time limit; a longer `--time-limit-seconds` may find a "
                "cheaper rota."
                if solve.time_limit_reached
                else "Its work budgets were spent before the time limit (the same rota on "
                "every run); a longer `--time-limit-seconds` would not change it."
            )
        )
    queues = [queue for queue in targets if queue in by_queue.index]
    short = (
        "the plan meets every queue's service target over the period"
        if not misses
        else f"the plan misses the service target of {misses} of its {len(queues)} queues"
    )
    if solve.objective is not None and solve.gap is not None and solve.gap > gap_target + 1e-9:
        short += ", and the rota search missed its gap target"
    lines[:0] = [f"**In short: {short}.**", ""]
    return lines


def missed_days_lines(daily: pd.DataFrame, targets: Mapping[str, ServiceTarget]) -> list[str]:
    """A sentence per queue naming the days below its target, if any (``daily``: of
    :func:`daily_service`)."""
    lines = []
    for queue, days in daily.groupby("queue", sort=False):
        target = targets[queue].service_level_target
        if target is None:
            continue
        below = days[days["service_level"] + 1e-12 < target]
        if not below.empty:
            names = ", ".join(
                f"{date:%a %d %b} ({_percent(level)})"
                for date, level in zip(below["date"], below["service_level"], strict=True)
            )
            lines.append(f"- **{queue}** is below its target on {len(below)} day(s): {names}.")
    return lines


def daily_service(
    projected: pd.DataFrame,
    interval_minutes: int,
    targets: Mapping[str, ServiceTarget],
    timezone: str,
) -> pd.DataFrame:
    """:func:`~wfm.review.projection.summarise_service` per local date and queue (no
    ``all`` rows), with a ``date`` column."""
    if projected.empty:
        return pd.DataFrame(columns=["date", "queue", "service_level"])
    dates = pd.DatetimeIndex(projected["interval_start"]).tz_convert(timezone).date
    parts = []
    for date in sorted(set(dates)):
        day = summarise_service(projected[dates == date], interval_minutes, targets)
        parts.append(day[day["queue"] != "all"].assign(date=date))
    return pd.concat(parts, ignore_index=True)


def binding_shares(requirements: pd.DataFrame, projected: pd.DataFrame) -> pd.DataFrame:
    """Share of each queue's open intervals (offered > 0) in the rota's weeks that each target
    decides: one row per queue, one column per ``binding_target`` value [fraction]."""
    keys = projected.loc[projected["offered"] > 0, ["interval_start", "queue"]]
    if "binding_target" not in requirements or keys.empty:
        return pd.DataFrame()
    rows = requirements[["interval_start", "queue", "binding_target"]].merge(
        keys, on=["interval_start", "queue"]
    )
    return pd.crosstab(rows["queue"], rows["binding_target"], normalize="index")


def target_lines(
    summary: pd.DataFrame,
    targets: Mapping[str, ServiceTarget],
    requirements: pd.DataFrame,
    projected: pd.DataFrame,
) -> list[str]:
    """The targets table and, per queue, which target decides the number of agents."""
    shares = binding_shares(requirements, projected)
    by_queue = summary.set_index("queue")
    lines = [
        "| queue | target | occupancy cap | projected service level | ASA (s) | staffing decided by |",
        "|---|---|---:|---:|---:|---|",
    ]
    notes = []
    for queue, target in targets.items():
        if queue not in by_queue.index:
            continue
        row = by_queue.loc[queue]
        cap = "none" if target.max_occupancy is None else f"{100 * target.max_occupancy:g} %"
        decided = "—"
        if queue in shares.index:
            parts = [
                f"{BINDING_WORDS.get(name, name)} {100 * share:.0f} %"
                for name, share in shares.loc[queue].sort_values(ascending=False).items()
                if share > 0
            ]
            decided = ", ".join(parts) + " of intervals"
            occupancy_share = float(shares.loc[queue].get(BINDING_OCCUPANCY, 0.0))
            service_level = float(row["service_level"])
            # The cap raises the *requirement*; the projection is of the rota, which may
            # fall short of it: "better than the target" only when the rota meets it.
            meets = service_level >= (target.service_level_target or 0.0)
            if occupancy_share >= 1 - 1e-9 and target.max_occupancy is not None:
                because = (
                    f"which is why the projected service level ({_percent(service_level)}) "
                    f"and ASA ({float(row['asa_seconds']):.1f} s) are far better than the target."
                    if meets
                    else f"but the rota has fewer agents than that requirement, so the projected "
                    f"service level ({_percent(service_level)}) is below the target all the same."
                )
                notes.append(
                    f"- **{queue}**: the occupancy cap ({cap}) decides the staffing of every "
                    f"interval. Keeping agents at most {cap} busy needs more agents than "
                    f"{target_text(target)} would, {because}"
                )
            elif occupancy_share > 0.5 and target.max_occupancy is not None:
                there = (
                    "so service runs above the target there"
                    if meets
                    else "so the requirement is above what the target alone needs there"
                )
                notes.append(
                    f"- **{queue}**: the occupancy cap ({cap}) decides most intervals "
                    f"({100 * occupancy_share:.0f} %), {there}."
                )
        lines.append(
            f"| {queue} | {target_text(target)} | {cap} | "
            f"{_percent(float(row['service_level']))} | {float(row['asa_seconds']):.1f} | {decided} |"
        )
    return lines + ([""] + notes if notes else [])


def cost_lines(centre: Centre, solve: SolveSummary, agent_summary: pd.DataFrame) -> list[str]:
    """The rota's cost in cost units and its parts."""
    if solve.objective is None:
        return ["No rota, so no cost."]
    settings = centre.scheduling
    rates = {contract.name: contract.cost_per_paid_hour for contract in centre.contracts}
    paid_hours = agent_summary["paid_hours"].astype(float)
    paid_cost = float(
        (paid_hours * agent_summary["contract"].map(rates).fillna(0.0).astype(float)).sum()
    )
    under_cost = solve.under_staffed_agent_hours * settings.under_staffing_cost_per_agent_hour
    over_cost = solve.over_staffed_agent_hours * settings.over_staffing_cost_per_agent_hour
    other = solve.objective - paid_cost - under_cost - over_cost
    lines = [
        f"The rota costs **{solve.objective:,.1f} cost units**"
        + ("" if solve.bound is None else f" (no rota can cost less than {solve.bound:,.1f})")
        + ":",
        "",
        f"- paid time: {paid_hours.sum():,.1f} paid hours, {paid_cost:,.1f} cost units",
        f"- under-staffing: {solve.under_staffed_agent_hours:,.1f} agent-hours short at "
        f"{settings.under_staffing_cost_per_agent_hour:g} per agent-hour, {under_cost:,.1f} cost units",
        f"- over-staffing: {solve.over_staffed_agent_hours:,.1f} agent-hours over at "
        f"{settings.over_staffing_cost_per_agent_hour:g} per agent-hour, {over_cost:,.1f} cost units",
    ]
    if abs(other) >= 0.05:
        lines.append(f"- preferences, fairness and other penalties: {other:,.1f} cost units")
    return lines


def day_lines(daily: pd.DataFrame, targets: Mapping[str, ServiceTarget]) -> list[str]:
    """One row per local day and queue (``daily``: of :func:`daily_service`): contacts,
    service level against the target, agent-hours."""
    if daily.empty:
        return ["No intervals."]
    lines = [
        "| day | queue | contacts | service level | target met | agent-hours required | scheduled | short |",
        "|---|---|---:|---:|:---:|---:|---:|---:|",
    ]
    for row in daily.itertuples():
        target = targets[row.queue].service_level_target
        met = "" if target is None else ("yes" if row.service_level + 1e-12 >= target else "**no**")
        lines.append(
            f"| {row.date:%a %d %b} | {row.queue} | {row.offered:,.0f} | "
            f"{_percent(row.service_level)} | {met} | {row.required_agent_hours:,.1f} | "
            f"{row.scheduled_agent_hours:,.1f} | {row.under_staffed_agent_hours:,.1f} |"
        )
    return lines


def worst_intervals(projected: pd.DataFrame, count: int = WORST_INTERVALS) -> pd.DataFrame:
    """The ``count`` queue-intervals with contacts and the lowest projected service level
    (most contacts first among equals)."""
    rows = projected[projected["offered"] > 0]
    return rows.sort_values(
        ["service_level", "offered", "interval_start", "queue"],
        ascending=[True, False, True, True],
        kind="stable",
    ).head(count)


def worst_interval_lines(projected: pd.DataFrame, timezone: str) -> list[str]:
    """The worst intervals as a table: when, queue, contacts, agents needed and scheduled."""
    rows = worst_intervals(projected)
    if rows.empty:
        return ["No intervals with contacts."]
    lines = [
        "| when | queue | contacts | agents needed | agents scheduled | service level | ASA (s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows.itertuples():
        when = pd.Timestamp(row.interval_start).tz_convert(timezone)
        asa = "cannot keep up" if not np.isfinite(row.asa_seconds) else f"{row.asa_seconds:.0f}"
        lines.append(
            f"| {when:%a %d %b %H:%M} | {row.queue} | {row.offered:,.1f} | "
            f"{int(row.agents_scheduled_required)} | {row.agents_scheduled:g} | "
            f"{_percent(row.service_level)} | {asa} |"
        )
    return lines


__all__: Sequence[str] = (
    "binding_shares",
    "plan_report",
    "planner_report",
    "target_text",
    "worst_intervals",
)
