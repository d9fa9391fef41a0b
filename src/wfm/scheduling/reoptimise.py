"""Re-optimise a published rota after a change, keeping published shifts where it can.

When an agent calls in sick (or time off is approved, or someone becomes available), the
rota must change, but every moved shift costs the agents affected and the planner who tells
them. :func:`reoptimise_rota` solves the rota again with the change applied and

- a **change penalty** (:class:`ChangePenalty`): ``change_cost_per_shift`` for every
  (agent, day) whose shift differs from the published rota (added, removed or moved to
  another start or length), so an unaffected agent keeps the published shift unless
  moving it saves more than the penalty;
- a **warm start**: the published rota, less the shifts the change rules out, is handed to
  HiGHS as a MIP start (through ``highspy.Highs.setSolution``, see
  :mod:`wfm.scheduling.solve`), and the LP-guided search offers every agent the published
  shifts besides those of the relaxation (:func:`wfm.scheduling.search.solve_rota`), so the
  result is never worse than the published rota patched by dropping the ruled-out shifts;
- **contract relief** for the agents the change takes shifts from: their contract's minimum
  hours and days a week are lowered by the shifts lost (those hours are sick pay or leave,
  not rota hours), so that a sick day does not force other shifts onto them;
- a **break change penalty** (:class:`BreakChangePenalty`): ``change_cost_per_break`` for
  each published break or lunch of a kept shift that the new rota does not start at the
  same time, so breaks stay where they were published unless moving one is worth its cost;
  after the solve, :func:`keep_published_breaks` gives every agent back their published
  break times wherever the solution's break starts allow it (a maximum matching);
- a **guarantee**: the published rota less the ruled-out shifts, with its published breaks,
  is evaluated under the same objective (:func:`evaluate_published`); if the search ends
  above that cost (a time limit on a loaded machine) the published rota less the lost
  shifts is the result, so re-optimising never costs more than simply dropping the shifts.

The penalty is linear in the shift variables: with :math:`c_{a,d}` the published shift of
agent :math:`a` on day :math:`d`, the changes are
:math:`\\sum_{(a,d): c_{a,d}} (1 - x_{a,c_{a,d}}) + \\sum_{(a,d): \\text{off}} \\sum_{c \\in d} x_{a,c}`.
With change costs the pooled relaxation of the search splits pools by published shifts,
so it stays exact and its bound valid. Breaks are placed per skill group (implicit break
placement, :func:`wfm.scheduling.model.add_break_placement`), so the break penalty is
:math:`\\sum_{g,k,t} \\max(0, P_{g,k,t} - y_{g,k,t})` with :math:`P` the published break
starts of kept shifts: the fewest breaks that must move given the new break counts, which
:func:`keep_published_breaks` then achieves where the windows allow.

Every change is listed in ``changes.csv`` (:func:`changes_table`), one row per shift, break
or lunch that was added, removed or moved.

With ``change_cost_per_shift = 0`` and ``change_cost_per_break = 0`` this is a plain
warm-started re-solve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.data.schemas import AVAILABILITY_COLUMNS, Agent
from wfm.errors import InputError, SolveError
from wfm.progress import ProgressCallback, no_progress, scaled
from wfm.scheduling.change_penalties import (
    BREAK_COLUMNS,
    BreakChangePenalty,
    ChangePenalty,
    break_start_counts,
    keep_published_breaks,
    published_breaks,
)
from wfm.scheduling.instance import RotaInstance, prepare_week
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.precheck import check_contracts_reachable
from wfm.scheduling.rota import assign_breaks, read_assignments, read_break_starts, rota_frame
from wfm.scheduling.search import solve_rota
from wfm.scheduling.service_target import weekly_service_level_extensions
from wfm.scheduling.site import RotaSite
from wfm.scheduling.solve import SolveStatus, run_highs
from wfm.scheduling.week import RotaResult, read_rota_result
from wfm.scheduling.workforce import agent_workforce
from wfm.timegrid import DAYS_PER_WEEK

logger = logging.getLogger(__name__)

#: Columns of the changes table: one row per changed shift, break or lunch.
CHANGE_COLUMNS = ("agent_id", "date", "activity", "old_time", "new_time", "change")


#: The activity of a shift's row in the changes table.
SHIFT_ACTIVITY = "shift"

#: Columns of :func:`rota_shifts`.
SHIFT_COLUMNS = ("agent_id", "date", "start", "end")


@dataclass(frozen=True)
class Reoptimisation:
    """A re-optimised rota and what changed.

    Parameters
    ----------
    result
        The new rota, coverage, agent summary and solve summary.
    changes
        One row per shift, break or lunch that differs from the published rota
        (:data:`CHANGE_COLUMNS`, see :func:`changes_table`).
    published_cost
        Objective of the published rota under the change: its ruled-out shifts dropped,
        the rest with their published breaks (re-placed only if those break a rule)
        [cost units]; ``None`` if it cannot be evaluated.
    unmatched
        Published shifts that are not among the centre's shift candidates (e.g. edited by
        hand), by ``agent_id``, ``date``, ``start`` and ``end``; they cannot be kept.
    """

    result: RotaResult
    changes: pd.DataFrame
    published_cost: float | None
    unmatched: pd.DataFrame


# --- inputs ------------------------------------------------------------------------------


def unavailable_days(entries: Iterable[tuple[str, dt.date]], timezone: str) -> pd.DataFrame:
    """Whole local days off as availability windows (kind ``unavailable``).

    Parameters
    ----------
    entries
        (agent_id, local date) pairs.
    timezone
        The centre's IANA time zone.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`wfm.data.schemas.AVAILABILITY_COLUMNS`, one row per entry, from local
        midnight to the next.

    Examples
    --------
    >>> frame = unavailable_days([("A1", dt.date(2025, 6, 3))], "Europe/London")
    >>> str(frame.loc[0, "start"]), str(frame.loc[0, "end"])
    ('2025-06-03 00:00:00+01:00', '2025-06-04 00:00:00+01:00')
    """
    rows = [
        (
            str(agent_id),
            pd.Timestamp(date).tz_localize(timezone),
            pd.Timestamp(date + dt.timedelta(days=1)).tz_localize(timezone),
            "unavailable",
        )
        for agent_id, date in entries
    ]
    frame = pd.DataFrame(rows, columns=list(AVAILABILITY_COLUMNS))
    for column in ("start", "end"):
        frame[column] = (
            pd.DatetimeIndex(frame[column]).tz_convert(timezone)
            if len(frame)
            else pd.Series(dtype=f"datetime64[ns, {timezone}]")
        )
    return frame


_UNAVAILABLE = re.compile(
    r"^(?P<agent>[^:]+):(?P<first>\d{4}-\d{2}-\d{2})(?:\.\.(?P<last>\d{4}-\d{2}-\d{2}))?$"
)


def parse_unavailable(text: str) -> list[tuple[str, dt.date]]:
    """Parse ``AGENT:DATE`` or ``AGENT:FIRST..LAST`` (dates ``YYYY-MM-DD``, inclusive).

    >>> parse_unavailable("A07:2026-11-17..2026-11-18")
    [('A07', datetime.date(2026, 11, 17)), ('A07', datetime.date(2026, 11, 18))]

    Raises
    ------
    InputError
        If the text does not have that form or the last date is before the first.
    """
    match = _UNAVAILABLE.match(text.strip())
    fix = "write AGENT:YYYY-MM-DD or AGENT:YYYY-MM-DD..YYYY-MM-DD, e.g. A07:2026-11-17"
    if match is None:
        raise InputError(
            "cannot read the unavailability", option="--unavailable", value=text, fix=fix
        )
    try:
        first = dt.date.fromisoformat(match["first"])
        last = dt.date.fromisoformat(match["last"]) if match["last"] else first
    except ValueError:
        raise InputError(
            "not a calendar date", option="--unavailable", value=text, fix=fix
        ) from None
    if last < first:
        raise InputError(
            "the last date is before the first", option="--unavailable", value=text, fix=fix
        )
    return [(match["agent"], first + dt.timedelta(days=k)) for k in range((last - first).days + 1)]


def rota_shifts(rota: pd.DataFrame) -> pd.DataFrame:
    """One row per shift of a rota: ``agent_id``, ``date`` and the shift's ``start`` (its
    first activity) and ``end`` (its last), sorted."""
    if rota.empty:
        return pd.DataFrame({column: [] for column in SHIFT_COLUMNS})
    shifts = rota.groupby(["agent_id", "date"], sort=True).agg(
        start=("start", "min"), end=("end", "max")
    )
    return shifts.reset_index()[list(SHIFT_COLUMNS)]


def match_shifts(
    shifts: pd.DataFrame, instance: RotaInstance, site_of: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidates of a rota's shifts.

    Parameters
    ----------
    shifts
        Output of :func:`rota_shifts`.
    instance
        The instance whose candidates and agents to match against.
    site_of
        Agent id -> site name, for an instance joining sites in different time zones
        (:class:`~wfm.scheduling.site.SiteClock`): a shift is matched to a candidate of its
        agent's own site (two sites' shifts may start and end at the same instants, a London
        14:00 and a New York 09:00).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Matched shifts: ``agent`` (index), ``candidate``, ``day``, ``paid_minutes``; and
        the shifts of known agents that match no candidate (same start and end), with the
        columns of ``shifts``. Shifts of agents not in the instance, or outside its
        horizon, are left out of both.
    """
    agent_index = {agent.agent_id: a for a, agent in enumerate(instance.agents)}
    candidates = instance.candidates
    on = ["start_ns", "end_ns"]
    key = pd.DataFrame(
        {
            "start_ns": pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8,
            "end_ns": pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8,
            "candidate": candidates["candidate"].to_numpy(dtype=np.int64),
            "day": candidates["day"].to_numpy(dtype=np.int64),
            "paid_minutes": candidates["paid_minutes"].to_numpy(dtype=np.int64),
        }
    )
    by_site = site_of is not None and "site" in candidates
    if by_site:
        on = ["_site", *on]
        key.insert(0, "_site", candidates["site"].astype(str).to_numpy())
    key = key.drop_duplicates(on)
    known = shifts[shifts["agent_id"].astype(str).isin(agent_index)]
    dates = set(instance.grid.dates)
    known = known[[date in dates for date in known["date"]]]
    frame = known.assign(
        agent=known["agent_id"].astype(str).map(agent_index),
        start_ns=pd.DatetimeIndex(known["start"]).as_unit("ns").asi8,
        end_ns=pd.DatetimeIndex(known["end"]).as_unit("ns").asi8,
    )
    if by_site:
        frame = frame.assign(_site=frame["agent_id"].astype(str).map(site_of))
    frame = frame.merge(key, on=on, how="left")
    matched = frame[frame["candidate"].notna()]
    unmatched = frame[frame["candidate"].isna()][list(SHIFT_COLUMNS)].reset_index(drop=True)
    result = pd.DataFrame(
        {
            "agent": matched["agent"].to_numpy(dtype=np.int64),
            "candidate": matched["candidate"].to_numpy(dtype=np.int64),
            "day": matched["day"].to_numpy(dtype=np.int64),
            "paid_minutes": matched["paid_minutes"].to_numpy(dtype=np.int64),
        }
    )
    return result.sort_values(["agent", "candidate"], ignore_index=True), unmatched


