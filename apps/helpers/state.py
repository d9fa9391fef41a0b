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
#: Rota Gantt chart: the agent search and the page shown (key prefix).
ROTA_SEARCH = "rota_search"
ROTA_GANTT_PAGE = "rota_gantt_page"
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

# Each page's keys below its own heading (one helper per heading while pages are rebuilt).
# --- Data page (views/upload.py) ---
#: Time zone of naive timestamps in uploads; format of the agent-state upload.
DATA_TIMEZONE = "data_timezone"
DATA_STATES_FORMAT = "data_states_format"
#: Imports already validated in this session: import key -> (ok, report) (so a rerun does not save twice).
DATA_IMPORTS = "data_imports"
#: What the "Use the sample centre" button saved, shown after the rerun.
DATA_SAMPLE_SAVED = "data_sample_saved"

# --- Settings page (views/settings.py) ---
#: Audit trail filters, and the message of the last purge or save.
SETTINGS_AUDIT_ACTIONS = "settings_audit_actions"
SETTINGS_AUDIT_ACTORS = "settings_audit_actors"
SETTINGS_MESSAGE = "settings_message"
SETTINGS_PURGE_MESSAGE = "settings_purge_message"

# --- Forecast and Staffing pages (views/forecast.py, views/staffing.py) ---
#: Forecast page: the run's model, first date, horizon [days]; the band drawn; its buttons;
#: the backtest leaderboard kept for the session ({"key": ..., "board": frame}).
FORECAST_MODEL = "forecast_model"
FORECAST_START_DATE = "forecast_start_date"
FORECAST_HORIZON_DAYS = "forecast_horizon_days"
FORECAST_BAND = "forecast_band"
FORECAST_RUN = "forecast_run"
FORECAST_AS_OF_ON = "forecast_as_of_on"
FORECAST_AS_OF_TIME = "forecast_as_of_time"
FORECAST_HOLIDAY_COUNTRY = "forecast_holiday_country"
FORECAST_SAVE_OVERRIDES = "forecast_save_overrides"
FORECAST_LEADERBOARD = "forecast_leaderboard"
#: Forecast page: a message kept across the rerun after saving overrides.
FORECAST_MESSAGE = "forecast_message"
#: Staffing page: the volume staffed to (None = the mean, else a quantile fraction) and its button.
STAFFING_QUANTILE = "staffing_quantile"
STAFFING_COMPUTE = "staffing_compute"

# --- Rota builder page (views/rota_builder.py) ---
#: The rota version shown (a version id), and a message to show once after a rerun.
ROTA_VERSION = "rota_version"
ROTA_MESSAGE = "rota_message"
#: Rules and agents for the next run: the editors of shift templates, break rules,
#: contracts and agents; one input per scheduling setting (key prefix + field name); the
#: new rota's name.
ROTA_TEMPLATES = "rota_templates"
ROTA_BREAK_RULES = "rota_break_rules"
ROTA_CONTRACTS = "rota_contracts"
ROTA_AGENTS = "rota_agents"
ROTA_SETTING_PREFIX = "rota_setting_"
ROTA_NAME = "rota_name"
#: Manual edits: the unsaved edits ({"version": id, "updated_at": text, "rota": frame,
#: "notes": [text]}), the agent, day and kind of edit, how breaks follow a moved shift,
#: the break moved, the template and length of an added shift, the note saved with the edit.
ROTA_PENDING = "rota_pending"
ROTA_EDIT_AGENT = "rota_edit_agent"
ROTA_EDIT_DAY = "rota_edit_day"
ROTA_EDIT_ACTION = "rota_edit_action"
ROTA_EDIT_BREAKS = "rota_edit_breaks"
ROTA_EDIT_BREAK = "rota_edit_break"
ROTA_EDIT_TEMPLATE = "rota_edit_template"
ROTA_EDIT_LENGTH = "rota_edit_length"
ROTA_EDIT_NOTE = "rota_edit_note"

# --- What-if, Adherence and Review pages ---
#: What if: the other controls (absenteeism [%], headcount change [agents], caller
#: patience [s], the measure drawn per interval), the scenario name, and the named
#: scenarios kept for the session (name -> wfm.review.scenarios.Scenario).
WHATIF_ABSENTEEISM_PERCENT = "whatif_absenteeism_percent"
WHATIF_HEADCOUNT_CHANGE_AGENTS = "whatif_headcount_change_agents"
WHATIF_PATIENCE_SECONDS = "whatif_patience_seconds"
WHATIF_MEASURE = "whatif_measure"
WHATIF_SCENARIO_NAME = "whatif_scenario_name"
WHATIF_KEPT_SCENARIOS = "whatif_kept_scenarios"
WHATIF_SENSITIVITY_FROM_SCENARIO = "whatif_sensitivity_from_scenario"
#: What if: the rota version tested, the saved scenario picked to reopen, "replace the saved
#: scenario of that name", a message kept across a rerun, and whether the page's full run
#: (not only its live part) is drawing now.
WHATIF_ROTA_VERSION = "whatif_rota_version"
WHATIF_SAVED_PICK = "whatif_saved_pick"
WHATIF_REPLACE = "whatif_replace"
WHATIF_MESSAGE = "whatif_message"
WHATIF_FULL_RUN = "whatif_full_run"
#: What if: the (scenario, patience) the live part last drew; the rest of the page draws the same.
WHATIF_DRAWN_WITH = "whatif_drawn_with"
#: Adherence: which rota (a stored version id, or the sample's published rota), tolerances
#: [minutes], team and day filters, the agent of the timeline.
ADHERENCE_ROTA_SOURCE = "adherence_rota_source"
ADHERENCE_TOLERANCE_MINUTES = "adherence_tolerance_minutes"
ADHERENCE_BREAK_TOLERANCE_MINUTES = "adherence_break_tolerance_minutes"
ADHERENCE_LUNCH_TOLERANCE_MINUTES = "adherence_lunch_tolerance_minutes"
ADHERENCE_TEAM = "adherence_team"
ADHERENCE_DAY = "adherence_day"
ADHERENCE_AGENT = "adherence_agent"
#: Review: the period (first and last date), the service-level counting variant, the
#: forecast compared with the actuals.
REVIEW_PERIOD = "review_period"
REVIEW_SL_DEFINITION = "review_sl_definition"
REVIEW_FORECAST_SOURCE = "review_forecast_source"
REVIEW_QUEUE = "review_queue"

# --- Capacity page (views/capacity.py) ---
#: Horizon [months] and the scenario sliders (percent and percentage points).
CAPACITY_MONTHS = "capacity_months"
CAPACITY_VOLUME_CHANGE_PERCENT = "capacity_volume_change_percent"
CAPACITY_AHT_CHANGE_PERCENT = "capacity_aht_change_percent"
CAPACITY_ATTRITION_CHANGE_POINTS = "capacity_attrition_change_points"
CAPACITY_SHRINKAGE_CHANGE_POINTS = "capacity_shrinkage_change_points"
#: Scenarios kept for side-by-side comparison: name -> summary dict; optimised plans by
#: scenario key; an uploaded capacity TOML (text).
CAPACITY_KEPT = "capacity_kept"
CAPACITY_OPTIMISED = "capacity_optimised"
CAPACITY_SETTINGS_TEXT = "capacity_settings_text"

# --- Today page (views/today.py) ---
#: The feed folder typed in, the folder a played sample day was written to, the as-of time.
TODAY_FOLDER = "today_folder"
TODAY_FOLDER_PLAYED = "today_folder_played"
TODAY_AS_OF = "today_as_of"
TODAY_REPLAN = "today_replan"
TODAY_MESSAGE = "today_message"
