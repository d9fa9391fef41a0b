"""``--date-format`` with a directive strptime does not know is an error naming the option
(it was pandas' ValueError, exit 1; found by benchmarks/fuzz_cli.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.data.locale_formats import to_iso_dates
from wfm.errors import InputError


def test_unknown_directive_names_the_option():
    text = pd.Series(["02/03/2026 08:00"])
    with pytest.raises(InputError) as caught:
        to_iso_dates(text, source="h.csv", column="interval_start", date_format="%Q")
    assert caught.value.option == "--date-format"
    assert caught.value.value == "%Q"


def test_known_directives_still_parse():
    text = pd.Series(["02/03/2026 08:00"])
    iso = to_iso_dates(text, source="h.csv", column="t", date_format="%d/%m/%Y %H:%M")
    assert iso.iloc[0] == "2026-03-02T08:00:00"
