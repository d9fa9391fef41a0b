"""Fixtures for the forecast tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import BANK_CSV

from wfm.data.schemas import History


@pytest.fixture(scope="session")
def bank_history() -> History:
    """The real bank data (weekdays 07:00–21:05, 5-minute intervals, 6 missing weekdays)."""
    if not BANK_CSV.exists():
        pytest.skip(f"{BANK_CSV} not available")
    raw = pd.read_csv(BANK_CSV)
    frame = pd.DataFrame(
        {
            "interval_start": pd.to_datetime(raw["datetime"]).dt.tz_localize("America/New_York"),
            "queue": "bank",
            "offered": raw["calls"].astype(float),
            "aht_seconds": np.nan,
        }
    )
    return History(
        frame=frame, interval_minutes=5, timezone="America/New_York", source=str(BANK_CSV)
    )
