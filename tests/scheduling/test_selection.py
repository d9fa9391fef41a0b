"""Shift selection (wfm.scheduling.selection): optima checked by hand, by brute force and
against the theory of interval (consecutive-ones) matrices."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from wfm.errors import InputError
from wfm.scheduling.selection import select_shifts
from wfm.scheduling.selection_columns import CatalogueShift, ShiftType, covering_rows, shift_columns
from wfm.scheduling.solve import SolveStatus

HOURLY = 60


def brute_force_optimum(demand: np.ndarray, lengths: list[int], cyclic: bool) -> float:
    """Least agent-hours covering ``demand`` (hourly intervals, starts every hour), by
    enumerating every vector of counts up to max(demand) per shift."""
    n = len(demand)
    shifts = [
        (start, length) for length in lengths for start in range(n if cyclic else n - length + 1)
    ]
    cover = np.zeros((n, len(shifts)), dtype=np.int64)
    for j, (start, length) in enumerate(shifts):
        for t in range(start, start + length):
            cover[t % n, j] = 1
    cost = np.array([length for _, length in shifts], dtype=float)
    top = int(demand.max())
    grid = np.array(list(itertools.product(range(top + 1), repeat=len(shifts))), dtype=np.int64)
    feasible = ((grid @ cover.T) >= demand[None, :]).all(axis=1)
    return float((grid[feasible] @ cost).min())


def test_hand_checked_optimum():
    # Hourly, cyclic, one 3-hour shift type. Demand 2 at 09-10 and 1 at 10-12. Two shifts
    # must cover 09 (3 hours each: at least 6 agent-hours), and two shifts starting at
    # 09:00 cover everything, so 6 is optimal; 11-12 is covered only by a start at 09:00,
    # 10:00 or 11:00, and both shifts start by 09:00, so one of them starts at 09:00.
    demand = np.zeros(24)
    demand[9] = 2
    demand[10:12] = 1
    selection = select_shifts(demand, HOURLY, [ShiftType(180)], start_step_minutes=60)
    assert selection.proven_optimal
    assert selection.status == SolveStatus.OPTIMAL
    assert selection.objective == pytest.approx(6.0)
    assert selection.bound == pytest.approx(6.0)
    assert (selection.coverage >= demand).all()
    assert selection.counts["count"].sum() == 2
    starts = sorted(
        np.repeat(selection.counts["start_interval"], selection.counts["count"]).tolist()
    )
    assert 9 in starts and all(start in (7, 8, 9) for start in starts)
    assert set(selection.counts.columns) >= {
        "start_interval",
        "start_minute",
        "shift_type",
        "length_minutes",
        "count",
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("cyclic", [True, False])
def test_matches_brute_force(seed, cyclic):
    rng = np.random.default_rng(seed)
    demand = rng.integers(0, 3, size=6).astype(float)
    demand[rng.integers(0, 6)] = 2
    selection = select_shifts(
        demand, HOURLY, [ShiftType(120), ShiftType(180)], start_step_minutes=60, cyclic=cyclic
    )
    assert selection.proven_optimal
    assert selection.objective == pytest.approx(brute_force_optimum(demand, [2, 3], cyclic))
    assert (selection.coverage >= demand).all()
    assert selection.counts["cost"].sum() == pytest.approx(selection.objective)


def test_lp_bound_is_the_optimum_for_an_interval_matrix():
    # Not cyclic: every shift covers consecutive intervals, so the covering matrix is an
    # interval matrix, totally unimodular, and the LP relaxation has an integral optimal
    # vertex: its value equals the integer optimum, and its counts are integers.
    rng = np.random.default_rng(5)
    hours = np.arange(96) / 2.0  # two days of 30-minute intervals
    shape = (
        0.2 + np.exp(-((hours % 24 - 11) ** 2) / 8) + 0.7 * np.exp(-((hours % 24 - 16) ** 2) / 6)
    )
    demand = rng.poisson(30 * shape).astype(float)
    types = [
        ShiftType(480),
        ShiftType(360),
        ShiftType(240, cost=4.4),
    ]  # short shifts dearer per hour
    columns = shift_columns(96, 30, types, 30, cyclic=False)
    rows = covering_rows(columns, 96)
    # The matrix really is an interval matrix: each column's rows are consecutive.
    members = [[t for t in range(96) if j in set(rows[t])] for j in range(len(columns))]
    assert all(m == list(range(m[0], m[-1] + 1)) for m in members)

    lp = select_shifts(demand, 30, types, 30, cyclic=False, relaxation=True)
    mip = select_shifts(demand, 30, types, 30, cyclic=False)
    assert lp.status == SolveStatus.OPTIMAL and mip.proven_optimal
    assert lp.bound == pytest.approx(mip.objective, rel=1e-9)
    assert np.allclose(lp.counts["count"], np.round(lp.counts["count"]), atol=1e-6)
    assert mip.objective > demand.sum() * 0.5  # a real instance, not covered for free


def test_lp_bound_below_optimum_for_circular_ones():
    # Cyclic, 3 intervals, 2-interval shifts, one agent each: the LP takes half a shift at
    # every start (1.5 shifts, 3 agent-hours); integers need 2 shifts (4 agent-hours). The
    # cyclic covering matrix is not totally unimodular.
    demand = np.ones(3)
    lp = select_shifts(demand, HOURLY, [ShiftType(120)], start_step_minutes=60, relaxation=True)
    mip = select_shifts(demand, HOURLY, [ShiftType(120)], start_step_minutes=60)
    assert lp.bound == pytest.approx(3.0)
    assert mip.objective == pytest.approx(4.0)
    assert mip.proven_optimal and mip.bound == pytest.approx(4.0)


def test_cyclic_week_wraps_sunday_night_into_monday():
    # A week of 30-minute intervals; agents needed only Sunday 22:00-24:00 and Monday
    # 00:00-02:00. One 4-hour shift started Sunday 22:00 covers both when the week is
    # cyclic; otherwise Sunday and Monday need a shift each.
    demand = np.zeros(336)
    demand[-4:] = 3
    demand[:4] = 3
    cyclic = select_shifts(demand, 30, [ShiftType(240)], start_step_minutes=30)
    assert cyclic.objective == pytest.approx(3 * 4.0)
    assert cyclic.counts[["start_interval", "count"]].values.tolist() == [[332, 3]]
    assert cyclic.counts["start_minute"].tolist() == [6 * 24 * 60 + 22 * 60]
    assert (cyclic.coverage[:4] == 3).all() and (cyclic.coverage[-4:] == 3).all()
    assert cyclic.coverage[4:-4].sum() == 0

    flat = select_shifts(demand, 30, [ShiftType(240)], start_step_minutes=30, cyclic=False)
    assert flat.objective == pytest.approx(2 * 3 * 4.0)


def test_fractional_demand_is_rounded_up_and_costs_are_used():
    # 1.2 agents need 2. A 4-hour shift costs 10, an 8-hour one 12: cover 8 hours of
    # demand 1.2 with two 8-hour shifts (24) rather than four 4-hour ones (40).
    demand = np.zeros(24)
    demand[8:16] = 1.2
    selection = select_shifts(
        demand,
        HOURLY,
        [ShiftType(480, cost=12.0), ShiftType(240, cost=10.0)],
        start_step_minutes=60,
    )
    assert selection.objective == pytest.approx(24.0)
    assert selection.counts["shift_type"].tolist() == ["8h"]


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"demand_agents": [1, -1, 0, 0]}, "demand"),
        ({"demand_agents": [1, float("nan"), 0, 0]}, "demand"),
        ({"shift_types": [ShiftType(90)]}, "length_minutes"),
        ({"shift_types": [ShiftType(600)]}, "length_minutes"),
        ({"start_step_minutes": 45}, "start_step_minutes"),
        ({"shift_types": []}, "shift_types"),
    ],
)
def test_bad_input_names_the_problem(kwargs, column):
    arguments = {
        "demand_agents": [1, 1, 0, 0],
        "interval_minutes": 60,
        "shift_types": [ShiftType(120)],
        "start_step_minutes": 60,
    }
    arguments.update(kwargs)
    with pytest.raises(InputError) as error:
        select_shifts(**arguments)
    assert error.value.column == column
    assert "Fix:" in str(error.value)


# --- an explicit catalogue and priced staffing (issue 17, item 3) -------------------------


def test_a_catalogue_with_full_cover_takes_the_cheapest_covering_shifts():
    # Two hours needing 2 agents each; a 2-hour shift at 0:00 (cost 5) and a 1-hour shift at
    # 0:00 (cost 1.5). Only the 2-hour shift reaches hour 1: two of them, cost 10.
    catalogue = [CatalogueShift(0, 120, cost=5.0), CatalogueShift(0, 60, cost=1.5)]
    selection = select_shifts([2, 2, 0, 0], HOURLY, catalogue=catalogue, cyclic=False)
    assert selection.objective == pytest.approx(10.0)
    assert selection.proven_optimal
    assert selection.counts[["start_minute", "length_minutes", "count"]].values.tolist() == [
        [0, 120, 2]
    ]


@pytest.mark.parametrize(
    ("under_price", "expected_objective", "expected_count"),
    [
        # A 2-hour shift (cost 5) removes 2 agent-hours of under-staffing.
        (3.0, 10.0, 2),  # 5 < 2 x 3: two shifts, no under-staffing
        (2.0, 8.0, 0),  # 5 > 2 x 2: no shifts, 4 agent-hours under at 2 each
    ],
)
def test_priced_under_staffing_is_chosen_where_cheaper_than_a_shift(
    under_price, expected_objective, expected_count
):
    catalogue = [CatalogueShift(0, 120, cost=5.0)]
    selection = select_shifts(
        [2, 2, 0, 0],
        HOURLY,
        catalogue=catalogue,
        under_staffing_cost_per_agent_hour=under_price,
        cyclic=False,
    )
    assert selection.objective == pytest.approx(expected_objective)
    assert int(selection.counts["count"].sum()) == expected_count
    assert selection.under_staffed_agent_hours == pytest.approx(4 - 2 * expected_count)


def test_over_staffing_is_priced_on_top_of_the_shifts():
    # Hours needing 1 and 2 agents, one 2-hour shift (cost 2) at 0:00, under-staffing at 10
    # and over-staffing at 1 per agent-hour: two shifts (4) and one agent-hour over (1) cost
    # 5, less than one shift and one agent-hour under (12).
    selection = select_shifts(
        [1, 2],
        HOURLY,
        catalogue=[CatalogueShift(0, 120, cost=2.0)],
        under_staffing_cost_per_agent_hour=10.0,
        over_staffing_cost_per_agent_hour=1.0,
        cyclic=False,
    )
    assert selection.objective == pytest.approx(5.0)
    assert selection.over_staffed_agent_hours == pytest.approx(1.0)
    assert selection.under_staffed_agent_hours == pytest.approx(0.0)


def test_priced_demand_is_not_rounded_up():
    # Half an agent for an hour: a 1-hour shift costs 1, leaving it uncovered 0.5 x 1.5.
    selection = select_shifts(
        [0.5],
        HOURLY,
        catalogue=[CatalogueShift(0, 60, cost=1.0)],
        under_staffing_cost_per_agent_hour=1.5,
        cyclic=False,
    )
    assert selection.objective == pytest.approx(0.75)
    assert selection.counts.empty


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"catalogue": [CatalogueShift(30, 60)]}, "start_minute"),  # off the hourly grid
        ({"catalogue": [CatalogueShift(180, 120)], "cyclic": False}, "length_minutes"),
        ({"catalogue": []}, "catalogue"),
        (
            {"catalogue": [CatalogueShift(0, 60)], "under_staffing_cost_per_agent_hour": -1.0},
            "under_staffing_cost_per_agent_hour",
        ),
    ],
)
def test_bad_catalogue_and_prices_name_the_problem(kwargs, column):
    with pytest.raises(InputError) as raised:
        select_shifts([1, 1, 1, 1], HOURLY, **kwargs)
    assert raised.value.column == column
