"""The hiring optimiser's safety limit counts this process's CPU time, not wall time: a
process kept off the CPU (here: asleep) for longer than the limit still gets its plan."""

from __future__ import annotations

import numpy as np
import pytest

import wfm.capacity.hiring as hiring
from cpu_limit_helpers import burn_cpu, limit_that_first, sleep_twice
from wfm.capacity.settings import AttritionSettings, CostSettings, HiringSettings
from wfm.capacity.supply import hire_curve
from wfm.highs_cpu_limit import WALL_BACKSTOP_FACTOR

BUDGET_SECONDS = 0.3


def peak_plan() -> hiring.HiringPlan:
    settings = HiringSettings(
        training_weeks=4,
        training_attrition_fraction=0.0,
        ramp_up_monthly=(),
        recruitment_lead_weeks=2,
        min_class_size=1,
        max_class_size=10,
        cost_per_hire=100.0,
    )
    curve = hire_curve(12, settings, AttritionSettings(monthly_fraction=0.0))
    need = np.array([10.0] * 8 + [15.0] * 4)
    return hiring.optimise_hiring(
        need, np.full(12, 10.0), curve, settings, CostSettings(max_overtime_fraction=0.0), 1, 1
    )


def test_a_sleeping_optimiser_keeps_its_budget_and_its_plan(monkeypatch):
    free = peak_plan()
    seen = limit_that_first(
        monkeypatch, hiring, sleep_twice(BUDGET_SECONDS), budget_seconds=BUDGET_SECONDS
    )
    slept = peak_plan()
    assert len(seen) == 1  # the optimiser's one solve went through the CPU-time limit
    interrupt, wall_limit = seen[0]
    assert wall_limit == pytest.approx(WALL_BACKSTOP_FACTOR * BUDGET_SECONDS)  # a backstop
    assert not interrupt.fired and interrupt.calls > 0
    assert slept.status == "within gap" == free.status
    assert slept.class_sizes.tolist() == free.class_sizes.tolist()
    assert slept.objective == free.objective


def test_cpu_time_spent_does_stop_the_optimiser(monkeypatch):
    seen = limit_that_first(
        monkeypatch, hiring, lambda: burn_cpu(1.5 * BUDGET_SECONDS), budget_seconds=BUDGET_SECONDS
    )
    plan = peak_plan()
    assert seen[0][0].fired and plan.status == "time limit"
