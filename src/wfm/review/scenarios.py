"""What-if scenarios: change volume, handle time, target or shrinkage and see the effect.

A scenario (:class:`Scenario`) is applied to a base plan (:class:`BasePlan`: a forecast, the
rota in hand and the centre's targets); the requirements are staffed again and the rota is
projected against them. This is the layer-3 function behind
the app's what-if sliders and the managers' questions ("what does +10 % volume do to our
service level with the rota we have?").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from wfm.errors import InputError
from wfm.execution import Executor, LocalExecutor
from wfm.progress import ProgressCallback
from wfm.review.projection import asa_weights, project_service, summarise_service
from wfm.staffing import ServiceTarget, compute_requirements

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scenario:
    """Changes to a base plan.

    Parameters
    ----------
    name
        Label shown in comparisons.
    volume_factor
        Multiplier on offered contacts (1.1 = +10 %).
    aht_factor
        Multiplier on average handle time (0.95 = 5 % shorter).
    service_level_target
        Service-level target for every queue (fraction), or ``None`` to keep each queue's.
    shrinkage_fraction
        Shrinkage for every queue (fraction), or ``None`` to keep each queue's.
    headcount_factor
        Multiplier on the rota's scheduled agents (0.9 = 10 % fewer agents on every queue).
    absenteeism_fraction
        Share of the rota's scheduled agents absent on the day, beyond the shrinkage already
        planned (0.05 = 5 % fewer agents present). Present agents are
        scheduled × ``headcount_factor`` × (1 − ``absenteeism_fraction``).
    shrinkage_by_queue
        Shrinkage per queue (fractions); overrides ``shrinkage_fraction`` for the queues named.
    """

    name: str = "base"
    volume_factor: float = 1.0
    aht_factor: float = 1.0
    service_level_target: float | None = None
    shrinkage_fraction: float | None = None
    headcount_factor: float = 1.0
    absenteeism_fraction: float = 0.0
    shrinkage_by_queue: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.absenteeism_fraction < 1:
            raise InputError(
                "absenteeism must be a fraction in [0, 1)",
                value=self.absenteeism_fraction,
                fix="e.g. 0.05 for 5 % absent",
            )
        if not self.headcount_factor >= 0:
            raise InputError(
                "headcount_factor must be zero or more",
                value=self.headcount_factor,
                fix="1.0 means no change",
            )
        for queue, value in (self.shrinkage_by_queue or {}).items():
            if not 0 <= value < 1:
                raise InputError(
                    f"shrinkage of queue '{queue}' must be a fraction in [0, 1)", value=value
                )
        for label, value in (
            ("volume_factor", self.volume_factor),
            ("aht_factor", self.aht_factor),
        ):
            if not value > 0:
                raise InputError(
                    f"{label} must be more than 0",
                    value=value,
                    fix="1.0 means no change, 1.1 means +10 %",
                )
        if self.shrinkage_fraction is not None and not 0 <= self.shrinkage_fraction < 1:
            raise InputError(
                "shrinkage must be a fraction in [0, 1)", value=self.shrinkage_fraction
            )

    @property
    def presence_factor(self) -> float:
        """Share of the rota's scheduled agents present: headcount × (1 − absenteeism)."""
        return self.headcount_factor * (1.0 - self.absenteeism_fraction)


@dataclass(frozen=True, eq=False)
class BasePlan:
    """The plan every scenario changes: a forecast, the rota in hand and the targets.

    The scenarios of a comparison, a what-if grid or a sensitivity table all start from one
    base plan; a :class:`Scenario` says what changes. Compared by identity (it holds frames).

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``interval_start, queue, offered`` [contacts] ``, aht_seconds`` [s].
    coverage : pandas.DataFrame
        ``interval_start, queue, agents_scheduled`` [agents] of the rota in hand.
    targets : mapping of queue name to ServiceTarget
        The service targets each queue is staffed to.
    shrinkage_by_queue : mapping of queue name to float
        Shrinkage per queue [fraction of paid time].
    interval_minutes : int
        Interval length [minutes].
    """

    forecast: pd.DataFrame
    coverage: pd.DataFrame
    targets: Mapping[str, ServiceTarget]
    shrinkage_by_queue: Mapping[str, float]
    interval_minutes: int

    def __post_init__(self) -> None:
        # Own copies: the plan does not change when the caller's mappings do, and it pickles
        # to executor workers whatever mapping type it was given.
        object.__setattr__(self, "targets", dict(self.targets))
        object.__setattr__(self, "shrinkage_by_queue", dict(self.shrinkage_by_queue))