# --- the model extension -----------------------------------------------------------------


# --- re-optimisation ---------------------------------------------------------------------


def relieve_contracts(instance: RotaInstance, lost: pd.DataFrame) -> RotaInstance:
    """The instance with each agent's contract minimum hours and days lowered by the
    published shifts the change rules out (``lost``: ``agent``, ``paid_minutes``).

    An affected agent gets a copy of the contract named ``"<name> less <k> lost
    shift(s)"``, so it is never pooled with unaffected agents.
    """
    if lost.empty:
        return instance
    contracts = list(instance.contracts)
    for a, group in lost.groupby("agent"):
        contract = contracts[int(a)]
        hours = float(group["paid_minutes"].sum()) / 60.0
        contracts[int(a)] = contract.model_copy(
            update={
                "name": f"{contract.name} less {len(group)} lost shift(s)",
                "min_hours_per_week": max(contract.min_hours_per_week - hours, 0.0),
                "min_days_per_week": max(contract.min_days_per_week - len(group), 0),
            }
        )
    return dataclasses.replace(instance, contracts=tuple(contracts))


def evaluate_published(
    instance: RotaInstance,
    settings: SchedulingSettings,
    assignments: pd.DataFrame,
    breaks: pd.DataFrame,
    extensions: Sequence = (),
    time_limit_seconds: float | None = None,
) -> tuple[float | None, LinearModel | None]:
    """Objective [cost units] and solved model of a fixed rota: the exact model restricted
    to ``assignments`` (``agent``, ``candidate``) with every shift fixed on and the break
    starts fixed to ``breaks`` (:func:`published_breaks`); if those breaks break a rule
    (missing or off their windows), with breaks placed optimally instead. ``(None, None)``
    when the rota breaks a hard rule or the solver stops first."""
    limit = settings.time_limit_seconds if time_limit_seconds is None else time_limit_seconds
    pairs = (
        assignments[["agent", "candidate"]]
        .astype("int64")
        .merge(instance.eligible, on=["agent", "candidate"])
    )
    counts = {
        (int(g), int(k), int(t)): int(n)
        for g, k, t, n in break_start_counts(breaks, instance).itertuples(index=False)
    }
    for fix_breaks in (True, False) if counts else (False,):
        model = build_rota_model(instance, settings, agent_workforce(instance, pairs), extensions)
        for variable in model.x.values():
            variable.fix(1.0)
        if fix_breaks:
            for key, variable in model.y.items():
                variable.fix(float(counts.get(tuple(int(v) for v in key), 0)))
        run = run_highs(
            model, time_limit_seconds=limit, threads=settings.threads, seed=settings.seed
        )
        if run.status == SolveStatus.OPTIMAL:
            return run.objective, model
        logger.info(
            "the published rota %s: %s",
            "with its published breaks" if fix_breaks else "with breaks re-placed",
            run.status.value,
        )
    return None, None


