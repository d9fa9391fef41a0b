"""Pure conversions between a :class:`~wfm.config.Centre` and the Settings page's tables.

The Settings page edits the centre as tables (queues, shift templates, break rules,
contracts, opening hours) and scalar inputs; this module turns a centre into those tables
and the edited tables back into the raw dict that :func:`wfm.config.parse_centre` validates.
It holds no domain rules: every check is the config models' own. Fractions are shown as
percentages in the tables (``service_level_target_percent = 80`` for 0.8) and converted back.

The centre as TOML text (the "Download centre TOML" button) is
:func:`wfm.config_toml.centre_toml`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from wfm import config_toml
from wfm.config import Centre

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Centre fields edited as scalars in the "General" section.
GENERAL_FIELDS = (
    "name",
    "timezone",
    "country",
    "subdivision",
    "interval_minutes",
    "close_on_holidays",
)
#: Centre fields that name files (kept as saved; not edited on the page).
PATH_FIELDS = config_toml.PATH_FIELDS
#: Nested settings edited with one input per field.
SETTINGS_SECTIONS = ("planning", "scheduling", "privacy")
#: Queue fields shown in percent in the queues table: field -> table column.
QUEUE_PERCENT_COLUMNS = {
    "service_level_target": "service_level_target_percent",
    "max_occupancy": "max_occupancy_percent",
    "shrinkage_fraction": "shrinkage_percent",
}
QUEUE_COLUMNS = (
    "name",
    "service_level_target_percent",
    "answer_threshold_seconds",
    "max_occupancy_percent",
    "asa_target_seconds",
    "shrinkage_percent",
)
#: Queue fields where an empty cell means "none" (no cap, no ASA target, the planning shrinkage).
QUEUE_NULLABLE = ("max_occupancy", "asa_target_seconds", "shrinkage_fraction")
SHIFT_COLUMNS = (
    "name",
    "days",
    "earliest_start",
    "latest_start",
    "start_step_minutes",
    "lengths_minutes",
)
BREAK_COLUMNS = (
    "name",
    "activity",
    "duration_minutes",
    "paid",
    "min_shift_minutes",
    "earliest_start_after_minutes",
    "latest_start_after_minutes",
)
#: Separator of list cells (shift days and lengths) in the tables.
LIST_SEPARATOR = ", "


def _plain(value):
    """A numpy/pandas scalar as a Python value; missing (NaN, None, empty text) as ``None``."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _rows(table: pd.DataFrame) -> list[dict]:
    """Rows of an edited table as dicts of plain values, empty rows (added and left blank) skipped."""
    rows = []
    for record in table.to_dict("records"):
        row = {str(key): _plain(value) for key, value in record.items()}
        if any(value is not None for value in row.values()):
            rows.append(row)
    return rows


def _split(text) -> list[str]:
    if text is None:
        return []
    if isinstance(text, list | tuple):
        return [str(part).strip() for part in text if str(part).strip()]
    return [part.strip() for part in str(text).replace(";", ",").split(",") if part.strip()]


def _integer(text: str):
    """``"240"`` -> 240; text that is not a whole number is kept (the config model reports it)."""
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def _from_percent(value):
    return None if value is None else round(float(value) / 100, 10)


def _to_percent(value):
    return None if value is None else round(100 * float(value), 8)


# --- centre -> tables --------------------------------------------------------------------
def general_values(centre: Centre) -> dict:
    """The centre's general scalar fields (:data:`GENERAL_FIELDS`)."""
    return {name: getattr(centre, name) for name in GENERAL_FIELDS}


def opening_hours_table(centre: Centre) -> pd.DataFrame:
    """One row per weekday: ``day``, ``hours`` ('HH:MM-HH:MM' or 'closed'; a missing day is closed)."""
    return pd.DataFrame(
        {
            "day": list(WEEKDAYS),
            "hours": [centre.opening_hours.get(day, "closed") for day in WEEKDAYS],
        }
    )


def queues_table(centre: Centre) -> pd.DataFrame:
    """Queues with fractions in percent (:data:`QUEUE_COLUMNS`)."""
    rows = []
    for queue in centre.queues:
        values = queue.model_dump()
        row = {}
        for column in QUEUE_COLUMNS:
            field = next((f for f, c in QUEUE_PERCENT_COLUMNS.items() if c == column), column)
            value = values[field]
            row[column] = _to_percent(value) if field in QUEUE_PERCENT_COLUMNS else value
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(QUEUE_COLUMNS))
    for column in QUEUE_COLUMNS[1:]:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    return table


def shift_templates_table(centre: Centre) -> pd.DataFrame:
    """Shift templates, days and lengths as text lists (``mon, tue``; ``240, 360``)."""
    rows = [
        {
            "name": t.name,
            "days": LIST_SEPARATOR.join(t.days),
            "earliest_start": t.earliest_start,
            "latest_start": t.latest_start,
            "start_step_minutes": t.start_step_minutes,
            "lengths_minutes": LIST_SEPARATOR.join(str(length) for length in t.lengths_minutes),
        }
        for t in centre.shift_templates
    ]
    return pd.DataFrame(rows, columns=list(SHIFT_COLUMNS))


def break_rules_table(centre: Centre) -> pd.DataFrame:
    """Break rules, one row each (:data:`BREAK_COLUMNS`)."""
    return pd.DataFrame(
        [rule.model_dump() for rule in centre.break_rules], columns=list(BREAK_COLUMNS)
    )


def contract_columns() -> tuple[str, ...]:
    """Columns of the contracts table: every :class:`~wfm.config.Contract` field."""
    from wfm.config import Contract

    return tuple(Contract.model_fields)


