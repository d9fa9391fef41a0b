"""A forecast records the holiday calendar it used (its ``holidays`` column), and the
record reads back as the same calendar; old files mean no holidays, bad records fail clearly."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.data.output_files import read_forecast
from wfm.errors import InputError
from wfm.forecast import forecast_history
from wfm.forecast.calendar_record import (
    HOLIDAYS_COLUMN,
    calendar_record,
    parse_record,
    recorded_calendars,
)
from wfm.forecast.holiday_effects import HolidayCalendar

YEARS = range(2023, 2025)


@pytest.fixture(scope="module")
def history():
    return as_history(synthetic_frame(first_date=dt.date(2024, 1, 1), days=56))


@pytest.mark.parametrize(
    ("calendar", "record"),
    [
        (None, "none"),
        (HolidayCalendar.from_country("US", YEARS), "US"),
        (HolidayCalendar.from_country("GB", YEARS, "ENG"), "GB-ENG"),
        (HolidayCalendar({dt.date(2024, 2, 21): "Test Day"}, "test"), "custom"),
    ],
)
def test_every_row_of_a_forecast_records_its_calendar(history, calendar, record, tmp_path) -> None:
    forecast = forecast_history(
        history, horizon_days=4, model="same_slot_average", holidays=calendar, workers=1
    )
    assert len(forecast) and (forecast[HOLIDAYS_COLUMN] == record).all()
    path = tmp_path / "forecast.csv"
    forecast.to_csv(path, index=False)
    assert (read_forecast(path, "Europe/London")[HOLIDAYS_COLUMN] == record).all()


@pytest.mark.parametrize(("country", "subdivision"), [("US", None), ("GB", "ENG"), ("IL", None)])
def test_a_record_reads_back_as_the_calendar_it_was_made_with(country, subdivision) -> None:
    made = HolidayCalendar.from_country(country, YEARS, subdivision)
    forecast = pd.DataFrame({"queue": ["a", "a", "b"], HOLIDAYS_COLUMN: calendar_record(made)})
    back = recorded_calendars(forecast, YEARS, source="f.csv")
    assert set(back) == {"a", "b"}
    for calendar in back.values():
        assert calendar is not None
        assert dict(calendar.names) == dict(made.names) and calendar.periods == made.periods
        assert calendar_record(calendar) == calendar_record(made)


def test_queues_keep_their_own_calendars() -> None:
    forecast = pd.DataFrame(
        {"queue": ["uk", "us", "none"], HOLIDAYS_COLUMN: ["GB-ENG", "us", "none"]}
    )
    back = recorded_calendars(forecast, YEARS)
    assert back["none"] is None
    assert (back["uk"].country, back["uk"].subdivision) == ("GB", "ENG")
    assert back["us"].country == "US"
    july4 = np.array(["2024-07-04"], dtype="datetime64[D]")
    assert back["us"].day_types(july4)[0] != "" and back["uk"].day_types(july4)[0] == ""


def test_an_old_forecast_file_means_no_holidays_said_in_a_log_line(caplog) -> None:
    forecast = pd.DataFrame({"queue": ["a", "b"], "model": "factor"})
    with caplog.at_level(logging.WARNING, logger="wfm.forecast.calendar_record"):
        back = recorded_calendars(forecast, YEARS, source="old/forecast.csv")
    assert back == {"a": None, "b": None}
    assert "old/forecast.csv has no holidays column" in caplog.text
    assert "without holidays" in caplog.text


def test_a_custom_calendar_cannot_be_rebuilt_and_says_so(caplog) -> None:
    forecast = pd.DataFrame({"queue": ["a"], HOLIDAYS_COLUMN: ["custom"]})
    with caplog.at_level(logging.WARNING, logger="wfm.forecast.calendar_record"):
        assert recorded_calendars(forecast, YEARS, source="f.csv") == {"a": None}
    assert "cannot rebuild" in caplog.text


@pytest.mark.parametrize(
    ("queues", "values", "words", "line"),
    [
        (["a", "b"], ["US", "ZZ"], "not one the holidays package knows", 3),
        (["a", "a"], ["GB-XX", "GB-XX"], "not one the holidays package knows", 2),
        (["a", "a"], ["U$", "U$"], "not a holiday calendar record", 2),
        (["a", "a"], ["US", ""], "record is empty", 3),
        (["a", "a"], ["US", "GB"], "several holiday calendars", None),
    ],
)
def test_a_bad_record_names_the_file_the_column_and_the_fix(queues, values, words, line) -> None:
    forecast = pd.DataFrame({"queue": queues, HOLIDAYS_COLUMN: values})
    with pytest.raises(InputError) as caught:
        recorded_calendars(forecast, YEARS, source="plan/forecast.csv")
    text = str(caught.value)
    assert words in text and "plan/forecast.csv" in text and HOLIDAYS_COLUMN in text
    assert "--country" in text  # the fix
    if line is not None:
        assert f"line {line}" in text


def test_parse_record_rejects_what_is_not_a_code() -> None:
    assert parse_record(" gb-eng ") == ("GB", "ENG")
    for bad in ("United States", "US-", "1", "US ENG"):
        with pytest.raises(InputError):
            parse_record(bad)
