"""The MIP start of the share-out's completion (:func:`wfm.scheduling.search.pairs.pooled_break_start`):
with the shifts, the pooled group counts and break starts it fixes every integer column of
the exact model, and that assignment is a rota of the pooled cost; a chain whose shift counts
the share-out changed gets no break starts."""

from __future__ import annotations

import numpy as np
import pytest
from scheduling_synthetic import (
    MONDAY,
    SAFETY_NET_SECONDS,
    synthetic_agents,
    synthetic_centre,
    synthetic_requirements,
)

from wfm.scheduling.instance import prepare_week
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.pooled import rounding_bounds, share_out_pools
from wfm.scheduling.search.pairs import pooled_break_start, start_values
from wfm.scheduling.site import rota_site
from wfm.scheduling.solve import run_highs
from wfm.scheduling.workforce import agent_workforce, pooled_workforce


@pytest.fixture(scope="module")
def shared_out():
    """A 16-agent synthetic week: its pooled model holding an integer pooled solution, that
    solution's cost, the share-out and the exact model of the shared-out shifts."""
    centre = synthetic_centre(time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.0)
    requirements = synthetic_requirements(centre, MONDAY, peak_agents=4.0)
    instance = prepare_week(requirements, rota_site(centre), synthetic_agents(16, seed=5), MONDAY)
    pooled = pooled_workforce(instance)
    model = build_rota_model(instance, centre.scheduling, pooled)
    assert run_highs(
        model, time_limit_seconds=SAFETY_NET_SECONDS, relaxation=True
    ).status.has_solution
    with rounding_bounds([model.x, model.day_pattern, model.y]):
        pooled_run = run_highs(model, time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.01)
    assert pooled_run.status.has_solution
    outcome = share_out_pools(model, pooled, instance)
    assert outcome.complete and outcome.moved == 0  # the case the start is for
    exact = build_rota_model(instance, centre.scheduling, agent_workforce(instance, outcome.pairs))
    return instance, model, pooled_run.objective, outcome.pairs, exact


def test_the_start_fixes_every_integer_column_and_is_a_rota_of_the_pooled_cost(shared_out):
    instance, pooled_model, pooled_cost, pairs, exact = shared_out
    start = start_values(exact, instance, pairs) + pooled_break_start(
        exact, pooled_model, instance, pairs
    )
    columns = np.array([int(column) for column, _ in start])
    values = np.array([value for _, value in start])
    assert len(set(columns.tolist())) == len(columns)
    integer = set(np.flatnonzero(exact.col_integer).tolist())
    assert integer <= set(columns.tolist())
    # Independently of HiGHS's MIP start: the integer columns fixed at the start, the LP of
    # what is left (the coverage) must be feasible and cost what the pooled solution cost.
    lower, upper = exact.col_lower.copy(), exact.col_upper.copy()
    fixed = np.isin(columns, list(integer))
    exact.col_lower[columns[fixed]] = values[fixed]
    exact.col_upper[columns[fixed]] = values[fixed]
    try:
        run = run_highs(exact, time_limit_seconds=SAFETY_NET_SECONDS, relaxation=True)
    finally:
        exact.col_lower, exact.col_upper = lower, upper
    assert run.status.has_solution
    assert run.objective == pytest.approx(pooled_cost, rel=1e-7, abs=1e-6)


def test_a_chain_whose_counts_the_share_out_changed_gets_no_break_starts(shared_out):
    instance, pooled_model, _, pairs, exact = shared_out
    dropped = pairs.iloc[0]
    changed = pairs.drop(index=pairs.index[0])
    group = int(instance.agent_group[int(dropped["agent"])])
    windows = instance.windows
    chains = set(windows.loc[windows["candidate"] == int(dropped["candidate"]), "chain"].tolist())
    assert chains, "the dropped shift should have a break"
    given = {
        int(column) for column, _ in pooled_break_start(exact, pooled_model, instance, changed)
    }
    for (g, k, _), column in zip(exact.y.keys, exact.y.columns.tolist(), strict=True):
        assert (int(column) in given) == (not (g == group and k in chains))
    n_value = dict(pooled_break_start(exact, pooled_model, instance, changed))
    n_column = exact.n[(group, int(dropped["candidate"]))]
    full = dict(pooled_break_start(exact, pooled_model, instance, pairs))
    assert n_value[n_column] == full[n_column] - 1
