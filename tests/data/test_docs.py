"""docs/data-formats.md must describe every column contract and every centre-file field.

These tests fail when a field is added to a model in wfm.config (or a column to
wfm.data.schemas) without documenting it, or when a default or description changes in the
code and not in the doc.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic_core import PydanticUndefined

from wfm import config
from wfm.config import parse_centre
from wfm.data import schemas

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"

#: Each model and the section heading that documents it.
MODELS = {
    config.Centre: "`[centre]` (Centre)",
    config.QueueConfig: "`[[queues]]` (QueueConfig)",
    config.ShiftTemplate: "`[[shift_templates]]` (ShiftTemplate)",
    config.BreakRule: "`[[break_rules]]` (BreakRule)",
    config.Contract: "`[[contracts]]` (Contract)",
    config.PlanningSettings: "`[planning]` (PlanningSettings)",
    config.SchedulingSettings: "`[scheduling]` (SchedulingSettings)",
    config.PrivacySettings: "`[privacy]` (PrivacySettings)",
    config.Site: "`[[sites]]` (Site)",
}

CONTRACTS = {
    "## Interval history": schemas.HISTORY_REQUIRED + schemas.HISTORY_OPTIONAL,
    "## Forecast": schemas.FORECAST_COLUMNS,
    "## Requirements": schemas.REQUIREMENTS_COLUMNS,
    "## Rota": schemas.ROTA_COLUMNS + schemas.ROTA_ACTIVITIES,
    "## Coverage": schemas.COVERAGE_COLUMNS,
    "## Agents": schemas.AGENT_COLUMNS,
    "## Agent states": schemas.AGENT_STATE_COLUMNS,
}

AGENT_STATES = (
    "available",
    "on_contact",
    "after_contact_work",
    "break",
    "lunch",
    "meeting",
    "training",
    "offline",
)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def section(doc: str, heading: str) -> str:
    """The text under the first heading that starts with ``heading``, up to the next heading
    of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    lines = doc.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(heading):
            body = []
            for following in lines[index + 1 :]:
                match = re.match(r"^(#+) ", following)
                if match and len(match.group(1)) <= level:
                    break
                body.append(following)
            return "\n".join(body)
    raise AssertionError(f"docs/data-formats.md has no heading starting with {heading!r}")


def table_rows(text: str) -> dict[str, list[str]]:
    """Markdown table rows keyed by the first cell's code name: ``| `name` | a | b |``."""
    rows = {}
    for line in text.splitlines():
        match = re.match(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$", line)
        if match:
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", match.group(2))]
            rows[match.group(1)] = cells
    return rows


@pytest.mark.parametrize("model", list(MODELS), ids=lambda model: model.__name__)
def test_every_model_field_is_documented(doc, model):
    rows = table_rows(section(doc, "### " + MODELS[model]))
    missing = [name for name in model.model_fields if name not in rows]
    assert not missing, f"{model.__name__} fields missing from docs/data-formats.md: {missing}"
    extra = [name for name in rows if name not in model.model_fields]
    assert not extra, (
        f"docs/data-formats.md documents {model.__name__} fields that do not exist: {extra}"
    )


@pytest.mark.parametrize("model", list(MODELS), ids=lambda model: model.__name__)
def test_documented_defaults_and_descriptions_match_the_code(doc, model):
    rows = table_rows(section(doc, "### " + MODELS[model]))
    for name, field in model.model_fields.items():
        _type, _unit, default_cell, description_cell = rows[name]
        default = field.default
        if default is PydanticUndefined and field.default_factory is None:
            assert default_cell.startswith("required"), f"{model.__name__}.{name} has no default"
        elif default is None:
            assert default_cell == "none", f"{model.__name__}.{name} defaults to none"
        elif isinstance(default, bool):
            assert default_cell == f"`{str(default).lower()}`", f"{model.__name__}.{name}"
        elif isinstance(default, int | float):
            assert float(default_cell.strip("`")) == default, f"{model.__name__}.{name}"
        elif isinstance(default, str):
            assert default_cell == f'`"{default}"`', f"{model.__name__}.{name}"
        elif isinstance(default, tuple) and default:
            assert default_cell == "`" + str(list(default)).replace("'", '"') + "`", (
                f"{model.__name__}.{name}"
            )
        if field.description:
            assert field.description.rstrip(".") in description_cell, (
                f"description of {model.__name__}.{name} differs from src/wfm/config.py"
            )


def test_every_centre_scalar_is_listed_under_the_centre_table(doc):
    layout = table_rows(section(doc, "## Centre file"))
    nested = {
        "opening_hours",
        "queues",
        "shift_templates",
        "shift_types",
        "break_rules",
        "contracts",
        "planning",
        "scheduling",
        "privacy",
        "sites",
    }
    scalars = [name for name in config.Centre.model_fields if name not in nested | {"base_dir"}]
    centre_row = layout["[centre]"][0]
    for name in scalars:
        assert f"`{name}`" in centre_row
    for name in nested:
        assert f"[{name}]" in layout or f"[[{name}]]" in layout


@pytest.mark.parametrize("heading", list(CONTRACTS))
def test_every_file_column_is_documented(doc, heading):
    text = section(doc, heading)
    missing = [column for column in CONTRACTS[heading] if f"`{column}`" not in text]
    assert not missing, f"{heading}: columns missing from docs/data-formats.md: {missing}"


def test_agent_states_are_listed(doc):
    text = section(doc, "## Agent states")
    assert all(f"`{state}`" in text for state in AGENT_STATES)


def test_toml_example_is_a_valid_centre(doc):
    blocks = re.findall(r"```toml\n(.*?)```", doc, flags=re.DOTALL)
    assert blocks, "docs/data-formats.md has no TOML example"
    for block in blocks:
        centre = parse_centre(tomllib.loads(block), source="docs/data-formats.md")
        assert centre.queues


def test_bank_file_example_is_shown(doc):
    text = section(doc, "## Interval history")
    assert "--map datetime=interval_start --map calls=offered" in text
    assert "--timezone America/New_York" in text
