"""Table headings of the centre editors in the planner's words (issue 16, item 10)."""

from __future__ import annotations

import re

from app_testing import SAMPLE_CENTRE

from helpers import centre_editing
from wfm.config import load_centre


def test_every_centre_table_is_headed_in_words_with_units():
    centre = load_centre(SAMPLE_CENTRE)
    tables = [
        centre_editing.opening_hours_table(centre),
        centre_editing.shift_templates_table(centre),
        centre_editing.break_rules_table(centre),
        centre_editing.contracts_table(centre),
    ]
    for table in tables:
        labels = centre_editing.column_labels(table)
        assert set(labels) == set(table.columns)
        for column, label in labels.items():
            assert "_" not in label, (column, label)
            assert label[0].isupper(), label
            if column.endswith("_minutes"):
                assert label.endswith("[min]"), label
    assert centre_editing.column_label("max_hours_per_week") == "Max hours a week"
    assert centre_editing.column_label("start_step_minutes") == "Start step [min]"
    explicit = centre_editing.column_labels(tables[1], days="Weekdays")
    assert explicit["days"] == "Weekdays" and re.match(r"Earliest", explicit["earliest_start"])
