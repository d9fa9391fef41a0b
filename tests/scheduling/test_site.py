"""The rota engine reads the centre configuration in one place: wfm.scheduling.site."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import wfm.scheduling
from wfm.config import load_centre
from wfm.errors import ConfigError
from wfm.scheduling.site import rota_site


def test_the_site_holds_the_centres_values(sample_dir):
    centre = load_centre(sample_dir / "centre.toml")
    site = rota_site(centre)
    assert site.timezone == centre.timezone and site.interval_minutes == centre.interval_minutes
    assert site.shift_templates == centre.shift_templates
    assert site.break_rules == centre.break_rules and site.contracts == centre.contracts
    assert site.scheduling == centre.scheduling and site.country == centre.country
    assert site.queue_names == tuple(queue.name for queue in centre.queues)
    for queue in centre.queues:
        target = site.queue_targets[queue.name]
        assert target.answer_threshold_seconds == queue.answer_threshold_seconds
        assert target.service_level_target == queue.service_level_target
        assert target.shrinkage_fraction == centre.shrinkage_for(queue.name)
    years = range(2026, 2028)
    assert site.opening_hours_for(years) == centre.opening_hours_for(years)
    assert site.contract(centre.contracts[0].name) == centre.contract(centre.contracts[0].name)


def test_an_unknown_contract_names_the_ones_there_are(sample_dir):
    site = rota_site(load_centre(sample_dir / "centre.toml"))
    with pytest.raises(ConfigError, match="no contract named 'nobody'") as raised:
        site.contract("nobody")
    assert site.contracts[0].name in str(raised.value)


def test_only_the_site_module_imports_the_centre():
    """Issue 12 item 4: the scheduling package takes values, not the whole centre."""
    root = Path(wfm.scheduling.__file__).parent
    importing = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "wfm.config":
                if any(alias.name in ("Centre", "load_centre") for alias in node.names):
                    importing.add(path.relative_to(root).as_posix())
    assert importing == {"site.py"}
