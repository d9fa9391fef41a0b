"""A forecast that covers none of the rota's intervals is an input error naming --forecast:
it was a TypeError on the empty grid (exit 1; found by benchmarks/fuzz_cli.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.activities import read_activities
from wfm.data.agents import read_agents
from wfm.data.output_files import read_rota
from wfm.errors import InputError
from wfm.intraday.activity_placement import place_for_centre

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def test_forecast_of_other_weeks_is_an_input_error(tmp_path):
    centre = load_centre(SAMPLE / "centre.toml")
    agents = read_agents(centre.resolve(centre.agents), centre)
    rota = read_rota(SAMPLE / "published_rota.csv", centre.timezone)
    rota = rota[rota["date"] == min(rota["date"])]
    starts = pd.date_range("2027-01-04 08:00", periods=8, freq="15min", tz=centre.timezone)
    forecast = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": 10.0, "aht_seconds": 300.0}
    )
    activities = read_activities(SAMPLE / "activities.csv", interval_minutes=15)
    with pytest.raises(InputError) as caught:
        place_for_centre(centre, agents, rota=rota, activities=activities, forecast=forecast)
    assert caught.value.option == "--forecast"
