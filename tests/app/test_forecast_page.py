"""The Forecast page: its helpers and chart builders, and the page through the app's entry point.

AppTest flows: an empty store (info box pointing to the Data page), the planned sample week
(content, who made the forecast), "Run forecast" on a store holding only the sample centre
and history (the saved forecast equals :func:`wfm.plan.chain.forecast_centre` called directly), and
a first date with too little history before it (an error box, nothing saved).
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from helpers import charts, forecast_charts, forecast_data, state
from wfm.plan.workspace import Workspace
from wfm.review.daily_totals import forecast_daily_totals

PAGE = "views/forecast.py"
#: A fast named model for the run (the sample's "auto" backtests every model first).
FAST_MODEL = "same_slot_average"
TZ = "Europe/London"


def small_forecast() -> pd.DataFrame:
    times = pd.date_range("2026-03-30 08:00", periods=4, freq="15min", tz=TZ).append(
        pd.date_range("2026-03-30 12:00", periods=2, freq="15min", tz=TZ)
    )
    return pd.DataFrame(
        {
            "interval_start": times,
            "queue": "sales",
            "offered": [10.0, 12.0, 14.0, 16.0, 8.0, 6.0],
            "aht_seconds": 200.0,
            "offered_p10": [6.0, 8.0, 9.0, 11.0, 4.0, 3.0],
            "offered_p90": [14.0, 16.0, 19.0, 21.0, 12.0, 10.0],
        }
    )


# --- pure helpers -------------------------------------------------------------------------------
def test_band_frame_follows_the_chosen_columns_and_splits_at_gaps():
    band = forecast_charts.band_frame(small_forecast(), "sales", "offered_p10", "offered_p90", 15)
    assert band["low"].tolist() == [6.0, 8.0, 9.0, 11.0, 4.0, 3.0]
    assert band["high"].tolist() == [14.0, 16.0, 19.0, 21.0, 12.0, 10.0]
    assert band["segment"].nunique() == 2  # the 09:00–12:00 gap is not bridged
    assert band["time"].iloc[0] == pd.Timestamp("2026-03-30 08:00")  # wall-clock, zone dropped
    # same rows as the fixed P10–P90 builder of helpers/charts.py
    pd.testing.assert_frame_equal(band, charts.forecast_band_frame(small_forecast(), "sales", 15))
    assert forecast_charts.band_frame(
        small_forecast(), "sales", "offered_p05", "offered_p95", 15
    ).empty


def test_quantile_column_names_match_the_library():
    from wfm.forecast.quantiles import QUANTILE_COLUMNS, add_quantile_columns

    assert all(forecast_charts.quantile_column(q) == name for q, name in QUANTILE_COLUMNS.items())
    frame = add_quantile_columns(
        pd.DataFrame({"offered": [100.0], "dispersion": [0.01]}), levels=(0.05, 0.95)
    )
    assert {forecast_charts.quantile_column(0.05), forecast_charts.quantile_column(0.95)} <= set(
        frame.columns
    )
    assert frame["offered_p05"].iloc[0] < 100 < frame["offered_p95"].iloc[0]


def test_every_band_is_a_lower_and_an_upper_quantile():
    for quantiles in forecast_charts.BANDS.values():
        assert quantiles is None or 0 < quantiles[0] < 0.5 < quantiles[1] < 1


def test_daily_totals_chart_is_valid_vega_lite():
    chart = forecast_charts.daily_totals_chart(forecast_daily_totals(small_forecast()))
    assert isinstance(chart, alt.Chart)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["encoding"]["y"]["field"] == "offered"


def test_band_chart_draws_with_an_empty_band():
    frame = charts.forecast_frame(
        small_forecast().iloc[:0], small_forecast(), "sales", history_weeks=1, interval_minutes=15
    )
    empty = forecast_charts.band_frame(small_forecast(), "sales", "", "", 15)
    charts.forecast_band_chart(frame, empty).to_dict()


def test_progress_bar_clamps_and_labels():
    class Bar:
        calls: list = []

        def progress(self, value, text):
            self.calls.append((value, text))

    bar = Bar()
    report = forecast_data.progress_bar(bar, "Forecasting")
    report(-0.5, "starting")
    report(0.5, "queue sales")
    report(1.5, "done")
    assert bar.calls == [
        (0.0, "Forecasting: starting"),
        (0.5, "Forecasting: queue sales"),
        (1.0, "Forecasting: done"),
    ]


def test_progress_bar_lets_streamlits_stop_through():
    class Stop(BaseException):
        pass

    class Bar:
        def progress(self, value, text):
            raise Stop

    with pytest.raises(Stop):
        forecast_data.progress_bar(Bar(), "Backtesting")(0.1, "x")


def test_saved_when_reads_store_timestamps():
    assert (
        forecast_data.saved_when("2026-11-22T13:01:36.817457+00:00") == "Sun 22 Nov 2026 13:01 UTC"
    )
    assert forecast_data.saved_when("2026-11-22T14:01:00+01:00") == "Sun 22 Nov 2026 13:01 UTC"
    assert forecast_data.saved_when("not a time") == "not a time"
    assert forecast_data.saved_when(None) == "an unknown time"


# --- the page -----------------------------------------------------------------------------------
def _saved_sample_inputs(store_path):
    """Save the sample centre and its history (no forecast) in the app's store."""
    from wfm.config import load_centre
    from wfm.plan.chain import load_history

    centre = load_centre(SAMPLE_CENTRE)
    history = load_history(centre)
    ws = Workspace.open(f"sqlite:///{store_path}", actor="test-planner")
    ws.save_centre(centre)
    ws.save_history(history)
    return ws, centre, history


