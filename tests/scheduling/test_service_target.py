"""The weekly service-level objective: the piecewise-linear envelope against exact Erlang C,
and a tiny rota checked by enumeration and against the covering objective."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scheduling_synthetic import (
    MONDAY,
    SAFETY_NET_SECONDS,
    make_agents,
    make_centre,
    requirements_frame,
)

from wfm.config import SchedulingSettings, ShiftTemplate
from wfm.errors import InputError
from wfm.review.projection import project_service, summarise_service
from wfm.scheduling import SolveStatus, schedule_week
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.rota import coverage_frame, scheduled_by_queue
from wfm.scheduling.service_target import (
    envelope_segments,
    envelope_value,
    model_service_level,
    service_curves,
    solve_for_objective,
)
from wfm.scheduling.site import rota_site
from wfm.staffing import ServiceTarget, compute_requirements, service_level_fractional
from wfm.staffing.erlang import service_level
from wfm.timegrid import interval_grid

CASES = [  # (load A [Erlang], AHT [s], threshold T [s])
    (0.3, 300.0, 20.0),
    (1.3, 300.0, 20.0),
    (4.0, 240.0, 60.0),
    (10.0, 180.0, 20.0),
    (10.0, 180.0, 0.0),
    (33.3, 120.0, 20.0),
    (75.5, 400.0, 30.0),
]


@pytest.mark.parametrize(("traffic", "aht", "threshold"), CASES)
def test_envelope_never_overestimates_the_exact_service_level_at_whole_agents(
    traffic, aht, threshold
):
    intercepts, slopes = envelope_segments(traffic, aht, threshold)
    agents = np.arange(0, int(traffic) + 80)
    exact = service_level(agents, traffic, aht, threshold)
    approx = envelope_value(agents, intercepts, slopes)
    assert (approx <= exact + 1e-12).all()
    # Above the load (N > A) Erlang C's service level is concave, so the envelope is
    # exact at whole agents until it saturates (within 1e-3 of 1), and close after it.
    stable = agents > traffic
    levels = exact[stable]
    assert (np.diff(levels, 2) <= 1e-12).all()  # concave: the theory the envelope relies on
    unsaturated = stable & (exact < 1 - 1e-3)
    np.testing.assert_allclose(approx[unsaturated], exact[unsaturated], atol=1e-12)
    assert (exact[stable] - approx[stable] <= 1e-3 + 1e-12).all()


def test_envelope_between_whole_agents_is_the_reviews_interpolation():
    traffic, aht, threshold = 10.0, 180.0, 20.0
    intercepts, slopes = envelope_segments(traffic, aht, threshold)
    agents = np.linspace(10.0, 16.0, 61)
    expected = service_level_fractional(agents, traffic, aht, threshold)
    np.testing.assert_allclose(envelope_value(agents, intercepts, slopes), expected, atol=1e-12)
    # Published vector: SL(14) = 0.8884 for A = 10, AHT 180 s, T = 20 s.
    assert envelope_value(np.array([14.0]), intercepts, slopes)[0] == pytest.approx(
        0.8884, abs=1e-4
    )


# --- a tiny rota -------------------------------------------------------------------------

FOUR_HOURS = ShiftTemplate(
    name="four hours",
    days=("mon",),
    earliest_start="08:00",
    latest_start="12:00",
    start_step_minutes=60,
    lengths_minutes=(240,),
)
OFFERED = np.array([10, 30, 45, 55, 40, 25, 15, 5.0])  # contacts per hour, 08:00-16:00
AHT_SECONDS = 240.0
SHRINKAGE = 0.3
FLOOR = 0.3


def tiny_centre(objective: str):
    settings = SchedulingSettings(
        time_limit_seconds=SAFETY_NET_SECONDS,
        relative_gap=0.0,
        objective=objective,
        weekly_service_level_floor_fraction=FLOOR,
    )
    return make_centre(
        opening_hours={"mon": "08:00-16:00"},
        templates=(FOUR_HOURS,),
        interval_minutes=60,
        scheduling=settings,
    )


def tiny_requirements(centre) -> pd.DataFrame:
    grid = interval_grid(MONDAY, 1, 60, centre.timezone)
    starts = grid[(grid.hour >= 8) & (grid.hour < 16)]
    forecast = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": OFFERED, "aht_seconds": AHT_SECONDS}
    )
    return compute_requirements(
        forecast, {"sales": ServiceTarget.from_queue(centre.queue("sales"))}, SHRINKAGE, 60
    )


def review(centre, requirements, coverage) -> tuple[float, pd.Series]:
    """Weekly service level and per-interval service levels by the exact review."""
    targets = {"sales": ServiceTarget.from_queue(centre.queue("sales"))}
    projected = project_service(requirements, coverage, targets)
    weekly = float(
        summarise_service(projected, 60, targets).set_index("queue").loc["all", "service_level"]
    )
    return weekly, projected["service_level"]


def cheapest_by_enumeration(
    requirements: pd.DataFrame, max_per_start: int, max_agents: int
) -> float:
    """Fewest paid hours of any choice of 4-hour shifts (starts 08..12, at most
    ``max_per_start`` agents each and ``max_agents`` in all) whose weekly service level
    reaches 80 % and every interval the floor, by Erlang C on the productive agents
    interpolated between whole agents (as the review does), for all choices at once."""
    counts = np.array(list(itertools.product(range(max_per_start + 1), repeat=5)))
    counts = counts[counts.sum(axis=1) <= max_agents]
    cover = np.zeros((5, len(OFFERED)))
    for first in range(5):
        cover[first, first : first + 4] = 1.0
    productive = counts @ cover * (1.0 - SHRINKAGE)
    traffic = requirements["traffic_erlangs"].to_numpy()[None, :]
    levels = service_level_fractional(productive, traffic, AHT_SECONDS, 20.0)
    weekly = (levels * OFFERED).sum(axis=1) / OFFERED.sum()
    feasible = (weekly >= 0.8 - 1e-12) & (levels >= FLOOR - 1e-12).all(axis=1)
    assert feasible.any()
    return float(4 * counts[feasible].sum(axis=1).min())


def test_weekly_mode_finds_the_enumerated_optimum_with_fewer_hours_than_covering():
    covering_centre = tiny_centre("cover_requirement")
    weekly_centre = tiny_centre("weekly_service_level")
    requirements = tiny_requirements(covering_centre)
    agents = make_agents(12)

    covering = schedule_week(requirements, rota_site(covering_centre), agents, MONDAY)
    weekly = schedule_week(requirements, rota_site(weekly_centre), agents, MONDAY)
    assert weekly.summary.status == SolveStatus.OPTIMAL

    best = cheapest_by_enumeration(requirements, max_per_start=6, max_agents=12)
    assert weekly.summary.paid_hours == pytest.approx(best)
    assert weekly.summary.paid_hours < covering.summary.paid_hours
    # Judged by the exact review, not by the model's own estimate.
    weekly_level, levels = review(weekly_centre, requirements, weekly.coverage)
    assert weekly_level >= 0.8 - 1e-9
    assert (levels >= FLOOR - 1e-9).all()
    covering_level, _ = review(covering_centre, requirements, covering.coverage)
    assert covering_level >= weekly_level  # the covering rota buys service above the target


def test_a_higher_floor_costs_hours_and_holds_in_every_interval():
    settings = tiny_centre("weekly_service_level").scheduling.model_copy(
        update={"weekly_service_level_floor_fraction": 0.75}
    )
    centre = tiny_centre("weekly_service_level")
    requirements = tiny_requirements(centre)
    low = schedule_week(requirements, rota_site(centre), make_agents(12), MONDAY)
    high = schedule_week(
        requirements, rota_site(centre), make_agents(12), MONDAY, settings=settings
    )
    _, levels = review(centre, requirements, high.coverage)
    assert (levels >= 0.75 - 1e-9).all()
    assert high.summary.paid_hours >= low.summary.paid_hours


def test_weekly_mode_needs_offered_contacts():
    centre = tiny_centre("weekly_service_level")
    demand = {"sales": {("2025-06-02 08:00", "2025-06-02 12:00"): 2}}
    with pytest.raises(InputError, match="offered"):
        schedule_week(
            requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(2), MONDAY
        )


def test_unknown_objective_is_rejected():
    with pytest.raises(ValueError, match="objective"):
        SchedulingSettings(objective="service")


def test_the_models_answered_contacts_never_exceed_the_reviews():
    centre = tiny_centre("weekly_service_level")
    requirements = tiny_requirements(centre)
    instance = prepare_week(requirements, rota_site(centre), make_agents(12), MONDAY, days=7)
    search = solve_for_objective(instance, centre.scheduling, requirements)
    curves = service_curves(requirements, instance, FLOOR)
    coverage = coverage_frame(scheduled_by_queue(search.model, instance), instance)
    _, levels = review(centre, requirements, coverage)
    review_answered = dict(
        zip(requirements["interval_start"], levels.to_numpy() * OFFERED, strict=True)
    )
    horizon = instance.grid.horizon
    for (t, _j), variable in search.model.answered.items():
        assert variable.value <= review_answered[horizon[t]] + 1e-6
    assert model_service_level(search.model, curves, instance.queues)["sales"] >= 0.8 - 1e-6


def test_the_weekly_objective_aims_at_the_targets_the_requirements_were_staffed_to():
    # Issue 12 item 4: the targets travel with the requirements, not re-read from the centre.
    from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

    from wfm.config import ShiftTemplate
    from wfm.scheduling.instance import prepare_week
    from wfm.scheduling.service_target import staffed_targets

    centre = make_centre(
        opening_hours={"mon": "08:00-16:00"},
        templates=(
            ShiftTemplate(
                name="d",
                days=("mon",),
                earliest_start="08:00",
                latest_start="08:00",
                lengths_minutes=(480,),
            ),
        ),
    )
    requirements = requirements_frame(
        centre, MONDAY, {"sales": {(f"{MONDAY} 08:00", f"{MONDAY} 09:00"): 1}}
    )
    instance = prepare_week(requirements, rota_site(centre), make_agents(1), MONDAY, days=7)
    queue = centre.queue("sales")
    threshold, target = staffed_targets(requirements, instance)
    assert (threshold.tolist(), target.tolist()) == (
        [queue.answer_threshold_seconds],
        [queue.service_level_target],
    )
    staffed = requirements.assign(service_level_target=0.9, answer_threshold_seconds=15.0)
    threshold, target = staffed_targets(staffed, instance)
    assert (threshold.tolist(), target.tolist()) == ([15.0], [0.9])
