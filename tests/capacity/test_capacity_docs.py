"""docs/capacity.md documents every capacity setting, and the sample's file is valid."""

from __future__ import annotations

from pathlib import Path

from wfm.capacity.settings import (
    AttritionSettings,
    CapacitySettings,
    ClassPlan,
    CostSettings,
    HiringSettings,
    Movement,
    TenureBand,
    VolumeEvent,
    load_capacity_settings,
)

REPO = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_docs_table():
    text = (REPO / "docs" / "capacity.md").read_text()
    models = [
        (CapacitySettings, ""),
        (AttritionSettings, "attrition."),
        (TenureBand, "attrition.tenure_bands[]."),
        (HiringSettings, "hiring."),
        (CostSettings, "costs."),
        (ClassPlan, "planned_classes[]."),
        (Movement, "movements[]."),
        (VolumeEvent, "events[]."),
    ]
    missing = [
        f"{prefix}{name}"
        for model, prefix in models
        for name in model.model_fields
        if name not in ("attrition", "hiring", "costs") and f"| `{prefix}{name}` |" not in text
    ]
    assert not missing


def test_the_sample_capacity_file_is_valid_and_not_the_defaults():
    settings = load_capacity_settings(REPO / "data" / "sample" / "capacity.toml")
    assert settings != CapacitySettings()
    assert settings.events and settings.attrition.tenure_bands