def test_an_empty_store_points_to_the_data_page(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("no history" in str(info.value) and "Data" in str(info.value) for info in app.info)
    assert not [button for button in app.button if button.label == "Run forecast"]


def test_a_planned_store_shows_the_saved_forecast(planned_store):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error
    saved = Workspace.open(f"sqlite:///{planned_store}").latest_forecast()
    captions = " ".join(str(c.value) for c in app.caption)
    assert "by test-planner" in captions and saved.meta["start_date"] in captions
    metrics = {m.label: m.value for m in app.metric}
    queue = app.selectbox(key=state.QUEUE).value
    expected = saved.frame.loc[saved.frame["queue"] == queue, "offered"].sum()
    assert metrics["Forecast contacts"] == f"{expected:,.0f}"
    assert len(app.get("vega_lite_chart")) >= 3  # band, AHT, daily totals
    assert {b.label for b in app.get("download_button")} >= {
        "Download forecast (CSV)",
        "Download daily totals (CSV)",
    }
    # a band the saved forecast does not hold (P5–P95) is computed from its dispersion
    app.selectbox(key=state.FORECAST_BAND).set_value("P5–P95 (90 % band)").run()
    assert_no_exception(app)
    assert not app.error
    assert any("P5–P95" in str(c.value) for c in app.caption)


@pytest.mark.slow
def test_run_forecast_saves_what_forecast_centre_returns(app_env):
    from wfm.plan.chain import ROTA_DAYS, default_start_date, forecast_centre, rota_weeks

    ws, centre, history = _saved_sample_inputs(app_env)
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("Run forecast" in str(info.value) for info in app.info)  # nothing saved yet
    app.selectbox(key=state.FORECAST_MODEL).set_value(FAST_MODEL)
    app.button(key=state.FORECAST_RUN).click()
    app.run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]

    saved = ws.latest_forecast()
    assert saved is not None
    start = default_start_date(history)
    assert saved.meta["start_date"] == start.isoformat()
    horizon_days = ROTA_DAYS * rota_weeks(
        centre
    )  # the planning horizon in whole weeks (7 days for the sample)
    assert saved.meta["horizon_days"] == horizon_days
    assert saved.meta["model"] == FAST_MODEL
    expected = forecast_centre(centre, history, start, horizon_days=horizon_days, model=FAST_MODEL)
    totals = saved.frame.groupby("queue")["offered"].sum()
    assert totals.to_dict() == pytest.approx(expected.groupby("queue")["offered"].sum().to_dict())
    assert len(saved.frame) == len(expected)
    assert saved.frame["interval_start"].min().date() == start
    # the page now shows it
    assert any("Forecast" in str(s.value) and str(saved.id) in str(s.value) for s in app.subheader)