def contracts_table(centre: Centre) -> pd.DataFrame:
    """Contracts, one row each (every field of the model)."""
    return pd.DataFrame(
        [c.model_dump() for c in centre.contracts], columns=list(contract_columns())
    )


# --- tables -> raw dict ------------------------------------------------------------------
def opening_hours_from_table(table: pd.DataFrame) -> dict[str, str]:
    """``{day: hours}`` from the opening-hours table; empty cells are closed days."""
    return {row["day"]: row.get("hours") or "closed" for row in _rows(table) if row.get("day")}


def queues_from_table(table: pd.DataFrame) -> list[dict]:
    """Queue dicts (fractions) from the queues table; empty optional cells mean none."""
    queues = []
    for row in _rows(table):
        queue = {}
        for column in QUEUE_COLUMNS:
            field = next((f for f, c in QUEUE_PERCENT_COLUMNS.items() if c == column), column)
            value = row.get(column)
            if field in QUEUE_PERCENT_COLUMNS:
                value = _from_percent(value)
            if value is not None or field in QUEUE_NULLABLE:
                queue[field] = value
        queues.append(queue)
    return queues


def shift_templates_from_table(table: pd.DataFrame) -> list[dict]:
    """Shift template dicts from the table (days and lengths split on commas)."""
    templates = []
    for row in _rows(table):
        template = {
            key: value for key, value in row.items() if value is not None and key in SHIFT_COLUMNS
        }
        if "days" in template:
            template["days"] = [day.lower() for day in _split(template["days"])]
        if "lengths_minutes" in template:
            template["lengths_minutes"] = [
                _integer(part) for part in _split(template["lengths_minutes"])
            ]
        templates.append(template)
    return templates


def _records(table: pd.DataFrame, columns) -> list[dict]:
    return [
        {k: v for k, v in row.items() if v is not None and k in columns} for row in _rows(table)
    ]


def break_rules_from_table(table: pd.DataFrame) -> list[dict]:
    """Break rule dicts from the table (empty cells take the model's defaults)."""
    return _records(table, BREAK_COLUMNS)


def contracts_from_table(table: pd.DataFrame) -> list[dict]:
    """Contract dicts from the table (empty cells take the model's defaults)."""
    return _records(table, contract_columns())


def raw_centre(
    centre: Centre,
    *,
    general: Mapping | None = None,
    opening_hours: Mapping[str, str] | None = None,
    queues: list[dict] | None = None,
    shift_templates: list[dict] | None = None,
    break_rules: list[dict] | None = None,
    contracts: list[dict] | None = None,
    sections: Mapping[str, Mapping] | None = None,
) -> dict:
    """The raw dict for :func:`wfm.config.parse_centre`: ``centre`` with the given parts replaced.

    Parts left ``None`` keep the centre's values; file paths are always kept.
    """
    data = centre.model_dump(exclude={"base_dir"})
    for name in PATH_FIELDS:
        if data.get(name) is not None:
            data[name] = str(data[name])
    if general is not None:
        data.update({key: _plain(value) for key, value in general.items()})
    if opening_hours is not None:
        data["opening_hours"] = dict(opening_hours)
    for name, value in (
        ("queues", queues),
        ("shift_templates", shift_templates),
        ("break_rules", break_rules),
        ("contracts", contracts),
    ):
        if value is not None:
            data[name] = value
    for name, values in (sections or {}).items():
        data[name] = {key: _plain(value) for key, value in values.items()}
    return data


#: Table headings in the planner's words, with units, where the generic rule of
#: :func:`column_label` would read badly.
COLUMN_LABELS = {
    "name": "Name",
    "day": "Day",
    "hours": "Opening hours",
    "days": "Days",
    "earliest_start": "Earliest start",
    "latest_start": "Latest start",
    "paid": "Paid",
    "earliest_start_after_minutes": "Earliest start after shift start [min]",
    "latest_start_after_minutes": "Latest start after shift start [min]",
    "min_rest_hours": "Shortest rest between shifts [h]",
    "cost_per_paid_hour": "Cost per paid hour",
    "shift_templates": "Shift templates",
    "shift_lengths_minutes": "Shift lengths [min]",
    "forbidden_shift_sequences": "Forbidden shift sequences",
    "extra_start_time_cost": "Cost of each extra start time",
    "min_days_off_run_length": "Shortest run of days off [days]",
    "rotation_weeks": "Rotation repeats every [weeks]",
    "asa_target_seconds": "ASA target [s]",
    "lengths_minutes": "Shift lengths [min]",
    "min_shift_minutes": "Shortest shift that gets it [min]",
}
#: Name endings turned into units by :func:`column_label`.
_UNIT_SUFFIXES = (
    ("_minutes", " [min]"),
    ("_seconds", " [s]"),
    ("_percent", " [%]"),
    ("_per_week", " a week"),
    ("_per_horizon", " over the horizon"),
)


def column_label(column: str) -> str:
    """A table heading in words: ``'max_hours_per_week' -> 'Max hours a week'``,
    ``'start_step_minutes' -> 'Start step [min]'`` (or :data:`COLUMN_LABELS`'s)."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    text, unit = column, ""
    for suffix, words in _UNIT_SUFFIXES:
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], words + unit
    text = text.replace("min_", "shortest " if "consecutive" in text else "min ", 1)
    text = text.replace("max_", "most " if "consecutive" in text else "max ", 1)
    return (text.replace("_", " ").strip().capitalize() + unit).strip()


def column_labels(table: pd.DataFrame, **explicit) -> dict:
    """``column_config`` for a table editor: every column headed by :func:`column_label`,
    with ``explicit`` column configs taking precedence."""
    return {column: column_label(column) for column in table.columns} | explicit
