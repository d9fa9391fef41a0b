"""Minimum and maximum paid hours over the whole horizon, besides the weekly range.

Settings (each ``[[contracts]]``): ``min_hours_per_horizon`` and ``max_hours_per_horizon``
[hours]; none (the default) for none. One row per unit: :math:`m_u H^{min} \\le \\sum_c p_c
x_{u,c} \\le m_u H^{max}` over every shift of the horizon (an annualised-hours or
monthly-hours contract planned over several weeks).
"""

from __future__ import annotations

from wfm.scheduling.rota_view import Violation, contract_source, duration_text, number_text
from wfm.scheduling.rules.base import ModelContext, Rule, contract_settings
from wfm.timegrid import DAYS_PER_WEEK


class HorizonPaidHours(Rule):
    """Paid hours over the horizon."""

    name = "horizon_paid_hours"
    title = "Paid hours over the horizon"
    description = (
        "An agent's paid hours over the whole horizon lie between min_hours_per_horizon and "
        "max_hours_per_horizon (each optional), besides the weekly range."
    )
    settings = contract_settings(min_hours_per_horizon="hours", max_hours_per_horizon="hours")

    def diagnose(self, instance) -> list[str]:
        """A horizon minimum above what the weekly maxima allow, or a horizon maximum below
        the weekly minima, over the whole weeks of the horizon."""
        problems = []
        n_days = int(instance.grid.days)
        whole = n_days // DAYS_PER_WEEK
        weeks = n_days / DAYS_PER_WEEK
        for contract in dict.fromkeys(instance.contracts):
            names = [
                a.agent_id
                for a, c in zip(instance.agents, instance.contracts, strict=True)
                if c == contract
            ]
            listed = ", ".join(names)
            low, high = contract.min_hours_per_horizon, contract.max_hours_per_horizon
            most = contract.max_hours_per_week * weeks
            least = contract.min_hours_per_week * whole
            if low is not None and low > most + 1e-9:
                problems.append(
                    f"contract '{contract.name}' needs at least {low:g} paid hours over the "
                    f"{n_days}-day horizon, but at most {contract.max_hours_per_week:g} h a week "
                    f"allow only {most:g} h, for agents {listed}"
                )
            if high is not None and high < least - 1e-9:
                problems.append(
                    f"contract '{contract.name}' allows at most {high:g} paid hours over the "
                    f"{n_days}-day horizon, but at least {contract.min_hours_per_week:g} h a week "
                    f"need {least:g} h, for agents {listed}"
                )
        return problems

    def add_constraints(self, context: ModelContext) -> None:
        expressions, bounds = {}, {}
        for u, group in context.shifts.groupby("unit", sort=True):
            unit = context.workforce.units[u]
            contract = unit.contract
            low, high = contract.min_hours_per_horizon, contract.max_hours_per_horizon
            if low is None and high is None:
                continue
            expressions[unit.unit_id] = (group["paid_hours"].tolist(), group["var"].tolist())
            bounds[unit.unit_id] = (
                None if low is None else low * unit.size,
                None if high is None else high * unit.size,
            )
        if not expressions:
            return
        context.model.add_rows(
            "horizon_paid_hours",
            expressions,
            lower=lambda key: bounds[key][0],
            upper=lambda key: bounds[key][1],
        )

    def check(self, view) -> list[Violation]:
        paid = view.paid_seconds_by_week().sum(axis=1) / 3600.0
        out = []
        for agent in view.contracted_agents():
            contract = view.contract_of[agent]
            hours = float(paid.get(agent, 0.0))
            span = f"the {view.n_weeks} week{'s' if view.n_weeks > 1 else ''} from {view.weeks[0].date()}"
            for rule, limit, failed, bound in (
                (
                    "contract_max_horizon_hours",
                    contract.max_hours_per_horizon,
                    contract.max_hours_per_horizon is not None
                    and hours > contract.max_hours_per_horizon + 1e-9,
                    "at most",
                ),
                (
                    "contract_min_horizon_hours",
                    contract.min_hours_per_horizon,
                    contract.min_hours_per_horizon is not None
                    and hours < contract.min_hours_per_horizon - 1e-9,
                    "at least",
                ),
            ):
                if failed:
                    out.append(
                        Violation(
                            agent,
                            rule,
                            contract_source(contract),
                            view.weeks[0],
                            view.weeks[-1],
                            hours,
                            float(limit),
                            "hours",
                            f"{agent}: {duration_text(hours * 3600)} paid over {span}, contract "
                            f"{contract.name} allows {bound} {number_text(limit)} h over the horizon",
                        )
                    )
        return out


RULE = HorizonPaidHours()
