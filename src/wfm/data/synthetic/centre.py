"""The sample centre's settings as data, and its ``centre.toml`` written from them.

The settings are plain dictionaries (the structure of ``docs/data-formats.md``) written with
:mod:`tomli_w`, so the file is valid TOML by construction and reads back to the same data.
Units are in the key names (``*_minutes``, ``*_seconds``, ``*_hours_per_week``); the few
keys without a unit in their name are explained in the file's header.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import tomli_w

from wfm.data.synthetic.defaults import INTERVAL_MINUTES, STATE_WEEKS, TIMEZONE

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _queue(name: str, answer_threshold_seconds: int) -> dict[str, Any]:
    return {
        "name": name,
        "service_level_target": 0.8,
        "answer_threshold_seconds": answer_threshold_seconds,
        "max_occupancy": 0.85,
    }


def _contract(name: str, **limits: Any) -> dict[str, Any]:
    return {"name": name} | limits | {"min_consecutive_days_off": 0, "cost_per_paid_hour": 1.0}


def centre_settings() -> dict[str, Any]:
    """The sample centre's settings, section by section, as :func:`wfm.config.parse_centre` reads them.

    Returns
    -------
    dict
        ``centre``, ``opening_hours``, ``queues``, ``shift_templates``, ``break_rules``,
        ``contracts``, ``planning`` and ``scheduling``; file paths are relative to the
        centre file.
    """
    return {
        "centre": {
            "name": "Northwind Contact Centre (sample)",
            "timezone": TIMEZONE,
            "country": "GB",
            "subdivision": "ENG",
            "interval_minutes": INTERVAL_MINUTES,
            "close_on_holidays": True,
            "history": "history.csv",
            "agents": "agents.csv",
            "agent_states": "agent_states.csv",
        },
        "opening_hours": {day: "08:00-20:00" for day in WEEKDAYS}
        | {"sat": "09:00-17:00", "sun": "closed"},
        "queues": [_queue("sales", 20), _queue("support", 30)],
        "shift_templates": [
            {
                "name": "weekday full",
                "days": WEEKDAYS,
                "earliest_start": "08:00",
                "latest_start": "11:30",  # an 11:30 start ends at 20:00, closing time
                "start_step_minutes": 30,
                "lengths_minutes": [510],  # 8 h paid + 30 min unpaid lunch
            },
            {
                "name": "weekday part-time",
                "days": WEEKDAYS,
                "earliest_start": "08:00",
                "latest_start": "16:00",  # 4 h shifts fit up to 16:00, 6 h up to 14:00
                "start_step_minutes": 30,
                "lengths_minutes": [240, 360],  # 4 h; 6 h with a 30 min unpaid lunch
            },
            {
                "name": "saturday",
                "days": ["sat"],
                "earliest_start": "09:00",
                "latest_start": "13:00",  # 4 h shifts fit up to 13:00, 8 h only at 09:00
                "start_step_minutes": 30,
                "lengths_minutes": [240, 480],
            },
        ],
        # The windows of one shift do not overlap: each break ends before the next opens.
        "break_rules": [
            {
                "name": "morning break",
                "activity": "break",
                "duration_minutes": 15,
                "paid": True,
                "min_shift_minutes": 240,
                "earliest_start_after_minutes": 90,
                "latest_start_after_minutes": 150,
            },
            {
                "name": "lunch",
                "activity": "lunch",
                "duration_minutes": 30,
                "paid": False,
                "min_shift_minutes": 360,
                "earliest_start_after_minutes": 180,
                "latest_start_after_minutes": 300,
            },
            {
                "name": "afternoon break",
                "activity": "break",
                "duration_minutes": 15,
                "paid": True,
                "min_shift_minutes": 480,
                "earliest_start_after_minutes": 360,
                "latest_start_after_minutes": 420,
            },
        ],
        "contracts": [
            _contract(
                "full_time",
                min_hours_per_week=32,
                max_hours_per_week=40,
                min_days_per_week=4,
                max_days_per_week=5,
                max_shift_minutes=540,
                min_rest_hours=11,
                max_consecutive_working_days=6,
            ),
            _contract(
                "part_time",
                min_hours_per_week=16,
                max_hours_per_week=30,
                min_days_per_week=3,
                max_days_per_week=5,
                max_shift_minutes=390,
                min_rest_hours=11,
                max_consecutive_working_days=6,
            ),
        ],
        "planning": {
            "horizon_days": 7,
            "forecast_model": "auto",
            "shrinkage_fraction": 0.30,
        },
        "scheduling": {
            "time_limit_seconds": 180,
            "relative_gap": 0.01,
            "threads": 1,
            "seed": 0,
            "under_staffing_cost_per_agent_hour": 10.0,
            "over_staffing_cost_per_agent_hour": 0.5,
        },
    }


def _header(*, seed: int, history_start: dt.date, end_date: dt.date, years: int) -> str:
    planning_start = end_date + dt.timedelta(days=7 - end_date.weekday())
    return f"""\
# Northwind Contact Centre: a synthetic sample centre, not real data (see README.md).
# Generated by `python -m wfm.data.synthetic OUT_DIR --seed {seed} --end-date {end_date.isoformat()} --years {years}`.
# Paths are relative to this file; clock times are local wall-clock times in `timezone`.
# history.csv holds {INTERVAL_MINUTES}-minute intervals from {history_start.isoformat()} to {end_date.isoformat()};
# agent_states.csv the last {STATE_WEEKS} full weeks of it. Closed on bank holidays (`holidays`).
# Units are in the key names; besides: service_level_target, max_occupancy and
# shrinkage_fraction are fractions (0.8 = 80 %), lengths_minutes include the unpaid lunch,
# break windows count minutes after the shift start, relative_gap stops the solver at
# (objective - bound) / objective, costs are in cost units (per agent-hour short or over).
# planning.start_date is not set: planning starts on the Monday after the history
# ({planning_start.isoformat()}); threads = 1 gives a reproducible rota.
"""


def centre_toml_text(*, seed: int, history_start: dt.date, end_date: dt.date, years: int) -> str:
    """The sample centre's ``centre.toml``: a comment header, then :func:`centre_settings`.

    Tables are written as ``[name]`` and lists of tables as one ``[[name]]`` block per item,
    in the order of :func:`centre_settings`.
    """
    blocks = [_header(seed=seed, history_start=history_start, end_date=end_date, years=years)]
    for name, section in centre_settings().items():
        if isinstance(section, list):
            blocks += [f"[[{name}]]\n" + tomli_w.dumps(item) for item in section]
        else:
            blocks.append(f"[{name}]\n" + tomli_w.dumps(section))
    return "\n".join(blocks)
