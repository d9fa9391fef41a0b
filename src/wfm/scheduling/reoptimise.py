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
  not rota hours), so that a sick day does not force other shifts onto them.

The penalty is linear in the shift variables: with :math:`c_{a,d}` the published shift of
agent :math:`a` on day :math:`d`, the changes are
:math:`\\sum_{(a,d): c_{a,d}} (1 - x_{a,c_{a,d}}) + \\sum_{(a,d): \\text{off}} \\sum_{c \\in d} x_{a,c}`.
With change costs the pooled relaxation of the search splits pools by published shifts,
so it stays exact and its bound valid. Breaks may move without a penalty.

With ``change_cost_per_shift = 0`` this is a plain warm-started re-solve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from wfm.config import Centre, SchedulingSettings
from wfm.data.schemas import AVAILABILITY_COLUMNS, Agent
from wfm.errors import InputError, SolveError
from wfm.progress import ProgressCallback, no_progress, scaled
from wfm.scheduling.instance import RotaInstance, Workforce, agent_workforce, prepare_week
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.precheck import check_contracts_reachable
from wfm.scheduling.search import solve_rota
from wfm.scheduling.service_target import weekly_service_level_extensions
from wfm.scheduling.solve import SolveStatus, run_highs
from wfm.scheduling.week import DAYS_PER_WEEK, RotaResult, read_rota_result

logger = logging.getLogger(__name__)

