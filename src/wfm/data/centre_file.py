"""A centre as a TOML file that :func:`wfm.config.load_centre` reads back to the same centre.

The app's "Download centre TOML" button and anyone who edits a centre in code and wants it
back as a file use :func:`centre_toml`; :func:`write_centre_toml` writes it atomically.

Example
-------
>>> from pathlib import Path
>>> from wfm.config import load_centre
>>> sample = Path(__file__).resolve().parents[3] / "data" / "sample" / "centre.toml"
>>> centre = load_centre(sample)
>>> import tempfile
>>> copy = Path(tempfile.mkdtemp()) / "centre.toml"
>>> _ = write_centre_toml(centre, copy)
>>> load_centre(copy).queues == centre.queues
True
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path

from wfm.config import Centre
from wfm.data.io import write_files_atomic

#: Centre fields that name files (written resolved against the centre's folder).
PATH_FIELDS = ("history", "agents", "agent_states", "availability", "preferences")


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML: {value!r}")


def _toml_key(key: str) -> str:
    return (
        key
        if key.replace("_", "").replace("-", "").isalnum() and key.isascii()
        else json.dumps(key)
    )


def _toml_table(values: Mapping, notes: dict[str, str]) -> list[str]:
    lines = []
    for key, value in values.items():
        if value is None:
            if key in notes:
                lines.append(f"# {key}: {notes[key]}")
            continue
        lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return lines


def centre_toml(centre: Centre, *, absolute_paths: bool = True) -> str:
    """The centre as a TOML file that :func:`wfm.config.load_centre` reads back to the same centre.

    Parameters
    ----------
    centre
        The centre.
    absolute_paths
        Write file paths (history, agents, ...) resolved against the centre's folder, so the
        downloaded file works from any folder on this machine.

    Notes
    -----
    TOML has no null: optional fields that are none are left out, so that they take their
    defaults. A queue without an occupancy cap (``max_occupancy`` none, whose default is
    0.85) is written as ``max_occupancy = 1.0``: a 100 % cap, which never binds.
    """
    data = centre.model_dump(exclude={"base_dir"})
    top = {}
    for key in list(data):
        if not isinstance(data[key], dict | list | tuple):
            top[key] = data.pop(key)
    for name in PATH_FIELDS:
        path = getattr(centre, name)
        if path is not None:
            top[name] = str(centre.resolve(path).resolve() if absolute_paths else path)
    lines = [
        f"# Centre settings written by wfm on {dt.date.today().isoformat()}; see docs/data-formats.md.",
        "",
        "[centre]",
    ]
    lines += _toml_table(top, {})
    lines += ["", "[opening_hours]"] + _toml_table(data.pop("opening_hours"), {})
    for array in ("queues", "shift_templates", "break_rules", "contracts", "shift_types"):
        for item in data.pop(array):
            if array == "queues" and item.get("max_occupancy") is None:
                item["max_occupancy"] = 1.0
            lines += ["", f"[[{array}]]"] + _toml_table(item, {})
    for name, values in data.items():
        lines += ["", f"[{name}]"] + _toml_table(
            values, {"start_date": "not set: the Monday after the history ends"}
        )
    return "\n".join(lines) + "\n"


def write_centre_toml(centre: Centre, path: str | Path, *, absolute_paths: bool = True) -> Path:
    """Write :func:`centre_toml` to ``path`` atomically (all or nothing); return the path."""
    target = Path(path)
    write_files_atomic({target: centre_toml(centre, absolute_paths=absolute_paths)})
    return target
