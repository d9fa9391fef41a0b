"""The Today prior learns with the holiday calendar the planned forecast file records: on
the day after a holiday the rest of the day it gives is the rest of the day ``wfm forecast
--as-of`` gives with the same holidays; a file without the record learns without them; a
bad record stops ``wfm intraday status`` with exit 2, naming the file."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.output_files import read_forecast
from wfm.data.schemas import History
from wfm.forecast import forecast_history
from wfm.forecast.calendar_record import HOLIDAYS_COLUMN
from wfm.forecast.holiday_effects import HolidayCalendar
from wfm.forecast.intraday_update import update_rest_of_day_state
from wfm.intraday.centre_day import day_update_priors
from wfm.timegrid import interval_grid

TZ = "America/New_York"
FIRST = dt.date(2023, 1, 2)
#: The day after Labor Day 2024 (Monday 2 September), at 10:00.
DAY = dt.date(2024, 9, 3)
AS_OF = pd.Timestamp("2024-09-03 10:00", tz=TZ)
#: Planted ratios of an ordinary day's volume: the holiday itself and the day after.
HOLIDAY_RATIO, AFTER_RATIO = 0.25, 1.5
MODEL = "weighted_same_slot"
US = HolidayCalendar.from_country("US", range(2023, 2025))


def planted_frame(seed: int = 0) -> pd.DataFrame:
    """Weekdays 08:00-18:00 in 15-minute intervals, a two-peak day, 3,000 contacts a day
    with a gamma day level (sd 8 %), US holidays at 25 % and the days after at 150 %."""
    rng = np.random.default_rng(seed)
    grid = interval_grid(FIRST, 640, 15, TZ)
    local = grid.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    grid = grid[(local.day_of_week < 5) & (minutes >= 480) & (minutes < 1080)]
    local = grid.tz_localize(None)
    hours = (local.hour + local.minute / 60).to_numpy()
    shape = (
        0.3 + np.exp(-(((hours - 10.5) / 1.8) ** 2)) + 0.7 * np.exp(-(((hours - 14.5) / 2) ** 2))
    )
    days, position = np.unique(
        local.normalize().to_numpy().astype("datetime64[D]"), return_inverse=True
    )
    kinds = US.day_types(days)
    planted = np.where(
        np.char.startswith(kinds.astype(str), "after "),
        AFTER_RATIO,
        np.where(
            (kinds == "") | np.char.startswith(kinds.astype(str), "eve of "), 1.0, HOLIDAY_RATIO
        ),
    )
    level = rng.gamma(1 / 0.08**2, 0.08**2, len(days)) * planted
    mean = 3000.0 / 40 * shape / shape.mean() * level[position]  # 40 intervals a day
    return pd.DataFrame(
        {
            "interval_start": grid,
            "queue": "sales",
            "offered": rng.poisson(mean).astype(float),
            "aht_seconds": 300.0,
        }
    )


@pytest.fixture(scope="module")
def centre_day(tmp_path_factory, sample_centre_path):
    folder = tmp_path_factory.mktemp("planted")
    frame = planted_frame()
    frame.assign(interval_start=frame["interval_start"].map(pd.Timestamp.isoformat)).to_csv(
        folder / "history.csv", index=False
    )
    centre = load_centre(sample_centre_path).model_copy(
        update={
            "timezone": TZ,
            "country": None,  # the forecast file's record decides, not the centre file
            "subdivision": None,
            "close_on_holidays": False,
            "history": folder / "history.csv",
        }
    )
    local = frame["interval_start"].dt.tz_convert(TZ)
    before = History(frame[local.dt.date < DAY].reset_index(drop=True), 15, TZ, "planted")
    plan = forecast_history(
        before, start_date=DAY, horizon_days=1, model=MODEL, holidays=US, workers=1
    )
    plan.to_csv(folder / "forecast.csv", index=False)
    morning = frame[
        (local.dt.date == DAY) & (frame["interval_start"] + pd.Timedelta(minutes=15) <= AS_OF)
    ]
    as_of = forecast_history(
        History(pd.concat([before.frame, morning], ignore_index=True), 15, TZ, "planted"),
        as_of=AS_OF,
        horizon_days=1,
        model=MODEL,
        holidays=US,
        workers=1,
    )
    truth = frame[local.dt.date == DAY].set_index("interval_start")["offered"]
    return centre, folder / "forecast.csv", morning, as_of, truth


def rest_of_day(plan: pd.DataFrame, morning: pd.DataFrame, prior) -> pd.Series:
    """The Today page's rest of the day: the planned forecast updated with ``prior``."""
    index = pd.DatetimeIndex(plan["interval_start"])
    updated, _, _ = update_rest_of_day_state(
        plan["offered"].to_numpy(dtype=float),
        index,
        morning.set_index("interval_start")["offered"],
        AS_OF,
        15,
        prior,
    )
    return pd.Series(updated, index=index)[index >= AS_OF]


def test_the_record_gives_the_rest_of_the_day_wfm_forecast_as_of_gives(centre_day) -> None:
    centre, path, morning, as_of, truth = centre_day
    plan = read_forecast(path, TZ)
    assert (plan[HOLIDAYS_COLUMN] == "US").all()
    recorded = day_update_priors(centre, DAY, plan, source=str(path))["sales"]
    old = day_update_priors(centre, DAY, plan.drop(columns=HOLIDAYS_COLUMN))["sales"]
    # the backtest behind the prior spans Labor Day: without the holidays it is a miss
    assert recorded != old and old.level_sd > recorded.level_sd
    reference = as_of.set_index("interval_start")["offered"]
    with_record = rest_of_day(plan, morning, recorded)
    np.testing.assert_allclose(with_record, reference.reindex(with_record.index), rtol=1e-9)
    without = rest_of_day(plan, morning, old)
    assert np.abs(without - reference.reindex(without.index)).max() > 1.0


def test_a_bad_record_stops_intraday_status_naming_the_file(
    tmp_path, sample_centre_path, capsys
) -> None:
    centre = load_centre(sample_centre_path)
    day = dt.date(2026, 10, 20)
    history = pd.read_csv(centre.resolve(centre.history))
    arrivals = history[history["interval_start"].str.startswith(f"{day}T0")]
    arrivals.to_csv(tmp_path / "arrivals.csv", index=False)
    states = pd.read_csv(centre.resolve(centre.agent_states))
    states[states["start"].str.startswith(f"{day}T0")].to_csv(tmp_path / "states.csv", index=False)
    forecast = pd.DataFrame(
        {
            "interval_start": ["2026-10-20T09:00:00+01:00"] * 2,
            "queue": ["sales", "support"],
            "offered": [10.0, 5.0],
            "aht_seconds": [300.0, 300.0],
            "model": MODEL,
            HOLIDAYS_COLUMN: "ZZ",
        }
    )
    forecast.to_csv(tmp_path / "forecast.csv", index=False)
    code = main(
        [
            "intraday",
            "status",
            "--centre",
            str(sample_centre_path),
            "--forecast",
            str(tmp_path / "forecast.csv"),
            "--history-today",
            str(tmp_path / "arrivals.csv"),
            "--states-today",
            str(tmp_path / "states.csv"),
            "--rota",
            str(centre.base_dir / "published_rota.csv"),
            "--as-of",
            "11:00",
            "--date",
            str(day),
            "-o",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "forecast.csv" in err and "holidays" in err and "'ZZ'" in err and "--country" in err
    assert not (tmp_path / "out" / "position.csv").exists()
