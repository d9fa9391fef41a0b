"""The app's centre writer keeps the rule settings of issue 17: shift types and the new
contract fields survive a write and a read."""

from __future__ import annotations

from app_testing import SAMPLE_CENTRE

from wfm.config import ShiftType, load_centre
from wfm.config_toml import centre_toml


def test_shift_types_and_contract_rules_round_trip(tmp_path):
    centre = load_centre(SAMPLE_CENTRE)
    first = centre.contracts[0].model_copy(
        update={
            "shift_templates": (centre.shift_templates[0].name,),
            "max_working_weekends": 2,
            "max_shifts_per_type": (("late", 3),),
            "forbidden_shift_sequences": (("late", "early"),),
            "max_start_times_per_week": 2,
        }
    )
    centre = centre.model_copy(
        update={
            "contracts": (first, *centre.contracts[1:]),
            "shift_types": (
                ShiftType(name="early", start_from="06:00", start_until="09:00"),
                ShiftType(name="late", start_from="13:00", start_until="18:00"),
            ),
        }
    )
    path = tmp_path / "centre.toml"
    path.write_text(centre_toml(centre), encoding="utf-8")
    loaded = load_centre(path)
    assert loaded.shift_types == centre.shift_types
    assert loaded.contracts == centre.contracts
    assert loaded.contracts[0].shift_type_limits() == {"late": 3}
