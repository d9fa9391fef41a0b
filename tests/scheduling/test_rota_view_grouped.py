"""The grouped fast path of the rota check (issue 17) against a plain per-agent reference.

:meth:`RotaView.days_of` groups the days by agent once, and the shift-length and rest rules
(:mod:`wfm.scheduling.rules.allowed_shifts`, :mod:`~wfm.scheduling.rules.min_rest`) check
every shift at once; the reference
filters the whole table per agent and checks each agent's shifts in turn, as both did before.
On a random rota with planted breaches the two must report the same violations, field for
field and in the same order.
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.config import parse_centre
from wfm.data.schemas import Agent
from wfm.scheduling import check_rota
from wfm.scheduling.rota_view import (
    RotaView,
    Violation,
    contract_source,
    duration_text,
    number_text,
    read_rota_view,
    span_text,
)
from wfm.scheduling.rules import allowed_shifts, min_rest
from wfm.scheduling.site import rota_site

TZ = "Europe/London"
MONDAY = dt.date(2025, 3, 3)


def random_rota(seed: int, n_agents: int = 40, n_weeks: int = 3) -> pd.DataFrame:
    """Shifts of 4 to 11 h starting at any quarter hour, on ~70 % of days, each with a
    15-min break; agents ``A0`` .. (ids that sort apart from their numbers)."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(n_agents):
        for d in range(7 * n_weeks):
            if rng.random() > 0.7:
                continue
            start = pd.Timestamp(MONDAY + dt.timedelta(days=d), tz=TZ) + pd.Timedelta(
                minutes=15 * int(rng.integers(0, 96))
            )
            length = pd.Timedelta(minutes=15 * int(rng.integers(16, 45)))
            pause = start + pd.Timedelta(hours=2)
            agent = f"A{a}"
            rows += [
                (agent, "work", start, pause),
                (agent, "break", pause, pause + pd.Timedelta(minutes=15)),
                (agent, "work", pause + pd.Timedelta(minutes=15), start + length),
            ]
    frame = pd.DataFrame(rows, columns=["agent_id", "activity", "start", "end"])
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def centre_and_agents(n_agents: int = 40):
    """Two contracts with most rules on; every fifth agent has no contract."""
    common = {"min_hours_per_week": 10, "max_hours_per_week": 40, "max_days_per_week": 5}
    raw = {
        "centre": {"timezone": TZ},
        "queues": [{"name": "sales"}],
        "contracts": [
            {
                "name": "strict",
                **common,
                "max_shift_minutes": 540,
                "min_rest_hours": 12,
                "max_consecutive_working_days": 3,
                "shift_lengths_minutes": [360, 480, 510],
                "rotation_weeks": 1,
            },
            {"name": "loose", **common, "max_shift_minutes": 600, "min_rest_hours": 11},
        ],
    }
    agents = [
        Agent(f"A{a}", f"Agent {a}", "T", "strict" if a % 2 else "loose", ("sales",))
        for a in range(n_agents)
        if a % 5
    ]
    return parse_centre(raw), agents


def per_agent_days_of(self: RotaView, agent: str) -> pd.DataFrame:
    """The reference: filter the whole table for one agent."""
    return self.days[self.days["agent_id"] == agent]


def per_agent_allowed_shifts(self, view) -> list[Violation]:
    """The reference: each contracted agent's shifts in turn."""
    out = []
    for agent in view.contracted_agents():
        contract = view.contract_of[agent]
        mine = view.shifts[view.shifts["agent_id"] == agent]
        for row in mine[mine["span_seconds"] > contract.max_shift_minutes * 60.0].itertuples():
            out.append(
                Violation(
                    agent,
                    "contract_max_shift",
                    contract_source(contract),
                    row.start,
                    row.end,
                    float(row.span_seconds / 60.0),
                    float(contract.max_shift_minutes),
                    "minutes",
                    f"{agent}: shift between {span_text(row.start, row.end)} lasts "
                    f"{duration_text(row.span_seconds)}, contract {contract.name} allows at most "
                    f"{duration_text(contract.max_shift_minutes * 60)}",
                )
            )
        if contract.shift_lengths_minutes:
            allowed = ", ".join(str(m) for m in contract.shift_lengths_minutes)
            for row in mine.itertuples():
                if round(row.span_seconds / 60.0) in contract.shift_lengths_minutes:
                    continue
                out.append(
                    Violation(
                        agent,
                        "contract_shift_length",
                        contract_source(contract),
                        row.start,
                        row.end,
                        float(round(row.span_seconds / 60.0)),
                        float(max(contract.shift_lengths_minutes)),
                        "minutes",
                        f"{agent}: shift between {span_text(row.start, row.end)} lasts "
                        f"{duration_text(row.span_seconds)}, contract {contract.name} allows "
                        f"only shifts of {allowed} minutes",
                    )
                )
    return out