@dataclass(frozen=True)
class ScenarioResult:
    """Requirements, projected service and the summary of one scenario.

    ``patience_seconds`` is the caller patience it was run with (``None``: Erlang C, callers
    never abandon); :attr:`model` says which queueing model every figure comes from.
    """

    scenario: Scenario
    requirements: pd.DataFrame
    projected: pd.DataFrame
    summary: pd.DataFrame
    patience_seconds: float | None = None

    @property
    def model(self) -> str:
        """``"Erlang C"``, or ``"Erlang A (patience 120 s)"``."""
        if self.patience_seconds is None:
            return "Erlang C"
        return f"Erlang A (patience {self.patience_seconds:g} s)"

    @property
    def binding_share(self) -> pd.Series:
        """Share of the loaded intervals whose requirement each target decides (by
        ``binding_target``: service level, ASA, occupancy cap, ...), summing to 1."""
        loaded = self.requirements[self.requirements["offered"] > 0]
        if loaded.empty or "binding_target" not in loaded:
            return pd.Series(dtype=float)
        return loaded["binding_target"].value_counts(normalize=True)


def run_scenario(
    plan: BasePlan,
    scenario: Scenario = Scenario(),
    *,
    patience_seconds: float | None = None,
) -> ScenarioResult:
    """Staff the changed forecast and project the rota's coverage against it.

    Parameters
    ----------
    plan : BasePlan
        The forecast, the rota's coverage, the targets, shrinkage and interval length.
    scenario : Scenario
        What changes (none by default).
    patience_seconds : float, optional
        Mean caller patience [s]: when given, Erlang A is used throughout: the requirements
        are staffed with it, and the projection's service level, ASA, occupancy and
        ``abandon_probability`` come from it (:func:`wfm.review.projection.project_service`);
        the summary gets an offered-weighted ``abandonment_rate``. ``None``: Erlang C.

    Returns
    -------
    ScenarioResult
    """
    forecast, coverage = plan.forecast, plan.coverage
    changed = forecast.assign(
        offered=forecast["offered"] * scenario.volume_factor,
        aht_seconds=forecast["aht_seconds"] * scenario.aht_factor,
    )
    scenario_targets = {
        name: target
        if scenario.service_level_target is None
        else replace(target, service_level_target=scenario.service_level_target)
        for name, target in plan.targets.items()
    }
    shrinkage = {
        name: value if scenario.shrinkage_fraction is None else scenario.shrinkage_fraction
        for name, value in plan.shrinkage_by_queue.items()
    }
    shrinkage.update(scenario.shrinkage_by_queue or {})
    present = coverage
    if scenario.presence_factor != 1.0:
        present = coverage.assign(
            agents_scheduled=coverage["agents_scheduled"] * scenario.presence_factor
        )
    requirements = compute_requirements(
        changed,
        scenario_targets,
        shrinkage,
        plan.interval_minutes,
        source=f"scenario '{scenario.name}'",
        patience_seconds=patience_seconds,
    )
    projected = project_service(
        requirements, present, scenario_targets, patience_seconds=patience_seconds
    )
    summary = summarise_service(projected, plan.interval_minutes, scenario_targets)
    if patience_seconds is not None:
        summary = _with_abandonment(projected, summary)
    return ScenarioResult(scenario, requirements, projected, summary, patience_seconds)