@pytest.mark.slow  # over 3 s of CPU (the fast loop's limit, pyproject.toml)
def test_as_of_update_and_holiday_country_reach_the_forecast(app_env):
    """The as-of toggle and time and the holiday country go to forecast_centre unchanged."""
    from wfm.plan.chain import ROTA_DAYS, forecast_centre, rota_weeks

    ws, centre, history = _saved_sample_inputs(app_env)
    last_day = history.frame["interval_start"].max().tz_convert(TZ).date()
    app = open_page(PAGE)
    assert app.text_input(key=state.FORECAST_HOLIDAY_COUNTRY).value == centre.country
    assert app.time_input(key=state.FORECAST_AS_OF_TIME).disabled  # until the toggle is on
    app.selectbox(key=state.FORECAST_MODEL).set_value(FAST_MODEL)
    app.date_input(key=state.FORECAST_START_DATE).set_value(last_day)
    app.text_input(key=state.FORECAST_HOLIDAY_COUNTRY).set_value("")
    app.toggle(key=state.FORECAST_AS_OF_ON).set_value(True)
    app.run(timeout=WORK_TIMEOUT_SECONDS)
    app.time_input(key=state.FORECAST_AS_OF_TIME).set_value(dt.time(11, 0))
    app.button(key=state.FORECAST_RUN).click()
    app.run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]

    saved = ws.latest_forecast()
    as_of = dt.datetime.combine(last_day, dt.time(11, 0))
    assert saved.meta["as_of"] == as_of.isoformat(timespec="minutes")
    assert saved.meta["holidays"] == "none"
    horizon_days = ROTA_DAYS * rota_weeks(centre)
    expected = forecast_centre(
        centre,
        history,
        last_day,
        horizon_days=horizon_days,
        model=FAST_MODEL,
        as_of=as_of,
        holiday_country="",
    )
    assert saved.frame["offered"].to_numpy() == pytest.approx(expected["offered"].to_numpy())
    # The rest of the as-of day says it was updated; the morning and later days do not.
    starts = saved.frame["interval_start"].dt.tz_convert(TZ).dt.tz_localize(None)
    updated = saved.frame["model"].astype(str).str.contains("intraday update")
    rest = (starts >= pd.Timestamp(as_of)) & (starts.dt.date == last_day)
    assert updated.any() and (updated == rest).all()


@pytest.mark.slow
def test_a_first_date_without_enough_history_is_an_error_and_saves_nothing(app_env):
    ws, _, history = _saved_sample_inputs(app_env)
    app = open_page(PAGE)
    first_day = history.frame["interval_start"].min().date()
    app.selectbox(key=state.FORECAST_MODEL).set_value(FAST_MODEL)
    app.date_input(key=state.FORECAST_START_DATE).set_value(first_day + dt.timedelta(days=3))
    app.button(key=state.FORECAST_RUN).click()
    app.run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert app.error and "14" in str(app.error[0].value)
    assert ws.latest_forecast() is None


