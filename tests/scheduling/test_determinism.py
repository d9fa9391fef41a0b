"""The same inputs, settings and seed give the same rota on an idle and on a loaded machine:
the search's stages stop on work budgets (HiGHS node limits), not on shares of the time."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scheduling_synthetic import MONDAY, synthetic_agents, synthetic_centre, synthetic_requirements

from wfm.scheduling.budget import SearchBudget
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.search import read_pairs, solve_rota
from wfm.scheduling.site import rota_site

#: Budgets small enough for a test, large enough that every stage runs and stops on them
#: (with ``relative_gap`` 0 no stage can stop early at the gap target).
BUDGET = SearchBudget(
    pooled_rounding_nodes=5, share_out_check_nodes=5, repair_nodes=5, support_nodes=5, full_nodes=5
)


def rota_of(instance, settings):
    result = solve_rota(instance, settings, budget=BUDGET)
    assert result.model is not None
    assert not result.summary.time_limit_reached  # the safety net did not decide
    return read_pairs(result.model, instance), result.summary


@pytest.mark.slow
def test_the_same_rota_beside_a_cpu_heavy_process():
    centre = synthetic_centre(time_limit_seconds=900, relative_gap=0.0)
    agents = synthetic_agents(12, seed=3)
    requirements = synthetic_requirements(centre, MONDAY, peak_agents=4.0)
    instance = prepare_week(requirements, rota_site(centre), agents, MONDAY, days=7)
    quiet_pairs, quiet = rota_of(instance, centre.scheduling)
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        busy_pairs, busy = rota_of(instance, centre.scheduling)
    finally:
        burner.kill()
        burner.wait()
    assert busy_pairs.equals(quiet_pairs)
    assert busy.objective == quiet.objective
    assert busy.bound == quiet.bound
    assert busy.termination == quiet.termination  # each stage ended the same way