def evaluate_rota(
    instance: RotaInstance,
    settings: SchedulingSettings,
    assignments: pd.DataFrame,
    extensions: Sequence = (),
    time_limit_seconds: float | None = None,
) -> float | None:
    """Objective of a fixed rota [cost units] with breaks placed optimally (see
    :func:`evaluate_published` with no published breaks)."""
    empty = pd.DataFrame({column: [] for column in BREAK_COLUMNS}, dtype="int64")
    objective, _ = evaluate_published(
        instance, settings, assignments, empty, extensions, time_limit_seconds
    )
    return objective


def reoptimise_rota(
    published_rota: pd.DataFrame,
    requirements: pd.DataFrame,
    site: RotaSite,
    agents: Sequence[Agent],
    start_date: dt.date,
    *,
    changes: pd.DataFrame | None = None,
    availability: pd.DataFrame | None = None,
    preferences: pd.DataFrame | None = None,
    settings: SchedulingSettings | None = None,
    weeks: int = 1,
    progress: ProgressCallback | None = None,
) -> Reoptimisation:
    """Solve the rota again after a change, keeping published shifts where it can.

    Parameters
    ----------
    published_rota
        The published rota (:data:`wfm.data.schemas.ROTA_COLUMNS`, e.g. from
        :func:`wfm.data.output_files.read_rota`).
    requirements, site, agents, start_date
        As for :func:`wfm.scheduling.schedule_week`; ``agents`` may add agents (they have no
        published shifts) or leave some out (their shifts count as removed).
    changes
        New availability windows (:data:`wfm.data.schemas.AVAILABILITY_COLUMNS`), e.g. sick
        days from :func:`unavailable_days`; added to ``availability``.
    availability
        The availability the published rota was made with (or an updated one); ``None``
        for none.
    preferences
        Agents' preferences (soft), as for scheduling.
    settings
        Default ``site.scheduling``; ``change_cost_per_shift`` prices each changed shift.
    weeks
        Horizon length [weeks].
    progress
        Called with (fraction done, message).

    Returns
    -------
    Reoptimisation
        The new rota and the changes table.

    Raises
    ------
    SolveError
        If no rota meets the hard rules after the change, or the solver found none in time.
    """
    report = progress or no_progress
    settings = settings or site.scheduling
    started = time.perf_counter()
    report(0.0, "preparing the change")
    windows = [frame for frame in (availability, changes) if frame is not None and not frame.empty]
    combined = pd.concat(windows, ignore_index=True) if windows else None
    instance = prepare_week(
        requirements,
        site,
        agents,
        start_date,
        days=DAYS_PER_WEEK * int(weeks),
        availability=combined,
        preferences=preferences,
    )
    site_of = {agent_id: clock.name for clock in site.clocks for agent_id in clock.agent_ids}
    published_shifts = rota_shifts(published_rota)
    published, unmatched = match_shifts(published_shifts, instance, site_of or None)
    if not unmatched.empty:
        logger.warning(
            "%d published shifts match no shift template and cannot be kept", len(unmatched)
        )
    allowed = published.merge(instance.eligible, on=["agent", "candidate"])
    lost = published.merge(
        allowed[["agent", "candidate"]], on=["agent", "candidate"], how="left", indicator=True
    )
    lost = lost[lost["_merge"] == "left_only"]
    instance = relieve_contracts(instance, lost)
    check_contracts_reachable(instance)

    kept_breaks = published_breaks(published_rota, allowed, instance)
    extensions = list(weekly_service_level_extensions(requirements, instance, settings))
    if settings.change_cost_per_shift > 0:
        extensions.append(
            ChangePenalty(published[["agent", "candidate", "day"]], settings.change_cost_per_shift)
        )
    if settings.change_cost_per_break > 0 and not kept_breaks.empty:
        extensions.append(
            BreakChangePenalty(
                break_start_counts(kept_breaks, instance), settings.change_cost_per_break
            )
        )
    report(0.05, "evaluating the published rota")
    published_cost, published_model = evaluate_published(
        instance,
        settings,
        allowed,
        kept_breaks,
        extensions,
        time_limit_seconds=settings.time_limit_seconds / 4,
    )
    search = solve_rota(
        instance,
        settings,
        progress=scaled(report, 0.1, 0.95),
        extensions=extensions,
        keep=allowed[["agent", "candidate"]],
        split_pools_by_keep=settings.change_cost_per_shift > 0,
    )
    model, summary = search.model, search.summary
    if published_model is not None and (
        model is None or summary.objective is None or summary.objective > published_cost + 1e-6
    ):
        summary = _kept_published_summary(summary, published_cost, settings.relative_gap)
        model = published_model
    if model is None:
        raise SolveError(
            f"no rota after the change ({summary.status.value}: {summary.termination}). Fix: check the "
            "change against the contracts (the precheck lists rule conflicts), or raise scheduling.time_limit_seconds"
        )
    report(0.95, "reading the rota")
    result = read_rota_result(
        model, instance, summary, started, late_shift_end=settings.late_shift_end
    )
    assignments = read_assignments(model, instance)
    agent_breaks = keep_published_breaks(
        assign_breaks(assignments, read_break_starts(model), instance), kept_breaks, instance
    )
    result = dataclasses.replace(result, rota=rota_frame(assignments, agent_breaks, instance))
    zones = {agent_id: clock.timezone for clock in site.clocks for agent_id in clock.agent_ids}
    table = changes_table(published_rota, result.rota, instance, zones or None)
    logger.info(
        "re-optimised rota: %s; %d shifts, breaks and lunches changed",
        result.summary.describe(),
        len(table),
    )
    report(1.0, "rota ready")
    return Reoptimisation(result, table, published_cost, unmatched)


