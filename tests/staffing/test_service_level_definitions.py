"""Measured service level under the counting variants of DOMAIN.md §4."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm.errors import InputError
from wfm.staffing.service_level_definitions import (
    ServiceLevelDefinition,
    measured_service_level,
    parse_definition,
    service_level_parts,
)

COUNTS = pd.DataFrame(
    {
        "queue": ["a", "a", "b"],
        "answered": [930, 100, 50],
        "answered_within_threshold": [800, 90, 10],
        "abandoned": [55, 0, 50],
        "abandoned_within_threshold": [25, 0, 20],
        "short_abandoned": [15, 0, 10],
    }
)


def test_the_variants_follow_their_formulas_and_differ():
    a, aw, b, bw, s = 930, 800, 55, 25, 15
    expected = {
        "answered_and_abandoned_within": (aw + bw) / (a + b),
        "answered_only": aw / a,
        "all_abandons_against": aw / (a + b),
        "abandons_after_threshold_against": aw / (a + b - bw),
        "short_abandons_excluded": aw / (a + b - s),
    }
    got = {
        d.value: float(measured_service_level(COUNTS, d).iloc[0]) for d in ServiceLevelDefinition
    }
    assert got == pytest.approx(expected, abs=1e-15)
    assert len({round(v, 3) for v in got.values()}) == 5  # the DOMAIN point: five different answers


def test_groups_pool_counts_rather_than_averaging_rates():
    by_queue = measured_service_level(COUNTS, "answered_only", by="queue")
    assert by_queue["a"] == pytest.approx(890 / 1030)
    assert by_queue["b"] == pytest.approx(10 / 50)


def test_handled_stands_in_for_answered_and_missing_columns_are_named():
    history = pd.DataFrame({"handled": [10], "answered_within_threshold": [8], "abandoned": [2]})
    assert float(measured_service_level(history).iloc[0]) == pytest.approx(8 / 12)
    with pytest.raises(InputError, match="abandoned_within_threshold"):
        measured_service_level(history, "answered_and_abandoned_within")


def test_bad_names_and_counts_are_input_errors():
    with pytest.raises(InputError, match="answered_only"):
        parse_definition("ansered_only")
    with pytest.raises(InputError, match="exceeds"):
        service_level_parts([5], [6])
    with pytest.raises(InputError, match="zero or more"):
        service_level_parts([5], [4], [-1])


@given(
    answered=st.integers(0, 1000),
    within_share=st.floats(0, 1),
    abandoned=st.integers(0, 300),
    abandoned_within_share=st.floats(0, 1),
    short_share=st.floats(0, 1),
)
def test_ordering_of_the_variants(
    answered, within_share, abandoned, abandoned_within_share, short_share
):
    within = int(answered * within_share)
    abandoned_within = int(abandoned * abandoned_within_share)
    short = int(abandoned_within * short_share)  # short abandons are within T too
    values = {
        d: float(
            service_level_parts(answered, within, abandoned, abandoned_within, short, definition=d)[
                0
            ]
            / max(
                service_level_parts(
                    answered, within, abandoned, abandoned_within, short, definition=d
                )[1],
                1,
            )
        )
        for d in ServiceLevelDefinition
    }
    if answered + abandoned - abandoned_within > 0 and answered > 0:
        # Counting every abandon against is the strictest; ignoring them the most lenient.
        assert (
            values[ServiceLevelDefinition.ALL_ABANDONS_AGAINST]
            <= values[ServiceLevelDefinition.ABANDONS_AFTER_THRESHOLD_AGAINST] + 1e-12
        )
        assert (
            values[ServiceLevelDefinition.ALL_ABANDONS_AGAINST]
            <= values[ServiceLevelDefinition.SHORT_ABANDONS_EXCLUDED] + 1e-12
        )
        assert (
            values[ServiceLevelDefinition.ALL_ABANDONS_AGAINST]
            <= values[ServiceLevelDefinition.ANSWERED_ONLY] + 1e-12
        )
    for value in values.values():
        assert 0 <= value <= 1 or np.isnan(value)
