"""Staffing groups: the skill graph's components, sites in the centre file, the merged rota."""

from __future__ import annotations

import dataclasses
import itertools
import json
import tomllib

import numpy as np
import pytest
import tomli_w

from wfm.cli import main
from wfm.config import load_centre, parse_centre
from wfm.data.agents import read_agents
from wfm.data.schemas import Agent
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.errors import ConfigError
from wfm.plan.chain import run_plan, schedule_rota
from wfm.plan.groups import merged_opening_hours, skill_components, staffing_groups


def naive_components(agents, queues):
    """Independent method: merge queue sets until no two groups share a queue."""
    groups = [({agent.agent_id}, set(agent.queues)) for agent in agents]
    merged = True
    while merged:
        merged = False
        for first, second in itertools.combinations(range(len(groups)), 2):
            if groups[first][1] & groups[second][1]:
                ids, skills = groups.pop(second)
                groups[first][0].update(ids)
                groups[first][1].update(skills)
                merged = True
                break
    return sorted(sorted(ids) for ids, _ in groups)


@pytest.mark.parametrize("seed", range(5))
def test_components_match_a_naive_merge_on_random_skill_graphs(seed):
    rng = np.random.default_rng(seed)
    queues = [f"q{n}" for n in range(12)]
    agents = [
        Agent(
            f"a{n}",
            f"A{n}",
            "t",
            "c",
            tuple(rng.choice(queues, size=rng.integers(1, 3), replace=False)),
        )
        for n in range(25)
    ]
    components = skill_components(agents, queues)
    assert sorted(sorted(a.agent_id for a in group) for group, _ in components) == (
        naive_components(agents, queues)
    )
    for group, group_queues in components:  # each queue in the group of its agents
        assert {q for a in group for q in a.queues} <= set(group_queues)
    assert sorted(q for _, qs in components for q in qs) == sorted(queues)  # every queue once


def test_a_queue_nobody_serves_joins_the_group_of_its_anchor():
    agents = [Agent("1", "A", "t", "c", ("x",)), Agent("2", "B", "t", "c", ("y",))]
    components = skill_components(agents, ["x", "y", "z"], {"z": "2"})
    assert [queues for _, queues in components] == [["x"], ["y", "z"]]


def test_opening_hours_merge_to_the_earliest_opening_and_latest_closing():
    merged = merged_opening_hours(
        [{"mon": "08:00-18:00", "tue": "closed"}, {"mon": "07:30-17:00", "tue": "09:00-12:00"}]
    )
    assert merged == {"mon": "07:30-18:00", "tue": "09:00-12:00"}
    with pytest.raises(ConfigError, match="over midnight"):
        merged_opening_hours([{"fri": "20:00-04:00"}, {"fri": "22:00-06:00"}])


@pytest.fixture(scope="module")
def three_sites(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sites")
    return generate_multi_site_centre(
        folder, sites=3, agents_per_site=4, history_weeks=3, forecast_model="seasonal_naive"
    )


def test_sites_sharing_a_queue_are_one_group_and_the_others_apart(three_sites):
    centre = load_centre(three_sites)
    groups = staffing_groups(centre)
    assert [group.sites for group in groups] == [("site01", "site02"), ("site03",)]
    assert groups[0].centre.timezone == "Europe/London"
    assert groups[1].centre.timezone == "Europe/Berlin"
    assert "shared_billing" in groups[0].queues
    assert sum(len(group.agents) for group in groups) == 12
    berlin = centre.site_centre("site03")
    assert berlin.timezone == "Europe/Berlin" and berlin.contracts == centre.contracts


def edit_centre(path, edit):
    raw = tomllib.loads(path.read_text())
    edit(raw)
    return raw


def test_sites_sharing_a_queue_in_one_zone_with_other_holidays_are_refused_with_the_fix(
    three_sites,
):
    def move_site02(raw):
        raw["sites"][1]["country"] = "IE"

    centre = parse_centre(edit_centre(three_sites, move_site02), base_dir=three_sites.parent)
    with pytest.raises(ConfigError) as raised:
        staffing_groups(centre)
    message = str(raised.value)
    assert "sites ['site01', 'site02'] share queue 'shared_billing'" in message
    assert "site02: IE" in message and "country differs" in message
    assert "shared_billing_site02" in message  # the fix names a queue of its own


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda raw: raw["sites"][0].update(queues=["nope"]), "site 'site01'.*no queue named"),
        (lambda raw: raw["sites"][1].update(name="site01"), "site names must be unique"),
        (lambda raw: raw["centre"].update(agents="a.csv"), "names its agents per site"),
        (
            lambda raw: raw["centre"].update(availability="off.csv"),
            r'availability per site.*`availability = "off.csv"` would be ignored.*into each \[\[sites',
        ),
        (
            lambda raw: raw["centre"].update(preferences="likes.csv"),
            r'preferences per site.*`preferences = "likes.csv"` would be ignored.*into each \[\[sites',
        ),
        (lambda raw: raw["sites"][2].update(timezone="Mars/Base"), "site 'site03'.*time zone"),
    ],
)
def test_bad_sites_name_the_site_and_the_fix(three_sites, edit, message):
    with pytest.raises(ConfigError, match=message):
        parse_centre(edit_centre(three_sites, edit), base_dir=three_sites.parent)