#: Columns of the changes table.
CHANGE_COLUMNS = ("agent_id", "date", "old_shift", "new_shift", "change")

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
        One row per (agent, date) whose shift differs from the published rota
        (:data:`CHANGE_COLUMNS`): ``old_shift`` and ``new_shift`` as local ``HH:MM-HH:MM``
        (empty for a day off), ``change`` one of ``added``, ``removed``, ``moved``.
    published_cost
        Objective of the published rota under the change (its ruled-out shifts dropped,
        breaks re-placed) [cost units]; ``None`` if it cannot be evaluated.
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
            "cannot read the unavailability", column="--unavailable", value=text, fix=fix
        )
    try:
        first = dt.date.fromisoformat(match["first"])
        last = dt.date.fromisoformat(match["last"]) if match["last"] else first
    except ValueError:
        raise InputError(
            "not a calendar date", column="--unavailable", value=text, fix=fix
        ) from None
    if last < first:
        raise InputError(
            "the last date is before the first", column="--unavailable", value=text, fix=fix
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


def match_shifts(shifts: pd.DataFrame, instance: RotaInstance) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidates of a rota's shifts.

    Parameters
    ----------
    shifts
        Output of :func:`rota_shifts`.
    instance
        The instance whose candidates and agents to match against.

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
    key = pd.DataFrame(
        {
            "start_ns": pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8,
            "end_ns": pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8,
            "candidate": candidates["candidate"].to_numpy(dtype=np.int64),
            "day": candidates["day"].to_numpy(dtype=np.int64),
            "paid_minutes": candidates["paid_minutes"].to_numpy(dtype=np.int64),
        }
    ).drop_duplicates(["start_ns", "end_ns"])
    known = shifts[shifts["agent_id"].astype(str).isin(agent_index)]
    dates = set(instance.grid.dates)
    known = known[[date in dates for date in known["date"]]]
    frame = known.assign(
        agent=known["agent_id"].astype(str).map(agent_index),
        start_ns=pd.DatetimeIndex(known["start"]).as_unit("ns").asi8,
        end_ns=pd.DatetimeIndex(known["end"]).as_unit("ns").asi8,
    ).merge(key, on=["start_ns", "end_ns"], how="left")
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


@dataclass(frozen=True)
class ChangePenalty:
    """Model extension: ``cost_per_shift`` for each (agent, day) whose shift differs from
    ``published`` (see the module docstring) [cost units].

    Parameters
    ----------
    published
        Published shifts: ``agent`` (index), ``candidate`` and ``day``, including shifts the
        change has ruled out (each a forced change).
    cost_per_shift
        ``change_cost_per_shift`` [cost units per changed shift].

    Units of a pooled workforce must hold agents with the same published shifts
    (:func:`wfm.scheduling.search.split_pools` does this); the penalty of a pool of
    :math:`m` agents is :math:`m - x_{u,c}` on a day with published shift :math:`c` and
    :math:`\\sum_c x_{u,c}` on a day off, exact because its agents are interchangeable.
    """

    published: pd.DataFrame
    cost_per_shift: float

    def __call__(
        self,
        model: pyo.ConcreteModel,
        instance: RotaInstance,
        settings: SchedulingSettings,
        workforce: Workforce,
        shifts: pd.DataFrame,
    ) -> object:
        cost = self.cost_per_shift
        by_agent = {
            int(a): dict(zip(group["day"].tolist(), group["candidate"].tolist(), strict=True))
            for a, group in self.published.groupby("agent")
        }
        constant = 0.0
        coefs: list[float] = []
        variables: list = []
        days_by_unit = {int(u): group for u, group in shifts.groupby("unit", sort=True)}
        for u, unit in enumerate(workforce.units):
            published = by_agent.get(unit.agents[0], {})
            if any(by_agent.get(a, {}) != published for a in unit.agents[1:]):
                raise ValueError(
                    f"unit {unit.unit_id} mixes agents with different published shifts"
                )
            constant += (
                cost * unit.size * len(published)
            )  # every published shift, less those kept below
            group = days_by_unit.get(u)
            if group is None:
                continue
            for day, candidate, variable in zip(
                group["day"], group["candidate"], group["var"], strict=True
            ):
                kept = published.get(int(day))
                if kept is None:
                    coefs.append(cost)  # a shift on a published day off
                    variables.append(variable)
                elif int(candidate) == kept:
                    coefs.append(-cost)  # the published shift kept
                    variables.append(variable)
        return LinearExpression(constant=constant, linear_coefs=coefs, linear_vars=variables)


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


def evaluate_rota(
    instance: RotaInstance,
    settings: SchedulingSettings,
    assignments: pd.DataFrame,
    extensions: Sequence = (),
    time_limit_seconds: float | None = None,
) -> float | None:
    """Objective of a fixed rota [cost units]: the exact model restricted to
    ``assignments`` (``agent``, ``candidate``) with every shift fixed on, breaks placed
    optimally. ``None`` when the rota breaks a hard rule or the solver stops first."""
    pairs = (
        assignments[["agent", "candidate"]]
        .astype("int64")
        .merge(instance.eligible, on=["agent", "candidate"])
    )
    model = build_rota_model(instance, settings, agent_workforce(instance, pairs), extensions)
    for variable in model.x.values():
        variable.fix(1.0)
    limit = settings.time_limit_seconds if time_limit_seconds is None else time_limit_seconds
    run = run_highs(model, time_limit_seconds=limit, threads=settings.threads, seed=settings.seed)
    return run.objective if run.status == SolveStatus.OPTIMAL else None


def reoptimise_rota(
    published_rota: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
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
        :func:`wfm.data.io.read_rota`).
    requirements, centre, agents, start_date
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
        Default ``centre.scheduling``; ``change_cost_per_shift`` prices each changed shift.
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
    settings = settings or centre.scheduling
    started = time.perf_counter()
    report(0.0, "preparing the change")
    windows = [frame for frame in (availability, changes) if frame is not None and not frame.empty]
    combined = pd.concat(windows, ignore_index=True) if windows else None
    instance = prepare_week(
        requirements,
        centre,
        agents,
        start_date,
        days=DAYS_PER_WEEK * int(weeks),
        availability=combined,
        preferences=preferences,
    )
    published_shifts = rota_shifts(published_rota)
    published, unmatched = match_shifts(published_shifts, instance)
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

    extensions = list(weekly_service_level_extensions(requirements, instance, settings))
    if settings.change_cost_per_shift > 0:
        extensions.append(
            ChangePenalty(published[["agent", "candidate", "day"]], settings.change_cost_per_shift)
        )
    report(0.05, "evaluating the published rota")
    published_cost = evaluate_rota(
        instance, settings, allowed, extensions, time_limit_seconds=settings.time_limit_seconds / 4
    )
    search = solve_rota(
        instance,
        settings,
        progress=scaled(report, 0.1, 0.95),
        extensions=extensions,
        keep=allowed[["agent", "candidate"]],
        split_pools_by_keep=settings.change_cost_per_shift > 0,
    )
    if search.model is None:
        raise SolveError(
            f"no rota after the change ({search.summary.status.value}: {search.summary.termination}). Fix: check the "
            "change against the contracts (the precheck lists rule conflicts), or raise scheduling.time_limit_seconds"
        )
    report(0.95, "reading the rota")
    result = read_rota_result(
        search.model, instance, search.summary, started, late_shift_end=settings.late_shift_end
    )
    table = changes_table(published_shifts, result.rota, instance)
    logger.info("re-optimised rota: %s; %d shifts changed", result.summary.describe(), len(table))
    report(1.0, "rota ready")
    return Reoptimisation(result, table, published_cost, unmatched)


def _label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def changes_table(
    published_shifts: pd.DataFrame, new_rota: pd.DataFrame, instance: RotaInstance
) -> pd.DataFrame:
    """(agent, date) pairs of the horizon whose shift differs between the published shifts
    (:func:`rota_shifts`) and a new rota (:data:`CHANGE_COLUMNS`), sorted."""
    dates = set(instance.grid.dates)
    timezone = instance.grid.timezone
    old = {
        (str(a), d): (pd.Timestamp(s).tz_convert(timezone), pd.Timestamp(e).tz_convert(timezone))
        for a, d, s, e in published_shifts[list(SHIFT_COLUMNS)].itertuples(index=False)
        if d in dates
    }
    new_shifts = rota_shifts(new_rota)
    new = {
        (str(a), d): (pd.Timestamp(s).tz_convert(timezone), pd.Timestamp(e).tz_convert(timezone))
        for a, d, s, e in new_shifts[list(SHIFT_COLUMNS)].itertuples(index=False)
    }
    rows = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        change = "added" if before is None else "removed" if after is None else "moved"
        rows.append(
            (
                key[0],
                key[1],
                "" if before is None else _label(*before),
                "" if after is None else _label(*after),
                change,
            )
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
