"""One holiday calendar for every path: the centre file's country and ``--country`` give
the same day types; a festival's days are numbered across a weekend before its observed
day; no learned effect is named ``(observed)``."""

from __future__ import annotations

import argparse
import datetime as dt
import types

import numpy as np
import pandas as pd
import pytest
from forecast_centres import gulf_centre

import wfm.plan.chain as chain
from wfm.cli.forecast import holiday_calendar_args
from wfm.config import load_centre
from wfm.forecast.holiday_effects import HolidayCalendar, learn_holiday_effects

YEARS = range(2023, 2025)


def _centre(sample_centre_path, country: str):
    return load_centre(sample_centre_path).model_copy(
        update={"country": country, "subdivision": None}
    )


def _history(first: dt.date, last: dt.date):
    """A stand-in history whose rows span ``first`` to ``last`` (only the years are read)."""
    starts = pd.to_datetime([first, last]).tz_localize("UTC")
    return types.SimpleNamespace(frame=pd.DataFrame({"interval_start": starts}))


def _days(start: dt.date, end: dt.date) -> np.ndarray:
    return np.arange(np.datetime64(start), np.datetime64(end) + 1, dtype="datetime64[D]")


@pytest.mark.parametrize("country", ["SA", "EG", "IL", "US", "GB"])
def test_the_centre_file_and_country_option_give_the_same_day_types(
    sample_centre_path, country
) -> None:
    centre = _centre(sample_centre_path, country)
    history = _history(dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    last = dt.date(2024, 12, 31)
    from_file = holiday_calendar_args(argparse.Namespace(country=None), history, centre, last)
    from_option = holiday_calendar_args(argparse.Namespace(country=country), history, None, last)
    days = _days(dt.date(2023, 1, 1), last)
    assert from_file is not None and from_option is not None
    assert from_file.day_types(days).tolist() == from_option.day_types(days).tolist()
    assert from_file.periods == from_option.periods
    assert from_file.seasons == from_option.seasons


def test_the_plan_chain_takes_the_centre_calendar_the_cli_takes(
    sample_centre_path, monkeypatch
) -> None:
    centre = _centre(sample_centre_path, "SA")
    taken = {}

    def capture(history, **kwargs):
        taken["holidays"] = kwargs["holidays"]
        return pd.DataFrame()

    monkeypatch.setattr(chain, "forecast_history", capture)
    starts = pd.date_range("2023-01-01", "2024-12-31", freq="D", tz=centre.timezone)
    frame = pd.DataFrame({"interval_start": starts, "queue": centre.queues[0].name, "offered": 1.0})
    history = chain.History(frame, 15, centre.timezone, "test")
    chain.forecast_centre(centre, history, dt.date(2024, 12, 1), horizon_days=30)
    by_option = HolidayCalendar.from_country("SA", YEARS)
    days = _days(dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    assert taken["holidays"].day_types(days).tolist() == by_option.day_types(days).tolist()
    assert "Ramadan" in set(taken["holidays"].names.values())


def _day_number(key: str) -> int:
    return int(key.rsplit("(day ", 1)[1].rstrip(")")) if "(day " in key else 1


@pytest.mark.parametrize("country", ["SA", "AE", "EG"])
def test_eid_al_fitr_2024_days_are_numbered_without_restarting(country) -> None:
    calendar = HolidayCalendar.from_country(country, [2024])
    eid = sorted(d for d, name in calendar.names.items() if "Fitr" in name)
    assert eid and (eid[-1] - eid[0]).days < 10  # one festival, maybe with a gap
    keys = calendar.day_types(np.array(eid, dtype="datetime64[D]")).tolist()
    # the k-th of the festival's dates is its day k, whatever lies between them
    assert [_day_number(key) for key in keys] == list(range(1, len(eid) + 1))
    assert len({key.split(" (day ")[0] for key in keys}) == 1  # one name for the festival


def test_saudi_eid_observed_after_the_weekend_is_day_five() -> None:
    calendar = HolidayCalendar.from_country("SA", [2024])
    days = _days(dt.date(2024, 4, 9), dt.date(2024, 4, 14))
    assert calendar.day_types(days).tolist() == [
        "Eid al-Fitr Holiday",
        "Eid al-Fitr Holiday (day 2)",
        "Eid al-Fitr Holiday (day 3)",
        "Eid al-Fitr Holiday (day 4)",
        "eve of Eid al-Fitr Holiday (day 5)",  # an eve wins over a day after
        "Eid al-Fitr Holiday (day 5)",
    ]


def test_a_festival_a_year_later_starts_a_new_run() -> None:
    names = {dt.date(2024, 4, 9): "Feast", dt.date(2024, 4, 12): "Feast"}
    names[dt.date(2024, 4, 16)] = "Feast"  # three days between: a new run
    days = np.array(sorted(names), dtype="datetime64[D]")
    assert HolidayCalendar(names).day_types(days).tolist() == ["Feast", "Feast (day 2)", "Feast"]


def test_no_learned_effect_is_named_observed(sample_centre_path) -> None:
    gulf = gulf_centre()
    frame = gulf.frame[gulf.frame["interval_start"] < pd.Timestamp("2025-01-01", tz="UTC")]
    y = frame.set_index("interval_start")["offered"]
    y.index = y.index.tz_convert(gulf.timezone)
    centre = _centre(sample_centre_path, "SA")
    by_centre = HolidayCalendar.for_centre(centre, range(2023, 2026))
    raw = centre.holiday_dates(range(2023, 2026))
    assert any("(observed)" in name for name in raw.values())  # the package's raw names have it
    for calendar in (by_centre, HolidayCalendar(raw)):
        effects = learn_holiday_effects(y, calendar)
        assert effects and not [key for key in effects if "observed" in key.lower()]
        assert any(key.startswith("Eid al-Fitr Holiday (day 5)") for key in effects)


@pytest.mark.parametrize(
    ("country", "gap_day"), [("SA", dt.date(2024, 4, 13)), ("EG", dt.date(2022, 5, 3))]
)
def test_the_weekend_inside_an_eid_is_not_ramadan(country, gap_day) -> None:
    calendar = HolidayCalendar.from_country(country, [gap_day.year])
    ramadan = sorted(d for d, name in calendar.names.items() if name == "Ramadan")
    eid = sorted(d for d, name in calendar.names.items() if "Fitr" in name)
    assert gap_day not in calendar.names
    month = {eid[0] - dt.timedelta(days=k) for k in range(1, 30)}
    assert set(ramadan) <= month  # one month, before the Eid's first day, none after
    assert all(calendar.names[d] != "Ramadan" or d in month for d in calendar.names)
