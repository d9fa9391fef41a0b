"""What-if scenarios: change volume, handle time, target or shrinkage and see the effect.

A scenario is applied to a forecast and the centre's targets; the requirements are staffed
again and the rota in hand is projected against them. This is the layer-3 function behind
the app's what-if sliders and the managers' questions ("what does +10 % volume do to our
service level with the rota we have?").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from wfm.errors import InputError
from wfm.review import project_service, summarise_service
from wfm.staffing import ServiceTarget, compute_requirements


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
    """

    name: str = "base"
    volume_factor: float = 1.0
    aht_factor: float = 1.0
    service_level_target: float | None = None
    shrinkage_fraction: float | None = None

    def __post_init__(self) -> None:
        for label, value in (("volume_factor", self.volume_factor), ("aht_factor", self.aht_factor)):
            if not value > 0:
                raise InputError(f"{label} must be more than 0", value=value, fix="1.0 means no change, 1.1 means +10 %")
        if self.shrinkage_fraction is not None and not 0 <= self.shrinkage_fraction < 1:
            raise InputError("shrinkage must be a fraction in [0, 1)", value=self.shrinkage_fraction)


@dataclass(frozen=True)
class ScenarioResult:
    """Requirements, projected service and the summary of one scenario."""

    scenario: Scenario
    requirements: pd.DataFrame
    projected: pd.DataFrame
    summary: pd.DataFrame


def run_scenario(
    forecast: pd.DataFrame,
    coverage: pd.DataFrame,
    targets: Mapping[str, ServiceTarget],
    shrinkage_by_queue: Mapping[str, float],
    interval_minutes: int,
    scenario: Scenario = Scenario(),
) -> ScenarioResult:
    """Staff the changed forecast and project the rota's coverage against it.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``interval_start, queue, offered, aht_seconds``.
    coverage : pandas.DataFrame
        ``interval_start, queue, agents_scheduled`` of the rota in hand.
    targets : mapping of queue name to ServiceTarget
    shrinkage_by_queue : mapping of queue name to float
    interval_minutes : int
    scenario : Scenario

    Returns
    -------
    ScenarioResult
    """
    changed = forecast.assign(
        offered=forecast["offered"] * scenario.volume_factor,
        aht_seconds=forecast["aht_seconds"] * scenario.aht_factor,
    )
    scenario_targets = {
        name: target if scenario.service_level_target is None else replace(target, service_level_target=scenario.service_level_target)
        for name, target in targets.items()
    }
    shrinkage = {
        name: value if scenario.shrinkage_fraction is None else scenario.shrinkage_fraction
        for name, value in shrinkage_by_queue.items()
    }
    requirements = compute_requirements(changed, scenario_targets, shrinkage, interval_minutes, source=f"scenario '{scenario.name}'")
    projected = project_service(requirements, coverage, scenario_targets)
    summary = summarise_service(projected, interval_minutes, scenario_targets)
    return ScenarioResult(scenario, requirements, projected, summary)


def compare_scenarios(results: list[ScenarioResult]) -> pd.DataFrame:
    """Centre-wide figures of several scenarios side by side, with the change from the first.

    Returns
    -------
    pandas.DataFrame
        One row per scenario: ``scenario, offered, service_level, asa_seconds,
        required_agent_hours, scheduled_agent_hours, under_staffed_agent_hours`` and
        ``service_level_change`` against the first scenario.
    """
    rows = []
    for result in results:
        total = result.summary.set_index("queue").loc["all"]
        rows.append(
            {
                "scenario": result.scenario.name,
                "offered": total["offered"],
                "service_level": total["service_level"],
                "asa_seconds": total["asa_seconds"],
                "required_agent_hours": total["required_agent_hours"],
                "scheduled_agent_hours": total["scheduled_agent_hours"],
                "under_staffed_agent_hours": total["under_staffed_agent_hours"],
            }
        )
    table = pd.DataFrame(rows)
    if not table.empty:
        table["service_level_change"] = table["service_level"] - table["service_level"].iloc[0]
    return table