def test_run_backtest_shows_the_leaderboard_of_the_queue(planned_store, monkeypatch):
    # two fast models and two target days keep this run to seconds (the page backtests five models on four days)
    monkeypatch.setattr(forecast_data, "DEFAULT_MODELS", ("seasonal_naive", "same_slot_average"))
    monkeypatch.setattr(forecast_data, "BACKTEST_ORIGINS", 2)
    app = open_page(PAGE)
    queue = app.selectbox(key=state.QUEUE).value
    app.button(key=state.FORECAST_BACKTEST).click()
    app.run(timeout=WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    board = app.session_state[state.FORECAST_LEADERBOARD]["board"]
    assert set(board["queue"]) == {queue}
    assert set(board["model"]) == {"seasonal_naive", "same_slot_average"}
    assert set(board["horizon_days"]) == set(forecast_data.BACKTEST_HORIZONS_DAYS)
    assert (board["days"] == 2).all()
    assert "Download leaderboard (CSV)" in {b.label for b in app.get("download_button")}
    # kept for the session: still shown on the next run without backtesting again
    app.run()
    assert "Download leaderboard (CSV)" in {b.label for b in app.get("download_button")}


def test_the_saved_run_shows_its_model_choice_holidays_and_update(planned_store):
    """What the run told (model choice per lead band, holiday days, intraday update), kept in
    the saved forecast's metadata, is shown for the queue picked."""
    ws = Workspace.open(f"sqlite:///{planned_store}", actor="test-planner")
    saved = ws.latest_forecast()
    queue = sorted(saved.frame["queue"].astype(str).unique())[0]
    board = [
        dict(queue=queue, first_lead_days=1, last_lead_days=1, rank=rank, model=model,
             wape=wape, bias=-0.01, origins=10, chosen=chosen)
        for rank, model, wape, chosen in [
            (1, "root_profile", 0.0700, False),
            (2, "combination(top_down+root_profile)", 0.0705, True),
        ]
    ]  # fmt: skip
    holidays = [
        dict(queue=queue, date="2026-12-25", day_type="Christmas Day", day_ratio=0.0,
             occurrences=0, source="borrowed: closed on 2 past holiday day type(s)"),
        dict(queue="another", date="2026-12-26", day_type="Boxing Day", day_ratio=0.5,
             occurrences=1, source="learned from 1 day(s)"),
    ]  # fmt: skip
    update = [
        dict(queue=queue, as_of="2026-03-30T10:00:00+01:00", day_intervals=40,
             observed_intervals=8, observed_contacts=410.0, forecast_so_far=400.0,
             rest_intervals=32, rest_before=1600.0, rest_after=1640.0, factor=1.025)
    ]  # fmt: skip
    ws.save_forecast(
        saved.frame,
        meta={
            **saved.meta,
            "holidays": "GB",
            "model_choice": board,
            "holiday_effects": holidays,
            "intraday_update": update,
        },
    )
    app = open_page(PAGE)
    app.selectbox(key=state.QUEUE).set_value(queue).run()
    assert_no_exception(app)
    assert "How the model was chosen" in {str(s.value) for s in app.subheader}
    said = " ".join(str(m.value) for m in app.markdown)
    assert "combination(top_down+root_profile), WAPE 7.05 %" in said and "ranked 2 of 2" in said
    shown = [frame.value for frame in app.dataframe if "day_type" in frame.value.columns]
    assert len(shown) == 1 and shown[0]["day_type"].tolist() == ["Christmas Day"]  # its queue only
    infos = " ".join(str(info.value) for info in app.info)
    assert "410 contacts in the 8 intervals observed" in infos and "x1.025" in infos
    # no history drawn: the forecast alone, its band readable
    app.slider(key=state.HISTORY_WEEKS).set_value(0).run()
    assert_no_exception(app)
    assert any(str(c.value).startswith("The forecast; shaded: P10–P90") for c in app.caption)


def test_choice_chart_labels_every_candidate_and_its_wape():
    """Each lead band has its own axis sorted by WAPE, no model label dropped for overlap,
    the WAPE written on each bar, and the model used coloured apart."""
    records = [
        dict(queue="q", first_lead_days=first, last_lead_days=last, rank=rank, model=model,
             wape=wape, bias=0.0, origins=10, chosen=rank == 1)
        for first, last in [(1, 1), (2, 7)]
        for rank, (model, wape) in enumerate([("a", 0.070), ("b", 0.071), ("c", 0.09)], 1)
    ]  # fmt: skip
    frame = forecast_charts.choice_frame(records)
    assert frame["leads"].unique().tolist() == ["day-ahead", "leads 2–7 days"]
    spec = forecast_charts.choice_chart(frame).to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    bars, text = spec["spec"]["layer"]
    assert bars["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert bars["encoding"]["y"]["sort"] == {"field": "rank", "op": "min", "order": "ascending"}
    assert text["encoding"]["text"]["field"] == "wape"
    used = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    assert sorted(used.loc[used["used"] == "used", "model"]) == ["a", "a"]


def test_aht_chart_draws_a_flat_aht_under_a_labelled_top():
    """An AHT assumed constant (240 s) sat on the plot's top edge, above its last gridline
    (200 s): the scale now ends at a round value above it."""
    frame = charts.forecast_frame(
        small_forecast(), small_forecast(), "sales", history_weeks=1, interval_minutes=15
    )
    spec = charts.forecast_chart(frame.assign(aht_seconds=240.0), "aht_seconds").to_dict()
    top = spec["encoding"]["y"]["scale"]["domain"][1]
    assert 240 < top <= 300 and top % 50 == 0


def test_zero_weeks_of_history_draws_the_forecast_alone():
    frame = charts.forecast_frame(
        small_forecast(), small_forecast(), "sales", history_weeks=0, interval_minutes=15
    )
    assert set(frame["series"]) == {"forecast"} and len(frame) == len(small_forecast())
