"""A special-days row repeating another's dates and kind (found by the third hostile-input
sweep, fuzz3): a copied uplift row applied twice (1.3 x 1.3 = +69 %) without a word. It is
refused naming both lines; rows that only overlap still combine as documented."""

from __future__ import annotations

import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.forecast.special_days import apply_special_days, read_special_days

HEADER = "start_date,end_date,kind,factor,open,close,reason\n"


def test_a_repeated_row_is_refused_naming_both_lines(tmp_path):
    path = tmp_path / "special.csv"
    path.write_text(
        HEADER + "2026-11-18,,uplift,1.3,,,a\n2026-11-20,,closed,,,,b\n"
        "2026-11-18,2026-11-18,uplift,1.3,,,a again\n"
    )
    with pytest.raises(InputError, match="repeats line 2") as caught:
        read_special_days(path)
    assert caught.value.row == 4 and caught.value.source == str(path)


def test_overlapping_rows_combine_as_documented(tmp_path):
    path = tmp_path / "special.csv"
    path.write_text(
        HEADER + "2026-11-16,2026-11-20,uplift,1.5,,,week\n2026-11-18,,uplift,1.3,,,day\n"
        "2026-11-18,,reduced_hours,,09:00,12:00,short\n"
        "2026-11-18,2026-11-19,reduced_hours,,10:00,17:00,shorter\n2026-11-19,,closed,,,,shut\n"
        "2026-11-19,,uplift,2,,,ignored\n"
    )
    days = read_special_days(path)
    stamps = pd.date_range("2026-11-17 08:00", "2026-11-19 18:00", freq="1h")
    forecast = pd.DataFrame({"interval_start": stamps, "offered": 10.0})
    result = apply_special_days(forecast, days).set_index("interval_start")["offered"]
    assert result[pd.Timestamp("2026-11-17 09:00")] == pytest.approx(15.0)  # 10 x 1.5
    # the 18th: 1.5 x 1.3, and only the hours both reduced_hours rows allow (10:00-12:00)
    on_18th = result[result.index.normalize() == pd.Timestamp("2026-11-18")]
    assert list(on_18th.index.hour) == [10, 11]
    assert on_18th.to_numpy() == pytest.approx([19.5, 19.5])
    assert not (result.index.normalize() == pd.Timestamp("2026-11-19")).any()  # closed wins
