"""Timestamps with spaces around them are read as written: found by the hostile-input sweep,
where per-contact exports whose cells were padded (" 2026-11-09T10:00:00+00:00 ") made
`wfm import-contacts`, `wfm review --contacts` and the app's contact uploads fail with
"TypeError: Already tz-aware" (exit 1): the test for an offset looked at the last character,
a space, and took the cell for a local time that pandas then read with its offset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.data.arrow_cells import parse_instants_ms


def instants(cells, timezone="Europe/London"):
    values, bad = parse_instants_ms(
        pd.Series(cells, dtype=object),
        timezone=timezone,
        source="c.csv",
        column="arrival",
        first_line=2,
    )
    return values, bad


def test_padded_cells_equal_the_unpadded_ones():
    plain = ["2026-11-09T10:00:00+00:00", "2026-07-01T09:30:00+02:00", "2026-07-01 08:15:00"]
    padded = [f"  {cell} " for cell in plain]
    expected, _ = instants(plain)
    values, bad = instants(padded)
    np.testing.assert_array_equal(values, expected)
    assert not bad.any()
    # an independent reading of the first two cells (offsets) and the third (London, BST)
    assert values[0] == pd.Timestamp("2026-11-09T10:00:00Z").value // 10**6
    assert values[1] == pd.Timestamp("2026-07-01T07:30:00Z").value // 10**6
    assert values[2] == pd.Timestamp("2026-07-01T07:15:00Z").value // 10**6


def test_junk_is_still_flagged_beside_padded_cells():
    values, bad = instants([" 2026-11-09T10:00:00+00:00 ", "yesterday", None])
    assert bad.tolist() == [False, True, False] and np.isnan(values[1:]).all()