def per_agent_min_rest(self, view) -> list[Violation]:
    """The reference: each contracted agent's days in turn."""
    out = []
    for agent in view.contracted_agents():
        contract = view.contract_of[agent]
        if view.daily_rest_hours is not None and contract.min_rest_hours <= view.daily_rest_hours:
            continue
        days = per_agent_days_of(view, agent)
        following = days["start"].shift(-1)
        for i in days.index:
            if pd.isna(following[i]):
                continue
            rest = (following[i] - days.at[i, "end"]).total_seconds()
            if rest < contract.min_rest_hours * 3600.0:
                out.append(
                    Violation(
                        agent,
                        "contract_min_rest",
                        contract_source(contract),
                        days.at[i, "end"],
                        following[i],
                        float(rest / 3600.0),
                        contract.min_rest_hours,
                        "hours",
                        f"{agent}: {duration_text(rest)} rest between "
                        f"{span_text(days.at[i, 'end'], following[i])}, contract {contract.name} "
                        f"requires at least {number_text(contract.min_rest_hours)} h",
                    )
                )
    return out


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("law", [True, False])
def test_grouped_check_reports_what_the_per_agent_check_reports(monkeypatch, seed, law):
    rota = random_rota(seed)
    centre, agents = centre_and_agents()
    options = {"site": rota_site(centre), "agents": agents, "week_start": MONDAY}
    if not law:
        options["rules"] = None
    fast = check_rota(rota, **options)
    with monkeypatch.context() as patch:
        patch.setattr(RotaView, "days_of", per_agent_days_of)
        patch.setattr(allowed_shifts.AllowedShifts, "check", per_agent_allowed_shifts)
        patch.setattr(min_rest.MinRest, "check", per_agent_min_rest)
        reference = check_rota(rota, **options)
    rules = {v.rule for v in reference}
    planted = {
        "contract_max_shift",
        "contract_shift_length",
        "contract_min_rest",
        "contract_max_consecutive_days",
        "contract_rotation",
    }
    assert planted <= rules, f"the random rota should breach {planted - rules}"
    assert len(fast) == len(reference)
    for got, want in zip(fast, reference, strict=True):
        assert got == want


def test_days_of_an_agent_without_days_is_empty():
    centre, agents = centre_and_agents(5)
    rota = random_rota(0, n_agents=5, n_weeks=1)
    view = read_rota_view(rota, TZ, week_start=MONDAY)
    assert view.days_of("nobody").empty
    assert list(view.days_of("nobody").columns) == list(view.days.columns)
    for agent in sorted(set(rota["agent_id"])):
        pd.testing.assert_frame_equal(view.days_of(agent), per_agent_days_of(view, agent))


def test_shift_rule_lists_breaches_in_the_per_agent_order():
    """Before :func:`check_rota` sorts them: agent by agent, long shifts then other lengths."""
    centre, agents = centre_and_agents()
    site = rota_site(centre)
    view = read_rota_view(
        random_rota(2),
        TZ,
        week_start=MONDAY,
        contract_of={agent.agent_id: site.contract(agent.contract) for agent in agents},
    )
    rule = allowed_shifts.AllowedShifts()
    reference = per_agent_allowed_shifts(rule, view)
    assert {v.rule for v in reference} == {"contract_max_shift", "contract_shift_length"}
    assert rule.check(view) == reference
