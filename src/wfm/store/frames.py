"""DataFrames to long rows and back, with dtypes and time zones restored.

A frame is stored as one ``frames`` row (column names, dtypes and time zones as JSON) and
one ``frame_rows`` row per DataFrame row (the values as a JSON list). Tz-aware timestamps are
written as UTC ISO 8601 text and converted back to their time zone and resolution on load;
dates (``datetime.date``) as ISO dates; missing values as ``null``. Supported column kinds:
tz-aware datetimes, dates, integers, floats, booleans and text; anything else is an error
rather than a silent conversion.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import numpy as np
import pandas as pd
from sqlalchemy import Connection, insert, select

from wfm.errors import WfmError
from wfm.store import schema

logger = logging.getLogger(__name__)

#: Rows per INSERT statement.
BATCH_ROWS = 5_000


def _column_kind(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "datetime_tz"
    if pd.api.types.is_datetime64_dtype(dtype):
        raise WfmError(
            f"column '{series.name}' holds timestamps without a time zone; localise them before storing"
        )
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        present = series.dropna()
        if len(present) and all(type(value) is dt.date for value in present):
            return "date"
        if all(isinstance(value, str) for value in present):
            return "text"
    raise WfmError(f"column '{series.name}' has dtype {dtype}, which the store cannot keep exactly")


def _encode(series: pd.Series, kind: str) -> list:
    if kind == "datetime_tz":
        utc = series.dt.tz_convert("UTC")
        return [None if pd.isna(v) else v.isoformat() for v in utc]
    if kind == "date":
        return [None if pd.isna(v) else v.isoformat() for v in series]
    if kind == "float":
        return [None if np.isnan(v) else float(v) for v in series.to_numpy(dtype=float)]
    if kind in ("int", "bool"):
        caster = int if kind == "int" else bool
        return [None if pd.isna(v) else caster(v) for v in series.astype(object)]
    return [None if pd.isna(v) else str(v) for v in series]


def _decode(values: list, column: dict) -> pd.Series:
    kind, dtype = column["kind"], column["dtype"]
    if kind == "datetime_tz":
        parsed = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
        return parsed.dt.tz_convert(column["tz"]).astype(dtype)
    if kind == "date":
        return pd.Series(
            [None if v is None else dt.date.fromisoformat(v) for v in values], dtype=object
        )
    if kind == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype=dtype)
    return pd.Series(values, dtype=dtype)


def save_frame(conn: Connection, frame: pd.DataFrame) -> int:
    """Insert ``frame`` (index dropped) inside the caller's transaction; return its frame id."""
    columns = []
    encoded = []
    for name in frame.columns:
        series = frame[name]
        kind = _column_kind(series)
        info = {"name": str(name), "kind": kind, "dtype": str(series.dtype)}
        if kind == "datetime_tz":
            info["tz"] = str(series.dt.tz)
        columns.append(info)
        encoded.append(_encode(series, kind))
    frame_id = conn.execute(
        insert(schema.frames).values(columns_json=json.dumps(columns), n_rows=len(frame))
    ).inserted_primary_key[0]
    rows = (
        [
            {"frame_id": frame_id, "row_number": i, "values_json": json.dumps(list(values))}
            for i, values in enumerate(zip(*encoded, strict=True))
        ]
        if encoded
        else []
    )
    for start in range(0, len(rows), BATCH_ROWS):
        conn.execute(insert(schema.frame_rows), rows[start : start + BATCH_ROWS])
    logger.debug("frame %d stored: %d rows x %d columns", frame_id, len(frame), len(columns))
    return frame_id


def load_frame(conn: Connection, frame_id: int) -> pd.DataFrame:
    """The frame stored under ``frame_id``, with a fresh RangeIndex."""
    columns_json = conn.execute(
        select(schema.frames.c.columns_json).where(schema.frames.c.id == frame_id)
    ).scalar_one()
    columns = json.loads(columns_json)
    rows = (
        conn.execute(
            select(schema.frame_rows.c.values_json)
            .where(schema.frame_rows.c.frame_id == frame_id)
            .order_by(schema.frame_rows.c.row_number)
        )
        .scalars()
        .all()
    )
    values = [json.loads(row) for row in rows]
    data = {
        column["name"]: _decode([row[i] for row in values], column)
        for i, column in enumerate(columns)
    }
    return pd.DataFrame(data, columns=[column["name"] for column in columns])
