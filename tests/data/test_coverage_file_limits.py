"""Coverage and actual-staff files are held to the agent limit, every agent column alike:
found by the hostile-input sweep, where a coverage.csv with 1e300 agents was read (the
optional columns were coerced, junk becoming NaN silently) and `wfm whatif` then ran an
Erlang recursion a step per claimed agent."""

from __future__ import annotations

import pytest

from wfm.data.output_files import read_coverage
from wfm.errors import InputError
from wfm.limits import MAX_AGENTS_COUNT

HEADER = "interval_start,queue,agents_scheduled,agents_productive,agents_required\n"


def coverage(tmp_path, second_row: str):
    path = tmp_path / "coverage.csv"
    path.write_text(HEADER + "2026-11-16T08:00:00+00:00,sales,8,5.6,5\n" + second_row + "\n")
    return path


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("2026-11-16T08:15:00+00:00,sales,1e300,5.6,5", "agents_scheduled"),
        ("2026-11-16T08:15:00+00:00,sales,8,1e300,5", "agents_productive"),
        ("2026-11-16T08:15:00+00:00,sales,8,5.6,lots", "agents_required"),
        ("2026-11-16T08:15:00+00:00,sales,8,-3,5", "agents_productive"),
    ],
)
def test_an_absurd_or_junk_agent_count_names_line_and_column(tmp_path, row, column):
    with pytest.raises(InputError) as caught:
        read_coverage(coverage(tmp_path, row), "Europe/London")
    assert caught.value.row == 3 and caught.value.column == column


def test_counts_at_the_limit_and_empty_optional_cells_are_read(tmp_path):
    path = coverage(tmp_path, f"2026-11-16T08:15:00+00:00,sales,{MAX_AGENTS_COUNT},,")
    frame = read_coverage(path, "Europe/London")
    assert frame["agents_scheduled"].tolist() == [8, MAX_AGENTS_COUNT]
    assert frame["agents_productive"].isna().tolist() == [False, True]