def test_repeated_agent_ids_across_sites_are_refused(three_sites, tmp_path):
    site03 = (three_sites.parent / "site03_agents.csv").read_text()
    (tmp_path / "copy.csv").write_text(site03.replace("site03-0001", "site01-0001"))

    def point_site03(raw):
        raw["sites"][2]["agents"] = str(tmp_path / "copy.csv")

    centre = parse_centre(edit_centre(three_sites, point_site03), base_dir=three_sites.parent)
    with pytest.raises(ConfigError, match="site01-0001.*site01.*site03"):
        staffing_groups(centre)


@pytest.mark.slow
def test_separate_groups_cost_what_one_model_of_the_whole_centre_costs(three_sites):
    """Splitting is exact: two groups solved apart reach the one-model optimum (within the
    gap target), and each one's bound is below the other's cost."""
    site = load_centre(three_sites).site_centre("site03")
    agents = [
        dataclasses.replace(agent, queues=agent.queues[:1])  # sales or support, never both
        for agent in read_agents(site.resolve(site.agents), site)
    ]
    split = run_plan(site, agents=agents)
    assert [group.queues for group in split.groups] == [("site03_sales",), ("site03_support",)]
    whole = schedule_rota(site, split.requirements, agents, split.start_date).summary
    parts = split.rota.summary
    gap = site.scheduling.relative_gap
    assert parts.bound <= whole.objective + 1e-6
    assert whole.bound <= parts.objective + 1e-6
    assert abs(parts.objective - whole.objective) <= gap * whole.objective + 1e-6
    by_group = {g.queues[0]: g.summary.objective for g in split.groups}
    assert parts.objective == pytest.approx(sum(by_group.values()))


@pytest.mark.slow
def test_wfm_plan_on_sites_writes_one_rota_with_a_summary_per_group(three_sites, tmp_path):
    out = tmp_path / "plan"
    assert main(["plan", "--centre", str(three_sites), "-o", str(out), "-q"]) == 0
    solve = json.loads((out / "solve_summary.json").read_text())
    groups = solve["groups"]
    assert [g["sites"] for g in groups] == [["site01", "site02"], ["site03"]]
    for group in groups:
        assert {"status", "objective", "bound", "gap", "wall_seconds"} <= set(group)
        assert group["gap"] <= 0.01 + 1e-9
    assert solve["objective"] == pytest.approx(sum(g["objective"] for g in groups))
    rota = (out / "rota.csv").read_text()
    agents = {line.split(",")[0] for line in rota.splitlines()[1:]}
    assert {a.split("-")[0] for a in agents} == {"site01", "site02", "site03"}
    report = (out / "report.md").read_text()
    assert "## Staffing groups" in report and "| group 2: site03 | site03 |" in report


def test_a_centre_with_sites_round_trips_through_its_toml(three_sites):
    from wfm.config_toml import centre_toml

    centre = load_centre(three_sites)
    again = parse_centre(tomllib.loads(centre_toml(centre)), base_dir=centre.base_dir)
    assert again.sites == tuple(
        site.model_copy(update={"agents": centre.resolve(site.agents).resolve()})
        for site in centre.sites
    )


def test_wfm_plan_refuses_sites_that_cannot_share_a_model_and_writes_nothing(
    three_sites, tmp_path, capsys
):
    raw = tomllib.loads(three_sites.read_text())
    raw["sites"][1]["country"] = "IE"
    raw["centre"]["history"] = str(three_sites.parent / "history.csv")
    for site in raw["sites"]:
        site["agents"] = str(three_sites.parent / site["agents"])
    bad = tmp_path / "centre.toml"
    bad.write_text(tomli_w.dumps(raw))
    out = tmp_path / "plan"
    assert main(["plan", "--centre", str(bad), "-o", str(out), "-q"]) == 2
    error = capsys.readouterr().err
    assert "share queue 'shared_billing'" in error and "Traceback" not in error
    assert not out.exists() or not any(out.iterdir())