def _kept_published_summary(summary, published_cost: float, gap_target: float):
    """The search's summary when the published rota less the lost shifts is kept: its cost,
    the search's bound (valid for the same objective) and the gap between them."""
    bound = summary.bound
    if bound is not None and bound > published_cost:
        bound = published_cost
    gap = (
        None if bound is None else max(published_cost - bound, 0.0) / max(abs(published_cost), 1e-9)
    )
    status = (
        SolveStatus.OPTIMAL
        if gap is not None and gap <= gap_target + 1e-12
        else SolveStatus.FEASIBLE
    )
    searched = "no rota" if summary.objective is None else f"cost {summary.objective:.1f}"
    return dataclasses.replace(
        summary,
        status=status,
        objective=published_cost,
        bound=bound,
        gap=gap,
        termination=f"{summary.termination}; kept the published rota less the lost shifts "
        f"(cost {published_cost:.1f}; the search ended with {searched})",
    )


def _label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def _activity_spans(
    rota: pd.DataFrame, dates: set, timezone: str, zones: Mapping[str, str] | None = None
) -> dict:
    """``(agent_id, date, activity, n) -> (start, end)`` for each shift (activity
    :data:`SHIFT_ACTIVITY`, its first to last activity) and each break or lunch (the n-th of
    its kind that day), local times (in ``zones[agent_id]``, else ``timezone``), dates of
    the horizon only."""
    zones = zones or {}
    spans = {}
    for a, d, start, end in rota_shifts(rota)[list(SHIFT_COLUMNS)].itertuples(index=False):
        if d in dates:
            zone = zones.get(str(a), timezone)
            spans[str(a), d, SHIFT_ACTIVITY, 0] = (
                pd.Timestamp(start).tz_convert(zone),
                pd.Timestamp(end).tz_convert(zone),
            )
    if "activity" not in rota:  # shifts only (rota_shifts)
        return spans
    rows = rota[rota["activity"] != "work"].sort_values(["agent_id", "start"], kind="stable")
    ordinal = rows.groupby(["agent_id", "date", "activity"]).cumcount()
    for (a, d, activity, start, end), n in zip(
        rows[["agent_id", "date", "activity", "start", "end"]].itertuples(index=False),
        ordinal,
        strict=True,
    ):
        if d in dates:
            zone = zones.get(str(a), timezone)
            spans[str(a), d, str(activity), int(n)] = (
                pd.Timestamp(start).tz_convert(zone),
                pd.Timestamp(end).tz_convert(zone),
            )
    return spans