def _with_abandonment(projected: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with an offered-weighted Erlang A abandonment rate per queue."""
    weighted = (
        (projected["abandon_probability"] * projected["offered"]).groupby(projected["queue"]).sum()
    )
    offered = projected.groupby("queue")["offered"].sum()
    rates = (weighted / offered.where(offered > 0)).to_dict()
    total = float(offered.sum())
    rates["all"] = float(weighted.sum() / total) if total > 0 else np.nan
    return summary.assign(abandonment_rate=summary["queue"].map(rates))


def _scenario_task(
    scenario: Scenario, plan: BasePlan, patience_seconds: float | None
) -> ScenarioResult:
    """One scenario of :func:`run_scenarios` (an executor task; shared inputs last)."""
    return run_scenario(plan, scenario, patience_seconds=patience_seconds)


def run_scenarios(
    plan: BasePlan,
    scenarios: Sequence[Scenario],
    *,
    patience_seconds: float | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
) -> list[ScenarioResult]:
    """:func:`run_scenario` for each scenario of a what-if grid, one task per scenario.

    The base plan every scenario reads is sent to the workers once (``shared``); results come
    back in scenario order and are the same whichever executor runs them
    (:mod:`wfm.execution`; in this process by default).
    """
    return (executor or LocalExecutor()).map(
        _scenario_task,
        [(scenario,) for scenario in scenarios],
        labels=[scenario.name for scenario in scenarios],
        shared=(plan, patience_seconds),
        progress=progress,
        what="what-if",
    )


def compare_scenarios(results: list[ScenarioResult]) -> pd.DataFrame:
    """Centre-wide figures of several scenarios side by side, with the change from the first.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario, offered, service_level, asa_seconds, occupancy``
        (Σ busy agents / Σ productive agents over the period), ``abandonment_rate`` (only
        when the results were run with a patience), ``required_agent_hours,
        scheduled_agent_hours`` (after headcount and absenteeism),
        ``under_staffed_agent_hours``, ``offered_in_unstable_intervals`` (contacts in
        intervals with no more productive agents than Erlangs: left out of the ASA, so
        compare ASAs only with this column) and ``service_level_change`` against the first
        scenario.
    """
    rows = []
    for result in results:
        total = result.summary.set_index("queue").loc["all"]
        projected = result.projected
        productive = float(projected["agents_productive"].sum())
        busy = float((projected["occupancy"] * projected["agents_productive"]).sum())
        row = {
            "scenario": result.scenario.name,
            "offered": total["offered"],
            "service_level": total["service_level"],
            "asa_seconds": total["asa_seconds"],
            "occupancy": busy / productive if productive > 0 else np.nan,
            "required_agent_hours": total["required_agent_hours"],
            "scheduled_agent_hours": total["scheduled_agent_hours"],
            "under_staffed_agent_hours": total["under_staffed_agent_hours"],
            "offered_in_unstable_intervals": total["offered_in_unstable_intervals"],
            "asa_covered_share": total["asa_covered_share"],
        }
        if "abandonment_rate" in total:
            row["abandonment_rate"] = total["abandonment_rate"]
        rows.append(row)
    table = pd.DataFrame(rows)
    if not table.empty:
        table["service_level_change"] = table["service_level"] - table["service_level"].iloc[0]
    return table


def _sums_by_day(frame: pd.DataFrame) -> pd.DataFrame:
    """The numeric columns of ``frame`` summed per ``date`` and ``queue``, and per ``date`` as
    queue ``all`` (after the day's queues); sorted by date."""
    parts = []
    for keys in (["date", "queue"], ["date"]):
        sums = frame.groupby(keys, sort=True).sum(numeric_only=True).reset_index()
        if "queue" not in keys:
            sums["queue"] = "all"
        parts.append(sums)
    table = pd.concat(parts, ignore_index=True)
    return table.assign(last=table["queue"] == "all").sort_values(
        ["date", "last", "queue"], kind="stable"
    )


def service_by_day(result: ScenarioResult) -> pd.DataFrame:
    """Service level per site date and queue (plus ``all``) of a scenario.

    Returns
    -------
    pandas.DataFrame
        ``date, queue, offered`` [contacts], ``service_level`` (offered-weighted, the share
        of the day's contacts answered within threshold), ``required_agents_intervals`` and
        ``scheduled_agents_intervals`` [agent-intervals].
    """
    projected = result.projected
    frame = projected.assign(
        date=projected["interval_start"].dt.date,
        weight=projected["service_level"] * projected["offered"],
    )
    table = _sums_by_day(
        frame[
            ["date", "queue", "offered", "weight", "agents_scheduled_required", "agents_scheduled"]
        ]
    )
    table["service_level"] = np.where(
        table["offered"] > 0,
        table["weight"] / table["offered"].where(table["offered"] > 0, 1.0),
        1.0,
    )
    table = table.rename(
        columns={
            "agents_scheduled_required": "required_agents_intervals",
            "agents_scheduled": "scheduled_agents_intervals",
        }
    )
    return table[
        [
            "date",
            "queue",
            "offered",
            "service_level",
            "required_agents_intervals",
            "scheduled_agents_intervals",
        ]
    ].reset_index(drop=True)


def projection_by_day(result: ScenarioResult, interval_minutes: int) -> pd.DataFrame:
    """Projected service, waiting, occupancy and abandonment per site date and queue.

    Every figure of a day is recomputed from the intervals' totals, as
    :func:`wfm.review.projection.summarise_service` does for the period: averages do not aggregate.

    Parameters
    ----------
    result : ScenarioResult
    interval_minutes : int
        Interval length [minutes] (agents per interval are summed to agent-hours).

    Returns
    -------
    pandas.DataFrame
        One row per date and queue, plus queue ``all`` per date: ``date, queue, offered``
        [contacts], ``service_level`` (offered-weighted: the share of the day's contacts
        answered within threshold; 1 with nothing offered), ``asa_seconds`` [s]
        (offered-weighted over the intervals with a finite wait; NaN when there are none),
        ``offered_in_unstable_intervals`` [contacts] (left out of the ASA),
        ``occupancy`` (Σ busy agents / Σ productive agents), ``abandonment_rate``
        (offered-weighted Erlang A abandonment; only when the result was run with a
        patience), ``required_agent_hours``, ``scheduled_agent_hours`` (present agents,
        after headcount and absenteeism) and ``under_staffed_agent_hours`` [agent-hours].
    """
    projected = result.projected
    hours = interval_minutes / 60.0
    offered = projected["offered"].to_numpy(dtype=float)
    answered, stable, asa_weight = asa_weights(projected)
    frame = pd.DataFrame(
        {
            # Local midnight as a tz-naive timestamp groups much faster than date objects.
            "date": projected["interval_start"].dt.tz_localize(None).dt.normalize(),
            "queue": projected["queue"],
            "offered": offered,
            "level_weight": projected["service_level"].to_numpy(dtype=float) * offered,
            "stable_offered": np.where(stable, offered, 0.0),
            "stable_answered": answered,
            "asa_weight": asa_weight,
            "busy": projected["occupancy"].to_numpy(dtype=float)
            * projected["agents_productive"].to_numpy(dtype=float),
            "productive": projected["agents_productive"].to_numpy(dtype=float),
            "required": projected["agents_scheduled_required"].to_numpy(dtype=float),
            "scheduled": projected["agents_scheduled"].to_numpy(dtype=float),
            "under": projected["under_staffed"].to_numpy(dtype=float),
        }
    )
    with_abandonment = "abandon_probability" in projected
    if with_abandonment:
        frame["abandon_weight"] = projected["abandon_probability"].to_numpy(dtype=float) * offered
    table = _sums_by_day(frame)

    def share(numerator: pd.Series, denominator: pd.Series, empty: float) -> np.ndarray:
        positive = denominator.to_numpy(dtype=float) > 0
        return np.where(
            positive, numerator.to_numpy(dtype=float) / np.where(positive, denominator, 1.0), empty
        )

    out = table[["date", "queue", "offered"]].copy()
    out["date"] = out["date"].dt.date
    out["service_level"] = share(table["level_weight"], table["offered"], 1.0)
    out["asa_seconds"] = share(table["asa_weight"], table["stable_answered"], np.nan)
    out["offered_in_unstable_intervals"] = table["offered"] - table["stable_offered"]
    out["occupancy"] = share(table["busy"], table["productive"], np.nan)
    if with_abandonment:
        out["abandonment_rate"] = share(table["abandon_weight"], table["offered"], 0.0)
    out["required_agent_hours"] = table["required"] * hours
    out["scheduled_agent_hours"] = table["scheduled"] * hours
    out["under_staffed_agent_hours"] = table["under"] * hours
    return out.reset_index(drop=True)


#: Inputs varied by :func:`sensitivity`.
SENSITIVITY_INPUTS = ("volume", "aht", "shrinkage", "absenteeism", "service_level_target")

#: Relative steps of :func:`sensitivity` (−10 %, −5 %, +5 %, +10 %).
DEFAULT_STEPS = (-0.10, -0.05, 0.05, 0.10)


def _stepped(base: Scenario, name: str, step: float, plan: BasePlan) -> Scenario:
    """``base`` with one input moved by ``step`` (relative; absenteeism in fraction points)."""
    label = f"{name} {step:+.0%}"
    if name == "volume":
        return replace(base, name=label, volume_factor=base.volume_factor * (1 + step))
    if name == "aht":
        return replace(base, name=label, aht_factor=base.aht_factor * (1 + step))
    if name == "shrinkage":
        current = {
            q: base.shrinkage_fraction if base.shrinkage_fraction is not None else v
            for q, v in plan.shrinkage_by_queue.items()
        }
        current.update(base.shrinkage_by_queue or {})
        return replace(
            base,
            name=label,
            shrinkage_by_queue={q: min(v * (1 + step), 0.99) for q, v in current.items()},
        )
    if name == "absenteeism":
        # +5 % absenteeism = 5 % fewer agents present; −5 % = 5 % more (less absence than planned).
        return replace(base, name=label, headcount_factor=base.headcount_factor * (1 - step))
    if name == "service_level_target":
        level = base.service_level_target
        levels = (
            [level]
            if level is not None
            else [t.service_level_target for t in plan.targets.values() if t.service_level_target]
        )
        mean_level = float(np.mean(levels)) if levels else 0.8
        return replace(
            base, name=label, service_level_target=min(max(mean_level * (1 + step), 0.01), 0.99)
        )
    raise InputError(
        "unknown sensitivity input", value=name, fix=f"use one of {', '.join(SENSITIVITY_INPUTS)}"
    )


def _scenario_total(
    scenario: Scenario, plan: BasePlan, patience_seconds: float | None
) -> pd.Series:
    """The whole period's row of one scenario's summary (one task of :func:`sensitivity`)."""
    return (
        run_scenario(plan, scenario, patience_seconds=patience_seconds)
        .summary.set_index("queue")
        .loc["all"]
    )


def sensitivity(
    plan: BasePlan,
    steps: Sequence[float] = DEFAULT_STEPS,
    *,
    base: Scenario = Scenario(),
    inputs: Sequence[str] = SENSITIVITY_INPUTS,
    patience_seconds: float | None = None,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """A tornado table: the change in the period's service level as each input moves.

    Each input is moved alone, by each relative step, from ``base``: offered volume, AHT,
    shrinkage (each queue's, × (1 + step)), absenteeism (present agents × (1 − step)) and
    the service-level target (the mean target × (1 + step), one for every queue). The rota's
    coverage stays as it is, so the target changes the agents required, not the service
    the rota gives: its ``service_level_change`` is zero and its effect shows in
    ``required_agent_hours_change``.

    Parameters
    ----------
    plan : BasePlan
        The plan the scenarios change, as for :func:`run_scenario`.
    steps : sequence of float
        Relative changes (0.05 = +5 %).
    base : Scenario
        The scenario the steps start from.
    inputs : sequence of str
        Which of :data:`SENSITIVITY_INPUTS` to vary.
    patience_seconds : float, optional
        Mean caller patience [s]: Erlang A for every scenario, as in :func:`run_scenario`
        (the same model as the scenarios the table sits beside); ``None``: Erlang C.
    executor : Executor, optional
        Where the scenarios run (:mod:`wfm.execution`); in this process by default. The
        table is the same whichever runs them.

    Returns
    -------
    pandas.DataFrame
        One row per input and step: ``input, step, scenario, service_level,
        service_level_change, required_agent_hours_change``, plus ``swing`` (the input's
        largest minus smallest service level over its steps, for ranking), sorted by swing
        (largest first) then step.
    """
    grid = [(base, None, 0.0)] + [
        (_stepped(base, name, float(step), plan), name, float(step))
        for name in inputs
        for step in steps
    ]
    # One task per scenario; the plan every scenario reads is sent to the workers once.
    totals = (executor or LocalExecutor()).map(
        _scenario_total,
        [(scenario,) for scenario, _, _ in grid],
        labels=[scenario.name for scenario, _, _ in grid],
        shared=(plan, patience_seconds),
        what="sensitivity",
    )
    base_total = totals[0]
    rows = []
    for (scenario, name, step), total in zip(grid[1:], totals[1:], strict=True):
        rows.append(
            {
                "input": name,
                "step": step,
                "scenario": scenario.name,
                "service_level": total["service_level"],
                "service_level_change": total["service_level"] - base_total["service_level"],
                "required_agent_hours_change": total["required_agent_hours"]
                - base_total["required_agent_hours"],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table.assign(swing=pd.Series(dtype=float))
    swing = table.groupby("input")["service_level"].agg(lambda values: values.max() - values.min())
    table["swing"] = table["input"].map(swing)
    return table.sort_values(
        ["swing", "input", "step"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
