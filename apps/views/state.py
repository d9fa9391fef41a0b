"""Session-state keys of the app, in one place.

Widgets that should keep their value when the user moves between pages are created with
``key=<one of these>`` and ``persist_state="session"``; the same key on two pages (the
queue picker) makes the choice follow the user from page to page.
"""

from __future__ import annotations

#: Queue shown on the forecast, requirements, rota and what-if pages.
QUEUE = "queue"
#: Weeks of history drawn before the forecast [weeks].
HISTORY_WEEKS = "history_weeks"
#: Measure drawn in the requirements heat map (a column of the requirements frame).
REQUIREMENTS_MEASURE = "requirements_measure"
#: Team and day filters of the rota Gantt chart.
ROTA_TEAM = "rota_team"
ROTA_DAY = "rota_day"
#: What-if sliders, all in percent (the library takes fractions and factors).
WHATIF_VOLUME_CHANGE_PERCENT = "whatif_volume_change_percent"
WHATIF_AHT_CHANGE_PERCENT = "whatif_aht_change_percent"
WHATIF_SERVICE_LEVEL_TARGET_PERCENT = "whatif_service_level_target_percent"
WHATIF_SHRINKAGE_PERCENT = "whatif_shrinkage_percent"
#: Staffing page: the interval whose service curve is drawn, and the patience [seconds]
#: (0 = callers never abandon: Erlang C).
STAFFING_INTERVAL = "staffing_interval"
STAFFING_PATIENCE_SECONDS = "staffing_patience_seconds"
#: Forecast page: the overrides table and the button that runs the backtest.
FORECAST_OVERRIDES = "forecast_overrides"
FORECAST_BACKTEST = "forecast_backtest"