def changes_table(
    published_rota: pd.DataFrame,
    new_rota: pd.DataFrame,
    instance: RotaInstance,
    zones: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every shift, break and lunch of the horizon that differs between the published rota
    and a new one (:data:`CHANGE_COLUMNS`), sorted by agent, date and time.

    ``activity`` is ``shift`` (the span from its first to its last activity), ``break`` or
    ``lunch`` (matched by order within the day: the first break with the first break);
    ``old_time`` and ``new_time`` are local ``HH:MM-HH:MM`` (empty when there is none), on
    the agent's own clock: ``zones[agent_id]`` (its site's zone, for a model joining sites
    in different time zones), else the instance's zone; ``date`` is the agent's local date;
    ``change`` is ``added``, ``removed`` or ``moved``. A removed shift lists its breaks as
    removed too: each row is something an agent is told.
    """
    dates = set(instance.grid.dates)
    timezone = instance.grid.timezone
    old = _activity_spans(published_rota, dates, timezone, zones)
    new = _activity_spans(new_rota, dates, timezone, zones)
    rows = []
    for key in set(old) | set(new):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "moved"
        when = (before or after)[0].tz_convert("UTC")  # agents on several clocks
        rows.append(
            (
                key[0],
                key[1],
                key[2],
                "" if before is None else _label(*before),
                "" if after is None else _label(*after),
                change,
                key[2] != SHIFT_ACTIVITY,
                when,
            )
        )
    frame = pd.DataFrame(rows, columns=[*CHANGE_COLUMNS, "_not_shift", "_when"])
    frame = frame.sort_values(["agent_id", "date", "_not_shift", "_when"], ignore_index=True)
    return frame[list(CHANGE_COLUMNS)]
